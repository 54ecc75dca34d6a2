"""`folio lint`: what a reader of a source that builds would still catch, as named checks with
stable codes (L001…), in the manner of Standard Ebooks' `se lint`. It reads the model and the
Markdown of a work that loads; a work that does not load fails with its own error first.

The importer, an earlier stage, calls it on every work it writes, so that what it could not
tidy is named in the report; `folio check` runs it on the works whose editions it checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..codes import lookup
from ..paths import shown_path
from .loader import load_work
from .model import Part, Work
from .text import plain_text

# Text left where a note's call was meant: a label made unique across parts ("4_1"), or a
# bracketed number no note answers ("[12]"), or a superscript one.
_LABEL_CALL = re.compile(r"(?<![\w\[])(?:\[\d{1,3}[a-z]?\]|\d{1,3}_\d{1,3}[a-z]?)(?![\w\]])")
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_LINE = re.compile(
    rf"^(?:[\w .'’-]{{1,40}},\s*)?(?:[\w .'’-]{{0,30}}\s)?"
    rf"(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+\d{{4}})\.?$",
    re.I,
)
_BREADCRUMB = re.compile(r"^(?:MIA|Marxists(?: Internet Archive)?)\s*[>:»/|]", re.I)
_ASTERISKS = re.compile(r"^(?:[*⁂·•]\s*){1,5}$")


@dataclass(frozen=True)
class LintFinding:
    """One thing a reader would catch in a source: where (file and line), its code, what, and
    what to do. A built file's finding, without a line, is builder/errors.py's `Finding`."""

    path: Path
    line: int
    code: str
    message: str

    @property
    def fix(self) -> str:
        return lookup(self.code).fix

    def where(self) -> str:
        return f"{shown_path(self.path)}:{self.line}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message} [{self.code}]\n  fix: {self.fix}"

    def short(self) -> str:
        """For an import's report: the part's file name, the line, the message and the code."""
        return f"{self.path.name}:{self.line}: {self.message} [{self.code}]"


def lint(folder: Path) -> list[LintFinding]:
    """Every finding on the work in `folder`, part by part, in the order of the text."""
    return lint_work(load_work(folder))


def lint_work(work: Work) -> list[LintFinding]:
    findings: list[LintFinding] = []
    title = _fold(work.meta.title)
    author = _fold(work.meta.author)
    titles: dict[str, Part] = {}
    for part in work.parts:
        findings += _part(part, title if len(work.parts) > 1 else "", author)
        folded = _fold(part.title)
        if folded in titles:
            findings.append(
                LintFinding(
                    part.path,
                    1,
                    "L004",
                    f"the part's title {part.title!r} is also the title of "
                    f"{titles[folded].path.name}: the contents list it twice",
                )
            )
        titles.setdefault(folded, part)
    findings += _typography(work)
    return sorted(
        findings, key=lambda f: (work.parts.index(next(p for p in work.parts if p.path == f.path)), f.line, f.code)
    )


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _line(token: Token, default: int = 1) -> int:
    return token.map[0] + 1 if token.map else default


def _headings(part: Part) -> Iterator[tuple[int, int, str]]:
    """Each heading of a part after its title: (index in the tokens, level, words)."""
    for index, token in enumerate(part.tokens):
        if token.type == "heading_open" and index > 0:
            yield index, int(token.tag[1]), plain_text(part.tokens[index + 1], heading=True)


def _part(part: Part, title: str, author: str) -> list[LintFinding]:
    found: list[LintFinding] = []
    tokens = part.tokens
    in_heading = {id(tokens[i + 1]) for i, t in enumerate(tokens[:-1]) if t.type == "heading_open"}
    text_blocks = [t for t in tokens if t.type == "inline" and plain_text(t) and id(t) not in in_heading]
    if not text_blocks and not any(
        t.type in ("table_open", "bullet_list_open", "ordered_list_open", "blockquote_open") for t in tokens
    ):
        found.append(
            LintFinding(part.path, 1, "L005", f"the part {part.title!r} has no running text, only its headings")
        )
    heads = list(_headings(part))
    for number, (index, level, words) in enumerate(heads):
        line = _line(tokens[index])
        folded = _fold(words)
        if title and folded == title:
            found.append(
                LintFinding(part.path, line, "L002", f"the heading {words!r} repeats the book's title inside a part")
            )
        elif folded == _fold(part.title):
            found.append(
                LintFinding(
                    part.path,
                    line,
                    "L004",
                    f"the heading {words!r} repeats the part's own title: the contents list it twice",
                )
            )
        elif author and folded in (author, f"by {author}") and number == 0:
            found.append(
                LintFinding(
                    part.path, line, "L008", f"the heading {words!r} is the author's name, which the title page gives"
                )
            )
        elif _BREADCRUMB.match(words):
            found.append(LintFinding(part.path, line, "L008", f"the heading {words!r} is the archive's navigation"))
        elif _DATE_LINE.match(words):
            found.append(LintFinding(part.path, line, "L008", f"the heading {words!r} is a date line"))
        if _ASTERISKS.match(words.replace(" ", "")) or not folded:
            found.append(
                LintFinding(part.path, line, "L009", f"the heading {words!r} is a row of asterisks: a section break")
            )
        following = next((t for t in tokens[index + 3 :] if t.type != "hr"), None)
        if following is None or (following.type == "heading_open" and int(following.tag[1]) <= level):
            found.append(
                LintFinding(
                    part.path,
                    line,
                    "L003",
                    f"the heading {words!r} has nothing under it"
                    + (" to the part's end" if following is None else " before the next heading of its rank"),
                )
            )
    for index, token in enumerate(tokens):
        if (
            token.type == "inline"
            and id(token) not in in_heading
            and _ASTERISKS.match(token.content.replace("\\", "").strip())
        ):
            found.append(LintFinding(part.path, _line(token), "L009", "a paragraph of asterisks: a section break"))
        if token.type == "table_open":
            row = next((t for t in tokens[index:] if t.type == "tr_close"), None)
            cells = sum(
                1 for t in tokens[index : tokens.index(row) if row else index] if t.type in ("td_open", "th_open")
            )
            if cells == 1:
                found.append(
                    LintFinding(
                        part.path,
                        _line(token),
                        "L010",
                        "a table of one column: a boxed note or a paragraph set as a table",
                    )
                )
    for tokens_of, kind in [(tokens, "text"), *((note.tokens, "note") for note in part.notes.values())]:
        for token in tokens_of:
            if token.type != "inline":
                continue
            for child in token.children or []:
                if child.type == "text" and (call := _LABEL_CALL.search(child.content)):
                    found.append(
                        LintFinding(
                            part.path,
                            _line(token),
                            "L001",
                            f"{call.group()!r} in the {kind} reads as a note's call that no note answers",
                        )
                    )
    return found


def _inline_texts(work: Work) -> Iterator[tuple[Part, int, str]]:
    for part in work.parts:
        for tokens in [part.tokens, *(note.tokens for note in [*part.notes.values(), *part.editor_notes.values()])]:
            for token in tokens:
                if token.type == "inline":
                    text = "".join(child.content for child in token.children or [] if child.type == "text")
                    yield part, _line(token), text


def _typography(work: Work) -> list[LintFinding]:
    """Straight quotes and `--` where the rest of the text sets typographic ones: one finding
    a line, for the first such character of the line."""
    texts = list(_inline_texts(work))
    every = "".join(text for *_, text in texts)
    checks = []
    if re.search(r"[“”]", every):
        checks.append((re.compile(r'"'), "L006", "a straight double quote where the text sets “ ”"))
    if every.count("’") > every.count("'"):
        checks.append(
            (
                re.compile(r"(?<=\w)'(?=\w)|(?<=\s)'|'(?=\s|$)"),
                "L006",
                "a straight apostrophe or single quote where the text sets ’",
            )
        )
    if re.search(r"[—–]", every):
        checks.append((re.compile(r"(?<!-)--(?!-)"), "L007", "'--' where the text sets dashes (— or –)"))
    found = []
    for part, line, text in texts:
        for pattern, code, message in checks:
            if pattern.search(text):
                found.append(LintFinding(part.path, line, code, message))
    return found
