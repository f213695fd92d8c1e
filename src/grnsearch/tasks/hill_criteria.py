"""The criteria of a Hill screen (:mod:`grnsearch.tasks.hill_screen`): task data, judged on
statistics of the readout gene that the fast screen accumulates during its scan and that the
slow reference computes from stored trajectories.

Steps and windows: the state after ``k`` Euler steps is "the level at step k" (k = 0 is the
start); input level ``k`` of a schedule drives the step from state ``k`` to state ``k + 1``. A
:class:`Window` ``(start, stop)`` covers the states after steps ``start + 1 .. stop``; its
increments are the differences of consecutive states, the first one against the level at step
``start``. Statistics of a window: mean and (population) variance, the largest and the smallest
increment, the largest and the smallest level. Comparisons are strict (``>``, ``<``).

Criteria on one condition: :class:`Variance`, :class:`Mean`, :class:`RisesAndFalls` (max
increment * min increment < -threshold), and for adaptation to a step of the input at step
``at``, with ``pre`` the level at step ``at``:

- :class:`Sensitivity`: peak = the largest |level - pre| over the window (at, stop); relative
  (Ma et al. 2009): (peak / pre) / (relative input change) > minimum; absolute: peak > minimum;
- :class:`Precision` (adaptation error): error = the largest |level - pre| over a final window
  (with a one-step window, |final - pre|); relative: (error / pre) / (relative input change)
  < maximum; absolute: error < maximum.

The relative input change at ``at`` is the largest |after - before| / before over the inputs
that change there. A criterion between conditions: :class:`MeanRatio`, mean under one condition >
ratio x mean under another over the same window.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, NamedTuple

import jax
import jax.numpy as jnp

from grnsearch.errors import GrnsearchError

MOMENTS, INCREMENTS, EXTREMES = "moments", "increments", "extremes"


class WindowStats(NamedTuple):
    """Statistics of the readout over a window, for every parameter set; None when not asked for."""

    mean: jax.Array | None = None
    var: jax.Array | None = None
    max_inc: jax.Array | None = None
    min_inc: jax.Array | None = None
    top: jax.Array | None = None
    bottom: jax.Array | None = None


@dataclass(frozen=True)
class ConditionStats:
    """What the criteria of one condition read: statistics by window and levels at given steps."""

    windows: Mapping[tuple[int, int], WindowStats]
    points: Mapping[int, jax.Array]


@dataclass(frozen=True)
class Window:
    """The states after steps ``start + 1 .. stop``."""

    start: int
    stop: int

    def check(self, steps: int, where: str) -> None:
        """GrnsearchError naming ``where`` unless 0 <= start < stop <= steps."""
        if not (isinstance(self.start, int) and isinstance(self.stop, int) and 0 <= self.start < self.stop <= steps):
            raise GrnsearchError(
                f"{where}: window ({self.start}, {self.stop}) must satisfy 0 <= start < stop <= steps ({steps})",
                parameter="hill_screen",
            )

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.stop)


def _bounded(value: jax.Array, low: float | None, high: float | None) -> jax.Array:
    ok = jnp.ones_like(value, dtype=bool)
    if low is not None:
        ok = ok & (value > low)
    if high is not None:
        ok = ok & (value < high)
    return ok


Requests = tuple[dict[tuple[int, int], set[str]], set[int]]
ChangeAt = Callable[[int], "float | None"]  # the relative input change at a step (None: no change)


@dataclass(frozen=True)
class Criterion(abc.ABC):
    """A criterion on one condition's readout (subclasses state what they compute)."""

    kind: ClassVar[str] = ""

    @abc.abstractmethod
    def requests(self) -> Requests:
        """Statistics it reads: groups by window key, and steps whose level it reads."""

    @abc.abstractmethod
    def check(self, steps: int, change_at: ChangeAt, where: str) -> None:
        """GrnsearchError naming ``where`` when the criterion does not fit the condition."""

    @abc.abstractmethod
    def verdict(self, stats: ConditionStats, change_at: ChangeAt) -> jax.Array:
        """Whether each parameter set passes, from the condition's statistics."""


def _bounds_check(low: float | None, high: float | None, where: str) -> None:
    if low is None and high is None:
        raise GrnsearchError(f"{where}: give `min`, `max` or both", parameter="hill_screen")


@dataclass(frozen=True)
class _WindowBounds(Criterion):
    """min < a statistic of the readout over the window < max (either bound may be None)."""

    statistic: ClassVar[str] = ""  # the field of WindowStats it bounds
    window: Window
    min: float | None = None
    max: float | None = None

    def requests(self) -> Requests:
        return {self.window.key: {MOMENTS}}, set()

    def check(self, steps: int, change_at: ChangeAt, where: str) -> None:
        self.window.check(steps, where)
        _bounds_check(self.min, self.max, where)

    def verdict(self, stats: ConditionStats, change_at: ChangeAt) -> jax.Array:
        return _bounded(getattr(stats.windows[self.window.key], self.statistic), self.min, self.max)


@dataclass(frozen=True)
class Variance(_WindowBounds):
    """min < variance of the readout over the window < max (either bound may be None)."""

    kind: ClassVar[str] = "variance"
    statistic: ClassVar[str] = "var"


@dataclass(frozen=True)
class Mean(_WindowBounds):
    """min < mean of the readout over the window < max (either bound may be None)."""

    kind: ClassVar[str] = "mean"
    statistic: ClassVar[str] = "mean"


