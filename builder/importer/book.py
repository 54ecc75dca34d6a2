"""A book's contents page: the chapter pages it links in its own folder, in order, told apart
from what it links that is not the book's text (other formats, study guides, other works);
its own text, which becomes the book's front matter; and whether the pages it links are
chapters of one work or separate works (a collection, imported as a volume)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import get_close_matches
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree, html

from .header import Field, is_label
from .limits import LIMITS
from .markdown import escape, escape_line_start
from .report import ImportReport

_PAGE = re.compile(r"^[\w.-]+\.html?$", re.I)
_NOT_TEXT = re.compile(
    r"study guide|guide\.htm|index(-\w+)?\.htm|download|audio|\bepub\b|\bpdf\b|"
    r"\bprc\b|\bmobi\b|\bword\b|german original|\bas per\b|full table of contents",
    re.I,
)
_GUIDE = re.compile(r"\bstudy guide\b|\breader'?s guide\b", re.I)
_FURNITURE = {"footer", "title", "pagenote"}
# A contents page is mostly its links: at most this many words of its own per chapter it
# links (an epigraph and a summary of each chapter fit; a chapter that links the next does not).
WORDS_PER_LINK = 200
# Header labels that say where a work comes from (not who transcribed it): a page that has
# them is a work with a provenance of its own.
PROVENANCE_LABELS = re.compile(
    r"^(written|delivered|(first )?(published|printed)|source|publisher|translated|translation)\b", re.I
)
# A page titled as a part of a book ("Chapter One: Commodities", "Preface", "III. Money").
CHAPTER_TITLE = re.compile(
    r"^(chapter|part|book|section|preface|introduction|foreword|afterword|appendix|prologue|epilogue|(?:[IVXLC]+|\d+)[.:])(\W|$)",
    re.I,
)
_BLOCKS = {
    "p",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "center",
    "blockquote",
    "div",
}


@dataclass(frozen=True)
class Chapter:
    href: str  # the file, as the contents page links it
    label: str  # the contents page's words for it


@dataclass(frozen=True)
class Links:
    """What a page links in its own folder."""

    chapters: list[Chapter]  # outside the page's furniture, and not other formats or guides
    other: list[str]  # every other link, as "label (href)", for the report
    own_words: int  # the words of the page that are not the words of a link
    folder_pages: int  # every page of its own folder it links, furniture included
    in_furniture: list[Chapter]  # those of them in its navigation rows, for --book
    guide: bool = False  # a study guide: it links the chapters it asks questions on
    cut_at: int = 0  # the number of links considered, where the page has more (I062)
    openings: list[Chapter] = field(default_factory=list)  # later entries into a chapter's page, at an anchor

    @property
    def is_contents(self) -> bool:
        return not self.guide and len(self.chapters) >= 2 and self.own_words <= WORDS_PER_LINK * len(self.chapters)


def _root(text: str) -> html.HtmlElement:
    return html.document_fromstring(text, parser=html.HTMLParser(huge_tree=True))


def links(text: str, own: str | None = None, max_links: int = LIMITS.links) -> Links:
    """The links of a page, the first `max_links` of them; `own` is the page's own file
    name, never its own chapter."""
    root = _root(text)
    found: dict[str, Chapter] = {}
    furniture: dict[str, Chapter] = {}
    other: list[str] = []
    openings: list[Chapter] = []
    folder: set[str] = set()
    every = list(islice(root.iter("a"), max_links + 1))
    for link in every[:max_links]:
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        label = " ".join(link.text_content().split())
        file = urlsplit(href).path
        if not _PAGE.match(file) or file == own:
            other.append(f"{label or href} ({href})")
            continue
        folder.add(file)
        in_furniture = any(set((a.get("class") or "").split()) & _FURNITURE for a in link.iterancestors())
        if not in_furniture and not _NOT_TEXT.search(f"{label} {file}"):
            if file in found and urlsplit(href).fragment and label:
                openings.append(Chapter(file, label))
            found.setdefault(file, Chapter(file, label))
        elif not _NOT_TEXT.search(f"{label} {file}"):
            furniture.setdefault(file, Chapter(file, label))
            other.append(f"{label or href} ({href})")
        else:
            other.append(f"{label or href} ({href})")
    own_words = _own_words(root)
    titles = " ".join(" ".join(e.text_content().split()) for e in root.xpath("//title|//h1|//h2|//h3"))
    return Links(
        list(found.values()),
        list(dict.fromkeys(other)),
        own_words,
        len(folder),
        [c for f, c in furniture.items() if f not in found],
        bool(_GUIDE.search(titles)),
        max_links if len(every) > max_links else 0,
        openings,
    )


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


def chapters(text: str, report: ImportReport, own: str | None = None, max_links: int = LIMITS.links) -> list[Chapter]:
    """The same-folder pages the contents page lists, each once, in order; empty if the page
    is not a contents page (fewer than two such links, or a text of its own that links)."""
    found = links(text, own, max_links)
    if found.cut_at:
        report.left_out.append(cut_links(found.cut_at))
    if not found.is_contents:
        return []
    report.left_out += [f"contents page link, not the book's text: {item}" for item in found.other]
    return found.chapters


def cut_links(limit: int) -> str:
    return f"links of the contents page past the first {limit:,}: not considered [I062]"


def front_matter(text: str, chapter_files: set[str]) -> tuple[str, list[str]]:
    """The contents page's own text: every block that holds a link (the list of chapters, the
    links to other formats and works) removed, leaving its title, its header and what it says
    of its own (an epigraph, a note on the edition); and the words of each block removed, for
    the report. A list of chapters with prose of its own between its links (a summary of each
    chapter) is the author's text too, and stays, its links becoming links to the parts."""
    root = _root(text)
    body = root.find("body")
    blocks: dict[html.HtmlElement, bool] = {}  # block → whether it links a chapter
    loose: list[html.HtmlElement] = []
    for link in root.iter("a"):
        if not link.get("href"):
            continue
        block = next((a for a in link.iterancestors() if a.tag in _BLOCKS and a is not body), None)
        while (
            block is not None
            and block.getparent() is not None
            and block.getparent().tag in ("tr", "tbody", "table", "ul", "ol", "dl")
        ):
            block = block.getparent()  # a table or list of links goes whole
        if block is None or block.getparent() is None:
            continue
        if _holds_title(block):
            if not any(
                is_label(span.text_content().strip().rstrip(":")) for span in block.iterfind(".//span[@class='info']")
            ):
                loose.append(link)  # a link beside the title: the link alone goes
            continue
        blocks[block] = blocks.get(block, False) or urlsplit(link.get("href") or "").path in chapter_files
    annotated = _prose_between(body, blocks)
    removed: list[str] = []
    for block, links_chapter in blocks.items():
        if (
            (annotated and links_chapter)
            or block.getparent() is None
            or any(a in blocks for a in block.iterancestors())
        ):
            continue
        if words := " ".join(block.text_content().split()):
            removed.append(words)
        block.getparent().remove(block)
    for link in loose:
        if link.getparent() is not None:
            link.drop_tree()
    return etree.tostring(root, encoding="unicode", method="html"), removed


