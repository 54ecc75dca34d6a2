"""The incremental build key: a content hash of everything that shapes an edition's bytes.

A work is rebuilt only when its key changes. The key covers the build's fingerprint
(`builder/fingerprint.py`: builder, styles, typefaces, versions), the work's folder (every
file, by name and content), the edition's options (its file name says format, trim and
marks) and the edition's date.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from ..errors import BuildError
from ..fingerprint import hash_tree, shared_key
from ..paths import project
from ..source.edition_date import edition_date


def work_key(folder: Path) -> str | None:
    """The key of a work's editions, or None when its source cannot even be read for it
    (the build then reports the source's error)."""
    try:
        archive = tomllib.loads((folder / "work.toml").read_text(encoding="utf-8")).get("archive", {})
        year = archive.get("year") if isinstance(archive, dict) else None
        date = edition_date(folder, project().styles, year if isinstance(year, int) else None)
    except (OSError, ValueError, tomllib.TOMLDecodeError, BuildError):  # ValueError: bad UTF-8 too
        return None
    digest = hashlib.sha256(f"{shared_key()}\0{date.isoformat()}\0".encode())
    hash_tree(digest, folder)
    return digest.hexdigest()


def edition_key(key: str, file_name: str) -> str:
    """One edition's key: its work's, and its options as its file name states them."""
    return hashlib.sha256(f"{key}\0{file_name}".encode()).hexdigest()
