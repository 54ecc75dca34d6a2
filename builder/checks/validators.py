"""Checks of built editions, each finding with a stable code: W3C EPUBCheck and DAISY Ace for
the EPUB; for the PDF, what can be read back (text, embedded fonts, metadata, tags, bookmarks).

Codes: E1xx EPUBCheck (the message carries EPUBCheck's own ID), E2xx DAISY Ace, P1xx PDF,
P03x the PDF's conformance (PDF/UA-1, PDF/A-2u) in the page-validation validator, and a
print cover's fit to the interior beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from page import PageError, ValidationProfile, validate_pdf
from pypdf import PdfReader

from ..editions.pdf_fonts import pdf_dictionary, stray_fonts, unembedded_fonts
from ..errors import Finding
from ..paths import SCRIPTS, shown_path
from . import epubcheck_service

ACE_SCRIPT = SCRIPTS / "ace"
# Every external checker runs with a timeout, so that a hung Java or Chromium cannot hang
# `check` or `verify`: FOLIO_CHECK_TIMEOUT seconds (default 300, ample for a book of 20 MB).
DEFAULT_TIMEOUT = 300


def timeout() -> float:
    try:
        return max(1.0, float(os.environ.get("FOLIO_CHECK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def run_checker(
    command: list[str], what: str, env: dict[str, str] | None = None, timeout_factor: int = 1
) -> subprocess.CompletedProcess[str]:
    """Run an external checker; RuntimeError if it cannot start or outlives the timeout."""
    limit = timeout() * timeout_factor
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"{what} did not finish within {limit:g} s (FOLIO_CHECK_TIMEOUT); it was stopped") from None
    except OSError as error:
        raise RuntimeError(f"{what} could not start: {error}") from None


def epubcheck_report(path: Path) -> dict:
    """W3C EPUBCheck's JSON report on a file (EPUBCheck as bundled by the `epubcheck` package)."""
    from epubcheck.const import EPUBCHECK

    java = shutil.which("java")
    if java is None:
        raise RuntimeError("EPUBCheck needs Java 17 or newer; install it (Debian: default-jre-headless)")
    try:  # one Java VM for every book this process checks
        report, problem = epubcheck_service.report(java, EPUBCHECK, path, timeout()), "its report is not JSON"
    except TimeoutError:
        raise RuntimeError(
            f"EPUBCheck did not finish within {timeout():g} s (FOLIO_CHECK_TIMEOUT); it was stopped"
        ) from None
    except epubcheck_service.Unavailable:
        # C1 only: EPUBCheck is a short run, and the JIT's later tiers only slow its start.
        result = run_checker(
            [java, "-XX:TieredStopAtLevel=1", "-jar", EPUBCHECK, str(path), "--json", "-", "-q"], "EPUBCheck"
        )
        report, problem = result.stdout, result.stderr.strip()[:300]
    try:
        return json.loads(report)
    except json.JSONDecodeError:
        raise RuntimeError(f"EPUBCheck did not run: {problem}") from None


def epubcheck(path: Path, expect_title: str | None = None) -> list[Finding]:
    """Every fatal, error and warning EPUBCheck reports (the title is EPUBCheck's to compare
    with the package's own: `expect_title` is there for the signature every kind's check has)."""
    shown = shown_path(path)
    try:
        report = epubcheck_report(path)
    except RuntimeError as error:
        return [Finding(shown, "E100", str(error))]
    findings = []
    for message in report.get("messages", []):
        if message["severity"] not in {"FATAL", "ERROR", "WARNING"}:
            continue
        where = ", ".join(
            f"{loc.get('path')}:{loc.get('line')}" for loc in message.get("locations", [])
        )  # every place it names
        findings.append(
            Finding(
                shown,
                "E101",
                f"EPUBCheck {message['severity'].lower()} {message['ID']}: {message['message']} ({where})",
            )
        )
    return findings


def ace_available() -> bool:
    return ACE_SCRIPT.exists() and shutil.which("node") is not None and shutil.which("npm") is not None


@cache
def _install_ace() -> None:
    """First use installs Chromium and Ace, which may take longer than a check."""
    result = run_checker([str(ACE_SCRIPT), "--install"], "Installing Ace", timeout_factor=6)
    if result.returncode != 0:
        raise RuntimeError(f"Ace could not be installed: {(result.stdout + result.stderr).strip()[-500:]}")


def ace(path: Path) -> list[Finding]:
    """DAISY Ace, through scripts/ace (which installs it on first use): every violation."""
    return ace_books([path])[path]


def ace_books(paths: list[Path]) -> dict[Path, list[Finding]]:
    """Each file's Ace violations, every file checked in one run of Ace (one browser).

    Ace's headless Chromium now and then crashes on a file it checks fine the next time;
    a file with no report is checked once more. A violation is never retried."""
    try:
        _install_ace()
        reports, output = _ace_once(paths)
        if missing := [path for path in paths if reports.get(path) is None]:
            again, output = _ace_once(missing)
            reports |= again
    except RuntimeError as error:
        return {path: [Finding(shown_path(path), "E200", str(error))] for path in paths}
    return {path: _violations(path, reports.get(path), output) for path in paths}


def _violations(path: Path, report: dict | None, output: str) -> list[Finding]:
    shown = shown_path(path)
    if report is None:
        return [Finding(shown, "E200", f"Ace could not check the file (twice): {output}")]
    findings = []
    for document in report.get("assertions", []):
        for assertion in document.get("assertions", []):
            test = assertion["earl:test"]
            where = document.get("earl:testSubject", {}).get("url", "")
            findings.append(Finding(shown, "E201", f"Ace {test['earl:impact']}: {test['dct:title']} in {where}"))
    return findings


