"""Conditions and protocols of a task file: a condition is a name, the schedule of each input, the
target of each scored gene, whether every gene must stay at its start, and the levels it draws
at random every iteration; a protocol is a list of conditions on one time grid (its own ``dt``
and ``steps``, or the task's). The training conditions, the metric protocol, the link-mutation
protocol, the Hill-check protocol and the figures' demo conditions are all protocols.

A non-spatial condition's inputs are schedules over steps; a spatial task's are profiles over
positions, held for every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.tasks.fields import Section
from grnsearch.tasks.schedules import Constant, Schedule, read_schedule
from grnsearch.tasks.targets import Target, read_target


@dataclass(frozen=True)
class Condition:
    """One condition: inputs not named are 0; scored genes without a target are not scored."""

    name: str
    inputs: tuple[tuple[str, Schedule], ...] = ()
    targets: tuple[tuple[str, Target], ...] = ()
    stationary: bool = False
    draws: tuple[tuple[str, float, float], ...] = ()

    def to_toml(self) -> dict[str, Any]:
        """The condition's TOML table."""
        out: dict[str, Any] = {"name": self.name}
        if self.draws:
            out["draws"] = {name: [lo, hi] for name, lo, hi in self.draws}
        if self.stationary:
            out["stationary"] = True
        if self.inputs:
            out["inputs"] = {name: schedule.to_toml() for name, schedule in self.inputs}
        if self.targets:
            out["targets"] = {gene: target.to_toml() for gene, target in self.targets}
        return out


@dataclass(frozen=True)
class Protocol:
    """Conditions on one time grid; ``dt`` and ``steps`` None mean the task's."""

    conditions: tuple[Condition, ...]
    dt: float | None = None
    steps: int | None = None

    def names(self) -> tuple[str, ...]:
        """The names of the conditions."""
        return tuple(c.name for c in self.conditions)

    def draw_names(self) -> tuple[str, ...]:
        """Every level drawn at random, in condition order."""
        return tuple(name for c in self.conditions for name, _, _ in c.draws)


def draw_levels(protocol: Protocol, key: jax.Array) -> dict[str, jax.Array]:
    """The protocol's random levels for one iteration: one uniform draw per name, all from ``key``."""
    draws = [d for c in protocol.conditions for d in c.draws]
    if not draws:
        return {}
    low = jnp.asarray([lo for _, lo, _ in draws], dtype=jnp.float32)
    high = jnp.asarray([hi for _, _, hi in draws], dtype=jnp.float32)
    values = jax.random.uniform(key, (len(draws),), minval=low, maxval=high)
    return {name: values[k] for k, (name, _, _) in enumerate(draws)}


def _stack(rows: list[Any], dtype: Any = np.float32, axis: int = 0) -> Any:
    """Stack rows with NumPy when all are NumPy (static), else with jnp (float32). (No transpose
    after stacking: inside a compiled program it changes how XLA evaluates the rows' exp.)"""
    if all(isinstance(r, np.ndarray) for r in rows):
        return np.stack(rows, axis=axis).astype(dtype)
    return jnp.stack([jnp.asarray(r, dtype=jnp.float32) for r in rows], axis=axis)


def step_inputs(
    protocol: Protocol, inputs: tuple[str, ...], steps: int, draws: dict[str, jax.Array], dtype: Any = np.float32
) -> Any:
    """Inputs (C, steps, n_inputs) of a non-spatial protocol (NumPy of ``dtype`` when nothing
    is drawn)."""
    zero = Constant(0.0)
    rows = []
    for condition in protocol.conditions:
        given = dict(condition.inputs)
        rows.append(_stack([given.get(name, zero).levels(steps, draws, dtype) for name in inputs], dtype, axis=-1))
    return _stack(rows, dtype)


def profile_inputs(protocol: Protocol, inputs: tuple[str, ...], steps: int, x: np.ndarray) -> np.ndarray:
    """Inputs (C, steps, P, n_inputs) of a spatial protocol at positions ``x``: each input's
    profile (float64, then float32), held for every step."""
    zero = Constant(0.0)
    out = []
    for condition in protocol.conditions:
        given = dict(condition.inputs)
        profile = np.stack([given.get(name, zero).at_positions(x) for name in inputs], axis=-1).astype(np.float32)
        out.append(np.broadcast_to(profile, (steps, *profile.shape)))
    return np.stack(out)


