"""How large a work may be: a source beyond these is refused up front, before it is parsed,
rather than left to typeset for hours in gigabytes of memory (WeasyPrint holds every page of
a document in memory until it writes the PDF, so memory grows with the book, without end).

The defaults sit above the archive's longest single works (Capital Volume I, Anti-Dühring, a
volume of Lenin's Collected Works: 1.5 to 2.5 MB of text, 1,000 notes or more) with room to
spare: bench/limits.py measures their cost, linear in the words (docs/authoring.md, "Limits"). A machine
with more time and memory may raise them through the environment: FOLIO_MAX_TEXT_KB (all the
parts of a work together) and FOLIO_MAX_NOTES.
"""

from __future__ import annotations

import os

from ..errors import SourceError

MAX_TEXT_KB = 6144
MAX_NOTES = 8000


def limit(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SourceError(
            name,
            f"not a whole number above 0: {value!r}",
            hint=f"set it to a number such as {default}, or unset it for the default",
            code="S049",
        )
    return int(value)


def check_size(total_bytes: int, shown: str) -> None:
    kb = limit("FOLIO_MAX_TEXT_KB", MAX_TEXT_KB)
    if total_bytes > kb * 1024:
        raise SourceError(
            shown,
            f"the work's text is {total_bytes / 1024:,.0f} KB; a work may have at most "
            f"{kb:,} KB (its PDF is laid out whole in memory, about 0.4 GB a MB of text)",
            hint="split it into several works (a volume each, say), or raise "
            "FOLIO_MAX_TEXT_KB on a machine with the time and memory",
            code="S047",
        )


def check_notes(count: int, shown: str) -> None:
    most = limit("FOLIO_MAX_NOTES", MAX_NOTES)
    if count > most:
        raise SourceError(
            shown,
            f"the work has {count:,} notes; a work may have at most {most:,}",
            hint="split it into several works, or raise FOLIO_MAX_NOTES on a machine with the time and memory",
            code="S048",
        )
