"""The page's header block (Written:, Source:, Translated:, Copyleft: …) → work.toml fields.

Map what is there, keep what fits no key as free text, never invent what is missing: every
choice that is not a plain copy is named in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .languages import english_label
from .report import ImportReport

YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


@dataclass
class Field:
    label: str  # as the page writes it, without the colon
    value: str  # whitespace collapsed, the trailing ";" dropped
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, absolute address)
    notes: list[str] = field(default_factory=list)  # lines without a label that follow it

    def __post_init__(self) -> None:
        # `<span class="info">Source</span>: …`: the colon outside the label's span.
        self.label = self.label.strip().rstrip(":").strip()
        if self.label and self.value.startswith(":"):
            self.value = self.value[1:].strip()


def _key(label: str) -> str:
    return re.sub(
        r"[^a-z]+", " ", english_label(label).lower()
    ).strip()  # another language's label in English (languages.py)


_WRITTEN = {"written"}
_PUBLISHED = {"published", "first published", "first published in german", "first printed", "printed"}
_TRANSLATED = {
    "translated",
    "translated by",
    "translation",
    "edited translated",
    "translated edited",
    "english translation",
}
_TRANSCRIBED = {"transcribed", "transcribed by", "original transcription", "transcription"}
_MARKUP = {"html markup", "markup", "re marked up by", "html", "re marked up", "marked up by"}
_BOTH = {"transcription markup", "transcription html markup", "transcription html"}
_PROOFREAD = {"proofread", "proofed", "proofed and corrected", "proofreading", "proofread by"}


KNOWN_LABELS = (
    _WRITTEN
    | _PUBLISHED
    | _TRANSLATED
    | _TRANSCRIBED
    | _MARKUP
    | _BOTH
    | _PROOFREAD
    | {"source", "publisher", "public domain", "copyleft", "online version", "edited", "signed", "first printed"}
)


def is_label(label: str) -> bool:
    """A header label this module knows, however the page writes it."""
    return _key(label) in KNOWN_LABELS


def names(text: str) -> list[str]:
    """ "Zodiac and Brian Baggins", "by Andy Blunden February 2005." → the names alone."""
    text = re.sub(r"^(and corrected.*?\bby\b|by|the late)\s+", "", text.strip(), flags=re.I)
    text = re.split(
        r"\s+(?:from the|in cooperation|with"
        r"|in (?:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
        r"|,\s*\d|\s+\(|\s+in\s+\d{4}"
        r"|\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
        r"|\s+\d{4}",
        text,
    )[0]
    parts = re.split(r"\s+and\s+|\s*&\s*|,\s+", text.strip(" .;,"))
    return [re.sub(r"^the late\s+", "", p, flags=re.I).strip(" .;") for p in parts if p.strip(" .;")]


_AUTHOR = re.compile(r"(?:[A-Z]\.\s?)+[A-Z][a-z]+")


def printed_source(text: str, report: ImportReport) -> dict[str, Any]:
    """ "Lenin Collected Works, Progress Publishers, [1974], Moscow, Volume 17, pages 547-550"."""
    chunks = [c.strip() for c in re.split(r",\s+(?![^()\[\]]*[)\]])", text.strip().rstrip(".;")) if c.strip()]
    if not chunks:
        return {}
    if len(chunks) > 1 and _AUTHOR.fullmatch(chunks[0]):  # "K. Marx, A Contribution to …": the author, then the title
        chunks = [chunks[1], *chunks[2:], f"by {chunks[0]}"]
    source: dict[str, Any] = {"title": chunks[0]}
    places, notes = [], []
    for chunk in chunks[1:]:
        if m := re.match(r"^(?:Volume|Vol\.)\s*(.+)$", chunk, re.I):
            source["volume"] = m.group(1)
        elif m := re.match(r"^(?:pages?|pp?\.)\s*(.+)$", chunk, re.I):
            source["pages"] = m.group(1)
        elif re.fullmatch(r"\d{4}", re.sub(r"[\[\]]", "", chunk)):
            source["year"] = chunk
        elif re.search(r"Publish|Press|Verlag|Books|Library", chunk):
            source["publisher"] = chunk
        elif re.fullmatch(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?", chunk):
            places.append(chunk)  # a city or a country: "Moscow", "USSR", "New York"
        else:
            notes.append(chunk)
    if notes:
        source["note"] = ", ".join(notes)
    if places:
        source["place"] = ", ".join(places)
        report.guessed.append(f"source: read {', '.join(places)!r} as the place of publication")
    return source


@dataclass
class Mapped:
    meta: dict[str, Any]
    free: list[str]  # lines kept as comments in work.toml


def map_header(fields: list[Field], report: ImportReport) -> Mapped:
    meta: dict[str, Any] = {}
    credits: dict[str, list[str]] = {}
    free: list[str] = []
    rights_seen = False
    for item in fields:
        key, value = _key(item.label), item.value
        shown = f"{item.label}: {value}".strip()
        if not value and not item.links:
            report.check.append(f"the {item.label} field is empty")
            continue
        if key in _WRITTEN:
            meta["written"] = value
        elif key in _PUBLISHED:  # a second such field (the original, then the translation) joins the first
            meta["first-published"] = f"{meta['first-published']}; {value}" if "first-published" in meta else value
        elif key == "source":
            meta["source"] = meta.get("source", {}) | printed_source(value, report)
            if item.notes:
                meta["source"]["note"] = " ".join(note.rstrip(";") for note in item.notes)
        elif key == "publisher" and "source" in meta:
            details = printed_source(f"x, {value}", report)
            details.pop("title")
            meta["source"] = details | meta["source"]
        elif key in _TRANSLATED and re.fullmatch(r"from (the )?[A-Z][a-z]+", value):
            free.append(shown)  # a language, not a translator's name
            report.check.append(f"{item.label}: {value!r} names no translator; kept as a comment in work.toml")
            continue
        elif key in _TRANSLATED:
            credits.setdefault("translators", []).extend(names(value))
        elif key in _TRANSCRIBED:
            credits.setdefault("transcribers", []).extend(names(value))
        elif key in _MARKUP:
            credits.setdefault("markup", []).extend(names(value))
        elif key in _BOTH:
            if "/" in value and " and " not in value:
                first, _, second = value.partition("/")
                credits.setdefault("transcribers", []).extend(names(first))
                credits.setdefault("markup", []).extend(names(second))
                report.guessed.append(
                    f"{item.label}: read {value!r} as transcription by {first.strip()}, markup by {second.strip()}"
                )
            else:
                both = names(value)
                credits.setdefault("transcribers", []).extend(both)
                credits.setdefault("markup", []).extend(both)
        elif key in _PROOFREAD:
            credits.setdefault("proofreaders", []).extend(names(value))
        elif key in ("public domain", "copyleft", "online version"):
            rights_seen = rights_seen or key != "online version"
            _rights(key, item, meta, report)
            continue
        else:
            free.append(shown)
            report.check.append(f"header field {item.label!r} fits no key; kept as a comment in work.toml")
            continue
        report.mapped.append(shown)
        if item.notes and key != "source":
            free += item.notes
    if credits:
        meta["credits"] = {role: list(dict.fromkeys(people)) for role, people in credits.items() if people}
    if not rights_seen:
        report.check.append(
            "no licence line (neither Public Domain nor Copyleft): rights set "
            'to "unstated"; the editions claim nothing until a person sets them'
        )
        meta["rights"] = {"status": "unstated"}
    return Mapped(meta, free)


_CREDIT = re.compile(r"\s*(Please credit .*? as your source\.)\s*$")


def _rights(key: str, item: Field, meta: dict[str, Any], report: ImportReport) -> None:
    value = item.value
    head = re.split(r"\.\s+(?=[A-Z])|\s+(?=You may|Permission)", value, maxsplit=1)
    archive_part, statement = head[0], (head[1] if len(head) > 1 else "")
    name = re.sub(r"\s*\(.*$|\s+\d{4}.*$", "", archive_part).strip(" .;,")
    years = YEAR.findall(archive_part)
    meta["archive"] = {"name": name or "Marxists Internet Archive"} | ({"year": int(years[-1])} if years else {})
    if credit := _CREDIT.search(statement):
        meta["archive"]["credit"] = credit.group(1).replace('"', "“", 1).replace('"', "”", 1)
        statement = statement[: credit.start()]
    statement = statement.strip().rstrip(";")
    if statement and not statement.endswith("."):
        statement += "."
    if key == "online version":
        report.mapped.append(f"{item.label}: {value}")
        return
    if key == "public domain":
        meta["rights"] = {"status": "public-domain"} | ({"statement": statement} if statement else {})
        report.mapped.append(f"{item.label}: {value} (public domain, as the page says)")
        return
    licence = next(
        (
            (text, url)
            for text, url in item.links
            if "legal" in url or "creativecommons" in url or "License" in text or "Licence" in text
        ),
        None,
    )
    if licence is None:
        found = re.search(r"(Creative Commons[\w\s-]*Licen[cs]e)", value)
        licence = (found.group(1), "https://creativecommons.org/licenses/by-sa/4.0/") if found else None
        if found:
            report.guessed.append(
                f"Copyleft: the page names the {found.group(1)} without "
                "linking it; linked to the Creative Commons BY-SA deed"
            )
    if licence is None:
        report.check.append(f'Copyleft line names no licence: {value!r}; rights set to "unstated"')
        meta["rights"] = {"status": "unstated"}
        return
    url = licence[1]
    if not re.match(r"^https?://", url):
        url = "https://www.marxists.org/" + re.sub(r"^(\.\./|\./)+", "", url).lstrip("/")
        report.guessed.append(
            f"licence address {licence[1]!r} is relative and the page was read from a file: taken as {url}"
        )
    meta["rights"] = {"status": "licensed", "licence": {"name": licence[0], "url": url}} | (
        {"statement": statement} if statement else {}
    )
    report.mapped.append(f"{item.label}: {value} (licensed: {licence[0]}, never public domain)")


# A name as a page shows it above or below its title: "V. I. Lenin", "Karl Marx", "by Frederick
# Engels", "Rosa Luxemburg"; two to five words, each capitalised or an initial.
NAME = re.compile(
    r"^(?:by\s+)?((?:(?:[A-Z]\.\s?)+|[A-Z][\w'’-]+\s)(?:(?:[A-Z]\.\s?|(?:von|van|de|der|du|la|le)\s|[A-Z][\w'’-]+\s?)){1,4})$"
)


def seen_author(shown: str | None, headings: list[str], hidden: str | None, report: ImportReport) -> str | None:
    """The author a reader sees: the name the page shows beside its title (`shown`), else the
    first of its leading headings that is a name; the hidden <meta name="author"> only where
    the page shows none. One that names someone else is reported, not used."""
    plain = [
        re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_]", "", heading.replace("\\\n", " "))).strip()
        for heading in headings
    ]
    # A heading is taken for a name only where it cannot be a title: with initials ("V. I.
    # Lenin"), after "by", or naming the hidden author's person.
    names = (found for heading in plain if (found := NAME.match(heading)))
    named = (
        found.group(1).strip()
        for found in names
        if re.search(r"\b[A-Z]\.", found.group(1))
        or found.group().startswith("by ")
        or (hidden and _same_person(found.group(1), hidden))
    )
    visible = shown if shown and shown != hidden else next(named, None)
    if visible is None:
        return hidden
    if hidden and not _same_person(visible, hidden):
        report.check.append(
            f"the page's hidden author tag names {hidden!r}, but the page shows {visible!r}: {visible!r} used"
        )
    return visible


def _same_person(one: str, other: str) -> bool:
    surnames = {name.split()[-1].lower().strip(".") for name in re.split(r"\s+(?:and|&)\s+|,\s+", one) if name.split()}
    return any(word.lower().strip(".,") in surnames for word in other.split())


def info_label(text: str, tail: str | None) -> bool:
    """Whether a `<span class="info">` is a header label: "Written:", or "Source" with the
    colon after the span."""
    text = text.strip()
    return text.endswith(":") or (is_label(text) and (tail or "").lstrip().startswith(":"))


_FROM = re.compile(
    r"^(?:From|Source)\s*:?\s+(.+?)(?:[,;.]\s*|\s+)((?:Transcribed|"
    r"Transcription|Marked up|HTML|Html|Proofread|Proofed)\b.*)?$",
    re.S,
)
_CREDIT = re.compile(
    r"^(Transcribed(?: (?:&|and) marked up)?|Transcription(?:/Markup)?|Marked up|"
    r"HTML Markup|Html Markup|Proofread|Proofed)(?: by)?\s*:?\s*(.+?)\.?$",
    re.I,
)


def info_fields(line: str) -> list[Field]:
    """A header written as one line: "From Lenin Collected Works, Volume 21, Transcribed &
    marked up by Joe Smith." → Source and Transcription/Markup; [] for any other line."""
    found = _FROM.match(line.strip())
    if found is None:
        return []
    fields = [Field("Source", found.group(1).strip(" ,;"))]
    for credit in re.split(r"[,;]\s+|\.\s+(?=Transcri|Marked|HTML|Html|Proof)", found.group(2) or ""):
        if (match := _CREDIT.match(credit.strip())) is not None:
            label = (
                "Transcription/Markup"
                if re.search(r"marked up|markup", match.group(1), re.I)
                and match.group(1).lower().startswith("transcri")
                else match.group(1)
            )
            fields.append(Field(label, match.group(2).strip()))
    return fields


