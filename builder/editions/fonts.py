"""The print edition's typefaces (those of styles/fonts.css), and which characters they have.

A character none of them has would be set in some font of the build machine, or as an empty
box: either way a book that depends on where it was built. The PDF writer refuses both.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

# As PDF files name them (PostScript names, without the subset tag).
BOOK_FONTS = ("Source-Serif-Pro", "GFS-Didot")


@cache
def _covered() -> frozenset[int]:
    from .weasyprint.fetcher import package_file  # here: the checks read BOOK_FONTS without loading WeasyPrint

    files: list[Path | str] = [
        package_file(f"package:font_source_serif_pro/files/SourceSerifPro-{style}.otf")
        for style in ("Regular", "It", "Semibold", "Bold")
    ]
    fc_match = shutil.which("fc-match")
    if fc_match:  # GFS Didot is a system font (Debian's fonts-gfs-didot): ask fontconfig, as Pango does
        found = subprocess.run([fc_match, "--format=%{file}", "GFS Didot"], capture_output=True, text=True, check=False, timeout=60).stdout
        if "GFSDidot" in found:
            files.append(found)
    points: set[int] = set()
    for path in files:
        points.update(TTFont(path, lazy=True).getBestCmap())
    return frozenset(points)


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` that none of the book's typefaces has, in order of appearance."""
    covered = _covered()
    seen: dict[str, None] = {}
    for char in text:
        if ord(char) not in covered and not char.isspace() and unicodedata.category(char)[0] != "C":
            seen.setdefault(char, None)
    return list(seen)
