"""The fonts a PDF uses: the writers refuse a stray one as they write it (from the objects
about to be written, which costs no read-back), the checks read a built PDF back and report
a stray one and any font left unembedded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pydyf

from .fonts import BOOK_FONTS

if TYPE_CHECKING:  # pypdf is the checks' (a tenth of a second to load); the writers need none of it
    from pypdf import PdfReader


def stray_fonts(reader: PdfReader) -> set[str]:
    """Fonts that are not the book's own, or are slanted by the renderer for want of an italic."""
    return strays(str(font.get("/BaseFont", "")) for font in _fonts(reader))


def written_fonts(pdf: pydyf.PDF) -> set[str]:
    """The base font names of the font dictionaries of a PDF about to be written."""
    names = (
        thing["BaseFont"]
        for thing in pdf.objects
        if isinstance(thing, pydyf.Dictionary) and thing.get("Type") == "/Font" and "BaseFont" in thing
    )
    return {name.decode() if isinstance(name, bytes) else str(name) for name in names}  # WeasyPrint gives bytes


def strays(base_fonts: Iterable[str]) -> set[str]:
    """Of PDF base font names ("/ABCDEF+Name"), those not the book's own or slanted by the renderer."""
    names = {name.lstrip("/").split("+", 1)[-1] for name in base_fonts}
    return {name for name in names if not name.startswith(BOOK_FONTS) or name.endswith("Oblique")}


def unembedded_fonts(reader: PdfReader) -> set[str]:
    missing: set[str] = set()
    for font in _fonts(reader):
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for each in descendants:
            descriptor = pdf_dictionary(each.get("/FontDescriptor"))
            if font.get("/Subtype") != "/Type3" and not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                missing.add(str(font.get("/BaseFont")))
    return missing


def _fonts(reader: PdfReader) -> Iterator[Any]:
    """The font dictionaries of every page."""
    for page in reader.pages:
        for font in pdf_dictionary(pdf_dictionary(page.get("/Resources")).get("/Font")).values():
            yield font.get_object()


def pdf_dictionary(value: Any) -> Any:
    """A PDF object as a dictionary: resolved if indirect, empty if absent."""
    from pypdf.generic import DictionaryObject

    return value.get_object() if value is not None else DictionaryObject()


# What a glyph with no text of its own stands for in a ToUnicode map: COMBINING GRAPHEME JOINER,
# invisible, ignorable (a reader's search and copy skip it) and transparent to Arabic joining.
NO_TEXT = "034f"


def fill_empty_mappings(pdf: pydyf.PDF) -> None:
    """Give every glyph of a ToUnicode map some text. Where a script's shaping makes several
    glyphs of one cluster of characters (a Devanagari conjunct, an Arabic letter and its
    dots), WeasyPrint gives the cluster's text to one of them and writes the others as `<>`,
    which PDF/UA-1 and PDF/A-2u (7.21.7) refuse as a malformed map."""
    for thing in pdf.objects:
        if isinstance(thing, pydyf.Stream) and thing.stream[:1] == [b"/CIDInit /ProcSet findresource begin"]:
            thing.stream = [
                line[:-2] + f"<{NO_TEXT}>".encode() if line.endswith(b"> <>") else line for line in thing.stream
            ]
