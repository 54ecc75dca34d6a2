"""Which characters the print edition's typefaces have: Source Serif Pro (from its package) and
the faces of styles/typefaces.toml (Debian's, found by fontconfig).

A character none of them has would be set in some font of the build machine, or as an empty
box: either way a book that depends on where it was built. The PDF writer refuses it (P003),
and the importer, which reads a page long before a build, names it for a human look. Here, in
the source stage, so that both may ask.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..fingerprint import FONT_PACKAGE, system_faces
from .model import Work

_SOURCE_SERIF = ("Regular", "It", "Semibold", "Bold")  # the styles fonts.css sets


def _face_files() -> Iterator[Path]:
    """The faces' files, Source Serif Pro's first (the face of most books, which then need no
    other: fontconfig is not asked, and no other character map is read)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is not None and spec.origin is not None:
        for style in _SOURCE_SERIF:
            yield Path(spec.origin).parent / "files" / f"SourceSerifPro-{style}.otf"
    yield from dict.fromkeys(system_faces().values())  # the CJK faces share a collection file


@cache
def _characters(file: Path) -> frozenset[int]:
    """A face's characters. A collection's first font (Noto Serif CJK JP) has every character
    of its others."""
    from fontTools.ttLib import TTFont  # here: an import that finds every character costs no font library

    return frozenset(TTFont(file, lazy=True, fontNumber=0).getBestCmap())


def missing_glyphs(text: str) -> list[str]:
    """The characters of `text` that none of the book's typefaces has, in order of appearance
    (spaces and controls are set in no face). The faces are read one by one only while some
    character is still to be found: a CJK collection's map alone takes a tenth of a second."""
    wanted = {char for char in set(text) if not char.isspace() and unicodedata.category(char)[0] != "C"}
    unfound = {ord(char) for char in wanted}
    for file in _face_files():
        if not unfound:
            break
        unfound -= _characters(file)
    return list(dict.fromkeys(char for char in text if ord(char) in unfound and char in wanted))


def described(characters: list[str]) -> str:
    """Characters as a message names them: every one, with its code point and Unicode name."""
    return ", ".join(f"{char} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})" for char in characters)


def unprintable(work: Work) -> list[str]:
    """For an import's report ("Needs a human look"): each file of the work whose characters no
    print typeface has, with the line of the first, before a build refuses its PDF (P003)."""
    found = []
    for path in [work.folder / "work.toml", *(part.path for part in work.parts)]:
        text = path.read_text(encoding="utf-8")
        if missing := missing_glyphs(text):
            line = text.count("\n", 0, text.index(missing[0])) + 1
            found.append(
                f"{path.name}:{line}: no typeface of the print edition has {described(missing)}: the PDF will "
                "not be made (P003) until they are replaced or styles/typefaces.toml has a face for them"
            )
    return found
