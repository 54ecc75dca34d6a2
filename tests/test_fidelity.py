"""Every word of the archive's letter and its note reaches the model and both editions, in
order and with its own characters; none of the web page's debris does."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.editions.html import render
from builder.source.loader import load_work

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
    A word broken at a line's or a page's end stays in two pieces, which is_subsequence
    puts together. (The font's hyphen glyph reads back as U+2010 HYPHEN, typed or not.)"""
    text = text.replace("\u2010", "-").replace("\u00ad", "-")
    return [word.replace("-", "") for word in words(text) if word.replace("-", "")]


def is_subsequence(needle: list[str], haystack: list[str]) -> tuple[bool, str]:
    """Every word of `needle` in `haystack`, in order. A word hyphenated across a page turn
    comes back in two pieces with the running head, the folio or notes between them."""
    position = 0
    for index, word in enumerate(needle):
        found = _next_place(word, haystack, position)
        if found is None:
            return False, f"word {index} {word!r} (after {' '.join(needle[max(0, index - 6):index])!r}) not found in order"
        position = found
    return True, ""


def _next_place(word: str, haystack: list[str], position: int) -> int | None:
    """The position after the next occurrence of `word`, whole or split in two."""
    try:
        whole = haystack.index(word, position)
    except ValueError:
        whole = len(haystack)
    for start in range(position, whole):
        head = haystack[start]
        if head and len(head) < len(word) and word.startswith(head):
            tail = word[len(head):]
            for end in range(start + 1, min(start + 400, len(haystack))):
                if haystack[end] == tail:
                    return end + 1
    return whole + 1 if whole < len(haystack) else None


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


def words_by_size(path: Path) -> tuple[list[str], list[str]]:
    """The PDF's words read back in two streams, told apart by their size: the running text
    (body and block quotations, at least 0.9 of the body size) and the notes (0.8–0.85),
    leaving out running heads, folios and note calls. Each stream is joined across line
    ends, so a hyphenated word is whole again, and hyphens are dropped."""
    pieces: list[tuple[float, str]] = []

    def visit(text: str, cm, tm, font, size) -> None:
        if text.strip():
            pieces.append((round(size * tm[3] * cm[3], 2), text))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    body_size = Counter(size for size, _ in pieces).most_common(1)[0][0]

    def stream(low: float, high: float) -> list[str]:
        text = "\n".join(text.strip() for size, text in pieces if low * body_size <= size <= high * body_size)
        text = re.sub(r"[-\u2010]\n", "", text).replace("\u2010", "-")
        return [word.replace("-", "") for word in words(text) if word.strip("-")]

    return stream(0.9, 3.0), stream(0.8, 0.85)


def contains_run(needle: list[str], haystack: list[str]) -> bool:
    """`needle` stands in `haystack` word for word, with nothing between."""
    first = needle[0]
    return any(haystack[i : i + len(needle)] == needle for i, word in enumerate(haystack) if word == first)


def test_pdf_has_every_word_in_order(pdf_path: Path) -> None:
    running_text, notes = words_by_size(pdf_path)
    body, note = seed_sections()
    assert contains_run([w.replace("-", "") for w in words(body) if w.strip("-")], running_text)
    assert contains_run(["1.", *(w.replace("-", "") for w in words(note))], notes)
