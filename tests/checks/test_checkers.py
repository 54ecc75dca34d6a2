"""The external checkers as the suite meets them: Ace's crash retried once (a finding never),
and a hung checker stopped by its timeout (see also test_verify)."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pytest

from builder.checks import validators as checks
from tests.conftest import SLUG, run_here

# A stand-in for scripts/ace: logs each run's files, crashes (writes no report) on the runs
# listed in CRASH, leaves out the report of a file named "flaky…" on its first run, and
# otherwise writes each file's report, with VIOLATIONS assertions, under $ACE_REPORTS/<n>/.
FAKE_ACE = """#!/bin/sh
[ "$1" = "--install" ] && exit 0
echo "$*" >> "{log}"
runs=$(wc -l < "{log}")
case " {crash} " in *" $runs "*) echo "Chromium crashed" >&2; exit 2;; esac
n=0
for book in "$@"; do
  case "$book" in *flaky*) if [ "$runs" = 1 ]; then n=$((n+1)); continue; fi;; esac
  mkdir -p "$ACE_REPORTS/$n"
  echo '{report}' > "$ACE_REPORTS/$n/report.json"
  n=$((n+1))
done
"""
VIOLATION = {"earl:test": {"earl:impact": "serious", "dct:title": "page-title"}}


def fake_ace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: list[int], violations: int) -> Path:
    log = tmp_path / "runs.log"
    report = {"assertions": [{"earl:testSubject": {"url": "text.xhtml"}, "assertions": [VIOLATION] * violations}]}
    script = tmp_path / "ace"
    script.write_text(FAKE_ACE.format(log=log, crash=" ".join(map(str, crash)), report=json.dumps(report)))
    script.chmod(0o755)
    monkeypatch.setattr(checks, "ACE_SCRIPT", script)
    checks._install_ace.cache_clear()
    return log


@pytest.mark.parametrize(
    ("crash", "violations", "runs", "found"),
    [([], 0, 1, []), ([1], 0, 2, []), ([1, 2], 0, 2, ["E200"]), ([], 2, 1, ["E201", "E201"]), ([1], 1, 2, ["E201"])],
)
def test_ace_retries_a_crash_once_and_never_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash: list[int], violations: int, runs: int, found: list[str]
) -> None:
    log = fake_ace(tmp_path, monkeypatch, crash, violations)
    epub = tmp_path / "book.epub"
    epub.write_bytes(b"PK")
    findings = checks.ace(epub)
    assert [finding.code for finding in findings] == found
    assert len(log.read_text().splitlines()) == runs
    if found == ["E200"]:
        assert "Chromium crashed" in findings[0].message


def test_ace_checks_many_books_in_one_run_and_retries_only_those_it_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fake_ace(tmp_path, monkeypatch, [], 1)
    books = [tmp_path / name for name in ("a.epub", "flaky.epub", "c.epub")]
    for book in books:
        book.write_bytes(b"PK")
    found = checks.ace_books(books)
    assert {book.name: [f.code for f in findings] for book, findings in found.items()} == {
        "a.epub": ["E201"],
        "flaky.epub": ["E201"],
        "c.epub": ["E201"],
    }
    assert log.read_text().splitlines() == [" ".join(map(str, books)), str(books[1])]


def test_the_ace_script_pins_one_version() -> None:
    script = checks.ACE_SCRIPT.read_text(encoding="utf-8")
    assert "ace_version=1.4.6" in script and '"@daisy/ace@$ace_version"' in script and "@daisy/ace@1 " not in script


def test_check_runs_ace_once_for_every_epub(built_shelf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`folio check --ace` gives every EPUB to one run of Ace, and reports each one's findings."""
    log = fake_ace(tmp_path, monkeypatch, [], 1)
    books = tmp_path / "books"
    books.mkdir()
    names = [f"{SLUG}.epub", "marx-1845-theses-on-feuerbach.epub"]
    for name in names:
        shutil.copy(built_shelf / name, books / name)
    result = run_here("check", "--ace", str(books))
    assert result.returncode == 1, result.stdout + result.stderr
    assert [line.count("[E201]") for line in result.stderr.splitlines() if "[E201]" in line] == [1, 1]
    assert all(name in result.stderr for name in names)
    assert len(log.read_text().splitlines()) == 1


