"""How the cost of a build grows with a work's size: the numbers behind builder/source/limits.py.

Builds generated works, each with the real command line in a fresh process, and prints the
CPU time (user + system: on a shared machine, wall time says more about the neighbours) and
the peak memory (RSS) of each edition:

  capital-ch01  Capital's chapter 1 as it is (23,000 words, 38 notes): the yardstick
  book-<KB>     Capital's chapter 15 (57,000 words, 246 notes, some longer than a page),
                imported from the corpus and repeated, a part per copy, to that size; with
                book-<KB>:<N>, only the first N notes are kept
  text-<KB>     Capital's first chapter, its notes taken out, repeated to that size, one part
  notes-<N>     N short paragraphs, each calling a one-line note

and, for each PDF, its CPU time per word of text against Capital ch. 1's: a cost that grows
with the size of the work, not faster, is what lets the limits sit far above real books.

The limits are lifted for the measurement (FOLIO_MAX_TEXT_KB, FOLIO_MAX_NOTES); a build that
uses more than --timeout seconds of CPU is stopped and reported as such. Then each case over
the default limits is built once more with them, to show that it is refused at once.

    .venv/bin/python bench/limits.py                      # the README's cases
    .venv/bin/python bench/limits.py --book 2560:1500 4096 --text --notes --timeout 900
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from builder.source.limits import MAX_NOTES, MAX_TEXT_KB  # noqa: E402  (the repository's, run as a script)

CAPITAL = ROOT / "source" / "marx-1867-capital-v1-ch01-commodities"
CHAPTER_15 = ROOT / "tests" / "data" / "corpus" / "books" / "marx" / "works" / "1867-c1" / "ch15.htm"
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
    paragraphs = [
        f"Paragraph {n}, which calls its note here.[^{n}]\n\n[^{n}]: The note of paragraph {n}."
        for n in range(1, count + 1)
    ]
    (target / "text.md").write_text("# Notes\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return target


_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:.*?(?=\n\n(?! {4})|\Z)", flags=re.M | re.S)
_CALL = re.compile(r"\[\^([^\]]+)\](?!:)")


def book_work(folder: Path, spec: str) -> Path:
    """Capital's chapter 15 repeated, a part per copy, to <KB> of text, keeping at most N notes
    (see the docstring): the last copy is cut at a paragraph, the notes beyond N dropped."""
    kb, _, most = spec.partition(":")
    target = folder / f"book-{kb}"
    subprocess.run(
        [sys.executable, "-m", "builder", "import", str(CHAPTER_15), "--into", str(folder), "--slug", target.name],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    chapter = (target / "text.md").read_text(encoding="utf-8")
    written = {match.group(1): match.group(0) for match in _DEFINITION.finditer(chapter)}
    body, definitions = chapter[: _DEFINITION.search(chapter).start()], list(written)  # type: ignore[union-attr]
    notes_left = int(most) if most else 10**9
    parts: list[str] = []
    size_left = int(kb) * 1024
    while size_left > 0:
        copy = len(parts) + 1
        whole = len(chapter.encode()) <= size_left
        text = chapter if whole else body[: max(body.rfind("\n\n", 0, size_left), 0)]
        called = set(_CALL.findall(text))
        if not whole:  # the notes called in what is kept
            text += "\n\n" + "\n\n".join(written[label] for label in definitions if label in called) + "\n"
        keep = set([label for label in definitions if label in called][: max(notes_left, 0)])
        text = _DEFINITION.sub(_renamed(copy, keep), text)
        text = _CALL.sub(_renamed(copy, keep), text)
        (target / f"copy-{copy:02d}.md").write_text(re.sub(r"\n{3,}", "\n\n", text), encoding="utf-8")
        parts.append(f"copy-{copy:02d}.md")
        size_left -= len(text.encode())
        notes_left -= len(keep)
        if not whole:
            break
    (target / "text.md").unlink()
    toml = (target / "work.toml").read_text(encoding="utf-8")
    (target / "work.toml").write_text(
        re.sub(r"(?m)^parts = .*$", "parts = [" + ", ".join(f'"{part}"' for part in parts) + "]", toml),
        encoding="utf-8",
    )
    return target


def _renamed(copy: int, keep: set[str]) -> Callable[[re.Match[str]], str]:
    """A note's call or definition with its label made unique in the work, or nothing if dropped."""

    def rename(match: re.Match[str]) -> str:
        if match.group(1) not in keep:
            return ""
        return match.group(0).replace(f"[^{match.group(1)}]", f"[^c{copy}n{match.group(1)}]", 1)

    return rename


