"""An import from start to end: read the pages, make the parts, map the header, fetch the
images, and write the work's folder atomically (a failed import leaves nothing)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any, Literal, TypeVar

from lxml import etree
from PIL import Image as PILImage

from ..errors import BuildError
from ..source.glyphs import unprintable
from ..source.images import media_type
from ..source.lint import lint_work
from ..source.loader import load_work
from ..source.svg import svg_problem
from . import book, typography
from .audit import audit, quote
from .decode import decode, repair
from .fetch import Fetcher, is_address, resolve
from .header import YEAR, map_header, seen_author, year_check
from .html_page import BREAK, GONE, PageText, page_name, parse
from .kept import reinstate
from .languages import work_language
from .markdown import escape_line_start
from .plaintext import parse_text
from .report import REPORT_FILE, ImportReport
from .scope import Rule, pages_of
from .unseen import repair_unseen, unseen_references
from .work_folder import check_into, check_slug, image_names, staged
from .work_toml import work_toml

T = TypeVar("T")
MEASURE_PX = 1350  # the A5 measure (4.5 in) at 300 dpi
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass
class ImportedPart:
    """A page read for the work (a chapter, the front matter, or the whole text), before it is
    written as one Markdown part; the source's own `Part` is builder/source/model.py's."""

    file: str
    text: PageText
    title: str | None = None  # the contents page's words, for a chapter
    href: str | None = None  # the chapter's page, as the contents page links it
    page: str = ""  # where the page was read, which its images are held to
    html: str = ""  # the HTML the part was read from, for the audit
    joined: list[str] = field(default_factory=list)  # later parts read from the same page, audited with it


@dataclass
class Imported:
    folder: Path
    report: ImportReport
    parts: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # for the console: what the person may have meant


Mode = Literal["guess", "book", "page"]


def import_work(
    locations: list[str], into: Path, slug: str | None, force: bool, fetcher: Fetcher, mode: Mode = "guess"
) -> Imported:
    """Import pages, or one contents page as its book (as the page looks, `guess`, or as
    `--book` and `--page` say), in named steps: each page fetched and decoded (`read_page`),
    told a book or a page (`find_book`), its parts read (`read_book`, `read_pages`), the header
    mapped (`map_metadata`), the parts written as Markdown with their notes (`write_parts`),
    quotes and dashes set (`typography.settle`), each part audited against its page, what it
    lost kept where it stood (`audit_parts`), and the folder written once it loads
    (`write_work`). A part of a page the importer cannot read is kept and named, never a
    reason to refuse the page."""
    if slug is not None:
        check_slug(slug)
    check_into(into)
    report = ImportReport()
    first = read_page(locations[0], fetcher, report)
    found = find_book(locations, first, mode, fetcher, report)
    notices: list[str] = []
    if found is not None and (mode == "book" or (mode == "guess" and found.is_contents)):
        if mode == "book" and not found.is_contents:
            report.guessed.append(f"{_short(locations[0])} read as the book's contents page, as --book asks")
        index, parts, collection, front = read_book(locations[0], first, found, fetcher, report)
    else:
        notices = _single_page_notices(locations[0], found)
        report.guessed += notices  # not "needs a human look": a chapter imported alone is no fault
        index, parts, collection, front = None, read_pages(locations, first, fetcher, report), False, None
    head = index or parts[0].text
    if index is not None:
        report.source.insert(0, locations[0])
    meta, comments = map_metadata(head, parts, locations[0], first, report)
    if index is not None:
        comments += _part_provenance(parts, meta, collection, report)
    slug = slug or _slug(meta, locations[0])
    check_slug(slug)
    pages = ([(index, locations[0])] if index else []) + [(part.text, part.page) for part in parts]
    images = image_names(pages, fetcher.limits.name_chars, {part.file for part in parts}, report)
    in_book = (meta["title"], [index.title, *book.headings(index.blocks)], collection) if index is not None else None
    texts = typography.settle(
        write_parts(parts, index if front is None else None, report, meta["author"], in_book), report
    )
    texts = audit_parts(parts, texts, report)
    meta["parts"] = [part.file for part in parts]
    done = write_work(into, slug, force, meta, comments, texts, images, fetcher, report)
    done.notices = notices
    return done


def find_book(
    locations: list[str], first: str, mode: Mode, fetcher: Fetcher, report: ImportReport
) -> book.Links | None:
    """What the one page given links in its own folder, to tell a contents page from a page
    (None for several pages or a plain-text copy); `--book` on a page that links its
    chapters only in its navigation rows reads those."""
    single = len(locations) == 1 and not _is_text(locations[0])
    found = (
        _parsed(partial(book.links, first, _short(locations[0]), fetcher.limits.links), locations[0])
        if single
        else None
    )
    if found is not None and found.cut_at:
        report.left_out.append(book.cut_links(found.cut_at))
    if mode == "book" and found is not None and not found.chapters and found.in_furniture:
        found = replace(
            found,
            chapters=found.in_furniture,
            other=[o for o in found.other if not any(f"({c.href})" in o for c in found.in_furniture)],
        )
        report.guessed.append(
            f"--book: the pages {_short(locations[0])} links in its navigation rows read as the book's chapters"
        )
    if mode == "book" and (found is None or not found.chapters):
        raise BuildError(
            locations[0],
            "--book needs one contents page that links pages of its own folder"
            if found is None
            else "the page links no pages of its own folder to import as the book's chapters",
            hint="give the book's contents page (often index.htm) alone, or import the page without --book",
            code="I030",
        )
    return found


def _single_page_notices(location: str, found: book.Links | None) -> list[str]:
    """What the person may have meant, when a page that links a book is imported alone."""
    if found is not None and found.is_contents:
        return [
            f"{_short(location)} is a contents page of {len(found.chapters)} pages of its own folder; "
            "imported as a single page, as --page asks (without --page its whole book imports)"
        ]
    if found is not None and found.folder_pages >= 3:
        return [
            f"{_short(location)} links {found.folder_pages} pages of its own folder and "
            "was imported as a single page; to import the whole book, import its contents "
            "page (often index.htm), or give --book to read this page as the contents"
        ]
    return []


def read_pages(locations: list[str], first: str, fetcher: Fetcher, report: ImportReport) -> list[ImportedPart]:
    """Pages given one by one: each a part, in the order given (`first` is the first, read)."""
    parts = []
    for location in locations:
        source = first if location == locations[0] else read_page(location, fetcher, report)
        report.source.append(location)
        page = (
            parse_text(source, report, _short(location)) if _is_text(location) else parse_page(source, location, report)
        )
        parts.append(
            ImportedPart(
                _part_file(location, len(locations)), page, page=location, html="" if _is_text(location) else source
            )
        )
    return parts


def parse_page(text: str, location: str, report: ImportReport, chapters: dict[str, str] | None = None) -> PageText:
    """A page's HTML read into its title, header fields, blocks and notes (`html_page.parse`);
    one the parser cannot make a document of is a coded error."""
    return _parsed(partial(parse, text, location, report, chapters=chapters), location)


def read_book(
    location: str, first: str, found: book.Links, fetcher: Fetcher, report: ImportReport
) -> tuple[PageText, list[ImportedPart], bool, ImportedPart | None]:
    """The contents page, read; the book's parts, each page fetched once, its own front
    matter first if it has any; and whether the parts are separate works (a volume). A page
    that cannot be had or read is named in the report, and the rest of the book imports."""
    index = parse_page(first, location, report, chapters={})
    page = _short(location)
    for item in found.other:  # "label (href)"
        report.ledger.leave_out(page, item, "contents page link, not the book's text")
    served = _fetch_chapters(location, found.chapters, fetcher, report)
    if not served:
        raise BuildError(
            location,
            "none of the chapters the contents page lists could be read",
            hint="see why in the lines above; check the address, or try again later",
            code="I074",
        )
    collection = book.is_collection(index.fields, [(page.title, page.fields) for *_, page in served])
    kept: list[tuple[book.Chapter, str, str, PageText]] = []
    for chapter, where, text, first_reading in served:
        # In a volume every work has a header and may have an author of its own.
        if not collection and (reason := book.another_work(first_reading.author, first_reading.fields, index.author)):
            report.left_out.append(f"{chapter.href}: {reason}; not the book's text")
            continue
        kept.append((chapter, where, text, first_reading))
    if not kept:
        raise BuildError(
            location,
            "none of the pages the contents page links could be read as the book's text",
            hint="see the pages named above; import a page on its own, or the contents page with --page",
            code="I031",
        )
    if collection:
        report.guessed.append(
            f"the contents page links {len(kept)} separate works, each with its own "
            "header: imported as one volume, a part per work, each with its provenance"
        )
    front_html, removed = book.front_matter(first, {chapter.href for chapter, *_ in kept})
    for text in removed:
        report.ledger.leave_out(page, text, "the contents list")
    others = [title for *_, reading in kept for title in (reading.title, *book.leading_headings(reading.blocks))]
    openings = {chapter.href: chapter.label for chapter in reversed(found.openings)}  # the first into each page
    split = {
        chapter.href
        for chapter, *_, reading in kept
        if chapter.href in openings and book.opening(reading.blocks, openings[chapter.href], others) is not None
    }
    order = [
        key
        for chapter, *_ in kept
        for key in ([chapter.href, f"{chapter.href}#"] if chapter.href in split else [chapter.href])
    ]
    front_ids = {key: f"part-{number}" for number, key in enumerate(order, start=2)}
    scratch = ImportReport()
    front_page = parse_page(front_html, location, scratch, chapters=front_ids)
    report.ledger.absorb(scratch.ledger)  # what the front matter's reading left out is the contents page's
    own = [block for block in front_page.blocks if not block.startswith(("#", "!["))]
    front = None
    if own:
        blocks = [
            block for block in index.blocks if block.startswith("![") and block not in front_page.blocks
        ] + front_page.blocks
        front = ImportedPart(
            "front.md", replace(front_page, blocks=blocks, images=index.images), page=location, html=front_html
        )
        report.mapped.append(
            f"the contents page's own text ({sum(len(b.split()) for b in own)} "
            "words), set as the book's front matter in front.md"
        )
    start = 2 if front else 1
    ids = {key: f"part-{number}" for number, key in enumerate(order, start=start)}
    parts = [front] if front else []
    for chapter, where, text, _ in kept:
        report.source.append(where)
        read = parse_page(text, where, report, chapters=ids)
        file = _part_file(chapter.href, 2)
        at = book.opening(read.blocks, openings[chapter.href], others) if chapter.href in split else None
        if at is None:
            parts.append(ImportedPart(file, read, chapter.label, chapter.href, where, text))
            continue
        before, after = _split_page(read, at)
        later = f"{file.removesuffix('.md')}-2.md"
        parts += [
            ImportedPart(file, before, chapter.label, chapter.href, where, text, [later]),
            ImportedPart(later, after, openings[chapter.href], chapter.href, where),
        ]
        report.mapped.append(
            f"{chapter.href}: “{openings[chapter.href]}”, which the contents page lists as a "
            f"chapter of its own at an anchor into the page, set as a part of its own ({later})"
        )
    if front:
        index = replace(index, images=[])  # the front matter holds them
    return index, parts, collection, front


def _split_page(page: PageText, at: int) -> tuple[PageText, PageText]:
    """A page that holds two chapters, cut at the heading `at` (the second's title): each
    with the notes its text calls; the notes nothing calls stay with the first."""
    called = set(re.findall(r"\x00\[\^([^\]]+)\]", "\n\n".join(page.blocks[at:])))
    title = book.headings([page.blocks[at]])[0]
    first = replace(page, blocks=page.blocks[:at], notes={k: v for k, v in page.notes.items() if k not in called})
    second = replace(
        page,
        title=title,
        fields=[],
        blocks=page.blocks[at + 1 :],
        notes={k: v for k, v in page.notes.items() if k in called},
    )
    return first, second


def _fetch_chapters(
    location: str, chapters: list[book.Chapter], fetcher: Fetcher, report: ImportReport
) -> list[tuple[book.Chapter, str, str, PageText]]:
    """Each page the contents links, fetched once, in order, with a first reading of it (to
    tell what it is); a page that is itself the contents of a part of the book (a part's
    title page listing its chapters) gives way to the pages it lists. A page that cannot be
    fetched, is not an HTML page, or cannot be read is named in the report and left out."""
    queue = list(chapters)
    seen = {chapter.href for chapter in chapters} | {_short(location)}
    served: list[tuple[book.Chapter, str, str, PageText]] = []
    in_book = pages_of(location)
    while queue:
        if len(served) == fetcher.limits.chapters:
            report.left_out.append(
                f"chapters past the first {fetcher.limits.chapters}: {len(queue)} "
                "left out, over the limit of chapters a book may have [I062]"
            )
            break
        chapter = queue.pop(0)
        where = resolve(location, chapter.href)
        try:
            text = read_page(where, fetcher, report, in_book, html_only=True)
        except BuildError as error:
            report.left_out.append(f"{chapter.href}: not served ({error.message}); left out of the book [{error.code}]")
            continue
        try:
            if GONE.search(text[:5000]) and len(text) < 8000:
                report.left_out.append(
                    f"{chapter.href}: the archive answers with a “no longer available” notice; left out of the book"
                )
                continue
            inner = _parsed(partial(book.links, text, chapter.href, fetcher.limits.links), where)
            new = [c for c in inner.chapters if c.href not in seen]
            if inner.is_contents and len(new) >= 2:
                report.left_out.append(
                    f"{chapter.href}: the contents page of a part of the book "
                    f"({chapter.label}); its {len(new)} pages imported in its place"
                )
                seen.update(c.href for c in new)
                queue[:0] = new
                continue
            served.append((chapter, where, text, parse_page(text, where, ImportReport())))
        except BuildError as error:
            report.left_out.append(
                f"{chapter.href}: served, but not readable as a page "
                f"({error.message}) [{error.code}]; left out of the book"
            )
            report.check.append(
                f"{chapter.href}: a page the contents lists could not be read "
                f"({error.message}) [{error.code}]; the rest of the book imported without it"
            )
    return served


_SEAM = "\n\n\x1e\n\n"  # between the parts of one page, while it is audited: no word of its own


def audit_parts(parts: list[ImportedPart], texts: dict[str, str], report: ImportReport) -> dict[str, str]:
    """Each part read from HTML audited against its page (`audit.audit`, against the part's
    Markdown and the ledger of what the mapping left out or moved): a run of the page's words
    found in neither is kept verbatim where it stood (`kept.reinstate`) and named under "Needs
    a human look"; the part is then audited again, and must lose nothing (if it does after
    three rounds, the importer is at fault: I010)."""
    out = dict(texts)
    for part in parts:
        if not part.html:
            continue
        page = page_name(part.page)
        files = [part.file, *part.joined]  # a page cut into parts is audited whole
        for _ in range(3):  # a run put back may pair the page's words anew: look again
            losses = audit(part.html, _SEAM.join(out[file] for file in files), report.ledger.words(page))
            if not losses:
                break
            whole, lines = reinstate(_SEAM.join(out[file] for file in files), losses)
            for file, text in zip(files, re.split(r"\n*\x1e\n*", whole), strict=True):
                out[file] = text.rstrip("\n") + "\n"
            for loss in losses:
                report.ledger.move(page, loss.shown, "kept verbatim after the block it stood in")
            report.check += [f"{part.href or page}: {line}" for line in lines]
        if left := audit(part.html, _SEAM.join(out[file] for file in files), report.ledger.words(page)):
            shown = "; ".join(f"“{quote(loss.words)}” ({loss.where()})" for loss in left)  # every one: said whole
            raise BuildError(
                part.href or page,
                f"the import lost {len(left)} run(s) of the page's words even once they were put back: {shown}",
                hint="this is a fault of the importer: report the page, and copy the words into the source by hand",
                code="I010",
            )
    return out


def _part_provenance(
    parts: list[ImportedPart], meta: dict[str, Any], collection: bool, report: ImportReport
) -> list[str]:
    """Each part's own header: in a volume, its provenance, printed at the head of the part;
    in a book, a chapter's own source kept the same way, and its transcribers and the like
    joined to the book's credits. Returns the lines that fit no key."""
    free: list[str] = []
    provenance: dict[str, dict[str, Any]] = {}
    for part in parts:
        if not part.text.fields or part.href is None:
            continue
        scratch = ImportReport()
        mapped = map_header(part.text.fields, scratch)
        report.mapped += [f"{part.file}: {line}" for line in scratch.mapped]
        report.check += [f"{part.file}: {line}" for line in scratch.check if "no licence line" not in line]
        free += [f"{part.file}, from its header, fitting no key: {line}" for line in mapped.free]
        own: dict[str, Any] = {
            key: mapped.meta[key] for key in ("written", "first-published", "source") if key in mapped.meta
        }
        credits = mapped.meta.get("credits", {})
        if collection or own:
            if credits:
                own["credits"] = credits
            provenance[Path(part.file).stem] = own
        else:
            merged = meta.setdefault("credits", {})
            for role, people in credits.items():
                merged[role] = list(dict.fromkeys([*merged.get(role, []), *people]))
            if credits:
                report.guessed.append(f"{part.file}: its header's credits joined to the book's")
    if provenance:
        meta["provenance"] = provenance
    return free


