"""The defects a reader saw in both editions, each read back from what the builder writes:
contents that list every level, hyphenation by the work's region, note calls closed up,
the EPUB's title page, quotations and landmarks styles, the cover's subtitle, the front
matter's headings and rights page, an even page count, colophon lines that read as sentences."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import tinycss2
from lxml import etree, html
from pypdf import PdfReader

from builder.editions.templates import render_page
from builder.source.loader import load_work
from tests.conftest import LETTER, ROOT, run_cli
from tests.support.pdf_text import lines_with_y, pieces, sized_pieces

CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
THESES = ROOT / "source" / "marx-1845-theses-on-feuerbach"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


@dataclass(frozen=True)
class Built:
    epub: dict[str, bytes]
    pdf: PdfReader
    texts: list[str]  # each page's text as pypdf extracts it, once (Capital's 68 pages take seconds)


def _texts(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def _build(source: Path, out: Path) -> Built:
    """The work's editions from the session's shelf (conftest.py), dated EDITION_EPOCH."""
    with zipfile.ZipFile(out / f"{source.name}.epub") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    pdf = PdfReader(out / f"{source.name}.pdf")
    return Built(files, pdf, _texts(pdf))


@pytest.fixture(scope="module")
def capital(built_shelf: Path) -> Built:
    return _build(CAPITAL, built_shelf)


@pytest.fixture(scope="module")
def theses(built_shelf: Path) -> Built:
    return _build(THESES, built_shelf)


def _file(built: Built, suffix: str) -> bytes:
    return next(data for name, data in built.epub.items() if name.endswith(suffix))


# -- contents: every level, nested ---------------------------------------------------------


DIVISION = "A. Elementary or Accidental Form Of Value"  # a ### heading under SECTION 3


def test_nav_ncx_and_contents_page_list_divisions_under_their_section(capital: Built) -> None:
    nav = etree.fromstring(_file(capital, "nav.xhtml"))
    entry = next(a for a in nav.iterfind(".//x:nav[@id='toc']//x:a", XHTML) if a.text == DIVISION)
    section = entry.getparent().getparent().getparent()  # a → li → ol → the section's li
    assert section.find("x:a", XHTML).text.startswith("SECTION 3")

    ncx = etree.fromstring(_file(capital, "toc.ncx"))
    point = next(
        p for p in ncx.iterfind(".//n:navPoint", NCX) if p.findtext("n:navLabel/n:text", namespaces=NCX) == DIVISION
    )
    assert point.getparent().findtext("n:navLabel/n:text", namespaces=NCX).startswith("SECTION 3")

    contents = capital.pdf.pages[
        next(number for number, text in enumerate(capital.texts) if text.lstrip().lower().startswith("contents"))
    ]
    lefts = {text.split(" .")[0]: x for x, text in _lines_with_x(contents)}
    section_x = next(x for text, x in lefts.items() if text.startswith("SECTION 3"))
    division_x = next(x for text, x in lefts.items() if text.startswith("A. Elementary"))
    assert division_x > section_x + 5  # indented by level


def _lines_with_x(page) -> list[tuple[float, str]]:
    found: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def test_a_short_text_has_no_contents_page(theses: Built) -> None:
    assert not any(text.lstrip().lower().startswith("contents") for text in theses.texts)


# -- hyphenation ---------------------------------------------------------------------------


def test_hyphenation_follows_the_region_and_leaves_three_letters(capital: Built) -> None:
    breaks = []
    for text in capital.texts:  # within a page: a page turn puts the folio between the pieces
        breaks += re.findall(r"([^\W\d_]+)[-\u2010]\n([^\W\d_]+)", text)
    assert len(breaks) > 50
    british = [
        f"{a}-{b}"
        for a, b in breaks
        if (a, b) in {("act", "ive"), ("dir", "ectly"), ("commodit", "ies"), ("com", "mod")}
    ]
    assert not british, f"British patterns for a text declared 'en': {british}"
    short = [f"{a}-{b}" for a, b in breaks if len(a) < 3 or len(b) < 3]
    assert not short, f"breaks leaving fewer than three letters: {short}"


# -- note calls ----------------------------------------------------------------------------


def test_a_note_call_follows_its_word_with_no_space(capital: Built) -> None:
    chapter = next(data for name, data in capital.epub.items() if name.endswith(".xhtml") and b"table-turning" in data)
    assert re.search(rb"ever was\.<a [^>]*noteref", chapter), "the EPUB's call 26a"
    text = "\n".join(capital.texts)
    assert "ever was.26a" in text and "ever was. 26a" not in text


# -- the EPUB's styles ---------------------------------------------------------------------


def _rules(css: bytes) -> list:
    return tinycss2.parse_stylesheet(css.decode(), skip_comments=True, skip_whitespace=True)


def test_epub_title_page_is_centred_in_a_reading_system(capital: Built) -> None:
    """Laid out with the EPUB's own stylesheets (WeasyPrint stands in for a reading system's
    CSS engine), every line of the title page is centred."""
    import weasyprint

    page = _file(capital, "titlepage.xhtml").decode()
    css = [weasyprint.CSS(string=_file(capital, name).decode()) for name in ("common.css", "epub.css")]
    document = weasyprint.HTML(string=page).render(
        stylesheets=[*css, weasyprint.CSS(string="@page { size: 390px 844px; margin: 0 }")]
    )
    from builder.editions.weasyprint.boxes import lines as line_boxes
    from builder.editions.weasyprint.boxes import page_box

    lines = [line for line in line_boxes(page_box(document.pages[0])) if line.children]
    assert len(lines) >= 3
    for line in lines:
        left = line.children[0].position_x - line.position_x
        right = line.position_x + line.width - (line.children[-1].position_x + line.children[-1].width)
        assert abs(left - right) < 2, f"line not centred: {left:.1f} px left, {right:.1f} px right"


def test_epub_quotations_keep_the_readers_line_spacing(capital: Built) -> None:
    for name in ("common.css", "epub.css"):
        for rule in _rules(_file(capital, name)):
            if rule.type == "qualified-rule" and "blockquote" in tinycss2.serialize(rule.prelude):
                declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                assert "line-height" not in {d.name for d in declarations if d.type == "declaration"}, name


def test_epub_namespace_prefixes_are_declared(capital: Built) -> None:
    rules = _rules(_file(capital, "epub.css"))
    declared = {
        next(t.value for t in rule.prelude if t.type == "ident")
        for rule in rules
        if rule.type == "at-rule" and rule.lower_at_keyword == "namespace"
    }
    used = {
        match
        for rule in rules
        if rule.type == "qualified-rule"
        for match in re.findall(r"(\w+)\|", tinycss2.serialize(rule.prelude))
    }
    assert used and used <= declared, f"prefixes used {used}, declared {declared}"


# -- the cover -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "subtitle"),
    [(CAPITAL, None), (LETTER, "Secretary of the International Socialist Bureau")],
)
def test_cover_subtitle_never_repeats_the_title(source: Path, subtitle: str | None) -> None:
    cover = html.fromstring(render_page("cover.html", load_work(source), None, year="", step=0))
    found = cover.find_class("subtitle")
    assert [element.text_content() for element in found] == ([subtitle] if subtitle else [])


# -- front matter, page count, colophon ----------------------------------------------------


def test_front_matter_headings_are_set_one_way(built_shelf: Path) -> None:
    heads = {}
    for page in pieces(built_shelf / f"{CAPITAL.name}.pdf"):
        for piece in page:
            if piece.text.lower() in ("rights", "contents", "colophon") and piece.text.lower() not in heads:
                heads[piece.text.lower()] = round(piece.size, 1)
    assert set(heads) == {"rights", "contents", "colophon"} and len(set(heads.values())) == 1, heads


def test_rights_sit_small_at_the_foot_of_the_verso(capital: Built) -> None:
    verso = capital.pdf.pages[1]
    assert "public domain" in capital.texts[1]
    height = float(verso.mediabox.height)
    assert max(y for y, _ in lines_with_y(verso)) < height / 2  # all of it in the lower half
    body_size = round(max(size for size, text in sized_pieces(capital.pdf.pages[5]) if len(text) > 40), 1)
    assert max(size for size, text in sized_pieces(verso) if text.lower() != "rights") < 0.9 * body_size


def test_every_print_edition_has_an_even_number_of_pages_and_blank_pages_are_blank(
    capital: Built, theses: Built, pdf_path: Path
) -> None:
    for pages in (capital.texts, theses.texts, _texts(PdfReader(pdf_path))):  # the letter had nine
        assert len(pages) % 2 == 0, len(pages)
        assert "Colophon" in pages[-1]
        # A page added to make the count even carries nothing: no running head, no folio.
        furniture = re.compile(
            r"(Karl Marx|V\. I\. Lenin|Capital I, Chapter 1: Commodities|"
            r"Theses On Feuerbach|A Letter to Huysmans|\d+|\s)+"
        )
        assert not [
            number + 1 for number, page in enumerate(pages) if (text := page.strip()) and furniture.fullmatch(text)
        ]


def test_colophon_lines_read_as_sentences(theses: Built) -> None:
    colophon = theses.texts[-1].replace("\n", " ")
    assert "Written by Marx in the Spring of 1845" in colophon
    assert "First published as an appendix to" in colophon
    assert "Written: " not in colophon and "published: " not in colophon


# -- package metadata readers sort by ------------------------------------------------------


OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _refined(package: etree._Element, target: str, prop: str) -> list[str]:
    return [meta.text for meta in package.iterfind(f".//opf:meta[@refines='#{target}'][@property='{prop}']", OPF)]


def test_package_gives_file_as_names_and_the_transcription_page(capital: Built, epub_files: dict[str, bytes]) -> None:
    letter = etree.fromstring(next(data for name, data in epub_files.items() if name.endswith(".opf")))
    title = letter.find(".//dc:title", OPF)
    assert _refined(letter, title.get("id"), "file-as") == [
        "Letter to Huysmans, Secretary of the International Socialist Bureau, A"
    ]
    assert letter.find(".//opf:meta[@name='generator']", OPF) is None  # no "Ebook-lib" line

    package = etree.fromstring(_file(capital, ".opf"))
    translators = {element.text: element.get("id") for element in package.iterfind(".//dc:contributor", OPF)}
    assert _refined(package, translators["Samuel Moore"], "file-as") == ["Moore, Samuel"]
    page = "https://www.marxists.org/archive/marx/works/1867-c1/ch01.htm"
    assert page in [source.text for source in package.iterfind(".//dc:source", OPF)]
    assert page.encode() in _file(capital, "colophon.xhtml")


# -- rights: notes that are not the public-domain text -------------------------------------


def test_rights_page_names_notes_that_are_not_public_domain(capital: Built) -> None:
    rights = "".join(etree.fromstring(_file(capital, "rights.xhtml")).itertext())
    assert "notes A, 26a and Note are later than it" in rights and "Fowkes" in rights
    verso = capital.texts[1].replace("\n", " ")
    assert "26a and Note are later" in verso


def test_later_notes_must_be_notes_of_the_text(work_copy: Path, tmp_path: Path) -> None:
    toml = work_copy / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'status = "public-domain"',
            'status = "public-domain"\nlater-notes = ["9"]\nlater-notes-by = "a later editor"',
        ),
        encoding="utf-8",
    )
    result = run_cli("build", str(work_copy), "--format", "epub", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "later-notes names note [^9], which the text does not have [S025]" in result.stderr


# -- addresses on paper --------------------------------------------------------------------


def _address_pattern(url: str) -> str:
    """`url` as printed: a line may end only after one of its slashes."""
    return "".join(re.escape(char) + ("\n?" if char == "/" else "") for char in url)


def test_addresses_print_one_way_and_break_only_after_a_slash(capital: Built, theses: Built) -> None:
    licence = "https://www.marxists.org/admin/legal/cc/by-sa.htm"
    for built, addresses in (
        (
            capital,
            [
                "https://creativecommons.org/publicdomain/zero/1.0/",
                "https://www.marxists.org/archive/marx/works/1867-c1/ch01.htm",
            ],
        ),
        (theses, [licence, "https://www.marxists.org/archive/marx/works/1845/theses/theses.htm"]),
    ):
        text = "\n".join(built.texts)
        for url in addresses:
            assert re.search(_address_pattern(url), text), f"{url} is broken elsewhere than after a slash, or missing"
    rights = theses.texts[1]
    assert re.search(
        "Creative Commons ShareAlike License <" + _address_pattern(licence) + ">", rights.replace(" \n", "\n")
    )
