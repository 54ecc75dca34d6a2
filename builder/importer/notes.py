"""Notes of an HTML page: calls linked to their notes (`<a href="#n1">[1]</a>` → the block
holding `name="n1"`), in `<sup>` or not, "[1]", "(1)", "1.", "[A]", "[note]"; and, where a page
does not link them, "[1]" markers answered by paragraphs starting "[1]" or "1.". A bracketed
year ("[1933]", "[197[4]]") is not a marker."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lxml import html

# A note's number as a call or a note shows it: 1, [1], (1), 1., [a], [note], *, a dagger or
# two, Chinese 〔1〕 and full-width digits, and, in brackets, a roman numeral ([ii]).
MARKER = re.compile(
    r"^\s*(?:[\[(〔［（]?\s*(\d{1,3}[a-z]?|[０-９]{1,3}|[A-Za-z]|note|\*{1,3}|[†‡]{1,3})\s*[\])〕］）]?\.?"
    r"|\[([ivxlc]{1,6})\]\.?)\s*$",
    re.I,
)
TEXT_CALL = re.compile(r"(?<![\[\d\w])\[(\d{1,3}[a-z]?)\](?!\])")
BLOCKS = {
    "p",
    "div",
    "blockquote",
    "li",
    "dd",
    "td",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "pre",
    "dl",
}
# Set on the block a horizontal rule stood above, once the rule is left out as furniture.
RULE_ABOVE = "data-folio-rule-above"
STOPS = {"hr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}


def label_of(text: str) -> str:
    found = MARKER.match(text)
    assert found
    label = found.group(1) or found.group(2)
    if label.lower() == "note":
        return "note"
    label = "".join(str(unicodedata.digit(c)) if "０" <= c <= "９" else c for c in label)  # full-width digits
    return label.replace("*", "star").replace("‡", "ddagger").replace("†", "dagger")


@dataclass
class FoundNotes:
    calls: dict[str, html.HtmlElement] = field(default_factory=dict)  # label → the call's outermost element
    notes: dict[str, list[html.HtmlElement]] = field(default_factory=dict)  # label → its blocks
    markers: dict[str, html.HtmlElement] = field(default_factory=dict)  # label → the note's own number, to drop
    dangling: list[str] = field(default_factory=list)  # what became of calls that answer no note here


def _block(element: html.HtmlElement) -> html.HtmlElement | None:
    while element is not None and element.tag not in BLOCKS:
        element = element.getparent()
    return element


def _outer(element: html.HtmlElement) -> html.HtmlElement:
    """A call's element with the <sup> or <span> wrapping it alone, if any."""
    while (
        (parent := element.getparent()) is not None
        and parent.tag in ("sup", "span", "small", "font", "a", "b", "strong", "em", "i")
        and not (parent.text or "").strip()
        and len(parent) == 1
        and not (element.tail or "").strip()
    ):
        element = parent
    return element


def find_linked(root: html.HtmlElement) -> FoundNotes:
    """A page's linked notes, in four steps: each call paired with the note its link names
    (`_pair_calls`); a note nothing calls whose number links back to an anchor in the text,
    called there (`_call_at_back_links`); each note run on over the blocks after it that start
    no note of their own (`_run_on`); and a note still uncalled whose number links back to an
    anchor outside every note, called at that anchor (`_call_at_anchors`)."""
    found = FoundNotes()
    anchors = {
        a.get("name") or a.get("id"): a
        for a in root.iter()
        if isinstance(a.tag, str) and (a.get("name") or a.get("id"))
    }
    claimed: set[int] = set()  # the blocks that are a note's
    _pair_calls(root, anchors, found, claimed)
    _call_at_back_links(root, anchors, found, claimed)
    _run_on(root, found)
    _call_at_anchors(anchors, found)
    return found


