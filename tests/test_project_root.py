"""A project is found as git finds its repository; its styles/ override Folio's file by file,
in every writer and in the build's key; `folio build` says which source/ it reads when it is
not the current folder's; Folio's own repository is a project whose styles are Folio's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder import fingerprint, paths
from builder.editions.weasyprint.sandbox import SandboxedFetcher

from .conftest import LETTER, ROOT, run_cli

SLUG = LETTER.name


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The project and the fingerprint found again for each test (both are cached)."""
    monkeypatch.delenv(paths.PROJECT_VARIABLE, raising=False)
    paths.choose_project(None)
    fingerprint.shared_key.cache_clear()
    yield
    paths.choose_project(None)
    fingerprint.shared_key.cache_clear()


def _project(root: Path) -> Path:
    shutil.copytree(LETTER, root / "source" / SLUG)
    return root


def _folio(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The checkout's command line run in `cwd` (PYTHONPATH: the checkout, not the folder)."""
    environment = (
        {k: v for k, v in os.environ.items() if k != paths.PROJECT_VARIABLE}
        | {"PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
        | env
    )
    return subprocess.run(
        [sys.executable, "-m", "builder", *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


def test_the_project_is_the_nearest_folder_up_with_folio_toml_or_source(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer, inner = tmp_path / "outer", tmp_path / "outer" / "shelf"
    (outer / "source").mkdir(parents=True)
    (inner / "notes" / "deep").mkdir(parents=True)
    assert paths.find_project(inner / "notes" / "deep") == paths.Project(outer, "source")
    (inner / paths.MARKER).write_text("", encoding="utf-8")
    assert paths.find_project(inner / "notes" / "deep") == paths.Project(inner, "marker")
    assert paths.find_project(outer / "source") == paths.Project(outer, "source")
    assert paths.find_project(tmp_path) == paths.Project(tmp_path, "current folder")
    assert paths.find_project(inner, named=outer) == paths.Project(outer, "option")
    monkeypatch.setenv(paths.PROJECT_VARIABLE, str(outer))
    assert paths.find_project(inner) == paths.Project(outer, "environment")
    assert paths.find_project(inner, named=inner).found_by == "option"  # the option wins over the variable


def test_folios_own_repository_is_a_project_whose_styles_are_folios(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "source" / SLUG)
    assert paths.project().root == ROOT
    assert paths.style_folders() == (paths.BUILTIN_STYLES,) and paths.BUILTIN_STYLES == ROOT / "styles"


def test_a_projects_styles_override_folios_file_by_file(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    before = fingerprint.shared_key()
    (project / "styles" / "trims").mkdir(parents=True)
    (project / "styles" / "print.css").write_text(
        '@page { size: 100mm 150mm } .rule { background: url("footnote-rule.svg") }\n', encoding="utf-8"
    )
    (project / "styles" / "trims" / "pocket.css").write_text("@page { size: 100mm 150mm }\n", encoding="utf-8")
    paths.choose_project(None)
    fingerprint.shared_key.cache_clear()
    assert paths.style_file("print.css") == (project / "styles" / "print.css").resolve()
    assert paths.style_file("epub.css") == paths.BUILTIN_STYLES / "epub.css"
    assert "trims/pocket.css" in paths.style_names("trims/*.css") and "trims/a5.css" in paths.style_names("trims/*.css")
    with_override = fingerprint.shared_key()
    assert with_override != before  # an override changes every work's key
    (project / "styles" / "print.css").write_text("/* changed */\n", encoding="utf-8")
    fingerprint.shared_key.cache_clear()
    assert fingerprint.shared_key() not in (before, with_override)
    # WeasyPrint asks for Folio's print.css (the documents' base address is Folio's styles)
    # and gets the project's; what that file names and the project lacks comes from Folio's.
    fetcher = SandboxedFetcher(project / "source" / SLUG)
    assert fetcher.fetch((paths.BUILTIN_STYLES / "print.css").as_uri()).read() == b"/* changed */\n"
    rule = fetcher.fetch((project / "styles" / "footnote-rule.svg").resolve().as_uri())
    assert rule.read() == (paths.BUILTIN_STYLES / "footnote-rule.svg").read_bytes()


def test_build_in_a_folder_with_its_own_source_builds_its_works_with_its_styles(tmp_path: Path) -> None:
    project = _project(tmp_path / "shelf")
    (project / "styles").mkdir()
    (project / "styles" / "epub.css").write_text("/* the shelf's own */\np { text-indent: 2em }\n", encoding="utf-8")
    built = _folio(project, "build", "--format", "epub", "--jobs", "1")
    assert built.returncode == 0, built.stderr
    assert "folio: the project is" not in built.stderr  # the current folder's own: nothing to say
    book = zipfile.ZipFile(project / "dist" / f"{SLUG}.epub")
    assert book.read("EPUB/css/epub.css").startswith(b"/* the shelf's own */")
    assert book.read("EPUB/css/common.css") == (ROOT / "styles" / "common.css").read_bytes()
    again = _folio(project / "source" / SLUG, "build", "--format", "epub", "--jobs", "1")  # from a folder inside it
    assert again.returncode == 0 and "1 up to date" in again.stdout, again.stderr
    assert (
        f"folio: the project is {project} (found upward from here): "
        f"the build reads {project}/source, writes {project}/dist" in again.stderr
    )
    (project / "styles" / "epub.css").write_text("/* changed */\n", encoding="utf-8")
    rebuilt = _folio(project, "build", "--format", "epub", "--jobs", "1")
    assert rebuilt.returncode == 0 and "up to date" not in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
    assert zipfile.ZipFile(project / "dist" / f"{SLUG}.epub").read("EPUB/css/epub.css") == b"/* changed */\n"


def test_a_project_named_elsewhere_is_said_with_the_folders_own_source(tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    (here / "source").mkdir(parents=True)
    _project(there)
    result = _folio(here, "build", "--format", "epub", "--jobs", "1", FOLIO_PROJECT=str(there))
    assert result.returncode == 0, result.stderr
    assert (
        f"folio: the project is {there} (named by FOLIO_PROJECT): the build reads {there}/source, writes {there}/dist"
        in result.stderr
    )
    assert "(not source, this folder's own)" in result.stderr
    assert (there / "dist" / f"{SLUG}.epub").is_file() and not (here / "dist").exists()
    (there / "styles").mkdir()
    (there / "styles" / "epub.css").write_text("/* there */\n", encoding="utf-8")
    # the EPUB and the PDF made by two workers, which learn the project from the command line too
    option = _folio(here, "--project", str(there), "build", "--format", "epub", "--format", "pdf", "--jobs", "2")
    assert option.returncode == 0 and "1 of 1 work built" in option.stdout, option.stderr
    assert f"folio: the project is {there} (named by --project)" in option.stderr
    assert zipfile.ZipFile(there / "dist" / f"{SLUG}.epub").read("EPUB/css/epub.css") == b"/* there */\n"


def test_a_folder_with_no_project_is_told_how_to_start_one(tmp_path: Path) -> None:
    result = _folio(tmp_path, "build", "--jobs", "1")
    assert result.returncode == 1
    assert "source: no works found [C001]" in result.stderr and "folio new NAME" in result.stderr


def test_folio_new_writes_a_shelf_and_refuses_a_folder_with_files(tmp_path: Path) -> None:
    made = run_cli("new", str(tmp_path / "shelf"), "--folio", "someone/folio@v2")
    assert made.returncode == 0, made.stderr
    shelf = tmp_path / "shelf"
    assert {p.relative_to(shelf).as_posix() for p in shelf.rglob("*") if p.is_file()} >= {
        "folio.toml",
        ".gitignore",
        "README.md",
        ".github/workflows/release.yml",
        "source/folio-2026-on-keeping-a-shelf/work.toml",
        "source/folio-2026-on-keeping-a-shelf/text.md",
    }
    workflow = (shelf / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "uses: someone/folio/.github/workflows/shelf-release.yml@v2" in workflow and "folio-ref: v2" in workflow
    assert "$" not in (shelf / "source" / "folio-2026-on-keeping-a-shelf" / "work.toml").read_text(encoding="utf-8")
    actionlint = shutil.which("actionlint") or str(ROOT / ".venv" / "bin" / "actionlint")
    linted = subprocess.run(
        [actionlint, "-no-color", str(shelf / ".github" / "workflows" / "release.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout
    # it passes the reusable workflow exactly the inputs that workflow declares
    reusable = (ROOT / ".github" / "workflows" / "shelf-release.yml").read_text(encoding="utf-8")
    declared = re.findall(r"^      ([\w-]+):\n        description:", reusable, re.M)
    assert "workflow_call:" in reusable and declared == ["folio-repository", "folio-ref"]
    assert re.findall(r"^      ([\w-]+): ", workflow.split("with:", 1)[1], re.M) == declared
    again = run_cli("new", str(shelf))
    assert again.returncode == 1 and "already exists and is not empty [C014]" in again.stderr
    bare = run_cli("new", str(tmp_path / "bare"))
    assert bare.returncode == 0 and not (tmp_path / "bare" / ".github").exists()
    assert "no release workflow written" in bare.stderr
    wrong = run_cli("new", str(tmp_path / "wrong"), "--folio", "not-a-repository")
    assert wrong.returncode == 1 and "[C013]" in wrong.stderr


@pytest.mark.parametrize(
    ("recorded", "workflow"),
    [
        (
            {
                "url": "https://github.com/someone/folio.git",
                "vcs_info": {"vcs": "git", "requested_revision": "v3", "commit_id": "abc"},
            },
            "someone/folio/.github/workflows/shelf-release.yml@v3",
        ),
        (
            {"url": "https://github.com/someone/folio", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            "someone/folio/.github/workflows/shelf-release.yml@abc123",
        ),
        ({"url": "file:///home/someone/folio", "dir_info": {"editable": True}}, None),
        (None, None),
    ],
)
def test_a_shelf_calls_the_folio_it_was_installed_from(
    recorded: dict | None, workflow: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip records where a package came from (direct_url.json): a GitHub address is the
    repository and ref the new shelf's workflow calls; anything else names none."""
    import json

    from builder import new

    class Installed:
        def read_text(self, name: str) -> str | None:
            return json.dumps(recorded) if recorded is not None and name == "direct_url.json" else None

    monkeypatch.setattr(new.metadata, "distribution", lambda name: Installed())
    origin = new.installed_origin()
    assert (origin.workflow if origin else None) == workflow
