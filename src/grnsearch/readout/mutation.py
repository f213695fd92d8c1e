"""In-silico link mutation: read a signed regulatory network out of a trained model.

Knocking link i -> j down means scaling source i by ``lam`` only when computing f_j (the paper's
eq. 5): the model's link-scale matrix L gets ``L[i, j] *= lam``. ``lam = 0`` is a knockout,
``lam`` near 1 a "knockdown derivative". Two read-outs (METHOD.md section 3):

- ``trajectory`` (eq. 3): simulate the mutant; strength = the task's ``mutation_effect``: by
  default the mean over conditions and time steps of (g_j wild type - g_j mutant), for a
  patterning task the final profile's change summed over the task's mutation positions;
- ``derivative`` (eq. 2): along the wild-type trajectory, strength = mean of
  (f_j wild type - f_j mutant).

Positive strength = activation, negative = repression. Every link of a model is tested in one
vectorised call (vmap over the stacked mutant link-scale matrices); ensembles vmap over models too.
A link already blocked in the model (L[i, j] = 0) stays 0 in its mutant, so its strength is
exactly 0.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from grnsearch._jax import stack
from grnsearch.config import ReadoutSettings
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.errors import GrnsearchError
from grnsearch.network.topology import Topology
from grnsearch.readout.statistics import CutoffScan, choose_cutoff, topology_table
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import Ensemble, TrainedModel


def mutant_link_scales(link_scale: jax.Array, lam: float | jax.Array) -> jax.Array:
    """Stack of mutant link-scale matrices (n_sources * n_genes, n_sources, n_genes): entry
    k = i * n_genes + j has link i -> j scaled by ``lam``."""
    n_sources, n_genes = link_scale.shape
    one_hot = jnp.eye(n_sources * n_genes).reshape(n_sources * n_genes, n_sources, n_genes)
    return link_scale[None] * jnp.where(one_hot > 0, lam, 1.0)


def _target_diagonal(per_link: jax.Array, n_sources: int, n_genes: int) -> jax.Array:
    """From per-link effects on every gene (n_links, n_genes), the effect on each link's own
    target, as a (n_sources, n_genes) matrix."""
    links = per_link.reshape(n_sources, n_genes, n_genes)
    return jnp.einsum("ijj->ij", links)


class KnockoutTrajectories(NamedTuple):
    """Wild type (C, T + 1, G) and every single-link mutant (n_sources, n_genes, C, T + 1, G); a
    spatial task's have a positions axis before the genes."""

    wild_type: np.ndarray
    mutants: np.ndarray
    inputs: np.ndarray
    dt: float


def _strengths(
    model: AbstractDynamics,
    task: Task,
    link_scale: jax.Array,
    lam: jax.Array,
    mode: str,
    solver: str,
    squared: bool = False,
) -> jax.Array:
    inputs, dt = task.mutation_conditions()
    inputs = jnp.asarray(inputs, dtype=jnp.float32)
    n_sources, n_genes = link_scale.shape
    scales = mutant_link_scales(link_scale, lam)
    wild = task.trajectories(model, inputs, dt, link_scale=link_scale, solver=solver)
    # mean over conditions, time steps and (a spatial task) positions
    over = tuple(range(1, wild.ndim))
    if mode == "trajectory":
        mutants = jax.vmap(lambda s: task.trajectories(model, inputs, dt, link_scale=s, solver=solver))(scales)
        if squared:
            effect = jnp.mean((wild[None, :, 1:] - mutants[:, :, 1:]) ** 2, axis=over)
        else:
            effect = task.mutation_effect(wild[None], mutants)  # (n_links, n_genes)
    else:
        states = wild[:, :-1]  # the states from which each step's f is computed

        def rates(scale):
            return task.rates(model, states, inputs, scale)  # (C, T, [P,] G)

        f_wild = rates(link_scale)
        f_mut = jax.vmap(rates)(scales)
        effect = jnp.mean(f_wild[None] - f_mut, axis=over)
    strengths = _target_diagonal(effect, n_sources, n_genes)
    # a link the model does not have (L = 0) has no strength; its mutant equals the wild type up
    # to rounding between separately compiled simulations, so state the zero exactly
    return jnp.where(link_scale == 0, 0.0, strengths)


@functools.lru_cache(maxsize=32)
def _strengths_fn(task: Task, mode: str, solver: str, batched: bool, squared: bool = False):
    def fn(m, s, lam):
        return _strengths(m, task, s, lam, mode, solver, squared)

    if batched:
        fn = eqx.filter_vmap(fn, in_axes=(eqx.if_array(0), 0, None))
    return eqx.filter_jit(fn)


def link_strengths(
    model: AbstractDynamics,
    task: Task,
    lam: float = 0.9,
    mode: str = "trajectory",
    *,
    link_scale: jax.Array | None = None,
    solver: str = "euler",
) -> np.ndarray:
    """Strength of every link i -> j of one model, (n_sources, n_genes), sources = inputs + genes.

    ``link_scale`` is the model's wild-type matrix (its blocked links at 0; default all ones).
    """
    ReadoutSettings(lam, mode)
    scale = task.link_scale() if link_scale is None else jnp.asarray(link_scale)
    return np.asarray(_strengths_fn(task, mode, solver, False)(model, scale, jnp.asarray(lam)))


