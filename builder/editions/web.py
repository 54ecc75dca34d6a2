"""The web edition, for `folio serve`: one HTML page per part, from the same section templates
as the EPUB and the PDF, with notes that pop up (styles/web.js) and links that are followed.

A folder of pages, not one file: it is made in memory for the preview and is not (yet) a kind
of the release's registry, whose writers make one file each.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..paths import style_file
from ..source.model import Work
from .capabilities import Capabilities
from .templates import render_page

WEB = Capabilities(
    notes="pop-up", links="live", reading_system=False, typeface="reader's", rights_before_contents=False
)
IMAGES = "images/"


@dataclass(frozen=True)
class WebPage:
    file_name: str
    title: str
    sections: tuple[str, ...]  # templates under styles/templates/sections, in order
    part_id: str | None = None


def web_pages(work: Work) -> list[WebPage]:
    """The title page with the contents, each part, the colophon and the rights."""
    return [
        WebPage("index.html", work.meta.title, ("sections/titlepage.html", "sections/toc.html")),
        *(WebPage(f"{part.id}.html", part.title, ("sections/part.html",), part.id) for part in work.parts),
        WebPage("colophon.html", "Colophon", ("sections/colophon.html",)),
        WebPage("rights.html", "Rights", ("sections/rights.html",)),
    ]


def write_web(work: Work) -> dict[str, bytes]:
    """Every file of the web edition, by its path inside the edition's folder."""
    pages = web_pages(work)
    hrefs = {page.part_id: page.file_name for page in pages if page.part_id} | {
        "colophon": "colophon.html",
        "rights": "rights.html",
        "title-page": "index.html",
    }
    parts = {part.id: part for part in work.parts}
    files = {value: hrefs[part.id] for part in work.parts for value, _ in part.ids}
    out: dict[str, bytes] = {}
    for number, page in enumerate(pages):
        html = render_page(
            "web/page.html",
            work,
            WEB,
            title=page.title,
            sections=page.sections,
            part=parts.get(page.part_id or ""),
            hrefs=hrefs,
            files=files,
            images=IMAGES,
            previous=pages[number - 1].file_name if number else None,
            following=pages[number + 1].file_name if number + 1 < len(pages) else None,
        )
        out[page.file_name] = html.encode("utf-8")
    out["common.css"] = style_file("common.css").read_bytes()
    out["web.css"] = style_file("web.css").read_bytes()
    out["notes.js"] = style_file("web.js").read_bytes()
    for name in work.images:
        out[f"{IMAGES}{name}"] = (work.folder / name).read_bytes()
    return out
