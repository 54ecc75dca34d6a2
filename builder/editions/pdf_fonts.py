"""The fonts a built PDF uses, read back: the writers refuse a stray one, the checks report
it and any font left unembedded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from .fonts import BOOK_FONTS


def stray_fonts(reader: PdfReader) -> set[str]:
    """Fonts that are not the book's own, or are slanted by the renderer for want of an italic."""
    names = {str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1] for font in _fonts(reader)}
    return {name for name in names if not name.startswith(BOOK_FONTS) or name.endswith("Oblique")}


def unembedded_fonts(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    for font in _fonts(reader):
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for each in descendants:
            descriptor = pdf_dictionary(each.get("/FontDescriptor"))
            if font.get("/Subtype") != "/Type3" and not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
    return missing


def _fonts(reader: PdfReader) -> Iterator[Any]:
    """The font dictionaries of every page."""
    for page in reader.pages:
        for font in pdf_dictionary(pdf_dictionary(page.get("/Resources")).get("/Font")).values():
            yield font.get_object()


def pdf_dictionary(value: Any) -> Any:
    """A PDF object as a dictionary: resolved if indirect, empty if absent."""
    return value.get_object() if value is not None else DictionaryObject()