def _prose_between(body: html.HtmlElement | None, blocks: dict[html.HtmlElement, bool]) -> bool:
    """Whether words outside every block of links stand between the first and the last block
    that links a chapter."""
    if body is None:
        return False
    seen_chapter, pending = False, False
    for piece in body.xpath(".//text()"):
        container = piece.getparent().getparent() if piece.is_tail else piece.getparent()
        inside = (
            next((a for a in [container, *container.iterancestors()] if a in blocks), None)
            if container is not None
            else None
        )
        if inside is not None and blocks[inside]:
            if pending:
                return True
            seen_chapter = True
        elif inside is None and seen_chapter and re.search(r"\w", piece):
            pending = True
    return False


def _holds_title(block: html.HtmlElement) -> bool:
    """The title and the header block (its licence links) are read from the page, not cut."""
    return block.find(".//h3[@class='title']") is not None or any(
        is_label(span.text_content().strip().rstrip(":")) for span in block.iterfind(".//span[@class='info']")
    )


def has_provenance(fields: list[Field]) -> bool:
    """Whether a page's header says where its text comes from, not only who transcribed it."""
    return any(PROVENANCE_LABELS.match(item.label.strip()) for item in fields)


def surnames(author: str | None) -> set[str]:
    """ "Karl Marx and Frederick Engels" → {"marx", "engels"}."""
    names = re.split(r"\s+(?:and|&)\s+|,\s+", author or "")
    return {name.split()[-1].lower().strip(".") for name in names if name.split()}


