"""How the cost of a build grows with a work's size: the numbers behind builder/source/limits.py.

Builds generated works, each with the real command line in a fresh process, and prints the
CPU time (user + system: on a shared machine, wall time says more about the neighbours) and
the peak memory (RSS) of each edition:

  text-<KB>   Capital's first chapter, its notes taken out, repeated to that size, one part
  notes-<N>   N short paragraphs, each calling a one-line note

The limits are lifted for the measurement (FOLIO_MAX_TEXT_KB, FOLIO_MAX_NOTES); a build that
uses more than --timeout seconds of CPU is stopped and reported as such. Then each case is built once more with
the default limits, to show that what is over them is refused at once.

    .venv/bin/python bench/limits.py                      # the README's cases
    .venv/bin/python bench/limits.py --text 512 --notes 500 --timeout 120
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
UNLIMITED = {"FOLIO_MAX_TEXT_KB": str(10**9), "FOLIO_MAX_NOTES": str(10**9), "SOURCE_DATE_EPOCH": "1700000000"}


def text_work(folder: Path, kb: int) -> Path:
    target = folder / f"text-{kb}"
    shutil.copytree(CAPITAL, target)
    text = (CAPITAL / "text.md").read_text(encoding="utf-8")
    text = re.sub(r"^\[\^[^\]]+\]:.*?(?=\n\n(?! {4})|\Z)", "", text, flags=re.M | re.S)  # the notes
    heading, _, body = re.sub(r"\[\^[^\]]+\]", "", text).partition("\n")
    body = re.sub(r"\{#[^}]*\}", "", body)  # ids would be repeated
    copies = []
    while sum(len(c) for c in copies) < kb * 1024:
        copies.append(body)
    (target / "text.md").write_text(heading + "\n" + "\n\n".join(copies)[: kb * 1024] + "\n", encoding="utf-8")
    return target


def notes_work(folder: Path, count: int) -> Path:
    target = folder / f"notes-{count}"
    shutil.copytree(CAPITAL, target)
    paragraphs = [f"Paragraph {n}, which calls its note here.[^{n}]\n\n[^{n}]: The note of paragraph {n}." for n in range(1, count + 1)]
    (target / "text.md").write_text("# Notes\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return target


def measure(work: Path, out: Path, fmt: str, timeout: float, env: dict[str, str]) -> str:
    """CPU time and peak RSS of one `folio build`, or how it ended."""
    process = subprocess.Popen([sys.executable, "-m", "builder", "build", str(work), "--out", str(out), "-f", fmt], cwd=ROOT, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _rss_kb(process.pid))
        if _cpu_seconds(process.pid) > timeout:
            process.kill()
            os.wait4(process.pid, 0)
            return f"stopped after {timeout:.0f} s of CPU, at {peak / 1024:,.0f} MB"
        time.sleep(0.2)
    seconds = usage.ru_utime + usage.ru_stime
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = re.search(r"\[([A-Z]\d{3})\]", stderr)
    result = "built" if os.waitstatus_to_exitcode(status) == 0 else f"refused ({code.group(1) if code else stderr.strip()[-80:]})"
    return f"{result} in {seconds:.1f} s of CPU, peak {usage.ru_maxrss / 1024:,.0f} MB"


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _rss_kb(pid: int) -> int:
    try:
        return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))  # type: ignore[union-attr]
    except (OSError, AttributeError):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", type=int, nargs="*", default=[512, 1024, 2048, 20480], help="text sizes in KB")
    parser.add_argument("--notes", type=int, nargs="*", default=[1000, 2000, 20000], help="note counts")
    parser.add_argument("--timeout", type=float, default=300, help="seconds of CPU before a build is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = [text_work(Path(folder), kb) for kb in args.text] + [notes_work(Path(folder), n) for n in args.notes]
        for work in cases:
            size = sum(p.stat().st_size for p in work.glob("*.md"))
            for fmt in ("epub", "pdf"):
                print(f"{work.name:>12} ({size / 1024:,.0f} KB) {fmt:>4}: {measure(work, Path(folder) / 'out', fmt, args.timeout, UNLIMITED)}", flush=True)
            print(f"{work.name:>12} with the default limits: {measure(work, Path(folder) / 'out', 'pdf', args.timeout, {'SOURCE_DATE_EPOCH': '1700000000'})}", flush=True)


if __name__ == "__main__":
    main()
