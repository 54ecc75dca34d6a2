"""Whether files changed, by polling their modification times: no watcher library, and the
same on every system."""

from __future__ import annotations

from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def snapshot(folders: list[Path]) -> Snapshot:
    """Every file under the folders, with its modification time and size."""
    seen: Snapshot = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            try:
                if path.is_file():
                    status = path.stat()
                    seen[str(path)] = (status.st_mtime_ns, status.st_size)
            except OSError:  # removed while we looked: the next poll sees it gone
                continue
    return seen
