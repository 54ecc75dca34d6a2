"""Where the works are: every folder under source/ with a work.toml (found without loading one)."""

from __future__ import annotations

from pathlib import Path


def find_works(root: Path) -> list[Path]:
    """Every work folder under source/, in a stable order."""
    return sorted(path.parent for path in root.glob("*/work.toml"))