def words(work: Path) -> int:
    """Words of a work's text, notes included (as `wc -w` counts them)."""
    return sum(
        len(part.read_text(encoding="utf-8").split()) for part in work.glob("*.md") if part.name != "import-report.md"
    )


def measure(work: Path, out: Path, fmt: str, timeout: float, env: dict[str, str]) -> tuple[str, float | None]:
    """CPU time and peak RSS of one `folio build`, or how it ended; and the CPU seconds if built."""
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", str(work), "--out", str(out), "-f", fmt],
        cwd=ROOT,
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _rss_kb(process.pid))
        if _cpu_seconds(process.pid) > timeout:
            process.kill()
            os.wait4(process.pid, 0)
            return f"stopped after {timeout:.0f} s of CPU, at {peak / 1024:,.0f} MB", None
        time.sleep(0.2)
    seconds = usage.ru_utime + usage.ru_stime
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = re.search(r"\[([A-Z]\d{3})\]", stderr)
    result = (
        "built"
        if os.waitstatus_to_exitcode(status) == 0
        else f"refused ({code.group(1) if code else stderr.strip()[-80:]})"
    )
    return (
        f"{result} in {seconds:.1f} s of CPU, peak {usage.ru_maxrss / 1024:,.0f} MB",
        seconds if result == "built" else None,
    )


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
    parser.add_argument(
        "--book",
        nargs="*",
        default=["2560:1500", "4096"],
        help="sizes in KB of Capital ch. 15 repeated, each with :N to keep N notes",
    )
    parser.add_argument("--text", type=int, nargs="*", default=[2048, 20480], help="text sizes in KB")
    parser.add_argument("--notes", type=int, nargs="*", default=[5000, 20000], help="note counts")
    parser.add_argument("--timeout", type=float, default=900, help="seconds of CPU before a build is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = [CAPITAL] + [book_work(Path(folder), spec) for spec in args.book]
        cases += [text_work(Path(folder), kb) for kb in args.text] + [notes_work(Path(folder), n) for n in args.notes]
        yardstick = None
        for work in cases:
            size = sum(p.stat().st_size for p in work.glob("*.md") if p.name != "import-report.md")
            notes = sum(
                len(re.findall(r"^\[\^[^\]]+\]:", p.read_text(encoding="utf-8"), flags=re.M)) for p in work.glob("*.md")
            )
            name = "capital-ch01" if work == CAPITAL else work.name
            count = words(work)
            for fmt in ("epub", "pdf"):
                line, seconds = measure(work, Path(folder) / "out", fmt, args.timeout, UNLIMITED)
                per_word = ""
                if seconds is not None and fmt == "pdf":
                    cost = seconds / count * 1000
                    yardstick = yardstick or cost
                    per_word = f"; {cost:.3f} ms a word, {cost / yardstick:.2f}× Capital ch. 1's"
                print(
                    f"{name:>12} ({size / 1024:,.0f} KB, {count:,} words, {notes:,} notes) {fmt:>4}: {line}{per_word}",
                    flush=True,
                )
            if size > MAX_TEXT_KB * 1024 or notes > MAX_NOTES:  # within them, it is the build above
                line, _ = measure(work, Path(folder) / "out", "pdf", args.timeout, {"SOURCE_DATE_EPOCH": "1700000000"})
                print(f"{name:>12} with the default limits: {line}", flush=True)
            else:
                print(f"{name:>12} is within the default limits ({MAX_TEXT_KB:,} KB, {MAX_NOTES:,} notes)", flush=True)


if __name__ == "__main__":
    main()
