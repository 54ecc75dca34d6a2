"""Reading pages: local files, or addresses over HTTP with a User-Agent naming the project, a
polite delay between requests and a local cache. Only the importer uses the network.

Every read is bounded (limits.py): bytes counted after inflating, with reading stopped at the
limit; one deadline for a whole request (connecting, every redirect hop, every read) and one
for the whole import; redirects followed by hand, each hop held to the caller's scope rule.
The cache trusts nothing in its folder: no symlink is followed, an entry that is not a regular
file is ignored and reported, entries are written to a new file and renamed into place."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import ssl
import stat
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .. import NAME, __version__
from ..errors import BuildError
from . import DELAY
from .limits import LIMITS, Limits
from .scope import Rule, connect_addresses, is_address, named, origin

__all__ = ["DELAY", "Fetched", "Fetcher", "is_address", "resolve"]

USER_AGENT = f"{NAME}/{__version__} (importer of the folio-builder project; public-domain editions)"
STEP = 1 << 20  # bytes inflated at a time
_NETWORK_ERRORS = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, ssl.SSLError, OSError)


@dataclass(frozen=True)
class Fetched:
    location: str  # the address or the file's path, as given or resolved
    data: bytes
    content_type: str | None


def resolve(base: str, href: str) -> str:
    """A link of a page, as an address or a file path like the page's own."""
    if is_address(base):
        return urljoin(base, href)
    return str((Path(base).parent / urlsplit(href).path).resolve())


