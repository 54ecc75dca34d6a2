"""One build: a work's source folder → its editions in dist/, written atomically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .editions.epub import write_epub
from .editions.papers import DEFAULT_PAPER
from .editions.pdf import DEFAULT_TRIM, write_pdf
from .editions.print_cover import write_print_cover
from .release.manifest import Built
from .release.output import atomic_write
from .source.loader import load_work
from .source.model import Work

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
            interior = next((data for edition, data in made.items() if edition.format == "pdf" and edition.trim == self.trim), None)
            if interior is None:
                raise ValueError(f"the {self.trim} cover is sized from its interior, which must be made first (editions() orders them)")
            return write_print_cover(work, interior, self.paper)
        return write_epub(work) if self.format == "epub" else write_pdf(work, self.trim, self.marks)


def editions(formats: tuple[Format, ...], trims: list[str], marks: bool, cover: bool = False, paper: str = DEFAULT_PAPER) -> list[Edition]:
    chosen = [Edition("epub")] if "epub" in formats else []
    if "pdf" in formats or cover:  # a cover needs its interior, from the same build
        chosen += [Edition("pdf", trim, marks) for trim in trims]
    if cover:
        chosen += [Edition("cover", trim, paper=paper) for trim in trims]
    return chosen


def build_work(folder: Path, chosen: list[Edition], dist: Path, progress: Callable[[str], None] = lambda _: None) -> Built:
    """Build the chosen editions of one work. All are made in memory first, and only then
    written: a work whose PDF fails leaves no new EPUB beside an old PDF in dist/."""
    work = load_work(folder)
    made: dict[Edition, bytes] = {}
    for edition in chosen:
        made[edition] = edition.write(work, made)
        progress(edition.file_name(work.slug))
    targets = [dist / edition.file_name(work.slug) for edition in made]
    for target, data in zip(targets, made.values(), strict=True):
        atomic_write(target, data)
    return Built(work, targets)
