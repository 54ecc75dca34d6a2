"""`folio import`: archive pages and whole books become source folders that build clean.

Pages come from the corpus in tests/data/corpus (read, never written) and books are served from a listener
on the loopback address, never the internet. Every import is built by the real command line
and read back; the round trip compares the model of each import with the hand-made source.
"""

from __future__ import annotations

import difflib
import http.server
import os
import re
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.checks import validators as checks
from builder.importer.assemble import import_work
from builder.importer.book import chapters
from builder.importer.decode import repair
from builder.importer.fetch import Fetcher
from builder.importer.html_page import parse
from builder.importer.report import ImportReport
from builder.source.loader import load_work
from builder.source.text import plain_text
from tests.conftest import CORPUS, EDITION_EPOCH, ROOT, SEED, run_cli
from tests.support.words import contains_run, dehyphenated_words, is_subsequence, seed_sections, words_by_size

LETTER_TXT = SEED

# The hand-made source each import is compared with, and the slug the import is given.
PAGES = {
    "lenin-1913-big-achievement-of-the-chinese-republic": CORPUS
    / "lenin-1913-big-achievement-of-the-chinese-republic.html",
    "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung": CORPUS
    / "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung.html",
    "marx-1845-theses-on-feuerbach": CORPUS / "marx-1845-theses-on-feuerbach.html",
    "marx-1867-capital-v1-ch01-commodities": CORPUS / "marx-1867-capital-v1-ch01-commodities.html",
    "lenin-1912-letter-to-huysmans": LETTER_TXT,
}
BOOKS = {
    "communist-manifesto": "marx/works/1848/communist-manifesto/index.htm",
    "wage-labour": "marx/works/1847/wage-labour/index.htm",
}
NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    handler = partial(_QuietHandler, directory=str(CORPUS / "books"))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
        httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, server: str) -> Path:
    """Every corpus page, the letter and both books imported into one folder."""
    into = tmp_path_factory.mktemp("source")
    # The letter through the command line; the rest in this process, which is quicker.
    result = run_cli("import", str(LETTER_TXT), "--into", str(into), "--slug", "lenin-1912-letter-to-huysmans")
    assert result.returncode == 0, result.stderr
    assert "## Needs a human look" in result.stdout  # the report, printed at the end
    fetcher = Fetcher(cache=into.parent / "cache", delay=0)
    for slug, page in PAGES.items():
        if page != LETTER_TXT:
            import_work([str(page)], into, slug, False, fetcher)
    for slug, index in BOOKS.items():
        import_work([server + index], into, slug, False, fetcher)
    fetcher.close()
    return into


@pytest.fixture(scope="module")
def dist(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages' EPUBs (their text is the hand-made sources', whose PDFs other tests read);
    each book's EPUB and PDF, and the letter's PDF."""
    out = tmp_path_factory.mktemp("dist")
    env = os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH}
    result = run_cli("build", *(str(imported / slug) for slug in PAGES), "--format", "epub", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    result = run_cli(
        "build",
        *(str(imported / slug) for slug in [*BOOKS, "lenin-1912-letter-to-huysmans"]),
        *("--format", "epub", "--format", "pdf"),  # what the tests read, not the Kobo and Kindle editions
        "--out",
        str(out),
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return out


def _epub(dist: Path, slug: str) -> dict[str, bytes]:
    with zipfile.ZipFile(dist / f"{slug}.epub") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _model_words(folder: Path) -> tuple[list[str], list[str]]:
    """The words of a work's text and of its notes, as the model holds them."""
    work = load_work(folder)
    text = [
        word
        for part in work.parts
        for token in part.tokens
        if token.type == "inline"
        for word in plain_text(token).split()
    ]
    notes = [
        word
        for part in work.parts
        for note in [*part.notes.values(), *part.editor_notes.values()]
        for token in note.tokens
        if token.type == "inline"
        for word in plain_text(token).split()
    ]
    return text, notes


# What an import and a hand-made source may differ in, each justified:
ALLOWED = {
    # The hand-made source names the "Part I" heading above the chapter in its description;
    # the import keeps it as a heading, as the page has it.
    "marx-1867-capital-v1-ch01-commodities": {"Part", "I:", "Commodities", "and", "Money"},
    # The hand-made theses join "Theses On Feuerbach" to nothing; no difference is allowed.
    "marx-1845-theses-on-feuerbach": set(),
    "lenin-1913-big-achievement-of-the-chinese-republic": set(),
    "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung": set(),
    "lenin-1912-letter-to-huysmans": set(),
}


