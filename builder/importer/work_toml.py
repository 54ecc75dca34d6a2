"""The work's metadata as `work.toml` text: the keys the loader reads, then, as comments, what
the page's header said that fits no key; last, each part's own provenance, in a volume."""

from __future__ import annotations

import json
import re
from typing import Any

ORDER = [
    "title",
    "subtitle",
    "short-title",
    "author",
    "author-sort",
    "language",
    "identifier",
    "year",
    "written",
    "first-published",
    "description",
    "subjects",
    "parts",
]
TABLES = ["source", "credits", "archive", "rights"]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def work_toml(meta: dict[str, Any], comments: list[str]) -> str:
    lines = [f"# {line}" for line in comments]
    if lines:
        lines.append("")
    lines += [f"{key} = {_value(meta[key])}" for key in ORDER if key in meta]
    for table in TABLES:
        if meta.get(table):
            lines += ["", f"[{table}]"]
            lines += [f"{key} = {_value(value)}" for key, value in meta[table].items()]
    for stem, provenance in meta.get("provenance", {}).items():
        name = stem if re.fullmatch(r"[A-Za-z0-9_-]+", stem) else json.dumps(stem, ensure_ascii=False)
        lines += ["", f"[provenance.{name}]"]
        lines += [f"{key} = {_value(value)}" for key, value in provenance.items() if not isinstance(value, dict)]
        for table, values in provenance.items():
            if isinstance(values, dict) and values:
                lines += [
                    f"[provenance.{name}.{table}]",
                    *(f"{key} = {_value(value)}" for key, value in values.items()),
                ]
    return "\n".join(lines) + "\n"
