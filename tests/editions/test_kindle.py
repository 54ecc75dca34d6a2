"""The Kindle edition: the Kindle-shaped EPUB (back-link first in every note, contents two levels
deep, no epub:type, no zero-width characters, every word kept), tried on families of generated
documents; and the real AZW3 of the letter, converted by calibre: the same bytes in another
folder, time zone and hash seed, its metadata, and in the manifest, the sums and the catalogue
as the registry declares it. (Its check, the text read back: tests/checks/test_kindle.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from builder.checks.kindle import check_azw3
from builder.checks.kinds import check_of
from builder.editions import kindle
from builder.editions.kindle import (
    EPUB_NS,
    KIND,
    MAX_DEPTH,
    MOBI_UID,
    PALMDB_TIMES,
    XHTML_NS,
    ZERO_WIDTH,
    book_uuid,
    exth,
    kindle_epub,
    record0,
    shape_document,
    shape_nav,
    shape_ncx,
    unseen,
)
from builder.editions.kinds import DEFAULT_FORMATS, KINDS
from builder.errors import BuildError
from tests.conftest import EDITION_EPOCH, LETTER, SLUG, cli

NS = {"x": XHTML_NS, "epub": EPUB_NS, "n": kindle.NCX_NS}
WHEN = datetime.fromtimestamp(int(EDITION_EPOCH), UTC)
TITLE = "A Letter to Huysmans, Secretary of the International Socialist Bureau"


# Generated documents: paragraphs of words, some with zero-width characters, and notes whose
# back-link stands anywhere in them.

_WORD = st.text(st.sampled_from("abcdeéßжш文ا\u0628" + ZERO_WIDTH), min_size=1, max_size=6).filter(
    lambda word: bool(unseen(word))
)
_WORDS = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> tuple[bytes, int]:
    """An EPUB-ish content document, and how many notes it has."""
    paragraphs = draw(st.lists(_WORDS, min_size=1, max_size=4))
    notes = draw(st.lists(st.tuples(st.lists(_WORDS, min_size=1, max_size=3), st.integers(0, 3)), max_size=4))
    body = [f'<p epub:type="bridgehead">{text}</p>' for text in paragraphs]
    for number in range(1, len(notes) + 1):
        body[0] += (
            f' <a href="#note-{number}" id="noteref-{number}" class="noteref" '
            f'epub:type="noteref" role="doc-noteref">{number}</a>'
        )
    asides = []
    for number, (pieces, place) in enumerate(notes, 1):
        link = f'<a href="#noteref-{number}" class="note-number" role="doc-backlink">{number}</a>'
        text = pieces[:]
        where = min(place, len(text))
        text.insert(where, link)  # first, in the middle, or last
        asides.append(
            f'<aside id="note-{number}" class="note" epub:type="footnote" role="doc-footnote">\n'
            f"<p>{' '.join(text)}</p>\n</aside>"
        )
    xhtml = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="en"><head><title>t</title></head>'
        '<body epub:type="bodymatter"><section epub:type="chapter">'
        f'{"".join(body)}<section class="notes">{"".join(asides)}</section></section></body></html>'
    )
    return xhtml.encode(), len(notes)


def _words(root: etree._Element) -> list[str]:
    return "".join(root.itertext()).split()


@settings(deadline=None)
@given(documents())
def test_a_shaped_document_has_each_back_link_first_no_epub_type_no_zero_width_and_every_word(
    document: tuple[bytes, int],
) -> None:
    data, count = document
    before, after = etree.fromstring(data), etree.fromstring(shape_document(data))
    assert not any(element.get(f"{{{EPUB_NS}}}type") for element in after.iter())
    assert b"epub:type" not in shape_document(data)
    text = "".join(after.itertext())
    assert not set(text) & set("\u00ad\u2060\ufeff")
    for character in "\u200b\u200c\u200d":  # a ZWSP, ZWNJ or ZWJ stays only between letters of a script it serves
        for match in re.finditer(character, text):
            assert (
                0 < match.start() < len(text) - 1
                and not text[match.start() - 1].isascii()
                and not text[match.start() + 1].isascii()
            )
    notes = after.findall(".//x:aside", NS)
    assert len(notes) == count
    for note in notes:
        first = next(element for element in note.iter() if element.tag == f"{{{XHTML_NS}}}a")
        assert first.get("role") == "doc-backlink"
        assert (
            not (note.text or "").strip() and not (note[0].text or "").strip() and note[0][0] is first
        )  # nothing before it

    # Every word kept: the paragraphs as they were, each note's words in order after its label, moved first.
    def seen(words: list[str]) -> list[str]:
        return [word for word in map(unseen, words) if word]

    paragraphs = [
        (_words(b), _words(a))
        for b, a in zip(before.iterfind(".//x:p", NS), after.iterfind(".//x:p", NS), strict=True)
        if b.getparent().tag != f"{{{XHTML_NS}}}aside"
    ]
    assert all(seen(old) == new for old, new in paragraphs)
    for old_note, new_note in zip(before.iterfind(".//x:aside", NS), notes, strict=True):
        label = next(old_note.iter(f"{{{XHTML_NS}}}a")).text
        old, new = seen(_words(old_note)), _words(new_note)
        assert new[0] == label
        old.remove(label)  # type: ignore[arg-type]
        assert new[1:] == old


def test_a_back_link_already_first_is_left_where_it_is() -> None:
    data = (
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}"><body>'
        '<aside id="note-1" epub:type="footnote" role="doc-footnote">\n'
        '<p><a href="#noteref-1" class="note-number" role="doc-backlink">'
        "1</a> Lenin’s letter was sent.</p>\n</aside></body></html>"
    ).encode()
    shaped = shape_document(data)
    assert (
        b'<p><a href="#noteref-1" class="note-number" role="doc-backlink">1</a> Lenin\xe2\x80\x99s letter was sent.</p>'
        in shaped
    )


@st.composite
def contents(draw: st.DrawFn, depth: int = 1) -> list:  # type: ignore[type-arg]
    """A tree of contents entries, up to five levels deep."""
    return draw(
        st.lists(
            st.deferred(lambda: contents(depth + 1)) if depth < 5 else st.just([]),
            min_size=0 if depth > 1 else 1,
            max_size=3,
        )
    )


def _preorder(tree: list, prefix: str = "") -> list[str]:  # type: ignore[type-arg]
    return [
        name for number, sub in enumerate(tree) for name in (f"{prefix}{number}", *_preorder(sub, f"{prefix}{number}."))
    ]


def _nav(tree: list, prefix: str = "") -> str:  # type: ignore[type-arg]
    items = "".join(
        f'<li><a href="text.xhtml#s{prefix}{n}">{prefix}{n}</a>{_nav(sub, f"{prefix}{n}.") if sub else ""}</li>'
        for n, sub in enumerate(tree)
    )
    return f"<ol>{items}</ol>"


def _ncx(tree: list, prefix: str = "", order: list[int] | None = None) -> str:  # type: ignore[type-arg]
    order = order if order is not None else [0]
    points = ""
    for n, sub in enumerate(tree):
        order[0] += 1
        points += (
            f'<navPoint id="p{prefix}{n}" playOrder="{order[0]}"><navLabel><text>{prefix}{n}</text></navLabel>'
            f'<content src="text.xhtml#s{prefix}{n}"/>{_ncx(sub, f"{prefix}{n}.", order)}</navPoint>'
        )
    return points


def _depth(element: etree._Element, tag: str) -> int:
    below = [
        _depth(child, tag) for child in element.iter(tag) if child is not element and child.getparent() is not None
    ]
    return 1 + max(below, default=0) if element.tag == tag else max(below, default=0)


@settings(deadline=None)
@given(contents())
def test_the_contents_are_two_levels_deep_every_entry_kept_in_order(tree: list) -> None:  # type: ignore[type-arg]
    nav = (
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}"><body><nav epub:type="toc" id="toc">'
        f'{_nav(tree)}</nav><nav epub:type="landmarks"><ol><li>'
        '<a epub:type="cover" href="c.xhtml">Cover</a></li></ol></nav></body></html>'
    )
    shaped = etree.fromstring(shape_nav(nav.encode()))
    toc = shaped.find(".//x:nav[@id='toc']", NS)
    assert toc is not None
    assert [a.text for a in toc.iter(f"{{{XHTML_NS}}}a")] == _preorder(tree)
    assert not toc.xpath(".//x:li/x:ol/x:li/x:ol", namespaces=NS)  # no third level
    assert not toc.xpath(".//x:ol[not(x:li)]", namespaces=NS)  # no list left empty
    assert [element.get(f"{{{EPUB_NS}}}type") for element in shaped.iter() if element.get(f"{{{EPUB_NS}}}type")] == [
        "toc",
        "landmarks",
    ]  # on the nav elements alone
    ncx = (
        f'<ncx xmlns="{kindle.NCX_NS}" version="2005-1"><head><meta name="dtb:depth" content="5"/>'
        f"</head><docTitle><text>t</text></docTitle><navMap>{_ncx(tree)}</navMap></ncx>"
    )
    shaped_ncx = etree.fromstring(shape_ncx(ncx.encode()))
    points = list(shaped_ncx.iter(f"{{{kindle.NCX_NS}}}navPoint"))
    assert [point.findtext("n:navLabel/n:text", namespaces=NS) for point in points] == _preorder(tree)
    assert [int(point.get("playOrder") or 0) for point in points] == sorted(
        int(point.get("playOrder") or 0) for point in points
    )
    assert all(len(point.xpath("ancestor::n:navPoint", namespaces=NS)) < MAX_DEPTH for point in points)


@settings(deadline=None)
@given(st.text(st.sampled_from("ab ßж\u0e01\u0e02ا\u0628\u0915\U0001f441\ufe0f" + ZERO_WIDTH), max_size=30))
def test_unseen_drops_only_zero_width_characters_and_keeps_every_word(text: str) -> None:
    kept = unseen(text)
    assert re.sub(f"[{ZERO_WIDTH}]", "", kept) == re.sub(f"[{ZERO_WIDTH}]", "", text)  # nothing else changes

    def words(text: str) -> list[str]:
        return [word for word in (re.sub(f"[{ZERO_WIDTH}]", "", word) for word in text.split()) if word]

    assert words(kept) == words(text)
    assert not set(kept) & set("\u00ad\u2060\ufeff")
    assert unseen(kept) == kept


def test_unseen_keeps_what_a_script_needs() -> None:
    assert unseen("می\u200cخواهم") == "می\u200cخواهم"  # Persian: the non-joiner is spelling
    assert unseen("क्\u200dष") == "क्\u200dष"  # Devanagari: the joiner shapes the conjunct
    assert unseen("ภาษา\u200bไทย") == "ภาษา\u200bไทย"  # Thai: the only word break
    assert unseen("Auf\u200clage wie\u00adder\u200b/ein\ufeff") == "Auflage wieder/ein"


def test_a_work_identifier_gives_the_same_uuid_every_time() -> None:
    assert str(book_uuid("urn:uuid:55252c19-f823-5435-9283-456f0242fa04")) == "55252c19-f823-5435-9283-456f0242fa04"
    assert (
        book_uuid("https://example.org/books/one")
        == book_uuid("https://example.org/books/one")
        != book_uuid("https://example.org/books/two")
    )


def test_the_kind_is_declared_as_every_kind_is_and_made_by_default() -> None:
    assert KINDS[KIND.name].module == "builder.editions.kindle" and KINDS[KIND.name].needs == "epub"
    assert KIND.name in DEFAULT_FORMATS
    assert check_of(KINDS[KIND.name]) is check_azw3


def test_without_calibre_the_build_says_how_to_install_it(tmp_path: Path) -> None:
    env = os.environ | {"PATH": str(tmp_path), "SOURCE_DATE_EPOCH": EDITION_EPOCH}  # no ebook-convert on it
    result = subprocess.run(
        [sys.executable, *cli("build", str(LETTER), "--format", KIND.name, "--out", str(tmp_path / "dist"))[1:]],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "[P070]" in result.stderr and "scripts/setup" in result.stderr


# The real conversion: the letter, built by the command line.


@pytest.fixture(scope="module")
def kindle_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The letter's EPUB and AZW3, built twice: in two folders, time zones and hash seeds."""
    if shutil.which("ebook-convert") is None:
        pytest.fail("calibre's ebook-convert is not installed: scripts/setup installs it") if os.environ.get(
            "CI"
        ) else pytest.skip("calibre's ebook-convert is not installed (scripts/setup)")
    outs = []
    for number, (tz, seed) in enumerate((("Pacific/Kiritimati", "1"), ("America/Adak", "2"))):
        folder = tmp_path_factory.mktemp(f"kindle-{number}")
        env = os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH, "TZ": tz, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            cli("build", str(LETTER), "--format", KIND.name, "--out", str(folder / "dist")),
            cwd=folder,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outs.append(folder / "dist")
    return outs[0], outs[1]


