"""Helpers for the shelf tests: a copy of the project with a few small works, built by the
real command line, and the release folder's invariants read back."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# Small works, so that whole builds stay quick; Capital is left out.
WORKS = [
    "lenin-1912-letter-to-huysmans",
    "lenin-1913-big-achievement-of-the-chinese-republic",
    "lenin-1914-letter-to-vorwaerts-and-wiener-arbeiter-zeitung",
    "marx-1845-theses-on-feuerbach",
]
OLD, NEW = "1600000000", "1700000000"  # two edition dates: every file differs between them


def make_project(target: Path, works: list[str] = WORKS) -> Path:
    """The project as unpacked from a source archive (no .git), with `works` in source/."""
    for name in ("builder", "styles"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for slug in works:
        shutil.copytree(ROOT / "source" / slug, target / "source" / slug)
    return target


def env(epoch: str = OLD, **extra: str) -> dict[str, str]:
    return os.environ | {"SOURCE_DATE_EPOCH": epoch} | extra


def folio(
    project: Path,
    *args: str,
    epoch: str = OLD,
    env_extra: dict[str, str] | None = None,
    python_flags: bool = False,
    **popen: object,
) -> subprocess.CompletedProcess[str]:
    """`python -m builder ARGS` in the project; with python_flags, ARGS begin with Python's own
    options, up to the first that is not one (e.g. "-X", "importtime", "build", …)."""
    flags: list[str] = []
    if python_flags:
        flags, args = list(args[:2]), args[2:]
    return subprocess.run(  # type: ignore[call-overload]
        [sys.executable, *flags, "-m", "builder", *args],
        cwd=project,
        env=env(epoch, **(env_extra or {})),
        capture_output=True,
        text=True,
        check=False,
        **popen,
    )


def start(project: Path, *args: str, epoch: str = OLD) -> subprocess.Popen[str]:
    """A build in the background, at a lower priority than the test watching it, so that on a
    busy machine the test still sees each commit as it happens."""
    return subprocess.Popen(
        [sys.executable, "-m", "builder", *args],
        cwd=project,
        env=env(epoch),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_lower_priority,
    )


def _lower_priority() -> None:
    os.nice(10)
    # A shell starts background jobs with Ctrl-C ignored, and Python then never installs its
    # handler: give the build the default, as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def files(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, by name (release folders are flat)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


RELEASE_FILES = {"manifest.json", "SHA256SUMS", "catalog.xml"}  # the folder's own, not a work's


def digests(folder: Path) -> dict[str, str]:
    """The sha256 of every work's file in a release folder (editions and catalogue covers)."""
    return {
        name: hashlib.sha256(data).hexdigest()
        for name, data in files(folder).items()
        if name not in RELEASE_FILES and not name.startswith(".")
    }


def assert_true_release(dist: Path, states: list[Path] = ()) -> dict[str, int]:  # type: ignore[assignment]
    """The release folder's promise: `sha256sum -c` passes, the manifest lists exactly the
    editions present with their hashes, and each work's editions all come from one of
    `states` (complete builds). Returns, for each work, the index of its state."""
    result = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for work in manifest["works"].values() for f in work["files"]}
    present = digests(dist)
    assert listed == present, "manifest and folder disagree"
    sums = dict(reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines())
    assert (
        sums.pop("catalog.xml")
        == hashlib.sha256((dist / "catalog.xml").read_bytes()).hexdigest()
        == manifest["catalogue"]["sha256"]
    )
    assert sums == listed
    assert not [p.name for p in dist.iterdir() if p.name.startswith(".")], "temporary files in the release folder"
    which = {}
    references = [digests(state) for state in states]
    for slug, work in manifest["works"].items():
        names = [f["name"] for f in work["files"]]
        matching = [i for i, ref in enumerate(references) if all(ref.get(n) == present[n] for n in names)]
        if references:
            assert matching, f"{slug}: its editions are not all from one build"
            which[slug] = matching[0]
    return which