def _is_text(location: str) -> bool:
    return location.lower().endswith(".txt")


def _short(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


def _part_file(location: str, count: int) -> str:
    if count == 1:
        return "text.md"
    stem = re.sub(r"[^\w-]+", "-", Path(_short(location)).stem).strip("-") or "part"
    return f"{stem}.md"


def read_page(
    location: str, fetcher: Fetcher, report: ImportReport, rule: Rule | None = None, *, html_only: bool = False
) -> str:
    """A page fetched (a file or an address, within `rule`) and decoded into text, with the
    characters no reader can see repaired wherever they stand, as characters or as HTML's
    numeric references to them. `html_only`: an answer the server says is not a page is an
    error (a book's chapter that is a PDF)."""
    fetched = fetcher.get(location, rule)
    kind = (fetched.content_type or "").split(";")[0].strip().lower()
    if html_only and kind and not (kind.startswith("text/") or kind.endswith("+xml")):
        raise BuildError(
            location,
            f"not an HTML page (the server says {kind})",
            hint="import the page another way, or leave it out",
            code="I066",
        )
    where = _short(location)
    text = decode(fetched.data, where, report, location)
    if not text.strip():
        raise BuildError(
            location,
            "the page is empty: it holds no text",
            hint="check the address or the file; save the page again if it was cut off",
            code="I066",
        )
    if not _is_text(location):
        text = unseen_references(text)
    text = repair_unseen(text, where, report, keep_c1=True)
    return repair_unseen(repair(text, where, report), where, report)


def _parsed(read: Callable[[], T], location: str) -> T:
    """A page's HTML read; one the parser cannot make a document of is a coded error."""
    try:
        return read()
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise BuildError(
            location,
            f"the page cannot be read as HTML ({str(error)[:80]})",
            hint="check that the address or the file is an HTML page",
            code="I066",
        ) from None


def map_metadata(
    head: PageText, parts: list[ImportedPart], location: str, page: str, report: ImportReport
) -> tuple[dict[str, Any], list[str]]:
    """work.toml's keys from the page's header (the contents page's, for a book), title and
    author; its identifier from what the page is: its address, or, read from a file, its
    content (`page`, the text read). Returns the keys and the header lines that fit none."""
    mapped = map_header(head.fields, report)
    meta = mapped.meta
    title = re.sub(r"\x00\[\^[^\]]+\]", "", head.title)
    title = re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*^~]", "", title)).strip()  # the words, without their markup
    meta["title"] = title
    author = seen_author(head.author, book.leading_headings(head.blocks), head.meta_author, report)
    if not author:
        report.check.append("the page names no author; 'author' is set to “Unknown” until a person sets it")
        author = "Unknown"
    author = " ".join(author.replace("\u00a0", " ").split())
    meta["author"] = author
    words = re.split(r"\s+(?:and|&)\s+|,\s+", author)[0].split()  # the first author, where there are several
    meta["author-sort"] = f"{words[-1]}, {' '.join(words[:-1])}".strip(", ") if len(words) > 1 else author
    report.guessed.append(f"author-sort {meta['author-sort']!r}, from the author's name")
    sample = " ".join(block for part in parts[:3] for block in part.text.blocks[:200])
    meta["language"] = work_language(
        head.language.lower() if head.language else None, location, f"{head.title} {sample}", report
    )
    meta["identifier"] = identifier(location, page)
    report.guessed.append(
        f"identifier {meta['identifier']}, derived from the page's "
        f"{'address' if is_address(location) else 'content (it was read from a file, which has no address)'}"
        ": the same on every import of it"
    )
    if "archive" not in meta:
        meta["archive"] = {"name": "Marxists Internet Archive"}
        report.guessed.append("archive 'Marxists Internet Archive': the page names no archive in a licence line")
    if is_address(location):
        meta["archive"].setdefault("url", re.sub(r"^(https?://[^/]+/).*$", r"\1", location))
    if "source" in meta and "title" not in meta["source"]:
        meta.pop("source")
    report.check += year_check(meta, head.fields, head.blocks)
    return meta, [f"From the page's header, fitting no key: {line}" for line in mapped.free]


