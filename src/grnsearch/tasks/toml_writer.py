"""Writing TOML (the standard library only reads it): the subset task files use.

A document is a dict. At the top, a dict value is a ``[table]`` and a list of dicts an array of
tables ``[[name]]``; inside a table, a list of dicts is ``[[table.name]]``; every other dict is
an inline table ``{ k = v }``. Floats are written with ``repr``, which reads back to the same
number.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    """A TOML key: bare when it can be, else quoted."""
    return name if _BARE.fullmatch(name) else json.dumps(name)


def value(v: Any) -> str:
    """A TOML value written inline."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(item) for item in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{key(k)} = {value(item)}" for k, item in v.items()) + " }" if v else "{}"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_tables(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(item, dict) for item in v)


def _body(table: dict[str, Any], path: str, top: bool) -> list[str]:
    """Lines of one table: its values, then (at the top) its tables, then its arrays of tables."""
    lines = [
        f"{key(k)} = {value(v)}" for k, v in table.items() if not _is_tables(v) and not (top and isinstance(v, dict))
    ]
    for k, v in table.items():
        if top and isinstance(v, dict):
            lines += ["", f"[{key(k)}]", *_body(v, key(k), False)]
    for k, v in table.items():
        if _is_tables(v):
            name = f"{path}.{key(k)}" if path else key(k)
            for item in v:
                lines += ["", f"[[{name}]]", *_body(item, name, False)]
    return lines


def dumps(document: dict[str, Any], header: str = "") -> str:
    """The TOML text of ``document``, after ``header`` (comment lines, without the ``#``)."""
    comments = [f"# {line}".rstrip() for line in header.splitlines()]
    lines = [*comments, *([""] if comments else []), *_body(document, "", True)]
    return "\n".join(lines) + "\n"
