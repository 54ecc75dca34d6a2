"""`folio import` of whole books: every book of tests/data/corpus imported from its contents page
(served from a listener on the loopback address, as the archive would serve it, 404s and all),
each page fetched once; collections imported as volumes with each work's provenance; every
imported book's EPUB through EPUBCheck; and contents pages of every shape, generated."""

from __future__ import annotations

import http.server
import itertools
import os
import re
import shutil
import threading
import time
import tomllib
import zipfile
from collections import Counter
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from builder.checks import validators as checks
from builder.errors import BuildError, SourceError
from builder.importer import book
from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.importer.header import Field
from builder.importer.report import ImportReport
from builder.source.lint import lint_work
from builder.source.loader import load_work
from builder.source.metadata import load_metadata
from tests.conftest import CORPUS, EDITION_EPOCH, ROOT, run_cli

pytestmark = pytest.mark.slow(25)  # whole books and every validator: scheduled first

BOOKS = CORPUS / "books"
# Each book of the corpus: its contents page, and the parts it must import as, in order: every
# page the contents links that is served and is the book's text.
EXPECTED = {
    "capital": ("marx/works/1867-c1/index.htm", ["p1.md", "ch01.md", "ch15.md", "ch25.md", "ch32.md", "ch33.md"]),
    "critique": ("marx/works/1859/critique-pol-economy/index.htm", ["preface.md", "ch01.md"]),
    "letters-1890": ("marx/works/1890/letters/index.htm", ["90_08_05.md", "90_08_21.md", "90_09_21.md", "90_10_27.md"]),
    "letters-1894": ("marx/works/1894/letters/index.htm", ["94_01_25.md"]),
    "manifesto": (
        "marx/works/1848/communist-manifesto/index.htm",
        ["preface.md", "ch01.md", "ch01-2.md", "ch02.md", "ch03.md", "ch04.md"],
    ),
    "wage-labour": ("marx/works/1847/wage-labour/index.htm", ["intro.md", *(f"ch{n:02}.md" for n in range(1, 10))]),
}
NS = {"x": "http://www.w3.org/1999/xhtml"}


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: ClassVar[Counter[str]] = Counter()
    times: ClassVar[list[float]] = []

    def do_GET(self) -> None:
        type(self).requests[self.path] += 1
        type(self).times.append(time.monotonic())
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    handler = partial(_CountingHandler, directory=str(BOOKS))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        httpd.shutdown()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, server: str) -> tuple[Path, dict[str, Counter[str]]]:
    """Every book of the corpus, imported with no cache; the requests each import made."""
    into = tmp_path_factory.mktemp("source")
    requests = {}
    for slug, (index, _) in EXPECTED.items():
        _CountingHandler.requests = Counter()
        fetcher = Fetcher(cache=None, delay=0)
        try:
            import_work([server + index], into, slug, False, fetcher)
        finally:
            fetcher.close()
        requests[slug] = _CountingHandler.requests
    return into, requests


