"""The Kindle edition's check: the letter's AZW3 (in the shared build: a default kind) read back
by calibre, every word and note of the EPUB beside it found in order; a lost word or note, and
a damaged file, are findings with their codes."""

from __future__ import annotations

from pathlib import Path

from builder.checks.kindle import check_azw3, epub_documents, missing, read_back
from builder.editions.kinds import KINDS, kind_of_file
from tests.conftest import SLUG

TITLE = "A Letter to Huysmans, Secretary of the International Socialist Bureau"


def _azw3(built: Path) -> Path:
    found = [path for path in built.iterdir() if (kind := kind_of_file(path.name)) and kind.module.endswith(".kindle")]
    assert len(found) == 1, "the shared build has the Kindle edition, a default kind"
    return found[0]


def test_every_word_and_note_reads_back_and_the_check_passes(built: Path) -> None:
    path = _azw3(built)
    assert check_azw3(path, expect_title=TITLE) == []
    text = read_back(path)
    documents = epub_documents((built / KINDS["epub"].file_name(SLUG)).read_bytes())
    assert sum(len(notes) for _, _, notes in documents) == 1
    note = next(note for _, _, notes in documents for note in notes.values())
    assert note.split()[:3] == ["1", "Lenin’s", "letter"]  # its back-link first
    assert " ".join(note.split()) in " ".join(text.split())
    # A word the AZW3 lacks, and a lost note, are found, and where.
    lost = [
        (name, document.replace("Huysmans", "Huysmanns"), {key: value + " lost" for key, value in notes.items()})
        for name, document, notes in documents
    ]
    found = missing(text, lost, "x")
    assert found and all(finding.code == "P171" for finding in found)
    assert "Huysmanns" in found[0].message and any("note note-1" in finding.message for finding in found)
    assert missing(text, documents, "x") == []


def test_a_wrong_title_is_a_finding(built: Path) -> None:
    assert [finding.code for finding in check_azw3(_azw3(built), expect_title="Another Title")] == ["P172"]


def test_a_damaged_azw3_is_a_finding_not_a_crash(built: Path, tmp_path: Path) -> None:
    path = tmp_path / _azw3(built).name
    path.write_bytes(b"BOOKMOBI" * 20)
    assert [finding.code for finding in check_azw3(path)] == ["P170"]
    data = bytearray(_azw3(built).read_bytes())
    path.write_bytes(bytes(data[: len(data) // 3]))  # cut short: calibre cannot read it back
    assert "P170" in [finding.code for finding in check_azw3(path)]
