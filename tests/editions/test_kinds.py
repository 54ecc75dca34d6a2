"""The registry of edition kinds: one table, gathered from the writer modules, that names,
orders, writes and checks every kind; templates that ask for capabilities, never for a kind's
name; and no kind named outside it."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import inspect
import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.checks.kinds import check_of
from builder.editions.capabilities import Capabilities
from builder.editions.kinds import DEFAULT_FORMATS, FORMATS, KINDS, WRITERS, RenderContext, kind_of_file
from builder.editions.trims import trims
from builder.editions.zips import reproducible_zip
from builder.paths import BUILTIN_STYLES as STYLES
from builder.shelf.work import editions

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_asks_which_kind_it_renders() -> None:
    for template in (STYLES / "templates").rglob("*.*"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\bedition\s*(==|!=|in)\s", text), template  # `features.…` instead


def test_the_templates_ask_only_for_capabilities_the_registry_has() -> None:
    asked = {
        name
        for template in (STYLES / "templates").rglob("*.*")
        for name in re.findall(r"features\.(\w+)", template.read_text(encoding="utf-8"))
    }
    assert asked and asked <= set(Capabilities.__dataclass_fields__)


def test_every_kind_a_writer_and_a_check_and_needs_only_kinds_before_it() -> None:
    names = list(KINDS)
    for position, kind in enumerate(KINDS.values()):
        assert callable(kind.writer) and callable(check_of(kind))
        assert set(inspect.signature(kind.writer).parameters) == {"context"}
        assert "expect_title" in inspect.signature(check_of(kind)).parameters
        assert kind.needs is None or names.index(kind.needs) < position  # made first, in the registry's order
    assert set(DEFAULT_FORMATS) <= set(FORMATS) <= set(KINDS)
    assert [kind.module for kind in KINDS.values()] == list(WRITERS)  # one kind a writer module


@pytest.mark.parametrize("module", WRITERS)
def test_the_registry_reads_each_writer_modules_own_declaration(module: str) -> None:
    """Read from the source without running it, the declaration is the module's KIND."""
    declared = importlib.import_module(module).KIND
    assert dataclasses.replace(declared, module=module) == KINDS[declared.name]
    with pytest.raises(TypeError):
        type(declared)(declared.name)  # type: ignore[misc]  # keyword-only fields
    with pytest.raises(TypeError):
        RenderContext(None, None)  # type: ignore[arg-type, misc]


