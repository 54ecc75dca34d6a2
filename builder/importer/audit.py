"""The import checks itself: every word a browser shows of a page's body must be in what the
import wrote (the Markdown, work.toml) or be quoted in the report as left out, in the page's
order; and every note-like thing of the page must have become a note (called, or an editor's
note kept uncalled) or be named in the report.

The page is read again here with an HTML5 parser (tinyhtml5, the parser WeasyPrint uses), as a
browser reads it, independently of the mapping's own parser: a construct the mapping does not
know loses words the browser still shows, and this check sees them.

What it cannot see: a word moved to a wrong place that is still present elsewhere in a run of
two or more words, a word replaced by itself, text a browser shows from CSS (`content:`) or
images, and a note's text attached to the wrong call when both carry the same number."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

import tinyhtml5

from ..errors import BuildError
from .notes import MARKER, label_of

WORD = re.compile(r"[^\W_]+")
# Markup Markdown puts inside a word (`wor**d**`, `a\*b`): not a word boundary on the page.
_INSIDE_WORD = re.compile(r"(?<=[^\W_])[*\\]+(?=[^\W_])")
_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "select", "datalist"}
_BLOCKS = {"p", "div", "blockquote", "li", "dd", "dt", "td", "th", "center", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr", "ul", "ol", "dl", "figure", "figcaption", "caption", "address", "section", "article", "aside", "header", "footer", "nav", "hr", "br", "body", "form", "fieldset", "legend", "main"}
# The blocks that hold text, counted to say where a loss stands (not lines, rows or lists).
_COUNTED = {"p", "div", "blockquote", "li", "dd", "dt", "td", "th", "center", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figcaption", "caption", "address", "legend"}
# Elements whose edges a reader sees as a gap between words: a superscript call "word¹".
_APART = {"sup", "sub", "img"}
_NOTES_HEADING = re.compile(r"^\s*(Notes|Footnotes|Endnotes|End ?notes)\s*:?\s*$", re.I)
_LEADING_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3}[a-z]?)\]|\((\d{1,3}[a-z]?)\)|(\d{1,3}[a-z]?)\.)\s*\S")
QUOTED_WORDS = 12  # how much of a lost run the error quotes


@dataclass(frozen=True)
class Word:
    text: str  # casefolded
    block: int  # which block of the body it stands in, counted from 1
    tag: str  # that block's element


@dataclass(frozen=True)
class NoteLike:
    number: str  # its label, as the notes module reads numbers
    words: list[str]  # the first words of its text, casefolded
    block: int


@dataclass(frozen=True)
class Loss:
    words: list[str]
    block: int
    tag: str
    line: int | None

    def where(self) -> str:
        kind = {"p": "paragraph", "li": "list item", "td": "table cell", "th": "table cell", "body": "loose text"}.get(self.tag, "heading" if re.fullmatch(r"h[1-6]", self.tag) else f"<{self.tag}> block")
        return f"{kind}, block {self.block} of the page" + (f", line {self.line}" if self.line else "")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def words_of(text: str) -> list[str]:
    """The words of written output (Markdown, TOML, the report), as the audit compares them."""
    return WORD.findall(_INSIDE_WORD.sub("", _norm(text)))


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
        if item.text:
            yield item.text, block, tag
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
        for word in words_of("".join(pending)):
            words.append(Word(word, *where))
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
    as runs of two or more words, anywhere in `written` or `elsewhere` (work.toml, the
    report's quotations), which take what the import moved out of the text."""
    page_words = readable_words(page)
    seen = [w.text for w in page_words]
    output = words_of(written)
    moved_to = words_of(elsewhere)
    matcher = difflib.SequenceMatcher(None, seen, output, autojunk=True)
    runs = [(i1, i2) for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]
    haystack = " " + " ".join([*output, "\x00", *moved_to]) + " "
    outside = set(moved_to)
    losses: list[Loss] = []
    for start, end in runs:
        # With a word of context either side: the matcher may have paired a neighbour
        # with the same word elsewhere.
        before, after = seen[start - 1 : start], seen[end : end + 1]
        for piece_start, piece_end in _unfound(seen[start:end], haystack, outside, before, after):
            piece = page_words[start + piece_start : start + piece_end]
            losses.append(Loss([w.text for w in piece], piece[0].block, piece[0].tag, None))
    return [_with_line(loss, page) for loss in _merge(losses)]


