"""The PDF writer: the model through the shared templates, typeset by WeasyPrint.

All layout lives in styles/print.css and styles/trims/; this module only chooses the trim,
the crop marks and the PDF variant.
"""

from __future__ import annotations

import io
from typing import Any

import lxml.html
import pydyf
from pypdf import PdfReader

from .checks import stray_fonts
from .errors import BuildError
from .fonts import missing_glyphs
from .model import Work
from .paths import STYLES
from .templates import render_page
from .typeset import typeset

DEFAULT_TRIM = "a5"
# A tagged PDF/UA-1 file: structure tree, document language and title shown in the title
# bar; unlike the PDF/A and PDF/X variants it writes no random DocumentID.
VARIANT = "pdf/ua-1"
BLEED_MM = 3  # what print-on-demand services and print shops ask for


def trims() -> list[str]:
    """The page sizes styles/ offers, one stylesheet each."""
    return sorted(path.stem for path in (STYLES / "trims").glob("*.css"))


def write_pdf(work: Work, trim: str = DEFAULT_TRIM, marks: bool = False) -> bytes:
    if trim not in trims():
        raise ValueError(f"unknown trim {trim!r}; styles/trims has {', '.join(trims())}")
    html = render_page("pdf/book.html", work, "pdf", trim=trim, marks=marks, hrefs=None)
    if missing := missing_glyphs(lxml.html.fromstring(html).text_content()):
        raise BuildError(
            work.folder, f"{trim} PDF: the book's typefaces have no glyph for {' '.join(missing[:12])} ({', '.join(f'U+{ord(c):04X}' for c in missing[:12])})",
            hint="replace the characters, or add a typeface that has them to styles/fonts.css and builder/fonts.py",
            code="P003",
        )
    finisher = _declare_bleed if marks else None
    pdf = typeset(html, work, f"{trim} PDF", pdf_variant=VARIANT, pdf_identifier=work.meta.identifier.encode(), finisher=finisher)
    if stray := stray_fonts(PdfReader(io.BytesIO(pdf))):
        raise BuildError(work.folder, f"{trim} PDF: set partly in {', '.join(sorted(stray))}, not in the book's typefaces", hint="a style asks for a face or a style that styles/fonts.css does not give", code="P004")
    return pdf


def _declare_bleed(document: Any, pdf: pydyf.PDF) -> None:
    """Set each page's BleedBox to the trim plus BLEED_MM (WeasyPrint sets it to at most
    10 pt inside its larger CSS bleed area, which print-marks.css widens for the marks)."""
    bleed = BLEED_MM * 72 / 25.4
    for page in pdf.objects:
        if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page" and "TrimBox" in page:
            left, top, right, bottom = page["TrimBox"]
            page["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])
