"""An import from start to end: read the pages, make the parts, map the header, fetch the
images, and write the work's folder atomically (a failed import leaves nothing)."""

from __future__ import annotations

import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image as PILImage

from ..errors import BuildError
from ..source.images import media_type
from ..source.loader import load_work
from . import book
from .audit import audit_pages
from .decode import decode, repair
from .fetch import Fetcher, is_address, resolve
from .header import YEAR, map_header
from .html_page import GONE, PageText, parse
from .markdown import escape
from .plaintext import parse_text
from .report import REPORT_FILE, Report
from .unseen import repair_unseen
from .work_toml import work_toml

MEASURE_PX = 1350  # the A5 measure (4.5 in) at 300 dpi
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass
class Part:
    file: str
    text: PageText
    title: str | None = None  # the contents page's words, for a chapter
    href: str | None = None  # the chapter's page, as the contents page links it
    page: str = ""  # the HTML the part was read from, for the audit


@dataclass
class Imported:
    folder: Path
    report: Report
    parts: list[str] = field(default_factory=list)


def import_work(locations: list[str], into: Path, slug: str | None, force: bool, fetcher: Fetcher) -> Imported:
    report = Report()
    first = _read(locations[0], fetcher, report)
    index: PageText | None = None
    chapters = book.chapters(first, report) if len(locations) == 1 and not _is_text(locations[0]) else []
    parts: list[Part] = []
    if chapters:
        ids = {chapter.href: f"part-{number}" for number, chapter in enumerate(chapters, start=1)}
        index = parse(first, locations[0], report, chapters={})
        for chapter in chapters:
            where = resolve(locations[0], chapter.href)
            try:
                served = _read(where, fetcher, report)
            except BuildError as error:
                report.left_out.append(f"{chapter.href}: not served ({error.message}); left out of the book")
                continue
            if GONE.search(served[:5000]) and len(served) < 8000:
                report.left_out.append(f"{chapter.href}: the archive answers with a “no longer available” notice; left out of the book")
                continue
            report.source.append(where)
            parts.append(Part(_part_file(chapter.href, 2), parse(served, where, report, chapters=ids), chapter.label, chapter.href, served))
        if len(parts) < len(chapters):  # part ids follow the parts that remain
            kept = {str(part.href): f"part-{n}" for n, part in enumerate(parts, start=1)}
            for part in parts:
                where = resolve(locations[0], str(part.href))
                part.text = parse(_read(where, fetcher, Report()), where, Report(), chapters=kept)
    else:
        for location in locations:
            source = first if location == locations[0] else _read(location, fetcher, report)
            report.source.append(location)
            page = parse_text(source, report, _short(location)) if _is_text(location) else parse(source, location, report)
            parts.append(Part(_part_file(location, len(locations)), page, page="" if _is_text(location) else source))
    head = index or parts[0].text
    if chapters:
        report.source.insert(0, locations[0])
    meta, comments = _metadata(head, parts, locations[0], report)
    slug = slug or _slug(meta, locations[0])
    texts = _markdown_parts(parts, index, report)
    meta["parts"] = [part.file for part in parts]
    for part in parts if index else []:  # the book's header is its contents page's
        if shown := [" ".join([f"{f.label}: {f.value}".strip(": "), *f.notes]) for f in part.text.fields]:
            report.left_out.append(f"{part.href}: its own header, not mapped: {' / '.join(shown)!r}")
    audit_pages([(part.href or _short(locations[0] if len(parts) == 1 else part.file), part.page, texts[part.file]) for part in parts if part.page], work_toml(meta, comments) + report.text(slug))
    return _write(into, slug, force, meta, comments, texts, [image for part in ([index] if index else []) + [p.text for p in parts] for image in part.images], fetcher, report)


def _is_text(location: str) -> bool:
    return location.lower().endswith(".txt")


def _short(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def _part_file(location: str, count: int) -> str:
    if count == 1:
        return "text.md"
    stem = re.sub(r"[^\w-]+", "-", Path(_short(location)).stem).strip("-") or "part"
    return f"{stem}.md"


def _read(location: str, fetcher: Fetcher, report: Report) -> str:
    fetched = fetcher.get(location)
    text = repair_unseen(decode(fetched.data, _short(location), report), _short(location), report, keep_c1=True)
    return repair_unseen(repair(text, _short(location), report), _short(location), report)


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


def _fetch_images(images: list[Any], folder: Path, fetcher: Fetcher, report: Report, texts: dict[str, str]) -> None:
    for image in images:
        target = folder / image.name
        if target.exists():
            continue
        try:
            data = fetcher.get(image.location).data
        except BuildError as error:
            data = b""
            report.check.append(f"image {image.name} could not be fetched ({error.message}); left out")
        kind = media_type(data) if data else None
        width = _width(data) if kind not in (None, "image/svg+xml") else 0
        if kind is None or width is None:
            if data:
                report.check.append(f"image {image.name} is not a readable JPEG, PNG, GIF or SVG; left out")
            for file, text in texts.items():
                texts[file] = re.sub(rf"!\[(?:\\.|[^\]\\])*\]\({re.escape(image.name)}\)", "", text)
            continue
        target.write_bytes(data)
        if width and width < MEASURE_PX:
            report.check.append(f"image {image.name}: {width} px wide, too coarse to fill the measure at 300 dpi; printed {width / 300:.1f} in wide")
        report.mapped.append(f"image {image.name} (“{image.alt}”)")


def _width(data: bytes) -> int | None:
    """An image's width in pixels; None if it cannot be read."""
    try:
        with PILImage.open(BytesIO(data)) as image:
            return int(image.size[0])
    except (OSError, SyntaxError, ValueError):
        return None


def _write(into: Path, slug: str, force: bool, meta: dict[str, Any], comments: list[str], texts: dict[str, str], images: list[Any], fetcher: Fetcher, report: Report) -> Imported:
    target = into / slug
    if target.exists() and not force:
        raise BuildError(target, "a work with this slug already exists", hint="give another --slug, or --force to replace it", code="I003")
    into.mkdir(parents=True, exist_ok=True)
    staging = into / f".{slug}.importing"
    shutil.rmtree(staging, ignore_errors=True)
    folder = staging / slug
    folder.mkdir(parents=True)
    try:
        _fetch_images(images, folder, fetcher, report, texts)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "work.toml").write_text(work_toml(meta, comments), encoding="utf-8")
        load_work(folder)  # the source must build: an import that does not load is not written
        (folder / REPORT_FILE).write_text(report.text(slug), encoding="utf-8")
        if target.exists():
            old = into / f".{slug}.replaced"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            folder.rename(target)
            shutil.rmtree(old)
        else:
            folder.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Imported(target, report, list(texts))
