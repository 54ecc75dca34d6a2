"""The source stage's modules each on their own, on small made-up files: the images a text
shows, SVG kept only static, the limits, reading a source file, the edition's date, finding
works, work.toml, the Markdown parser and the model's derived values."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import SourceError
from builder.paths import BUILTIN_STYLES as STYLES
from builder.source.edition_date import edition_date
from builder.source.folders import find_works
from builder.source.images import check_image, media_type
from builder.source.limits import MAX_NOTES, check_notes, check_size, limit
from builder.source.loader import load_work
from builder.source.metadata import load_metadata
from builder.source.model import Section
from builder.source.sourcefile import invisible, read_source
from builder.source.svg import svg_problem
from builder.source.text import parse_part
from tests.conftest import LETTER, ROOT
from tests.support.source_edits import edit

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
STATIC_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#000"/></svg>'
)


def _refused(code: str, call, *args, **kwargs) -> SourceError:
    with pytest.raises(SourceError) as raised:
        call(*args, **kwargs)
    assert raised.value.code == code, str(raised.value)
    return raised.value


# images.py: by content, never by name, and only inside the work's folder


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (PNG, "image/png"),
        (b"GIF89a....", "image/gif"),
        (b"GIF87a....", "image/gif"),
        (b'<?xml version="1.0"?>\n<!-- drawn -->\n' + STATIC_SVG, "image/svg+xml"),
        (b"BM\0\0", None),
        (b"<html><svg></svg></html>", None),
    ],
)
def test_an_images_kind_is_read_from_its_first_bytes(data: bytes, kind: str | None) -> None:
    assert media_type(data) == kind


def test_an_image_is_shown_only_from_inside_the_folder_and_only_if_it_is_an_image(tmp_path: Path) -> None:
    (tmp_path / "figure.jpg").write_bytes(PNG)  # named .jpg, a PNG within: the content decides
    (tmp_path / "notes.png").write_bytes(b"not an image at all")
    (tmp_path / "active.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert check_image("figure.jpg", tmp_path, "text.md", 3) == "image/png"
    assert _refused("S032", check_image, "../outside.png", tmp_path, "text.md", 4).line == 4
    _refused("S032", check_image, "https://example.org/a.png", tmp_path, "text.md", 4)
    _refused("S030", check_image, "missing.png", tmp_path, "text.md", 5)
    _refused("S031", check_image, "notes.png", tmp_path, "text.md", 6)
    assert "script" in str(_refused("S033", check_image, "active.svg", tmp_path, "text.md", 7))


# svg.py: static and self-contained, or the first thing that is not


@pytest.mark.parametrize(
    ("svg", "found"),
    [
        (STATIC_SVG, None),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><defs>'
            b'<linearGradient id="g"/></defs><rect fill="url(#g)"/></svg>',
            None,
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>', "onclick="),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="other.svg#a"/></svg>',
            "outside the file",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://example.org/a)"/></svg>', "style="),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>', "stylesheet"),
        (b'<!DOCTYPE svg [<!ENTITY big "x">]><svg xmlns="http://www.w3.org/2000/svg">&big;</svg>', "entities"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><?evil?></svg>', "processing instruction"),
        (b"<svg", "not well-formed"),
    ],
)
def test_only_a_static_svg_passes(svg: bytes, found: str | None) -> None:
    problem = svg_problem(svg)
    assert (problem is None) if found is None else (problem is not None and found in problem), problem


# limits.py: refused up front, raised through the environment


def test_limits_are_read_from_the_environment_and_refuse_beyond_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOLIO_MAX_NOTES", raising=False)
    assert limit("FOLIO_MAX_NOTES", MAX_NOTES) == MAX_NOTES
    check_notes(MAX_NOTES, "work.toml")
    _refused("S048", check_notes, MAX_NOTES + 1, "work.toml")
    monkeypatch.setenv("FOLIO_MAX_NOTES", "3")
    check_notes(3, "work.toml")
    assert "at most 3" in str(_refused("S048", check_notes, 4, "work.toml"))
    monkeypatch.setenv("FOLIO_MAX_TEXT_KB", "2")
    check_size(2048, "text.md")
    _refused("S047", check_size, 2049, "text.md")
    for bad in ("0", "-1", "lots", "1.5"):
        monkeypatch.setenv("FOLIO_MAX_TEXT_KB", bad)
        _refused("S049", check_size, 1, "text.md")


# sourcefile.py: UTF-8, Unix line ends, inside the folder, nothing invisible


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Co", "Cn"]), max_size=40))
def test_text_a_reader_can_see_has_nothing_invisible(text: str) -> None:
    assert invisible(text) is None


@pytest.mark.parametrize(
    ("text", "offset", "what"),
    [("ab\x0cc", 2, "U+000C"), ("a\ue000b", 1, "private-use"), ("\U000e0080x\x7f", 2, "U+007F")],
)
def test_the_first_invisible_character_is_named_with_its_place(text: str, offset: int, what: str) -> None:
    found = invisible(text)
    assert found is not None and found[0] == offset and what in found[1]


def test_a_source_file_is_read_as_utf8_with_unix_line_ends_and_nothing_invisible(tmp_path: Path) -> None:
    missing = SourceError("text.md", "missing", code="S010")
    path = tmp_path / "text.md"
    path.write_bytes("\ufeff# Title\r\nline\rend\n".encode())
    assert read_source(path, "text.md", inside=tmp_path, missing=missing) == "# Title\nline\nend\n"
    path.write_bytes(b"# Title\n\ncaf\xe9\n")
    _refused("S002", read_source, path, "text.md", inside=tmp_path, missing=missing)
    path.write_text("# Title\n\na\x0cb\n", encoding="utf-8")
    assert _refused("S021", read_source, path, "text.md", inside=tmp_path, missing=missing).line == 3
    path.write_text("# Title\n\n\ue000\n", encoding="utf-8")
    assert _refused("S042", read_source, path, "text.md", inside=tmp_path, missing=missing).line == 3
    assert _refused("S010", read_source, tmp_path / "gone.md", "gone.md", inside=tmp_path, missing=missing) is missing
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("# Elsewhere\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(outside)
    _refused("S019", read_source, tmp_path / "link.md", "link.md", inside=tmp_path, missing=missing)
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    _refused("S046", read_source, tmp_path / "loop.md", "loop.md", inside=tmp_path, missing=missing)


# edition_date.py: never the clock


def test_the_edition_date_is_the_epoch_then_the_last_commit_then_the_archive_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert edition_date(tmp_path, STYLES, 2004) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    for bad in ("soon", "99999999999999", "0"):  # 0 is 1970: a zip cannot date an entry before 1980
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        _refused("S020", edition_date, tmp_path, STYLES, 2004)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # tmp_path is in no repository
    assert edition_date(tmp_path, tmp_path, 2004) == datetime(2004, 1, 1, tzinfo=UTC)
    assert edition_date(tmp_path, tmp_path, 1848) == datetime(1980, 1, 1, tzinfo=UTC)  # a zip's earliest date
    assert edition_date(tmp_path, tmp_path, None) == datetime(1980, 1, 1, tzinfo=UTC)


def test_a_committed_work_is_dated_by_its_last_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    work, styles = tmp_path / "work", tmp_path / "styles"
    work.mkdir(), styles.mkdir()
    (work / "text.md").write_text("# A\n", encoding="utf-8")
    (styles / "a.css").write_text("p {}\n", encoding="utf-8")
    dated = os.environ | {
        "GIT_AUTHOR_DATE": "@1600000000 +0000",
        "GIT_COMMITTER_DATE": "@1600000000 +0000",
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@example.org",
    }
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-q", "-m", "a"]):
        subprocess.run(command, cwd=tmp_path, env=dated, check=True)
    (work / "text.md").write_text("# A, changed and not committed\n", encoding="utf-8")
    assert edition_date(work, styles, 2004) == datetime.fromtimestamp(1600000000, UTC)


# folders.py


def test_works_are_the_folders_with_a_work_toml_in_a_stable_order(tmp_path: Path) -> None:
    for name in ("b-work", "a-work", "not-a-work"):
        (tmp_path / name).mkdir()
    for name in ("b-work", "a-work"):
        (tmp_path / name / "work.toml").write_text("", encoding="utf-8")  # found without being read
    (tmp_path / "not-a-work" / "text.md").write_text("# A\n", encoding="utf-8")
    assert find_works(tmp_path) == [tmp_path / "a-work", tmp_path / "b-work"]
    assert LETTER in find_works(ROOT / "source")


# metadata.py


def test_work_toml_is_read_into_metadata(work_copy: Path) -> None:
    meta = load_metadata(work_copy / "work.toml", "work.toml")
    assert meta.title.startswith("A Letter to Huysmans") and meta.language == "en" and meta.parts == ["text.md"]


@pytest.mark.parametrize(
    ("old", "new", "says", "line"),
    [
        (
            'short-title = "A Letter to Huysmans"',
            'short-title = "A Letter to Huysmans"\nauthr = "x"',
            "unknown key 'authr'",
            6,
        ),
        ('language = "en"', "language = [", "not valid TOML", None),
        ("year = 2004", 'year = "two thousand and four"', "archive.year", 37),
    ],
)
def test_a_fault_in_work_toml_is_named_with_its_key_and_line(
    work_copy: Path, old: str, new: str, says: str, line: int | None
) -> None:
    edit(work_copy / "work.toml", old, new)
    error = _refused("S003" if "TOML" in says else "S004", load_metadata, work_copy / "work.toml", "work.toml")
    assert says in error.message
    if line is not None:
        assert error.line == line


# text.py and model.py


def test_a_part_is_parsed_into_sections_notes_and_ids(tmp_path: Path) -> None:
    path = tmp_path / "text.md"
    path.write_text(
        "# The Title\n\nA call[^1] here.\n\n## First\n\n### Inner\n\nText.\n\n"
        "## Second\n\nMore.\n\n[^1]: The note.\n\n[^editor-a]: On the whole work.\n",
        encoding="utf-8",
    )
    part = parse_part(path, "text.md", "part-1")
    assert part.title == "The Title" and list(part.notes) == ["1"] and list(part.editor_notes) == ["editor-a"]
    assert [(section.level, section.title) for section in part.sections] == [(2, "First"), (3, "Inner"), (2, "Second")]
    assert [(top.title, [inner.title for inner in below]) for top, below in part.contents] == [
        ("First", ["Inner"]),
        ("Second", []),
    ]
    note = part.notes["1"]
    assert (note.id, note.call_id, note.line) == ("note-1", "noteref-1", 15)
    assert ("note-1", 15) in part.ids


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("No heading.\n", "S011", 1),
        ("# T\n\nA call[^2].\n", "S013", 3),
        ("# T\n\nText.\n\n[^3]: Never called.\n", "S012", 5),
    ],
)
def test_a_fault_in_the_text_is_named_with_its_line(tmp_path: Path, text: str, code: str, line: int) -> None:
    (tmp_path / "text.md").write_text(text, encoding="utf-8")
    assert _refused(code, parse_part, tmp_path / "text.md", "text.md", "part-1").line == line


def test_contents_put_an_h3_before_any_h2_at_the_top_level() -> None:
    from builder.source.model import Part

    sections = [Section(3, "a", "A"), Section(2, "b", "B"), Section(3, "c", "C")]
    part = Part(id="p", path=Path("p.md"), title="P", tokens=[], notes={}, sections=sections)
    assert [(top.id, [inner.id for inner in below]) for top, below in part.contents] == [("a", []), ("b", ["c"])]


def test_the_works_words_leave_the_notes_out() -> None:
    work = load_work(LETTER)
    assert 1200 < work.words < 1600 and len(work.notes) == 1 and work.images == []
