"""Bytes of a page → text: the encoding it really has (a BOM's, UTF-16/32 told by its bytes,
UTF-8 when its bytes are UTF-8, else what it declares, as browsers read it; one byte that is
not UTF-8 repaired where it stands), then mojibake repaired by ftfy, and TeX escapes left
by a transcription (`Franz\\"osische`) composed into the letters they stand for."""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy

from .report import ImportReport
from .unseen import repair_unseen

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
# Browsers read a page labelled Latin-1 as Windows-1252 (WHATWG Encoding Standard).
_AS_BROWSERS_READ = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
# The encodings a page may declare: text encodings of the web, as Python names them (not
# codecs such as idna, base64 or rot13 that a label could also name).
_WEB_ENCODING = re.compile(
    r"^(cp\d{3,5}|iso8859-\d{1,2}|koi8-[ru]|mac-[a-z]+|gb2312|gbk|gb18030|big5(hkscs)?|shift_jis|euc_(jp|kr)|iso2022_jp|tis-620|utf-(8|16|32)(-[lb]e)?)$"
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A page without a BOM told by how its first "<" is spelled (XML 1.0, appendix F).
_WIDE = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
# ftfy's repairs, minus the ones that would change the text's own characters.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    unescape_html=False,
    fix_line_breaks=False,
    explain=False,
)
_TEX = re.compile(r"""\\(["'`^~])\{?([A-Za-z])\}?""")
_COMBINING = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
# The archive's usual encodings beyond UTF-8: Western European, Cyrillic (two), Arabic,
# Central European, Chinese (simplified, traditional).
_USUAL = ("cp1252", "cp1251", "koi8_r", "cp1256", "iso8859_2", "gb18030", "big5")
MAX_LISTED = 200  # repairs listed one by one in the report; past that, counted


def decode(data: bytes, where: str, report: ImportReport, location: str = "") -> str:
    """The page's text. UTF-8 unless its bytes say otherwise (a BOM, a wide encoding) or it
    declares another encoding its bytes are written in; a byte that is not UTF-8 is read as
    Windows-1252 where it stands, and every such repair is listed in the report. A page whose
    bytes are not UTF-8 at all is read in the encoding they are written in, among the declared
    one, those of its archive section (`location`, languages.py) and the archive's usual ones."""
    # C0 controls (NUL and the like) go at once, each listed with its line for a human look;
    # C1 controls stay for the mojibake repair, which reads most as the letters they were.
    return repair_unseen(_text(data, where, report, location or where), where, report, keep_c1=True)


