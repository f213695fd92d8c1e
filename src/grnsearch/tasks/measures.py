"""Metrics and success criteria of a task file: named primitives computed on the states of the
task's metric protocol, and thresholds on them.

A metric (``[[metric]]``) has a ``name``, a ``kind`` and the gene, input and condition(s) it
reads; with ``conditions = [...]`` instead of ``condition`` it gives a curve, one value per
condition. Kinds:

- ``min``, ``max``, ``peak-to-trough``, ``mean``, ``final`` of a ``gene`` (``mean`` over the
  ``last`` states when given); ``plateau``: the mean over the ``last`` states (default half);
- ``period``: the mean spacing (time units) of the gene's peaks above the middle of its range;
- ``sensitivity`` and ``adaptation-error`` after the input step at step ``at``: max(g after) -
  g(at), and |g(end) - g(at)|;
- ``input-level``: an ``input``'s level at the last step;
- ``mse``: the mean squared error of the scored genes against the condition's targets;
- ``final-state``: every gene's final state (a curve for figures).

A criterion (``[[criterion]]``) names a metric and one rule: ``at_least``, ``at_most``,
``below``, ``above``, or ``near`` with ``tolerance`` or ``relative_tolerance``; its ``name``
is the task parameter that sets its threshold (``tasks.get("adaptation", min_sensitivity=0.2)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.tasks.fields import Section

GENE_KINDS = ("min", "max", "peak-to-trough", "mean", "plateau", "final", "period", "sensitivity",
              "adaptation-error")  # fmt: skip
METRIC_KINDS = (*GENE_KINDS, "input-level", "mse", "final-state")
RULES = ("at_least", "at_most", "below", "above", "tolerance", "relative_tolerance")


def peak_period(g: jax.Array, dt: float) -> jax.Array:
    """Mean spacing (time units) of the local maxima of ``g`` above the middle of its range;
    NaN with fewer than two such peaks."""
    middle = 0.5 * (jnp.max(g) + jnp.min(g))
    inner = g[1:-1]
    peaks = (inner > g[:-2]) & (inner >= g[2:]) & (inner > middle)
    index = jnp.arange(1, g.shape[0] - 1)
    count = jnp.sum(peaks)
    first = jnp.min(jnp.where(peaks, index, g.shape[0]))
    last = jnp.max(jnp.where(peaks, index, -1))
    return jnp.where(count >= 2, (last - first) / jnp.maximum(count - 1, 1) * dt, jnp.nan)


class Protocol(NamedTuple):
    """What metrics read: the states after steps 1..T, (C, T, [P,] G); the inputs (C, T, [P,] n);
    the targets (C, K, [P,] S) and their steps; names of conditions, genes and inputs; dt."""

    states: jax.Array
    inputs: np.ndarray
    targets: np.ndarray | None
    score_index: tuple[int, ...]
    scored_index: tuple[int, ...]
    conditions: tuple[str, ...]
    genes: tuple[str, ...]
    inputs_names: tuple[str, ...]
    dt: float


@dataclass(frozen=True)
class Metric:
    """One named metric: ``kind`` applied to a gene (or input) under one condition, or under
    several (``curve``)."""

    name: str
    kind: str
    conditions: tuple[str, ...]
    curve: bool = False
    gene: str | None = None
    input: str | None = None
    at: int | None = None
    last: int | None = None

    def compute(self, p: Protocol) -> jax.Array:
        """The metric's value on the protocol's states (a scalar, or one value per condition)."""
        rows = [p.conditions.index(c) for c in self.conditions]
        rows_index: Any = np.asarray(rows) if self.curve else rows[0]
        if self.kind == "input-level":
            return jnp.asarray(p.inputs[rows_index, -1, p.inputs_names.index(self.input)])
        if self.kind == "final-state":
            return p.states[rows_index, -1]
        if self.kind == "mse":
            return _mse(p, rows_index)
        series = p.states[rows_index, :, p.genes.index(self.gene)]
        return _GENE_MEASURES[self.kind](self, series, p.dt)

    def to_toml(self) -> dict[str, Any]:
        """The ``[[metric]]`` table."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind}
        for key in ("gene", "input", "at", "last"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.curve:
            out["conditions"] = list(self.conditions)
        else:
            out["condition"] = self.conditions[0]
        return out

    @property
    def scalar(self) -> bool:
        """Whether the metric is one number (not a curve or a pattern)."""
        return not self.curve and self.kind != "final-state"


def _mse(p: Protocol, row: Any) -> jax.Array:
    predicted = p.states[row][np.asarray(p.score_index)] if len(p.score_index) > 1 else p.states[row, p.score_index[0]]
    if p.scored_index != tuple(range(len(p.genes))):
        predicted = predicted[..., np.asarray(p.scored_index)]
    targets = p.targets[row] if len(p.score_index) > 1 else p.targets[row, 0]
    return jnp.mean((predicted - jnp.asarray(targets)) ** 2)


def _window(m: Metric, x: jax.Array) -> jax.Array:
    return x[..., -m.last :] if m.last else x


def _period(m: Metric, x: jax.Array, dt: float) -> jax.Array:
    return jax.vmap(lambda g: peak_period(g, dt))(x) if x.ndim > 1 else peak_period(x, dt)


def _sensitivity(m: Metric, x: jax.Array, dt: float) -> jax.Array:
    return jnp.max(x[..., m.at :], axis=-1) - x[..., m.at - 1]


_GENE_MEASURES: dict[str, Callable[[Metric, jax.Array, float], jax.Array]] = {
    "min": lambda m, x, dt: jnp.min(x, axis=-1),
    "max": lambda m, x, dt: jnp.max(x, axis=-1),
    "peak-to-trough": lambda m, x, dt: jnp.max(x, axis=-1) - jnp.min(x, axis=-1),
    "mean": lambda m, x, dt: jnp.mean(_window(m, x), axis=-1),
    "plateau": lambda m, x, dt: jnp.mean(_window(m, x), axis=-1),
    "final": lambda m, x, dt: x[..., -1],
    "period": _period,
    "sensitivity": _sensitivity,
    "adaptation-error": lambda m, x, dt: jnp.abs(x[..., -1] - x[..., m.at - 1]),
}


@dataclass(frozen=True)
class Criterion:
    """A threshold on one metric: ``rule`` is one of ``RULES``; ``threshold`` the bound or the
    tolerance, ``target`` the value a tolerance is about."""

    name: str
    metric: str
    rule: str
    threshold: float
    target: float | None = None

    def holds(self, metrics: Mapping[str, Any]) -> bool:
        """Whether ``metrics`` meet this criterion (NaN never does)."""
        value = float(metrics[self.metric])
        if self.rule == "at_least":
            return value >= self.threshold
        if self.rule == "at_most":
            return value <= self.threshold
        if self.rule == "below":
            return value < self.threshold
        if self.rule == "above":
            return value > self.threshold
        assert self.target is not None  # tolerance rules are read with a target
        scale = self.target if self.rule == "relative_tolerance" else 1.0
        return math.isfinite(value) and abs(value - self.target) <= self.threshold * scale

    def to_toml(self) -> dict[str, Any]:
        """The ``[[criterion]]`` table."""
        out: dict[str, Any] = {"name": self.name, "metric": self.metric}
        if self.target is not None:
            out["near"] = self.target
        out[self.rule] = self.threshold
        return out


def read_metric(s: Section, conditions: dict[str, int], genes: tuple[str, ...], inputs: tuple[str, ...]) -> Metric:
    """One ``[[metric]]`` table, checked against the protocol's ``conditions`` (name -> steps)."""
    name = s.take("name", str, what="the metric's name")
    kind = s.known("kind", s.take("kind", str, what=f"one of {', '.join(METRIC_KINDS)}"), METRIC_KINDS, "metric")
    if s.has("conditions"):
        chosen, curve = s.names("conditions", allowed=conditions), True
        if not chosen:
            raise s.error("conditions", "names no condition", "name at least one, or use condition = NAME")
    else:
        chosen, curve = (s.known("condition", s.take("condition", str), conditions, "condition"),), False
    steps = min(conditions[c] for c in chosen)
    gene = s.known("gene", s.take("gene", str), genes, "gene") if kind in GENE_KINDS else None
    source = s.known("input", s.take("input", str), inputs, "input") if kind == "input-level" else None
    at = s.integer("at", minimum=1, maximum=steps - 1) if kind in ("sensitivity", "adaptation-error") else None
    last = None
    if kind in ("mean", "plateau"):
        last = s.integer("last", steps // 2 if kind == "plateau" else None, minimum=1, maximum=steps)
    s.done()
    return Metric(name, kind, chosen, curve, gene, source, at, last)


def read_criterion(s: Section, metrics: dict[str, Metric]) -> Criterion:
    """One ``[[criterion]]`` table, checked against the scalar ``metrics``."""
    name = s.take("name", str, what="the parameter name of its threshold, e.g. min_sensitivity")
    scalars = [m for m, spec in metrics.items() if spec.scalar]
    metric = s.known("metric", s.take("metric", str, what="the name of a metric"), scalars, "scalar metric")
    rules = [r for r in RULES if s.has(r)]
    if len(rules) != 1:
        stated = f"states {len(rules)} rules ({', '.join(rules)})" if rules else "states no rule"
        raise s.error(rules[0] if rules else "metric", stated, f"give exactly one of {', '.join(RULES)}")
    rule = rules[0]
    tolerance = rule in ("tolerance", "relative_tolerance")
    threshold = s.number(rule, minimum=0.0 if tolerance else None)
    target = s.number("near") if tolerance else None
    s.done()
    return Criterion(name, metric, rule, threshold, target)
