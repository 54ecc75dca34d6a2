"""The languages of the archive's sections: which language a page is in, which encodings its
section writes without declaring them, and its header's labels in English.

A page's language is its `lang` where it declares one other than English; else the archive's
section folder it is filed under (`/russkij/`, `/chinese/`, `/italiano/` …); else the script
of its text, and for Latin script its commonest words; else English. Each choice is reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from urllib.parse import unquote, urlsplit

from .report import ImportReport

# The archive's section folders (marxists.org/<folder>/…) and the language each holds.
SECTIONS = {
    "afrikaans": "af",
    "arabic": "ar",
    "bangla": "bn",
    "bengali": "bn",
    "balgarski": "bg",
    "bulgarian": "bg",
    "catala": "ca",
    "cestina": "cs",
    "czech": "cs",
    "chinese": "zh",
    "dansk": "da",
    "deutsch": "de",
    "eesti": "et",
    "ellinika": "el",
    "greek": "el",
    "espanol": "es",
    "esperanto": "eo",
    "euskara": "eu",
    "farsi": "fa",
    "filipino": "fil",
    "francais": "fr",
    "galego": "gl",
    "hebrew": "he",
    "ivrit": "he",
    "hindi": "hi",
    "hrvatski": "hr",
    "indonesia": "id",
    "islenska": "is",
    "italiano": "it",
    "japanese": "ja",
    "nihon": "ja",
    "korean": "ko",
    "kurdi": "ku",
    "latviski": "lv",
    "lietuviu": "lt",
    "magyar": "hu",
    "malayalam": "ml",
    "marathi": "mr",
    "nederlands": "nl",
    "norsk": "nb",
    "polski": "pl",
    "portugues": "pt",
    "romana": "ro",
    "russkij": "ru",
    "russian": "ru",
    "shqip": "sq",
    "sinhala": "si",
    "slovenscina": "sl",
    "srpski": "sr",
    "suomi": "fi",
    "svenska": "sv",
    "tamil": "ta",
    "thai": "th",
    "turkce": "tr",
    "ukrainska": "uk",
    "urdu": "ur",
    "vietnamese": "vi",
    "yiddish": "yi",
}

# Encodings a section's pages are written in, often undeclared or declared wrongly; the
# charset detection chooses among them and the usual ones (decode.py).
SECTION_ENCODINGS = {
    "zh": ("gb18030", "big5"),
    "ja": ("shift_jis", "euc_jp"),
    "ko": ("euc_kr",),
    "ru": ("cp1251", "koi8_r"),
    "uk": ("cp1251", "koi8_u"),
    "bg": ("cp1251",),
    "sr": ("cp1251",),
    "ar": ("cp1256",),
    "fa": ("cp1256",),
    "ur": ("cp1256",),
    "he": ("cp1255",),
    "yi": ("cp1255",),
    "el": ("cp1253",),
    "tr": ("cp1254",),
    "pl": ("iso8859_2", "cp1250"),
    "cs": ("iso8859_2", "cp1250"),
    "hu": ("iso8859_2", "cp1250"),
    "hr": ("iso8859_2", "cp1250"),
    "sl": ("iso8859_2", "cp1250"),
    "ro": ("iso8859_2", "cp1250"),
    "lt": ("cp1257",),
    "lv": ("cp1257",),
    "et": ("cp1257",),
    "vi": ("cp1258",),
    "th": ("cp874",),
}

# Header labels of the archive's other languages, as header.py's keys name them in English.
# Matched without case, accents kept; "Escrito en" and "Escrito" alike.
HEADER_LABELS = {
    # Spanish
    "escrito": "written",
    "escrito en": "written",
    "redactado": "written",
    "publicado": "published",
    "primera publicación": "first published",
    "publicado por primera vez": "first published",
    "primera edición": "first published",
    "fuente": "source",
    "fuente del texto": "source",
    "traducción": "translated",
    "traducido por": "translated by",
    "traducción al castellano": "translated",
    "transcripción": "transcription",
    "digitalización": "transcription",
    "html": "html markup",
    "edición html": "html markup",
    "esta edición": "online version",
    "corrección": "proofread",
    "dominio público": "public domain",
    "edición digital": "online version",
    # Portuguese
    "primeira edição": "first published",
    "publicado pela primeira vez": "first published",
    "fonte": "source",
    "tradução": "translated",
    "transcrição": "transcription",
    "domínio público": "public domain",
    # German
    "geschrieben": "written",
    "verfasst": "written",
    "veröffentlicht": "published",
    "erschienen": "published",
    "erstveröffentlichung": "first published",
    "erstmals veröffentlicht": "first published",
    "quelle": "source",
    "übersetzung": "translated",
    "übersetzt": "translated",
    "übersetzt von": "translated by",
    "transkription": "transcription",
    "digitalisierung": "transcription",
    "html markierung": "html markup",
    "korrektur": "proofread",
    "korrekturgelesen": "proofread",
    "gemeinfrei": "public domain",
    # French
    "écrit": "written",
    "rédigé": "written",
    "publié": "published",
    "première publication": "first published",
    "première parution": "first published",
    "source": "source",
    "traduction": "translated",
    "traduit par": "translated by",
    "transcription": "transcription",
    "mise en html": "html markup",
    "correction": "proofread",
    "domaine public": "public domain",
    # Italian
    "scritto": "written",
    "pubblicato": "published",
    "prima pubblicazione": "first published",
    "prima edizione": "first published",
    "fonte traduzione": "source",
    "traduzione": "translated",
    "tradotto da": "translated by",
    "trascrizione": "transcription",
    "trascritto": "transcribed",
    "pubblico dominio": "public domain",
    "edizione html": "html markup",
    # Polish
    "napisane": "written",
    "napisano": "written",
    "opublikowane": "published",
    "pierwsze wydanie": "first published",
    "źródło": "source",
    "tłumaczenie": "translated",
    "przekład": "translated",
    "transkrypcja": "transcription",
    "domena publiczna": "public domain",
    # Russian
    "написано": "written",
    "написана": "written",
    "опубликовано": "published",
    "впервые опубликовано": "first published",
    "впервые напечатано": "first published",
    "источник": "source",
    "перевод": "translated",
    "переведено": "translated",
    "перевод с": "translated",
    "распознание": "transcription",
    "распознавание": "transcription",
    "набор": "transcription",
    "вёрстка": "html markup",
    "верстка": "html markup",
    "html-версия": "html markup",
    "корректура": "proofread",
    "общественное достояние": "public domain",
    # Chinese
    "写作": "written",
    "写于": "written",
    "寫於": "written",
    "发表": "published",
    "發表": "published",
    "首次发表": "first published",
    "首次發表": "first published",
    "来源": "source",
    "來源": "source",
    "出处": "source",
    "出處": "source",
    "翻译": "translated",
    "翻譯": "translated",
    "译者": "translated by",
    "譯者": "translated by",
    "录入": "transcription",
    "錄入": "transcription",
    "校对": "proofread",
    "校對": "proofread",
    "公有领域": "public domain",
    "公有領域": "public domain",
    # Arabic, Persian
    "كتب": "written",
    "كُتب": "written",
    "نشر": "published",
    "نُشر": "published",
    "نشر لأول مرة": "first published",
    "المصدر": "source",
    "مصدر": "source",
    "ترجمة": "translated",
    "الترجمة": "translated",
    "ترجمه": "translated",
    "منبع": "source",
    "نوشته شده": "written",
    "انتشار": "published",
    "ملك عام": "public domain",
}

_SCRIPTS = (  # (name, first, last) of the letters that tell a script
    ("Hiragana", 0x3040, 0x30FF),
    ("Hangul", 0xAC00, 0xD7AF),
    ("Han", 0x4E00, 0x9FFF),
    ("Han", 0x3400, 0x4DBF),
    ("Cyrillic", 0x0400, 0x04FF),
    ("Greek", 0x0370, 0x03FF),
    ("Greek", 0x1F00, 0x1FFF),
    ("Arabic", 0x0600, 0x06FF),
    ("Hebrew", 0x0590, 0x05FF),
    ("Devanagari", 0x0900, 0x097F),
    ("Bengali", 0x0980, 0x09FF),
    ("Tamil", 0x0B80, 0x0BFF),
    ("Thai", 0x0E00, 0x0E7F),
    ("Armenian", 0x0530, 0x058F),
    ("Georgian", 0x10A0, 0x10FF),
    ("Malayalam", 0x0D00, 0x0D7F),
)
_SCRIPT_LANGUAGE = {
    "Hiragana": "ja",
    "Hangul": "ko",
    "Han": "zh",
    "Cyrillic": "ru",
    "Greek": "el",
    "Arabic": "ar",
    "Hebrew": "he",
    "Devanagari": "hi",
    "Bengali": "bn",
    "Tamil": "ta",
    "Thai": "th",
    "Armenian": "hy",
    "Georgian": "ka",
    "Malayalam": "ml",
}
_PERSIAN = set("پچژگکی")  # letters Persian writes that Arabic does not (Urdu's own below)
_URDU = set("ٹڈڑںےھ")
_UKRAINIAN = set("іїєґІЇЄҐ")
_PRE_REFORM = set("ѣѲѳѴѵѢ")
# A passage the page sets in a language of its own (`[…]{lang=grc}`, a block under `{lang=fr}`):
# not the work's language's evidence.
_OWN_LANGUAGE = re.compile(r"\[[^\]]*\]\{lang=[^}]*\}|\{lang=[^}]*\}\n[^\n]*")
_SIMPLIFIED = set("这们来说为国会对时发经动学实义产阶级马资们从过还进个让认与东关书开无见")
_TRADITIONAL = set("這們來說為國會對時發經動學實義產階級馬資從過還進個讓認與東關書開無見")
# The commonest short words of the archive's larger Latin-script languages.
_WORDS = {
    "en": "the of and to in is that which it was for as with by not a i he his be are this from have",
    "es": "el la los las de que y en del por con una para es se",
    "pt": "o a os as de que e em do da com uma para não se",
    "it": "il la di che e gli della del per con una non sono è le",
    "fr": "le la les de des et que en du une est pour dans qui pas",
    "de": "der die das und ist den von zu mit nicht des sich auf ein eine",
    "nl": "de het een van en is dat op te niet zijn met voor",
    "sv": "och att det som en är av för på med den inte till",
    "da": "og at det som en er af for på med den ikke til",
    "pl": "i w nie się na że z do to jest jak przez",
    "tr": "ve bir bu da de ile için olan gibi daha çok",
    "is": "og að í á sem er það til um við ekki með",
    "ro": "și în de la că cu pe nu este o un care",
    "hu": "a az és hogy nem is egy meg de van",
}
_WORD_SETS = {language: set(words.split()) for language, words in _WORDS.items()}


def section_language(location: str) -> tuple[str, str] | None:
    """The language of the archive section a page's address or path is filed in, and the folder."""
    if "://" in location:  # the archive's sections are its top folders: marxists.org/espanol/…
        folders = unquote(urlsplit(location).path).lower().split("/")[1:2]
    else:  # a saved page: any folder it was saved in, as the archive names its sections
        folders = unquote(location).lower().replace("\\", "/").split("/")[:-1]
    for folder in folders:
        if folder in SECTIONS:
            return SECTIONS[folder], folder
    return None


