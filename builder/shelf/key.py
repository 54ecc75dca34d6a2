"""The incremental build key: a content hash of everything that shapes an edition's bytes.

A work is rebuilt only when its key changes. The key covers the build's fingerprint
(`builder/fingerprint.py`: builder, styles, typefaces, versions), the work's folder (every
file, by name and content), the edition's options (its file name says format, trim and
marks) and the edition's date.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BuildError
from ..fingerprint import hash_tree, shared_key
from ..paths import project
from ..source.edition_date import edition_date


@dataclass(frozen=True)
class Keyed:
    """A work's key, and the edition's date it was made with, which the work's build takes
    as it is (a worker does not ask git again). Both None when the source cannot even be
    read for them: the build then reports the source's error."""

    key: str | None
    date: datetime | None


def keyed(folder: Path) -> Keyed:
    """The key of a work's editions and their date; both None when its source cannot even be read for them."""
    try:
        archive = tomllib.loads((folder / "work.toml").read_text(encoding="utf-8")).get("archive", {})
        year = archive.get("year") if isinstance(archive, dict) else None
        # The date the loader would give: a year it accepts is an int (and a date from the
        # year is only taken when git has none).
        date = edition_date(folder, project().styles, year if isinstance(year, int) else None)
    except (OSError, ValueError, tomllib.TOMLDecodeError, BuildError):  # ValueError: bad UTF-8 too
        return Keyed(None, None)
    digest = hashlib.sha256(f"{shared_key()}\0{date.isoformat()}\0".encode())
    hash_tree(digest, folder)
    return Keyed(digest.hexdigest(), date)


def shelf_keys(folders: list[Path]) -> dict[Path, Keyed]:
    """Each work's key and date, several at once: a key waits mostly on its `git log` (the
    edition's date) and on reading the folder's files, which threads overlap; a shelf of a
    thousand works is keyed in a fraction of the time one after another takes. The same keys."""
    from concurrent.futures import ThreadPoolExecutor

    shared_key()  # once, before the threads ask for it
    with ThreadPoolExecutor(max_workers=min(8, max(1, len(folders)))) as pool:
        return dict(zip(folders, pool.map(keyed, folders), strict=True))


def edition_key(key: str, file_name: str) -> str:
    """One edition's key: its work's, and its options as its file name states them."""
    return hashlib.sha256(f"{key}\0{file_name}".encode()).hexdigest()
