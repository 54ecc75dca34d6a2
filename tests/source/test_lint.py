"""`folio lint` (builder/source/lint.py): each check on a tiny source that triggers it and on
one that does not; the command's lines and exit code; every work of source/ lint clean; and
the note numbers the editions print, for hand-written labels of every kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.source.lint import lint
from builder.source.loader import load_work
from builder.source.text import note_mark
from tests.conftest import ROOT, run_here

WORK = """title = "The Book"
author = "Ann Smith"
author-sort = "Smith, Ann"
language = "en"
identifier = "urn:uuid:00000000-0000-4000-8000-000000000001"
parts = [{parts}]

[archive]
name = "Marxists Internet Archive"

[rights]
status = "public-domain"
"""


def _work(tmp_path: Path, *parts: str, name: str = "the-book") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    files = [f"p{number}.md" for number in range(1, len(parts) + 1)]
    for file, text in zip(files, parts, strict=True):
        (folder / file).write_text(text, encoding="utf-8")
    (folder / "work.toml").write_text(WORK.format(parts=", ".join(f'"{file}"' for file in files)), encoding="utf-8")
    return folder


TEXT = "# One\n\nWords “quoted” and a dash — here.\n"
# code → (parts that trigger it, the line it names, parts that do not)
GOLDEN: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {
    "L001": (("# One\n\nA call left as text 4_1 here.\n",), 3, ("# One\n\nA call[^4_1] made.\n\n[^4_1]: The note.\n",)),
    "L002": ((TEXT, "# Two\n\n## The Book\n\nWords.\n"), 3, (TEXT, "# Two\n\n## The Book of Changes\n\nWords.\n")),
    "L003": (("# One\n\nWords.\n\n## Notes\n",), 5, ("# One\n\nWords.\n\n## Notes\n\nMore words.\n",)),
    "L004": ((TEXT, "# One\n\nWords.\n"), 1, (TEXT, "# Two\n\nWords.\n")),
    "L005": (("# One\n",), 1, ("# One\n\n## A heading\n\nWords.\n",)),
    "L006": (
        ('# One\n\n“Typographic” here, "straight" there.\n',),
        3,
        ('# One\n\n"Straight" here, "straight" there.\n',),
    ),
    "L007": (("# One\n\nA dash — here, and -- there.\n",), 3, ("# One\n\nA dash -- here, and -- there.\n",)),
    "L008": (
        ("# One\n\n## London, August 5, 1890\n\nWords.\n",),
        3,
        ("# One\n\n{.dateline}\nLondon, August 5, 1890\n\nWords.\n",),
    ),
    "L009": (("# One\n\nWords.\n\n\\* \\* \\*\n\nMore words.\n",), 5, ("# One\n\nWords.\n\n***\n\nMore words.\n",)),
    "L010": (
        ("# One\n\n| |\n| --- |\n| A boxed note. |\n\nWords.\n",),
        3,
        ("# One\n\n| | |\n| --- | --- |\n| a | b |\n\nWords.\n",),
    ),
}


@pytest.mark.parametrize("code", GOLDEN)
def test_each_check_finds_what_it_names_and_only_that(tmp_path: Path, code: str) -> None:
    triggering, line, clean = GOLDEN[code]
    found = lint(_work(tmp_path, *triggering))
    assert [finding.code for finding in found] == [code], found
    assert found[0].line == line and found[0].fix  # the line named, and the catalogue's fix
    assert lint(_work(tmp_path, *clean, name="clean")) == []


def test_the_command_prints_file_line_code_and_fix_and_exits_1(tmp_path: Path) -> None:
    folder = _work(tmp_path, "# One\n\nWords.\n\n## Notes\n")
    result = run_here("lint", str(folder))
    assert result.returncode == 1
    assert f"{folder / 'p1.md'}:5: the heading 'Notes' has nothing under it to the part's end [L003]" in " ".join(
        result.stderr.split()
    )
    assert "fix: delete the heading" in result.stderr and "1 work linted, 1 finding" in result.stderr
    clean = run_here("lint", str(_work(tmp_path, TEXT, name="clean")))
    assert clean.returncode == 0 and "1 work linted, 0 findings" in clean.stdout


def test_every_work_of_source_is_lint_clean() -> None:
    for folder in sorted((ROOT / "source").iterdir()):
        if (folder / "work.toml").is_file():
            assert lint(folder) == [], folder.name


# -- what the editions print as a note's number ------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "numbers"),
    [
        (["1", "2", "26a", "A", "note", "star"], ["1", "2", "26a", "A", "note", "*"]),  # the source's own
        (["4_1", "4_2", "4_A"], ["1", "2", "A"]),  # unique across parts, shown as the page numbered them
        (["abroad", "huysmans"], ["1", "2"]),  # names: numbered in the order called
        (["1", "3_1"], ["1", "2"]),  # two would show 1: numbered instead
    ],
)
def test_a_note_shows_its_source_number_or_its_place_never_a_label(
    tmp_path: Path, labels: list[str], numbers: list[str]
) -> None:
    calls = " ".join(f"Word[^{label}]" for label in labels)
    notes = "\n\n".join(f"[^{label}]: Note." for label in labels)
    work = load_work(_work(tmp_path, f"# One\n\n{calls}.\n\n{notes}\n"))
    assert [note.number for note in work.parts[0].notes.values()] == numbers


@settings(max_examples=30, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True))
def test_a_mark_is_never_a_label_made_unique(label: str) -> None:
    mark = note_mark(label)
    assert mark is None or ("_" not in mark and len(mark) <= 6)
