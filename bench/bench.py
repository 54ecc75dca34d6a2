"""`make bench`: what a user waits for, side by side, as ratios to baselines measured in the
same run (the machine may be shared: cases alternate round by round, and only the ratios
mean much; absolute times depend on the machine).

  A. one work as a user runs it, whole processes: `folio build` (EPUB and A5 PDF) against
     Pandoc 3 making the same Markdown into an EPUB and, with --pdf-engine=weasyprint, a PDF;
     and against WeasyPrint alone typesetting our final HTML (the floor, = 1.00)
  B. our PDF writer against WeasyPrint alone on the same HTML, in one process, imports aside
  C. a shelf of 1, 10 and 100 works (copies of source/'s short works under new slugs), on 1
     and 2 workers: cold, and again with nothing changed
  D. a ~600-page book's PDF (bench/long_book.py) with --jobs 1 and 2: wall time against CPU
     time, and peak memory, with its parts laid out in runs on both cores
  E. shelves of generated works (100 and 1,000 by default), built cold and again with nothing
     changed: time and peak memory per work, which should not grow with the shelf
  F. the parent's own work per work (keying aside): the shelf build with workers that hand
     back the letter's editions at once, so that only planning and committing are timed

Each section ends with the targets of issue 25, met or missed; the load average is printed
with the results, since a shared machine's figures mean little without it.

    .venv/bin/python bench/bench.py [--rounds 3] [--shelf 1,20] [--long-kb 1160]
        [--generated 100,1000] [--generated-format epub] [--unchanged-only 1000]
        [--parent 100,1000,3000] [--skip A,B,C,D,E,F]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # the scripts beside this one
BIN = Path(sys.executable).parent
LETTER = ROOT / "source" / "lenin-1912-letter-to-huysmans"
CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
SHORT_WORKS = sorted(p for p in (ROOT / "source").iterdir() if (p / "work.toml").is_file() and p != CAPITAL)
FOLIO = [sys.executable, "-m", "builder"]  # the console script, run from this checkout
ENV = os.environ | {"SOURCE_DATE_EPOCH": "1700000000", "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}


# --- cases run in a child process ---------------------------------------------------------


def floor(html_file: Path, folder: Path) -> None:
    """WeasyPrint alone on our final HTML, as lean a process as can be: the floor of section A."""
    from weasyprint import HTML

    from builder.editions.weasyprint.sandbox import SandboxedFetcher
    from builder.paths import BUILTIN_STYLES as STYLES

    HTML(
        string=html_file.read_text(encoding="utf-8"),
        base_url=STYLES.as_uri() + "/",
        url_fetcher=SandboxedFetcher(folder),
    ).write_pdf(pdf_variant="pdf/ua-1")


def final_html(folder: Path, target: Path) -> Path:
    from builder.editions.kinds import KINDS
    from builder.editions.templates import render_page
    from builder.source.loader import load_work

    target.write_text(
        render_page(
            "pdf/book.html",
            load_work(folder),
            KINDS["pdf"].capabilities,
            trim="a5",
            marks=False,
            hrefs=None,
            dense=set(),
        ),
        encoding="utf-8",
    )
    return target


def run_case(case: str, folder: Path) -> dict[str, float]:
    """One case in this (fresh) process: seconds of the work itself, and peak memory."""
    from weasyprint import HTML

    from builder.editions.epub import write_epub
    from builder.editions.kinds import KINDS
    from builder.editions.pdf import write_pdf
    from builder.editions.templates import render_page
    from builder.editions.weasyprint.sandbox import SandboxedFetcher
    from builder.paths import BUILTIN_STYLES as STYLES
    from builder.source.loader import load_work

    work = load_work(folder)
    html = render_page(
        "pdf/book.html", work, KINDS["pdf"].capabilities, trim="a5", marks=False, hrefs=None, dense=set()
    )
    start, cpu = time.perf_counter(), time.process_time()
    if case == "weasyprint":  # WeasyPrint alone on our final HTML: no footnote fix, no checks
        HTML(string=html, base_url=STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(folder)).write_pdf(
            pdf_variant="pdf/ua-1"
        )
    elif case == "pdf-writer":
        write_pdf(work)
    else:
        write_epub(work)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def child(case: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--case", case, "--work", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    if out.returncode:
        raise SystemExit(f"bench: the {case} case of {folder.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(command: list[str], cwd: Path = ROOT, cache: Path | None = None) -> tuple[float, float]:
    """A whole process's wall time and the CPU time (user and system) of every process it
    started, the fork server's workers too (this process adopts them as a subreaper, so they
    are waited for and counted); `cache`: the folio cache it starts with (a new, empty folder
    unless given, so that every build is as cold as a first one)."""
    cache = cache or Path(tempfile.mkdtemp(prefix="folio-cache-"))
    reap_orphans()  # those of a command run untimed (a warm-up) are not this one's
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV | {"FOLIO_CACHE": str(cache)}, check=True, capture_output=True)
    reap_orphans()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def reap_orphans() -> None:
    """Wait for the processes adopted (a fork server outlives its build by a moment)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break