def identifier(location: str, page: str) -> str:
    """A work's identifier from what its page is: its address, or, for a page read from a
    file, its text (two files named index.htm are two works; one page imported twice is one)."""
    if is_address(location):
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, location)}"
    digest = hashlib.sha256(page.encode("utf-8", "surrogatepass")).hexdigest()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sha256:' + digest)}"


def _slug(meta: dict[str, Any], location: str) -> str:
    """Author, year and title. The year is the header's (written, then first published):
    the year the archive files the work under is taken only where the header names it too
    (the Manifesto, written 1847 and filed under 1848, when it was published), or names none."""
    surname = meta["author-sort"].split(",")[0] if meta["author"] != "Unknown" else ""
    filed = re.findall(r"/(1[5-9]\d\d|20\d\d)/", location) if is_address(location) else []
    named = YEAR.findall(str(meta.get("written", ""))) + YEAR.findall(str(meta.get("first-published", "")))
    years = [year for year in filed if year in named] or named or filed
    words = f"{surname} {years[0] if years else ''} {meta['title']}".translate(_GERMAN)
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_words))
    return slug[:70].rsplit("-", 1)[0] if len(slug) > 70 else slug


def write_parts(
    parts: list[ImportedPart],
    index: PageText | None,
    report: ImportReport,
    author: str = "",
    in_book: tuple[str, list[str], bool] | None = None,
) -> dict[str, str]:
    """Each part's Markdown: its title, set once, and its blocks, the headings that are not
    the text's (the book's repeated furniture, the breadcrumb, the author's name) left out into
    the ledger (`book.tidy`, `book.chapter_heading`); the contents page's images at the head of
    the first part when it has no front matter; and its notes, their labels made unique across
    the work, a note nothing calls kept as an editor's note, a call with no note kept as text."""
    texts = {}
    used: set[str] = set()
    tidied = {
        part.file: book.tidy(
            list(part.text.blocks),
            author,
            report.ledger.leaver(page_name(part.page) if part.html else part.file),
            report.mapped,
            part.file,
        )
        for part in parts
    }
    shape = (
        book.shape(
            [(p.text.title, tidied[p.file]) for p in parts if p.href], in_book[0], author, in_book[1], in_book[2]
        )
        if in_book
        else None
    )
    for number, part in enumerate(parts, start=1):
        page = part.text
        heading, blocks = book.chapter_heading(
            part.title,
            page.title,
            tidied[part.file],
            shape if part.href else None,
            report.ledger.leaver(page_name(part.page) if part.html else part.file),
        )
        blocks = book.relevel(book.unheaded(blocks, report.mapped, part.file), report.mapped, part.file)
        if number == 1 and index is not None:
            blocks = [block for block in index.blocks if block.startswith("![")] + blocks
            if any(block.startswith("![") for block in index.blocks):
                report.mapped.append("the contents page's images, set at the head of the first part")
        if heading == page.title and page.title_lines:
            heading = page.title_lines  # the page's own line break, kept
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
            report.guessed.append(
                f"{part.file}: note labels shared with an earlier part "
                f"renumbered {number}_…, to keep them unique across the work"
            )
        for label, note in page.notes.items():
            new = relabel[label]
            if label not in called:
                # "editor-" and no further hyphen: the source format's mark of an uncalled note
                new = f"editor-{new.replace('-', '_')}" if not new.startswith("editor") else new
                report.check.append(
                    f"{part.file}: note {label} is never called; kept as an editor's note on the work ([^{new}])"
                )
            notes.append(f"[^{new}]: {note}")
        for label in called - set(page.notes):
            report.check.append(f"{part.file}: a call [{label}] has no note; kept as text")
            text = text.replace(f"\x00[^{label}]", f"\\[{label}\\]")
        text = re.sub(r"\x00\[\^([^\]]+)\]", partial(_call, relabel), text)
        for marker in dict.fromkeys(re.findall(r"(?<![\d\[])\\\[(\d{1,3}|[A-Z])\\\](?!\\\])", text)):
            report.check.append(
                f"{part.file}: [{marker}] looks like a note's call, but no note of the part answers it; kept as text"
            )
        text = re.sub(r"[ \t]*\x00", "", text)
        text = re.sub(r"[ \t]+(\[\^)", r"\1", text)
        report.mapped.append(f"{part.file}: {_shape(blocks)}, {len(notes)} note(s)")
        written = (
            text
            + (
                "\n\n" + "\n\n".join(re.sub(r"[ \t]+(\[\^)", r"\1", n.replace("\x00", "")) for n in notes)
                if notes
                else ""
            )
            + "\n"
        )
        written = _UNLINKED_CALL.sub(lambda m: f"\\[[{m.group(1) or m.group(2)}]{{dir=ltr}}\\]", written)
        texts[part.file] = written.replace(
            BREAK, " "
        )  # a line break where the format has none (a cell, a heading): a space, never U+0001
    return texts


