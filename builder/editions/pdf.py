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
from weasyprint import Document
from weasyprint.formatting_structure.boxes import BlockBox

from ..checks import stray_fonts
from ..errors import BuildError
from ..paths import STYLES
from ..source.model import Work
from .fonts import missing_glyphs
from .templates import render_page
from .typeset import layout, write
from .weasyprint_pdfa_ua import OPTIONS as ARCHIVAL
from .weasyprint_pdfa_ua import finisher as archival_finisher

DEFAULT_TRIM = "a5"
BLEED_MM = 3  # what print-on-demand services and print shops ask for


def trims() -> list[str]:
    """The page sizes styles/ offers, one stylesheet each."""
    return sorted(path.stem for path in (STYLES / "trims").glob("*.css"))


def write_pdf(work: Work, trim: str = DEFAULT_TRIM, marks: bool = False) -> bytes:
    if trim not in trims():
        raise ValueError(f"unknown trim {trim!r}; styles/trims has {', '.join(trims())}")
    what = f"{trim} PDF"
    # PDF/A-2u and PDF/UA-1 at once (weasyprint_pdfa_ua.py)
    options: dict[str, Any] = {**ARCHIVAL, "pdf_identifier": work.meta.identifier.encode()}
    html = render_page("pdf/book.html", work, "pdf", trim=trim, marks=marks, hrefs=None, dense=set())
    if missing := missing_glyphs(lxml.html.fromstring(html).text_content()):
        raise BuildError(
            work.folder, f"{what}: the book's typefaces have no glyph for {' '.join(missing[:12])} ({', '.join(f'U+{ord(c):04X}' for c in missing[:12])})",
            hint="replace the characters, or add a typeface that has them to styles/fonts.css and builder/fonts.py",
            code="P003",
        )
    document = layout(html, work, what, **options)
    if astray := notes_off_their_page(document):
        # A note taller than the room its call's page has left cannot stay with its call
        # (WeasyPrint never splits a footnote: Kozea/WeasyPrint #1833). Such notes are set
        # denser (print.css, .footnote.dense), and if one still does not fit, the build says so.
        html = render_page("pdf/book.html", work, "pdf", trim=trim, marks=marks, hrefs=None, dense=astray)
        document = layout(html, work, what, **options)
        if still := notes_off_their_page(document):
            note = next(note for note in work.notes if note.label == sorted(still)[0])
            part = next(part for part in work.parts if note.label in part.notes)
            raise BuildError(part.path, f"{what}: note [^{note.label}] is too long to stand on the page of its call", line=note.line, hint="shorten or split the note, or choose a larger trim", code="P005")
    pdf = write(document, work, what, finisher=_finisher(work, marks), **options)
    if stray := stray_fonts(PdfReader(io.BytesIO(pdf))):
        raise BuildError(work.folder, f"{what}: set partly in {', '.join(sorted(stray))}, not in the book's typefaces", hint="a style asks for a face or a style that styles/fonts.css does not give", code="P004")
    return pdf


def notes_off_their_page(document: Document) -> set[str]:
    """Labels of the notes not set on the page that calls them, read from the laid-out boxes:
    a footnote's call is an inline box in the text, the note a block box in the page's
    footnote area, both of the same element."""
    call_page: dict[str, int] = {}
    note_page: dict[str, int] = {}

    def walk(box: Any, number: int) -> None:
        element = getattr(box, "element", None)
        if element is not None and "footnote" in (element.get("class") or "").split():
            label = element.get("data-label")
            if isinstance(box, BlockBox):
                note_page.setdefault(label, number)
                return
            call_page.setdefault(label, number)
        for child in getattr(box, "children", None) or ():
            walk(child, number)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    return {label for label, number in call_page.items() if note_page.get(label) != number}


def _finisher(work: Work, marks: bool) -> Any:
    archival = archival_finisher(work.meta.identifier)

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        archival(document, pdf)
        if marks:
            declare_bleed(document, pdf)

    return finish


def declare_bleed(document: Any, pdf: pydyf.PDF) -> None:
    """Set each page's BleedBox to the trim plus BLEED_MM (WeasyPrint sets it to at most
    10 pt inside its larger CSS bleed area, which print-marks.css widens for the marks)."""
    bleed = BLEED_MM * 72 / 25.4
    for page in pdf.objects:
        if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page" and "TrimBox" in page:
            left, top, right, bottom = page["TrimBox"]
            page["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])
