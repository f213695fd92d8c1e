"""Mutant predictions of patterning tasks: the final pattern of every run under gene knockouts and
input dosage changes (the paper's Fig. 5d-e).

A :class:`Perturbation` knocks genes out (their synthesis times 0 at every position and step,
:class:`grnsearch.dynamics.perturbed.ScaledSynthesis`) and scales inputs (Bcd x0.5 multiplies the
Bcd gradient by 0.5 everywhere). Every run and every perturbation is simulated as one array
program (vmap over perturbations inside a vmap over the stacked runs), deterministically (no
noise), with each run's own blocked links.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from grnsearch._jax import stack
from grnsearch.dynamics.perturbed import ScaledSynthesis
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import TrainedModel

WILD_TYPE = "wt"


@dataclass(frozen=True)
class Perturbation:
    """Genes knocked out and inputs scaled by a factor; the empty perturbation is the wild type."""

    knockouts: tuple[str, ...] = ()
    scales: tuple[tuple[str, float], ...] = ()

    @property
    def name(self) -> str:
        """``wt``, or e.g. ``Kr-``, ``Bcd x0.5``, ``Kr- kni-`` (parts joined by a space)."""
        parts = [f"{gene}-" for gene in self.knockouts] + [f"{name} x{factor:g}" for name, factor in self.scales]
        return " ".join(parts) or WILD_TYPE

    def check(self, task: Task) -> None:
        """GrnsearchError naming ``knockout`` or ``scale`` if a gene or input is not the task's, a
        factor is negative or not finite, or a gene or input is named twice."""
        for gene in self.knockouts:
            if gene not in task.genes:
                raise GrnsearchError(
                    f"unknown gene {gene!r} to knock out; {task.name} has the genes {', '.join(task.genes)}",
                    parameter="knockout",
                )
        external = task.inputs[: task.n_external_inputs]
        for name, factor in self.scales:
            if name not in external:
                raise GrnsearchError(
                    f"unknown input {name!r} to scale; {task.name} has the inputs {', '.join(external)}",
                    parameter="scale",
                )
            if not (math.isfinite(factor) and factor >= 0):
                raise GrnsearchError(
                    f"the factor of {name} must be a finite number >= 0, not {factor}", parameter="scale"
                )
        names = list(self.knockouts) + [n for n, _ in self.scales]
        if len(set(names)) != len(names):
            raise GrnsearchError(f"perturbation {self.name!r} names a gene or input twice", parameter="knockout")

    def gene_scale(self, task: Task) -> np.ndarray:
        """Factors (n_genes,) on each gene's synthesis."""
        return np.asarray([0.0 if g in self.knockouts else 1.0 for g in task.genes], dtype=np.float32)

    def input_scale(self, task: Task) -> np.ndarray:
        """Factors (n_external,) on each external input."""
        factors = dict(self.scales)
        return np.asarray([factors.get(n, 1.0) for n in task.inputs[: task.n_external_inputs]], dtype=np.float32)


def mutant_panel(task: Task) -> list[Perturbation]:
    """The default panel: every single-gene knockout, then the task's ``dosage_panel`` (for the gap
    genes the authors' Bcd x0, x0.5, x2 and Tor x0), or every input at 0 if it declares none."""
    doses = task.dosage_panel or tuple((name, 0.0) for name in task.inputs[: task.n_external_inputs])
    return [Perturbation(knockouts=(g,)) for g in task.genes] + [Perturbation(scales=(d,)) for d in doses]


@dataclass
class Prediction:
    """Final patterns of every run: ``patterns`` (runs, conditions, positions, genes), the first
    condition being the wild type."""

    task: Task
    seeds: list[int]
    conditions: list[Perturbation]
    positions: np.ndarray
    patterns: np.ndarray

    @property
    def names(self) -> list[str]:
        """Condition names, ``wt`` first."""
        return [c.name for c in self.conditions]


def check_patterning_task(task: Task) -> None:
    """GrnsearchError naming ``run_dirs`` unless ``task`` is spatial with one training condition."""
    if not task.spatial:
        raise GrnsearchError(
            f"predict needs runs of a patterning task (one with positions, such as gap-genes); {task.name} "
            "has no positions",
            parameter="run_dirs",
        )


def _final_patterns(task: Task, models, link_scales, inputs, gene_scales, input_scales) -> jax.Array:
    """(runs, conditions, positions, genes): each stacked model under each perturbation."""
    final = task.score_steps[-1] if task.score_steps else task.n_steps

    def one_run(model, link_scale):
        def one_condition(gene_scale, input_scale):
            traj = task.trajectories(
                ScaledSynthesis(model, gene_scale), inputs * input_scale, task.dt, link_scale=link_scale
            )
            return traj[0, final]

        return jax.vmap(one_condition)(gene_scales, input_scales)

    return eqx.filter_vmap(one_run)(models, link_scales)


def predict_patterns(
    runs: Sequence[TrainedModel], perturbations: Sequence[Perturbation], *, all_runs: bool = True
) -> Prediction:
    """The wild type and every perturbation, for every run (all of one patterning task) or, with
    ``all_runs`` False, every run that met the task's success criterion, as one array program per
    group of runs with the same model shape. Everything is checked before any simulation."""
    if not runs:
        raise GrnsearchError("predict needs at least one run", parameter="run_dirs")
    task = runs[0].task
    check_patterning_task(task)
    for perturbation in perturbations:
        perturbation.check(task)
    if not all_runs:
        runs = [r for r in runs if task.success(r.metrics)]
        if not runs:
            raise GrnsearchError(
                f"none of the runs met {task.name}'s success criterion; train more or longer, or use them "
                "anyway with `all_runs`",
                parameter="all_runs",
            )
    # the wild type first, every other condition once
    conditions = list(dict.fromkeys([Perturbation(), *[p for p in perturbations if p.name != WILD_TYPE]]))
    inputs = task.conditions(jax.random.PRNGKey(0)).inputs
    if inputs.shape[0] != 1:
        raise GrnsearchError(
            f"predict supports patterning tasks with one training condition; {task.name} has {inputs.shape[0]}",
            parameter="run_dirs",
        )
    gene_scales = jnp.asarray(np.stack([c.gene_scale(task) for c in conditions]))
    input_scales = jnp.asarray(np.stack([c.input_scale(task) for c in conditions]))
    patterns = np.zeros((len(runs), len(conditions), len(task.positions), len(task.genes)), dtype=np.float32)
    for group in _shape_groups(runs):
        models = stack([runs[i].model for i in group])
        scales = jnp.stack([runs[i].link_scale for i in group])
        patterns[group] = np.asarray(_final_patterns(task, models, scales, inputs, gene_scales, input_scales))
    return Prediction(task, [r.seed for r in runs], conditions, np.asarray(task.positions), patterns)


def _shape_groups(runs: Sequence[TrainedModel]) -> list[list[int]]:
    """Indices of runs whose models have the same structure and shapes (so they stack)."""
    groups: dict[object, list[int]] = {}
    for i, run in enumerate(runs):
        leaves, treedef = jax.tree.flatten(eqx.filter(run.model, eqx.is_array))
        groups.setdefault((treedef, tuple(leaf.shape for leaf in leaves)), []).append(i)
    return list(groups.values())
