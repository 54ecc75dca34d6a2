"""The Kobo edition: the EPUB with Kobo's spans, wrappers and style, every word kept, notes
still pop-up notes, EPUBCheck clean, and the same bytes on every build."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from builder.checks import validators as checks
from builder.editions.kobo import XHTML_NS, fragments, kepub, spine_documents, transform_document
from tests.conftest import SLUG

NS = {"x": XHTML_NS, "epub": "http://www.idpf.org/2007/ops"}
WHEN = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def kepub_path(built: Path) -> Path:
    return built / f"{SLUG}.kepub.epub"


def _documents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in spine_documents(archive)}


def _text(data: bytes) -> str:
    body = etree.fromstring(data).find(f"{{{XHTML_NS}}}body")
    assert body is not None
    return "".join(body.itertext())


def test_the_build_makes_a_kobo_edition_that_epubcheck_passes(kepub_path: Path) -> None:
    assert kepub_path.is_file()
    assert checks.epubcheck(kepub_path) == []


def test_every_word_of_the_epub_is_in_the_kobo_edition_in_order(epub_path: Path, kepub_path: Path) -> None:
    epub, kobo = _documents(epub_path), _documents(kepub_path)
    assert epub.keys() == kobo.keys() and len(epub) >= 4
    for name in epub:
        assert _text(kobo[name]) == _text(epub[name]), name  # spans and wrappers add no character


def test_each_body_is_wrapped_and_its_text_in_numbered_kobo_spans(kepub_path: Path) -> None:
    for name, data in _documents(kepub_path).items():
        root = etree.fromstring(data)
        body = root.find("x:body", NS)
        assert body is not None and len(body) == 1 and body[0].get("id") == "book-columns", name
        assert [child.get("id") for child in body[0]] == ["book-inner"]
        assert root.find("x:head/x:style[@class='kobostylehacks']", NS) is not None
        spans = root.findall(".//x:span[@class='koboSpan']", NS)
        assert spans, name
        ids = [span.get("id") for span in spans]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(r"kobo\.\d+\.\d+", value or "") for value in ids)
        # Every piece of text that is not bare space stands in a span.
        for element in root.iter(
            f"{{{XHTML_NS}}}body",
            *(f"{{{XHTML_NS}}}{tag}" for tag in ("p", "h1", "h2", "li", "a", "em", "section", "aside", "div")),
        ):
            for text in [element.text, *(child.tail for child in element)]:
                assert not (text or "").strip(), (name, element.tag, text)


def test_notes_still_pop_up(kepub_path: Path) -> None:
    text = etree.fromstring(_documents(kepub_path)["EPUB/text.xhtml"])
    calls = text.findall(".//x:a[@epub:type='noteref']", NS)
    notes = {note.get("id") for note in text.findall(".//x:aside[@epub:type='footnote']", NS)}
    assert calls and all(call.get("href", "")[1:] in notes for call in calls)


def test_the_kobo_edition_is_the_same_bytes_on_every_build(epub_path: Path, kepub_path: Path) -> None:
    assert kepub(epub_path.read_bytes(), WHEN) == kepub(epub_path.read_bytes(), WHEN) == kepub_path.read_bytes()


def test_images_are_paragraphs_of_their_own() -> None:
    page = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
        b'<body><p>One. Two</p><img src="a.png" alt="a"/><p>Three.</p></body></html>'
    )
    root = etree.fromstring(transform_document(page))
    spans = root.findall(".//x:span[@class='koboSpan']", NS)
    assert [(span.get("id"), span.text, [child.tag for child in span]) for span in spans] == [
        ("kobo.1.1", "One. ", []),
        ("kobo.1.2", "Two", []),
        ("kobo.2.1", None, [f"{{{XHTML_NS}}}img"]),
        ("kobo.3.1", "Three.", []),
    ]


_TEXT = st.text(st.sampled_from(list("ab .!?:”’…\n")), max_size=40)


@given(_TEXT)
def test_fragments_join_up_to_the_text(text: str) -> None:
    pieces = fragments(text)
    assert "".join(pieces) == text and all(pieces)
    for piece in pieces[:-1]:
        assert re.search(r"[.!?:]['\"”’“…]?\s*$", piece)  # each but the last ends a sentence


@given(st.lists(st.tuples(st.sampled_from(["p", "li", "em", "blockquote"]), _TEXT, _TEXT), min_size=1, max_size=6))
def test_any_document_keeps_its_text_and_stays_well_formed(blocks: list[tuple[str, str, str]]) -> None:
    from xml.sax.saxutils import escape

    body = "".join(
        f"<{tag}>{escape(a)}<b>{escape(b)}</b>{escape(a)}</{tag}>"
        if tag != "li"
        else f"<ul><li>{escape(a)}<b>{escape(b)}</b></li></ul>"
        for tag, a, b in blocks
    )
    page = (
        f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{body}</body></html>'.encode()
    )
    out = transform_document(page)
    assert _text(out) == _text(page)
    ids = [span.get("id") for span in etree.fromstring(out).iter(f"{{{XHTML_NS}}}span")]
    assert len(ids) == len(set(ids))


def test_the_kobo_edition_differs_from_the_epub_only_in_its_spine(epub_path: Path, kepub_path: Path) -> None:
    with zipfile.ZipFile(epub_path) as epub, zipfile.ZipFile(kepub_path) as kobo:
        assert epub.namelist() == kobo.namelist()
        spine = set(spine_documents(epub))
        for name in epub.namelist():
            assert (epub.read(name) == kobo.read(name)) is (name not in spine), name
        assert kobo.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert zipfile.ZipFile(io.BytesIO(kepub_path.read_bytes())).testzip() is None
