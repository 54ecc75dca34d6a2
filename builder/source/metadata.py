"""A work's metadata: `work.toml`, read with tomllib and validated strictly with pydantic.

Unknown or misspelt keys are errors, not silently ignored; every error names the line, and
a file with several problems is told all of them at once (a misspelt key as the unknown key it
is, with the known key it is likely meant for).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from ..errors import SourceError, SourceErrors
from .sourcefile import CONTROL, invisible, read_source


def _as_list(value: object) -> object:
    """Let a single name stand where a list of names is expected."""
    return [value] if isinstance(value, str) else value


def _as_text(value: object) -> object:
    """Years and volumes may be written as numbers or as the archive prints them ("[1974]")."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if CONTROL.search(value):
        raise ValueError("has a control character (a form feed or other invisible character); delete it")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Names = Annotated[list[Text], BeforeValidator(_as_list)]
Number = Annotated[Text, BeforeValidator(_as_text)]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        alias_generator=lambda name: name.replace("_", "-"),
        populate_by_name=True,
    )


class PrintedSource(_Strict):
    """The printed edition the transcription was made from."""

    title: Text
    publisher: Text | None = None
    place: Text | None = None
    year: Number | None = None
    volume: Number | None = None
    pages: Number | None = None
    note: Text | None = None


class Credits(_Strict):
    """The people whose work the text carries: MARC roles trl, trc and so on."""

    translators: Names = []
    transcribers: Names = []
    markup: Names = []
    proofreaders: Names = []


class Archive(_Strict):
    """The archive that published the transcription, and how it asks to be credited."""

    name: Text
    year: Annotated[int, Field(ge=1000, le=9999)] | None = None
    url: Url | None = None
    page: Url | None = None  # the transcription's own page, for dc:source and the colophon
    credit: Text | None = None


class Licence(_Strict):
    name: Text
    url: Url


class Rights(_Strict):
    """Public domain, a named licence with its address, or "unstated": the page said
    nothing, and the edition claims nothing until a person sets the status."""

    status: Literal["public-domain", "licensed", "unstated"]
    statement: Text | None = None
    licence: Licence | None = None
    # Notes the transcription carries that are not the text's and not free with it (an
    # editor's note, a quotation from a later translation), and whose they are.
    later_notes: list[Text] = []
    later_notes_by: Text | None = None

    @model_validator(mode="after")
    def _licence_matches_status(self) -> Rights:
        if self.status == "licensed" and self.licence is None:
            raise ValueError('status "licensed" needs a [rights.licence] with name and url')
        if self.status != "licensed" and self.licence is not None:
            raise ValueError(f'a work whose status is "{self.status}" has no licence; use status = "licensed"')
        if self.later_notes and not self.later_notes_by:
            raise ValueError("later-notes needs later-notes-by: whose the notes are, for the rights page")
        return self


class Provenance(_Strict):
    """Where one part of a volume comes from, when its parts are separate works (a year's
    letters, a volume of collected works): printed at the head of the part and in the colophon."""

    written: Text | None = None
    first_published: Text | None = None
    source: PrintedSource | None = None
    credits: Credits = Credits()

    @model_validator(mode="after")
    def _says_something(self) -> Provenance:
        if not (self.written or self.first_published or self.source or any(self.credits.model_dump().values())):
            raise ValueError("says nothing: give written, first-published, source or credits, or remove the table")
        return self


class Metadata(_Strict):
    title: Text
    subtitle: Text | None = None
    short_title: Text | None = None
    author: Text
    author_sort: Text
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    identifier: Annotated[str, Field(pattern=r"^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|https?://\S+)$")]
    year: Annotated[int, Field(ge=-3000, le=9999)] | None = None
    written: Text | None = None
    first_published: Text | None = None
    description: Text | None = None
    subjects: list[Text] = []
    parts: Annotated[list[Annotated[str, Field(pattern=r"^[\w][\w.-]*\.md$")]], Field(min_length=1)] = ["text.md"]
    source: PrintedSource | None = None
    credits: Credits = Credits()
    archive: Archive
    rights: Rights
    # Each part's own provenance, by the part's file name without ".md": [provenance.ch01].
    provenance: dict[str, Provenance] = {}

    @property
    def running_title(self) -> str:
        return self.short_title or self.title

    @property
    def work_year(self) -> str | None:
        """The year of the work, for the cover: `year` if given, else the first year that
        `written` (or else `first-published`) names."""
        if self.year is not None:
            return str(self.year)
        for text in (self.written, self.first_published):
            if text and (found := re.search(r"\b(1[0-9]{3}|20[0-9]{2})\b", text)):
                return found.group(1)
        return None


_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")