# Ace's own packages as scripts/ace-batch.cjs calls them, faked in a cache folder: each book's
# report names the book, so that a report given to the wrong file is seen.
FAKE_ACE_PACKAGES = {
    "package.json": "{}",
    "node_modules/@daisy/ace/package.json": '{"version": "1.4.6"}',
    "node_modules/.bin/ace-puppeteer": "",
    "node_modules/@daisy/ace-logger/index.js": "module.exports = { initLogger() {} }",
    "node_modules/@daisy/ace-axe-runner-puppeteer/index.js": "module.exports = { launched: 0, async launch() "
    "{ this.launched++ }, async close() {} }",
    "node_modules/@daisy/ace-core/index.js": """
const fs = require('fs'), path = require('path')
module.exports = async (epub, options, runner) => {
    await runner.launch()
    if (epub.includes('broken')) throw new Error('not an EPUB')
    fs.mkdirSync(options.outdir, { recursive: true })
    const url = path.basename(epub) + ' launched ' + require('@daisy/ace-axe-runner-puppeteer').launched
    const assertions = [{ 'earl:test': { 'earl:impact': 'minor', 'dct:title': 'named' } }]
    const report = { assertions: [{ 'earl:testSubject': { url }, assertions }] }
    fs.writeFileSync(path.join(options.outdir, 'report.json'), JSON.stringify(report))
}""",
}


def test_the_ace_script_numbers_each_report_by_its_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing file or a book Ace cannot check gets no report, and shifts nobody else's; the
    browser is launched once for all of them."""
    cache = tmp_path / "ace-home"
    for name, text in FAKE_ACE_PACKAGES.items():
        (cache / name).parent.mkdir(parents=True, exist_ok=True)
        (cache / name).write_text(text, encoding="utf-8")
    (cache / "node_modules/.bin/ace-puppeteer").chmod(0o755)  # else scripts/ace installs the real Ace
    monkeypatch.setenv("ACE_HOME", str(cache))
    monkeypatch.setenv("CHROMIUM", shutil.which("true") or "/bin/true")
    monkeypatch.chdir(tmp_path)  # `folio check --ace .` gives names as they are, "-x.epub" too
    books = [
        tmp_path / "a.epub",
        tmp_path / "missing.epub",
        tmp_path / "broken.epub",
        tmp_path / "d e\n.epub",
        Path("-x.epub"),
    ]
    for book in books:
        if book.name != "missing.epub":
            book.write_bytes(b"PK")
    found = checks.ace_books(books)
    assert [f.message for f in found[books[0]]] == ["Ace minor: named in a.epub launched 1"]
    assert [f.message for f in found[books[3]]] == ["Ace minor: named in d e\n.epub launched 1"]
    assert [f.message for f in found[books[4]]] == ["Ace minor: named in -x.epub launched 1"]
    assert [f.code for f in found[books[1]]] == [f.code for f in found[books[2]]] == ["E200"]
    assert "broken.epub: Ace could not check it: not an EPUB" in found[books[2]][0].message


def test_a_pdf_damaged_where_its_fonts_are_is_a_finding_not_a_crash(built_shelf: Path, tmp_path: Path) -> None:
    """Its text still reads back (PDFium), but a font it points at is not there: P100, and a
    cover beside a damaged interior is measured as unmeasurable (P033), not a traceback."""
    plain = io.BytesIO()  # the objects out of their streams, where a reference can be edited
    with pikepdf.open(built_shelf / f"{SLUG}.pdf") as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = plain.getvalue()
    reference = re.search(rb"/FontDescriptor (\d+) 0 R", data)
    assert reference
    damaged = tmp_path / f"{SLUG}.pdf"
    damaged.write_bytes(
        data[: reference.start()] + reference.group(0).replace(b" 0 R", b" 1 R") + data[reference.end() :]
    )
    assert [f.code for f in checks.check_pdf(damaged)] == ["P100"]
    cover = tmp_path / f"{SLUG}-cover.pdf"
    damaged.write_bytes(data[: len(data) // 2])
    shutil.copy(built_shelf / f"{SLUG}.pdf", cover)  # a readable PDF where the cover should be
    assert "P033" in [f.code for f in checks.cover_fit(cover)]
