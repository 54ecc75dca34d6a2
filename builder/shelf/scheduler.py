"""Runs work builds on every core: a pool of worker processes, each importing WeasyPrint once.

Workers only make editions and hand them back; they never write to dist/. A work that fails
is reported and the others go on. With one job, or one short work of at most
`IN_PROCESS_TASKS` tasks, everything runs in this process (`pooled`).
"""

from __future__ import annotations

import errno
import gc
import multiprocessing
import os
import shutil
import signal
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import forkserver
from pathlib import Path

from ..editions.kinds import root
from ..errors import BuildError
from ..fingerprint import give_shared_key, shared_key
from ..release.manifest import Built
from .work import Edition, build_work


@dataclass(frozen=True)
class Job:
    folder: Path
    key: str | None
    jobs: int = 1  # the build's --jobs, handed to the writers (a long book's PDF is laid out on as many cores)
    date: datetime | None = None  # the edition's date, as keying found it (None: the loader finds it)


@dataclass(frozen=True)
class Failure:
    folder: Path
    message: str
    bug: bool = False  # not the source's fault: the build exits 70


# A worker's memory grows by about 0.3 MB a work it builds, outside Python's objects (WeasyPrint's
# fonts and PDFium's, a few KB of each document kept): a worker is replaced, forked afresh from
# the fork server, after so many works, so that a shelf of thousands peaks where one of a hundred
# does (a new worker costs its first layout's fonts, about 0.2 s: well under 1 % here).
WORKS_PER_WORKER = 50


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


Task = tuple[Job, list[Edition]]


def tasks(jobs: list[Job], chosen: list[Edition], workers: int) -> list[Task]:
    """One task per work; or, when there are fewer works than workers, one per chain of kinds
    that are made from one another (the EPUB and its Kobo edition; each trim's PDF and the
    print cover sized from it), so that a single work's EPUB and PDFs are made at once, every
    trim on a core of its own (the shelf gathers them again)."""
    groups: dict[tuple[str, str], list[Edition]] = {}
    for edition in chosen:
        groups.setdefault((root(edition.kind).name, edition.variant.trim), []).append(edition)
    if len(jobs) >= workers or len(groups) < 2:
        return [(job, chosen) for job in jobs]
    return [(job, group) for job in jobs for group in groups.values()]


# A single short work's tasks up to this many run in the build's own process. A pool costs a
# process start, the writers' imports again, a resource tracker and, in each worker,
# WeasyPrint's first loading of the faces: about 0.55 s of CPU for the letter's EPUB and PDF
# (2.0 s against 1.5 in one process, quiet machine), more than making its EPUB beside its short
# PDF saves in wall time. A longer work's PDF takes long enough that its EPUB, Kobo and Kindle
# editions made beside it save more time than the pool costs (Capital ch. 1, every default
# kind: 6.0 s through the pool, 8.4 in one process); three tasks or more (several trims,
# printers) are worth the pool too.
IN_PROCESS_TASKS = 2
IN_PROCESS_TEXT_BYTES = 32_000  # a work's Markdown, about 5,000 words (the letter's is 8 KB, Capital ch. 1's 135)


def pooled(work: list[Task], workers: int) -> int:
    """How many worker processes run `work`: 0 when it runs in this process (one job, or one
    short work whose tasks are few enough that starting a pool costs more than it saves)."""
    workers = min(workers, len(work))
    folders = {job.folder for job, _ in work}
    if workers <= 1 or (len(folders) == 1 and len(work) <= IN_PROCESS_TASKS and _short(*folders)):
        return 0
    return workers


def _short(folder: Path) -> bool:
    """Whether a work's text is short enough to be made in the build's process (a folder that
    cannot be read counts as short: its build fails at once)."""
    try:
        return sum(path.stat().st_size for path in folder.rglob("*.md")) < IN_PROCESS_TEXT_BYTES
    except OSError:
        return True


def run(work: list[Task], workers: int) -> Iterator[tuple[Job, Built | Failure]]:
    """Run each task, yielding results as they are done (in no set order)."""
    workers = pooled(work, workers)
    chosen = [edition for _, editions in work for edition in editions]
    if not workers:
        _imported(_writers(chosen))  # as a worker does: the collector then never scans them
        for job, editions in work:
            yield job, _build(job, editions)
        return
    context = multiprocessing.get_context("forkserver")
    modules = start_fork_server(chosen)
    # The workers' temporary files (WeasyPrint writes each font it loads to a folder of its own,
    # removed only at an interpreter's orderly exit, which a pool's worker never has) go in one
    # folder, removed when the pool ends: a build leaves nothing behind in TMPDIR.
    scratch = tempfile.mkdtemp(prefix="folio-workers-")
    try:
        with context.Pool(
            workers,
            initializer=_worker_started,
            initargs=(modules, shared_key(), scratch),
            maxtasksperchild=WORKS_PER_WORKER,
        ) as pool:  # leaving it terminates the workers
            yield from pool.imap_unordered(_build_job, work)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def start_fork_server(chosen: list[Edition]) -> list[str]:
    """Start the fork server, which imports the writers once (every worker is forked from it
    with them loaded), and return the modules it imports. Called as a build starts, it imports
    them (about a second, WeasyPrint's most of it) while this process finds and keys the works;
    called again, it does nothing. The source loader is among them: every worker reads works."""
    modules = _writers(chosen)
    multiprocessing.set_forkserver_preload(modules)  # the default context's server is the one "forkserver" contexts use
    forkserver.ensure_running()
    return modules


def _writers(chosen: list[Edition]) -> list[str]:
    """The modules a build of these editions imports: the source loader (every build reads
    works) and each kind's writer."""
    return list(
        dict.fromkeys(["builder.shelf.work", "builder.source.loader", *(edition.kind.module for edition in chosen)])
    )


def _imported(modules: list[str]) -> None:
    for module in modules:
        __import__(module)
    # The imported modules never become garbage: keep the collector off them (a full
    # collection during a long layout would scan them all again; 0.2 s of Capital ch. 1's
    # build in one process).
    gc.freeze()


def _worker_started(modules: list[str], shared: str, scratch: str | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if scratch is not None:
        tempfile.tempdir = scratch  # the pool's own folder, which the parent removes
    give_shared_key(shared)  # computed as the works were keyed
    _imported(modules)


def _build_job(args: Task) -> tuple[Job, Built | Failure]:
    job, chosen = args
    return job, _build(job, chosen)


def _build(job: Job, chosen: list[Edition]) -> Built | Failure:
    try:
        return build_work(job.folder, chosen, job.key, job.jobs, job.date)
    except BuildError as error:
        return Failure(job.folder, str(error))
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return _bug(job, error)
        # WeasyPrint writes the fonts it loads to temporary files: a full disk shows here too.
        failure = BuildError(
            job.folder,
            f"ran out of room for temporary files while making its editions: {error.strerror}",
            hint="free some disk space (or set TMPDIR to a roomier folder)",
            code="P020",
        )
        return Failure(job.folder, str(failure))
    except Exception as error:  # a bug: reported with the others, the shelf goes on
        return _bug(job, error)


def _bug(job: Job, error: Exception) -> Failure:
    detail = traceback.format_exc() if os.environ.get("FOLIO_DEBUG") else f"{type(error).__name__}: {error}"
    return Failure(job.folder, f"{job.folder.name}: {detail}", bug=True)
