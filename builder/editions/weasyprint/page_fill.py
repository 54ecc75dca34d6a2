"""How far down its text block each page of running text is filled, read from the laid-out
boxes: a page that stops short of its foot looks like a printing fault to a reader.

A page's fill is the height its text takes (from the top of the text block to the foot of
its last line) plus the height of its footnote area (notes, rule and the space above them),
over the height of the text block. Pages of running text are those of a part (print.css
names them `part`), except blank pages and the last page of each part, which may end
anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from weasyprint import Document

from .boxes import footnote_area, page_box, text_bottom

RUNNING_TEXT_PAGE = "part"  # the page name print.css gives a part's pages
MINIMUM_FILL = 0.7  # below this a page reads as stopped short


@dataclass(frozen=True)
class PageFill:
    number: int  # the page's number, from 1
    fill: float  # 0 (empty) to 1 (text and notes reach the foot of the text block)


def page_fill(page: Any) -> float:
    """The fill of one page of a laid-out document (`document.pages[i]`)."""
    box = page_box(page)
    area = footnote_area(box)
    notes = area.margin_height() if area is not None else 0
    return float((text_bottom(box) - box.content_box_y() + notes) / box.height)


def running_text_fills(document: Document) -> list[PageFill]:
    """The fill of every page of running text (see the module's docstring)."""
    types = [page_box(page).page_type for page in document.pages]
    fills = []
    for index, (page, page_type) in enumerate(zip(document.pages, types, strict=True)):
        following = types[index + 1] if index + 1 < len(types) else None
        last_of_part = (
            following is None or following.blank or following.name != RUNNING_TEXT_PAGE or _opens_part(following)
        )
        if page_type.name == RUNNING_TEXT_PAGE and not page_type.blank and not last_of_part:
            fills.append(PageFill(index + 1, page_fill(page)))
    return fills


def _opens_part(page_type: Any) -> bool:
    """A part's first page: the first of its page group (each part starts one)."""
    return any(name == RUNNING_TEXT_PAGE and page_index == 0 for name, page_index in page_type.groups)
