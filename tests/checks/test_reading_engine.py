"""Every work's EPUB-like editions read in a real reading engine (foliate-js in headless
Chromium, builder/checks/reader.py) at a phone's and a tablet's size, and broken books that
the engine must catch. Every book is read in one browser session, once per test session."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from builder.checks import reader
from builder.editions.kinds import FORMATS, KINDS
from builder.source.folders import find_works
from tests.conftest import ROOT, SLUG

pytestmark = [
    pytest.mark.skipif(not reader.available(), reason="the reading engine needs Node and npm"),
    pytest.mark.slow(20),
]

WORKS = sorted(folder.name for folder in find_works(ROOT / "source"))
# Every kind of the registry whose files a reading engine opens (the EPUB, the Kobo edition …).
READABLE_KINDS = [name for name in FORMATS if reader.readable(Path(f"x{KINDS[name].suffix}"))]
OPS = "{http://www.idpf.org/2007/ops}type"
# The letter's salutation, where the broken books get what breaks them.
SALUTATION = b'<p class="salutation">Dear Comrade,</p>'
BROKEN_SIZES = reader.SIZES[:1]  # the phone's, where width runs out first


def _broken(
    epub: Path,
    target: Path,
    insert: bytes = b"",
    files: dict[str, bytes] | None = None,
    edits: dict[str, tuple[bytes, bytes]] | None = None,
) -> Path:
    """A copy of a built EPUB with markup put after the salutation, files added (and declared
    in the package) and other edits made: a book the builder itself would never make."""
    files = files or {}
    edits = dict(edits or {})
    if insert:
        edits["EPUB/text.xhtml"] = (SALUTATION, SALUTATION + insert)
    items = b"".join(f'<item href="{n}" id="extra-{i}" media-type="image/png"/>'.encode() for i, n in enumerate(files))
    edits.setdefault("EPUB/content.opf", (b'<item href="text.xhtml"', items + b'<item href="text.xhtml"'))
    out = io.BytesIO()
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(out, "w") as copy:
        for name in source.namelist():
            data = source.read(name)
            if name in edits:
                old, new = edits[name]
                assert old in data, (name, old)
                data = data.replace(old, new, 1)
            copy.writestr(name, data)
        for name, data in files.items():
            copy.writestr(f"EPUB/{name}", data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())
    return target


def _png(width: int, height: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "black").save(data, "PNG")
    return data.getvalue()


MISSING_NOTE = (
    b'<p>Here.<a href="#note-99" id="noteref-99" class="noteref" epub:type="noteref" role="doc-noteref">99</a></p>'
)
# foliate-js fits an image to its column (max-width: 100%), so a wide picture alone overflows
# nothing; one the stylesheet will not let shrink does.
WIDE_IMAGE = b'<p><img src="images/work/wide.png" alt="A wide rule" style="min-width: 2000px"/></p>'
SHRUNK_IMAGE = b'<p><img src="images/work/wide.png" alt="A wide rule"/></p>'
LOST_IMAGE = b'<p><img src="images/work/lost.png" alt="A lost picture"/></p>'
# An uncaught error in the page while the engine reads: reported, and the books after it read.
THROWING_SCRIPT = b'<script>throw new Error("a script of the book fails")</script>'


@pytest.fixture(scope="session")
def shelf(built_shelf: Path) -> Path:
    """Every work's editions, from the session's shelf (built once by the real command line)."""
    return built_shelf


@pytest.fixture(scope="session")
def broken(shelf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broken")
    letter = shelf / f"{SLUG}.epub"
    wide = {"images/work/wide.png": _png(2000, 40)}
    return {
        "throwing script": _broken(letter, folder / "throwing-script" / letter.name, THROWING_SCRIPT),
        "missing note": _broken(letter, folder / "missing-note" / letter.name, MISSING_NOTE),
        "wide image": _broken(letter, folder / "wide-image" / letter.name, WIDE_IMAGE, wide),
        "shrunk image": _broken(letter, folder / "shrunk-image" / letter.name, SHRUNK_IMAGE, wide),
        "lost image": _broken(letter, folder / "lost-image" / letter.name, LOST_IMAGE),
        "lost place": _broken(
            letter,
            folder / "lost-place" / letter.name,
            edits={"EPUB/nav.xhtml": (b'href="colophon.xhtml#colophon"', b'href="colophon.xhtml#nowhere"')},
        ),
        "malformed": _broken(
            letter, folder / "malformed" / letter.name, edits={"EPUB/rights.xhtml": (b"</section>", b"</section></p>")}
        ),
    }


@pytest.fixture(scope="session")
def readings(shelf: Path, broken: dict[str, Path]) -> dict[Path, list[reader.Reading]]:
    """The browser reads each work's EPUB at every size; its Kobo edition (the same book in
    Kobo's spans and wrappers) and each broken book at the phone's, where width runs out first."""
    books = sorted(path for path in shelf.iterdir() if reader.readable(path))
    found: dict[Path, list[reader.Reading]] = {}
    at_every_size = [book for book in books if _sizes(book) == reader.SIZES]
    at_the_phones = [book for book in books if _sizes(book) != reader.SIZES] + list(broken.values())
    for reading in reader.readings(at_every_size + at_the_phones, at=dict.fromkeys(at_the_phones, BROKEN_SIZES)):
        found.setdefault(reading.path, []).append(reading)
    return found


def _sizes(book: Path) -> tuple[reader.Size, ...]:
    return reader.SIZES if book.name.endswith(".epub") and not book.name.endswith(".kepub.epub") else BROKEN_SIZES


def _note_calls(epub: Path) -> int:
    """The note calls in a book's content documents, counted here without the engine."""
    with zipfile.ZipFile(epub) as archive:
        names = [n for n in archive.namelist() if n.endswith(".xhtml") and n != "EPUB/nav.xhtml"]
        return sum(
            1
            for n in names
            for a in etree.fromstring(archive.read(n)).iter("{*}a")
            if "noteref" in (a.get(OPS) or "").split()
        )