def _unfound(run: list[str], haystack: str, outside: set[str], before: list[str], after: list[str]) -> list[tuple[int, int]]:
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
        beside = any(f" {' '.join(pair)} " in haystack for pair in ([*left, run[index]], [run[index], *right]) if len(pair) == 2)
        if length >= 2 or (length == 1 and (run[index] in outside or beside)):
            index += length
            continue
        if missing and missing[-1][1] == index:
            missing[-1] = (missing[-1][0], index + 1)
        else:
            missing.append((index, index + 1))
        index += 1
    return missing


def _merge(losses: list[Loss]) -> list[Loss]:
    merged: list[Loss] = []
    for loss in losses:
        if merged and merged[-1].block == loss.block:
            merged[-1] = Loss([*merged[-1].words, "…", *loss.words], loss.block, loss.tag, None)
        else:
            merged.append(loss)
    return merged


def _with_line(loss: Loss, page: str) -> Loss:
    """The line of the page's source the lost words start on, where they can be found there
    (tags and entities may stand between them)."""
    first = [w for w in loss.words[:3] if w != "…"]
    pattern = r"(?:[^\w<]|<[^>]*>|&\w+;|&#\w+;)+".join(re.escape(w) for w in first)
    text = re.sub(r"<!--.*?-->|<[^>]*>", lambda tag: re.sub(r"[^\n]", " ", tag.group()), _norm(page), flags=re.S)  # words, not markup
    found = re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", text) if first else None
    return Loss(loss.words, loss.block, loss.tag, page.count("\n", 0, found.start()) + 1 if found else None)


# -- notes -------------------------------------------------------------------------------

def note_like(page: str) -> list[NoteLike]:
    """What a reader would take for a note: the block an anchor named by a "[n]" link stands
    in, when that block starts with a number; a paragraph starting "[n]"; the numbered
    paragraphs of a "Notes" or "Footnotes" section."""
    body = _body(page)
    parents = {child: parent for parent in body.iter() for child in parent}
    order = {id(element): number for number, element in enumerate(body.iter())}
    named = {e.get("name") or e.get("id"): e for e in body.iter() if isinstance(e.tag, str) and (e.get("name") or e.get("id"))}
    found: dict[int, NoteLike] = {}

    def block_of(element: ElementTree.Element) -> ElementTree.Element | None:
        current: ElementTree.Element | None = element
        while current is not None and _local(current.tag) not in _BLOCKS:
            current = parents.get(current)
        return current

    def consider(block: ElementTree.Element | None, *, in_section: bool = False) -> None:
        if block is None or _local(block.tag) in ("body", "table", "tr", "ul", "ol", "dl") or id(block) in found:
            return
        text = " ".join(_visible(block).split())
        match = _LEADING_NUMBER.match(text)
        leading = _leading_link(block)
        if match:
            number = next(g for g in match.groups() if g)
            if not in_section and match.group(3) and leading is None:
                return  # "1. …" outside a notes section is a numbered paragraph
            rest = text[match.end() - 1 :]
        elif leading is not None and MARKER.match(leading_text := "".join(leading.itertext())):
            number = label_of(leading_text)
            rest = text.replace(leading_text.strip(), "", 1)
        else:
            return
        found[id(block)] = NoteLike(number, WORD.findall(_norm(rest))[:8], order[id(block)])

    for link in body.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and MARKER.match("".join(link.itertext()) or "") and (target := named.get(href[1:])) is not None:
            block = block_of(target)
            if not "".join(target.itertext()).strip() and (block is None or _local(block.tag) in ("body", "div")):
                following = _next_element(target, parents)
                block = following if following is not None and _local(following.tag) in _BLOCKS else block
            consider(block)
    for block in body.iter():
        if _local(block.tag) == "p" and re.match(r"^\s*\[\d{1,3}[a-z]?\]\s*\S", _visible(block)):
            consider(block)
    in_section = False
    for element in body.iter():
        name = _local(element.tag)
        if re.fullmatch(r"h[1-6]", name):
            in_section = bool(_NOTES_HEADING.match(_visible(element)))
        elif in_section and name in ("p", "li", "dd"):
            consider(element, in_section=True)
    return sorted(found.values(), key=lambda note: note.block)


