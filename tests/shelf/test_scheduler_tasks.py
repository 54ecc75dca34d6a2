"""How a build's editions are shared among workers: every edition of every work made exactly
once, each edition in the task of the one it is made from, and a single work's trims on
different workers."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.editions.kinds import FORMATS, root
from builder.editions.trims import trims
from builder.shelf.scheduler import Job, tasks
from builder.shelf.work import editions
from tests.conftest import EDITION_EPOCH, ROOT


@given(
    formats=st.lists(st.sampled_from(FORMATS), min_size=1, unique=True),
    chosen_trims=st.lists(st.sampled_from(trims()), min_size=1, unique=True),
    marks=st.booleans(),
    cover=st.booleans(),
    works=st.integers(min_value=1, max_value=4),
    workers=st.integers(min_value=1, max_value=6),
)
def test_every_edition_once_and_each_cover_with_its_interior(
    formats: list, chosen_trims: list[str], marks: bool, cover: bool, works: int, workers: int
) -> None:
    chosen = editions(tuple(formats), chosen_trims, marks, cover)
    jobs = [Job(Path(f"work-{n}"), None) for n in range(works)]
    shared = tasks(jobs, chosen, workers)
    for job in jobs:
        made = Counter(edition for task_job, group in shared if task_job == job for edition in group)
        assert made == Counter(chosen)
    for _, group in shared:
        for edition in group:
            if needs := edition.kind.needs:
                assert any(
                    other.kind_name == needs and other.variant.trim == edition.variant.trim
                    for other in group[: group.index(edition)]
                )
    if works < workers:
        sizes = {task_job: sum(1 for other, _ in shared if other == task_job) for task_job, _ in shared}
        expected = len({(root(edition.kind).name, edition.variant.trim) for edition in chosen})
        assert set(sizes.values()) == {expected}
    else:
        assert len(shared) == works


def test_a_single_work_in_every_trim_has_a_task_per_trim() -> None:
    chosen = editions(("epub", "pdf"), ["a5", "a4"], False, cover=True)
    shared = tasks([Job(Path("book"), None)], chosen, 2)
    pdf_tasks = [
        [(edition.kind_name, edition.variant.trim) for edition in group]
        for _, group in shared
        if group[0].kind_name == "pdf"
    ]
    assert pdf_tasks == [[("pdf", "a5"), ("cover", "a5")], [("pdf", "a4"), ("cover", "a4")]]
    assert len(shared) == 3  # and one for the EPUB and what is made from it


def test_workers_replaced_as_they_go_make_the_same_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker is replaced after WORKS_PER_WORKER works (its memory grows outside Python's
    objects): with a new worker for every work, every work is still built once, byte for
    byte as in one process."""
    from builder.shelf import scheduler

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    monkeypatch.setenv("FOLIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(scheduler, "WORKS_PER_WORKER", 1)
    chosen = editions(("epub",), ["a5"], False)
    works = sorted(path for path in (ROOT / "source").iterdir() if (path / "work.toml").is_file())[:3]
    jobs = [Job(work, "key") for work in works]

    def made(workers: int) -> dict[str, list[bytes]]:
        found = {}
        for job, built in scheduler.run(tasks(jobs, chosen, workers), workers):
            assert not isinstance(built, scheduler.Failure), built.message
            found[job.folder.name] = [file.data for file in built.files]
        return found

    serial = made(1)
    assert made(2) == serial and len(serial) == 3


def test_a_worker_takes_the_shared_key_of_the_build_that_started_it() -> None:
    """A worker does not hash every typeface again (nor run fc-list) for the cover's cache key:
    it is given the key its build computed as the works were keyed."""
    import multiprocessing

    from builder import fingerprint
    from builder.shelf import scheduler

    context = multiprocessing.get_context("forkserver")
    with context.Pool(1, initializer=scheduler._worker_started, initargs=([], "the build's shared key")) as pool:
        assert pool.apply(fingerprint.shared_key) == "the build's shared key"


def test_a_pooled_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint writes the fonts it loads to folders of its own, which a pool's worker (never
    exiting in order) cannot remove: they go in the pool's folder, removed when the pool ends."""
    import tempfile

    from builder.shelf import scheduler

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    monkeypatch.setenv("FOLIO_CACHE", str(tmp_path / "cache"))
    chosen = editions(("pdf",), ["a5"], False)
    works = sorted(path for path in (ROOT / "source").iterdir() if (path / "work.toml").is_file())[:2]
    fonts_seen = []
    for _, built in scheduler.run(tasks([Job(work, "key") for work in works], chosen, 2), 2):
        assert not isinstance(built, scheduler.Failure), built.message
        fonts_seen += [path.name for path in temporary.glob("folio-workers-*/weasyprint-*")]
    assert fonts_seen  # the workers' fonts were in the pool's folder while it ran
    assert list(temporary.iterdir()) == []
