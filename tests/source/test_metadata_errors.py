"""Every mistake of a work.toml said whole: each problem with its line, a misspelt key as the
unknown key it is, no "and N more", and a pattern or a value printed as written (the
console's markup does not take `[a-z]` for a style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.errors import SourceError, SourceErrors
from builder.source.metadata import Metadata, load_metadata
from tests.conftest import LETTER, run_here

GOOD = """title = "A Title"
author = "A. Author"
author-sort = "Author, A."
language = "en"
identifier = "urn:uuid:00000000-0000-4000-8000-000000000000"

[archive]
name = "An Archive"

[rights]
status = "public-domain"
"""


def _problems(text: str, tmp_path: Path) -> list[SourceError]:
    (tmp_path / "work.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_metadata(tmp_path / "work.toml", "work.toml")
    error = caught.value
    return error.problems if isinstance(error, SourceErrors) else [error]


def test_a_misspelt_key_is_the_unknown_key_it_is_with_its_line(tmp_path: Path) -> None:
    text = (
        GOOD.replace("author-sort", "autor-sort")
        .replace('language = "en"', 'language = "en_GB"')
        .replace('name = "An Archive"', 'name = "An Archive"\nyeer = 1999')
    )
    problems = _problems(text, tmp_path)
    said = [(p.line, p.message) for p in problems]
    assert said == [
        (3, "unknown key 'autor-sort'"),
        (4, "'language': String should match pattern '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$'"),
        (9, "unknown key 'archive.yeer'"),
    ]
    assert problems[0].hint == "did you mean 'author-sort'? Correct its spelling, or remove it"
    assert problems[2].hint.startswith("did you mean 'year'?")
    whole = str(SourceErrors(problems))
    assert "more problem" not in whole and whole.count("[S004]") == 3 and "work.toml:9:" in whole


def test_a_missing_key_no_unknown_key_is_meant_for_is_said_too(tmp_path: Path) -> None:
    text = GOOD.replace('author-sort = "Author, A."\n', 'colour = "red"\n')
    said = [(p.line, p.message, p.hint.split(";")[0]) for p in _problems(text, tmp_path)]
    assert said == [
        (3, "unknown key 'colour'", "remove it or correct its spelling"),
        (None, "missing key 'author-sort'", "add it (the keys are in docs/authoring.md)"),
    ]


@settings(max_examples=25, deadline=None)
@given(st.sets(st.sampled_from(["title", "author", "author-sort", "language", "identifier"]), min_size=1))
def test_every_missing_key_is_named(tmp_path_factory: pytest.TempPathFactory, dropped: set[str]) -> None:
    text = "".join(line + "\n" for line in GOOD.splitlines() if line.split(" = ")[0] not in dropped)
    problems = _problems(text, tmp_path_factory.mktemp("work"))
    assert sorted(p.message for p in problems) == sorted(f"missing key '{key}'" for key in dropped)
    assert set(Metadata.model_fields) >= {key.replace("-", "_") for key in dropped}


def test_the_command_line_prints_every_problem_and_the_pattern_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "source" / LETTER.name
    shutil.copytree(LETTER, work)
    toml = work / "work.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        .replace('author-sort = "Lenin, V. I."', 'autor-sort = "Lenin, V. I."')
        .replace('language = "en"', 'language = "English [en]"'),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = run_here("build", "--format", "epub", "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert "work.toml:7: unknown key 'autor-sort' [S004]" in result.stderr
    assert (
        "work.toml:8: 'language': String should match pattern '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$' [S004]"
        in result.stderr
    )
    assert "more problem" not in result.stderr and "missing key" not in result.stderr


def test_the_import_audit_names_every_run_of_words_it_lost() -> None:
    """No "and N more": five lost runs are five runs, each quoted as the report quotes it."""
    from builder.importer.audit import audit, quote

    lost = ["zanzibar", "quixotic", "marmalade", "obelisk", "tangerine"]
    page = (
        "<html><body><h1>Title</h1>"
        + "".join(f"<p>kept words here {word} and more kept words</p><p>a plain paragraph between</p>" for word in lost)
        + "</body></html>"
    )
    markdown = "# Title\n\n" + "".join(
        "kept words here and more kept words\n\na plain paragraph between\n\n" for _ in lost
    )
    losses = audit(page, markdown, "")
    assert [quote(loss.words) for loss in losses] == lost
