"""`make bench`: what a user waits for, side by side, as ratios to baselines measured in the
same run (the machine may be shared: cases alternate round by round, and only the ratios
mean much; absolute times depend on the machine).

  A. one work as a user runs it, whole processes: `folio build` (EPUB and A5 PDF) against
     Pandoc 3 making the same Markdown into an EPUB and, with --pdf-engine=weasyprint, a PDF;
     and against WeasyPrint alone typesetting our final HTML (the floor, = 1.00)
  B. our PDF writer against WeasyPrint alone on the same HTML, in one process, imports aside
  C. a shelf of 1, 10 and 100 works (copies of source/'s short works under new slugs), on 1
     and 2 workers: cold, and again with nothing changed
  D. a work ten times Capital's chapter 1 (about 700 A5 pages): time and peak memory of our
     PDF writer against WeasyPrint alone, to show the cost grows linearly with length, and its
     wall time against its CPU time (a layout on every core would bring it under 0.6)

Each section ends with the targets of issue 18, met or missed; the load average is printed
with the results, since a shared machine's figures mean little without it.

    .venv/bin/python bench/bench.py [--rounds 3] [--shelf 1,10,100] [--skip A,B,C,D]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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

    from builder.editions.weasyprint.fetcher import SandboxedFetcher
    from builder.paths import STYLES

    HTML(string=html_file.read_text(encoding="utf-8"), base_url=STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(folder)).write_pdf(pdf_variant="pdf/ua-1")


def final_html(folder: Path, target: Path) -> Path:
    from builder.editions.kinds import KINDS
    from builder.editions.templates import render_page
    from builder.source.loader import load_work

    target.write_text(render_page("pdf/book.html", load_work(folder), KINDS["pdf"].capabilities, trim="a5", marks=False, hrefs=None, dense=set()), encoding="utf-8")
    return target


def run_case(case: str, folder: Path) -> dict[str, float]:
    """One case in this (fresh) process: seconds of the work itself, and peak memory."""
    from weasyprint import HTML

    from builder.editions.epub import write_epub
    from builder.editions.kinds import KINDS
    from builder.editions.pdf import write_pdf
    from builder.editions.templates import render_page
    from builder.editions.weasyprint.fetcher import SandboxedFetcher
    from builder.paths import STYLES
    from builder.source.loader import load_work

    work = load_work(folder)
    html = render_page("pdf/book.html", work, KINDS["pdf"].capabilities, trim="a5", marks=False, hrefs=None, dense=set())
    start, cpu = time.perf_counter(), time.process_time()
    if case == "weasyprint":  # WeasyPrint alone on our final HTML: no footnote fix, no checks
        HTML(string=html, base_url=STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(folder)).write_pdf(pdf_variant="pdf/ua-1")
    elif case == "pdf-writer":
        write_pdf(work)
    else:
        write_epub(work)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "peak_mb": usage.ru_maxrss / 1024}


# The long work of D is over the default limits of a work's size (builder/source/limits.py).
LONG_WORK_LIMITS = {"FOLIO_MAX_TEXT_KB": "8192", "FOLIO_MAX_NOTES": "20000"}


def child(case: str, folder: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--case", case, "--work", str(folder)], capture_output=True, text=True, check=False, env=ENV | LONG_WORK_LIMITS)
    if out.returncode:
        raise SystemExit(f"bench: the {case} case of {folder.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(command: list[str], cwd: Path = ROOT, cache: Path | None = None) -> float:
    """A whole process's wall time; `cache`: the folio cache it starts with (a new, empty
    folder unless given, so that every build is as cold as a first one)."""
    cache = cache or Path(tempfile.mkdtemp(prefix="folio-cache-"))
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV | {"FOLIO_CACHE": str(cache)}, check=True, capture_output=True)
    return time.perf_counter() - start


# --- the works ----------------------------------------------------------------------------

def long_capital(folder: Path, times: int = 10) -> Path:
    """Capital's chapter 1 ten times over, as ten parts (notes relabelled to stay unique)."""
    target = folder / "capital-ten-times"
    target.mkdir()
    text = (CAPITAL / "text.md").read_text(encoding="utf-8")
    names = []
    for n in range(1, times + 1):
        names.append(f"part-{n:02}.md")
        (target / names[-1]).write_text(re.sub(r"\[\^([^\]]+)\]", rf"[^\1-{n}]", text), encoding="utf-8")
    toml = (CAPITAL / "work.toml").read_text(encoding="utf-8").replace('parts = ["text.md"]', f"parts = {json.dumps(names)}")
    later = re.search(r"^later-notes = (\[.*\])$", toml, re.MULTILINE)  # the rights' list of later notes, relabelled alike
    if later:
        labels = [f"{label}-{n}" for n in range(1, times + 1) for label in json.loads(later.group(1))]
        toml = toml.replace(later.group(0), f"later-notes = {json.dumps(labels)}")
    (target / "work.toml").write_text(toml, encoding="utf-8")
    return target


