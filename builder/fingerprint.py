"""The build's fingerprint: everything beyond a work's own source that shapes an edition's
bytes (the builder's code, its styles and a project's styles/ overriding them, the typefaces'
files, the pinned dependencies' versions, Python's, zlib's, Pango's and HarfBuzz's, and the
version of calibre, which makes the Kindle edition). The shelf's
keys and the cover cache start from it.
It is computed without importing the writers, so that a build with nothing to do is quick.
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
from typing import Any

from . import __version__
from .paths import PACKAGE, style_file, style_folders

FONT_PACKAGE = "font_source_serif_pro"
SYSTEM_LIBRARIES = {"libpango-1.0.so.0": "pango_version_string", "libharfbuzz.so.0": "hb_version_string"}
CALIBRE = "ebook-convert"  # the command editions/kindle.py runs
# calibre's run script names the folder of its Python package (Debian's, and calibre's own setup).
_CALIBRE_PATH = re.compile(rb"""CALIBRE_PYTHON_PATH['"],\s*['"]([^'"]+)['"]""")
_CALIBRE_VERSION = re.compile(rb"^numeric_version\s*=\s*\(([\d, ]+)\)", re.MULTILINE)


def hash_tree(digest: hashlib._Hash, root: Path) -> None:
    """Names and contents of every file under root, in a stable order."""
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        name = path.relative_to(root).as_posix().encode()
        if path.is_symlink():
            digest.update(b"L" + name + b"\0" + os.fsencode(os.readlink(path)) + b"\0")
        elif path.is_file():
            digest.update(b"F" + name + b"\0" + hashlib.sha256(path.read_bytes()).digest())


_GIVEN: list[str] = []  # a worker's: the shared key of the build that started it


def give_shared_key(key: str) -> None:
    """In a worker process: the shared key its build computed (from the same code and files),
    which the worker takes instead of hashing every typeface again (0.1 s of CPU and a run of
    fc-list a process, before the first cover)."""
    if not _GIVEN:
        _GIVEN.append(key)


@cache
def shared_key() -> str:
    """The part of every work's key that is the same for the whole shelf."""
    if _GIVEN:
        return _GIVEN[0]
    digest = hashlib.sha256(f"folio {__version__}\0python {sys.version}\0zlib {zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    hash_tree(digest, PACKAGE)
    # Folio's styles, and a project's own styles/ that override them file by file: a change
    # to either rebuilds. (In a wheel Folio's are inside the package, and hashed twice.)
    for folder in reversed(style_folders()):
        digest.update(b"\0styles\0")
        hash_tree(digest, folder)
    digest.update(b"\0fonts\0")
    for font in _font_files():
        digest.update(font.name.encode() + b"\0" + hashlib.sha256(font.read_bytes()).digest())
    digest.update(b"\0versions\0")
    for name, version in _dependency_versions():
        digest.update(f"{name}=={version}\n".encode())
    for library, function in SYSTEM_LIBRARIES.items():
        digest.update(f"{library} {_library_version(library, function)}\n".encode())
    digest.update(f"calibre {calibre_version()}\n".encode())
    return digest.hexdigest()


def _font_files() -> list[Path]:
    files: list[Path] = []
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is not None and spec.origin is not None:
        files += sorted(p for p in Path(spec.origin).parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted(set(system_faces().values()))
    return files


@cache
def typefaces() -> list[dict[str, Any]]:
    """styles/typefaces.toml: the system typefaces the print edition sets the other scripts in."""
    with style_file("typefaces.toml").open("rb") as table:
        return list(tomllib.load(table)["typeface"])


@cache
def system_faces() -> dict[str, Path]:
    """Each face styles/typefaces.toml names (Debian's packages, which scripts/setup installs)
    with the file fontconfig has it in; a face not installed is left out (the build then
    refuses the text it would set, P003, or the face set in its place, P004)."""
    wanted = [face for typeface in typefaces() for face in typeface["faces"]]
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return {}
    listing = subprocess.run(
        [fc_list, "--format=%{fullname}\t%{family}\t%{file}\n"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    faces = [[*line.split("\t"), "", ""][:3] for line in sorted(listing.splitlines())]
    files: dict[str, Path] = {}
    for fullnames, _, file in faces:  # a full name first ("Noto Serif Bold"), as the table gives them
        for name in fullnames.split(","):
            files.setdefault(name, Path(file))
    for _, families, file in sorted(faces, key=lambda face: "Regular" not in face[0]):  # else a family's regular face
        for name in families.split(","):
            files.setdefault(name, Path(file))
    return {name: files[name] for name in wanted if name in files and files[name].is_file()}


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


def calibre_version() -> str:
    """calibre's version, read from its package's constants without running it (running
    `ebook-convert --version` costs half a second); for a calibre whose run script names no
    package folder (a frozen binary), the script's own hash; "absent" without calibre."""
    found = shutil.which(CALIBRE)
    if found is None:
        return "absent"
    script = Path(found).read_bytes()
    named = _CALIBRE_PATH.search(script[:4096])
    if named is not None:
        constants = Path(os.fsdecode(named.group(1))) / "calibre" / "constants.py"
        if constants.is_file():
            version = _CALIBRE_VERSION.search(constants.read_bytes())
            if version is not None:
                return ".".join(part.strip() for part in version.group(1).decode().split(","))
    return "sha256:" + hashlib.sha256(script).hexdigest()
