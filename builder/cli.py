"""The command line: `folio build`, `folio check` (also `python -m builder …`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import NAME, __version__, checks
from .build import FORMATS, build_work, editions
from .editions.papers import DEFAULT_PAPER, papers
from .editions.pdf import DEFAULT_TRIM, trims
from .errors import BuildError
from .paths import DIST, SOURCE, shown_path
from .release import manifest
from .release import verify as release_verify
from .release.manifest import Built
from .source.loader import check_distinct, find_works
from .source.sourcefile import resolved

app = typer.Typer(
    name="folio",
    help=f"{NAME}: build EPUB 3 and typeset PDF editions of public-domain texts from structured source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"{NAME} {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Build EPUB 3 and typeset PDF editions of public-domain texts."""


def _works(paths: list[Path] | None) -> list[Path]:
    works = list(dict.fromkeys(resolved(path, shown_path(path)) for path in paths)) if paths else find_works(SOURCE)
    if not works:
        raise BuildError(shown_path(SOURCE), "no works found", hint="add a folder with a work.toml under source/", code="C001")
    # A work of source/ is held to the identifiers of all of source/; a copy elsewhere only to
    # the works built with it.
    in_source = any(work.parent == SOURCE.resolve() for work in works)
    check_distinct(works, find_works(SOURCE) if in_source else [])
    return works


@app.command()
def build(
    paths: Annotated[list[Path] | None, typer.Argument(help="Work folders to build (default: every folder in source/).", show_default=False)] = None,
    format: Annotated[list[str] | None, typer.Option("--format", "-f", help="epub or pdf; repeat for both (default: both).", show_default=False)] = None,
    trim: Annotated[list[str] | None, typer.Option("--trim", "-t", help=f"Page size of the PDF, from styles/trims: {', '.join(trims())}; repeat for several.", show_default=DEFAULT_TRIM)] = None,
    all_trims: Annotated[bool, typer.Option("--all-trims", help="Build the PDF in every trim.")] = False,
    print_marks: Annotated[bool, typer.Option("--print-marks", help="Add 3 mm bleed and crop marks to the PDF, for print shops (files end in -print.pdf).")] = False,
    cover: Annotated[bool, typer.Option("--cover", help="Also make the print cover for each trim (back, spine and front on one sheet, sized from the PDF): <slug>-cover.pdf.")] = False,
    paper: Annotated[str, typer.Option("--paper", help=f"Paper of the printed book, which sets the cover's spine width, from styles/papers.toml: {', '.join(papers())}.")] = DEFAULT_PAPER,
    dist: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the editions to.")] = DIST,
) -> None:
    """Build editions into dist/: <slug>.epub, <slug>.pdf and <slug>-<trim>.pdf (and <slug>-cover.pdf)."""
    formats = tuple(format or FORMATS)
    chosen_trims = trims() if all_trims else (trim or [DEFAULT_TRIM])
    for name in formats:
        if name not in FORMATS:
            raise typer.BadParameter(f"{name!r} is not a format; choose from {', '.join(FORMATS)}", param_hint="--format")
    for name in chosen_trims:
        if name not in trims():
            raise typer.BadParameter(f"{name!r} is not a trim; choose from {', '.join(trims())}", param_hint="--trim")
    if paper not in papers():
        raise typer.BadParameter(f"{paper!r} is not a paper; choose from {', '.join(papers())}", param_hint="--paper")
    chosen = editions(formats, chosen_trims, print_marks, cover, paper)  # type: ignore[arg-type]
    works = _works(paths)
    failures = 0
    built: list[Built] = []
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=len(works) * len(chosen) < 2 or not err.is_terminal,
    ) as progress:
        task = progress.add_task("building", total=len(works) * len(chosen))
        for done, folder in enumerate(works, start=1):
            try:
                built.append(build_work(folder, chosen, dist, lambda name: progress.update(task, description=name, advance=1)))
            except BuildError as error:
                failures += 1
                err.print(f"[red]error:[/red] {error}", soft_wrap=True)
            progress.update(task, completed=done * len(chosen))
    made = [path for entry in built for path in entry.files]
    if built:
        manifest.record(dist, built)  # whatever else failed, the manifest lists what was written
    for path in made:
        out.print(f"  {shown_path(path)}  {path.stat().st_size:,} bytes")
    summary = f"{len(works) - failures} of {_count(len(works), 'work')} built, {_count(len(made), 'file')} in {shown_path(dist)}"
    _conclude(summary + (f"; {failures} failed" if failures else ""), failed=bool(failures))


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="EPUB and PDF files, or folders of them (default: dist/).", show_default=False)] = None,
    ace: Annotated[bool, typer.Option("--ace/--no-ace", help="Also run DAISY Ace on each EPUB (installs it on first use).")] = False,
) -> None:
    """Check built editions: EPUBCheck (and DAISY Ace) for EPUBs; text, fonts, metadata, tags and bookmarks for PDFs."""
    files = sorted(_edition_files(paths or [DIST]))
    if not files:
        raise BuildError(shown_path((paths or [DIST])[0]), "no .epub or .pdf files to check", hint="build first: folio build", code="C002")
    findings = []
    for path in files:
        found = checks.epubcheck(path) + (checks.ace(path) if ace else []) if path.suffix == ".epub" else checks.check_pdf(path)
        findings += found
        mark = "[green]ok[/green]" if not found else f"[red]{_count(len(found), 'problem')}[/red]"
        out.print(f"  {shown_path(path)}  {mark}")
    _conclude(f"{_count(len(files), 'file')} checked, {_count(len(findings), 'problem')}", findings=findings)


@app.command()
def verify(
    dist: Annotated[Path, typer.Argument(help="The folder with manifest.json and SHA256SUMS.")] = DIST,
    checks_too: Annotated[bool, typer.Option("--checks/--no-checks", help="Also re-check each edition (EPUBCheck; the PDF read back).")] = True,
) -> None:
    """Verify a release folder: every file against manifest.json and SHA256SUMS, and each edition re-checked."""
    count, findings = release_verify.verify(dist, run_checks=checks_too)
    _conclude(f"{_count(count, 'file')} verified, {_count(len(findings), 'problem')}", findings=findings, failed=not count)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _conclude(summary: str, findings: Sequence[checks.Finding] = (), failed: bool = False) -> None:
    """Print the findings and the one-line summary; exit 1 if anything failed."""
    for finding in findings:
        err.print(f"[red]error:[/red] {finding}")
    if failed or findings:
        err.print(f"[red]{summary}[/red]")
        raise typer.Exit(1)
    out.print(summary)


def _edition_files(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir():
            found += [p for p in path.iterdir() if p.suffix in {".epub", ".pdf"}]
        elif path.suffix in {".epub", ".pdf"} and path.exists():
            found.append(path)
        else:
            raise BuildError(shown_path(path), "not an EPUB, a PDF or a folder of them", hint="give files from dist/", code="C003")
    return found


def run() -> None:
    """Entry point: errors the user can act on are printed plainly, never as tracebacks."""
    try:
        app()
    except BuildError as error:
        err.print(f"[red]error:[/red] {error}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; no partial files were left in dist/")
        sys.exit(130)
    except Exception as error:  # a bug, not bad input: one line, and the traceback on request
        if os.environ.get("FOLIO_DEBUG"):
            raise
        err.print(f"[red]internal error:[/red] {type(error).__name__}: {error}", soft_wrap=True)
        err.print("this is a bug in the builder; run again with FOLIO_DEBUG=1 for the traceback, and report it")
        sys.exit(70)
