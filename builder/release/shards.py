"""A shelf split across machines: `--shard K/N` picks a stable share of the works by slug, and
`merge` joins the shards' release folders into one, identical to a whole build's."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import BuildError
from ..paths import shown_path
from .commit import Content, clean_stale, commit
from .lock import release_lock
from .manifest import MANIFEST, read_manifest, release_files, sha256
from .opds import CATALOGUE


def parse_shard(text: str) -> tuple[int, int]:
    """'K/N' → (K, N), with 1 ≤ K ≤ N; ValueError otherwise."""
    k, slash, n = text.partition("/")
    if not slash or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n):
        raise ValueError(f"{text!r} is not K/N with 1 ≤ K ≤ N (e.g. 2/4)")
    return int(k), int(n)


def in_shard(slug: str, shard: tuple[int, int]) -> bool:
    """A work always lands in the same shard, whatever else is on the shelf."""
    k, n = shard
    return int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big") % n == k - 1


def merge(shards: list[Path], out: Path) -> tuple[int, int]:
    """Join shard folders into `out`; returns (works, files). Refuses a shard without a
    manifest, a file that does not match its shard's manifest, a work or file in two shards,
    and shards made by different builders."""
    works: dict[str, dict] = {}
    sources: dict[str, Path] = {}  # file name → the shard file
    owner: dict[str, Path] = {}  # slug or file name → its shard
    builder = None
    for shard in shards:
        manifest = read_manifest(shard)
        if manifest is None:
            raise BuildError(
                shown_path(shard / MANIFEST),
                "missing or not JSON: not a shard's release folder",
                hint="give the folders `folio build --shard K/N --out DIR` wrote",
                code="R001",
            )
        if builder is None:
            builder = manifest.get("builder")
        elif manifest.get("builder") != builder:
            raise BuildError(
                shown_path(shard / MANIFEST),
                f"made by {manifest.get('builder')}, the other shards by {builder}",
                hint="build every shard with the same builder version",
                code="R003",
            )
        for slug, work in manifest.get("works", {}).items():
            if slug in owner:
                raise BuildError(
                    shown_path(shard / MANIFEST),
                    f"work {slug!r} is also in {shown_path(owner[slug])}",
                    hint="shards must not overlap: build each with its own --shard K/N of the same N",
                    code="R002",
                )
            owner[slug] = shard
            for entry in work["files"]:
                name = entry["name"]
                path = shard / name
                if (
                    Path(name).name != name
                    or name in (MANIFEST, "SHA256SUMS", CATALOGUE)
                    or not path.is_file()
                    or sha256(path) != entry["sha256"]
                ):
                    raise BuildError(
                        shown_path(path),
                        f"missing, or not the file {shown_path(shard / MANIFEST)} lists",
                        hint="download the shard again, or rebuild it",
                        code="R004",
                    )
                if name in sources:
                    raise BuildError(
                        shown_path(path),
                        f"also in {shown_path(sources[name].parent)}",
                        hint="shards must not overlap",
                        code="R002",
                    )
                sources[name] = path
            works[slug] = work
    merged = {"builder": builder, "works": dict(sorted(works.items()))}
    out = out.resolve()
    with release_lock(out):
        clean_stale(out)
        previous = read_manifest(out) if out.is_dir() else None
        if out.is_dir() and any(out.iterdir()) and previous is None:
            raise BuildError(
                shown_path(out), "not empty and not a release folder", hint="merge into a new folder", code="R005"
            )
        old = {p.name for p in out.iterdir()} if previous is not None else set()
        files: dict[str, Content] = {**sources, **release_files(merged)}
        commit(out, files, remove=old)
    return len(works), len(sources)
