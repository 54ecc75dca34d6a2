"""A release folder is always true: whatever stops a build (SIGKILL at any moment, Ctrl-C,
SIGTERM, a full disk, a second build racing it), `sha256sum -c` and `folio verify` pass,
every edition is listed, and each work's editions are all old or all new."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.release import commit as committing
from tests.support.shelf_project import NEW, OLD, assert_true_release, folio, make_project, start

SMALL = ["lenin-1912-letter-to-huysmans", "lenin-1913-big-achievement-of-the-chinese-republic"]


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A project with two small works, and its release folder built on two edition dates."""
    project = make_project(tmp_path_factory.mktemp("project"), SMALL)
    for epoch, name in ((OLD, "old"), (NEW, "new")):
        result = folio(project, "build", "--out", name, "-j1", epoch=epoch)
        assert result.returncode == 0, result.stderr
    return project, project / "old", project / "new"


def _fresh(project: Path, old: Path, name: str) -> Path:
    dist = project / name
    shutil.rmtree(dist, ignore_errors=True)
    shutil.copytree(old, dist)
    return dist


def _wait_for_first_commit(dist: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
            if any(work["edition_date"].startswith("2023") for work in manifest["works"].values()):
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    raise AssertionError("the build committed nothing in time")


@pytest.mark.slow(28)  # builds at a lower priority: not beside the shelf build, as the run starts
@pytest.mark.parametrize("moment", ["0.3 s", "first commit", "first commit + 30 ms"])
def test_sigkill_at_any_moment_leaves_a_true_release(states: tuple[Path, Path, Path], moment: str) -> None:
    project, old, new = states
    dist = _fresh(project, old, "dist")
    process = start(project, "build", "--out", "dist", "-j1", epoch=NEW)
    if moment.startswith("first commit"):
        _wait_for_first_commit(dist, process)
        time.sleep(0.03 if "+" in moment else 0)
    else:
        time.sleep(float(moment.split()[0]))
    process.kill()
    process.wait()
    assert_true_release(dist, [old, new])
    verify = folio(project, "verify", "dist", "--no-checks")
    assert verify.returncode == 0, verify.stderr
    if "+" not in moment:
        return
    # The next build clears what the killed one left beside dist/ and finishes the job.
    result = folio(project, "build", "--out", "dist", "-j1", epoch=NEW)
    assert result.returncode == 0, result.stderr
    assert not list(project.glob(".dist.stage-*"))
    assert set(assert_true_release(dist, [new]).values()) == {0}


def test_a_commit_killed_at_every_step_leaves_old_or_new(tmp_path: Path) -> None:
    """Kill (os._exit in a forked child) before each file-system step of one commit."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "a.epub").write_bytes(b"old a")
    (dist / "b.pdf").write_bytes(b"old b")
    old_state = {"a.epub": b"old a", "b.pdf": b"old b"}
    new_state = {"a.epub": b"new a", "b.pdf": b"old b", "c.pdf": b"new c"}
    steps = ["_link", "_write", "_fsync", "_exchange"]
    for limit in range(40):
        pid = os.fork()
        if pid == 0:  # the child: count steps, and die at step `limit`
            _die_at_step(limit, steps)
            committing.commit(dist, {"a.epub": b"new a", "c.pdf": b"new c"})
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        state = {p.name: p.read_bytes() for p in dist.iterdir()}
        assert state in (old_state, new_state), (limit, state)
        committing.clean_stale(dist)
        assert [p.name for p in tmp_path.iterdir()] == ["dist"]
        if os.waitstatus_to_exitcode(status) == 0:
            assert state == new_state
            assert limit > 4  # it died at several steps before getting through
            break
        for name in [p for p in dist.iterdir()]:
            name.unlink()
        for name, data in old_state.items():
            (dist / name).write_bytes(data)
    else:
        raise AssertionError("the commit never completed")


def _die_at_step(limit: int, steps: list[str]) -> None:
    calls = [0]

    def dying(real: Callable[..., object]) -> Callable[..., object]:
        def step(*args: object) -> object:
            if calls[0] == limit:
                os._exit(9)
            calls[0] += 1
            return real(*args)

        return step

    for name in steps:
        setattr(committing, name, dying(getattr(committing, name)))


@pytest.mark.parametrize(("how", "code", "said"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupting_says_what_was_written(
    states: tuple[Path, Path, Path], how: signal.Signals, code: int, said: str
) -> None:
    project, old, new = states
    dist = _fresh(project, old, "dist")
    process = start(project, "build", "--out", "dist", "-j1", epoch=NEW)
    _wait_for_first_commit(dist, process)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert f"interrupted ({said})" in stderr and "Traceback" not in stderr
    assert f"written, with their sums: {SMALL[0]}" in stderr
    assert f"not written (its previous editions, if any, are kept): {SMALL[1]}" in stderr
    assert assert_true_release(dist, [old, new]) == {SMALL[0]: 1, SMALL[1]: 0}


def test_racing_builds_wait_for_each_other(states: tuple[Path, Path, Path]) -> None:
    project, old, new = states
    dist = _fresh(project, old, "dist")
    first = start(project, "build", f"source/{SMALL[0]}", "--out", "dist", epoch=NEW)
    _wait_for_lock_held_by(project / ".dist.lock", first)
    second = start(project, "build", f"source/{SMALL[0]}", "--out", "dist", epoch=OLD)
    outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert "waiting for it to finish" in outputs[1][1]
    # The second waited for the first to finish, and then made the letter old again.
    assert set(assert_true_release(dist, [old, new]).values()) == {0}
    assert json.loads((dist / "manifest.json").read_text())["works"].keys() == set(SMALL)


def _wait_for_lock_held_by(lock: Path, build: subprocess.Popen[str]) -> None:
    """Until the build has taken the release folder's lock (its holder writes its pid there):
    a fixed sleep loses the race on a busy machine."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        if lock.is_file() and lock.read_text(encoding="ascii", errors="replace").strip() == str(build.pid):
            return
        time.sleep(0.01)
    raise AssertionError(f"the first build never took the lock (exit {build.poll()})")


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))  # the EPUBs (and fonts) are larger


def test_a_full_disk_leaves_the_previous_release(states: tuple[Path, Path, Path]) -> None:
    project, old, new = states
    dist = _fresh(project, old, "dist")
    result = folio(project, "build", "--out", "dist", "-j1", epoch=NEW, preexec_fn=_limit_file_size)
    assert result.returncode == 1
    # WeasyPrint's temporary font files or the commit: either way a coded error, not a bug
    assert "File too large" in result.stderr and "[P020]" in result.stderr and "Traceback" not in result.stderr, (
        result.stderr
    )
    assert set(assert_true_release(dist, [old, new]).values()) == {0}
    assert not list(project.glob(".dist.stage-*"))


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")
def test_a_really_full_disk_leaves_the_previous_release(states: tuple[Path, Path, Path], tmp_path: Path) -> None:
    project, old, new = states
    mount = tmp_path / "small"
    mount.mkdir()
    kilobytes = sum(
        -(-path.stat().st_size // 4096) * 4 for path in old.iterdir()
    )  # in 4 kB blocks, as tmpfs keeps them
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes * 3 // 2}k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        dist = mount / "dist"
        shutil.copytree(old, dist)  # room for the old release, not for a second copy
        result = folio(project, "build", "--out", str(dist), "-j1", epoch=NEW)
        assert result.returncode == 1 and "No space left on device [P020]" in result.stderr, result.stderr
        assert set(assert_true_release(dist, [old, new]).values()) == {0}
        assert [p.name for p in mount.iterdir() if p.name != ".dist.lock"] == ["dist"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)
