"""A shelf's works dated from one walk of git's history (builder/shelf/dates.py): for every work,
the date its own `git log -1 -- FOLDER STYLES` gives (source/edition_date.py), over generated
histories (works added, changed, moved out, the styles changed, a work never committed), in
one `git log` whatever the number of works; a history with merges is left to each work."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.shelf import dates as shelf_dates
from builder.shelf.dates import last_commits
from builder.source.edition_date import _last_commit

WORKS = [f"work-{n}" for n in range(5)]
# A commit: what it writes (work or "styles", and a file), or what it removes ("-" + work)
CHANGE = st.one_of(
    st.tuples(st.sampled_from([*WORKS, "styles"]), st.sampled_from(["text.md", "work.toml", "images/a.png"])),
    st.tuples(st.sampled_from(["-" + work for work in WORKS]), st.just("")),
)
HISTORY = st.lists(st.lists(CHANGE, min_size=1, max_size=3), min_size=1, max_size=12)


def _repository(folder: Path, history: list[list[tuple[str, str]]]) -> None:
    """A repository of the history (git fast-import: a commit a minute), and a work folder on
    disk for each work, committed or not."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    stream = []
    for number, changes in enumerate(history):
        stream.append(f"commit refs/heads/main\ncommitter T <t@example.org> {1_600_000_000 + 60 * number} +0000\n")
        stream.append(f"data 1\n{number % 10}\n")
        for where, name in changes:
            if where.startswith("-"):
                stream.append(f"D source/{where[1:]}\n")
                continue
            path = f"styles/{name}" if where == "styles" else f"source/{where}/{name}"
            data = f"{number} {path}"
            stream.append(f"M 644 inline {path}\ndata {len(data)}\n{data}\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input="".join(stream).encode(), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, check=True)
    for work in WORKS:
        (folder / "source" / work).mkdir(parents=True, exist_ok=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=HISTORY)
def test_one_walk_dates_each_work_as_its_own_git_log(
    history: list[list[tuple[str, str]]], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    folder = tmp_path_factory.mktemp("shelf")
    _repository(folder, history)
    works = [folder / "source" / work for work in WORKS]
    found = last_commits(works, folder / "styles")
    assert found == {work: _last_commit(work, folder / "styles") for work in works}


def test_one_git_log_whatever_the_number_of_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _repository(tmp_path, [[(work, "text.md")] for work in WORKS])
    asked: list[tuple[str, ...]] = []
    real = shelf_dates._git

    def git(cwd: Path, *args: str) -> str | None:
        asked.append(args)
        return real(cwd, *args)

    monkeypatch.setattr(shelf_dates, "_git", git)
    works = [tmp_path / "source" / work for work in WORKS]
    found = last_commits(works, tmp_path / "styles")
    assert len(asked) == 3 and sum("log" in args for args in asked) == 1  # where, whether merges, the walk
    expected = [_last_commit(work, tmp_path / "styles") for work in works]
    assert sorted(found.values()) == expected  # type: ignore[type-var]


def test_a_history_with_merges_is_left_to_each_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _repository(tmp_path, [[("work-0", "text.md")]])
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "checkout", "-q", "-b", "side"], cwd=tmp_path, check=True)
    (tmp_path / "source" / "work-1" / "text.md").write_text("side\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "side"], cwd=tmp_path, check=True)
    subprocess.run([*git, "checkout", "-q", "main"], cwd=tmp_path, check=True)
    (tmp_path / "source" / "work-2" / "text.md").write_text("main\n", encoding="utf-8")
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "merge", "-q", "--no-edit", "side"], cwd=tmp_path, check=True)
    assert last_commits([tmp_path / "source" / work for work in WORKS], tmp_path / "styles") == {}


def test_outside_a_repository_or_with_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    work = tmp_path / "source" / "work-0"
    work.mkdir(parents=True)
    assert last_commits([work], tmp_path / "styles") in ({}, {work: None})
    assert _last_commit(work, tmp_path / "styles") is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert last_commits([work], tmp_path / "styles") == {}
