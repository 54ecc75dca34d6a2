"""`folio import` against servers that misbehave: loopback servers on several ports stand in
for the book's host and for every other host, and record each request; a socket guard refuses
(and records) any connection off the loopback, so no test sends anything elsewhere. Each case
of the adversarial run (issue 17) is here: paths, scope, bounds, cache, SVG, encodings, and
the page's or user's mistakes that were exit 70."""

from __future__ import annotations

import gzip
import http.server
import io
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from builder.errors import BuildError
from builder.importer import book
from builder.importer.assemble import import_work
from builder.importer.decode import decode
from builder.importer.fetch import Fetcher
from builder.importer.limits import Limits
from builder.importer.report import ImportReport
from builder.importer.work_folder import check_slug
from builder.source.svg import svg_problem
from tests.conftest import run_cli, run_here

HEAD = (
    "<html lang='en'><head><title>{t}</title></head><body><h1>{t}</h1><p class='information'><span class='info'>"
    "Written:</span> 1900;<br><span class='info'>Public Domain:</span> Marxists Internet Archive (2001).</p>"
)
CONTENTS = HEAD.format(t="A Book") + "<p><a href='ch1.htm'>One</a><br><a href='ch2.htm'>Two</a></p></body></html>"
CHAPTER = HEAD.format(t="{t}") + "<p>The words of {t}.</p>{extra}</body></html>"
Answer = tuple[int, dict[str, str], bytes] | Callable[[http.server.BaseHTTPRequestHandler], None]


def chapter(title: str, extra: str = "") -> bytes:
    return CHAPTER.format(t=title, extra=extra).encode()


def png(width: int = 1500, height: int = 900) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


@dataclass
class Site:
    """A loopback server answering from `pages` (path → status, headers, body, or a function
    that answers itself) and recording every request's path."""

    pages: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(self.path)
            answer = site.pages.get(self.path.split("?")[0], (404, {}, b"not here"))
            if callable(answer):
                answer(self)
                return
            status, headers, body = answer
            self.send_response(status)
            for key, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def sites() -> Iterator[Callable[[], Site]]:
    """Loopback servers, as many as a test asks for; shut down after it."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start() -> Site:
        site = Site()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
        server.daemon_threads = True
        site.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every connection this process makes goes to the loopback; any other is refused before
    a packet leaves, recorded, and fails the test."""
    off: list[object] = []
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            off.append(address)
            raise OSError("the tests connect only to the loopback")
        connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield off
    assert not off, f"a connection was tried off the loopback: {off}"


def fetcher(**limits: float) -> Fetcher:
    return Fetcher(None, delay=0, limits=Limits(**limits))  # type: ignore[arg-type]


def book_site(site: Site, one: bytes | None = None, two: bytes | None = None) -> str:
    site.pages["/book/index.htm"] = (200, {"Content-Type": "text/html"}, CONTENTS.encode())
    site.pages["/book/ch1.htm"] = (200, {}, one or chapter("One"))
    site.pages["/book/ch2.htm"] = (200, {}, two or chapter("Two"))
    return site.base + "book/index.htm"


def report_of(folder: Path) -> str:
    return (folder / "import-report.md").read_text(encoding="utf-8")


def page_file(tmp_path: Path, body: str | bytes, name: str = "page.htm") -> Path:
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(body.encode() if isinstance(body, str) else body)
    return folder / name


# -- 1. paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["../../victim", "a/b", "/tmp/x", "..", ".", "a\\b", "A Book", "x" * 101, "-a", "a--b", ""]
)
def test_a_slug_that_is_not_one_plain_name_is_refused_and_nothing_is_written(tmp_path: Path, slug: str) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    page = page_file(tmp_path, chapter("A Page"))
    result = run_cli("import", str(page), "--into", str(tmp_path / "deep" / "into"), "--slug", slug, "--force")
    assert result.returncode == 1 and "[I050]" in result.stderr, result.stderr
    assert (victim / "keep.txt").read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == [
        "site",
        "victim",
    ]


@given(st.text(max_size=40))
def test_every_slug_is_either_a_plain_name_or_refused(slug: str) -> None:
    try:
        check_slug(slug)
    except BuildError as error:
        assert error.code == "I050"
    else:
        assert "/" not in slug and "\\" not in slug and not slug.startswith(".") and Path(slug).name == slug


