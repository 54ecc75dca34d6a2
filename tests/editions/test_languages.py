"""The editions in every language: the direction a language reads in, the faces the print
edition sets each script in, the furniture's table, and the one face an EPUB embeds (the
builds of every script are tests/test_scripts.py's)."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

from fontTools.ttLib import TTFont

from builder.editions.epub_fonts import MAX_BYTES, embedded_faces
from builder.editions.languages import FALLBACK, Words, direction, fallback_warning, furniture_language, typeface_credit
from builder.fingerprint import typefaces
from builder.source.loader import load_work
from tests.conftest import ROOT
from tests.support.scripts import SAMPLES, write_sample


def test_every_right_to_left_language_and_no_other_reads_right_to_left() -> None:
    for tag in ("ar", "fa", "ur", "he", "yi", "ps", "ku-Arab", "az-Arab", "ar-EG", "he-IL"):
        assert direction(tag) == "rtl", tag
    for tag in ("en", "ru", "zh-Hans", "ja", "hi", "grc", "ku", "tr", "sr-Latn", "ar-Latn"):
        assert direction(tag) == "ltr", tag


def test_each_typeface_is_set_for_the_languages_the_table_says() -> None:
    """styles/typefaces.toml's languages and styles/scripts.css's :lang() rules agree."""
    css = (ROOT / "styles" / "scripts.css").read_text(encoding="utf-8")
    for typeface in typefaces():
        for language in typeface["languages"]:
            rule = re.search(rf":lang\({re.escape(language)}\)[^{{]*\{{\s*font-family:\s*\"([^\"]+)\"", css)
            assert rule and rule.group(1).startswith(typeface["family"]), (language, typeface["family"])


def test_every_furniture_section_has_every_key_of_english() -> None:
    table = tomllib.loads((ROOT / "styles" / "furniture.toml").read_text(encoding="utf-8"))
    assert {"en", "es", "de", "fr", "ru", "zh", "ar"} <= set(table)
    for language, words in table.items():
        assert set(words) == set(table["en"]), language
        assert len(words["months"]) == 12, language


def test_a_language_finds_its_section_or_falls_back_to_english_and_says_so() -> None:
    assert (
        furniture_language("zh-Hans") == "zh"
        and furniture_language("es-MX") == "es"
        and furniture_language("ar") == "ar"
    )
    assert furniture_language("fa") == FALLBACK and fallback_warning("fa", "source/x") is not None
    assert fallback_warning("en-GB", "source/x") is None and fallback_warning("de", "source/x") is None
    words = Words("zh")
    assert (
        words("contents") == "目录" and words("by", author="<b>") == "&lt;b&gt;著"
    )  # fields escaped, the table trusted


def test_the_colophon_names_the_face_of_the_works_script() -> None:
    assert str(typeface_credit("zh-Hant", False, Words("zh-Hant"))) == "Noto Serif CJK TC"
    assert str(typeface_credit("ru", False, Words("ru"))) == "Noto Serif"
    assert "GFS Didot" in str(typeface_credit("en", True, Words("en")))


def test_only_polytonic_greek_is_embedded_subset_and_within_its_size(tmp_path: Path) -> None:
    for number, sample in enumerate(SAMPLES, start=1):
        faces, css = embedded_faces(load_work(write_sample(sample, tmp_path / sample.slug, number)))
        if sample.language != "grc":
            assert (faces, css) == ([], ""), sample.slug
            continue
        assert [face.file_name for face in faces] == ["fonts/GFSDidot.woff2", "fonts/GFSDidotItalic.woff2"]
        assert ':lang(grc) { font-family: "GFS Didot"' in css
        for face in faces:
            assert len(face.data) <= MAX_BYTES
            characters = set(TTFont(io.BytesIO(face.data)).getBestCmap())
            assert {ord(c) for c in "".join(sample.words()) if "\u1f00" <= c <= "\u1fff"} <= characters
            assert len(characters) < 250  # a subset: GFS Didot has 1,104 characters