def _text(data: bytes, where: str, report: ImportReport, location: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return (
                _utf8(data[len(bom) :], where, report)
                if encoding == "utf-8"
                else _wide(data[len(bom) :], encoding, where, report)
            )
    for start, encoding in _WIDE:
        if data.startswith(start):
            report.repaired.append(f"{where}: no byte-order mark, but its bytes are {encoding.upper()}; read as such")
            return _wide(data, encoding, where, report)
    found = _DECLARED.search(data[:4096])
    declared = found.group(1).decode("ascii", "replace").lower() if found else None
    try:
        text = data.decode("utf-8")
        if declared and declared not in ("utf-8", "utf8") and not text.isascii():
            report.repaired.append(f"{where}: declares {declared} but its bytes are UTF-8; read as UTF-8")
        return text
    except UnicodeDecodeError:
        pass
    web: str | None = _web_encoding(_AS_BROWSERS_READ.get(declared or "", declared or "utf-8"))
    if web is not None and web.startswith(("utf-16", "utf-32")):
        return _wide(data, web, where, report)
    if (
        not _mostly_utf8(data, declared in ("utf-8", "utf8"))
        and (found_text := _detected(data, declared, web, location, where, report)) is not None
    ):
        return found_text
    if declared and web is None:
        report.guessed.append(
            f"{where}: {declared!r} is not an encoding of web pages; read as UTF-8, each other byte as Windows-1252"
        )
    if web is None or web.startswith("utf-8"):
        return _utf8(data, where, report, declared=declared in ("utf-8", "utf8"))
    text = data.decode(web, errors="replace")
    if lost := text.count("\ufffd"):
        report.repaired.append(f"{where}: {lost} byte(s) that {web} does not define, shown as U+FFFD")
    return text


def _mostly_utf8(data: bytes, declared: bool) -> bool:
    """Whether the bytes are UTF-8 but for a few strays (a letter typed in another program):
    fewer bytes that are not UTF-8 than characters that are, beyond ASCII; or, on a page that
    declares UTF-8, no more strays than such characters, or a few strays (three, or one byte in a
    hundred): a short page with curly quotes from a word processor, where a detector's guess has
    too little to go on. A page in another single-byte encoding has a stray in almost every word
    of its own script."""
    text = data.decode("utf-8", errors="replace")
    strays = text.count("\ufffd")
    utf8 = sum(1 for char in text if ord(char) > 0x7F) - strays
    return utf8 > strays or (declared and (utf8 >= strays or strays <= max(3, len(data) // 100)))


def _detected(
    data: bytes, declared: str | None, web: str | None, location: str, where: str, report: ImportReport
) -> str | None:
    """The page read in the encoding its bytes are written in (charset-normalizer, among the
    declared encoding, its section's and the archive's usual ones); the declared one wherever
    it reads them as well. None if no candidate reads them."""
    from charset_normalizer import from_bytes

    from .languages import section_encodings

    candidates = list(
        dict.fromkeys([*([web] if web and not web.startswith("utf") else []), *section_encodings(location), *_USUAL])
    )
    matches = from_bytes(data, cp_isolation=candidates, preemptive_behaviour=False)
    best = matches.best()
    if best is None:
        return None
    chosen = _web_encoding(best.encoding) or best.encoding
    if chosen == "cp1252" and (web is None or web.startswith("utf")):
        return None  # read as UTF-8 with each other byte as Windows-1252, the same text, each byte reported
    if declared is None or web is None:
        said = f"declares {declared!r}, which is no encoding of web pages" if declared else "declares no encoding"
        report.guessed.append(f"{where}: {said}, and its bytes are not UTF-8 but {chosen}; read as {chosen}")
    elif chosen != web:
        as_declared = next(
            (match for match in matches if (_web_encoding(match.encoding) or match.encoding) == web), None
        )
        if as_declared is not None and (
            str(as_declared) == str(best)
            or (as_declared.chaos <= best.chaos and as_declared.coherence >= best.coherence)
        ):
            return str(as_declared)  # what it declares reads its bytes as well
        report.repaired.append(f"{where}: declares {declared} but its bytes are {chosen}; read as {chosen}")
    return str(best)


def _web_encoding(name: str) -> str | None:
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return found if _WEB_ENCODING.match(found) else None


def _wide(data: bytes, encoding: str, where: str, report: ImportReport) -> str:
    text = data.decode(encoding, errors="replace")
    if "\ufffd" in text:
        report.repaired.append(
            f"{where}: {text.count(chr(0xFFFD))} unit(s) that are not {encoding.upper()}, shown as U+FFFD"
        )
    return text


def _utf8(data: bytes, where: str, report: ImportReport, declared: bool = False) -> str:
    """UTF-8, each byte that is not read as Windows-1252 in its place (the usual mistake: one
    letter typed in another program); the rest of the page is not read again in any other way."""
    view = memoryview(data)
    pieces: list[str] = []
    repairs: list[str] = []
    position = 0
    line, counted = 1, 0  # lines counted up to `counted`, once over the page
    while True:
        try:
            pieces.append(str(view[position:], "utf-8"))
            break
        except UnicodeDecodeError as error:
            pieces.append(str(view[position : position + error.start], "utf-8"))
            bad = bytes(view[position + error.start : position + error.end])
            read = bad.decode("cp1252", errors="replace")
            pieces.append(read)
            if len(repairs) < MAX_LISTED:
                line += data.count(b"\n", counted, position + error.start)
                counted = position + error.start
                repairs.append(
                    f"{where}: line {line}: {' '.join(f'0x{b:02X}' for b in bad)} "
                    f"is not UTF-8; read as Windows-1252 “{read}”"
                )
            else:
                repairs.append("")
            position += error.end
    if repairs:
        said = "declared UTF-8, but" if declared else "read as UTF-8, but"
        report.repaired.append(
            f"{where}: {said} {len(repairs)} byte(s) are not UTF-8; each read as Windows-1252 where it stands"
        )
        report.repaired += [repair for repair in repairs if repair]
        if len(repairs) > MAX_LISTED:
            report.repaired.append(f"{where}: and {len(repairs) - MAX_LISTED} more such byte(s), not listed one by one")
    return "".join(pieces)


def repair(text: str, where: str, report: ImportReport) -> str:
    """Mojibake and C1 controls (ftfy), and TeX accents; each kind of repair reported once."""
    fixed = ftfy.fix_text(text, _FTFY)
    if fixed != text:
        changed = sum(1 for a, b in zip(text.split(), fixed.split(), strict=False) if a != b)
        report.repaired.append(
            f"{where}: mojibake or control characters repaired by ftfy ({changed or 'some'} word(s))"
        )
    if _TEX.search(fixed):
        examples = sorted({match.group(0) for match in _TEX.finditer(fixed)})
        fixed = _TEX.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _COMBINING[m.group(1)]), fixed)
        report.repaired.append(f"{where}: TeX accents composed into letters: {', '.join(examples[:5])}")
    return fixed