def year_check(meta: dict[str, Any], fields: list[Field], blocks: list[str]) -> list[str]:
    """What the report says of a work with no year of writing or publication in its header's
    Written or First published: never that the page has none when it prints one."""
    if "year" in meta or any(YEAR.search(str(meta.get(key, ""))) for key in ("written", "first-published")):
        return []
    credits = (
        _TRANSLATED | _TRANSCRIBED | _MARKUP | _BOTH | _PROOFREAD | {"public domain", "copyleft", "online version"}
    )
    for item in fields:
        if _key(item.label) not in credits and (years := YEAR.findall(" ".join([item.value, *item.notes]))):
            return [
                f"no Written or First published field with a year; the header's {item.label or 'line'} "
                f"prints {years[0]}: set 'year' (or 'written') in work.toml if it is the work's"
            ]
    if years := YEAR.findall(" ".join(blocks)):
        return [
            "the header names no year of writing or publication; the page's text prints years "
            f"(the first, {years[0]}): set 'year' (or 'written') in work.toml to the work's"
        ]
    return ["no year of writing or publication on the page"]


_FACT = re.compile(r"^([A-Z][\w /&-]{1,40}?)\s*:\s*(.*)$")


def fact_lines(lines: list[str]) -> list[Field]:
    """A box of publication facts: two lines or more, every one of them "Label: value" with a
    label the header knows ("Written: 1914", "Source: …"); [] for any other block."""
    lines = [line for line in lines if line]
    found = [_FACT.match(line) for line in lines]
    if len(lines) < 2 or not all(match is not None and is_label(match.group(1)) for match in found):
        return []
    return [Field(match.group(1), match.group(2).rstrip(";").strip()) for match in found if match is not None]