def adopt_orphans() -> None:
    """Make this process the subreaper of what it starts (Linux), so that `timed` counts the
    CPU time of processes whose parent exits before them; elsewhere only waited-for ones."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


# --- the works ----------------------------------------------------------------------------


def shelf(folder: Path, size: int) -> Path:
    """source/ for a shelf of `size` works: copies of the short works under new slugs."""
    source = folder / f"shelf-{size}" / "source"
    for n in range(size):
        original = SHORT_WORKS[n % len(SHORT_WORKS)]
        copy = source / f"{original.name}-copy-{n:03}"
        shutil.copytree(original, copy)
        toml = copy / "work.toml"  # each work of a shelf has its own identifier
        toml.write_text(
            re.sub(
                r'identifier = "urn:uuid:[^"]+"',
                f'identifier = "urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, copy.name)}"',
                toml.read_text(encoding="utf-8"),
            ),
            encoding="utf-8",
        )
    return source


WORDS = "the of labour value commodity money production workers wage price market society history class struggle"


def generated_shelf(folder: Path, size: int) -> Path:
    """A project of `size` generated works (a short text each: three paragraphs, a section and
    a note; each its own identifier), in a git repository where each work was added by a
    commit of its own, as an archive grows: the works are dated by git, as a real shelf's are."""
    project = folder / f"generated-{size}"
    project.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True)
    words = WORDS.split()
    stream = [_blob("folio.toml", "# a generated shelf for bench/bench.py\n", 0)]
    for n in range(size):
        paragraph = " ".join(words[(n + i) % len(words)] for i in range(60)).capitalize() + "."
        slug = f"generated-work-{n:05}"
        text = (
            f"# Work {n}\n\n{paragraph}[^1]\n\n## A section\n\n"
            f"{paragraph}\n\n{paragraph}\n\n[^1]: A note of work {n}.\n"
        )
        toml = (
            f'title = "Generated Work {n}"\nauthor = "A. Writer"\nauthor-sort = "Writer, A."\nlanguage = "en"\n'
            f'identifier = "urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, slug)}"\nparts = ["text.md"]\n\n'
            '[archive]\nname = "Bench Archive"\nyear = 2026\n\n[rights]\nstatus = "public-domain"\n'
        )
        stream.append(_blob(f"source/{slug}/work.toml", toml, n + 1, f"source/{slug}/text.md", text))
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=project, input="".join(stream).encode(), check=True, capture_output=True
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=project, check=True)
    return project


def _blob(*files_and_when: str | int) -> str:
    """One commit of git fast-import's stream adding files (name, content, ...), `when`
    seconds after the first."""
    first, content, when, *more = files_and_when
    files = [(first, content), *zip(more[::2], more[1::2], strict=True)]
    message = f"add {files[0][0]}"
    commit = f"commit refs/heads/main\ncommitter Bench <bench@example.org> {1_600_000_000 + int(when) * 60} +0000\n"
    commit += f"data {len(message)}\n{message}\n"
    for name, data in files:
        encoded = str(data).encode()
        commit += f"M 644 inline {name}\ndata {len(encoded)}\n{data}\n"
    return commit


def pandoc(markdown: Path, out: Path, *extra: str) -> list[str]:
    import pypandoc

    return [
        pypandoc.get_pandoc_path(),
        "--from",
        "markdown",
        str(markdown),
        "--metadata",
        "title=Bench",
        "-o",
        str(out),
        *extra,
    ]


