"""builder/source/glyphs.py: which characters the print edition's typefaces lack, read face by
face, named whole in messages, and found in a work's files for an import's report."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.source import glyphs
from builder.source.glyphs import described, missing_glyphs, unprintable
from builder.source.loader import load_work
from tests.conftest import LETTER


def test_the_characters_no_typeface_has_are_named_once_in_order() -> None:
    assert missing_glyphs("Dear Comrade, « café » — No. 7") == []
    # Spaces and controls are set in no face; 漢 is in Noto Serif CJK, ❧ in Noto Sans Symbols2, ↩ in Noto Sans
    # Math, 😀 in Symbola; Cherokee and an emoji of Unicode 14 in none.
    assert missing_glyphs("a Ꭰ b ❧ ↩ 😀 🫠 Ꭰ 漢\u00a0\n\x07") == ["Ꭰ", "🫠"]
    assert described(["Ꭰ", "🫠"]) == "Ꭰ (U+13A0 CHEROKEE LETTER A), 🫠 (U+1FAE0 MELTING FACE)"
    # Every one is named: a message never ends in "and N more".
    assert described(["Ꭰ"] * 20).count("CHEROKEE LETTER A") == 20


# Characters from the scripts the faces cover and some they do not: Latin, Greek, Cyrillic,
# Hebrew, Arabic, Devanagari, Cherokee, CJK, symbols and emoji, spaces and controls.
_MIXED_TEXT = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),
        st.characters(min_codepoint=0x370, max_codepoint=0x6FF),
        st.characters(min_codepoint=0x900, max_codepoint=0x97F),
        st.characters(min_codepoint=0x13A0, max_codepoint=0x13F5),
        st.characters(min_codepoint=0x2000, max_codepoint=0x2BFF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.sampled_from(["\n", "\x07", "\u00a0", "\U0001f600", "\ufeff"]),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(_MIXED_TEXT)
def test_the_faces_read_one_by_one_miss_what_all_of_them_together_miss(text: str) -> None:
    """missing_glyphs stops reading faces once every character is found: it names exactly the
    characters that no face's map has, in order, each once."""
    covered = frozenset().union(*(glyphs._characters(file) for file in glyphs._face_files()))
    expected = [
        char
        for char in dict.fromkeys(text)
        if ord(char) not in covered and not char.isspace() and not unicodedata.category(char).startswith("C")
    ]
    assert missing_glyphs(text) == expected


def test_an_import_hears_of_each_file_and_line_whose_characters_no_face_has(tmp_path: Path) -> None:
    folder = shutil.copytree(LETTER, tmp_path / LETTER.name)
    text = folder / "text.md"
    before = text.read_text(encoding="utf-8")
    assert unprintable(load_work(folder)) == []
    text.write_text(before + "\nThen Ꭰ and ❧.\n", encoding="utf-8")
    [found] = unprintable(load_work(folder))
    assert found.startswith(f"text.md:{before.count(chr(10)) + 2}: ")
    assert "U+13A0 CHEROKEE LETTER A" in found and "U+2767" not in found and "P003" in found
