"""The registry of edition kinds: one table that names, orders, writes and checks every kind,
and templates that ask for capabilities, never for a kind's name."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from builder.editions.kinds import DEFAULT_FORMATS, FORMATS, KINDS, Capabilities, kind_of_file
from builder.editions.trims import trims
from builder.paths import BUILTIN_STYLES as STYLES
from builder.shelf.work import editions


def test_no_template_asks_which_kind_it_renders() -> None:
    for template in (STYLES / "templates").rglob("*.*"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\bedition\s*(==|!=|in)\s", text), template  # `features.…` instead


def test_the_templates_ask_only_for_capabilities_the_registry_has() -> None:
    asked = {name for template in (STYLES / "templates").rglob("*.*") for name in re.findall(r"features\.(\w+)", template.read_text(encoding="utf-8"))}
    assert asked and asked <= set(Capabilities.__dataclass_fields__)


def test_every_kind_a_writer_and_a_check_and_needs_only_kinds_before_it() -> None:
    names = list(KINDS)
    for position, kind in enumerate(KINDS.values()):
        assert callable(kind.writer) and callable(kind.check) and kind.modules
        assert kind.needs is None or names.index(kind.needs) < position  # made first, in the registry's order
    assert set(DEFAULT_FORMATS) <= set(FORMATS) <= set(KINDS)


def test_a_cover_brings_its_interior_and_every_edition_follows_the_one_it_needs() -> None:
    chosen = editions(("epub",), trims(), marks=False, cover=True)
    order = [edition.kind_name for edition in chosen]
    assert order.count("pdf") == order.count("cover") == len(trims())  # the covers' interiors, though pdf was not asked for
    for number, edition in enumerate(chosen):
        if edition.kind.needs:
            assert any(e.kind_name == edition.kind.needs and e.variant.trim == edition.variant.trim for e in chosen[:number])


@given(st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True), st.sampled_from(sorted(KINDS)), st.sampled_from(trims()), st.booleans())
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
