"""A book's contents page: the chapter pages it links in its own folder, in order, told apart
from what it links that is not the book's text (other formats, study guides, other works)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import html

from .report import Report

_PAGE = re.compile(r"^[\w.-]+\.html?$", re.I)
_NOT_TEXT = re.compile(r"study guide|guide\.htm|index\.htm|download|audio|\bepub\b|\bpdf\b|\bprc\b|word|german original", re.I)
_FURNITURE = {"footer", "title", "pagenote"}
# A contents page is mostly links: a page with more words of its own is a text that links.
MAX_OWN_WORDS = 600


@dataclass(frozen=True)
class Chapter:
    href: str  # the file, as the contents page links it
    label: str  # the contents page's words for it


def chapters(text: str, report: Report) -> list[Chapter]:
    """The same-folder pages the contents page lists, each once, in order; empty if the page
    is not a contents page (fewer than two such links, or a text of its own)."""
    root = html.document_fromstring(text)
    found: dict[str, Chapter] = {}
    other: list[str] = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        label = " ".join(link.text_content().split())
        file = urlsplit(href).path
        in_furniture = any(set((a.get("class") or "").split()) & _FURNITURE for a in link.iterancestors())
        if not href or href.startswith("#"):
            continue
        if _PAGE.match(file) and not in_furniture and not _NOT_TEXT.search(f"{label} {file}"):
            if file not in found:
                found[file] = Chapter(file, label)
        else:
            other.append(f"{label or href} ({href})")
    own_words = len(" ".join(root.xpath("//body//text()[not(ancestor::a)]")).split())
    if len(found) < 2 or own_words > MAX_OWN_WORDS:
        return []
    report.left_out += [f"contents page link, not the book's text: {item}" for item in dict.fromkeys(other)]
    return list(found.values())
