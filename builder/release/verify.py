"""`folio verify`: re-hash every file of a release folder against manifest.json and SHA256SUMS,
and re-check each edition.

A release folder may come from anywhere (a download, a colleague's disk), so nothing in it is
trusted: a name must be a plain file name in the folder (never `../x`, `/etc/passwd` or a
link leading out), every file there must be listed, and an EPUB's entry names are checked
as an unzipper would meet them (zip-slip).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..checks.kinds import check
from ..editions.kinds import KINDS, Kind, kind_of_file
from ..errors import Finding
from ..paths import shown_path
from .manifest import MANIFEST, SUMS, sha256
from .opds import CATALOGUE, catalogue, opds_links

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def verify(dist: Path, run_checks: bool = True) -> tuple[int, list[Finding]]:
    """Re-hash every file against the manifest and SHA256SUMS, then re-check each edition.
    Returns the number of files verified and the findings (codes V1xx, and the checks')."""
    findings: list[Finding] = []
    manifest = _read_manifest(dist, findings)
    if manifest is None:
        return 0, findings
    works: dict[str, Any] = manifest["works"]
    sums = _read_sums(dist, findings)
    count = 0
    listed: set[str] = set()
    for slug, work in works.items():
        for entry in work["files"]:
            name = entry["name"]
            listed.add(name)
            if (problem := _not_plain(dist, name)) is not None:
                findings.append(
                    Finding(shown_path(dist / MANIFEST), "V111", f"{slug} lists {name!r}, {problem}; it was not read")
                )
                continue
            path = dist / name
            shown = shown_path(path)
            count += 1
            if not path.is_file():
                findings.append(Finding(shown, "V101", f"listed in the manifest for {slug} but missing"))
                continue
            size, digest = path.stat().st_size, sha256(path)
            if size != entry["size"]:
                findings.append(Finding(shown, "V102", f"size {size:,} bytes, manifest says {entry['size']:,}"))
            if digest != entry["sha256"]:
                findings.append(
                    Finding(
                        shown, "V103", f"sha256 {digest[:16]}… does not match the manifest's {entry['sha256'][:16]}…"
                    )
                )
            if sums.get(name) != entry["sha256"]:
                findings.append(Finding(shown, "V104", f"{SUMS} does not list it with the manifest's sha256"))
            kind = _kind(entry)
            if kind is None:
                findings.append(
                    Finding(
                        shown,
                        "V120",
                        f"of no kind this builder makes ({entry.get('kind')!r}); rebuild with folio build",
                    )
                )
                continue
            if kind.zipped:
                findings += _epub_entry_names(path)
            if run_checks:
                findings += check(kind, path, work.get("title"))
    findings += _catalogue(dist, manifest, sums)
    listed.add(CATALOGUE)
    for name in sorted(set(sums) - listed):
        findings.append(Finding(shown_path(dist / SUMS), "V105", f"lists {name!r}, which the manifest does not"))
    for path in sorted(dist.iterdir()):
        # Hidden files (a build's lock or temporary file) are not part of a release; every
        # other file is, and the release workflow uploads every edition it finds.
        if path.name not in listed | {MANIFEST, SUMS} and not path.name.startswith("."):
            findings.append(
                Finding(
                    shown_path(path), "V112", "in the release folder but not in the manifest; rebuild, or remove it"
                )
            )
    return count, findings


def _catalogue(dist: Path, manifest: dict[str, Any], sums: dict[str, str]) -> list[Finding]:
    """The catalogue: listed in the manifest and the sums with its own hash, every link a
    file of the release with the manifest's media type, and exactly the catalogue the
    manifest makes (so nothing in it can say other than the manifest does)."""
    path = dist / CATALOGUE
    shown = shown_path(path)
    entry = manifest.get("catalogue")
    if not path.is_file() or path.is_symlink():
        return [
            Finding(shown, "V122", "missing; rebuild with folio build (the catalogue is written with the manifest)")
        ]
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    findings = []
    if (
        not isinstance(entry, dict)
        or entry.get("name") != CATALOGUE
        or entry.get("sha256") != digest
        or entry.get("size") != len(data)
    ):
        findings.append(Finding(shown, "V123", f"not the catalogue {MANIFEST} lists (sha256 {digest[:16]}…)"))
    if sums.get(CATALOGUE) != digest:
        findings.append(Finding(shown, "V123", f"{SUMS} does not list it with its sha256"))
    try:
        links = opds_links(data)
    except ValueError as error:
        return [*findings, Finding(shown, "V124", f"not an OPDS catalogue: {error}")]
    files = {f["name"]: f for work in manifest["works"].values() for f in work["files"]}
    # Each link names a file the manifest lists (whose presence and hash are checked above),
    # with the media type of its kind.
    for href, media_type in links:
        if href not in files:
            findings.append(Finding(shown, "V124", f"links to {href!r}, which is not a file of the release"))
        elif media_type != files[href].get("media_type"):
            findings.append(
                Finding(
                    shown,
                    "V124",
                    f"links to {href!r} as {media_type}, which the manifest lists as {files[href].get('media_type')}",
                )
            )
    if data != catalogue({"builder": manifest.get("builder"), "works": manifest["works"]}):
        findings.append(Finding(shown, "V125", "does not say what the manifest says; rebuild with folio build"))
    return findings


def _kind(entry: dict[str, Any]) -> Kind | None:
    """A file's kind: as the manifest records it, or (a manifest from before kinds were
    recorded) as its name says."""
    if "kind" in entry:
        return KINDS.get(entry["kind"]) if isinstance(entry["kind"], str) else None
    return kind_of_file(entry["name"])


def _not_plain(dist: Path, name: str) -> str | None:
    """Why `name` is not a plain file name inside `dist`, or None if it is."""
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name or PureWindowsPath(name).drive:
        return "which is not a plain file name"
    path = dist / name
    if path.is_symlink() or not path.resolve().is_relative_to(dist.resolve()):
        return "which is a link (a release folder holds files, not links)"
    return None


def _epub_entry_names(path: Path) -> list[Finding]:
    """Zip-slip and its kin: an entry name an unzipper would write outside its folder, or twice."""
    shown = shown_path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError) as error:
        return [Finding(shown, "V113", f"not a readable zip: {error}")]
    findings = []
    seen: set[str] = set()
    for name in names:
        pure = PurePosixPath(name)
        if pure.is_absolute() or PureWindowsPath(name).drive:
            findings.append(Finding(shown, "V113", f"entry {name!r} has an absolute path"))
        elif "\\" in name:
            findings.append(
                Finding(shown, "V113", f"entry {name!r} has a backslash, which Windows unzippers read as a folder")
            )
        elif ".." in pure.parts:
            findings.append(Finding(shown, "V113", f"entry {name!r} leads out of the folder it is unpacked into"))
        if name in seen:
            findings.append(Finding(shown, "V114", f"entry {name!r} is in the zip twice"))
        seen.add(name)
    return findings


