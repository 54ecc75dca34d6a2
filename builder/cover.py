"""The cover: styles/templates/cover.html, typeset by WeasyPrint and rasterised by PDFium.

Every work gets one from its metadata, with no hand-made image; e-reader libraries show it
on their shelves.
"""

from __future__ import annotations

import io

import pypdfium2
from weasyprint import HTML

from .fetcher import SandboxedFetcher
from .model import Work
from .paths import STYLES
from .templates import render_page

# The cover page is 1600 × 2560 CSS px (styles/cover.css); PDF points are 1/72 in, CSS px 1/96 in.
SCALE = 96 / 72


def cover_png(work: Work) -> bytes:
    html = render_page("cover.html", work, "cover", year=work.meta.year or "")
    pdf = HTML(string=html, base_url=STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(work.folder)).write_pdf()
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=SCALE, may_draw_forms=False).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
