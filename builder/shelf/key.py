"""The incremental build key: a content hash of everything that shapes an edition's bytes.

A work is rebuilt only when its key changes. The key covers the work's folder (every file,
by name and content), styles/, the typefaces' files, the builder's own code, the pinned
dependencies' versions, Python's and zlib's versions, Pango's and HarfBuzz's, the edition's
options (its file name says format, trim and marks) and the edition's date. It is computed
without importing the writers, so that a build with nothing to do is quick.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zlib
from functools import cache
from pathlib import Path

from .. import __version__
from ..errors import BuildError
from ..paths import ROOT, STYLES
from ..source.edition_date import edition_date

FONT_PACKAGE = "font_source_serif_pro"
SYSTEM_LIBRARIES = {"libpango-1.0.so.0": "pango_version_string", "libharfbuzz.so.0": "hb_version_string"}


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:
    """Names and contents of every file under root, in a stable order."""
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(root).as_posix().encode()
        if path.is_symlink():
            digest.update(b"L" + name + b"\0" + os.fsencode(os.readlink(path)) + b"\0")
        elif path.is_file():
            digest.update(b"F" + name + b"\0" + hashlib.sha256(path.read_bytes()).digest())


@cache
def shared_key() -> str:
    """The part of every work's key that is the same for the whole shelf."""
    digest = hashlib.sha256(f"folio {__version__}\0python {sys.version}\0zlib {zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    _hash_tree(digest, ROOT / "builder")
    digest.update(b"\0styles\0")
    _hash_tree(digest, STYLES)
    digest.update(b"\0fonts\0")
    for font in _font_files():
        digest.update(font.name.encode() + b"\0" + hashlib.sha256(font.read_bytes()).digest())
    digest.update(b"\0versions\0")
    for name, version in _dependency_versions():
        digest.update(f"{name}=={version}\n".encode())
    for library, function in SYSTEM_LIBRARIES.items():
        digest.update(f"{library} {_library_version(library, function)}\n".encode())
    return digest.hexdigest()


def work_key(folder: Path) -> str | None:
    """The key of a work's editions, or None when its source cannot even be read for it
    (the build then reports the source's error)."""
    try:
        archive = tomllib.loads((folder / "work.toml").read_text(encoding="utf-8")).get("archive", {})
        year = archive.get("year") if isinstance(archive, dict) else None
        date = edition_date(folder, STYLES, year if isinstance(year, int) else None)
    except (OSError, ValueError, tomllib.TOMLDecodeError, BuildError):  # ValueError: bad UTF-8 too
        return None
    digest = hashlib.sha256(f"{shared_key()}\0{date.isoformat()}\0".encode())
    _hash_tree(digest, folder)
    return digest.hexdigest()


def edition_key(key: str, file_name: str) -> str:
    """One edition's key: its work's, and its options as its file name states them."""
    return hashlib.sha256(f"{key}\0{file_name}".encode()).hexdigest()


def _font_files() -> list[Path]:
    files: list[Path] = []
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is not None and spec.origin is not None:
        files += sorted(p for p in Path(spec.origin).parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    if fc_match := shutil.which("fc-match"):
        found = subprocess.run([fc_match, "--format=%{file}", "GFS Didot"], capture_output=True, text=True, check=False).stdout
        if found and Path(found).is_file():
            files.append(Path(found))
    return files


def _dependency_versions() -> list[tuple[str, str]]:
    """The installed version of each of the builder's pinned dependencies, read from the
    distributions' folder names (importing them would cost a second)."""
    try:
        required = importlib.metadata.requires("folio-builder") or []
    except importlib.metadata.PackageNotFoundError:
        required = []
    names = {_normalise(re.split(r"[=<>!~; \[]", r, maxsplit=1)[0]) for r in required if "extra ==" not in r}
    installed: dict[str, str] = {}
    for folder in {Path(p) for p in sys.path if p and Path(p).is_dir()}:
        for entry in os.listdir(folder):
            if entry.endswith(".dist-info"):
                name, _, version = entry.removesuffix(".dist-info").partition("-")
                installed.setdefault(_normalise(name), version)
    return sorted((name, installed.get(name, "?")) for name in names)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _library_version(library: str, function: str) -> str:
    try:
        call = getattr(ctypes.CDLL(library), function)
    except (OSError, AttributeError):
        return "absent"
    call.restype = ctypes.c_char_p
    return (call() or b"").decode()
