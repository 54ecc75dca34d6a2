"""`folio verify`: re-hash every file of a release folder against manifest.json and SHA256SUMS,
and re-check each edition."""

from __future__ import annotations

from pathlib import Path

from .. import checks
from ..checks import Finding
from ..paths import shown_path
from .manifest import MANIFEST, SUMS, read_manifest, sha256


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
