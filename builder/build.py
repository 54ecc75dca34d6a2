"""One build: a work's source folder → its editions in dist/, written atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .editions.epub import write_epub
from .editions.pdf import DEFAULT_TRIM, write_pdf
from .release.manifest import Built
from .release.output import atomic_write
from .source.loader import load_work
from .source.model import Work

Format = Literal["epub", "pdf"]
FORMATS: tuple[Format, ...] = ("epub", "pdf")


@dataclass(frozen=True)
class Edition:
    """One file to make: its name in dist/ says the format, the trim and the marks."""

    format: Format
    trim: str = DEFAULT_TRIM
    marks: bool = False

    def file_name(self, slug: str) -> str:
        if self.format == "epub":
            return f"{slug}.epub"
        trim = "" if self.trim == DEFAULT_TRIM else f"-{self.trim}"
        return f"{slug}{trim}{'-print' if self.marks else ''}.pdf"

    def write(self, work: Work) -> bytes:
        return write_epub(work) if self.format == "epub" else write_pdf(work, self.trim, self.marks)


def editions(formats: tuple[Format, ...], trims: list[str], marks: bool) -> list[Edition]:
    chosen = [Edition("epub")] if "epub" in formats else []
    if "pdf" in formats:
        chosen += [Edition("pdf", trim, marks) for trim in trims]
    return chosen


def build_work(folder: Path, chosen: list[Edition], dist: Path, progress: Callable[[str], None] = lambda _: None) -> Built:
    """Build the chosen editions of one work. All are made in memory first, and only then
    written: a work whose PDF fails leaves no new EPUB beside an old PDF in dist/."""
    work = load_work(folder)
    made = []
    for edition in chosen:
        made.append((dist / edition.file_name(work.slug), edition.write(work)))
        progress(made[-1][0].name)
    for target, data in made:
        atomic_write(target, data)
    return Built(work, [target for target, _ in made])
