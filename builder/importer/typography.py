"""Quotes and dashes set as the rest of an imported text sets them: a page that prints “ ” and
’ almost everywhere and " or ' in a few places (two transcribers, one chapter typed later) has
its straight ones made typographic, by SmartyPants, and `--` made a dash where the text sets
dashes. A text that sets straight quotes throughout keeps them: it is consistent."""

from __future__ import annotations

import re

import smartypants

from .report import ImportReport

_TYPOGRAPHIC_QUOTES = re.compile(r"[“”‘’]")
_DASHES = re.compile(r"[—–]")
_ELISION = re.compile(r"‘(?=\d\d\b)")  # ’48, not ‘48
# What SmartyPants must not touch: the source format's escapes (it reads `\.` and `\-` as its
# own), a run of three hyphens or more (a table's delimiter row, in a quotation too; a blank
# left in the text: only "--" is a dash typed), a note's label, a link's address, an attribute block.
_KEEP = re.compile(r"(?:\\?-){3,}|\\.|\[\^[^\]]*\]|\]\([^)]*\)|\{[.#][^}]*\}|\{lang=[^}]*\}")


def settle(texts: dict[str, str], report: ImportReport) -> dict[str, str]:
    """The parts' Markdown with straight quotes and `--` set as the rest of the work sets them."""
    every = "".join(texts.values())
    attrs = smartypants.Attr.u
    if _TYPOGRAPHIC_QUOTES.search(every):
        attrs |= smartypants.Attr.q
    if _DASHES.search(every):
        attrs |= smartypants.Attr.d  # "--" an em dash
    if attrs == smartypants.Attr.u:
        return texts
    out = {}
    for name, text in texts.items():
        out[name] = done = _settle(text, attrs)
        if done != text:
            report.repaired.append(
                f"{name}: straight quotes{' and --' if attrs & smartypants.Attr.d else ''} "
                "set as the rest of the text sets them"
            )
    return out


def _settle(text: str, attrs: int) -> str:
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\x02{len(kept) - 1}\x02"

    done = _ELISION.sub("’", smartypants.smartypants(_KEEP.sub(hold, text), attrs))
    return re.sub(r"\x02(\d+)\x02", lambda m: kept[int(m.group(1))], done)
