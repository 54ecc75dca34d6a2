"""Let a long footnote start on its call's page and run on at the foot of the next (WeasyPrint 70.0).

``apply()`` (called by ``typeset.py`` before any layout) installs the change; calling it
again does nothing. It refuses, with ``RuntimeError``, any WeasyPrint other than the exact
version and function sources it was written for, so that an upgrade can never drop or
misapply it silently.

Upstream (github.com/Kozea/WeasyPrint): #1833 (open: a footnote is never split across
pages, so a note taller than the room its call's page leaves moves to the next page with
its call's line, leaving the page short); #1924 (room kept on a page for a note that then
moves on). Prince, Antenna House, TeX and Typst all split such a note; books do.

How. WeasyPrint lays out a page's footnote area as one block, with no bottom limit, each
time a note is added. When the note of a call's line does not fit below that line, the
line (``footnote-policy: line``) moves to the next page. Instead, ``split_note()`` (called
at that point by the patched ``_linebox_layout`` of ``footnotes.py``) gives the
footnote area of this page a height limit: all the room below the call's line. The area
is then laid out like any block that meets the foot of a page, so the note breaks between
lines, with its own ``orphans`` and ``widows`` (at least two lines on each page). The rest
of the note is "reported" to the next page, where WeasyPrint lays reported notes first:
there the area starts at the line where the note broke off. If the room below the line
cannot take ``orphans`` lines of the note, nothing changes: the line moves on as before.

State lives on the layout context, by page number, so that a page laid out again
(WeasyPrint repaginates for counters) splits afresh: ``room`` (the area's height limit on
a page that splits a note) and ``carried`` (a page's first note, continued from the page
before, and where in it to resume).

Limits: a note whose continuation is taller than the whole next page is not split again;
notes are split only in the main flow, not in columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .boxes import lines
from .upstream_source import fingerprints

__all__ = ["COPIES", "apply", "split_note"]

_EXPECTED_VERSIONS = frozenset({"70.0"})
# sha256 of inspect.getsource() of each function this module wraps (it copies none).
_EXPECTED_SOURCE_SHA256 = {
    "weasyprint.layout.page.make_page": "656f183328e8b1b56311a342621442056c067422958dcaf6730acdfb6c7b8971",
    "weasyprint.layout.block.block_level_layout": "c1301dde9284e24519ee0432b508d6cd79768018d2564d4066f0fdf103982dd6",
    "weasyprint.layout.LayoutContext.unlayout_footnote": "c7c223cf4a0fda5451c7da9f5a95603c21dda3f8286000c989b942ca71d58bfc",
    "weasyprint.layout.LayoutContext._update_footnote_area": "2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1",
}
COPIES: dict[str, Any] = {}  # upstream's name → a copy of it in this module: none

_PATCH_MARKER = "_builder_note_split_patch"


@dataclass
class _Splits:
    room: dict[int, float] = field(default_factory=dict)  # page number → footnote area's height limit
    carried: dict[int, tuple[Any, Any]] = field(default_factory=dict)  # page number → (note, skip stack)
    last_resume: Any = None  # where the last footnote-area layout stopped (None: all of it fitted)
    last_area: Any = None  # and the area it laid out


def _splits(context: Any) -> _Splits:
    splits = getattr(context, "_builder_note_splits", None)
    if splits is None:
        splits = _Splits()
        context._builder_note_splits = splits
    return splits


def split_note(context: Any, footnote: Any, needed_bottom: float) -> bool:
    """Split ``footnote``, just laid out on the current page and too tall for it, so that the
    footnote area ends where a line reaching ``needed_bottom`` still fits; the rest of the note
    goes to the next page. Return False, changing nothing, when the room left cannot take
    the note's ``orphans`` lines, or when other notes already wait for the next page."""
    if getattr(context, "_builder_note_splits", None) is None or context.in_column:
        return False  # apply() not called: WeasyPrint's own behaviour
    splits = _splits(context)
    page = context.current_page
    notes = context.current_page_footnotes
    if context.reported_footnotes or page in splits.room or not notes or notes[-1] is not footnote:
        return False
    splits.room[page] = context.current_footnote_area.position_y - needed_bottom
    context._update_footnote_area()
    resume, area = splits.last_resume, splits.last_area
    last = len(notes) - 1
    if (
        not resume or list(resume) != [last] or resume[last] is None
        or area.margin_height() > splits.room[page] + 1e-6
        or len(lines(area.children[-1])) < footnote.style["orphans"]
    ):
        # The note does not reach this page with at least `orphans` lines (an area laid out
        # alone on its page places one line whatever the room), or, oddly, fits whole: undo.
        del splits.room[page]
        context._update_footnote_area()
        return False
    splits.carried[page + 1] = (footnote, resume[last])
    context.reported_footnotes.append(footnote)
    return True


