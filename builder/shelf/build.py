"""A shelf build: which works need building, building them on every core, and committing
each work's editions with the updated manifest and sums, under the release folder's lock."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import BuildError
from ..paths import shown_path
from ..release import manifest
from ..release.commit import clean_stale, commit, signals_held
from ..release.lock import release_lock
from ..release.manifest import Built
from . import scheduler
from .key import edition_key, work_keys
from .work import Edition


@dataclass
class BuildReport:
    """What a build did so far: read after it ends, or after it is interrupted."""

    works: list[Path]
    built: list[Built] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # works no longer in source/
    failures: list[scheduler.Failure] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # works still to build or commit

    @property
    def written(self) -> list[str]:
        return [file.name for entry in self.built for file in entry.files]


@dataclass(frozen=True)
class Events:
    waiting: Callable[[str], None] = lambda _: None
    cleaned: Callable[[list[Path]], None] = lambda _: None
    started: Callable[[int], None] = lambda _: None  # how many works will be built
    done: Callable[[str], None] = lambda _: None  # one work built or failed


def build_shelf(
    report: BuildReport, chosen: list[Edition], dist: Path, jobs: int, force: bool, whole_shelf: bool,
    events: Events = Events(), ours: Callable[[str], bool] = lambda _: True,
) -> None:
    """Build the works of `report` into dist/, filling in the report as works are committed.

    `whole_shelf`: the works are all there are (of those `ours` accepts: a shard's), so a work
    that dist/ lists, that `ours` accepts and that is not among them leaves dist/ and its sums."""
    dist = dist.resolve()  # a symbolic link to the folder stays one: the folder it names is swapped
    with release_lock(dist, events.waiting):
        if stale := clean_stale(dist):
            events.cleaned(stale)
        current = manifest.read_manifest(dist) if dist.is_dir() else None
        todo = []
        failed = {failure.folder for failure in report.failures}  # found before the build: not built, the others are
        keys = work_keys([folder for folder in report.works if folder not in failed])  # several at once: each waits on git and the disk
        for folder in report.works:
            if folder in failed:
                continue
            key = keys[folder]
            if not force and key and _up_to_date(dist, current, folder.name, key, chosen):
                report.up_to_date.append(folder.name)
            else:
                todo.append(scheduler.Job(folder, key, jobs))
        selected = {folder.name for folder in report.works}
        drop = {slug for slug in (current or {}).get("works", {}) if slug not in selected and ours(slug)} if whole_shelf else set()
        report.pending = [job.folder.name for job in todo]
        if drop:
            current = _commit(dist, current, [], drop)
            report.removed = sorted(drop)
        events.started(len(todo))
        tasks = scheduler.tasks(todo, chosen, jobs)
        parts: dict[Path, list[Built | scheduler.Failure]] = {}
        for job, part in scheduler.run(tasks, jobs):
            parts.setdefault(job.folder, []).append(part)
            if len(parts[job.folder]) < sum(1 for task in tasks if task[0] == job):
                continue  # another edition of this work is still being made
            result = _gather(parts.pop(job.folder), chosen)
            with signals_held():  # so that an interrupted build's report says what was committed
                if isinstance(result, Built):
                    current = _commit(dist, current, [result], set())
                    report.built.append(result)
                else:
                    report.failures.append(result)
                report.pending.remove(job.folder.name)
            events.done(job.folder.name)


def _gather(parts: list[Built | scheduler.Failure], chosen: list[Edition]) -> Built | scheduler.Failure:
    """A work's editions made by several tasks, as one: all of them, or its first failure."""
    if failures := [part for part in parts if isinstance(part, scheduler.Failure)]:
        return failures[0]
    built = [part for part in parts if isinstance(part, Built)]
    if len(built) == 1:
        return built[0]
    order = {edition.file_name(built[0].slug): n for n, edition in enumerate(chosen)}
    files = sorted((file for part in built for file in part.files), key=lambda file: order[file.name])
    return replace(built[0], files=files)


def _up_to_date(dist: Path, current: dict | None, slug: str, key: str, chosen: list[Edition]) -> bool:
    """Whether each chosen edition is in dist/, made from this key, with the hash listed."""
    files = {f["name"]: f for f in (current or {}).get("works", {}).get(slug, {}).get("files", [])}
    for edition in chosen:
        name = edition.file_name(slug)
        entry = files.get(name)
        if entry is None or entry.get("key") != edition_key(key, name):
            return False
        path = dist / name
        if not path.is_file() or path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            return False
    return True


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _commit(dist: Path, current: dict | None, built: list[Built], drop: set[str]) -> dict:
    """Write the built editions and the updated manifest and sums in one step."""
    present = {p.name for p in dist.iterdir()} if dist.is_dir() else set()
    new = manifest.updated(current, built, present, drop)
    dropped = manifest.listed_files(current) - manifest.listed_files(new)
    files: dict[str, bytes] = {file.name: file.data for entry in built for file in entry.files}
    try:
        commit(dist, files | manifest.release_files(new), remove=dropped)
    except OSError as error:
        raise BuildError(
            shown_path(dist), f"cannot be written: {error.strerror or error}",
            hint="make the output folder a writable folder with room to spare, or choose another with --out (it holds the previous release, whole)", code="P020",
        ) from None
    return new
