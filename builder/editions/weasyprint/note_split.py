"""Let a long footnote start on its call's page and run on at the foot of as many pages as it
needs (WeasyPrint 70.0).

``apply()`` (called by ``typeset.py`` before any layout) installs the change; calling it
again does nothing. It refuses, with ``RuntimeError``, any WeasyPrint other than the exact
version and function sources it was written for, so that an upgrade can never drop or
misapply it silently.

Upstream (github.com/Kozea/WeasyPrint): #1833 (open: a footnote is never split across
pages, so a note taller than the room its call's page leaves moves to the next page with
its call's line, leaving the page short); #1924 (room kept on a page for a note that then
moves on). Prince, Antenna House, TeX and Typst all split such a note; books do.

How. WeasyPrint lays out a page's footnote area as one block, with no bottom limit, each
time a note is added. Here the area is limited to the notes' share of a page (its
``max-height`` in print.css) and, when the note of a call's line does not fit below that
line, to the room below the line: ``split_note()`` (called at that point by the patched
``_linebox_layout`` of ``footnotes.py``) sets that limit. The area then breaks like any
block that meets the foot of a page, between the note's lines, with its own ``orphans`` and
``widows`` (at least two lines on each page); the rest of the note opens the next page's
area, before any other note, and runs on the same way over as many pages as it takes.
While a note runs on, a note called on the same page still starts there: the area is then
laid out in pieces stacked into one (``_compose``), each note that must stand whole keeping
the room it needs, each note that runs on keeping two lines and taking, in order, what is
left. If the room below a call's line cannot take two lines of its note, nothing changes:
the line moves on as before (and if it cannot, the PDF writer reports P005).

State lives on the layout context, by page number, so that a page laid out again
(WeasyPrint repaginates for counters) splits afresh: ``room`` (the area's limit below a
call's line), ``split_here`` (the notes split at their calls on a page) and ``carried``
(the notes a page's area opens with, continued from the page before, and where in each to
resume), set when a page is made from where its area broke.

Limits: notes are split only in the main flow, not in columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from math import inf
from typing import Any

from .boxes import lines
from .upstream_source import refuse_other_weasyprint

__all__ = ["COPIES", "apply", "split_note"]

_EXPECTED_VERSIONS = frozenset({"70.0"})
# sha256 of inspect.getsource() of each function this module wraps (it copies none).
_EXPECTED_SOURCE_SHA256 = {
    "weasyprint.layout.page.make_page": "656f183328e8b1b56311a342621442056c067422958dcaf6730acdfb6c7b8971",
    "weasyprint.layout.block.block_level_layout": "c1301dde9284e24519ee0432b508d6cd79768018d2564d4066f0fdf103982dd6",
    "weasyprint.layout.LayoutContext.unlayout_footnote": (
        "c7c223cf4a0fda5451c7da9f5a95603c21dda3f8286000c989b942ca71d58bfc"
    ),
    "weasyprint.layout.LayoutContext._update_footnote_area": (
        "2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1"
    ),
}
COPIES: dict[str, Any] = {}  # upstream's name → a copy of it in this module: none

_PATCH_MARKER = "_builder_note_split_patch"


@dataclass
class _Splits:
    room: dict[int, float] = field(default_factory=dict)  # page number → footnote area's height limit
    split_here: dict[int, list[Any]] = field(default_factory=dict)  # page number → the notes split at their calls there
    # page number → [(note, skip stack)], in order
    carried: dict[int, list[tuple[Any, Any]]] = field(default_factory=dict)
    # where the last area layout broke: (note index, skip stack)
    last_breaks: list[tuple[int, Any]] = field(default_factory=list)
    last_area: Any = None  # and the area it laid out
    last_reached: int = 0  # and how many of the page's notes it reached


def _splits(context: Any) -> _Splits:
    splits = getattr(context, "_builder_note_splits", None)
    if splits is None:
        splits = _Splits()
        context._builder_note_splits = splits
    return splits


def split_note(context: Any, footnote: Any, needed_bottom: float) -> bool:
    """Make room for ``footnote``, just laid out on the current page and too tall for it, so
    that the footnote area ends where a line reaching ``needed_bottom`` still fits: notes on
    the page that run on to the next give up room so that it stands whole, or else it is split
    there, its rest going to the next page. Return False, changing nothing, when the room left
    cannot take the note's ``orphans`` lines, or when another note waits whole for the next page."""
    if getattr(context, "_builder_note_splits", None) is None or context.in_column:
        return False  # apply() not called: WeasyPrint's own behaviour
    splits = _splits(context)
    page = context.current_page
    notes = context.current_page_footnotes
    here = splits.split_here.setdefault(page, [])
    if any(other not in here for other in context.reported_footnotes) or not notes or notes[-1] is not footnote:
        return False  # a note waits whole for the next page: a later one cannot come before it
    previous_room = splits.room.get(page)
    splits.room[page] = min(
        context.current_footnote_area.position_y - needed_bottom, _most(context.current_footnote_area)
    )
    last = len(notes) - 1
    if _flexible(context, splits):
        # Notes that run on are already on the page: they give up room so that this one
        # stands whole below its call, if it can.
        context._update_footnote_area()
        whole = not splits.last_breaks or (
            not _cut_short(context, splits) and all(index != last for index, _ in splits.last_breaks)
        )
        if whole and splits.last_area.margin_height() <= splits.room[page] + 1e-6:
            return True
    here.append(footnote)
    context._update_footnote_area()
    breaks, area = splits.last_breaks, splits.last_area
    if (
        not breaks or breaks[-1][0] != last or breaks[-1][1] is None or _cut_short(context, splits)
        or area.margin_height() > splits.room[page] + 1e-6
        or len(lines(area.children[-1])) < footnote.style["orphans"]
    ):
        # The note does not reach this page with at least `orphans` lines (an area laid out
        # alone on its page places one line whatever the room), or, oddly, fits whole: undo.
        here.remove(footnote)
        if previous_room is None:
            del splits.room[page]
        else:
            splits.room[page] = previous_room
        context._update_footnote_area()
        return False
    context.reported_footnotes.append(footnote)
    return True


