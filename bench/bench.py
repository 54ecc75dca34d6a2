"""Benchmarks, as ratios against a baseline run side by side (never timed tests).

Cases, each in its own fresh process so that WeasyPrint's footnote patch is in one and not
in the other, interleaved round by round so that machine load falls on both alike:

  pdf-baseline  WeasyPrint alone, unpatched, typesetting the book HTML of the templates
  pdf-folio     the PDF writer: templates, sandboxed fetcher, patched WeasyPrint
  epub-folio    the EPUB writer (cover included)

Each case times the letter, a long synthetic work (the letter's text ×12, 12 notes) and
Capital's first chapter, and prints the median of its rounds; the ratio folio/baseline says
what the builder adds (for Capital, a second layout: its longest note is set denser).

    .venv/bin/python bench/bench.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTER = ROOT / "source" / "lenin-1912-letter-to-huysmans"
CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"  # 68 pages, 40 notes


def long_work(folder: Path) -> Path:
    """The letter's text twelve times, as twelve notes' worth of a long work."""
    target = folder / "long-work"
    shutil.copytree(LETTER, target)
    text = (LETTER / "text.md").read_text(encoding="utf-8")
    body, _, note = text.partition("\n[^1]:")
    heading, _, rest = body.partition("\n")
    parts = [heading.replace("[^1]", "")]
    for n in range(1, 13):
        parts.append(rest.replace("Here it is in full.", f"Here it is in full.[^{n}]", 1))
        parts.append(f"\n[^{n}]:{note}")
    (target / "text.md").write_text("\n".join(parts), encoding="utf-8")
    return target


def run_case(case: str, folder: Path) -> float:
    """Time one build of one work in this process (called in a child process); imports
    and loading the source are outside the timing, as they are the same for every case."""
    from weasyprint import HTML

    from builder.editions.epub import write_epub
    from builder.editions.fetcher import SandboxedFetcher
    from builder.editions.pdf import write_pdf
    from builder.editions.templates import render_page
    from builder.paths import STYLES
    from builder.source.loader import load_work

    work = load_work(folder)
    if case == "pdf-baseline":
        html = render_page("pdf/book.html", work, "pdf", trim="a5", marks=False, hrefs=None)
        start = time.perf_counter()  # the baseline is WeasyPrint's own work alone
        HTML(string=html, base_url=STYLES.as_uri() + "/", url_fetcher=SandboxedFetcher(folder)).write_pdf(pdf_variant="pdf/ua-1")
    elif case == "pdf-folio":
        start = time.perf_counter()
        write_pdf(work)
    else:
        start = time.perf_counter()
        write_epub(work)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, Path(args.work))))
        return
    cases = ["pdf-baseline", "pdf-folio", "epub-folio"]
    with tempfile.TemporaryDirectory() as scratch:
        works = {"letter": LETTER, "long (×12)": long_work(Path(scratch)), "capital ch.1": CAPITAL}
        times: dict[tuple[str, str], list[float]] = {(w, c): [] for w in works for c in cases}
        for _ in range(args.rounds):
            for name, folder in works.items():
                for case in cases:
                    out = subprocess.run([sys.executable, __file__, "--case", case, "--work", str(folder)], capture_output=True, text=True, check=True)
                    times[(name, case)].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'work':<14} {'case':<14} {'median s':>9} {'vs baseline':>12}")
    for name in works:
        base = statistics.median(times[(name, "pdf-baseline")])
        for case in cases:
            median = statistics.median(times[(name, case)])
            ratio = f"{median / base:.2f}×" if case.startswith("pdf") else "—"
            print(f"{name:<14} {case:<14} {median:9.3f} {ratio:>12}")


if __name__ == "__main__":
    main()
