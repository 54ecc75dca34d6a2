"""The print edition's typefaces (those of styles/fonts.css), and which characters they have.

A character none of them has would be set in some font of the build machine, or as an empty
box: either way a book that depends on where it was built. The PDF writer refuses both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..fingerprint import system_faces, typefaces

# As PDF files name them (the family, its spaces as hyphens, without the subset tag): Source
# Serif Pro from its package, the others Debian's (styles/typefaces.toml).
BOOK_FONTS = ("Source-Serif-Pro", *(typeface["family"].replace(" ", "-") for typeface in typefaces()))


def _face_files() -> Iterator[Path]:
    """The faces' files, Source Serif Pro's first (the face of most books, which then need no
    other: fontconfig is not asked, and no other character map is read)."""
    from .weasyprint.sandbox import package_file  # here: the checks read BOOK_FONTS without loading WeasyPrint

    for style in ("Regular", "It", "Semibold", "Bold"):
        yield package_file(f"package:font_source_serif_pro/files/SourceSerifPro-{style}.otf")
    yield from dict.fromkeys(system_faces().values())  # the CJK faces share a collection file


@cache
def _characters(file: Path) -> frozenset[int]:
    """A face's characters. A collection's first font (Noto Serif CJK JP) has every character
    of its others."""
    return frozenset(TTFont(file, lazy=True, fontNumber=0).getBestCmap())


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` that none of the book's typefaces has, in order of appearance.
    The faces are read one by one only while some character is still to be found: a CJK
    collection's map alone takes a tenth of a second to read."""
    wanted = {char for char in set(text) if not char.isspace() and unicodedata.category(char)[0] != "C"}
    unfound = {ord(char) for char in wanted}
    for file in _face_files():
        if not unfound:
            break
        unfound -= _characters(file)
    return list(dict.fromkeys(char for char in text if ord(char) in unfound and char in wanted))
