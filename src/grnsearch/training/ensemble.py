"""Trained models and ensembles, and ``train``, the entry point of training.

An :class:`Ensemble` holds the models of several seeds stacked along a leading axis, as the
optimiser loop (:mod:`grnsearch.training.loop`) trains them; indexing it gives single
:class:`TrainedModel` objects. Saving and loading run directories is :mod:`grnsearch.io`'s work.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from grnsearch._jax import concatenate, take
from grnsearch.config import MAX_SEEDS, TrainConfig, check_positive_int, check_seed
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.base import Task
from grnsearch.training.loop import train_models

LOSS_TAIL = 50  # the reported loss is the mean over this many final iterations


@dataclass
class TrainedModel:
    """One trained model with everything needed to use, save or reload it."""

    task: Task
    config: TrainConfig
    seed: int
    model: AbstractDynamics
    history: np.ndarray
    metrics: dict[str, Any]
    wall_time: float

    @property
    def loss(self) -> float:
        """Training loss averaged over the last iterations."""
        return float(np.mean(self.history[-LOSS_TAIL:]))

    @property
    def link_scale(self) -> jax.Array:
        """The wild-type link-scale matrix of this model (its blocked links at 0)."""
        return self.task.link_scale(self.config.blocked)

    def simulate(self, inputs: Any, dt: float | None = None, link_scale: Any = None) -> np.ndarray:
        """Trajectories (conditions, steps + 1, n_genes) for inputs (conditions, steps, n_inputs);
        a spatial task's inputs and trajectories have a positions axis before the last."""
        scale = self.link_scale if link_scale is None else jnp.asarray(link_scale)
        traj = self.task.trajectories(
            self.model,
            jnp.asarray(inputs, dtype=jnp.float32),
            self.task.dt if dt is None else dt,
            link_scale=scale,
            solver=self.config.solver,
        )
        return np.asarray(traj)


@dataclass
class Ensemble:
    """Models of several seeds trained together; index it for single :class:`TrainedModel`s."""

    task: Task
    config: TrainConfig
    seeds: list[int]
    models: AbstractDynamics  # leaves stacked over seeds
    histories: np.ndarray  # (n_seeds, longest training); NaN after a model stopped
    metrics: dict[str, np.ndarray]  # each (n_seeds, ...)
    wall_time: float
    trained_iterations: np.ndarray | None = None  # (n_seeds,); None: every model the full histories

    def __post_init__(self) -> None:
        if self.trained_iterations is None:
            self.trained_iterations = np.full(len(self.seeds), self.histories.shape[1], dtype=int)

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, i: int) -> TrainedModel:
        return TrainedModel(
            task=self.task,
            config=self.config,
            seed=self.seeds[i],
            model=take(self.models, i),
            history=self.histories[i, : self.trained_iterations[i]],
            metrics=self.metrics_of(i),
            wall_time=self.wall_time,
        )

    def metrics_of(self, i: int) -> dict[str, Any]:
        """Model i's metrics as plain Python values."""
        return _metrics_of(self.metrics, i)

    @property
    def converged(self) -> np.ndarray:
        """Whether each model meets the task's success criterion, (n_seeds,) bool."""
        return _successes(self.task, self.metrics, len(self))

    def __iter__(self) -> Iterator[TrainedModel]:
        return (self[i] for i in range(len(self)))

    def summary(self) -> pd.DataFrame:
        """One row per seed: ``seed``, ``loss``, the task's scalar metrics, then ``converged``
        (the task's success criterion)."""
        ends = self.trained_iterations
        loss = [np.mean(h[max(0, t - LOSS_TAIL) : t]) for h, t in zip(self.histories, ends, strict=True)]
        rows = {"seed": self.seeds, "loss": loss}
        if self.config.extra_iterations:
            rows["iterations"] = self.trained_iterations
        for name in self.task.metric_names:
            rows[name] = np.asarray(self.metrics[name])
        rows["converged"] = self.converged
        return pd.DataFrame(rows)


