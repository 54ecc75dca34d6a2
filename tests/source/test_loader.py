"""The loader reads a source folder into the model and refuses bad input with an error that
names the file, the line, and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.errors import SourceError
from builder.source.loader import load_work
from tests.conftest import LETTER
from tests.support.source_edits import edit, line_of


def test_the_letter_loads_into_the_model() -> None:
    work = load_work(LETTER)
    meta = work.meta
    assert meta.title == "A Letter to Huysmans, Secretary of the International Socialist Bureau"
    assert meta.author == "V. I.\u00a0Lenin" and meta.author_sort == "Lenin, V. I."
    assert meta.language == "en" and meta.identifier.startswith("urn:uuid:")
    assert (
        meta.source and meta.source.volume == "17" and meta.source.year == "[1974]" and meta.source.pages == "547-550"
    )
    assert meta.credits.translators == ["Dora Cox"] and meta.credits.transcribers == ["R. Cymbala"]
    assert meta.archive.credit == "Please credit “Marxists Internet Archive” as your source."
    assert meta.rights.status == "public-domain"
    assert [part.title for part in work.parts] == [meta.title]
    assert [note.label for note in work.notes] == ["1"]


@pytest.mark.parametrize(
    ("file", "old", "new", "message", "line_fragment"),
    [
        ("work.toml", "short-title =", "shrot-title =", "unknown key 'shrot-title'", "shrot-title"),
        (
            "work.toml",
            "[credits]\ntranslators",
            "[credits]\ntranslator",
            "unknown key 'credits.translator'",
            "translator =",
        ),
        ("work.toml", 'language = "en"', 'language = "English"', "'language'", "language ="),
        ("work.toml", "year = 2004", 'year = "two thousand"', "'archive.year'", 'year = "two'),
        ("work.toml", 'author-sort = "Lenin, V. I."\n', "", "missing key 'author-sort'", None),
        ("work.toml", 'status = "public-domain"', 'status = "licensed"', "needs a [rights.licence]", "[rights]"),
        (
            "work.toml",
            'title = "Lenin Collected Works"',
            'title = "Lenin Collected Works',
            "not valid TOML",
            'title = "Lenin Collected Works',
        ),
        ("text.md", "[^1]: Lenin’s", "[^2]: Unused.\n\n[^1]: Lenin’s", "note [^2] is never called", "[^2]: Unused"),
        ("text.md", "Bureau[^1]", "Bureau[^9]", "note [^9] is called but not written", "Bureau[^9]"),
        ("text.md", "# A Letter", "A Letter", "does not start with a level-1 heading", None),
        ("text.md", "{.salutation}", "{#toc .salutation}", "id 'toc' is reserved", "Dear Comrade"),
        ("text.md", "Here it is in full.", "Here it is in full.[^1]", "called twice", "Here it is in full"),
        (
            "text.md",
            "Here it is in full.",
            "Here ![a map](map.png) in full.",
            "image 'map.png' is not in the work's folder",
            "Here ![",
        ),
        (
            "text.md",
            "Here it is in full.",
            "Here ![a map](../map.png) in full.",
            "leads outside the work's folder",
            "Here ![",
        ),
        (
            "text.md",
            "Here it is in full.",
            "Here ![a map](work.toml) in full.",
            "is not a JPEG, PNG, GIF or SVG",
            "Here ![",
        ),
        (
            "text.md",
            "# A Letter to Huysmans, Secretary of the International Socialist Bureau[^1]",
            "# [^1]",
            "heading has no words",
            "# [^1]",
        ),
        ("text.md", "Here it is in full.", "Here it is\x0cin full.", "control character U+000C", "Here it is"),
        ("text.md", "{.salutation}", '{style="color: red"}', "attribute 'style' is not allowed", "Dear Comrade"),
        (
            "text.md",
            "{.salutation}",
            "{.running-title}",
            "class 'running-title' is not one the stylesheets know",
            "Dear Comrade",
        ),
        ("text.md", "{.salutation}", "{.footnote}", "class 'footnote' is not one", "Dear Comrade"),
        (
            "text.md",
            "{.salutation}",
            '{lang="not a tag!"}',
            "language 'not a tag!' is not a BCP 47 tag",
            "Dear Comrade",
        ),
        (
            "text.md",
            "Here it is in full.",
            "Here it is in [full](../../secret.html).",
            "only web addresses",
            "Here it is in [full]",
        ),
        (
            "text.md",
            "Here it is in full.",
            "Here it is in [full](#nowhere).",
            "link to #nowhere",
            "Here it is in [full]",
        ),
        ("text.md", "{.salutation}", "{#noteref-1}", "id 'noteref-1' is reserved", "Dear Comrade"),
        ("text.md", "{.salutation}", "{#text-text}", "id 'text-text' is reserved", "Dear Comrade"),
        (
            "work.toml",
            'short-title = "A Letter to Huysmans"',
            'short-title = "A Letter\\u000cto Huysmans"',
            "control character",
            "short-title",
        ),
    ],
)
def test_bad_source_is_refused_with_file_line_and_fix(
    work_copy: Path, file: str, old: str, new: str, message: str, line_fragment: str | None
) -> None:
    path = work_copy / file
    edit(path, old, new)
    with pytest.raises(SourceError) as caught:
        load_work(work_copy)
    error = caught.value
    assert message in error.message
    assert Path(error.path).name == file
    assert error.hint
    if line_fragment is not None:
        assert error.line == line_of(path, line_fragment), str(error)
    assert error.code.startswith("S")


def test_missing_part_file_is_named(work_copy: Path) -> None:
    edit(work_copy / "work.toml", 'parts = ["text.md"]', 'parts = ["text.md", "second.md"]')
    with pytest.raises(SourceError, match="missing") as caught:
        load_work(work_copy)
    assert Path(caught.value.path).name == "second.md"


def test_several_parts_load_in_order_with_unique_ids(work_copy: Path) -> None:
    (work_copy / "second.md").write_text("# Second part\n\nMore text.[^b]\n\n[^b]: A second note.\n", encoding="utf-8")
    edit(work_copy / "work.toml", 'parts = ["text.md"]', 'parts = ["text.md", "second.md"]')
    work = load_work(work_copy)
    assert [part.id for part in work.parts] == ["part-1", "part-2"]
    assert [part.title for part in work.parts][1] == "Second part"
    assert [note.label for note in work.notes] == ["1", "b"]


def test_note_labels_must_be_unique_across_parts(work_copy: Path) -> None:
    (work_copy / "second.md").write_text("# Second\n\nText.[^1]\n\n[^1]: Again.\n", encoding="utf-8")
    edit(work_copy / "work.toml", 'parts = ["text.md"]', 'parts = ["text.md", "second.md"]')
    with pytest.raises(SourceError, match=r"label \[\^1\] is also used in") as caught:
        load_work(work_copy)
    assert caught.value.line == 5


def test_not_utf8_is_refused(work_copy: Path) -> None:
    (work_copy / "text.md").write_bytes("# Title\n\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8"):
        load_work(work_copy)


def test_a_parts_path_cannot_leave_the_folder(work_copy: Path) -> None:
    edit(work_copy / "work.toml", 'parts = ["text.md"]', 'parts = ["../../etc/passwd.md"]')
    with pytest.raises(SourceError, match="'parts"):
        load_work(work_copy)


def test_a_part_linked_outside_the_folder_is_refused(work_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Not part of the work\n", encoding="utf-8")
    (work_copy / "text.md").unlink()
    (work_copy / "text.md").symlink_to(secret)
    with pytest.raises(SourceError, match="outside the work's folder") as caught:
        load_work(work_copy)
    assert caught.value.code == "S019"


def test_a_byte_order_mark_is_allowed(work_copy: Path) -> None:
    for name in ("work.toml", "text.md"):
        path = work_copy / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_work(work_copy).meta.title.startswith("A Letter")


def test_a_part_that_is_a_folder_is_a_clear_error(work_copy: Path) -> None:
    (work_copy / "second.md").mkdir()
    edit(work_copy / "work.toml", 'parts = ["text.md"]', 'parts = ["text.md", "second.md"]')
    with pytest.raises(SourceError, match="cannot be read") as caught:
        load_work(work_copy)
    assert Path(caught.value.path).name == "second.md"


@pytest.mark.parametrize(
    ("svg", "code"),
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', None),
        ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>', "S033"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>', "S033"),
    ],
)
def test_an_svg_image_may_fetch_nothing(work_copy: Path, svg: str, code: str | None) -> None:
    (work_copy / "map.svg").write_text(svg, encoding="utf-8")
    edit(work_copy / "text.md", "Here it is in full.", "Here it is in full.\n\n![a map of Europe](map.svg)")
    if code is None:
        assert load_work(work_copy).images == ["map.svg"]
    else:
        with pytest.raises(SourceError) as caught:
            load_work(work_copy)
        assert caught.value.code == code and caught.value.line == line_of(work_copy / "text.md", "![a map")
