"""Every word of the archive's letter and its note reaches the model and both editions, in
order and with its own characters; none of the web page's debris does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.loader import load_work
from builder.text import render

from .conftest import LETTER, SEED

NAV_DEBRIS = ["Works Index", "Collected Works  |", "L.I.A. Index", "backward", "forward >", "README"]


def seed_sections() -> tuple[str, str]:
    """The letter's title and body, and its note, cut from the raw page as an editor would."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    title = lines[2]
    start = lines.index("Dear Comrade,")
    note_at = next(i for i, line in enumerate(lines) if line.startswith("[1] "))
    body = "\n".join([title.removesuffix("[1]"), *lines[start:note_at]])
    return body, lines[note_at].removeprefix("[1] ")


def words(text: str) -> list[str]:
    return text.split()  # str.split() splits on U+00A0 too


def dehyphenated_words(text: str) -> list[str]:
    """Words of PDF text, with hyphens dropped: a line-end hyphen may be the typesetter's.
    (The font's hyphen glyph reads back as U+2010 HYPHEN, whether typed or hyphenated.)"""
    text = text.replace("\u2010", "-").replace("\u00ad", "-")
    return [word.replace("-", "") for word in words(re.sub(r"-\n", "", text))]


def is_subsequence(needle: list[str], haystack: list[str]) -> tuple[bool, str]:
    position = 0
    for index, word in enumerate(needle):
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return False, f"word {index} {word!r} (after {' '.join(needle[max(0, index - 6):index])!r}) not found in order"
    return True, ""


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
    assert words(text) == words(body.replace("International Socialist Bureau\n", "International Socialist Bureau1\n", 1))
    assert words(note_text) == ["1", *words(note)]


def test_epub_keeps_the_original_characters(epub_files: dict[str, bytes]) -> None:
    xhtml = epub_files["EPUB/text.xhtml"].decode("utf-8")
    for original in ["March\u00a030, 1912", "St.\u00a0Petersburg", "January\u00a01910", "Central Committee—M–l, Yuri", "Russia’s political", "“‘an attempt", "legally’;", "Party.”", "‘harmful’", "April\u00a012 (N.\u00a0S.)"]:
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
    pages = [page.extract_text() for page in PdfReader(pdf_path).pages]
    found = dehyphenated_words("\n".join(pages))
    body, note = seed_sections()
    ok, why = is_subsequence([w.replace("-", "") for w in words(body)], found)
    assert ok, why
    ok, why = is_subsequence([w.replace("-", "") for w in words(note)], found)
    assert ok, why