def _visible(element: ElementTree.Element) -> str:
    return "".join(text for text, _, _ in _walk(element))


def _leading_link(block: ElementTree.Element) -> ElementTree.Element | None:
    """The link or superscript a block starts with, looking through <b>, <strong>, <span>."""
    current = block
    while not (current.text or "").strip() and len(current):
        current = current[0]
        if _local(current.tag) == "sup" or (_local(current.tag) == "a" and current.get("href")):
            return current
        if _local(current.tag) not in ("b", "strong", "span", "font", "small", "em", "i"):
            return None
    return None


def _next_element(element: ElementTree.Element, parents: dict[ElementTree.Element, ElementTree.Element]) -> ElementTree.Element | None:
    parent = parents.get(element)
    if parent is None:
        return None
    siblings = list(parent)
    index = siblings.index(element)
    return siblings[index + 1] if index + 1 < len(siblings) else None


_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:[ \t]*", re.M)


def written_notes(markdown: str) -> dict[str, list[str]]:
    """The notes a part's Markdown defines: label → its words."""
    notes: dict[str, list[str]] = {}
    matches = list(_DEFINITION.finditer(markdown))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(markdown)
        body = markdown[match.end() : end]
        body = re.split(r"\n\n(?! {4})", body, maxsplit=1)[0]  # a note ends at the first unindented block
        notes[match.group(1)] = words_of(body)
    return notes


def lost_notes(page: str, markdown: str, report: str) -> list[NoteLike]:
    """The page's note-like things that became no note and that the report does not name."""
    notes = written_notes(markdown)
    reported = _norm(report)
    missing = []
    for note in note_like(page):
        number = note.number.casefold()
        ours = [words for label, words in notes.items() if re.split(r"[-_]", label.casefold())[-1] == number]
        if any(words[: len(note.words)] == note.words for words in ours):
            continue
        if f"[{number}]" in reported and " ".join(note.words[:3]) in " ".join(words_of(reported)):
            continue  # named in the report, with its words
        missing.append(note)
    return missing


# -- the check ---------------------------------------------------------------------------

def audit(page: str, where: str, markdown: str, elsewhere: str) -> None:
    """Fail the page's import if it lost words or notes. `markdown` is what the page became;
    `elsewhere`, the work.toml and the report's text."""
    losses = lost_words(page, markdown, elsewhere=elsewhere)
    if losses:
        shown = "; ".join(f"“{_quote(loss.words)}” ({loss.where()})" for loss in losses)  # every one: said whole
        raise BuildError(where, f"the import lost {len(losses)} run(s) of the page's words: {shown}", hint="the page has a construct the importer does not read; report the page, or copy the words into the source by hand", code="I010")
    notes = lost_notes(page, markdown, elsewhere)
    if notes:
        shown = "; ".join(f"[{note.number}] “{_quote(note.words)}”" for note in notes)
        raise BuildError(where, f"{len(notes)} note(s) of the page did not become notes: {shown}", hint="the page writes its notes in a way the importer does not read; report the page, or make the notes by hand", code="I011")


def _quote(words: list[str]) -> str:
    return " ".join(words[:QUOTED_WORDS]) + (" …" if len(words) > QUOTED_WORDS else "")


def audit_pages(pages: list[tuple[str, str, str]], elsewhere: str) -> None:
    """Each (page's name, its HTML, the Markdown it became) audited; `elsewhere` is the
    work.toml and the report's text, which take what the import moved out of the text."""
    for where, page, markdown in pages:
        audit(page, where, markdown, elsewhere)
