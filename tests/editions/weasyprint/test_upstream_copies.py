"""The guarded WeasyPrint changes port by diff: each copy of an upstream function is upstream's
text byte for byte outside its marked ``# PATCH begin`` … ``# PATCH end`` blocks, and each
guard fingerprints exactly the functions its module copies or wraps."""

from __future__ import annotations

import difflib
import inspect
import re
import sys
from types import ModuleType

import pytest

from builder.editions.weasyprint import actual_text, footnotes, note_split, pdfa_ua
from builder.editions.weasyprint.upstream_source import original, resolve

GUARDED = {"actual_text": actual_text, "footnotes": footnotes, "note_split": note_split, "pdfa_ua": pdfa_ua}
_BEGIN = re.compile(r"^\s*# PATCH begin\b")
_END = re.compile(r"^\s*# PATCH end\s*$")
PATCH = "<PATCH>"  # stands for one marked block


def collapse_patches(text: str) -> list[str]:
    """A copy's lines with each marked PATCH block (markers included) as one PATCH line."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _BEGIN.match(line):
            assert not inside, f"line {number}: a PATCH block inside another"
            inside = True
            out.append(PATCH)
        elif _END.match(line):
            assert inside, f"line {number}: '# PATCH end' with no block open"
            inside = False
        elif not inside:
            out.append(line)
    assert not inside, "a PATCH block is never closed"
    return out


def unmarked_differences(copy: str, upstream: str) -> list[str]:
    """Every difference between a copy and upstream's text that no PATCH block marks: lines
    added, changed or removed outside a block (a block may stand in for upstream lines)."""
    mine, theirs = collapse_patches(copy), upstream.splitlines(keepends=True)
    problems = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mine, theirs, autojunk=False).get_opcodes():
        if tag != "equal" and not (i2 > i1 and all(line == PATCH for line in mine[i1:i2])):
            diff = "".join(f"- {line}" for line in theirs[j1:j2]) + "".join(f"+ {line}" for line in mine[i1:i2])
            problems.append(f"upstream lines {j1 + 1}-{j2}, copy's (blocks collapsed) {i1 + 1}-{i2}:\n{diff}")
    return problems


def copies() -> list[tuple[str, str, object]]:
    return [
        (module, upstream, copy) for module, guarded in GUARDED.items() for upstream, copy in guarded.COPIES.items()
    ]


@pytest.mark.parametrize(("module", "upstream", "copy"), copies(), ids=[f"{m}:{u}" for m, u, _ in copies()])
def test_each_copy_is_upstreams_text_outside_its_patch_blocks(module: str, upstream: str, copy: object) -> None:
    problems = unmarked_differences(inspect.getsource(copy), inspect.getsource(original(resolve(upstream))))  # type: ignore[arg-type]
    assert not problems, (
        f"{module}.py's copy of {upstream} differs from upstream outside # PATCH blocks:\n" + "\n".join(problems)
    )


def test_there_is_a_copy_to_check() -> None:
    assert [upstream for _, upstream, _ in copies()] == ["weasyprint.layout.block._linebox_layout"]


def test_the_comparison_fails_on_any_unmarked_difference() -> None:
    upstream = "def f(a):\n    x = a\n    y = x\n    return y\n"
    patched = "def f(a):\n    x = a\n    # PATCH begin: why\n    y = x + 1\n    # PATCH end\n    return y\n"
    assert unmarked_differences(upstream, upstream) == []
    assert unmarked_differences(patched, upstream) == []  # a block replacing a line
    assert (
        unmarked_differences(
            patched.replace("    return y\n", "    # PATCH begin\n    z = 0\n    # PATCH end\n    return y\n"), upstream
        )
        == []
    )  # one inserted
    assert unmarked_differences(upstream.replace("x = a", "x  = a"), upstream)  # reformatted
    assert unmarked_differences(upstream.replace("    y = x\n", ""), upstream)  # a line dropped, unmarked
    assert unmarked_differences(
        upstream.replace("    return y\n", "    y += 1\n    return y\n"), upstream
    )  # one added, unmarked
    assert unmarked_differences(patched.replace("return y", "return  y"), upstream)  # beside a block
    with pytest.raises(AssertionError, match="never closed"):
        collapse_patches("    # PATCH begin\n    x = 1\n")


def _installed(marker: str) -> set[str]:
    """The upstream functions a guarded module has replaced in the running WeasyPrint and pydyf,
    found by its marker wherever they are bound (a function may be imported into several modules)."""
    found = set()
    for name, module in list(sys.modules.items()):
        if not isinstance(module, ModuleType) or name.split(".")[0] not in {"weasyprint", "pydyf"}:
            continue
        for value in vars(module).values():
            for thing in [value, *(vars(value).values() if isinstance(value, type) else ())]:
                thing = thing.fget if isinstance(thing, property) else thing
                if getattr(thing, marker, False):
                    upstream = original(thing)
                    found.add(f"{upstream.__module__}.{upstream.__qualname__}")
    return found


@pytest.mark.parametrize("module", sorted(GUARDED))
def test_each_guard_fingerprints_exactly_what_it_copies_or_wraps(module: str) -> None:
    guarded = GUARDED[module]
    guarded.apply()
    replaced = _installed(guarded._PATCH_MARKER)
    assert replaced, f"{module}.apply() replaced nothing"
    assert set(guarded._EXPECTED_SOURCE_SHA256) == replaced | set(guarded.COPIES)
