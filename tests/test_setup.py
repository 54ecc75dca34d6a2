"""scripts/setup does nothing the second time: it never re-runs apt-get when nothing is missing
(it did on 2 runs of 5, when `fc-list | grep -q` died of SIGPIPE under pipefail)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.skipif(not shutil.which("fc-list") or not shutil.which("ldconfig"), reason="needs fontconfig and ldconfig")
def test_setup_never_reinstalls_what_is_there(tmp_path: Path) -> None:
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    if "GFS Didot" not in fonts:
        pytest.skip("GFS Didot is not installed here, so setup would rightly install it")
    if not shutil.which("ebook-convert"):
        pytest.skip("calibre is not installed here, so setup would rightly install it")
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup", project / "scripts" / "setup")
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, project / name)
        os.utime(project / name, (0, 0))  # older than the virtualenv's stamp: nothing to install
    venv = project / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(shutil.which("python3") or "/usr/bin/python3")
    (venv / ".installed").touch()
    fake = tmp_path / "bin"
    fake.mkdir()
    called = tmp_path / "apt-get-called"
    for tool in ("apt-get", "sudo"):
        (fake / tool).write_text(f"#!/bin/sh\necho {tool} >> {called}\n", encoding="utf-8")
        (fake / tool).chmod(0o755)
    env = os.environ | {"PATH": f"{fake}:{os.environ['PATH']}"}
    for _ in range(10):
        result = subprocess.run(
            [str(project / "scripts" / "setup")], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
    assert not called.exists(), "setup ran apt-get although nothing was missing"
