"""Pages of the printed source: `{{page 29}}` in a source, made by the import from the comments
by which Lenin's Collected Works on the archive mark each page; a page break and a page-list
entry in the EPUB for each, in order, with the printed source named as their source; the
page's number in the PDF's margin, level with the line it begins in; and in the web preview."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from builder.checks import reader
from builder.checks import validators as checks
from builder.editions.epub import write_epub
from builder.editions.html import render
from builder.editions.pdf import write_pdf
from builder.editions.web import write_web
from builder.errors import SourceError
from builder.importer.assemble import import_work
from builder.importer.fetch import Fetcher
from builder.source.loader import load_work
from builder.source.text import page_breaks, parse_part, part_page_breaks, plain_text
from tests.conftest import CORPUS, ROOT
from tests.support.pdf_text import _text as object_text

LENIN = sorted(path.stem for path in CORPUS.glob("lenin-*.html"))
# How the archive's Collected Works mark where a printed page begins.
COMMENT = re.compile(r"<!--\s*vol=\s*\w+\s+pg=\s*0*(\w+)")
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"


def marked_pages(slug: str) -> list[str]:
    """The printed pages a corpus page marks, in its order."""
    return [
        label.lstrip("0") or "0" for label in COMMENT.findall((CORPUS / f"{slug}.html").read_text(encoding="utf-8"))
    ]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every Lenin page of the corpus imported, and its EPUB and A5 PDF written beside it."""
    into = tmp_path_factory.mktemp("source")
    fetcher = Fetcher(cache=into.parent / "cache", delay=0)
    for slug in LENIN:
        import_work([str(CORPUS / f"{slug}.html")], into, slug, False, fetcher)
        work = load_work(into / slug)
        (into / f"{slug}.epub").write_bytes(write_epub(work))
        (into / f"{slug}.pdf").write_bytes(write_pdf(work))
    fetcher.close()
    return into


def test_the_corpus_has_lenin_pages_with_markers() -> None:
    assert LENIN and all(marked_pages(slug) for slug in LENIN)
    assert any(len(marked_pages(slug)) > 1 for slug in LENIN)  # a page begun mid-sentence, or in a note


@pytest.mark.parametrize("slug", LENIN)
def test_the_import_keeps_every_marker_as_the_hand_made_source_has_it(imported: Path, slug: str) -> None:
    written = re.findall(r"\{\{page (\w+)\}\}", (imported / slug / "text.md").read_text(encoding="utf-8"))
    assert written == marked_pages(slug)
    by_hand = (ROOT / "source" / slug / "text.md").read_text(encoding="utf-8")
    assert re.findall(r"\{\{page (\w+)\}\}", by_hand) == written
    report = (imported / slug / "import-report.md").read_text(encoding="utf-8")
    assert f"marked where each begins: {', '.join(written)}" in report