# --- the sections -------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


# Issue 25's targets: the whole build against Pandoc's two commands, a shelf's speed-up on
# two workers (a long book's wall time against its CPU time and its peak memory: long_book.py).
TARGETS = {"letter": 1.2, "capital ch.1": 1.2}
SHELF_TARGET = (20, 1.7)
LINEAR = 1.2  # a work's time in the largest shelf of E against the smallest: linear, allowing for noise


def verdict(value: float, target: float, at_most: bool = True) -> str:
    met = value <= target if at_most else value >= target
    return f"target {'≤' if at_most else '≥'} {target:g}: {'met' if met else 'MISSED'}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def section_a(rounds: int, scratch: Path) -> list[str]:
    rows = [
        "A. one work as a user runs it (whole processes; WeasyPrint alone on our HTML = 1.00)",
        f"   {'work':<14} {'case':<34} {'median s':>9} {'ratio':>7} {'CPU s':>7} {'ratio':>7}",
    ]
    for name, folder in (("letter", LETTER), ("capital ch.1", CAPITAL)):
        html = final_html(folder, scratch / f"{folder.name}.html")
        cases = {
            "weasyprint alone (floor)": [sys.executable, __file__, "--floor", str(html), "--work", str(folder)],
            # The two files Pandoc's two commands make, to compare like with like; then every
            # default kind (the Kobo and Kindle editions besides), as `folio build` alone makes.
            "folio build (EPUB + A5 PDF)": [
                *FOLIO,
                "build",
                str(folder),
                "--format",
                "epub",
                "--format",
                "pdf",
                "--out",
                str(scratch / "a"),
                "--force",
            ],
            "folio build (every default kind)": [*FOLIO, "build", str(folder), "--out", str(scratch / "c"), "--force"],
            "folio build, cover cached": [*FOLIO, "build", str(folder), "--out", str(scratch / "b"), "--force"],
            "pandoc → EPUB": pandoc(folder / "text.md", scratch / "p.epub"),
            "pandoc → PDF (weasyprint)": pandoc(folder / "text.md", scratch / "p.pdf", "--pdf-engine=weasyprint"),
            "folio --version": [*FOLIO, "--version"],
        }
        times: dict[str, list[float]] = {case: [] for case in cases}
        cpus: dict[str, list[float]] = {case: [] for case in cases}
        warm = scratch / "warm-cache"
        subprocess.run(
            cases["folio build, cover cached"],
            cwd=ROOT,
            env=ENV | {"FOLIO_CACHE": str(warm)},
            check=True,
            capture_output=True,
        )
        for _ in range(rounds):
            for case, command in cases.items():
                wall, cpu = timed(command, cache=warm if "cached" in case else None)
                times[case].append(wall)
                cpus[case].append(cpu)
        base, cpu_base = median(times["weasyprint alone (floor)"]), median(cpus["weasyprint alone (floor)"])
        for case in cases:
            wall, cpu = median(times[case]), median(cpus[case])
            rows.append(f"   {name:<14} {case:<34} {wall:9.2f} {wall / base:7.2f} {cpu:7.2f} {cpu / cpu_base:7.2f}")
        both = median(times["pandoc → EPUB"]) + median(times["pandoc → PDF (weasyprint)"])
        ours = median(times["folio build (EPUB + A5 PDF)"])
        cpu_both = median(cpus["pandoc → EPUB"]) + median(cpus["pandoc → PDF (weasyprint)"])
        cpu_ours = median(cpus["folio build (EPUB + A5 PDF)"])
        rows.append(
            f"   {name:<14} {'folio build / pandoc (both)':<34} {'':>9} {ours / both:7.2f} {'':>7}"
            f" {cpu_ours / cpu_both:7.2f}   {verdict(ours / both, TARGETS[name])}"
        )
    return rows