def section_encodings(location: str) -> tuple[str, ...]:
    """Encodings the section of `location` writes its pages in (empty if none is known)."""
    found = section_language(location)
    return SECTION_ENCODINGS.get(found[0], ()) if found else ()


def script_language(text: str) -> str | None:
    """The language the letters of `text` tell: by its script, and within Latin script by
    its commonest words; None if they tell nothing."""
    counts: Counter[str] = Counter()
    for char in text:
        point = ord(char)
        for name, first, last in _SCRIPTS:
            if first <= point <= last:
                counts[name] += 1
                break
        else:
            if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
                counts["Latin"] += 1
    if not counts:
        return None
    script, _ = counts.most_common(1)[0]
    if script == "Han" and counts["Hiragana"] > counts["Han"] / 20:  # Japanese writes kana among its kanji
        script = "Hiragana"
    if script == "Latin":
        return _latin_language(text)
    if script == "Arabic":
        letters = set(text)
        return "ur" if letters & _URDU else "fa" if letters & _PERSIAN else "ar"
    if script == "Cyrillic":
        if any(c in text for c in _PRE_REFORM):
            return "ru"  # pre-reform Russian writes і as Ukrainian does, and ѣ, ѳ, ѵ, which it does not
        return "uk" if sum(text.count(c) for c in _UKRAINIAN) > counts["Cyrillic"] / 100 else "ru"
    if script == "Greek":
        return "grc" if any(0x1F00 <= ord(c) <= 0x1FFF for c in text) else "el"
    if script == "Han":
        simplified, traditional = sum(text.count(c) for c in _SIMPLIFIED), sum(text.count(c) for c in _TRADITIONAL)
        return "zh-Hant" if traditional > simplified else "zh-Hans" if simplified > traditional else "zh"
    return _SCRIPT_LANGUAGE.get(script)


