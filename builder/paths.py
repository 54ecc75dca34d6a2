"""Where things live: the repository's styles/, source/ and dist/."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"
SOURCE = ROOT / "source"
DIST = ROOT / "dist"


def shown_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
