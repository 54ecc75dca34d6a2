"""The cover: styles/templates/cover.html, typeset by WeasyPrint and rasterised by PDFium.

Every work gets one from its metadata, with no hand-made image; e-reader libraries show it
on their shelves. A cover is kept in a cache under the key of everything that shapes it (its
HTML, and the shelf's key: styles, typefaces, builder, dependencies), so that rebuilding a
work whose text changed neither typesets its cover again nor loads WeasyPrint for an EPUB.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from ..errors import BuildError
from ..fingerprint import shared_key
from ..source.model import Work
from .cover_front import front_fits
from .templates import render_page

# The cover page is 1600 × 2560 CSS px (styles/cover.css); PDF points are 1/72 in, CSS px 1/96 in.
SCALE = 96 / 72


def cache_folder() -> Path:
    """FOLIO_CACHE, else the user's cache folder (XDG_CACHE_HOME, ~/.cache)."""
    if folder := os.environ.get("FOLIO_CACHE"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "folio"


def cover_png(work: Work) -> bytes:
    first = render_page("cover.html", work, None, year=work.meta.work_year or "", step=0)
    key = hashlib.sha256(shared_key().encode() + b"\0" + first.encode()).hexdigest()
    cached = cache_folder() / "covers" / f"{key}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    png = _typeset_cover(work, first)
    try:  # a cache that cannot be written only costs time
        cached.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".", suffix=".part")
        with os.fdopen(handle, "wb") as stream:
            stream.write(png)
        os.replace(temporary, cached)
    except OSError:
        pass
    return png


def _typeset_cover(work: Work, html: str) -> bytes:
    import pypdfium2

    from .weasyprint.typeset import layout, write

    # A long title is set smaller (styles/cover.css, .step-1 …) until it stands clear of the year.
    for step in range(4):
        if step:
            html = render_page("cover.html", work, None, year=work.meta.work_year or "", step=step)
        laid_out = layout(html, work, "cover")
        if front_fits(laid_out):
            break
    else:
        raise BuildError(
            work.folder / "work.toml",
            "the title is too long for the cover",
            hint="give the work a short-title",
            code="P006",
        )
    document = pypdfium2.PdfDocument(write(laid_out, work, "cover"))
    try:
        image = document[0].render(scale=SCALE, may_draw_forms=False).to_pil().convert("RGB")
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True took longer than the typesetting, for 2 % less
    return out.getvalue()
