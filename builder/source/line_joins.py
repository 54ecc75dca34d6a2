"""Where a source line breaks inside a sentence of Chinese or Japanese, the lines join with no
space: those scripts put none between words, and a space there would show as a gap in the
line. Elsewhere a line break is a space, as Markdown has it. (CSS Text 3 asks the same of a
renderer, "segment break transformation", which neither WeasyPrint nor every reading system does.)
"""

from __future__ import annotations

import unicodedata

from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def _wide(char: str) -> bool:
    """A character of a script written without spaces: East Asian wide or full-width, not Hangul
    (Korean puts spaces between words)."""
    return unicodedata.east_asian_width(char) in ("W", "F") and not (
        "\uac00" <= char <= "\ud7af" or "\u1100" <= char <= "\u11ff"
    )


def join_wide_lines(state: StateCore) -> None:
    """A markdown-it core rule: each soft line break between two wide characters becomes nothing."""
    for token in state.tokens:
        children = token.children
        if token.type != "inline" or not children:
            continue
        for index, child in enumerate(children):
            if child.type != "softbreak" or index == 0 or index == len(children) - 1:
                continue
            before, after = children[index - 1], children[index + 1]
            if (
                before.type == "text"
                and after.type == "text"
                and before.content
                and after.content
                and _wide(before.content[-1])
                and _wide(after.content[0])
            ):
                children[index] = Token("text", "", 0, content="")
