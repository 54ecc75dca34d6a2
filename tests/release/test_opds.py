"""The release folder's OPDS catalogue: read back as an OPDS client reads it, every work and
edition in it, every link a file of the release with its media type, written with the
manifest and the sums, and checked by `verify`."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from builder.editions.kinds import KINDS
from builder.release.manifest import release_files
from builder.release.opds import ACQUISITION, CATALOGUE, IMAGE, MEDIA_TYPE, THUMBNAIL, catalogue, opds_links
from builder.release.verify import verify
from tests.conftest import SLUG

ATOM = {"a": "http://www.w3.org/2005/Atom", "dcterms": "http://purl.org/dc/terms/"}


@pytest.fixture
def dist(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(built, target)
    return target


def _manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def test_the_catalogue_lists_every_edition_with_its_media_type_and_the_cover(built: Path) -> None:
    manifest = _manifest(built)
    feed = etree.parse(str(built / CATALOGUE)).getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.find("a:link[@rel='self']", ATOM).get("type") == MEDIA_TYPE  # type: ignore[union-attr]
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == len(manifest["works"]) == 1
    entry, work = entries[0], manifest["works"][SLUG]
    assert entry.findtext("a:title", namespaces=ATOM) == work["title"]
    assert entry.findtext("a:author/a:name", namespaces=ATOM) == work["author"]
    assert entry.findtext("dcterms:language", namespaces=ATOM) == "en"
    assert entry.findtext("a:id", namespaces=ATOM) == work["identifier"]
    assert (entry.findtext("a:summary", namespaces=ATOM) or "").startswith("Lenin’s letter of March 1912")
    assert (entry.findtext("a:rights", namespaces=ATOM) or "").startswith("Public domain.")
    links = {(link.get("rel"), link.get("href")): link for link in entry.findall("a:link", ATOM)}
    downloads = {href: link.get("type") for (rel, href), link in links.items() if rel == ACQUISITION}
    assert downloads == {
        f"{SLUG}.epub": "application/epub+zip",
        f"{SLUG}.kepub.epub": "application/kepub+zip",
        f"{SLUG}.azw3": "application/vnd.amazon.ebook",
        f"{SLUG}.pdf": "application/pdf",
    }
    for (rel, href), link in links.items():
        assert (built / href).is_file()  # relative to the catalogue: the folder can be served from anywhere
        if rel == ACQUISITION:
            assert link.get("length") == str((built / href).stat().st_size)
    assert (
        links[(IMAGE, f"{SLUG}-cover.png")].get("type")
        == links[(THUMBNAIL, f"{SLUG}-cover.png")].get("type")
        == "image/png"
    )


def test_the_catalogue_is_written_with_the_manifest_and_the_sums(built: Path) -> None:
    manifest = _manifest(built)
    data = (built / CATALOGUE).read_bytes()
    assert manifest["catalogue"] == {
        "name": CATALOGUE,
        "media_type": MEDIA_TYPE,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    assert (
        f"{hashlib.sha256(data).hexdigest()}  {CATALOGUE}"
        in (built / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    )
    assert release_files(manifest)[CATALOGUE] == data  # a function of the manifest: the same bytes again


def test_a_catalogue_of_several_works_and_kinds_links_each_file_once() -> None:
    works = {}
    for number in range(3):
        slug = f"work-{number}"
        files = [
            {
                "name": kind.file_name(slug, kind.variant(trim)),
                "kind": kind.name,
                "media_type": kind.media_type,
                "size": 10 + number,
                "sha256": "0" * 64,
            }
            for kind in KINDS.values()
            for trim in ("a5", "a4")
        ]
        works[slug] = {
            "title": f"Work & <{number}>",
            "author": "A. Author",
            "identifier": f"urn:uuid:0000000{number}",
            "edition_date": f"202{number}-01-01T00:00:00Z",
            "files": files,
        }
    data = catalogue({"works": works})
    links = opds_links(data)
    names = {f["name"] for work in works.values() for f in work["files"]}
    assert {href for href, _ in links} == names
    feed = etree.fromstring(data)
    assert feed.findtext("a:updated", namespaces=ATOM) == "2022-01-01T00:00:00Z"
    assert [entry.findtext("a:title", namespaces=ATOM) for entry in feed.findall("a:entry", ATOM)] == [
        "Work & <0>",
        "Work & <1>",
        "Work & <2>",
    ]


@pytest.mark.parametrize(
    "broken", [b"not xml", b"<feed xmlns='http://www.w3.org/2005/Atom'><id>x</id><title>t</title></feed>", b"<rss/>"]
)
def test_what_is_not_a_catalogue_is_said_to_be_none(broken: bytes) -> None:
    with pytest.raises(ValueError):
        opds_links(broken)


def test_verify_checks_the_catalogue(dist: Path) -> None:
    assert verify(dist, run_checks=False)[1] == []
    catalogue_file = dist / CATALOGUE
    original = catalogue_file.read_bytes()
    catalogue_file.write_bytes(original.replace(f'href="{SLUG}.pdf"'.encode(), b'href="elsewhere.pdf"'))
    assert {finding.code for finding in verify(dist, run_checks=False)[1]} == {"V123", "V124", "V125"}
    catalogue_file.unlink()
    assert [finding.code for finding in verify(dist, run_checks=False)[1]] == ["V122"]
