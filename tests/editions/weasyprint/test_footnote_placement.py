"""Footnotes land on the page of their call, and none is lost (builder.editions.weasyprint.footnotes).

WeasyPrint 70.0 on its own moves notes to the page after their call, or drops them, when
a paragraph's widows/orphans meet the foot of a page (Kozea/WeasyPrint #2502, PR #2437).
These tests set one text in many layouts: the lead paragraph grows a few words at a time,
so that across the layouts every note's call falls on every line of a page, the last
lines included. Each layout is written to PDF and read back with PDFium, and every call
and note is found by its unique token (call7x / note7x ... end7x), every word of body text
by its own (b0001x, b0002x, ...).

The stylesheet is the print edition's, reduced: A5, justified 10.5pt/1.4 serif, widows
and orphans 2, notes floated to the foot at 0.85em, multi-paragraph notes as spans.
`footnote-policy: line` is what guarantees a note the page of its call (with `auto`,
WeasyPrint is allowed to, and does, move a note that does not fit below its call to the
next page); with `auto` the tests check that no note is lost and the text is intact.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import pypdfium2 as pdfium
import pytest
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block

from builder.editions.weasyprint.boxes import lines as line_boxes
from builder.editions.weasyprint.boxes import page_box
from builder.editions.weasyprint.footnotes import apply
from builder.editions.weasyprint.page_fill import MINIMUM_FILL, page_fill

LAYOUTS = 32  # lead paragraphs of 3, 8, 13 ... words: calls move ~0.4 line per layout
# Each policy's layouts (half a second of CPU each): every one under `line`, the editions'
# policy (print.css); every other one under `auto`, which is held only to losing nothing.
SWEEP = {"line": range(LAYOUTS), "auto": range(0, LAYOUTS, 2)}
NOTES = 15
# Each policy's layouts are made once per process (_render): keep each policy's tests on one
# xdist worker, and the two policies on two.
ON_LINE = pytest.mark.xdist_group("footnote-placement-line")
ON_AUTO = pytest.mark.xdist_group("footnote-placement-auto")
POLICIES = [pytest.param("line", marks=ON_LINE), pytest.param("auto", marks=ON_AUTO)]

# The sweeps were laid out in DejaVu Serif, which fontconfig took for `serif` until the
# typefaces for other scripts (Noto) came: named, so that a machine's other fonts move no line.
CSS = """
@page { size: A5; margin: 20mm 18mm; @footnote { border-top: 0.5pt solid; } }
html { font-family: "DejaVu Serif"; font-size: 10.5pt; line-height: 1.4; }
body { margin: 0; }
p { text-align: justify; widows: 2; orphans: 2; }
.footnote {
  float: footnote; footnote-policy: %s; footnote-display: block;
  font-size: 0.85em; line-height: 1.3; text-align: justify; text-indent: 0;
}
.footnote .p { display: block; }
.footnote .p:first-child { display: inline; }
.footnote .p + .p { text-indent: 1em; }
.footnote::footnote-call { content: attr(data-label); vertical-align: super; font-size: 0.7em; line-height: 0; }
.footnote::footnote-marker { content: attr(data-label) ". "; }
"""

WORDS = [
    *("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor"),
    *("incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "ad", "minim", "veniam", "quis"),
    *("nostrud", "exercitation", "ullamco", "laboris", "nisi", "aliquip", "ex", "ea", "commodo"),
]


class _Text:
    """Deterministic words; body words each carry a numbered token, in reading order."""

    def __init__(self) -> None:
        self.tokens = 0
        self.words = 0

    def _word(self) -> str:
        self.words += 1
        return WORDS[self.words % len(WORDS)]

    def body(self, count: int) -> str:
        out = []
        for _ in range(count):
            self.tokens += 1
            out.append(f"{self._word()} b{self.tokens:04d}x")
        return " ".join(out)

    def filler(self, count: int) -> str:
        return " ".join(self._word() for _ in range(count))


def _kind(note: int) -> str:
    return ("short", "short", "medium", "long", "paragraphs")[note % 5]


def _note(text: _Text, note: int) -> str:
    kind = _kind(note)
    if kind == "long":  # about 7 lines
        inner = f'<span class="p">note{note}x {text.filler(80)} end{note}x</span>'
    elif kind == "paragraphs":  # three paragraphs, about 8 lines
        inner = (
            f'<span class="p">note{note}x {text.filler(25)}</span>'
            f'<span class="p">{text.filler(35)}</span>'
            f'<span class="p">{text.filler(15)} end{note}x</span>'
        )
    else:
        inner = f'<span class="p">note{note}x {text.filler(4 if kind == "short" else 22)} end{note}x</span>'
    return f'call{note}x<span class="footnote" data-label="{note + 1}">{inner}</span>'


def _html(layout: int, policy: str) -> tuple[str, int]:
    """The text for one layout, and how many body tokens it has."""
    text = _Text()
    paragraphs = [text.body(3 + 5 * layout)]
    note = paragraph = 0
    while note < NOTES:
        paragraph += 1
        length = 20 + (paragraph * 37) % 40  # 2 to 7 lines
        before = (paragraph * 13) % length
        parts = [text.body(before), _note(text, note)]
        note += 1
        if paragraph % 3 == 0 and note < NOTES:  # a second call, a line further on
            parts += [text.body(7), _note(text, note)]
            note += 1
        if paragraph % 4 == 0 and note < NOTES:  # a third, in the same line
            parts += [text.body(1), _note(text, note)]
            note += 1
        parts.append(text.body(length - before))
        paragraphs.append(" ".join(parts))
    paragraphs.append(text.body(30))
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"<html><head><style>{CSS % policy}</style></head><body>{body}</body></html>", text.tokens


@dataclass
class Layout:
    layout: int
    pages: int
    body_tokens: int
    calls: dict[int, list[int]]  # note -> pages (1-based) where its call is printed
    notes: dict[int, list[int]]  # note -> pages of its first word
    ends: dict[int, list[int]]  # note -> pages of its last word
    body: list[int]  # body tokens in the order the PDF gives them
    lines_from_bottom: list[int]  # for each call, its line's place above the page's last line
    fills: list[float]  # how far down its text block each page but the last is filled (page_fill)

    def describe(self) -> str:
        return f"layout {self.layout} (lead of {3 + 5 * self.layout} words, {self.pages} pages)"


def _pages_of(pattern: str, texts: list[str]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for number, text in enumerate(texts, start=1):
        for match in re.finditer(pattern, text):
            found.setdefault(int(match.group(1)), []).append(number)
    return found


def _text(box: boxes.Box) -> str:
    return (getattr(box, "text", None) or "") + " ".join(_text(child) for child in getattr(box, "children", ()))


@contextmanager
def _without_note_split() -> Iterator[None]:
    """WeasyPrint as footnotes.py alone leaves it. The sweep measures where that change puts
    notes; a test process that has built a PDF has the note split installed too (it stays for
    the process), and the sweep's pages, with no cap on the notes' area, would then measure
    notes running on. Which tests ran before on the worker must not decide what is measured."""
    from weasyprint import layout
    from weasyprint.layout import page

    places = [
        (page, "make_page"),
        (page, "block_level_layout"),
        (layout, "block_level_layout"),
        (layout.LayoutContext, "unlayout_footnote"),
        (layout.LayoutContext, "_update_footnote_area"),
    ]
    installed = [(owner, name, getattr(owner, name)) for owner, name in places]
    try:
        for owner, name, function in installed:
            setattr(owner, name, getattr(function, "_builder_original", function))
        yield
    finally:
        for owner, name, function in installed:
            setattr(owner, name, function)


@cache
def _render(policy: str) -> tuple[Layout, ...]:
    apply()
    with _without_note_split():
        return tuple(_lay_out(layout, policy) for layout in SWEEP[policy])


def _lay_out(layout: int, policy: str) -> Layout:
    html, body_tokens = _html(layout, policy)
    document = weasyprint.HTML(string=html).render()
    lines_from_bottom = []
    for page in document.pages:
        lines = line_boxes(page_box(page).children[0])  # the body, not the footnote area
        for index, line in enumerate(lines):
            lines_from_bottom += [len(lines) - 1 - index] * len(re.findall(r"call\d+x", _text(line)))
    # Read back with PDFium: the same text as pypdf gives, a twentieth of the time.
    pdf = pdfium.PdfDocument(document.write_pdf())
    texts = [pdf[index].get_textpage().get_text_range() for index in range(len(pdf))]
    return Layout(
        layout=layout,
        pages=len(texts),
        body_tokens=body_tokens,
        calls=_pages_of(r"call(\d+)x", texts),
        notes=_pages_of(r"note(\d+)x", texts),
        ends=_pages_of(r"end(\d+)x", texts),
        body=[int(token) for text in texts for token in re.findall(r"b(\d{4})x", text)],
        lines_from_bottom=lines_from_bottom,
        fills=[page_fill(page) for page in document.pages[:-1]],
    )


def _fail_if(problems: list[str], what: str, policy: str = "line") -> None:
    if problems:
        pytest.fail(
            f"{what} in {len(problems)} of {len(SWEEP[policy])} layouts:\n  " + "\n  ".join(problems), pytrace=False
        )


def _on(pages: list[int] | None) -> str:
    return "no page" if not pages else f"page {', '.join(map(str, pages))}"


# -- the patch itself --------------------------------------------------------------------------


def test_apply_is_idempotent() -> None:
    apply()
    patched = block._linebox_layout
    assert getattr(patched, "_builder_footnote_patch", False)
    apply()
    apply()
    assert block._linebox_layout is patched


def test_apply_refuses_a_weasyprint_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    apply()
    original = block._linebox_layout._builder_original

    # Another version, even with the same function source: refuse, say what to do.
    monkeypatch.setattr(block, "_linebox_layout", original)
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match=r"found WeasyPrint 71\.0.*Re-check.*delete this module"):
        apply()

    # Same version number, different function: refuse too.
    monkeypatch.setattr(weasyprint, "__version__", "70.0")
    monkeypatch.setattr(block, "_linebox_layout", lambda *args: None)
    with pytest.raises(RuntimeError, match=r"different weasyprint\.layout\.block\._linebox_layout"):
        apply()

    # The genuine 70.0 function is accepted (monkeypatch then restores the patched one).
    monkeypatch.setattr(block, "_linebox_layout", original)
    apply()
    assert block._linebox_layout is not original


# -- the layouts -------------------------------------------------------------------------------


@ON_LINE
@pytest.mark.slow
def test_layouts_put_calls_on_every_line_of_a_page() -> None:
    """The test is only as good as its layouts: calls must reach the foot of the page."""
    places = Counter(place for layout in _render("line") for place in layout.lines_from_bottom)
    message = f"calls per line of a page, counted up from its last line: {sorted(places.items())}"
    assert all(places[place] >= 3 for place in (0, 1, 2)), message
    assert all(places[place] for place in range(15)), message


@ON_LINE
@pytest.mark.slow
def test_every_note_is_on_the_page_of_its_call() -> None:
    problems = []
    for layout in _render("line"):
        wrong = [
            f"note {note} ({_kind(note)}) on {_on(layout.notes[note])} (its end on "
            f"{_on(layout.ends.get(note))}), its call on {_on(layout.calls.get(note))}"
            for note in range(NOTES)
            if note in layout.notes and not (layout.calls.get(note) == layout.notes[note] == layout.ends.get(note))
        ]
        if wrong:
            problems.append(f"{layout.describe()}: " + "; ".join(wrong))
    _fail_if(problems, "Notes away from the page of their call")


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.slow
def test_no_note_is_lost(policy: str) -> None:
    problems = []
    for layout in _render(policy):
        lost = [note for note in range(NOTES) if note not in layout.notes]
        twice = [
            note for note in range(NOTES) if len(layout.notes.get(note, ())) > 1 or len(layout.calls.get(note, ())) != 1
        ]
        early = [
            note
            for note in range(NOTES)
            if note in layout.notes and min(layout.notes[note]) < min(layout.calls.get(note, [0]))
        ]
        if lost or twice or early:
            problems.append(
                f"{layout.describe()}: "
                + "; ".join(
                    f"{label} {', '.join(f'{note} ({_kind(note)})' for note in notes)}"
                    for label, notes in (("lost", lost), ("set twice", twice), ("before its call", early))
                    if notes
                )
            )
    _fail_if(problems, f"Notes lost or misplaced (footnote-policy: {policy})", policy)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.slow
def test_body_text_is_intact_and_in_order(policy: str) -> None:
    problems = []
    for layout in _render(policy):
        expected = list(range(1, layout.body_tokens + 1))
        if layout.body != expected:
            counts = Counter(layout.body)
            missing = [token for token in expected if token not in counts]
            repeated = [token for token, count in counts.items() if count > 1]
            disorder = next(
                (i for i, (got, want) in enumerate(zip(layout.body, expected, strict=False)) if got != want), None
            )
            problems.append(
                f"{layout.describe()}: missing {missing[:10]}, repeated "
                f"{repeated[:10]}, first out of order at word {disorder}"
            )
    _fail_if(problems, f"Body text lost, repeated or reordered (footnote-policy: {policy})", policy)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.slow
def test_no_page_stops_short(policy: str) -> None:
    """A note too tall for the room below its call runs on to the next page rather than
    taking its call's line, and the rest of the page, with it. These layouts are harsher than
    a book (three calls in two lines, a one-line note after an eight-line one): where a
    one-line note cannot fit under a long one already on the page, its call's line moves on,
    and with it, by orphans, its paragraph's first line; one layout then stops at 68 %. Hence
    a lower bar here than the book's MINIMUM_FILL, which tests/editions/weasyprint/test_page_fill.py
    holds Capital to."""
    bar = MINIMUM_FILL - 0.1
    problems = [
        f"{layout.describe()}: "
        + ", ".join(
            f"page {number} filled {fill:.0%}" for number, fill in enumerate(layout.fills, start=1) if fill < bar
        )
        for layout in _render(policy)
        if min(layout.fills) < bar
    ]
    _fail_if(problems, f"Pages stopping short of their foot (footnote-policy: {policy})", policy)


def test_the_note_split_refuses_a_weasyprint_it_was_not_written_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import page

    from builder.editions.weasyprint import note_split as weasyprint_note_split

    weasyprint_note_split.apply()
    installed = page.make_page
    weasyprint_note_split.apply()  # a no-op the second time
    assert page.make_page is installed and getattr(installed, "_builder_note_split_patch", False)

    monkeypatch.setattr(page, "make_page", lambda *args: None)  # as if a new version had come
    with pytest.raises(RuntimeError, match=r"different weasyprint\.layout\.page\.make_page.*#1833"):
        weasyprint_note_split.apply()
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match=r"found WeasyPrint 71\.0"):
        weasyprint_note_split.apply()


# -- notes longer than a page ---------------------------------------------------------------------

LONG_CSS = """
@page { size: A5; margin: 20mm 18mm; \
@footnote { border-top: 0.5pt solid; margin-top: 4mm; padding-top: 2mm; max-height: 70%; } }
html { font-family: "DejaVu Serif"; font-size: 10.5pt; line-height: 1.4; } body { margin: 0; }
p { text-align: justify; widows: 2; orphans: 2; }
.footnote { float: footnote; footnote-policy: line; footnote-display: block; \
font-size: 0.85em; line-height: 1.3; text-align: justify; }
.footnote::footnote-call { content: attr(data-label); vertical-align: super; font-size: 0.7em; line-height: 0; }
.footnote::footnote-marker { content: attr(data-label) ". "; }
"""


def _long_notes_html(lead: int, lengths: tuple[int, ...], gap: int) -> str:
    """Body words b0000x…, and notes of `lengths` words (n<note>w<word>), `gap` words apart."""
    text, counter = [], 0

    def body(count: int) -> str:
        nonlocal counter
        counter += count
        return " ".join(f"b{number:04d}x" for number in range(counter - count, counter))

    text.append(body(lead))
    for note, length in enumerate(lengths):
        words = " ".join(f"n{note}w{word:04d}" for word in range(length))
        text.append(f'call{note}x<span class="footnote" data-label="{note}">{words}</span> {body(gap)}')
    text.append(body(300))
    return f"<html><head><style>{LONG_CSS}</style></head><body><p>{' '.join(text)}</p></body></html>"


@pytest.mark.parametrize("lead", [3, 40, 95, 170, 260])
@pytest.mark.parametrize(("lengths", "gap"), [((1500, 30, 10), 60), ((700, 700, 25), 15), ((900, 5, 5, 400), 4)])
def test_a_note_longer_than_pages_runs_on_over_as_many_as_it_needs(
    lead: int, lengths: tuple[int, ...], gap: int
) -> None:
    """Every note opens on its call's page with at least two lines, runs on at the foot of the
    next pages with at least two lines on each, before any later note, its words in order; the
    notes take at most their share of a page (max-height: 70%), and running text is on every page."""
    from builder.editions.weasyprint import note_split

    apply()
    note_split.apply()
    document = weasyprint.HTML(string=_long_notes_html(lead, lengths, gap)).render()
    calls: dict[int, int] = {}
    seen: list[tuple[int, int]] = []  # (note, word) in reading order
    pages_of: dict[int, list[int]] = {}
    for number, page in enumerate(document.pages):
        root = page_box(page)
        body = _text(root.children[0])
        for note in re.findall(r"call(\d+)x", body):
            calls[int(note)] = number
        area = next((child for child in root.children if isinstance(child, boxes.FootnoteAreaBox)), None)
        if area is None or not area.children:
            continue
        share = (area.height) / root.height
        assert share <= 0.7 + 1e-6, f"lead {lead}: page {number + 1}: the notes take {share:.0%}"
        assert line_boxes(root.children[0]) or number == len(document.pages) - 1, (
            f"lead {lead}: page {number + 1} has no running text"
        )
        for line in line_boxes(area):
            for note, word in re.findall(r"n(\d+)w(\d+)", _text(line)):
                seen.append((int(note), int(word)))
                pages_of.setdefault(int(note), []).append(number)
        for note in {note for note, _ in re.findall(r"n(\d+)w(\d+)", _text(area))}:
            note_lines = [line for line in line_boxes(area) if f"n{note}w" in _text(line)]
            assert len(note_lines) >= 2 or len(re.findall(rf"n{note}w", _text(area))) == lengths[int(note)], (
                f"lead {lead}: page {number + 1}: one line of note {note}"
            )
    expected = [(note, word) for note, length in enumerate(lengths) for word in range(length)]
    assert sorted(seen) == expected, f"lead {lead}: words of notes lost or repeated"
    for note in range(len(lengths)):
        assert pages_of[note][0] == calls[note], (
            f"lead {lead}: note {note} opens on page {pages_of[note][0] + 1}, its call on {calls[note] + 1}"
        )
        assert [word for n, word in seen if n == note] == list(range(lengths[note])), (
            f"lead {lead}: note {note} out of order"
        )
    # Before any later note: on each page, the rest of an earlier note comes first.
    for number in sorted(set(page for pages in pages_of.values() for page in pages)):
        order = [note for note, pages in sorted(pages_of.items()) for page in pages if page == number]
        assert order == sorted(order)
    reading = [note for note, _ in seen]
    assert all(a <= b or pages_of[a][0] != pages_of[b][-1] for a, b in itertools.pairwise(reading)), (
        f"lead {lead}: a later note before an earlier one's rest"
    )