def test_force_replaces_what_the_import_made_and_keeps_what_a_person_added(tmp_path: Path) -> None:
    page = page_file(tmp_path, chapter("A Page"))
    into = tmp_path / "source"
    first = import_work([str(page)], into, "a-page", False, fetcher())
    (first.folder / "allowed-words.txt").write_text("Zimmerwald\n")
    (first.folder / "notes").mkdir()
    (first.folder / "notes" / "n.txt").write_text("mine")
    page.write_text(CHAPTER.format(t="A Page", extra="<p>A second paragraph.</p>"))
    again = import_work([str(page)], into, "a-page", True, fetcher())
    assert (again.folder / "allowed-words.txt").read_text() == "Zimmerwald\n" and (
        again.folder / "notes" / "n.txt"
    ).read_text() == "mine"
    assert "A second paragraph." in (again.folder / "text.md").read_text()
    assert "allowed-words.txt: a file a person added to the work, kept as it was" in report_of(again.folder)
    assert sorted(p.name for p in into.iterdir()) == ["a-page"]  # no staging or replaced folder left


def test_force_refuses_when_a_persons_file_has_a_name_the_import_writes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.htm").write_text(chapter("A Page", "<p><img src='plate.png' alt='A plate'></p>").decode())
    into = tmp_path / "source"
    import_work([str(site / "page.htm")], into, "a-page", False, fetcher())  # the image is not there yet
    (into / "a-page" / "plate.png").write_bytes(png())  # a person adds it
    (site / "plate.png").write_bytes(png(1600, 900))  # and the page now has one
    with pytest.raises(BuildError) as raised:
        import_work([str(site / "page.htm")], into, "a-page", True, fetcher())
    assert raised.value.code == "I054"
    assert (into / "a-page" / "plate.png").read_bytes() == png() and sorted(p.name for p in into.iterdir()) == [
        "a-page"
    ]


@pytest.mark.parametrize("kind", ["symlink", "file", "hand-made"])
def test_force_onto_a_symlink_a_file_or_a_hand_made_work_is_refused(tmp_path: Path, kind: str) -> None:
    into = tmp_path / "source"
    into.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("mine")
    if kind == "symlink":
        (into / "a-page").symlink_to(elsewhere)
    elif kind == "file":
        (into / "a-page").write_text("a file")
    else:
        (into / "a-page").mkdir()
        (into / "a-page" / "work.toml").write_text("title = 'mine'\n")
    page = page_file(tmp_path, chapter("A Page"))
    result = run_cli("import", str(page), "--into", str(into), "--slug", "a-page", "--force")
    assert result.returncode == 1 and "[I053]" in result.stderr, result.stderr
    assert (elsewhere / "precious.txt").read_text() == "mine"
    assert sorted(p.name for p in into.iterdir()) == ["a-page"]  # no .a-page.replaced left behind


def test_stray_staging_folders_of_killed_imports_are_cleaned_by_the_next_import(tmp_path: Path) -> None:
    into = tmp_path / "source"
    into.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead = int(gone.stdout)
    (into / f".other-work.{dead}.importing" / "other-work").mkdir(parents=True)
    (into / ".legacy.importing").mkdir()
    (into / f".moved-aside.{dead}.replaced").mkdir()
    (into / f".moved-aside.{dead}.replaced" / "work.toml").write_text("kept")
    (into / f".live.{os.getppid()}.importing").mkdir()  # a process that is alive: its import may be under way
    import_work([str(page_file(tmp_path, chapter("A Page")))], into, "a-page", False, fetcher())
    assert sorted(p.name for p in into.iterdir()) == [f".live.{os.getppid()}.importing", "a-page", "moved-aside"]
    assert (into / "moved-aside" / "work.toml").read_text() == "kept"  # a killed replace puts the old work back


def test_into_or_cache_naming_a_file_is_a_coded_error(tmp_path: Path) -> None:
    page = page_file(tmp_path, chapter("A Page"))
    (tmp_path / "a-file").write_text("x")
    result = run_cli("import", str(page), "--into", str(tmp_path / "a-file"))
    assert result.returncode == 1 and "[I051]" in result.stderr, result.stderr
    result = run_cli("import", str(page), "--into", str(tmp_path / "out"), "--cache", str(tmp_path / "a-file"))
    assert result.returncode == 1 and "[I052]" in result.stderr, result.stderr
    assert (tmp_path / "a-file").read_text() == "x"


