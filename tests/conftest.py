"""Shared fixtures: the works in source/ are built once per test run, by the real command line,
and every test reads the files back.

Under pytest-xdist (`make test` runs two workers) a shared build is made by the first worker
that asks for it, under a lock, in the run's own temporary folder, and read by every worker;
tests that share a module's costly fixture are kept on one worker (see
pytest_collection_modifyitems)."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from unittest import mock

import pytest

from builder.checks import validators as checks
from builder.editions.kinds import FORMATS, KINDS

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "source" / "lenin-1912-letter-to-huysmans"
SLUG = LETTER.name
DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "corpus"  # archive pages and books, copied byte for byte (see its README)
SEED = DATA / "texts" / "lenin-1912-letter-to-huysmans.txt"  # the archive page as copied
CAPITAL_CONTENTS = CORPUS / "books" / "marx" / "works" / "1867-c1" / "index.htm"  # Capital's contents page
CAPITAL_CH15 = CAPITAL_CONTENTS.parent / "ch15.htm"  # its longest chapter, alone


def cli(*args: str) -> list[str]:
    """The command line `folio ARGS` run from the checkout's own code."""
    return [sys.executable, "-m", "builder", *args]


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), cwd=cwd, capture_output=True, text=True, env=env, check=False)


def run_here(*args: str) -> subprocess.CompletedProcess[str]:
    """`folio ARGS` run by the command line's own entry point in this process, its output
    captured: for `folio check`, whose EPUBCheck is then the Java VM this process has already
    started (a command of its own starts one, about ten seconds of CPU)."""
    from builder import cli as folio

    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        mock.patch.object(sys, "argv", ["folio", *args]),
    ):
        try:
            folio.run()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess(["folio", *args], code, stdout.getvalue(), stderr.getvalue())


