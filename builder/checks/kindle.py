"""The Kindle edition's check: the AZW3 read back, its metadata from its EXTH header and its
text by calibre (`ebook-convert` to plain text), against the EPUB it was made from, beside it.

The text is compared without white space (calibre's text output lays paragraphs, lines and
the spaces between inline elements out its own way, which is not what is checked): each
content document of the EPUB, its zero-width characters dropped as the Kindle edition drops
them, must read back whole and in the spine's order, and each note of it as well, so that a
lost word or note is named. calibre adds what it makes itself (the contents at the end);
the cover page, an image, has no text. Without the EPUB beside it (a file checked alone), the
AZW3 is read back and its metadata checked, not its words.
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from ..editions.kindle import XHTML_NS, calibre, exth, unseen
from ..editions.kinds import KINDS, kind_of_file
from ..errors import Finding
from ..paths import shown_path

_NS = {"opf": "http://www.idpf.org/2007/opf", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
_SPACE = re.compile(r"\s+")
_NOTE = re.compile(r"\b(doc-footnote|doc-endnote)\b")


def check_azw3(path: Path, expect_title: str | None = None) -> list[Finding]:
    """Read an AZW3 back: its metadata, and its text against the EPUB beside it."""
    shown = shown_path(path)
    data = path.read_bytes()
    try:
        records = exth(data)
    except Exception as error:  # a damaged file fails to unpack in many ways, each a finding
        return [Finding(shown, "P170", f"cannot be read as a MOBI file: {error}")]
    findings = []
    title = b"".join(records.get(503, [])).decode("utf-8", "replace")
    if not title:
        findings.append(Finding(shown, "P172", "metadata title (EXTH 503) is missing"))
    elif expect_title is not None and title != expect_title:
        findings.append(Finding(shown, "P172", f"metadata title is {title!r}, not {expect_title!r}"))
    for code, what in ((524, "language"), (113, "ASIN, the book's identifier"), (100, "author")):
        if not records.get(code):
            findings.append(Finding(shown, "P172", f"metadata {what} (EXTH {code}) is missing"))
    try:
        text = read_back(path)
    except RuntimeError as error:
        return [*findings, Finding(shown, "P170", str(error))]
    if not text.strip():
        return [*findings, Finding(shown, "P170", "no text can be read back")]
    made_from = _made_from(path)
    if made_from is not None:
        findings += missing(text, epub_documents(made_from.read_bytes()), shown)
    return findings


def read_back(path: Path) -> str:
    """The AZW3's text as calibre reads it; RuntimeError if it cannot."""
    with tempfile.TemporaryDirectory(prefix="folio-kindle-check-") as folder:
        home = Path(folder)
        shutil.copyfile(path, home / path.name)
        try:
            result = calibre([path.name, "book.txt"], home)
        except FileNotFoundError:
            raise RuntimeError(
                "calibre's ebook-convert, which reads it back, is not installed (scripts/setup installs it)"
            ) from None
        except subprocess.TimeoutExpired:
            raise RuntimeError("calibre did not read it back in time") from None
        out = home / "book.txt"
        if result.returncode != 0 or not out.is_file():
            said = " / ".join((result.stderr or result.stdout).strip().splitlines()[-2:])
            raise RuntimeError(f"calibre cannot read it back: {said}")
        return out.read_text(encoding="utf-8-sig")


def _made_from(path: Path) -> Path | None:
    """The file of the kind this one is made from (the EPUB), beside it, if it is there."""
    kind = kind_of_file(path.name)
    if kind is None or kind.needs is None:
        return None
    beside = path.with_name(KINDS[kind.needs].file_name(path.name.removesuffix(kind.suffix)))
    return beside if beside.is_file() else None


def epub_documents(epub: bytes) -> list[tuple[str, str, dict[str, str]]]:
    """Each content document of an EPUB's spine: its name, its text, and its notes' texts by id."""
    archive = zipfile.ZipFile(io.BytesIO(epub))
    opf_name = etree.fromstring(archive.read("META-INF/container.xml")).xpath(
        "//c:rootfile/@full-path", namespaces=_NS
    )[0]
    opf = etree.fromstring(archive.read(opf_name))
    hrefs = {item.get("id"): item.get("href") for item in opf.xpath("//opf:manifest/opf:item", namespaces=_NS)}
    documents = []
    for ref in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=_NS):
        name = posixpath.join(posixpath.dirname(opf_name), hrefs[ref])
        body = etree.fromstring(archive.read(name)).find(f"{{{XHTML_NS}}}body")
        if body is None:
            continue
        notes = {
            note.get("id") or f"{number}": _text(note)
            for number, note in enumerate(body.iter(f"{{{XHTML_NS}}}*"), 1)
            if _NOTE.search(note.get("role") or "")
        }
        documents.append((posixpath.basename(name), _text(body), notes))
    return documents


def _text(element: etree._Element) -> str:
    return unseen("".join(element.itertext()))


def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)


def missing(text: str, documents: list[tuple[str, str, dict[str, str]]], shown: str) -> list[Finding]:
    """What of the documents' text (and notes) is not read back, whole and in order, in `text`."""
    read = _squeezed(text)
    findings = []
    at = 0
    for name, document, notes in documents:
        wanted = _squeezed(document)
        if not wanted:
            continue
        found = read.find(wanted, at)
        if found >= 0:
            at = found + len(wanted)
            continue
        words = document.split()
        lost = _first_lost(read[at:], words)
        findings.append(
            Finding(
                shown,
                "P171",
                f"the text of {name} is not read back whole: it breaks off at word "
                f"{lost + 1} of {len(words)}, {' '.join(words[lost : lost + 8])!r}",
            )
        )
        for note_id, note in notes.items():
            if _squeezed(note) not in read:
                findings.append(
                    Finding(shown, "P171", f"note {note_id} of {name} is not read back: {' '.join(note.split()[:8])!r}")
                )
    return findings


def _first_lost(read: str, words: list[str]) -> int:
    """How many of `words` read back in order, each right after the one before."""
    at = read.find(_squeezed(words[0])) if words else -1
    if at < 0:
        return 0
    for number, word in enumerate(words):
        if not read.startswith(word, at):
            return number
        at += len(word)
    return len(words)
