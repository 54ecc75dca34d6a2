"""The release stage's smaller modules on their own: one build at a time per release folder
(lock.py), and a shelf split into shards and merged again (shards.py)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.errors import BuildError
from builder.release.lock import lock_path, release_lock
from builder.release.shards import in_shard, merge, parse_shard

# lock.py


def test_the_lock_lies_beside_the_folder_and_names_its_holder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert lock_path(dist) == tmp_path / ".dist.lock"
    with release_lock(dist):
        assert lock_path(dist).read_text(encoding="ascii") == f"{os.getpid()}\n"
        assert not dist.exists()  # the lock never makes or enters the folder it guards


def test_a_second_build_says_who_holds_the_lock_and_waits_for_it(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    path = lock_path(dist)
    path.write_text("4242\n", encoding="ascii")
    held = path.open("r+")
    fcntl.flock(held, fcntl.LOCK_EX)  # another build's open file description: the lock conflicts
    said: list[str] = []
    asked, inside = threading.Event(), threading.Event()

    def second() -> None:
        with release_lock(dist, lambda message: (said.append(message), asked.set())):
            inside.set()

    thread = threading.Thread(target=second)
    thread.start()
    try:
        assert asked.wait(10) and not inside.is_set()
        assert "pid 4242" in said[0] and "waiting" in said[0]
    finally:
        held.close()  # the holder ends: the kernel drops its lock
    thread.join(10)
    assert inside.is_set()


# shards.py


@pytest.mark.parametrize(("text", "shard"), [("1/1", (1, 1)), ("2/4", (2, 4)), ("4/4", (4, 4))])
def test_a_shard_is_k_of_n(text: str, shard: tuple[int, int]) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["0/4", "5/4", "2", "a/b", "-1/2", "2/0", "1/"])
def test_a_shard_that_is_not_k_of_n_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="K/N"):
        parse_shard(text)


@given(st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40), st.integers(1, 9))
def test_each_work_lands_in_exactly_one_shard(slug: str, n: int) -> None:
    assert sum(in_shard(slug, (k, n)) for k in range(1, n + 1)) == 1


def test_a_folder_that_is_no_shard_is_refused_with_its_manifest_named(tmp_path: Path) -> None:
    (tmp_path / "shard").mkdir()
    with pytest.raises(BuildError) as refused:
        merge([tmp_path / "shard"], tmp_path / "out")
    assert refused.value.code == "R001" and "manifest.json" in str(refused.value.path)
    assert not (tmp_path / "out").exists()
