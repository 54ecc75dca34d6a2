"""The command line: `folio build`, `folio check` (also `python -m builder …`).

Every message is printed as written: what it quotes (a pattern, a value, a path) is escaped
from the console's markup, which would otherwise take `[a-z]` for a style."""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from . import NAME, __version__
from .editions.kinds import DEFAULT_FORMATS, FORMATS, KINDS, MARKS, PRINT_COVER, PRINTER, Variant, kind_of_file
from .editions.papers import DEFAULT_PAPER, papers
from .editions.printers import PRINTERS
from .editions.trims import DEFAULT_TRIM, trims
from .errors import BuildError
from .importer import DELAY
from .importer.report import REPORT_FILE
from .paths import choose_project, project, shown_path

if TYPE_CHECKING:  # the commands import what they use, so that --help and --version start fast
    from .errors import Finding
    from .shelf.build import BuildReport

app = typer.Typer(
    name="folio",
    help=f"{NAME}: build EPUB 3 and typeset PDF editions of public-domain texts from structured source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
release = typer.Typer(
    help="Release folders: join the shards of a shelf built on several machines.", no_args_is_help=True
)
app.add_typer(release, name="release")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"{NAME} {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    project_folder: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="The project to work on: the folder holding source/ (and dist/, and "
            "a styles/ of overrides). Default: FOLIO_PROJECT, else the nearest "
            "folder upward with folio.toml or source/, else the current folder.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build EPUB 3 and typeset PDF editions of public-domain texts."""
    choose_project(project_folder)
    papers.cache_clear()  # read for the help text before --project was known


def _works(paths: list[Path] | None) -> tuple[list[Path], list[tuple[Path, BuildError]]]:
    """The works to build, and those of them that fail before any is built (an identifier
    another work has), each with its error: they fail, the others build."""
    from .source.folders import find_works
    from .source.loader import check_distinct
    from .source.sourcefile import resolved

    source = project().source
    works = list(dict.fromkeys(resolved(path, shown_path(path)) for path in paths)) if paths else find_works(source)
    if not works:
        hint = (
            "add a folder with a work.toml under source/"
            if source.is_dir()
            else "run folio in a project (a folder with source/ or folio.toml), "
            "name one with --project, or start one: folio new NAME"
        )
        raise BuildError(shown_path(source), "no works found", hint=hint, code="C001")
    # A work of source/ is held to the identifiers of all of source/; a copy elsewhere only to
    # the works built with it.
    in_source = any(work.parent == source.resolve() for work in works)
    return works, list(check_distinct(works, find_works(source) if in_source else []))


class _Stopped(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the build stops between two commits and says where."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


def _default_files() -> str:
    """The files `folio build` makes, as the registry names them (a kind that takes trims, in each)."""
    kinds = [KINDS[name] for name in DEFAULT_FORMATS]
    return ", ".join(
        kind.file_name("<slug>")
        + (f" or {kind.file_name('<slug>', kind.variant(trim='<trim>'))}" if "trim" in kind.options else "")
        for kind in kinds
    )


@app.command(
    help=f"Build editions into dist/: {_default_files()} (and "
    f"{KINDS[PRINT_COVER].file_name('<slug>')} with --cover); unchanged works are skipped."
)
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Work folders to build (default: every folder in source/).", show_default=False),
    ] = None,
    format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Kind of edition, from {', '.join(FORMATS)}; repeat "
            f"for several (default: {', '.join(DEFAULT_FORMATS)}).",
            show_default=False,
        ),
    ] = None,
    trim: Annotated[
        list[str] | None,
        typer.Option(
            "--trim",
            "-t",
            help=f"Page size of the PDF, from styles/trims: {', '.join(trims())}; repeat for several.",
            show_default=DEFAULT_TRIM,
        ),
    ] = None,
    all_trims: Annotated[bool, typer.Option("--all-trims", help="Build the PDF in every trim.")] = False,
    print_marks: Annotated[
        bool,
        typer.Option(
            "--print-marks",
            help="Add 3 mm bleed and crop marks to the PDF, for print shops (files end in "
            f"{', '.join(MARKS + kind.suffix for kind in KINDS.values() if 'marks' in kind.options)}).",
        ),
    ] = False,
    cover: Annotated[
        bool,
        typer.Option(
            "--cover",
            help="Also make the print cover for each trim (back, spine and front on one "
            f"sheet, sized from the PDF): {KINDS[PRINT_COVER].file_name('<slug>')}.",
        ),
    ] = False,
    paper: Annotated[
        str,
        typer.Option(
            "--paper",
            help="Paper of the printed book, which sets the cover's spine "
            f"width, from styles/papers.toml: {', '.join(papers())}.",
        ),
    ] = DEFAULT_PAPER,
    printer: Annotated[
        list[str] | None,
        typer.Option(
            "--printer",
            help="Also make the interior and the cover a print-on-demand service asks for (PDF/X, its spine, "
            f"its checks), for each trim: {', '.join(PRINTERS)}; repeat for several: "
            + ", ".join(
                kind.file_name("<slug>", Variant(printer="<printer>"))
                for kind in KINDS.values()
                if PRINTER in kind.options
            )
            + ".",
            show_default=False,
        ),
    ] = None,
    dist: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder to write the editions to.", show_default="the project's dist/"),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Works built at once, and the cores a long book's PDF is laid out on (default: the number of cores).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild every work, even those whose inputs are unchanged.")
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="K/N",
            help="Build only the K-th of N shares of the works (by slug), e.g. on one machine of N.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build editions into dist/; unchanged works are skipped."""
    from .release.manifest import MANIFEST
    from .release.shards import in_shard, parse_shard
    from .shelf.build import BuildReport
    from .shelf.scheduler import Failure, Job, cores, pooled, start_fork_server, tasks
    from .shelf.work import editions

    formats = tuple(format or DEFAULT_FORMATS)
    chosen_trims = trims() if all_trims else (trim or [DEFAULT_TRIM])
    for name in formats:
        if name not in FORMATS:
            raise typer.BadParameter(
                f"{name!r} is not a format; choose from {', '.join(FORMATS)}", param_hint="--format"
            )
    for name in chosen_trims:
        if name not in trims():
            raise typer.BadParameter(f"{name!r} is not a trim; choose from {', '.join(trims())}", param_hint="--trim")
    if paper not in papers():
        raise typer.BadParameter(f"{paper!r} is not a paper; choose from {', '.join(papers())}", param_hint="--paper")
    try:
        share = parse_shard(shard) if shard else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--shard") from None
    for name in printer or []:
        if name not in PRINTERS:
            raise typer.BadParameter(
                f"{name!r} is not a printer; choose from {', '.join(PRINTERS)}", param_hint="--printer"
            )
    chosen = editions(formats, chosen_trims, print_marks, cover, paper, tuple(dict.fromkeys(printer or [])))
    dist = dist or project().dist
    _say_which_source(bool(paths))
    jobs = jobs or cores()
    works, clashes = _works(paths)
    if share:
        works = [work for work in works if in_shard(work.name, share)]
    # When every work will be built (--force, or no release yet) by several processes, their
    # writers load while the works are keyed; a build that may find nothing to do starts no
    # fork server before it knows (its import would only cost), nor one that runs in this
    # process (a single work of few tasks: `pooled`).
    everything = force or not (dist / MANIFEST).is_file()
    if everything and pooled(tasks([Job(work, None) for work in works], chosen, jobs), jobs):
        start_fork_server(chosen)
    report = BuildReport(works)
    report.failures += [Failure(folder, str(error)) for folder, error in clashes if folder in works]  # the others build
    signal.signal(signal.SIGTERM, _stop)
    try:
        _build_shelf(
            report,
            chosen,
            dist,
            jobs,
            force,
            whole_shelf=not paths,
            ours=(lambda slug: in_shard(slug, share)) if share else None,
        )
    except KeyboardInterrupt as stop:
        _interrupted(report, dist, "SIGTERM" if isinstance(stop, _Stopped) else "Ctrl-C")
        sys.exit(143 if isinstance(stop, _Stopped) else 130)
    for failure in report.failures:
        err.print(
            f"[red]{'internal error' if failure.bug else 'error'}:[/red] {escape(failure.message)}", soft_wrap=True
        )
    for entry in report.built:
        for file in entry.files:
            out.print(f"  {shown_path(dist / file.name)}  {file.size:,} bytes", markup=False)
    _warn_of_english_furniture(works)
    failed = len(report.failures)
    summary = (
        f"{len(works) - failed} of {_count(len(works), 'work')} built, "
        f"{_count(len(report.written), 'file')} in {shown_path(dist)}"
    )
    summary += f"; {len(report.up_to_date)} up to date" if report.up_to_date else ""
    summary += f"; {_count(len(report.removed), 'work')} no longer in source/ removed" if report.removed else ""
    if any(failure.bug for failure in report.failures):
        err.print(f"[red]{escape(summary)}; {failed} failed[/red]")
        err.print(
            "an internal error is a bug in the builder; run again with FOLIO_DEBUG=1 for the traceback, and report it"
        )
        sys.exit(70)
    _conclude(summary + (f"; {failed} failed" if failed else ""), failed=bool(failed))


