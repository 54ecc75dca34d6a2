"""Reading pages: local files, or addresses over HTTP with a timeout, a User-Agent naming the
project, a polite delay between requests and a local cache. Only the importer uses the network."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from .. import NAME, __version__
from ..errors import BuildError
from . import DELAY

USER_AGENT = f"{NAME}/{__version__} (importer of the folio-builder project; public-domain editions)"
TIMEOUT = 30.0


@dataclass(frozen=True)
class Fetched:
    location: str  # the address or the file's path, as given or resolved
    data: bytes
    content_type: str | None


def is_address(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def resolve(base: str, href: str) -> str:
    """A link of a page, as an address or a file path like the page's own."""
    if is_address(base):
        return urljoin(base, href)
    return str((Path(base).parent / urlsplit(href).path).resolve())


class Fetcher:
    def __init__(self, cache: Path | None = None, delay: float = DELAY) -> None:
        self.cache = cache
        self.delay = delay
        self._last = 0.0
        self._client: httpx.Client | None = None

    def get(self, location: str) -> Fetched:
        """A page or an image; a BuildError (I-code) if it cannot be had."""
        if not is_address(location):
            path = Path(location)
            try:
                return Fetched(str(path), path.read_bytes(), None)
            except OSError as error:
                raise BuildError(location, f"cannot be read: {error.strerror}", hint="give an archive page as a file or an http(s) address", code="I001") from None
        cached = self._cached(location)
        if cached is not None:
            return Fetched(location, cached, None)
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if self._client is None:
            self._client = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT, follow_redirects=True)
        try:
            response = self._client.get(location)
        except httpx.HTTPError as error:
            raise BuildError(location, f"cannot be fetched: {error}", hint="check the address and the connection", code="I002") from None
        finally:
            self._last = time.monotonic()
        if response.status_code != 200:
            raise BuildError(location, f"the server answered {response.status_code}", hint="check the address", code="I002")
        if self.cache is not None:
            target = self._cache_path(location)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(response.content)
            temporary.replace(target)
        return Fetched(location, response.content, response.headers.get("content-type"))

    def _cache_path(self, location: str) -> Path:
        assert self.cache is not None
        return self.cache / hashlib.sha256(location.encode()).hexdigest()

    def _cached(self, location: str) -> bytes | None:
        if self.cache is None:
            return None
        path = self._cache_path(location)
        return path.read_bytes() if path.is_file() else None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
