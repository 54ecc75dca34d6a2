"""A `folio` command with its steps logged, for the bench: what each process of a build did,
when, and at what cost in CPU time, which a busy machine changes little (wall time it does).

    python bench/traced.py TRACE MODULE[,MODULE...] -- build ...

runs `folio build ...` in this process with the functions of ``STEPS`` wrapped so that each
call logs its beginning and end to TRACE, one JSON line each: the process, the step, the
monotonic clock (one for every process of the machine), the process's own CPU seconds and
those of its children it has waited for. The build's code is not changed. The modules named
are imported first and wrapped; the long book's runs are forked from this process and inherit
the wrappers; a shelf's workers are forked from the fork server, which imports this module
after the writers (``FORKSERVER``) and wraps what it has loaded.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VARIABLE = "FOLIO_BENCH_TRACE"
FORKSERVER = "traced"  # this module's name, as the fork server imports it (bench/ is on its path)
STEPS: dict[str, list[tuple[str, str]]] = {  # module → (function, step)
    "builder.shelf.work": [("build_work", "work")],
    "builder.editions.long_pdf": [
        ("_fork", "fork"),
        ("_reports", "runs"),  # the parent waits for the runs' reports of their pages
        ("_receive_pdf", "pdf"),  # then for each run's PDF
        ("layout", "layout"),  # the front matter's, in the parent (a run's is inside its run)
        ("written", "write"),
    ],
    "builder.editions.pdf_merge": [("merge", "merge")],
}
_wrapped: set[str] = set()


def log(step: str, **more: Any) -> None:
    """One line of the trace: this process, the step, the clock, its CPU and its children's."""
    path = os.environ.get(VARIABLE)
    if not path:
        return
    times = os.times()
    line = {
        "pid": os.getpid(),
        "step": step,
        "t": time.monotonic(),
        "cpu": times.user + times.system,
        "children": times.children_user + times.children_system,
        **more,
    }
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(descriptor, (json.dumps(line) + "\n").encode())  # one write: lines never interleave
    finally:
        os.close(descriptor)


def _wrap(module: Any, name: str, step: str) -> None:
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        log(step + "-begin")
        try:
            return original(*args, **kwargs)
        finally:
            log(step + "-end")

    setattr(module, name, wrapper)


def _wrap_runs(module: Any) -> None:
    """A run of a long book: its beginning, its report of its pages (``laid``), the offset it
    is told back (``told``, its first folio known: it goes on to its folios and its PDF)."""
    lay_out_run: Callable[..., Any] = module.lay_out_run

    def run(book: Any, index: int, report: Callable[[int, dict[str, int]], int]) -> Any:
        def told(count: int, anchors: dict[str, int]) -> int:
            log("laid", index=index)
            offset = report(count, anchors)
            log("told", index=index)
            return offset

        log("run-begin", index=index)
        try:
            return lay_out_run(book, index, told)
        finally:
            log("run-end", index=index)

    module.lay_out_run = run


def install(import_first: list[str]) -> None:
    """Wrap the steps of the modules named (imported here) and of those already loaded."""
    for name in import_first:
        importlib.import_module(name)
    for name, steps in STEPS.items():
        module = sys.modules.get(name)
        if module is None or name in _wrapped:
            continue
        _wrapped.add(name)
        for function, step in steps:
            _wrap(module, function, step)
        if name == "builder.editions.long_pdf":
            _wrap_runs(module)
    exit_now = os._exit
    if getattr(exit_now, "traced", False):
        return

    def exit_process(code: int) -> None:  # a forked run's (or a worker's) last word
        log("exit")
        exit_now(code)

    exit_process.traced = True  # type: ignore[attr-defined]
    os._exit = exit_process  # type: ignore[assignment]


def main(trace: Path, import_first: list[str], argv: list[str]) -> None:
    os.environ[VARIABLE] = str(trace)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    install(import_first)
    preload = multiprocessing.set_forkserver_preload

    def with_tracing(modules: list[str]) -> None:  # the scheduler's fork server: this module last
        preload([*modules, FORKSERVER])

    multiprocessing.set_forkserver_preload = with_tracing  # type: ignore[assignment]
    from builder import cli

    sys.argv = ["folio", *argv]
    log("start")
    try:
        cli.run()
    finally:
        log("exit")


@dataclass
class Run:
    """A traced command, run to its end: its wall seconds, the CPU seconds of it and of the
    children it waited for, the peak memory of its processes together, and its trace."""

    pid: int
    start: float  # on the monotonic clock
    wall: float
    cpu: float
    peak_mb: float
    parent_peak_mb: float  # the command's own process (a shelf's parent)
    steps: dict[int, list[dict[str, Any]]]  # by process (`read`)


def run(argv: list[str], cwd: Path, env: dict[str, str], trace: Path, import_first: list[str]) -> Run:
    """`folio` (argv) in a fresh process, traced, its memory sampled as it runs: the peak of
    the proportional set size summed over its processes (forked ones share pages)."""
    trace.unlink(missing_ok=True)
    before = os.times()
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, __file__, str(trace), ",".join(import_first), "--", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak, parent_peak = 0, 0
    while process.poll() is None:
        sizes = {pid: _pss_kb(pid) for pid in tree(process.pid)}
        peak, parent_peak = max(peak, sum(sizes.values())), max(parent_peak, sizes.get(process.pid, 0))
        time.sleep(0.2)
    wall = time.monotonic() - start
    after = os.times()
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode:
        raise SystemExit(f"bench: folio {' '.join(argv[:3])} … failed ({process.returncode}):\n{stderr[-3000:]}")
    cpu = after.children_user - before.children_user + after.children_system - before.children_system
    return Run(process.pid, start, wall, cpu, peak / 1024, parent_peak / 1024, read(trace))


def tree(root: int) -> list[int]:
    """The process and its descendants."""
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
        match = re.search(r"Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text())
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


def read(trace: Path) -> dict[int, list[dict[str, Any]]]:
    """The trace's lines by process, in order."""
    by_pid: dict[int, list[dict[str, Any]]] = {}
    for line in trace.read_text(encoding="utf-8").splitlines() if trace.is_file() else []:
        entry = json.loads(line)
        by_pid.setdefault(entry["pid"], []).append(entry)
    return by_pid


if __name__ == "__main__":
    main(Path(sys.argv[1]), [name for name in sys.argv[2].split(",") if name], sys.argv[4:])
elif os.environ.get(VARIABLE):  # imported by the fork server, after the writers
    install([])