def _most(area: Any) -> float:
    """The most room, from its top, that a footnote area may take: its max-height (print.css
    gives the notes' share of a page) below its margin, border and padding."""
    most = getattr(area, "max_height", inf)
    if not isinstance(most, int | float) or most == inf:
        return inf
    return float(area.margin_top + area.border_top_width + area.padding_top + most)


def _carried_count(context: Any, splits: _Splits) -> int:
    """How many of the page's notes, from the first, are the rests of notes begun before."""
    carried = splits.carried.get(context.current_page) or []
    notes = context.current_page_footnotes
    count = 0
    while count < min(len(carried), len(notes)) and notes[count] is carried[count][0]:
        count += 1
    return count


def _cut_short(context: Any, splits: _Splits) -> bool:
    """Whether the footnote area just laid out breaks where it should not. It may break in the
    rest of a note begun on a page before, and in its last note when that note is being split
    at its call (split_note); a note after any other break is not on the page, and a note
    broken elsewhere would lose its end: for WeasyPrint, the area overflows."""
    notes, breaks = context.current_page_footnotes, splits.last_breaks
    if not notes or not breaks or context.in_column:
        return False
    flexible = _flexible(context, splits)
    return not all(index in flexible for index, _ in breaks)


def _flexible(context: Any, splits: _Splits) -> set[int]:
    """The page's notes that may break on it: rests of notes begun before, and notes split at
    their calls here (each runs on to the next page)."""
    here = splits.split_here.get(context.current_page) or []
    return set(range(_carried_count(context, splits))) | {
        index for index, note in enumerate(context.current_page_footnotes) if note in here
    }


def _carry_the_rest(context: Any, splits: _Splits, page: int) -> None:
    """After a page is made: each note its footnote area (as last laid out, for the page itself)
    broke in goes on at the head of the next page's area, in order, before any other note."""
    notes = context.current_page_footnotes
    if context.in_column or not notes:
        return
    broken = [(notes[index], skip) for index, skip in splits.last_breaks if index < len(notes) and skip is not None]
    if not broken:
        return
    splits.carried[page + 1] = broken
    # Then any note after the last break that the area did not reach (none should: _cut_short
    # made their calls' lines move on), then the notes reported whole.
    waiting = [note for note, _ in broken] + notes[splits.last_reached:]
    laid = {id(note) for note in waiting}
    context.reported_footnotes[:] = waiting + [other for other in context.reported_footnotes if id(other) not in laid]


