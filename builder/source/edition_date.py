"""The edition's date: never the clock, so that the same source builds the same bytes.

In order: SOURCE_DATE_EPOCH when set (reproducible-builds.org); else the last commit that
touched the work's source or the styles (as Standard Ebooks dates its editions); else
1 January of the year the archive published the transcription, which the source states.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..errors import SourceError


def edition_date(
    folder: Path,
    styles: Path,
    archive_year: int | None,
    last_commit: Callable[[Path, Path], datetime | None] | None = None,
) -> datetime:
    """`last_commit`: how to find the last commit (a shelf's, found for every work at once:
    shelf/dates.py); by default, `git log` for this work."""
    if (epoch := os.environ.get("SOURCE_DATE_EPOCH")) is not None:
        try:
            date = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            date = None
        # A zip file can date its entries from 1980 to 2107 only.
        if date is None or not 1980 <= date.year <= 2107:
            raise SourceError(
                "SOURCE_DATE_EPOCH",
                f"not a Unix time between 1980 and 2107: {epoch!r}",
                hint="set it to a Unix time, e.g. $(git log -1 --format=%ct)",
                code="S020",
            )
        return date
    if (committed := (last_commit or _last_commit)(folder, styles)) is not None:
        return committed
    return datetime(max(archive_year or 1980, 1980), 1, 1, tzinfo=UTC)


def _last_commit(folder: Path, styles: Path) -> datetime | None:
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", str(folder.resolve()), str(styles.resolve())],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    # A folder with uncommitted changes still takes its last commit's date: the date says
    # which revision of the source this is, and stays put until the change is committed.
    stamp = result.stdout.strip()
    return datetime.fromtimestamp(int(stamp), UTC) if result.returncode == 0 and stamp.isdigit() else None
