"""A PDF's navigation read back: its bookmarks and its links, as the tests compare them."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
from pypdf import PdfReader


def outline(data: bytes) -> list[tuple[int, str, int | None]]:
    """Each bookmark as (depth, title, page it leads to)."""
    reader = PdfReader(io.BytesIO(data))
    found: list[tuple[int, str, int | None]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def links(data: bytes) -> list[tuple[int, str, int]]:
    """Each link as (page, destination name, page it leads to)."""
    pdf = pikepdf.open(io.BytesIO(data))
    names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    page_of: dict[Any, int] = {page.objgen: number for number, page in enumerate(pdf.pages)}
    return [
        (number, str(annotation.Dest), page_of[names[str(annotation.Dest)][0].objgen])
        for number, page in enumerate(pdf.pages)
        for annotation in page.get("/Annots", [])
        if "/Dest" in annotation
    ]
