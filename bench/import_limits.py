"""Peak memory and time of `folio import` against servers that do not play fair: a 200 MB page,
a gzip bomb (about 1 MB that inflates to 1 GB), a server sending one byte a second, and a
contents page of 100,000 links. Each import runs as its own process against a loopback server;
its peak resident memory is read from the kernel when it ends. Run: .venv/bin/python
bench/import_limits.py [--quick]  (--quick: request deadline 10 s instead of the default)."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = b"<html><body><h1>Chapter</h1><p>The words of a chapter.</p></body></html>"


def _page_of(size: int, declared: bool = True) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """A page of size bytes; without a Content-Length, it ends when the server closes."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if declared:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        block = b"<p>" + b"words " * 10_922 + b"</p>\n"
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return answer


def _bomb() -> bytes:
    """About 1 MB of gzip that inflates to 1 GB of one byte repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<p>" + b" " * (1 << 20)
    out = [compressor.compress(block) for _ in range(1024)]
    return b"".join(out) + compressor.flush()


def _trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    body = b"<html><body><h1>Slow</h1><p>A page of seventy-five bytes.</p></body></html>"[:75]
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(1.0)


def _links(count: int) -> bytes:
    return (
        b"<html><body><h1>A Book</h1><p>"
        + b"".join(b"<a href='c%d.htm'>Chapter %d</a><br>" % (i, i) for i in range(count))
        + b"</p></body></html>"
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body in separate writes must not wait for an ACK
    routes: ClassVar[dict[str, object]] = {}

    def do_GET(self) -> None:
        answer = self.routes.get(self.path)
        try:
            if callable(answer):
                answer(self)
                return
            if isinstance(answer, tuple):
                headers, body = answer
            elif self.path.startswith("/book/c"):
                headers, body = {}, CHAPTER
            else:
                self.send_error(404)
                return
            self.send_response(200)
            for key, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the importer stopped reading: as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


def _run(address: str, into: Path, extra: list[str]) -> tuple[float, float, int, str]:
    """Seconds, peak resident MB, exit code and the last line of the import's output."""
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "import", address, "--into", str(into), "--delay", "0", *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith("  fix:")]
    return seconds, usage.ru_maxrss / 1024, process.returncode, (lines[-1] if lines else "")[:110]


def main() -> None:
    quick = "--quick" in sys.argv
    extra = ["--limit", "request_seconds=10"] if quick else []
    _Handler.routes = {
        "/big.htm": _page_of(200 * 1024 * 1024),
        "/big-unsized.htm": _page_of(200 * 1024 * 1024, declared=False),
        "/bomb.htm": ({"Content-Encoding": "gzip", "Content-Type": "text/html"}, _bomb()),
        "/slow.htm": _trickle,
        "/book/index.htm": ({"Content-Type": "text/html"}, _links(100_000)),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"{'case':<22} {'seconds':>8} {'peak MB':>8} {'exit':>5}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for number, (case, path) in enumerate(
            [
                ("200 MB page", "/big.htm"),
                ("200 MB, no length", "/big-unsized.htm"),
                ("gzip bomb (1 GB)", "/bomb.htm"),
                ("a byte a second", "/slow.htm"),
                ("100,000 links", "/book/index.htm"),
            ]
        ):
            seconds, peak, code, last = _run(base + path, Path(folder) / str(number), extra)
            print(f"{case:<22} {seconds:8.1f} {peak:8.0f} {code:5d}  {last}", flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
