"""builder/shelf/build.py on its own: a shelf planned and committed work by work into a release
folder, its report filled in, an up-to-date work left alone, and a work gone from the shelf
gone from the folder (one short work, its EPUB only: a few seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.shelf.build import BuildReport, Events, build_shelf
from builder.shelf.work import editions
from tests.conftest import EDITION_EPOCH, ROOT

WORK = ROOT / "source" / "marx-1845-theses-on-feuerbach"


def test_a_shelf_is_built_then_left_alone_then_emptied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EDITION_EPOCH)
    monkeypatch.setenv("FOLIO_CACHE", str(tmp_path / "cache"))
    chosen = editions(("epub",), ["a5"], False)
    dist = tmp_path / "dist"
    seen: dict[str, list] = {"started": [], "done": []}
    events = Events(started=seen["started"].append, done=seen["done"].append)

    first = BuildReport(works=[WORK])
    build_shelf(first, chosen, dist, jobs=1, force=False, whole_shelf=True, events=events)
    slug = WORK.name
    assert [built.slug for built in first.built] == [slug] and first.failures == [] and first.pending == []
    assert set(first.written) == {edition.file_name(slug) for edition in chosen}
    assert seen == {"started": [1], "done": [slug]}
    listed = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["name"] for entry in listed["works"][slug]["files"]) == sorted(first.written)
    assert all((dist / name).is_file() for name in first.written)

    again = BuildReport(works=[WORK])
    build_shelf(again, chosen, dist, jobs=1, force=False, whole_shelf=True)
    assert again.up_to_date == [slug] and again.built == []

    emptied = BuildReport(works=[])
    build_shelf(emptied, chosen, dist, jobs=1, force=False, whole_shelf=True)
    assert emptied.removed == [slug]
    assert not any((dist / name).exists() for name in first.written)
    assert json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["works"] == {}
