"""Words of an edition's text that look foreign but carry no language tag.

The EPUB claims WCAG 2.2 AA, whose 3.1.2 asks that a passage in another language say so
(`[fictio juris]{lang=la}`), so that a screen reader pronounces it, and print hyphenates it,
as that language. No checker sees a missing tag; this one guesses, with pyspellchecker's
word-frequency lists: a word of four letters or more, in lower case (names are left alone),
in text whose language is the work's, is suspect when it is common in French, German,
Italian or Spanish and rare in the work's language. Latin has no list there, so Latin
passages are not found. An English word is counted as common in English where its
American spelling is ("labour", "centre", "organise": `spellings`), since the English list is
American. The edition's own words (its colophon and rights page, from styles/furniture.toml)
are not the work's, and are left alone. Words a work uses as its own otherwise (naturalised
words such as "ensemble") go in `allowed-words.txt` in its source folder, one a line.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path

from lxml import etree
from spellchecker import SpellChecker

from ..editions.languages import furniture_texts

ALLOW_LIST = "allowed-words.txt"  # in a work's source folder
CHECKED_LANGUAGES = (
    "en",
    "fr",
    "de",
    "it",
    "es",
)  # frequency lists pyspellchecker has, of languages the archive's works quote
RATIO = 20  # how much more common in the other language a word must be
MINIMUM_COUNT = 50  # and at least this common there, not a stray entry
WORD = re.compile(r"\b[^\W\d_A-Z]{4,}\b")  # lower case only: a capitalised word may be a name

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


@cache
def _frequencies(language: str) -> SpellChecker:
    return SpellChecker(language=language, distance=1)


def allowed_words(folder: Path) -> set[str]:
    """The work's allow-list, if it has one."""
    path = folder / ALLOW_LIST
    if not path.is_file():
        return set()
    return {
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def untagged_foreign_words(epub: Path, allowed: Collection[str] = ()) -> dict[str, str]:
    """Suspect words of the EPUB's text, each with the language it looks like."""
    with zipfile.ZipFile(epub) as archive:
        package = etree.fromstring(archive.read(next(name for name in archive.namelist() if name.endswith(".opf"))))
        language = (package.findtext(".//dc:language", namespaces=_OPF) or "").split("-")[0].lower()
        if language not in CHECKED_LANGUAGES:
            return {}
        texts = [
            text
            for name in sorted(archive.namelist())
            if name.endswith(".xhtml")
            for text in _texts_in(etree.fromstring(archive.read(name)), language)
        ]
    allowed = {*allowed, *(word for text in furniture_texts(language) for word in WORD.findall(text))}
    own = _frequencies(language).word_frequency
    others = {other: _frequencies(other).word_frequency for other in CHECKED_LANGUAGES if other != language}
    found: dict[str, str] = {}
    for text in texts:
        for word in WORD.findall(text):
            if word in allowed or word in found:
                continue
            at_home = max(own[spelling] for spelling in spellings(word, language))
            for other, frequencies in others.items():
                count = frequencies[word]
                if count >= MINIMUM_COUNT and count > RATIO * (at_home + 1):
                    found[word] = other
                    break
    return found


# British spellings and their American ones, which pyspellchecker's English list holds (it is
# drawn from American text): a British word is as English as its American twin. Each is a
# regular correspondence of English spelling, applied wherever it fits in the word, so
# "labourers", "centres" and "organisations" are found through "laborers", "centers" and
# "organizations".
_BRITISH = (
    (re.compile(r"our(?=(?:s|ed|ing|er|ers|ite|ites|ful|able|ably|less)?$)"), "or"),  # labour, colourful
    # centre, theatre, spectre, fibre, meagre, ochre, manoeuvre; not French "entre", "chambre",
    # "lettre", "membre", "monstre" (no English word ends so: "enter", "letter" are words of their own)
    (re.compile(r"([a-z]{2}(?:[aeiou]t|nt|ct|ag|ch|uv|omb)|[a-z]ib)re(?=s?$)"), r"\1er"),
    (re.compile(r"([a-z]{2}(?:[aeiou]t|nt|ct|ag|ch|uv|omb)|[a-z]ib)red$"), r"\1ered"),  # centred
    (re.compile(r"(?<=[a-z]{2})is(?=e[sdr]?$|ing$|ation|ations$)"), "iz"),  # organise, organisation
    (re.compile(r"ys(?=e[sd]?$|ing$)"), "yz"),  # analyse
    (re.compile(r"ence(?=s?$)"), "ense"),  # defence, licence
    (re.compile(r"ogue(?=s?$)"), "og"),  # catalogue
    (re.compile(r"mme(?=s?$)"), "m"),  # programme
    (re.compile(r"(?<=[a-z])(?:ae|oe)(?=[a-z])"), "e"),  # anaemia, manoeuvre
    (re.compile(r"(?<=[a-z]{2}[aeiou])ll(?=ed$|ing$|er$|ers$|or$|ors$)"), "l"),  # travelled, counsellor
)


def spellings(word: str, language: str) -> set[str]:
    """A word and, in English, its spellings on the other side of the Atlantic: each regular
    British correspondence applied or not, in every combination."""
    found = {word}
    if language != "en":
        return found
    for pattern, american in _BRITISH:
        found |= {pattern.sub(american, each) for each in found}
    return found


def _texts_in(element: etree._Element, language: str, inherited: str | None = None) -> Iterator[str]:
    """The text of `element` that is in `language` (by its own `lang`, or its ancestors')."""
    lang = (element.get("lang") or element.get(_XML_LANG) or inherited or language).split("-")[0].lower()
    if element.text and lang == language:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _texts_in(child, language, lang)
        if child.tail and lang == language:
            yield child.tail
