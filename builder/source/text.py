"""The text of a work: CommonMark with footnotes and attributes, through markdown-it-py.

Parsing makes the token stream of the model and validates it; rendering those tokens to
(X)HTML for the templates lives beside them, in `editions/html.py`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.heading import heading
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ..errors import SourceError
from ..paths import shown_path
from .images import check_image
from .line_joins import join_wide_lines
from .model import Note, Part, Section
from .sourcefile import read_source

# What a source may set with `{…}`: an id, a language and its direction (`dir=rtl`, as the page
# it came from said), and one of the classes the stylesheets give a meaning to. Anything else
# (style, event handlers, the templates' own classes, which would let a paragraph pose as a
# running head or a footnote) is refused with its line.
ALLOWED_ATTRIBUTES = {"id", "class", "lang", "dir"}
DIRECTIONS = {"ltr", "rtl", "auto"}
ALLOWED_CLASSES = {"salutation", "closing", "signature", "dateline", "point", "resolution", "lines"}
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")
_ID = re.compile(r"^[A-Za-z][\w-]*$")
_LINK = re.compile(r"^(https?://|mailto:|#)")
# A note call or definition: its label is checked before parsing, since the footnote plugin
# reads a label it cannot take as an ordinary link (`[^a b]: …` would become a link target).
_NOTE_LABEL = re.compile(r"\[\^([^\]\n]*)\]")
# `{#id}`, `{.class}` or `{key=…}` left as text where the attrs plugin reads attributes (at the
# start of a line, or right after a `[span]`): an attribute it could not read.
_UNREAD_ATTRIBUTES = re.compile(r"(?:^|\])\{\s*(?:[#.][^\s{}]|[A-Za-z][\w-]*=)[^{}]*\}")
# An odd run of backslashes at a line's end: a hard line break, not an escaped backslash.
_ENDS_IN_BREAK = re.compile(r"(?<!\\)(?:\\\\)*\\$")
# A line that is a label and its number ("Part I", "Chapter 12", "Book Two", "XIV"), which a
# title follows after a colon where a heading sets the two on two lines.
_LABEL_LINE = re.compile(
    r"^(?:[^\W\d_]+ ){0,2}(?:[IVXLCDM]+|\d{1,4}[a-z]?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$",
    re.I,
)
# Words that leave an English phrase open at a line's end, or carry it on at the next line's
# start ("THE TWO-FOLD CHARACTER OF" / "THE LABOUR …", "COMMODITIES" / "AND THE SECRET …").
_ENDS_OPEN = re.compile(r"(?i)\b(?:a|an|the|of|and|or|nor|but|in|on|at|to|for|with|by|from|as|into|upon|its|their)$")
_GOES_ON = re.compile(r"(?i)^(?:and|or|nor|but|of|in|on|at|to|for|with|by|from|as|into|upon)\b")
# A page of the printed source begins here: `{{page 29}}` (docs/authoring.md, "Pages of the
# printed source"). The label is the page's number as the source prints it (29, xii, 463a).
PAGE_BREAK = re.compile(r"\{\{page ([A-Za-z0-9]{1,12})\}\}")
_PAGE_LIKE = re.compile(r"\{\{\s*page\b[^}]*\}?\}?", re.I)
# How deeply block quotations, lists, emphasis, links and spans may nest. markdown-it drops
# the text below its own limit (maxNesting) without a word; ours is far inside it, so that
# nothing is ever dropped and a source nested deeper is refused with its line.
MAX_DEPTH = 12
_PARSER_NESTING = 100
_CONTAINERS = {"blockquote", "bullet_list", "ordered_list", "em", "strong", "s", "link", "span"}
# Code is refused, not set: the archive's texts have none, and a paragraph indented by four
# spaces (Markdown's code block) is a conversion's accident far more often than code.
_CODE = {
    "code_inline": "inline code (`…`)",
    "code_block": "a block indented by four spaces, which Markdown reads as code",
    "fence": "a fenced code block (```)",
}
_CODE_HINT = {
    "code_inline": "remove the backticks, or write \\` for a backtick the text really has",
    "code_block": "remove the indent (a note's later paragraphs are indented by four spaces, but only inside the note)",
    "fence": "remove the ``` lines",
}


def _markdown() -> MarkdownIt:
    # Raw HTML is off: a source is untrusted and must not inject markup or scripts.
    md = MarkdownIt(
        "commonmark", {"html": False, "xhtmlOut": True, "typographer": False, "maxNesting": _PARSER_NESTING}
    )
    # Every link becomes a link token, whatever its scheme, so that _check_tokens refuses a
    # `javascript:`, `file:` or `data:` link with its line instead of printing it as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.enable("table")
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    md.use(attrs_block_plugin)  # every attribute is kept, then checked by _check_tokens
    md.use(attrs_plugin, spans=True)
    md.use(sub_plugin)  # H~2~O
    md.use(superscript_plugin)  # 2^nd^
    md.block.ruler.at("heading", _heading_lines, {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("text", "page_break", _page_break)
    md.core.ruler.push("join_wide_lines", join_wide_lines)  # no space where a Chinese or Japanese line breaks
    return md


def _heading_lines(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An ATX heading whose line ends in a backslash goes on to the next line, with a line
    break, as a paragraph's does (`### Part I\\` then `THE COMMODITY`): a heading set on two
    lines by its page. CommonMark's heading is one line; this is its only extension."""
    if not heading(state, start, end, silent):
        return False
    if silent:
        return True
    opening, inline = state.tokens[-3], state.tokens[-2]
    line = state.line
    while (
        _ENDS_IN_BREAK.search(inline.content)
        and line < end
        and not state.isEmpty(line)
        and state.sCount[line] - state.blkIndent < 4
    ):
        inline.content += "\n" + state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()
        line += 1
    state.line = line
    opening.map = inline.map = [start, line]
    return True


