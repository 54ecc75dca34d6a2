"""The command line as a user meets it: help, formats, summaries, and errors without tracebacks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from .conftest import SLUG, run_cli


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["verify"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("Folio ")


def test_build_one_format_into_a_chosen_folder(work_copy: Path, tmp_path: Path) -> None:
    dist = tmp_path / "out"
    result = run_cli("build", str(work_copy), "--format", "epub", "--out", str(dist))
    assert result.returncode == 0, result.stderr
    # The EPUB brings the catalogue's cover, which is made from it.
    assert sorted(p.name for p in dist.iterdir()) == sorted(
        [f"{SLUG}.epub", f"{SLUG}-cover.png", "catalog.xml", "SHA256SUMS", "manifest.json"]
    )
    assert zipfile.ZipFile(dist / f"{SLUG}.epub").testzip() is None
    assert "1 of 1 work built, 2 files" in result.stdout


def test_bad_source_fails_cleanly_and_leaves_nothing(work_copy: Path, tmp_path: Path) -> None:
    toml = work_copy / "work.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("short-title", "shortitle"), encoding="utf-8")
    before = {p: p.read_bytes() for p in work_copy.iterdir()}
    dist = tmp_path / "out"
    result = run_cli("build", str(work_copy), "--out", str(dist))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "work.toml:5: unknown key 'shortitle'" in result.stderr
    assert "fix:" in result.stderr
    assert "0 of 1 work built" in result.stderr
    assert not dist.exists() or not any(dist.iterdir())
    assert {p: p.read_bytes() for p in work_copy.iterdir()} == before  # the source is never touched


def test_one_bad_work_does_not_stop_the_others(work_copy: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-work"
    broken.mkdir()
    (broken / "work.toml").write_text('title = "x"\n', encoding="utf-8")
    dist = tmp_path / "out"
    result = run_cli("build", str(broken), str(work_copy), "--format", "epub", "--out", str(dist))
    assert result.returncode == 1
    assert "missing key" in result.stderr
    assert (dist / f"{SLUG}.epub").exists()
    assert "1 of 2 works built" in result.stderr


def test_unknown_format_and_trim_are_refused() -> None:
    result = run_cli("build", "--format", "mobi")
    assert result.returncode == 2 and "not a format" in result.stderr
    result = run_cli("build", "--trim", "b6")
    assert result.returncode == 2 and "not a trim" in result.stderr


def test_a_commit_interrupted_before_its_swap_leaves_the_release_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.release import commit

    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "book.epub").write_bytes(b"the previous edition")

    def interrupted(a: Path, b: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(commit, "_exchange", interrupted)
    with pytest.raises(KeyboardInterrupt):
        commit.commit(dist, {"book.epub": b"new bytes", "book.pdf": b"new too"})
    assert (dist / "book.epub").read_bytes() == b"the previous edition"
    assert [p.name for p in dist.iterdir()] == ["book.epub"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging folder left beside it


def test_characters_the_print_faces_lack_cost_the_pdf_alone(work_copy: Path, tmp_path: Path) -> None:
    """P003 is the PDF's failure alone: the build fails naming the characters, and writes the
    work's other editions (the EPUB, its Kobo edition and the catalogue's cover), and a PDF an
    earlier build left leaves the release with its entries."""
    import json

    dist = tmp_path / "out"
    assert (
        run_cli("build", str(work_copy), "-f", "epub", "-f", "kepub", "-f", "pdf", "--out", str(dist)).returncode == 0
    )
    assert (dist / f"{work_copy.name}.pdf").is_file()
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("Here it is in full.", "Here it is in full Ꭰ."), encoding="utf-8"
    )
    result = run_cli("build", str(work_copy), "-f", "epub", "-f", "kepub", "-f", "pdf", "--out", str(dist))
    assert result.returncode == 1 and "[P003]" in result.stderr and "U+13A0 CHEROKEE LETTER A" in result.stderr
    assert sorted(path.name for path in dist.glob(f"{work_copy.name}*")) == [
        f"{work_copy.name}-cover.png",
        f"{work_copy.name}.epub",
        f"{work_copy.name}.kepub.epub",
    ]
    listed = [
        file["name"] for file in json.loads((dist / "manifest.json").read_text())["works"][work_copy.name]["files"]
    ]
    assert f"{work_copy.name}.pdf" not in listed and f"{work_copy.name}.epub" in listed
    assert f"{work_copy.name}.pdf" not in (dist / "SHA256SUMS").read_text()
    assert "Ꭰ" in zipfile.ZipFile(dist / f"{work_copy.name}.epub").read("EPUB/text.xhtml").decode()


def test_folio_check_lints_the_works_of_the_project_whose_editions_it_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`folio check` adds `folio lint`'s findings on the works whose editions it checks (each
    slug told from a longer one it begins), and none for works it does not check."""
    import shutil

    from builder import cli
    from builder.paths import project

    from .conftest import LETTER

    for name, extra in (("a-letter", "\n## Notes\n"), ("a-letter-two", "")):
        shutil.copytree(LETTER, tmp_path / "source" / name)
        text = tmp_path / "source" / name / "text.md"
        text.write_text(
            text.read_text(encoding="utf-8").split("\n[^", 1)[0].rstrip()
            + "\n"
            + extra
            + "\n[^"
            + text.read_text(encoding="utf-8").split("\n[^", 1)[1],
            encoding="utf-8",
        )
    monkeypatch.setenv("FOLIO_PROJECT", str(tmp_path))
    project.cache_clear()
    try:
        found = cli._lint_sources_of([tmp_path / "a-letter.epub", tmp_path / "a-letter-a4.pdf"])
        assert [finding.code for finding in found] == ["L003"] and "a-letter/text.md:" in found[0].path
        assert cli._lint_sources_of([tmp_path / "a-letter-two.epub"]) == []
    finally:
        project.cache_clear()


def test_a_run_in_a_face_not_the_books_costs_the_pdf_alone(work_copy: Path, tmp_path: Path) -> None:
    """P004 (a Thai word untagged in a Bengali work, set in a face that is not the book's) is
    the PDF's failure alone, as P003 is: the EPUB is still written."""
    toml = work_copy / "work.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('language = "en"', 'language = "bn"'), encoding="utf-8")
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("Here it is in full.", "Here it is in full ไทย."), encoding="utf-8"
    )
    dist = tmp_path / "out"
    result = run_cli("build", str(work_copy), "-f", "epub", "-f", "pdf", "--out", str(dist))
    assert result.returncode == 1 and "[P004]" in result.stderr
    assert (dist / f"{work_copy.name}.epub").is_file() and not (dist / f"{work_copy.name}.pdf").exists()
