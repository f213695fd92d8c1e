"""The stimulus protocol of an export: a task's time courses (inputs held constant on each step, as
the simulator holds them) rewritten as what SBML and SED-ML can state.

All conditions share one time grid (``steps`` steps of ``dt``, run length ``steps * dt``). The
inputs of each condition are piecewise constant: they may change only at *switch times*, the step
boundaries where any condition's input changes. For every switch k (1, 2, ...) the exported model
has a parameter ``t_switch_k`` (its time), one parameter ``<input>_level_k`` per input (the level
from that time on) and an event ``switch_k`` that sets each input to its level at that time. A
condition is then a set of parameter values: the inputs' values at time 0 and their
``_level_k``. Conditions that differ only in constant levels (no switch) need no event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.tasks.base import DemoCondition


def level_id(input_name: str, switch: int) -> str:
    """The parameter holding ``input_name``'s level from switch ``switch`` (1-based) on."""
    return f"{input_name}_level_{switch}"


def switch_time_id(switch: int) -> str:
    """The parameter holding the time of switch ``switch`` (1-based)."""
    return f"t_switch_{switch}"


def switch_event_id(switch: int) -> str:
    """The event that applies switch ``switch`` (1-based)."""
    return f"switch_{switch}"


def _level(value: float) -> float:
    # the shortest decimal that is the same single-precision number: tasks build inputs in
    # float32, and 0.8 reads better than 0.800000011920929 (the difference is below 1e-7)
    return float(str(np.float32(value)))


@dataclass(frozen=True)
class ProtocolCondition:
    """One time course: an id (``c0``, ``c1``, ...), its label and the input levels
    (n_switches + 1, n_inputs) from time 0 and from each switch time."""

    id: str
    label: str
    levels: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Protocol:
    """Time grid, switch steps and conditions of a piecewise-constant input protocol."""

    inputs: tuple[str, ...]
    dt: float
    steps: int
    switch_steps: tuple[int, ...]
    conditions: tuple[ProtocolCondition, ...]

    @property
    def duration(self) -> float:
        """Run length (time units)."""
        return round(self.steps * self.dt, 12)

    @property
    def switch_times(self) -> tuple[float, ...]:
        """Times of the switches (time units)."""
        return tuple(round(k * self.dt, 12) for k in self.switch_steps)

    def parameter_values(self, condition: ProtocolCondition) -> dict[str, float]:
        """The model parameters that make up ``condition``: inputs at time 0, levels per switch."""
        values = dict(zip(self.inputs, condition.levels[0], strict=True))
        for k, levels in enumerate(condition.levels[1:], start=1):
            values |= {level_id(name, k): v for name, v in zip(self.inputs, levels, strict=True)}
        return values

    def switch_times_parameters(self) -> dict[str, float]:
        """``t_switch_k`` by switch."""
        return {switch_time_id(k): t for k, t in enumerate(self.switch_times, start=1)}

    def changing_inputs(self, switch: int) -> tuple[str, ...]:
        """The inputs that change at switch ``switch`` (1-based) in at least one condition."""
        return tuple(
            name
            for i, name in enumerate(self.inputs)
            if any(c.levels[switch][i] != c.levels[switch - 1][i] for c in self.conditions)
        )

    def input_arrays(self) -> np.ndarray:
        """The inputs per step (conditions, steps, n_inputs), float64, as the simulator takes them."""
        bounds = (0, *self.switch_steps, self.steps)
        out = np.empty((len(self.conditions), self.steps, len(self.inputs)))
        for c, condition in enumerate(self.conditions):
            for s, levels in enumerate(condition.levels):
                out[c, bounds[s] : bounds[s + 1]] = levels
        return out


def protocol_from_conditions(conditions: Sequence[DemoCondition], inputs: Sequence[str]) -> Protocol:
    """The protocol of a task's time courses (e.g. ``task.check_conditions()``): they must share
    dt and length and have one column per input."""
    conditions = list(conditions)
    if not conditions:
        raise GrnsearchError("a protocol needs at least one condition")
    dts = {float(c.dt) for c in conditions}
    arrays = [np.asarray(c.inputs, dtype=np.float64) for c in conditions]
    shapes = {a.shape for a in arrays}
    if len(dts) != 1 or len(shapes) != 1:
        raise GrnsearchError(
            "the conditions of one exported protocol must share dt and length; got dt "
            f"{sorted(dts)} and input shapes {sorted(shapes)}"
        )
    (dt,), ((steps, n_inputs),) = dts, shapes
    if n_inputs != len(inputs) or steps < 1 or not dt > 0:
        raise GrnsearchError(f"condition inputs of shape {(steps, n_inputs)} and dt {dt} do not fit inputs {inputs}")
    levels = [np.vectorize(_level)(a) if a.size else a for a in arrays]
    if not all(np.all(np.isfinite(a)) for a in levels):
        raise GrnsearchError("condition inputs must be finite to be exported")
    changes = np.zeros(steps, dtype=bool)
    for a in levels:
        changes[1:] |= np.any(a[1:] != a[:-1], axis=1)
    switch_steps = tuple(int(k) for k in np.flatnonzero(changes))
    starts = (0, *switch_steps)
    return Protocol(
        inputs=tuple(inputs),
        dt=dt,
        steps=steps,
        switch_steps=switch_steps,
        conditions=tuple(
            ProtocolCondition(f"c{c}", condition.label, tuple(tuple(float(v) for v in a[k]) for k in starts))
            for c, (condition, a) in enumerate(zip(conditions, levels, strict=True))
        ),
    )
