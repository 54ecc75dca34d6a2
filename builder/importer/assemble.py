"""An import from start to end: read the pages, make the parts, map the header, fetch the
images, and write the work's folder atomically (a failed import leaves nothing)."""

from __future__ import annotations

import re
import unicodedata
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree
from PIL import Image as PILImage

from ..errors import BuildError
from ..source.images import media_type
from ..source.loader import load_work
from ..source.svg import svg_problem
from . import book
from .audit import audit_pages
from .decode import decode, repair
from .fetch import Fetcher, is_address, resolve
from .header import YEAR, map_header
from .html_page import GONE, PageText, parse
from .markdown import escape
from .plaintext import parse_text
from .report import REPORT_FILE, Report
from .scope import Rule, pages_of
from .unseen import repair_unseen
from .work_folder import check_into, check_slug, image_names, staged
from .work_toml import work_toml

T = TypeVar("T")
MEASURE_PX = 1350  # the A5 measure (4.5 in) at 300 dpi
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass
class Part:
    file: str
    text: PageText
    title: str | None = None  # the contents page's words, for a chapter
    href: str | None = None  # the chapter's page, as the contents page links it
    page: str = ""  # where the page was read, which its images are held to
    html: str = ""  # the HTML the part was read from, for the audit


@dataclass
class Imported:
    folder: Path
    report: Report
    parts: list[str] = field(default_factory=list)


def import_work(locations: list[str], into: Path, slug: str | None, force: bool, fetcher: Fetcher) -> Imported:
    if slug is not None:
        check_slug(slug)
    check_into(into)
    report = Report()
    first = _read(locations[0], fetcher, report)
    index: PageText | None = None
    chapters = _parsed(partial(book.chapters, first, report, fetcher.limits.links), locations[0]) if len(locations) == 1 and not _is_text(locations[0]) else []
    if len(chapters) > fetcher.limits.chapters:
        report.left_out.append(f"chapters past the first {fetcher.limits.chapters}: {len(chapters) - fetcher.limits.chapters} left out, over the limit of chapters a book may have [I062]")
        chapters = chapters[: fetcher.limits.chapters]
    in_book = pages_of(locations[0])
    parts: list[Part] = []
    if chapters:
        ids = {chapter.href: f"part-{number}" for number, chapter in enumerate(chapters, start=1)}
        index = _parsed(partial(parse, first, locations[0], report, chapters={}), locations[0])
        served_pages: dict[str, str] = {}
        for chapter in chapters:
            where = resolve(locations[0], chapter.href)
            try:
                served = _read(where, fetcher, report, in_book)
            except BuildError as error:
                report.left_out.append(f"{chapter.href}: not served ({error.message}); left out of the book")
                continue
            if GONE.search(served[:5000]) and len(served) < 8000:
                report.left_out.append(f"{chapter.href}: the archive answers with a “no longer available” notice; left out of the book")
                continue
            report.source.append(where)
            served_pages[where] = served  # read once: the parts are parsed again from it if ids change
            parts.append(Part(_part_file(chapter.href, 2), _parsed(partial(parse, served, where, report, chapters=ids), where), chapter.label, chapter.href, where, served))
        if not parts:
            raise BuildError(locations[0], "none of the chapters the contents page lists could be read", hint="see why in the lines above; check the address, or try again later", code="I074")
        if len(parts) < len(chapters):  # part ids follow the parts that remain
            kept = {str(part.href): f"part-{n}" for n, part in enumerate(parts, start=1)}
            for part in parts:
                where = resolve(locations[0], str(part.href))
                part.text = parse(served_pages[where], where, Report(), chapters=kept)
    else:
        for location in locations:
            source = first if location == locations[0] else _read(location, fetcher, report)
            report.source.append(location)
            page = parse_text(source, report, _short(location)) if _is_text(location) else _parsed(partial(parse, source, location, report), location)
            parts.append(Part(_part_file(location, len(locations)), page, page=location, html="" if _is_text(location) else source))
    head = index or parts[0].text
    if chapters:
        report.source.insert(0, locations[0])
    meta, comments = _metadata(head, parts, locations[0], report)
    slug = slug or _slug(meta, locations[0])
    check_slug(slug)
    pages = ([(index, locations[0])] if index else []) + [(part.text, part.page) for part in parts]
    images = image_names(pages, fetcher.limits.name_chars, {part.file for part in parts}, report)
    texts = _markdown_parts(parts, index, report)
    meta["parts"] = [part.file for part in parts]
    for part in parts if index else []:  # the book's header is its contents page's
        if shown := [" ".join([f"{f.label}: {f.value}".strip(": "), *f.notes]) for f in part.text.fields]:
            report.left_out.append(f"{part.href}: its own header, not mapped: {' / '.join(shown)!r}")
    audit_pages([(part.href or _short(locations[0] if len(parts) == 1 else part.file), part.html, texts[part.file]) for part in parts if part.html], work_toml(meta, comments) + report.text(slug))
    return _write(into, slug, force, meta, comments, texts, images, fetcher, report)


