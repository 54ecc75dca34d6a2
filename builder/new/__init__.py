"""`folio new NAME`: start a shelf of one's own, a project folder Folio builds wherever it is.

The folder gets folio.toml (which marks it as a project), a .gitignore for dist/, a README,
the example work (shelf/source/, written for Folio and in the public domain, using every
feature of a source) and a release workflow that calls Folio's reusable one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from string import Template

from ..errors import BuildError

TEMPLATE = Path(__file__).resolve().parent / "shelf"
EXAMPLE = "folio-2026-on-keeping-a-shelf"
REUSABLE_WORKFLOW = ".github/workflows/shelf-release.yml"
TEMPLATED = {"README.md", "release.yml", f"source/{EXAMPLE}/work.toml"}  # with $name, $identifier, …


@dataclass(frozen=True)
class Origin:
    """Where a shelf's release workflow takes Folio from: the GitHub repository (OWNER/NAME)
    whose reusable workflow it calls, and the ref (a tag, branch or commit) of both the
    workflow and the Folio it installs."""

    repository: str
    ref: str

    @property
    def workflow(self) -> str:
        return f"{self.repository}/{REUSABLE_WORKFLOW}@{self.ref}"


def installed_origin() -> Origin | None:
    """The GitHub repository and commit this Folio was installed from (`pip install
    git+https://github.com/…`), as pip recorded it; None for any other installation."""
    try:
        text = metadata.distribution("folio-builder").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    recorded = json.loads(text) if text else {}
    url, vcs = str(recorded.get("url", "")), recorded.get("vcs_info") or {}
    if not url.startswith("https://github.com/") or vcs.get("vcs") != "git":
        return None
    repository = url.removeprefix("https://github.com/").removesuffix(".git").strip("/")
    return Origin(repository, vcs.get("requested_revision") or vcs.get("commit_id") or "main")


def parse_origin(text: str) -> Origin:
    """OWNER/NAME@REF (REF defaults to main)."""
    repository, _, ref = text.partition("@")
    if repository.count("/") != 1 or not all(repository.split("/")):
        raise BuildError(
            "--folio",
            f"{text!r} is not OWNER/NAME or OWNER/NAME@REF",
            hint="name the GitHub repository Folio's release workflow is in, e.g. --folio someone/folio@v1",
            code="C013",
        )
    return Origin(repository, ref or "main")


def new_shelf(folder: Path, origin: Origin | None) -> list[Path]:
    """Write the shelf into `folder` (which must not exist, or be empty); the files written.
    Without an origin the release workflow is left out (its address would be a guess)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BuildError(
            str(folder), "already exists and is not empty", hint="name a new folder: folio new NAME", code="C014"
        )
    values = {
        "name": folder.name,
        # Once, now: the work's identifier stays the same on every build after.
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "workflow": origin.workflow if origin else "",
        "repository": origin.repository if origin else "",
        "ref": origin.ref if origin else "",
    }
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        name = source.relative_to(TEMPLATE).as_posix()
        if name == "release.yml" and origin is None:
            continue
        target = folder / {"gitignore": ".gitignore", "release.yml": ".github/workflows/release.yml"}.get(name, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in TEMPLATED:
            target.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
        written.append(target)
    return written
