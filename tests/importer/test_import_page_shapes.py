"""Single pages in the shapes the archive writes them, generated: the header in each of its
styles (labels with the colon inside or outside their span, a one-line "From …, Transcribed &
marked up by …", a box of publication facts), a hidden author tag naming someone else, the breadcrumb, the author and a
date line set as headings, a boxed note of one cell, asterisks between sections. Each imports
with its header mapped and out of the text, the author the page shows, the year the header
gives in the slug, no claim that the page has no year when it prints one, and nothing for
`folio lint` to find."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.source.lint import lint
from builder.source.loader import load_work

WORDS = ["labour", "value", "capital", "commodity", "wages", "class", "history", "society", "production", "exchange"]
words = st.lists(st.sampled_from(WORDS), min_size=4, max_size=16).map(" ".join)
MONTHS = ["January", "March", "May", "August", "November"]


def _header(style: str, year: int) -> str:
    if style == "inside":
        return (
            f'<p class="information"><span class="info">Written:</span> {MONTHS[year % 5]} {year}<br>'
            '<span class="info">Source:</span> Collected Works, Progress Publishers, '
            'Moscow, Volume 21<br><span class="info">Transcription/Markup:</span> Joe Smith</p>'
        )
    if style == "outside":
        return (
            f'<p class="information"><span class="info">Written</span>: {MONTHS[year % 5]} {year}<br>'
            '<span class="info">Source</span>: Collected Works, Progress Publishers, '
            'Moscow, Volume 21<br><span class="info">Transcription/Markup</span>: Joe Smith</p>'
        )
    if style == "box":
        return (
            f'<table border="1"><tr><td><b>Written:</b> {MONTHS[year % 5]} {year}<br>'
            "<b>Source:</b> Collected Works, Progress Publishers, Moscow, Volume 21<br>"
            "<b>Transcription/Markup:</b> Joe Smith</td></tr></table>"
        )
    return (
        f'<p class="info">From Collected Works, Volume 21, {MONTHS[year % 5]} '
        f"{year}, Transcribed &amp; marked up by Joe Smith.</p>"
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    style=st.sampled_from(["inside", "outside", "line", "box"]),
    year=st.integers(min_value=1848, max_value=1923),
    paragraphs=st.lists(words, min_size=2, max_size=4),
    hidden=st.sampled_from([None, "Lenin", "Rosa Luxemburg"]),
    furniture=st.booleans(),
    box=st.booleans(),
)
def test_a_page_in_any_of_the_archive_s_shapes_imports_clean(
    tmp_path_factory: pytest.TempPathFactory,
    style: str,
    year: int,
    paragraphs: list[str],
    hidden: str | None,
    furniture: bool,
    box: bool,
) -> None:
    tmp = tmp_path_factory.mktemp("page")
    meta = f'<meta name="author" content="{hidden}">' if hidden else ""
    top = (
        f"<h4>MIA &gt; Archive &gt; Lenin &gt; {year}</h4><h2>V. I. Lenin</h2>" if furniture else "<h2>V. I. Lenin</h2>"
    )
    date = f"<h4>Moscow, {MONTHS[year % 5]} 3, {year}</h4>" if furniture else ""
    boxed = f"<table border=1><tr><td>{paragraphs[0]} boxed.</td></tr></table>" if box else ""
    body = "<p>* * *</p>".join(f"<p>{text}.</p>" for text in paragraphs)
    page = (
        f'<html><head><title>A Speech</title>{meta}</head><body>{top}<h3 class="title">'
        f"A Speech</h3>{_header(style, year)}{date}{boxed}{body}</body></html>"
    )
    (tmp / "speech.htm").write_text(page, encoding="utf-8")
    done = import_work([str(tmp / "speech.htm")], tmp / "source", None, False, Fetcher(delay=0))
    work = load_work(done.folder)
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    report = (done.folder / "import-report.md").read_text(encoding="utf-8")
    assert work.meta.author == "V. I. Lenin"
    # A header's Written gives the slug its year; a one-line header names only the source, whose
    # date the report names (never claiming the page has no year), and the slug has none.
    assert done.folder.name == ("lenin-a-speech" if style == "line" else f"lenin-{year}-a-speech")
    assert style != "line" or f"the header's Source prints {year}" in report
    assert (
        "Joe Smith" not in text
        and "Collected Works" not in text
        and "Joe Smith" in (work.meta.credits.transcribers or [])
    )
    assert work.meta.source is not None and work.meta.source.title == "Collected Works"
    assert "no year of writing or publication on the page" not in report
    assert ("hidden author tag names 'Rosa Luxemburg'" in report) == (hidden == "Rosa Luxemburg")
    assert [section.title for section in work.parts[0].sections] == []  # no breadcrumb, author or date as a heading
    assert text.count("\n***\n") == len(paragraphs) - 1 and "|" not in text
    if furniture:
        assert f"{{.dateline}}\nMoscow, {MONTHS[year % 5]} 3, {year}" in text
    assert lint(done.folder) == []


# -- quotes and dashes set as the rest of the text sets them -----------------------------------

pieces = st.lists(
    st.sampled_from(
        [
            '"',
            "'",
            "--",
            "---",
            "—",
            "“",
            "”",
            "’",
            "\\.",
            "\\-",
            "[^4_1]",
            '](https://a.org/"x")',
            "{lang=de}",
            "| --- |",
            " ",
            "word",
            "Marx's",
            "1\\.",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(pieces)
def test_quotes_are_set_as_the_text_sets_them_and_nothing_else_changes(text: str) -> None:
    from builder.importer.report import ImportReport
    from builder.importer.typography import settle

    done = settle({"text.md": text}, ImportReport())["text.md"]
    held = ["\\.", "\\-", "[^4_1]", '](https://a.org/"x")', "{lang=de}", "---"]
    assert all(done.count(piece) >= text.count(piece) for piece in held if piece != "---")
    assert done.count("---") == text.count("---")  # a run of hyphens is no dash typed
    if re.search(r"[“”‘’]", text):
        assert '"' not in re.sub(r"\]\([^)]*\)", "", done)
    else:
        assert done.count('"') == text.count('"')
    assert re.sub(r"[\"'“”‘’—-]", "", done) == re.sub(r"[\"'“”‘’—-]", "", text)  # the words untouched


def test_the_report_never_says_a_page_has_no_year_when_it_prints_one() -> None:
    from builder.importer.header import Field, year_check

    credits = [Field("Transcribed", "Zodiac, 1993")]
    assert year_check({"written": "Spring 1845"}, credits, []) == []
    said = year_check({}, credits, ["Part I", "In 1867 the first edition"])
    assert (
        len(said) == 1 and "prints years (the first, 1867)" in said[0] and "1993" not in said[0]
    )  # a transcriber's year is not the work's
    assert "Source prints 1919" in year_check({}, [Field("Source", "The Call, May 1919")], [])[0]
    assert year_check({}, credits, ["No year here."]) == ["no year of writing or publication on the page"]
