"""The settings and thresholds of a task's Hill screen: task data, read by the exhaustive Hill
search (:mod:`grnsearch.hillsearch`) and by Hill fitting.

:class:`HillScreen` is the general form: each parameter set is simulated by forward Euler (``dt``,
``steps``, every gene from its ``start`` level) under named :class:`Condition` s, each an input
:class:`Schedule` (constant, or piecewise constant from given step indices), and judged on the
readout gene by the condition's criteria (:mod:`grnsearch.tasks.hill_criteria`) and by
``relations`` between conditions. ``stages`` give the order of the staged early rejection: the
conditions of the first stage are simulated for every set, those of the next one only for the
sets that passed so far. A topology succeeds with at least ``min_successful_sets`` sets.
``space`` is the topology space searched (None: every topology of the task's nodes passing the
paper's filter: every input regulates a gene, the genes are strongly connected). Parameter sets
are drawn in blocks of ``sample_block`` (block k of a topology from ``fold_in(key, k)``);
``samples`` per topology unless a search is told otherwise.

:class:`OscillationScreen` holds the controlled-oscillation screen's numbers (METHOD.md section
5: dt 0.25, 200 steps, every gene starts at 0.1, judged over the second half of the steps: without
input var < 0.002; under I1 = 0.8 var > 0.01 and the readout both rises and falls (max increment
* min increment < -0.001); under I2 = 0.8 mean > 4 x the no-input mean and var < 0.002);
:meth:`OscillationScreen.spec` is that screen as a :class:`HillScreen`, staged with I1 first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.network.space import TopologySpace
from grnsearch.tasks.hill_criteria import (
    Criterion,
    MeanRatio,
    RisesAndFalls,
    Variance,
    Window,
    criterion_from_dict,
    criterion_to_dict,
)


def _fail(message: str) -> GrnsearchError:
    return GrnsearchError(message, parameter="hill_screen")


@dataclass(frozen=True)
class Schedule:
    """Piecewise-constant inputs: ``levels[k]`` (one level per input) drives the Euler steps from
    step ``starts[k]`` on (``starts[0] == 0``, increasing)."""

    levels: tuple[tuple[float, ...], ...]
    starts: tuple[int, ...] = (0,)

    @classmethod
    def constant(cls, *levels: float) -> Schedule:
        """The same levels throughout."""
        return cls((tuple(float(v) for v in levels),))

    def check(self, steps: int, n_inputs: int, where: str) -> None:
        """GrnsearchError naming ``where`` unless the schedule fits ``steps`` and ``n_inputs``."""
        if len(self.levels) != len(self.starts) or not self.levels:
            raise _fail(f"{where}: give one start step per level (got {len(self.starts)} and {len(self.levels)})")
        if self.starts[0] != 0 or any(not (a < b) for a, b in zip(self.starts, self.starts[1:], strict=False)):
            raise _fail(f"{where}: start steps {self.starts} must begin at 0 and increase")
        if self.starts[-1] >= steps:
            raise _fail(f"{where}: a level starts at step {self.starts[-1]}, outside the {steps} steps")
        if any(len(row) != n_inputs or any(not np.isfinite(v) or v < 0 for v in row) for row in self.levels):
            raise _fail(f"{where}: every level needs {n_inputs} finite values >= 0 (one per input)")

    def level_at(self, step: int) -> tuple[float, ...]:
        """The input levels driving the Euler step from state ``step``."""
        return self.levels[int(np.searchsorted(self.starts, step, side="right")) - 1]

    def relative_change(self, step: int) -> float | None:
        """The largest |after - before| / before over the inputs that change at ``step`` (inf
        when one of them was 0); None when none changes there."""
        if step not in self.starts[1:]:
            return None
        before, after = self.level_at(step - 1), self.level_at(step)
        changes = [abs(a - b) / b if b > 0 else np.inf for a, b in zip(after, before, strict=True) if a != b]
        return max(changes) if changes else None

    def as_array(self, steps: int) -> np.ndarray:
        """Inputs (steps, n_inputs), one row per Euler step."""
        return np.asarray([self.level_at(k) for k in range(steps)], dtype=np.float32).reshape(steps, -1)


@dataclass(frozen=True)
class Condition:
    """A named input schedule and the criteria on the readout under it."""

    name: str
    schedule: Schedule
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class HillScreen:
    """A general Hill screen (module docstring); validated when built."""

    conditions: tuple[Condition, ...]
    stages: tuple[tuple[str, ...], ...]
    dt: float = 0.25
    steps: int = 200
    start: tuple[float, ...] | float = 0.1
    relations: tuple[MeanRatio, ...] = ()
    readout: int = 0
    n: float = 2.0
    min_successful_sets: int = 2
    space: TopologySpace | None = field(default=None)
    sample_block: int = 20_000  # parameter sets drawn per random block (block k from fold_in(key, k))
    samples: int = 160_000  # parameter sets per topology when a search is not told otherwise

    def __post_init__(self) -> None:
        if not (isinstance(self.dt, (int, float)) and 0 < self.dt <= 1):
            raise _fail(f"dt must be in (0, 1] (an Euler step of the unit decay), got {self.dt!r}")
        if not (isinstance(self.steps, int) and 1 <= self.steps <= 100_000):
            raise _fail(f"steps must be a whole number in 1..100000, got {self.steps!r}")
        if not (isinstance(self.sample_block, int) and 1 <= self.sample_block <= 1_000_000):
            raise _fail(f"sample_block must be a whole number in 1..1000000, got {self.sample_block!r}")
        if not (isinstance(self.samples, int) and 1 <= self.samples <= 10_000_000):
            raise _fail(f"samples must be a whole number in 1..10000000, got {self.samples!r}")
        if not (isinstance(self.min_successful_sets, int) and self.min_successful_sets >= 1):
            raise _fail(f"min_successful_sets must be a whole number >= 1, got {self.min_successful_sets!r}")
        starts = self.start if isinstance(self.start, tuple) else (self.start,)
        if not all(isinstance(v, (int, float)) and np.isfinite(v) and v >= 0 for v in starts):
            raise _fail(f"start levels must be finite numbers >= 0, got {self.start!r}")
        names = [c.name for c in self.conditions]
        if not names or len(set(names)) != len(names):
            raise _fail(f"give at least one condition, each with its own name; got {names}")
        staged = [name for stage in self.stages for name in stage]
        if sorted(staged) != sorted(names):
            raise _fail(f"stages {self.stages} must list every condition ({', '.join(names)}) exactly once")
        n_inputs = len(self.conditions[0].schedule.levels[0])
        for condition in self.conditions:
            where = f"condition {condition.name!r}"
            condition.schedule.check(self.steps, n_inputs, where)
            if not condition.criteria:
                raise _fail(f"{where} has no criteria; give at least one")
            for criterion in condition.criteria:
                criterion.check(self.steps, condition.schedule.relative_change, f"{where}, {criterion.kind}")
        self._check_relations(names)

    def _check_relations(self, names: list[str]) -> None:
        stage_of = {name: k for k, stage in enumerate(self.stages) for name in stage}
        for relation in self.relations:
            where = f"relation {relation.numerator!r} / {relation.denominator!r}"
            if relation.numerator not in names or relation.denominator not in names:
                raise _fail(f"{where}: both must be conditions ({', '.join(names)})")
            if stage_of[relation.numerator] != stage_of[relation.denominator]:
                raise _fail(f"{where}: put both conditions in the same stage")
            relation.window.check(self.steps, where)

    # ---- description ------------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        """Inputs of the screen's schedules."""
        return len(self.conditions[0].schedule.levels[0])

    def condition(self, name: str) -> Condition:
        """The condition called ``name``."""
        return next(c for c in self.conditions if c.name == name)

    def start_levels(self, n_genes: int) -> np.ndarray:
        """Start levels (n_genes,) float32."""
        starts = self.start if isinstance(self.start, tuple) else (self.start,) * n_genes
        if len(starts) != n_genes:
            raise _fail(f"start gives {len(starts)} levels for {n_genes} genes; give one per gene or one for all")
        return np.asarray(starts, dtype=np.float32)

    def inputs(self) -> np.ndarray:
        """Every condition's inputs (conditions, steps, n_inputs), in the order of ``conditions``."""
        return np.stack([c.schedule.as_array(self.steps) for c in self.conditions])

    # ---- files ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` reads it back to an equal screen."""
        return {
            "dt": self.dt,
            "steps": self.steps,
            "start": list(self.start) if isinstance(self.start, tuple) else self.start,
            "readout": self.readout,
            "n": self.n,
            "min_successful_sets": self.min_successful_sets,
            "sample_block": self.sample_block,
            "samples": self.samples,
            "stages": [list(stage) for stage in self.stages],
            "conditions": [
                {
                    "name": c.name,
                    "schedule": {"levels": [list(row) for row in c.schedule.levels], "starts": list(c.schedule.starts)},
                    "criteria": [criterion_to_dict(k) for k in c.criteria],
                }
                for c in self.conditions
            ],
            "relations": [r.to_dict() for r in self.relations],
            "space": None if self.space is None else self.space.to_dict(),
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> HillScreen:
        """The screen of :meth:`to_dict`'s record; GrnsearchError naming what is wrong."""
        known = set(asdict_fields())
        if not isinstance(record, Mapping) or set(record) - known:
            unknown = sorted(set(record) - known) if isinstance(record, Mapping) else [repr(record)]
            raise _fail(f"unknown Hill screen key {unknown[0]!r}; known: {', '.join(sorted(known))}")
        try:
            conditions = tuple(
                Condition(
                    c["name"],
                    Schedule(
                        tuple(tuple(float(v) for v in row) for row in c["schedule"]["levels"]),
                        tuple(int(s) for s in c["schedule"].get("starts", [0])),
                    ),
                    tuple(criterion_from_dict(k) for k in c["criteria"]),
                )
                for c in record["conditions"]
            )
            values = {k: v for k, v in record.items() if k not in ("conditions", "relations", "stages", "space")}
        except (KeyError, TypeError, ValueError) as err:
            raise _fail(f"a condition needs name, schedule (levels, starts) and criteria ({err})") from None
        if isinstance(values.get("start"), list):
            values["start"] = tuple(values["start"])
        space = record.get("space")
        return cls(
            conditions=conditions,
            stages=tuple(tuple(stage) for stage in record.get("stages", [])),
            relations=tuple(MeanRatio.from_dict(r) for r in record.get("relations", [])),
            space=None if space is None else TopologySpace.from_dict(space),
            **values,
        )


def asdict_fields() -> tuple[str, ...]:
    """The keys of :meth:`HillScreen.to_dict`."""
    return (
        "dt",
        "steps",
        "start",
        "readout",
        "n",
        "min_successful_sets",
        "sample_block",
        "samples",
        "stages",
        "conditions",
        "relations",
        "space",
    )


@dataclass(frozen=True)
class OscillationScreen:
    """Settings and thresholds of the controlled-oscillation screen (defaults: the paper's)."""

    dt: float = 0.25
    steps: int = 200
    start: float = 0.1
    level: float = 0.8
    rest_max_var: float = 0.002
    oscillation_min_var: float = 0.01
    turn_threshold: float = 0.001
    hold_fold: float = 4.0
    hold_max_var: float = 0.002
    min_successful_sets: int = 2
    n: float = 2.0
    readout: int = 0

    def inputs(self, n_inputs: int = 2) -> np.ndarray:
        """The three conditions (no input, I1, I2) as inputs (3, steps, n_inputs)."""
        return self.spec(n_inputs).inputs()

    def condition_levels(self, n_inputs: int = 2) -> np.ndarray:
        """Constant input levels (3, n_inputs) of the conditions no input, I1, I2."""
        levels = np.zeros((3, n_inputs), dtype=np.float32)
        levels[1, 0] = self.level
        levels[2, 1] = self.level
        return levels

    def spec(self, n_inputs: int = 2) -> HillScreen:
        """This screen as a :class:`HillScreen`: conditions "no input", "I1", "I2" (constant
        levels), judged over the second half of the steps, I1 screened first."""
        levels = [tuple(float(v) for v in row) for row in self.condition_levels(n_inputs)]
        half = Window(self.steps // 2, self.steps)
        return HillScreen(
            conditions=(
                Condition("no input", Schedule((levels[0],)), (Variance(half, max=self.rest_max_var),)),
                Condition(
                    "I1",
                    Schedule((levels[1],)),
                    (Variance(half, min=self.oscillation_min_var), RisesAndFalls(half, self.turn_threshold)),
                ),
                Condition("I2", Schedule((levels[2],)), (Variance(half, max=self.hold_max_var),)),
            ),
            stages=(("I1",), ("no input", "I2")),
            relations=(MeanRatio("I2", "no input", half, self.hold_fold),),
            dt=self.dt,
            steps=self.steps,
            start=self.start,
            readout=self.readout,
            n=self.n,
            min_successful_sets=self.min_successful_sets,
        )

    def as_dict(self) -> dict[str, Any]:
        """The numbers, as recorded by Hill fits."""
        return asdict(self)


def as_spec(screen: HillScreen | OscillationScreen, n_inputs: int) -> HillScreen:
    """Any task's Hill screen in the general form."""
    return screen.spec(n_inputs) if isinstance(screen, OscillationScreen) else screen
