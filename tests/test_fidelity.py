"""Every word of the archive's letter and its note reaches the model and both editions, in
order and with its own characters; none of the web page's debris does."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.editions.html import render
from builder.source.loader import load_work

from .conftest import LETTER
from .support.words import contains_run, seed_sections, words, words_by_size

NAV_DEBRIS = ["Works Index", "Collected Works  |", "L.I.A. Index", "backward", "forward >", "README"]


def test_seed_is_what_we_think() -> None:
    body, note = seed_sections()
    assert body.startswith("A Letter to Huysmans") and body.rstrip().endswith("normal relations with them.")
    assert note.startswith("Lenin’s letter was sent") and len(words(body)) > 1200


def test_model_holds_every_word_in_order() -> None:
    work = load_work(LETTER)
    part = work.parts[0]
    text_html = render(part.tokens, part.notes, lambda note: "")
    text = etree.fromstring(f"<div>{text_html}</div>").xpath("string()")
    body, note = seed_sections()
    assert words(text) == words(body)
    note_text = etree.fromstring(f"<div>{render(work.notes[0].tokens)}</div>").xpath("string()")
    assert words(note_text) == words(note)


@pytest.fixture(scope="module")
def epub_text(epub_files: dict[str, bytes]) -> tuple[str, str]:
    tree = etree.fromstring(epub_files["EPUB/text.xhtml"])
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    section = tree.xpath("//x:section[@class='part']", namespaces=ns)[0]
    notes = section.xpath(".//x:aside", namespaces=ns)
    note_text = "".join(notes[0].itertext())
    for aside in notes:
        aside.getparent().remove(aside)
    return "".join(section.itertext()), note_text


def test_epub_has_every_word_in_order(epub_text: tuple[str, str]) -> None:
    text, note_text = epub_text
    body, note = seed_sections()
    # the note call's number follows the title; nothing else differs
    assert words(text) == words(
        body.replace("International Socialist Bureau\n", "International Socialist Bureau1\n", 1)
    )
    assert words(note_text) == ["1", *words(note)]


def test_epub_keeps_the_original_characters(epub_files: dict[str, bytes]) -> None:
    xhtml = epub_files["EPUB/text.xhtml"].decode("utf-8")
    for original in [
        "March\u00a030, 1912",
        "St.\u00a0Petersburg",
        "January\u00a01910",
        "Central Committee—M–l, Yuri",
        "Russia’s political",
        "“‘an attempt",
        "legally’;",
        "Party.”",
        "‘harmful’",
        "April\u00a012 (N.\u00a0S.)",
    ]:
        assert original in xhtml, original
    assert "abroad, dealt" in xhtml  # the page break's run of spaces is gone, not the words


def test_no_web_page_debris_in_either_edition(epub_files: dict[str, bytes], pdf_path: Path) -> None:
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    everything = [pdf_text] + [data.decode("utf-8") for name, data in epub_files.items() if name.endswith(".xhtml")]
    for text in everything:
        for debris in NAV_DEBRIS:
            assert debris not in text
        assert "  dealt" not in text and "\u00a0 dealt" not in text


def test_pdf_has_every_word_in_order(pdf_path: Path) -> None:
    running_text, notes = words_by_size(pdf_path)
    body, note = seed_sections()
    assert contains_run([w.replace("-", "") for w in words(body) if w.strip("-")], running_text)
    assert contains_run(["1.", *(w.replace("-", "") for w in words(note))], notes)
