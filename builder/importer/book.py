"""A book's contents page: the chapter pages it links in its own folder, in order, told apart
from what it links that is not the book's text (other formats, study guides, other works)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree, html

from .bounds import LIMITS
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


def chapters(text: str, report: Report, max_links: int = LIMITS.links) -> list[Chapter]:
    """The same-folder pages the contents page lists, each once, in order; empty if the page
    is not a contents page (fewer than two such links, or a text of its own)."""
    root = html.document_fromstring(text)
    found: dict[str, Chapter] = {}
    other: list[str] = []
    links = list(islice(root.iter("a"), max_links + 1))
    if len(links) > max_links:
        report.left_out.append(f"links of the contents page past the first {max_links:,}: not considered [I062]")
    for link in links[:max_links]:
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
    own_words = _own_words(root)
    if len(found) < 2 or own_words > MAX_OWN_WORDS:
        return []
    report.left_out += [f"contents page link, not the book's text: {item}" for item in dict.fromkeys(other)]
    return list(found.values())


def _own_words(root: html.HtmlElement) -> int:
    """The words of the body outside links, in one walk (an XPath `ancestor::` test per text
    node is quadratic in libxml2 on a page of many links)."""
    body = root.find("body")
    if body is None:
        return 0
    count, inside = 0, 0
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            inside += element.tag == "a"
            if not inside and isinstance(element.tag, str) and element.text:
                count += len(element.text.split())
        else:
            inside -= element.tag == "a"
            if not inside and element is not body and element.tail:
                count += len(element.tail.split())
    return count
