"""Source folder → document model: read `work.toml` and the Markdown parts, and validate."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..errors import SourceError
from ..paths import project, shown_path
from .edition_date import edition_date
from .folders import find_works as find_works  # where it used to live
from .limits import check_notes, check_size
from .metadata import key_line, load_metadata
from .model import Part, Work
from .sourcefile import resolved
from .text import name_page_breaks, parse_part, valid_id

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Ids the templates give to their own elements; a source must not take them.
RESERVED_IDS = {
    "text",
    "title-page",
    "colophon",
    "colophon-heading",
    "rights",
    "rights-heading",
    "toc",
    "toc-heading",
    "cover",
    "landmarks",
    "landmarks-heading",
}
RESERVED_PREFIXES = ("note-", "noteref-", "part-", "text-", "page-")


def load_work(folder: Path, dated: datetime | None = None) -> Work:
    """The work in `folder`; `dated`: its edition's date, if already found (a shelf's keys
    find it), else it is found here (builder/source/edition_date.py)."""
    folder = resolved(folder, shown_path(folder))
    if not folder.is_dir():
        raise SourceError(
            shown_path(folder), "not a folder", hint="give the path of a work's folder under source/", code="S000"
        )
    slug = folder.name
    if not _SLUG.match(slug):
        raise SourceError(
            shown_path(folder),
            f"folder name {slug!r} is not a slug",
            hint="name it in lower case with hyphens, e.g. lenin-1912-letter-to-huysmans",
            code="S005",
        )
    meta = load_metadata(folder / "work.toml", shown_path(folder / "work.toml"))
    check_size(sum(_size(folder / name) for name in meta.parts), shown_path(folder))
    parts: list[Part] = []
    seen_ids: dict[str, str] = {}
    seen_labels: dict[str, str] = {}
    for name in meta.parts:
        path = folder / name
        # Named by position, never by file name, so that no name a source picks ("nav.md",
        # "titlepage.md") can collide with the edition's own files and ids.
        part_id = "text" if len(meta.parts) == 1 else f"part-{len(parts) + 1}"
        part = parse_part(path, shown_path(path), part_id)
        if (provenance := meta.provenance.get(name.removesuffix(".md"))) is not None:
            part = replace(part, provenance=provenance)
        for label, note in [*part.notes.items(), *part.editor_notes.items()]:
            if label in seen_labels:
                raise SourceError(
                    shown_path(path),
                    f"note label [^{label}] is also used in {seen_labels[label]}",
                    line=note.line,
                    hint="note labels must be unique across the work's parts",
                    code="S009",
                )
            seen_labels[label] = shown_path(path)
        generated = {
            part_id,
            *(n.id for n in [*part.notes.values(), *part.editor_notes.values()]),
            *(s.id for s in part.sections),
        }
        for value, line in part.ids:
            if not valid_id(value):
                raise SourceError(
                    shown_path(path),
                    f"id {value!r} is not a valid id",
                    line=line,
                    hint="start ids with a letter; use letters, digits, '-' or '_'",
                    code="S006",
                )
            if value not in generated and (value in RESERVED_IDS or value.startswith(RESERVED_PREFIXES)):
                raise SourceError(
                    shown_path(path),
                    f"id {value!r} is reserved for the edition's own pages",
                    line=line,
                    hint="choose another id (not 'text…', 'part-…', 'note-…', 'noteref-…', 'page-…')",
                    code="S007",
                )
            if value in seen_ids:
                raise SourceError(
                    shown_path(path),
                    f"id {value!r} is used twice (also in {seen_ids[value]})",
                    line=line,
                    hint="ids must be unique across the work",
                    code="S008",
                )
            seen_ids[value] = shown_path(path)
        parts.append(part)
    check_notes(len(seen_labels), shown_path(folder))
    name_page_breaks(parts, meta.source is not None)
    for part in parts:
        for target, line in part.links:
            if target not in seen_ids:
                raise SourceError(
                    shown_path(part.path),
                    f"link to #{target}, which no part of the work has",
                    line=line,
                    hint=f"set {{#{target}}} on the block or span to link to, or correct the link",
                    code="S024",
                )
    for label in meta.rights.later_notes:
        if label not in seen_labels:
            raise SourceError(
                shown_path(folder / "work.toml"),
                f"[rights] later-notes names note [^{label}], which the text does not have",
                hint="list the labels of notes the text calls, as in [^26a]",
                code="S025",
            )
    date = dated or edition_date(folder, project().styles, meta.archive.year)
    return Work(slug=slug, folder=folder, meta=meta, parts=parts, edition_date=date)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size  # a link out of the folder is refused when the part is read
    except (OSError, RuntimeError):
        return 0


def check_distinct(folders: list[Path], others: list[Path]) -> list[tuple[Path, SourceError]]:
    """Refuse two works of one command with one slug (their files would overwrite each other
    in dist/); and return each work that has the identifier of a work before it, among these
    and `others` (the rest of source/), with its error (readers and stores take two such for
    one book): that work fails, and the others build."""
    slugs: dict[str, Path] = {}
    for folder in folders:
        if folder.name in slugs and slugs[folder.name] != folder:
            raise SourceError(
                shown_path(folder),
                f"another work in this command has the slug {folder.name!r}: {shown_path(slugs[folder.name])}",
                hint="build them separately, into different --out folders, or rename one folder",
                code="S044",
            )
        slugs[folder.name] = folder
    identifiers: dict[str, Path] = {}
    clashes: list[tuple[Path, SourceError]] = []
    for folder in dict.fromkeys([*folders, *others]):
        toml = folder / "work.toml"
        try:
            identifier = load_metadata(toml, shown_path(toml)).identifier
        except SourceError:
            continue  # its own build reports what is wrong with it
        if identifier in identifiers:
            first = identifiers[identifier] / "work.toml"
            clashes.append(
                (
                    folder,
                    SourceError(
                        shown_path(toml),
                        f"identifier {identifier!r} is also the identifier of {shown_path(first)}",
                        line=key_line(toml.read_text(encoding="utf-8-sig"), ("identifier",)),
                        hint="give each work its own identifier (urn:uuid: with a new UUID)",
                        code="S043",
                    ),
                )
            )
            continue
        identifiers[identifier] = folder
    return [(folder, error) for folder, error in clashes if folder in folders]
