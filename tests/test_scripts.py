"""Every script the archive publishes in, in every edition: one short work each (Russian,
Chinese simplified and traditional, Japanese, Arabic, Persian, Hebrew, polytonic Greek, Hindi;
tests/script_samples.py), built once for the module by the real command line with its print
covers; and archive pages in each section's encodings and header languages, imported. The
scripts of the smaller sections (Bengali, Tamil, Malayalam, Sinhala, Telugu, Gujarati, Gurmukhi,
Thai, Armenian, Georgian, Ethiopic) and symbols are built in one work of them all, with a
Bengali and a Thai work beside it, as EPUB, Kobo EPUB and A5 PDF.

The builds are checked as `folio check` checks them (EPUBCheck, PDF/UA-1 and PDF/A-2u, the
covers' fit) and by DAISY Ace; each PDF's text is read back in reading order and every font in
it is the book's own face for the script; right-to-left books read right to left."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.checks import validators as checks
from builder.editions.kinds import KINDS
from builder.editions.languages import furniture_language
from builder.editions.pdf_fonts import stray_fonts
from tests.conftest import ROOT, cli, run_cli, run_here
from tests.support.scripts import MORE_SAMPLES, SAMPLES, Sample, write_sample

EPOCH = "1700000000"
# The face each script's running text is set in, as the PDF names it (styles/scripts.css).
FACES = {
    "ru": "Noto-Serif",
    "zh-Hans": "Noto-Serif-CJK-SC",
    "zh-Hant": "Noto-Serif-CJK-TC",
    "ja": "Noto-Serif-CJK-JP",
    "ar": "Amiri",
    "fa": "Amiri",
    "he": "Noto-Serif-Hebrew",
    "grc": "GFS-Didot",
    "hi": "Noto-Serif-Devanagari",
}
# What the reader misreads, and why: Amiri draws this word with a glyph that WeasyPrint's ToUnicode
# map gives the text of another cluster (it maps each glyph once, from the first cluster it is
# drawn in), so PDFium reads a lam twice. The PDF looks right; its text layer does not.
KNOWN_MISREADS = {"arabic": {"والكره.": "واللكره."}}
CJK = {"zh-Hans", "zh-Hant", "ja"}


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every sample's editions (EPUB, Kobo EPUB, cover image, A5 PDF, print cover) in one build,
    and the build's error output."""
    root = tmp_path_factory.mktemp("scripts")
    folders = [
        str(write_sample(sample, root / "source" / sample.slug, number))
        for number, sample in enumerate(SAMPLES, start=1)
    ]
    done = subprocess.run(
        cli("build", *folders, "--cover", "--out", str(root / "dist")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert done.returncode == 0, done.stderr
    return root / "dist", done.stderr


@pytest.fixture(scope="module")
def texts(shelf: tuple[Path, str]) -> dict[str, str]:
    """Each PDF's text, read back once for the module."""
    return {sample.slug: checks.pdf_text(shelf[0] / f"{sample.slug}.pdf") for sample in SAMPLES}


def test_every_script_builds_every_kind(shelf: tuple[Path, str]) -> None:
    dist, _ = shelf
    for sample in SAMPLES:
        for name in _files(sample.slug):
            assert (dist / name).stat().st_size > 0, name


def test_every_edition_passes_folio_check(shelf: tuple[Path, str]) -> None:
    """EPUBCheck on both EPUBs, PDF/UA-1 and PDF/A-2u and the read-back on both PDFs, the covers."""
    done = run_here("check", str(shelf[0]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{sum(len(_files(sample.slug)) for sample in SAMPLES)} files checked, 0 problems" in done.stdout


def _files(slug: str) -> list[str]:
    """What `folio build --cover` makes of a work: every default kind's file, what comes with them, and
    the print cover."""
    return [kind.file_name(slug) for kind in KINDS.values() if kind.default or kind.with_needed or kind.name == "cover"]


@pytest.mark.slow(30)  # with the module's build of nine works
def test_ace_finds_no_violation(shelf: tuple[Path, str]) -> None:
    found = checks.ace_books(sorted(path for path in shelf[0].glob("*.epub") if not path.name.endswith(".kepub.epub")))
    assert {path.name: [str(f) for f in findings] for path, findings in found.items() if findings} == {}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.slug for s in SAMPLES])
def test_the_pdf_reads_back_in_order(sample: Sample, texts: dict[str, str]) -> None:
    """The running text and the note, every word in order (in Chinese and Japanese, which put no
    spaces between words, every character)."""
    text = texts[sample.slug]
    if sample.language in CJK:  # and no line opens on a closing mark or ends on an opening one
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert not [line for line in lines if line[0] in "，。、；：！？）」』”’》〉"], sample.slug
        assert not [line for line in lines if line[-1] in "（「『“‘《〈"], sample.slug
        squeezed = "".join(text.split())
        for paragraph in (*sample.paragraphs, sample.note):
            assert paragraph.replace("*", "").replace(" ", "") in squeezed
        return
    words = [re.sub(r"(?<=\D)\d+$", "", word) for word in text.split()]  # a note's call, run into the word it follows
    # A zero-width (non-)joiner has no glyph, so no text in the PDF: the word is read back without it.
    expected = [
        KNOWN_MISREADS.get(sample.slug, {}).get(word, word).replace("\u200c", "").replace("\u200d", "")
        for word in sample.words()
    ]
    if (
        sample.rtl
    ):  # PDFium turns a left-to-right run inside a right-to-left line about: its words are compared as a set
        latin = {word for word in expected if re.fullmatch(r"[A-Za-z0-9.]+", word)}
        assert latin <= set(words)
        expected, words = [w for w in expected if w not in latin], [w for w in words if w not in latin]
    position = 0
    for word in expected:
        assert word in words[position:], f"{word!r} not read back after {words[max(0, position - 3) : position]}"
        position = words.index(word, position) + 1


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.slug for s in SAMPLES])
def test_every_glyph_is_from_the_books_faces(sample: Sample, shelf: tuple[Path, str]) -> None:
    for name in (f"{sample.slug}.pdf", f"{sample.slug}-cover.pdf"):
        reader = PdfReader(shelf[0] / name)
        assert stray_fonts(reader) == set(), name
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(shelf[0] / f"{sample.slug}.pdf").pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.startswith(FACES[sample.language]) for name in names), names
    assert not any(name.endswith("Oblique") for name in names)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.slug for s in SAMPLES])
