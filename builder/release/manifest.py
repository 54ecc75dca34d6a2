"""Release files in dist/: `SHA256SUMS` (for `sha256sum -c`) and `manifest.json`; `verify.py`
re-hashes and re-checks every edition against them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import NAME, __version__
from ..source.model import Work
from .output import atomic_write

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class Built:
    work: Work
    files: list[Path]


def record(dist: Path, built: list[Built]) -> None:
    """Add what this build made to dist/manifest.json and rewrite dist/SHA256SUMS.

    Entries for works not rebuilt are kept while their files are still in dist/, so that
    building one format or one work does not drop the others from the release."""
    manifest = read_manifest(dist) or {}
    works = manifest.get("works", {})
    for entry in built:
        meta = entry.work.meta
        previous = {f["name"]: f for f in works.get(entry.work.slug, {}).get("files", [])}
        for path in entry.files:
            previous[path.name] = {"name": path.name, "format": path.suffix[1:], "size": path.stat().st_size, "sha256": sha256(path)}
        works[entry.work.slug] = {
            "title": meta.title,
            "author": meta.author,
            "identifier": meta.identifier,
            "edition_date": entry.work.edition_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": sorted(previous.values(), key=lambda f: f["name"]),
        }
    for slug in list(works):
        works[slug]["files"] = [f for f in works[slug]["files"] if (dist / f["name"]).is_file()]
        if not works[slug]["files"]:
            del works[slug]
    manifest = {"builder": {"name": NAME, "version": __version__}, "works": dict(sorted(works.items()))}
    atomic_write(dist / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    lines = sorted(f"{f['sha256']}  {f['name']}\n" for work in works.values() for f in work["files"])
    atomic_write(dist / SUMS, "".join(lines).encode("ascii"))


def read_manifest(dist: Path) -> dict | None:
    """The manifest, or None if there is none or it is not one (verify says what is wrong)."""
    try:
        manifest = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    works = manifest.get("works") if isinstance(manifest, dict) else None
    if not isinstance(works, dict) or not all(isinstance(work, dict) and isinstance(work.get("files"), list) for work in works.values()):
        return None
    files = [entry for work in works.values() for entry in work["files"]]
    return manifest if all(isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in files) else None
