"""The print cover: back, spine and front on one sheet, for a printer, sized from the book.

The sheet is as wide as two trims and the spine, and the spine as wide as the interior's
pages are thick on the chosen paper (styles/papers.toml). The trim and the page count are
read from the interior PDF made in the same build, so the cover always fits the book it
goes with. WeasyPrint typesets styles/templates/print-cover.html, whose front is the EPUB
cover's (cover-front.html, cover.css); the file is PDF/A-2u and PDF/UA-1 like the interior.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from pypdf import PdfReader
from weasyprint import Document

from ..errors import BuildError
from ..source.model import Work
from .cover_front import front_fits
from .papers import DEFAULT_PAPER, Paper, papers
from .pdf import BLEED_MM, archival_options, write_archival
from .templates import render_page
from .weasyprint.typeset import layout

MM = 72 / 25.4  # PDF points in a millimetre
# The spine carries the author and title only if it holds their line, in at least
# SPINE_TEXT_PT[0], with a safe margin on each side: Amazon KDP asks for 0.0625 in (1.6 mm)
# between spine text and the spine's edges (and allows spine text only on books over 79
# pages, which this rule always exceeds). A wider spine takes larger type, up to the maximum.
SPINE_TEXT_PT = (8.0, 11.0)
SPINE_MARGIN_MM = 1.6


@dataclass(frozen=True)
class Sheet:
    """The cover's measures in mm, trimmed (the bleed lies around them)."""

    trim_width: float
    trim_height: float
    pages: int  # the interior's page count, made even: a printer binds leaves
    paper: Paper
    bleed: float = BLEED_MM
    extra: float = 0.0  # added to the spine, whatever the pages (a printer's formula: Lulu's 0.06 in)
    spine_text_from: int = 0  # fewer pages, and the spine carries no text (a printer's rule: KDP's 80)

    @property
    def spine(self) -> float:
        return round(self.pages * self.paper.per_page_mm + self.extra, 3)

    @property
    def width(self) -> float:
        return round(2 * self.trim_width + self.spine, 3)

    @property
    def height(self) -> float:
        return self.trim_height

    @property
    def spine_text(self) -> bool:
        return self.pages >= self.spine_text_from and (self.spine - 2 * SPINE_MARGIN_MM) * MM >= SPINE_TEXT_PT[0]

    @property
    def spine_text_pt(self) -> float:
        """Half the room inside the margins, within SPINE_TEXT_PT."""
        return round(min(max((self.spine - 2 * SPINE_MARGIN_MM) * MM / 2, SPINE_TEXT_PT[0]), SPINE_TEXT_PT[1]), 2)


def sheet_for(pages: int, trim_mm: tuple[float, float], paper: str = DEFAULT_PAPER) -> Sheet:
    """The sheet for a book of `pages` pages (an odd count gets the blank page a printer adds)."""
    if paper not in papers():
        raise ValueError(f"unknown paper {paper!r}; styles/papers.toml has {', '.join(papers())}")
    return Sheet(trim_mm[0], trim_mm[1], pages + pages % 2, papers()[paper])


def interior_measures(interior: bytes) -> tuple[int, tuple[float, float]]:
    """The page count and the trim (width, height in mm) of an interior PDF, as built."""
    reader = PdfReader(io.BytesIO(interior))
    box = reader.pages[0].trimbox
    return len(reader.pages), (round(float(box.width) / MM, 2), round(float(box.height) / MM, 2))


def misfit(cover: bytes, interior: bytes) -> str | None:
    """What is wrong with a cover's size for an interior, or None if it fits on one of the papers."""
    pages, trim = interior_measures(interior)
    _, (width, height) = interior_measures(cover)
    sheets = {key: sheet_for(pages, trim, key) for key in papers()}
    if any(abs(sheet.width - width) < 0.05 and abs(sheet.height - height) < 0.05 for sheet in sheets.values()):
        return None
    wanted = " or ".join(f"{round(sheet.width, 2):g} × {round(sheet.height, 2):g} mm on {key} paper" for key, sheet in sheets.items())
    return f"the cover is {width:g} × {height:g} mm, not sized for the {pages}-page interior beside it ({wanted})"


def write_print_cover(work: Work, interior: bytes, paper: str = DEFAULT_PAPER) -> bytes:
    """The cover for the interior PDF `interior` of the same work, on `paper`."""
    pages, trim = interior_measures(interior)
    return typeset_cover(work, sheet_for(pages, trim, paper))


def typeset_cover(work: Work, sheet: Sheet, write: Callable[[Document], bytes] | None = None) -> bytes:
    """The cover on `sheet`, written as PDF/A-2u and PDF/UA-1, or by `write` (a printer's PDF/X)."""
    what = f"print cover ({sheet.width:g} × {sheet.height:g} mm)"
    options = archival_options(work)
    # A long title is set smaller (cover.css, .step-1 …) until the front holds it, as on the EPUB's cover.
    for step in range(4):
        html = render_page("print-cover.html", work, None, year=work.meta.work_year or "", step=step, sheet=sheet)
        document = layout(html, work, what, **options)
        if front_fits(document):
            break
    else:
        raise BuildError(work.folder / "work.toml", "the title is too long for the cover", hint="give the work a short-title", code="P006")
    if write is not None:
        return write(document)
    return write_archival(document, work, what, bleed=True)  # the ground colour runs into the bleed
