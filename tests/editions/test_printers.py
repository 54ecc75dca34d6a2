"""A printer's files: for each service (KDP, IngramSpark, Lulu, any printer taking PDF/X-4), an
interior and a cover as the service asks for them, read back by the printer's own checks
(builder/checks/printers.py), sized by the service's spine formula, refused below the pages
it prints, and the same bytes in another time zone and hash seed."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageCms

from builder.checks.printers import check_printer_pdf
from builder.editions import printer_cover, printer_interior, printers
from builder.editions.cover_sheet import Sheet
from builder.editions.kinds import KINDS, PRINTER, Variant
from builder.editions.papers import Paper
from builder.errors import BuildError
from builder.source.loader import load_work
from tests.conftest import EDITION_EPOCH, LETTER, ROOT, run_cli, run_here

pytestmark = pytest.mark.slow(25)  # a 34-page book laid out for four printers
IN = 72  # PDF points in an inch
TRIM = "us-trade"  # 6 × 9 in


def _long_letter(folder: Path) -> Path:
    """The letter's text eight times over, without its notes and ids: 34 pages of us-trade,
    over KDP's 24 and Lulu's 32."""
    work = folder / LETTER.name
    shutil.copytree(LETTER, work)
    text = (work / "text.md").read_text(encoding="utf-8")
    text = re.sub(r"^\[\^[^\]]+\]:.*(\n    .*)*\n?", "", text, flags=re.M)
    text = re.sub(r"\[\^[^\]]+\]|\{#[\w-]+\}", "", text)
    text = re.sub(r"\]\(#[\w-]+\)", "]", text)
    head, _, body = text.partition("\n\n")
    (work / "text.md").write_text(head + "\n\n" + "\n\n".join([body] * 8), encoding="utf-8")
    return work


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`folio build --printer` for every printer: the long letter's us-trade PDF, and each
    printer's interior and cover beside it."""
    folder = tmp_path_factory.mktemp("printers")
    work = _long_letter(folder)
    printers_chosen = [option for name in printers.PRINTERS for option in ("--printer", name)]
    result = run_cli(
        "build",
        str(work),
        "--format",
        "pdf",
        "--trim",
        TRIM,
        *printers_chosen,
        "--jobs",
        "1",
        "--out",
        str(folder / "dist"),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    return folder / "dist"


@pytest.fixture(scope="module")
def books(built: Path) -> dict[str, tuple[Path, Path]]:
    """Each printer's interior and cover, by printer, found by their kinds' file names."""
    interior, cover = (kind for kind in KINDS.values() if PRINTER in kind.options)
    slug = LETTER.name
    return {
        name: (
            built / interior.file_name(slug, Variant(trim=TRIM, printer=name)),
            built / cover.file_name(slug, Variant(trim=TRIM, printer=name)),
        )
        for name in printers.PRINTERS
    }


def test_folio_check_reads_each_printers_files_with_its_checks(
    built: Path, books: dict[str, tuple[Path, Path]]
) -> None:
    result = run_here("check", str(built))
    assert result.returncode == 0, result.stdout + result.stderr
    for interior, cover in books.values():
        assert f"{interior.name}  ok" in result.stdout and f"{cover.name}  ok" in result.stdout


@pytest.mark.parametrize("name", list(printers.PRINTERS))
def test_each_file_passes_its_printers_checks(books: dict[str, tuple[Path, Path]], name: str) -> None:
    interior, cover = books[name]
    assert check_printer_pdf(interior, name) == []
    assert check_printer_pdf(cover, name, interior) == []


@pytest.mark.parametrize("name", list(printers.PRINTERS))
def test_the_files_are_pdfx_in_grey_and_cmyk(books: dict[str, tuple[Path, Path]], name: str) -> None:
    interior, cover = books[name]
    with pikepdf.open(interior) as pdf:
        xmp = pdf.Root.Metadata.read_bytes()
        assert (b"PDF/X-1a:2003" if name == "ingram" else b"PDF/X-4") in xmp
        operators = {str(op) for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)}
        assert "g" in operators and not operators & {"rg", "RG", "k", "K"}
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX"
        if name != "ingram":
            assert intent.DestOutputProfile.N == 1  # grey
        assert "/Annots" not in pdf.pages[0].obj
        assert ("/Outlines" in pdf.Root) is (name != "kdp")
    with pikepdf.open(cover) as pdf:
        assert b"PDF/X-1a:2003" in pdf.Root.Metadata.read_bytes()
        operators = {str(op) for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)}
        assert "k" in operators and not operators & {"rg", "RG"}
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "CGATS TR 001"


def _pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def test_ingram_ends_on_a_blank_page_with_an_even_count(books: dict[str, tuple[Path, Path]]) -> None:
    generic, ingram = _pages(books["generic"][0]), _pages(books["ingram"][0])
    assert ingram % 2 == 0 and ingram in (generic + 1, generic + 2)
    with pikepdf.open(books["ingram"][0]) as pdf:
        assert pdf.pages[-1].Contents.read_bytes() == b""


