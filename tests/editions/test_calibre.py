"""calibre's `ebook-meta` reads our metadata from the EPUB and the Kobo edition: title, author,
the file-as forms, identifier, language and publisher. (What it ignores, and why, is in
docs/editions.md, "calibre"; the test says so too, so that a calibre that starts reading it is
noticed.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.editions.epub import calibre_identifier
from tests.conftest import SLUG


def ebook_meta(path: Path) -> dict[str, str]:
    """ebook-meta's listing, as field → value."""
    if shutil.which("ebook-meta") is None:
        if os.environ.get("CI"):
            pytest.fail("calibre's ebook-meta is not installed: scripts/setup-tests installs it")
        pytest.skip("calibre's ebook-meta is not installed (scripts/setup-tests, run by make test)")
    result = subprocess.run(
        ["ebook-meta", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ | {"HOME": str(path.parent)},
    )
    assert result.returncode == 0, result.stderr
    return dict(re.match(r"(.+?)\s+: (.*)", line).groups() for line in result.stdout.splitlines() if " : " in line)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", [f"{SLUG}.epub", f"{SLUG}.kepub.epub"])
def test_ebook_meta_reads_our_metadata(built: Path, tmp_path: Path, name: str) -> None:
    shutil.copy(built / name, tmp_path / name)
    fields = ebook_meta(tmp_path / name)
    assert fields["Title"] == "A Letter to Huysmans, Secretary of the International Socialist Bureau"
    assert fields["Title sort"] == "Letter to Huysmans, Secretary of the International Socialist Bureau, A"
    assert (
        fields["Author(s)"] == "V. I. Lenin [Lenin, V. I.]"
    )  # the name (its no-break space made a space) and its file-as form
    assert fields["Publisher"] == "Lenin Internet Archive"
    assert fields["Languages"] == "eng"
    assert (
        fields["Identifiers"] == "folio:55252c19-f823-5435-9283-456f0242fa04"
    )  # the package's urn:uuid, as calibre lists it
    assert fields["Book Producer"] == "Folio"
    assert fields["Tags"].startswith("Russian Social-Democratic Labour Party")
    # calibre's EPUB 3 reader reads no dc:rights (docs/editions.md, "calibre")
    assert "Rights" not in fields


@pytest.mark.parametrize(
    ("identifier", "listed"),
    [
        ("urn:uuid:55252c19-f823-5435-9283-456f0242fa04", "folio:55252c19-f823-5435-9283-456f0242fa04"),
        ("https://example.org/books/one", "uri:https://example.org/books/one"),
        ("urn:isbn:9780000000002", None),  # calibre lists it as isbn:… already
    ],
)
def test_an_identifier_calibre_lists_in_no_form_is_given_again_in_one(identifier: str, listed: str | None) -> None:
    assert calibre_identifier(identifier) == listed
