"""Whether a cover's front holds its text: shared by the EPUB's cover image and the print cover,
whose fronts are the same template (styles/templates/cover-front.html) at two sizes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import Document


def front_fits(document: Document) -> bool:
    """Whether the front (styles/templates/cover-front.html) holds its text on its one page,
    a line clear of the year, which stands at the foot on its own."""
    from .weasyprint.boxes import descendants, page_box  # loads WeasyPrint: only when a cover is typeset

    if len(document.pages) != 1:
        return False
    text_bottom, year_top = 0.0, float("inf")

    for box in descendants(page_box(document.pages[0])):
        classes = set((box.element.get("class") or "").split()) if getattr(box, "element", None) is not None else set()
        if "year" in classes:
            year_top = min(year_top, box.content_box_y() - box.height)  # a line of the year clear above it
        elif classes & {"author", "title", "subtitle"}:
            text_bottom = max(text_bottom, box.content_box_y() + box.height)
    return text_bottom <= year_top
