"""Checks of the image files a release carries beside its editions (the catalogue's covers)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..errors import Finding
from ..paths import shown_path


def check_png(path: Path, expect_title: str | None = None) -> list[Finding]:
    """A PNG that decodes whole, in colour, and is taller than wide (a book's cover)."""
    try:
        with Image.open(path) as image:
            image.load()
            kind, size = image.format, image.size
    except (OSError, UnidentifiedImageError) as error:
        return [Finding(shown_path(path), "V121", f"not a readable PNG: {error}")]
    if kind != "PNG" or size[0] >= size[1]:
        return [Finding(shown_path(path), "V121", f"a {kind} of {size[0]} × {size[1]} px, not a cover in PNG")]
    return []
