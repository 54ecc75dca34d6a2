"""Release files in dist/: `SHA256SUMS` (for `sha256sum -c`) and `manifest.json`, and the
`verify` that re-hashes and re-checks every edition against them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import NAME, __version__, checks
from ..checks import Finding
from ..paths import shown_path
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
    try:
        return json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def verify(dist: Path, run_checks: bool = True) -> tuple[int, list[Finding]]:
    """Re-hash every file against the manifest and SHA256SUMS, then re-check each edition.
    Returns the number of files verified and the findings (codes V1xx, and the checks')."""
    manifest = read_manifest(dist)
    if manifest is None:
        return 0, [Finding(shown_path(dist / MANIFEST), "V100", "missing or not JSON; rebuild with folio build")]
    findings: list[Finding] = []
    sums = _read_sums(dist, findings)
    count = 0
    for slug, work in manifest.get("works", {}).items():
        for entry in work["files"]:
            path = dist / entry["name"]
            shown = shown_path(path)
            count += 1
            if not path.is_file():
                findings.append(Finding(shown, "V101", f"listed in the manifest for {slug} but missing"))
                continue
            size, digest = path.stat().st_size, sha256(path)
            if size != entry["size"]:
                findings.append(Finding(shown, "V102", f"size {size:,} bytes, manifest says {entry['size']:,}"))
            if digest != entry["sha256"]:
                findings.append(Finding(shown, "V103", f"sha256 {digest[:16]}… does not match the manifest's {entry['sha256'][:16]}…"))
            if sums.get(entry["name"]) != entry["sha256"]:
                findings.append(Finding(shown, "V104", f"{SUMS} does not list it with the manifest's sha256"))
            if run_checks:
                if path.suffix == ".epub":
                    findings += checks.epubcheck(path)
                else:
                    findings += checks.check_pdf(path, expect_title=work["title"])
    listed = {entry["name"] for work in manifest.get("works", {}).values() for entry in work["files"]}
    for name in sorted(set(sums) - listed):
        findings.append(Finding(shown_path(dist / name), "V105", f"in {SUMS} but not in the manifest"))
    return count, findings


def _read_sums(dist: Path, findings: list[Finding]) -> dict[str, str]:
    sums: dict[str, str] = {}
    try:
        text = (dist / SUMS).read_text(encoding="ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        findings.append(Finding(shown_path(dist / SUMS), "V100", "missing or unreadable; rebuild with folio build"))
        return sums
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            findings.append(Finding(f"{shown_path(dist / SUMS)}:{number}", "V100", "not a `sha256sum` line"))
            continue
        sums[name] = digest
    return sums