def _is_text(location: str) -> bool:
    return location.lower().endswith(".txt")


def _short(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def _part_file(location: str, count: int) -> str:
    if count == 1:
        return "text.md"
    stem = re.sub(r"[^\w-]+", "-", Path(_short(location)).stem).strip("-") or "part"
    return f"{stem}.md"


def _read(location: str, fetcher: Fetcher, report: Report, rule: Rule | None = None) -> str:
    fetched = fetcher.get(location, rule)
    text = decode(fetched.data, _short(location), report)
    if not text.strip():
        raise BuildError(location, "the page is empty: it holds no text", hint="check the address or the file; save the page again if it was cut off", code="I066")
    text = repair_unseen(text, _short(location), report, keep_c1=True)
    return repair_unseen(repair(text, _short(location), report), _short(location), report)


def _parsed(read: Callable[[], T], location: str) -> T:
    """A page's HTML read; one the parser cannot make a document of is a coded error."""
    try:
        return read()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise BuildError(location, f"the page cannot be read as HTML ({str(error)[:80]})", hint="check that the address or the file is an HTML page", code="I066") from None


def _metadata(head: PageText, parts: list[Part], location: str, report: Report) -> tuple[dict[str, Any], list[str]]:
    mapped = map_header(head.fields, report)
    meta = mapped.meta
    title = re.sub(r"\x00\[\^[^\]]+\]", "", head.title)
    title = re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*^~]", "", title)).strip()  # the words, without their markup
    meta["title"] = title
    author = head.author
    if not author:
        report.check.append("the page names no author; 'author' is set to “Unknown” until a person sets it")
        author = "Unknown"
    author = " ".join(author.replace("\u00a0", " ").split())
    meta["author"] = author
    words = re.split(r"\s+(?:and|&)\s+|,\s+", author)[0].split()  # the first author, where there are several
    meta["author-sort"] = f"{words[-1]}, {' '.join(words[:-1])}".strip(", ") if len(words) > 1 else author
    report.guessed.append(f"author-sort {meta['author-sort']!r}, from the author's name")
    if head.language:
        meta["language"] = head.language.lower()
        report.mapped.append(f"language {meta['language']!r}, from the page's lang attribute")
    else:
        meta["language"] = "en"
        report.guessed.append("language 'en': the page does not declare one")
    meta["identifier"] = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, location if is_address(location) else 'file:' + _short(location))}"
    report.guessed.append(f"identifier {meta['identifier']}, derived from the page's {'address' if is_address(location) else 'file name'}: the same on every import")
    if "archive" not in meta:
        meta["archive"] = {"name": "Marxists Internet Archive"}
        report.guessed.append("archive 'Marxists Internet Archive': the page names no archive in a licence line")
    if is_address(location):
        meta["archive"].setdefault("url", re.sub(r"^(https?://[^/]+/).*$", r"\1", location))
    if "source" in meta and "title" not in meta["source"]:
        meta.pop("source")
    if "year" not in meta and not any(YEAR.search(meta.get(k, "")) for k in ("written", "first-published")):
        report.check.append("no year of writing or publication on the page")
    return meta, [f"From the page's header, fitting no key: {line}" for line in mapped.free]


