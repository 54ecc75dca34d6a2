"""PDFs read back by PDFium: each page's pieces of text with their size and face (a PDF's
text is builder.checks.validators.pdf_text, which `folio check` reads too).

PDFium reads Capital's chapter 1 (68 pages) in a fifth of a second, pypdf's text extraction in
nearly five; the tests read hundreds of pages, so every long read-back goes through PDFium."""

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
    pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)), length)
    return buffer.raw[: length - 2].decode("utf-16-le")


def _face(obj: pdfium.PdfObject) -> str:
    font = pdfium_raw.FPDFTextObj_GetFont(obj.raw)
    length = pdfium_raw.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(length)
    pdfium_raw.FPDFFont_GetBaseFontName(font, buffer, length)
    return buffer.value.decode("latin-1").split("+")[-1]
