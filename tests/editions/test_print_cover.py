"""The print cover, read back: a sheet sized from the interior's trim and page count and the
paper, with bleed, crop marks, spine text only where it fits, fonts embedded, one colour
space, no soft transparency; and every PDF validated as PDF/UA-1 and PDF/A-2u, works with
images (JPEG, PNG with transparency) among them."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from builder.checks.validators import check_pdf, check_print_cover, conformance
from builder.editions.print_cover import sheet_for, typeset_cover
from builder.source.loader import load_work
from tests.conftest import CORPUS, EDITION_EPOCH, LETTER, SLUG, run_cli

MM = 72 / 25.4
TRIMS_MM = {"a5": (148.0, 210.0), "us-trade": (152.4, 228.6)}
PER_PAGE_MM = {"white": 0.0572, "cream": 0.0635}  # KDP: 0.002252 in and 0.0025 in
GROUND = (0x6E, 0x1F, 0x1F)  # the cover's colour, styles/cover.css


def build(dist: Path, *args: str, env: dict | None = None) -> Path:
    result = run_cli(
        "build",
        str(LETTER),
        "--format",
        "pdf",
        "--cover",
        "--out",
        str(dist),
        *args,
        env=(env or os.environ) | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return dist


@pytest.fixture(scope="module")
def white(letter_in_every_trim: Path) -> Path:
    return letter_in_every_trim  # every trim, each with its cover for white paper


@pytest.fixture(scope="module")
def cream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("cream"), "--trim", "us-trade", "--paper", "cream")


def box_mm(page, name: str) -> list[float]:
    return [round(float(value) / MM, 2) for value in getattr(page, name)]


def cover_and_interior(dist: Path, trim: str) -> tuple[Path, Path]:
    infix = "" if trim == "a5" else f"-{trim}"
    return dist / f"{SLUG}{infix}-cover.pdf", dist / f"{SLUG}{infix}.pdf"


@pytest.mark.parametrize(("paper", "trim"), [("white", "a5"), ("white", "us-trade"), ("cream", "us-trade")])
def test_the_sheet_is_sized_from_the_book_and_the_paper(paper: str, trim: str, request: pytest.FixtureRequest) -> None:
    cover, interior = cover_and_interior(request.getfixturevalue(paper), trim)
    pages = len(PdfReader(interior).pages)
    even = pages + pages % 2
    width, height = TRIMS_MM[trim]
    spine = even * PER_PAGE_MM[paper]
    (page,) = PdfReader(cover).pages
    assert box_mm(page, "trimbox") == pytest.approx([0, 0, 2 * width + spine, height], abs=0.02)
    assert box_mm(page, "bleedbox") == pytest.approx([-3, -3, 2 * width + spine + 3, height + 3], abs=0.02)
    media = box_mm(page, "mediabox")
    assert (
        media[0] < -6 and media[1] < -6 and media[2] > 2 * width + spine + 6
    )  # room for the crop marks, clear of the bleed


def test_check_finds_a_cover_that_does_not_fit_its_interior(white: Path, tmp_path: Path) -> None:
    (tmp_path / f"{SLUG}.pdf").write_bytes((white / f"{SLUG}.pdf").read_bytes())
    (tmp_path / f"{SLUG}-cover.pdf").write_bytes((white / f"{SLUG}-us-trade-cover.pdf").read_bytes())
    findings = check_print_cover(tmp_path / f"{SLUG}-cover.pdf")
    assert [f.code for f in findings] == ["P033"]
    assert (
        "not sized for the 8-page interior beside it (296.46 × 210 mm on white paper or 296.51 × 210 mm on cream paper)"
        in findings[0].message
    )


def test_covers_are_in_the_release_files(white: Path) -> None:
    manifest = json.loads((white / "manifest.json").read_text(encoding="utf-8"))
    names = {entry["name"] for entry in manifest["works"][SLUG]["files"]}
    assert {f"{SLUG}-cover.pdf", f"{SLUG}-us-trade-cover.pdf"} <= names
    sums = (white / "SHA256SUMS").read_text(encoding="ascii")
    assert f"  {SLUG}-cover.pdf\n" in sums and f"  {SLUG}-us-trade-cover.pdf\n" in sums


def test_a_rebuild_is_byte_identical(white: Path, tmp_path: Path) -> None:
    again = build(tmp_path, "--trim", "a5", env=os.environ | {"TZ": "America/Adak", "PYTHONHASHSEED": "4242"})
    assert (again / f"{SLUG}-cover.pdf").read_bytes() == (white / f"{SLUG}-cover.pdf").read_bytes()


def rotated_text(page) -> list[tuple[float, str]]:
    """(x in mm, text) of each piece of text set turned a quarter: the spine's."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip() and abs(cm[1]) > 0.5:
            found.append(((tm[4] * cm[0] + tm[5] * cm[2] + cm[4]) / MM, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def test_spine_text_only_from_the_threshold(tmp_path: Path) -> None:
    """The spine holds 8 pt type with 1.6 mm either side from 6.02 mm: 106 pages of white paper, 96 of cream."""
    work = load_work(LETTER)
    below, at = sheet_for(104, TRIMS_MM["a5"], "white"), sheet_for(105, TRIMS_MM["a5"], "white")
    assert (below.pages, at.pages) == (104, 106)  # an odd count is made even
    assert not below.spine_text and at.spine_text
    assert sheet_for(96, TRIMS_MM["a5"], "cream").spine_text and not sheet_for(94, TRIMS_MM["a5"], "cream").spine_text
    for sheet in (below, at):
        (page,) = PdfReader(_write(tmp_path / f"{sheet.pages}.pdf", typeset_cover(work, sheet))).pages
        spine = rotated_text(page)
        if sheet is below:
            assert spine == []
            continue
        text = " ".join(piece for _, piece in spine)
        assert "Huysmans" in text and re.search("Lenin|LENIN|Lenin", text, re.IGNORECASE), text
        left, right = 148 + 1.6, 148 + sheet.spine - 1.6
        assert all(left - 0.5 <= x <= right + 0.5 for x, _ in spine), (spine, left, right)  # inside the spine's margins


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_cover_reads_back_clean(white: Path) -> None:
    """Fonts embedded and the book's own, metadata, tags; PDF/UA-1 and PDF/A-2u in page-validation."""
    for trim in TRIMS_MM:
        cover, _ = cover_and_interior(white, trim)
        assert [
            str(f) for f in check_pdf(cover, expect_text=["Lenin’s letter of March 1912", "Lenin Internet Archive"])
        ] == []


def test_one_colour_space_and_no_soft_transparency(white: Path) -> None:
    reader = PdfReader(white / f"{SLUG}-cover.pdf")
    (intent,) = reader.root_object["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1" and "sRGB" in str(
        intent.get_object()["/OutputConditionIdentifier"]
    )
    page = reader.pages[0]
    for state in page["/Resources"].get("/ExtGState", {}).values():
        state = state.get_object()
        assert state.get("/ca", 1) == 1 and state.get("/CA", 1) == 1 and "/SMask" not in state
    content = page.get_contents().get_data()
    assert not re.search(
        rb"\s(k|K|cs|CS|sc|SC|scn|SCN)\s", content
    )  # colours only as RGB (rg, RG), under the sRGB intent


def test_the_cover_as_an_image(white: Path) -> None:
    """Back, spine and front on the ground colour, out to the bleed; a white slug beyond it;
    the barcode area white, at the foot of the back by the spine."""
    cover = white / f"{SLUG}-cover.pdf"
    document = pypdfium2.PdfDocument(cover)
    dpi = 50
    image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    document.close()
    (page,) = PdfReader(cover).pages
    origin_x, origin_y = -box_mm(page, "mediabox")[0], box_mm(page, "mediabox")[3]  # mm from the sheet's left and top

    def at(x_mm: float, y_mm: float) -> tuple[int, int, int]:  # x from the trim's left, y from its top
        return image.getpixel((round((x_mm + origin_x) * dpi / 25.4), round((y_mm + origin_y - 210) * dpi / 25.4)))

    spine = box_mm(page, "trimbox")[2] - 2 * 148
    for x, y in [(20, 20), (148 + spine / 2, 100), (2 * 148 + spine - 5, 200), (-2, -2), (2 * 148 + spine + 2, 212)]:
        assert at(x, y) == pytest.approx(GROUND, abs=3), (x, y)
    assert at(-8, 100) == (255, 255, 255)  # beyond the bleed
    assert at(148 - 6.35 - 25, 210 - 6.35 - 15) == (255, 255, 255)  # the barcode area
    assert at(148 - 6.35 - 55, 210 - 6.35 - 15) == pytest.approx(GROUND, abs=3)


def test_a_cover_comes_with_its_interior(tmp_path: Path) -> None:
    result = run_cli("build", str(LETTER), "--format", "epub", "--cover", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [f"{SLUG}-cover.pdf", f"{SLUG}.pdf"]


def test_an_unknown_paper_is_refused(tmp_path: Path) -> None:
    result = run_cli("build", str(LETTER), "--cover", "--paper", "vellum", "--out", str(tmp_path))
    assert result.returncode != 0 and "'vellum' is not a paper; choose from white, cream" in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_validator_catches_a_false_claim(pdf_path: Path, tmp_path: Path) -> None:
    """The same file claiming another part of PDF/A or PDF/UA fails PDF/A-2u or PDF/UA-1."""
    data = pdf_path.read_bytes()
    assert conformance(pdf_path) == []
    wrong_part = _write(tmp_path / "part.pdf", data.replace(b'pdfaid:part="2"', b'pdfaid:part="3"'))
    assert {f.code for f in conformance(wrong_part)} == {"P031"}
    wrong_ua = _write(tmp_path / "ua.pdf", data.replace(b'pdfuaid:part="1"', b'pdfuaid:part="2"'))
    assert "P030" in {f.code for f in conformance(wrong_ua)}
    assert [f.code for f in conformance(_write(tmp_path / "junk.pdf", b"%PDF-1.7 not a PDF"))] == ["P032"]


def test_the_xmp_claims_both_and_its_ids_are_not_random(pdf_path: Path, white: Path) -> None:
    xmp = PdfReader(pdf_path).root_object["/Metadata"].get_object()
    assert "/Filter" not in xmp
    text = xmp.get_data().decode()
    assert 'pdfaid:part="2"' in text and 'pdfaid:conformance="U"' in text and 'pdfuaid:part="1"' in text
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in text
    ids = re.findall(r"<xmpMM:DocumentID>(uuid:[0-9a-f-]{36})</xmpMM:DocumentID>", text)
    cover_ids = re.findall(
        r"<xmpMM:DocumentID>(uuid:[0-9a-f-]{36})</xmpMM:DocumentID>",
        PdfReader(white / f"{SLUG}-cover.pdf").root_object["/Metadata"].get_object().get_data().decode(),
    )
    assert (
        len(ids) == 1 and len(cover_ids) == 1 and ids != cover_ids
    )  # one per document, from its identifier and content


def test_the_archival_fix_refuses_another_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    from builder.editions.weasyprint import pdfa_ua as weasyprint_pdfa_ua

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match="#2783"):
        weasyprint_pdfa_ua.apply()


def test_a_stream_ending_in_a_carriage_return_keeps_its_length() -> None:
    """pydyf ends every stream with LF: data ending in CR would read as ending in CR LF, one byte short."""
    import pydyf

    from builder.editions.weasyprint import pdfa_ua as weasyprint_pdfa_ua

    weasyprint_pdfa_ua.apply()
    assert pydyf.Stream([b"0 0 m\r"]).data.endswith(b"/Length 6>>\nstream\n0 0 m\r\r\nendstream")
    assert pydyf.Stream([b"0 0 m"]).data.endswith(b"/Length 5>>\nstream\n0 0 m\nendstream")


def test_a_long_title_is_set_smaller_clear_of_the_year(work_copy: Path, tmp_path: Path) -> None:
    toml = work_copy / "work.toml"
    long_title = (
        "A Letter to Huysmans, Secretary of the International Socialist Bureau, Concerning the Protests "
        "of the Groups Abroad Against the Prague Conference and the Liquidators Who Would Undo It All Again"
    )
    toml.write_text(
        re.sub(
            r"(?m)^short-title = .*\n",
            "",
            re.sub(r"(?m)^title = .*$", f'title = "{long_title}"', toml.read_text(encoding="utf-8")),
        ),
        encoding="utf-8",
    )
    (page,) = PdfReader(
        _write(tmp_path / "cover.pdf", typeset_cover(load_work(work_copy), sheet_for(8, TRIMS_MM["a5"])))
    ).pages
    front: list[tuple[float, float, str]] = []  # (baseline from the foot in mm, size in pt, text) on the front panel

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip() and tm[4] * cm[0] + cm[4] > 149 * MM:
            front.append(((tm[5] * cm[3] + cm[5]) / MM, size * tm[3] * cm[3], text.strip()))

    page.extract_text(visitor_text=visit)
    year = next(y for y, _, text in front if text == "1912")
    title = [(y, size) for y, size, text in front if text != "1912" and "Lenin" not in text.title()]
    assert "Again" in " ".join(text for *_, text in front)  # the whole title is there
    lowest, size = min(title)
    assert lowest - size / MM > year + 5, (lowest, year)  # its last line stands clear above the year


# -- works with images ---------------------------------------------------------------------------

MANIFESTO = CORPUS / "books" / "marx" / "works" / "1848" / "communist-manifesto" / "index.htm"


def _letter_with_images(folder: Path) -> Path:
    """The letter with a JPEG and a PNG with transparency (drawn as an image and a soft mask)."""
    from PIL import Image, ImageDraw

    work = folder / SLUG
    shutil.copytree(LETTER, work)
    photo = Image.new("RGB", (900, 600), (180, 170, 150))
    ImageDraw.Draw(photo).ellipse((200, 100, 700, 500), fill=(90, 40, 30))
    photo.save(work / "photo.jpg", quality=80)
    mark = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(mark).rectangle((100, 100, 500, 500), fill=(20, 60, 120, 200))
    mark.save(work / "mark.png")
    text = work / "text.md"
    text.write_text(
        text.read_text(encoding="utf-8")
        + "\n\n![a brown disc on a grey ground](photo.jpg)\n\n![a translucent blue square](mark.png)\n",
        encoding="utf-8",
    )
    return work


@pytest.fixture(scope="module")
def with_images(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Manifesto, imported as a book from the corpus (one JPEG), and the letter with a JPEG
    and a PNG, built to PDF in two trims by the command line."""
    sources = tmp_path_factory.mktemp("image-sources")
    result = run_cli("import", str(MANIFESTO), "--into", str(sources), "--slug", "manifesto")
    assert result.returncode == 0, result.stderr
    dist = tmp_path_factory.mktemp("images")
    result = run_cli(
        "build",
        str(sources / "manifesto"),
        str(_letter_with_images(sources)),
        "--format",
        "pdf",
        "--trim",
        "a5",
        "--trim",
        "letter",
        "--out",
        str(dist),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return dist


def _images(pdf: Path) -> list[dict]:
    """Every image XObject of a PDF (soft masks included), once each."""
    reader = PdfReader(pdf)
    found: dict[int, dict] = {}
    for page in reader.pages:
        for reference in (page["/Resources"].get("/XObject") or {}).values():
            image = reference.get_object()
            if image.get("/Subtype") == "/Image":
                found[reference.idnum] = image
                if "/SMask" in image:
                    found[image.raw_get("/SMask").idnum] = image["/SMask"].get_object()
    return list(found.values())


@pytest.mark.slow(15)  # the module's builds, the Manifesto's among them
@pytest.mark.parametrize("name", ["manifesto.pdf", "manifesto-letter.pdf", f"{SLUG}.pdf", f"{SLUG}-letter.pdf"])
def test_a_pdf_with_images_is_pdf_ua_and_pdf_a(with_images: Path, name: str) -> None:
    pdf = with_images / name
    images = _images(pdf)
    masks = [image for image in images if image.get("/ColorSpace") == "/DeviceGray"]
    assert len(images) == (1 if name.startswith("manifesto") else 3) and len(masks) == (
        0 if name.startswith("manifesto") else 1
    )
    assert [image.get("/Interpolate") for image in images] == [False] * len(images)  # PDF/A-2 6.2.8
    assert [str(finding) for finding in conformance(pdf)] == []


@pytest.mark.parametrize(
    ("rights", "printed"),
    [
        ('status = "unstated"', "No licence stated."),
        (
            'status = "licensed"\n\n[rights.licence]\nname = "CC BY-SA 4.0"\nurl = "https://creativecommons.org/licenses/by-sa/4.0/"',
            "CC BY-SA 4.0.",
        ),
    ],
    ids=["unstated", "licensed"],
)
def test_the_back_says_the_rights_of_any_work(work_copy: Path, tmp_path: Path, rights: str, printed: str) -> None:
    """Every status a source may give (an import of a book often says "unstated"), in words."""
    toml = work_copy / "work.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("[rights]\n")
    end = text.find("\n[", start + 1)
    toml.write_text(text[:start] + f"[rights]\n{rights}\n" + (text[end:] if end != -1 else ""), encoding="utf-8")
    (page,) = PdfReader(
        _write(tmp_path / "cover.pdf", typeset_cover(load_work(work_copy), sheet_for(104, TRIMS_MM["a5"], "white")))
    ).pages
    assert printed in " ".join(page.extract_text().split())
