"""The document model: what the loader reads a source folder into, and every writer reads.

One model for every edition (as Pandoc has one AST for many writers): the text stays a
markdown-it token stream, rendered to HTML only by the template layer, so that each
edition can call its notes its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from markdown_it.token import Token

from .metadata import Metadata, Provenance


@dataclass(frozen=True)
class Note:
    """A note: `label` is the source's id for it (unique across the work), `number` what a
    reader sees at its call and at its head (see `text.note_numbers`: `[^1]` and `[^4_1]`
    both show 1, `[^abroad]` its place in the part)."""

    label: str
    tokens: list[Token] = field(repr=False)
    line: int
    number: str = ""

    @property
    def id(self) -> str:
        return f"note-{self.label}"

    @property
    def call_id(self) -> str:
        return f"noteref-{self.label}"


@dataclass(frozen=True)
class Section:
    """A heading inside a part (h2 or h3), for the contents and the bookmarks."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class Part:
    """One Markdown file of a work: a chapter, or the whole text of a short work."""

    id: str
    path: Path
    title: str
    tokens: list[Token] = field(repr=False)
    notes: dict[str, Note]
    links: list[tuple[str, int]] = field(default_factory=list)  # (#id linked to, line)
    sections: list[Section] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)  # every id it sets, notes' included, with its line
    images: list[str] = field(default_factory=list)  # files of the work's folder it shows
    editor_notes: dict[str, Note] = field(default_factory=dict)  # called from nowhere: on the work as a whole
    provenance: Provenance | None = None  # where the part comes from, in a volume of separate works

    @property
    def contents(self) -> list[tuple[Section, list[Section]]]:
        """The sections as the contents list them: each h2 with the h3s that follow it (an h3
        before any h2 stands at the h2s' level)."""
        tree: list[tuple[Section, list[Section]]] = []
        for section in self.sections:
            if section.level == 3 and tree and tree[-1][0].level == 2:
                tree[-1][1].append(section)
            else:
                tree.append((section, []))
        return tree


@dataclass(frozen=True)
class Work:
    slug: str
    folder: Path
    meta: Metadata
    parts: list[Part]
    edition_date: datetime

    @property
    def words(self) -> int:
        """How many words the text runs to, notes left out: whether a reader needs a contents page."""
        return sum(len(token.content.split()) for part in self.parts for token in part.tokens if token.type == "inline")

    @property
    def notes(self) -> list[Note]:
        return [note for part in self.parts for note in part.notes.values()]

    @property
    def images(self) -> list[str]:
        return list(dict.fromkeys(image for part in self.parts for image in part.images))
