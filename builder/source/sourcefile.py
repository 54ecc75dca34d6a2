"""Reading a source file: UTF-8 (a byte-order mark is allowed), Unix line ends, inside the
work's folder, and no control characters that XML cannot carry."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError

# C0 controls other than tab and newline, and DEL: not allowed in XML 1.0 or invisible in print.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_source(path: Path, shown: str, *, inside: Path, missing: SourceError) -> str:
    """A source file's text; `missing` is raised if there is none, and a file (or link)
    that leads outside the work's folder is refused."""
    if not path.resolve().is_relative_to(inside.resolve()):
        raise SourceError(shown, "leads outside the work's folder", hint="keep every file of a work inside its folder (no links elsewhere)", code="S019")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise missing from None
    except UnicodeDecodeError as error:
        raise SourceError(shown, f"not UTF-8 ({error.reason} at byte {error.start})", hint="save the file as UTF-8", code="S002") from None
    except OSError as error:
        raise SourceError(shown, f"cannot be read: {error.strerror}", hint="it must be a readable file, not a folder", code="S003") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if found := CONTROL.search(text):
        line = text.count("\n", 0, found.start()) + 1
        raise SourceError(shown, f"control character U+{ord(found.group()):04X} in the text", line=line, hint="delete it (a form feed or other invisible character, often left by a conversion)", code="S021")
    return text