@pytest.mark.slow(20)  # the module's imports and builds, and EPUBCheck
@pytest.mark.parametrize("slug", list(PAGES))
def test_round_trip_text_and_notes_match_the_hand_made_source(imported: Path, slug: str) -> None:
    text, notes = _model_words(imported / slug)
    reference_text, reference_notes = _model_words(ROOT / "source" / slug)
    differences = [
        word
        for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(a=reference_text, b=text, autojunk=False).get_opcodes()
        if tag != "equal"
        for word in reference_text[a1:a2] + text[b1:b2]
    ]
    assert set(differences) <= ALLOWED[slug], differences[:40]
    assert notes == reference_notes


@pytest.mark.parametrize("slug", list(PAGES))
def test_round_trip_metadata_matches_the_hand_made_source(imported: Path, slug: str) -> None:
    ours = tomllib.loads((imported / slug / "work.toml").read_text(encoding="utf-8"))
    theirs = tomllib.loads((ROOT / "source" / slug / "work.toml").read_text(encoding="utf-8"))
    assert ours["rights"]["status"] == theirs["rights"]["status"] or (
        slug.startswith("marx-1867") and ours["rights"]["status"] == "unstated"
    )
    assert ours["author"].replace("\u00a0", " ") == theirs["author"].replace("\u00a0", " ")
    for role in ("transcribers", "markup", "proofreaders"):
        assert ours.get("credits", {}).get(role, []) == theirs.get("credits", {}).get(role, []), role
    if (
        slug != "marx-1867-capital-v1-ch01-commodities"
    ):  # the page names no translator; the hand-made source took one from the 1887 edition
        assert ours.get("credits", {}).get("translators", []) == [
            t for t in theirs.get("credits", {}).get("translators", [])
        ], "translators"
    for key in ("written", "first-published"):  # the hand-made Theses turn the page's closing ";" into "."
        assert (ours.get(key) or "").rstrip(".;") == (theirs.get(key) or "").rstrip(".;"), key
    if "source" in theirs:
        for key in ("title", "year", "volume", "pages", "publisher"):
            assert str(ours["source"].get(key)) == str(theirs["source"].get(key)), key


# EPUBCheck takes seconds a file: the page with tables, Greek and 40 notes; the other pages'
# markup is the same kinds of block, and every book of the corpus is checked in
# test_import_books.py.
CHECKED = ["marx-1867-capital-v1-ch01-commodities"]


@pytest.mark.parametrize("slug", CHECKED)
def test_imports_pass_epubcheck(dist: Path, slug: str) -> None:
    assert checks.epubcheck(dist / f"{slug}.epub") == []


def test_a_bracketed_year_is_not_a_note(imported: Path) -> None:
    meta = tomllib.loads(
        (imported / "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung" / "work.toml").read_text(
            encoding="utf-8"
        )
    )
    assert meta["source"]["year"] == "[197[4]]"
    report = (imported / "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung" / "import-report.md").read_text(
        encoding="utf-8"
    )
    assert "the Translated field is empty" in report


def test_licence_is_never_guessed_upward(imported: Path, dist: Path) -> None:
    theses = tomllib.loads((imported / "marx-1845-theses-on-feuerbach" / "work.toml").read_text(encoding="utf-8"))
    assert theses["rights"]["status"] == "licensed"
    assert "Creative Commons" in theses["rights"]["licence"]["name"]
    files = _epub(dist, "marx-1845-theses-on-feuerbach")
    rights = etree.fromstring(files["EPUB/rights.xhtml"])
    said = " ".join("".join(rights.itertext()).split())
    assert "not in the public domain" in said and "Creative Commons ShareAlike License" in said
    package = etree.fromstring(files["EPUB/content.opf"])
    assert not package.xpath("//dc:rights", namespaces=NS)[0].text.startswith("Public domain")
    # No licence line on any page of the book: no claim either way, and the report says so.
    wage = tomllib.loads((imported / "wage-labour" / "work.toml").read_text(encoding="utf-8"))
    assert wage["rights"] == {"status": "unstated"}
    assert "no licence line" in (imported / "wage-labour" / "import-report.md").read_text(encoding="utf-8")
    files = _epub(dist, "wage-labour")
    for name in ("EPUB/rights.xhtml", "EPUB/colophon.xhtml"):
        said = " ".join("".join(etree.fromstring(files[name]).itertext()).split())
        assert "is in the public domain" not in said and "gives this text as public domain" not in said
    # The manifesto's contents page is Copyleft under CC BY-SA: attribution and share-alike.
    manifesto = tomllib.loads((imported / "communist-manifesto" / "work.toml").read_text(encoding="utf-8"))
    assert manifesto["rights"]["licence"]["name"] == "Creative Commons Attribution-ShareAlike License"


