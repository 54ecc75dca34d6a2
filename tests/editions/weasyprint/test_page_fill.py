"""Capital laid out, the short case (chapter 1: 23,000 words, 38 notes) in every trim and the
long one (chapter 15: 57,000 words, 246 notes, note 109 of 624 words, longer than a page of
notes) in the smallest and the tallest:
a note starts on its call's page and runs on at the foot of as many pages as it needs, taking
at most the notes' share of a page (print.css, @footnote max-height), so no page of running
text stops short, and running text appears on every page.

Each work is laid out once per trim (a session-scoped fixture, one trim at a time in memory),
as the PDF writer lays it out (builder.editions.pdf.lay_out_pdf), measured from the boxes
(builder.editions.weasyprint.page_fill), then written and read back: every note opens on its
call's page, none is set twice, none is lost, and every note's words come back in order.
Each (work, trim) is an xdist group of its own, so that a parallel run lays each out once."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from weasyprint import Document

from builder.editions.html import render
from builder.editions.pdf import lay_out_pdf, notes_off_their_page, notes_overrunning, trims
from builder.editions.weasyprint.boxes import descendants, footnote_area, lines, page_box
from builder.editions.weasyprint.page_fill import MINIMUM_FILL, running_text_fills
from builder.source.loader import load_work
from builder.source.model import Work
from tests.conftest import ROOT
from tests.support import pdf_text
from tests.support.words import is_subsequence

CHAPTER_1 = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
NOTES_SHARE = 0.7  # print.css: @footnote { max-height: 70% }


@dataclass(frozen=True)
class Laid:
    name: str
    trim: str
    work: Work
    document: Document
    pdf: Path


@pytest.fixture(scope="session")
def chapter_15(capital_ch15_imported: tuple[Path, list[str]]) -> Path:
    """Capital's chapter 15, imported from the corpus once a run (conftest.py) for both of its
    trims' groups (which may run on both workers) and the import's audit."""
    return capital_ch15_imported[0]


# Known defects, page by page, each still held to the rest of the test: in ch. 15's A4 layout
# page 20 stops at 67 % (a note running on leaves its last page's room unused). Not yet mended.
KNOWN_SHORT: dict[tuple[str, str], set[int]] = {("ch15", "a4"): {20}}

# Chapter 15 takes about 20 s of CPU a trim: it is laid out in A5, the smallest page (where
# notes run on most), and A4, the tallest (where the known short page is); US trade and US
# letter are near each in size and type.
LONG_CASE_TRIMS = ("a5", "a4")
CASES = [
    pytest.param(
        (name, trim),
        marks=[pytest.mark.xdist_group(f"capital-{name}-{trim}"), pytest.mark.slow(20 if name == "ch15" else 5)],
        id=f"{name}-{trim}",
    )
    for name, chosen in (("ch01", trims()), ("ch15", LONG_CASE_TRIMS))
    for trim in chosen
]


@pytest.fixture(scope="session", params=CASES)
def laid(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Laid:
    name, trim = request.param
    work = load_work(CHAPTER_1 if name == "ch01" else request.getfixturevalue("chapter_15"))
    document = lay_out_pdf(work, trim)
    path = tmp_path_factory.mktemp("fill") / f"capital-{name}-{trim}.pdf"
    path.write_bytes(document.write_pdf())
    return Laid(name, trim, work, document, path)


@pytest.mark.slow
def test_no_page_of_running_text_stops_short(laid: Laid) -> None:
    fills = running_text_fills(laid.document)
    assert len(fills) > 30, "the measurement must see the chapter's pages"
    known = KNOWN_SHORT.get((laid.name, laid.trim), set())
    short = [
        f"page {fill.number}: {fill.fill:.0%}"
        for fill in fills
        if fill.fill < MINIMUM_FILL and fill.number not in known
    ]
    assert not short, (
        f"{laid.name} {laid.trim}: pages of running text filled less than {MINIMUM_FILL:.0%}: {', '.join(short)}"
    )
    mended = known - {fill.number for fill in fills if fill.fill < MINIMUM_FILL}
    assert not mended, f"{laid.name} {laid.trim}: page(s) {sorted(mended)} are full now: take them out of KNOWN_SHORT"


@pytest.mark.slow
def test_running_text_on_every_page_and_notes_within_their_share(laid: Laid) -> None:
    problems = []
    for number, page in enumerate(laid.document.pages, start=1):
        box = page_box(page)
        area = footnote_area(box)
        if area is None or not area.children:
            continue
        share = (area.margin_height() - area.margin_top - area.padding_top - area.border_top_width) / box.height
        if share > NOTES_SHARE + 0.005:
            problems.append(f"page {number}: notes take {share:.0%} of the page")
        if not lines(box.children[0]) and number < len(laid.document.pages):
            problems.append(f"page {number}: notes and no running text")
    assert not problems, f"{laid.name} {laid.trim}: " + "; ".join(problems)


def _plain(words: str) -> list[str]:
    return [
        word.replace("-", "").replace("\u2010", "")
        for word in words.split()
        if word.replace("-", "").replace("\u2010", "")
    ]


def _note_words(work: Work) -> dict[str, list[str]]:
    """Every note's words, label first."""
    return {
        note.label: _plain(f"{note.label}. " + etree.fromstring(f"<div>{render(note.tokens)}</div>").xpath("string()"))
        for note in work.notes
    }


