"""The page sizes styles/ offers, one stylesheet each (read without importing a writer)."""

from __future__ import annotations

from ..paths import style_names

DEFAULT_TRIM = "a5"
# Around the trim, with --print-marks and on the print cover: what print-on-demand services and print shops ask for.
BLEED_MM = 3


def trims() -> list[str]:
    """Folio's trims and any a project's styles/trims/ adds."""
    return sorted(name.removeprefix("trims/").removesuffix(".css") for name in style_names("trims/*.css"))
