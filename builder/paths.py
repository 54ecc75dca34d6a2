"""Where things live: Folio's own styles, and the project a command works on.

Folio carries its styles (stylesheets, templates, trims, papers): inside the package when it
is installed from a wheel (`builder/styles/`), beside the package in a checkout, where they
are the repository's `styles/`. A *project* is the folder whose `source/` a command reads and
whose `dist/` it writes: the nearest folder, upward from the current one, that holds a
`folio.toml` or a `source/` folder (as git finds its repository), or the folder `--project` or
FOLIO_PROJECT names. A `styles/` folder of the project overrides Folio's styles file by file
(docs/authoring.md, "Your own shelf").
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# A checkout (and an editable install of it) keeps the styles beside the package; a wheel
# carries them inside (setup.py maps the repository's styles/ to builder/styles).
BUILTIN_STYLES = PACKAGE / "styles" if (PACKAGE / "styles").is_dir() else PACKAGE.parent / "styles"
# The checkers' scripts (DAISY Ace, the reading engine), carried the same way.
SCRIPTS = PACKAGE / "scripts" if (PACKAGE / "scripts").is_dir() else PACKAGE.parent / "scripts"
MARKER = "folio.toml"
PROJECT_VARIABLE = "FOLIO_PROJECT"


@dataclass(frozen=True)
class Project:
    """The folder a command works in, and how it was found (said when it is not obvious)."""

    root: Path
    found_by: str  # "option", "environment", "marker", "source" or "current folder"

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def styles(self) -> Path:
        """The project's own styles/, which may not exist: its files override Folio's."""
        return self.root / "styles"


def find_project(start: Path, named: Path | None = None) -> Project:
    """The project for a command run in `start`: the folder named (by --project, else by
    FOLIO_PROJECT), else the nearest folder upward holding folio.toml or source/, else `start`."""
    if named is not None:
        return Project(named.absolute(), "option")
    if variable := os.environ.get(PROJECT_VARIABLE):
        return Project(Path(variable).absolute(), "environment")
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return Project(folder, "marker")
        if (folder / "source").is_dir():
            return Project(folder, "source")
    return Project(start, "current folder")


_chosen: list[Path] = []  # the --project option, once the command line is read


def choose_project(folder: Path | None) -> None:
    """Record the command line's --project (before anything asks for the project), and pass
    it on to the processes the command starts (a build's workers) as FOLIO_PROJECT."""
    _chosen[:] = [folder.absolute()] if folder is not None else []
    if folder is not None:
        os.environ[PROJECT_VARIABLE] = str(folder.absolute())
    project.cache_clear()
    style_folders.cache_clear()


@cache
def project() -> Project:
    """The project of this command (found once)."""
    return find_project(Path.cwd(), _chosen[0] if _chosen else None)


@cache
def style_folders() -> tuple[Path, ...]:
    """Where a style file is looked for, first to last: the project's styles/ (when it has
    one, and it is not Folio's own, as in Folio's repository), then Folio's."""
    own = project().styles
    if own.is_dir() and own.resolve() != BUILTIN_STYLES.resolve():
        return (own.resolve(), BUILTIN_STYLES)
    return (BUILTIN_STYLES,)


def style_file(name: str) -> Path:
    """A file of the styles by its name under styles/ (e.g. "print.css", "trims/a5.css"):
    the project's copy if it has one, else Folio's."""
    for folder in style_folders():
        if (folder / name).is_file():
            return folder / name
    return BUILTIN_STYLES / name


def style_names(pattern: str) -> Iterator[str]:
    """The names under styles/ matching a glob pattern, from the project's styles/ and
    Folio's together (a project may add a trim), each once, sorted."""
    names = {
        path.relative_to(folder).as_posix()
        for folder in style_folders()
        for path in folder.glob(pattern)
        if path.is_file()
    }
    yield from sorted(names)


def style_name_of(path: Path) -> str | None:
    """The name under styles/ of a file in one of the style folders (None if it is in none)."""
    resolved = path.resolve()
    for folder in style_folders():
        if resolved.is_relative_to(folder.resolve()):
            return resolved.relative_to(folder.resolve()).as_posix()
    return None


def shown_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder where possible."""
    absolute = Path(path).absolute()
    return os.path.relpath(absolute) if absolute.is_relative_to(Path.cwd()) else str(absolute)
