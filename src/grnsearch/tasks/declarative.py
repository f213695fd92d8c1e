"""The one general task: everything a task file states, as data, run through the primitives of
:mod:`~grnsearch.tasks.schedules`, :mod:`~grnsearch.tasks.targets`,
:mod:`~grnsearch.tasks.measures` and :mod:`~grnsearch.tasks.protocols`. Every built-in task is
a :class:`DeclarativeTask` read from its file in ``tasks/data/`` (:mod:`grnsearch.tasks.files`).

Protocols: ``training`` (the conditions, with targets and draws); ``metric_protocol`` (what the
metrics simulate; None: the training conditions without draws); ``mutation`` (the link test;
None: the training conditions' inputs, at ``mutation_positions`` for a spatial task); ``check``
(the time courses of a Hill check; None: the Hill screen's or the demo conditions); ``demo``
(the figures' time courses; None: the training conditions without draws, or for a spatial task
the first condition at ``demo_positions``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.errors import GrnsearchError
from grnsearch.tasks import measures
from grnsearch.tasks.base import Conditions, DemoCondition, Task
from grnsearch.tasks.measures import Criterion, Metric
from grnsearch.tasks.protocols import (
    Protocol,
    draw_levels,
    profile_inputs,
    profile_targets,
    step_inputs,
    step_targets,
)

EFFECTS = ("mean", "final-sum")


@dataclass(frozen=True)
class DeclarativeTask(Task):
    """A task stated as data (a task file); see the module docstring for its protocols."""

    description: str = ""
    training: Protocol = Protocol(())
    metric_protocol: Protocol | None = None
    metric_specs: tuple[Metric, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    mutation: Protocol | None = None
    effect: str = "mean"
    check: Protocol | None = None
    demo: Protocol | None = None
    demo_positions: tuple[float, ...] = ()
    references_name: str | None = None
    hill_space: str = "connected"
    # where the task was read from (a built-in name or a file path): a record, not part of the task
    source: str = field(default="", compare=False)

    # ---- parameters: the criteria's thresholds -------------------------------------------
    def params(self) -> dict[str, float]:
        """The thresholds of the success criteria, by criterion name."""
        return {c.name: c.threshold for c in self.criteria}

    def with_params(self, **params: Any) -> DeclarativeTask:
        """A copy with the named criteria's thresholds changed; GrnsearchError for a name that is
        not a criterion of this task."""
        names = [c.name for c in self.criteria]
        unknown = [name for name in params if name not in names]
        if unknown:
            choices = ", ".join(names) or "none"
            raise GrnsearchError(f"task {self.name!r} has no parameter {unknown[0]!r}; its parameters are {choices}")
        criteria = tuple(
            dataclasses.replace(c, threshold=float(params[c.name])) if c.name in params else c for c in self.criteria
        )
        return dataclasses.replace(self, criteria=criteria)

    # ---- training ------------------------------------------------------------------------
    def conditions(self, key: jax.Array) -> Conditions:
        stationary = jnp.asarray([1.0 if c.stationary else 0.0 for c in self.training.conditions])
        if self.spatial:
            inputs = profile_inputs(self.training, self.inputs[: self.n_external_inputs], self.n_steps,
                                    np.asarray(self.positions))  # fmt: skip
            k = len(self.score_steps) or self.n_steps
            targets, mask = profile_targets(self.training, self.scored, k, len(self.positions))
        else:
            draws = draw_levels(self.training, key)
            inputs = step_inputs(self.training, self.inputs, self.n_steps, draws)
            targets, mask = step_targets(self.training, self.scored, self.n_steps, self.dt, draws)
        targets = jnp.asarray(targets)
        mask = jnp.ones_like(targets) if np.all(mask == 1) else jnp.asarray(mask)
        return Conditions(inputs=jnp.asarray(inputs), targets=targets, mask=mask, stationary=stationary)

    # ---- metrics and success -------------------------------------------------------------
    @property
    def metrics_dt(self) -> float | None:  # type: ignore[override]
        """The Euler step of the metric protocol when it has its own (None: the training dt)."""
        return self.metric_protocol.dt if self.metric_protocol is not None else None

    def _protocol_inputs(self, protocol: Protocol, steps: int, positions: tuple[float, ...], dtype: Any) -> Any:
        if self.spatial:
            return profile_inputs(protocol, self.inputs[: self.n_external_inputs], steps, np.asarray(positions))
        return step_inputs(protocol, self.inputs, steps, {}, dtype)

    def _metric_protocol(self) -> Protocol:
        return self.metric_protocol or Protocol(tuple(c for c in self.training.conditions if not c.draws))

    def metrics(self, model: AbstractDynamics, link_scale: jax.Array, solver: str = "euler") -> dict[str, jax.Array]:
        protocol = self._metric_protocol()
        dt, steps = protocol.dt or self.dt, protocol.steps or self.n_steps
        inputs = self._protocol_inputs(protocol, steps, self.positions, np.float32)
        traj = self.trajectories(model, jnp.asarray(inputs), dt, link_scale=link_scale, solver=solver)
        if self.spatial:
            score = tuple(k - 1 for k in self.score_steps) or tuple(range(steps))
            targets, _ = profile_targets(protocol, self.scored, len(score), len(self.positions))
        else:
            score = tuple(range(steps))
            targets, _ = step_targets(protocol, self.scored, steps, dt, {})
        view = measures.Protocol(traj[:, 1:], inputs, np.asarray(targets), score, self.scored_index,
                                 protocol.names(), self.genes, self.inputs, dt)  # fmt: skip
        return {m.name: m.compute(view) for m in self.metric_specs}

    def success(self, metrics: dict[str, float]) -> bool:
        return all(c.holds(metrics) for c in self.criteria)

    # ---- figures and checks --------------------------------------------------------------
    def _time_courses(self, protocol: Protocol, dtype: Any) -> list[DemoCondition]:
        dt, steps = protocol.dt or self.dt, protocol.steps or self.n_steps
        inputs = step_inputs(protocol, self.inputs, steps, {}, dtype)
        targets, mask = step_targets(protocol, self.scored, steps, dt, {})
        targets = np.where(mask > 0, np.asarray(targets, dtype=np.float64), np.nan)
        return [DemoCondition(c.name, inputs[k], targets[k], dt) for k, c in enumerate(protocol.conditions)]

    def demo_conditions(self) -> list[DemoCondition]:
        if self.demo is not None:
            return self._time_courses(self.demo, np.float64)
        if self.spatial:
            return self._position_demos()
        plain = Protocol(tuple(c for c in self.training.conditions if not c.draws))
        return self._time_courses(plain, np.float32)

    def _position_demos(self) -> list[DemoCondition]:
        """The first training condition's time course at each of ``demo_positions`` (positions
        are uncoupled), its targets at the scored steps."""
        x = np.asarray(self.positions)
        first = Protocol(self.training.conditions[:1])
        data, mask = profile_targets(first, self.scored, 1, len(x))
        demos = []
        for x0 in self.demo_positions:
            p = int(np.argmin(np.abs(x - x0)))
            targets = np.full((self.n_steps, len(self.scored)), np.nan)
            targets[np.asarray(self.score_steps or (self.n_steps,)) - 1] = np.where(mask[0, 0, p] > 0, data[0, 0, p],
                                                                                   np.nan)  # fmt: skip
            inputs = profile_inputs(first, self.inputs[: self.n_external_inputs], self.n_steps, x[p : p + 1])
            demos.append(DemoCondition(f"x = {x[p]:.2f}", inputs[0, :, 0, :], targets, self.dt))
        return demos

    def check_conditions(self) -> list[DemoCondition]:
        if self.check is None:
            return super().check_conditions()
        return self._time_courses(self.check, np.float64)

    # ---- link mutation -------------------------------------------------------------------
    def mutation_conditions(self) -> tuple[np.ndarray, float]:
        protocol = self.mutation or Protocol(tuple(c for c in self.training.conditions if not c.draws))
        steps = protocol.steps or self.n_steps
        return np.asarray(self._protocol_inputs(protocol, steps, self.mutation_positions, np.float32)), self.dt

    def mutation_effect(self, wild: jax.Array, mutants: jax.Array) -> jax.Array:
        if self.effect == "final-sum":
            change = wild[:, :, -1] - mutants[:, :, -1]  # (n_links, C, P, G)
            return jnp.mean(jnp.sum(change, axis=2), axis=1)
        return super().mutation_effect(wild, mutants)