def _build_shelf(
    report: BuildReport,
    chosen: list,
    dist: Path,
    jobs: int,
    force: bool,
    whole_shelf: bool,
    ours: Callable[[str], bool] | None,
) -> None:
    """The shelf build, with one progress bar for every work."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .shelf.build import Events, build_shelf

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("building", total=None)
        events = Events(
            waiting=lambda message: err.print(message, markup=False),
            cleaned=lambda stale: err.print(
                f"removed {_count(len(stale), 'temporary file')} an interrupted build left"
            ),
            started=lambda total: progress.update(task, total=total),
            done=lambda slug: progress.update(task, description=slug, advance=1),
        )
        build_shelf(report, chosen, dist, jobs, force, whole_shelf, events, ours or (lambda _: True))


def _interrupted(report: BuildReport, dist: Path, how: str) -> None:
    """Say what a stopped build wrote and what it did not; dist/ holds whole commits only."""
    done = [entry.slug for entry in report.built]
    err.print(
        f"[red]interrupted ({how}).[/red] {escape(shown_path(dist))} "
        "is consistent: its manifest and sums list exactly its files."
    )
    if done:
        err.print(f"  written, with their sums: {', '.join(done)}", markup=False)
    if report.pending:
        err.print(f"  not written (its previous editions, if any, are kept): {', '.join(report.pending)}", markup=False)
    if not done:
        err.print("  nothing was written")


@release.command("merge")
def merge(
    shards: Annotated[
        list[Path],
        typer.Argument(help="Release folders of the shards (`folio build --shard K/N --out DIR`).", show_default=False),
    ],
    dist: Annotated[
        Path | None, typer.Option("--out", "-o", help="The release folder to make.", show_default="the project's dist/")
    ] = None,
) -> None:
    """Join the shards' editions, manifests and sums into one release folder."""
    from .release.shards import merge as merge_shards

    dist = dist or project().dist
    works, files = merge_shards(shards, dist)
    _conclude(
        f"{_count(works, 'work')} and {_count(files, 'file')} from "
        f"{_count(len(shards), 'shard')} merged into {shown_path(dist)}"
    )