def _slug(meta: dict[str, Any], location: str) -> str:
    """Author, year and title: the year the archive files the work under, else the first the
    header names."""
    surname = meta["author-sort"].split(",")[0] if meta["author"] != "Unknown" else ""
    filed = re.findall(r"/(1[5-9]\d\d|20\d\d)/", location) if is_address(location) else []
    years = filed or YEAR.findall(" ".join(str(meta.get(k, "")) for k in ("written", "first-published")))
    words = f"{surname} {years[0] if years else ''} {meta['title']}".translate(_GERMAN)
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_words))
    return slug[:70].rsplit("-", 1)[0] if len(slug) > 70 else slug


def _markdown_parts(parts: list[Part], index: PageText | None, report: Report) -> dict[str, str]:
    texts = {}
    used: set[str] = set()
    for number, part in enumerate(parts, start=1):
        page = part.text
        blocks = list(page.blocks)
        heading = page.title
        if part.title is not None and part.title != re.sub(r"\\(.)", r"\1", page.title):
            heading = escape(part.title)  # the contents page's words; the page's own title follows
            blocks.insert(0, f"## {page.title}")
        if number == 1 and index is not None:
            blocks = [block for block in index.blocks if block.startswith("![")] + blocks
            if any(block.startswith("![") for block in index.blocks):
                report.mapped.append("the contents page's images, set at the head of the first part")
        text = "\n\n".join([f"# {heading}", *blocks])
        called = set(re.findall(r"\x00\[\^([^\]]+)\]", text))
        notes = []
        relabel = {}
        for label in page.notes:
            # "_", not "-": "editor-3_121" is an editor's note to the source format, "editor-3-121" is not.
            new = label if label not in used else f"{number}_{label}"
            relabel[label] = new
            used.add(new)
        if any(old != new for old, new in relabel.items()):
            report.guessed.append(f"{part.file}: note labels shared with an earlier part renumbered {number}_…, to keep them unique across the work")
        for label, note in page.notes.items():
            new = relabel[label]
            if label not in called:
                new = f"editor-{new}" if not new.startswith("editor") else new
                report.check.append(f"{part.file}: note {label} is never called; kept as an editor's note on the work ([^{new}])")
            notes.append(f"[^{new}]: {note}")
        for label in called - set(page.notes):
            report.check.append(f"{part.file}: a call [{label}] has no note; kept as text")
            text = text.replace(f"\x00[^{label}]", f"\\[{label}\\]")
        text = re.sub(r"\x00\[\^([^\]]+)\]", partial(_call, relabel), text)
        for marker in dict.fromkeys(re.findall(r"(?<![\d\[])\\\[(\d{1,3}|[A-Z])\\\](?!\\\])", text)):
            report.check.append(f"{part.file}: [{marker}] looks like a note's call, but no note of the part answers it; kept as text")
        text = re.sub(r"[ \t]*\x00", "", text)
        text = re.sub(r"[ \t]+(\[\^)", r"\1", text)
        report.mapped.append(f"{part.file}: {_shape(blocks)}, {len(notes)} note(s)")
        texts[part.file] = text + ("\n\n" + "\n\n".join(re.sub(r"[ \t]+(\[\^)", r"\1", n.replace("\x00", "")) for n in notes) if notes else "") + "\n"
    return texts