@pytest.mark.parametrize(
    ("slug", "parts", "image", "alt"),
    [
        ("communist-manifesto", 6, "page.jpg", "Photograph of a page of the Manifesto in Marx’s handwriting"),
        ("wage-labour", 10, "index.gif", "industrial lansdscape"),
    ],
)
def test_a_book_imports_from_its_contents_page_with_its_images(
    imported: Path, dist: Path, slug: str, parts: int, image: str, alt: str
) -> None:
    meta = tomllib.loads((imported / slug / "work.toml").read_text(encoding="utf-8"))
    assert len(meta["parts"]) == parts
    report = (imported / slug / "import-report.md").read_text(encoding="utf-8")
    assert "Study Guide (guide.htm)" in report  # linked, not the book's text, and named
    files = _epub(dist, slug)
    assert f"EPUB/images/work/{image}" in files
    assert files[f"EPUB/images/work/{image}"] == (CORPUS / "books" / BOOKS[slug]).parent.joinpath(image).read_bytes()
    images = [
        img
        for name, data in files.items()
        if name.endswith(".xhtml")
        for img in etree.fromstring(data).iterfind(".//x:img", NS)
    ]
    assert [img.get("alt") for img in images if img.get("src").endswith(image)] == [alt]
    pdf = PdfReader(dist / f"{slug}.pdf")
    assert any(
        "/XObject" in (page.get("/Resources") or {})
        and any(x.get_object().get("/Subtype") == "/Image" for x in page["/Resources"]["/XObject"].values())
        for page in pdf.pages
    )
    # Links between chapters become links between parts.
    if slug == "communist-manifesto":
        preface = etree.fromstring(files["EPUB/part-1.xhtml"])
        assert [a.text for a in preface.iterfind(".//x:a", NS) if a.get("href") == "part-4.xhtml#part-4"] == [
            "Section II"
        ]


def test_an_existing_work_is_not_overwritten_and_a_failed_import_leaves_nothing(imported: Path, tmp_path: Path) -> None:
    before = (imported / "marx-1845-theses-on-feuerbach" / "text.md").read_bytes()
    again = run_cli(
        "import",
        str(PAGES["marx-1845-theses-on-feuerbach"]),
        "--into",
        str(imported),
        "--slug",
        "marx-1845-theses-on-feuerbach",
    )
    assert again.returncode == 1 and "[I003]" in again.stderr and "Traceback" not in again.stderr
    assert (imported / "marx-1845-theses-on-feuerbach" / "text.md").read_bytes() == before
    missing = run_cli("import", str(tmp_path / "nowhere.html"), "--into", str(tmp_path / "out"))
    assert missing.returncode == 1 and "[I001]" in missing.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_mojibake_tex_escapes_uncalled_notes_and_calls_without_notes_are_repaired_or_reported() -> None:
    report = ImportReport()
    page = repair(
        "<html><body><h1>Über Vorw\u00c3\u00a4rts</h1><p>"
        'Franz\\"osische Politik [1933] and C<sub>4</sub>H<sub>8</sub>O<sub>2</sub>'
        "<sup><a href='#n1' name='c1'>[1]</a></sup> and <a href='#n9'>[9]</a>.</p>"
        "<h3>Notes</h3><p><a name='n1' href='#c1'>[1]</a> Called.</p>"
        "<p><a name='n2'>[2]</a> Never called.</p></body></html>",
        "test.html",
        report,
    )
    text = parse(page, "test.html", report)
    assert text.title == "Über Vorwärts"
    assert text.blocks[0].startswith("Französische Politik \\[1933\\] and C~4~H~8~O~2~\x00[^1] and \\[9\\].")
    assert text.notes == {
        "1": "Called.",
        "2": "Never called.",
    }  # the second is kept; the assembly makes it an editor's note
    assert any("mojibake" in line for line in report.repaired) and any("TeX" in line for line in report.repaired)
    assert any("the call [9] has no note on the page" in line for line in report.check)


