"""The paper table, styles/papers.toml: how thick each paper makes the book per page, which
sets the print cover's spine. Read without loading any typesetting, for the command line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from ..paths import style_file

DEFAULT_PAPER = "white"


@dataclass(frozen=True)
class Paper:
    name: str
    per_page_mm: float


@cache
def papers() -> dict[str, Paper]:
    """The papers styles/papers.toml describes, by key."""
    table = tomllib.loads(style_file("papers.toml").read_text(encoding="utf-8"))
    return {key: Paper(entry["name"], float(entry["per-page-mm"])) for key, entry in table.items()}
