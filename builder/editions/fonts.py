"""The print edition's typefaces (those of styles/fonts.css), and which characters they have.

A character none of them has would be set in some font of the build machine, or as an empty
box: either way a book that depends on where it was built. The PDF writer refuses both.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from ..fingerprint import system_faces, typefaces

# As PDF files name them (the family, its spaces as hyphens, without the subset tag): Source
# Serif Pro from its package, the others Debian's (styles/typefaces.toml).
BOOK_FONTS = ("Source-Serif-Pro", *(typeface["family"].replace(" ", "-") for typeface in typefaces()))


@cache
def _covered() -> frozenset[int]:
    from .weasyprint.sandbox import package_file  # here: the checks read BOOK_FONTS without loading WeasyPrint

    files: list[Path] = [
        package_file(f"package:font_source_serif_pro/files/SourceSerifPro-{style}.otf")
        for style in ("Regular", "It", "Semibold", "Bold")
    ]
    files += dict.fromkeys(system_faces().values())  # the CJK faces share a collection file
    points: set[int] = set()
    for file in files:
        # A collection's first font (Noto Serif CJK JP) has every character of its others.
        points.update(TTFont(file, lazy=True, fontNumber=0).getBestCmap())
    return frozenset(points)


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` that none of the book's typefaces has, in order of appearance."""
    covered = _covered()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and not char.isspace() and unicodedata.category(char)[0] != "C":
            seen.setdefault(char, None)
    return list(seen)
