"""The GitHub workflows pass actionlint, and do what the release needs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

WORKFLOWS = ROOT / ".github" / "workflows"


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint") or str(ROOT / ".venv" / "bin" / "actionlint")
    result = subprocess.run(
        [actionlint, "-no-color", *sorted(map(str, WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_workflows_run_the_readme_test_command_with_full_history(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test   # run the tests" in readme
    assert "run: make test" in text
    assert "fetch-depth: 0" in text  # edition dates come from git history


def test_release_attaches_every_release_file() -> None:
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    for needed in [
        'tags: ["v*"]',
        "folio release files dist",
        '"${files[@]}"',
        "gh release",
        "folio verify dist",
        "contents: write",
    ]:
        assert needed in text, needed
    assert "*.epub" not in text and "*.pdf" not in text  # the registry of kinds says what a release holds, not a glob


def test_release_files_lists_every_file_of_a_release(built: Path) -> None:
    result = run_cli("release", "files", str(built))
    assert result.returncode == 0, result.stderr
    listed = sorted(Path(line).name for line in result.stdout.splitlines())
    assert listed == sorted(p.name for p in built.iterdir() if not p.name.startswith("."))
    assert {"catalog.xml", "SHA256SUMS", "manifest.json"} <= set(listed)


def test_release_builds_the_shelf_in_shards_and_merges_them() -> None:
    import re

    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    matrix = re.search(r"shard: \[([\d, ]+)\]", text)
    shards = re.search(r"SHARDS: (\d+)", text)
    assert matrix and shards
    assert [int(k) for k in matrix.group(1).split(",")] == list(range(1, int(shards.group(1)) + 1))  # every share built
    assert '--shard "${{ matrix.shard }}/$SHARDS"' in text
    assert "folio release merge shards/shard-* --out dist" in text
    assert text.index("release merge") < text.index("folio verify dist") < text.index("gh release")