@pytest.mark.parametrize("slug", LENIN)
def test_every_marker_is_one_page_list_entry_in_order(imported: Path, slug: str) -> None:
    with zipfile.ZipFile(imported / f"{slug}.epub") as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
        lists = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS | {"epub": "http://www.idpf.org/2007/ops"})
        assert len(lists) == 1
        entries = lists[0].xpath(".//x:li/x:a", namespaces=NS)
        assert [entry.text for entry in entries] == marked_pages(slug)
        for entry in entries:  # each leads to its page break
            name, _, target = entry.get("href").partition("#")
            found = etree.fromstring(epub.read(f"EPUB/{name}")).xpath(f"//*[@id='{target}']")
            assert len(found) == 1 and found[0].get(OPS_TYPE) == "pagebreak" and found[0].get("role") == "doc-pagebreak"
            assert found[0].get("aria-label") == entry.text and not "".join(found[0].itertext())
        package = etree.fromstring(epub.read("EPUB/content.opf"))
    metadata = package.find("opf:metadata", NS)
    source = metadata.find("dc:source", NS).text
    assert metadata.xpath("opf:meta[@property='pageBreakSource']/text()", namespaces=NS) == [source]
    assert "Lenin Collected Works" in source
    features = metadata.xpath("opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS)
    assert {"pageBreakMarkers", "pageNavigation"} <= set(features)


def test_epubs_with_page_lists_pass_epubcheck(imported: Path) -> None:
    for slug in LENIN:
        assert checks.epubcheck(imported / f"{slug}.epub") == [], slug


def _text_objects(pdf: Path) -> list[list[tuple[str, float, float, float]]]:
    """Each page's text objects: (text, left, baseline, height)."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            textpage = page.get_textpage()
            found = []
            for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT]):
                left, bottom, _, top = obj.get_bounds()
                if text := object_text(obj, textpage).strip():
                    found.append((text, left, obj.get_matrix().f, top - bottom))
            pages.append(found)
    finally:
        document.close()
    return pages


@pytest.mark.parametrize("slug", LENIN)
def test_the_pdf_prints_each_page_in_the_margin_level_with_its_line(imported: Path, slug: str) -> None:
    """Each marked page's number stands left of the text block, on the line where the page
    begins: the first line of the text, the first line of the note, or the line of the word
    before a page begun mid-sentence."""
    pages = _text_objects(imported / f"{slug}.pdf")
    text = (imported / slug / "text.md").read_text(encoding="utf-8")
    found = []
    for objects in pages:
        left_edge = min((left for _, left, _, size in objects if size > 8), default=0)
        for label, left, baseline, _ in objects:
            if label in marked_pages(slug) and left < left_edge - 5:
                # level with a line of the text: a line of the body stands on its baseline
                assert any(
                    abs(b - baseline) < 0.5 and left_of > left for word, left_of, b, _ in objects if word != label
                ), label
                found.append(label)
    assert found == marked_pages(slug), (found, text[:80])
    assert checks.check_pdf(imported / f"{slug}.pdf") == []


@pytest.mark.parametrize("slug", LENIN)
def test_the_web_preview_shows_each_page(imported: Path, slug: str) -> None:
    page = write_web(load_work(imported / slug))["text.html"].decode()
    shown = re.findall(
        r'<span id="page-(\w+)" class="page-break" role="doc-pagebreak" aria-label="(\w+)">'
        r'<span class="page-number">(\w+)</span></span>',
        page,
    )
    assert [label for _, _, label in shown] == marked_pages(slug)
    assert all(a == b == c for a, b, c in shown)


@pytest.mark.slow
@pytest.mark.skipif(not reader.available(), reason="the reading engine needs Node and npm")
def test_the_reading_engine_opens_a_book_with_a_page_list(imported: Path) -> None:
    books = [imported / f"{slug}.epub" for slug in LENIN]
    readings = reader.readings(books, reader.SIZES[:1])
    assert [finding for reading in readings for finding in reading.findings] == []
    assert all(reading.checked.get("toc") for reading in readings)


# -- the source construct, on generated texts ------------------------------------------------

LABELS = st.from_regex(r"[1-9][0-9]{0,3}|[ivxlc]{1,5}|[0-9]{1,3}[a-z]", fullmatch=True)
WORDS = st.lists(st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True), min_size=1, max_size=12)


@st.composite
def marked_texts(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A text of paragraphs with page markers mid-sentence, at a paragraph's start and on
    lines of their own between paragraphs; its labels and its words, in order."""
    blocks, labels, words = [], [], []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            label = draw(LABELS)
            blocks.append(f"{{{{page {label}}}}}")
            labels.append(label)
        line = []
        for word in draw(WORDS):
            if draw(st.integers(0, 5)) == 0:
                label = draw(LABELS)
                line.append(f"{{{{page {label}}}}}")
                labels.append(label)
            line.append(word)
            words.append(word)
        blocks.append(" ".join(line))
    return "\n\n".join(["# Title", *blocks]) + "\n", labels, ["Title", *words]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marked=marked_texts())
def test_every_marker_is_read_in_order_and_no_word_is_lost(
    tmp_path: Path, marked: tuple[str, list[str], list[str]]
) -> None:
    source, labels, words = marked
    (tmp_path / "text.md").write_text(source, encoding="utf-8")
    part = parse_part(tmp_path / "text.md", "text.md", "text")
    assert [token.meta["label"] for token in page_breaks(part.tokens)] == labels
    assert [word for token in part.tokens if token.type == "inline" for word in plain_text(token).split()] == words
    # a marker stands in the one space between two words, never beside a second one
    assert "  " not in re.sub(r"<[^>]+>", "", render(part.tokens))
    # no paragraph is left holding nothing but markers
    assert all(
        any(child.type != "page_break" and child.content.strip() for child in token.children or [])
        for token in part.tokens
        if token.type == "inline"
    )


@pytest.mark.parametrize(
    "written", ["{{page}}", "{{ page 30 }}", "{{page 3 4}}", "{{page 30}", "{{Page 30}}", "{{page 1234567890123}}"]
)
def test_a_marker_that_does_not_read_is_refused_with_its_line(tmp_path: Path, written: str) -> None:
    (tmp_path / "text.md").write_text(f"# Title\n\nOne line.\n\nAnd {written} another.\n", encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        parse_part(tmp_path / "text.md", "text.md", "text")
    assert raised.value.code == "S055" and raised.value.line == 5


def test_markers_need_a_printed_source(work_copy: Path) -> None:
    toml = work_copy / "work.toml"
    toml.write_text(re.sub(r"\n\[source\]\n(?:[^\[\n].*\n)*", "\n", toml.read_text(encoding="utf-8")), encoding="utf-8")
    text = work_copy / "text.md"
    lines = text.read_text(encoding="utf-8").split("\n")
    at = next(number for number, line in enumerate(lines) if number > 0 and line and not line.startswith(("#", "{")))
    lines[at] = "{{page 547}} " + lines[at]
    text.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_work(work_copy)
    assert raised.value.code == "S056" and raised.value.line == at + 1


def test_a_page_marked_again_gets_an_id_of_its_own(work_copy: Path) -> None:
    """A chapter that begins on the page the last one ended on marks that page again."""
    text = work_copy / "text.md"
    text.write_text(text.read_text(encoding="utf-8").replace("\n\n", "\n\n{{page 547}}\n\n", 2), encoding="utf-8")
    work = load_work(work_copy)
    assert [token.attrGet("id") for part in work.parts for token in part_page_breaks(part)] == [
        "page-547",
        "page-547-2",
    ]
