"""A text's words, and every word of a source found again, in order, in an edition's text:
the fidelity tests' measures (the letter's, the corpus's, the importer's and the PDF's)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import SEED


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
            return (
                False,
                f"word {index} {word!r} (after {' '.join(needle[max(0, index - 6) : index])!r}) not found in order",
            )
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
            tail = word[len(head) :]
            for end in range(start + 1, min(start + 400, len(haystack))):
                if haystack[end] == tail:
                    return end + 1
    return whole + 1 if whole < len(haystack) else None


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


def words_of(text: str) -> str:
    """The text with every run of white space one space."""
    return " ".join(text.split())
