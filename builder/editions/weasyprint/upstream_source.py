"""Fingerprints of upstream functions, for the guarded WeasyPrint changes: each refuses to run
on a WeasyPrint (or pydyf) whose functions are not the ones it was written against."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any


def source_sha256(function: Any) -> str:
    """sha256 of a function's source, or "unavailable" where Python cannot show it."""
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
    except (OSError, TypeError):
        return "unavailable"
