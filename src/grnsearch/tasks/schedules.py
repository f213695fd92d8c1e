"""Input schedules of a task file: what an input does over the Euler steps of a condition, or over
the positions of a spatial task. Small strategy objects, each with its TOML form:

- a number: constant; a string: constant at the level a condition draws under that name;
- ``{ kind = "steps", at = [0, 40], levels = [0.1, 1.0] }``: level ``levels[i]`` from step
  ``at[i]`` on (0 before the first);
- ``{ kind = "ramp", start = 10, end = 30, from = 0.0, to = 1.0 }``: linear between the steps;
- ``{ kind = "pulses", period = 20, on = 5, level = 1.0, start = 0, low = 0.0 }``: a square
  pulse train (``on`` of every ``period`` steps, from ``start``);
- ``{ kind = "table", file = "inputs.csv", column = "I" }`` (or ``values = [...]``): one level per
  step, or per position for a spatial task;
- spatial only: ``{ kind = "gradient", from = [0.0], decay = [0.2] }``: the sum of
  exp(-|x - from| / decay) over its terms (``amplitude`` optional).

Steps are counted from 0: step k drives the state from k to k + 1 (``Conditions``).
"""

from __future__ import annotations

import abc
import csv
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.tasks.fields import PACKAGE_PREFIX, Section, fail


class Schedule(abc.ABC):
    """What one input does in one condition."""

    kind: ClassVar[str]

    @abc.abstractmethod
    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray | jax.Array:
        """Levels over ``count`` steps: an array of length ``count`` (float32, or ``dtype``; a
        drawn level gives a jax array)."""

    @abc.abstractmethod
    def to_toml(self) -> Any:
        """The TOML value that states this schedule."""

    def at_positions(self, x: np.ndarray) -> np.ndarray:
        """Levels at positions ``x`` (float64; spatial tasks): a constant by default."""
        return np.full(len(x), float(self.levels(1, {}, np.float64)[0]))


@dataclass(frozen=True)
class Constant(Schedule):
    """A constant level, or the level drawn under the name ``level`` (a string)."""

    level: float | str
    kind: ClassVar[str] = "constant"

    @property
    def draw_name(self) -> str | None:
        """The draw this level refers to, if any."""
        return self.level if isinstance(self.level, str) else None

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray | jax.Array:
        if isinstance(self.level, str):
            return jnp.full((count,), draws[self.level], dtype=jnp.float32)
        return np.full(count, self.level, dtype=dtype)

    def at_positions(self, x: np.ndarray) -> np.ndarray:
        return np.full(len(x), float(self.level))

    def to_toml(self) -> Any:
        return self.level


@dataclass(frozen=True)
class Steps(Schedule):
    """Level ``levels[i]`` from step ``at[i]`` on; 0 before the first switch."""

    at: tuple[int, ...]
    values: tuple[float, ...]
    kind: ClassVar[str] = "steps"

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray:
        out = np.zeros(count, dtype=dtype)
        for start, level in zip(self.at, self.values, strict=True):
            out[start:] = level
        return out

    def to_toml(self) -> Any:
        return {"kind": self.kind, "at": list(self.at), "levels": list(self.values)}


@dataclass(frozen=True)
class Ramp(Schedule):
    """``low`` until step ``start``, linear to ``high`` at step ``end``, then ``high``."""

    start: int
    end: int
    low: float
    high: float
    kind: ClassVar[str] = "ramp"

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray:
        k = np.arange(count, dtype=np.float64)
        fraction = np.clip((k - self.start) / (self.end - self.start), 0.0, 1.0)
        return (self.low + (self.high - self.low) * fraction).astype(dtype)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "start": self.start, "end": self.end, "from": self.low, "to": self.high}


@dataclass(frozen=True)
class Pulses(Schedule):
    """``level`` for ``on`` steps of every ``period`` from step ``start``, else ``low``."""

    period: int
    on: int
    level: float
    start: int = 0
    low: float = 0.0
    kind: ClassVar[str] = "pulses"

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray:
        k = np.arange(count)
        on = (k >= self.start) & (np.mod(k - self.start, self.period) < self.on)
        return np.where(on, self.level, self.low).astype(dtype)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "period": self.period, "on": self.on, "level": self.level, "start": self.start,
                "low": self.low}  # fmt: skip