EDITION_EPOCH = "1700000000"  # 14 November 2023, 22:13:20 UTC: the date the tests' editions carry


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder that every xdist worker sees (each has its own below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str) -> Path:
    """`folio build ARGS --out DIR`, dated EDITION_EPOCH, made once per test run whichever
    worker asks first; the others wait on the lock and read the same folder (or the same failure)."""
    done = _build_once(_shared_folder(tmp_path_factory) / "shared-builds", name, args)
    assert done["returncode"] == 0, done["stderr"]
    return done["out"]


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder that `make(folder)` fills once per test run, whichever worker asks first; the
    others wait on the lock and read it (for what is not a build: an import a module reads,
    each of its groups on either worker). A worker whose `make` fails leaves it to the next."""
    folder = _shared_folder(tmp_path_factory) / "shared-builds"
    folder.mkdir(exist_ok=True)
    out, done = folder / name, folder / f"{name}.done"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            make(out)
            done.touch()
    return out


def _build_once(
    folder: Path, name: str, args: tuple[str, ...], started: list[subprocess.Popen[str]] | None = None
) -> dict:
    """The build's status, made by this process if no other made it first (under the lock);
    `started` receives the build's process, for a caller that may have to stop it."""
    folder.mkdir(exist_ok=True)
    out, status = folder / name, folder / f"{name}.json"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status.exists():
            shutil.rmtree(out, ignore_errors=True)
            process = subprocess.Popen(
                cli("build", *args, "--out", str(out)),
                cwd=ROOT,
                env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            if started is not None:
                started.append(process)
            _, stderr = process.communicate()
            if process.returncode < 0:  # stopped at the end of a run that never needed it
                return {"returncode": process.returncode, "stderr": "stopped", "out": out}
            status.write_text(json.dumps({"returncode": process.returncode, "stderr": stderr}), encoding="utf-8")
        return json.loads(status.read_text(encoding="utf-8")) | {"out": out}


# The shelf, which most test files read, is begun by xdist's controller as the run starts, so
# that neither worker sits waiting on its lock while the other builds it. Its editions are the
# ones a reading engine opens (the EPUB, the Kobo edition) and the A5 PDF: no test reads a
# Kindle edition from it (tests/editions/test_kindle.py builds its own), and calibre's
# conversion was a third of its CPU.
SHELF = tuple(option for name in FORMATS if KINDS[name].zipped or name == "pdf" for option in ("--format", name))
_EARLY: list[subprocess.Popen[str]] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    if (
        os.environ.get("PYTEST_XDIST_WORKER")
        or not session.config.getoption("numprocesses", None)
        or os.environ.get("FOLIO_TESTS_BUILT")
    ):
        return
    folder = session.config._tmp_path_factory.getbasetemp() / "shared-builds"  # type: ignore[attr-defined]  # the workers' shared folder
    threading.Thread(target=_build_once, args=(folder, "shelf", SHELF, _EARLY), daemon=True).start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    for process in _EARLY:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def built_shelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ for every work in source/: its EPUB, Kobo edition and A5 PDF, built by `python -m builder build`."""
    if reuse := os.environ.get("FOLIO_TESTS_BUILT"):  # a mutation run mutates no writer: build once for all its mutants
        return Path(reuse)
    return shared_build(tmp_path_factory, "shelf", *SHELF)


@pytest.fixture(scope="session")
def ace_on_shelf(built_shelf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """DAISY Ace's violations on each EPUB of the shelf, by file name: every book in one run of
    Ace, once per test run whichever worker asks first (about five seconds of CPU a book)."""
    status = _shared_folder(tmp_path_factory) / "shared-builds" / "ace-on-shelf.json"
    status.parent.mkdir(exist_ok=True)
    with (status.parent / f"{status.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status.exists():
            books = sorted(built_shelf.glob("*.epub"))
            found = checks.ace_books([book for book in books if not book.name.endswith(".kepub.epub")])
            status.write_text(
                json.dumps({path.name: [str(finding) for finding in findings] for path, findings in found.items()}),
                encoding="utf-8",
            )
        return json.loads(status.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ for the letter alone: its EPUB and A5 PDF (tests of a release folder count its files)."""
    if reuse := os.environ.get("FOLIO_TESTS_BUILT"):
        return Path(reuse)
    return shared_build(tmp_path_factory, "letter", str(LETTER))


@pytest.fixture(scope="session")
def letter_in_every_trim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The letter's PDF in every trim, each with its print cover for white paper."""
    return shared_build(tmp_path_factory, "letter-every-trim", str(LETTER), "--format", "pdf", "--all-trims", "--cover")


def _imported_once(tmp_path_factory: pytest.TempPathFactory, page: Path, slug: str) -> tuple[Path, list[str]]:
    """An archive page of the corpus imported (`folio import`'s own function) once per test run,
    whichever worker asks first: its source folder (not to be changed), and what the import
    report says needs a human look."""

    def imported(folder: Path) -> None:
        from builder.importer.assemble import import_work
        from builder.importer.fetch import Fetcher

        fetcher = Fetcher(cache=None, delay=0)
        try:
            done = import_work([str(page)], folder, slug, False, fetcher)
        finally:
            fetcher.close()
        (folder / "check.json").write_text(json.dumps(done.report.check), encoding="utf-8")

    folder = shared_folder(tmp_path_factory, f"imported-{slug}", imported)
    return folder / slug, json.loads((folder / "check.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def capital_imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The corpus's *Capital* imported whole from its contents page (its chapters that are
    served, some 105,000 words, with their notes): about ten seconds of CPU."""
    return _imported_once(tmp_path_factory, CAPITAL_CONTENTS, "capital")


@pytest.fixture(scope="session")
def capital_ch15_imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """*Capital*'s chapter 15 imported alone (57,000 words, 246 notes): about four seconds of CPU."""
    return _imported_once(tmp_path_factory, CAPITAL_CH15, "marx-1867-capital-v1-ch15")


@pytest.fixture(scope="session")
def epub_path(built: Path) -> Path:
    return built / f"{SLUG}.epub"


@pytest.fixture(scope="session")
def pdf_path(built: Path) -> Path:
    return built / f"{SLUG}.pdf"


@pytest.fixture(scope="session")
def epub_files(epub_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="session")
def epubcheck_report(epub_path: Path) -> dict:
    """W3C EPUBCheck's JSON report, run once per session (each run takes seconds)."""
    return checks.epubcheck_report(epub_path)


@pytest.fixture
def work_copy(tmp_path: Path) -> Path:
    """A copy of the letter's source folder, to break in a test."""
    target = tmp_path / SLUG
    shutil.copytree(LETTER, target)
    return target


def _module_fixture_group(item: pytest.Item) -> str | None:
    """The tests of a module that read one of its own costly fixtures (module-scoped, or
    session-scoped but defined in the module: a build, a layout, the reading engine's run)
    share a group, one per parameter of such a fixture, so that xdist's loadgroup makes each
    value once, on one worker, and spreads the values over the workers."""
    infos = getattr(item, "_fixtureinfo", None)
    if infos is None:
        return None
    module = item.nodeid.split("::", 1)[0]
    indices = getattr(getattr(item, "callspec", None), "indices", {})
    scoped = []
    for name in item.fixturenames:
        definitions = infos.name2fixturedefs.get(name) or ()
        if definitions and (
            definitions[-1].scope == "module"
            or (definitions[-1].scope == "session" and definitions[-1].baseid == module)
        ):
            scoped.append(f"{name}={indices[name]}" if name in indices else name)
    if not scoped:
        return None
    parametrized = [each for each in scoped if "=" in each]
    return f"{module}:{','.join(parametrized)}" if parametrized else module


def _cost(item: pytest.Item) -> float:
    """The seconds of CPU a test's `slow` mark gives (`slow(90)`: with the build or layout its
    group shares), 10 for a bare `slow`, none for a test not marked slow."""
    return max((float(mark.args[0]) if mark.args else 10.0 for mark in item.iter_markers("slow")), default=0.0)


def _group(item: pytest.Item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0] if mark.args else mark.kwargs.get("name")) if mark else item.nodeid


# First, before pytest-xdist's own hook turns each group into a suffix of the test's id (which
# its scheduler reads only where it follows the last "]": hence no brackets in a group's name).
# The costliest groups go first, longest first (a group costs what its costliest test's `slow`
# mark says): xdist hands out groups in the order collected (pytest_configure turns its own
# reordering off), and a long group started last would keep one worker busy while the other
# sits idle. The rest keep the order they were collected in.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None and (group := _module_fixture_group(item)):
            item.add_marker(pytest.mark.xdist_group(group))
    costs: dict[str, float] = {}
    for item in items:
        costs[_group(item)] = max(costs.get(_group(item), 0.0), _cost(item))
    items.sort(key=lambda item: -costs[_group(item)])


def _release(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".")[:2] if part.isdigit())


def pytest_configure(config: pytest.Config) -> None:
    """Stop the run, not just slow it, where xdist cannot group: pytest 9.2 keeps test ids that
    xdist 3.8 can no longer suffix with their group (pytest-dev/pytest-xdist#1386), and every
    module's build or layout would be made once per worker. And hand the groups out in the
    order pytest_collection_modifyitems leaves them, costliest first: xdist's loadgroup would
    otherwise sort them by their number of tests, which says nothing of their cost."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if (
        config.getoption("dist", "no") == "loadgroup"
        and pytest.version_tuple[:2] >= (9, 2)
        and _release(version("pytest-xdist")) <= (3, 8)
    ):
        pytest.exit(
            f"pytest {pytest.__version__} breaks pytest-xdist {version('pytest-xdist')}'s "
            "loadgroup (pytest-dev/pytest-xdist#1386): install the versions constraints.txt pins",
            returncode=4,
        )