def section_b(rounds: int) -> list[str]:
    rows = [
        "B. our PDF writer against WeasyPrint alone, same HTML (in process, imports aside)",
        f"   {'work':<14} {'case':<14} {'median s':>9} {'ratio':>7}",
    ]
    for name, folder in (("letter", LETTER), ("capital ch.1", CAPITAL)):
        times: dict[str, list[float]] = {"weasyprint": [], "pdf-writer": [], "epub-writer": []}
        for _ in range(rounds):
            for case in times:
                times[case].append(child(case, folder)["seconds"])
        base = median(times["weasyprint"])
        for case, values in times.items():
            rows.append(f"   {name:<14} {case:<14} {median(values):9.2f} {median(values) / base:7.2f}")
    return rows


def section_c(rounds: int, sizes: list[int], scratch: Path) -> list[str]:
    rows = [
        "C. a shelf: `folio build` of N works, cold and with nothing changed",
        f"   {'works':>5} {'workers':>7} {'cold s':>8} {'unchanged s':>12} {'speed-up':>9} {'cold CPU s':>11}",
    ]
    for size in sizes:
        source = shelf(scratch, size)
        cold: dict[int, list[float]] = {1: [], 2: []}
        cold_cpu: dict[int, list[float]] = {1: [], 2: []}
        warm: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(1 if size > 10 else rounds):
            for jobs in (1, 2):
                out = scratch / f"dist-{size}-{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                command = [*FOLIO, "build", *map(str, sorted(source.iterdir())), "--out", str(out), "--jobs", str(jobs)]
                wall, cpu = timed(command)
                cold[jobs].append(wall)
                cold_cpu[jobs].append(cpu)
                for _ in range(rounds):
                    warm[jobs].append(timed(command)[0])
        for jobs in (1, 2):
            speedup = median(cold[1]) / median(cold[jobs])
            target = (
                f"   {verdict(speedup, SHELF_TARGET[1], at_most=False)}" if (size, jobs) == (SHELF_TARGET[0], 2) else ""
            )
            rows.append(
                f"   {size:>5} {jobs:>7} {median(cold[jobs]):8.2f} {median(warm[jobs]):12.2f} {speedup:8.2f}×"
                f" {median(cold_cpu[jobs]):11.2f}{target}"
            )
    return rows


