"""The importer against families of archive-like pages (hypothesis), not single pages: a header
block, navigation rows, headings (a "Footnotes" one among them, and headings with no words),
line breaks inside blocks (a formula), entities (a private-use one among them), notes with and
without back-links, years in paragraphs, timelines and tables. Every page imports, every word
of its body reaches the text (or the ledger, for the page's furniture and header), in order,
what was not mapped is named under "Needs a human look", and the source written loads.

Also: a book with a page that is not served and a page with a run the mapping loses imports
whole, and each step of the import has a test of its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.importer import assemble, html_page
from builder.importer.assemble import (
    ImportedPart,
    audit_parts,
    find_book,
    identifier,
    import_work,
    map_metadata,
    parse_page,
    read_book,
    read_page,
    read_pages,
    write_parts,
)
from builder.importer.audit import words_of
from builder.importer.fetch import Fetcher
from builder.importer.kept import reinstate
from builder.importer.ledger import Ledger
from builder.importer.report import REPORT_FILE, ImportReport
from builder.importer.unseen import unseen_references
from builder.source.loader import load_work
from tests.conftest import run_cli

# Made-up words, each unlikely to stand twice on a page: a lost one cannot hide behind its twin.
WORDS = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=4, max_size=9).map(lambda w: w + "o")
SENTENCE = st.lists(WORDS, min_size=2, max_size=8)
HEADERS = [
    """<p class="information"><span class="info">Written:</span> 1913<br />
<span class="info">Source:</span> Collected Works, Progress Publishers, Moscow, Volume 19<br />
<span class="info">Public Domain:</span> Marxists Internet Archive (2004). You may freely copy this work.</p>""",
    """<p class="information"><span class="info">First Published:</span> <i>Pravda</i> No. 3, 1919<br />