@dataclass(frozen=True)
class RisesAndFalls(Criterion):
    """The readout both rises and falls over the window: max increment * min increment < -threshold."""

    kind: ClassVar[str] = "rises_and_falls"
    window: Window
    threshold: float

    def requests(self) -> Requests:
        return {self.window.key: {INCREMENTS}}, set()

    def check(self, steps: int, change_at: ChangeAt, where: str) -> None:
        self.window.check(steps, where)

    def verdict(self, stats: ConditionStats, change_at: ChangeAt) -> jax.Array:
        s = stats.windows[self.window.key]
        return s.max_inc * s.min_inc < -self.threshold


def _deviation(s: WindowStats, pre: jax.Array) -> jax.Array:
    return jnp.maximum(s.top - pre, pre - s.bottom)


def _check_step(at: int, window: Window, relative: bool, change: Any, where: str, *, starts_at_step: bool) -> None:
    if starts_at_step and window.start != at:
        raise GrnsearchError(f"{where}: the window must start at the step `at` ({at})", parameter="hill_screen")
    if window.start < at:
        raise GrnsearchError(f"{where}: the window must not start before the step `at`", parameter="hill_screen")
    if change is None:
        raise GrnsearchError(
            f"{where}: the condition's input does not change at step {at}; give the step index of the "
            "schedule's change as `at`",
            parameter="hill_screen",
        )
    if relative and not 0 < change < math.inf:
        raise GrnsearchError(
            f"{where}: a relative criterion needs inputs above 0 before the step at {at}; use relative = false",
            parameter="hill_screen",
        )


@dataclass(frozen=True)
class Sensitivity(Criterion):
    """The response to the input step at ``at``: the largest |level - pre| over the window
    (at, stop), pre = the level at step ``at``; relative: (peak / pre) / (relative input change)
    > minimum, absolute: peak > minimum."""

    kind: ClassVar[str] = "sensitivity"
    at: int
    window: Window
    minimum: float
    relative: bool = True

    def requests(self) -> Requests:
        return {self.window.key: {EXTREMES}}, {self.at}

    def check(self, steps: int, change_at: ChangeAt, where: str) -> None:
        self.window.check(steps, where)
        _check_step(self.at, self.window, self.relative, change_at(self.at), where, starts_at_step=True)

    def verdict(self, stats: ConditionStats, change_at: ChangeAt) -> jax.Array:
        pre = stats.points[self.at]
        peak = _deviation(stats.windows[self.window.key], pre)
        value = peak / pre / change_at(self.at) if self.relative else peak
        return value > self.minimum


@dataclass(frozen=True)
class Precision(Criterion):
    """The adaptation error after the input step at ``at``: the largest |level - pre| over a
    final window, pre = the level at step ``at``; relative: (error / pre) / (relative input
    change) < maximum (Ma et al.'s 1 / precision), absolute: error < maximum."""

    kind: ClassVar[str] = "precision"
    at: int
    window: Window
    maximum: float
    relative: bool = True

    def requests(self) -> Requests:
        return {self.window.key: {EXTREMES}}, {self.at}

    def check(self, steps: int, change_at: ChangeAt, where: str) -> None:
        self.window.check(steps, where)
        _check_step(self.at, self.window, self.relative, change_at(self.at), where, starts_at_step=False)

    def verdict(self, stats: ConditionStats, change_at: ChangeAt) -> jax.Array:
        pre = stats.points[self.at]
        error = _deviation(stats.windows[self.window.key], pre)
        value = error / pre / change_at(self.at) if self.relative else error
        return value < self.maximum


@dataclass(frozen=True)
class MeanRatio:
    """Between conditions: mean under ``numerator`` > ratio x mean under ``denominator``, both over
    ``window``; the two conditions must be screened in the same stage."""

    numerator: str
    denominator: str
    window: Window
    ratio: float

    def verdict(self, stats: Mapping[str, ConditionStats]) -> jax.Array:
        top = stats[self.numerator].windows[self.window.key].mean
        return top > self.ratio * stats[self.denominator].windows[self.window.key].mean

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "window": [self.window.start, self.window.stop]}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> MeanRatio:
        return _build(cls, record, "relation")


CRITERIA: dict[str, type[Criterion]] = {c.kind: c for c in (Variance, Mean, RisesAndFalls, Sensitivity, Precision)}


def criterion_to_dict(criterion: Criterion) -> dict[str, Any]:
    """JSON-ready form of a criterion: its kind and fields, windows as [start, stop]."""
    record = {"kind": criterion.kind, **asdict(criterion)}
    record["window"] = [criterion.window.start, criterion.window.stop]
    return record


def _build(cls: type, record: Mapping[str, Any], what: str) -> Any:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(record) - names - {"kind"})
    if unknown:
        raise GrnsearchError(
            f"{what} {cls.__name__}: unknown key {unknown[0]!r}; known: {', '.join(sorted(names))}",
            parameter="hill_screen",
        )
    values = {k: v for k, v in record.items() if k != "kind"}
    window = values.get("window")
    if not (isinstance(window, (list, tuple)) and len(window) == 2):
        raise GrnsearchError(f"{what} {cls.__name__}: `window` must be [start, stop]", parameter="hill_screen")
    values["window"] = Window(*window)
    try:
        return cls(**values)
    except TypeError as err:
        raise GrnsearchError(f"{what} {cls.__name__}: {err}", parameter="hill_screen") from None


def criterion_from_dict(record: Mapping[str, Any]) -> Criterion:
    """The criterion of :func:`criterion_to_dict`'s record; GrnsearchError naming the kinds."""
    kind = record.get("kind") if isinstance(record, Mapping) else None
    if kind not in CRITERIA:
        raise GrnsearchError(
            f"unknown criterion kind {kind!r}: choose one of {', '.join(CRITERIA)}", parameter="hill_screen"
        )
    return _build(CRITERIA[kind], record, "criterion")
