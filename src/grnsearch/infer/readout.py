"""Reading a signed network out of models fitted to observed data, along the data.

A link i -> j is cut by scaling source i for target j by ``lam`` (0: a knockout, the authors'
Fig. 6 choice) and its strength is the mean change it causes:

- ``derivative`` (default): mean over every observed frame of every experiment (each position) of
  f_j(intact) - f_j(cut), the synthesis rates at the measured states (the authors' read-out);
- ``trajectory``: mean over every window of the data of the predicted level of j intact minus
  cut, the model run from each window's measured first frame as in training.

A target's rate depends only on its own column of the link-scale matrix, so cutting every link of
source i at once gives each link i -> j's own change: one mutant per source, not per link.

Over the seeds of an ensemble (:func:`consensus_strengths`): the median strength, the sign
stability (the fraction of seeds whose strength has the median's sign) and a rank by the size
of the median (1 = strongest).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.config import MODES
from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries
from grnsearch.infer.task import ObservedTask
from grnsearch.infer.windows import filled_inputs


def observed_frames(series: TimeSeries) -> tuple[np.ndarray, np.ndarray]:
    """Every frame without a missing gene value, over all experiments: states (F, P, G) and
    their inputs (F, P, n_inputs)."""
    states, inputs = [], []
    for e in range(len(series.experiments)):
        genes = series.gene_values(e)
        keep = np.all(np.isfinite(genes), axis=(1, 2))
        states.append(genes[keep])
        inputs.append(filled_inputs(series, e)[keep])
    frames = np.concatenate(states)
    if not len(frames):
        raise GrnsearchError("no observed frame has every gene value; fill the gaps to read links out along the data")
    return frames.astype(np.float32), np.concatenate(inputs).astype(np.float32)


def _source_cuts(n_sources: int, n_genes: int, lam: jax.Array) -> jax.Array:
    """(n_sources, n_sources, n_genes): matrix i scales every link of source i by ``lam``."""
    rows = jnp.eye(n_sources)[:, :, None]
    return jnp.where(rows > 0, lam, 1.0) * jnp.ones((n_sources, n_sources, n_genes))


def _derivative(model, task: ObservedTask, states: jax.Array, inputs: jax.Array, lam: jax.Array) -> jax.Array:
    n_sources, n_genes = len(task.sources), len(task.genes)
    intact = jnp.ones((n_sources, n_genes))

    def rates(scale):
        return task.rates(model, states[None], inputs[None], scale)[0]  # (F, P, G)

    wild = rates(intact)
    cut = jax.lax.map(rates, _source_cuts(n_sources, n_genes, lam))
    return jnp.mean(wild[None] - cut, axis=(1, 2))  # (n_sources, G)


def _trajectory(model, task: ObservedTask, lam: jax.Array) -> jax.Array:
    n_sources, n_genes = len(task.sources), len(task.genes)
    windows = [task.training, task.validation] if task.held_out else [task.training]

    def predicted(scale):
        return jnp.concatenate([task.predict_windows(model, w, scale).reshape(-1, n_genes) for w in windows])

    wild = predicted(jnp.ones((n_sources, n_genes)))
    cut = jax.lax.map(predicted, _source_cuts(n_sources, n_genes, lam))
    return jnp.mean(wild[None] - cut, axis=1)


@functools.lru_cache(maxsize=8)
def _strengths_fn(task: ObservedTask, mode: str):
    def one(model, states, inputs, lam):
        if mode == "derivative":
            return _derivative(model, task, states, inputs, lam)
        return _trajectory(model, task, lam)

    return eqx.filter_jit(eqx.filter_vmap(one, in_axes=(0, None, None, None)))


def observed_strengths(
    models, task: ObservedTask, series: TimeSeries, *, lam: float = 0.0, mode: str = "derivative"
) -> np.ndarray:
    """Strengths (n_models, n_sources, n_genes) of stacked ``models`` fitted to ``series`` by
    ``task``, read along the data (module docstring)."""
    if mode not in MODES:
        raise GrnsearchError(f"unknown read-out mode {mode!r}; choose one of {', '.join(MODES)}", parameter="mode")
    states, inputs = observed_frames(series)
    fn = _strengths_fn(task, mode)
    return np.asarray(fn(models, jnp.asarray(states), jnp.asarray(inputs), jnp.asarray(lam, jnp.float32)))


class ConsensusStrengths(NamedTuple):
    """Median strength, sign stability and rank (1 = strongest) per link, (n_sources, n_genes)."""

    strength: np.ndarray
    stability: np.ndarray
    rank: np.ndarray


def consensus_strengths(strengths: np.ndarray) -> ConsensusStrengths:
    """Median over models (axis 0) of ``strengths``, with the fraction of models whose sign is
    the median's (0 where the median is 0) and the rank of the median's size."""
    median = np.median(strengths, axis=0)
    agree = np.mean(np.sign(strengths) == np.sign(median)[None], axis=0)
    stability = np.where(median != 0, agree, 0.0)
    order = np.argsort(-np.abs(median), axis=None, kind="stable")
    rank = np.empty(median.size, dtype=int)
    rank[order] = np.arange(1, median.size + 1)
    return ConsensusStrengths(median, stability, rank.reshape(median.shape))