@pytest.fixture(scope="module")
def epubs(imported: tuple[Path, dict[str, Counter[str]]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    into, _ = imported
    out = tmp_path_factory.mktemp("dist")
    result = run_cli(
        "build",
        *(str(into / slug) for slug in EXPECTED),
        "--format",
        "epub",
        "--out",
        str(out),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return out


def _meta(into: Path, slug: str) -> dict:
    return tomllib.loads((into / slug / "work.toml").read_text(encoding="utf-8"))


def _report(into: Path, slug: str) -> str:
    return (into / slug / "import-report.md").read_text(encoding="utf-8")


def _xhtml(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xhtml")}


@pytest.mark.parametrize("slug", EXPECTED)
def test_every_book_of_the_corpus_imports_every_page_it_links_that_is_served(
    imported: tuple[Path, dict[str, Counter[str]]], slug: str
) -> None:
    into, _ = imported
    index, parts = EXPECTED[slug]
    assert _meta(into, slug)["parts"] == parts
    load_work(into / slug)
    report = _report(into, slug)
    # Every page of the contents' folder it links that is not here is named, with why.
    folder = (BOOKS / index).parent
    for chapter in book.chapters((folder / "index.htm").read_text(encoding="latin-1"), ImportReport()):
        if not (folder / chapter.href).exists():
            assert f"- {chapter.href}: not served (the server answered 404); left out of the book" in report


@pytest.mark.parametrize("slug", EXPECTED)
def test_every_imported_book_reads_as_a_book_and_is_lint_clean(
    imported: tuple[Path, dict[str, Counter[str]]], slug: str
) -> None:
    """Each part's title set once (never the book's title again inside it), and nothing for
    `folio lint` to find, in the work or in its report."""
    into, _ = imported
    work = load_work(into / slug)
    assert lint_work(work) == [] and "lint: " not in _report(into, slug)
    for part in work.parts:
        assert not {section.title for section in part.sections} & {part.title, work.meta.title}, (
            part.path.name,
            part.sections,
        )


@pytest.mark.parametrize("slug", EXPECTED)
def test_each_page_is_fetched_once(imported: tuple[Path, dict[str, Counter[str]]], slug: str) -> None:
    _, requests = imported
    assert requests[slug], "the import asked the server for nothing"
    assert {path: count for path, count in requests[slug].items() if count > 1} == {}


@pytest.mark.parametrize("slug", EXPECTED)
def test_every_imported_book_passes_epubcheck(epubs: Path, slug: str) -> None:
    assert checks.epubcheck(epubs / f"{slug}.epub") == []


def test_a_nested_contents_page_gives_way_to_the_pages_it_lists(imported: tuple[Path, dict[str, Counter[str]]]) -> None:
    """Capital's contents links "Prefaces and Afterwords" (part0.htm), itself the contents of
    the prefaces: the served preface is the book's first part, in the contents' order."""
    into, _ = imported
    report = _report(into, "capital")
    assert (
        "part0.htm: the contents page of a part of the book "
        "(Prefaces and Afterwords); its 9 pages imported in its place" in report
    )
    assert "- p1.htm: not served" not in report and "- p2.htm: not served (the server answered 404)" in report
    assert "PDF version" in report and "index-l.htm" in report  # other formats and listings, named as left out


def test_collections_import_as_volumes_with_each_work_s_provenance(
    imported: tuple[Path, dict[str, Counter[str]]], epubs: Path
) -> None:
    into, _ = imported
    meta = _meta(into, "letters-1890")
    assert meta["title"] == "Letters of Marx and Engels: 1890"
    assert meta["author"] == "Karl Marx and Frederick Engels"
    provenance = meta["provenance"]
    assert list(provenance) == ["90_08_05", "90_08_21", "90_09_21", "90_10_27"]  # the contents' order
    assert provenance["90_09_21"]["first-published"] == "by Der sozialistische Akademiker, Berlin, October 1, 1895"
    assert provenance["90_09_21"]["source"] == {
        "title": "Historical Materialism (Marx, Engels, Lenin)",
        "pages": "294 - 296",
        "publisher": "Progress Publishers",
        "year": "1972",
    }
    assert provenance["90_10_27"]["credits"] == {
        "translators": ["Donna Torr"],
        "transcribers": ["Sally Ryan"],
        "markup": ["Sally Ryan"],
    }
    assert provenance["90_08_05"]["credits"] == {"transcribers": ["Brian Baggins"], "markup": ["Brian Baggins"]}
    assert "# 90_09_21.md, from its header, fitting no key: Translated: from German" in (
        into / "letters-1890" / "work.toml"
    ).read_text(encoding="utf-8")
    assert "separate works, each with its own header: imported as one volume" in _report(into, "letters-1890")
    assert "94_01_25" in _meta(into, "letters-1894")["provenance"]
    # Books are not volumes: their chapters' credits join the book's.
    assert "provenance" not in _meta(into, "capital") and "Zodiac" in _meta(into, "capital")["credits"]["transcribers"]
    # The EPUB: each letter's provenance under its title, and part by part in the colophon.
    pages = _xhtml(epubs / "letters-1890.epub")
    bloch = pages["EPUB/part-3.xhtml"].find(".//x:section", NS)
    assert bloch is not None
    first, second = bloch[0], bloch[1]
    assert first.tag == f"{{{NS['x']}}}h1" and second.get("class") == "provenance"
    said = " ".join("".join(second.itertext()).split())
    assert (
        said == "First published by Der sozialistische Akademiker, Berlin, October 1, "
        "1895. Source: Historical Materialism (Marx, Engels, Lenin), pages 294 - "
        "296. Progress Publishers, 1972. Transcription and markup by Brian Baggins."
    )
    colophon = pages["EPUB/colophon.xhtml"]
    listed = [
        " ".join("".join(div.itertext()).split()) for div in colophon.iterfind(".//x:div[@class='part-provenance']", NS)
    ]
    assert (
        len(listed) == 4 and listed[2] == f"Engels to J. Bloch In Königsberg {said}"
    )  # the letter's own title, set once
    assert listed[3].endswith("Translated by Donna Torr. Transcription and markup by Sally Ryan.")
    # A book's chapters have no such block.
    assert not any(
        page.find(".//x:div[@class='provenance']", NS) is not None for page in _xhtml(epubs / "capital.epub").values()
    )


def test_a_volume_s_print_edition_prints_each_work_s_provenance(
    imported: tuple[Path, dict[str, Counter[str]]], tmp_path: Path
) -> None:
    into, _ = imported
    result = run_cli(
        "build",
        str(into / "letters-1894"),
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(
        " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "letters-1894.pdf").pages).split()
    )
    said = (
        "Source: Marx and Engels Correspondence. International Publishers "
        "(1968). Translated by Donna Torr. Transcription and markup by Sally Ryan."
    )
    assert text.count(said) == 2  # under the letter's title, and in the colophon
    assert checks.conformance(tmp_path / "letters-1894.pdf") == []  # PDF/UA-1 and PDF/A-2u


def test_the_polite_delay_stands_between_every_two_requests(server: str, tmp_path: Path) -> None:
    _CountingHandler.times = []
    fetcher = Fetcher(cache=None, delay=0.2)
    try:
        import_work([server + EXPECTED["manifesto"][0]], tmp_path, "manifesto", False, fetcher)
    finally:
        fetcher.close()
    times = _CountingHandler.times
    assert len(times) >= 7  # the contents page, five chapters and the image
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.19


# -- contents pages of every shape, generated ------------------------------------------------

WORDS = [
    "the",
    "of",
    "labour",
    "capital",
    "value",
    "commodity",
    "money",
    "production",
    "workers",
    "wage",
    "price",
    "market",
    "society",
    "history",
    "class",
    "struggle",
    "means",
    "form",
    "exchange",
    "use",
]
words = st.lists(st.sampled_from(WORDS), min_size=3, max_size=40).map(" ".join)


def _page(title: str, body: str, author: str = "Karl Marx", header: str = "") -> str:
    return (
        f'<html><head><title>{title}</title></head><body>\n<p class="title">Archive navigation</p>\n'
        f'<h2>{author}</h2>\n<h3 class="title">{title}</h3>\n{header}{body}\n'
        '<p class="footer"><a href="index.htm">Contents</a></p></body></html>'
    )


@st.composite
def books(draw: st.DrawFn) -> dict:
    chapters = draw(st.integers(min_value=2, max_value=7))
    return {
        "chapters": chapters,
        "epigraph": draw(st.none() | words),
        "summaries": [draw(st.none() | words) for _ in range(chapters)],
        "layout": draw(st.sampled_from(["p", "table", "ul", "br"])),
        "missing": draw(st.sets(st.integers(min_value=0, max_value=chapters - 1), max_size=chapters - 1)),
        "foreword": draw(st.booleans()),
        "guide": draw(st.booleans()),
        "other_work": draw(st.booleans()),
        "texts": [draw(words) for _ in range(chapters)],
    }


def _write_book(folder: Path, shape: dict) -> list[str]:
    """A contents page and its pages, as `shape` says; the parts the import must make."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    entries, expected = [], []
    if shape["foreword"]:
        entries.append(("foreword.htm", "Foreword", None))
        (folder / "foreword.htm").write_text(
            _page("Foreword", "<p>A foreword by the author himself.</p>"), encoding="utf-8"
        )
        expected.append("foreword.md")
    for number in range(shape["chapters"]):
        name = f"ch{number + 1:02}.htm"
        entries.append((name, f"Chapter {number + 1}", shape["summaries"][number]))
        if number not in shape["missing"]:
            (folder / name).write_text(
                _page(f"Chapter {number + 1}", f"<p>{shape['texts'][number]}.</p>"), encoding="utf-8"
            )
            expected.append(f"ch{number + 1:02}.md")
    if shape["other_work"]:
        entries.append(("review.htm", "A review", None))
        (folder / "review.htm").write_text(
            _page(
                "A review",
                "<p>A review of the book.</p>",
                "Frederick Engels",
                '<p class="information"><span class="info">Source:</span> Das Volk, 1859</p>\n',
            ),
            encoding="utf-8",
        )
    if shape["guide"]:
        entries.append(("guide.htm", "Study Guide", None))
        (folder / "guide.htm").write_text(_page("Study Guide", "<p>Questions.</p>"), encoding="utf-8")
    if shape["layout"] == "table":
        listing = (
            "<table>"
            + "".join(
                f'<tr><td><a href="{href}">{label}</a></td><td>{summary or ""}</td></tr>'
                for href, label, summary in entries
            )
            + "</table>"
        )
    elif shape["layout"] == "ul":
        listing = (
            "<ul>"
            + "".join(f'<li><a href="{href}">{label}</a> {summary or ""}</li>' for href, label, summary in entries)
            + "</ul>"
        )
    elif shape["layout"] == "br":
        listing = (
            "<p>"
            + "<br>".join(f'<a href="{href}">{label}</a> {summary or ""}' for href, label, summary in entries)
            + "</p>"
        )
    else:
        listing = "".join(
            f'<p><a href="{href}">{label}</a></p>' + (f"<p>{summary}</p>" if summary else "")
            for href, label, summary in entries
        )
    epigraph = f"<blockquote><p>{shape['epigraph']}.</p></blockquote>" if shape["epigraph"] else ""
    (folder / "index.htm").write_text(_page("The Book", epigraph + listing), encoding="utf-8")
    if shape["epigraph"] or (shape["layout"] == "p" and any(shape["summaries"])):
        expected.insert(0, "front.md")  # the page's own text, and summaries in paragraphs of their own
    return expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=books())
def test_a_contents_page_of_any_shape_brings_its_whole_book(tmp_path: Path, shape: dict) -> None:
    expected = _write_book(tmp_path / "book", shape)
    if not [part for part in expected if part != "front.md"]:
        return
    into = tmp_path / "source"
    done = import_work([str(tmp_path / "book" / "index.htm")], into, "book", True, Fetcher(delay=0))
    meta = load_metadata(done.folder / "work.toml", "work.toml")
    assert meta.parts == expected
    report = (done.folder / "import-report.md").read_text(encoding="utf-8")
    for number in shape["missing"]:
        assert f"ch{number + 1:02}.htm: not served" in report
    if shape["other_work"]:
        assert "review.htm: a work of its own, by Frederick Engels, with its own header; not the book's text" in report
    if shape["guide"]:
        assert "Study Guide (guide.htm)" in report
    front = " ".join((done.folder / "front.md").read_text(encoding="utf-8").split()) if "front.md" in expected else ""
    if shape["epigraph"]:  # the contents page's own text is the book's front matter, word for word
        assert shape["epigraph"] in front
    kept = [n for n in range(shape["chapters"]) if n not in shape["missing"]]
    linked = ([-1] if shape["foreword"] else []) + kept  # the links to pages the book keeps, by place
    for summary in shape["summaries"]:
        if summary:  # in the list of contents, quoted in the report; in a paragraph of its own, the front matter's
            assert summary in (front if shape["layout"] == "p" else report)
    between = [n for n, summary in enumerate(shape["summaries"]) if summary and min(linked) <= n < max(linked)]
    if shape["layout"] == "p" and between:  # summaries between the links: the listing stays, linking the parts
        for number in kept:
            assert f"[Chapter {number + 1}](#part-{expected.index(f'ch{number + 1:02}.md') + 1})" in front
    work = load_work(done.folder)
    assert [part.title for part in work.parts] == [
        ("The Book" if file == "front.md" else "Foreword" if file == "foreword.md" else f"Chapter {int(file[2:4])}")
        for file in expected
    ]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    letters=st.lists(
        st.tuples(
            words,
            st.sampled_from(["Donna Torr", "Samuel Moore", "Ann Smith"]),
            st.integers(min_value=1850, max_value=1895),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_a_contents_page_of_separate_works_imports_as_a_volume(
    tmp_path: Path, letters: list[tuple[str, str, int]]
) -> None:
    folder = tmp_path / "letters"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rows = []
    for number, (text, translator, year) in enumerate(letters, start=1):
        header = (
            f'<p class="information"><span class="info">Written:</span> London, {year}<br>'
            f'<span class="info">Source:</span> Correspondence, volume {number}<br>'
            f'<span class="info">Translated:</span> {translator}</p>\n'
        )
        (folder / f"l{number}.htm").write_text(
            _page(f"Letter {number}", f"<p>{text}.</p>", "Engels", header), encoding="utf-8"
        )
        rows.append(f'<tr><td><a href="l{number}.htm">Letter {number}</a>, {year}</td></tr>')
    rows.append('<tr><td><a href="gone.htm">A letter not served</a></td></tr>')
    (folder / "index.htm").write_text(
        _page("Letters", f"<table>{''.join(rows)}</table>", "Karl Marx"), encoding="utf-8"
    )  # letters by Engels in Marx's volume
    done = import_work([str(folder / "index.htm")], tmp_path / "source", "letters", True, Fetcher(delay=0))
    work = load_work(done.folder)
    assert work.meta.title == "Letters" and work.meta.author == "Karl Marx"
    assert [part.title for part in work.parts] == [f"Letter {n}" for n in range(1, len(letters) + 1)]
    for part, (_, translator, year) in zip(work.parts, letters, strict=True):
        assert part.provenance is not None and part.provenance.written == f"London, {year}"
        assert part.provenance.source is not None and part.provenance.source.title == "Correspondence"
        assert part.provenance.credits.translators == [translator]
    assert "gone.htm: not served" in (done.folder / "import-report.md").read_text(encoding="utf-8")


def test_the_contents_test_is_words_per_link_not_a_page_size() -> None:
    """A contents page with an epigraph and a summary of each of 18 chapters (1,700 words of its
    own) is a contents page; a chapter of 1,000 words that links the next two is not."""
    summaries = "".join(
        f'<p><a href="ch{n:02}.htm">Chapter {n}</a></p><p>{" ".join(["word"] * 90)}</p>' for n in range(1, 19)
    )
    found = book.links(_page("A Book", f"<blockquote><p>{' '.join(['epigraph'] * 80)}</p></blockquote>{summaries}"))
    assert found.own_words > 1600 and found.is_contents and len(found.chapters) == 18
    chapter = book.links(
        _page(
            "Chapter 2",
            f"<p>{' '.join(['word'] * 1000)}</p><p><a href='ch01.htm'>Back</a> <a href='ch03.htm'>Next</a></p>",
        )
    )
    assert len(chapter.chapters) == 2 and not chapter.is_contents


def test_chapters_with_headers_of_their_own_are_still_a_book() -> None:
    """Capital's chapters each have a header (who transcribed them): titled as chapters, they
    are one work's, whether or not the contents page has a header; letters are separate works."""
    credits = [Field("Transcribed", "Zodiac"), Field("Html Markup", "Stephen Baird (1999)")]
    chapters = [
        (title, credits)
        for title in (
            "Chapter One: Commodities",
            "Chapter Fifteen: Machinery",
            "*1867* Preface to the First German Edition",
            "Preface",
            "III. Money",
        )
    ]
    assert not book.is_collection([], chapters)
    letters = [
        ("Engels to C. Schmidt In Berlin", credits),
        ("Engels to J. Bloch In Königsberg", [Field("Source", "Historical Materialism")]),
    ]
    assert book.is_collection([], letters)
    assert not book.is_collection(
        [Field("Source", "Selected Correspondence")], letters
    )  # one source, named once: one work's letters
    assert not book.is_collection(
        [], [(title, []) for title, _ in letters]
    )  # no headers: chapters of the contents page's work


def test_a_foreword_by_the_author_is_the_book_s_text() -> None:
    """ "Foreword" and "Afterword" hold the letters of "word", which names another format."""
    found = book.links(
        _page(
            "A Book",
            '<p><a href="fw.htm">Foreword</a></p><p><a href="ch01.htm">Chapter 1</a></p>'
            '<p><a href="aw.htm">Afterword</a></p><p><a href="b.doc">Word version</a></p>',
        )
    )
    assert [chapter.label for chapter in found.chapters] == ["Foreword", "Chapter 1", "Afterword"]


# -- the command line ---------------------------------------------------------------------


def test_book_and_page_override_the_guess_and_the_console_says_how_to_import_a_book(tmp_path: Path) -> None:
    manifesto = BOOKS / "marx/works/1848/communist-manifesto"
    single = run_cli("import", str(manifesto / "index.htm"), "--page", "--into", str(tmp_path), "--slug", "single")
    assert single.returncode == 0, single.stderr
    assert tomllib.loads((tmp_path / "single" / "work.toml").read_text(encoding="utf-8"))["parts"] == ["text.md"]
    assert (
        "Note: index.htm is a contents page of 5 pages of its own folder; imported as a single page, as --page asks"
        in single.stdout
    )
    chapter = run_cli(
        "import", str(BOOKS / "marx/works/1867-c1/ch25.htm"), "--into", str(tmp_path), "--slug", "chapter"
    )
    assert chapter.returncode == 0, chapter.stderr
    assert (
        "Note: ch25.htm links 3 pages of its own folder and was imported as "
        "a single page; to import the whole book, import its contents page" in chapter.stdout
    )
    forced = run_cli(
        "import",
        str(BOOKS / "marx/works/1847/wage-labour/ch01.htm"),
        "--book",
        "--into",
        str(tmp_path),
        "--slug",
        "forced",
    )
    assert forced.returncode == 0, forced.stderr
    assert tomllib.loads((tmp_path / "forced" / "work.toml").read_text(encoding="utf-8"))["parts"] == [
        "front.md",
        "ch02.md",
    ]  # its own text, then the next chapter it links in its navigation row
    both = run_cli("import", str(manifesto / "index.htm"), "--book", "--page", "--into", str(tmp_path))
    assert both.returncode == 1 and "[I032]" in both.stderr and "Traceback" not in both.stderr
    lone = run_cli(
        "import",
        str(CORPUS / "lenin-1913-big-achievement-of-the-chinese-republic.html"),
        "--book",
        "--into",
        str(tmp_path),
    )
    assert lone.returncode == 1 and "[I030]" in lone.stderr and "Traceback" not in lone.stderr


def test_a_contents_page_none_of_whose_pages_can_be_read_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "index.htm").write_text(
        _page("The Book", '<p><a href="ch01.htm">One</a></p><p><a href="ch02.htm">Two</a></p>'), encoding="utf-8"
    )
    with pytest.raises(BuildError) as error:  # none served
        import_work([str(tmp_path / "index.htm")], tmp_path / "source", "book", False, Fetcher(delay=0))
    assert error.value.code == "I074"
    header = '<p class="information"><span class="info">Source:</span> Das Volk, 1859</p>\n'
    (tmp_path / "ch01.htm").write_text(
        _page("A review", "<p>A review.</p>", "Frederick Engels", header), encoding="utf-8"
    )
    # A book's contents: not a volume.
    own = '<p class="information"><span class="info">Source:</span> The Book, 1859</p>\n'
    (tmp_path / "index.htm").write_text(
        _page("The Book", '<p><a href="ch01.htm">One</a></p><p><a href="ch02.htm">Two</a></p>', header=own),
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as error:  # served, and another author's work
        import_work([str(tmp_path / "index.htm")], tmp_path / "source", "book", False, Fetcher(delay=0))
    assert error.value.code == "I031"
    assert not (tmp_path / "source" / "book").exists()


# -- the source format: provenance, strictly ---------------------------------------------------

LETTER = ROOT / "source" / "lenin-1912-letter-to-huysmans"


def _with_toml(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "lenin-1912-letter-to-huysmans"
    shutil.copytree(LETTER, folder)
    (folder / "work.toml").write_text((LETTER / "work.toml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        ('\n[provenance.text]\nwriten = "1912"\n', "S004", "unknown key 'provenance.text.writen'"),
        ('\n[provenance.text.source]\npublisher = "Progress"\n', "S004", "'provenance.text.source.title'"),
        (
            '\n[provenance.text.credits]\ntranslator = ["A. B."]\n',
            "S004",
            "unknown key 'provenance.text.credits.translator'",
        ),
        ("\n[provenance.text]\n", "S004", "says nothing"),
        ('\n[provenance.chapter-one]\nwritten = "1912"\n', "S050", "[provenance.chapter-one] names no part"),
    ],
)
def test_provenance_is_validated_strictly(tmp_path: Path, extra: str, code: str, words: str) -> None:
    folder = _with_toml(tmp_path, extra)
    with pytest.raises(SourceError) as error:
        load_work(folder)
    assert error.value.code == code and words in error.value.message
    lines = (folder / "work.toml").read_text(encoding="utf-8").splitlines()
    assert error.value.line is not None and lines[error.value.line - 1] in extra.splitlines()  # the line of the fault


def test_the_documented_provenance_example_is_valid(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8").split("provenance.<part>]`\n", 1)[1]
    example = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert example is not None
    parts_line, tables = example.group(1).split("\n", 1)
    folder = tmp_path / "volume"
    folder.mkdir()
    for name in tomllib.loads(parts_line)["parts"]:
        (folder / name).write_text(f"# {name}\n\nText.\n", encoding="utf-8")
    toml = (LETTER / "work.toml").read_text(encoding="utf-8").replace('parts = ["text.md"]', parts_line)
    (folder / "work.toml").write_text(f"{toml}\n{tables}", encoding="utf-8")
    work = load_work(folder)
    bloch, schmidt = (part.provenance for part in work.parts)
    assert (
        bloch is not None
        and bloch.source is not None
        and bloch.source.title == "Historical Materialism (Marx, Engels, Lenin)"
    )
    assert bloch.written == "London, September 21, 1890" and bloch.credits.markup == ["Brian Baggins"]
    assert schmidt is not None and schmidt.credits.translators == ["Donna Torr"]
