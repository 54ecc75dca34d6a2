"""A reader's plain-text copy of an archive page ("select all, copy") → title, author, header
fields, body and notes. The copy has lost its markup: paragraphs are lines, the header is
"Label: value" lines, notes are "[1] …" paragraphs at the end."""

from __future__ import annotations

import re

from .header import Field, is_label
from .html_page import CREDIT_LINE, PageText
from .markdown import escape, escape_line_start, spaces
from .notes import TEXT_CALL, find_written
from .report import ImportReport

_FIELD = re.compile(r"^([A-Z][\w /\\()-]{1,40}):\s*(.*)$")
_NAVIGATION = re.compile(r"(Index|backward|forward|Archive|Study Guide|translation|Deutsch|Next:|Download PDF)", re.I)
_NOTE = re.compile(r"^\[(\d{1,3}[a-z]?)\]\s+(.*)$")
_SALUTATION = re.compile(r"^(Dear|My dear|Esteemed|Respected)\b.{0,60}[,:!]?$")
_CLOSING = re.compile(r"^.{0,60}\b(greetings|regards|yours|Yours)\b.{0,40}$")


def parse_text(text: str, report: ImportReport, where: str) -> PageText:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs = [spaces(line).strip() for line in lines if line.strip()]
    # The navigation rows at the end (either order) and at the start.
    while paragraphs and _is_navigation(paragraphs[-1]):
        report.left_out.append(f"{where}: navigation row {paragraphs.pop()!r}")
    header_at = next(
        (i for i, p in enumerate(paragraphs) if (m := _FIELD.match(p)) and is_label(m.group(1)) and i < 8), None
    )
    author = None
    if header_at is None:
        title, body = paragraphs[0], paragraphs[1:]
        report.check.append(f"{where}: no header block; the first line is taken as the title")
        fields: list[Field] = []
        while body and (credit := CREDIT_LINE.match(body[-1])):
            fields.insert(0, Field(credit.group(1), credit.group(2).strip()))
            body.pop()
        if fields:
            report.guessed.append(f"{where}: credits read from the end of the page")
    else:
        before = [p for p in paragraphs[:header_at] if not _is_navigation(p) and p not in ("Download PDF",)]
        title = before[-1] if before else "Untitled"
        if len(before) > 1:
            author = before[0]
            if "Archive" in author:
                report.left_out.append(f"{where}: the line {author!r} above the title")
                author = None
        fields = []
        index = header_at
        while index < len(paragraphs) and (
            match := _FIELD.match(paragraphs[index]) or (fields and _continues(paragraphs[index]))
        ):
            if isinstance(match, re.Match):
                value = re.sub(r"\s*•?\s*README$", "", match.group(2)).rstrip(";").strip()
                fields.append(Field(match.group(1), value))
            else:
                fields[-1].notes.append(paragraphs[index].rstrip(";"))
            index += 1
        body = paragraphs[index:]
        if fields and fields[-1].value.endswith("README"):
            fields[-1].value = fields[-1].value.removesuffix("README").strip()
    notes: dict[str, str] = {}
    while body and (note := _NOTE.match(body[-1])):
        notes[note.group(1)] = escape(note.group(2))
        body.pop()
    notes = dict(reversed(notes.items()))
    if body and body[-1] in ("Notes", "Footnotes"):
        report.left_out.append(f"{where}: the heading {body.pop()!r}, its notes now set as notes")
    if (
        not notes
        and (at := next((i for i, line in enumerate(body) if line in ("Notes", "Footnotes", "Endnotes")), None))
        is not None
    ):
        # A notes section of "1. …", "**1.** …" or "Note. …" paragraphs, after its heading.
        escaped = (
            [escape_line_start(escape(line)) for line in body[:at]]
            + [f"## {body[at]}"]
            + [escape_line_start(escape(line)) for line in body[at + 1 :]]
        )
        found, written = find_written(escaped)
        if written:
            report.left_out.append(f"{where}: the heading {body[at]!r}, its notes now set as notes")
            title_md = _calls(escape(title), written)
            blocks = [_classed(line, block) for line, block in zip(body, found, strict=False)]
            return PageText(title=title_md, author=author, language=None, fields=fields, blocks=blocks, notes=written)
    blocks = [_block(p, notes) for p in body]
    title_md = _calls(escape(title), notes)
    return PageText(title=title_md, author=author, language=None, fields=fields, blocks=blocks, notes=notes)


def _continues(line: str) -> bool:
    return line.startswith("Note that") or line.endswith(";")


def _is_navigation(line: str) -> bool:
    return (
        ("|" in line or line.startswith("<") or line.endswith(">") or line == "Download PDF")
        and len(_NAVIGATION.findall(line)) >= 1
        and len(line) < 300
    )


def _calls(text: str, notes: dict[str, str]) -> str:
    return re.sub(
        r"\\\[(\d{1,3}[a-z]?)\\\]",
        lambda m: f"\x00[^{m.group(1)}]" if m.group(1) in notes and TEXT_CALL.search(f"[{m.group(1)}]") else m.group(0),
        text,
    )


def _block(line: str, notes: dict[str, str]) -> str:
    return _classed(line, escape_line_start(_calls(escape(line), notes)))


def _classed(line: str, text: str) -> str:
    """A letter's salutation and closing, told by their words."""
    if _SALUTATION.match(line):
        return "{.salutation}\n" + text
    if _CLOSING.match(line) and len(line) < 80:
        return "{.closing}\n" + text
    return text
