"""The cover: styles/templates/cover.html, typeset by WeasyPrint and rasterised by PDFium.

Every work gets one from its metadata, with no hand-made image; e-reader libraries show it
on their shelves.
"""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
from weasyprint import Document

from ..errors import BuildError
from ..source.model import Work
from .templates import render_page
from .typeset import layout, write

# The cover page is 1600 × 2560 CSS px (styles/cover.css); PDF points are 1/72 in, CSS px 1/96 in.
SCALE = 96 / 72


def cover_png(work: Work) -> bytes:
    # A long title is set smaller (styles/cover.css, .step-1 …) until it stands clear of the year.
    for step in range(4):
        html = render_page("cover.html", work, "cover", year=work.meta.work_year or "", step=step)
        laid_out = layout(html, work, "cover")
        if front_fits(laid_out):
            break
    else:
        raise BuildError(work.folder / "work.toml", "the title is too long for the cover", hint="give the work a short-title", code="P006")
    document = pypdfium2.PdfDocument(write(laid_out, work, "cover"))
    try:
        image = document[0].render(scale=SCALE, may_draw_forms=False).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def front_fits(document: Document) -> bool:
    """Whether the front (styles/templates/cover-front.html) holds its text on its one page,
    a line clear of the year, which stands at the foot on its own."""
    if len(document.pages) != 1:
        return False
    text_bottom, year_top = 0.0, float("inf")

    def walk(box: Any) -> None:
        nonlocal text_bottom, year_top
        classes = set((box.element.get("class") or "").split()) if getattr(box, "element", None) is not None else set()
        if "year" in classes:
            year_top = min(year_top, box.content_box_y() - box.height)  # a line of the year clear above it
            return
        if classes & {"author", "title", "subtitle"}:
            text_bottom = max(text_bottom, box.content_box_y() + box.height)
            return
        for child in getattr(box, "children", None) or ():
            walk(child)

    walk(document.pages[0]._page_box)
    return text_bottom <= year_top