def _ace_once(paths: list[Path]) -> tuple[dict[Path, dict | None], str]:
    """Ace's report on each file (None where it wrote none), and the end of its output."""
    with tempfile.TemporaryDirectory() as reports:
        result = run_checker(
            [str(ACE_SCRIPT), *map(str, paths)],
            "Ace",
            env=os.environ | {"ACE_REPORTS": reports},
            timeout_factor=max(1, len(paths) // 4),
        )
        found = {}
        for number, path in enumerate(paths):
            report_file = Path(reports) / str(number) / "report.json"
            found[path] = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else None
    return found, (result.stdout + result.stderr).strip()[-500:]


def check_pdf(path: Path, expect_text: list[str] | None = None, expect_title: str | None = None) -> list[Finding]:
    """Read a PDF back: text on its pages, every font embedded, metadata, tags, bookmarks."""
    shown = shown_path(path)
    try:
        found = _read_back(path, shown, expect_text, expect_title)
    except Exception as error:  # a damaged file raises many kinds of error, wherever it is read; each is a finding
        return [Finding(shown, "P100", f"cannot be read as a PDF: {error}")]
    return found + conformance(path)


def _read_back(path: Path, shown: str, expect_text: list[str] | None, expect_title: str | None) -> list[Finding]:
    reader = PdfReader(path, strict=True)
    text = pdf_text(path)
    findings = []
    if not text.strip():
        findings.append(Finding(shown, "P101", "no text can be read from the pages"))
    for missing in [wanted for wanted in expect_text or [] if wanted not in text]:
        findings.append(Finding(shown, "P101", f"text not found: {missing!r}"))
    for name in sorted(unembedded_fonts(reader)):
        findings.append(Finding(shown, "P102", f"font not embedded: {name}"))
    for name in sorted(stray_fonts(reader)):
        findings.append(
            Finding(
                shown, "P106", f"set partly in {name}, not in the book's typefaces: the text has characters they lack"
            )
        )
    info: Any = reader.metadata or {}
    for key in ("/Title", "/Author", "/CreationDate"):
        if not info.get(key):
            findings.append(Finding(shown, "P103", f"metadata {key[1:]} is missing"))
    if expect_title is not None and info.get("/Title") != expect_title:
        findings.append(Finding(shown, "P103", f"metadata Title is {info.get('/Title')!r}, not {expect_title!r}"))
    catalog = reader.root_object
    if "/Lang" not in catalog:
        findings.append(Finding(shown, "P103", "the document language (/Lang) is missing"))
    if "/StructTreeRoot" not in catalog or not pdf_dictionary(catalog.get("/MarkInfo")).get("/Marked"):
        findings.append(Finding(shown, "P104", "not a tagged PDF (no structure tree, or not marked)"))
    if not pdf_dictionary(catalog.get("/ViewerPreferences")).get("/DisplayDocTitle"):
        findings.append(Finding(shown, "P104", "viewers are not told to show the title (DisplayDocTitle)"))
    if not reader.outline:
        findings.append(Finding(shown, "P105", "no bookmarks"))
    return findings


def pdf_text(path: Path) -> str:
    """The text of every page, as PDFium reads it back (pypdf takes twenty times as long: six
    seconds for Capital's 68 pages). PDFium joins a word hyphenated at a line's end with
    U+FFFE; it is given back as the page prints it, a hyphen and a new line."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(
            page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\ufffe", "-\n") for page in document
        )
    finally:
        document.close()


def check_print_cover(path: Path, expect_title: str | None = None) -> list[Finding]:
    """A print cover is a PDF read back like the interior, and sized for the interior beside it."""
    return check_pdf(path, expect_title=expect_title) + cover_fit(path)


def cover_fit(path: Path) -> list[Finding]:
    """A print cover next to its interior, as in dist/: sized for its trim and page count (P033).
    Measured with pypdf (editions/cover_sheet.py): checking a cover loads no writer."""
    from ..editions.cover_sheet import misfit
    from ..editions.kinds import KINDS, kind_of_file

    cover = kind_of_file(path.name)
    if cover is None or cover.needs is None:
        return []
    stem, made_from = path.name.removesuffix(cover.suffix), KINDS[cover.needs]  # "<slug>-<trim>", the interior's kind
    names = (made_from.file_name(stem, made_from.variant(marks=marks)) for marks in (False, True))
    interior = next((p for p in map(path.with_name, names) if p.is_file()), None)
    if interior is None:
        return []  # a cover on its own has nothing to be measured against
    try:
        problem = misfit(path.read_bytes(), interior.read_bytes())
    except Exception as error:  # either PDF damaged: the interior's own check names its damage
        problem = f"cannot be measured against {interior.name}: {error}"
    return [Finding(shown_path(path), "P033", problem)] if problem else []


# Every PDF the builder makes claims both: PDF/UA-1 for reading, PDF/A-2u for archives.
PROFILES = {"P030": ValidationProfile.PDF_UA_1, "P031": ValidationProfile.PDF_A_2U}


def conformance(path: Path) -> list[Finding]:
    """Each rule of PDF/UA-1 (P030) and PDF/A-2u (P031) the file fails in page-validation, an
    independent validator that passes veraPDF's test corpus; P032 if it cannot read the file."""
    shown = shown_path(path)
    findings = []
    for code, profile in PROFILES.items():
        try:
            report = validate_pdf(path, profile=profile)
        except PageError as error:
            return [Finding(shown, "P032", f"the PDF/UA and PDF/A validator cannot read the file: {error}")]
        name = "PDF/UA-1" if profile is ValidationProfile.PDF_UA_1 else "PDF/A-2u"
        findings += [
            Finding(shown, code, f"not {name}: {failure.rule_id}: {failure.message}") for failure in report.failures
        ]
    return findings
