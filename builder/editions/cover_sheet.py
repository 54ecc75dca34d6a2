"""The print cover's measures: the sheet sized from its interior's pages and paper, and
whether a built cover fits the interior beside it.

Read without WeasyPrint (pypdf and styles/papers.toml only), so that the checks can measure a
cover as cheaply as the writer (print_cover.py) sizes one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader

from .papers import DEFAULT_PAPER, Paper, papers
from .trims import BLEED_MM

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
    wanted = " or ".join(
        f"{round(sheet.width, 2):g} × {round(sheet.height, 2):g} mm on {key} paper" for key, sheet in sheets.items()
    )
    return f"the cover is {width:g} × {height:g} mm, not sized for the {pages}-page interior beside it ({wanted})"
