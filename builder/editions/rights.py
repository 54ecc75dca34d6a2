"""A work's rights in one sentence: the EPUB's dc:rights and the catalogue's rights say the same."""

from __future__ import annotations

from ..source.metadata import Metadata


def rights_statement(meta: Metadata) -> str:
    rights = meta.rights
    if rights.status == "public-domain":
        return "Public domain. " + (rights.statement or "")
    if rights.status == "unstated":
        return "The source states no licence and no public-domain status."
    assert rights.licence is not None
    return f"Licensed under the {rights.licence.name}: {rights.licence.url}"