<span class="info">Transcription/Markup:</span> Zodiac/Brian Baggins<br />
<span class="info">Copyleft:</span> Marxists Internet Archive (marxists.org) 2003. Permission is granted to copy \
under the <a href="../../../admin/legal/cc/by-sa.htm">Creative Commons Attribution-ShareAlike License</a>.</p>""",
]
NAVIGATION = '<p class="footer"><a href="../index.htm">Works Index</a> | <a href="next.htm">Next chapter</a></p>'


@dataclass
class Page:
    html: str
    text: list[str] = field(default_factory=list)  # the body's words, in order
    notes: list[list[str]] = field(default_factory=list)  # each note's words
    furniture: list[str] = field(default_factory=list)  # words of the navigation rows and header
    unseen: list[str] = field(default_factory=list)  # what the report must name: "U+E000"
    wordless: int = 0  # headings with no words but an image


@st.composite
def blocks(draw: st.DrawFn, page: Page, number: int) -> str:
    """One block of the body, its words recorded in `page`."""
    kind = draw(
        st.sampled_from(
            [
                "paragraph",
                "year",
                "break",
                "formula",
                "quote-break",
                "heading",
                "footnotes-heading",
                "empty-heading",
                "image-heading",
                "entity",
                "timeline",
                "timeline-table",
                "table",
                "list",
            ]
        )
    )
    words = draw(SENTENCE)
    more = draw(SENTENCE)
    year = str(draw(st.integers(1800, 1999)))
    if kind == "paragraph":
        page.text += words
        return f"<p>{' '.join(words)}.</p>"
    if kind == "year":  # a year alone, at the start, in the middle, in brackets
        shape = draw(st.sampled_from(["{y}. {w}", "{w} {y} {m}", "{w} [{y}] {m}", "{y}"]))
        text = shape.format(y=year, w=" ".join(words), m=" ".join(more))
        page.text += words_of(text)
        return f"<p>{text}</p>"
    if kind == "break":
        page.text += words + more
        return f"<p>{' '.join(words)}<br>{' '.join(more)}</p>"
    if kind == "formula":
        page.text += [*words, "x", "y", *more]
        return f"<div class='formula'>{' '.join(words)} = x<br />y<br/>+ {' '.join(more)}</div>"
    if kind == "quote-break":
        page.text += words + more
        return f"<blockquote>{' '.join(words)}<br>{' '.join(more)}</blockquote>"
    if kind == "heading":
        page.text += words
        return f"<h3>{' '.join(words)}</h3>"
    if kind == "footnotes-heading":  # a "Footnotes" heading with no notes under it
        page.text += ["footnotes", *words]
        return f"<h4>Footnotes</h4><p>{' '.join(words)}</p>"
    if kind == "empty-heading":
        return draw(st.sampled_from(['<h3><a name="s1"></a></h3>', "<h3>&nbsp;</h3>", "<h2> </h2>"]))
    if kind == "image-heading":
        page.wordless += 1
        return f'<h3><img src="fig{number}.png" alt="{" ".join(words)}"></h3>'
    if kind == "entity":
        shape = draw(st.sampled_from(["&#xE000;", "&#57345;", "\ue002", "&#1;"]))
        page.text += words + more
        code = {"&#xE000;": "U+E000", "&#57345;": "U+E001", "\ue002": "U+E002", "&#1;": "U+0001"}[shape]
        page.unseen.append(code)
        return f"<p>{' '.join(words)} {shape}&amp; {' '.join(more)}</p>"
    if kind == "timeline":
        page.text += [year, *words]
        return f"<p><b>{year}</b><br>{' '.join(words)}</p>"
    if kind == "timeline-table":
        page.text += [year, *words, str(int(year) + 1), *more]
        return (
            f"<table><tr><td>{year}</td><td>{' '.join(words)}</td></tr><tr>"
            f"<td>{int(year) + 1}</td><td>{' '.join(more)}</td></tr></table>"
        )
    if kind == "table":
        page.text += [*words[:1], *more[:1], *words[1:], *more[1:]]
        return (
            f"<table><tr><th>{words[0]}</th><th>{more[0]}</th></tr><tr><td>"
            f"{' '.join(words[1:])}</td><td>{' '.join(more[1:])}</td></tr></table>"
        )
    page.text += words + more
    return f"<ul><li>{' '.join(words)}</li><li>{' '.join(more)}</li></ul>"


@st.composite
def archive_pages(draw: st.DrawFn) -> Page:
    """A page as the archive writes one: navigation, the author and title, a header block,
    blocks of every kind, notes (linked both ways, linked from their number only, or written
    out under a "Notes" heading), navigation again."""
    page = Page("")
    title = draw(SENTENCE)
    page.text += title
    header = draw(st.sampled_from(HEADERS))
    page.furniture += words_of(re.sub(r"<[^>]+>", " ", header)) + words_of("Works Index Next chapter")
    body = [draw(blocks(page, number)) for number in range(draw(st.integers(1, 8)))]
    notes = draw(st.lists(SENTENCE, max_size=3))
    shape = draw(st.sampled_from(["linked", "back-link-only", "written"]))
    for number, words in enumerate(notes, start=1):
        call = {
            "linked": f'<sup><a name="c{number}" href="#n{number}">[{number}]</a></sup>',
            "back-link-only": f'<a name="c{number}"></a>',
            "written": f"[{number}]",
        }[shape]
        body.append(f"<p>{' '.join(draw(SENTENCE))}{call} end{number}o.</p>")
        page.text += [*words_of(re.sub(r"<[^>]+>|\[\d+\]", " ", body[-1]))]
        page.notes.append(words)
    if notes:
        body.append("<h4>Notes</h4>" if shape == "written" else "<h4>Footnotes</h4>")
    for number, words in enumerate(notes, start=1):
        body.append(
            {
                "linked": f'<p class="endnote"><a name="n{number}" href="#c{number}">'
                f"[{number}]</a> {' '.join(words)}</p>",
                "back-link-only": f'<p><a href="#c{number}">[{number}]</a> {" ".join(words)}</p>',
                "written": f"<p>[{number}] {' '.join(words)}</p>",
            }[shape]
        )
    page.html = f"""<html lang="en"><head><title>A page</title></head><body>
{NAVIGATION}
<h2>V. I. Lenin</h2>
<h1>{" ".join(title)}</h1>
{header}
{chr(10).join(body)}
{NAVIGATION}
</body></html>"""
    return page


def _in_order(needle: list[str], haystack: list[str]) -> bool:
    found = iter(haystack)
    return all(word in found for word in needle)


def _in_order_or_left_out(needle: list[str], haystack: list[str], ledger: set[str]) -> bool:
    """Each word in `haystack` in order, or, where the mapping left it out (a heading that
    repeats the title), in the ledger."""
    position = 0
    for word in needle:
        found = haystack.index(word, position) if word in haystack[position:] else -1
        if found >= 0:
            position = found + 1
        elif word not in ledger:
            return False
    return True


def _needs(folder: Path) -> str:
    return (folder / REPORT_FILE).read_text(encoding="utf-8").split("## Needs a human look")[1].split("\n## ")[0]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(page=archive_pages())
def test_archive_like_pages_import_whole(page: Page, tmp_path: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text(page.html, encoding="utf-8")
    done = import_work([str(source)], tmp_path / "out", "work", True, Fetcher(None, 0))  # never refused
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    body, _, notes = text.partition("\n[^")
    ledger = words_of(done.report.ledger.words("page.html"))
    assert _in_order_or_left_out(page.text, words_of(body), set(ledger)), (page.text, body)
    assert all(word in ledger for word in page.furniture if word not in words_of(body))  # in the ledger, not lost
    for words in page.notes:
        assert _in_order(words, words_of("[^" + notes))
    assert "\x01" not in text and not re.search("[\ue000-\uf8ff]", text)
    needs = _needs(done.folder)
    for code in page.unseen:
        assert code in needs
    assert needs.count("a heading with no words") == page.wordless
    for line in re.findall(r"^- page\.html: “(.*?)”.*could not place it", needs, re.M):
        assert (
            words_of(line.removesuffix(" …"))[:3] == words_of(text)[words_of(text).index(words_of(line)[0]) :][:3]
        )  # kept in the text
    work = load_work(done.folder)
    assert len(work.parts[0].notes) + len(work.parts[0].editor_notes) >= len(page.notes)


def test_a_page_with_what_the_mapping_cannot_set_exits_0_and_strict_exits_1(tmp_path: Path) -> None:
    """Through the command line: a heading of an image alone and a private-use character written
    as a reference are set right and named; --strict fails on them, the work written all the same."""
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><body><h1>Title</h1>{HEADERS[0]}<p>one &#xE000;two</p>"
        "<h3><img src='x.png' alt='a figure'></h3></body></html>",
        encoding="utf-8",
    )
    loose = run_cli("import", str(page), "--into", str(tmp_path / "a"), "--slug", "w")
    assert loose.returncode == 0, loose.stderr
    assert "a heading with no words" in _needs(tmp_path / "a" / "w") and "U+E000 removed" in _needs(
        tmp_path / "a" / "w"
    )
    strict = run_cli("import", str(page), "--into", str(tmp_path / "b"), "--slug", "w", "--strict")
    assert strict.returncode == 1 and "[I012]" in strict.stderr and "Traceback" not in strict.stderr
    assert (tmp_path / "b" / "w" / "text.md").exists()


CHAPTER = """<html><body><p class="title">The Author<br>A Book</p><h3 class="title">{title}</h3>
<p>{text}</p></body></html>"""


def _book(tmp_path: Path) -> Path:
    folder = tmp_path / "site" / "book"
    folder.mkdir(parents=True)
    (folder / "index.htm").write_text(
        f"""<html><body><h2>The Author</h2><h1>A Book</h1>{HEADERS[0]}