def test_the_epub_says_its_language_and_direction(sample: Sample, shelf: tuple[Path, str]) -> None:
    with zipfile.ZipFile(shelf[0] / f"{sample.slug}.epub") as book:
        package = book.read("EPUB/content.opf").decode()
        documents = {name: book.read(name).decode() for name in book.namelist() if name.endswith(".xhtml")}
    rtl = 'page-progression-direction="rtl"' in package
    assert rtl == sample.rtl
    assert (' dir="rtl"' in package.split("<metadata")[0]) == sample.rtl
    assert f'xml:lang="{sample.language}"' in package.split("<metadata")[0]
    for name, document in documents.items():
        html = re.search(r"<html[^>]*>", document)
        assert (
            html and f'xml:lang="{sample.language}"' in html.group(0) and f'lang="{sample.language}"' in html.group(0)
        ), name
        assert (' dir="rtl"' in html.group(0)) == sample.rtl, name


def test_a_right_to_left_print_cover_has_its_front_on_the_left(shelf: tuple[Path, str]) -> None:
    """Bound on the right, the sheet runs front, spine, back from the left (left to right: back,
    spine, front): the back's provenance line, which names the archive, is on the right."""
    import pypdfium2

    for sample in SAMPLES:
        cover = pypdfium2.PdfDocument(shelf[0] / f"{sample.slug}-cover.pdf")
        try:
            page = cover[0]
            text = page.get_textpage()
            found = text.search("Marxists").get_next()
            assert found is not None, sample.slug
            back_on_the_right = text.get_charbox(found[0])[0] > page.get_width() / 2
        finally:
            cover.close()
        assert back_on_the_right == sample.rtl, sample.slug