# A bracketed number left as the page prints it, no note answering it ("[1]"): its number set
# apart in a span, which the editions show as the same "[1]", so that the source does not read
# as a call that lost its note (lint's L001); the report names each under "Needs a human look".
# A link's words that are such a number (a call linking to the book's notes part) too.
_UNLINKED_CALL = re.compile(r"(?<![\w\[])\\\[(\d{1,3}[a-z]?)\\\](?!\w|\\\])|(?<=\[)\\\[(\d{1,3}[a-z]?)\\\](?=\]\()")


def _shape(blocks: list[str]) -> str:
    """What a part holds, counted, for the report."""
    kinds = {"heading": r"#", "table": r"\|", "quotation": r">", "list": r"(\d+\.|-) ", "image": r"!\["}
    counts = {kind: sum(1 for block in blocks if re.match(pattern, block)) for kind, pattern in kinds.items()}
    counts["paragraph"] = len(blocks) - sum(counts.values())
    return ", ".join(f"{count} {kind}(s)" for kind, count in counts.items() if count)


def _call(relabel: dict[str, str], match: re.Match[str]) -> str:
    return f"[^{relabel.get(match.group(1), match.group(1))}]"


def _fetch_images(
    images: list[tuple[Any, Rule]], folder: Path, fetcher: Fetcher, report: ImportReport, texts: dict[str, str]
) -> None:
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
            kept = 0
            for file, text in texts.items():
                texts[file], count = re.subn(
                    rf"(^|\n\n)?!\[((?:\\.|[^\]\\])*)\]\({re.escape(image.name)}"
                    rf"(?: \"((?:\\.|[^\"\\])*)\")?\)(?=(\n\n|\n?$)|)",
                    partial(_unfetched, image),
                    text,
                )
                kept += count if image.linked else 0
            if image.caption:
                report.check.append(
                    f"image {image.name} left out: its caption “{image.caption}” kept as a paragraph where it stood"
                )
            if kept:
                # The link's words the page shows became the image's alt text: kept, or they would be lost
                # after the audit.
                report.check.append(
                    f"image {image.name} left out: the words of the link that named it, “{image.alt}”, kept as text"
                )
            continue
        target.write_bytes(data)
        width = _size(data)[0] if kind != "image/svg+xml" else 0
        if width and width < MEASURE_PX:
            report.check.append(
                f"image {image.name}: {width} px wide, too coarse to fill "
                f"the measure at 300 dpi; printed {width / 300:.1f} in wide"
            )
        caption = f", its caption “{image.caption}” kept with it" if image.caption else ""
        report.mapped.append(f"image {image.name} (“{image.alt}”){caption}")