def test_every_epub_like_kind_is_read() -> None:
    assert reader.readable(Path("x.epub")) and reader.readable(Path("x.kepub.epub"))
    assert not reader.readable(Path("x.pdf"))
    assert "epub" in READABLE_KINDS and "pdf" not in READABLE_KINDS
    assert all(KINDS[name].zipped for name in READABLE_KINDS)


@pytest.mark.parametrize("slug", WORKS)
def test_every_work_reads_cleanly_at_every_size(
    slug: str, shelf: Path, readings: dict[Path, list[reader.Reading]]
) -> None:
    books = [path for path in readings if path.parent == shelf and path.name.split(".")[0] == slug]
    assert sorted(book.name for book in books) == sorted(f"{slug}{KINDS[name].suffix}" for name in READABLE_KINDS)
    for book in books:
        assert [r.size for r in readings[book]] == [size.name for size in _sizes(book)]
        for reading in readings[book]:
            assert [str(f) for f in reading.findings] == []
            # The engine looked at the whole book: contents, every spine item, every call.
            assert reading.checked["toc"] >= 3 and reading.checked["sections"] == 5
            assert reading.checked["images"] >= 1  # the cover
            assert reading.checked["notes"] == _note_calls(book)


def _codes(readings: dict[Path, list[reader.Reading]], book: Path) -> set[tuple[str, str]]:
    return {(reading.size, finding.code) for reading in readings[book] for finding in reading.findings}


def test_a_call_to_a_missing_note_fails(broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]) -> None:
    book = broken["missing note"]
    assert _codes(readings, book) == {("phone", "E303")}
    assert all(
        "note call 99" in f.message and "not in the book" in f.message for r in readings[book] for f in r.findings
    )


def test_an_image_wider_than_the_page_fails(
    broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]
) -> None:
    book = broken["wide image"]
    assert _codes(readings, book) == {("phone", "E305")}
    messages = [f.message for r in readings[book] for f in r.findings]
    assert any("img “A wide rule” is 2000 px wide on a page" in m for m in messages)


def test_the_engine_fits_a_wide_picture_to_its_page(
    broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]
) -> None:
    """A 2,000 px picture that may shrink is shown at the page's width, and loads: no finding."""
    book = broken["shrunk image"]
    assert [str(f) for r in readings[book] for f in r.findings] == []
    assert all(r.checked["images"] == 2 for r in readings[book])


def test_an_image_that_does_not_load_fails(broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]) -> None:
    book = broken["lost image"]
    assert ("phone", "E304") in _codes(readings, book)
    assert any("A lost picture" in f.message for r in readings[book] for f in r.findings)


def test_an_error_thrown_in_the_page_is_the_books_finding(
    broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]
) -> None:
    """Reported as the book's own error; the engine goes on to the next book."""
    book = broken["throwing script"]
    assert _codes(readings, book) == {("phone", "E301")}
    assert all(
        "uncaught" in f.message and "a script of the book fails" in f.message
        for r in readings[book]
        for f in r.findings
    )
    after = list(broken.values())[1:]
    assert all([r.size for r in readings[path]] == [size.name for size in BROKEN_SIZES] for path in after)


def test_an_engine_that_cannot_run_is_one_finding_per_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "reader"
    script.write_text("#!/bin/sh\necho 'no network' >&2\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setattr(reader, "READER_SCRIPT", script)
    reader.engine_home.cache_clear()
    try:
        findings = reader.read_books([tmp_path / "a.epub", tmp_path / "b.epub"])
    finally:
        reader.engine_home.cache_clear()
    assert [f.code for f in findings] == ["E300", "E300"]
    assert "no network" in findings[0].message


def test_the_reader_script_pins_its_packages() -> None:
    script = (ROOT / "scripts" / "reader").read_text(encoding="utf-8")
    assert "foliate-js@1.0.1" in script and "playwright-core@1.65.1" in script
    assert "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1" in script and shutil.which("bash")


def test_a_contents_entry_that_misses_its_place_fails(
    broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]
) -> None:
    book = broken["lost place"]
    assert _codes(readings, book) == {("phone", "E302")}
    assert all("“Colophon” opens, but its target is not there" in f.message for r in readings[book] for f in r.findings)


def test_a_document_the_engine_cannot_parse_fails(
    broken: dict[str, Path], readings: dict[Path, list[reader.Reading]]
) -> None:
    book = broken["malformed"]
    assert ("phone", "E301") in _codes(readings, book)


def test_an_engine_that_stops_is_reported_by_its_error_line() -> None:
    """Node prints the failing line, a caret, the error, then the stack: the error is kept."""
    stack = "".join(f"    at frame{n} (node:internal/timers:{n}:1)\n" for n in range(12))
    output = (
        "file:///e/drive.mjs:53\n  if (!RACE(error)) found()\n       ^\n\n"
        f"ReferenceError: Cannot access 'RACE' before initialization\n{stack}\nNode.js v20.20.2\n"
    )
    message = reader._failure(output)
    assert message.startswith("ReferenceError: Cannot access 'RACE' before initialization … ")
    assert message.endswith("Node.js v20.20.2") and len(message) <= 600
    assert reader._failure("no network") == "no network"