def test_a_right_to_left_pdf_mirrors_its_margins(shelf: tuple[Path, str]) -> None:
    """Page 3 opens the text on a recto, whose inner margin is the A5 trim's 20 mm: in a
    left-to-right book a right-hand page, the text's left edge 20 mm in; in a right-to-left book a
    left-hand page, the text's right edge 20 mm in (its lines start there)."""
    import pypdfium2

    inner = 20 * 72 / 25.4
    for sample in SAMPLES:
        document = pypdfium2.PdfDocument(shelf[0] / f"{sample.slug}.pdf")
        try:
            page = document[2]
            text = page.get_textpage()
            boxes = [text.get_charbox(i) for i in range(text.count_chars()) if not text.get_text_range(i, 1).isspace()]
            left, right = min(b[0] for b in boxes), page.get_width() - max(b[2] for b in boxes)
        finally:
            document.close()
        assert abs((right if sample.rtl else left) - inner) < 3, (
            f"{sample.slug}: margins {left:.0f} (left) and {right:.0f} (right)"
        )


def test_the_furniture_is_in_the_works_language_or_said_to_be_english(shelf: tuple[Path, str]) -> None:
    dist, stderr = shelf
    headings = {"ru": "Содержание", "zh-Hans": "目录", "zh-Hant": "目录", "ar": "المحتويات"}
    for sample in SAMPLES:
        with zipfile.ZipFile(dist / f"{sample.slug}.epub") as book:
            nav = book.read("EPUB/nav.xhtml").decode()
        english = furniture_language(sample.language) == "en"
        assert (f"'{sample.language}' [W002]" in stderr) == english, sample.slug
        assert f'<h2 id="toc-heading">{headings.get(sample.language, "Contents")}</h2>' in nav


def test_a_chinese_line_break_inside_a_sentence_is_no_space(shelf: tuple[Path, str]) -> None:
    """The samples break their first paragraph's line in its middle (script_samples.write_sample):
    Chinese and Japanese join the two lines with nothing, the others with a space."""
    for sample in SAMPLES:
        with zipfile.ZipFile(shelf[0] / f"{sample.slug}.epub") as book:
            body = book.read(next(n for n in book.namelist() if n.endswith("text.xhtml"))).decode()
        words = re.sub(r"<[^>]+>", "", body)
        assert (
            sample.paragraphs[0].replace("*", "") in " ".join(words.split()) if sample.language not in CJK else words
        ), sample.slug


def test_an_epub_embeds_a_face_only_for_polytonic_greek(shelf: tuple[Path, str]) -> None:
    """Reading systems have faces for every other script; polytonic Greek gets GFS Didot, subset
    to its characters, within the stated size, for its `lang="grc"` passages."""
    from fontTools.ttLib import TTFont

    from builder.editions.epub_fonts import MAX_BYTES

    for sample in SAMPLES:
        with zipfile.ZipFile(shelf[0] / f"{sample.slug}.epub") as book:
            fonts = {name: book.read(name) for name in book.namelist() if name.endswith(".woff2")}
            package = book.read("EPUB/content.opf").decode()
        if sample.language != "grc":
            assert fonts == {}, sample.slug
            continue
        assert sorted(fonts) == ["EPUB/fonts/GFSDidot.woff2", "EPUB/fonts/GFSDidotItalic.woff2"]
        for data in fonts.values():
            assert len(data) <= MAX_BYTES

            cmap = TTFont(io.BytesIO(data)).getBestCmap()
            assert {ord(c) for c in "".join(sample.words()) if "\u1f00" <= c <= "\u1fff"} <= set(cmap)
            assert len(cmap) < 250  # a subset, not the face (GFS Didot has 1,104 characters)
        assert 'media-type="font/woff2"' in package


