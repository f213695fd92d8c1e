"""Reading the tables of a parsed task file with the key path at hand, so that every error names
the file, the key and the fix (``TaskFileError``), and every key the reader did not take is
reported as unknown.

A :class:`Section` wraps one TOML table: ``take`` removes a key and checks its type, ``done``
refuses whatever is left. Keys are named as dotted paths (``condition[2].targets.g1``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from grnsearch.errors import GrnsearchError

REQUIRED = object()
PACKAGE_PREFIX = "grnsearch:"  # a table shipped with the package (tasks/data/), not beside the file


class TaskFileError(GrnsearchError):
    """A task file that cannot be used: the message names the file, the key and the fix."""


def fail(source: str, where: str, problem: str, fix: str) -> TaskFileError:
    """The error of one key of a task file."""
    at = f" {where}:" if where else ""
    return TaskFileError(f"task file {source}:{at} {problem}; {fix}")


class Section:
    """One table of a task file, read key by key."""

    def __init__(self, values: Any, where: str, source: str, base_dir: Path | None) -> None:
        if not isinstance(values, Mapping):
            raise fail(source, where, f"must be a table, got {_kind(values)}", "write it as a [table] or { ... }")
        self.values = dict(values)
        self.asked: set[str] = set()  # every key a reader looked for, to suggest one for a misspelt key
        self.where = where
        self.source = source
        self.base_dir = base_dir

    def key(self, name: str) -> str:
        """The dotted path of ``name`` in this table."""
        return f"{self.where}.{name}" if self.where else name

    def error(self, name: str, problem: str, fix: str) -> TaskFileError:
        """The error of key ``name`` of this table."""
        return fail(self.source, self.key(name), problem, fix)

    def has(self, name: str) -> bool:
        """Whether the table (still) holds ``name``."""
        self.asked.add(name)
        return name in self.values

    def take(self, name: str, kind: type | tuple[type, ...], default: Any = REQUIRED, what: str = "") -> Any:
        """Remove ``name`` and return its value, checked to be of ``kind`` (a float key accepts a
        whole number and gives a float; bool is never a number)."""
        self.asked.add(name)
        if name not in self.values:
            if default is REQUIRED:
                raise self.error(name, "is missing", f"add {name} = {what or _type_name(kind)}")
            return default
        value = self.values.pop(name)
        return self.check(name, value, kind, what)

    def check(self, name: str, value: Any, kind: type | tuple[type, ...], what: str = "") -> Any:
        """``value`` of key ``name`` checked to be of ``kind``."""
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, bool) and bool not in kinds:
            ok = False
        else:
            ok = isinstance(value, kinds)
        if not ok:
            raise self.error(name, f"must be {what or _type_name(kind)}, got {_kind(value)} {value!r}", "correct it")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(name, f"must be a finite number, got {value!r}", "give a finite number")
        return value

    def number(self, name: str, default: Any = REQUIRED, *, minimum: float | None = None, strict: bool = False) -> Any:
        """A finite number (float), optionally bounded below."""
        value = self.take(name, float, default, "a number")
        if value is default or minimum is None:
            return value
        if value < minimum or (strict and value == minimum):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            raise self.error(name, f"must be {bound}, got {value!r}", f"give a number {bound}")
        return value

    def integer(self, name: str, default: Any = REQUIRED, *, minimum: int = 0, maximum: int | None = None) -> Any:
        """A whole number in [minimum, maximum]."""
        value = self.take(name, int, default, "a whole number")
        if value is default:
            return value
        if value < minimum or (maximum is not None and value > maximum):
            top = f" and <= {maximum}" if maximum is not None else ""
            raise self.error(name, f"must be >= {minimum}{top}, got {value}", f"give a whole number >= {minimum}{top}")
        return value

    def names(self, name: str, default: Any = REQUIRED, *, allowed: Iterable[str] | None = None) -> Any:
        """A list of distinct strings, each among ``allowed`` when given."""
        value = self.take(name, list, default, "a list of names")
        if value is default:
            return value
        for k, item in enumerate(value):
            self.check(f"{name}[{k}]", item, str, "a name")
        repeated = [item for k, item in enumerate(value) if item in value[:k]]
        if repeated:
            raise self.error(name, f"names {repeated[0]!r} twice", "name each once")
        if allowed is not None:
            for item in value:
                self.known(name, item, allowed)
        return tuple(value)

    def known(self, name: str, item: str, allowed: Iterable[str], what: str = "name") -> str:
        """``item`` if it is among ``allowed``, else an error naming the choices."""
        allowed = list(allowed)
        if item not in allowed:
            raise self.error(name, f"unknown {what} {item!r}", f"use one of {', '.join(map(str, allowed))}")
        return item

    def table(self, name: str, default: Any = REQUIRED) -> Any:
        """The sub-table ``name`` as a Section (``default`` when absent)."""
        self.asked.add(name)
        if name not in self.values:
            if default is REQUIRED:
                raise self.error(name, "is missing", f"add a [{self.key(name)}] table")
            return default
        return Section(self.values.pop(name), self.key(name), self.source, self.base_dir)

    def tables(self, name: str) -> list[Section]:
        """The array of tables ``name`` (``[[name]]``) as Sections; empty when absent."""
        self.asked.add(name)
        value = self.values.pop(name, [])
        if not isinstance(value, list):
            raise self.error(name, f"must be an array of tables ([[{self.key(name)}]]), got {_kind(value)}", "fix it")
        return [Section(item, f"{self.key(name)}[{k}]", self.source, self.base_dir) for k, item in enumerate(value)]

    def done(self) -> None:
        """Refuse every key that no reader took, suggesting the closest key a reader asked for."""
        if self.values:
            name = sorted(self.values)[0]
            close = difflib.get_close_matches(name, sorted(self.asked), n=1)
            fix = f"did you mean {close[0]!r}?" if close else "remove it or correct its spelling"
            raise self.error(name, "is not a key grnsearch knows here", fix)

    def done_with(self, allowed: Iterable[str]) -> None:
        """Refuse every key left, suggesting the closest of ``allowed``."""
        if self.values:
            name = sorted(self.values)[0]
            close = difflib.get_close_matches(name, list(allowed), n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"the keys here are {', '.join(allowed)}"
            raise self.error(name, "is not a key grnsearch knows here", fix)


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {float: "a number", int: "a whole number", str: "a string", bool: "true or false", list: "a list",
             dict: "a table"}  # fmt: skip
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {int: "a whole number", float: "a number", str: "a string", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )
