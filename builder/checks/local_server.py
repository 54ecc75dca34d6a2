"""A static file server on 127.0.0.1 over a few folders, each under its own URL prefix: the
reading engine's page, foliate-js and the books, for the engine check and for `folio serve`."""

from __future__ import annotations

import mimetypes
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

# Types a browser insists on (module scripts) or that Python's table may lack.
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".epub": "application/epub+zip",
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css",
}

# A route answers a request path below its prefix with (body, content type), or None for 404.
Route = Callable[[str], "tuple[bytes, str] | None"]


def folder_route(folder: Path) -> Route:
    """Files of one folder; nothing outside it (a `..` in the path finds nothing)."""
    root = folder.resolve()

    def answer(rest: str) -> tuple[bytes, str] | None:
        path = (root / rest).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path.read_bytes(), content_type(path.name)

    return answer


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class StaticHandler(BaseHTTPRequestHandler):
    routes: Mapping[str, Route] = {}

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for prefix, route in self.routes.items():
            if path.startswith(prefix):
                answer = route(path[len(prefix) :])
                if answer is not None:
                    body, kind = answer
                    self.send_response(HTTPStatus.OK)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Cache-Control", "no-store")  # a rebuilt edition is read anew
                    self.end_headers()
                    self.wfile.write(body)
                    return
        self.send_error(HTTPStatus.NOT_FOUND)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a reader's page asks for dozens of files."""


class QuietServer(ThreadingHTTPServer):
    """A browser that moves on (or closes) mid-download is no error of the server's."""

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def make_server(
    routes: Mapping[str, Route], port: int = 0, handler: type[StaticHandler] = StaticHandler
) -> ThreadingHTTPServer:
    """A server on 127.0.0.1 (port 0: any free one); longest prefixes are tried first."""
    ordered = dict(sorted(routes.items(), key=lambda item: -len(item[0])))
    bound = type("Handler", (handler,), {"routes": ordered})
    server = QuietServer(("127.0.0.1", port), bound)
    server.daemon_threads = True
    return server


@contextmanager
def serving(routes: Mapping[str, Route]) -> Iterator[str]:
    """Serve the routes in a thread for the length of the block; yields the base URL."""
    server = make_server(routes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