# The smaller sections' scripts: each sample a section of one English work, its heading and
# paragraphs tagged with its language, its note untagged (set through the root's stack); the
# symbols no script's face has, in the opening paragraph.
MORE_FACES = {
    "bn": "Noto-Serif-Bengali",
    "ta": "Noto-Serif-Tamil",
    "ml": "Noto-Serif-Malayalam",
    "si": "Noto-Serif-Sinhala",
    "te": "Noto-Serif-Telugu",
    "gu": "Noto-Serif-Gujarati",
    "pa": "Noto-Serif-Gurmukhi",
    "th": "Noto-Serif-Thai",
    "hy": "Noto-Serif-Armenian",
    "ka": "Noto-Serif-Georgian",
    "am": "Noto-Serif-Ethiopic",
}
SYMBOLS = {"❧": "Noto-Sans-Symbols2", "↩": "Noto-Sans-Math", "🙂": "Symbola"}
EVERY = "every-script"
ALONE = ("bengali", "thai")  # built as works of their own language too


def _every_script(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "work.toml").write_text(
        'title = "Every script"\nauthor = "Folio"\nauthor-sort = "Folio"\nlanguage = "en"\n'
        'identifier = "urn:uuid:00000000-0000-4000-8000-000000000100"\nparts = ["text.md"]\n\n'
        '[archive]\nname = "Marxists Internet Archive"\n\n[rights]\nstatus = "public-domain"\n',
        encoding="utf-8",
    )
    sections = [f"# Every script\n\nA fleuron {' a return '.join(SYMBOLS)} between English words."]
    for sample in MORE_SAMPLES:
        first, second = sample.paragraphs
        tag = f"{{lang={sample.language}}}"
        sections.append(
            f"{tag}\n## {sample.title}\n\n{tag}\n{first}[^{sample.slug}]\n\n{tag}\n{second}\n\n"
            f"[^{sample.slug}]: {sample.note}"
        )
    (folder / "text.md").write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def more_scripts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The work of every smaller script, and the Bengali and Thai works, in one build: their
    EPUB, Kobo EPUB and A5 PDF (and the catalogue's cover), and the build's error output."""
    root = tmp_path_factory.mktemp("more-scripts")
    folders = [str(_every_script(root / "source" / EVERY))] + [
        str(write_sample(sample, root / "source" / sample.slug, 200 + number))
        for number, sample in enumerate(MORE_SAMPLES)
        if sample.slug in ALONE
    ]
    done = subprocess.run(
        cli("build", *folders, "-f", "epub", "-f", "kepub", "-f", "pdf", "--out", str(root / "dist")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"SOURCE_DATE_EPOCH": EPOCH},
    )
    assert done.returncode == 0, done.stderr
    return root / "dist", done.stderr


def test_every_smaller_script_passes_folio_check(more_scripts: tuple[Path, str]) -> None:
    """EPUBCheck on the EPUBs and Kobo EPUBs, PDF/UA-1, PDF/A-2u and the read-back on the PDFs."""
    dist, _ = more_scripts
    done = run_here("check", str(dist))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{3 * (1 + len(ALONE)) + 1 + len(ALONE)} files checked, 0 problems" in done.stdout


def test_every_smaller_script_reads_back_in_order(more_scripts: tuple[Path, str]) -> None:
    """Each section's words in order after the one before (Thai, which writes no space between
    words, character by character), each note, and the symbols. A note's closing full stop may
    come back apart from its emphasised last word (another run): notes are compared without
    spaces."""
    text = checks.pdf_text(more_scripts[0] / f"{EVERY}.pdf")
    words = [re.sub(r"(?<=\D)\d+$", "", word) for word in text.split()]
    squeezed = "".join(text.split())
    assert all(symbol in text for symbol in SYMBOLS)
    position = 0
    for sample in MORE_SAMPLES:
        assert sample.note.replace("*", "").replace(" ", "") in squeezed, sample.slug
        if sample.language == "th":
            assert all(p.replace("*", "").replace(" ", "") in squeezed for p in sample.paragraphs)
            continue
        for word in sample.words():
            word = word.replace("\u200d", "")  # a joiner has no glyph, so no text in the PDF
            assert word in words[position:], (
                f"{sample.slug}: {word!r} not read back after {words[position - 3 : position]}"
            )
            position = words.index(word, position) + 1


def test_each_smaller_script_is_set_in_its_face_and_symbols_in_theirs(more_scripts: tuple[Path, str]) -> None:
    """Every face the table gives these scripts and the symbols is in the PDF, and no other
    (none of the build machine's), none slanted by the renderer."""
    reader = PdfReader(more_scripts[0] / f"{EVERY}.pdf")
    assert stray_fonts(reader) == set()
    names = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    for face in [*MORE_FACES.values(), *SYMBOLS.values()]:
        assert any(name.startswith(face) for name in names), (face, names)
    bold = {face for face in MORE_FACES.values() if any(n.startswith(face) and "Bold" in n for n in names)}
    assert bold == set(MORE_FACES.values())  # emphasis in bold: none of them has an italic
    assert not any(name.endswith("Oblique") for name in names)


def test_a_bengali_and_a_thai_work_name_their_face_and_language(more_scripts: tuple[Path, str]) -> None:
    dist, stderr = more_scripts
    for sample in (s for s in MORE_SAMPLES if s.slug in ALONE):
        face = MORE_FACES[sample.language]
        text = checks.pdf_text(dist / f"{sample.slug}.pdf")
        assert f"Set in {face.replace('-', ' ')}" in " ".join(text.split()), sample.slug  # the colophon
        with zipfile.ZipFile(dist / f"{sample.slug}.epub") as book:
            assert f'xml:lang="{sample.language}"' in book.read("EPUB/content.opf").decode()
        assert f"'{sample.language}' [W002]" in stderr  # the furniture in English, and said to be


def test_thai_lines_break_between_syllables_not_inside_them(more_scripts: tuple[Path, str]) -> None:
    """Thai writes no space between words: Pango breaks its lines with libthai's dictionary. The
    Thai work's long paragraph runs over several lines, and none opens on a vowel or tone mark
    that belongs to the syllable before it."""
    import unicodedata

    thai = next(sample for sample in MORE_SAMPLES if sample.language == "th")
    text = checks.pdf_text(more_scripts[0] / "thai.pdf")
    lines = [re.sub(r"\s*\d+$", "", line.strip()) for line in text.splitlines() if re.search("[\u0e00-\u0e7f]", line)]
    first = thai.paragraphs[0].replace("*", "").replace(" ", "")  # a line of it ends at most on its note's call
    held = [line for line in lines if line.replace(" ", "") and line.replace(" ", "") in first]
    assert len(held) >= 2, lines  # the paragraph wraps
    following = set("\u0e30\u0e32\u0e33\u0e45") | {
        c for c in map(chr, range(0x0E31, 0x0E4F)) if unicodedata.category(c) == "Mn"
    }
    assert not [line for line in lines if line[0] in following], lines


def test_an_import_names_the_characters_no_face_has(tmp_path: Path) -> None:
    """Before any build: the report's "Needs a human look" names each character the print faces
    lack with its line (the PDF will be refused, P003), and none the faces have."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Marx: A page</title></head><body><h1>A page</h1>"
        "<p>English words, a fleuron ❧ and a face 🙂 the faces have.</p>"
        "<p>A letter Ꭰ and a melting face 🫠 they lack.</p></body></html>",
        encoding="utf-8",
    )
    done = run_cli("import", str(page), "--slug", "page", "--into", str(tmp_path / "source"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "source" / "page" / "import-report.md").read_text(encoding="utf-8")
    look = report.split("Needs a human look", 1)[1]
    assert "Ꭰ (U+13A0 CHEROKEE LETTER A), 🫠 (U+1FAE0 MELTING FACE)" in look and "(P003)" in look
    assert "U+2767" not in report and "U+1F642" not in report
