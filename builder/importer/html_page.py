"""An archive page's HTML → its title, author, header fields, body and notes as Markdown.

What belongs to the web page is dropped before the text is read: navigation rows and bars
(classes `title`, `footer`, `pagenote`, the `t2h-foot` table), rules, link labels such as
"README", "Download PDF" and the page's own contents list."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree, html

from ..errors import BuildError
from ..source.text import LANGUAGE, MD, plain_text
from .fetch import is_address, resolve
from .header import NAME, Field, fact_lines, info_fields, info_label
from .markdown import escape, escape_line_start, spaces
from .notes import MARKER, RULE_ABOVE, STOPS, FoundNotes, find_linked, find_written
from .quotes import quote_marks
from .report import ImportReport

# A run of Greek: Greek letters, each with the combining marks after it (a page may set its
# accents decomposed, "ε" + U+0301), and the spaces and punctuation between them.
_GREEK = re.compile(r"[Ͱ-Ͽἀ-῿][\u0300-\u036f]*(?:[Ͱ-Ͽἀ-῿\u0300-\u036f\s.,;·᾿’'…]*[Ͱ-Ͽἀ-῿][\u0300-\u036f]*)?")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BREAK = "\x01"  # a line break inside a block, until the block is written
IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|svg)$", re.I)
_DEBRIS_CLASSES = {"footer", "pagenote", "skip", "t2h-foot", "toc", "index", "updat", "link", "next", "back"}
_DEBRIS_LABELS = re.compile(r"^\s*(README|Download PDF|\[German Original\]|Contents|Table of Contents:?)\s*$", re.I)
_CLASSES = {
    "salutation": "salutation",
    "sig": "closing",
    "closing": "closing",
    "signed": "signature",
    "signature": "signature",
    "date": "dateline",
    "dateline": "dateline",
    "address": "dateline",
}
CREDIT_LINE = re.compile(
    r"^\s*(Transcribed|Html Markup|HTML Markup|Proofed|Proofread|Transcription|"
    r"Original Transcription|Re-Marked up)(?: and Corrected)?(?: by)?\b:?\s*(.*)$",
    re.I,
)
# A "file no longer available" notice the archive serves in place of a page.
_PARSER = html.HTMLParser(huge_tree=True)
_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "center",
    "hr",
    "figure",
}
# Blocks that may stand where a line of words is written (in a table's cell, a list item read
# as one line): set apart from the words around them.
_APART_INLINE = (_BLOCK_TAGS - {"hr", "table"}) | {"li", "dd", "dt", "tr", "td", "th"}
# A page of the printed edition begins: Lenin's Collected Works mark each in a comment,
# `<!-- vol=19 pg=029 src=v19pp77 type= -->`; kept as the source's `{{page 29}}`.
_PRINTED_PAGE = re.compile(r"^\s*vol=\s*\w+\s+pg=\s*0*([A-Za-z0-9]{1,12})\b")
# A note's call written out ("[1]", "(2)"), which the page's notes may answer; a linked call is
# already a note's by the time the text is read, so any other superscript is the text's ("x²").
_WRITTEN_CALL = re.compile(r"^\s*[\[(]\s*(\d{1,3}[a-z]?|[A-Za-z]|note|\*{1,3})\s*[\])]\.?\s*$", re.I)
# What heads a part of a work, not a name ("Part One", "Book Two", "Chapter Three").
_LABEL = re.compile(
    r"^(Part|Book|Chapter|Section|Volume|Appendix|Preface|Introduction|Foreword|Afterword|Letter|Article)\b", re.I
)
# Navigation a page repeats about its text: links to its top, to an index, or labelled as moves.
_TOP_ANCHORS = {"", "top", "start", "begin", "home", "contents", "toc"}
_INDEX_PAGE = re.compile(r"(?:^|/)(?:index|contents|toc)\.s?html?$", re.I)
_MOVE = re.compile(r"^\W*(?:back|return|go|up|top|home|next|previous|prev)\b", re.I)
# A list's first item as the import writes it: its marker, "- " or "* ", or a number and ". " or ") ".
_LIST_ITEM = re.compile(r"(?:\d+)?(- |\* |\. |\) )")
# A paragraph as the import writes one: not a list, quotation, heading, table, image or a
# block with attributes, each of which Markdown reads by its first characters.
_PLAIN_PARAGRAPH = re.compile(r"(?!(?:\d+)?(?:- |\* |\. |\) )|[>#|{]|!\[)")
GONE = re.compile(r"(file|page) (is )?no longer available|this file has been moved|404 not found", re.I)


@dataclass
class Image:
    location: str  # where to fetch it
    name: str  # its file name in the work's folder
    alt: str
    linked: bool = False  # its alt is the words of the link that named it, words the page shows
    caption: str = ""  # the caption the page gives it


@dataclass
class PageText:
    title: str
    author: str | None
    language: str | None
    fields: list[Field]
    blocks: list[str]
    notes: dict[str, str]
    images: list[Image] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # placeholder → file it links to (books)
    meta_author: str | None = None  # the hidden <meta name="author">, which a reader never sees
    # The title as the page breaks it ("Part I<br>THE COMMODITY"), in the format's heading lines
    # ("Part I\\\nTHE COMMODITY"); empty when the title is one line. `title`, on one line, is
    # what contents pages and repeated titles are compared with.
    title_lines: str = ""


def parse(text: str, location: str, report: ImportReport, *, chapters: dict[str, str] | None = None) -> PageText:
    try:
        return _parse(text, location, report, chapters=chapters)
    except RecursionError:
        raise BuildError(
            _short(location),
            "the page nests its elements too deep to be read",
            hint="the page's markup nests hundreds of elements inside each other; save it "
            "with its nesting flattened (any HTML tidier does it) and import that file",
            code="I013",
        ) from None


def _parse(text: str, location: str, report: ImportReport, *, chapters: dict[str, str] | None = None) -> PageText:
    # huge_tree: old pages nest unclosed <font>s past libxml2's default depth, which would cut them short.
    root = html.document_fromstring(text, parser=_PARSER)
    _printed_pages(root, report, location)
    for bad in root.xpath("//script|//style|//noscript|//template|//comment()|//processing-instruction()"):
        _drop_keep_tail(bad)  # what follows a comment mid-sentence is the text's
    _unnest(root)
    body_element = root.find("body")
    language = next(
        (
            found
            for element in (root, body_element)
            if element is not None and (found := (element.get("lang") or element.get(_XML_LANG) or "").strip())
        ),
        None,
    )
    meta_author = next((m.get("content") for m in root.iter("meta") if (m.get("name") or "").lower() == "author"), None)
    body = root.find("body") if root.find("body") is not None else root
    page = _Converter(location, report, chapters or {})
    page.page_title = root.findtext(".//title") or ""
    images_linked = page.linked_images(body)
    fields = page.header(body)
    page.drop_debris(body)
    found = find_linked(body)
    report.check += [f"{_short(location)}: {message}" for message in found.dangling]
    _after_the_notes(body, found, report, location)
    notes: dict[str, str] = {}
    for label, blocks in found.notes.items():
        heading = blocks[0].getprevious()
        if heading is not None and heading.tag in _HEADINGS and _NOTES_TITLE.fullmatch(heading.text_content().strip()):
            # The heading over the notes goes with them, even when text follows the notes.
            report.ledger.leave_out(
                _short(location),
                heading.text_content().strip(),
                "the heading over the notes, its notes now set as notes",
            )
            _drop_keep_tail(heading)
        _page_into_note(blocks[0])
        if (marker := found.markers.get(label)) is not None:
            # The punctuation set after a number outside its link ("<a>1</a>. France") is the label's.
            marker.tail = re.sub(r"^[.):\]](?=\s|$)", "", marker.tail or "")
            _drop_keep_tail(marker)
        notes[label] = "\n\n    ".join(
            b.replace("\n", "\n    ") for b in (page.note_block(block) for block in blocks) if b
        )
        for block in blocks:
            _drop(block)
    for label, call in found.calls.items():
        placeholder = etree.Element("folio-note", label=label)
        placeholder.tail = call.tail
        if (words := call.text_content()).strip() and not MARKER.match(words):
            call.tail = None  # an anchor around words, named by the note's number: the call after them
            call.addnext(placeholder)
        else:
            call.getparent().replace(call, placeholder)
    title, author, title_lines = page.title(body, root.findtext(".//title") or "")  # after the notes: it may call one
    _captions(body)
    fields += page.credits_at_end(body)
    page.levels = sorted(
        {int(h.tag[1]) for h in body.iter("h1", "h2", "h3", "h4", "h5", "h6") if h.text_content().strip()}
    )
    blocks = page.blocks(body)
    blocks += [f"![{escape(image.alt)}]({image.name})" for image in images_linked]
    if not notes:
        before = blocks
        blocks, notes = find_written(blocks)
        if notes:
            if (heading := before[len(blocks)]).startswith("#"):
                report.ledger.leave_out(
                    _short(location), heading.lstrip("# "), "the heading over the notes, its notes now set as notes"
                )
            report.guessed.append(
                f"{_short(location)}: notes read from a notes section the page does not link: {', '.join(notes)}"
            )
    return PageText(
        title=title,
        author=author or meta_author,
        language=language,
        fields=fields,
        blocks=_drop_empty_note_heading(blocks, report, location),
        notes=notes,
        images=page.images,
        links=page.links,
        meta_author=meta_author,
        title_lines=title_lines,
    )


def _printed_pages(root: html.HtmlElement, report: ImportReport, location: str) -> None:
    """Comments that say where a page of the printed edition begins become page markers."""
    labels = []
    for comment in root.xpath("//comment()"):
        if (page := _PRINTED_PAGE.match(comment.text or "")) and comment.getparent() is not None:
            marker = etree.Element("folio-page", label=page.group(1).lstrip("0") or "0")
            marker.tail = comment.tail
            comment.getparent().replace(comment, marker)
            labels.append(marker.get("label"))
    if labels:
        report.mapped.append(
            f"{_short(location)}: the printed edition's pages, marked where each begins: {', '.join(labels)}"
        )


def _page_into_note(block: html.HtmlElement) -> None:
    """A page marker right before a note (its page began with the note) goes into it."""
    before = block.getprevious()
    if before is not None and before.tag == "folio-page" and not (before.tail or "").strip():
        before.getparent().remove(before)
        before.tail = block.text
        block.text = None
        block.insert(0, before)


def _unnest(root: html.HtmlElement) -> None:
    """What old HTML leaves open, closed as a browser closes it: <font> carries nothing the
    source keeps, and a paragraph opened inside a paragraph ends it (400 unclosed
    `<font><p>` would otherwise nest 800 deep and run together)."""
    for font in list(root.iter("font")):
        font.drop_tag()
    for paragraph in list(root.iter("p")):
        outer = next((a for a in paragraph.iterancestors() if a.tag == "p"), None)
        if outer is None:
            continue
        # The inner paragraph, and what followed it in the outer one, go after the outer one:
        # blocks as they are, loose words and inline elements as paragraphs of their own.
        following = list(paragraph.itersiblings()) if paragraph.getparent() is outer else []
        loose = html.Element("p")
        loose.text, paragraph.tail = paragraph.tail, None
        after = [paragraph]
        for sibling in following:
            if isinstance(sibling.tag, str) and sibling.tag in _BLOCK_TAGS:
                after += [loose, sibling]
                loose = html.Element("p")
                loose.text, sibling.tail = sibling.tail, None
            else:
                loose.append(sibling)
        after.append(loose)
        outer_tail, outer.tail = outer.tail, None
        place = outer
        for element in after:
            if (
                element.tag == "p"
                and element is not paragraph
                and not len(element)
                and not (element.text or "").strip()
            ):
                continue  # an empty paragraph of loose words
            place.addnext(element)
            place = element
        place.tail = outer_tail


def _captions(body: html.HtmlElement) -> None:
    """A caption the page gives an image (a <figcaption>, or a paragraph of class "caption"
    right after the image's own) goes with the image, as its title."""
    for image in list(body.iter("img")):
        holder = next((a for a in image.iterancestors() if a.tag in ("p", "div", "figure", "center")), None)
        if holder is None:
            continue
        caption = holder.find(".//figcaption") if holder.tag == "figure" else None
        following = holder.getnext()
        if (
            caption is None
            and following is not None
            and following.tag in ("p", "div")
            and "caption" in (following.get("class") or "")
        ):
            caption = following
        if caption is not None and (words := " ".join(caption.text_content().split())):
            image.set("data-caption", words)
            _drop(caption)  # the report names it with its image: kept with it, or as a paragraph if it is not fetched


def page_name(location: str) -> str:
    """A page's name in the report and the ledger: its file's name."""
    return urlsplit(location).path.rsplit("/", 1)[-1] or location


_short = page_name


def _drop(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _drop_keep_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NOTES_TITLE = re.compile(r"(?i)(notes|footnotes|endnotes|anmerkungen|notas|note|примечания|注\s*释|註\s*釋)[.:]?")


def _after_the_notes(body: html.HtmlElement, found: FoundNotes, report: ImportReport, location: str) -> None:
    """The blocks after a page's notes (a postscript, a signature) stay in the text, which the
    notes follow in the source: named in the ledger as moved, for the audit."""
    order = {id(element): number for number, element in enumerate(body.iter())}
    last = max((b for blocks in found.notes.values() for b in blocks), key=lambda b: order[id(b)], default=None)
    if last is None or order[id(last)] < max((order[id(call)] for call in found.calls.values()), default=0):
        return  # no notes, or notes set before the text they annotate
    for element in (last, *last.iterancestors()):
        if element is body:
            break
        for following in element.itersiblings():
            if isinstance(following.tag, str):
                report.ledger.move(
                    _short(location), shown_text(following), "after the notes on the page; set before them"
                )


def _drop_empty_note_heading(blocks: list[str], report: ImportReport, location: str) -> list[str]:
    """A "Notes" heading with nothing under it (the notes have become notes) is the page's."""
    kept = []
    for index, block in enumerate(blocks):
        if re.fullmatch(r"#+ (Notes|Footnotes|Endnotes)", block) and all(
            b.startswith("#") for b in blocks[index + 1 :]
        ):
            report.ledger.leave_out(
                _short(location), block.lstrip("# "), "the heading over the notes, its notes now set as notes"
            )
            continue
        kept.append(block)
    return kept


def _classes(element: html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


class _Converter:
    def __init__(self, location: str, report: ImportReport, chapters: dict[str, str]) -> None:
        self.location = location
        self.report = report
        self.chapters = chapters  # chapter file → the id of its part, for links between parts
        self.images: list[Image] = []
        self.links: dict[str, str] = {}
        self.levels: list[int] = []
        self.page = _short(location)
        self.page_title = ""  # the page's <title>, whose part before ":" is often its author
        self.title_author: str | None = None  # the author's name, from a <p class="title">

    # -- the page's furniture --------------------------------------------------------------

    def linked_images(self, body: html.HtmlElement) -> list[Image]:
        """Images the page links to in its own folder (a photograph named in the footer)."""
        found = []
        for link in body.iter("a"):
            href = link.get("href") or ""
            if IMAGE_FILE.search(href) and "/" not in href and ":" not in href:
                alt = " ".join(link.text_content().split()) or href
                image = self._image(href, alt)
                image.linked = alt != href
                found.append(image)
                self.report.mapped.append(
                    f"{_short(self.location)}: the linked image {href} (“{alt}”), placed at the end of the part"
                )
        return found

    def header(self, body: html.HtmlElement) -> list[Field]:
        label = next(
            (s for s in body.iter("span") if "info" in _classes(s) and info_label(s.text_content(), s.tail)), None
        )
        block = next((a for a in label.iterancestors() if a.tag in ("p", "div")), None) if label is not None else None
        if block is None:
            return self.info_line(body)
        fields: list[Field] = []
        for line in _lines(block):
            label_span = next((e for e in line if isinstance(e, html.HtmlElement) and "info" in _classes(e)), None)
            text = spaces("".join(_text(e) for e in line)).strip()
            links = [
                (
                    " ".join(a.text_content().split()),
                    resolve(self.location, a.get("href")) if is_address(self.location) else a.get("href"),
                )
                for e in line
                if isinstance(e, html.HtmlElement)
                for a in ([e] if e.tag == "a" else e.iter("a"))
                if a.get("href")
            ]
            if readme := re.search(r"\s*•\s*README\s*$|\s*README\s*$", text):
                self.report.ledger.leave_out(self.page, readme.group(), "link label in the header")
                text = text[: readme.start()]
            self.report.ledger.move(self.page, text, "header field, mapped to work.toml")
            if label_span is not None:
                written = " ".join(label_span.text_content().split())
                value = text.removeprefix(written).strip()
                fields.append(Field(written.rstrip(":").strip(), value.rstrip(";").strip(), links))
            elif text and fields:
                fields[-1].notes.append(text.rstrip(";"))
            elif text:
                fields.append(Field("", text, links))
        _drop(block)
        return fields

    def info_line(self, body: html.HtmlElement) -> list[Field]:
        """A header written otherwise: one line of class "info" ("From …, Transcribed & marked
        up by …"), or a box of publication facts, each line a label the header knows
        ("<b>Written:</b> 1914<br><b>Source:</b> …"), which is the work's provenance, not its text."""
        for block in body.iter("p", "div", "td"):
            if _classes(block) & {"info", "information"} and (
                fields := info_fields(" ".join(block.text_content().split()))
            ):
                self.report.mapped.append(
                    f"{_short(self.location)}: the header line {' '.join(block.text_content().split())!r}, "
                    f"read as {', '.join(f.label for f in fields)}"
                )
                self.report.ledger.move(self.page, shown_text(block), "the header line, mapped to work.toml")
                _drop(block)
                return fields
            if (
                block.find(".//p") is None
                and block.find(".//td") is None
                and (fields := fact_lines([spaces("".join(_text(e) for e in line)).strip() for line in _lines(block)]))
            ):
                self.report.mapped.append(
                    f"{_short(self.location)}: a box of publication facts, "
                    f"read as the header ({', '.join(f.label for f in fields)})"
                )
                box = (
                    next((a for a in block.iterancestors() if a.tag == "table"), block) if block.tag == "td" else block
                )
                self.report.ledger.move(self.page, shown_text(box), "a box of publication facts, mapped to work.toml")
                _drop(box)
                return fields
        return []

    def credits_at_end(self, body: html.HtmlElement) -> list[Field]:
        """A page with no header block may give its credits after the text."""
        fields = []
        for block in list(body.iter("p")):
            lines = [spaces("".join(_text(e) for e in line)).strip() for line in _lines(block)]
            lines = [line for line in lines if line]
            if lines and all(CREDIT_LINE.match(line) for line in lines):
                for line in lines:
                    match = CREDIT_LINE.match(line)
                    assert match
                    fields.append(Field(match.group(1), match.group(2).strip()))
                    self.report.ledger.move(self.page, line, "credit line, mapped to work.toml")
                self.report.guessed.append(
                    f"{_short(self.location)}: no header block; credits "
                    f"read from the end of the page: {' / '.join(lines)!r}"
                )
                _drop(block)
        return fields

    def title(self, body: html.HtmlElement, fallback: str = "") -> tuple[str, str | None, str]:
        """The page's title (its `h3.title`, else its highest heading with words), the author's
        line above it, and the title in heading lines if the page breaks it; with no heading,
        the page's <title>."""
        author = None
        heading = body.find(".//h3[@class='title']")
        if heading is not None and not _worded(heading):
            heading = None
        if heading is None:
            headings = [h for h in body.iter("h1", "h2", "h3", "h4", "h5", "h6") if _worded(h)]
            heading = min(headings, key=lambda h: int(h.tag[1]), default=None)
        before = heading.getprevious() if heading is not None else None
        if before is not None and _author_line(before, heading, self.page_title):
            author = " ".join(before.text_content().split())
            self.report.mapped.append(f"author {author!r}, from the line above the title")
            self.report.ledger.move(self.page, author, "the author's line above the title, mapped to work.toml")
            _drop_keep_tail(before)
        author = author or self.title_author
        if heading is None:
            fallback = " ".join(fallback.split())
            self.report.check.append(
                f"{_short(self.location)}: no heading with words; the title is "
                + (f"the page's <title>, {fallback!r}" if fallback else "“Untitled”")
            )
            return escape(fallback) or "Untitled", author, ""
        inline = spaces(self.inline(heading)).strip(" " + BREAK)
        title = spaces(inline.replace(BREAK, " ")).strip()
        _drop_keep_tail(heading)
        return title, author, _hard_breaks(inline) if BREAK in inline else ""

    def drop_debris(self, body: html.HtmlElement) -> None:
        for element in list(body.iter()):
            if not isinstance(element.tag, str) or not any(ancestor is body for ancestor in element.iterancestors()):
                continue  # inside something already left out
            classes = _classes(element)
            text = element.text_content()
            if (
                element.tag == "p"
                and "title" in classes
                and self.title_author is None
                and _names_in_title(words := " ".join(text.split()), self.page_title)
            ):
                # The archive's line above the title naming the author, as the <title> does.
                self.title_author = words
                self.report.mapped.append(
                    f"author {words!r}, from the line above the title, as the page's <title> names it"
                )
                self.report.ledger.move(self.page, words, "the author's line above the title, mapped to work.toml")
                _drop(element)
            elif (element.tag == "p" and "title" in classes) or classes & _DEBRIS_CLASSES or element.tag == "hr":
                self.report.ledger.leave_out(self.page, shown_text(element), "navigation or page furniture")
                if element.tag == "hr" and (following := element.getnext()) is not None:
                    following.set(RULE_ABOVE, "")  # a rule ends a notes section: the notes read it
                (_drop_keep_tail if element.tag == "hr" else _drop)(element)
            elif element.tag == "a" and _DEBRIS_LABELS.match(text):
                self.report.ledger.leave_out(self.page, text, "link label")
                _drop_keep_tail(element)
            elif element.tag in ("p", "div", "center") and _is_navigation(element):
                self.report.ledger.leave_out(self.page, shown_text(element), "navigation or page furniture")
                _drop(element)
            elif element.tag == "p" and _is_anchor_list(element):
                self.report.ledger.leave_out(self.page, shown_text(element), "the page's own contents list")
                _drop(element)
        # Leftover separators of dropped links: a bullet or bar alone at a paragraph's end.
        for element in body.iter("p"):
            if len(element) == 0 and element.text and re.fullmatch(r"[\s•|]+", element.text):
                element.text = ""

    # -- blocks ----------------------------------------------------------------------------

    def blocks(self, element: html.HtmlElement) -> list[str]:
        out: list[str] = []
        pending: list[str] = []  # loose inline content between blocks

        def flush() -> int:
            text = spaces("".join(pending)).strip(" " + BREAK)
            if text.strip():
                out.append(_hard_breaks(text))
            pending.clear()
            return len(out)  # where the next block's own blocks begin

        if element.text:
            pending.append(escape(element.text))
        for child in element:
            if not isinstance(child.tag, str):
                pending.append(escape(child.tail or ""))
                continue
            tag = child.tag
            start = None
            if tag in ("p", "center", "figure") or (
                tag == "div"
                and not any(
                    isinstance(c.tag, str) and c.tag in STOPS | {"p", "div", "blockquote", "ul", "ol"} for c in child
                )
            ):
                start = flush()
                if block := self.paragraph(child):
                    out.append(block)
            elif tag in ("div", "body", "span", "font") and any(
                isinstance(c.tag, str) and c.tag in STOPS | {"p", "div", "blockquote"} for c in child
            ):
                start = flush()
                out += self.blocks(child)
            elif tag == "blockquote" and (
                child.find(".//div[@class='border']") is not None
                or any(True for _ in child.iter("h1", "h2", "h3", "h4"))
            ):
                flush()  # the archive's page layout (a bordered box), not a quotation
                out += self.blocks(child)
            elif tag == "blockquote":
                start = flush()
                inner = self.blocks(child)
                if inner:
                    out.append(
                        "\n>\n".join(
                            "\n".join(f"> {line}" if line else ">" for line in block.split("\n")) for block in inner
                        )
                    )
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                start = flush()
                # A heading the page sets on two lines ("Part I<br>THE COMMODITY") keeps its break.
                lines = spaces(self.inline(child)).strip(" " + BREAK).split(BREAK)
                text = "\\\n".join(line.strip() for line in lines if line.strip())
                if text and has_words(text):
                    out.append(f"{'#' * self._level(int(tag[1]))} {text}")
                elif text:  # an image or a call alone: kept, as a paragraph
                    out.append(escape_line_start(text))
                    self.report.check.append(
                        f"{self.page}, line {child.sourceline}: a heading with no words "
                        f"({' '.join(child.text_content().split()) or 'an image'}); set as a paragraph"
                    )
                else:
                    self.report.left_out.append(
                        f"{self.page}, line {child.sourceline}: an empty heading <{tag}>, dropped"
                    )
            elif tag in ("ul", "ol"):
                start = flush()
                # A list right after another of its kind takes the other marker ("*" for "-",
                # ")" for "."): with the same one, Markdown would read the two as one list.
                # (The last list of the block before: a list an item's value split is two.)
                after = _LIST_ITEM.match(re.split(r"\n\n(?=\S)", out[-1])[-1]) if out else None
                out.append(self.listing(child, other=bool(after and after.group(1) in ("- ", ". "))))
            elif tag == "dl":
                start = flush()
                out += self.definitions(child)
            elif tag == "table":
                start = flush()
                out.append(self.table(child))
            elif tag == "pre":
                start = flush()
                for br in child.iter("br"):  # a line break of the <pre>, as its newlines are
                    br.tail = "\n" + (br.tail or "")
                out.append(_preformatted(child.text_content()))
            elif tag == "img":
                start = flush()
                out.append(self.img(child))
            elif tag == "br":
                start = flush()
            else:
                pending.append(self.inline_element(child))
                continue
            if start is not None and (attributes := self._language(child)):
                out[start:] = [_with_attributes(block, attributes) for block in out[start:]]
            if child.tail and child.tail.strip():
                pending.append(escape(child.tail))
        flush()
        return [block for block in out if block.strip()]

    def _language(self, element: html.HtmlElement) -> str:
        """The language and direction an element sets that its surroundings do not (a French
        quotation in an English page), as the source's attributes: `lang=fr dir=rtl`."""
        said = []
        lang = (element.get("lang") or element.get(_XML_LANG) or "").strip()
        around = next(
            (a.get("lang") or a.get(_XML_LANG) for a in element.iterancestors() if a.get("lang") or a.get(_XML_LANG)),
            None,
        )
        if lang and LANGUAGE.match(lang) and lang.lower() != (around or "").strip().lower():
            said.append(f"lang={lang}")
        direction = (element.get("dir") or "").strip().lower()
        flow = next(
            (a.get("dir").strip().lower() for a in element.iterancestors() if (a.get("dir") or "").strip()), "ltr"
        )
        if direction in ("ltr", "rtl") and direction != flow:
            said.append(f"dir={direction}")
        return " ".join(said)

    def _level(self, level: int) -> int:
        """Headings below the title, from ## down, in the order of their rank on the page."""
        return min(6, 2 + self.levels.index(level)) if level in self.levels else 2

    def paragraph(self, element: html.HtmlElement) -> str:
        if any(isinstance(c.tag, str) and c.tag in ("p", "blockquote", "table", "ul", "ol") for c in element):
            return "\n\n".join(self.blocks(element))
        text = self.inline(element).strip(" \u00a0" + BREAK)
        if not text:
            return ""
        kind = next((_CLASSES[c] for c in _classes(element) if c in _CLASSES), None)
        if "{lang=" not in text and _GREEK.search(text):
            text = _GREEK.sub(lambda m: f"[{m.group(0)}]{{lang={_greek_kind(m.group(0))}}}", text)
            self.report.guessed.append(
                f"{_short(self.location)}: Greek passages marked as Greek "
                "(lang grc or el), for the typeface and for screen readers"
            )
        text = _hard_breaks(text)
        return f"{{.{kind}}}\n{text}" if kind else text

    def note_block(self, element: html.HtmlElement) -> str:
        """A block of a note: a paragraph, or the table or quotation a note goes on with."""
        if element.tag == "table":
            return self.table(element)
        if element.tag == "blockquote":
            return "\n".join(f"> {line}" if line else ">" for line in "\n\n".join(self.blocks(element)).split("\n"))
        return self.paragraph(element)

    def listing(self, element: html.HtmlElement, *, other: bool = False) -> str:
        """A list, each item's blocks (its paragraphs, the lists nested in it) under its marker,
        indented as far as the marker is wide: a nested list stays a nested list. Numbered as
        the page numbers it (`start`, an item's `value`): an item whose value breaks the count
        starts a list of its own, with the other marker, which Markdown does not join to the
        one before. A list numbered with letters or roman numerals (`type="a"`), which Markdown
        cannot number, is a paragraph per item, as a numbered point, its label written out."""
        items = [c for c in element if c.tag == "li"]
        kind = (element.get("type") or "1").strip()
        if element.tag == "ol" and kind in ("a", "A", "i", "I"):
            return self._labelled(items, kind, _number(element.get("start"), 1))
        lists: list[list[str]] = [[]]
        loose = [False]
        number = _number(element.get("start"), 1)
        for index, item in enumerate(items):
            given = _number(item.get("value"), number) if element.tag == "ol" else number
            if given != number and index:
                lists.append([])
                loose.append(False)
                other = not other
            number = given
            marker = (f"{number}) " if other else f"{number}. ") if element.tag == "ol" else ("* " if other else "- ")
            paragraphs, text = self._item(item)
            loose[-1] = loose[-1] or paragraphs > 1
            indent = " " * len(marker)
            lists[-1].append(marker + "\n".join(indent + line if line else line for line in text.split("\n")).lstrip())
            number += 1
        return "\n\n".join(("\n\n" if spread else "\n").join(kept) for kept, spread in zip(lists, loose, strict=True))

    def _item(self, item: html.HtmlElement) -> tuple[int, str]:
        """A list item's blocks, as its marker takes them, and how many paragraphs it has."""
        attributes = self._language(item)
        own = [_with_attributes(block, attributes) if attributes else block for block in self.blocks(item)]
        inner = _item_paragraphs([_as_span(block) for block in own]) or [""]
        # Words then a nested list sit tight; two blocks of another kind make the list loose.
        paragraphs = [b for b in inner if not _LIST_ITEM.match(b)]
        return len(paragraphs), "\n\n".join(inner) if len(paragraphs) > 1 else "\n".join(inner)

    def _labelled(self, items: list[html.HtmlElement], kind: str, start: int) -> str:
        """Items numbered with letters or roman numerals: each a numbered point, its label first."""
        out = []
        number = start
        for item in items:
            number = _number(item.get("value"), number)
            label = _roman(number) if kind in "iI" else _letters(number)
            label = label.upper() if kind.isupper() else label
            blocks = [_as_span(block) for block in self.blocks(item)] or [""]
            first = blocks[0]
            if first.startswith("{"):  # a paragraph with attributes of its own: the label on its line
                head, _, rest = first.partition("\n")
                blocks[0] = f"{head}\n{label}. {rest}"
            else:
                blocks[0] = f"{{.point}}\n{label}. {first}".rstrip()
            out += blocks
            number += 1
        return "\n\n".join(out)

    def definitions(self, element: html.HtmlElement) -> list[str]:
        """A definition list (<dl>): the source format has none, so each term is a paragraph of
        its own, in bold, and each definition its paragraphs after it."""
        out = []
        loose = [element.text or ""]  # words set in the list outside its terms and definitions
        for child in element:
            if not isinstance(child.tag, str):
                loose.append(child.tail or "")
                continue
            if words := escape_line_start(spaces(escape("".join(loose))).strip()):
                out.append(words)
            loose = [child.tail or ""]
            if child.tag == "dt":
                term = spaces(self.inline(child)).strip(" " + BREAK)
                if term.strip():
                    term = _hard_breaks(term)
                    out.append(escape_line_start(f"**{term}**" if "**" not in term else term))
            elif child.tag == "div":  # a group of terms and definitions, as HTML allows
                out += self.definitions(child)
            else:
                out += self.blocks(child)
        if words := escape_line_start(spaces(escape("".join(loose))).strip()):
            out.append(words)
        return out

    def table(self, element: html.HtmlElement) -> str:
        nested = [table for table in element.iter("table") if table is not element]
        if nested:  # a layout table around tables: each inner table, then the words beside them
            for table in nested:
                table.tag = "div" if table.find(".//table") is not None else table.tag
            inner = [self.table(table) for table in nested if table.tag == "table"]
            for table in nested:
                _drop_keep_tail(table)
            beside = [spaces(self.inline(cell).replace(BREAK, " ")).strip() for cell in element.iter("td", "th")]
            return "\n\n".join([*inner, *(escape_line_start(text) for text in beside if text)])
        caption = next((c for c in element if c.tag == "caption"), None)
        title = spaces(self.inline(caption).replace(BREAK, " ")).strip() if caption is not None else ""
        rows = []
        head = False
        for row in element.iter("tr"):
            cells = []
            for cell in row:
                if cell.tag not in ("td", "th"):
                    continue
                text = spaces(self.inline(cell).replace(BREAK, " ")).strip()
                cells.append(text)
                cells += [""] * (int(cell.get("colspan") or 1) - 1 if (cell.get("colspan") or "1").isdigit() else 0)
            if cells:
                rows.append(cells)
                head = head or (len(rows) == 1 and all(c.tag == "th" for c in row if c.tag in ("td", "th")))
        if not rows:
            return escape_line_start(title)
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = [rows[0]] if head else [[""] * width]
        lines.append(["---"] * width)
        lines += rows[1:] if head else rows
        table = "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
        return f"{escape_line_start(title)}\n\n{table}" if title else table  # its caption, a paragraph above it

    def img(self, element: html.HtmlElement) -> str:
        src = element.get("src") or ""
        alt = " ".join((element.get("alt") or element.get("title") or "").split())
        if not alt:
            alt = src.rsplit("/", 1)[-1]
            self.report.check.append(
                f"{_short(self.location)}: image {src} has no alternative text; its file name stands in for it"
            )
        image = self._image(src, alt)
        caption = element.get("data-caption")
        image.caption = caption or ""
        title = ' "' + escape(caption).replace('"', '\\"') + '"' if caption else ""
        return f"![{escape(image.alt)}]({image.name}{title})"

    def _image(self, src: str, alt: str) -> Image:
        name = re.sub(r"[^\w.-]", "-", src.rsplit("/", 1)[-1]) or "image"
        if any(i.name == name and i.location != resolve(self.location, src) for i in self.images):
            name = f"{len(self.images) + 1}-{name}"
        image = Image(resolve(self.location, src), name, alt)
        self.images.append(image)
        return image

    # -- inline ----------------------------------------------------------------------------

    def inline(self, element: html.HtmlElement) -> str:
        """An element's words as one line of Markdown; a block inside it (a cell's or a list
        item's paragraphs, a heading in a cell) is set apart by a line break, which the caller
        keeps or makes a space: words of two blocks never glue."""
        out = [escape(element.text or "")]
        for child in element:
            if isinstance(child.tag, str) and child.tag in _APART_INLINE:
                before = "" if "".join(out).rstrip(" ").endswith(BREAK) else BREAK
                out += [before, self.inline(child).strip(" " + BREAK), BREAK, escape(child.tail or "")]
            else:
                out.append(self.inline_element(child))
        return spaces("".join(out))

    def inline_element(self, child: html.HtmlElement) -> str:
        tail = escape(child.tail or "")
        if not isinstance(child.tag, str):
            return tail
        tag = child.tag
        if tag == "folio-note":
            return f"\x00[^{child.get('label')}]{tail}"
        if tag == "folio-page":
            return f"{{{{page {child.get('label')}}}}}{tail}"
        if tag == "br":
            return BREAK + tail.lstrip()
        if tag == "img":
            return self.img(child) + tail
        inner = self.inline(child)
        stripped = inner.strip()
        if not stripped:
            return (" " if inner else "") + tail
        lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
        core = stripped  # the element's words with the markup it gives them
        if tag in ("em", "i", "cite", "var", "dfn"):
            core = f"*{stripped}*"
        elif tag in ("strong", "b"):
            core = f"**{stripped}**"
        elif tag in ("sup", "sub") and re.search(f"[\n{BREAK}]|\\]\\{{", stripped):
            return inner + tail  # blocks, lines or a language inside: the words, set on the line
        elif tag == "sup" and _WRITTEN_CALL.match(child.text_content()):
            return inner + tail  # "[1]": a note's call as a page writes one, which find_written reads
        elif tag == "sup":
            core = f"^{_no_spaces(stripped)}^"
        elif tag == "sub":
            core = f"~{_no_spaces(stripped)}~"
        elif tag == "a" and (target := (child.get("href") or "").split("#")[0]) and target in self.chapters:
            core = f"[{stripped}](#{self.chapters[target]})"
        elif tag == "q":
            # The marks a browser sets round a <q>, in the quotation's language, inner ones inside another.
            opening, closing = quote_marks(_language_of(child), sum(1 for a in child.iterancestors("q")))
            core = f"{opening}{stripped}{closing}"
        # Its language, as a span: not round "^…" ("[^" reads as a note's call) nor round a line
        # break (a span is one line).
        if (attributes := self._language(child)) and not core.startswith("^") and not re.search(f"[\n{BREAK}]", core):
            core = f"[{core}]{{{attributes}}}"
        return f"{lead}{core}{trail}{tail}"


def _language_of(element: html.HtmlElement) -> str | None:
    """The language the page declares for an element: its own, or its nearest ancestor's."""
    return next(
        (
            found.strip()
            for e in (element, *element.iterancestors())
            if (found := e.get("lang") or e.get(_XML_LANG)) and found.strip()
        ),
        None,
    )


def _number(value: str | None, default: int) -> int:
    """A list's `start` or an item's `value`, where it is a number."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 6 else default


def _letters(number: int) -> str:
    """1 → a, 26 → z, 27 → aa, as a browser letters a list."""
    label = ""
    while number > 0:
        number, left = divmod(number - 1, 26)
        label = chr(ord("a") + left) + label
    return label or "0"


def _roman(number: int) -> str:
    """1 → i, 4 → iv, 1848 → mdcccxlviii, as a browser numbers a list in roman numerals."""
    if not 0 < number < 4000:
        return str(number)
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        count, number = divmod(number, value)
        out += letters * count
    return out


def _item_paragraphs(blocks: list[str]) -> list[str]:
    """A list item's paragraphs, one after another, as one block with a blank line between
    them (`\\` alone on a line): they stay apart as the page shows them, and the list stays
    tight. A loose list puts a <p> inside each <li>, which the print edition's PDF tags as a
    child of the list item where PDF/UA-1 allows only its label and body (LI-KIDS-001)."""
    out: list[str] = []
    for block in blocks:
        if out and _PLAIN_PARAGRAPH.match(block) and _PLAIN_PARAGRAPH.match(out[-1]):
            out[-1] += "\\\n\\\n" + block
        else:
            out.append(block)
    return out


def _as_span(block: str) -> str:
    """A one-line paragraph with a language (`{lang=fr}` on the line before it) as a span of
    that language: in a tight list, Markdown sets an item's paragraph without its element,
    and the attributes on it would be lost."""
    found = re.fullmatch(r"\{((?:lang|dir)=[^\s{}]+(?: (?:lang|dir)=[^\s{}]+)?)\}\n([^\n]+)", block)
    if not found or found.group(2).startswith(("^", "{")) or not _PLAIN_PARAGRAPH.match(found.group(2)):
        return block
    return f"[{found.group(2)}]{{{found.group(1)}}}"


def _with_attributes(block: str, attributes: str) -> str:
    """A block with the attributes of the element it came from, beside any it has (a class),
    but never in place of its own language."""
    if own := re.match(r"\{([^{}\n]*)\}\n", block):
        said = own.group(1).split()
        keys = {item.split("=")[0] for item in said}
        said += [item for item in attributes.split() if item.split("=")[0] not in keys]
        return "{" + " ".join(said) + "}\n" + block[own.end() :]
    return f"{{{attributes}}}\n{block}"


_SPACE_RUN = re.compile(r" {2,}")


def _greek_kind(run: str) -> str:
    """Polytonic (ancient) Greek, whose letters with breathings and accents are composed in
    Greek Extended, or modern Greek."""
    return "grc" if re.search(r"[ἀ-῿]", unicodedata.normalize("NFC", run)) else "el"


def _preformatted(text: str) -> str:
    """A <pre>'s text as a block of hard-broken lines, of the class `lines` (set flush left, without
    a first-line indent or justification): its line breaks kept, and its indents and
    runs of spaces as no-break spaces, which neither Markdown (a line indented by four spaces
    would be code) nor the editions (which collapse runs of spaces) take away. A blank line
    inside is a line holding the break alone, as between a poem's stanzas."""
    lines: list[str] = []
    for line in text.expandtabs(8).replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"):
        line = _SPACE_RUN.sub(lambda m: "\u00a0" * len(m.group(0)), line.rstrip())
        line = re.sub(r"^ ", "\u00a0", line)
        if line or (lines and lines[-1]):
            lines.append(escape_line_start(escape(line)))
    # Markdown trims a block's first line, no-break spaces too; a character reference is read
    # after the trim, so the first line's indent stands.
    return "{.lines}\n" + re.sub(r"^\u00a0", "&#160;", "\\\n".join(lines))


def _hard_breaks(text: str) -> str:
    """A block's lines, each a line of the source joined by the format's hard line break (a
    backslash at a line's end): a line break of the page, never a control character. A blank
    line of the page (`<br><br>`, between a poem's stanzas) is a line holding the break alone,
    which the editions show as the blank line it is."""
    kept: list[str] = []
    for line in (escape_line_start(line.strip()) for line in text.split(BREAK)):
        if line or (kept and kept[-1]):  # two breaks in a row (a stanza's end): one blank line, kept
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\\\n".join(kept)


def has_words(text: str) -> bool:
    """Whether a heading's Markdown has words a reader sees (not only a note's call or an
    image), as the source format reads them: a heading without them is refused (S011)."""
    inline = MD.parseInline(re.sub(r"\x00\[\^[^\]]+\]", "", text).replace(BREAK, " ").replace("\\\n", " "), {})
    return bool(inline and plain_text(inline[0]).strip())


def _author_line(before: html.HtmlElement, title: html.HtmlElement, page_title: str = "") -> bool:
    """Whether the heading right above a page's title is its author's line: above an
    `h3.title`, an h1 or h2 of five words or fewer; above any other title, a heading that
    reads as a name ("Karl Marx", "V. I. Lenin"), not a part's label ("Part One"), or that
    the page's <title> names before the title ("בר בורוכוב: השאלה הלאומית"), in any script."""
    if not isinstance(before.tag, str) or before.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return False
    words = " ".join(before.text_content().split())
    if _names_in_title(words, page_title) and not _LABEL.match(words):
        return True
    if "title" in _classes(title):
        return before.tag in ("h1", "h2") and len(words.split()) <= 5
    return bool(NAME.match(words)) and not _LABEL.match(words)


def _names_in_title(words: str, page_title: str) -> bool:
    """Whether a short line (five words or fewer) is the name the page's <title> sets before
    its title, as the archive writes an author's (whole, or the surname alone): "Engels: On
    Authority" over "Frederick Engels", "В. И. Ленинъ. Что дѣлать?", "毛泽东：矛盾论"."""
    title = " ".join(page_title.split())
    if not words or len(words.split()) > 5:
        return False
    for length in range(len(title)):
        named = title[:length].strip()
        if (
            title[length] in ":.：|–—"
            and length < len(title) - 1
            and (named == words or (len(named) > 2 and words.endswith(" " + named)))
        ):
            return True
    return False


def _worded(heading: html.HtmlElement) -> bool:
    """Whether a heading has words besides a note's number."""
    return bool(re.search(r"[^\W_]", re.sub(r"\[\d{1,3}[a-z]?\]|\(\d{1,3}\)", "", heading.text_content())))


def _no_spaces(text: str) -> str:
    """Sub- and superscripts end at a space unless it is escaped."""
    return text.replace(" ", "\\ ")


def _is_navigation(element: html.HtmlElement) -> bool:
    """A block of links and nothing else, each taking the reader about the site rather than
    the text: to the top of the page ("Top of page", `#top`), to an index or contents page
    ("Back to the index", `../index.htm`), or labelled as a move (Back, Next, Home, Up)."""
    links = [a for a in element.iter("a") if a.get("href")]
    if not links or re.search(r"[^\W_]", _outside_links(element)):
        return False
    for link in links:
        path, _, fragment = (link.get("href") or "").strip().partition("#")
        words = " ".join(link.text_content().split())
        if not ((not path and fragment.lower() in _TOP_ANCHORS) or _INDEX_PAGE.search(path) or _MOVE.match(words)):
            return False
    return True


def _is_anchor_list(element: html.HtmlElement) -> bool:
    """A paragraph of links to the page's own anchors and nothing else: its contents list."""
    links = [a for a in element.iter("a") if a.get("href")]
    if len(links) < 2 or not all((a.get("href") or "").startswith("#") for a in links):
        return False
    outside = _outside_links(element)
    outside = re.sub(r"\b(Section|Chapter|Part)\s+\w+\s*-?|\b\w{1,4}\.", "", outside)  # the list's numbering
    return (
        len(links) >= 2 and all((a.get("href") or "").startswith("#") for a in links) and not re.search(r"\w", outside)
    )


def _outside_links(element: html.HtmlElement) -> str:
    """The element's text that is not a link's, in one walk (a page may hold 100,000 links)."""
    pieces: list[str] = []
    inside = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        is_link = node.tag == "a" and bool(node.get("href"))
        if event == "start":
            inside += is_link
            if not inside and isinstance(node.tag, str) and node.text:
                pieces.append(node.text)
        else:
            inside -= is_link
            if not inside and node is not element and node.tail:
                pieces.append(node.tail)
    return "".join(pieces)


def shown_text(element: html.HtmlElement) -> str:
    """An element's text as a reader sees it: words apart where a line or a block breaks."""
    pieces: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        apart = isinstance(node.tag, str) and (
            node.tag in _BLOCK_TAGS or node.tag in ("br", "li", "td", "th", "tr", "dd", "dt", "sup", "sub", "img")
        )
        if event == "start":
            pieces.append(" " if apart else "")
            if isinstance(node.tag, str) and node.text:
                pieces.append(node.text)
        else:
            pieces.append(" " if apart else "")
            if node is not element and node.tail:
                pieces.append(node.tail)
    return "".join(pieces)


def _text(item: object) -> str:
    if isinstance(item, str):
        return item
    content = item.text_content() if isinstance(item, html.HtmlElement) else ""
    return content + (getattr(item, "tail", None) or "")


def _lines(block: html.HtmlElement) -> list[list[object]]:
    """A block's content, split at its <br>s: each line a list of strings and elements."""
    lines: list[list[object]] = [[block.text or ""]]
    for child in block:
        if not isinstance(child.tag, str):
            lines[-1].append(child.tail or "")
        elif child.tag == "br":
            lines.append([child.tail or ""])
        else:
            lines[-1].append(child)
    return lines
