"""The bounds an import keeps whatever a server or a page does; docs/importing-limits.md states
each with its setting. One `Limits` is handed to the fetcher; tests give smaller ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    response_bytes: int = 16 * 1024 * 1024  # one page or image, counted after inflating; reading stops here
    request_seconds: float = 60.0  # one request, every redirect hop and every read included
    read_seconds: float = 15.0  # the longest wait for the next bytes of a response
    book_seconds: float = 1800.0  # every request of one import together
    redirects: int = 5  # hops followed for one request
    links: int = 5000  # links of a contents page considered
    chapters: int = 1000  # chapters of one book imported
    image_pixels: int = 40_000_000  # width × height of one image (8,000 × 5,000)
    name_chars: int = 100  # an image's file name in the work's folder


LIMITS = Limits()
