"""Commit files to a release folder as one step: readers see all of the old folder or all of
the new, never a new edition beside old sums.

A commit builds the next state of the folder in a staging folder beside it (unchanged files
are hard links, so this costs no copying), then swaps the two with one `renameat2(2)`
RENAME_EXCHANGE, and removes the old state. A build killed at any moment leaves either the
old folder or the new one under the folder's name, plus at most a staging folder, which the
next build removes (`clean_stale`). Signals are held back during a commit, so that Ctrl-C
lands between commits and the message can say exactly what was written.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True)

# What a commit can write: bytes, or a file to link (or copy) in, e.g. from a shard's folder.
Content = bytes | Path


def staging_prefix(dist: Path) -> str:
    return f".{dist.name}.stage-"


def clean_stale(dist: Path) -> list[Path]:
    """Remove what killed builds left: staging folders beside dist/, and `.part` files inside
    it (from older builds, which renamed files one by one). Call with the lock held."""
    stale = [p for p in dist.parent.glob(staging_prefix(dist) + "*") if p.is_dir() and not p.is_symlink()]
    if dist.is_dir():
        stale += [p for p in dist.glob(".*.part") if p.is_file()]
    for path in stale:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return stale


def commit(dist: Path, write: Mapping[str, Content], remove: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Make dist/ hold `write` (name → content), lose `remove`, and keep every other file."""
    with signals_held():
        dist.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=dist.parent, prefix=staging_prefix(dist)))
        try:
            exists = dist.is_dir()
            if exists:
                for entry in dist.iterdir():
                    if entry.name not in write and entry.name not in remove:
                        _link(entry, staging / entry.name)
            for name, content in write.items():
                if isinstance(content, Path):
                    _link(content, staging / name)
                else:
                    _write(staging / name, content)
            os.chmod(staging, (dist.stat().st_mode & 0o7777) if exists else 0o777 & ~_umask())
            _fsync(staging)
            if exists:
                _exchange(staging, dist)
            else:
                os.rename(staging, dist)
            _fsync(dist.parent)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # after a swap, this is the old state


def _write(target: Path, data: bytes) -> None:
    with target.open("xb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(target, 0o644)


def _link(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(target))


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # a file system without hard links, or another device
        shutil.copy2(source, target, follow_symlinks=False)


def _exchange(a: Path, b: Path) -> None:
    if _libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return
    code = ctypes.get_errno()
    if code not in (errno.EINVAL, errno.ENOSYS):
        raise OSError(code, os.strerror(code), str(b))
    # No atomic swap on this file system: two renames, with an instant where dist/ is absent
    # (never one where it holds a mix).
    aside = a.with_name(a.name + "-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _fsync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM (delivered when the commit is done)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
