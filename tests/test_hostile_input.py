"""Hostile or careless input: every failure of the user's making is a coded error naming the
file, the line and the fix (never exit 70, never a traceback), and no text is ever dropped."""

from __future__ import annotations

import errno
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from builder.errors import BuildError, SourceError
from builder.source.loader import load_work
from builder.source.text import MAX_DEPTH
from tests.support.source_edits import edit, line_of

from .conftest import EDITION_EPOCH, SLUG, run_cli

ANCHOR = "Here it is in full."


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "message", "line_fragment"),
    [
        ("text.md", ANCHOR, "> " * 22 + "deep words", "S040", f"nested more than {MAX_DEPTH} deep", "deep words"),
        (
            "text.md",
            ANCHOR,
            "\n".join("  " * i + f"- item{i}" for i in range(14)),
            "S040",
            "nested more than",
            "- item12",
        ),
        ("text.md", ANCHOR, "> - " * 7 + "mixed words", "S040", "nested more than", "mixed words"),
        ("text.md", ANCHOR, "*" * 1000 + "x" + "*" * 1000, "S040", "nested more than", "x***"),
        ("text.md", ANCHOR, "Here is `code`.", "S041", "inline code", "Here is `code`"),
        (
            "text.md",
            ANCHOR,
            "Here it is.\n\n    An indented paragraph.",
            "S041",
            "indented by four spaces",
            "An indented paragraph",
        ),
        ("text.md", ANCHOR, "```\nfenced\n```", "S041", "fenced code block", "```"),
        ("text.md", ANCHOR, "Private \ue000 use.", "S042", "private-use character (U+E000)", "Private"),
        ("text.md", ANCHOR, "Unassigned \U000e0080 here.", "S042", "unassigned code point (U+E0080)", "Unassigned"),
        ("text.md", ANCHOR, "In [full](javascript:alert(1)).", "S022", "'javascript:alert(1)'", "In [full]"),
        ("text.md", ANCHOR, "In [full](file:///etc/passwd).", "S022", "'file:///etc/passwd'", "In [full]"),
        ("text.md", ANCHOR, "In [full](data:text/html,x).", "S022", "'data:text/html,x'", "In [full]"),
        ("text.md", ANCHOR, "In <file:///etc/passwd>.", "S022", "'file:///etc/passwd'", "In <file"),
        ("text.md", ANCHOR, "A call[^a b].\n\n[^a b]: The note.", "S015", "note label [^a b]", "A call[^a b]"),
        (
            "text.md",
            ANCHOR,
            "A call[^x].\n\n[^x]: A note calling[^y].\n\n[^y]: Another.",
            "S014",
            "called from inside another note",
            "[^x]: A note",
        ),
        ("text.md", "{.salutation}", "{#id with spaces}", "S045", "{#id with spaces} is not an attribute", "{#id with"),
        ("text.md", ANCHOR, "In [full]{.point .x y}.", "S045", "not an attribute the parser can read", "In [full]"),
        (
            "text.md",
            ANCHOR,
            "A call[^x] and [a link](#colophon).\n\n[^x]: A note [hijacking]{#colophon}.",
            "S007",
            "id 'colophon' is reserved",
            "[^x]: A note",
        ),
        (
            "text.md",
            ANCHOR,
            "A call[^x] [here]{#twice}.\n\n[^x]: A note [with]{#twice}.",
            "S008",
            "id 'twice' is used twice",
            "[^x]: A note",
        ),
        ("work.toml", 'parts = ["text.md"]', "parts = []", "S004", "at least 1 item", "parts = []"),
        (
            "work.toml",
            'short-title = "A Letter to Huysmans"',
            'short-title = "A Letter\\u0085to Huysmans"',
            "S042",
            "control character U+0085",
            "short-title",
        ),
        (
            "work.toml",
            'short-title = "A Letter to Huysmans"',
            'short-title = "A Letter\\uE001"',
            "S042",
            "private-use character",
            "short-title",
        ),
        (
            "work.toml",
            'short-title = "A Letter to Huysmans"',
            '"\\u0001" = "x"',
            "S042",
            "control character U+0001",
            None,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and re.fullmatch(r"S\d+", value) else None,
)
def test_hostile_source_is_a_coded_error(
    work_copy: Path, file: str, old: str, new: str, code: str, message: str, line_fragment: str | None
) -> None:
    path = work_copy / file
    edit(path, old, new)
    with pytest.raises(SourceError) as caught:
        load_work(work_copy)
    error = caught.value
    assert (error.code, Path(error.path).name) == (code, file), str(error)
    assert message in error.message and error.hint
    if line_fragment is not None:
        assert error.line == line_of(path, line_fragment), str(error)


def test_nesting_up_to_the_limit_keeps_every_word_in_both_editions(work_copy: Path, tmp_path: Path) -> None:
    """What markdown-it alone would drop (quotations 20 deep, lists 10, mixed 7) is kept up
    to MAX_DEPTH, and lists of any depth are set in the book's faces (no P004)."""
    quotes = "> " * MAX_DEPTH + "quotedeep words"
    lists = "\n".join("  " * i + f"- listdeep{i}" for i in range(MAX_DEPTH))
    mixed = "> - " * (MAX_DEPTH // 2) + "mixdeep"
    emphasis = "*" * MAX_DEPTH + "emphdeep" + "*" * MAX_DEPTH
    edit(
        work_copy / "text.md", ANCHOR, f"{ANCHOR}\n\n{quotes}\n\n{lists}\n\n{mixed}\n\n{emphasis}\n\nAfter the nesting."
    )
    dist = tmp_path / "dist"
    result = run_cli(
        "build",
        str(work_copy),
        *("--format", "epub", "--format", "pdf"),  # the two editions it reads
        "--out",
        str(dist),
        env=os.environ | {"SOURCE_DATE_EPOCH": EDITION_EPOCH},
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(dist / f"{SLUG}.epub") as epub:
        epub_text = " ".join(etree.fromstring(epub.read("EPUB/text.xhtml")).itertext())
    pdf_text = " ".join(page.extract_text() for page in PdfReader(dist / f"{SLUG}.pdf").pages)
    words = ["quotedeep", "emphdeep", "mixdeep", "After the nesting.", *(f"listdeep{i}" for i in range(MAX_DEPTH))]
    for text in (epub_text, pdf_text):
        assert [word for word in words if word not in " ".join(text.split())] == []


def _fails_cleanly(result: object, code: str) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, stderr  # type: ignore[attr-defined]
    assert f"[{code}]" in stderr and "fix:" in stderr, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    return str(stderr)


def test_a_symlink_loop_is_a_coded_error(work_copy: Path, tmp_path: Path) -> None:
    (work_copy / "text.md").unlink()
    (work_copy / "loop.md").symlink_to(work_copy / "text.md")
    (work_copy / "text.md").symlink_to(work_copy / "loop.md")
    _fails_cleanly(run_cli("build", str(work_copy), "--out", str(tmp_path / "dist"), "-f", "epub"), "S046")


def test_dist_being_a_file_is_a_coded_error(work_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "dist").write_text("not a folder")
    stderr = _fails_cleanly(run_cli("build", str(work_copy), "--out", str(tmp_path / "dist"), "-f", "epub"), "P020")
    assert "dist" in stderr


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EROFS, errno.EPERM, errno.EACCES])
def test_a_full_read_only_or_immutable_dist_is_a_coded_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    """The kernel's answers for a full disk, a read-only mount, an immutable (chattr +i) or a
    forbidden folder; simulated, since the tests run as root and cannot mount a small disk."""
    from builder.release import commit
    from builder.shelf import build

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(commit.tempfile, "mkdtemp", refuse)
    with pytest.raises(BuildError) as caught:
        build._commit(tmp_path / "dist", None, [], set())
    assert caught.value.code == "P020" and os.strerror(number) in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_two_works_with_one_slug_in_one_command(work_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / SLUG
    other.parent.mkdir()
    os.rename(work_copy, other)
    work_copy.mkdir()
    (work_copy / "work.toml").write_text((other / "work.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (work_copy / "text.md").write_text((other / "text.md").read_text(encoding="utf-8"), encoding="utf-8")
    stderr = _fails_cleanly(run_cli("build", str(work_copy), str(other), "--out", str(tmp_path / "dist")), "S044")
    assert not (tmp_path / "dist").exists(), stderr


def test_two_works_with_one_identifier(work_copy: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin-work"
    twin.mkdir()
    for name in ("work.toml", "text.md"):
        (twin / name).write_text((work_copy / name).read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("build", str(work_copy), str(twin), "--out", str(tmp_path / "dist"), "--format", "epub")
    stderr = _fails_cleanly(result, "S043")
    assert f"twin-work/work.toml:{line_of(twin / 'work.toml', 'identifier =')}" in stderr
    # One failing work never stops a shelf: the other is built.
    assert (tmp_path / "dist" / f"{work_copy.name}.epub").is_file() and not (
        tmp_path / "dist" / "twin-work.epub"
    ).exists()
    assert "1 of 2 works built" in stderr + result.stdout and "1 failed" in stderr + result.stdout


@pytest.mark.parametrize(
    "manifest", ["[1, 2]", '{"works": []}', '{"works": {"x": 3}}', '{"works": {"x": {"files": [1]}}}', "{", "\udcff"]
)
def test_a_malformed_manifest_does_not_stop_a_build(work_copy: Path, tmp_path: Path, manifest: str) -> None:
    from builder.release.manifest import MANIFEST, Built, BuiltFile, read_manifest, release_files, updated

    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "manifest.json").write_bytes(manifest.encode("utf-8", "surrogateescape"))
    work = load_work(work_copy)
    built = Built(
        SLUG,
        work.meta.title,
        work.meta.author,
        work.meta.identifier,
        "2023-11-14T22:13:20Z",
        [BuiltFile(f"{SLUG}.epub", b"an edition", None, "epub")],
    )
    new = updated(read_manifest(dist), [built], present={"manifest.json"})
    assert SLUG in release_files(new)[MANIFEST].decode("utf-8")


def test_a_work_over_the_size_limit_is_refused_up_front(work_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLIO_MAX_TEXT_KB", "4")  # the letter has 8 KB
    with pytest.raises(SourceError) as caught:
        load_work(work_copy)
    assert (
        caught.value.code == "S047"
        and "at most 4 KB" in caught.value.message
        and "FOLIO_MAX_TEXT_KB" in str(caught.value.hint)
    )
    monkeypatch.setenv("FOLIO_MAX_TEXT_KB", "many")
    with pytest.raises(SourceError) as caught:
        load_work(work_copy)
    assert caught.value.code == "S049"


def test_a_work_over_the_note_limit_is_refused(work_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(work_copy / "text.md", ANCHOR, "A[^x] b[^y].\n\n[^x]: One.\n\n[^y]: Two.")
    monkeypatch.setenv("FOLIO_MAX_NOTES", "3")
    assert len(load_work(work_copy).notes) == 3
    monkeypatch.setenv("FOLIO_MAX_NOTES", "2")
    with pytest.raises(SourceError) as caught:
        load_work(work_copy)
    assert caught.value.code == "S048" and "3 notes" in caught.value.message


def test_the_duplicate_id_check_is_linear(work_copy: Path) -> None:
    """50,000 ids: a quadratic check would take hours."""
    from builder.editions.epub import _document

    work = load_work(work_copy)
    spans = "".join(f'<span id="i{n}">w</span>' for n in range(50_000))
    page = f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{spans}</p></body></html>'
    _document(work, "big", "big.xhtml", page)
    with pytest.raises(BuildError) as caught:
        _document(work, "big", "big.xhtml", page.replace('id="i49999"', 'id="i7"'))
    assert caught.value.code == "P011" and "'i7'" in caught.value.message
