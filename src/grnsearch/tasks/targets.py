"""Targets of a task file: what a scored gene should do over the states of a condition (the
states after steps 1..T), or over the positions of a spatial task at its scored steps. Small
strategy objects, each with its TOML form:

- a number: constant; a string: constant at a level the condition draws;
- ``{ kind = "steps", at = [1, 20], levels = [0.1, 0.8] }``: ``levels[i]`` from state ``at[i]``;
- ``{ kind = "adaptation-pulse", base = 0.4, amplitude = 1.0, start = 0 }``: base +
  amplitude A(s - start) after ``start``, A(s) = 2 (exp(-s/6) - exp(-s/3)) (amplitude may name a draw);
- ``{ kind = "triangle", period = 15, rise = 5, fall = 5, low = 0.0, high = 1.0, start = 1 }``:
  triangular pulses beginning every ``period`` steps (duty (rise + fall) / period);
- ``{ kind = "square", period = 20, on = 10, low = 0.0, high = 1.0, start = 1 }``;
- ``{ kind = "approach", from = 0.0, to = 1.0, rate = 0.5, start = 0 }``: an exponential
  approach, to + (from - to) exp(-rate t) with t the time since ``start``;
- ``{ kind = "table", file = "targets.csv", column = "g1" }`` (or ``values = [...]``).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.tasks.fields import Section
from grnsearch.tasks.schedules import Table, read_table


def pulse(steps: np.ndarray | jax.Array) -> jax.Array:
    """The adaptation response shape A(s) = 2 (exp(-s/6) - exp(-s/3)) (float32)."""
    s = jnp.asarray(steps, dtype=jnp.float32)
    return 2.0 * (jnp.exp(-s / 6.0) - jnp.exp(-s / 3.0))


def triangle(steps: np.ndarray, period: int, rise: int, fall: int) -> np.ndarray:
    """Triangular pulses beginning every ``period`` steps: 0 -> 1 over ``rise`` steps, back to 0
    over ``fall``, then 0 for the rest of the period (float64)."""
    phase = np.mod(np.asarray(steps, dtype=float), period)
    rising = phase / rise
    falling = (rise + fall - phase) / fall
    return np.clip(np.minimum(rising, falling), 0.0, None)


class Target(abc.ABC):
    """What one scored gene should do in one condition."""

    kind: ClassVar[str]

    @abc.abstractmethod
    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray | jax.Array:
        """Target values of the states after steps 1..``steps``: float32, length ``steps``."""

    @abc.abstractmethod
    def to_toml(self) -> Any:
        """The TOML value that states this target."""

    def at_positions(self, count: int) -> np.ndarray:
        """Spatial tasks: values at the ``count`` positions (float32)."""
        return np.full(count, np.float32(self.values(1, 1.0, {})[0]))


def _scale(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return (x if (low, high) == (0.0, 1.0) else low + (high - low) * x).astype(np.float32)


@dataclass(frozen=True)
class Level(Target):
    """A constant level, or the level the condition draws under the name ``value``."""

    value: float | str
    kind: ClassVar[str] = "constant"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray | jax.Array:
        if isinstance(self.value, str):
            return jnp.full((steps,), draws[self.value], dtype=jnp.float32)
        return np.full(steps, self.value, dtype=np.float32)

    def to_toml(self) -> Any:
        return self.value


@dataclass(frozen=True)
class StepLevels(Target):
    """``levels[i]`` from the state after step ``at[i]`` on (0 before the first)."""

    at: tuple[int, ...]
    levels: tuple[float, ...]
    kind: ClassVar[str] = "steps"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray:
        out = np.zeros(steps, dtype=np.float32)
        for start, level in zip(self.at, self.levels, strict=True):
            out[start - 1 :] = level
        return out

    def to_toml(self) -> Any:
        return {"kind": self.kind, "at": list(self.at), "levels": list(self.levels)}


@dataclass(frozen=True)
class AdaptationPulse(Target):
    """base + amplitude A(s - start) for states s after ``start``, else base."""

    base: float
    amplitude: float | str
    start: int = 0
    kind: ClassVar[str] = "adaptation-pulse"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray | jax.Array:
        # A(s) on the host in double precision: constant targets must not depend on how XLA
        # fuses (and so evaluates exp in) the program they are traced into
        s = np.maximum(np.arange(1, steps + 1) - self.start, 0).astype(np.float64)
        shape = 2.0 * (np.exp(-s / 6.0) - np.exp(-s / 3.0))
        if isinstance(self.amplitude, str):
            return self.base + draws[self.amplitude] * jnp.asarray(shape, dtype=jnp.float32)
        return (self.base + self.amplitude * shape).astype(np.float32)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "base": self.base, "amplitude": self.amplitude, "start": self.start}


@dataclass(frozen=True)
class Triangle(Target):
    """Triangular pulses between ``low`` and ``high`` beginning every ``period`` steps from the
    state after step ``start``."""

    period: int
    rise: int
    fall: int
    low: float = 0.0
    high: float = 1.0
    start: int = 1
    kind: ClassVar[str] = "triangle"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray:
        s = np.arange(1, steps + 1)
        wave = np.where(s >= self.start, triangle(s - self.start, self.period, self.rise, self.fall), 0.0)
        return _scale(wave, self.low, self.high)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "period": self.period, "rise": self.rise, "fall": self.fall, "low": self.low,
                "high": self.high, "start": self.start}  # fmt: skip


@dataclass(frozen=True)
class Square(Target):
    """``high`` for ``on`` of every ``period`` states from the state after step ``start``, else ``low``."""

    period: int
    on: int
    low: float = 0.0
    high: float = 1.0
    start: int = 1
    kind: ClassVar[str] = "square"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray:
        s = np.arange(1, steps + 1)
        on = (s >= self.start) & (np.mod(s - self.start, self.period) < self.on)
        return np.where(on, self.high, self.low).astype(np.float32)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "period": self.period, "on": self.on, "low": self.low, "high": self.high,
                "start": self.start}  # fmt: skip


@dataclass(frozen=True)
class Approach(Target):
    """``initial`` until ``start``, then to + (from - to) exp(-rate t), t the time since ``start``."""

    initial: float
    final: float
    rate: float
    start: int = 0
    kind: ClassVar[str] = "approach"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray:
        t = np.maximum(np.arange(1, steps + 1) - self.start, 0) * dt
        return (self.final + (self.initial - self.final) * np.exp(-self.rate * t)).astype(np.float32)

    def to_toml(self) -> Any:
        return {"kind": self.kind, "from": self.initial, "to": self.final, "rate": self.rate, "start": self.start}


@dataclass(frozen=True)
class TableTarget(Target):
    """One value per state (or per position, spatial), from a CSV column or inline."""

    table: Table
    kind: ClassVar[str] = "table"

    def values(self, steps: int, dt: float, draws: dict[str, jax.Array]) -> np.ndarray:
        return np.asarray(self.table.values, dtype=np.float32)

    def at_positions(self, count: int) -> np.ndarray:
        return np.asarray(self.table.values, dtype=np.float32)

    def to_toml(self, inline: bool = False) -> Any:
        return self.table.to_toml(inline)


TARGET_KINDS = ("steps", "adaptation-pulse", "triangle", "square", "approach", "table")


def read_target(sec: Section, gene: str, value: Any, count: int, spatial: bool, draws: tuple[str, ...]) -> Target:
    """The target of ``gene`` given as ``value``, checked against the condition's ``count``
    states (or positions, spatial) and its ``draws``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Level(float(sec.check(gene, value, float)))
    if isinstance(value, str):
        if value not in draws:
            raise sec.error(gene, f"names no draw of this condition: {value!r}", "give a number or draw it")
        return Level(value)
    s = Section(value, sec.key(gene), sec.source, sec.base_dir)
    kinds = ("table",) if spatial else TARGET_KINDS
    kind = s.known("kind", s.take("kind", str, what=f"one of {', '.join(kinds)}"), kinds, "target")
    target = _read(kind, s, count, draws, "positions" if spatial else "states (after steps 1..steps)")
    s.done()
    return target


