"""W3C EPUBCheck, run for real on the built EPUB: nothing reported, not even a warning."""

from __future__ import annotations


def test_epubcheck_reports_nothing(epubcheck_report: dict) -> None:
    messages = [
        f"{m['severity']} {m['ID']}: {m['message']} at {[loc.get('path') for loc in m.get('locations', [])]}"
        for m in epubcheck_report["messages"]
        if m["severity"] in {"FATAL", "ERROR", "WARNING"}
    ]
    assert messages == []
    assert epubcheck_report["checker"]["nFatal"] == epubcheck_report["checker"]["nError"] == epubcheck_report["checker"]["nWarning"] == 0
    assert epubcheck_report["publication"]["ePubVersion"] == "3.3"
