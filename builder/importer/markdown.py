"""Writing Markdown that reads back as exactly the page's words: escapes for the characters
the source format gives a meaning to, and whitespace as a reader sees it."""

from __future__ import annotations

import re

# ASCII punctuation the source format reads as markup; a backslash makes each literal.
_SPECIAL = re.compile(r"([\\`*_\[\]<>{}|~^])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")
# A run of spaces (an anchor between two words leaves several); a lone no-break space is the
# page's own and is kept.
_RUN = re.compile(r"[ \t\r\n\u00a0]*[ \t\r\n][ \t\r\n\u00a0]*|\u00a0{2,}")


def escape(text: str) -> str:
    return _ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", text))


def escape_line_start(text: str) -> str:
    """A block that starts like a heading, quotation, list item or rule is a paragraph."""
    match = _LINE_START.match(text)
    if not match:
        return text
    if match.group(1).isdigit():
        return f"{match.group(1)}\\{text[match.end() :]}"
    return "\\" + text


def spaces(text: str) -> str:
    return _RUN.sub(" ", text)
