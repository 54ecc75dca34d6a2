"""The print cover: back, spine and front on one sheet, for a printer, sized from the book.

The sheet is as wide as two trims and the spine, and the spine as wide as the interior's
pages are thick on the chosen paper (styles/papers.toml). The trim and the page count are
read from the interior PDF made in the same build, so the cover always fits the book it
goes with. WeasyPrint typesets styles/templates/print-cover.html, whose front is the EPUB
cover's (cover-front.html, cover.css); the file is PDF/A-2u and PDF/UA-1 like the interior.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import BuildError
from ..source.model import Work
from .cover_front import front_fits
from .cover_sheet import Sheet, interior_measures, sheet_for
from .kinds import Kind, RenderContext
from .papers import DEFAULT_PAPER
from .pdf import archival_options, write_archival
from .templates import render_page
from .weasyprint.typeset import layout

if TYPE_CHECKING:  # WeasyPrint itself loads through .weasyprint, which spares it a library search
    from weasyprint import Document

KIND = Kind(
    name="cover",
    suffix="-cover.pdf",
    format="pdf",
    media_type="application/pdf",
    title="Print cover: back, spine and front on one sheet",
    check="builder.checks.validators:check_print_cover",
    options=frozenset({"trim", "paper"}),
    needs="pdf",
    selectable=False,
    default=False,
)


def make(context: RenderContext) -> bytes:
    """The cover for the interior PDF made before it in the same build."""
    return write_print_cover(context.work, context.made_from, context.variant.paper)


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
        raise BuildError(
            work.folder / "work.toml",
            "the title is too long for the cover",
            hint="give the work a short-title",
            code="P006",
        )
    if write is not None:
        return write(document)
    return write_archival(document, work, what, bleed=True)  # the ground colour runs into the bleed