def _make_wrappers(layout: Any, page_module: Any) -> tuple[Callable[..., Any], ...]:
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    original_make_page = page_module.make_page
    original_block_level_layout = page_module.block_level_layout
    original_unlayout = layout.LayoutContext.unlayout_footnote
    original_update = layout.LayoutContext._update_footnote_area

    def make_page(context: Any, root_box: Any, page_type: Any, resume_at: Any, page_number: int, page_state: Any) -> Any:
        splits = _splits(context)
        splits.room.pop(page_number, None)
        splits.carried.pop(page_number + 1, None)
        if carried := splits.carried.get(page_number):
            note = carried[0]
            # The note's start was laid out on the page before; if that page was not laid out
            # again in this pass, WeasyPrint no longer holds its rest as reported: restore it.
            if note not in context.reported_footnotes:
                context.reported_footnotes.insert(0, note)
            if note in context.footnotes:
                context.footnotes.remove(note)
        return original_make_page(context, root_box, page_type, resume_at, page_number, page_state)

    def block_level_layout(context: Any, box: Any, bottom_space: float, skip_stack: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(box, FootnoteAreaBox) or skip_stack is not None:
            return original_block_level_layout(context, box, bottom_space, skip_stack, *args, **kwargs)
        splits = _splits(context)
        page = context.current_page
        carried = splits.carried.get(page)
        if carried and context.current_page_footnotes and context.current_page_footnotes[0] is carried[0]:
            skip_stack = {0: carried[1]}  # the rest of a note begun on the page before
        if (room := splits.room.get(page)) is not None:
            # Break the area, as any block, where it reaches `room` below its top position.
            bottom_space = context.page_bottom - (box.position_y + room)
        if skip_stack is not None or room is not None:
            # A broken block loses its margin, border and padding at the break (`slice`);
            # the area must keep them, or the room WeasyPrint counts for it (from its style)
            # and the room it takes differ, and its rule would be lost on the next page.
            box.style["box_decoration_break"] = "clone"
        result = original_block_level_layout(context, box, bottom_space, skip_stack, *args, **kwargs)
        splits.last_area, splits.last_resume = result[0], result[1]
        return result

    def unlayout_footnote(self: Any, footnote: Any) -> None:
        splits = _splits(self)
        page = self.current_page
        carried = splits.carried.get(page + 1)
        if carried and carried[0] is footnote:
            # The call's line leaves this page after all: the note goes with it, whole.
            del splits.carried[page + 1]
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
        return overflow

    return make_page, block_level_layout, unlayout_footnote, update_footnote_area


def apply() -> None:
    """Install the note split into the running WeasyPrint; a no-op if already done.

    Raises ``RuntimeError`` if WeasyPrint is not the version, with the exact sources, that
    the change was written for."""
    import weasyprint
    from weasyprint import layout
    from weasyprint.layout import page

    if getattr(page.make_page, _PATCH_MARKER, False):
        return
    version = getattr(weasyprint, "__version__", "unknown")
    found = fingerprints(_EXPECTED_SOURCE_SHA256)
    if version not in _EXPECTED_VERSIONS or found != _EXPECTED_SOURCE_SHA256:
        changed = [name for name, digest in found.items() if digest != _EXPECTED_SOURCE_SHA256[name]]
        raise RuntimeError(
            f"builder/editions/weasyprint/note_split.py was written for WeasyPrint {', '.join(sorted(_EXPECTED_VERSIONS))}, "
            f"found WeasyPrint {version}"
            + (f" with a different {' and '.join(changed)}" if changed else "")
            + ". Re-check the note split against this version: see whether upstream now splits long "
            "footnotes (Kozea/WeasyPrint #1833) and run tests/test_footnote_placement.py without it. "
            "If upstream does, delete this module and its apply() call; if not, port it and update "
            "_EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256."
        )
    make_page, block_level_layout, unlayout_footnote, update_footnote_area = _make_wrappers(layout, page)
    originals = (page.make_page, page.block_level_layout, layout.LayoutContext.unlayout_footnote, layout.LayoutContext._update_footnote_area)
    for wrapper, original in zip((make_page, block_level_layout, unlayout_footnote, update_footnote_area), originals, strict=True):
        setattr(wrapper, _PATCH_MARKER, True)
        wrapper._builder_original = original  # type: ignore[attr-defined]
    page.make_page = make_page
    page.block_level_layout = block_level_layout
    layout.block_level_layout = block_level_layout  # LayoutContext._update_footnote_area's
    layout.LayoutContext.unlayout_footnote = unlayout_footnote
    layout.LayoutContext._update_footnote_area = update_footnote_area
