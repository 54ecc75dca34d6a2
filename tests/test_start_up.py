"""What makes a build start and finish sooner without changing its files: the build command
loads no importer, WeasyPrint loads its libraries without a library search, and the PDF
writers check the fonts on the objects they write instead of reading the PDF back."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.editions import pdf, pdf_fonts
from builder.editions.weasyprint.typeset import write
from builder.errors import BuildError
from builder.source.loader import load_work
from tests.conftest import LETTER, ROOT


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_command_line_loads_neither_the_importer_nor_the_dictionary() -> None:
    result = _python(
        "import sys, builder.cli\n"
        "loaded = [m for m in ('httpx', 'spellchecker', 'ftfy', 'builder.importer.assemble', "
        "'builder.importer.fetch', 'builder.checks.foreign_words', 'weasyprint') if m in sys.modules]\n"
        "print(loaded)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_weasyprint_loads_its_libraries_without_searching_for_them() -> None:
    """A search runs ldconfig and a compiler once per name; the libraries still load. The
    writers are loaded as a build's fork server loads them: a writer that imported WeasyPrint
    before builder.editions.weasyprint would make every build search again."""
    result = _python(
        "import ctypes.util\n"
        "searched = []\n"
        "original = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: searched.append(name) or original(name)\n"
        "import builder.shelf.work, builder.source.loader\n"
        "from builder.editions.kinds import KINDS\n"
        "for kind in KINDS.values(): __import__(kind.module)\n"
        "from weasyprint.text.ffi import pango, harfbuzz, fontconfig, pangoft2\n"
        "print(searched, all(callable(f) for f in (pango.pango_layout_new, harfbuzz.hb_font_get_face, "
        "fontconfig.FcInitLoadConfigAndFonts, pangoft2.pango_ft2_font_map_new)))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True"


@pytest.fixture(scope="module")
def letter_written() -> tuple[set[str], bytes]:
    work = load_work(LETTER)
    fonts: set[str] = set()
    data = write(
        pdf.lay_out_pdf(work), work, "A5 PDF", finisher=pdf._finisher(work, False, fonts), **pdf.archival_options(work)
    )
    return fonts, data


def _face(base_font: str) -> str:
    return base_font.lstrip("/").split("+", 1)[-1]


def test_the_fonts_checked_are_the_fonts_read_back(letter_written: tuple[set[str], bytes]) -> None:
    fonts, data = letter_written
    read_back = {str(font.get("/BaseFont")) for font in pdf_fonts._fonts(PdfReader(io.BytesIO(data)))}
    assert read_back and {_face(name) for name in fonts} == {_face(name) for name in read_back}
    assert pdf_fonts.strays(fonts) == set() == pdf_fonts.stray_fonts(PdfReader(io.BytesIO(data)))


@pytest.mark.parametrize(
    "names, strays",
    [
        ({"/ABCDEF+Source-Serif-Pro-Regular"}, set()),
        ({"/ABCDEF+DejaVuSans", "/GHIJKL+Source-Serif-Pro-It"}, {"DejaVuSans"}),
        ({"/Source-Serif-Pro-Regular-Oblique"}, {"Source-Serif-Pro-Regular-Oblique"}),
    ],
)
def test_strays_are_faces_not_the_books_or_slanted_by_the_renderer(names: set[str], strays: set[str]) -> None:
    assert pdf_fonts.strays(names) == strays


def test_a_face_not_the_books_fails_the_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_fonts, "BOOK_FONTS", ("NoSuchFace",))
    with pytest.raises(BuildError) as raised:
        pdf.write_pdf(load_work(LETTER))
    assert raised.value.code == "P004" and "Source-Serif-Pro" in str(raised.value)


def test_the_pdf_writer_loads_no_pdf_reader() -> None:
    """pypdf reads PDFs back for the checks and the print cover; the book's writer needs none."""
    result = _python("import sys, builder.editions.pdf, builder.editions.epub\nprint('pypdf' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_command_ends_without_teardown_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """`python -m builder` (and the `folio` script) ends by os._exit after a build: its
    output is all there, its exit code the command's, and WeasyPrint's temporary font
    folders (removed by a finalizer of a cycle) are gone."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = os.environ | {"TMPDIR": str(temporary), "FOLIO_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "builder", "build", str(LETTER), "-f", "epub", "--force"]
    built = subprocess.run(
        [*command, "--out", str(tmp_path / "dist")], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.rstrip().endswith(f"1 of 1 work built, 2 files in {tmp_path / 'dist'}")
    assert list((tmp_path / "cache" / "covers").glob("*.png"))  # the cover was typeset: WeasyPrint ran
    assert list(temporary.iterdir()) == []
    failed = subprocess.run(
        [*command[:4], str(tmp_path / "none")], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert failed.returncode == 1
    assert "[S000]" in failed.stderr
