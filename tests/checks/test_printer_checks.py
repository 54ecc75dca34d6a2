"""A printer's checks (builder/checks/printers.py) on files that are not what a printer asks
for: the archival PDF, tagged and in sRGB, taken for a KDP interior; a cover with no interior
beside it; a file whose name names no printer. Each printer's own files pass them
(tests/editions/test_printers.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from builder.checks.printers import check_printer_cover, check_printer_interior, check_printer_pdf
from builder.editions.kinds import KINDS, PRINTER, Variant


def test_the_archival_pdf_is_no_printers_interior(pdf_path: Path) -> None:
    """The letter's A5 PDF: PDF/A and PDF/UA but not PDF/X, drawn in RGB, and 8 pages."""
    found = check_printer_pdf(pdf_path, "kdp")
    codes = {finding.code for finding in found}
    assert {"P062", "P064", "P066"} <= codes, found
    assert any("24 or more" in finding.message for finding in found)
    assert not any(finding.code == "P065" for finding in found)  # its fonts are embedded


def test_files_are_read_by_the_printer_their_name_gives(pdf_path: Path, tmp_path: Path) -> None:
    interior, cover = (kind for kind in KINDS.values() if PRINTER in kind.options)
    named = tmp_path / interior.file_name("letter", Variant(printer="kdp"))
    shutil.copy(pdf_path, named)
    assert {finding.code for finding in check_printer_interior(named)} >= {"P062", "P064", "P066"}
    unnamed = tmp_path / interior.file_name("letter", Variant(printer="nobody"))
    shutil.copy(pdf_path, unnamed)
    assert [finding.code for finding in check_printer_interior(unnamed)] == ["P062"]
    alone = tmp_path / cover.file_name("other", Variant(printer="lulu"))
    shutil.copy(pdf_path, alone)
    assert [finding.code for finding in check_printer_cover(alone)] == ["P068"]
