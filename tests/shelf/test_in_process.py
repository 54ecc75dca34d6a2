"""A single short work of few tasks is built in the build's own process: no fork server, no
pool (their start costs more than making its EPUB beside its PDF saves); a shelf, a longer
work, or a work of more tasks still goes through the pool."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.editions.kinds import FORMATS
from builder.editions.trims import trims
from builder.release.manifest import Built
from builder.shelf import scheduler
from builder.shelf.scheduler import IN_PROCESS_TASKS, IN_PROCESS_TEXT_BYTES, Job, pooled, tasks
from builder.shelf.work import editions
from tests.conftest import LETTER, ROOT


@given(
    formats=st.lists(st.sampled_from(FORMATS), min_size=1, unique=True),
    chosen_trims=st.lists(st.sampled_from(trims()), min_size=1, max_size=3, unique=True),
    cover=st.booleans(),
    works=st.integers(min_value=1, max_value=3),
    workers=st.integers(min_value=1, max_value=4),
)
def test_a_pool_only_for_several_works_or_many_tasks(
    formats: list[str], chosen_trims: list[str], cover: bool, works: int, workers: int
) -> None:
    chosen = editions(tuple(formats), chosen_trims, False, cover)
    work = tasks([Job(Path(f"work-{n}"), None) for n in range(works)], chosen, workers)
    size = pooled(work, workers)
    if workers == 1 or len(work) == 1 or (works == 1 and len(work) <= IN_PROCESS_TASKS):
        assert size == 0
    else:
        assert size == min(workers, len(work)) > 1


def test_the_letters_epub_and_pdf_are_made_here_and_its_trims_and_capitals_in_a_pool(tmp_path: Path) -> None:
    one = [Job(LETTER, None)]
    both = editions(("epub", "pdf"), ["a5"], False)
    assert pooled(tasks(one, both, 2), 2) == 0
    assert pooled(tasks(one, editions(("epub", "pdf"), ["a5", "a4"], False), 2), 2) == 2
    capital = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
    assert pooled(tasks([Job(capital, None)], both, 2), 2) == 2
    assert pooled(tasks([*one, Job(capital, None)], editions(("epub",), ["a5"], False), 2), 2) == 2
    # The text's size decides, in every Markdown file of the folder (a book's parts too).
    (tmp_path / "parts").mkdir()
    (tmp_path / "text.md").write_text("x" * (IN_PROCESS_TEXT_BYTES // 2))
    assert pooled(tasks([Job(tmp_path, None)], both, 2), 2) == 0
    (tmp_path / "parts" / "part-2.md").write_text("x" * (IN_PROCESS_TEXT_BYTES // 2))
    assert pooled(tasks([Job(tmp_path, None)], both, 2), 2) == 2


def test_run_builds_a_single_works_tasks_without_a_fork_server(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_: object) -> list[str]:
        raise AssertionError("a fork server was started for one work of two tasks")

    made: list[tuple[Path, list[str]]] = []

    def build_work(folder: Path, chosen: list, *_: object) -> Built:
        made.append((folder, [edition.kind_name for edition in chosen]))
        return Built(folder.name, "T", "A", "id", "2023-11-14T22:13:20Z", [])

    monkeypatch.setattr(scheduler, "start_fork_server", no_pool)
    monkeypatch.setattr(scheduler, "build_work", build_work)
    job = Job(Path("letter"), "key", jobs=2)
    work = tasks([job], editions(("epub", "pdf"), ["a5"], False), 2)
    assert len(work) == 2
    results = list(scheduler.run(work, 2))
    assert [result for _, result in results] == [Built("letter", "T", "A", "id", "2023-11-14T22:13:20Z", [])] * 2
    assert sorted(kinds for _, kinds in made) == sorted([["epub", "catalogue-cover"], ["pdf"]])