@dataclass(frozen=True)
class Table(Schedule):
    """One value per step (or position), from a CSV column or given inline. Only the values
    count for equality: the file they came from is a record."""

    values: tuple[float, ...]
    file: str | None = field(default=None, compare=False)
    column: str | None = field(default=None, compare=False)
    columns: tuple[str, ...] | None = field(default=None, compare=False)
    kind: ClassVar[str] = "table"

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray:
        return np.asarray(self.values, dtype=dtype)

    def at_positions(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=np.float64)

    def to_toml(self, inline: bool = False) -> Any:
        if self.file is None or inline:
            return {"kind": self.kind, "values": list(self.values)}
        out: dict[str, Any] = {"kind": self.kind, "file": self.file, "column": self.column}
        if self.columns is not None:
            out["columns"] = list(self.columns)
        return out


@dataclass(frozen=True)
class Gradient(Schedule):
    """Spatial: the sum over terms of amplitude * exp(-|x - origin| / decay)."""

    origins: tuple[float, ...]
    decays: tuple[float, ...]
    amplitudes: tuple[float, ...]
    kind: ClassVar[str] = "gradient"

    def levels(self, count: int, draws: dict[str, jax.Array], dtype: Any = np.float32) -> np.ndarray:
        raise TypeError("a gradient is a profile over positions, not a schedule over steps")

    def at_positions(self, x: np.ndarray) -> np.ndarray:
        total = np.zeros(len(x))
        for origin, decay, amplitude in zip(self.origins, self.decays, self.amplitudes, strict=True):
            term = np.exp(-np.abs(x - origin) / decay)
            total = total + (term if amplitude == 1.0 else amplitude * term)
        return total

    def to_toml(self) -> Any:
        out = {"kind": self.kind, "from": list(self.origins), "decay": list(self.decays)}
        if any(a != 1.0 for a in self.amplitudes):
            out["amplitude"] = list(self.amplitudes)
        return out


def read_table(sec: Section, count: int, what: str) -> Table:
    """A ``table`` (``values`` inline, or ``file`` and ``column``, with ``columns`` naming the
    columns of a file without a header row), checked to hold ``count`` finite numbers."""
    if sec.has("values"):
        raw = sec.take("values", list, what="a list of numbers")
        values = tuple(sec.check(f"values[{k}]", v, float) for k, v in enumerate(raw))
        table = Table(values)
    else:
        name = sec.take("file", str, what='a CSV file name, e.g. "targets.csv"')
        column = sec.take("column", str, what="the name of a column of the file")
        columns = sec.names("columns", None)
        table = Table(_read_column(sec, name, column, columns), name, column, columns)
    if len(table.values) != count:
        raise sec.error(
            "values" if table.file is None else "file",
            f"gives {len(table.values)} values, but there are {count} {what}",
            f"give one value for each of the {count} {what}",
        )
    return table


