"""Where an import writes: `--into/<slug>` and nothing else. A slug is one plain name; the work
is staged in a hidden folder of `--into` named after the slug and the importing process, and
renamed into place only when it loads; `--force` replaces what an import made and carries over
the files a person added (or refuses, if the new import would write one of their names).
Staging folders of an import that was killed are cleaned by the next import into `--into`."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BuildError
from .report import REPORT_FILE, ImportReport
from .scope import Rule, images_of

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 100
_STRAY = re.compile(r"^\.(?P<slug>[a-z0-9-]+)\.(?:(?P<pid>\d+)\.)?(?P<kind>importing|replaced)$")
_IMAGE_CALL = re.compile(r"!\[(?:\\.|[^\]\\])*\]\(([^)\s]+)")


def check_slug(slug: str) -> None:
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise BuildError(
            slug,
            "the slug is not one plain name",
            hint="give --slug in lower-case letters, digits and single hyphens, at most "
            f"{MAX_SLUG} characters, e.g. lenin-1912-letter-to-huysmans (no '/', '..' or path)",
            code="I050",
        )


def check_into(into: Path) -> None:
    if into.exists() and not into.is_dir():
        raise BuildError(
            into,
            "--into names something that is not a folder",
            hint="give --into a folder (it is made if missing)",
            code="I051",
        )


@dataclass
class Staged:
    folder: Path  # where the new work is written, inside the staging folder
    kept: list[str] = field(default_factory=list)  # a person's files in the work replaced, carried over


@contextmanager
def staged(into: Path, slug: str, force: bool) -> Iterator[Staged]:
    """A folder to write the work into; installed as `into/slug` if the block ends well."""
    target = into / slug
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BuildError(
            target,
            "is a symlink or a file, not a work's folder",
            hint="move it away, or give another --slug; an import replaces only a work it made",
            code="I053",
        )
    if target.exists() and not force:
        raise BuildError(
            target,
            "a work with this slug already exists",
            hint="give another --slug, or --force to replace it",
            code="I003",
        )
    kept = _persons_files(target) if target.exists() else []
    try:
        into.mkdir(parents=True, exist_ok=True)
        clean_strays(into)
        staging = into / f".{slug}.{os.getpid()}.importing"
        shutil.rmtree(staging, ignore_errors=True)
        folder = staging / slug
        folder.mkdir(parents=True)
    except OSError as error:
        raise _unwritable(into, error) from None
    try:
        try:
            yield Staged(folder, kept)
        except BuildError as error:
            raise _named_final(error, folder, target) from None
        for name in kept:
            if (folder / name).exists() or (folder / name).is_symlink():
                raise BuildError(
                    target / name,
                    "a file a person added to the work has a name the new import writes",
                    hint="rename or move the file, then import again with --force",
                    code="I054",
                )
            _copy(target / name, folder / name)
        if target.exists():
            old = into / f".{slug}.{os.getpid()}.replaced"
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            folder.rename(target)
            shutil.rmtree(old)
        else:
            folder.rename(target)
    except OSError as error:
        raise _unwritable(into, error) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _named_final(error: BuildError, folder: Path, target: Path) -> BuildError:
    """The error, naming the path the work would have had: the staging folder is removed
    before anyone reads the message."""
    with suppress(ValueError):
        error.path = target / Path(error.path).relative_to(folder)
    return error


def _unwritable(into: Path, error: OSError) -> BuildError:
    return BuildError(
        error.filename or into,
        f"cannot be written: {error.strerror}",
        hint="free space, or give --into a folder you may write in",
        code="I072",
    )


def _persons_files(target: Path) -> list[str]:
    """The files of an imported work that its import did not make: all but work.toml, the
    report, the parts work.toml lists and the images those parts show."""
    if not (target / REPORT_FILE).is_file() or not (target / "work.toml").is_file():
        raise BuildError(
            target,
            "was not made by an import (it has no import report)",
            hint="--force replaces only a work an import made; move the folder away, or give another --slug",
            code="I053",
        )
    try:
        meta: dict[str, Any] = tomllib.loads((target / "work.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        meta = {}
    parts = [p for p in meta.get("parts", ["text.md"]) if isinstance(p, str)] or ["text.md"]
    made = {"work.toml", REPORT_FILE, *parts}
    for part in parts:
        with suppress(OSError):
            made.update(_IMAGE_CALL.findall((target / part).read_text(encoding="utf-8", errors="replace")))
    return sorted(entry.name for entry in target.iterdir() if entry.name not in made)


def _copy(source: Path, destination: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), destination)
    elif source.is_dir():
        shutil.copytree(source, destination, symlinks=True)
    else:
        shutil.copy2(source, destination)


def clean_strays(into: Path) -> None:
    """Staging folders of imports that were killed (their process is gone); a work an import
    had moved aside to replace goes back where it was if nothing took its place."""
    for entry in into.iterdir():
        found = _STRAY.match(entry.name)
        if not found or entry.is_symlink() or not entry.is_dir() or _alive(found.group("pid")):
            continue
        if found.group("kind") == "replaced" and not (into / found.group("slug")).exists():
            entry.rename(into / found.group("slug"))
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: str | None) -> bool:
    if pid is None or int(pid) == os.getpid():
        return pid is not None and int(pid) == os.getpid()
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def image_names(
    pages: list[tuple[Any, str]], limit: int, reserved: set[str], report: ImportReport
) -> list[tuple[Any, Rule]]:
    """Each page's images with a plain file name of at most `limit` characters, one name per
    image across all pages (two chapters' "fig1.png" from two folders are two files), the
    page's text changed to match; each with the rule its page holds it to."""
    taken: dict[str, str] = {name.lower(): "" for name in {"work.toml", REPORT_FILE, *reserved}}
    out: list[tuple[Any, Rule]] = []
    for page, location in pages:
        renamed: dict[str, str] = {}
        for image in page.images:
            name = _plain(image.name, limit)
            stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
            number = 1
            while taken.get(name.lower(), image.location) != image.location:
                number += 1
                name = f"{stem[: limit - len(suffix) - 6]}-{number}{dot}{suffix}"
            if name.lower() not in taken:
                taken[name.lower()] = image.location
                out.append((image, images_of(location)))
            if name != image.name:
                renamed[image.name] = name
                report.mapped.append(
                    f"image {image.name!r} of {location.rsplit('/', 1)[-1]} "
                    f"written as {name}, a name no other image of the work has"
                )
                image.name = name
        if renamed:
            page.blocks = [_rename(block, renamed) for block in page.blocks]
    return out


def _plain(name: str, limit: int) -> str:
    name = re.sub(r"[^\w.-]", "-", name).lstrip(".-") or "image"
    if len(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    suffix = suffix[:10]
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{stem[: limit - len(suffix) - 10].rstrip('.-')}-{digest}{dot}{suffix}"


def _put(new: str, match: re.Match[str]) -> str:
    return match.group(1) + new


def _rename(block: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        block = re.sub(rf"(!\[(?:\\.|[^\]\\])*\]\(){re.escape(old)}(?=[ )])", partial(_put, new), block)
    return block