@release.command(
    "files",
    help="Print the path of every file of a release, one a line: what the manifest lists, the catalogue, "
    "the sums and the manifest (for uploading).",
)
def release_files_command(
    dist: Annotated[Path | None, typer.Argument(help="The release folder.", show_default="the project's dist/")] = None,
) -> None:
    """Print the path of every file of a release, one a line, for uploading."""
    from .release.manifest import MANIFEST, SUMS, listed_files, read_manifest
    from .release.opds import CATALOGUE

    dist = dist or project().dist
    manifest = read_manifest(dist)
    if manifest is None:
        raise BuildError(
            shown_path(dist / MANIFEST),
            "missing or not a manifest",
            hint="build the release first: folio build",
            code="K001",
        )
    for name in [*sorted(listed_files(manifest)), CATALOGUE, SUMS, MANIFEST]:
        out.print(str(dist / name), markup=False)


@app.command("import")
def import_(
    pages: Annotated[
        list[str],
        typer.Argument(
            metavar="PAGE",
            help="Archive pages: HTML files, plain-text copies (.txt) or "
            "http(s) addresses; one contents page imports its whole book.",
            show_default=False,
        ),
    ],
    into: Annotated[
        Path | None,
        typer.Option(
            "--into", help="Folder to write the work's source folder into.", show_default="the project's source/"
        ),
    ] = None,
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="The work's folder name (default: author, year and title).", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing work of the same slug.")] = False,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Folder to keep fetched pages in, so that a second import asks the server for nothing.",
            show_default=False,
        ),
    ] = None,
    delay: Annotated[
        float, typer.Option("--delay", help="Seconds to wait between two requests to a server.", min=0)
    ] = DELAY,
    limit: Annotated[
        list[str] | None,
        typer.Option(
            "--limit",
            metavar="NAME=VALUE",
            help="Change one of the import's bounds, e.g. "
            "response_bytes=50000000 (docs/importing-limits.md lists them).",
            show_default=False,
        ),
    ] = None,
    book: Annotated[
        bool,
        typer.Option(
            "--book",
            help="Read the one page given as a book's contents page and import "
            "the pages of its folder it links, whatever the page looks like.",
        ),
    ] = False,
    page: Annotated[
        bool, typer.Option("--page", help="Import a contents page as a single page, not as its book.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit non-zero when anything needs a human look (for unattended runs); the import is still written.",
        ),
    ] = False,
) -> None:
    """Import archive pages into a source folder: work.toml, Markdown, images and import-report.md."""
    from .importer.assemble import import_work
    from .importer.fetch import Fetcher
    from .importer.limits import limits_from

    if book and page:
        raise BuildError(
            "folio import",
            "--book and --page ask for opposite things",
            hint="give one of them, or neither to let the import tell from the page",
            code="I032",
        )
    fetcher = Fetcher(cache, delay, limits_from(limit or []))
    try:
        done = import_work(
            pages, into or project().source, slug, force, fetcher, "book" if book else "page" if page else "guess"
        )
    finally:
        fetcher.close()
    out.print(done.report.text(done.folder.name), markup=False)
    for notice in done.notices:
        out.print(f"Note: {notice}", markup=False)
    if strict and (looks := len(dict.fromkeys(done.report.check))):
        raise BuildError(
            shown_path(done.folder / REPORT_FILE),
            f"--strict: {_count(looks, 'item')} under “Needs a human look”; the import is written",
            hint="read them in the report and set the source right by hand, "
            "then import again without --strict or keep the source as it is",
            code="I012",
        )
    _conclude(
        f"imported {_count(len(done.parts), 'part')} into {shown_path(done.folder)}; "
        f"the report is in {shown_path(done.folder / REPORT_FILE)}"
    )


