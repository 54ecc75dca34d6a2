"""The catalogue of codes (builder/codes.py): every code the builder reports is in it, everything
in it is reported somewhere, docs/errors.md is generated from it, and errors take their fix from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from builder.codes import CATALOGUE, PATTERN, UnknownCode, lookup, markdown
from builder.errors import BuildError, SourceError

ROOT = Path(__file__).resolve().parent.parent
BRACKETED = re.compile(rf"\[({PATTERN.pattern})\]")  # a code inside a message: "… [W001]"


def codes_in(source: str) -> set[str]:
    """The codes a module's code reports: a string that is a code ("S040"), or one written into a
    message in brackets; docstrings and comments that mention a code in passing do not count."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if PATTERN.fullmatch(node.value):
                found.add(node.value)
            found |= set(BRACKETED.findall(node.value))
    return found


def reported() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in sorted((ROOT / "builder").rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "builder":
            continue
        for code in codes_in(path.read_text(encoding="utf-8")):
            where.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return where


def test_the_scan_finds_codes_as_the_builder_writes_them() -> None:
    source = (
        'raise SourceError(p, "m", code="S040")\nprint(f"warning: {x} [W001]")\n'
        'PROFILES = {"P030": 1}\n"""A docstring on P033."""\n'
    )
    assert codes_in(source) == {"S040", "W001", "P030"}


def test_every_code_the_builder_reports_is_catalogued() -> None:
    missing = {code: files for code, files in reported().items() if code not in CATALOGUE}
    assert not missing, f"add these to builder/codes.py: {missing}"


def test_every_catalogued_code_is_reported_somewhere() -> None:
    unused = sorted(set(CATALOGUE) - set(reported()))
    assert not unused, f"nothing in builder/ reports {unused}: remove them from builder/codes.py"


def test_every_entry_is_a_code_with_a_meaning_and_a_fix() -> None:
    for code, (meaning, fix) in CATALOGUE.items():
        assert PATTERN.fullmatch(code), code
        for text in (meaning, fix):
            assert text.strip() == text and text and "\n" not in text and not text.endswith("."), (code, text)


def test_docs_errors_md_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert committed == markdown(), "regenerate it: python -m builder.codes > docs/errors.md"
    for code, (meaning, _fix) in CATALOGUE.items():
        assert f"| `{code}` | {meaning.replace('|', chr(92) + '|')} |" in committed


def test_an_error_takes_its_fix_from_the_catalogue_unless_it_names_one() -> None:
    plain = SourceError("source/a/text.md", "a note is called twice", line=3, code="S017")
    assert plain.hint == CATALOGUE["S017"].fix and plain.meaning == CATALOGUE["S017"].meaning
    assert str(plain) == f"source/a/text.md:3: a note is called twice [S017]\n  fix: {CATALOGUE['S017'].fix}"
    specific = BuildError("dist", "cannot be written", hint="choose another --out", code="P020")
    assert str(specific).endswith("[P020]\n  fix: choose another --out")


@pytest.mark.parametrize("code", ["S999", "B000", "s040", ""])
def test_an_uncatalogued_code_is_refused(code: str) -> None:
    with pytest.raises(UnknownCode, match="not in the catalogue"):
        SourceError("source/a/work.toml", "something", code=code)
    with pytest.raises(UnknownCode):
        lookup(code)


def test_a_code_is_required() -> None:
    with pytest.raises(TypeError):
        BuildError("source/a", "something")  # type: ignore[call-arg]