# -- 2. scope -------------------------------------------------------------------------------


def test_a_chapter_redirecting_to_another_host_is_refused_and_that_host_asked_nothing(
    tmp_path: Path, sites: Callable[[], Site]
) -> None:
    archive, other = sites(), sites()
    other.pages["/book/ch2.htm"] = (200, {}, chapter("Not the book's"))
    index = book_site(archive)
    archive.pages["/book/ch2.htm"] = (302, {"Location": other.base + "book/ch2.htm"}, b"")
    done = import_work([index], tmp_path / "out", "a-book", False, fetcher())
    assert "Not the book" not in "".join(p.read_text() for p in done.folder.glob("*.md"))
    assert "ch2.htm: not served (refused: it redirects off the book's host); left out" in report_of(done.folder)
    assert other.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/x.htm",
        "http://[::1]:1/x.htm",
        "https://127.0.0.1:{port}/book/ch2.htm",
        "http://127.0.0.1:{port}/elsewhere/ch2.htm",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_off_the_books_host_scheme_port_or_folder_is_refused_at_every_hop(
    tmp_path: Path, sites: Callable[[], Site], target: str, loopback_only: list[object]
) -> None:
    archive = sites()
    index = book_site(archive)
    archive.pages["/book/ch2.htm"] = (301, {"Location": "/book/hop.htm"}, b"")  # one hop within the book, then out
    archive.pages["/book/hop.htm"] = (307, {"Location": target.format(port=archive.port)}, b"")
    archive.pages["/elsewhere/ch2.htm"] = (200, {}, chapter("Outside the folder"))
    done = import_work([index], tmp_path / "out", "a-book", False, fetcher())
    report = report_of(done.folder)
    assert (
        "ch2.htm: not served (refused:" in report and "Outside the folder" not in (done.folder / "ch1.md").read_text()
    )
    assert archive.requests.count("/elsewhere/ch2.htm") == 0 and loopback_only == []


def test_pages_and_images_off_the_books_host_or_folder_are_refused_and_never_requested(
    tmp_path: Path, sites: Callable[[], Site]
) -> None:
    archive, other = sites(), sites()
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    extra = (
        f"<p><img src='{other.base}book/x.png' alt='other host'></p>"
        f"<p><img src='http://127.0.0.1:{closed_port}/book/y.png' alt='closed port'></p>"
        "<p><img src='http://169.254.169.254/latest/z.png' alt='metadata'></p>"
        "<p><img src='../secret.png' alt='outside the folder'></p>"
        "<p><img src='moved.png' alt='redirected away'></p>"
        "<p><img src='pics/plate.png' alt='a plate'></p>"
    )
    index = book_site(archive, one=chapter("One", extra))
    archive.pages["/secret.png"] = (200, {}, png())
    archive.pages["/book/moved.png"] = (302, {"Location": other.base + "book/x.png"}, b"")
    archive.pages["/book/pics/plate.png"] = (200, {}, png())
    other.pages["/book/x.png"] = (200, {}, png())
    done = import_work([index], tmp_path / "out", "a-book", False, fetcher())
    assert sorted(p.name for p in done.folder.glob("*.png")) == ["plate.png"]
    assert other.requests == [] and "/secret.png" not in archive.requests
    report = report_of(done.folder)
    # a refused address is reported as refused, the same whether its port is open or closed
    assert "image x.png could not be fetched (refused: not on the page's host); left out [I069]" in report
    assert "image y.png could not be fetched (refused: not on the page's host); left out [I069]" in report
    assert "image moved.png could not be fetched (refused: it redirects off the book's host)" in report