def _read_column(sec: Section, name: str, column: str, columns: tuple[str, ...] | None) -> tuple[float, ...]:
    if name.startswith(PACKAGE_PREFIX):
        path: Any = resources.files("grnsearch.tasks") / "data" / name[len(PACKAGE_PREFIX) :]
    else:
        path = (sec.base_dir / name) if sec.base_dir is not None else None
        if path is None:
            raise sec.error("file", f"{name!r} cannot be found: this task was not read from a file",
                            "give the values inline (values = [...])")  # fmt: skip
    try:
        rows = [row for row in csv.reader(path.read_text(encoding="utf-8").splitlines()) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise sec.error(
            "file", f"cannot read {path}: {err}", "give a readable UTF-8 CSV file beside the task file"
        ) from None
    header = list(columns) if columns is not None else (rows.pop(0) if rows else [])
    if column not in header:
        raise sec.error("column", f"{path} has no column {column!r} (columns: {', '.join(header)})",
                        "name one of its columns")  # fmt: skip
    j = header.index(column)
    values = []
    for line, row in enumerate(rows, start=1 if columns is not None else 2):
        try:
            value = float(row[j])
        except (IndexError, ValueError):
            raise sec.error("file", f"{path} line {line}: {column} is not a number", "fix the table") from None
        if not np.isfinite(value):
            raise sec.error("file", f"{path} line {line}: {column} is not finite", "fix the table")
        values.append(value)
    return tuple(values)


def read_schedule(sec: Section, name: str, value: Any, steps: int, spatial: bool, draws: tuple[str, ...]) -> Schedule:
    """The schedule of input ``name`` given as ``value``, checked against the condition's
    ``steps`` (or positions, for a spatial task) and its ``draws``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Constant(float(sec.check(name, value, float)))
    if isinstance(value, str):
        if value not in draws:
            fix = f"draw it in this condition (draws = {{ {value} = [0.0, 1.0] }})" if not spatial else "give a number"
            raise sec.error(name, f"names no draw of this condition: {value!r}", fix)
        return Constant(value)
    s = Section(value, sec.key(name), sec.source, sec.base_dir)
    kinds = ("steps", "ramp", "pulses", "table", "gradient") if spatial else ("steps", "ramp", "pulses", "table")
    kind = s.known("kind", s.take("kind", str, what=f"one of {', '.join(kinds)}"), kinds, "input schedule")
    if spatial and kind not in ("table", "gradient"):
        raise s.error("kind", f"{kind!r} is a schedule over steps; a spatial task's inputs are profiles",
                      "use a gradient, a table over positions or a number")  # fmt: skip
    if kind == "table":
        schedule: Schedule = read_table(s, steps, "positions" if spatial else "steps of the time grid")
    else:
        schedule = _READERS[kind](s, steps)
    s.done()
    return schedule


def _steps(s: Section, steps: int) -> Steps:
    at = s.take("at", list, what="a list of step numbers")
    levels = s.take("levels", list, what="a list of levels")
    at = tuple(s.check(f"at[{k}]", v, int) for k, v in enumerate(at))
    values = tuple(s.check(f"levels[{k}]", v, float) for k, v in enumerate(levels))
    if not at or len(at) != len(values):
        raise s.error("levels", f"gives {len(values)} levels for {len(at)} steps", "give one level per step in at")
    if any(not 0 <= k < steps for k in at) or list(at) != sorted(set(at)):
        raise s.error("at", f"{list(at)} must rise strictly within the time grid 0..{steps - 1}",
                      f"give increasing steps from 0 to {steps - 1}")  # fmt: skip
    return Steps(at, values)


def _ramp(s: Section, steps: int) -> Ramp:
    start, end = s.integer("start"), s.integer("end")
    if not start < end <= steps:
        raise s.error("end", f"the ramp {start}..{end} must satisfy start < end <= {steps} (the time grid)",
                      "move it inside the grid")  # fmt: skip
    return Ramp(start, end, s.number("from"), s.number("to"))


def _pulses(s: Section, steps: int) -> Pulses:
    period, on = s.integer("period", minimum=1), s.integer("on", minimum=1)
    start = s.integer("start", 0)
    if on >= period or start >= steps:
        raise s.error("on" if on >= period else "start", f"pulses of {on} in {period} steps from step {start} do "
                      f"not fit the time grid 0..{steps - 1}", "give on < period and start < steps")  # fmt: skip
    return Pulses(period, on, s.number("level"), start, s.number("low", 0.0))


def _gradient(s: Section, count: int) -> Gradient:
    origins = s.take("from", list, what="a list of positions")
    decays = s.take("decay", list, what="a list of decay lengths")
    amplitudes = s.take("amplitude", list, [1.0] * len(origins))
    origins = tuple(s.check(f"from[{k}]", v, float) for k, v in enumerate(origins))
    decays = tuple(s.check(f"decay[{k}]", v, float) for k, v in enumerate(decays))
    amplitudes = tuple(s.check(f"amplitude[{k}]", v, float) for k, v in enumerate(amplitudes))
    if not origins or not len(origins) == len(decays) == len(amplitudes) or min(decays) <= 0:
        raise s.error("decay", "needs one positive decay (and amplitude) per origin", "give lists of one length")
    return Gradient(origins, decays, amplitudes)


_READERS = {"steps": _steps, "ramp": _ramp, "pulses": _pulses, "gradient": _gradient}

__all__ = ["Constant", "Gradient", "Pulses", "Ramp", "Schedule", "Steps", "Table", "fail", "read_schedule",
           "read_table"]  # fmt: skip
