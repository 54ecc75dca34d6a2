"""Release files in dist/: `SHA256SUMS` (for `sha256sum -c`) and `manifest.json`; `verify.py`
re-hashes and re-checks every edition against them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from .. import NAME, __version__
from ..editions.kinds import KINDS
from .opds import CATALOGUE, catalogue
from .opds import MEDIA_TYPE as CATALOGUE_TYPE

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class BuiltFile:
    """One edition as a worker made it, with the key of the inputs it was made from."""

    name: str
    data: bytes
    key: str | None
    kind: str  # its kind in the registry (editions/kinds.py)
    size: int = -1  # the data's length, kept when the data is let go once written (`Built.written`)

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", len(self.data))


@dataclass(frozen=True)
class Built:
    """A work's editions, made and not yet written: what a worker hands back to be committed."""

    slug: str
    title: str
    author: str
    identifier: str
    edition_date: str
    files: list[BuiltFile]
    # What a reader browsing the release's catalogue reads (release/opds.py)
    author_sort: str = ""
    language: str = ""
    summary: str = ""
    rights: str = ""
    # A print edition's failure that cost the work none of its other editions (shelf/work.py's
    # PRINT_ONLY): the errors, and the files not made, whose previous versions leave the release.
    refused: tuple[str, ...] = ()
    withheld: tuple[str, ...] = ()

    def written(self) -> Built:
        """The work as a build's report keeps it once its files are in the release folder:
        their names and sizes, not their bytes (a shelf's would fill the memory)."""
        return replace(self, files=[replace(file, data=b"") for file in self.files])


def updated(manifest: dict | None, built: list[Built], present: set[str], drop: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    """The manifest after adding what was built and removing the works in `drop`.

    Entries of works not rebuilt are kept while their files are still in the folder
    (`present`), so that building one format or one work does not drop the others."""
    works = dict((manifest or {}).get("works", {}))
    for entry in built:
        previous = {f["name"]: f for f in works.get(entry.slug, {}).get("files", []) if f["name"] not in entry.withheld}
        for file in entry.files:
            kind = KINDS[file.kind]
            previous[file.name] = {
                "name": file.name,
                "kind": kind.name,
                "format": kind.format,
                "media_type": kind.media_type,
                "size": len(file.data),
                "sha256": hashlib.sha256(file.data).hexdigest(),
                "key": file.key,
            }
        works[entry.slug] = {
            "title": entry.title,
            "author": entry.author,
            "author_sort": entry.author_sort,
            "identifier": entry.identifier,
            "language": entry.language,
            "edition_date": entry.edition_date,
            "summary": entry.summary,
            "rights": entry.rights,
            "files": sorted(previous.values(), key=lambda f: f["name"]),
        }
    keep = (present - {name for entry in built for name in entry.withheld}) | {
        file.name for entry in built for file in entry.files
    }
    for slug in list(works):
        files = [f for f in works[slug]["files"] if f["name"] in keep]
        if slug in drop or not files:
            del works[slug]
        else:
            works[slug] = works[slug] | {"files": files}
    return {"builder": {"name": NAME, "version": __version__}, "works": dict(sorted(works.items()))}


def release_files(manifest: dict) -> dict[str, bytes]:
    """manifest.json, SHA256SUMS and the catalogue (release/opds.py), as bytes, for a manifest
    of works; the manifest lists the catalogue, and the sums every file but the manifest."""
    works = {"builder": manifest["builder"], "works": manifest["works"]}
    opds = catalogue(works)
    listed = works | {
        "catalogue": {
            "name": CATALOGUE,
            "media_type": CATALOGUE_TYPE,
            "size": len(opds),
            "sha256": hashlib.sha256(opds).hexdigest(),
        }
    }
    lines = sorted(
        f"{f['sha256']}  {f['name']}\n"
        for f in [*(f for work in works["works"].values() for f in work["files"]), listed["catalogue"]]
    )
    return {
        MANIFEST: (json.dumps(listed, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        SUMS: "".join(lines).encode("ascii"),
        CATALOGUE: opds,
    }


def listed_files(manifest: dict | None) -> set[str]:
    return {f["name"] for work in (manifest or {}).get("works", {}).values() for f in work["files"]}


def read_manifest(dist: Path) -> dict | None:
    """The manifest, or None if there is none or it is not one (verify says what is wrong)."""
    try:
        manifest = json.loads((dist / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    works = manifest.get("works") if isinstance(manifest, dict) else None
    if not isinstance(works, dict) or not all(
        isinstance(work, dict) and isinstance(work.get("files"), list) for work in works.values()
    ):
        return None
    files = [entry for work in works.values() for entry in work["files"]]
    return manifest if all(isinstance(entry, dict) and isinstance(entry.get("name"), str) for entry in files) else None