def _page_break(state: StateInline, silent: bool) -> bool:
    """`{{page 29}}`: where a page of the printed source begins, as a token of its own."""
    if not state.src.startswith("{{page ", state.pos) or not (found := PAGE_BREAK.match(state.src, state.pos)):
        return False
    if not silent:
        token = state.push("page_break", "", 0)
        token.meta = {"label": found.group(1)}
    state.pos = found.end()
    return True


MD = _markdown()
# A note with a label starting "editor" is the editor's note on the work as a whole: called
# from nowhere, printed after the part's text.
EDITOR_NOTE = re.compile(r"^editor(-[A-Za-z0-9_]+)?$")


def parse_part(path: Path, shown: str, part_id: str) -> Part:
    """Parse one Markdown file into a Part, checking its headings, notes and ids."""
    missing = SourceError(
        shown, "listed in work.toml 'parts' but missing", hint="create it, or remove it from 'parts'", code="S010"
    )
    source = read_source(path, shown, inside=path.parent, missing=missing)
    _check_note_labels(source, shown)
    tokens = _figures(_close_up_note_calls(_drop_empty_table_heads(MD.parse(source, {}))))
    for token in tokens:  # each page marker knows its line, for an error that names it
        for child in token.children or []:
            if child.type == "page_break":
                child.meta["line"] = _line(token)
    body, definitions = _split_notes(tokens, shown)
    body = _close_up_page_breaks(_page_breaks_into_blocks(body))
    for _, note_tokens in definitions.values():
        note_tokens[:] = _close_up_page_breaks(_page_breaks_into_blocks(note_tokens))
    if not body or body[0].type != "heading_open" or body[0].tag != "h1":
        raise SourceError(
            shown,
            "the text does not start with a level-1 heading",
            line=_line(body[0]) if body else 1,
            hint="begin the file with '# Title of this part'",
            code="S011",
        )
    title = plain_text(body[1], heading=True)
    if not title:
        raise SourceError(
            shown,
            "the level-1 heading has no words",
            line=_line(body[0]),
            hint="give the part a title: '# Title of this part'",
            code="S011",
        )
    body[0].attrSet("id", part_id)
    _check_heading_levels(body, shown)
    for _, note_tokens in definitions.values():
        if nested := _note_calls(note_tokens, shown):
            label, line = next(iter(nested.items()))
            raise SourceError(
                shown,
                f"note [^{label}] is called from inside another note",
                line=line,
                hint="notes cannot carry notes; merge the two",
                code="S014",
            )
    calls = _note_calls(body, shown)
    for label, line in calls.items():
        if label not in definitions:
            raise SourceError(
                shown,
                f"note [^{label}] is called but not written",
                line=line,
                hint=f"add a line '[^{label}]: text of the note' after the paragraph",
                code="S013",
            )
    for label, (note, _) in definitions.items():
        if EDITOR_NOTE.match(label):
            if label in calls:
                raise SourceError(
                    shown,
                    f"note [^{label}] is an editor's note on the whole work, but it is called",
                    line=calls[label],
                    hint="rename the note to call it, or remove the call",
                    code="S034",
                )
        elif label not in calls:
            raise SourceError(
                shown,
                f"note [^{label}] is never called",
                line=note.line,
                hint=f"call it with [^{label}] in the text, label it [^editor-{label}] "
                "to keep it as an editor's note on the work, or delete it",
                code="S012",
            )
    images: list[str] = []
    links = _check_tokens(body, shown, images, path.parent)
    for _, note_tokens in definitions.values():
        links += _check_tokens(note_tokens, shown, images, path.parent)
    notes = note_numbers({label: definitions[label][0] for label in calls})  # in the order they are called
    editor_notes = {label: note for label, (note, _) in definitions.items() if EDITOR_NOTE.match(label)}
    sections = _sections(body, part_id, shown)  # gives headings their ids: collect them after
    # Ids set inside notes are the work's ids too: checked, and linked to, like the others.
    every_note = [*notes.values(), *editor_notes.values()]
    ids = (
        _collect_ids(body)
        + [(note.id, note.line) for note in every_note]
        + [found for note in every_note for found in _collect_ids(note.tokens)]
    )
    return Part(
        id=part_id,
        path=path,
        title=title,
        tokens=body,
        notes=notes,
        links=links,
        sections=sections,
        ids=ids,
        images=images,
        editor_notes=editor_notes,
    )