@app.command(
    help="Check built editions: EPUBCheck (and DAISY Ace, and a reading engine) for EPUBs and Kobo EPUBs; "
    "the text read back for Kindle AZW3s; text, fonts, metadata, tags and bookmarks for PDFs.",
)
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Editions (EPUB, Kobo EPUB, Kindle AZW3, PDF), or folders of them (default: dist/).",
            show_default=False,
        ),
    ] = None,
    ace: Annotated[
        bool, typer.Option("--ace/--no-ace", help="Also run DAISY Ace on each EPUB (installs it on first use).")
    ] = False,
    engine: Annotated[
        bool,
        typer.Option(
            "--reader/--no-reader",
            help="Also read each EPUB in a reading engine (foliate-js in headless "
            "Chromium, at a phone's and a tablet's size; installs it on first use).",
        ),
    ] = False,
) -> None:
    """Check built editions with the validator of each kind."""
    from .checks import reader
    from .checks import validators as checks
    from .checks.kinds import check as check_file

    paths = paths or [project().dist]
    files = sorted(_edition_files(paths))
    if not files:
        raise BuildError(shown_path(paths[0]), "no editions to check", hint="build first: folio build", code="C002")
    read: dict[str, list[Finding]] = {}
    if engine:  # one browser reads every book
        for finding in reader.read_books([path for path in files if reader.readable(path)]):
            read.setdefault(finding.path, []).append(finding)
    # One run of Ace, one browser, for every EPUB-like file.
    aced = (
        checks.ace_books([path for path in files if (kind := kind_of_file(path.name)) and kind.zipped]) if ace else {}
    )
    findings = []
    for path in files:
        kind = kind_of_file(path.name)
        assert kind is not None  # _edition_files keeps only editions
        found = check_file(kind, path) + aced.get(path, []) + read.get(shown_path(path), [])
        findings += found
        mark = "[green]ok[/green]" if not found else f"[red]{_count(len(found), 'problem')}[/red]"
        out.print(f"  {escape(shown_path(path))}  {mark}")
        if (
            kind.capabilities is not None and kind.capabilities.reading_system
        ):  # its text tagged with languages for a reading system
            _warn_of_untagged_foreign_words(path, path.name.removesuffix(kind.suffix))
    findings += _lint_sources_of(files)
    _conclude(f"{_count(len(files), 'file')} checked, {_count(len(findings), 'problem')}", findings=findings)


def _lint_sources_of(files: list[Path]) -> list[Finding]:
    """`folio lint` on the works of source/ whose editions are checked."""
    from .errors import Finding, SourceError
    from .source.folders import find_works
    from .source.lint import lint

    source = project().source
    slugs = sorted((folder.name for folder in find_works(source)), key=len, reverse=True) if source.is_dir() else []
    found: list[Finding] = []
    for slug in sorted(
        {next((s for s in slugs if path.name.startswith((f"{s}.", f"{s}-"))), "") for path in files} - {""}
    ):
        try:
            found += [Finding(finding.where(), finding.code, finding.message) for finding in lint(source / slug)]
        except SourceError:
            continue  # its build says what is wrong with it
    return found


