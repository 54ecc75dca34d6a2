"""The editions stage's smaller modules each on their own: the cover image and its cache, the
catalogue's cover, whether a cover's front holds its text, the print cover's sheet, the papers,
the typefaces' characters, the fonts of a PDF, and the rights sentence."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from pathlib import Path

import pydyf
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from builder.editions import fonts
from builder.editions.catalogue_cover import WIDTH, catalogue_cover, epub_cover
from builder.editions.cover import cache_folder, cover_png
from builder.editions.cover_front import front_fits
from builder.editions.cover_sheet import MM, interior_measures, misfit, sheet_for
from builder.editions.papers import DEFAULT_PAPER, papers
from builder.editions.pdf_fonts import stray_fonts, strays, unembedded_fonts, written_fonts
from builder.editions.rights import rights_statement
from builder.paths import BUILTIN_STYLES as STYLES
from builder.source.loader import load_work
from builder.source.metadata import load_metadata
from tests.conftest import LETTER
from tests.support.source_edits import edit

# The cover and the catalogue's cover


def test_the_cover_cache_is_folio_cache_else_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOLIO_CACHE", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.delenv("FOLIO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "folio"


def test_a_cover_is_typeset_once_then_read_from_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOLIO_CACHE", str(tmp_path))
    work = load_work(LETTER)
    png = cover_png(work)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1600, 2560)
    (cached,) = (tmp_path / "covers").glob("*.png")
    assert cached.read_bytes() == png
    cached.write_bytes(b"what the cache holds")  # the same work's cover is not typeset again
    assert cover_png(work) == b"what the cache holds"


def test_the_catalogue_cover_is_the_epubs_cover_made_small_the_same_every_time(epub_path: Path) -> None:
    epub = epub_path.read_bytes()
    with Image.open(io.BytesIO(epub_cover(epub))) as full:
        assert full.size == (1600, 2560)
    small = catalogue_cover(epub)
    with Image.open(io.BytesIO(small)) as image:
        assert image.format == "PNG" and image.size == (WIDTH, 640) and not image.info.get("dpi")
    assert catalogue_cover(epub) == small


def test_the_epubs_cover_is_found_through_its_package_wherever_the_package_is() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OPS/book.opf"/></rootfiles></container>',
        )
        archive.writestr(
            "OPS/book.opf",
            '<package xmlns="http://www.idpf.org/2007/opf"><manifest>'
            '<item href="img/a.png" properties="nav"/>'
            '<item href="img/c.png" properties="x cover-image"/></manifest></package>',
        )
        archive.writestr("OPS/img/c.png", b"the cover")
    assert epub_cover(out.getvalue()) == b"the cover"


# cover_front.py


@pytest.mark.parametrize(
    ("body", "fits"),
    [
        (
            '<p class="title">A Title</p><p class="author">An Author</p>'
            '<p class="year" style="position: absolute; bottom: 0">1912</p>',
            True,
        ),
        ('<p class="year">1912</p><p class="title">A Title set below the year</p>', False),
        ('<p class="title" style="break-after: page">A Title</p><p class="year">1912</p>', False),  # two pages
    ],
)
def test_a_front_fits_when_its_text_stands_clear_above_the_year(body: str, fits: bool) -> None:
    from weasyprint import HTML

    document = HTML(
        string=f"<style>@page {{ size: 100mm 150mm; margin: 5mm }} body {{ margin: 0 }}</style>{body}"
    ).render()
    assert front_fits(document) is fits


# cover_sheet.py and papers.py


def test_the_papers_are_those_of_styles_papers_toml() -> None:
    table = tomllib.loads((STYLES / "papers.toml").read_text(encoding="utf-8"))
    assert {key: paper.per_page_mm for key, paper in papers().items()} == {
        key: entry["per-page-mm"] for key, entry in table.items()
    }
    assert DEFAULT_PAPER in papers()


def _pdf(pages: int, width_mm: float, height_mm: float) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width_mm * MM, height_mm * MM)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_sheet_is_two_trims_and_a_spine_as_thick_as_the_leaves() -> None:
    sheet = sheet_for(101, (148, 210), "cream")
    assert sheet.pages == 102  # an odd count gets the printer's blank page
    assert sheet.spine == pytest.approx(102 * papers()["cream"].per_page_mm)
    assert (sheet.width, sheet.height) == (pytest.approx(2 * 148 + sheet.spine), 210)
    assert not sheet_for(20, (148, 210)).spine_text and sheet_for(400, (148, 210)).spine_text
    with pytest.raises(ValueError, match="unknown paper"):
        sheet_for(10, (148, 210), "papyrus")


def test_a_cover_fits_its_interior_on_one_of_the_papers_or_says_what_it_should_be() -> None:
    interior = _pdf(40, 148, 210)
    assert interior_measures(interior) == (40, (148.0, 210.0))
    for paper in papers():
        sheet = sheet_for(40, (148, 210), paper)
        assert misfit(_pdf(1, sheet.width, sheet.height), interior) is None
    wrong = misfit(_pdf(1, 300, 210), interior)
    assert wrong is not None and "40-page interior" in wrong and "white paper" in wrong


# fonts.py and pdf_fonts.py


def test_the_books_fonts_are_source_serif_then_the_tables_faces_as_pdfs_name_them() -> None:
    assert fonts.BOOK_FONTS[0] == "Source-Serif-Pro"
    assert {"Noto-Serif-CJK", "Noto-Serif-Bengali", "Symbola"} <= set(fonts.BOOK_FONTS)
    assert all(" " not in name for name in fonts.BOOK_FONTS)


def test_a_font_is_stray_unless_it_is_the_books_own_and_upright() -> None:
    assert strays(
        ["/ABCDEF+Source-Serif-Pro-Regular", "/GHIJKL+GFS-Didot", "/X+DejaVuSans", "Source-Serif-Pro-Oblique"]
    ) == {"DejaVuSans", "Source-Serif-Pro-Oblique"}
    pdf = pydyf.PDF()
    pdf.add_object(pydyf.Dictionary({"Type": "/Font", "BaseFont": b"/AAAAAA+Source-Serif-Pro-Regular"}))
    pdf.add_object(pydyf.Dictionary({"Type": "/Page"}))
    assert written_fonts(pdf) == {"/AAAAAA+Source-Serif-Pro-Regular"}


def test_the_built_pdf_embeds_only_the_books_fonts(pdf_path: Path) -> None:
    reader = PdfReader(pdf_path)
    assert stray_fonts(reader) == set() and unembedded_fonts(reader) == set()


def test_a_font_left_unembedded_is_named() -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    from pypdf.generic import DictionaryObject, NameObject

    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/TrueType"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(out)
    assert unembedded_fonts(reader) == {"/Helvetica"} and stray_fonts(reader) == {"Helvetica"}


# rights.py


@pytest.mark.parametrize(
    ("rights", "sentence"),
    [
        (None, "Public domain. You may freely copy"),
        ('[rights]\nstatus = "unstated"\n', "The source states no licence and no public-domain status."),
        (
            '[rights]\nstatus = "licensed"\n\n[rights.licence]\nname = "CC BY-SA 2.0"\nurl = "https://creativecommons.org/licenses/by-sa/2.0/"\n',
            "Licensed under the CC BY-SA 2.0: https://creativecommons.org/licenses/by-sa/2.0/",
        ),
    ],
)
def test_a_works_rights_are_one_sentence(work_copy: Path, rights: str | None, sentence: str) -> None:
    toml = work_copy / "work.toml"
    if rights is not None:
        text = toml.read_text(encoding="utf-8")
        edit(toml, text[text.index("[rights]") :], rights)
    assert rights_statement(load_metadata(toml, "work.toml")).startswith(sentence)


# html.py


def test_a_list_that_starts_past_one_is_numbered_from_there_in_print() -> None:
    from weasyprint import HTML

    from builder.editions.html import render
    from builder.source.text import MD

    markup = render(MD.parse("5. five\n6. six\n\nBetween.\n\n1. one\n"))
    assert '<ol start="5" style="counter-reset: list-item 4">' in markup
    assert "<ol>" in markup  # a list from 1 is left as it is
    pdf = HTML(string=f"<html lang='en'><body>{markup}</body></html>").write_pdf()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert sorted(re.findall(r"(?<![\w.])(\d)\.(?!\w)", text)) == ["1", "5", "6"]  # the markers, in any reading order
