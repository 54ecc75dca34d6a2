"""One work's build: its source folder → its editions, made in memory, not yet written.

This runs in a worker process; the parent commits what it returns (`release/commit.py`), so
that a work's editions and the updated sums reach dist/ together or not at all. Writers are
imported only when an edition of their kind is made: an EPUB-only build never loads the
PDF writer's modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..editions.papers import DEFAULT_PAPER
from ..editions.trims import DEFAULT_TRIM
from ..release.manifest import Built, BuiltFile
from .key import edition_key

if TYPE_CHECKING:
    from ..source.model import Work

Format = Literal["epub", "pdf", "cover"]
FORMATS: tuple[Format, ...] = ("epub", "pdf")  # what --format chooses; covers come with --cover


@dataclass(frozen=True)
class Edition:
    """One file to make: its name in dist/ says the format, the trim and the marks.
    A print cover is sized from the interior PDF of its trim, made before it in the same build."""

    format: Format
    trim: str = DEFAULT_TRIM
    marks: bool = False
    paper: str = DEFAULT_PAPER  # the cover's

    def file_name(self, slug: str) -> str:
        if self.format == "epub":
            return f"{slug}.epub"
        trim = "" if self.trim == DEFAULT_TRIM else f"-{self.trim}"
        suffix = "-cover" if self.format == "cover" else "-print" if self.marks else ""
        return f"{slug}{trim}{suffix}.pdf"

    def write(self, work: Work, made: Mapping[Edition, bytes]) -> bytes:
        if self.format == "cover":
            from ..editions.print_cover import write_print_cover

            interior = next((data for edition, data in made.items() if edition.format == "pdf" and edition.trim == self.trim), None)
            if interior is None:
                raise ValueError(f"the {self.trim} cover is sized from its interior, which must be made first (editions() orders them)")
            return write_print_cover(work, interior, self.paper)
        if self.format == "epub":
            from ..editions.epub import write_epub

            return write_epub(work)
        from ..editions.pdf import write_pdf

        return write_pdf(work, self.trim, self.marks)


def editions(formats: tuple[Format, ...], trims: list[str], marks: bool, cover: bool = False, paper: str = DEFAULT_PAPER) -> list[Edition]:
    chosen = [Edition("epub")] if "epub" in formats else []
    if "pdf" in formats or cover:  # a cover needs its interior, from the same build
        chosen += [Edition("pdf", trim, marks) for trim in trims]
    if cover:
        chosen += [Edition("cover", trim, paper=paper) for trim in trims]
    return chosen


def build_work(folder: Path, chosen: list[Edition], key: str | None) -> Built:
    """Make the chosen editions of one work, all in memory: a work whose PDF fails has no
    new EPUB either."""
    from ..source.loader import load_work

    work = load_work(folder)
    made: dict[Edition, bytes] = {}
    files = []
    for edition in chosen:
        name = edition.file_name(work.slug)
        made[edition] = edition.write(work, made)
        files.append(BuiltFile(name, made[edition], edition_key(key, name) if key else None))
    meta = work.meta
    return Built(work.slug, meta.title, meta.author, meta.identifier, work.edition_date.strftime("%Y-%m-%dT%H:%M:%SZ"), files)
