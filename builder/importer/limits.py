"""The bounds an import keeps whatever a server or a page does; docs/importing-limits.md states
each with its setting. One `Limits` is handed to the fetcher; tests give smaller ones."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ..errors import BuildError


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


def limits_from(settings: list[str]) -> Limits:
    """`--limit NAME=VALUE`, each a field of Limits set to a positive number."""
    limits = LIMITS
    names = {item.name: item for item in fields(Limits)}
    for setting in settings:
        name, _, value = setting.partition("=")
        kind = int if names.get(name.strip()) is not None and names[name.strip()].type in (int, "int") else float
        try:
            number = kind(value.replace("_", ""))
        except ValueError:
            number = 0
        if name.strip() not in names or number <= 0:
            raise BuildError(
                f"--limit {setting}",
                "not a bound an import has, set to a positive number",
                hint=f"give NAME=VALUE with NAME one of {', '.join(names)}",
                code="I073",
            )
        changed: dict[str, Any] = {name.strip(): number}
        limits = replace(limits, **changed)
    return limits
