"""A whole shelf: parallel, incremental and sharded builds leave dist/ byte for byte as a
serial full build does; the incremental key covers everything that changes an edition."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from builder import fingerprint
from builder.editions.kinds import DEFAULT_FORMATS
from builder.editions.trims import DEFAULT_TRIM
from builder.shelf import key as build_key
from builder.shelf.work import editions
from tests.support.shelf_project import NEW, OLD, WORKS, assert_true_release, files, folio, make_project

# The files `folio build` makes of each work: one of every kind the registry makes by default.
PER_WORK = len(editions(DEFAULT_FORMATS, [DEFAULT_TRIM], marks=False))


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with four works, and its whole shelf built serially: the reference."""
    project = make_project(tmp_path_factory.mktemp("shelf"))
    result = folio(project, "build", "--out", "serial", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert f"4 of 4 works built, {4 * PER_WORK} files" in result.stdout
    assert_true_release(project / "serial")
    return project, project / "serial"


@pytest.mark.slow(35)  # the module's builds of four works
def test_parallel_build_is_byte_identical_to_serial(shelf: tuple[Path, Path]) -> None:
    project, serial = shelf
    result = folio(project, "build", "--out", "parallel", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert files(project / "parallel") == files(serial)


def test_shards_merge_into_the_whole_build(shelf: tuple[Path, Path]) -> None:
    project, serial = shelf
    shards = []
    for k in (1, 2):
        result = folio(project, "build", "--shard", f"{k}/2", "--out", f"shard-{k}", "--jobs", "1")
        assert result.returncode == 0, result.stderr
        shards.append(project / f"shard-{k}")
    slugs = [
        sorted(
            name.removesuffix(".epub")
            for name in files(shard)
            if name.endswith(".epub") and not name.endswith(".kepub.epub")
        )
        for shard in shards
    ]
    assert sorted(slug for share in slugs for slug in share) == sorted(WORKS)  # each work in exactly one shard
    assert all(slugs)  # and the works really are spread
    result = folio(project, "release", "merge", *(str(s) for s in shards), "--out", "merged")
    assert result.returncode == 0, result.stderr
    assert files(project / "merged") == files(serial)
    verify = folio(project, "verify", "merged", "--no-checks")
    assert verify.returncode == 0, verify.stderr

    # A shard built into a folder that holds the whole shelf leaves the other shards' works be.
    whole = project / "whole"
    shutil.copytree(serial, whole)
    again = folio(project, "build", "--shard", "2/2", "--out", "whole")
    assert again.returncode == 0 and "removed" not in again.stdout, again.stdout + again.stderr
    assert files(whole) == files(serial)

    overlap = folio(project, "release", "merge", str(shards[0]), "serial", "--out", "bad")
    assert overlap.returncode == 1 and "[R002]" in overlap.stderr and "Traceback" not in overlap.stderr
    other = project / "other-builder"
    shutil.copytree(shards[1], other)
    manifest = (other / "manifest.json").read_text(encoding="utf-8")
    (other / "manifest.json").write_text(manifest.replace('"version": "', '"version": "9', 1), encoding="utf-8")
    mismatch = folio(project, "release", "merge", str(shards[0]), str(other), "--out", "bad")
    assert mismatch.returncode == 1 and "[R003]" in mismatch.stderr
    assert not (project / "bad").exists()


def test_a_shard_is_stable_whatever_else_is_on_the_shelf() -> None:
    """A work's shard depends on its slug alone (and N): the same on every machine and run."""
    from builder.release.shards import in_shard

    for slug in [*WORKS, "a", "another-work"]:
        assert sum(in_shard(slug, (k, 4)) for k in range(1, 5)) == 1
    assert {slug: next(k for k in (1, 2, 3) if in_shard(slug, (k, 3))) for slug in WORKS} == dict(
        zip(WORKS, [3, 2, 1, 2], strict=True)
    )
    for bad_shard in ("4/3", "0/2", "1", "a/b"):
        bad = folio(Path(__file__).resolve().parents[2], "build", "--shard", bad_shard)
        assert bad.returncode == 2 and "not K/N" in bad.stderr


def test_incremental_builds(shelf: tuple[Path, Path]) -> None:
    """Unchanged works are not rebuilt; a changed work alone is; a changed stylesheet
    rebuilds every work; a deleted work leaves dist/ and its sums; --force rebuilds all."""
    project, serial = shelf
    dist = project / "incremental"
    shutil.copytree(serial, dist)
    inodes = {p.name: p.stat().st_ino for p in dist.iterdir()}

    again = folio(project, "build", "--out", "incremental")
    assert again.returncode == 0, again.stderr
    assert "4 of 4 works built, 0 files in incremental; 4 up to date" in again.stdout
    assert {p.name: p.stat().st_ino for p in dist.iterdir()} == inodes  # nothing was even rewritten

    text = project / "source" / WORKS[1] / "text.md"
    original = text.read_text(encoding="utf-8")
    text.write_text(original.replace("the", "the", 1) + "\nOne more line.\n", encoding="utf-8")
    try:
        one = folio(project, "build", "--out", "incremental")
        assert one.returncode == 0, one.stderr
        assert f"{PER_WORK} files" in one.stdout and "3 up to date" in one.stdout
        assert all(WORKS[1] in line for line in one.stdout.splitlines() if "bytes" in line)
    finally:
        text.write_text(original, encoding="utf-8")
    back = folio(project, "build", "--out", "incremental", "--jobs", "1")
    assert files(dist) == files(serial)  # and back to the same bytes when the change is undone
    assert f"{PER_WORK} files" in back.stdout

    shutil.rmtree(project / "source" / WORKS[0])
    try:
        removed = folio(project, "build", "--out", "incremental")
        assert removed.returncode == 0, removed.stderr
        assert "1 work no longer in source/ removed" in removed.stdout
        assert not list(dist.glob(f"{WORKS[0]}*"))
        assert (
            WORKS[0] not in (dist / "SHA256SUMS").read_text() and WORKS[0] not in (dist / "manifest.json").read_text()
        )
        assert_true_release(dist)
    finally:
        shutil.copytree(Path(__file__).resolve().parents[2] / "source" / WORKS[0], project / "source" / WORKS[0])

    css = project / "styles" / "common.css"
    style = css.read_text(encoding="utf-8")
    css.write_text(style + "\n/* a change */\n", encoding="utf-8")
    try:
        every = folio(project, "build", "--out", "incremental")
        assert every.returncode == 0, every.stderr
        assert f"4 of 4 works built, {4 * PER_WORK} files" in every.stdout
    finally:
        css.write_text(style, encoding="utf-8")


def test_what_the_key_does_not_cover_does_not_change_an_edition(shelf: tuple[Path, Path], tmp_path: Path) -> None:
    """Change what the key leaves out (where the project is, file times, the clock's zone,
    hash seeds, files outside a work and styles/), rebuild with --force: the same bytes."""
    _, serial = shelf
    moved = make_project(tmp_path / "elsewhere" / "deeper", WORKS[:2])
    result = folio(moved, "build", "--out", "dist", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    for path in (moved / "source").rglob("*"):
        os.utime(path, (1e9, 1e9))
    (moved / "source" / "notes.txt").write_text("not a work", encoding="utf-8")
    (moved / "README.md").write_text("unrelated", encoding="utf-8")
    manifest = (moved / "dist" / "manifest.json").read_text(encoding="utf-8")
    result = folio(
        moved, "build", "--out", "dist", "--jobs", "1", env_extra={"TZ": "Asia/Kathmandu", "PYTHONHASHSEED": "99"}
    )
    assert "2 up to date" in result.stdout  # none of that is in the key
    result = folio(
        moved,
        "build",
        "--out",
        "dist",
        "--force",
        "--jobs",
        "2",
        env_extra={"TZ": "Asia/Kathmandu", "PYTHONHASHSEED": "99"},
    )
    assert result.returncode == 0, result.stderr
    assert f"{2 * PER_WORK} files" in result.stdout
    built = files(moved / "dist")
    assert {name: data for name, data in files(serial).items() if name.startswith(tuple(WORKS[:2]))} == {
        n: d for n, d in built.items() if n.startswith(tuple(WORKS[:2]))
    }
    assert built["manifest.json"].decode() == manifest  # keys included


def test_the_key_covers_what_shapes_an_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path, WORKS[:1])
    folder = project / "source" / WORKS[0]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", OLD)
    base = build_key.keyed(folder).key
    assert base and base == build_key.keyed(folder).key
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEW)
    assert build_key.keyed(folder).key != base  # the edition's date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", OLD)
    (folder / "extra.md").write_text("# A part not yet listed\n", encoding="utf-8")
    assert build_key.keyed(folder).key != base  # any file of the work's folder
    (folder / "extra.md").unlink()
    assert build_key.keyed(folder).key == base
    assert build_key.edition_key(base, "a.pdf") != build_key.edition_key(base, "a-a4.pdf")  # the options
    shared = fingerprint.shared_key()
    assert {name for name, _ in fingerprint._dependency_versions()} >= {
        "weasyprint",
        "pydyf",
        "ebooklib",
        "fonttools",
        "pyphen",
    }
    assert any(font.name.startswith("SourceSerifPro") for font in fingerprint._font_files())
    fingerprint.shared_key.cache_clear()
    monkeypatch.setattr(fingerprint, "style_folders", lambda: (project / "styles",))
    (project / "styles" / "common.css").write_text("p {}", encoding="utf-8")
    assert fingerprint.shared_key() != shared  # styles/
    fingerprint.shared_key.cache_clear()


def test_one_work_on_two_workers_makes_the_same_editions_in_its_own_process(shelf: tuple[Path, Path]) -> None:
    """Two tasks (the EPUB and what is made from it; the PDF) of one work: made in the
    build's process (scheduler.pooled), the same bytes as the serial shelf's."""
    project, serial = shelf
    result = folio(project, "build", f"source/{WORKS[0]}", "--out", "single", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    single = files(project / "single")
    assert {n: d for n, d in single.items() if n.startswith(WORKS[0])} == {
        n: d for n, d in files(serial).items() if n.startswith(WORKS[0])
    }
    # Gathered in the registry's order
    made = [
        f"{WORKS[0]}.epub",
        f"{WORKS[0]}.kepub.epub",
        f"{WORKS[0]}.azw3",
        f"{WORKS[0]}-cover.png",
        f"{WORKS[0]}.pdf",
    ]
    assert [line.split()[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines() if "bytes" in line] == made


@pytest.mark.slow(12)  # a work's editions, its PDF in two trims
def test_one_work_in_two_trims_on_two_workers_makes_its_editions_at_once_and_the_same(
    shelf: tuple[Path, Path],
) -> None:
    """Three tasks (the EPUB's; each trim's PDF) of one work go through the pool: the same
    bytes as the serial shelf's, in the trim it has."""
    project, serial = shelf
    result = folio(project, "build", f"source/{WORKS[0]}", "--out", "trims", "--jobs", "2", "-t", "a5", "-t", "a4")
    assert result.returncode == 0, result.stderr
    made = files(project / "trims")
    assert f"{WORKS[0]}-a4.pdf" in made
    ours = {n: d for n, d in files(serial).items() if n.startswith(WORKS[0])}
    assert {n: d for n, d in made.items() if n in ours} == ours


def test_a_cached_cover_gives_the_same_epub_without_loading_weasyprint(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", WORKS[:1])
    cache = {"FOLIO_CACHE": str(tmp_path / "cache")}
    cold = folio(project, "build", "--format", "epub", "--out", "cold", env_extra=cache)
    assert cold.returncode == 0, cold.stderr
    assert len(list((tmp_path / "cache" / "covers").glob("*.png"))) == 1
    warm = folio(
        project, "-X", "importtime", "build", "--format", "epub", "--out", "warm", env_extra=cache, python_flags=True
    )
    assert warm.returncode == 0, warm.stderr
    assert not re.search(r"\|\s*weasyprint$", warm.stderr, re.M)  # the import log: no layout engine was loaded
    assert files(project / "warm") == files(project / "cold")
