"""A long book's PDF on every core: `folio build -f pdf` of a ~600-page book with --jobs 1 and
--jobs 2, each in a fresh process, and what issue 25 asks of it on two cores: wall time at most
0.6 of the CPU time, peak memory at most 1 GB, and (the builder's own bar) the same bytes.

The book is Capital's chapter 15 from the corpus, repeated (bench/limits.py) and each whole copy
cut at its middle section into two parts: 7 parts at 1,160 KB, ~550 A5 pages. Memory is the
peak of the proportional set size summed over the build's processes (the runs are forked and
share pages until they write).

Wall time says little on a busy machine, where every process waits for a core. Each process of
the build therefore logs its steps with its own CPU time (bench/traced.py): when each run was
forked, reported its pages, was told its first folio and ended, and the CPU the parent spent
before the runs, beside them and after them (its serial work). From those, `Schedule.projected`
works out the wall time the same CPU takes on two free cores, which a busy machine does not
falsify (it inflates CPU time a little: caches and memory bandwidth are shared).

    .venv/bin/python bench/long_book.py [--kb 1160]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
import traced  # scripts beside it
from limits import _CALL, _DEFINITION, ROOT, book_work


def halves(work: Path) -> Path:
    """Each part of the work cut in two at the section heading nearest its middle, unless no
    heading is near it (the last copy, cut short, may stay whole)."""
    names = []
    for part in sorted(work.glob("copy-*.md")):
        text = part.read_text(encoding="utf-8")
        part.unlink()
        notes = {match.group(1): match.group(0) for match in _DEFINITION.finditer(text)}
        first = _DEFINITION.search(text)
        body = text[: first.start()] if first else text
        cuts = [match.start() for match in re.finditer(r"(?m)^## ", body) if 0.25 < match.start() / len(body) < 0.75]
        cut = min(cuts, key=lambda at: abs(at - len(body) / 2)) if cuts else len(body)
        pieces = [body[:cut], f"# {part.stem}, continued\n\n" + body[cut:]] if cuts else [body]
        for number, half in enumerate(pieces):
            called = set(_CALL.findall(half))
            names.append(f"{part.stem}-{number}.md")
            (work / names[-1]).write_text(
                half.rstrip() + "\n\n" + "\n\n".join(note for label, note in notes.items() if label in called) + "\n",
                encoding="utf-8",
            )
    toml = work / "work.toml"
    toml.write_text(
        re.sub(
            r"(?m)^parts = .*$",
            "parts = [" + ", ".join(f'"{name}"' for name in names) + "]",
            toml.read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    return work


@dataclass
class Measured:
    """One build of the long book: wall and CPU seconds (the build and its runs), peak PSS in
    MB, the PDF's sha256 and pages, and the schedule its steps logged (`Schedule`)."""

    wall: float
    cpu: float
    peak_mb: float
    digest: str
    pages: int
    schedule: Schedule


def measure(work: Path, out: Path, jobs: int) -> Measured:
    """`folio build -f pdf` of the work in a fresh process, its steps logged (bench/traced.py)."""
    shutil.rmtree(out, ignore_errors=True)  # a cold build
    done = traced.run(
        [*_BUILD, str(work), "--jobs", str(jobs), "--out", str(out)],
        ROOT,
        os.environ | {"SOURCE_DATE_EPOCH": "1700000000"},
        out.with_name(out.name + ".trace"),
        list(traced.STEPS),
    )
    pdf = next(out.glob("*.pdf"))
    return Measured(
        done.wall,
        done.cpu,
        done.peak_mb,
        hashlib.sha256(pdf.read_bytes()).hexdigest(),
        len(PdfReader(pdf).pages),
        Schedule.read(done),
    )


_BUILD = ["build", "-f", "pdf"]


# --- the schedule: each step's time and CPU, logged by the build's own processes (bench/traced.py)


@dataclass
class Process:
    """One process of the build, from its steps: its times (seconds from the build's start)
    and the CPU it spent in each stretch between them."""

    pid: int
    steps: list[dict[str, Any]]

    def first(self, step: str) -> dict[str, Any] | None:
        return next((line for line in self.steps if line["step"] == step), None)

    def last(self, step: str) -> dict[str, Any] | None:
        return next((line for line in reversed(self.steps) if line["step"] == step), None)


