"""Fingerprints of upstream functions, for the guarded WeasyPrint changes: each refuses to run
on a WeasyPrint (or pydyf) whose functions are not the ones it copies or wraps."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable, Iterable
from types import FunctionType, ModuleType
from typing import Any


def original(function: Any) -> Any:
    """The upstream function behind one of our wrappers or patched copies (itself if none)."""
    return getattr(function, "_builder_original", function)


def resolve(name: str) -> Any:
    """The function a dotted name ("weasyprint.layout.LayoutContext.layout_footnote") names now;
    a property names its getter."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            found = (
                inspect.getattr_static(found, attribute, None)
                if isinstance(found, type)
                else getattr(found, attribute, None)
            )
            found = found.fget if isinstance(found, property) else found
        return found
    return None


def source_sha256(function: Any) -> str:
    """sha256 of an upstream function's source, or "unavailable" where Python cannot show it."""
    try:
        return hashlib.sha256(inspect.getsource(original(function)).encode()).hexdigest()
    except (OSError, TypeError):
        return "unavailable"


def fingerprints(names: Iterable[str]) -> dict[str, str]:
    """sha256 of each named upstream function's source, as installed."""
    return {name: source_sha256(resolve(name)) for name in names}


def refuse_other_upstream(
    module: str, expected_versions: dict[str, str], expected_sources: dict[str, str], advice: str
) -> None:
    """Raise, naming `module` and what changed, unless WeasyPrint's and pydyf's versions and the
    sources of the named functions are those `module` was written against."""
    import pydyf
    import weasyprint

    found = {"weasyprint": weasyprint.__version__, "pydyf": pydyf.__version__}
    sources = fingerprints(expected_sources)
    if found != expected_versions or sources != expected_sources:
        changed = [name for name, digest in sources.items() if digest != expected_sources[name]]
        raise RuntimeError(
            f"{module} was written for {expected_versions}, found {found}"
            + (f" with a different {', '.join(changed)}" if changed else "")
            + f". {advice}"
        )


# Those that change WeasyPrint's layout alone, not its PDF writing, take pydyf as it comes and may
# accept several WeasyPrint versions; so they are held to WeasyPrint's version only, from a set.
def refuse_other_weasyprint(
    module: str, expected_versions: frozenset[str], expected_sources: dict[str, str], advice: str
) -> None:
    """Raise, naming `module` and what changed, unless WeasyPrint's version is one of
    `expected_versions` and the named functions' sources are those `module` was written against."""
    import weasyprint

    version = getattr(weasyprint, "__version__", "unknown")
    found = fingerprints(expected_sources)
    if version not in expected_versions or found != expected_sources:
        changed = [name for name, digest in found.items() if digest != expected_sources[name]]
        raise RuntimeError(
            f"{module} was written for WeasyPrint {', '.join(sorted(expected_versions))}, found WeasyPrint {version}"
            + (f" with a different {' and '.join(changed)}" if changed else "")
            + f". {advice}"
        )


def in_namespace_of(module: ModuleType, copy: Callable[..., Any], **extra: Any) -> Callable[..., Any]:
    """A copy of one of ``module``'s functions, made to read ``module``'s globals as the original
    does (plus ``extra``, for what its PATCH blocks call)."""
    code = copy.__code__
    return FunctionType(code, {**vars(module), **extra}, code.co_name, copy.__defaults__)