@dataclass
class Fetcher:
    cache: Path | None = None
    delay: float = DELAY
    limits: Limits = LIMITS
    notes: list[str] = field(default_factory=list)  # what the report should say of the cache
    _last: float = 0.0
    _book_deadline: float | None = None
    _backend: _DeadlineBackend | None = None
    _pool: httpcore.ConnectionPool | None = None

    def __post_init__(self) -> None:
        if self.cache is not None and (self.cache.is_symlink() or (self.cache.exists() and not self.cache.is_dir())):
            raise BuildError(
                self.cache,
                "--cache names something that is not a folder",
                hint="give --cache a folder (it is made if missing), not a file or a symlink",
                code="I052",
            )

    def get(self, location: str, rule: Rule | None = None) -> Fetched:
        """A page or an image; a BuildError (I-code) if it cannot be had, or may not be read
        (rule, checked at the location and at every hop of a redirect)."""
        rule = rule or named(location)
        rule(location)
        if not is_address(location):
            return Fetched(location, self._read_file(location), None)
        cached = self._cached(location)
        if cached is not None:
            return Fetched(location, cached, None)
        now = time.monotonic()
        if self._book_deadline is None:
            self._book_deadline = now + self.limits.book_seconds
        wait = self._last + self.delay - now
        if wait > 0:
            time.sleep(wait)
        try:
            data, content_type = self._request(location, rule)
        finally:
            self._last = time.monotonic()
        if self.cache is not None:
            self._store(location, data)
        return Fetched(location, data, content_type)

    def _request(self, location: str, rule: Rule) -> tuple[bytes, str | None]:
        assert self._book_deadline is not None
        if self._backend is None:
            self._backend = _DeadlineBackend()
            self._pool = httpcore.ConnectionPool(network_backend=self._backend, max_connections=2, retries=0)
        assert self._pool is not None
        start = time.monotonic()
        if start >= self._book_deadline:
            raise BuildError(
                location,
                f"not fetched: the import has taken its {self.limits.book_seconds:g} s",
                hint="import the book in parts, or raise Limits.book_seconds (docs/importing-limits.md)",
                code="I061",
            )
        deadline = min(start + self.limits.request_seconds, self._book_deadline)
        self._backend.deadline = deadline
        address = location
        for _hop in range(self.limits.redirects + 1):
            try:
                status, headers, body = self._open(address, deadline)
            except httpcore.TimeoutException:
                raise self._late(location, deadline) from None
            except _NETWORK_ERRORS:
                raise BuildError(
                    location,
                    "cannot be fetched: no answer from the server",
                    hint="check the address and the connection",
                    code="I002",
                ) from None
            with body:
                if status in (301, 302, 303, 307, 308):
                    target = urljoin(address, headers.get("location", ""))
                    if origin(target) != origin(address) or not is_address(target):
                        raise BuildError(
                            location,
                            "refused: it redirects off the book's host",
                            hint="import the page at its new address on its own",
                            code="I056",
                        )
                    rule(target)
                    address = target
                    continue
                if status != 200:
                    raise BuildError(location, f"the server answered {status}", hint="check the address", code="I002")
                try:
                    return self._body(location, body, headers, deadline), headers.get("content-type")
                except httpcore.TimeoutException:
                    raise self._late(location, deadline) from None
                except _NETWORK_ERRORS:
                    raise BuildError(
                        location,
                        "cannot be fetched: the server broke off its answer",
                        hint="try again later",
                        code="I071",
                    ) from None
        raise BuildError(
            location,
            f"refused: more than {self.limits.redirects} redirects",
            hint="import the page at its final address",
            code="I058",
        )

    def _open(self, address: str, deadline: float) -> tuple[int, dict[str, str], _Body]:
        assert self._pool is not None
        url = httpx.URL(address)
        left = max(0.001, deadline - time.monotonic())
        timeout = min(left, self.limits.read_seconds)
        request = httpcore.Request(
            "GET",
            httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=[
                (b"Host", url.netloc),
                (b"User-Agent", USER_AGENT.encode()),
                (b"Accept-Encoding", b"gzip, deflate"),
            ],
            extensions={"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}},
        )
        response = self._pool.handle_request(request)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in response.headers}
        return response.status, headers, _Body(response)

    def _body(self, location: str, body: _Body, headers: dict[str, str], deadline: float) -> bytes:
        limit = self.limits.response_bytes
        too_large = BuildError(
            location,
            f"refused: the answer is larger than {limit:,} bytes",
            hint="raise Limits.response_bytes if the page is really this large (docs/importing-limits.md)",
            code="I059",
        )
        declared = headers.get("content-length", "")
        if not headers.get("content-encoding") and declared.isdigit() and int(declared) > limit:
            raise too_large
        inflate = _Inflater(location, headers.get("content-encoding", ""))
        data = bytearray()
        for chunk in body:
            for piece in inflate.feed(chunk, limit - len(data)):
                data += piece
                if len(data) > limit:
                    raise too_large
            if time.monotonic() > deadline:
                raise self._late(location, deadline)
        return bytes(data)

    def _late(self, location: str, deadline: float) -> BuildError:
        assert self._book_deadline is not None
        if deadline >= self._book_deadline and time.monotonic() >= self._book_deadline:
            return BuildError(
                location,
                f"not fetched: the import has taken its {self.limits.book_seconds:g} s",
                hint="import the book in parts, or raise Limits.book_seconds (docs/importing-limits.md)",
                code="I061",
            )
        if time.monotonic() >= deadline:
            return BuildError(
                location,
                f"not fetched: the server took longer than {self.limits.request_seconds:g} s",
                hint="try again later; a server this slow cannot be imported from",
                code="I060",
            )
        return BuildError(
            location,
            f"cannot be fetched: the server sent nothing for {self.limits.read_seconds:g} s",
            hint="try again later",
            code="I071",
        )

    def _read_file(self, location: str) -> bytes:
        try:
            descriptor = os.open(location, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as error:
            raise BuildError(
                location,
                f"cannot be read: {error.strerror}",
                hint="give an archive page as a file or an http(s) address",
                code="I001",
            ) from None
        # Checked before fdopen, which refuses a directory with an error of its own.
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise BuildError(
                location, "cannot be read: not a regular file", hint="give a page saved as a file", code="I068"
            )
        with os.fdopen(descriptor, "rb") as file:
            try:
                data = file.read(self.limits.response_bytes + 1)
            except OSError as error:
                raise BuildError(
                    location,
                    f"cannot be read: {error.strerror}",
                    hint="give an archive page as a file or an http(s) address",
                    code="I001",
                ) from None
        if len(data) > self.limits.response_bytes:
            raise BuildError(
                location,
                f"refused: larger than {self.limits.response_bytes:,} bytes",
                hint="raise Limits.response_bytes if the page is really this large (docs/importing-limits.md)",
                code="I059",
            )
        return data

    def _cache_name(self, location: str) -> str:
        return hashlib.sha256(location.encode()).hexdigest()

    def _cached(self, location: str) -> bytes | None:
        if self.cache is None:
            return None
        path = self.cache / self._cache_name(location)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except OSError:
            self.notes.append(
                f"cache entry {path.name} is a symlink or cannot be read; ignored, the page fetched again [I065]"
            )
            return None
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                self.notes.append(
                    f"cache entry {path.name} is not a regular file; ignored, the page fetched again [I065]"
                )
                return None
            data = file.read(self.limits.response_bytes + 1)
        return data if len(data) <= self.limits.response_bytes else None

    def _store(self, location: str, data: bytes) -> None:
        """A new file of its own (never one that is there, never through a symlink), renamed
        over the entry's name: a rename replaces a symlink, it does not write through it."""
        assert self.cache is not None
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            name = self._cache_name(location)
            temporary = self.cache / f".{name}.{secrets.token_hex(8)}.tmp"
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.replace(temporary, self.cache / name)
        except OSError as error:
            self.notes.append(
                f"the cache could not keep {location} ({error.strerror}); the import goes on without it [I065]"
            )
            with contextlib.suppress(OSError, UnboundLocalError):
                temporary.unlink()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


class _Body:
    """A response's raw bytes, as they arrive; closed when the with block ends."""

    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Any:
        stream = self._response.stream
        assert isinstance(stream, Iterable)
        return iter(stream)

    def __enter__(self) -> _Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self._response.close()


class _Inflater:
    """Content-Encoding undone a bounded piece at a time: never more than the room left."""

    def __init__(self, location: str, encoding: str) -> None:
        self.location = location
        kind = encoding.strip().lower()
        if kind in ("", "identity"):
            self._decompressor: Any = None
        elif kind in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif kind == "deflate":
            self._decompressor = "deflate"  # zlib-wrapped or raw: told by the first byte
        else:
            raise BuildError(
                location,
                f"refused: the answer is encoded as {kind!r}",
                hint="the importer reads gzip and deflate; fetch the page another way and import the file",
                code="I070",
            )

    def feed(self, chunk: bytes, room: int) -> Iterator[bytes]:
        """The chunk inflated, in pieces of at most STEP bytes, no more than room + 1 in all."""
        if self._decompressor is None:
            yield chunk
            return
        if self._decompressor == "deflate":
            self._decompressor = zlib.decompressobj(
                zlib.MAX_WBITS if chunk[:1] and chunk[0] & 0x0F == 8 else -zlib.MAX_WBITS
            )
        pending = chunk
        try:
            while pending and room >= 0:
                piece = self._decompressor.decompress(pending, min(room + 1, STEP))
                room -= len(piece)
                pending = self._decompressor.unconsumed_tail
                yield piece
        except zlib.error:
            raise BuildError(
                self.location,
                "cannot be fetched: the compressed answer is damaged",
                hint="try again later",
                code="I070",
            ) from None


class _DeadlineBackend(httpcore.NetworkBackend):
    """Sockets whose every connect, read and write waits no longer than the request's
    deadline; connections only to the addresses scope.connect_addresses allows."""

    def __init__(self) -> None:
        self.deadline = float("inf")
        self._inner = httpcore.SyncBackend()

    def left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError("no address")
        for address in connect_addresses(host, port):
            try:
                return _DeadlineStream(
                    self._inner.connect_tcp(address, port, self.left(timeout), local_address, socket_options), self
                )
            except httpcore.ConnectError as error:
                failure = error
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("no unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: _DeadlineBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, self._backend.left(timeout)), self._backend
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
