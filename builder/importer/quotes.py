"""The quotation marks a language sets round a quotation, outer and inner (CLDR's delimiters
for the languages of the archive): what a browser puts round a <q>, which the source format,
having no element for it, must write as characters."""

from __future__ import annotations

# language → (outer open, outer close, inner open, inner close)
_MARKS: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "fr": ("«\u00a0", "\u00a0»", "“", "”"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "pl": ("„", "”", "«", "»"),
    "cs": ("„", "“", "‚", "‘"),
    "sk": ("„", "“", "‚", "‘"),
    "hu": ("„", "”", "»", "«"),
    "ro": ("„", "”", "«", "»"),
    "nl": ("‘", "’", "“", "”"),
    "sv": ("”", "”", "’", "’"),
    "fi": ("”", "”", "’", "’"),
    "da": ("“", "”", "‘", "’"),
    "no": ("«", "»", "‘", "’"),
    "el": ("«", "»", "“", "”"),
    "tr": ("“", "”", "‘", "’"),
    "zh": ("“", "”", "‘", "’"),
    "ja": ("「", "」", "『", "』"),
    "ko": ("“", "”", "‘", "’"),
    "ar": ("”", "“", "’", "‘"),
    "fa": ("«", "»", "“", "”"),
    "he": ("”", "”", "’", "’"),
}


def quote_marks(language: str | None, depth: int) -> tuple[str, str]:
    """The marks round a quotation in `language` (a tag such as "pt-BR"; English if unknown),
    nested `depth` quotations deep: the outer ones, then the inner, then the outer again."""
    primary = (language or "en").split("-")[0].lower()
    marks = _MARKS.get(primary, _MARKS["en"])
    return (marks[0], marks[1]) if depth % 2 == 0 else (marks[2], marks[3])
