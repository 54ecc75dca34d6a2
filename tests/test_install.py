"""Folio on anyone's shelf: the wheel built from the repository, installed into a fresh virtual
environment outside it, starts a shelf with `folio new` and builds and checks it there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

# What the wheel is built from: the files git tracks, but not the tests, the works or the docs.
LEFT_OUT = ("tests/", "source/", "bench/", "docs/")


def _tracked() -> list[str]:
    listed = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    )
    return [name for name in listed if name and not name.startswith(LEFT_OUT) and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by pip from a copy of the checkout (a build in place would leave
    build/ and an egg-info in the repository)."""
    copy = tmp_path_factory.mktemp("checkout")
    for name in _tracked():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(copy)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("folio_builder-*.whl"))


def test_the_wheel_carries_the_styles_templates_and_data_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("styles", "builder/new/shelf"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(ROOT).as_posix()
                assert ("builder/" + name if folder == "styles" else name) in names
    assert {
        "builder/checks/java/EpubcheckService.java",
        "builder/checks/engine/reader.js",
        "builder/source/static-svg.toml",
        "builder/scripts/ace",
        "builder/scripts/reader",
    } <= names
    assert not any(name.startswith(("source/", "tests/", "styles/")) for name in names)


@pytest.mark.slow(25)
def test_a_fresh_environment_builds_a_new_shelf(wheel: Path, tmp_path: Path) -> None:
    """pip install of the wheel (its pinned packages from the index, held to constraints.txt),
    then `folio new shelf && cd shelf && folio build && folio check` outside the repository."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    started = time.monotonic()
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-compile",
            "--disable-pip-version-check",
            "-c",
            str(ROOT / "constraints.txt"),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    installed = time.monotonic() - started
    folio = str(venv / "bin" / "folio")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FOLIO_PROJECT")} | {
        "SOURCE_DATE_EPOCH": "1700000000"
    }

    def run(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [folio, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("Folio "), version.stderr
    made = run("new", "shelf", "--folio", "someone/folio@v1")
    assert made.returncode == 0, made.stderr
    shelf = tmp_path / "shelf"
    assert (shelf / ".gitignore").read_text(encoding="utf-8").count("dist/") == 1
    started = time.monotonic()
    built = run("build", cwd=shelf)
    assert built.returncode == 0, built.stderr
    assert "folio-2026-on-keeping-a-shelf.epub" in built.stdout and "folio-2026-on-keeping-a-shelf.pdf" in built.stdout
    checked = run("check", cwd=shelf)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 problems" in checked.stdout and "warning" not in checked.stderr
    # the installed Folio reads its own styles, never the repository's
    assert (
        str(ROOT)
        not in subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import builder.paths as p; print(p.BUILTIN_STYLES)"],
            cwd=shelf,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    )
    print(f"install {installed:.1f} s, new shelf built and checked {time.monotonic() - started:.1f} s")