def _latin_language(text: str) -> str | None:
    """The Latin-script language whose commonest words the text uses most: with five of them
    at least, one word in twenty, and clearly more than the next language's (short words such
    as "a", "de" or "e" are common to several); None on less evidence."""
    words = Counter(re.findall(r"[^\W\d_]+", text.lower()))
    scores = {language: sum(words[w] for w in common) for language, common in _WORD_SETS.items()}
    best, second = sorted(scores, key=lambda language: -scores[language])[:2]
    total = sum(words.values())
    enough = scores[best] >= max(5, total // 20) and scores[best] >= 1.5 * scores[second]
    return best if total and enough else None


def work_language(declared: str | None, location: str, text: str, report: ImportReport) -> str:
    """The work's language tag, each choice reported: the page's `lang` unless it is English
    and the page's section or letters say otherwise; else the section's; else the text's."""
    section = section_language(location)
    text = _OWN_LANGUAGE.sub(" ", text)
    letters = script_language(text)
    if declared and declared.lower().split("-")[0] == "en" and not section and not _plainly_other_script(text):
        report.mapped.append(f"language {declared!r}, from the page's lang attribute")
        return declared  # the page's word, unless its letters are plainly another script
    if declared and declared.lower().split("-")[0] != "en":
        report.mapped.append(f"language {declared!r}, from the page's lang attribute")
        return declared
    if section and section[0] != "en":
        said = f"the page says lang {declared!r}, but " if declared else ""
        report.mapped.append(f"language {section[0]!r}: {said}the page is in the archive's /{section[1]}/ section")
        if section[0] == "zh" and letters in ("zh-Hans", "zh-Hant"):
            report.mapped.append(
                f"language {letters!r}: its characters are {'traditional' if letters == 'zh-Hant' else 'simplified'}"
            )
            return letters
        return section[0]
    if letters and letters != "en":
        said = f"the page says lang {declared!r}, but " if declared else "the page declares no language; "
        report.guessed.append(f"language {letters!r}: {said}its text is written so")
        return letters
    if declared:
        report.mapped.append(f"language {declared!r}, from the page's lang attribute")
        return declared
    report.guessed.append("language 'en': the page does not declare one")
    return "en"


def _plainly_other_script(text: str) -> bool:
    """Whether three in four of the text's letters are of one script other than Latin (a page
    whose template says lang="en" round a Russian text)."""
    latin = sum(1 for char in text if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"))
    others: Counter[str] = Counter()
    for char in text:
        point = ord(char)
        for name, first, last in _SCRIPTS:
            if first <= point <= last:
                others[name] += 1
                break
    top = max(others.values(), default=0)
    return top > 0 and top >= 3 * (latin + sum(others.values()) - top)


def english_label(label: str) -> str:
    """A header label in English: the table's for another language's, else the label as it is."""
    key = " ".join(re.sub(r"[\s:;,.\-–—_：]+", " ", label).split()).lower()
    return HEADER_LABELS.get(key, label)
