"""Bytes of a page → text: the encoding it really has (UTF-8 when its bytes are UTF-8, else
what it declares, as browsers read it), then mojibake repaired by ftfy, and TeX escapes left
by a transcription (`Franz\\"osische`) composed into the letters they stand for."""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy

from .report import Report

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
# Browsers read a page labelled Latin-1 as Windows-1252 (WHATWG Encoding Standard).
_AS_BROWSERS_READ = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
# ftfy's repairs, minus the ones that would change the text's own characters.
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False, normalization=None, unescape_html=False, fix_line_breaks=False, explain=False)
_TEX = re.compile(r"""\\(["'`^~])\{?([A-Za-z])\}?""")
_COMBINING = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303"}


def decode(data: bytes, where: str, report: Report) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    found = _DECLARED.search(data[:4096])
    declared = found.group(1).decode("ascii").lower() if found else None
    try:
        text = data.decode("utf-8")
        if declared and declared not in ("utf-8", "utf8") and not text.isascii():
            report.repaired.append(f"{where}: declares {declared} but its bytes are UTF-8; read as UTF-8")
        return text
    except UnicodeDecodeError:
        pass
    encoding = _AS_BROWSERS_READ.get(declared or "", declared or "cp1252")
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        report.guessed.append(f"{where}: unknown encoding {declared!r}; read as Windows-1252")
        return data.decode("cp1252", errors="replace")


def repair(text: str, where: str, report: Report) -> str:
    """Mojibake and C1 controls (ftfy), and TeX accents; each kind of repair reported once."""
    fixed = ftfy.fix_text(text, _FTFY)
    if fixed != text:
        changed = sum(1 for a, b in zip(text.split(), fixed.split(), strict=False) if a != b)
        report.repaired.append(f"{where}: mojibake or control characters repaired by ftfy ({changed or 'some'} word(s))")
    if _TEX.search(fixed):
        examples = sorted({match.group(0) for match in _TEX.finditer(fixed)})
        fixed = _TEX.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _COMBINING[m.group(1)]), fixed)
        report.repaired.append(f"{where}: TeX accents composed into letters: {', '.join(examples[:5])}")
    return fixed
