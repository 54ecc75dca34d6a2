"""A shelf's works keyed several at once (builder/shelf/key.py, work_keys): the keys one after
another would give, each dated by its own last commit, whether or not the shelf is in git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from builder.shelf.key import work_key, work_keys
from tests.conftest import ROOT


@pytest.mark.parametrize("epoch", [None, "1700000000"], ids=["dated by git", "dated by SOURCE_DATE_EPOCH"])
def test_keys_at_once_are_the_keys_one_after_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None) -> None:
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
            subprocess.run([*git, "commit", "-q", "-m", str(number), f"--date=@{1600000000 + number * 86400}"], cwd=tmp_path, check=True, env={"GIT_COMMITTER_DATE": f"@{1600000000 + number * 86400}", "PATH": "/usr/bin:/bin"})
        works.append(copy)
    keys = work_keys(works)
    assert list(keys) == works
    assert list(keys.values()) == [work_key(work) for work in works]
    if epoch is None:  # the copies' own dates: keys of their own
        assert len(set(keys.values())) == len(works)
