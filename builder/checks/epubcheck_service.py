"""EPUBCheck in one Java VM for every book a process checks (java/EpubcheckService.java).

A run of EPUBCheck's own command line spends about 9 s of CPU starting Java and compiling its
schemas before it reads a book; in a VM that has checked one book, the next takes about half a
second. The service is started on a process's first check, kept for its later ones, and given
up for the command line (validators.epubcheck_report) where Java cannot run a source file (a
runtime without the compiler module) or the service fails to start.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

SOURCE = Path(__file__).resolve().parent / "java" / "EpubcheckService.java"


class Unavailable(Exception):
    """The service cannot run here; the caller falls back to EPUBCheck's command line."""


@dataclass
class _Service:
    java: str
    jar: str
    process: subprocess.Popen[bytes]
    errors: IO[bytes]
    owner: int = field(default_factory=os.getpid)

    def answer(self, deadline: float) -> str:
        """The service's next line, or TimeoutError at the deadline; EOFError if it ended."""
        assert self.process.stdout is not None
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stdout], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.process.stdout.fileno(), 1)
            if not chunk:
                raise EOFError(self.stderr())
            line += chunk
        return line.decode("utf-8", "replace").rstrip("\n")

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace").strip()[-300:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.errors.close()


_lock = threading.Lock()
_services: dict[tuple[str, str], _Service] = {}
_unavailable: set[tuple[str, str]] = set()


def report(java: str, jar: str, book: Path, limit: float) -> str:
    """EPUBCheck's JSON report on the book, as text. TimeoutError past `limit` seconds (the
    service is stopped; the next check starts another); Unavailable where it cannot run."""
    key = (java, jar)
    with _lock, tempfile.TemporaryDirectory(prefix="folio-epubcheck-") as work:
        if key in _unavailable:
            raise Unavailable
        deadline = time.monotonic() + limit
        service = _services.get(key)
        if service is None or service.owner != os.getpid() or service.process.poll() is not None:
            service = _services[key] = _start(java, jar, deadline)
        out = Path(work) / "report.json"
        assert service.process.stdin is not None
        try:
            service.process.stdin.write(f"{quote(str(book.resolve()))}\t{quote(str(out))}\n".encode())
            service.process.stdin.flush()
            answer = service.answer(deadline)
        except (TimeoutError, EOFError, BrokenPipeError):
            del _services[key]
            service.stop()
            raise TimeoutError from None
        if answer != "done" or not out.is_file():
            raise RuntimeError(f"EPUBCheck could not check the book: {answer.removeprefix('failed ')[:300]}")
        return out.read_text(encoding="utf-8")


def _start(java: str, jar: str, deadline: float) -> _Service:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the life of the service)
    # C1 only, as for the command line: the later JIT tiers do not pay back within a shelf.
    process = subprocess.Popen(
        [java, "-XX:TieredStopAtLevel=1", "-cp", jar, str(SOURCE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
    )
    service = _Service(java, jar, process, errors)
    try:
        ready = service.answer(deadline)
    except TimeoutError:
        service.stop()
        raise
    except EOFError:
        service.stop()
        _unavailable.add((java, jar))
        raise Unavailable from None
    if ready != "ready":
        service.stop()
        _unavailable.add((java, jar))
        raise Unavailable
    return service


@atexit.register
def _stop_all() -> None:
    for service in _services.values():
        if service.owner == os.getpid():
            service.stop()
    _services.clear()
