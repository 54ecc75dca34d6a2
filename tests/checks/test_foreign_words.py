"""Foreign phrases carry their language (WCAG 3.1.2): every work in source/ passes the
dictionary check `folio check` runs on EPUBs, and an untagged phrase is named in a warning
that does not fail the check."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from builder.checks.foreign_words import allowed_words, untagged_foreign_words
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