def _decoration(area: Any) -> float:
    """The height of an area's margin, border and padding above its notes."""
    return float(area.margin_top + area.border_top_width + area.padding_top)


def _compose(
    layout_block: Callable[..., Any],
    context: Any,
    box: Any,
    bottom: float,
    skips: list[Any],
    flexible: set[int],
    args: Any,
    kwargs: Any,
) -> tuple[Any, list[tuple[int, Any]]]:
    """Lay out a footnote area in which more than one note may break, or one before the last:
    each such note alone, the notes between them together, as areas of their own stacked into
    one. Notes that must stand whole keep the room they need; each note that may break keeps
    room for two of its lines and, in order, takes what is left (the earlier first)."""
    children = list(box.children)
    top = box.position_y
    decoration = _decoration(box)
    pieces: list[tuple[list[int], bool]] = []  # (indices of the notes, may break)
    for index in range(len(children)):
        if index in flexible or not pieces or pieces[-1][1]:
            pieces.append(([index], index in flexible))
        else:
            pieces[-1][0].append(index)

    def lay(indices: list[int], y: float, limit_y: float) -> Any:
        piece = box.copy_with_children([children[index] for index in indices])
        piece.position_y = y - decoration  # its notes start at y
        skip = skips[indices[0]] if indices[0] < len(skips) else None
        return layout_block(
            context, piece, context.page_bottom - limit_y, {0: skip} if skip is not None else None, *args, **kwargs
        )

    def height(result: Any) -> float:
        return float(result[0].content_box_y() + result[0].height - (result[0].position_y + decoration))

    def need(indices: list[int], breaks: bool) -> float:
        laid = lay(indices, top + decoration, inf)
        if not breaks:
            return height(laid)
        found = lines(laid[0])
        return (
            float(
                found[min(1, len(found) - 1)].position_y
                + found[min(1, len(found) - 1)].height
                - laid[0].content_box_y()
            )
            if found
            else 0.0
        )

    bottom_y = context.page_bottom - bottom
    needs = [need(indices, breaks) for indices, breaks in pieces]
    results, found_breaks, y = [], [], top + decoration
    for number, (indices, _) in enumerate(pieces):
        result = lay(indices, y, bottom_y - sum(needs[number + 1:]))
        results.append(result)
        if result[1] is not None:
            ((index, skip),) = result[1].items()
            found_breaks.append((indices[index], skip))
        y += height(result)
    first, last = results[0][0], results[-1][0]
    merged = first.copy_with_children([child for result in results for child in result[0].children])
    merged.height = last.content_box_y() + last.height - first.content_box_y()
    return (merged, *results[-1][1:]), found_breaks


