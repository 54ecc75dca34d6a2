"""Characters no reader can see, repaired where they stand as a page is read, so that one of
them never fails a book: controls (a form feed, a NUL), private-use characters, unassigned code
points. The source format refuses them (S021, S042); here each is removed, or, where it parts
two words (a form feed, a vertical tab), replaced by a space, and listed with its page and line
under "Needs a human look": a private-use character may have stood for a letter a font drew."""

from __future__ import annotations

import bisect
import re
import unicodedata

from ..source.sourcefile import CONTROL
from .report import ImportReport

_UNSEEN = {"Co": "a private-use character", "Cn": "an unassigned code point", "Cs": "a lone surrogate"}
_APART = {"\x0b", "\x0c"}  # page breaks of a conversion: a space keeps the words apart
_C1 = re.compile(r"[\x80-\x9f]")
SHOWN = 40  # repairs listed one by one per page; the rest counted


def _describe(char: str) -> str:
    if CONTROL.fullmatch(char):
        name = {"\x0c": "form feed", "\x0b": "vertical tab", "\x00": "NUL"}.get(char, "control character")
        return f"{name} U+{ord(char):04X}"
    return f"{_UNSEEN[unicodedata.category(char)]} U+{ord(char):04X}"


def repair_unseen(text: str, where: str, report: ImportReport, *, keep_c1: bool = False) -> str:
    """`text` with each unseen character removed or replaced by a space. `keep_c1` leaves the
    C1 controls to the mojibake repair, which reads most of them as the Windows-1252 letters
    they were."""
    found = {
        char
        for char in set(text)
        if (CONTROL.fullmatch(char) and not (keep_c1 and _C1.fullmatch(char))) or unicodedata.category(char) in _UNSEEN
    }
    if not found:
        return text
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    counts: dict[tuple[int, str], int] = {}

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        line = bisect.bisect_right(starts, match.start())
        counts[(line, char)] = counts.get((line, char), 0) + 1
        return " " if char in _APART else ""

    pattern = "[" + "".join(re.escape(char) for char in sorted(found)) + "]"
    repaired = re.sub(pattern, replace, text)
    items = sorted(counts.items())
    for (line, char), count in items[:SHOWN]:
        how = "replaced by a space" if char in _APART else "removed"
        times = f" ({count} times)" if count > 1 else ""
        report.check.append(f"{where}, line {line}: {_describe(char)} {how}{times}; see what the page meant there")
    if len(items) > SHOWN:
        report.check.append(
            f"{where}: {len(items) - SHOWN} more lines with characters no reader can see, repaired the same way"
        )
    return repaired


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def unseen_references(page: str) -> str:
    """An HTML page with each numeric reference to a character no reader can see (`&#xE000;`,
    `&#1;`) written as that character, so that `repair_unseen` repairs it where it stands, as
    it does one written as itself; a reference to a C1 control is the Windows-1252 character
    browsers show for it (`&#150;` is "–", as the HTML standard says)."""

    def literal(match: re.Match[str]) -> str:
        point = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if 0x80 <= point <= 0x9F:
            shown = bytes([point]).decode("cp1252", errors="replace")
            return shown if shown != "\ufffd" else chr(point)
        if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
            return "\ufffd"  # as browsers show it
        char = chr(point)
        unseen = (CONTROL.fullmatch(char) is not None and char not in "\t\n\r") or unicodedata.category(char) in _UNSEEN
        return char if unseen else match.group()

    return _REFERENCE.sub(literal, page)
