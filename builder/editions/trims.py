"""The page sizes styles/ offers, one stylesheet each (read without importing a writer)."""

from __future__ import annotations

from ..paths import STYLES

DEFAULT_TRIM = "a5"
BLEED_MM = 3  # around the trim, with --print-marks and on the print cover: what print-on-demand services and print shops ask for


def trims() -> list[str]:
    return sorted(path.stem for path in (STYLES / "trims").glob("*.css"))
