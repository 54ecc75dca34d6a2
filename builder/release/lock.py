"""One build at a time per release folder: an exclusive lock beside it, held for the whole build.

The lock is `flock(2)` on `.<dist>.lock` next to the folder (not inside it: the folder itself
is swapped whole on every commit, see `commit.py`). The kernel drops the lock when its holder
dies, so a killed build never leaves the folder locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(dist: Path) -> Path:
    return dist.parent / f".{dist.name}.lock"


@contextmanager
def release_lock(dist: Path, waiting: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold the release folder's lock; if another build holds it, say so and wait for it."""
    path = lock_path(dist)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            waiting(f"another build (pid {holder}) is writing to this release folder; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