def key_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """The 1-based line where a key path such as ("source", "year") is written, if any.

    tomllib keeps no positions, so look for the key under its table header (or as an
    inline `table = { key = … }`); good enough to point a person at the right line.
    """
    names = [str(part) for part in loc if isinstance(part, str)]
    if not names:
        return None
    table: list[str] = []
    fallback = None
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = [part.strip().strip('"') for part in match.group(1).split(".")]
            if table == names:
                return number
            continue
        key = re.match(r'^\s*"?([\w-]+)"?\s*=', line)
        if not key:
            continue
        path = [*table, key.group(1)]
        if path == names:
            return number
        if names[: len(path)] == path and fallback is None:
            fallback = number  # an inline table or array holding the key
    if fallback is not None:
        return fallback
    return None


def load_metadata(path: Path, shown: str) -> Metadata:
    """Read and validate `work.toml`; raise SourceError naming the line on any fault."""
    missing = SourceError(shown, "no work.toml here", code="S001")  # the catalogue's fix: where the keys are documented
    text = read_source(path, shown, inside=path.parent, missing=missing)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+)", str(error))
        line = int(found.group(1)) if found else None
        message = str(error).split(" (at line")[0]
        raise SourceError(
            shown, f"not valid TOML: {message}", line=line, hint="see https://toml.io for the syntax", code="S003"
        ) from None
    _check_strings(data, (), text, shown)
    try:
        meta = Metadata.model_validate(data)
    except ValidationError as errors:
        problems = _problems(errors, text, shown)
        raise (problems[0] if len(problems) == 1 else SourceErrors(problems)) from None
    stems = {name.removesuffix(".md") for name in meta.parts}
    for stem in meta.provenance:
        if stem not in stems:
            raise SourceError(
                shown,
                f"[provenance.{stem}] names no part: {stem}.md is not in 'parts'",
                line=key_line(text, ("provenance", stem)),
                hint="name the table after a part's file without .md "
                f"({', '.join(sorted(stems))}), or add {stem}.md to parts",
                code="S050",
            )
    return meta


def _problems(errors: ValidationError, text: str, shown: str) -> list[SourceError]:
    """Every problem pydantic found, each with its line, in the order of the file (those
    with no line, a missing key, last). A missing key that an unknown key of the same table
    is a misspelling of is said once, as the unknown key."""
    by_key: dict[tuple[str | int, ...], ErrorDetails] = {}
    for error in errors.errors():
        by_key.setdefault(tuple(error["loc"]), error)  # a union's several ways to fail: the first
    found = list(by_key.values())
    missing = {tuple(error["loc"]) for error in found if error["type"] == "missing"}
    meant: set[tuple[str | int, ...]] = set()
    problems = []
    for error in found:
        loc = tuple(error["loc"])
        dotted = ".".join(str(part) for part in loc) or "(top level)"
        if error["type"] == "extra_forbidden":
            known = _known_keys(loc)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.75) if loc else []
            if close:
                message, hint = (
                    f"unknown key '{dotted}'",
                    f"did you mean '{close[0]}'? Correct its spelling, or remove it",
                )
                meant.add((*loc[:-1], close[0]))
            else:
                message, hint = (
                    f"unknown key '{dotted}'",
                    f"remove it or correct its spelling; known keys: {', '.join(known)}",
                )
        elif error["type"] == "missing":
            message, hint = f"missing key '{dotted}'", "add it (the keys are in docs/authoring.md)"
        else:
            reason = error["msg"].removeprefix("Value error, ")
            message = f"'{dotted}': {reason}"
            hint = _HINTS.get(str(loc[-1]) if loc else "", "see the keys and their types in docs/authoring.md")
        line = key_line(text, loc) if error["type"] != "missing" else key_line(text, loc[:-1])
        problems.append((loc, SourceError(shown, message, line=line, hint=hint, code="S004")))
    kept = [problem for loc, problem in problems if not (loc in missing and loc in meant)]
    return sorted(kept, key=lambda problem: (problem.line is None, problem.line or 0))


def _check_strings(value: object, loc: tuple[str | int, ...], text: str, shown: str) -> None:
    """Refuse a control or invisible character that a TOML escape (`\\u000c`) put in a key or a
    value: the file itself has none, so the file's own check cannot see it."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        for found in (invisible(each) for each in (key, item) if isinstance(each, str)):
            if found is None:
                continue
            where = ".".join(str(part) for part in (*loc, key)) or "(top level)"
            raise SourceError(
                shown,
                f"'{where}': {found[1]}, written as an escape",
                line=key_line(text, (*loc, key)) or key_line(text, loc),
                hint="delete the escape (\\u…); a title or name has no invisible characters",
                code="S042",
            )
        _check_strings(item, (*loc, key), text, shown)


_HINTS = {
    "language": 'a BCP 47 tag such as "en" or "de-AT"',
    "identifier": 'a stable URN or URL, e.g. "urn:uuid:…"; it must stay the same on every build',
    "url": "an http:// or https:// address",
    "parts": 'Markdown files in this folder, in reading order, e.g. ["text.md"]; at least one',
}


def _known_keys(loc: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] = Metadata
    for part in loc[:-1]:
        field = model.model_fields.get(str(part).replace("-", "_"))
        annotation = getattr(field, "annotation", None)
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if nested is None:
            break
        model = nested
    return [name.replace("_", "-") for name in model.model_fields]
