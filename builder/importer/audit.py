"""The import checks itself: every word a browser shows of a page's body must be in what the
import wrote, in the page's order, or in the ledger of what the mapping left out or moved
(`ledger.py`). A run that is in neither is a loss: the assembly keeps it verbatim where it
stood (`kept.py`) and audits again, so that what is written has every word.

The page is read again here with an HTML5 parser (tinyhtml5, the parser WeasyPrint uses), as a
browser reads it, independently of the mapping's own parser: a construct the mapping does not
know loses words the browser still shows, and this check sees them. It holds no rules of its
own about notes or furniture: what the mapping decided is in the ledger, said once.

What it cannot see: a word moved to a wrong place that is still present elsewhere in a run of
two or more words, a word replaced by itself, and text a browser shows from CSS (`content:`)
or images."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from xml.etree import ElementTree

import tinyhtml5

# A word is a run of letters or a run of digits: "revolutions1" on a page whose "1" is a
# note's call the import writes apart ("revolutions[^1]") is the same two words either way.
WORD = re.compile(r"[^\W\d_]+|\d+")
# Markup Markdown puts inside a word (`wor**d**`, `a\*b`): not a word boundary on the page.
_INSIDE_WORD = re.compile(r"(?<=[^\W_])[*\\]+(?=[^\W_])")
# A page marker the import wrote (`{{page 29}}`, from a comment of the page): not the page's words.
_PAGE_MARKER = re.compile(r"\{\{page [A-Za-z0-9]{1,12}\}\}")
_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "select", "datalist"}
_BLOCKS = {
    "p",
    "div",
    "blockquote",
    "li",
    "dd",
    "dt",
    "td",
    "th",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "tr",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "caption",
    "address",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "hr",
    "br",
    "body",
    "form",
    "fieldset",
    "legend",
    "main",
}
# The blocks that hold text, counted to say where a loss stands (not lines, rows or lists).
_COUNTED = {
    "p",
    "div",
    "blockquote",
    "li",
    "dd",
    "dt",
    "td",
    "th",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "figcaption",
    "caption",
    "address",
    "legend",
}
# Elements whose edges a reader sees as a gap between words: a superscript call "word¹".
_APART = {"sup", "sub", "img"}
QUOTED_WORDS = 12  # how much of a lost run the error quotes


@dataclass(frozen=True)
class Word:
    text: str  # casefolded
    block: int  # which block of the body it stands in, counted from 1
    tag: str  # that block's element
    shown: str = ""  # for the first word of a run without spaces: that run, as the page shows it
    spelled: str = ""  # the word as the page spells it (not casefolded)


@dataclass(frozen=True)
class Loss:
    words: list[str]
    block: int
    tag: str
    line: int | None
    shown: str = ""  # the run as the page shows it, to be kept verbatim
    at: int = 0  # where it belongs in the output: before its `at`-th word

    def where(self) -> str:
        return f"{self.kind()}, block {self.block} of the page" + (f", line {self.line}" if self.line else "")

    def kind(self) -> str:
        return {"p": "paragraph", "li": "list item", "td": "table cell", "th": "table cell", "body": "loose text"}.get(
            self.tag, "heading" if re.fullmatch(r"h[1-6]", self.tag) else f"<{self.tag}> block"
        )


# The edge of a link, a superscript or a subscript: digits either side of it are two numbers
# ("1848" and its note's call "1", or "10" and its exponent), which the import writes apart.
_SET_APART = {"a", "sup", "sub"}
_EDGE = "\x00"  # never in parsed text: the HTML parser replaces NUL
_DIGITS_APART = re.compile(rf"(?<=\d){_EDGE}+(?=\d)")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words_of(text: str) -> list[str]:
    """The words of written output (Markdown, TOML, the report), as the audit compares them."""
    return WORD.findall(_INSIDE_WORD.sub("", _norm(_PAGE_MARKER.sub(" ", text))))


def _walk(body: ElementTree.Element) -> Iterator[tuple[str, int, str]]:
    """The body's visible text, in order, as (text, block number, block tag); a space is
    yielded wherever a browser would break words apart. Iterative: old pages nest deep."""
    counter = 0
    # Each entry: an element to open, an element to close, or a text (an element's tail).
    stack: list[tuple[str, ElementTree.Element | str, int, str]] = [("open", body, 0, "body")]
    while stack:
        what, item, block, tag = stack.pop()
        if isinstance(item, str):
            yield item, block, tag
            continue
        name = _local(item.tag)
        if what == "close":
            if name in _BLOCKS or name in _APART:
                yield " ", block, tag
            continue
        if not isinstance(item.tag, str) or name in _HIDDEN or item.get("hidden") is not None:
            continue  # comments, processing instructions (bogus comments to HTML5), hidden content
        if name in _COUNTED:
            counter += 1
            block, tag = counter, name
        if name in _BLOCKS or name in _APART:
            yield " ", block, tag
        if name in _SET_APART:
            yield _EDGE, block, tag
        if item.text:
            yield item.text, block, tag
        if name in _SET_APART:
            stack.append(("text", _EDGE, block, tag))
        stack.append(("close", item, block, tag))
        for child in reversed(list(item)):
            if child.tail:
                stack.append(("text", child.tail, block, tag))
            stack.append(("open", child, block, tag))


def _body(page: str) -> ElementTree.Element:
    root = tinyhtml5.parse(page, namespace_html_elements=False)
    body = root.find("body")
    return body if body is not None else root


def readable_words(page: str) -> list[Word]:
    body = _body(page)
    words: list[Word] = []
    pending: list[str] = []
    where = (0, "body")

    def flush() -> None:
        shown = unicodedata.normalize("NFC", _DIGITS_APART.sub(" ", "".join(pending)).replace(_EDGE, ""))
        found = words_of(shown)
        spelled = WORD.findall(_INSIDE_WORD.sub("", shown))
        spelled = spelled if len(spelled) == len(found) else found
        for number, word in enumerate(found):
            words.append(Word(word, *where, shown=shown if number == 0 else "", spelled=spelled[number]))
        pending.clear()

    for text, block, tag in _iter_text(body):
        if text == " ":
            flush()
            where = (block, tag)
            continue
        if not pending:
            where = (block, tag)
        pending.append(text)
    flush()
    return words


def _iter_text(body: ElementTree.Element) -> Iterator[tuple[str, int, str]]:
    for text, block, tag in _walk(body):
        if text != " " and re.search(r"\s", text):
            # Whitespace inside a text is a word boundary like any other.
            pieces = re.split(r"(\s+)", text)
            for piece in pieces:
                yield (" " if piece.isspace() else piece), block, tag
        else:
            yield text, block, tag


def lost_words(page: str, written: str, *, elsewhere: str = "") -> list[Loss]:
    """Runs of the page's words found neither in order in `written` (the part's Markdown) nor,
    as runs of two or more words, anywhere in `written` or `elsewhere` (the ledger's runs),
    which take what the import moved out of the text. Each loss says where in `written` it
    belongs and how the page shows it."""
    page_words = readable_words(page)
    seen = [w.text for w in page_words]
    output = words_of(written)
    moved_to = words_of(elsewhere)
    matcher = difflib.SequenceMatcher(None, seen, output, autojunk=True)
    runs = [(i1, i2, j1, j2) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op in ("delete", "replace")]
    haystack = " " + " ".join([*output, "\x00", *moved_to]) + " "
    outside = set(moved_to)
    losses: list[Loss] = []
    for start, end, out_start, out_end in runs:
        # With a word of context either side: the matcher may have paired a neighbour
        # with the same word elsewhere.
        before, after = seen[start - 1 : start], seen[end : end + 1]
        for piece_start, piece_end in _unfound(seen[start:end], haystack, outside, before, after):
            piece = page_words[start + piece_start : start + piece_end]
            at = out_start + round((out_end - out_start) * piece_start / (end - start))
            losses.append(Loss([w.text for w in piece], piece[0].block, piece[0].tag, None, _shown(piece), at))
    return [_with_line(loss, page) for loss in losses]


def _shown(piece: list[Word]) -> str:
    """A run's words as the page shows them: whole runs without spaces where the run holds
    them whole ("said,"), the word alone where it holds part of one."""
    shown: list[str] = []
    skip = 0
    for index, word in enumerate(piece):
        if skip:
            skip -= 1
            continue
        count = len(words_of(word.shown)) if word.shown else 0
        if count and index + count <= len(piece):
            shown.append(word.shown)
            skip = count - 1
        else:
            shown.append(word.spelled or word.text)
    return " ".join(shown)


def _unfound(
    run: list[str], haystack: str, outside: set[str], before: list[str], after: list[str]
) -> list[tuple[int, int]]:
    """The stretches of `run` that are not, piece by piece, somewhere in the output: each
    piece two words or more, or one word found beside its neighbour on the page, or one
    word the import moved out of the text."""
    missing: list[tuple[int, int]] = []
    index = 0
    while index < len(run):
        length = 0
        while index + length < len(run) and f" {' '.join(run[index : index + length + 1])} " in haystack:
            length += 1
        left = before if index == 0 else run[index - 1 : index]
        right = after if index == len(run) - 1 else run[index + 1 : index + 2]
        beside = any(
            f" {' '.join(pair)} " in haystack for pair in ([*left, run[index]], [run[index], *right]) if len(pair) == 2
        )
        if length >= 2 or (length == 1 and (run[index] in outside or beside)):
            index += length
            continue
        if missing and missing[-1][1] == index:
            missing[-1] = (missing[-1][0], index + 1)
        else:
            missing.append((index, index + 1))
        index += 1
    return missing


def _with_line(loss: Loss, page: str) -> Loss:
    """The line of the page's source the lost words start on, where they can be found there
    (tags and entities may stand between them)."""
    first = [w for w in loss.words[:3] if w != "…"]
    pattern = r"(?:[^\w<]|<[^>]*>|&\w+;|&#\w+;)+".join(re.escape(w) for w in first)
    text = re.sub(
        r"<!--.*?-->|<[^>]*>", lambda tag: re.sub(r"[^\n]", " ", tag.group()), _norm(page), flags=re.S
    )  # words, not markup
    found = re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", text) if first else None
    return replace(loss, line=page.count("\n", 0, found.start()) + 1 if found else None)


# -- the check ---------------------------------------------------------------------------


def audit(page: str, markdown: str, ledger_words: str) -> list[Loss]:
    """The runs of the page's words that are neither in `markdown` (what the page became) nor
    in `ledger_words` (what the mapping recorded it left out or moved): what it lost."""
    return lost_words(page, markdown, elsewhere=ledger_words)


def quote(words: list[str]) -> str:
    """A run of words as the report quotes it: its first words."""
    return " ".join(words[:QUOTED_WORDS]) + (" …" if len(words) > QUOTED_WORDS else "")
