"""The shelf commits its works a few at a time (builder/shelf/build.py, `_Batch`): a shelf of
a thousand works writes its manifest and sums a few dozen times, not a thousand; a build
killed at any moment leaves a true release holding whole commits; a stopped build commits
what it built before it stops. The works are made by a stand-in for the workers (no
typesetting), so that shelves of hundreds of works take a second or two."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.release.manifest import Built, BuiltFile
from builder.shelf import build as shelf_build
from builder.shelf import scheduler
from builder.shelf.build import BuildReport, build_shelf
from builder.shelf.key import Keyed
from builder.shelf.work import editions
from tests.support.shelf_project import assert_true_release

CHOSEN = editions(("epub",), ["a5"], False)


def _made(folder: Path, edition: str = "1") -> Built:
    """What a worker would hand back for a work: its EPUB, of bytes its slug and `edition` fix."""
    slug = folder.name
    data = f"{slug} edition {edition}".encode()
    return Built(
        slug,
        f"Title of {slug}",
        "A. Writer",
        f"urn:uuid:{slug}",
        "2023-11-14T22:13:20Z",
        [BuiltFile(f"{slug}.epub", data, f"key-{edition}", "epub")],
    )


def _stand_in(
    monkeypatch: pytest.MonkeyPatch, edition: str = "1", stop_after: int | None = None, die_after: int | None = None
) -> None:
    """Workers that make each work at once; after `stop_after` works, Ctrl-C; after
    `die_after`, the process dies as SIGKILL kills it (no handler, no cleaning up)."""

    def run(tasks: list[scheduler.Task], workers: int) -> Iterator[tuple[scheduler.Job, Built]]:
        for n, (job, _) in enumerate(tasks):
            if n == stop_after:
                raise KeyboardInterrupt
            if n == die_after:
                os._exit(9)
            yield job, _made(job.folder, edition)

    monkeypatch.setattr(shelf_build.scheduler, "run", run)
    monkeypatch.setattr(
        shelf_build, "shelf_keys", lambda folders: dict.fromkeys(folders, Keyed(f"work-key-{edition}", None))
    )


def _count_commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of works of each commit of the build."""
    sizes: list[int] = []
    real = shelf_build._commit

    def counted(dist: Path, current: dict | None, built: list[Built], drop: set[str]) -> dict:
        sizes.append(len(built))
        return real(dist, current, built, drop)

    monkeypatch.setattr(shelf_build, "_commit", counted)
    return sizes


def _works(tmp_path: Path, count: int) -> list[Path]:
    return [tmp_path / "source" / f"work-{n:04}" for n in range(count)]


def _listed(dist: Path) -> set[str]:
    return set(json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["works"])


@pytest.mark.parametrize("count", [1, 7, 60, 1000])
def test_a_shelf_commits_a_few_times_whatever_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    _stand_in(monkeypatch)
    sizes = _count_commits(monkeypatch)
    monkeypatch.setattr(shelf_build._Batch, "EVERY", math.inf)  # only the shelf's size decides here
    works = _works(tmp_path, count)
    report = BuildReport(works)
    build_shelf(report, CHOSEN, tmp_path / "dist", jobs=2, force=False, whole_shelf=True)
    assert (
        sum(sizes) == count
        and [built.slug for built in report.built] == [w.name for w in works]
        and report.pending == []
    )
    # Each commit holds at least half as many works as the release listed before it: the
    # commits grow as the release does, about log(n) / log(1.5) of them.
    assert len(sizes) <= 3 + math.log(count) / math.log(1.5), sizes
    listed = 0
    for n, size in enumerate(sizes):
        assert 2 * size >= listed or n == len(sizes) - 1, sizes  # the last: what was left
        listed += size
    assert_true_release(tmp_path / "dist")
    assert _listed(tmp_path / "dist") == {w.name for w in works}


def test_the_report_keeps_no_edition_bytes_once_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shelf's editions are let go once they are in the release folder: the parent's memory
    does not grow with the bytes of every work it built, only the names and sizes stay."""
    _stand_in(monkeypatch)
    works = _works(tmp_path, 60)
    report = BuildReport(works)
    build_shelf(report, CHOSEN, tmp_path / "dist", jobs=2, force=False, whole_shelf=True)
    files = [file for built in report.built for file in built.files]
    assert len(files) == 60 and all(file.data == b"" for file in files)
    assert all(file.size == (tmp_path / "dist" / file.name).stat().st_size > 0 for file in files)


def test_a_rebuild_of_a_few_works_is_one_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "dist"
    works = _works(tmp_path, 200)
    _stand_in(monkeypatch, "1")
    build_shelf(BuildReport(works), CHOSEN, dist, jobs=2, force=False, whole_shelf=True)
    _stand_in(monkeypatch, "2")
    sizes = _count_commits(monkeypatch)
    build_shelf(BuildReport(works[:5]), CHOSEN, dist, jobs=2, force=True, whole_shelf=False)
    assert sizes == [5]
    assert (dist / "work-0004.epub").read_bytes() == b"work-0004 edition 2" and (
        dist / "work-0005.epub"
    ).read_bytes() == b"work-0005 edition 1"
    assert_true_release(dist)


@pytest.mark.parametrize("die_after", [0, 1, 2, 3, 4, 6, 9, 14, 23, 39])
def test_a_build_killed_between_works_leaves_whole_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, die_after: int
) -> None:
    """Killed after `die_after` works were made, some of them still waiting for their commit:
    the release lists exactly the works it holds, each whole; the next build finishes it."""
    dist = tmp_path / "dist"
    works = _works(tmp_path, 40)
    _stand_in(monkeypatch, "1")
    build_shelf(BuildReport(works[:10]), CHOSEN, dist, jobs=2, force=False, whole_shelf=False)
    _stand_in(monkeypatch, "2", die_after=die_after)
    pid = os.fork()
    if pid == 0:  # the build that dies
        try:
            build_shelf(BuildReport(works), CHOSEN, dist, jobs=2, force=True, whole_shelf=True)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert_true_release(dist)
    listed = _listed(dist)
    newer = {slug for slug in listed if (dist / f"{slug}.epub").read_bytes().endswith(b"edition 2")}
    assert {w.name for w in works[:10]} <= listed  # the old release's works are kept, old or new
    assert newer <= {w.name for w in works[:die_after]}  # nothing is listed that was not made
    # The next build clears what the dead one left and finishes the job.
    _stand_in(monkeypatch, "2")
    build_shelf(BuildReport(works), CHOSEN, dist, jobs=2, force=True, whole_shelf=True)
    assert_true_release(dist)
    assert _listed(dist) == {w.name for w in works}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] == [".dist.lock"]


@pytest.mark.parametrize("stop_after", [1, 5, 33])
def test_a_stopped_build_commits_what_it_made_before_it_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_after: int
) -> None:
    dist = tmp_path / "dist"
    works = _works(tmp_path, 40)
    _stand_in(monkeypatch, stop_after=stop_after)
    report = BuildReport(works)
    with pytest.raises(KeyboardInterrupt):
        build_shelf(report, CHOSEN, dist, jobs=2, force=False, whole_shelf=True)
    made = [w.name for w in works[:stop_after]]
    assert [built.slug for built in report.built] == made
    assert report.pending == [w.name for w in works[stop_after:]]
    assert _listed(dist) == set(made)
    assert_true_release(dist)
    assert all((dist / f"{slug}.epub").read_bytes() == f"{slug} edition 1".encode() for slug in made)