def _metrics_of(metrics: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    return {k: np.asarray(v[i]).tolist() for k, v in metrics.items()}


def _successes(task: Task, metrics: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Whether each of ``n`` models with stacked ``metrics`` meets the task's criterion."""
    return np.asarray([task.success(_metrics_of(metrics, i)) for i in range(n)], dtype=bool)


def concat_ensembles(parts: Sequence[Ensemble]) -> Ensemble:
    """One ensemble from several of the same task and configuration (seeds in the given order)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    if any(p.task != first.task or p.config != first.config for p in parts):
        raise GrnsearchError("only ensembles of one task and configuration can be joined")
    models = concatenate([p.models for p in parts])
    metrics = {k: np.concatenate([p.metrics[k] for p in parts]) for k in first.metrics}
    longest = max(p.histories.shape[1] for p in parts)
    histories = [
        np.pad(p.histories, ((0, 0), (0, longest - p.histories.shape[1])), constant_values=np.nan) for p in parts
    ]
    return Ensemble(
        first.task,
        first.config,
        [s for p in parts for s in p.seeds],
        models,
        np.concatenate(histories),
        metrics,
        max(p.wall_time for p in parts),
        np.concatenate([p.trained_iterations for p in parts]),
    )


def resolve_seeds(seeds: int | Sequence[int], seed: int) -> list[int]:
    """Seeds ``seed .. seed + seeds - 1`` for a count, or the given distinct seeds; every seed
    must fit a JAX key (:func:`grnsearch.config.check_seed`)."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        check_positive_int(int(seeds), "seeds", MAX_SEEDS)
        check_seed(seed, "seed", count=int(seeds))
        return list(range(seed, seed + int(seeds)))
    resolved = [int(s) if isinstance(s, np.integer) else s for s in seeds]
    if not resolved:
        raise GrnsearchError("no seeds given: pass a positive count or a list of seeds", parameter="seeds")
    for value in resolved:
        check_seed(value, "seeds")
    if len(set(resolved)) != len(resolved):
        raise GrnsearchError(f"seeds must be distinct, got {resolved}", parameter="seeds")
    return resolved


@functools.lru_cache(maxsize=32)
def _metrics_fn(task: Task, solver: str):
    return eqx.filter_jit(eqx.filter_vmap(lambda m, s: task.metrics(m, s, solver)))


def ensemble_metrics(
    task: Task, models: AbstractDynamics, link_scales: jax.Array, solver: str
) -> dict[str, np.ndarray]:
    """The task's metrics for every model of a stacked ensemble, as NumPy arrays."""
    values = _metrics_fn(task, solver)(models, jnp.asarray(link_scales))
    return {k: np.asarray(v) for k, v in values.items()}


def train(
    task: Task,
    seeds: int | Sequence[int] = 1,
    *,
    seed: int = 0,
    config: TrainConfig | None = None,
    progress: bool = False,
    **overrides: Any,
) -> Ensemble:
    """Train an ensemble on ``task``.

    ``seeds`` is a count (seeds ``seed .. seed + seeds - 1``) or an explicit list. ``config``
    defaults to the task's own; keyword ``overrides`` (``arch``, ``iterations``, ``blocked`` ...)
    replace single settings. Example::

        ens = grnsearch.train(grnsearch.tasks.adaptation(), seeds=8, arch="shared")
        ens.summary()
    """
    seed_list = resolve_seeds(seeds, seed)
    config = (config or task.defaults).replace(**overrides)
    scale = task.link_scale(config.blocked)
    scales = jnp.broadcast_to(scale, (len(seed_list), *scale.shape))

    def converged(models: AbstractDynamics) -> np.ndarray:
        return _successes(task, ensemble_metrics(task, models, scales, config.solver), len(seed_list))

    result = train_models(task, config, seed_list, scales, converged=converged, progress=progress)
    metrics = ensemble_metrics(task, result.models, scales, config.solver)
    return Ensemble(
        task, config, seed_list, result.models, result.histories, metrics, result.wall_time, result.trained_iterations
    )
