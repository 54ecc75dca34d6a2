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
    absolute = Path(path).absolute()
    return os.path.relpath(absolute) if absolute.is_relative_to(Path.cwd()) else str(absolute)
