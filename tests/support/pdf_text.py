"""PDFs read back by PDFium: each page's pieces of text with their size and face (a PDF's
text is builder.checks.validators.pdf_text, which `folio check` reads too).

PDFium reads Capital's chapter 1 (68 pages) in a fifth of a second, pypdf's text extraction in
nearly five; the tests read hundreds of pages, so every long read-back goes through PDFium.
A page pypdf has already opened is read by `sized_pieces` and `lines_with_y`."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw


@dataclass(frozen=True)
class Piece:
    size: float  # in points, as set on the page (the font's size times the text matrix's scale)
    text: str
    face: str  # the font's base name, its subset prefix dropped: "SourceSerif4-Regular"


def pieces(pdf: Path | bytes) -> list[list[Piece]]:
    """Every page's text objects, in the order the page draws them. PDFium gives a hyphen that
    ends a line as U+0002; it comes back as "-"."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            textpage = page.get_textpage()
            found = []
            for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT]):
                if text := _text(obj, textpage).replace("\x02", "-").strip():
                    size = ctypes.c_float()
                    pdfium_raw.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
                    found.append(Piece(size.value * abs(obj.get_matrix().d), text, _face(obj)))
            pages.append(found)
    finally:
        document.close()
    return pages


def _text(obj: pdfium.PdfObject, textpage: pdfium.PdfTextPage) -> str:
    length = pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = ctypes.create_string_buffer(length)
    pdfium_raw.FPDFTextObj_GetText(
        obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)), length
    )
    return buffer.raw[: length - 2].decode("utf-16-le")


def _face(obj: pdfium.PdfObject) -> str:
    font = pdfium_raw.FPDFTextObj_GetFont(obj.raw)
    length = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(length)
    pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, length)
    return buffer.value.decode("latin-1").split("+")[-1]


# pypdf's reading of one page, for the few tests that read a page's pieces where they stand.
def sized_pieces(page) -> list[tuple[float, str]]:
    """(size in points, text) for each piece of text on a page."""
    pieces: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip():
            pieces.append((size * tm[3] * cm[3], text.strip()))

    page.extract_text(visitor_text=visit)
    return pieces


def lines_with_y(page) -> list[tuple[float, str]]:
    """(baseline height from the foot of the page, text) for each piece of text on a page."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip():
            found.append((tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return found