@dataclass
class Schedule:
    """The build's processes and steps, and what they add up to: the parent's CPU before the
    runs are forked, beside them and after them (the serial part), each run's CPU laying out
    and writing, and the wall time the same CPU would take on free cores (`projected`)."""

    parent: Process
    runs: list[Process]  # in the book's order
    start: float  # the build process's start, on the monotonic clock

    @classmethod
    def read(cls, done: traced.Run) -> Schedule:
        by_pid = dict(done.steps)
        parent = Process(done.pid, by_pid.pop(done.pid))
        runs = sorted(
            (Process(pid, steps) for pid, steps in by_pid.items()),
            key=lambda process: (process.first("run-begin") or {"index": 0})["index"],
        )
        return cls(parent, runs, done.start)

    def at(self, line: dict[str, Any] | None) -> float:
        return line["t"] - self.start if line else float("nan")

    def parent_cpu(self) -> tuple[float, float, float, float]:
        """The parent's CPU before the first run is forked; beside the runs until they have all
        reported their pages, and after, while they write; and once the last has handed back
        its PDF (to its end)."""
        steps = self.parent
        end = steps.last("exit")
        assert end is not None
        forked, reported, back = steps.first("fork-end"), steps.last("runs-end"), steps.last("pdf-end")
        if forked is None or reported is None or back is None:
            return end["cpu"], 0.0, 0.0, 0.0
        return (
            forked["cpu"],
            reported["cpu"] - forked["cpu"],
            back["cpu"] - reported["cpu"],
            end["cpu"] - back["cpu"],
        )

    def run_cpu(self) -> list[tuple[float, float]]:
        """Each run's CPU laying out (to its report) and after (its folios and its PDF)."""
        found = []
        for run in self.runs:
            laid, told, end = run.first("laid"), run.first("told"), run.last("exit")
            assert laid is not None and told is not None and end is not None
            found.append((laid["cpu"], end["cpu"] - told["cpu"]))
        return found

    def projected(self, cores: int) -> float:
        """The wall time of the same CPU on ``cores`` free cores, each runnable process given
        an equal share of them: the parent's serial start; the runs and the parent's own work
        beside them, a run writing once it and every run before it has reported (its first
        folio waits on their pages), the parent's second stretch once they all have; the
        parent's end once every run is done."""
        before, beside, meanwhile, after = self.parent_cpu()
        runs = self.run_cpu()
        if not runs:
            return before + beside + meanwhile + after
        # each task's two stages (CPU seconds left): a run's laying out and its writing; the
        # parent's work while they lay out, and while they write
        tasks = [[lay, write] for lay, write in runs] + [[beside, meanwhile]]
        stage = [0] * len(tasks)

        def ready(n: int) -> bool:
            if stage[n] == 2:
                return False
            if stage[n] == 0:
                return True
            return all(stage[m] >= 1 for m in range(n + 1 if n < len(runs) else len(runs)))

        clock = before
        while True:
            for n in range(len(tasks)):  # a stage with nothing left is done at once
                while ready(n) and tasks[n][stage[n]] <= 1e-9:
                    stage[n] += 1
            active = [n for n in range(len(tasks)) if ready(n)]
            if not active:
                break
            rate = min(1.0, cores / len(active))
            step = min(tasks[n][stage[n]] for n in active) / rate
            clock += step
            for n in active:
                tasks[n][stage[n]] -= step * rate
        return clock + after

    def rows(self) -> list[str]:
        """The schedule as a table: each process's times (seconds from the start of the build)
        and CPU seconds."""
        parent = self.parent
        before, beside, meanwhile, after = self.parent_cpu()
        rows = [
            f"   {'process':<8} {'forked':>7} {'laid':>7} {'told':>7} {'ended':>7} {'CPU lay':>8} {'CPU write':>9}",
            f"   {'parent':<8} {0.0:7.1f} {'':>7} {'':>7} {self.at(parent.last('exit')):7.1f}"
            f"   CPU {before:.1f} before the runs, {beside + meanwhile:.1f} beside them, {after:.1f} after",
        ]
        for number, (run, (lay, write)) in enumerate(zip(self.runs, self.run_cpu(), strict=True)):
            rows.append(
                f"   {'run ' + str(number):<8} {self.at(run.first('run-begin')):7.1f} {self.at(run.first('laid')):7.1f}"
                f" {self.at(run.first('told')):7.1f} {self.at(run.last('exit')):7.1f} {lay:8.1f} {write:9.1f}"
            )
        merge, merged = parent.last("merge-begin"), parent.last("merge-end")
        if merge and merged:
            rows.append(
                f"   the join: {self.at(merge):.1f} to {self.at(merged):.1f} s,"
                f" {merged['cpu'] - merge['cpu']:.1f} s of CPU"
            )
        return rows


def report(results: dict[int, Measured], cores: int = 2) -> list[str]:
    """The measurements, each build's schedule, and the targets' verdicts, as lines."""
    rows = [f"   {'jobs':>4} {'pages':>6} {'wall s':>7} {'CPU s':>7} {'wall/CPU':>9} {'peak MB':>8}"]
    for jobs, measured in results.items():
        rows.append(
            f"   {jobs:>4} {measured.pages:>6} {measured.wall:7.1f} {measured.cpu:7.1f}"
            f" {measured.wall / measured.cpu:9.2f} {measured.peak_mb:8.0f}"
        )
    for jobs, measured in results.items():
        rows += [f"   the schedule with --jobs {jobs} (seconds from the build's start; CPU seconds):"]
        rows += measured.schedule.rows()
    one, two = results[1], results[2]
    projected = two.schedule.projected(cores)
    if not two.schedule.runs:
        rows.append(
            "   NOT LAID OUT IN RUNS: the book is under RUNS_FROM_WORDS (editions/pdf.py) or of one part;"
            " give more text (--long-kb)"
        )
    rows += [
        f"   on {cores} free cores, from each process's CPU time: wall {projected:.1f} s of {two.cpu:.1f} s of CPU,"
        f" wall/CPU {projected / two.cpu:.2f} ({verdict(projected / two.cpu, WALL_PER_CPU)});"
        f" {one.schedule.projected(1):.1f} s with --jobs 1",
        f"   measured: wall/CPU {two.wall / two.cpu:.2f} ({verdict(two.wall / two.cpu, WALL_PER_CPU)}: the machine's"
        f" load decides it); peak {two.peak_mb:,.0f} MB ({verdict(two.peak_mb, PEAK_MB)})",
        f"   the same PDF with --jobs 1 and 2: {'yes' if two.digest == one.digest else 'NO'}",
    ]
    return rows


WALL_PER_CPU, PEAK_MB = 0.6, 1024  # issue 25's targets on two cores


def verdict(value: float, target: float) -> str:
    return f"target ≤ {target:g}: {'met' if value <= target else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=1160, help="KB of text (Capital ch. 15 repeated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = halves(book_work(Path(folder), str(args.kb)))
        results = {jobs: measure(work, Path(folder) / f"out-{jobs}", jobs) for jobs in (1, 2)}
        print("\n".join(report(results)))
        one, five, fifteen = os.getloadavg()
        print(f"   (load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
