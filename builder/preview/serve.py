"""The preview server: one work's editions made in memory and served on 127.0.0.1, made again
when its source or styles/ change, and every open page told to reload (server-sent events).

  /               the work's page: its editions, and the build's error if it failed
  /web/…          the web edition, a page per part
  /book/<file>    each kind of the registry rendered from the templates (editions/kinds.py), in
                  its default variant: the EPUB (read in the engine at /engine/reader.html), the PDF
  /events         one event per build: its number
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..checks.local_server import Route, StaticHandler, content_type, make_server
from ..editions.kinds import KINDS, Kind, RenderContext
from ..errors import BuildError
from ..paths import style_folders
from .watch import Snapshot, snapshot

POLL = 0.5  # seconds between two looks at the files' modification times
KEEPALIVE = 15.0  # seconds between two comments on an idle event stream


def previewed(printed: bool = True) -> list[Kind]:
    """The kinds a preview makes: those rendered from the templates and made from no other
    kind, the quick ones first; those for paper (a few seconds a build) only if `printed`."""
    paged = {name for name, kind in KINDS.items() if kind.capabilities and kind.capabilities.links == "printed"}
    kinds = [kind for kind in KINDS.values() if kind.capabilities is not None and kind.needs is None]
    return sorted((kind for kind in kinds if printed or kind.name not in paged), key=lambda kind: kind.name in paged)


class Preview:
    """The latest build of one work, and the number of builds so far (each a new version)."""

    def __init__(self, folder: Path, pdf: bool = True) -> None:
        self.folder = folder
        self.pdf = pdf
        self.slug = folder.name
        self.title = folder.name
        self.files: dict[str, bytes] = {}
        self.error: str | None = None
        self.version = 0
        self.changed = threading.Condition()
        self.stopping = threading.Event()

    def _publish(self, files: dict[str, bytes] | None = None, error: str | None = None) -> None:
        with self.changed:
            if files is not None:
                self.files = self.files | files
            self.error = error
            self.version += 1
            self.changed.notify_all()

    def build(self) -> None:
        """Make the editions: the web edition first, then each kind previewed (the EPUB in a
        second or so, then the PDF), each published as it is done. A source error is shown,
        not raised."""
        from ..editions.web import write_web
        from ..shelf.scheduler import cores
        from ..source.loader import load_work

        try:
            work = load_work(self.folder)
            self.slug, self.title = work.slug, work.meta.title
            web = {f"web/{name}": data for name, data in write_web(work).items()}
            for kind in previewed(self.pdf):
                made = kind.writer(RenderContext(work=work, variant=kind.variant(), jobs=cores()))
                self._publish(web | {f"book/{kind.file_name(work.slug)}": made})
                web = {}
        except BuildError as error:
            self._publish(error=str(error))

    def watch(self, folders: list[Path], seen: Snapshot) -> None:
        """Build, and build again whenever a file under the folders differs from what was
        `seen`, until stopped. One thread builds: a change during a build is seen next look."""
        self.build()
        while not self.stopping.wait(POLL):
            now = snapshot(folders)
            if now != seen:
                seen = now
                self.build()

    def wait(self, version: int, timeout: float) -> int:
        """The version after `version`, or the same one if none came within the timeout."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != version or self.stopping.is_set(), timeout)
            return self.version

    def file(self, name: str) -> tuple[bytes, str] | None:
        with self.changed:
            data = self.files.get(name)
            version, error = self.version, self.error
        if data is None and error and name.startswith("web/") and name.endswith(".html"):
            # No good build yet: the page is the error, and reloads once the source is fixed.
            data = (
                b"<!DOCTYPE html><html><head><meta charset='utf-8'>"
                b"<title>Build failed</title></head><body></body></html>"
            )
        if data is None:
            return None
        if name.endswith(".html"):
            data = data.replace(b"</body>", _live(version, error).encode("utf-8") + b"</body>", 1)
        return data, content_type(name)

    def home(self) -> tuple[bytes, str]:
        with self.changed:
            version, error = self.version, self.error
        links = [("/web/index.html", "Web edition", "a page per part, notes as pop-ups")]
        for kind in previewed(self.pdf):
            book = f"/book/{quote(kind.file_name(self.slug))}"
            if kind.zipped:  # an EPUB container, read in the engine
                links.append(
                    (
                        f"/engine/reader.html?live&book={quote(book)}",
                        kind.format.upper(),
                        f"{kind.title}, read in foliate-js, the Foliate reader's engine",
                    )
                )
            else:
                links.append((book, kind.format.upper(), f"{kind.title} ({kind.variant().trim.upper()})"))
        items = "".join(f'<li><a href="{href}">{name}</a>: {what}</li>' for href, name, what in links)
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)} · preview</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">'
            f"<h1>{html.escape(self.title)}</h1><ul>{items}</ul>"
            f"<p>Rebuilt when <code>{html.escape(self.folder.name)}/</code>"
            " or <code>styles/</code> change; open pages reload.</p>"
            f"{_live(version, error)}</body></html>"
        )
        return page.encode("utf-8"), "text/html; charset=utf-8"


def _live(version: int, error: str | None) -> str:
    """What a served page gets before </body>: the build's error, and a reload on the next build."""
    banner = (
        '<pre role="alert" style="position: sticky; bottom: 0; margin: 0; padding: 0.5em; '
        'white-space: pre-wrap; background: #fee; color: #600; font: 0.85em monospace">'
        f"{html.escape(error)}</pre>"
        if error
        else ""
    )
    return (
        f"{banner}<script>new EventSource('/events').onmessage = e =>"
        f" {{ if (e.data !== '{version}') location.reload() }}</script>"
    )


def serve(preview: Preview, routes: dict[str, Route], port: int) -> ThreadingHTTPServer:
    """A server for the preview: its files, the engine's routes, and the event stream."""

    class Handler(StaticHandler):
        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == "/events":
                self._events()
            elif path == "/":
                self._send(*preview.home())
            elif path == "/favicon.ico":
                self._send(b"", "image/x-icon")  # none: but a browser asks, and a 404 is logged as an error
            elif (answer := preview.file(path.lstrip("/"))) is not None:
                self._send(*answer)
            else:
                super().do_GET()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            version = preview.version
            try:
                self.wfile.write(f"data: {version}\n\n".encode())
                self.wfile.flush()
                while not preview.stopping.is_set():
                    now = preview.wait(version, KEEPALIVE)
                    self.wfile.write(f"data: {now}\n\n".encode() if now != version else b": idle\n\n")
                    self.wfile.flush()
                    version = now
            except (BrokenPipeError, ConnectionResetError):
                return  # the page went away

    return make_server(routes, port, Handler)


def run(folder: Path, routes: dict[str, Route], port: int, pdf: bool, ready: Callable[[str], None]) -> None:
    """Build, serve and watch until interrupted."""
    preview = Preview(folder, pdf)
    server = serve(preview, routes, port)
    folders = [folder, *style_folders()]
    # Seen before the server says it is ready: any change after that is built.
    threading.Thread(target=preview.watch, args=(folders, snapshot(folders)), daemon=True).start()
    ready(f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        server.serve_forever()
    finally:
        preview.stopping.set()
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
