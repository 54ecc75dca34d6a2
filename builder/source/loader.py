"""Source folder → document model: read `work.toml` and the Markdown parts, and validate."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from ..paths import STYLES, shown_path
from .edition_date import edition_date
from .folders import find_works as find_works  # where it used to live
from .metadata import load_metadata
from .model import Part, Work
from .text import parse_part, valid_id

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Ids the templates give to their own elements; a source must not take them.
RESERVED_IDS = {"text", "title-page", "colophon", "colophon-heading", "rights", "rights-heading", "toc", "toc-heading", "cover", "landmarks", "landmarks-heading"}
RESERVED_PREFIXES = ("note-", "noteref-", "part-", "text-")


def load_work(folder: Path) -> Work:
    folder = folder.resolve()
    if not folder.is_dir():
        raise SourceError(shown_path(folder), "not a folder", hint="give the path of a work's folder under source/", code="S000")
    slug = folder.name
    if not _SLUG.match(slug):
        raise SourceError(shown_path(folder), f"folder name {slug!r} is not a slug", hint="name it in lower case with hyphens, e.g. lenin-1912-letter-to-huysmans", code="S005")
    meta = load_metadata(folder / "work.toml", shown_path(folder / "work.toml"))
    parts: list[Part] = []
    seen_ids: dict[str, str] = {}
    seen_labels: dict[str, str] = {}
    for name in meta.parts:
        path = folder / name
        # Named by position, never by file name, so that no name a source picks ("nav.md",
        # "titlepage.md") can collide with the edition's own files and ids.
        part_id = "text" if len(meta.parts) == 1 else f"part-{len(parts) + 1}"
        part = parse_part(path, shown_path(path), part_id)
        for label, note in part.notes.items():
            if label in seen_labels:
                raise SourceError(shown_path(path), f"note label [^{label}] is also used in {seen_labels[label]}", line=note.line, hint="note labels must be unique across the work's parts", code="S009")
            seen_labels[label] = shown_path(path)
        generated = {part_id, *(n.id for n in part.notes.values()), *(s.id for s in part.sections)}
        for value, line in part.ids:
            if not valid_id(value):
                raise SourceError(shown_path(path), f"id {value!r} is not a valid id", line=line, hint="start ids with a letter; use letters, digits, '-' or '_'", code="S006")
            if value not in generated and (value in RESERVED_IDS or value.startswith(RESERVED_PREFIXES)):
                raise SourceError(shown_path(path), f"id {value!r} is reserved for the edition's own pages", line=line, hint="choose another id (not 'text…', 'part-…', 'note-…', 'noteref-…')", code="S007")
            if value in seen_ids:
                raise SourceError(shown_path(path), f"id {value!r} is used twice (also in {seen_ids[value]})", line=line, hint="ids must be unique across the work", code="S008")
            seen_ids[value] = shown_path(path)
        parts.append(part)
    for part in parts:
        for target, line in part.links:
            if target not in seen_ids:
                raise SourceError(shown_path(part.path), f"link to #{target}, which no part of the work has", line=line, hint=f"set {{#{target}}} on the block or span to link to, or correct the link", code="S024")
    date = edition_date(folder, STYLES, meta.archive.year)
    return Work(slug=slug, folder=folder, meta=meta, parts=parts, edition_date=date)
