"""Errors a user can act on: each names the file, the line where there is one, and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .codes import lookup


@dataclass
class BuildError(Exception):
    """A problem with a work's source, or with an edition that failed its checks.

    The code must be in the catalogue (builder/codes.py), which gives the fix unless the raise
    names a more specific one with `hint=`; an uncatalogued code is refused (UnknownCode)."""

    path: Path | str
    message: str
    line: int | None = None
    hint: str | None = None
    code: str = field(kw_only=True)

    def __post_init__(self) -> None:
        entry = lookup(self.code)
        if self.hint is None:
            self.hint = entry.fix

    @property
    def meaning(self) -> str:
        return lookup(self.code).meaning

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        text = f"{where}: {self.message} [{self.code}]"
        return f"{text}\n  fix: {self.hint}" if self.hint else text


class SourceError(BuildError):
    """The source folder of a work is malformed (metadata, text, notes)."""


class SourceErrors(SourceError):
    """Several problems of one source file, each with its own line and fix, told at once (so
    that a person mends them in one go). Its fields are the first problem's."""

    def __init__(self, problems: list[SourceError]) -> None:
        first = problems[0]
        super().__init__(first.path, first.message, first.line, first.hint, code=first.code)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


@dataclass(frozen=True)
class Finding:
    """A problem a check found in a built file, with its catalogued code (builder/codes.py).
    Here, not in the checks, so that any stage can name one without loading a checker."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"
