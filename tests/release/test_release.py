"""Release-ready artefacts: byte-identical rebuilds, SHA256SUMS and manifest.json, and a
`verify` that catches a flipped byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SLUG

FILES = [
    f"{SLUG}.epub",
    f"{SLUG}.kepub.epub",
    f"{SLUG}.azw3",
    f"{SLUG}-cover.png",
    f"{SLUG}.pdf",
    f"{SLUG}-us-trade.pdf",
]


def copy_project(target: Path) -> Path:
    """The project as a person would unpack it from a source archive: no .git, no dist."""
    for name in ("builder", "styles"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "source" / SLUG, target / "source" / SLUG)  # the letter alone keeps it quick
    return target


def build_in(
    folder: Path,
    tz: str,
    seed: str,
    extra_env: dict[str, str] | None = None,
    options: tuple[str, ...] = ("--trim", "a5", "--trim", "us-trade"),
) -> Path:
    env = (
        {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        | {"TZ": tz, "PYTHONHASHSEED": seed}
        | (extra_env or {})
    )
    result = subprocess.run(
        [sys.executable, "-m", "builder", "build", *options],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder / "dist"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = build_in(copy_project(tmp_path_factory.mktemp("here")), "Pacific/Kiritimati", "1")
    other = tmp_path_factory.mktemp("elsewhere") / "a" / "b"
    other.mkdir(parents=True)
    second = build_in(copy_project(other), "America/Adak", "4242")
    return first, second


def test_two_builds_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted([*FILES, "catalog.xml", "SHA256SUMS", "manifest.json"])
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between builds"


def test_source_date_epoch_sets_the_edition_date(tmp_path: Path) -> None:
    # The A5 PDF alone: the manifest and the PDF are what the date is read from.
    dist = build_in(copy_project(tmp_path), "UTC", "0", {"SOURCE_DATE_EPOCH": "1335830400"}, ("--format", "pdf"))
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["works"][SLUG]["edition_date"] == "2012-05-01T00:00:00Z"
    from pypdf import PdfReader

    assert PdfReader(dist / f"{SLUG}.pdf").metadata["/CreationDate"].startswith("D:20120501000000")


def test_sha256sum_accepts_the_sums(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=first, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(line.split(": ")[0] for line in result.stdout.splitlines()) == sorted([*FILES, "catalog.xml"])


def test_manifest_describes_each_file(two_builds: tuple[Path, Path]) -> None:
    first, _ = two_builds
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["builder"]["name"] == "Folio"
    work = manifest["works"][SLUG]
    assert work["identifier"] == "urn:uuid:55252c19-f823-5435-9283-456f0242fa04"
    assert work["edition_date"] == "2004-01-01T00:00:00Z"  # no git, no SOURCE_DATE_EPOCH: the archive's year
    assert sorted(f["name"] for f in work["files"]) == sorted(FILES)
    for entry in work["files"]:
        assert entry["size"] == (first / entry["name"]).stat().st_size


@pytest.mark.parametrize("name", [f"{SLUG}.epub", f"{SLUG}.kepub.epub", f"{SLUG}.azw3", f"{SLUG}.pdf"])
def test_verify_catches_a_flipped_byte(two_builds: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(two_builds[0], dist)
    clean = subprocess.run(
        [sys.executable, "-m", "builder", "verify", str(dist), "--no-checks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert clean.returncode == 0, clean.stderr
    data = bytearray((dist / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (dist / name).write_bytes(bytes(data))
    # The sums alone catch it (the validators' own runs on a release are tested in test_verify.py).
    result = subprocess.run(
        [sys.executable, "-m", "builder", "verify", str(dist), "--no-checks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{name}: sha256" in result.stderr and "[V103]" in result.stderr
    assert "Traceback" not in result.stderr