def knockout_changes(
    model: AbstractDynamics, task: Task, *, lam: float = 0.0, link_scale: jax.Array | None = None, solver: str = "euler"
) -> np.ndarray:
    """Mean squared change of each link's target gene when the link is knocked out (or down to
    ``lam``), over the task's mutation conditions and time steps: (n_sources, n_genes). Links the
    model does not have get exactly 0. Sparsification deletes the link with the smallest change."""
    ReadoutSettings(lam)
    scale = task.link_scale() if link_scale is None else jnp.asarray(link_scale)
    fn = _strengths_fn(task, "trajectory", solver, False, True)
    return np.asarray(fn(model, scale, jnp.asarray(lam)))


def ensemble_link_strengths(
    models: AbstractDynamics,
    task: Task,
    link_scales: jax.Array,
    lam: float = 0.9,
    mode: str = "trajectory",
    *,
    solver: str = "euler",
) -> np.ndarray:
    """Strengths (n_models, n_sources, n_genes) of a stacked ensemble, model m under
    ``link_scales[m]``, in one vectorised call."""
    ReadoutSettings(lam, mode)
    fn = _strengths_fn(task, mode, solver, True)
    return np.asarray(fn(models, jnp.asarray(link_scales), jnp.asarray(lam)))


def knockout_trajectories(
    model: AbstractDynamics, task: Task, lam: float = 0.0, *, link_scale: jax.Array | None = None, solver: str = "euler"
) -> KnockoutTrajectories:
    """Wild-type and mutant trajectories for every link under the task's mutation conditions
    (the paper's Fig. 2b uses lam = 0, a knockout)."""
    ReadoutSettings(lam)
    scale = task.link_scale() if link_scale is None else jnp.asarray(link_scale)
    inputs, dt = task.mutation_conditions()
    inputs = jnp.asarray(inputs, dtype=jnp.float32)

    @eqx.filter_jit
    def run(m, s):
        wild = task.trajectories(m, inputs, dt, link_scale=s, solver=solver)
        mutants = jax.vmap(lambda k: task.trajectories(m, inputs, dt, link_scale=k, solver=solver))(
            mutant_link_scales(s, lam)
        )
        return wild, mutants

    wild, mutants = run(model, scale)
    n_sources, n_genes = scale.shape
    mutants = np.asarray(mutants).reshape(n_sources, n_genes, *wild.shape)
    return KnockoutTrajectories(np.asarray(wild), mutants, np.asarray(inputs), dt)


@dataclass
class LinkReport:
    """Link strengths and topologies of a set of trained models of one task."""

    task: Task
    seeds: list[int]
    strengths: np.ndarray  # (n_models, n_sources, n_genes)
    lam: float
    mode: str
    cutoff: float
    cutoff_rule: str
    scan: CutoffScan | None

    @property
    def topologies(self) -> list[Topology]:
        """One topology per model under the report's cutoff."""
        return [Topology.from_strengths(s, self.cutoff, self.task.sources, self.task.genes) for s in self.strengths]

    def table(self) -> pd.DataFrame:
        """Topology counts and probabilities over the models (``topology,n_links,count,probability``)."""
        return topology_table(self.topologies)


def analyse(
    models: Ensemble | Sequence[TrainedModel],
    lam: float | None = None,
    mode: str = "trajectory",
    cutoff: float | str = "auto",
) -> LinkReport:
    """Link strengths of every model (vectorised over models and links), the cutoff and the
    topologies; ``lam`` None takes the task's ``knockdown`` (0.9; 0 for patterning). All models
    must share one task; models trained with different settings are grouped and each group runs
    as one program."""
    if not isinstance(models, Ensemble):
        models = list(models)
        if not models:
            raise GrnsearchError("no trained models to analyse")
    lam = (models.task if isinstance(models, Ensemble) else models[0].task).knockdown if lam is None else lam
    ReadoutSettings(lam, mode, cutoff)
    if isinstance(models, Ensemble):
        task, seeds = models.task, list(models.seeds)
        scales = jnp.broadcast_to(
            task.link_scale(models.config.blocked), (len(models), len(task.sources), len(task.genes))
        )
        strengths = ensemble_link_strengths(models.models, task, scales, lam, mode, solver=models.config.solver)
    else:
        task = models[0].task
        if any(m.task != task for m in models):
            raise GrnsearchError("all runs given together must be of one task; mutate them separately")
        seeds = [m.seed for m in models]
        strengths = np.zeros((len(models), len(task.sources), len(task.genes)))
        groups: dict[Any, list[int]] = {}
        for k, m in enumerate(models):
            groups.setdefault((m.config.replace(blocked=()), m.config.solver), []).append(k)
        for (_, solver), members in groups.items():
            stacked = stack([models[k].model for k in members])
            scales = jnp.stack([models[k].link_scale for k in members])
            strengths[members] = ensemble_link_strengths(stacked, task, scales, lam, mode, solver=solver)
    value, rule, scan = choose_cutoff(strengths, cutoff, len(task.inputs))
    return LinkReport(task, seeds, strengths, lam, mode, value, rule, scan)