def is_collection(index_fields: list[Field], pages: list[tuple[str, list[Field]]]) -> bool:
    """Separate works, not chapters of one: most of the pages (title, header fields) have a
    header of their own and are not titled as chapters, and the contents page says nothing of
    where a text comes from (a year's letters), or the pages' provenances differ from each
    other (a volume of collected works)."""
    if not pages:
        return False
    headed = [fields for title, fields in pages if fields]
    chapters = [title for title, _ in pages if CHAPTER_TITLE.match(re.sub(r"[*\\]", "", title).strip())]
    if len(headed) * 2 <= len(pages) or len(chapters) * 2 > len(pages):
        return False
    if not has_provenance(index_fields):
        return True
    provenances = {
        tuple((f.label, f.value) for f in fields if PROVENANCE_LABELS.match(f.label.strip()))
        for fields in headed
        if has_provenance(fields)
    }
    return len(provenances) >= 2 and len([f for f in headed if has_provenance(f)]) * 2 > len(pages)


def another_work(author: str | None, fields: list[Field], book_author: str | None) -> str | None:
    """Why a linked page is a work of its own and not the book's text, if it is one: another
    author and a header that says where it comes from. A foreword or an introduction by
    another hand that has no provenance of its own stays the book's."""
    if not author or not book_author or surnames(author) & surnames(book_author):
        return None
    if has_provenance(fields):
        return f"a work of its own, by {author}, with its own header"
    return None


# -- a book's parts as a reader sees them ----------------------------------------------------

_HEADING = re.compile(r"^(#{1,6}) (.*)$", re.S)
# Where a run of a page's words left out goes: (the words, why), for the report.
Leave = Callable[[str, str], None]


def listing(left_out: list[str], where: str) -> Leave:
    """A `Leave` that quotes each run in the report's "Left out", with its page."""
    return lambda words, reason: left_out.append(f"{where}: {reason}: {words!r}")


# A chapter's own numbering, set aside when a contents page's words are matched with the
# page's title ("II: Proletarians and Communists", "Chapter Two. Proletarians and Communists").
_NUMBERING = re.compile(r"^(?:(?:chapter|part|book|section|letter)\s+[\w-]+|[IVXLC]+|\d+)\s*[.:—–-]?\s+", re.I)
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# A date line: "London, August 5, 1890", "5 August 1890", "Folkestone, near Dover August 21, 1890", "1919".
DATE_LINE = re.compile(
    rf"^(?:[\w .'’-]{{1,40}},\s*)?(?:[\w .'’-]{{0,30}}\s)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+\d{{4}}"
    rf"|(?:{_MONTHS}),?\s+\d{{4}})\.?$",
    re.I,
)
# The archive's breadcrumb ("MIA > Archive > Lenin > 1914", "MIA: Marxists: Marx & Engels: Library").
BREADCRUMB = re.compile(r"^(?:MIA|Marxists(?: Internet Archive)?)\s*[>:»/|]", re.I)
# A byline set as a heading ("by Frederick Engels"; not "By what is the price … determined?").
BYLINE = re.compile(r"^(?i:by)\s+(?:[A-Z][\w.'’-]*,?\s*){1,5}$")
# A label set as a heading, over the text it names ("Abstract" over an extract of a letter).
_LABEL = re.compile(r"(?:abstract|summary|excerpts?|extracts?|fragment)[.:]?", re.I)
# A row of asterisks or a dinkus: the source's section break.
BREAK_LINE = re.compile(r"^(?:[*⁂·•]\s*){1,5}$")


def words(markdown: str) -> str:
    """A heading's or paragraph's words, its markup, escapes and note calls set aside, folded
    for comparing."""
    text = re.sub(r"\x00?\[\^[^\]]+\]", "", markdown)
    text = re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_^~]", "", text))
    return " ".join(re.findall(r"\w+", text.casefold()))


def same_title(label: str, title: str) -> bool:
    """Whether a contents page's words for a chapter name the page's own title: the same
    words once numbering is set aside, or most of the shorter's ("What are wages?" and "What
    are Wages? How are they Determined?"; "wage-labor" and "Wage-Labour")."""
    short = words(_NUMBERING.sub("", re.sub(r"\\(.)", r"\1", label).strip())).split()
    long = words(_NUMBERING.sub("", re.sub(r"\\(.)", r"\1", title).strip())).split()
    if not short or not long:
        return False
    if len(short) > len(long):
        short, long = long, short
    found = sum(1 for word in short if word in long or get_close_matches(word, long, n=1, cutoff=0.8))
    return found * 4 >= len(short) * 3


def _heading(block: str) -> tuple[int, str] | None:
    found = _HEADING.match(block)
    return (len(found.group(1)), found.group(2)) if found else None