def test_a_local_pages_images_come_only_from_inside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "private.png").write_bytes(png())
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "inside.png").write_bytes(png())
    (folder / "link.png").symlink_to(tmp_path / "private.png")
    extra = "".join(
        f"<p><img src='{src}' alt='{n}'></p>"
        for n, src in enumerate(
            [
                "../private.png",
                "../../private.png",
                "file:///etc/passwd",
                "/etc/passwd",
                "/proc/self/environ",
                str(tmp_path / "private.png"),
                "link.png",
                "inside.png",
            ]
        )
    )
    (folder / "page.htm").write_text(chapter("A Page", extra).decode())
    done = import_work([str(folder / "page.htm")], tmp_path / "out", "a-page", False, fetcher())
    assert sorted(p.name for p in done.folder.iterdir()) == ["import-report.md", "inside.png", "text.md", "work.toml"]
    report = report_of(done.folder)
    # five places (an absolute path and ../ name one file, file:// and / another), each refused, none read
    for name in ("private.png", "2-private.png", "passwd", "environ", "link.png"):
        assert f"image {name} could not be fetched (refused: outside the page's folder); left out [I069]" in report
    assert "not a readable" not in report


def test_a_host_name_leading_to_a_private_address_is_refused_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loopback_only: list[object]
) -> None:
    asked: list[str] = []

    def resolver(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(BuildError) as raised:
        fetcher().get("http://archive.invalid/book/index.htm")
    assert raised.value.code == "I057" and asked == ["archive.invalid"] and loopback_only == []


# -- 3. bounds ------------------------------------------------------------------------------


def _endless(handler: http.server.BaseHTTPRequestHandler) -> None:
    """A page without end (a 200 MB page is the same to the importer: it stops at the limit)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    block = b"<p>" + b"words " * 10_000 + b"</p>"
    try:
        for _ in range(20_000):  # at most about 1.2 GB, if the importer never stopped
            handler.wfile.write(block)
    except OSError:
        pass


def test_a_huge_page_is_read_only_up_to_the_limit(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    site.pages["/page.htm"] = _endless
    tracemalloc.start()
    start = time.monotonic()
    with pytest.raises(BuildError) as raised:
        import_work([site.base + "page.htm"], tmp_path / "out", "a-page", False, fetcher(response_bytes=2_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert raised.value.code == "I059" and time.monotonic() - start < 20 and peak < 20_000_000


def test_a_gzip_bomb_is_inflated_only_up_to_the_limit(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    bomb = gzip.compress(b"<p>" + b"\0" * 200_000_000, compresslevel=9)  # 200 kB that inflate to 200 MB
    site.pages["/page.htm"] = (200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, bomb)
    tracemalloc.start()
    with pytest.raises(BuildError) as raised:
        fetcher(response_bytes=1_000_000).get(site.base + "page.htm")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert raised.value.code == "I059" and peak < 10_000_000


def test_a_page_that_inflates_within_the_limit_is_read(sites: Callable[[], Site]) -> None:
    site = sites()
    site.pages["/page.htm"] = (200, {"Content-Encoding": "gzip"}, gzip.compress(chapter("Zipped")))
    site.pages["/raw.htm"] = (200, {"Content-Encoding": "deflate"}, zlib.compress(chapter("Deflated")))
    assert fetcher().get(site.base + "page.htm").data == chapter("Zipped")
    assert fetcher().get(site.base + "raw.htm").data == chapter("Deflated")


def _trickle(head: bool) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        body = chapter("Slow")
        lines = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        try:
            if not head:
                handler.wfile.write(lines)
            for byte in (lines if head else b"") + body[:40]:  # at most 40 s, if never stopped
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(0.2 if head else 1.0)
        except OSError:
            pass

    return answer


@pytest.mark.parametrize("head", [False, True], ids=["body", "headers"])
def test_a_server_sending_a_byte_at_a_time_meets_one_deadline_per_request(
    sites: Callable[[], Site], head: bool
) -> None:
    site = sites()
    site.pages["/page.htm"] = _trickle(head)
    start = time.monotonic()
    with pytest.raises(BuildError) as raised:
        fetcher(request_seconds=2, read_seconds=5).get(site.base + "page.htm")
    assert raised.value.code == "I060" and time.monotonic() - start < 4


def test_a_book_meets_one_deadline_for_all_its_requests(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    index = book_site(site)
    slow = Fetcher(None, delay=0.7, limits=Limits(book_seconds=1))  # the contents page at 0 s, one chapter at 0.7 s
    done = import_work([index], tmp_path / "out", "a-book", False, slow)
    assert "ch2.htm: not served (not fetched: the import has taken its 1 s)" in report_of(done.folder)
    assert site.requests == ["/book/index.htm", "/book/ch1.htm"]
    with pytest.raises(BuildError) as raised:
        import_work([index], tmp_path / "out", "b-book", False, Fetcher(None, delay=1.2, limits=Limits(book_seconds=1)))
    assert raised.value.code == "I074"


def test_a_contents_page_of_100000_links_is_searched_in_linear_time_and_bounded() -> None:
    links = "".join(f"<a href='c{i}.htm'>Chapter {i}</a> " for i in range(100_000))
    page = f"<html><body><h1>A Book</h1>{links}</body></html>"
    report = ImportReport()
    start = time.monotonic()
    found = book.chapters(page, report)
    assert time.monotonic() - start < 15  # was quadratic: 10,000 such links took 8 s, 100,000 never ended
    assert len(found) == Limits().links and any("[I062]" in line for line in report.left_out)


def test_the_chapters_of_a_book_are_bounded(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    index = book_site(site)
    done = import_work([index], tmp_path / "out", "a-book", False, fetcher(chapters=1))
    assert [p.name for p in done.folder.glob("*.md") if p.name != "import-report.md"] == ["ch1.md"]
    assert "/book/ch2.htm" not in site.requests and "[I062]" in report_of(done.folder)


def test_an_image_claiming_60000_by_60000_pixels_is_left_out_with_a_code(tmp_path: Path) -> None:
    header = png(1, 1)
    ihdr = (60_000).to_bytes(4, "big") * 2 + header[24:29]  # the size the header claims, nothing more
    huge = header[:16] + ihdr + zlib.crc32(b"IHDR" + ihdr).to_bytes(4, "big") + header[33:]
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "huge.png").write_bytes(huge)
    (folder / "page.htm").write_text(chapter("A Page", "<p><img src='huge.png' alt='huge'></p>").decode())
    result = run_cli("import", str(folder / "page.htm"), "--into", str(tmp_path / "out"), "--slug", "a-page")
    assert result.returncode == 0, result.stderr
    assert (
        "image huge.png: 60,000 × 60,000 pixels, more than the 40,000,000 an image may have [I063]; left out"
        in report_of(tmp_path / "out" / "a-page")
    )
    assert not (tmp_path / "out" / "a-page" / "huge.png").exists()


# -- 4. the cache ---------------------------------------------------------------------------


def test_a_symlink_planted_in_the_cache_is_not_followed(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    site.pages["/page.htm"] = (200, {}, chapter("Served"))
    address = site.base + "page.htm"
    cache = tmp_path / "cache"
    cache.mkdir()
    secret = tmp_path / "secret.htm"
    secret.write_bytes(chapter("Secret"))
    probe = Fetcher(cache, delay=0)
    name = probe._cache_name(address)
    (cache / name).symlink_to(secret)
    for pid in range(os.getpid() - 2, os.getpid() + 50):  # the temporary names the old fetcher used
        (cache / f"{name}.{pid}.tmp").symlink_to(secret)
    got = Fetcher(cache, delay=0)
    assert got.get(address).data == chapter("Served") and site.requests == ["/page.htm"]
    assert secret.read_bytes() == chapter("Secret") and not (cache / name).is_symlink()
    assert any("[I065]" in note and "symlink" in note for note in got.notes)
    assert Fetcher(cache, delay=0).get(address).data == chapter("Served") and site.requests == ["/page.htm"]


def test_a_cache_entry_that_is_not_a_regular_file_is_ignored_and_reported(
    tmp_path: Path, sites: Callable[[], Site]
) -> None:
    site = sites()
    site.pages["/page.htm"] = (200, {}, chapter("Served"))
    cache = tmp_path / "cache"
    cache.mkdir()
    fetch = Fetcher(cache, delay=0)
    os.mkfifo(cache / fetch._cache_name(site.base + "page.htm"))
    assert fetch.get(site.base + "page.htm").data == chapter("Served")
    assert any("not a regular file" in note for note in fetch.notes)


def test_a_local_page_that_is_not_a_regular_file_is_a_coded_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.htm")
    (tmp_path / "folder.htm").mkdir()
    for location in (str(tmp_path / "fifo.htm"), "/dev/zero", str(tmp_path / "folder.htm")):
        with pytest.raises(BuildError) as raised:
            fetcher().get(location)
        assert raised.value.code == "I068"


# -- 5. SVG by allow-list -------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'
HOSTILE_SVG = {
    "onload": '<rect width="5" height="5" onload="alert(1)"/>',
    "namespaced script": '<x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script>',
    "script in another prefix": '<s:script xmlns:s="http://www.w3.org/2000/svg" xlink:href="data:,alert(1)"/>',
    "iframe in foreignObject": '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://example.org/"/></foreignObject>',
    "CSS-escaped url(": "<style>rect { fill: \\75 rl(https://example.org/x.svg#a) }</style>"
    '<rect width="5" height="5"/>',
    "url( in style attribute": '<rect width="5" height="5" style="fill: url(https://example.org/x#a)"/>',
    "remote image": '<image xlink:href="https://example.org/x.png" width="5" height="5"/>',
    "use of a remote file": '<use href="other.svg#a"/>',
    "animation": '<rect width="5" height="5"><set attributeName="fill" to="red"/></rect>',
    "processing instruction": '<?xml-stylesheet href="https://example.org/x.css"?><rect width="5" height="5"/>',
    "link": '<a href="https://example.org/"><rect width="5" height="5"/></a>',
}


@pytest.mark.parametrize("body", HOSTILE_SVG.values(), ids=HOSTILE_SVG.keys())
def test_an_svg_off_the_allow_list_is_left_out_and_the_book_still_imports(tmp_path: Path, body: str) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "drawing.svg").write_text(SVG.format(body))
    (folder / "page.htm").write_text(chapter("A Page", "<p><img src='drawing.svg' alt='a drawing'></p>").decode())
    done = import_work([str(folder / "page.htm")], tmp_path / "out", "a-page", False, fetcher())
    assert not (done.folder / "drawing.svg").exists() and "drawing.svg" not in (done.folder / "text.md").read_text()
    assert "image drawing.svg: an SVG that is not static and self-contained" in report_of(
        done.folder
    ) and "[I064]" in report_of(done.folder)


def test_svgs_with_entities_or_a_dtd_are_refused_without_reading_anything() -> None:
    entity = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    assert svg_problem(entity) is not None
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    assert svg_problem(bomb) is not None


def test_a_static_svg_is_kept_in_the_import_and_passes_the_source_check(tmp_path: Path) -> None:
    drawing = SVG.format(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
        '</defs><title>A plan</title><rect width="5" height="5" fill="url(#g)" style="stroke: black"/>'
        '<use xlink:href="#g"/><text x="1" y="8" font-family="serif">Plan</text>'
    )
    assert svg_problem(drawing.encode()) is None
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "plan.svg").write_text(drawing)
    (folder / "page.htm").write_text(chapter("A Page", "<p><img src='plan.svg' alt='a plan'></p>").decode())
    done = import_work([str(folder / "page.htm")], tmp_path / "out", "a-page", False, fetcher())
    assert (done.folder / "plan.svg").read_text() == drawing and "![a plan](plan.svg)" in (
        done.folder / "text.md"
    ).read_text()


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: SVG.format(t).encode()))
def test_the_svg_check_answers_every_input_without_raising(data: bytes) -> None:
    problem = svg_problem(data)
    assert problem is None or isinstance(problem, str)


# -- 6. encodings ---------------------------------------------------------------------------


def test_a_page_declared_utf8_but_written_in_cp1252_is_repaired_byte_by_byte() -> None:
    report = ImportReport()
    page = "<meta charset='utf-8'><p>Caf\u00e9, \u201cna\u00efve\u201d \u2014 Z\u00fcrich</p>".encode("cp1252")
    text = decode(page, "p.htm", report)
    assert "Café, “naïve” — Zürich" in text and "\ufffd" not in text
    assert sum("is not UTF-8; read as Windows-1252" in line for line in report.repaired) == 6


def test_one_bad_byte_in_utf8_is_repaired_where_it_stands_and_the_rest_stays_utf8() -> None:
    report = ImportReport()
    page = "<p>Für die Genossen — „Grüße“</p>\n<p>line two caf".encode() + b"\xe9</p>"
    text = decode(page, "p.htm", report)
    assert text == "<p>Für die Genossen — „Grüße“</p>\n<p>line two café</p>"
    assert "p.htm: line 2: 0xE9 is not UTF-8; read as Windows-1252 “é”" in report.repaired


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-be", "utf-8-sig"])
def test_utf16_and_utf32_with_or_without_a_bom_are_read(encoding: str) -> None:
    words = "<html><body><p>Grüße, товарищи — 同志</p></body></html>"
    assert decode(words.encode(encoding), "p.htm", ImportReport()) == words


@pytest.mark.parametrize("label", ["idna", "base64", "rot13", "zlib", "punycode", "no-such-thing", "utf-7"])
def test_a_declared_charset_that_is_not_a_web_encoding_is_read_as_utf8(label: str) -> None:
    report = ImportReport()
    text = decode(f"<meta charset={label}><p>caf".encode() + b"\xe9 Gr\xc3\xbc\xc3\x9fe</p>", "p.htm", report)
    assert text.endswith("café Grüße</p>")


@given(st.binary(max_size=400))
def test_any_bytes_decode_to_text_a_parser_takes(data: bytes) -> None:
    text = decode(data, "p.htm", ImportReport())
    assert "\x00" not in text


# -- 7. a page's or a user's mistakes are coded errors, never exit 70 --------------------------


@pytest.mark.parametrize(
    "body", [b"", b"\x00" * 1000, b"   \n\t ", "\ufeff".encode()], ids=["empty", "NULs", "blank", "a BOM alone"]
)
def test_an_empty_page_is_a_coded_error(tmp_path: Path, body: bytes) -> None:
    result = run_cli("import", str(page_file(tmp_path, body)), "--into", str(tmp_path / "out"))
    assert result.returncode == 1 and "[I066]" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_page_declaring_charset_idna_imports(tmp_path: Path) -> None:
    page = page_file(
        tmp_path, b"<html><head><meta charset=idna></head><body><h1>A Page</h1><p>caf\xe9</p></body></html>"
    )
    result = run_cli("import", str(page), "--into", str(tmp_path / "out"), "--slug", "a-page")
    assert result.returncode == 0, result.stderr
    assert "café" in (tmp_path / "out" / "a-page" / "text.md").read_text()


def test_an_image_name_of_300_characters_is_shortened(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    name = "p" * 240 + ".png"  # the longest a file system takes is 255 bytes; the page may say more
    (folder / name).write_bytes(png())
    long = "x" * 60 + "/../" + name  # 300 characters in the page
    (folder / "page.htm").write_text(chapter("A Page", f"<p><img src='{long}' alt='a plate'></p>").decode())
    (folder / ("x" * 60)).mkdir()
    result = run_cli("import", str(folder / "page.htm"), "--into", str(tmp_path / "out"), "--slug", "a-page")
    assert result.returncode == 0, result.stderr
    images = list((tmp_path / "out" / "a-page").glob("*.png"))
    assert (
        len(images) == 1
        and len(images[0].name) <= 100
        and f"]({images[0].name})" in (tmp_path / "out" / "a-page" / "text.md").read_text()
    )


def test_images_sharing_a_name_in_two_folders_are_two_files(tmp_path: Path, sites: Callable[[], Site]) -> None:
    site = sites()
    index = book_site(
        site,
        one=chapter("One", "<p><img src='one/fig.png' alt='first'></p>"),
        two=chapter("Two", "<p><img src='two/fig.png' alt='second'></p>"),
    )
    site.pages["/book/one/fig.png"] = (200, {}, png(1500, 900))
    site.pages["/book/two/fig.png"] = (200, {}, png(1600, 900))
    done = import_work([index], tmp_path / "out", "a-book", False, fetcher())
    one, two = (done.folder / "ch1.md").read_text(), (done.folder / "ch2.md").read_text()
    assert "![first](fig.png)" in one and "![second](fig-2.png)" in two
    assert Image.open(done.folder / "fig.png").size == (1500, 900) and Image.open(done.folder / "fig-2.png").size == (
        1600,
        900,
    )


def test_a_limit_is_set_on_the_command_line(tmp_path: Path) -> None:
    page = page_file(tmp_path, chapter("A Page"))
    result = run_cli("import", str(page), "--into", str(tmp_path / "out"), "--limit", "response_bytes=100")
    assert result.returncode == 1 and "[I059]" in result.stderr, result.stderr
    result = run_cli("import", str(page), "--into", str(tmp_path / "out"), "--limit", "response_bytes=-1")
    assert result.returncode == 1 and "[I073]" in result.stderr, result.stderr


def test_the_epub_of_an_imported_static_svg_passes_epubcheck(tmp_path: Path) -> None:
    drawing = SVG.format(
        '<title>A plan</title><defs><filter id="f"><feGaussianBlur stdDeviation="1"/></filter>'
        '</defs><style>rect { stroke: black }</style><rect id="r" width="5" height="3" filter="url(#f)"/>'
        '<use xlink:href="#r" x="5"/><text x="1" y="8" font-size="2">Plan</text>'
    )
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "plan.svg").write_text(drawing)
    (folder / "page.htm").write_text(chapter("A Plan", "<p><img src='plan.svg' alt='a plan'></p>").decode())
    done = import_work([str(folder / "page.htm")], tmp_path / "source", "a-plan", False, fetcher())
    assert (done.folder / "plan.svg").exists()
    built = run_cli(
        "build",
        str(done.folder),
        "--format",
        "epub",
        "--out",
        str(tmp_path / "dist"),
        env=os.environ | {"SOURCE_DATE_EPOCH": "1700000000"},
    )
    assert built.returncode == 0, built.stderr
    checked = run_here("check", str(tmp_path / "dist"))
    assert checked.returncode == 0 and "0 problems" in checked.stdout, checked.stdout + checked.stderr


def test_an_import_killed_while_it_writes_leaves_a_staging_folder_the_next_import_removes(
    tmp_path: Path, sites: Callable[[], Site]
) -> None:
    site = sites()
    site.pages["/page.htm"] = (200, {}, chapter("A Page", "<p><img src='slow.png' alt='a plate'></p>"))
    site.pages["/slow.png"] = _trickle(head=False)  # the image is fetched into the staging folder, slowly
    into = tmp_path / "source"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "builder",
            "import",
            site.base + "page.htm",
            "--into",
            str(into),
            "--slug",
            "a-page",
            "--delay",
            "0",
        ],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = into / f".a-page.{process.pid}.importing"
    for _ in range(200):  # at most 20 s
        if staging.exists():
            break
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    assert staging.exists() and not (into / "a-page").exists()
    import_work([str(page_file(tmp_path, chapter("Another Page")))], into, "another-page", False, fetcher())
    assert sorted(p.name for p in into.iterdir()) == ["another-page"]


_SEGMENTS = st.lists(
    st.sampled_from(["..", ".", "book", "other", "%2e%2e", "%2E%2E%2F", "x.htm", "", "a%2fb"]), min_size=1, max_size=6
).map("/".join)


@given(
    href=_SEGMENTS,
    prefix=st.sampled_from(
        [
            "",
            "/",
            "http://127.0.0.1:8080/",
            "//127.0.0.1:8081/",
            "https://127.0.0.1:8080/",
            "http://127.0.0.1:8080@10.0.0.1/",
        ]
    ),
)
def test_a_link_is_let_through_only_to_the_books_host_and_folder(href: str, prefix: str) -> None:
    from urllib.parse import unquote, urlsplit

    from builder.importer.fetch import resolve
    from builder.importer.scope import pages_of

    base = "http://127.0.0.1:8080/works/book/index.htm"
    target = resolve(base, prefix + href)
    try:
        pages_of(base)(target)
    except BuildError as error:
        assert error.code == "I055"
    else:
        parts = urlsplit(target)
        assert (parts.scheme, parts.hostname, parts.port) == ("http", "127.0.0.1", 8080)
        segments: list[str] = []  # the path as a server resolves it
        for segment in unquote(parts.path).split("/")[1:]:
            if segment == "..":
                segments = segments[:-1]
            elif segment != ".":
                segments.append(segment)
        assert "/" + "/".join(segments) == "/works/book" or ("/" + "/".join(segments)).startswith("/works/book/")


@given(href=_SEGMENTS)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_local_pages_link_is_let_through_only_inside_its_folder(tmp_path: Path, href: str) -> None:
    from builder.importer.fetch import resolve
    from builder.importer.scope import images_of

    page = tmp_path / "site" / "book" / "page.htm"
    target = resolve(str(page), href)
    try:
        images_of(str(page))(target)
    except BuildError as error:
        assert error.code == "I069"
    else:
        assert Path(target).resolve().is_relative_to(page.parent.resolve())