<p><a href="ch1.htm">One</a><br><a href="ch2.htm">Two</a><br>\
<a href="ch3.htm">Three</a><br><a href="ch4.htm">Four</a></p></body></html>""",
        encoding="utf-8",
    )
    (folder / "ch1.htm").write_text(CHAPTER.format(title="One", text="the first chapter's words"), encoding="utf-8")
    # ch2.htm is not served
    (folder / "ch3.htm").write_text(
        CHAPTER.format(
            title="Three",
            text="as represented by German <!-- an editor's comment --> philosophy, English political economy",
        ),
        encoding="utf-8",
    )
    (folder / "ch4.htm").write_text("<html><body>" + "<div>" * 5000 + "too deep</body></html>", encoding="utf-8")
    return folder / "index.htm"


def test_a_book_with_a_page_not_served_and_a_run_lost_imports_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_page, "_drop_keep_tail", html_page._drop)  # the old comment bug: loses the words after one
    done = import_work([str(_book(tmp_path))], tmp_path / "out", "book", False, Fetcher(None, 0))
    assert done.parts == ["ch1.md", "ch3.md"]
    report = (done.folder / REPORT_FILE).read_text(encoding="utf-8")
    assert "ch2.htm: not served" in report
    assert "philosophy, English political economy" in (done.folder / "ch3.md").read_text(encoding="utf-8")
    assert "ch3.htm: “philosophy, English political economy” (paragraph" in _needs(done.folder)
    assert load_work(done.folder).parts


# -- each step on its own ----------------------------------------------------------------


def test_read_page_repairs_unseen_characters_written_as_references(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text("<p>a&#xE000;b &#150; c&#1;d &#x41;</p>", encoding="utf-8")
    report = ImportReport()
    assert read_page(str(tmp_path / "p.html"), Fetcher(None, 0), report) == "<p>ab – cd &#x41;</p>"
    assert any("U+E000 removed" in line for line in report.check) and any(
        "U+0001 removed" in line for line in report.check
    )
    assert unseen_references("&amp;#xE000;") == "&amp;#xE000;"  # the text "&#xE000;", written out: kept


def test_find_book_tells_a_contents_page_from_a_page(tmp_path: Path) -> None:
    index = _book(tmp_path)
    report = ImportReport()
    found = find_book([str(index)], index.read_text(), "guess", Fetcher(None, 0), report)
    assert (
        found is not None
        and found.is_contents
        and [c.href for c in found.chapters] == ["ch1.htm", "ch2.htm", "ch3.htm", "ch4.htm"]
    )
    assert find_book([str(index), str(index)], "", "guess", Fetcher(None, 0), report) is None


def test_read_book_leaves_out_what_cannot_be_had_and_reads_the_rest(tmp_path: Path) -> None:
    index = _book(tmp_path)
    report = ImportReport()
    fetcher = Fetcher(None, 0)
    found = find_book([str(index)], index.read_text(), "guess", fetcher, report)
    assert found is not None
    _, parts, collection, front = read_book(str(index), index.read_text(), found, fetcher, report)
    assert [part.file for part in parts] == ["ch1.md", "ch3.md"] and not collection and front is None
    assert any(line.startswith("ch4.htm: served, but not readable as a page") for line in report.left_out)
    assert any(
        "ch4.htm: a page the contents lists could not be read" in line and "[I013]" in line for line in report.check
    )


def test_read_pages_and_parse_page_make_one_part_per_page(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<h1>A</h1><p>alpha</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B\n\nbeta\n", encoding="utf-8")
    report = ImportReport()
    parts = read_pages(
        [str(tmp_path / "a.html"), str(tmp_path / "b.txt")], (tmp_path / "a.html").read_text(), Fetcher(None, 0), report
    )
    assert [(p.file, p.text.title, p.text.blocks) for p in parts] == [("a.md", "A", ["alpha"]), ("b.md", "B", ["beta"])]
    assert parse_page("<h1>T</h1><p>x<br>y</p>", "t.html", ImportReport()).blocks == ["x\\\ny"]  # a hard line break


def test_map_metadata_names_the_work_from_its_page(tmp_path: Path) -> None:
    report = ImportReport()
    page = parse_page(f"<h2>V. I. Lenin</h2><h3 class='title'>A Title</h3>{HEADERS[0]}<p>x</p>", "x/index.htm", report)
    meta, _ = map_metadata(page, [], "x/index.htm", "the page's text", report)
    assert (meta["title"], meta["author"], meta["author-sort"], meta["written"]) == (
        "A Title",
        "V. I. Lenin",
        "Lenin, V. I.",
        "1913",
    )
    assert (
        meta["identifier"]
        == identifier("y/index.htm", "the page's text")
        != identifier("x/index.htm", "another page's text")
    )
    assert identifier("https://example.org/a/index.htm", "") != identifier("https://example.org/b/index.htm", "")


def test_write_parts_numbers_notes_and_keeps_uncalled_ones() -> None:
    report = ImportReport()
    page = parse_page(
        "<h1>T</h1><p>a<a href='#n1' name='c1'>[1]</a></p><p><a name='n1' href='#c1'>"
        "[1]</a> the note</p><p><a name='n2' href='#z'>[2]</a> uncalled</p>",
        "t.html",
        report,
    )
    texts = write_parts([ImportedPart("text.md", page)], None, report)
    assert texts == {"text.md": "# T\n\na[^1]\n\n[^1]: the note\n\n[^editor-2]: uncalled\n"}


def test_audit_parts_keeps_a_lost_run_and_a_second_audit_finds_nothing() -> None:
    report = ImportReport()
    html = "<h1>T</h1><p>alpha beta</p><p>gamma delta</p><div>navigation words</div>"
    report.ledger.leave_out("t.html", "navigation words", "navigation")
    texts = audit_parts(
        [ImportedPart("text.md", parse_page("<h1>T</h1>", "t.html", ImportReport()), page="t.html", html=html)],
        {"text.md": "# T\n\nalpha beta\n"},
        report,
    )
    assert texts["text.md"] == "# T\n\nalpha beta\n\ngamma delta\n"
    assert report.check == [
        "t.html: “gamma delta” (paragraph, block 3 of the page, line 1): "
        "the importer could not place it; kept as a paragraph where it stood"
    ]


def test_reinstate_puts_runs_after_their_block_and_among_notes_as_editor_notes() -> None:
    from builder.importer.audit import Loss

    text, lines = reinstate(
        "# T\n\none two\n\nthree\n\n[^1]: a note\n",
        [Loss(["x"], 2, "p", 3, "X,", 2), Loss(["y"], 5, "h3", None, "Y", 5)],
    )
    assert text == "# T\n\none two\n\nX,\n\nthree\n\n[^1]: a note\n\n[^editor-kept_1]: Y\n"
    assert "kept as a paragraph where it stood" in lines[0] and "kept as an editor's note" in lines[1]


def test_the_ledger_is_what_the_report_leaves_out() -> None:
    ledger = Ledger()
    ledger.leave_out("p.html", "Works  Index", "navigation or page furniture")
    ledger.move("p.html", "Written: 1913", "header field, mapped to work.toml")
    ledger.leaver("q.html")("other", "link label")
    assert ledger.words("p.html") == "Works Index\nWritten: 1913"
    assert ledger.left_out() == ["p.html: navigation or page furniture: 'Works Index'", "q.html: link label: 'other'"]


def test_the_steps_are_named_in_import_work() -> None:
    steps = [
        "read_page",
        "find_book",
        "read_book",
        "read_pages",
        "map_metadata",
        "write_parts",
        "audit_parts",
        "write_work",
    ]
    for step in steps:
        assert getattr(assemble, step).__doc__
        assert step in (assemble.import_work.__doc__ or "")


def test_write_work_writes_a_folder_that_loads_or_nothing(tmp_path: Path) -> None:
    from builder.errors import BuildError
    from builder.importer.assemble import write_work

    meta = {
        "title": "T",
        "author": "A",
        "author-sort": "A",
        "language": "en",
        "identifier": identifier("t.html", "x"),
        "rights": {"status": "unstated"},
        "archive": {"name": "An archive"},
        "parts": ["text.md"],
    }
    done = write_work(
        tmp_path, "t", False, meta, [], {"text.md": "# T\n\nwords\n"}, [], Fetcher(None, 0), ImportReport()
    )
    assert (
        sorted(p.name for p in done.folder.iterdir()) == [REPORT_FILE, "text.md", "work.toml"]
        and load_work(done.folder).parts
    )
    with pytest.raises(BuildError):
        write_work(
            tmp_path, "u", False, meta, [], {"text.md": "no title\n"}, [], Fetcher(None, 0), ImportReport()
        )  # would not load (S011)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]  # nothing left of the refused one


TAGS = [
    "p",
    "div",
    "span",
    "b",
    "i",
    "sup",
    "sub",
    "blockquote",
    "h2",
    "h3",
    "center",
    "font",
    "a",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "pre",
    "dl",
    "dd",
    "figure",
    "caption",
    "address",
]
ATTRIBUTES = [
    "",
    ' class="information"',
    ' class="title"',
    ' class="footer"',
    ' class="info"',
    ' name="n1"',
    ' href="#n1"',
    ' lang="de"',
]
LOOSE = st.tuples(
    st.lists(WORDS, min_size=1, max_size=4),
    st.sampled_from(
        [
            "",
            " [1]",
            " &#xE000;",
            " &amp;",
            " 1919",
            " &nbsp;",
            " <!-- c -->",
            " *",
            " [^2]",
            "<br>",
            "<hr>",
            '<img src="x.png" alt="a">',
        ]
    ),
).map(lambda t: " ".join(t[0]) + t[1])
SOUP = st.recursive(
    LOOSE,
    lambda inner: st.tuples(
        st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES), st.lists(inner, min_size=1, max_size=3), st.booleans()
    ).map(lambda t: f"<{t[0]}{t[1]}>{' '.join(t[2])}" + (f"</{t[0]}>" if t[3] else "")),
    max_leaves=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(soup=st.lists(SOUP, min_size=1, max_size=4))
def test_tag_soup_imports_with_every_word_kept(soup: list[str], tmp_path: Path) -> None:
    """Markup no archive page should have (cells outside tables, unclosed blocks in headings,
    entities everywhere) still imports: what the mapping cannot place is kept and named, and
    the audit, run again inside the import, finds nothing lost."""
    source = tmp_path / "page.html"
    source.write_text(f"<html><body><h1>A title</h1>{' '.join(soup)}</body></html>", encoding="utf-8")
    done = import_work([str(source)], tmp_path / "out", "work", True, Fetcher(None, 0))
    assert load_work(done.folder).parts
    text = (done.folder / "text.md").read_text(encoding="utf-8")
    for line in re.findall(r"^- page\.html: “(.*?)”.*could not place it", _needs(done.folder), re.M):
        assert _in_order(words_of(line.removesuffix(" …")), words_of(text))