def step_targets(protocol: Protocol, scored: tuple[str, ...], steps: int, dt: float, draws: dict) -> tuple[Any, Any]:
    """Targets and mask (C, steps, n_scored) of a non-spatial protocol; a scored gene without a
    target in a condition has mask 0 there (and target 0)."""
    targets, masks = [], []
    for condition in protocol.conditions:
        given = dict(condition.targets)
        zeros = np.zeros(steps, dtype=np.float32)
        targets.append(_stack([given[g].values(steps, dt, draws) if g in given else zeros for g in scored], axis=-1))
        masks.append(np.asarray([[g in given for g in scored]] * steps, dtype=np.float32))
    return _stack(targets), np.stack(masks)


def profile_targets(protocol: Protocol, scored: tuple[str, ...], k: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Targets and mask (C, k, P, n_scored) of a spatial protocol at its ``k`` scored steps."""
    targets, masks = [], []
    for condition in protocol.conditions:
        given = dict(condition.targets)
        zeros = np.zeros(count, dtype=np.float32)
        per_position = np.stack([given[g].at_positions(count) if g in given else zeros for g in scored], axis=-1)
        targets.append(np.broadcast_to(per_position, (k, *per_position.shape)))
        present = np.asarray([g in given for g in scored], dtype=np.float32)
        masks.append(np.broadcast_to(present, (k, count, len(scored))))
    return np.stack(targets).astype(np.float32), np.stack(masks)


def read_conditions(
    table: Section, nodes: dict[str, tuple[str, ...]], count: int, spatial: bool, *, targets: bool, draws: bool
) -> tuple[Condition, ...]:
    """The ``[[condition]]`` tables of ``table``: at least one, each named once. ``nodes`` names
    the inputs and the scored genes; ``count`` is the number of steps (or positions, spatial)."""
    rows = table.tables("condition")
    if not rows:
        raise table.error("condition", "has no conditions", f"add at least one [[{table.key('condition')}]]")
    conditions = tuple(_read_condition(row, nodes, count, spatial, targets, draws) for row in rows)
    names = [c.name for c in conditions]
    repeated = [n for k, n in enumerate(names) if n in names[:k]]
    if repeated:
        raise table.error("condition", f"names the condition {repeated[0]!r} twice", "give each condition its own name")
    return conditions


def _read_condition(
    s: Section, nodes: dict[str, tuple[str, ...]], count: int, spatial: bool, targets: bool, draws: bool
) -> Condition:
    name = s.take("name", str, what="the condition's name")
    drawn: tuple[tuple[str, float, float], ...] = ()
    if draws and s.has("draws"):
        d = s.table("draws")
        for draw in list(d.values):
            pair = d.take(draw, list, what="[low, high]")
            lo, hi = (d.check(f"{draw}[{k}]", v, float) for k, v in enumerate(pair)) if len(pair) == 2 else (1, 0)
            if not lo < hi:
                raise d.error(draw, f"{pair!r} is not a range [low, high] with low < high", "give [low, high]")
            drawn += ((draw, lo, hi),)
    names = tuple(n for n, _, _ in drawn)
    stationary = s.take("stationary", bool, False) if targets else False
    sched = s.table("inputs", None)
    inputs: tuple[tuple[str, Schedule], ...] = ()
    if sched is not None:
        for node in list(sched.values):
            sched.known(node, node, nodes["inputs"], "input")
            inputs += ((node, read_schedule(sched, node, sched.values.pop(node), count, spatial, names)),)
    wanted: tuple[tuple[str, Target], ...] = ()
    aims = s.table("targets", None) if targets else None
    if aims is not None:
        for gene in list(aims.values):
            if gene not in nodes["scored"]:
                raise aims.error(gene, f"{gene!r} is not a scored gene (scored: {', '.join(nodes['scored'])})",
                                 "add it to scored, or remove its target")  # fmt: skip
            wanted += ((gene, read_target(aims, gene, aims.values.pop(gene), count, spatial, names)),)
    s.done()
    return Condition(name, inputs, wanted, stationary, drawn)
