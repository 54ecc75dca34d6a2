"""The print edition, read back from the PDF: notes at the foot of their call's page, the
typeface embedded, book structure (title page, text on a right-hand page, running heads,
folios, contents), metadata, tags, bookmarks, trims and print marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.checks.validators import check_pdf
from builder.source.loader import load_work
from tests.conftest import LETTER, SLUG, run_cli
from tests.support.pdf_text import Piece, lines_with_y, pieces
from tests.support.words import dehyphenated_words, is_subsequence

MM = 72 / 25.4


@pytest.fixture(scope="module")
def reader(pdf_path: Path) -> PdfReader:
    return PdfReader(pdf_path)


def test_note_sits_at_the_foot_of_the_page_of_its_call(reader: PdfReader) -> None:
    pages = [page.extract_text() for page in reader.pages]
    call_page = next(i for i, text in enumerate(pages) if "International Socialist Bureau1" in text)
    note_pages = [i for i, text in enumerate(pages) if "Lenin’s letter was sent to all socialist parties" in text]
    assert note_pages == [call_page]
    pieces = lines_with_y(reader.pages[call_page])
    note_y = max(y for y, text in pieces if text.startswith("Lenin’s letter was sent") or text.startswith("1."))
    body_y = min(y for y, text in pieces if "Dear Comrade" in text or "state the following" in text)
    assert note_y < body_y  # below the text
    folio_y = min(y for y, _ in pieces)
    assert note_y - folio_y < 60  # at the foot, just above the folio


def test_typeface_is_embedded_source_serif(reader: PdfReader) -> None:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(name.startswith("Source-Serif-Pro") for name in fonts), fonts
    assert {"Source-Serif-Pro", "Source-Serif-Pro-Italic"} <= fonts


def test_the_reader_finds_no_problem(pdf_path: Path) -> None:
    assert [str(f) for f in check_pdf(pdf_path, expect_text=["Dear Comrade,"])] == []


def test_metadata(reader: PdfReader) -> None:
    work = load_work(LETTER)
    info = reader.metadata
    assert info.title == work.meta.title
    assert info.author == work.meta.author
    assert info.subject == work.meta.description
    assert "Liquidationism" in info["/Keywords"]
    assert (
        info["/CreationDate"] == info["/ModDate"] == "D:20231114221320+00'00"
    )  # SOURCE_DATE_EPOCH of the session's build
    assert info["/Creator"].startswith("Folio ")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"


def test_tagged_pdf_ua(reader: PdfReader) -> None:
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp and "<dc:title>" in xmp
    kinds = set()

    def walk(node, depth=0) -> None:
        node = node.get_object()
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict) and depth < 40:
                walk(kid, depth + 1)

    walk(catalog["/StructTreeRoot"])
    assert {"/H1", "/P", "/BlockQuote"} <= kinds, kinds


def test_bookmarks(reader: PdfReader) -> None:
    marks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    titles = [title for title, _ in marks]
    assert "A Letter to Huysmans, Secretary of the International Socialist Bureau" in titles  # no note number
    assert "Colophon" in titles


def test_book_structure(reader: PdfReader) -> None:
    pages = [page.extract_text() for page in reader.pages]
    assert pages[0].strip().startswith("A Letter to Huysmans") and "V. I. Lenin" in pages[0]
    text_start = next(i for i, text in enumerate(pages) if "Dear Comrade," in text)
    assert text_start % 2 == 0  # page index 2 is page 3: a right-hand page
    assert "Colophon" in pages[-1]
    height = float(reader.pages[0].mediabox.height)
    for index, page in enumerate(reader.pages):
        pieces = lines_with_y(page)
        heads = [text for y, text in pieces if y > height - 20 * MM]
        folios = [text for y, text in pieces if y < 20 * MM]
        if index in (0, 1) or index == text_start:
            assert heads == [], (index, heads)  # no running head on the title page, its verso or the opening page
        elif index > text_start and index < len(pages) - 1:
            assert heads == (["V. I. Lenin"] if index % 2 else ["A Letter to Huysmans"]), (index, heads)
            assert folios == [str(index + 1)], (index, folios)


def test_mirrored_margins(reader: PdfReader) -> None:
    left_edges = {}
    for index in (2, 3):
        left_edges[index] = min(page_x for page_x in _xs(reader.pages[index]))
    # inner margin (20 mm) is wider than the outer (15 mm): text sits further right on a right-hand page
    assert left_edges[2] - left_edges[3] == pytest.approx(5 * MM, abs=1)


def _xs(page) -> list[float]:
    xs: list[float] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip():
            xs.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return xs


@pytest.mark.parametrize(
    ("trim", "size_mm"), [("us-trade", (152.4, 228.6)), ("a4", (210, 297)), ("letter", (215.9, 279.4))]
)
def test_other_trims(letter_in_every_trim: Path, trim: str, size_mm: tuple[float, float]) -> None:
    reader = PdfReader(letter_in_every_trim / f"{SLUG}-{trim}.pdf")
    box = reader.pages[0].mediabox
    assert (float(box.width) / MM, float(box.height) / MM) == pytest.approx(size_mm, abs=0.5)
    assert not check_pdf(letter_in_every_trim / f"{SLUG}-{trim}.pdf")


def test_print_marks_add_bleed_and_crop_marks(tmp_path: Path, pdf_path: Path) -> None:
    result = run_cli("build", str(LETTER), "--format", "pdf", "--print-marks", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    page = PdfReader(tmp_path / f"{SLUG}-print.pdf").pages[2]
    trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
    assert (float(trim.width) / MM, float(trim.height) / MM) == pytest.approx((148, 210), abs=0.5)
    assert float(bleed.width) - float(trim.width) == pytest.approx(6 * MM, abs=0.1)
    assert float(media.width) > float(bleed.width)  # room for the marks outside the bleed
    plain = PdfReader(pdf_path).pages[2]
    assert plain.mediabox == plain.trimbox  # without the option, no marks and no bleed


def test_contents_page_for_a_work_in_parts(work_copy: Path, tmp_path: Path) -> None:
    (work_copy / "second.md").write_text(
        "# A second part\n\nIt follows.[^b]\n\n[^b]: Its own note.\n", encoding="utf-8"
    )
    toml = work_copy / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('parts = ["text.md"]', 'parts = ["text.md", "second.md"]'),
        encoding="utf-8",
    )
    result = run_cli("build", str(work_copy), "--format", "pdf", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(tmp_path / f"{SLUG}.pdf")
    pages = [page.extract_text() for page in reader.pages]
    contents = next(text for text in pages if text.lstrip().startswith("Contents"))
    listed = {
        line.split(" .")[0].strip(): int(line.split()[-1])
        for line in contents.splitlines()[1:]
        if line.split()[-1].isdigit()
    }
    first = next(i for i, text in enumerate(pages) if "Dear Comrade," in text)
    second = next(i for i, text in enumerate(pages) if text.lstrip().startswith("A second part"))
    colophon = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Colophon"))
    assert listed == {"Bureau": first + 1, "A second part": second + 1, "Colophon": colophon + 1}
    assert second % 2 == 0  # each part opens a right-hand page
    assert "Its own note." in pages[second]
    assert [item.title for item in reader.outline if "second" in item.title] == ["A second part"]


def test_characters_the_typefaces_lack_fail_the_build(work_copy: Path, tmp_path: Path) -> None:
    text = work_copy / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8").replace("Here it is in full.", "Here it is in full ✓ Ꭰ."), encoding="utf-8"
    )
    result = run_cli("build", str(work_copy), "--format", "pdf", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "[P003]" in result.stderr and "Ꭰ (U+13A0 CHEROKEE LETTER A)" in result.stderr and "✓" not in result.stderr
    assert not (tmp_path / f"{SLUG}.pdf").exists()


@pytest.fixture(scope="module")
def capital(built_shelf: Path) -> list[list[Piece]]:
    """Capital, chapter 1: 68 pages, 40 notes, some of them longer than half a page; its pieces
    of text, read once."""
    return pieces(built_shelf / "marx-1867-capital-v1-ch01-commodities.pdf")


def test_every_note_of_a_long_work_is_on_its_call_page(capital: list[list[Piece]]) -> None:
    """Read back: a call is set at 0.7 of the text size; a note opens with its label and a
    full stop, smaller than the text. Every call's note must open on the call's own page."""
    calls: dict[str, int] = {}
    opens: dict[str, list[int]] = {}
    for number, page in enumerate(capital):
        for piece in page:
            if 7.2 < piece.size < 7.5:
                calls.setdefault(piece.text, number)
            elif piece.size < 9 and piece.text.endswith(".") and " " not in piece.text:
                opens.setdefault(piece.text[:-1], []).append(number)
    assert len(calls) == 40
    astray = {
        label: (page + 1, [p + 1 for p in opens.get(label, [])])
        for label, page in calls.items()
        if page not in opens.get(label, [])
    }
    assert astray == {}, f"notes not on their call's page (call page, note pages): {astray}"


def test_greek_is_set_in_one_greek_face(capital: list[list[Piece]]) -> None:
    greek = {piece.face for page in capital for piece in page if any(0x1F00 <= ord(c) <= 0x1FFF for c in piece.text)}
    assert greek == {"GFS-Didot"}


def test_a_note_taller_than_a_page_runs_on_over_the_pages_it_needs(work_copy: Path, tmp_path: Path) -> None:
    """A note of 2,500 words (three A5 pages of notes) builds: it starts on its call's page and
    runs on at the foot of the next ones, every word of it in the PDF (P005 is only for a note
    that cannot start on its call's page at all)."""
    text = work_copy / "text.md"
    source = text.read_text(encoding="utf-8")
    text.write_text(
        source.replace("published in their press.", "published in their press. " + "A very long note indeed. " * 500),
        encoding="utf-8",
    )
    result = run_cli("build", str(work_copy), "--format", "pdf", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = [page.extract_text() for page in PdfReader(tmp_path / f"{work_copy.name}.pdf").pages]
    found, where = is_subsequence(
        dehyphenated_words("A very long note indeed. " * 500), dehyphenated_words("\n".join(pages))
    )
    assert found, where
    assert sum("indeed" in page for page in pages) >= 3
