"""Reading laid-out boxes: a page's box (WeasyPrint's private `Page._page_box`), its footnote
area, the line boxes under a box, and how far down a page its running text reaches.

Every reader of laid-out boxes goes through here, so that a WeasyPrint that keeps its boxes
elsewhere fails in one place, with one message (a RuntimeError, like the other guarded
changes: an unchecked WeasyPrint is the builder's fault, not the source's), instead of
measuring nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import weasyprint
from weasyprint.formatting_structure.boxes import FootnoteAreaBox, LineBox

# Where the private attribute was checked to hold the page's box.
_EXPECTED_VERSIONS = {"70.0"}


def page_box(page: Any) -> Any:
    """The root box of one page of a laid-out document (`document.pages[i]`)."""
    if weasyprint.__version__ not in _EXPECTED_VERSIONS or not hasattr(page, "_page_box"):
        raise RuntimeError(
            "builder/editions/weasyprint/boxes.py reads Page._page_box, "
            f"checked on WeasyPrint {', '.join(sorted(_EXPECTED_VERSIONS))}; "
            f"found {weasyprint.__version__}: check where it keeps a page's box, then add the version"
        )
    return page._page_box


def descendants(box: Any) -> Iterator[Any]:
    """The box and every box under it, in document order (without recursion: trees are deep)."""
    stack = [box]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(getattr(current, "children", None) or ()))


def lines(box: Any) -> list[LineBox]:
    """The line boxes under a box, not looking inside a line."""
    found: list[LineBox] = []
    stack = [box]
    while stack:
        current = stack.pop()
        if isinstance(current, LineBox):
            found.append(current)
        else:
            stack.extend(reversed(getattr(current, "children", None) or ()))
    return found


def footnote_area(root: Any) -> FootnoteAreaBox | None:
    """A page box's footnote area, if notes are set on the page."""
    return next((child for child in root.children if isinstance(child, FootnoteAreaBox)), None)


def text_bottom(root: Any) -> float:
    """How far down a page box its running text reaches (the top of its content box if none)."""
    return float(max((line.position_y + line.height for line in lines(root.children[0])), default=root.content_box_y()))
