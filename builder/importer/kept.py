"""Runs of a page's words the mapping could not place, put back verbatim where they stood, so
that a page is never refused for a part of it: after the block of the part whose words come
before them on the page, as a paragraph (a heading's words too: set as a paragraph), or, among
the part's notes, as an editor's note with the words it had. Each is named for a human look."""

from __future__ import annotations

import re

from .audit import Loss, quote, words_of
from .markdown import escape, escape_line_start

_BLOCK_GAP = re.compile(r"\n{2,}")
_NOTE = re.compile(r"^\[\^[^\]]+\]:")
_KEPT_LABEL = re.compile(r"^\[\^editor-kept_(\d+)\]:", re.M)


def reinstate(markdown: str, losses: list[Loss]) -> tuple[str, list[str]]:
    """`markdown` with each lost run back in place, and a line for the report on each (where
    the page has it, and what it became)."""
    blocks = _BLOCK_GAP.split(markdown.rstrip("\n"))
    ends = []  # the number of output words up to the end of each block
    total = 0
    for block in blocks:
        total += len(words_of(block))
        ends.append(total)
    notes_from = next((index for index, block in enumerate(blocks) if _NOTE.match(block)), len(blocks))
    numbers = [int(n) for n in _KEPT_LABEL.findall(markdown)]
    inserts: dict[int, list[str]] = {}
    lines = []
    for loss in losses:
        # After the block that holds the output word just before the run; never above the title.
        after = next((index for index, end in enumerate(ends) if end >= loss.at), len(blocks) - 1) if loss.at else 0
        text = escape_line_start(escape(loss.shown or " ".join(loss.words)))
        if after >= notes_from:
            numbers.append(max(numbers, default=0) + 1)
            block, became = f"[^editor-kept_{numbers[-1]}]: {text}", "kept as an editor's note of the part"
        else:
            block, became = (
                text,
                "kept as a paragraph where it stood"
                + (" (a heading's words, set as a paragraph)" if loss.kind() == "heading" else ""),
            )
        inserts.setdefault(max(after, 0), []).append(block)
        quoted = quote((loss.shown or " ".join(loss.words)).split())
        lines.append(f"“{quoted}” ({loss.where()}): the importer could not place it; {became}")
    out: list[str] = []
    for index, block in enumerate(blocks):
        out.append(block)
        out += inserts.get(index, [])
    return "\n\n".join(out) + "\n", lines