def test_listing_the_kinds_loads_no_writer() -> None:
    code = (
        "import sys, builder.editions.kinds; print(sorted(m for m in sys.modules if m "
        "in builder.editions.kinds.WRITERS or m.startswith(('weasyprint', 'ebooklib'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["mimetype", "a.txt", "META-INF/container.xml", "b/c.xhtml"]), st.binary(max_size=64)
        ),
        unique_by=lambda entry: entry[0],
    )
)
def test_the_one_zip_writer_is_reproducible_with_or_without_a_mimetype(entries: list[tuple[str, bytes]]) -> None:
    def zipped(order: list[tuple[str, bytes]], when: datetime) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in order:
                archive.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data)
        return out.getvalue()

    edition = datetime(2024, 5, 1, 12, 0, 7, tzinfo=UTC)
    once = reproducible_zip(zipped(entries, datetime(2020, 1, 1, tzinfo=UTC)), edition)
    assert once == reproducible_zip(zipped(entries, datetime(2023, 3, 3, tzinfo=UTC)), edition)  # the clock left out
    with zipfile.ZipFile(io.BytesIO(once)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert sorted(names) == sorted(name for name, _ in entries)
        if "mimetype" in names:  # first and stored; the others deflated, in their order
            assert names[0] == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert [name for name in names if name != "mimetype"] == [name for name, _ in entries if name != "mimetype"]
        assert all(info.date_time == (2024, 5, 1, 12, 0, 6) for info in infos)
        assert all(archive.read(name) == data for name, data in entries)


def _literal(node: ast.JoinedStr | ast.Constant) -> str:
    """A string as written, an f-string's values as {}."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values)


# Words that are a kind's name but say something else where they stand (a file, the word).
HOMONYMS = {
    ("builder/editions/cover.py", "cover"),  # what WeasyPrint typesets, in its messages: the EPUB's cover image
    ("builder/editions/epub.py", "cover"),  # the EPUB's cover page: its id and its guide type
    ("builder/source/loader.py", "cover"),  # an id the EPUB's cover page takes, reserved in the source
    ("builder/release/opds.py", "cover"),  # Kind.catalogue's value: a file the catalogue shows as an entry's cover
    ("builder/editions/long_pdf.py", "pdf"),  # a run's message to its parent: its PDF's bytes
}


def test_no_kind_is_named_outside_the_registry_and_its_own_module() -> None:
    """Every place that knows kinds reads the registry: a kind's name, or a file name ending in
    a kind's suffix (".kepub.epub", "-cover.png", "<slug>.pdf"), is written nowhere else in
    builder/ (a kind's declaration may name the kind it needs)."""
    own = {Path(importlib.util.find_spec(kind.module).origin or ""): kind for kind in KINDS.values()}  # type: ignore[union-attr]
    suffixes = re.compile("|".join(rf"[\w}}>)]{re.escape(kind.suffix)}(?![\w.])" for kind in KINDS.values()))
    found = []
    for path in sorted((ROOT / "builder").rglob("*.py")):
        if path.name == "kinds.py" and path.parent.name == "editions":
            continue
        tree = ast.parse(path.read_bytes())
        declaration = {
            id(node)
            for statement in tree.body
            if isinstance(statement, ast.Assign) and "KIND" in ast.unparse(statement.targets[0])
            for node in ast.walk(statement)
        }
        inside_fstrings = {
            id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values
        }
        for node in ast.walk(tree):
            if (
                not isinstance(node, (ast.Constant, ast.JoinedStr))
                or id(node) in declaration
                or id(node) in inside_fstrings
            ):
                continue
            if isinstance(node, ast.Constant) and not isinstance(node.value, str):
                continue
            text, kind = _literal(node), own.get(path)
            others = {name for name in KINDS if kind is None or name != kind.name}
            if (text in others and (str(path.relative_to(ROOT)), text) not in HOMONYMS) or (
                (match := suffixes.search(text)) and (kind is None or not match.group().endswith(kind.suffix))
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert found == [], "\n".join(found)


def test_a_cover_brings_its_interior_and_every_edition_follows_the_one_it_needs() -> None:
    chosen = editions(("epub",), trims(), marks=False, cover=True)
    order = [edition.kind_name for edition in chosen]
    assert (
        order.count("pdf") == order.count("cover") == len(trims())
    )  # the covers' interiors, though pdf was not asked for
    for number, edition in enumerate(chosen):
        if edition.kind.needs:
            assert any(
                e.kind_name == edition.kind.needs and e.variant.trim == edition.variant.trim for e in chosen[:number]
            )


@given(
    st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True),
    st.sampled_from(sorted(KINDS)),
    st.sampled_from(trims()),
    st.booleans(),
)
def test_a_file_name_says_its_kind(slug: str, name: str, trim: str, marks: bool) -> None:
    kind = KINDS[name]
    file_name = kind.file_name(slug, kind.variant(trim, marks))
    assert file_name.startswith(slug)
    found = kind_of_file(file_name)
    # A print cover and an interior are both PDFs: a slug ending in "-cover" is read as a cover,
    # which the manifest's recorded kind settles for a built file.
    assert found is not None and (found is kind or found.format == kind.format)
    if not slug.endswith("-cover"):
        assert found is kind


def test_files_of_no_kind_are_of_no_kind() -> None:
    for name in ("manifest.json", "SHA256SUMS", ".epub", "notes.txt"):
        assert kind_of_file(name) is None