def _pair_calls(
    root: html.HtmlElement, anchors: dict[str | None, html.HtmlElement], found: FoundNotes, claimed: set[int]
) -> None:
    """Each link whose words are a note's number ("[1]", "(2)", "3.") and whose target is a
    block of the page starting with a number: a call and its note. A link to another page, to
    no anchor, or a second call to one note is kept as text and named in `found.dangling`."""
    called: set[str] = set()
    for link in root.iter("a"):
        href = link.get("href") or ""
        text = link.text_content()
        if not MARKER.match(text):
            continue
        if not href.startswith("#"):
            if "#" in href:  # a call whose note lives on another page
                found.dangling.append(
                    f"the call {text.strip()} has its note on {href.split('#')[0]}, another page; kept as text"
                )
            continue
        own = _block(link)
        if own is not None and _leading_marker(own) in (link, _outer(link)):
            continue  # a note's own number, linking back to its call
        target = anchors.get(href[1:])
        if target is None:
            found.dangling.append(f"the call {text.strip()} has no note on the page; kept as text")
            continue
        block = _note_block(target)
        if block is not None and id(block) in claimed and href[1:] in called:
            found.dangling.append(
                f"the call {text.strip()} is a second call to a note already "
                "called (a source calls each note once); kept as text"
            )
            continue
        if block is None or id(block) in claimed or _block(link) is block:
            continue
        label = label_of(text)
        if label in found.calls:
            continue
        called.add(href[1:])
        # The note's number: the target itself, or the first link of its block back to the call.
        marker = (
            target
            if MARKER.match(target.text_content() or "")
            else next(
                (
                    a
                    for a in block.iter("a")
                    if (a.get("href") or "").startswith("#") and MARKER.match(a.text_content())
                ),
                None,
            )
        )
        back = None
        if marker is None:
            if not (block.tag == "li" and block.getparent() is not None and block.getparent().tag == "ol"):
                continue
            # An item of a numbered list (`<ol><li id="fn1">`) is numbered by the list; its link
            # back to the call ("↩") is its way back, not its words.
            names = {"#" + n for e in (link, *link.iterancestors()) if (n := e.get("id") or e.get("name"))}
            back = next((a for a in block.iter("a") if a.get("href") in names), None)
        claimed.add(id(block))
        found.calls[label] = _outer(link)
        if marker is not None or back is not None:
            found.markers[label] = _outer(marker) if marker is not None else back
        found.notes[label] = [block]


def _call_at_back_links(
    root: html.HtmlElement, anchors: dict[str | None, html.HtmlElement], found: FoundNotes, claimed: set[int]
) -> None:
    """A note nothing calls whose number links back to an anchor in the text: its call
    stands at that anchor."""
    for link in root.iter("a"):
        if (seeded := _called_by_anchor(link, anchors, found, claimed)) is not None:
            label, anchor, block = seeded
            claimed.add(id(block))
            found.calls[label], found.markers[label], found.notes[label] = anchor, _outer(link), [block]


def _run_on(root: html.HtmlElement, found: FoundNotes) -> None:
    """A note runs on over the blocks after it that start no note of their own; a block
    that starts with a number of its own, called from nowhere, is a note nothing calls.
    Notes placed before the text run on only over blocks of their own class. A note ends
    where the notes do: at a rule, or at a paragraph of another class than the note's (a
    postscript or a signature after the notes), which stay in the text."""
    starts = {id(blocks[0]) for blocks in found.notes.values()}
    order = {id(element): number for number, element in enumerate(root.iter())}
    last_call = max((order[id(call)] for call in found.calls.values()), default=0)
    calls = {id(call) for call in found.calls.values()}
    for blocks in list(found.notes.values()):
        current = blocks
        following = blocks[0].getnext()
        early = order[id(blocks[0])] < last_call
        while (
            following is not None
            and id(following) not in starts
            and following.text_content().strip()
            and not _is_credit(following)
            and (
                following.tag == "p"
                or (
                    following.tag in ("table", "blockquote")
                    and (not _words_after_marker(current) or (not early and _inside_notes(following, blocks[0])))
                )
            )
            and not any(id(element) in calls for element in following.iter())
            and (_leading_marker(following) is not None or not _after_the_notes(following, blocks[0]))
            and (not early or (following.get("class") is not None and following.get("class") == blocks[0].get("class")))
        ):
            if (marker := _leading_marker(following)) is not None:
                label = label_of(marker.text_content())
                if label in found.notes:
                    break
                current = found.notes[label] = [following]
                found.markers[label] = marker
                starts.add(id(following))
            else:
                current.append(following)
            following = following.getnext()


