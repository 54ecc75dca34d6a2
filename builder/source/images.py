"""Images a source shows with `![alt](file)`: a JPEG, PNG, GIF or SVG file inside the work's
folder, checked by its content, not its name; an SVG only if it is static (svg.py)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from .svg import svg_problem

# What each kind of file starts with, and the media type the EPUB declares it as.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
_SVG = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]", re.S)


def media_type(data: bytes) -> str | None:
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            return kind
    return "image/svg+xml" if _SVG.match(data[:4096]) else None


def check_image(src: str, folder: Path, shown: str, line: int) -> str:
    """The image's media type; a SourceError naming the line if it may not be shown."""
    path = folder / src
    if (
        src.startswith("/")
        or "://" in src
        or ":" in src.split("/")[0]
        or not path.resolve().is_relative_to(folder.resolve())
    ):
        raise SourceError(
            shown,
            f"image {src!r} leads outside the work's folder",
            line=line,
            hint="copy the image into the work's folder and name it by its file name",
            code="S032",
        )
    if not path.is_file():
        raise SourceError(
            shown,
            f"image {src!r} is not in the work's folder",
            line=line,
            hint="add the file, or correct its name",
            code="S030",
        )
    data = path.read_bytes()
    kind = media_type(data)
    if kind is None:
        raise SourceError(
            shown,
            f"image {src!r} is not a JPEG, PNG, GIF or SVG file",
            line=line,
            hint="convert it to one of these (PNG for drawings, JPEG for photographs)",
            code="S031",
        )
    if kind == "image/svg+xml" and (problem := svg_problem(data)):
        raise SourceError(
            shown,
            f"image {src!r} is an SVG that is not static and self-contained: {problem}",
            line=line,
            hint="keep to static SVG (shapes, text, gradients, filters; no script, no link out), or convert it to PNG",
            code="S033",
        )
    return kind
