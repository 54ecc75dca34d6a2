"""Headings that skip a level: a page's headings (h3 then h5, h2 then h4) import re-levelled
under the part's own `#`, so that none skips, their order and relative depth kept; a
hand-written source that skips one is refused by the loader (S057), naming the line, since
its PDF would otherwise fail PDF/UA-1 (headings must nest) only at build time. And a linked
image that cannot be fetched keeps the link's words, which the page shows, as text."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from tempfile import mkdtemp

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.errors import SourceError
from builder.importer import book
from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.source.loader import load_work
from builder.source.text import parse_part

levels = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=12)


def _levels(blocks: list[str]) -> list[int]:
    return [len(block) - len(block.lstrip("#")) for block in blocks if block.startswith("#")]


@settings(max_examples=200, deadline=None)
@given(levels)
def test_relevelled_headings_never_skip_and_keep_their_order_and_depth(found: list[int]) -> None:
    blocks = [
        item for n, level in enumerate(found) for item in (f"{'#' * level} Heading {n}", f"Text under heading {n}.")
    ]
    out = book.relevel(blocks, [], "ch01.md")
    new = _levels(out)
    assert [block.lstrip("# ") for block in out] == [block.lstrip("# ") for block in blocks]  # the words, in order
    previous = 1  # the part's own `#`
    for level in new:
        assert 2 <= level <= previous + 1
        previous = level
    for (a, b), (x, y) in zip(pairwise(found), pairwise(new), strict=True):
        if y < 6:  # six ranks of the page under the part's `#`: the deepest two share the last
            assert (b > a) == (y > x) and (b == a) <= (y == x) and (b < a) <= (y <= x)


def test_the_manifesto_s_h3_then_h5_becomes_two_then_three() -> None:
    blocks = [
        "## 1. Reactionary Socialism",
        "#### A. Feudal Socialism",
        "Text.",
        "#### B. Petty-Bourgeois Socialism",
        "Text.",
        "## 2. Conservative Socialism",
        "Text.",
    ]
    mapped: list[str] = []
    assert _levels(book.relevel(blocks, mapped, "ch03.md")) == [2, 3, 3, 2]
    assert mapped and "re-levelled" in mapped[0]


@pytest.mark.parametrize(
    ("text", "line"), [("# T\n\n### Skips\n\nText.\n", 3), ("# T\n\n## A\n\nText.\n\n#### B\n\nText.\n", 7)]
)
def test_a_source_whose_headings_skip_a_level_is_refused_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "text.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        parse_part(path, "text.md", "text")
    assert raised.value.code == "S057" and raised.value.line == line


def test_headings_that_climb_back_by_more_than_one_level_load(tmp_path: Path) -> None:
    path = tmp_path / "text.md"
    path.write_text("# T\n\n## A\n\n### B\n\n#### C\n\nText.\n\n## D\n\nText.\n", encoding="utf-8")
    assert [section.level for section in parse_part(path, "text.md", "text").sections] == [2, 3, 2]


link_words = st.lists(
    st.sampled_from(["Photo", "of", "Marx", "in", "1875", "the", "family", "portrait"]), min_size=1, max_size=6
).map(" ".join)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(link_words, st.booleans())
def test_a_linked_image_that_cannot_be_fetched_keeps_the_link_s_words_and_says_so(
    tmp_path: Path, words: str, broken: bool
) -> None:
    site = Path(mkdtemp(dir=tmp_path))
    if broken:
        (site / "photo.jpg").write_bytes(b"not an image")
    (site / "page.htm").write_text(
        f"<html><body><h1>Letters</h1><p>Text of the letter.</p><p><a href='photo.jpg'>{words}</a></p></body></html>",
        encoding="utf-8",
    )
    done = import_work([str(site / "page.htm")], site / "out", "letters", False, Fetcher(None, delay=0))
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    assert "photo.jpg" not in text and text.split()[-len(words.split()) :] == words.split()
    assert f"image photo.jpg left out: the words of the link that named it, “{words}”, kept as text" in (
        done.folder / "import-report.md"
    ).read_text(encoding="utf-8")


ROMAN = ["I", "II", "III", "IV", "V"]


def _book(folder: Path, chapters: list[str], preamble: str, word: str) -> Path:
    """A contents page listing a preamble and "I: <chapter>" both in ch01.htm (the second at
    an anchor), and the other chapters each on its own page, numbered as "Chapter II." …"""
    folder.mkdir(parents=True)
    entries = f'<a href="ch01.htm">Preamble</a><br>I: <a href="ch01.htm#007">{chapters[0]}</a><br>' + "".join(
        f'{ROMAN[n]}: <a href="ch{n + 1:02}.htm">{title}</a><br>' for n, title in enumerate(chapters[1:], start=1)
    )
    (folder / "index.htm").write_text(f"<html><body><h1>The Book</h1><p>{entries}</p></body></html>", encoding="utf-8")
    sections = "".join(f"<h4>{k}. Section {word}</h4><p>The text of section {k}.</p>" for k in (1, 2))
    (folder / "ch01.htm").write_text(
        f'<html><body><h1>The Book</h1><p>{preamble}<a name="007"> </a></p><h3>'
        f'{word.title()} I. {chapters[0]}<sup><a href="#n1" name="c1">(1)</a></sup>'
        f"</h3><p>The {word} of chapter one.</p>{sections}<h4>Notes</h4><p>"
        '<a name="n1" href="#c1">(1)</a> The note on chapter one.</p></body></html>',
        encoding="utf-8",
    )
    for n, title in enumerate(chapters[1:], start=1):
        (folder / f"ch{n + 1:02}.htm").write_text(
            f"<html><body><h1>The Book</h1><h3>{word.title()} {ROMAN[n]}. {title}</h3>"
            f"<p>The {word} of chapter {n + 1}.</p></body></html>",
            encoding="utf-8",
        )
    return folder / "index.htm"


chapter_titles = st.lists(
    st.sampled_from(
        [
            "Bourgeois and Proletarians",
            "Proletarians and Communists",
            "Socialist Literature",
            "The Position of Parties",
            "Wages and Capital",
        ]
    ),
    min_size=2,
    max_size=5,
    unique=True,
)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chapter_titles, link_words, st.sampled_from(["chapter", "part"]))
def test_a_chapter_the_contents_lists_at_an_anchor_into_another_s_page_is_a_part_of_its_own(
    tmp_path: Path, chapters: list[str], preamble: str, word: str
) -> None:
    folder = Path(mkdtemp(dir=tmp_path)) / "book"
    done = import_work(
        [str(_book(folder, chapters, preamble, word))], folder / "out", "book", False, Fetcher(None, delay=0)
    )
    work = load_work(done.folder)
    assert [part.title for part in work.parts] == [
        "Preamble",
        *(f"{word.title()} {ROMAN[n]}. {title}" for n, title in enumerate(chapters)),
    ]
    first, second = work.parts[0], work.parts[1]
    assert (
        not first.sections
        and not first.notes
        and list(second.notes)
        and [s.title for s in second.sections] == [f"{k}. Section {word}" for k in (1, 2)]
    )
    assert preamble.split() == (done.folder / "ch01.md").read_text(encoding="utf-8").split()[2:]


def test_an_anchor_into_a_page_s_sections_stays_a_section(tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "index.htm").write_text(
        '<html><body><h1>Critique</h1><p><a href="ch01.htm">'
        'Chapter I. The Commodity</a><br><a href="ch02.htm">Chapter II. Money</a><br>'
        '1. <a href="ch02.htm#mov">Measure of Value</a></p></body></html>',
        encoding="utf-8",
    )
    (folder / "ch01.htm").write_text(
        "<html><body><h3>Chapter I. The Commodity</h3><p>Words of the first.</p></body></html>", encoding="utf-8"
    )
    (folder / "ch02.htm").write_text(
        "<html><body><h3>Chapter II. Money</h3><p>Words of money.</p><h4>"
        '<a name="mov">1. Measure of Value</a></h4><p>Words of value.</p></body></html>',
        encoding="utf-8",
    )
    done = import_work([str(folder / "index.htm")], folder / "out", "book", False, Fetcher(None, delay=0))
    assert [(part.title, [s.title for s in part.sections]) for part in load_work(done.folder).parts] == [
        ("Chapter I. The Commodity", []),
        ("Chapter II. Money", ["1. Measure of Value"]),
    ]


names = st.lists(
    st.sampled_from(["Frederick", "Engels", "V.", "I.", "Lenin", "Rosa", "Luxemburg", "Eleanor", "Marx-Aveling"]),
    min_size=1,
    max_size=4,
).map(" ".join)


@settings(max_examples=50, deadline=None)
@given(
    names,
    st.sampled_from(["by", "By", "BY"]),
    st.sampled_from(["Abstract", "Summary", "Extract:", "Fragment"]),
    st.integers(min_value=2, max_value=4),
)
def test_a_byline_or_a_label_set_as_a_heading_is_a_paragraph_and_no_section(
    name: str, by: str, label: str, level: int
) -> None:
    mark = "#" * level
    blocks = [
        f"{mark} {by} {name}",
        "The text.",
        f"{mark} {label}",
        "The extract.",
        f"{mark} By what is the price of a commodity determined?",
        "The answer.",
    ]
    mapped: list[str] = []
    out = book.tidy(blocks, "Karl Marx", lambda *_: None, mapped, "ch01.md")
    assert out[:4] == [f"{by} {name}", "The text.", label, "The extract."] and out[4].startswith(f"{mark} By what")
    assert len(mapped) == 2


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=2, max_value=5), st.data())
def test_tables_between_a_notes_section_s_paragraphs_go_on_with_the_note_before_them(
    tmp_path: Path, count: int, data: st.DataObject
) -> None:
    with_table = data.draw(st.integers(min_value=1, max_value=count - 1))
    tables = data.draw(st.integers(min_value=1, max_value=2))
    text = "".join(
        f'<p>Paragraph {k} of the text.<sup><a name="a{k}" href="#n{k}">{k}</a></sup></p>' for k in range(1, count + 1)
    )
    notes = ""
    for k in range(1, count + 1):
        notes += (
            '<p class="information"><span class="info">'
            f'<a name="n{k}" href="#a{k}">{k}.</a></span> Words of note {k}.</p>'
        )
        if k == with_table:
            notes += "".join(
                f"<table><tr><td>Cotton</td><td>lbs. {t}35,831</td>"
                f"</tr><tr><td>Yarn</td><td>{t}93,449</td></tr></table>"
                for t in range(tables)
            )
            notes += f'<p class="information">The note {k} goes on after its tables.</p>'
    site = Path(mkdtemp(dir=tmp_path))
    (site / "page.htm").write_text(
        f"<html><body><h1>Machinery</h1>{text}<h4>Footnotes</h4>{notes}</body></html>", encoding="utf-8"
    )
    done = import_work([str(site / "page.htm")], site / "out", "page", False, Fetcher(None, delay=0))
    markdown = (done.folder / "text.md").read_text(encoding="utf-8")
    body, _, written = markdown.partition("\n[^")
    assert "Footnotes" not in markdown and "|" not in body and "Cotton" not in body
    note = next(block for block in ("[^" + written).split("\n\n[^") if block.lstrip("[^").startswith(f"{with_table}]"))
    assert note.count("Cotton") == tables and f"The note {with_table} goes on after its tables." in note
    assert [n.number for n in load_work(done.folder).parts[0].notes.values()] == [str(k) for k in range(1, count + 1)]
