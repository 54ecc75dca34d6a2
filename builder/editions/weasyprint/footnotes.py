"""Fix WeasyPrint 70.0 setting footnotes on a later page than their call, or losing them.

``apply()`` (called by ``typeset.py`` before any layout) swaps
``weasyprint.layout.block._linebox_layout`` for the corrected copy below; calling it
again does nothing. It refuses, with ``RuntimeError``, any WeasyPrint other than the
exact version and function source it was written for, so that an upgrade can never
drop or misapply it silently.

Upstream (github.com/Kozea/WeasyPrint): issue #2432 and PR #2437 ("Try to report
footnotes when text overflows because of orphans"), which added the code at fault;
#2502 (notes on the page after their call); #1564 (the converse, a note on the page
*before* its call: other code, untouched, never seen in our tests); #1833 (notes are
never split: see note_split.py, which this copy calls).

Root cause. When a line overflows the page and widows/orphans forbid a break before
it but allow one after it, ``_linebox_layout`` (the statement that sets ``report``)
tries to make room for the line by moving ("reporting") the notes already on the page
to the next page, the last first. Three faults:

1. It moves notes whatever their ``footnote-policy``: with ``line`` (or ``block``) a
   note must stay with its call, yet the calls stay here and the notes move on.
2. If moving every note still does not make the line fit, it falls back to the usual
   widows/orphans break but never puts the notes back, so every note of the page,
   including those called from earlier paragraphs that stay here, goes to the next page.
3. If the line does fit, it is kept without laying out the notes called *in that
   line*; layout then resumes after the line, so those notes are never set: lost.

The patch: only ``auto`` notes (which may go to a later page) are moved, and only if
the line's own notes are ``auto`` too; moved notes are put back when moving them does
not help; when it does help, the line goes through the normal note handling (its
notes follow the moved ones) before the box breaks after it. With
``footnote-policy: line`` no note is ever moved, as before PR #2437 (the paragraph
breaks a line earlier instead). Secondary fix in the same function: with
``footnote-policy: block``, a block with nothing before it on the page was aborted when
its note did not fit, which made ``make_page()`` fail an assertion; it now pushes the line instead.

The copy is the 70.0 function's text byte for byte outside its ``# PATCH begin`` …
``# PATCH end`` blocks, so that it ports to a new WeasyPrint by diff;
tests/editions/weasyprint/test_upstream_copies.py holds it to that. It runs in the namespace of
``weasyprint.layout.block``, as the original does. WeasyPrint's own layout tests (70.0
sdist) pass the same with and without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .upstream_source import in_namespace_of, refuse_other_weasyprint

if TYPE_CHECKING:  # the names the copy reads: weasyprint.layout.block's, and split_note (see apply())
    from weasyprint.layout.block import _break_line, collapse_margin, iter_line_boxes, remove_placeholders

    from .note_split import split_note

__all__ = ["COPIES", "apply"]

# What the patch was written and tested against; apply() checks all of it.
_EXPECTED_VERSIONS = frozenset({"70.0"})
_EXPECTED_SOURCE_SHA256 = {  # sha256 of inspect.getsource() of each function copied or wrapped
    "weasyprint.layout.block._linebox_layout": "e07bbe000974787ee370be1f419a01a21b327a1a1e3025a65afd47589060883d",
}

# Attribute set on the replacement: tells apply() it is already in place.
_PATCH_MARKER = "_builder_footnote_patch"


# WeasyPrint 70.0's weasyprint.layout.block._linebox_layout, upstream's text outside # PATCH blocks.
def _linebox_layout(context, box, index, child, new_children, page_is_empty,
                    absolute_boxes, fixed_boxes, adjoining_margins,
                    bottom_space, position_y, skip_stack, first_letter_style,
                    first_line_style, draw_bottom_decoration, max_lines):
    abort = stop = False
    resume_at = None
    new_footnotes = []

    assert len(box.children) == 1, 'line box with siblings before layout'

    if adjoining_margins:
        position_y += collapse_margin(adjoining_margins)
    new_containing_block = box
    lines_iterator = iter_line_boxes(
        context, child, position_y, bottom_space, skip_stack, new_containing_block,
        absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
    for i, (line, resume_at) in enumerate(lines_iterator):
        # Break box if we reached max-lines
        if max_lines is not None:
            if max_lines == 0:
                new_children[-1].block_ellipsis = box.style['block_ellipsis']
                break
            max_lines -= 1

        # Update line resume_at and position_y
        line.resume_at = resume_at
        new_position_y = line.position_y + line.height

        # Add bottom padding and border to the bottom position of the
        # box if needed
        draw_bottom_decoration |= resume_at is None
        if draw_bottom_decoration:
            offset_y = box.border_bottom_width + box.padding_bottom
        else:
            offset_y = 0
        # PATCH begin: set when reported footnotes made room for this line: keep it,
        # place its own footnotes, then break the box after it.
        break_after_line = False
        # PATCH end

        # Allow overflow if the first line of the page is higher than the page itself so
        # that we put *something* on this page and can advance in the context.
        overflow = (
            (new_children or not page_is_empty) and
            context.overflows_page(bottom_space, new_position_y + offset_y))
        if overflow:
            # If we couldn’t break the line before but can break now, first try to
            # report footnotes and see if we don’t overflow.
            could_break_before = can_break_now = True
            needed = box.style['widows'] - 1
            for next_line, _ in lines_iterator:
                needed -= 1
                remove_placeholders(
                    context, next_line.children, absolute_boxes, fixed_boxes)
                # Don’t iterate over all lines as it can be long.
                if needed == -1:
                    break
            if len(new_children) + 1 < box.style['orphans']:
                can_break_now = False
            elif needed >= 0:
                can_break_now = False
            if len(new_children) < box.style['orphans']:
                could_break_before = False
            elif needed > 0:
                could_break_before = False
            needed = max(0, needed)
            # PATCH begin: only footnote-policy: auto lets a note leave the page of its
            # call, so the notes of this line must allow it too (they will follow the
            # reported ones), and so must each note moved. If reporting does not make
            # room, the reported notes come back to this page, where their calls stay
            # (70.0 left them reported). If it does, the line goes on to the note handling
            # below, so that its own notes are laid out (70.0 kept the line but skipped
            # them: lost), and the box breaks after it.
            line_footnotes_movable = all(
                descendant.footnote.style['footnote_policy'] == 'auto'
                for descendant in line.descendants()
                if descendant.footnote in context.footnotes)
            report = (
                not context.in_column and can_break_now and
                not could_break_before and line_footnotes_movable)
            reported = []
            while report and context.current_page_footnotes:
                footnote = context.current_page_footnotes[-1]
                if footnote.style['footnote_policy'] != 'auto':
                    break
                context.report_footnote(footnote)
                reported.append(footnote)
                if not context.overflows_page(
                        bottom_space, new_position_y + offset_y):
                    break_after_line = True
                    break

            # Footnotes have been reported starting from the last one, put
            # them back in document order.
            if len(reported) >= 2:
                context.reported_footnotes[-len(reported):] = reported[::-1]

            if not break_after_line:
                for footnote in reversed(reported):
                    context.unlayout_footnote(footnote)
                    context.layout_footnote(footnote)
                abort, stop, resume_at = _break_line(
                    context, box, line, new_children, needed, page_is_empty,
                    index, skip_stack, resume_at, absolute_boxes, fixed_boxes)
                break
            # PATCH end

        # TODO: this is incomplete.
        # See https://drafts.csswg.org/css-page-3/#allowed-pg-brk
        # "When an unforced page break occurs here, both the adjoining
        #  ‘margin-top’ and ‘margin-bottom’ are set to zero."
        # See issue #115.
        elif page_is_empty and context.overflows_page(bottom_space, new_position_y):
            # Remove the top border when a page is empty and the box is
            # too high to be drawn in one page
            new_position_y -= box.margin_top
            line.translate(0, -box.margin_top)
            box.margin_top = 0

        if context.footnotes:
            break_linebox = False
            footnotes = (
                descendant.footnote for descendant in line.descendants()
                if descendant.footnote in context.footnotes)
            for footnote in footnotes:
                overflow = context.layout_footnote(footnote)
                new_footnotes.append(footnote)
                overflow = (
                    overflow or
                    context.reported_footnotes or
                    context.overflows_page(bottom_space, new_position_y + offset_y))
                if overflow:
                    # PATCH begin: a note too tall for the room below its call's line
                    # starts here and runs on at the foot of the next pages, if the split
                    # is installed (builder.editions.weasyprint.note_split, #1833). Room
                    # is kept for the lines orphans still wants on this page.
                    orphan_lines = max(0, box.style['orphans'] - len(new_children) - 1)
                    if split_note(context, footnote, new_position_y + offset_y + bottom_space + orphan_lines * line.height):
                        continue
                    # PATCH end
                    context.report_footnote(footnote)
                    # If we've put other content on this page, then we may want
                    # to push this line or block to the next page. Otherwise,
                    # we can't (and would loop forever if we tried), so don't
                    # even try.
                    if new_children or not page_is_empty:
                        # PATCH begin: with footnote-policy: block, a block with
                        # nothing before it on the page was aborted when its note did
                        # not fit, which made make_page() fail an assertion: push the
                        # line instead, as 'line' does.
                        if footnote.style['footnote_policy'] == 'line' or (
                                footnote.style['footnote_policy'] == 'block' and page_is_empty):
                        # PATCH end
                            if needed := box.style['widows'] - 1:
                                for _ in lines_iterator:
                                    needed -= 1
                                    # Don’t iterate over all lines as it can be long.
                                    if needed == 0:
                                        break
                            abort, stop, resume_at = _break_line(
                                context, box, line, new_children, needed, page_is_empty,
                                index, skip_stack, resume_at, absolute_boxes,
                                fixed_boxes)
                            break_linebox = True
                            break
                        elif footnote.style['footnote_policy'] == 'block':
                            abort = break_linebox = True
                            break
            if break_linebox:
                break

        new_children.append(line)
        position_y = new_position_y
        skip_stack = resume_at
        # PATCH begin: see break_after_line above.
        if break_after_line:
            stop = True
            break
        # PATCH end

    if new_children:
        resume_at = {index: new_children[-1].resume_at}

    return abort, stop, resume_at, position_y, new_footnotes, max_lines



# Each copy of an upstream function in this module: upstream's name → the copy.
COPIES = {"weasyprint.layout.block._linebox_layout": _linebox_layout}


def apply() -> None:
    """Install the footnote fix into the running WeasyPrint; a no-op if already done.

    Raises ``RuntimeError`` if WeasyPrint is not the version, with the exact source,
    that the patch was written for.
    """
    from weasyprint.layout import block

    if getattr(block._linebox_layout, _PATCH_MARKER, False):
        return

    refuse_other_weasyprint(
        "builder/editions/weasyprint/footnotes.py",
        _EXPECTED_VERSIONS,
        _EXPECTED_SOURCE_SHA256,
        "Re-check the footnote fix against this version: see whether upstream fixed "
        "Kozea/WeasyPrint #2502 / PR #2437 and run tests/editions/weasyprint/test_footnote_placement.py "
        "without the patch. If upstream fixed it, delete this module and its apply() call; if not, "
        "port the patch to the new _linebox_layout (copy upstream's text, carry the PATCH "
        "blocks over by diff) and update _EXPECTED_VERSIONS and _EXPECTED_SOURCE_SHA256.",
    )

    from .note_split import split_note

    patched = in_namespace_of(block, _linebox_layout, split_note=split_note)
    patched.__doc__ = "WeasyPrint 70.0's _linebox_layout, patched by builder.editions.weasyprint.footnotes."
    setattr(patched, _PATCH_MARKER, True)
    patched._builder_original = block._linebox_layout  # type: ignore[attr-defined]
    block._linebox_layout = patched