def _leading(blocks: list[str]) -> list[int]:
    """The indexes of the headings a part's text opens with, before its first other block."""
    out = []
    for index, block in enumerate(blocks):
        if _heading(block) is None:
            break
        out.append(index)
    return out


@dataclass(frozen=True)
class Shape:
    """What a book repeats at the head of its chapters: its own title and author, and the
    headings of its contents page (a subtitle) found at the head of at least two chapters
    and of half of them."""

    repeated: frozenset[str]
    title: str
    author: str

    def furniture(self, text: str) -> bool:
        folded = words(text)
        return (
            bool(folded)
            and "[^" not in text
            and (folded in self.repeated or folded in (self.title, self.author, f"by {self.author}"))
        )


def shape(heads: list[tuple[str, list[str]]], title: str, author: str, contents: list[str], collection: bool) -> Shape:
    """`heads`: each chapter's title and Markdown blocks; `contents`: the contents page's
    title and headings. In a volume of separate works only the book's title and author are
    furniture: a heading the works share is each one's own."""
    counts: dict[str, int] = {}
    for page_title, blocks in heads:
        seen = {words(page_title)} | {words(_heading(blocks[i])[1]) for i in _leading(blocks)}  # type: ignore[index]
        for folded in seen - {""}:
            counts[folded] = counts.get(folded, 0) + 1
    own = {words(text) for text in contents}
    repeated = (
        frozenset()
        if collection
        else frozenset(k for k, n in counts.items() if n >= 2 and n * 2 >= len(heads) and k in own)
    )
    return Shape(repeated, words(title), words(author))


def leading_headings(blocks: list[str]) -> list[str]:
    """The words of the headings a page opens with, before its first other block."""
    return [_heading(blocks[index])[1] for index in _leading(blocks)]  # type: ignore[index]


def headings(blocks: list[str]) -> list[str]:
    """The words of a page's headings."""
    return [found[1] for block in blocks if (found := _heading(block)) is not None]


def chapter_heading(
    label: str | None, page_title: str, blocks: list[str], book: Shape | None, leave: Leave
) -> tuple[str, list[str]]:
    """A part's heading, set once, and its blocks: the book's title, author and the headings
    every chapter repeats left out (each given to `leave`); the contents page's words and
    the page's title that name one chapter set as one heading, the page's own words kept."""
    blocks = list(blocks)
    if book is not None:
        for index in reversed(_leading(blocks)):
            text = _heading(blocks[index])[1]  # type: ignore[index]
            if book.furniture(text):
                leave(text, "a heading the book repeats at the head of its chapters")
                del blocks[index]
        if book.furniture(page_title):
            leave(page_title, "a heading the book repeats at the head of its chapters")
            page_title = ""
    if label is None:
        return (page_title or "Untitled"), blocks
    if page_title and same_title(label, page_title):
        return page_title, blocks
    heading = escape(label)
    for index in _leading(blocks):
        if same_title(label, _heading(blocks[index])[1]):  # type: ignore[index]
            heading = _heading(blocks[index])[1]  # type: ignore[index]
            del blocks[index]
            break
    if page_title:
        blocks.insert(0, f"## {page_title}")
    return heading, blocks


# A heading that names a chapter by its number ("Chapter I. Bourgeois and Proletarians").
_CHAPTER_WORD = re.compile(r"^(chapter|part|book)\s+[\w-]+", re.I)


def opening(blocks: list[str], label: str, others: list[str]) -> int | None:
    """Where a chapter begins inside another's page: the index of the heading (not the
    page's first block) that the contents page's `label` names, at an anchor into the page,
    when it numbers a chapter as the book's other chapters (`others`, their titles) are
    numbered: the Manifesto's "Preamble" page holds "Chapter I", beside "Chapter II". An
    entry into a page's sections ("1. Production") is no chapter: None."""
    words_of = {
        match.group(1).casefold()
        for title in others
        if (match := _CHAPTER_WORD.match(re.sub(r"\\(.)", r"\1", title).strip()))
    }
    for index, block in enumerate(blocks[1:], start=1):
        found = _heading(block)
        if found is None or not same_title(label, found[1]):
            continue
        kind = _CHAPTER_WORD.match(re.sub(r"\\(.)", r"\1", found[1]).strip())
        return index if kind is not None and kind.group(1).casefold() in words_of else None
    return None