def test_the_kindle_edition_is_the_same_bytes_in_another_folder_and_time_zone(kindle_builds: tuple[Path, Path]) -> None:
    first, second = (dist / KIND.file_name(SLUG) for dist in kindle_builds)
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()
    data = first.read_bytes()
    assert struct.unpack_from(">II", data, PALMDB_TIMES) == (int(EDITION_EPOCH), int(EDITION_EPOCH))
    assert (
        data[record0(data) + MOBI_UID : record0(data) + MOBI_UID + 4]
        == book_uuid("urn:uuid:55252c19-f823-5435-9283-456f0242fa04").bytes[:4]
    )


def test_its_metadata_reads_back(kindle_builds: tuple[Path, Path]) -> None:
    records = exth((kindle_builds[0] / KIND.file_name(SLUG)).read_bytes())
    assert records[503] == [TITLE.encode()]
    assert records[113] == [b"55252c19-f823-5435-9283-456f0242fa04"]  # the ASIN: the work's identifier
    assert records[106] == [b"2023-11-14T22:13:20+00:00"]  # the edition's date
    assert records[524] == [b"en"]


def test_the_kindle_edition_is_in_the_manifest_the_sums_and_the_catalogue(kindle_builds: tuple[Path, Path]) -> None:
    dist = kindle_builds[0]
    name = KIND.file_name(SLUG)
    entry = next(
        file
        for file in json.loads((dist / "manifest.json").read_text())["works"][SLUG]["files"]
        if file["name"] == name
    )
    assert (entry["kind"], entry["format"], entry["media_type"]) == (KIND.name, KIND.format, KIND.media_type)
    assert entry["sha256"] == hashlib.sha256((dist / name).read_bytes()).hexdigest()
    assert f"{entry['sha256']}  {name}" in (dist / "SHA256SUMS").read_text().splitlines()
    catalogue = etree.parse(str(dist / "catalog.xml"))
    links = catalogue.xpath("//a:link[@href=$name]", namespaces={"a": "http://www.w3.org/2005/Atom"}, name=name)
    assert [link.get("type") for link in links] == ["application/vnd.amazon.ebook"]
    verified = subprocess.run(
        cli("verify", str(dist), "--no-checks"), capture_output=True, text=True, check=False
    )  # the check itself: above, and in test_verify.py
    assert verified.returncode == 0, verified.stderr


def test_a_shaped_letter_keeps_its_package_and_drops_every_epub_type_from_its_pages(
    kindle_builds: tuple[Path, Path],
) -> None:
    epub = (kindle_builds[0] / f"{SLUG}.epub").read_bytes()
    shaped = kindle_epub(epub, WHEN)
    assert shaped == kindle_epub(epub, WHEN)
    with zipfile.ZipFile(io.BytesIO(shaped)) as archive, zipfile.ZipFile(io.BytesIO(epub)) as original:
        assert archive.namelist() == original.namelist()
        for name in archive.namelist():
            if name.endswith(".xhtml") and "nav" not in name:
                assert b"epub:type" not in archive.read(name), name


def test_a_calibre_that_writes_no_mobi_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as raised:
        kindle._settle(b"\0" * 200, book_uuid("urn:uuid:55252c19-f823-5435-9283-456f0242fa04"), WHEN, tmp_path)
    assert raised.value.code == "P071"
