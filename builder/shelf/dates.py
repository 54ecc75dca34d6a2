"""A shelf's edition dates from one walk of git's history, not one `git log` a work.

A work's edition is dated by the last commit that touched its folder or the styles
(source/edition_date.py: `git log -1 -- FOLDER STYLES`). Asked work by work, each `git log`
walks the history back to that commit: a shelf of n works, added a commit each, costs n walks
of up to n commits. Here one `git log` lists every commit that touched the shelf's folder or
the styles, with the files it touched, and each work takes the first that touched it or the
styles: the same commit, for a history without merges (a merge's simplification depends on
the paths asked about, so a history with merges is dated work by work, as before).
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

_TIMEOUT = 120  # seconds for a walk of the whole history


def last_commits(folders: list[Path], styles: Path) -> dict[Path, datetime | None]:
    """The date of the last commit that touched each folder or `styles` (None: no commit did,
    or no repository holds it), for the folders one walk can date; a folder missing from the
    result is dated on its own (with SOURCE_DATE_EPOCH set, git is not asked at all)."""
    if os.environ.get("SOURCE_DATE_EPOCH") is not None:
        return {}
    groups: dict[Path, dict[str, Path]] = {}
    for folder in folders:
        resolved = folder.resolve()
        if not (resolved / ".git").exists():  # a repository of its own is dated alone
            groups.setdefault(resolved.parent, {})[resolved.name] = folder
    found: dict[Path, datetime | None] = {}
    for parent, members in groups.items():
        found |= _walk(parent, members, styles.resolve())
    return found


def _git(cwd: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.decode("utf-8", "surrogateescape") if result.returncode == 0 else None


def _walk(parent: Path, members: dict[str, Path], styles: Path) -> dict[Path, datetime | None]:
    """The works of one folder (by folder name), dated from one `git log` of it and the styles."""
    top = _git(parent, "rev-parse", "--show-toplevel")
    merges = _git(parent, "rev-list", "--min-parents=2", "--max-count=1", "HEAD")
    if top is None or merges is None or merges.strip():
        return {}  # no repository, no commit yet, or merges: each work asks git on its own
    root = Path(top.strip()).resolve()
    if not parent.is_relative_to(root):
        return {}
    log = _git(
        root,
        "-c",
        "core.quotepath=off",
        "log",
        "--no-renames",  # a file moved out of a folder touched it: list both names
        "--name-only",
        "-z",
        "--format=%x01%ct",
        "--",
        str(parent),
        str(styles),
    )
    if log is None:
        return {}  # e.g. the styles outside the repository: as each work's own `git log` would find
    inside = parent.relative_to(root).as_posix()
    prefix = "" if inside == "." else inside + "/"
    style_prefix = styles.relative_to(root).as_posix() + "/" if styles.is_relative_to(root) else None
    dated: dict[str, datetime] = {}
    styles_date: datetime | None = None
    when: datetime | None = None
    for token in log.split("\0"):
        if token.startswith("\x01") and token[1:].isdigit():
            when = datetime.fromtimestamp(int(token[1:]), UTC)
            continue
        name = token.removeprefix("\n")
        if when is None or not name:
            continue
        if style_prefix is not None and name.startswith(style_prefix):
            if styles_date is None:
                styles_date = when  # every work not touched since is dated by it
            continue
        if name.startswith(prefix) and styles_date is None:
            work = name[len(prefix) :].split("/", 1)[0]
            if work in members:
                dated.setdefault(work, when)
    return {folder: dated.get(name, styles_date) for name, folder in members.items()}
