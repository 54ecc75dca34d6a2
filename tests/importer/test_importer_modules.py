"""The importer's modules each on their own, on small made-up input: Markdown escapes that read
back as the page's words, note calls linked to their notes, and work.toml as text the loader
reads."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html
from markdown_it import MarkdownIt

from builder.importer.markdown import escape, escape_line_start, spaces
from builder.importer.notes import TEXT_CALL, find_linked, label_of
from builder.importer.work_toml import ORDER, work_toml

# markdown.py: the page's words, exactly, whatever punctuation they hold

PRINTABLE = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Co", "Cn", "Zl", "Zp"]), min_size=1, max_size=30
)


def _reads_back_as(markdown: str) -> str:
    return html.fromstring(f"<div>{MarkdownIt('commonmark').render(markdown)}</div>").text_content()


@given(PRINTABLE.filter(lambda text: text.strip() == text and "  " not in text))
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    assert _reads_back_as(escape_line_start(escape(text))).strip() == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# not a heading", "\\# not a heading"),
        ("> not a quotation", "\\> not a quotation"),
        ("1. not a list", "1\\. not a list"),
        ("1917) a year", "1917\\) a year"),
        ("plain", "plain"),
    ],
)
def test_a_block_that_starts_like_markup_stays_a_paragraph(text: str, escaped: str) -> None:
    assert escape_line_start(text) == escaped


def test_runs_of_space_are_one_and_a_lone_no_break_space_is_kept() -> None:
    assert spaces("a  \n\t b") == "a b"
    assert spaces("No.\u00a07") == "No.\u00a07"
    assert spaces("a\u00a0\u00a0b") == "a b"
    assert escape("AT&T &amp; x") == "AT&T &amp;amp; x"  # an entity as text stays text


# notes.py: calls linked to their notes


@pytest.mark.parametrize(
    ("marker", "label"),
    [("[1]", "1"), ("(12)", "12"), ("3.", "3"), ("[A]", "A"), ("[note]", "note"), ("*", "star"), ("[4a]", "4a")],
)
def test_a_notes_marker_gives_its_label(marker: str, label: str) -> None:
    assert label_of(marker) == label


def test_a_linked_call_finds_its_note_and_its_number() -> None:
    root = html.fromstring(
        '<div><p>Text with a call<sup><a href="#n1" name="c1">[1]</a></sup> and more.</p>'
        '<p>A call to <a href="other.htm#n9">[9]</a> elsewhere and one to <a href="#nowhere">[2]</a> nothing.</p><hr>'
        '<p><a name="n1" href="#c1">[1]</a> The note, </p><p>running on over a second paragraph.</p></div>'
    )
    found = find_linked(root)
    assert list(found.calls) == ["1"]
    assert found.calls["1"].tag == "sup"  # the <sup> wrapping the call alone goes with it
    assert [block.text_content().strip() for block in found.notes["1"]] == [
        "[1] The note,",
        "running on over a second paragraph.",
    ]
    assert found.markers["1"].text_content() == "[1]"
    assert any("other.htm" in what for what in found.dangling) and any(
        "no note on the page" in what for what in found.dangling
    )


def test_a_note_called_twice_keeps_one_call() -> None:
    root = html.fromstring(
        '<div><p>One<a href="#n1">[1]</a>, two<a href="#n1">[1]</a>.</p><p><a name="n1">[1]</a> The note.</p></div>'
    )
    found = find_linked(root)
    assert list(found.calls) == ["1"] and any("second call" in what for what in found.dangling)


def test_unlinked_markers_are_matched_by_text() -> None:
    assert TEXT_CALL.findall("a call [1] and.[23b], not a word[3], a year [1933] nor [197[4]]") == ["1", "23b"]


# work_toml.py: text the loader's TOML reader gives back as it was


def test_work_toml_reads_back_as_the_metadata_it_was_written_from() -> None:
    meta = {
        "parts": ["text.md"],
        "title": 'A "Quoted" Title — with ü',
        "author": "V. I. Lenin",
        "subjects": ["a", "b"],
        "source": {"title": "Collected Works", "volume": 17},
        "rights": {"status": "public-domain"},
        "provenance": {"part one": {"title": "First", "source": {"year": "1912"}}},
    }
    text = work_toml(meta, ["What the header said", "that fits no key"])
    assert text.startswith("# What the header said\n# that fits no key\n\n")
    keys = [line.split(" = ")[0] for line in text.splitlines() if " = " in line and not line.startswith("#")]
    assert keys[:4] == [key for key in ORDER if key in meta]  # the loader's order, whatever the dict's
    assert tomllib.loads(text) == meta
    with pytest.raises(TypeError):
        work_toml({"title": 1.5}, [])
