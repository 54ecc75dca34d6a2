"""Errors a user can act on: each names the file, the line where there is one, and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class BuildError(Exception):
    """A problem with a work's source, or with an edition that failed its checks."""

    path: Path | str
    message: str
    line: int | None = None
    hint: str | None = None
    code: str = "B000"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        text = f"{where}: {self.message} [{self.code}]"
        return f"{text}\n  fix: {self.hint}" if self.hint else text


class SourceError(BuildError):
    """The source folder of a work is malformed (metadata, text, notes)."""


def read_source(path: Path, shown: str, *, inside: Path, missing: SourceError) -> str:
    """A source file's text, as UTF-8 with Unix line ends; `missing` is raised if there is
    none, and a file (or link) that leads outside the work's folder is refused."""
    if not path.resolve().is_relative_to(inside.resolve()):
        raise SourceError(shown, "leads outside the work's folder", hint="keep every file of a work inside its folder (no links elsewhere)", code="S019")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise missing from None
    except UnicodeDecodeError as error:
        raise SourceError(shown, f"not UTF-8 ({error.reason} at byte {error.start})", hint="save the file as UTF-8", code="S002") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
