"""`folio verify` trusts nothing it reads: names stay inside the release folder, unlisted
files, zip-slip entries and malformed manifests are problems, and checkers time out."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from builder.checks import validators as checks
from builder.release.manifest import release_files
from builder.release.opds import CATALOGUE
from builder.release.verify import verify
from tests.conftest import SLUG, run_cli

EPUB, PDF = f"{SLUG}.epub", f"{SLUG}.pdf"


@pytest.fixture
def dist(built: Path, tmp_path: Path) -> Path:
    """A copy of the session's release folder (the letter's EPUB and PDF), to break."""
    target = tmp_path / "release" / "dist"
    shutil.copytree(built, target)
    return target


def listed(dist: Path) -> int:
    """How many editions the release's manifest lists (every kind the registry makes by default)."""
    return len(json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["works"][SLUG]["files"])


def codes(dist: Path) -> list[str]:
    return sorted(finding.code for finding in verify(dist, run_checks=False)[1])


def rewrite_manifest(dist: Path, change: object) -> None:
    """Change the manifest, and the catalogue with it (a catalogue that says other than the
    manifest is a problem of its own, test_opds.py), leaving the editions' sums as they are."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    change(manifest)  # type: ignore[operator]
    written = release_files(manifest)
    manifest["catalogue"] = json.loads(written["manifest.json"])["catalogue"]
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (dist / CATALOGUE).write_bytes(written[CATALOGUE])
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    line = f"{manifest['catalogue']['sha256']}  {CATALOGUE}"
    (dist / "SHA256SUMS").write_text(
        "".join(f"{line if row.endswith(f'  {CATALOGUE}') else row}\n" for row in sums), encoding="ascii"
    )


def replace_file(dist: Path, name: str, data: bytes) -> None:
    """Put new bytes under a listed name, with the manifest and the sums updated to match."""
    digest = hashlib.sha256(data).hexdigest()
    (dist / name).write_bytes(data)

    def update(manifest: dict) -> None:
        for entry in manifest["works"][SLUG]["files"]:
            if entry["name"] == name:
                entry.update(size=len(data), sha256=digest)

    rewrite_manifest(dist, update)
    sums = [
        line if not line.endswith(f"  {name}") else f"{digest}  {name}"
        for line in (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    ]
    (dist / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="ascii")


def test_a_true_release_folder_has_no_problem(dist: Path) -> None:
    assert verify(dist, run_checks=False) == (
        listed(dist),
        [],
    )  # EPUB, Kobo EPUB, Kindle AZW3, PDF, the catalogue's cover


@pytest.mark.parametrize(
    "name",
    ["../../secret.txt", "/etc/passwd", "..", ".", "sub/x.pdf", "C:\\x.pdf", "C:x.pdf", "a\\b.pdf", "x\x00y.pdf", ""],
)
def test_names_leading_out_of_the_folder_are_not_read(dist: Path, name: str) -> None:
    secret = dist.parent.parent / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    editions = listed(dist)
    rewrite_manifest(
        dist,
        lambda m: m["works"][SLUG]["files"].append({"name": name, "format": "pdf", "size": 18, "sha256": "0" * 64}),
    )
    count, findings = verify(dist, run_checks=False)
    assert [f.code for f in findings] == ["V111"] and count == editions
    assert repr(name) in findings[0].message and "not a plain file name" in findings[0].message
    assert "TOP SECRET" not in str(findings)


@pytest.mark.parametrize("target", ["/etc/passwd", EPUB])
def test_a_link_is_not_followed(dist: Path, target: str) -> None:
    """Out of the folder or inside it: a release holds files, not links."""
    (dist / PDF).unlink()
    (dist / PDF).symlink_to(target)
    findings = verify(dist, run_checks=False)[1]
    assert [f.code for f in findings] == ["V111"] and "is a link" in findings[0].message


def test_an_epub_that_is_not_a_zip(dist: Path) -> None:
    replace_file(dist, EPUB, b"not a zip at all")
    findings = verify(dist, run_checks=False)[1]
    assert [(Path(f.path).name, f.code) for f in findings] == [(EPUB, "V113")] and "not a readable zip" in findings[
        0
    ].message


def test_unlisted_files_are_problems(dist: Path) -> None:
    (dist / f"{SLUG}-a4.pdf").write_bytes(b"%PDF-1.7 stray")
    (dist / "notes").mkdir()
    (dist / ".folio.lock").write_text("")  # hidden: a build's own file, never released
    findings = verify(dist, run_checks=False)[1]
    assert sorted((Path(f.path).name, f.code) for f in findings) == [(f"{SLUG}-a4.pdf", "V112"), ("notes", "V112")]


def _epub_with(dist: Path, extra: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(dist / EPUB) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name in extra:
            with pytest.warns(UserWarning) if name in source.namelist() else _nothing():
                target.writestr(name, b"x")
    return out.getvalue()


class _nothing:
    def __enter__(self) -> None: ...
    def __exit__(self, *args: object) -> None: ...


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("../../evil.sh", "V113"),
        ("/etc/cron.d/evil", "V113"),
        ("EPUB\\..\\..\\evil", "V113"),
        ("EPUB/text.xhtml", "V114"),
    ],
)
def test_epub_entry_names_are_checked(dist: Path, entry: str, code: str) -> None:
    replace_file(dist, EPUB, _epub_with(dist, [entry]))
    findings = verify(dist, run_checks=False)[1]
    assert [(Path(f.path).name, f.code) for f in findings] == [(EPUB, code)] and repr(entry) in findings[0].message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{\n  "works": {\n    "x": \n', 4),
        ('{"works": [1, 2]}', None),
        ("[1, 2]", None),
        ('{\n "works": {\n  "w": {"files": [{"name": "w.pdf"}]}}}', 3),
    ],
)
def test_a_malformed_manifest_is_an_error_with_its_line(dist: Path, text: str, line: int | None) -> None:
    (dist / "manifest.json").write_text(text, encoding="utf-8")
    findings = verify(dist, run_checks=False)[1]
    assert [f.code for f in findings] == ["V110"]
    assert findings[0].path.endswith(f"manifest.json:{line}" if line else "manifest.json")


def test_sums_that_disagree_with_the_manifest(dist: Path) -> None:
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    flipped = [("f" * 64 + line[64:]) if line.endswith(EPUB) else line for line in sums]
    (dist / "SHA256SUMS").write_text("\n".join(flipped) + "\n", encoding="ascii")
    assert codes(dist) == ["V104"]
    (dist / "SHA256SUMS").write_text(
        "\n".join(line for line in sums if not line.endswith(PDF)) + "\n", encoding="ascii"
    )
    assert codes(dist) == ["V104"]


def test_sums_listing_a_file_the_manifest_does_not(dist: Path) -> None:
    with (dist / "SHA256SUMS").open("a", encoding="ascii") as sums:
        sums.write(f"{'a' * 64}  {SLUG}-letter.pdf\n")
    findings = verify(dist, run_checks=False)[1]
    assert [f.code for f in findings] == ["V105"] and f"{SLUG}-letter.pdf" in findings[0].message


def test_a_hung_checker_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epub_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "java").write_text("#!/bin/sh\nexec sleep 60\n")
    (fake / "java").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FOLIO_CHECK_TIMEOUT", "1")
    findings = checks.epubcheck(epub_path)
    assert [f.code for f in findings] == ["E100"] and "did not finish within 1 s" in findings[0].message


def test_verify_and_check_fail_on_their_findings(dist: Path) -> None:
    """The commands exit 1 on a problem they find, and name it (not only `--help` is run)."""
    replace_file(dist, PDF, b"%PDF-1.7\nnot really a PDF\n")  # listed and summed as it is: only reading it back fails
    result = run_cli("check", str(dist / PDF))
    assert result.returncode == 1 and "[P100]" in result.stderr and "Traceback" not in result.stderr, (
        result.stdout + result.stderr
    )
    (dist / EPUB).write_bytes(b"changed")
    result = run_cli("verify", str(dist), "--no-checks")
    assert result.returncode == 1 and "[V103]" in result.stderr and "Traceback" not in result.stderr, (
        result.stdout + result.stderr
    )


def test_sums_missing_or_malformed(dist: Path) -> None:
    sums = (dist / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    (dist / "SHA256SUMS").write_text(
        "\n".join([sums[0], "not a sum line", *sums[1:], sums[1]]) + "\n", encoding="ascii"
    )
    findings = verify(dist, run_checks=False)[1]
    assert [(f.path.rsplit("/", 1)[-1], f.code) for f in findings] == [
        ("SHA256SUMS:2", "V100"),
        (f"SHA256SUMS:{len(sums) + 2}", "V105"),
    ]
    assert "twice" in findings[1].message
    (dist / "SHA256SUMS").unlink()
    findings = verify(dist, run_checks=False)[1]
    assert [f.code for f in findings] == ["V100", *["V104"] * listed(dist), "V123"] and findings[0].path.endswith(
        "SHA256SUMS"
    )