def tidy(blocks: list[str], author: str, leave: Leave, mapped: list[str], where: str) -> list[str]:
    """Headings that are not the text's headings: the breadcrumb, a "Contents" heading and
    the author's name left out, a date line set as a date line, a byline or a label
    ("Abstract") as a paragraph, a row of asterisks as a section break, a heading with
    no words dropped, and headings with nothing after them to the part's end left out."""
    out: list[str] = []
    folded_author = words(author)
    for block in blocks:
        found = _heading(block)
        if (cells := _one_column(block)) is not None:
            mapped.append(f"{where}: a table of one column (a boxed note) set as {len(cells)} paragraph(s)")
            out += [escape_line_start(cell) for cell in cells]
            continue
        if found is None:
            out.append(
                "***" if BREAK_LINE.match(re.sub(r"\\(.)", r"\1", block).strip()) and "\n" not in block else block
            )
            continue
        text = found[1].strip()
        plain = re.sub(r"\\(.)", r"\1", text.replace("\\\n", " "))  # a heading on two lines, read as one
        if "[^" in text:
            out.append(block)
        elif BREAK_LINE.match(plain):
            out.append("***")
        elif not words(text):
            leave(plain, "a heading with no words")
        elif re.fullmatch(r"(?:table of )?contents:?", plain.strip(), re.I):
            leave(plain, "the heading over a contents list the editions make their own")
        elif BREADCRUMB.match(plain):
            leave(plain, "navigation or page furniture")
        elif folded_author and words(text) in (folded_author, f"by {folded_author}"):
            leave(plain, "the author's name set as a heading; the title page names the author")
        elif BYLINE.match(plain) or _LABEL.fullmatch(plain):
            mapped.append(
                f"{where}: the heading {plain!r}, a byline or a label and no section's title, set as a paragraph"
            )
            out.append(escape_line_start(text))
        elif DATE_LINE.match(plain):
            mapped.append(f"{where}: the heading {plain!r} set as a date line")
            out.append(f"{{.dateline}}\n{text}")
        else:
            out.append(block)
    while out and (_heading(out[-1]) is not None or out[-1] == "***"):
        dropped = out.pop()
        if dropped != "***":
            leave(_heading(dropped)[1], "a heading with nothing after it to the part's end")  # type: ignore[index]
    while out and out[0] == "***":
        out.pop(0)
    return out


def unheaded(blocks: list[str], mapped: list[str], where: str) -> list[str]:
    """A heading that heads nothing (the next block a heading of its rank or higher: "Part I:
    Commodities and Money" above "Section 1", a label such as "Abstract") set as a paragraph,
    its words kept where they stood."""
    out = list(blocks)
    for index, block in enumerate(out[:-1]):
        found, following = _heading(block), _heading(out[index + 1])
        if found is not None and following is not None and following[0] <= found[0] and "[^" not in found[1]:
            out[index] = escape_line_start(found[1])
            mapped.append(f"{where}: the heading {found[1]!r}, which heads nothing, set as a paragraph")
    return out


def relevel(blocks: list[str], mapped: list[str], where: str) -> list[str]:
    """The part's headings re-levelled under its own `#` so that none skips a level (a page's
    h3 then h5 becomes `##` then `###`), their order and relative depth kept, as pandoc's
    reader does: each heading one level below the nearest earlier heading of a higher rank on
    the page. A skip is no fault of the reader's but fails PDF/UA-1 (headings must nest)."""
    out = list(blocks)
    open_: list[tuple[int, int]] = []  # (the page's level, the level given), outermost first
    changed = []
    for index, block in enumerate(out):
        found = _heading(block)
        if found is None:
            continue
        while open_ and open_[-1][0] >= found[0]:
            open_.pop()
        level = min(6, (open_[-1][1] if open_ else 1) + 1)
        open_.append((found[0], level))
        if level != found[0]:
            out[index] = f"{'#' * level} {found[1]}"
            changed.append(found[1])
    if changed:
        mapped.append(
            f"{where}: {len(changed)} heading(s) re-levelled so that none skips a level, their order and depth kept"
        )
    return out


def _one_column(block: str) -> list[str] | None:
    """A Markdown table of one column (a page's boxed note): its cells' text; None for any
    other block."""
    lines = block.split("\n")
    if len(lines) < 2 or not all(
        line.startswith("| ") and line.endswith(" |") and len(re.findall(r"(?<!\\)\|", line)) == 2 for line in lines
    ):
        return None
    return [cell for line in lines if (cell := line[2:-2].strip()) and cell != "---"]
