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