def _after_the_notes(block: html.HtmlElement, first: html.HtmlElement) -> bool:
    """Whether a block that starts no note is past the notes: a rule stands above it, or it is
    a paragraph whose class is not the note's (`<p class="sig">` after `<p class="endnote">`)."""
    return block.get(RULE_ABOVE) is not None or (block.tag == "p" and _classes(block) != _classes(first))


def _classes(element: html.HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _call_at_anchors(anchors: dict[str | None, html.HtmlElement], found: FoundNotes) -> None:
    """A note still uncalled whose number links to an anchor outside every note: called there."""
    note_blocks = {id(block) for blocks in found.notes.values() for block in blocks}
    for label, marker in found.markers.items():
        if label not in found.calls and marker.tag == "a":
            anchor = anchors.get((marker.get("href") or "#")[1:])
            if (
                anchor is not None
                and not any(id(a) in note_blocks for a in anchor.iterancestors())
                and id(anchor) not in note_blocks
            ):
                found.calls[label] = anchor


def _note_block(target: html.HtmlElement) -> html.HtmlElement | None:
    """The block a note's anchor names: its own, or, for an empty anchor standing before a
    paragraph that starts with the note's number (`<a name="1"></a><p><b>[1]</b> …`), that
    paragraph."""
    block = _block(target)
    following = target.getnext()
    if (
        not target.text_content().strip()
        and (block is None or block.tag in ("div", "td", "blockquote", "center"))
        and following is not None
        and following.tag == "p"
        and _leading_marker(following) is not None
    ):
        return following
    return block


def _called_by_anchor(
    link: html.HtmlElement, anchors: dict[str | None, html.HtmlElement], found: FoundNotes, claimed: set[int]
) -> tuple[str, html.HtmlElement, html.HtmlElement] | None:
    """A note's number linking back to an anchor that no call marks: (label, anchor, block)."""
    href = link.get("href") or ""
    text = link.text_content()
    own = _block(link)
    if (
        not href.startswith("#")
        or not MARKER.match(text)
        or own is None
        or id(own) in claimed
        or _leading_marker(own) not in (link, _outer(link))
    ):
        return None
    anchor = anchors.get(href[1:])
    label = label_of(text)
    if anchor is None or label in found.calls or any(a is own for a in anchor.iterancestors()) or anchor is own:
        return None
    if any(
        (a.get("href") or "") == "#" + (anchor.get("name") or anchor.get("id") or "") and a is not link
        for a in own.iter("a")
    ):
        return None
    return label, anchor, own


def _inside_notes(element: html.HtmlElement, first: html.HtmlElement) -> bool:
    """Whether the tables or quotations from `element` on stand between the blocks of a notes
    section: the block after them is another of the notes' paragraphs (of the class of the
    note's first block, or starting a note of its own), so they go on with the note before
    them (Capital's note 96, its tables of exports and a paragraph after them)."""
    following = element
    while following is not None and following.tag in ("table", "blockquote"):
        following = following.getnext()
    return (
        following is not None
        and following.tag == "p"
        and (following.get("class") == first.get("class") is not None or _leading_marker(following) is not None)
    )


def _words_after_marker(blocks: list[html.HtmlElement]) -> bool:
    """Whether a note has words of its own yet: a note whose number stands alone in its
    paragraph goes on with the table or quotation after it."""
    text = " ".join(block.text_content() for block in blocks)
    return bool(re.search(r"\w", re.sub(r"^\s*[\[(]?\s*\w{1,3}\s*[\])]?\.?", "", text)))


def _leading_marker(block: html.HtmlElement) -> html.HtmlElement | None:
    """The element a block starts with, if it is a note's number ("[2]", "2.")."""
    if (block.text or "").strip() or not len(block):
        return None
    first = block[0]
    while (
        isinstance(first.tag, str)
        and first.tag in ("span", "sup", "b", "strong")
        and len(first)
        and not (first.text or "").strip()
    ):
        first = first[0]
    return (
        first
        if isinstance(first.tag, str)
        and first.tag in ("a", "sup", "span", "b", "strong")
        and MARKER.match(first.text_content() or "")
        and first.text_content().strip()
        else None
    )


def _is_credit(element: html.HtmlElement) -> bool:
    return bool(
        re.match(r"\s*(Transcribed|Html Markup|HTML Markup|Proofed|Proofread|Transcription)", element.text_content())
    )


# Notes a page does not link, as Markdown blocks: "\[1\] …", "1\. …", "**1.** …", "Note. …".
_WRITTEN_NOTE = re.compile(
    r"^(?:\\\[(\d{1,3}[a-z]?)\\\]|(\d{1,3}[a-z]?|[A-Z])\\?\.|\*\*(\d{1,3}[a-z]?)\.\*\*|\*\*(Note)\.\*\*|(Note)\.)\s+(.*)$",
    re.S,
)
_WRITTEN_CALL = re.compile(r"(?<![\d\[])\\\[(\d{1,3}[a-z]?|[A-Z]|note)\\\](?!\\\])")
NOTES_HEADING = re.compile(r"^#+ (Notes|Footnotes|Endnotes)$")


def find_written(blocks: list[str]) -> tuple[list[str], dict[str, str]]:
    """Notes written out at the end of the page without links, and the "[1]" calls that
    answer them; a bracketed number no note answers stays as it is. The notes section is the
    last "Notes" heading with only notes after it (an earlier one may head text), or, with no
    heading, notes "[1] …" to the page's end that the text's calls pair one to one."""
    for start in reversed([i for i, block in enumerate(blocks) if NOTES_HEADING.match(block)]):
        if notes := _written_notes(blocks[start + 1 :]):
            return _called(blocks[:start], notes), notes
    if (unheaded := _unheaded_notes(blocks)) is not None and (notes := _written_notes(blocks[unheaded:])):
        return _called(blocks[:unheaded], notes), notes
    return blocks, {}


def _called(body: list[str], notes: dict[str, str]) -> list[str]:
    return [
        _WRITTEN_CALL.sub(lambda m: f"\x00[^{m.group(1)}]" if m.group(1) in notes else m.group(0), block)
        for block in body
    ]


def _unheaded_notes(blocks: list[str]) -> int | None:
    """Where notes written at the page's end without a heading start ("[1] …", "[2] …" to the
    end, their sequels between them), if the text pairs them unambiguously: numbered 1, 2, 3 …
    in order, each called by one "[n]" in the text before them, the calls in the notes' order."""
    firsts = [i for i, block in enumerate(blocks) if block.startswith("\\[1\\] ")]
    if not firsts or any(block.startswith("#") for block in blocks[firsts[-1] :]):
        return None
    run = [i for i in range(firsts[-1], len(blocks)) if (m := _WRITTEN_NOTE.match(blocks[i])) and m.group(1)]
    labels = [m.group(1) for i in run if (m := _WRITTEN_NOTE.match(blocks[i]))]
    if labels != [str(n) for n in range(1, len(labels) + 1)]:
        return None
    body = "\n\n".join(blocks[: run[0]])
    calls = [m.group(1) for m in _WRITTEN_CALL.finditer(body)]
    if calls != labels:
        return None
    return run[0]


def _written_notes(blocks: list[str]) -> dict[str, str]:
    """The notes of a section's blocks, or none if a block is neither a note nor its sequel."""
    notes: dict[str, str] = {}
    current: str | None = None
    for block in blocks:
        if match := _WRITTEN_NOTE.match(block):
            current = next(g for g in match.groups()[:5] if g)
            current = "note" if current == "Note" else current
            notes[current] = match.group(6)
        elif current is not None and not block.startswith("#"):
            notes[current] += "\n\n    " + block
        else:
            return {}  # not a notes section after all
    return notes