def _read(kind: str, s: Section, count: int, draws: tuple[str, ...], what: str) -> Target:
    start = s.integer("start", 1 if kind in ("triangle", "square") else 0, maximum=count) if kind not in (
        "table", "steps") else 0  # fmt: skip
    if kind == "table":
        return TableTarget(read_table(s, count, what))
    if kind == "steps":
        at = tuple(s.check(f"at[{k}]", v, int) for k, v in enumerate(s.take("at", list, what="a list of states")))
        levels = tuple(s.check(f"levels[{k}]", v, float) for k, v in enumerate(s.take("levels", list)))
        if not at or len(at) != len(levels) or list(at) != sorted(set(at)) or not 1 <= at[0] <= at[-1] <= count:
            raise s.error("at", f"{list(at)} must rise strictly within the states 1..{count}, one level each",
                          f"give increasing states from 1 to {count} and one level per state")  # fmt: skip
        return StepLevels(at, levels)
    if kind == "adaptation-pulse":
        amplitude = s.take("amplitude", (float, str), 1.0, "a number or the name of a draw")
        if isinstance(amplitude, str) and amplitude not in draws:
            raise s.error("amplitude", f"names no draw of this condition: {amplitude!r}", "give a number or draw it")
        return AdaptationPulse(s.number("base"), amplitude, start)
    if kind == "approach":
        return Approach(s.number("from"), s.number("to"), s.number("rate", minimum=0.0, strict=True), start)
    period = s.integer("period", minimum=2)
    if kind == "triangle":
        rise, fall = s.integer("rise", minimum=1), s.integer("fall", minimum=1)
        if rise + fall > period:
            raise s.error("fall", f"rise + fall ({rise + fall}) exceed the period {period}", "shorten the pulse")
        return Triangle(period, rise, fall, s.number("low", 0.0), s.number("high", 1.0), start)
    on = s.integer("on", minimum=1, maximum=period - 1)
    return Square(period, on, s.number("low", 0.0), s.number("high", 1.0), start)