def shelf(folder: Path, size: int) -> Path:
    """source/ for a shelf of `size` works: copies of the short works under new slugs."""
    source = folder / f"shelf-{size}" / "source"
    for n in range(size):
        original = SHORT_WORKS[n % len(SHORT_WORKS)]
        copy = source / f"{original.name}-copy-{n:03}"
        shutil.copytree(original, copy)
        toml = copy / "work.toml"  # each work of a shelf has its own identifier
        toml.write_text(re.sub(r'identifier = "urn:uuid:[^"]+"', f'identifier = "urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, copy.name)}"', toml.read_text(encoding="utf-8")), encoding="utf-8")
    return source


def pandoc(markdown: Path, out: Path, *extra: str) -> list[str]:
    import pypandoc

    return [pypandoc.get_pandoc_path(), "--from", "markdown", str(markdown), "--metadata", "title=Bench", "-o", str(out), *extra]


# --- the sections -------------------------------------------------------------------------

def median(values: list[float]) -> float:
    return statistics.median(values)


# Issue 18's targets: the whole build against Pandoc's two commands, a shelf's speed-up on
# two workers, and a long book's wall time against its CPU time and its peak memory.
TARGETS = {"letter": 1.2, "capital ch.1": 1.3}
SHELF_TARGET = (20, 1.7)
LONG_BOOK_WALL_PER_CPU, LONG_BOOK_PEAK_MB = 0.6, 1024


def verdict(value: float, target: float, at_most: bool = True) -> str:
    met = value <= target if at_most else value >= target
    return f"target {'≤' if at_most else '≥'} {target:g}: {'met' if met else 'MISSED'}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def section_a(rounds: int, scratch: Path) -> list[str]:
    rows = ["A. one work as a user runs it (whole processes; WeasyPrint alone on our HTML = 1.00)",
            f"   {'work':<14} {'case':<34} {'median s':>9} {'ratio':>7}"]
    for name, folder in (("letter", LETTER), ("capital ch.1", CAPITAL)):
        html = final_html(folder, scratch / f"{folder.name}.html")
        cases = {
            "weasyprint alone (floor)": [sys.executable, __file__, "--floor", str(html), "--work", str(folder)],
            "folio build (EPUB + A5 PDF)": [*FOLIO, "build", str(folder), "--out", str(scratch / "a"), "--force"],
            "folio build, cover cached": [*FOLIO, "build", str(folder), "--out", str(scratch / "b"), "--force"],
            "pandoc → EPUB": pandoc(folder / "text.md", scratch / "p.epub"),
            "pandoc → PDF (weasyprint)": pandoc(folder / "text.md", scratch / "p.pdf", "--pdf-engine=weasyprint"),
            "folio --version": [*FOLIO, "--version"],
        }
        times: dict[str, list[float]] = {case: [] for case in cases}
        warm = scratch / "warm-cache"
        subprocess.run(cases["folio build, cover cached"], cwd=ROOT, env=ENV | {"FOLIO_CACHE": str(warm)}, check=True, capture_output=True)
        for _ in range(rounds):
            for case, command in cases.items():
                times[case].append(timed(command, cache=warm if "cached" in case else None))
        base = median(times["weasyprint alone (floor)"])
        for case in cases:
            rows.append(f"   {name:<14} {case:<34} {median(times[case]):9.2f} {median(times[case]) / base:7.2f}")
        both = median(times["pandoc → EPUB"]) + median(times["pandoc → PDF (weasyprint)"])
        ours = median(times["folio build (EPUB + A5 PDF)"])
        rows.append(f"   {name:<14} {'folio build / pandoc (both)':<34} {'':>9} {ours / both:7.2f}   {verdict(ours / both, TARGETS[name])}")
    return rows


