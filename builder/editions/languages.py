"""The edition's own words in the work's language, and the direction it reads in.

The furniture (the contents' heading, the colophon, the rights page, the cover's back) comes
from one table, styles/furniture.toml, one section per language; a language it has no section
for is set in English, and the build says so (W002). The direction follows the language tag:
its script subtag if it has one (`ku-Arab`), else its language.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from functools import cache
from typing import Any

from markupsafe import Markup

from ..paths import style_file

FURNITURE = "furniture.toml"  # under styles/, a project's own copy first
FALLBACK = "en"

# Scripts written right to left, and the languages written in one of them unless the tag names
# another script.
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"})
RTL_LANGUAGES = frozenset(
    {"ar", "fa", "ur", "he", "iw", "yi", "ps", "sd", "ug", "ckb", "dv", "syr", "arc", "prs", "pnb", "ks", "ji", "lad"}
)


def direction(language: str) -> str:
    """ "rtl" or "ltr" for a BCP 47 tag."""
    subtags = language.lower().replace("_", "-").split("-")
    script = next((tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()), None)
    if script is not None:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RTL_LANGUAGES else "ltr"


@cache
def _table() -> dict[str, dict[str, Any]]:
    with style_file(FURNITURE).open("rb") as file:
        return tomllib.load(file)


def furniture_language(language: str) -> str:
    """The section of styles/furniture.toml a work in `language` takes its words from: the tag
    itself, or its language without region or script, or English."""
    table = _table()
    subtags = language.replace("_", "-").split("-")
    for candidate in (language, *("-".join(subtags[:n]) for n in range(len(subtags) - 1, 0, -1))):
        if candidate in table:
            return candidate
    return FALLBACK


def furniture_texts(language: str) -> list[str]:
    """Every text of the furniture a work in `language` is given (its section of the table,
    fields unfilled): the edition's own words, not the work's."""
    section = _table()[furniture_language(language)]
    values = [item for value in section.values() for item in (value if isinstance(value, list) else [value])]
    return [value for value in values if isinstance(value, str)]


def has_furniture(language: str) -> bool:
    return furniture_language(language) != FALLBACK or language.lower().split("-")[0] == FALLBACK


class Words:
    """The furniture of one language, for the templates: `words("contents")`, or with fields,
    `words("by", author=meta.author)`; the table's text is trusted markup, the fields escaped."""

    def __init__(self, language: str) -> None:
        self.language = furniture_language(language)
        self.table = _table()[self.language]

    def __call__(self, key: str, **fields: Any) -> Markup:
        return Markup(self.table[key]).format(**fields)

    def date(self, value: datetime) -> str:
        months = self.table["months"]
        return str(self.table["date"]).format(day=value.day, month=months[value.month - 1], year=value.year)


def fallback_warning(language: str, where: str) -> str | None:
    """The build's warning for a work whose language the furniture table lacks, or None."""
    if has_furniture(language):
        return None
    return (
        f"warning: {where}: the edition's own pages (contents, colophon, rights) are in English: "
        f"styles/furniture.toml has no words for {language!r} [W002]"
    )


def main_typeface(language: str) -> str:
    """The family styles/typefaces.toml sets a work in `language` in (Source Serif Pro if none)."""
    from ..fingerprint import typefaces

    subtags = language.split("-")
    candidates = [language, *("-".join(subtags[:n]) for n in range(len(subtags) - 1, 0, -1))]
    for candidate in candidates:
        for typeface in typefaces():
            if candidate in typeface.get("languages", []):
                return str(typeface["family"])
    return "Source Serif Pro"


def typeface_credit(language: str, greek: bool, words: Words) -> Markup:
    """The colophon's faces: the work's own, and GFS Didot beside it for Greek in a Latin book."""
    family = main_typeface(language)
    if family == "Source Serif Pro":
        credit = words("source_serif")
        return credit + words("face_and", script=words("greek"), face=words("gfs_didot")) if greek else credit
    if family == "GFS Didot":
        return words("gfs_didot")
    if family == "Noto Serif CJK":  # one family, a face for each region's forms (scripts.css)
        tag = language.lower()
        region = (
            "JP"
            if tag.startswith("ja")
            else "KR"
            if tag.startswith("ko")
            else "TC"
            if tag.split("-")[-1] in ("hant", "tw", "hk", "mo")
            else "SC"
        )
        family = f"{family} {region}"
    return Markup.escape(family)
