"""The Kindle edition (`<slug>.azw3`): a Kindle-shaped copy of the EPUB, converted to AZW3 (KF8)
by calibre's `ebook-convert`.

Amazon's converters (Send to Kindle, KDP, Kindle Previewer) and calibre's take an EPUB, and
are known to mangle what our EPUB does for other readers. The copy they are given here is
shaped first (`kindle_epub`), every word kept:

- **the back-link first in every note**: a Kindle pops a note up only when the place a call
  links to starts with a link back (ours do; a note whose back-link comes later has it moved
  to its start);
- **contents at most two levels deep**: a deeper entry of the nav and the NCX is lifted to the
  second level, after the entry it stood under, in the same order;
- **no `epub:type`**: left in a content document it is read by Amazon's converter (an
  `aside` typed `footnote` is hidden, not popped up); the nav keeps it on its `nav` elements
  only, by which calibre finds the contents;
- **no zero-width characters** where the text allows (`unseen`): a soft hyphen, a word
  joiner, a byte-order mark, and a zero-width space, non-joiner or joiner that changes nothing
  is dropped; a ZWSP between letters of a script written without spaces, and a ZWNJ or ZWJ
  between letters of a script whose shapes they change (Arabic, Indic, Mongolian, emoji) stay.

The same bytes on every build. calibre's AZW3 writer puts a random uuid in its ASIN and
source records (EXTH 113 and 112) unless it is given one: it is given the work's identifier
as a uuid (a `urn:uuid:` as it is, any other the uuid5 of it) through `--read-metadata-from-opf`.
It then writes two values no option sets, which `_settle` overwrites, checking the file's
layout first: the PalmDB header's creation and modification times (the clock: the edition's
date instead) and the MOBI header's unique id (`random.randint`: the uuid's first 32 bits
instead). The pubdate it writes is the EPUB's `dc:date`, the edition's date, in UTC whatever
the time zone. And calibre orders a book's stylesheets and images as a set of objects hashed
by address gives them, differently from run to run: it is run through a launcher that has it
take them in the order of their names (`_LAUNCHER`).

calibre runs as a subprocess in a temporary folder that is its home and configuration folder,
with a timeout, in UTC and the C locale, and with every proxy pointed at a closed local port:
the EPUB it reads refers to nothing outside itself, and an address it tried would fail at once.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import shutil
import struct
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from lxml import etree

from ..errors import BuildError
from ..fingerprint import CALIBRE
from .kinds import KINDS, Kind, RenderContext
from .zips import reproducible_zip

KIND = Kind(
    name="azw3",
    suffix=".azw3",
    format="azw3",
    media_type="application/vnd.amazon.ebook",
    title="Kindle book (AZW3), for Kindle e-readers and apps",
    check="builder.checks.kindle:check_azw3",
    needs="epub",
)

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
_EPUB_TYPE = f"{{{EPUB_NS}}}type"
_NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "x": XHTML_NS,
    "n": NCX_NS,
}
CONVERT = CALIBRE  # the fingerprint reads its version
TIMEOUT = 600  # seconds: calibre converts our longest book in about ten
MAX_DEPTH = 2  # levels of the contents

# Zero-width characters: dropped always, or (ZWSP, ZWNJ, ZWJ) unless both neighbours are of a
# script where they do something.
_ALWAYS = "\u00ad\u2060\ufeff"  # soft hyphen, word joiner, byte-order mark
_NO_SPACES = "\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Tibetan, Myanmar, Khmer
_JOINING = "\u0600-\u08ff\u0900-\u0dff\u1800-\u18af\ufb50-\ufdff\ufe70-\ufefe\ufe0f\u2600-\u27bf\U0001f000-\U0001faff"
UNSEEN = re.compile(
    rf"[{_ALWAYS}]"
    rf"|(?<![{_NO_SPACES}])\u200b|\u200b(?![{_NO_SPACES}])"
    rf"|(?<![{_JOINING}])[\u200c\u200d]|[\u200c\u200d](?![{_JOINING}])"
)
ZERO_WIDTH = "\u200b\u200c\u200d" + _ALWAYS  # every character UNSEEN may drop


def make(context: RenderContext) -> bytes:
    """One file of this kind (the registry's writer: kinds.py)."""
    work = context.work
    shaped = kindle_epub(context.made_from, work.edition_date)
    return azw3(shaped, book_uuid(work.meta.identifier), work.edition_date, work.folder)


def unseen(text: str) -> str:
    """`text` without the zero-width characters a Kindle has no use for (see the module's
    docstring); every other character kept."""
    return UNSEEN.sub("", text)


def book_uuid(identifier: str) -> uuid.UUID:
    """The uuid calibre writes as the book's ASIN: a `urn:uuid:` identifier's own, or one made
    from any other identifier (the same every build)."""
    if identifier.startswith("urn:uuid:"):
        return uuid.UUID(identifier.removeprefix("urn:uuid:"))
    return uuid.uuid5(uuid.NAMESPACE_URL, identifier)


# The Kindle-shaped EPUB.


def kindle_epub(epub: bytes, when: datetime) -> bytes:
    """The EPUB shaped for a Kindle's converters (the module's docstring says how)."""
    source = zipfile.ZipFile(io.BytesIO(epub))
    opf_name = etree.fromstring(source.read("META-INF/container.xml")).xpath("//c:rootfile/@full-path", namespaces=_NS)[
        0
    ]
    opf = etree.fromstring(source.read(opf_name))
    folder = posixpath.dirname(opf_name)
    items = opf.xpath("//opf:manifest/opf:item", namespaces=_NS)
    navs = {
        posixpath.join(folder, item.get("href")) for item in items if "nav" in (item.get("properties") or "").split()
    }
    documents = {
        posixpath.join(folder, item.get("href")) for item in items if item.get("media-type") == "application/xhtml+xml"
    }
    ncx = {
        posixpath.join(folder, item.get("href"))
        for item in items
        if item.get("media-type") == "application/x-dtbncx+xml"
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name in navs:
                data = shape_nav(data)
            elif name in documents:
                data = shape_document(data)
            elif name in ncx:
                data = shape_ncx(data)
            elif name == opf_name:
                data = _serialise(_without_unseen(etree.fromstring(data)))
            target.writestr(name, data)
    return reproducible_zip(out.getvalue(), when)


def shape_document(data: bytes) -> bytes:
    """A content document: each note's back-link first, no epub:type, no zero-width characters."""
    root = etree.fromstring(data)
    for note in _notes(root):
        backlink_first(note)
    for element in root.iter():
        element.attrib.pop(_EPUB_TYPE, None)
    return _serialise(_without_unseen(root))


def shape_nav(data: bytes) -> bytes:
    """The nav document: its contents two levels deep, epub:type only on its `nav` elements."""
    root = etree.fromstring(data)
    for element in root.iter():
        if element.tag != f"{{{XHTML_NS}}}nav":
            element.attrib.pop(_EPUB_TYPE, None)
    for top in root.xpath("//x:nav/x:ol", namespaces=_NS):
        _flatten(top, f"{{{XHTML_NS}}}li", lambda li: li.find("x:ol", _NS), depth=1)
    return _serialise(_without_unseen(root))


def shape_ncx(data: bytes) -> bytes:
    """The NCX (read by older readers, and by calibre when the nav is not): two levels deep."""
    root = etree.fromstring(data)
    nav_map = root.find("n:navMap", _NS)
    if nav_map is not None:
        _flatten(nav_map, f"{{{NCX_NS}}}navPoint", lambda point: point, depth=1)
    depth = root.find("n:head/n:meta[@name='dtb:depth']", _NS)
    if depth is not None:
        depth.set("content", str(min(int(depth.get("content") or 1), MAX_DEPTH)))
    return _serialise(_without_unseen(root))


# Where an entry of the contents holds its sub-entries: a nav's `li` in its `ol`, a navPoint in itself.
Holder = Callable[[etree._Element], "etree._Element | None"]


def _flatten(level: etree._Element, entry_tag: str, children_of: Holder, depth: int) -> None:
    """Lift every entry deeper than MAX_DEPTH to MAX_DEPTH, after the entry it stood under, so
    that the entries keep their order (a NCX's playOrder too). `children_of(entry)` is the
    element an entry's sub-entries stand in (the entry itself, or its `ol`)."""
    for entry in [child for child in level if child.tag == entry_tag]:
        holder = children_of(entry)
        if holder is None:
            continue
        if depth < MAX_DEPTH:
            _flatten(holder, entry_tag, children_of, depth + 1)
            continue
        after = entry
        for sub in _entries_below(holder, entry_tag, children_of):
            after.addnext(sub)
            after = sub
        if holder is not entry and len(holder) == 0:
            holder.getparent().remove(holder)  # an `ol` left empty


def _entries_below(holder: etree._Element, entry_tag: str, children_of: Holder) -> list[etree._Element]:
    """Every entry under `holder`, in document order, each taken out of it (its own
    sub-entries too), so that they can stand one after another."""
    found = []
    for sub in [child for child in holder if child.tag == entry_tag]:
        holder.remove(sub)
        sub.tail = "\n"
        found.append(sub)
        below = children_of(sub)
        if below is not None:
            found += _entries_below(below, entry_tag, children_of)
            if below is not sub and len(below) == 0:
                sub.remove(below)
    return found


_NOTE_TYPES = {"footnote", "endnote", "rearnote", "note"}
_NOTE_ROLES = {"doc-footnote", "doc-endnote"}


def _notes(root: etree._Element) -> list[etree._Element]:
    """The notes of a document: what its epub:type or role says is a note."""
    return [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and (
            set((element.get(_EPUB_TYPE) or "").split()) & _NOTE_TYPES
            or set((element.get("role") or "").split()) & _NOTE_ROLES
        )
    ]


def backlink(note: etree._Element) -> etree._Element | None:
    """A note's link back to its call: the link its role says is one, else a link to an id
    that a link in the document points at this note from."""
    links = note.findall(f".//{{{XHTML_NS}}}a")
    for link in links:
        if "doc-backlink" in (link.get("role") or "").split():
            return link
    note_id = note.get("id")
    if note_id:
        callers = {
            element.get("id")
            for element in note.getroottree().iter(f"{{{XHTML_NS}}}a")
            if element.get("href") == f"#{note_id}"
        }
        for link in links:
            if (link.get("href") or "").startswith("#") and link.get("href", "")[1:] in callers - {None}:
                return link
    return None


def backlink_first(note: etree._Element) -> None:
    """Move a note's back-link to its start, if any text comes before it: into the note's first
    block, before its words, with a space after it. The text it leaves stays where it was."""
    link = backlink(note)
    if link is None or not _text_before(note, link).strip():
        return
    parent = link.getparent()
    assert parent is not None
    # Take the link out, its tail joining the text before it.
    tail = link.tail or ""
    previous = link.getprevious()
    if previous is not None:
        previous.tail = _joined(previous.tail or "", tail)
    else:
        parent.text = _joined(parent.text or "", tail)
    parent.remove(link)
    block = note
    while (
        len(block)
        and isinstance(block[0].tag, str)
        and etree.QName(block[0]).localname in {"p", "div", "section", "aside", "li", "ol", "ul"}
        and not (block.text or "").strip()
    ):
        block = block[0]
    text = block.text or ""
    block.text = text[: len(text) - len(text.lstrip())] or None  # its indentation, if any
    link.tail = " " + text.lstrip()
    block.insert(0, link)


def _joined(before: str, after: str) -> str:
    """Two runs of text that a removed link stood between: one space where either had some."""
    if not before or not after:
        return (before + after).rstrip() if not after.strip() else before + after
    if before[-1].isspace() or after[0].isspace():
        return before.rstrip() + " " + after.lstrip()
    return before + after


def _text_before(note: etree._Element, link: etree._Element) -> str:
    """The note's text that comes before `link`, in document order."""
    pieces = []
    for event, element in etree.iterwalk(note, events=("start", "end")):
        if element is link:
            break
        if event == "start" and isinstance(element.tag, str):
            pieces.append(element.text or "")
        elif event == "end" and element is not note:
            pieces.append(element.tail or "")
    return "".join(pieces)


def _without_unseen(root: etree._Element) -> etree._Element:
    for element in root.iter():
        if isinstance(element.tag, str):
            for name, value in element.attrib.items():
                element.set(name, unseen(value))
        if element.text:
            element.text = unseen(element.text)
        if element.tail:
            element.tail = unseen(element.tail)
    return root


def _serialise(root: etree._Element) -> bytes:
    etree.cleanup_namespaces(root)  # the epub: prefix, where nothing uses it any more
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8") + b"\n"


# The conversion.


def azw3(epub: bytes, book: uuid.UUID, when: datetime, where: Path) -> bytes:
    """The AZW3 calibre makes of an EPUB, with its identifiers and dates made the same on every
    build. `where` names the work in an error."""
    with tempfile.TemporaryDirectory(prefix="folio-kindle-") as folder:
        home = Path(folder)
        source, target = (
            KINDS[KIND.needs or ""].file_name("book"),
            KIND.file_name("book"),
        )  # calibre reads the formats from the names
        (home / source).write_bytes(epub)
        (home / "metadata.opf").write_text(_metadata_opf(book), encoding="utf-8")
        try:
            result = calibre([source, target, "--read-metadata-from-opf", "metadata.opf"], home, int(when.timestamp()))
        except FileNotFoundError:
            raise BuildError(
                where, f"the Kindle edition needs calibre's {CONVERT}, which is not installed", code="P070"
            ) from None
        except subprocess.TimeoutExpired:
            raise BuildError(
                where,
                f"calibre's {CONVERT} did not convert the EPUB to AZW3 within {TIMEOUT} s; it was stopped",
                code="P071",
            ) from None
        out = home / target
        if result.returncode != 0 or not out.is_file():
            said = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise BuildError(
                where,
                f"calibre's {CONVERT} could not convert the EPUB to "
                f"AZW3 (exit {result.returncode}): {' / '.join(said)}",
                code="P071",
            )
        return _settle(out.read_bytes(), book, when, where)


# calibre keeps a book's files in a set of objects hashed by their address (its
# `calibre.ebooks.oeb.base.Manifest`), and writes stylesheets and images in the order the set
# gives, which changes from run to run (a book with two stylesheets came out in two orders).
# calibre is run through this launcher, which has the set gone through in the order of the
# files' names: one of the orders calibre could have taken anyway. If calibre's Manifest is no
# longer such a set, the launcher changes nothing (and tests/test_kindle.py's rebuilds fail).
_LAUNCHER = """
import importlib.machinery, runpy, sys

class Stable:
    def find_spec(self, name, path, target=None):
        if name != "calibre.ebooks.oeb.base":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            manifest = module.Manifest
            if isinstance(getattr(manifest(None), "items", None), set):
                manifest.__iter__ = lambda self: iter(sorted(self.items, key=lambda item: item.href))
                manifest.values = lambda self: sorted(self.items, key=lambda item: item.href)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Stable())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _command(convert: str) -> list[str]:
    """How to run calibre's `ebook-convert`: through the launcher, by the Python its script
    names (Debian's and most distributions' calibre); a calibre of another make (its own
    installer's binary) as it is."""
    with open(convert, "rb") as script:
        first = script.readline(200)
    interpreter = first[2:].decode("utf-8", "replace").strip() if first.startswith(b"#!") else ""
    if "python" in Path(interpreter.split(" ")[0]).name and shutil.which(interpreter.split(" ")[0]):
        return [*interpreter.split(" "), "-c", _LAUNCHER, convert]
    return [convert]


def calibre(arguments: list[str], folder: Path, epoch: int = 0) -> subprocess.CompletedProcess[str]:
    """`ebook-convert ARGUMENTS` run in `folder`, which is its home, configuration and temporary
    folder, in UTC and the C locale, every proxy a closed local port, stopped after TIMEOUT
    seconds (subprocess.TimeoutExpired). FileNotFoundError if calibre is not installed."""
    found = shutil.which(CONVERT)
    if found is None:
        raise FileNotFoundError(CONVERT)
    convert = _command(found)
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens, so a request fails at once
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(folder),
        "CALIBRE_CONFIG_DIRECTORY": str(folder / "config"),
        "CALIBRE_TEMP_DIR": str(folder),
        "CALIBRE_CACHE_DIRECTORY": str(folder / "cache"),
        "TZ": "UTC",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "SOURCE_DATE_EPOCH": str(epoch),
        "PYTHONHASHSEED": "0",
        "QT_QPA_PLATFORM": "offscreen",
        "http_proxy": closed,
        "https_proxy": closed,
        "all_proxy": closed,
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "ALL_PROXY": closed,
    }
    return subprocess.run(
        [*convert, *arguments], cwd=folder, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _metadata_opf(book: uuid.UUID) -> str:
    """The one field calibre is told beyond the EPUB's own metadata: the uuid it writes."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uuid_id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
        f'<dc:identifier opf:scheme="uuid" id="uuid_id">{book}</dc:identifier></metadata></package>\n'
    )


# The PalmDB and MOBI headers (as calibre's own reader reads them: calibre/ebooks/mobi/reader).
PALMDB_TIMES = 36  # creation and modification times, two 32-bit numbers
PALMDB_TYPE = 60  # b"BOOKMOBI"
PALMDB_RECORDS = 76  # the number of records, then a list of (offset, attributes and id)
MOBI_MAGIC = 16  # b"MOBI", from the start of record 0
MOBI_UID = 32  # the unique id, from the start of record 0


def record0(data: bytes) -> int:
    """Where a MOBI file's first record starts; ValueError if it is not one."""
    if data[PALMDB_TYPE : PALMDB_TYPE + 8] != b"BOOKMOBI":
        raise ValueError("not a MOBI file (no BOOKMOBI in its PalmDB header)")
    (start,) = struct.unpack_from(">I", data, PALMDB_RECORDS + 2)
    if data[start + MOBI_MAGIC : start + MOBI_MAGIC + 4] != b"MOBI":
        raise ValueError("its first record has no MOBI header")
    return start


def exth(data: bytes) -> dict[int, list[bytes]]:
    """A MOBI file's EXTH records (its metadata: 503 the title, 524 the language, 113 the
    ASIN, 100 each author), by type; ValueError if it has none or they run past its end."""
    start = record0(data)
    (length,) = struct.unpack_from(">I", data, start + MOBI_MAGIC + 4)
    at = start + MOBI_MAGIC + length
    if data[at : at + 4] != b"EXTH":
        raise ValueError("it has no EXTH header")
    (count,) = struct.unpack_from(">I", data, at + 8)
    at += 12
    records: dict[int, list[bytes]] = {}
    for _ in range(count):
        kind, size = struct.unpack_from(">II", data, at)
        if size < 8 or at + size > len(data):
            raise ValueError("an EXTH record runs past the end of the file")
        records.setdefault(kind, []).append(data[at + 8 : at + size])
        at += size
    return records


def _settle(data: bytes, book: uuid.UUID, when: datetime, where: Path) -> bytes:
    """calibre's AZW3 with the values it takes from the clock and chance set from the edition."""
    try:
        start = record0(data)
    except ValueError as error:
        raise BuildError(
            where, f"calibre's {CONVERT} wrote an AZW3 this builder does not know: {error}", code="P071"
        ) from None
    out = bytearray(data)
    stamp = int(when.timestamp())
    struct.pack_into(">II", out, PALMDB_TIMES, stamp, stamp)
    out[start + MOBI_UID : start + MOBI_UID + 4] = book.bytes[:4]
    return bytes(out)