def section_b(rounds: int, scratch: Path) -> list[str]:
    rows = ["B. our PDF writer against WeasyPrint alone, same HTML (in process, imports aside)",
            f"   {'work':<14} {'case':<14} {'median s':>9} {'ratio':>7}"]
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
    rows = ["C. a shelf: `folio build` of N works, cold and with nothing changed",
            f"   {'works':>5} {'workers':>7} {'cold s':>8} {'unchanged s':>12} {'speed-up':>9}"]
    for size in sizes:
        source = shelf(scratch, size)
        cold: dict[int, list[float]] = {1: [], 2: []}
        warm: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(1 if size > 10 else rounds):
            for jobs in (1, 2):
                out = scratch / f"dist-{size}-{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                command = [*FOLIO, "build", *map(str, sorted(source.iterdir())), "--out", str(out), "--jobs", str(jobs)]
                cold[jobs].append(timed(command))
                for _ in range(rounds):
                    warm[jobs].append(timed(command))
        for jobs in (1, 2):
            speedup = median(cold[1]) / median(cold[jobs])
            target = f"   {verdict(speedup, SHELF_TARGET[1], at_most=False)}" if (size, jobs) == (SHELF_TARGET[0], 2) else ""
            rows.append(f"   {size:>5} {jobs:>7} {median(cold[jobs]):8.2f} {median(warm[jobs]):12.2f} {speedup:8.2f}×{target}")
    return rows


def section_d(scratch: Path) -> list[str]:
    folder = long_capital(scratch)
    rows = ["D. Capital's chapter 1 ten times (about 700 A5 pages), one round",
            f"   {'case':<14} {'s':>8} {'peak MB':>8} {'time ratio':>11} {'memory ratio':>13}"]
    results = {case: child(case, folder) for case in ("weasyprint", "pdf-writer")}
    base = results["weasyprint"]
    for case, result in results.items():
        rows.append(f"   {case:<14} {result['seconds']:8.1f} {result['peak_mb']:8.0f} {result['seconds'] / base['seconds']:11.2f} {result['peak_mb'] / base['peak_mb']:13.2f}")
    one = child("weasyprint", CAPITAL)
    rows.append(f"   ten times the text: {base['seconds'] / one['seconds']:.1f} times WeasyPrint's time, {base['peak_mb'] / one['peak_mb']:.1f} times its memory")
    ours = results["pdf-writer"]
    rows.append(f"   our PDF writer: wall / CPU {ours['seconds'] / ours['cpu_seconds']:.2f}, {verdict(ours['seconds'] / ours['cpu_seconds'], LONG_BOOK_WALL_PER_CPU)}"
                " (the layout runs on one core: a layout part by part on every core is not built yet)")
    rows.append(f"   our PDF writer: peak {ours['peak_mb']:.0f} MB, {verdict(ours['peak_mb'], LONG_BOOK_PEAK_MB)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shelf", default="1,20", help="shelf sizes for C (the target is for 20)")
    parser.add_argument("--skip", default="", help="sections to leave out, e.g. C,D")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(Path(args.floor), Path(args.work))
        return
    if args.case:
        print(json.dumps(run_case(args.case, Path(args.work))))
        return
    skip = set(args.skip.upper().split(",")) - {""}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        sections = [
            ("A", lambda: section_a(args.rounds, scratch)),
            ("B", lambda: section_b(args.rounds, scratch)),
            ("C", lambda: section_c(args.rounds, [int(n) for n in args.shelf.split(",")], scratch)),
            ("D", lambda: section_d(scratch)),
        ]
        print(f"started with {load()}\n", flush=True)
        for name, run in sections:
            if name not in skip:
                print("\n".join(run()) + f"\n   ({load()})\n", flush=True)


if __name__ == "__main__":
    main()
