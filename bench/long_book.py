"""A long book's PDF on every core: `folio build -f pdf` of a ~600-page book with --jobs 1 and
--jobs 2, each in a fresh process, and what issue 18 asks of it on two cores: wall time at most
0.6 of the CPU time, peak memory at most 1 GB, and (the builder's own bar) the same bytes.

The book is Capital's chapter 15 from the corpus, repeated (bench/limits.py) and each copy cut
at its middle section into two parts: 8 parts, 1,160 KB, ~600 A5 pages. Memory is the peak of
the proportional set size summed over the build's processes (the runs are forked and share
pages until they write). Wall time says little on a busy machine: run it on a quiet one.

    .venv/bin/python bench/long_book.py [--kb 1160]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits import _CALL, _DEFINITION, ROOT, book_work  # a script beside it


def halves(work: Path) -> Path:
    """Each part of the work cut in two at the section heading nearest its middle."""
    names = []
    for part in sorted(work.glob("copy-*.md")):
        text = part.read_text(encoding="utf-8")
        part.unlink()
        notes = {match.group(1): match.group(0) for match in _DEFINITION.finditer(text)}
        first = _DEFINITION.search(text)
        body = text[: first.start()] if first else text
        cut = min((match.start() for match in re.finditer(r"(?m)^## ", body)), key=lambda at: abs(at - len(body) / 2))
        for number, half in enumerate((body[:cut], f"# {part.stem}, continued\n\n" + body[cut:])):
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


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        return int(re.search(r"Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text()).group(1))  # type: ignore[union-attr]
    except (OSError, AttributeError):
        return 0


def measure(work: Path, out: Path, jobs: int) -> tuple[float, float, float, str, int]:
    """Wall seconds, CPU seconds (the build and its runs), peak PSS in MB, the PDF's sha256 and pages."""
    env = os.environ | {"SOURCE_DATE_EPOCH": "1700000000"}
    before = os.times()
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", str(work), "-f", "pdf", "--jobs", str(jobs), "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_pss_kb(pid) for pid in _tree(process.pid)))
        time.sleep(0.2)
    wall = time.monotonic() - start
    after = os.times()
    cpu = after.children_user - before.children_user + after.children_system - before.children_system
    if process.returncode:
        sys.exit(f"the build with --jobs {jobs} failed ({process.returncode})")
    pdf = next(out.glob("*.pdf"))
    return wall, cpu, peak / 1024, hashlib.sha256(pdf.read_bytes()).hexdigest(), len(PdfReader(pdf).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=1160, help="KB of text (Capital ch. 15 repeated)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = halves(book_work(Path(folder), str(args.kb)))
        results = {jobs: measure(work, Path(folder) / f"out-{jobs}", jobs) for jobs in (1, 2)}
        for jobs, (wall, cpu, peak, _, pages) in results.items():
            print(
                f"--jobs {jobs}: {pages} pages, wall {wall:.1f} s, CPU {cpu:.1f} s, "
                f"wall/CPU {wall / cpu:.2f}, peak memory {peak:,.0f} MB"
            )
        wall, cpu, peak, digest, _ = results[2]
        print(
            f"targets on two cores: wall/CPU {wall / cpu:.2f} (at most 0.60: "
            f"{'met' if wall / cpu <= 0.6 else 'missed'}), peak {peak:,.0f} "
            f"MB (at most 1,024: {'met' if peak <= 1024 else 'missed'})"
        )
        print(
            f"the same PDF with --jobs 1 and 2: {'yes' if digest == results[1][3] else 'NO'}; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