def _epub_body_words(files: dict[str, bytes]) -> list[str]:
    """The running text of an EPUB's parts: without the note asides and the calls' numbers."""
    found: list[str] = []
    for name in sorted(
        (n for n in files if n.startswith("EPUB/part-") or n == "EPUB/text.xhtml"),
        key=lambda n: int(n.split("-")[-1].split(".")[0]) if "part-" in n else 0,
    ):
        tree = etree.fromstring(files[name])
        for drop in tree.xpath("//x:aside | //x:a[@role='doc-noteref']", namespaces=NS):
            previous, parent = drop.getprevious(), drop.getparent()
            if previous is not None:
                previous.tail = (previous.tail or "") + (drop.tail or "")
            else:
                parent.text = (parent.text or "") + (drop.tail or "")
            parent.remove(drop)
        body = tree.find(".//x:body", NS)
        found += "".join(body.itertext()).split()
    return found


@pytest.mark.parametrize("slug", list(PAGES))
def test_the_epub_of_each_page_has_every_word_of_the_hand_made_text(dist: Path, slug: str) -> None:
    reference, _ = _model_words(ROOT / "source" / slug)
    ours = _epub_body_words(_epub(dist, slug))
    assert set(reference) - ALLOWED[slug] <= set(ours)
    found, where = is_subsequence([w for w in reference if w not in ALLOWED[slug]], ours)
    assert found, where


def _no_call(word: str) -> str:
    """A word as the PDF gives it back: a note's call number is set right after it."""
    return re.sub(r"(?<=[^\d\s])\d+$", "", word.replace("-", ""))


def test_the_pdf_of_a_book_has_every_word_of_its_text_in_order(imported: Path, dist: Path) -> None:
    text, _ = _model_words(imported / "wage-labour")
    pdf_words = [
        _no_call(w)
        for w in dehyphenated_words(
            "\n".join(page.extract_text() for page in PdfReader(dist / "wage-labour.pdf").pages)
        )
    ]
    found, where = is_subsequence([_no_call(w) for w in text if w.replace("-", "")], pdf_words)
    assert found, where


def test_an_import_is_the_same_every_time(imported: Path, tmp_path: Path) -> None:
    again = import_work(
        [str(PAGES["marx-1845-theses-on-feuerbach"])],
        tmp_path,
        "marx-1845-theses-on-feuerbach",
        False,
        Fetcher(None, delay=0),
    ).folder
    first = imported / "marx-1845-theses-on-feuerbach"
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in first.iterdir())
    for path in again.iterdir():
        assert path.read_bytes() == (first / path.name).read_bytes(), path.name


def test_only_a_contents_page_imports_as_a_book() -> None:
    pages = sorted((CORPUS / "books").rglob("*.htm")) + sorted(CORPUS.glob("*.html"))
    found = {
        str(page.relative_to(CORPUS)).removeprefix("books/marx/works/").removesuffix("/index.htm"): len(
            chapters(page.read_text(encoding="latin-1"), ImportReport())
        )
        for page in pages
    }
    # Capital's "Prefaces and Afterwords" (part0.htm) is the contents of a part of the book; a
    # study guide that links every chapter is not a contents page.
    assert {name: count for name, count in found.items() if count} == {
        "1848/communist-manifesto": 5,
        "1847/wage-labour": 10,
        "1859/critique-pol-economy": 14,
        "1867-c1": 35,
        "1867-c1/part0.htm": 9,
        "1890/letters": 15,
        "1894/letters": 9,
    }


def test_the_imported_letter_s_pdf_has_every_word_of_the_page(dist: Path) -> None:
    """The reader's copy of the letter, imported, prints its text and its note word for word."""
    running_text, notes = words_by_size(dist / "lenin-1912-letter-to-huysmans.pdf")
    body, note = seed_sections()
    assert contains_run([w.replace("-", "") for w in body.split() if w.strip("-")], running_text)
    assert contains_run(["1.", *(w.replace("-", "") for w in note.split())], notes)
