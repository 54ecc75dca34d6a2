"""A shelf build: which works need building, building them on every core, and committing
the works' editions with the updated manifest and sums (a few works a commit: `_Batch`),
under the release folder's lock."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from ..errors import BuildError
from ..paths import shown_path
from ..release import manifest
from ..release.commit import clean_stale, commit, signals_held
from ..release.lock import release_lock
from ..release.manifest import Built
from . import scheduler
from .key import edition_key, shelf_keys
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
    report: BuildReport,
    chosen: list[Edition],
    dist: Path,
    jobs: int,
    force: bool,
    whole_shelf: bool,
    events: Events = Events(),
    ours: Callable[[str], bool] = lambda _: True,
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
        keys = shelf_keys(
            [folder for folder in report.works if folder not in failed]
        )  # several at once: each waits on git and the disk
        for folder in report.works:
            if folder in failed:
                continue
            key = keys[folder].key
            if not force and key and _up_to_date(dist, current, folder.name, key, chosen):
                report.up_to_date.append(folder.name)
            else:
                todo.append(scheduler.Job(folder, key, jobs, keys[folder].date))
        selected = {folder.name for folder in report.works}
        drop = (
            {slug for slug in (current or {}).get("works", {}) if slug not in selected and ours(slug)}
            if whole_shelf
            else set()
        )
        report.pending = [job.folder.name for job in todo]
        if drop:
            current = _commit(dist, current, [], drop)
            report.removed = sorted(drop)
        events.started(len(todo))
        tasks = scheduler.tasks(todo, chosen, jobs)
        expected = Counter(job.folder for job, _ in tasks)  # tasks a work was cut into
        parts: dict[Path, list[Built | scheduler.Failure]] = {}
        batch = _Batch(current)
        try:
            for job, part in scheduler.run(tasks, jobs):
                parts.setdefault(job.folder, []).append(part)
                if len(parts[job.folder]) < expected[job.folder]:
                    continue  # another edition of this work is still being made
                result = _gather(parts.pop(job.folder), chosen)
                if isinstance(result, Built):
                    batch.add(result)
                    # A print edition withheld (shelf/work.py's PRINT_ONLY): the work fails, its other editions stand.
                    report.failures += [scheduler.Failure(job.folder, message) for message in result.refused]
                else:
                    with signals_held():
                        report.failures.append(result)
                        report.pending.remove(job.folder.name)
                if batch.due():
                    batch.commit(dist, report)
                events.done(job.folder.name)
        except BaseException:
            # Ctrl-C, SIGTERM or a bug: what was built is committed before the build stops,
            # unless the commit itself is what failed (a full disk would only fail again).
            if batch.works and not batch.failed:
                batch.commit(dist, report)
            raise
        if batch.works:
            batch.commit(dist, report)


@dataclass
class _Batch:
    """Works built and not yet committed. A commit costs in proportion to the whole release
    (it links every file into the next state and writes the manifest, sums and catalogue of
    every work), so committing each work makes a shelf cost the square of its size. Works
    are committed together: when as many wait as half the works the release lists (each
    commit's cost shared by a share of the release: a shelf is linear), when `EVERY`
    seconds have passed since the last commit (a killed build loses no more than that, and
    commits take at most 1/`SHARE` of the time), and at the end or when the build is stopped."""

    current: dict | None
    works: list[Built] = field(default_factory=list)
    last: float = field(default_factory=time.monotonic)
    cost: float = 0.0  # seconds the last commit took
    failed: bool = False
    commits: int = 0

    EVERY: ClassVar[float] = 5.0
    SHARE: ClassVar[float] = 20.0

    def add(self, built: Built) -> None:
        self.works.append(built)

    def due(self) -> bool:
        listed = len((self.current or {}).get("works", {}))
        waited = time.monotonic() - self.last
        return bool(self.works) and (2 * len(self.works) >= listed or waited >= max(self.EVERY, self.SHARE * self.cost))

    def commit(self, dist: Path, report: BuildReport) -> None:
        """Commit the waiting works in one step, and say so in the report (signals held, so
        that the report never lags what dist/ holds)."""
        start = time.monotonic()
        with signals_held():
            try:
                self.current = _commit(dist, self.current, self.works, set())
            except BaseException:
                self.failed = True
                raise
            report.built.extend(built.written() for built in self.works)  # their bytes let go
            for built in self.works:
                report.pending.remove(built.slug)
            self.works = []
            self.commits += 1
        self.last = time.monotonic()
        self.cost = self.last - start


def _gather(parts: list[Built | scheduler.Failure], chosen: list[Edition]) -> Built | scheduler.Failure:
    """A work's editions made by several tasks, as one: all of them, or its first failure."""
    if failures := [part for part in parts if isinstance(part, scheduler.Failure)]:
        return failures[0]
    built = [part for part in parts if isinstance(part, Built)]
    if len(built) == 1:
        return built[0]
    order = {edition.file_name(built[0].slug): n for n, edition in enumerate(chosen)}
    files = sorted((file for part in built for file in part.files), key=lambda file: order[file.name])
    refused = tuple(message for part in built for message in part.refused)
    return replace(built[0], files=files, refused=refused, withheld=tuple(n for part in built for n in part.withheld))


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
            shown_path(dist),
            f"cannot be written: {error.strerror or error}",
            hint="make the output folder a writable folder with room to spare, or "
            "choose another with --out (it holds the previous release, whole)",
            code="P020",
        ) from None
    return new
