"""WeasyPrint plumbing: HTML → laid-out boxes and PDF bytes, with the sandboxed fetcher and the
guarded upstream changes.

Every module here imports WeasyPrint, so this package loads it first, and faster: WeasyPrint
(weasyprint/text/ffi.py) tries each library under several names, bare ones first
("libpango-1.0-0", "pango-1.0"), which cffi hands to ``ctypes.util.find_library``; on Linux
that runs ``ldconfig`` and then a C compiler once per name, about 0.4 s in all, before a name
with ``.so.`` loads directly. While WeasyPrint loads, the search finds nothing, so that the
file names (the same sonames the search would find) load at once; should a future WeasyPrint
list no such name, it loads again with the search as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _no_library_search() -> Iterator[None]:
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _load_weasyprint() -> None:
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux"):
        return
    try:
        with _no_library_search():
            import weasyprint.text.ffi  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]


_load_weasyprint()
