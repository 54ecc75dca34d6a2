"""What an import may read: a book's pages from its contents page's host and folder, an image
from its page's host and folder tree (a local page's from inside its own folder), a redirect
only to the same scheme, host and port, and no address on the loopback, private or link-local
ranges that the user did not name. A refusal says "refused" and nothing about the address."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import BuildError

Rule = Callable[[str], None]  # raises a BuildError for a location that may not be read


def is_address(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def origin(address: str) -> tuple[str, str, int]:
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port or (443 if parts.scheme == "https" else 80)


def _folder(address: str) -> str:
    path = unquote(urlsplit(address).path) or "/"
    return path[: path.rfind("/") + 1]


def _path(address: str) -> str:
    """The address's path with dot segments resolved, as a server would see it."""
    parts: list[str] = []
    for segment in unquote(urlsplit(address).path).split("/")[1:]:
        if segment == "..":
            if parts:
                parts.pop()
        elif segment != ".":
            parts.append(segment)
    return "/" + "/".join(parts)


def _refused(location: str, why: str, code: str) -> BuildError:
    return BuildError(
        location,
        f"refused: {why}",
        hint="an import reads only the book's own pages and images; import another host's page on its own",
        code=code,
    )


def same_origin(base: str, location: str) -> bool:
    return is_address(location) and origin(base) == origin(location)


def pages_of(base: str) -> Rule:
    """The rule for a book's pages: the contents page's host and folder."""

    def rule(location: str) -> None:
        if is_address(base):
            if not same_origin(base, location):
                raise _refused(location, "not on the contents page's host", "I055")
            if not _path(location).startswith(_folder(base)):
                raise _refused(location, "outside the contents page's folder", "I055")
        elif is_address(location) or not _inside(location, Path(base).parent):
            raise _refused(location, "outside the contents page's folder", "I055")

    return rule


def images_of(page: str) -> Rule:
    """The rule for a page's images: its host and its folder tree; for a local page, inside
    its own folder (no absolute path, no file: address, no way out by .. or a symlink)."""

    def rule(location: str) -> None:
        if is_address(page):
            if not same_origin(page, location):
                raise _refused(location, "not on the page's host", "I069")
            if not _path(location).startswith(_folder(page)):
                raise _refused(location, "outside the page's folder", "I069")
        elif is_address(location) or urlsplit(location).scheme or not _inside(location, Path(page).parent):
            raise _refused(location, "outside the page's folder", "I069")

    return rule


def named(location: str) -> Rule:
    """The rule for a page the user named: itself, and redirects on its own host."""

    def rule(other: str) -> None:
        if is_address(location) and not same_origin(location, other):
            raise _refused(other, "not on the named page's host", "I055")

    return rule


def _inside(location: str, folder: Path) -> bool:
    try:
        return Path(location).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def connect_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for host: a literal address or `localhost` is the user's
    own naming; a name must resolve only to public addresses (no rebinding onto the machine
    or its network), and the connection goes to the addresses checked here."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None or host.lower() in ("localhost", "localhost."):
        return [str(literal) if literal else host]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise BuildError(
            host,
            "cannot be fetched: the host name does not resolve",
            hint="check the address and the connection",
            code="I002",
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise _refused(host, "the name leads to an address on this machine or its network", "I057")
    return addresses