@app.command()
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Work folders to lint (default: every folder in source/).", show_default=False),
    ] = None,
) -> None:
    """Lint sources: what a reader would still catch in a work that builds (codes L001–L010, docs/errors.md)."""
    from .errors import SourceError
    from .source.lint import lint as lint_folder

    works, _ = _works(paths)  # two works with one identifier: each still linted (folio build says which fails)
    count = 0
    for folder in works:
        try:
            findings = lint_folder(folder)
        except SourceError as error:
            err.print(f"[red]error:[/red] {error}", soft_wrap=True)
            count += 1
            continue
        for finding in findings:
            err.print(f"[yellow]lint:[/yellow] {finding}", soft_wrap=True)
        count += len(findings)
    summary = f"{_count(len(works), 'work')} linted, {_count(count, 'finding')}"
    if count:
        err.print(f"[red]{summary}[/red]")
        raise typer.Exit(1)
    out.print(summary)


@app.command()
def verify(
    dist: Annotated[
        Path | None,
        typer.Argument(help="The folder with manifest.json and SHA256SUMS.", show_default="the project's dist/"),
    ] = None,
    checks_too: Annotated[
        bool, typer.Option("--checks/--no-checks", help="Also re-check each edition (EPUBCheck; the PDF read back).")
    ] = True,
) -> None:
    """Verify a release folder: every file against manifest.json and SHA256SUMS, and each edition re-checked."""
    from .release import verify as release_verify

    count, findings = release_verify.verify(dist or project().dist, run_checks=checks_too)
    _conclude(
        f"{_count(count, 'file')} verified, {_count(len(findings), 'problem')}", findings=findings, failed=not count
    )


@app.command(
    help="Preview a work on 127.0.0.1: its EPUB in a reading engine, its PDF and a web edition, rebuilt "
    "when its source or styles/ change.",
)
def serve(
    work: Annotated[
        Path | None,
        typer.Argument(
            help="The work folder to preview (default: the current folder, if it is one).", show_default=False
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free one).")
    ] = 8000,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also make the PDF (a few seconds a build).")] = True,
) -> None:
    """Preview a work on 127.0.0.1, rebuilt when its source or styles/ change."""
    from .checks.reader import engine_home, engine_routes
    from .preview.serve import run
    from .source.sourcefile import resolved

    folder = resolved(work, shown_path(work)) if work else Path.cwd()
    if not (folder / "work.toml").is_file():
        raise BuildError(
            shown_path(folder),
            "not a work folder (it has no work.toml)",
            hint="name one: folio serve source/<slug>",
            code="C010",
        )
    try:
        routes = engine_routes(engine_home())
    except RuntimeError as error:
        raise BuildError(
            shown_path(folder),
            f"the EPUB cannot be previewed: {error}",
            hint="run scripts/reader --install and read its output",
            code="C012",
        ) from None

    def ready(url: str) -> None:
        out.print(f"serving {folder.name} at {url} (Ctrl-C stops)", markup=False)
        sys.stdout.flush()

    try:
        run(folder, routes, port, pdf, ready)
    except OSError as error:
        raise BuildError(
            f"127.0.0.1:{port}",
            f"cannot serve there: {error.strerror or error}",
            hint="choose another port: folio serve --port 8001",
            code="C011",
        ) from None


