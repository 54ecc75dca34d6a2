"""WeasyPrint's window on the world: local files under styles/ and the work's folder, and
the data files of font packages; nothing else, and never the network.

A style file is looked for in the project's styles/ first, then in Folio's (builder/paths.py),
whichever folder the document or stylesheet naming it came from.

A source is untrusted: whatever a text or a stylesheet names, a build must not read
`/etc/passwd` or reach a server.
"""

from __future__ import annotations

import importlib.util
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ...paths import style_file, style_folders, style_name_of

# Packages whose data files a stylesheet may name as `package:NAME/path`.
FONT_PACKAGES = ("font_source_serif_pro",)


class ForbiddenResource(FatalURLFetchingError):
    """A document named a resource outside the folders a build may read."""


def package_file(url: str) -> Path:
    """Resolve `package:NAME/path` to a file inside an allowed installed package."""
    name, _, inner = url.removeprefix("package:").partition("/")
    if name not in FONT_PACKAGES:
        raise ForbiddenResource(f"{url}: package {name!r} is not one a stylesheet may read from")
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ForbiddenResource(f"{url}: package {name!r} is not installed; run the README's set-up command")
    root = Path(spec.origin).parent.resolve()
    return _inside(root / inner, [root], url)


def _inside(path: Path, roots: list[Path], url: str) -> Path:
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise ForbiddenResource(f"{url}: outside the folders a build may read")
    if not resolved.is_file():
        raise ForbiddenResource(f"{url}: no such file")
    return resolved


class SandboxedFetcher(URLFetcher):
    """Serves `file:` URLs under the allowed folders and `package:` font files; refuses the rest."""

    def __init__(self, *roots: Path) -> None:
        super().__init__(fail_on_errors=True)
        self.roots = [*(folder.resolve() for folder in style_folders()), *(root.resolve() for root in roots)]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "package":
            path = package_file(url)
        elif parts.scheme == "file":
            named = Path(unquote(parts.path))
            if (name := style_name_of(named)) is not None:
                named = style_file(name)  # the project's copy of a style file, if it has one
            path = _inside(named, self.roots, url)
        else:
            raise ForbiddenResource(f"{url}: only local files are read, never the network")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})