def section_e(sizes: list[int], formats: list[str], scratch: Path, unchanged_only: list[int]) -> list[str]:
    """Generated shelves built (every default kind, or `formats`; on every core), then built
    again with nothing changed: wall time, CPU time per work (the workers' and the parent's,
    from each process's own accounting: bench/traced.py) and peak memory, none of which should
    grow with the shelf."""
    import traced

    chosen = [arg for name in formats for arg in ("--format", name)]
    rows = [
        "E. a shelf of generated works, each added by a commit of its own, dated by git: `folio build`"
        f" cold ({', '.join(formats) or 'every default kind'}, every core), then again with nothing changed",
        f"   {'works':>6} {'cold s':>7} {'CPU s/work':>10} {'parent ms/work':>14} {'peak MB':>8} {'parent':>7}"
        f" {'unchanged s':>12} {'CPU ms/work':>11} {'peak MB':>8}",
    ]
    totals: list[tuple[int, float, float, float]] = []  # works, CPU cold, CPU unchanged, peak MB cold
    env = {key: value for key, value in ENV.items() if key != "SOURCE_DATE_EPOCH"}  # dated by git
    for size in sizes:
        project = generated_shelf(scratch, size)
        runs = []
        for cold in (True, False):
            runs.append(
                traced.run(
                    ["build", *chosen],
                    project,
                    env | {"FOLIO_CACHE": tempfile.mkdtemp(prefix="folio-cache-", dir=scratch)},
                    scratch / f"generated-{size}-{'cold' if cold else 'again'}.trace",
                    ["builder.shelf.work"],
                )
            )
        cold, again = runs
        workers, parent = _work_cpu(cold)
        again_cpu = sum(_work_cpu(again))
        totals.append((size, workers + parent, again_cpu, cold.peak_mb))
        rows.append(
            f"   {size:>6} {cold.wall:7.1f} {(workers + parent) / size:10.2f} {1000 * parent / size:14.1f}"
            f" {cold.peak_mb:8.0f} {cold.parent_peak_mb:7.0f} {again.wall:12.2f} {1000 * again_cpu / size:11.1f}"
            f" {again.peak_mb:8.0f}{_rebuilt(again)}"
        )
        print(rows[-1], f"({load()})", file=sys.stderr, flush=True)  # as it goes: a large shelf takes long
        shutil.rmtree(project)
    rows += linearity(totals)
    if unchanged_only:
        rows += [
            "   the no-change rebuild alone, over a release folder made up from one work's real editions (a cold"
            " build of so many takes too long here):",
            f"   {'works':>6} {'unchanged s':>12} {'CPU ms/work':>11} {'peak MB':>8}",
        ]
    made_up: list[tuple[int, float]] = []
    for size in unchanged_only:
        project = generated_shelf(scratch, size)
        subprocess.run(
            [sys.executable, __file__, "--made-up", str(project), "--generated-format", ",".join(formats)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        again = traced.run(
            ["build", *chosen], project, env, scratch / f"generated-{size}-made-up.trace", ["builder.shelf.work"]
        )
        made_up.append((size, sum(_work_cpu(again))))
        rows.append(
            f"   {size:>6} {again.wall:12.2f} {1000 * made_up[-1][1] / size:11.1f} {again.peak_mb:8.0f}"
            + _rebuilt(again)
        )
        print(rows[-1], f"({load()})", file=sys.stderr, flush=True)
        shutil.rmtree(project)
    if len(made_up) > 1:
        (small, small_cpu), (large, large_cpu) = made_up[0], made_up[-1]
        rows.append(
            f"   each added work's CPU, {small}→{large}: {1000 * (large_cpu - small_cpu) / (large - small):.1f} ms"
        )
    return rows


def made_up_release(project: Path, formats: list[str]) -> None:
    """In this process (its folder the project's): a release folder for every work of the
    project as a cold build would leave it, from the real editions of its first work (their
    bytes, with each work's slug added: its files are as large as a real work's), each listed
    with its work's own key (the builder's keying), committed in one step."""
    from dataclasses import replace

    from builder.editions.kinds import DEFAULT_FORMATS
    from builder.release.manifest import BuiltFile
    from builder.shelf.build import _commit
    from builder.shelf.key import edition_key, shelf_keys
    from builder.shelf.work import build_work, editions
    from builder.source.folders import find_works

    chosen = editions(tuple(formats) or DEFAULT_FORMATS, ["a5"], False)
    works = find_works(project / "source")
    keys = shelf_keys(works)
    first = build_work(works[0], chosen, keys[works[0]].key, 1, keys[works[0]].date)
    built = [first]
    for folder in works[1:]:
        key = keys[folder].key
        assert key is not None and keys[folder].date is not None
        names = [file.name.replace(first.slug, folder.name) for file in first.files]
        files = [
            BuiltFile(name, file.data + folder.name.encode(), edition_key(key, name), file.kind)
            for name, file in zip(names, first.files, strict=True)
        ]
        built.append(
            replace(
                first,
                slug=folder.name,
                title=f"Title of {folder.name}",
                identifier=f"urn:bench:{folder.name}",
                edition_date=keys[folder].date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                files=files,
            )
        )
    _commit(project / "dist", None, built, set())


def linearity(totals: list[tuple[int, float, float, float]]) -> list[str]:
    """Whether CPU time grows linearly with the works and memory not at all: a build costs a
    fixed start plus so much a work, so the cost of each added work (the slope between two
    shelves) should stay the same from the smaller shelves to the larger; with two shelves
    only, the cost a work is compared (the fixed start makes it fall)."""
    if len(totals) < 2:
        return []
    slopes = [tuple((large[n] - small[n]) / (large[0] - small[0]) for n in (1, 2)) for small, large in pairwise(totals)]
    if len(slopes) > 1:
        cold, again = (slopes[-1][n] / slopes[0][n] for n in (0, 1))
        what = "each added work's CPU, between the largest shelves against between the smallest"
        rows = [
            "   each added work's CPU: "
            + ", ".join(
                f"{small[0]}→{large[0]}: cold {slope[0]:.2f} s, unchanged {1000 * slope[1]:.1f} ms"
                for (small, large), slope in zip(pairwise(totals), slopes, strict=True)
            )
        ]
    else:
        (size_a, cold_a, again_a, _), (size_b, cold_b, again_b, _) = totals[0], totals[-1]
        cold, again = (cold_b / size_b) / (cold_a / size_a), (again_b / size_b) / (again_a / size_a)
        what = "CPU a work, largest shelf against smallest"
        rows = []
    memory = totals[-1][3] / totals[0][3]
    rows.append(
        f"   {what} (1.00 = linear): cold {cold:.2f}× ({verdict(cold, LINEAR)}), unchanged {again:.2f}×"
        f" ({verdict(again, LINEAR)}); peak memory {memory:.2f}× ({verdict(memory, LINEAR)})"
    )
    return rows


def _rebuilt(done: Any) -> str:
    """Nothing, or how many works a build meant to find nothing to do built after all."""
    count = sum(line["step"] == "work-end" for steps in done.steps.values() for line in steps)
    return f"   NOT UNCHANGED: {count} works built" if count else ""


def _work_cpu(done: Any) -> tuple[float, float]:
    """CPU seconds of a traced build's works (each `build_work` call's own CPU and that of the
    processes it waited for, calibre's) and of its parent's own work besides (planning,
    keying, committing); the fork server's imports aside."""
    works = 0.0
    for steps in done.steps.values():
        begun: dict[str, float] = {}
        for line in steps:
            if line["step"] == "work-begin":
                begun["at"] = line["cpu"] + line["children"]
            elif line["step"] == "work-end" and "at" in begun:
                works += line["cpu"] + line["children"] - begun.pop("at")
    in_parent = sum(
        end["cpu"] + end["children"] - begin["cpu"] - begin["children"]
        for begin, end in zip(
            [line for line in done.steps.get(done.pid, []) if line["step"] == "work-begin"],
            [line for line in done.steps.get(done.pid, []) if line["step"] == "work-end"],
            strict=True,
        )
    )
    exit_line = next(line for line in reversed(done.steps[done.pid]) if line["step"] == "exit")
    return works, exit_line["cpu"] - in_parent


def parent_case(size: int, editions_folder: Path, scratch: Path) -> dict[str, float]:
    """In this (fresh) process: build_shelf of `size` works whose workers hand back, at once,
    the letter's editions (each work's own bytes): the parent's planning and commits alone."""
    from builder.release.manifest import Built, BuiltFile
    from builder.shelf import build as shelf_build
    from builder.shelf.build import BuildReport, build_shelf
    from builder.shelf.key import Keyed
    from builder.shelf.work import editions

    chosen = editions(("epub", "kepub", "azw3", "pdf"), ["a5"], False)
    made = {
        edition.kind_name: (
            edition.file_name(LETTER.name),
            (editions_folder / edition.file_name(LETTER.name)).read_bytes(),
        )
        for edition in chosen
    }

    def run(tasks: list, workers: int):  # type: ignore[no-untyped-def]
        for job, _ in tasks:
            slug = job.folder.name
            files = [
                BuiltFile(name.replace(LETTER.name, slug), data + slug.encode(), "key", kind)
                for kind, (name, data) in made.items()
            ]
            yield job, Built(slug, f"Work {slug}", "A. Writer", f"urn:uuid:{slug}", "2023-11-14T22:13:20Z", files)

    commits = [0]
    real = shelf_build._commit

    def counted(*args):  # type: ignore[no-untyped-def]
        commits[0] += 1
        return real(*args)

    shelf_build.scheduler.run = run  # type: ignore[assignment]
    shelf_build.shelf_keys = lambda folders: {folder: Keyed("key", None) for folder in folders}  # type: ignore[assignment]
    shelf_build._commit = counted  # type: ignore[assignment]
    works = [scratch / "source" / f"work-{n:05}" for n in range(size)]
    start, cpu = time.perf_counter(), time.process_time()
    build_shelf(BuildReport(works), chosen, scratch / "dist", jobs=2, force=False, whole_shelf=True)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "commits": commits[0]}


def section_f(sizes: list[int], scratch: Path) -> list[str]:
    """The parent's planning and commits per work (bench/bench.py parent_case), which should
    not grow with the shelf."""
    editions_folder = scratch / "letter-editions"
    subprocess.run(
        [*FOLIO, "build", str(LETTER), "--out", str(editions_folder), "-j1"],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    rows = [
        "F. the parent's own work: a shelf whose workers hand back the letter's editions at once",
        f"   {'works':>6} {'wall s':>7} {'ms/work':>8} {'CPU ms/work':>12} {'commits':>8}",
    ]
    per_work = []
    for size in sizes:
        folder = Path(tempfile.mkdtemp(dir=scratch))
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--parent-case",
                str(size),
                "--work",
                str(editions_folder),
                "--scratch",
                str(folder),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=ENV,
        )
        if out.returncode:
            raise SystemExit(f"bench: the parent case of {size} works failed:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        shutil.rmtree(folder)
        per_work.append(result["cpu_seconds"] / size)
        rows.append(
            f"   {size:>6} {result['seconds']:7.2f} {1000 * result['seconds'] / size:8.1f} "
            f"{1000 * result['cpu_seconds'] / size:12.1f} {result['commits']:>8}"
        )
    if len(per_work) > 1:
        rows.append(
            f"   CPU per work, largest shelf against smallest: {per_work[-1] / per_work[0]:.2f}× "
            f"(1.00 = linear)   {verdict(per_work[-1] / per_work[0], LINEAR)}"
        )
    return rows


def section_d(kb: int, scratch: Path) -> list[str]:
    """A ~600-page book's PDF with --jobs 1 and 2 (bench/long_book.py): its runs on both cores,
    each process's steps timed and its CPU counted (bench/traced.py)."""
    from limits import book_work
    from long_book import halves, measure, report

    work = halves(book_work(scratch / "long", str(kb)))
    results = {jobs: measure(work, scratch / f"long-out-{jobs}", jobs) for jobs in (1, 2)}
    return [f"D. a long book ({kb:,} KB of Capital ch. 15 repeated, in parts), `folio build -f pdf`", *report(results)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shelf", default="1,20", help="shelf sizes for C (the target is for 20)")
    parser.add_argument(
        "--long-kb", type=int, default=1160, help="KB of text of D's long book (1,160: about 600 A5 pages)"
    )
    parser.add_argument("--generated", default="100,1000", help="shelf sizes for E, generated works")
    parser.add_argument("--generated-format", default="", help="E's formats, e.g. epub (default: every default kind)")
    parser.add_argument(
        "--unchanged-only",
        default="",
        help="E's shelf sizes (e.g. 100,1000) rebuilt with nothing changed over a release folder made up"
        " from one work's editions, without their cold build",
    )
    parser.add_argument("--made-up", help=argparse.SUPPRESS)
    parser.add_argument("--parent", default="100,1000,3000", help="shelf sizes for F")
    parser.add_argument("--skip", default="", help="sections to leave out, e.g. C,D")
    parser.add_argument("--parent-case", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(Path(args.floor), Path(args.work))
        return
    if args.made_up:
        os.chdir(args.made_up)
        made_up_release(Path(args.made_up), [name for name in args.generated_format.split(",") if name])
        return
    if args.parent_case:
        print(json.dumps(parent_case(args.parent_case, Path(args.work), Path(args.scratch))))
        return
    if args.case:
        print(json.dumps(run_case(args.case, Path(args.work))))
        return
    skip = set(args.skip.upper().split(",")) - {""}
    adopt_orphans()
    # As a user runs it: an installed Folio has its modules' bytecode, which a checkout run
    # with PYTHONDONTWRITEBYTECODE (or from a read-only folder) never writes, and every process
    # of every case would compile them again (about 0.1 s of CPU a process).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "builder")], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        sections = [
            ("A", lambda: section_a(args.rounds, scratch)),
            ("B", lambda: section_b(args.rounds)),
            ("C", lambda: section_c(args.rounds, [int(n) for n in args.shelf.split(",")], scratch)),
            ("D", lambda: section_d(args.long_kb, scratch)),
            (
                "E",
                lambda: section_e(
                    [int(n) for n in args.generated.split(",") if n],
                    [name for name in args.generated_format.split(",") if name],
                    scratch,
                    [int(n) for n in args.unchanged_only.split(",") if n],
                ),
            ),
            ("F", lambda: section_f([int(n) for n in args.parent.split(",")], scratch)),
        ]
        print(f"started with {load()}\n", flush=True)
        for name, run in sections:
            if name not in skip:
                print("\n".join(run()) + f"\n   ({load()})\n", flush=True)


if __name__ == "__main__":
    main()
