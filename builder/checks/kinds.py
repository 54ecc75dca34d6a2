"""Each kind's check, attached by the name its declaration gives (`Kind.check`,
"module:function"): resolved here, in the checks stage, so that the writers never import a
check, and a check is imported only when a file of its kind is checked."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..editions.kinds import Kind
from ..errors import Finding

# A check reads a built file back; `expect_title` is the manifest's title, when there is one.
Check = Callable[..., list[Finding]]


def check_of(kind: Kind) -> Check:
    module, _, function = kind.check.partition(":")
    found: Check = getattr(importlib.import_module(module), function)
    return found


def check(kind: Kind, path: Path, title: str | None = None) -> list[Finding]:
    """The findings of `kind`'s check on a built file of that kind."""
    return check_of(kind)(path, expect_title=title)
