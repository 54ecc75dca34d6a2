"""Release files in dist/: `SHA256SUMS` (for `sha256sum -c`) and `manifest.json`, and the
`verify` that re-hashes and re-checks every edition against them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import NAME, __version__
from ..paths import shown_path

if TYPE_CHECKING:
    from ..checks import Finding

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class BuiltFile:
    """One edition as a worker made it, with the key of the inputs it was made from."""

    name: str
    data: bytes
    key: str | None


@dataclass(frozen=True)
class Built:
    """A work's editions, made and not yet written: what a worker hands back to be committed."""

    slug: str
    title: str
    author: str
    identifier: str
    edition_date: str
    files: list[BuiltFile]


def updated(manifest: dict | None, built: list[Built], present: set[str], drop: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """The manifest after adding what was built and removing the works in `drop`.

    Entries of works not rebuilt are kept while their files are still in the folder
    (`present`), so that building one format or one work does not drop the others."""
    works = dict((manifest or {}).get("works", {}))
    for entry in built:
        previous = {f["name"]: f for f in works.get(entry.slug, {}).get("files", [])}
        for file in entry.files:
            previous[file.name] = {
                "name": file.name, "format": file.name.rsplit(".", 1)[-1], "size": len(file.data),
                "sha256": hashlib.sha256(file.data).hexdigest(), "key": file.key,
            }
        works[entry.slug] = {
            "title": entry.title, "author": entry.author, "identifier": entry.identifier, "edition_date": entry.edition_date,
            "files": sorted(previous.values(), key=lambda f: f["name"]),
        }
    keep = present | {file.name for entry in built for file in entry.files}
    for slug in list(works):
        files = [f for f in works[slug]["files"] if f["name"] in keep]
        if slug in drop or not files:
            del works[slug]
        else:
            works[slug] = works[slug] | {"files": files}
    return {"builder": {"name": NAME, "version": __version__}, "works": dict(sorted(works.items()))}


def release_files(manifest: dict) -> dict[str, bytes]:
    """manifest.json and SHA256SUMS, as bytes, for a manifest."""
    lines = sorted(f"{f['sha256']}  {f['name']}\n" for work in manifest["works"].values() for f in work["files"])
    return {
        MANIFEST: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        SUMS: "".join(lines).encode("ascii"),
    }


def listed_files(manifest: dict | None) -> set[str]:
    return {f["name"] for work in (manifest or {}).get("works", {}).values() for f in work["files"]}


def read_manifest(dist: Path) -> dict | None:
    try:
        return json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def verify(dist: Path, run_checks: bool = True) -> tuple[int, list[Finding]]:
    """Re-hash every file against the manifest and SHA256SUMS, then re-check each edition.
    Returns the number of files verified and the findings (codes V1xx, and the checks')."""
    from .. import checks
    from ..checks import Finding
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
    from ..checks import Finding

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