def _read_manifest(dist: Path, findings: list[Finding]) -> dict[str, Any] | None:
    """The manifest, its works each checked to have the shape `record` writes; None (with a
    finding naming the line where there is one) if it cannot be trusted at all."""
    path = dist / MANIFEST
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        findings.append(Finding(shown, "V100", "missing; rebuild with folio build"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        findings.append(Finding(shown, "V110", f"cannot be read: {error}; rebuild with folio build"))
        return None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        findings.append(
            Finding(
                f"{shown}:{error.lineno}",
                "V110",
                f"not JSON: {error.msg} (column {error.colno}); rebuild with folio build",
            )
        )
        return None
    works = manifest.get("works") if isinstance(manifest, dict) else None
    if not isinstance(works, dict):
        findings.append(Finding(shown, "V110", 'has no "works" object; rebuild with folio build'))
        return None
    for slug, work in works.items():
        files = work.get("files") if isinstance(work, dict) else None
        if not isinstance(files, list) or not all(_is_entry(entry) for entry in files):
            line = next((n for n, row in enumerate(text.splitlines(), 1) if f'"{slug}"' in row), None)
            findings.append(
                Finding(
                    f"{shown}:{line}" if line else shown,
                    "V110",
                    f"the entry for {slug!r} is not a list of files with "
                    "name, size and sha256; rebuild with folio build",
                )
            )
            return None
    return manifest


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
        and bool(_DIGEST.match(entry["sha256"]))
    )


def _read_sums(dist: Path, findings: list[Finding]) -> dict[str, str]:
    sums: dict[str, str] = {}
    try:
        text = (dist / SUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        findings.append(Finding(shown_path(dist / SUMS), "V100", "missing or unreadable; rebuild with folio build"))
        return sums
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if not _DIGEST.match(digest) or not name:
            findings.append(Finding(f"{shown_path(dist / SUMS)}:{number}", "V100", "not a `sha256sum` line"))
            continue
        if name in sums:
            findings.append(Finding(f"{shown_path(dist / SUMS)}:{number}", "V105", f"lists {name!r} twice"))
        sums[name] = digest
    return sums