@pytest.mark.parametrize(
    ("name", "spine_in"), [("kdp", lambda pages: pages * 0.002252), ("lulu", lambda pages: pages / 444 + 0.06)]
)
def test_the_cover_is_the_printers_spine_formula(
    books: dict[str, tuple[Path, Path]], name: str, spine_in: Callable[[int], float]
) -> None:
    interior, cover = books[name]
    pages = _pages(interior)
    with pikepdf.open(cover) as pdf:
        box = [float(v) for v in pdf.pages[0].TrimBox]
    assert abs((box[2] - box[0]) - (2 * 6 + spine_in(pages + pages % 2)) * IN) < 0.05
    assert abs((box[3] - box[1]) - 9 * IN) < 0.05


def test_spine_text_only_from_the_page_count_the_printer_allows() -> None:
    fat = Paper("board", 0.3)  # a spine wide enough for text at any count here
    assert not Sheet(152.4, 228.6, 78, fat, spine_text_from=80).spine_text
    assert Sheet(152.4, 228.6, 80, fat, spine_text_from=80).spine_text
    kdp = printers.PRINTERS["kdp"]
    assert kdp.spine_text_from_pages == 80 and kdp.min_pages == 24


def test_a_book_under_the_printers_minimum_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    with pytest.raises(BuildError) as raised:
        printers.write_interior(load_work(LETTER), TRIM, "kdp")
    assert raised.value.code == "P061" and "24 pages or more" in str(raised.value)


def test_the_checks_catch_what_a_printer_refuses(books: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """An Ingram interior that lost its blank pages, a KDP one given bookmarks back, and a
    KDP cover taken for Lulu's are caught."""
    with pikepdf.open(books["ingram"][0]) as pdf:
        del pdf.pages[-1]
        pdf.save(tmp_path / "ingram.pdf")
    assert {finding.code for finding in check_printer_pdf(tmp_path / "ingram.pdf", "ingram")} == {"P066"}
    with pikepdf.open(books["kdp"][0]) as pdf:
        with pdf.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Contents", 0))
        pdf.save(tmp_path / "kdp.pdf")
    assert {finding.code for finding in check_printer_pdf(tmp_path / "kdp.pdf", "kdp")} == {"P067"}
    assert {finding.code for finding in check_printer_pdf(books["kdp"][1], "lulu", books["lulu"][0])} == {
        "P068"
    }  # a KDP cover is no Lulu cover


def test_the_same_bytes_in_another_time_zone_and_hash_seed(books: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    """Built alone, in another process, time zone and hash seed, the last printer's files are
    the bytes the build made them after three other printers' (from the one layout)."""
    script = (
        "import sys; from pathlib import Path; from builder.source.loader "
        "import load_work; from builder.editions import printers\n"
        "work = load_work(Path(sys.argv[1])); interior = printers.write_interior(work, 'us-trade', 'generic')\n"
        "Path(sys.argv[2]).write_bytes(interior); "
        "Path(sys.argv[3]).write_bytes(printers.write_cover(work, interior, 'white', 'generic'))\n"
    )
    work = books["generic"][0].parent.parent / LETTER.name
    env = os.environ | {
        "TZ": "Pacific/Auckland",
        "PYTHONHASHSEED": "7",
        "SOURCE_DATE_EPOCH": EDITION_EPOCH,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(work), str(tmp_path / "i.pdf"), str(tmp_path / "c.pdf")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "i.pdf").read_bytes() == books["generic"][0].read_bytes()
    assert (tmp_path / "c.pdf").read_bytes() == books["generic"][1].read_bytes()


def test_the_printers_kinds_take_a_printer_and_the_cover_needs_the_interior() -> None:
    assert KINDS[printer_interior.KIND.name] == replace(printer_interior.KIND, module=printer_interior.__name__)
    assert printer_cover.KIND.needs == printer_interior.KIND.name
    assert all(PRINTER in kind.options for kind in (printer_interior.KIND, printer_cover.KIND))
    names = {
        kind.file_name("x", Variant(trim=TRIM, printer=name))
        for kind in (printer_interior.KIND, printer_cover.KIND)
        for name in printers.PRINTERS
    }
    assert len(names) == 2 * len(printers.PRINTERS) and all(f"-{TRIM}-" in name for name in names)


def test_the_grey_profile_is_a_monochrome_printer_profile() -> None:
    data = printers.grey_profile()
    profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    assert (profile.profile.device_class, profile.profile.xcolor_space.strip()) == ("prtr", "GRAY")
    to_screen = ImageCms.buildTransform(profile, ImageCms.createProfile("sRGB"), "L", "RGB")
    mid = ImageCms.applyTransform(Image.new("L", (1, 1), 128), to_screen).getpixel((0, 0))
    black, white = (ImageCms.applyTransform(Image.new("L", (1, 1), v), to_screen).getpixel((0, 0)) for v in (0, 255))
    assert black[0] < mid[0] < white[0]
    assert data == printers.grey_profile()
