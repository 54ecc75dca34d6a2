"""The colophon and the rights page carry the attribution, in both editions, from the metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder import __version__


def squash(text: str) -> str:
    """Text as read back, with line breaks, hyphenation and U+00A0 folded to plain spaces."""
    text = text.replace("\u2010\n", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u2010", "-"))


EXPECTED = [
    "A Letter to Huysmans, Secretary of the International Socialist Bureau",
    "by V. I. Lenin",
    "Written late in March 1912.",
    "Printed on April 12, 1912 in circular No. 7 of the International Socialist Bureau.",
    "Source: Lenin Collected Works, volume 17, pages 547-550. Moscow: Progress Publishers, [1974].",
    "Translated by Dora Cox.",
    "Transcription and markup by R. Cymbala.",
    "Transcription published by the Lenin Internet Archive in 2004.",
    "Please credit “Marxists Internet Archive” as your source.",
    "The text is in the public domain.",
    "urn:uuid:55252c19-f823-5435-9283-456f0242fa04",
    f"made with Folio {__version__}",
    "Source Serif Pro",
]


@pytest.fixture(scope="module")
def epub_colophon(epub_files: dict[str, bytes]) -> str:
    return squash("".join(etree.fromstring(epub_files["EPUB/colophon.xhtml"]).itertext()))


@pytest.fixture(scope="module")
def pdf_pages(pdf_path: Path) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(pdf_path).pages]


@pytest.mark.parametrize("field", EXPECTED)
def test_epub_colophon_has(epub_colophon: str, field: str) -> None:
    assert field in epub_colophon


@pytest.mark.parametrize("field", EXPECTED)
def test_pdf_colophon_has(pdf_pages: list[str], field: str) -> None:
    colophon = next(page for page in pdf_pages if "Colophon" in page)
    assert field in colophon


def test_edition_date_is_in_both_colophons(epub_colophon: str, pdf_pages: list[str]) -> None:
    # the session's build sets SOURCE_DATE_EPOCH=1700000000
    assert "dated 14 November 2023" in epub_colophon
    assert "dated 14 November 2023" in pdf_pages[-1]


def test_rights_page_in_both(epub_files: dict[str, bytes], pdf_pages: list[str]) -> None:
    rights_epub = squash("".join(etree.fromstring(epub_files["EPUB/rights.xhtml"]).itertext()))
    rights_pdf = next(page for page in pdf_pages if page.startswith("Rights") or " Rights " in page[:20])
    for text in (rights_epub, rights_pdf):
        assert "You may freely copy, distribute, display and perform this work" in text
        assert "CC0 1.0 Universal" in text
        assert "Please credit “Marxists Internet Archive” as your source." in text