def _shape(blocks: list[str]) -> str:
    """What a part holds, counted, for the report."""
    kinds = {"heading": r"#", "table": r"\|", "quotation": r">", "list": r"(\d+\.|-) ", "image": r"!\["}
    counts = {kind: sum(1 for block in blocks if re.match(pattern, block)) for kind, pattern in kinds.items()}
    counts["paragraph"] = len(blocks) - sum(counts.values())
    return ", ".join(f"{count} {kind}(s)" for kind, count in counts.items() if count)


def _call(relabel: dict[str, str], match: re.Match[str]) -> str:
    return f"[^{relabel.get(match.group(1), match.group(1))}]"


def _fetch_images(images: list[tuple[Any, Rule]], folder: Path, fetcher: Fetcher, report: Report, texts: dict[str, str]) -> None:
    for image, rule in images:
        target = folder / image.name
        try:
            data = fetcher.get(image.location, rule).data
        except BuildError as error:
            data = b""
            report.check.append(f"image {image.name} could not be fetched ({error.message}); left out [{error.code}]")
        kind = media_type(data) if data else None
        problem = _image_problem(data, kind, fetcher.limits.image_pixels)
        if kind is None or problem:
            if problem and problem != _UNREADABLE:
                report.check.append(f"image {image.name}: {problem}; left out")
            elif data:
                report.check.append(f"image {image.name} is not a readable JPEG, PNG, GIF or SVG; left out")
            for file, text in texts.items():
                texts[file] = re.sub(rf"!\[(?:\\.|[^\]\\])*\]\({re.escape(image.name)}(?: \"(?:\\.|[^\"\\])*\")?\)", "", text)
            continue
        target.write_bytes(data)
        width = _size(data)[0] if kind != "image/svg+xml" else 0
        if width and width < MEASURE_PX:
            report.check.append(f"image {image.name}: {width} px wide, too coarse to fill the measure at 300 dpi; printed {width / 300:.1f} in wide")
        report.mapped.append(f"image {image.name} (“{image.alt}”)")


_UNREADABLE = "unreadable"


def _image_problem(data: bytes, kind: str | None, max_pixels: int) -> str | None:
    """Why an image may not be kept: an SVG that is not static, a raster image that cannot be
    read or whose header claims more pixels than the limit (read before any pixel is)."""
    if kind == "image/svg+xml":
        problem = svg_problem(data)
        return f"an SVG that is not static and self-contained: {problem} [I064]" if problem else None
    if kind is None:
        return None
    width, height = _size(data)
    if width is None or height is None:
        return _UNREADABLE
    if width * height > max_pixels:
        return f"{width:,} × {height:,} pixels, more than the {max_pixels:,} an image may have [I063]"
    return None


def _size(data: bytes) -> tuple[int | None, int | None]:
    """An image's width and height from its header; None if it cannot be read. Pillow's own
    guard against huge images is an exception of its own: caught here, the size read anyway."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            limit, PILImage.MAX_IMAGE_PIXELS = PILImage.MAX_IMAGE_PIXELS, None
            try:
                with PILImage.open(BytesIO(data)) as image:
                    return int(image.size[0]), int(image.size[1])
            finally:
                PILImage.MAX_IMAGE_PIXELS = limit
    except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        return None, None


def _write(into: Path, slug: str, force: bool, meta: dict[str, Any], comments: list[str], texts: dict[str, str], images: list[tuple[Any, Rule]], fetcher: Fetcher, report: Report) -> Imported:
    with staged(into, slug, force) as stage:
        folder = stage.folder
        _fetch_images(images, folder, fetcher, report, texts)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "work.toml").write_text(work_toml(meta, comments), encoding="utf-8")
        load_work(folder)  # the source must build: an import that does not load is not written
        report.check += fetcher.notes
        report.mapped += [f"{name}: a file a person added to the work, kept as it was" for name in stage.kept]
        (folder / REPORT_FILE).write_text(report.text(slug), encoding="utf-8")
    return Imported(into / slug, report, list(texts))
