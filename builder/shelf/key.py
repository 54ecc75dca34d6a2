"""The incremental build key: a content hash of everything that shapes an edition's bytes.

A work is rebuilt only when its key changes. The key covers the build's fingerprint
(`builder/fingerprint.py`: builder, styles, typefaces, versions), the work's folder (every
file, by name and content), the edition's options (its file name says format, trim and
marks) and the edition's date.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import BuildError
from ..fingerprint import hash_tree, shared_key
from ..paths import project
from ..source.edition_date import edition_date
from .dates import last_commits


@dataclass(frozen=True)
class Keyed:
    """A work's key, and the edition's date it was made with, which the work's build takes
    as it is (a worker does not ask git again). Both None when the source cannot even be
    read for them: the build then reports the source's error."""

    key: str | None
    date: datetime | None


def keyed(folder: Path, commits: Mapping[Path, datetime | None] | None = None) -> Keyed:
    """The key of a work's editions and their date; both None when its source cannot even be
    read for them. `commits`: the last commits of a shelf's works, found at once
    (shelf/dates.py); a work not among them asks git on its own."""
    try:
        archive = tomllib.loads((folder / "work.toml").read_text(encoding="utf-8")).get("archive", {})
        year = archive.get("year") if isinstance(archive, dict) else None
        # The date the loader would give: a year it accepts is an int (and a date from the
        # year is only taken when git has none).
        known = (lambda folder, styles: commits[folder]) if commits is not None and folder in commits else None
        date = edition_date(folder, project().styles, year if isinstance(year, int) else None, known)
    except (OSError, ValueError, tomllib.TOMLDecodeError, BuildError):  # ValueError: bad UTF-8 too
        return Keyed(None, None)
    digest = hashlib.sha256(f"{shared_key()}\0{date.isoformat()}\0".encode())
    hash_tree(digest, folder)
    return Keyed(digest.hexdigest(), date)


def shelf_keys(folders: list[Path]) -> dict[Path, Keyed]:
    """Each work's key and date, several at once: the works' last commits from one walk of
    git's history (shelf/dates.py), then the keys in threads, which overlap reading the
    folders' files (and a work's own `git log`, where one walk cannot date it). The same keys
    as one after another."""
    from concurrent.futures import ThreadPoolExecutor

    shared_key()  # once, before the threads ask for it
    commits = last_commits(folders, project().styles)
    with ThreadPoolExecutor(max_workers=min(8, max(1, len(folders)))) as pool:
        return dict(zip(folders, pool.map(lambda folder: keyed(folder, commits), folders), strict=True))


def edition_key(key: str, file_name: str) -> str:
    """One edition's key: its work's, and its options as its file name states them."""
    return hashlib.sha256(f"{key}\0{file_name}".encode()).hexdigest()