@app.command(
    help="Start a shelf of your own: folio.toml, source/ with an example work, .gitignore, a README and "
    "a release workflow.",
)
def new(
    name: Annotated[
        Path, typer.Argument(help="The folder to make (it must not exist, or be empty).", show_default=False)
    ],
    folio: Annotated[
        str | None,
        typer.Option(
            "--folio",
            metavar="OWNER/NAME[@REF]",
            help="The GitHub repository of Folio whose release workflow the shelf's calls, and "
            "which it installs (default: the one this Folio was installed from with pip "
            "install git+https://github.com/…; without either, no workflow is written).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a shelf of your own, with an example work and a release workflow."""
    from .new import EXAMPLE, installed_origin, new_shelf, parse_origin

    origin = parse_origin(folio) if folio else installed_origin()
    written = new_shelf(name, origin)
    for path in written:
        out.print(f"  {shown_path(path)}", markup=False)
    if origin is None:
        err.print(
            "no release workflow written: give the GitHub repository of "
            "Folio it should call, folio new NAME --folio OWNER/NAME@REF",
            markup=False,
        )
    _conclude(
        f"started {shown_path(name)} with the example work source/{EXAMPLE}; now: cd {shown_path(name)} && folio build"
    )


def _warn_of_english_furniture(works: list[Path]) -> None:
    """A warning for each work whose language styles/furniture.toml has no words for (W002)."""
    import tomllib

    from .editions.languages import fallback_warning

    for folder in works:
        try:
            language = str(tomllib.loads((folder / "work.toml").read_text(encoding="utf-8")).get("language", "en"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # the build has said what is wrong with it
        if warning := fallback_warning(language, shown_path(folder)):
            err.print(warning, soft_wrap=True, markup=False)


def _warn_of_untagged_foreign_words(epub: Path, slug: str) -> None:
    """A warning, not a failure: the dictionary check only guesses (builder/checks/foreign_words.py)."""
    from .checks.foreign_words import ALLOW_LIST, allowed_words, untagged_foreign_words

    folder = project().source / slug
    if words := untagged_foreign_words(epub, allowed_words(folder)):
        listed = ", ".join(f"{word} ({language})" for word, language in sorted(words.items()))
        err.print(
            f"warning: {shown_path(epub)}: words that look foreign but carry no language: {listed} [W001]\n"
            f"  hint: tag them in the source, [word]{{lang=fr}}, or list them in {shown_path(folder / ALLOW_LIST)}",
            soft_wrap=True,
            markup=False,
        )


def _say_which_source(named_works: bool) -> None:
    """Say which project a build works on when it is not the current folder's (found upward,
    or named elsewhere by FOLIO_PROJECT or --project), so that nobody builds another shelf
    unawares."""
    here, chosen = Path.cwd().resolve(), project()
    if chosen.root.resolve() == here:
        return
    reading = "" if named_works else f"reads {escape(shown_path(chosen.source))}, "
    how = {"option": "named by --project", "environment": "named by FOLIO_PROJECT"}.get(
        chosen.found_by, "found upward from here"
    )
    err.print(
        f"folio: the project is {escape(shown_path(chosen.root))} ({how}): "
        f"the build {reading}writes {escape(shown_path(chosen.dist))}"
    )
    if chosen.found_by in ("option", "environment") and (here / "source").is_dir():
        err.print(f"  (not {escape(shown_path(here / 'source'))}, this folder's own)")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _conclude(summary: str, findings: Sequence[Finding] = (), failed: bool = False) -> None:
    """Print the findings and the one-line summary; exit 1 if anything failed."""
    for finding in findings:
        err.print(f"[red]error:[/red] {escape(str(finding))}")
    if failed or findings:
        err.print(f"[red]{escape(summary)}[/red]")
        raise typer.Exit(1)
    out.print(summary, markup=False)


def _edition_files(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += [p for p in path.iterdir() if p.is_file() and kind_of_file(p.name)]
        elif kind_of_file(path.name) and path.is_file():
            found.append(path)
        else:
            raise BuildError(
                shown_path(path),
                "not an edition (EPUB, Kobo EPUB, Kindle AZW3, PDF) or a folder of them",
                hint="give files from dist/",
                code="C003",
            )
    return found


def run() -> None:
    """Entry point: errors the user can act on are printed plainly, never as tracebacks."""
    try:
        app()
    except BuildError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as error:  # a bug, not bad input: one line, and the traceback on request
        if os.environ.get("FOLIO_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(error).__name__}: {escape(str(error))}", soft_wrap=True)
        err.print("this is a bug in the builder; run again with FOLIO_DEBUG=1 for the traceback, and report it")
        sys.exit(70)


def command() -> None:
    """The console script's and `python -m builder`'s entry point: `run`, then the process
    ends without the interpreter's teardown, which frees every object one by one (after a
    build, WeasyPrint's boxes, fontTools' tables, the faces: about 0.2 s of CPU, a tenth of
    a short work's build), as mypy ends its runs. Cycles are collected first, so that their
    finalizers run (WeasyPrint removes its fonts' temporary folders in one), then the exit
    handlers, and the output is flushed; with a thread still running, the process ends as
    usual (its threads are waited for). `run` alone is for callers that go on (the tests)."""
    try:
        run()
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    if threading.active_count() > 1 or not isinstance(code, int | None):
        sys.exit(code)
    gc.collect()
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        code = code or 1
    os._exit(code or 0)