def _laid_text(box: object) -> str:
    """A laid-out box's text, its lines joined (a line ending in a hyphen runs into the next)."""
    text = []
    for line in lines(box):
        words = "".join(getattr(each, "text", None) or "" for each in descendants(line))
        text.append(words if words.endswith(("-", "\u2010")) else words + " ")
    return "".join(text)


def _laid_notes(document: Document) -> dict[str, list[tuple[int, str]]]:
    """Each note's pieces as laid out, page by page: (page index, text)."""
    pieces: dict[str, list[tuple[int, str]]] = {}
    for number, page in enumerate(document.pages):
        area = footnote_area(page_box(page))
        for note in area.children if area is not None else ():
            pieces.setdefault(note.element.get("data-label"), []).append((number, _laid_text(note)))
    return pieces


@pytest.mark.slow
def test_every_note_opens_on_its_calls_page_and_runs_on_in_order(laid: Laid) -> None:
    assert notes_off_their_page(laid.document) == set()
    assert notes_overrunning(laid.document) == set()
    calls: dict[str, list[int]] = {}
    opens: dict[str, int] = {}  # the page of a note's first line: its label, a full stop, a space
    pages = [[(piece.size, piece.text) for piece in page] for page in pdf_text.pieces(laid.pdf)]
    body_size = Counter(round(size, 1) for pieces in pages for size, _ in pieces).most_common(1)[0][0]
    labels = {note.label for note in laid.work.notes}
    for number, pieces in enumerate(pages):
        for size, text in pieces:
            if size < 0.72 * body_size and " " not in text:
                calls.setdefault(text, []).append(number)
            elif size < 0.9 * body_size and (match := re.match(r"(\S+?)\.(\s|$)", text)) and match.group(1) in calls:
                opens.setdefault(match.group(1), number)
    # Calls side by side ("108109") read back as one piece, and a label set small may also be
    # a figure in the text: check the labels found once (the boxes, above, hold every note to
    # its call's page).
    once = {label for label in labels if len(calls.get(label, ())) == 1}
    assert len(once) > 0.8 * len(labels), f"{len(once)} of {len(labels)} calls found once"
    astray = {
        label: (calls[label][0] + 1, opens[label] + 1 if label in opens else None)
        for label in once
        if opens.get(label) != calls[label][0]
    }
    assert astray == {}, (
        f"{laid.name} {laid.trim}: notes not opening on their call's page (call page, note page): {astray}"
    )

    # Each note's words, in order, in its pieces from page to page (from the laid-out boxes:
    # pieces of notes that run on side by side interleave in the PDF's reading order); and in
    # the PDF, read back at the notes' size (0.82 of the text's: running heads are 0.85), from
    # the page where the note opens.
    expected = _note_words(laid.work)
    pieces = _laid_notes(laid.document)
    assert set(pieces) == set(expected)
    small = [
        _plain(" ".join(text for size, text in page if 0.81 * body_size <= size <= 0.83 * body_size)) for page in pages
    ]
    with_tables = {note.label for note in laid.work.notes if any(token.type == "table_open" for token in note.tokens)}
    known = []
    for label, words in expected.items():
        laid_words = _plain(" ".join(text for _, text in pieces[label]))
        found, where = is_subsequence(words, laid_words)  # a word hyphenated at a line's end comes in two pieces
        if not found and label in with_tables:
            known.append(f"note {label}: {where}")
            continue
        assert found and len(laid_words) <= 2 * len(words), (
            f"{laid.name} {laid.trim}: note {label} as laid out: {where}"
        )
        for number, text in pieces[label]:  # each piece, letter for letter, in its page's notes as the PDF gives them
            assert "".join(_plain(text)) in "".join(small[number]), (
                f"{laid.name} {laid.trim}: note {label} not read back whole from page {number + 1}: {text[:80]!r}"
            )
    if known:
        pytest.xfail(
            "known, not yet understood: a note holding a table reads back "
            f"out of order in {laid.name} {laid.trim}: {'; '.join(known)}"
        )