# What a reader may see as a note's number: the source's own ("12", "26a", "A", "*", the
# archive's "note"), once a prefix that keeps a label unique across the work ("4_" of "4_12")
# is set aside.
_MARK = re.compile(r"^(?:[A-Za-z0-9-]*_)?(\d{1,4}[a-z]{0,2}|[A-Za-z]|(?:star)+|note)$")


def note_mark(label: str) -> str | None:
    """The number a note's label shows, if it is one a reader would expect: `[^4_12]` → "12",
    `[^star]` → "*"; None for a name (`[^abroad]`)."""
    found = _MARK.match(label)
    if found is None:
        return None
    mark = found.group(1)
    return "*" * (len(mark) // 4) if mark.startswith("star") else mark


def note_numbers(notes: dict[str, Note]) -> dict[str, Note]:
    """Each note of a part (in call order) with the number its call shows: the source's own
    where every note of the part has one and no two share it, else 1, 2, 3… in call order, so
    that no edition prints a label made for uniqueness or a name."""
    marks = [note_mark(label) for label in notes]
    if None in marks or len(set(marks)) < len(marks):
        marks = [str(number) for number in range(1, len(notes) + 1)]
    return {label: replace(note, number=str(mark)) for (label, note), mark in zip(notes.items(), marks, strict=True)}


def _check_heading_levels(tokens: list[Token], shown: str) -> None:
    """Refuse a heading more than one level below the heading before it (`#` then `###`):
    the PDF's headings must nest (PDF/UA-1), and a skip found there fails the build late, with
    no line to mend. A source error now names the line."""
    level = 1
    for token in tokens:
        if token.type != "heading_open":
            continue
        found = int(token.tag[1])
        if found > level + 1:
            raise SourceError(
                shown,
                f"a level-{found} heading follows a level-{level} one: headings may not skip a level",
                line=_line(token),
                hint=f"make it a level-{level + 1} heading ({'#' * (level + 1)}), "
                "and the headings under it one level up likewise",
                code="S057",
            )
        level = found


def _sections(tokens: list[Token], part_id: str, shown: str) -> list[Section]:
    """The part's h2 and h3 headings, each given an id if it has none, and its plain title
    as `data-title` where a note call or a line break would otherwise creep into a bookmark."""
    sections: list[Section] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h2", "h3"):
            continue
        title = plain_text(tokens[index + 1], heading=True)
        if not title:
            raise SourceError(
                shown,
                "a heading has no words",
                line=_line(token),
                hint="give the heading a title, or remove it",
                code="S011",
            )
        if not token.attrGet("id"):
            token.attrSet("id", f"{part_id}-s{len(sections) + 1}")
        if any(child.type in ("footnote_ref", "hardbreak") for child in tokens[index + 1].children or []):
            token.attrSet("data-title", title)
        sections.append(Section(int(token.tag[1]), str(token.attrGet("id")), title))
    return sections


def _close_up_note_calls(tokens: list[Token]) -> list[Token]:
    """A note's call follows its word or stop with no space ("ever was.²⁶ᵃ"), as books set
    it: a space typed before `[^label]` would leave the number hanging, or alone at a line's
    start."""
    for token in tokens:
        children = token.children or []
        for previous, child in pairwise(children):
            if child.type == "footnote_ref" and previous.type == "text":
                previous.content = previous.content.rstrip(" ")
    return tokens


def _drop_empty_table_heads(tokens: list[Token]) -> list[Token]:
    """A pipe table must have a head row; one left empty means the table has none, and an
    empty header cell is noise to a screen reader."""
    kept: list[Token] = []
    head: list[Token] | None = None
    for token in tokens:
        if token.type == "thead_open":
            head = [token]
        elif head is not None:
            head.append(token)
            if token.type == "thead_close":
                if any(cell.type == "inline" and cell.content.strip() for cell in head):
                    kept += head
                head = None
        else:
            kept.append(token)
    return kept


def _figures(tokens: list[Token]) -> list[Token]:
    """A paragraph that is one image is a figure; the image's title, if any, its caption:
    `![a page in Marx's hand](page.jpg "The manuscript's last page")`."""
    for index, token in enumerate(tokens[:-2]):
        inline, close = tokens[index + 1], tokens[index + 2]
        if token.type != "paragraph_open" or inline.type != "inline" or close.type != "paragraph_close":
            continue
        children = [
            child for child in inline.children or [] if not (child.type == "text" and not child.content.strip())
        ]
        if len(children) != 1 or children[0].type != "image":
            continue
        token.tag = close.tag = "figure"
        image = children[0]
        if caption := str(image.attrGet("title") or ""):
            image.attrs.pop("title")
            image.children = image.children or []
            inline.children = [
                image,
                Token("figcaption_open", "figcaption", 1),
                Token("text", "", 0, content=caption),
                Token("figcaption_close", "figcaption", -1),
            ]
    return tokens


def _page_breaks_into_blocks(tokens: list[Token]) -> list[Token]:
    """A paragraph of nothing but page markers (`{{page 29}}` on a line of its own, between
    blocks) marks where the next block begins: its markers go to the start of that block's
    text (or, at the end, to the end of the last block's) rather than making an empty paragraph."""
    kept: list[Token] = []
    waiting: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (
            token.type == "paragraph_open"
            and index + 2 < len(tokens)
            and _only_page_breaks(tokens[index + 1])
            and tokens[index + 2].type == "paragraph_close"
        ):
            waiting += [child for child in tokens[index + 1].children or [] if child.type == "page_break"]
            index += 3
            continue
        if token.type == "inline" and waiting:
            token.children = [*waiting, *(token.children or [])]
            waiting = []
        kept.append(token)
        index += 1
    if waiting:
        last = next((token for token in reversed(kept) if token.type == "inline"), None)
        if last is None:  # nothing but markers: keep them as they were written
            return tokens
        last.children = [*(last.children or []), *waiting]
    return kept


def _close_up_page_breaks(tokens: list[Token]) -> list[Token]:
    """A page marker between two words (`an {{page 30}} alliance`) stands in one space, not
    two: the space after it goes, as does one after a marker that starts a block."""
    for token in tokens:
        children = token.children or []
        for index, child in enumerate(children):
            if child.type != "page_break" or index + 1 >= len(children) or children[index + 1].type != "text":
                continue
            before = children[index - 1] if index else None
            if (
                before is None
                or before.type in ("softbreak", "hardbreak", "page_break")
                or (before.type == "text" and before.content[-1:].isspace())
            ):
                children[index + 1].content = children[index + 1].content.lstrip(" ")
    return tokens


def _only_page_breaks(inline: Token) -> bool:
    children = inline.children or []
    return (
        inline.type == "inline"
        and any(c.type == "page_break" for c in children)
        and all(c.type == "page_break" or (c.type in ("text", "softbreak") and not c.content.strip()) for c in children)
    )


def name_page_breaks(parts: list[Part], source_named: bool) -> None:
    """Give each page marker of a work its id, `page-29`, in reading order; a page marked
    again (a chapter that begins on the page the last one ended on) gets `page-29-2`. Pages
    are a printed source's: a part that marks them must have one named in work.toml."""
    seen: dict[str, int] = {}
    for part in parts:
        if not source_named and not (part.provenance and part.provenance.source) and (found := part_page_breaks(part)):
            raise SourceError(
                shown_path(part.path),
                f"the text marks page {found[0].meta['label']} of a "
                "printed source, but work.toml names no printed source",
                line=found[0].meta["line"],
                hint="add a [source] table to work.toml (title, volume, "
                "publisher, year), or remove the {{page …}} markers",
                code="S056",
            )
        for token in part_page_breaks(part):
            label = token.meta["label"]
            seen[label] = seen.get(label, 0) + 1
            token.attrSet("id", f"page-{label}" + (f"-{seen[label]}" if seen[label] > 1 else ""))


def page_breaks(tokens: list[Token]) -> list[Token]:
    """The page markers of a token stream, in order."""
    return [child for token in tokens for child in token.children or [] if child.type == "page_break"]


def part_page_breaks(part: Part) -> list[Token]:
    """A part's page markers in the order its pages set them: its text, its editor's notes,
    then its notes."""
    return [
        token
        for stream in [
            part.tokens,
            *(n.tokens for n in part.editor_notes.values()),
            *(n.tokens for n in part.notes.values()),
        ]
        for token in page_breaks(stream)
    ]


def _split_notes(tokens: list[Token], shown: str) -> tuple[list[Token], dict[str, tuple[Note, list[Token]]]]:
    """Separate the note definitions (left in place by the plugin) from the running text."""
    body: list[Token] = []
    notes: dict[str, tuple[Note, list[Token]]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_reference_open":
            label, line = token.meta["label"], _line(token)
            if not _LABEL.match(label):
                raise SourceError(
                    shown,
                    f"note label [^{label}] has characters ids cannot carry",
                    line=line,
                    hint="use letters, digits, '-' or '_', e.g. [^1] or [^abroad]",
                    code="S015",
                )
            if label in notes:
                raise SourceError(
                    shown,
                    f"note [^{label}] is written twice (first at line {notes[label][0].line})",
                    line=line,
                    hint="give each note its own label",
                    code="S016",
                )
            current = []
            notes[label] = (Note(label=label, tokens=current, line=line), current)
        elif token.type == "footnote_reference_close":
            current = None
        elif current is not None:
            current.append(token)
        else:
            body.append(token)
    return body, notes


def _note_calls(tokens: list[Token], shown: str) -> dict[str, int]:
    calls: dict[str, int] = {}
    for token in tokens:
        for child in token.children or []:
            if child.type == "footnote_ref":
                label = child.meta["label"]
                if label in calls:
                    raise SourceError(
                        shown,
                        f"note [^{label}] is called twice (first at line {calls[label]})",
                        line=_line(token),
                        hint="call each note once; write a second note for the second place",
                        code="S017",
                    )
                calls[label] = _line(token)
    return calls


def _check_note_labels(source: str, shown: str) -> None:
    for found in _NOTE_LABEL.finditer(source):
        if not _LABEL.match(found.group(1)):
            line = source.count("\n", 0, found.start()) + 1
            raise SourceError(
                shown,
                f"note label [^{found.group(1)}] has characters ids cannot carry",
                line=line,
                hint="use letters, digits, '-' or '_', e.g. [^1] or [^abroad]",
                code="S015",
            )


def _check_tokens(tokens: list[Token], shown: str, images: list[str], folder: Path) -> list[tuple[str, int]]:
    """Refuse images, code, attributes, links and nesting a source may not use; return its
    links to ids, and add the images it shows to `images`."""
    links = []
    line = 1
    depth = 0  # containers open around the current token
    for token in tokens:
        line = _line(token) if token.map else line  # table cells carry no line of their own
        for each in [token, *(token.children or [])]:
            if each.type == "image":
                src = str(each.attrGet("src") or "")
                if not each.children:
                    raise SourceError(
                        shown,
                        f"image {src!r} has no alternative text",
                        line=line,
                        hint="describe what it shows: ![a photograph of the first page](page.jpg)",
                        code="S018",
                    )
                check_image(src, folder, shown, line)
                if src not in images:
                    images.append(src)
            if each.type in _CODE:
                raise SourceError(
                    shown,
                    f"{_CODE[each.type]}: a book of this kind sets no code",
                    line=line,
                    hint=_CODE_HINT[each.type],
                    code="S041",
                )
            if (
                each.type == "text"
                and (page := _PAGE_LIKE.search(each.content))
                and not PAGE_BREAK.fullmatch(page.group())
            ):
                raise SourceError(
                    shown,
                    f"{page.group()!r} is not a page marker the parser can read",
                    line=line,
                    hint="write {{page 29}}: two braces, 'page', one space and the page's number "
                    "as the source prints it (letters and digits, up to 12), two braces",
                    code="S055",
                )
            if each.type == "text" and (unread := _UNREAD_ATTRIBUTES.search(each.content)):
                raise SourceError(
                    shown,
                    f"{unread.group().lstrip(']')} is not an attribute the parser can read",
                    line=line,
                    hint="write {#id} (letters, digits, '-' or '_', no spaces), {.class} "
                    "or {lang=xx}, on the line before a block or right after a [span]",
                    code="S045",
                )
            if _container(each):
                depth += each.nesting
            if depth > MAX_DEPTH:
                raise SourceError(
                    shown,
                    f"nested more than {MAX_DEPTH} deep (block quotations, lists, emphasis, links)",
                    line=line,
                    hint="flatten the nesting: no page can show it, and the parser would drop the text",
                    code="S040",
                )
            for key, value in (each.attrs or {}).items():
                if not _made_by_the_parser(each.type, key, str(value)):
                    _check_attribute(key, str(value), shown, line)
            if each.type == "link_open":
                href = str(each.attrGet("href"))
                if not _LINK.match(href):
                    raise SourceError(
                        shown,
                        f"link to {href!r}: only web addresses, mailto: and #ids of the work can be linked",
                        line=line,
                        hint="link to an https:// address or to an {#id} set in the text",
                        code="S022",
                    )
                if href.startswith("#"):
                    links.append((href[1:], line))
    return links


def _container(token: Token) -> bool:
    return token.type.rsplit("_", 1)[0] in _CONTAINERS


def _made_by_the_parser(kind: str, key: str, value: str) -> bool:
    """Attributes that Markdown syntax itself makes: a link's address, a list's start, a
    table column's alignment."""
    return (
        (kind == "link_open" and key in ("href", "title"))
        or (kind == "image" and key in ("src", "alt", "title"))
        or (kind == "ordered_list_open" and key == "start")
        or (
            kind in ("th_open", "td_open")
            and key == "style"
            and value in {"text-align:left", "text-align:right", "text-align:center"}
        )
    )


def _check_attribute(key: str, value: str, shown: str, line: int) -> None:
    if key not in ALLOWED_ATTRIBUTES:
        raise SourceError(
            shown,
            f"attribute {key!r} is not allowed",
            line=line,
            hint="a source may set only {#id}, {.class}, {lang=…} and {dir=rtl}",
            code="S023",
        )
    if key == "class":
        for name in value.split():
            if name not in ALLOWED_CLASSES:
                raise SourceError(
                    shown,
                    f"class {name!r} is not one the stylesheets know",
                    line=line,
                    hint=f"use one of: {', '.join(sorted(ALLOWED_CLASSES))}",
                    code="S023",
                )
    if key == "dir" and value not in DIRECTIONS:
        raise SourceError(
            shown,
            f"direction {value!r} is not one a reader knows",
            line=line,
            hint="write {dir=rtl}, {dir=ltr} or {dir=auto}",
            code="S023",
        )
    if key == "lang" and not LANGUAGE.match(value):
        raise SourceError(
            shown,
            f"language {value!r} is not a BCP 47 tag",
            line=line,
            hint='write a tag such as "de", "fr" or "ru-Latn"',
            code="S023",
        )


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def plain_text(inline: Token, *, heading: bool = False) -> str:
    """The words of an inline token without note calls: for the nav, bookmarks and titles. A
    line break is a space, but in a `heading` two lines that are each a phrase of their own
    are joined by a colon, as one line of the contents: a label set above its title ("Part I"
    / "THE COMMODITY"), or a title above another ("… diametrically opposed" / "Effect of growth
    …"). A line broken mid-phrase reads on with a space."""
    words: list[str] = []
    lines: list[str] = [""]  # each line's words, the breaks' places in `words`
    breaks: list[int] = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            breaks.append(len(words) if heading and child.type == "hardbreak" else -1)
            words.append(" ")
            lines.append("")
        elif child.type in ("text", "code_inline"):
            words.append(child.content)
            lines[-1] += child.content
    for number, place in enumerate(breaks):
        if place >= 0 and _own_phrases(" ".join(lines[number].split()), " ".join(lines[number + 1].split())):
            words[place] = ": "
    return " ".join("".join(words).split())


def _own_phrases(line: str, after: str) -> bool:
    """Whether a heading's line and the next are each a phrase of their own, not one phrase
    broken across them."""
    if _LABEL_LINE.match(line):
        return True  # "Part I" / "THE COMMODITY"
    if not line or not after or line[-1] in ".,;:!?–—-(" or not after[0].isupper():
        return False  # ends in its own stop, or the next line goes on in lower case
    return not (_ENDS_OPEN.search(line) or _GOES_ON.match(after))


def _collect_ids(tokens: list[Token]) -> list[tuple[str, int]]:
    found = []
    for token in tokens:
        for each in [token, *(token.children or [])]:
            if isinstance(value := each.attrGet("id"), str):
                found.append((value, _line(token)))
    return found


def valid_id(value: str) -> bool:
    return bool(_ID.match(value))