_UNREADABLE = "unreadable"


def _unfetched(image: Any, match: re.Match[str]) -> str:
    """An image left out, as the words a reader would have had of it: the words of a link that
    named it; the alternative text of an image set among a paragraph's words (which a browser
    shows in its place); and its caption, as a paragraph where the image stood."""
    start, alt, caption, alone = match.group(1), match.group(2), match.group(3), match.group(4) is not None
    alone = alone and start is not None
    words = alt if alt and (image.linked or not alone) else ""
    caption = caption.replace('\\"', '"') if caption else ""
    if alone:
        return (start or "") + escape_line_start(caption)
    return " ".join(part for part in (words, caption) if part)


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


def write_work(
    into: Path,
    slug: str,
    force: bool,
    meta: dict[str, Any],
    comments: list[str],
    texts: dict[str, str],
    images: list[tuple[Any, Rule]],
    fetcher: Fetcher,
    report: ImportReport,
) -> Imported:
    """The work's folder, written atomically: its images fetched, its parts, work.toml and the
    report; refused (and nothing left behind) unless it loads as a source."""
    with staged(into, slug, force) as stage:
        folder = stage.folder
        _fetch_images(images, folder, fetcher, report, texts)
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "work.toml").write_text(work_toml(meta, comments), encoding="utf-8")
        work = load_work(folder)  # the source must build: an import that does not load is not written
        report.check += [f"lint: {finding.short()}" for finding in lint_work(work)]
        report.check += unprintable(work)  # characters the print edition's faces lack: its PDF is refused (P003)
        report.check += fetcher.notes
        report.mapped += [f"{name}: a file a person added to the work, kept as it was" for name in stage.kept]
        (folder / REPORT_FILE).write_text(report.text(slug), encoding="utf-8")
    return Imported(into / slug, report, list(texts))