def _make_wrappers(layout: Any, page_module: Any) -> tuple[Callable[..., Any], ...]:
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    original_make_page = page_module.make_page
    original_block_level_layout = page_module.block_level_layout
    original_unlayout = layout.LayoutContext.unlayout_footnote
    original_update = layout.LayoutContext._update_footnote_area

    def make_page(
        context: Any, root_box: Any, page_type: Any, resume_at: Any, page_number: int, page_state: Any
    ) -> Any:
        splits = _splits(context)
        splits.room.pop(page_number, None)
        splits.split_here.pop(page_number, None)
        splits.carried.pop(page_number + 1, None)
        if carried := splits.carried.get(page_number):
            # The notes' starts were laid out on pages before; if those were not laid out again
            # in this pass, WeasyPrint no longer holds their rests as reported: restore them.
            notes = [note for note, _ in carried]
            ids = {id(note) for note in notes}
            context.reported_footnotes[:] = notes + [
                other for other in context.reported_footnotes if id(other) not in ids
            ]
            for note in notes:
                if note in context.footnotes:
                    context.footnotes.remove(note)
        splits.last_breaks = []
        result = original_make_page(context, root_box, page_type, resume_at, page_number, page_state)
        _carry_the_rest(context, splits, page_number)
        return result

    def block_level_layout(
        context: Any, box: Any, bottom_space: float, skip_stack: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if not isinstance(box, FootnoteAreaBox) or skip_stack is not None:
            return original_block_level_layout(context, box, bottom_space, skip_stack, *args, **kwargs)
        splits = _splits(context)
        page = context.current_page
        # Break the area, as any block, where it reaches `room` below its top position (on a
        # page that splits a note at its call) or its max-height, the notes' share of a page.
        room = min(splits.room.get(page, inf), _most(box))
        if room < inf:
            bottom_space = context.page_bottom - (box.position_y + room)
        skips = [skip for _, skip in (splits.carried.get(page) or [])[: _carried_count(context, splits)]]
        flexible = _flexible(context, splits) | ({len(box.children) - 1} if page in splits.room else set())
        if skips or room < inf:
            # A broken block loses its margin, border and padding at the break (`slice`);
            # the area must keep them, or the room WeasyPrint counts for it (from its style)
            # and the room it takes differ, and its rule would be lost on the next page.
            box.style["box_decoration_break"] = "clone"
        if flexible <= {len(box.children) - 1}:  # at most the last note breaks: one layout
            result = original_block_level_layout(
                context, box, bottom_space, {0: skips[0]} if skips else None, *args, **kwargs
            )
            splits.last_breaks = [next(iter(result[1].items()))] if result[1] else []
            splits.last_reached = splits.last_breaks[-1][0] + 1 if splits.last_breaks else len(box.children)
        else:
            result, splits.last_breaks = _compose(
                original_block_level_layout, context, box, bottom_space, skips, flexible, args, kwargs
            )
            splits.last_reached = len(box.children)
        splits.last_area = result[0]
        return result

    def unlayout_footnote(self: Any, footnote: Any) -> None:
        splits = _splits(self)
        page = self.current_page
        here = splits.split_here.get(page) or []
        if footnote in here:
            # The call's line leaves this page after all: the note goes with it, whole.
            here.remove(footnote)
            if not here:
                splits.room.pop(page, None)
            if footnote in self.reported_footnotes:
                self.reported_footnotes.remove(footnote)
        original_unlayout(self, footnote)

    def update_footnote_area(self: Any) -> bool:
        overflow: bool = original_update(self)
        area = self.current_footnote_area
        if not self.current_page_footnotes and area.height == 0 and not self.in_column:
            # #1924: a page whose notes all left it still kept room for the empty area's
            # margin and padding, so its text stopped short. Give the room back; 'auto' is
            # the area's height on a page that never had a note.
            self.page_bottom += area.margin_height()
            area.height = "auto"
            _splits(self).last_breaks = []
        return overflow or _cut_short(self, _splits(self))

    return make_page, block_level_layout, unlayout_footnote, update_footnote_area


def apply() -> None:
    """Install the note split into the running WeasyPrint; a no-op if already done.

    Raises ``RuntimeError`` if WeasyPrint is not the version, with the exact sources, that
    the change was written for."""
    from weasyprint import layout
    from weasyprint.layout import page

    if getattr(page.make_page, _PATCH_MARKER, False):
        return
    refuse_other_weasyprint(
        "builder/editions/weasyprint/note_split.py",
        _EXPECTED_VERSIONS,
        _EXPECTED_SOURCE_SHA256,
        "Re-check the note split against this version: see whether upstream now splits long "
        "footnotes (Kozea/WeasyPrint #1833) and run tests/editions/weasyprint/test_footnote_placement.py "
        "without it. If upstream does, delete this module and its apply() call; if not, port it and update "
        "_EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256.",
    )
    make_page, block_level_layout, unlayout_footnote, update_footnote_area = _make_wrappers(layout, page)
    originals = (
        page.make_page,
        page.block_level_layout,
        layout.LayoutContext.unlayout_footnote,
        layout.LayoutContext._update_footnote_area,
    )
    for wrapper, original in zip(
        (make_page, block_level_layout, unlayout_footnote, update_footnote_area), originals, strict=True
    ):
        setattr(wrapper, _PATCH_MARKER, True)
        wrapper._builder_original = original  # type: ignore[attr-defined]
    page.make_page = make_page
    page.block_level_layout = block_level_layout
    layout.block_level_layout = block_level_layout  # LayoutContext._update_footnote_area's
    layout.LayoutContext.unlayout_footnote = unlayout_footnote
    layout.LayoutContext._update_footnote_area = update_footnote_area
