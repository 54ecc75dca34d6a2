"""The one template layer: a Jinja2 environment over styles/, shared by every edition.

Editions differ only through their kind's capabilities, which the templates read as
`features` (editions/capabilities.py), and through their stylesheets; there is no per-format copy of
a template, and no template asks which kind it renders.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it.token import Token

from .. import NAME, __version__
from ..paths import style_folders
from ..source.model import Work
from .html import render
from .languages import Words, direction, typeface_credit

if TYPE_CHECKING:
    from .capabilities import Capabilities


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([folder / "templates" for folder in style_folders()]),  # the project's first
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt field in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["render"] = render
    env.globals["has_greek"] = _has_greek
    env.globals["heading_end"] = heading_end
    env.globals["typeface_credit"] = typeface_credit
    env.filters["long_date"] = _long_date
    env.filters["hyphenation_language"] = hyphenation_language
    return env


def heading_end(tokens: list[Token]) -> int:
    """Where a part's title heading ends in its tokens: what is set under the title goes there."""
    if not tokens or tokens[0].type != "heading_open":
        return 0
    return next((index + 1 for index, token in enumerate(tokens) if token.type == "heading_close"), 0)


def _has_greek(work: Work) -> bool:
    """Whether a work has Greek text, which the print edition sets in GFS Didot."""
    return any(
        any("\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff" for char in token.content or "")
        for part in work.parts
        for token in [*part.tokens, *(t for note in part.notes.values() for t in note.tokens)]
    )


# The hyphenation patterns (Pyphen's, which WeasyPrint reads by the text's `lang`) for a
# language given with no region. Bare "en" gets the British patterns, which break "act-ive",
# "dir-ectly", "commodit-ies"; the American ones (Liang's, from TeX) break fewer words and
# better. A work that says "en-GB" keeps the British ones.
_HYPHENATION_REGIONS = {"en": "en-US"}


def hyphenation_language(language: str) -> str:
    """The language tag whose hyphenation patterns a text in `language` is broken by."""
    return _HYPHENATION_REGIONS.get(language.lower(), language)


def _long_date(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def render_page(template: str, work: Work, features: Capabilities | None, **extra: Any) -> str:
    """Render one template of styles/templates for a work, with the capabilities of the kind
    it is for (None for a page that asks none, such as a cover)."""
    context = {
        "work": work,
        "meta": work.meta,
        "features": features,
        "builder": {"name": NAME, "version": __version__},
        "files": None,
        "dense": (),
        "images": "",
        "words": Words(work.meta.language),
        "direction": direction(work.meta.language),
    }
    return environment().get_template(template).render(context | extra)
