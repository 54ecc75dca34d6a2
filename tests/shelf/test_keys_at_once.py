"""A shelf's works keyed several at once (builder/shelf/key.py, shelf_keys): the keys one after
another would give, each dated by its own last commit, whether or not the shelf is in git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from builder.shelf.key import keyed, shelf_keys
from tests.conftest import ROOT


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["dated by git", "dated by SOURCE_DATE_EPOCH"])
def test_keys_at_once_are_the_keys_one_after_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None
) -> None:
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    works = sorted(path for path in (ROOT / "source").iterdir() if (path / "work.toml").is_file())
    # and works in a repository of their own, committed at different dates, one not at all
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    for number, work in enumerate(works[:3]):
        copy = tmp_path / "source" / work.name
        copy.parent.mkdir(exist_ok=True)
        subprocess.run(["cp", "-r", str(work), str(copy)], check=True)
        if number < 2:
            subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
            subprocess.run(
                [*git, "commit", "-q", "-m", str(number), f"--date=@{1600000000 + number * 86400}"],
                cwd=tmp_path,
                check=True,
                env={"GIT_COMMITTER_DATE": f"@{1600000000 + number * 86400}", "PATH": "/usr/bin:/bin"},
            )
        works.append(copy)
    keys = {work: value.key for work, value in shelf_keys(works).items()}
    assert list(keys) == works
    assert list(keys.values()) == [keyed(work).key for work in works]
    if epoch is None:  # the copies' own dates: keys of their own
        assert len(set(keys.values())) == len(works)


def test_a_work_is_dated_once_by_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The date a work's key was made with is the date its loader gives (so the worker takes
    it and asks git no more: one `git log` a work per build, the key's)."""
    from builder.source import edition_date
    from builder.source.loader import load_work

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    works = sorted(path for path in (ROOT / "source").iterdir() if (path / "work.toml").is_file())
    dates = {work: keyed(work).date for work in works}
    assert all(dates[work] == load_work(work).edition_date for work in works)

    def no_git(*args: object) -> None:
        raise AssertionError("git asked again for a date the key found")

    monkeypatch.setattr(edition_date, "_last_commit", no_git)
    assert all(load_work(work, dates[work]).edition_date == dates[work] for work in works)
