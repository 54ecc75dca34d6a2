"""The cover: styles/templates/cover.html, typeset by WeasyPrint and rasterised by PDFium.

Every work gets one from its metadata, with no hand-made image; e-reader libraries show it
on their shelves.
"""

from __future__ import annotations

import io

import pypdfium2

from ..errors import BuildError
from ..source.model import Work
from .cover_front import front_fits
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
