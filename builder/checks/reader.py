"""Books read in a real reading engine: foliate-js, the engine of the Foliate reader, in Debian's
headless Chromium, at a phone's size and a tablet's (scripts/reader installs both, pinned).

The engine's page (engine/reader.html) is served on 127.0.0.1 with the books; engine/drive.mjs
opens each book, follows every contents entry, taps every note call, and measures every page.
One browser reads every book given in one call.

Codes: E300 the engine could not run; E301 the book does not open, or the engine logs an error;
E302 a contents entry does not reach its place; E303 a note call does not pop up its note;
E304 an image does not load; E305 something is wider than the page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from ..editions.kinds import kind_of_file
from ..errors import Finding
from ..paths import SCRIPTS, shown_path
from .local_server import folder_route, serving
from .validators import run_checker

READER_SCRIPT = SCRIPTS / "reader"
ENGINE = Path(__file__).resolve().parent / "engine"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int


# A small phone held upright, and a tablet: the screens where width runs out first.
SIZES = (Size("phone", 360, 640), Size("tablet", 800, 1280))
# Pages read at once in the one browser (one page at a time keeps it on about one core).
PARALLEL = 2
CODES = {"open": "E301", "console": "E301", "toc": "E302", "note": "E303", "image": "E304", "wide": "E305"}


def readable(path: Path) -> bool:
    """A file the reading engine opens: one of a zipped kind of the registry (an EPUB container:
    the EPUB, the Kobo edition)."""
    return (kind := kind_of_file(path.name)) is not None and kind.zipped


def available() -> bool:
    return READER_SCRIPT.exists() and shutil.which("node") is not None and shutil.which("npm") is not None


@cache
def engine_home() -> Path:
    """Install the engine on first use (Chromium, foliate-js, playwright-core); its folder."""
    result = run_checker([str(READER_SCRIPT), "--install"], "Installing the reading engine", timeout_factor=6)
    if result.returncode != 0:
        raise RuntimeError(
            f"the reading engine could not be installed: {(result.stdout + result.stderr).strip()[-500:]}"
        )
    return Path(result.stdout.strip().splitlines()[-1])


def engine_routes(home: Path) -> dict:
    """The engine's page and foliate-js, as the page expects them: /engine/, /foliate/."""
    return {"/engine/": folder_route(ENGINE), "/foliate/": folder_route(home / "node_modules" / "foliate-js")}


@dataclass(frozen=True)
class Reading:
    """One book read at one size: what went wrong, and how much was looked at (contents
    entries, spine items, images, note calls), so that a check that saw nothing is seen."""

    path: Path
    size: str
    findings: list[Finding]
    checked: dict[str, int]


def read_books(paths: list[Path], sizes: tuple[Size, ...] = SIZES) -> list[Finding]:
    """Every finding of the engine on every book, each named by its file and screen size."""
    return [finding for reading in readings(paths, sizes) for finding in reading.findings]


def readings(
    paths: list[Path], sizes: tuple[Size, ...] = SIZES, at: Mapping[Path, tuple[Size, ...]] | None = None
) -> list[Reading]:
    """Each book read at each size (or at the sizes `at` gives it), in one browser."""
    if not paths:
        return []
    try:
        results = _drive(engine_home(), paths, sizes, at or {})
    except RuntimeError as error:
        return [Reading(path, "", [Finding(shown_path(path), "E300", str(error))], {}) for path in paths]
    done = []
    for result in results:
        path = paths[int(result["book"])]
        findings = []
        for found in result["findings"]:
            where = f" in {found['where']}" if found["where"] else ""
            findings.append(
                Finding(
                    shown_path(path), CODES.get(found["check"], "E301"), f"{result['size']}{where}: {found['message']}"
                )
            )
        done.append(Reading(path, result["size"], findings, result["checked"]))
    return done


def _drive(home: Path, paths: list[Path], sizes: tuple[Size, ...], at: Mapping[Path, tuple[Size, ...]]) -> list[dict]:
    books = {f"/books/{number}/": folder_route(path.parent) for number, path in enumerate(paths)}
    each = [at.get(path, sizes) for path in paths]
    with serving(engine_routes(home) | books) as base, tempfile.TemporaryDirectory() as work:
        job = {
            "chromium": CHROMIUM,
            "modules": str(home / "node_modules"),
            "base": base,
            "books": [
                {"name": str(number), "url": f"{base}/books/{number}/{quote(path.name)}", "sizes": _sizes(each[number])}
                for number, path in enumerate(paths)
            ],
            "parallel": PARALLEL,
        }
        job_file = Path(work) / "job.json"
        job_file.write_text(json.dumps(job), encoding="utf-8")
        # A book takes a few seconds a size; the timeout grows with the shelf.
        result = run_checker(
            ["node", str(ENGINE / "drive.mjs"), str(job_file)],
            "The reading engine",
            timeout_factor=max(1, sum(map(len, each)) // 8),
        )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])["results"]
    except (json.JSONDecodeError, IndexError, KeyError):
        raise RuntimeError(f"the reading engine did not report: {_failure(result.stdout + result.stderr)}") from None


def _sizes(sizes: tuple[Size, ...]) -> list[dict]:
    return [{"name": size.name, "width": size.width, "height": size.height} for size in sizes]


def _failure(output: str) -> str:
    """What a failed engine printed, cut short: the error's own line first (Node prints the
    failing source line and a caret above it, and the stack below), then the last lines."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    named = next((line for line in lines if re.match(r"^\w*(Error|Exception)\b", line)), "")
    tail = " / ".join(lines[-4:])
    return f"{named} … {tail}"[:600] if named and named not in tail else tail[-600:]
