"""Foreign phrases carry their language (WCAG 3.1.2): every work in source/ passes the
dictionary check `folio check` runs on EPUBs, and an untagged phrase is named in a warning
that does not fail the check."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.checks.foreign_words import allowed_words, spellings, untagged_foreign_words
from tests.conftest import ROOT, SLUG, run_cli, run_here

WORKS = sorted(path for path in (ROOT / "source").iterdir() if (path / "work.toml").is_file())


@pytest.fixture(scope="module")
def epubs(built_shelf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The EPUB of every work, from the session's shelf."""
    out = tmp_path_factory.mktemp("epubs")
    for work in WORKS:
        shutil.copy(built_shelf / f"{work.name}.epub", out)
    return out


@pytest.mark.parametrize("work", WORKS, ids=[work.name for work in WORKS])
def test_every_work_tags_its_foreign_phrases(epubs: Path, work: Path) -> None:
    """The dictionary check `folio check` runs (its warning, W001, is tested below): no guess."""
    assert untagged_foreign_words(epubs / f"{work.name}.epub", allowed_words(work)) == {}


def test_capital_tags_latin_french_german_and_italian(epubs: Path) -> None:
    chapter = epubs / "marx-1867-capital-v1-ch01-commodities.epub"
    with zipfile.ZipFile(chapter) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xhtml")).decode()
    for lang, phrase in (
        ("la", "fictio juris"),
        ("fr", "pour encourager les autres"),
        ("it", "Tutti i fenomeni"),
        ("de", "wo Begriffe fehlen"),
    ):
        assert f'<span lang="{lang}">{phrase}' in text, phrase


def test_an_untagged_phrase_is_named_in_a_warning(work_copy: Path, tmp_path: Path) -> None:
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace(
            "Here it is in full.", "Here it is in full, pour encourager les autres."
        ),
        encoding="utf-8",
    )
    assert run_cli("build", str(work_copy), "--format", "epub", "--out", str(tmp_path)).returncode == 0
    result = run_here("check", str(tmp_path / f"{SLUG}.epub"))
    assert result.returncode == 0  # a guess warns; it does not fail the check
    assert "encourager (fr)" in result.stderr and "[W001]" in result.stderr
    tagged = {"encourager", "autres"} & set(untagged_foreign_words(tmp_path / f"{SLUG}.epub"))
    assert tagged


def _epub(path: Path, language: str, words: str) -> Path:
    """The least EPUB the check reads: a package naming the language, one page of text."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<metadata><dc:language>{language}</dc:language></metadata></package>",
        )
        archive.writestr("text.xhtml", f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{words}</p></body></html>')
    return path


# British spellings of words common in American English, each of one regular correspondence.
BRITISH = [
    "labour",
    "labourers",
    "colour",
    "centre",
    "centres",
    "theatre",
    "organise",
    "organisation",
    "analyse",
    "defence",
    "catalogue",
    "programme",
    "manoeuvre",
    "travelled",
    "favourite",
    "calibre",
]
# French words that look like British spellings ("entre" → "enter") and are not.
FRENCH = ["entre", "lettre", "chambre", "membre", "ordre", "toujours", "encourager"]


@given(british=st.lists(st.sampled_from(BRITISH), min_size=1, max_size=6), french=st.sampled_from(FRENCH))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_british_spellings_are_english_and_french_words_still_french(
    british: list[str], french: str, tmp_path: Path
) -> None:
    """W001 counts a British spelling as English through its American twin, by rule and not by
    a list of the works' words; a French word is still named."""
    found = untagged_foreign_words(_epub(tmp_path / "w.epub", "en", f"the {' the '.join(british)} and {french}"))
    assert found == {french: "fr"}
    assert all(len(spellings(word, "en")) > 1 for word in british)
    assert spellings("centre", "fr") == {"centre"}  # only English has the other side's spellings


@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
def test_the_editions_own_words_are_not_taken_for_foreign_ones(language: str, tmp_path: Path) -> None:
    """The colophon and rights page are Folio's words in the work's language ("copiarlo",
    "indica" and "trae" in Spanish read as Italian by frequency): they are left alone, and a
    foreign word beside them is still named."""
    from builder.editions.languages import furniture_texts

    furniture = " ".join(re.sub(r"<[^>]+>|\{[^}]*\}", " ", text) for text in furniture_texts(language))
    stranger = {"en": "encourager", "es": "toujours", "fr": "wirklich", "de": "toujours"}[language]
    found = untagged_foreign_words(_epub(tmp_path / "w.epub", language, f"{furniture} {stranger}"))
    assert set(found) == {stranger}
