"""Sparsification: minimal networks by deleting the weakest link and retraining (the paper's
Fig. 2c-d and 4; METHOD.md section 4).

One path per seed: train with every allowed link, then repeat: knock out every allowed link in
turn, delete the one whose knockout changes its target gene least (mean squared change over the
task's mutation conditions), retrain from scratch (same seed) with that link blocked, and record
the step's model, topology and metrics. Each step trains a few restarts as one vectorised
ensemble and keeps the successful one closest to the previous network. Where the paper stops
as soon as a retrained model fails the task, a failed deletion here falls back to the
next-weakest link (up to ``tries`` of them), so a path ends only when no single further
deletion can be learned, or no deletable link is left. Input links can be protected from deletion.

This module computes one seed's path; :mod:`grnsearch.workflows.sparsify` runs the paths of
several seeds as independent jobs, each computed the same way wherever it runs, so a seed gives
the same path in-process and on any Dask worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from grnsearch.config import ReadoutSettings, TrainConfig, check_positive_int
from grnsearch.network.links import format_link
from grnsearch.network.topology import Topology
from grnsearch.readout.mutation import analyse, knockout_changes
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import TrainedModel, train


@dataclass(frozen=True)
class SparsifySettings:
    """How a path prunes: ``protect_inputs`` keeps input links; after each success up to
    ``tries`` deletions (None = all) are tried, weakest first; each step trains ``restarts``
    models and keeps one; ``max_steps`` caps the path (None = no cap)."""

    protect_inputs: bool = False
    tries: int | None = None
    restarts: int = 3
    max_steps: int | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise GrnsearchError naming the first setting that cannot work."""
        check_positive_int(self.restarts, "restarts")
        for name in ("tries", "max_steps"):  # None: no limit
            if getattr(self, name) is not None:
                check_positive_int(getattr(self, name), name)


@dataclass
class SparsifyStep:
    """One step of a path: the model trained with the links allowed at that step."""

    step: int
    trained: TrainedModel
    strengths: np.ndarray  # link-mutation strengths (n_sources, n_genes)
    topology: Topology
    cutoff: float
    changes: np.ndarray  # knockout mean squared change of each link's target
    removed: tuple[str, str] | None  # the link deleted before this step (None at step 1)
    success: bool
    restart: int = 0  # which of the step's restarts was kept
    successful_restarts: int = 0

    @property
    def allowed(self) -> list[tuple[str, str]]:
        """Links not blocked at this step."""
        blocked = set(self.trained.config.blocked)
        return [link for link in self.trained.task.links() if link not in blocked]


@dataclass
class SparsifyPath:
    """A whole path of one seed."""

    task: Task
    seed: int
    lam: float = 0.9  # knockdown factor of the topology read-out
    steps: list[SparsifyStep] = field(default_factory=list)

    @property
    def last_success(self) -> SparsifyStep | None:
        """The sparsest step that still performs the task."""
        good = [s for s in self.steps if s.success]
        return good[-1] if good else None

    def table(self) -> pd.DataFrame:
        """``step,n_links,topology,success``, the task's metrics, then ``removed`` (the link
        deleted relative to the last successful step), ``restart`` and ``successful_restarts``."""
        rows = []
        for s in self.steps:
            row: dict[str, Any] = {
                "step": s.step,
                "n_links": s.topology.n_links,
                "topology": s.topology.key(),
                "success": s.success,
            }
            for name in self.task.metric_names:
                row[name] = s.trained.metrics[name]
            row["removed"] = "" if s.removed is None else format_link(*s.removed)
            row["restart"] = s.restart
            row["successful_restarts"] = s.successful_restarts
            rows.append(row)
        return pd.DataFrame(rows)


def deletable_links(task: Task, blocked: Sequence[tuple[str, str]], protect_inputs: bool) -> list[tuple[str, str]]:
    """Links that are still allowed and may be deleted (input links excluded when protected)."""
    blocked = set(blocked)
    return [(s, t) for s, t in task.links() if (s, t) not in blocked and not (protect_inputs and s in task.inputs)]


RESTART_STRIDE = 1_000_003  # restart r of seed s trains with seed s + r * RESTART_STRIDE


@dataclass(frozen=True)
class _PathPlan:
    """What every step of one seed's path shares."""

    task: Task
    seed: int
    config: TrainConfig
    settings: SparsifySettings
    readout: ReadoutSettings


def _train_step(
    plan: _PathPlan,
    blocked: list[tuple[str, str]],
    removed: tuple[str, str] | None,
    number: int,
    previous: Topology | None,
) -> SparsifyStep:
    """Train the plan's restarts with these links blocked (one vectorised ensemble) and keep one:
    among those that succeed, the one whose topology is closest to ``previous`` (the last
    accepted network, minus the deleted link) or, at the first step, the medoid of the successful
    restarts' topologies; ties go to the lowest loss. If none succeeds, the lowest-loss one."""
    task, restarts = plan.task, plan.settings.restarts
    seeds = [plan.seed + r * RESTART_STRIDE for r in range(restarts)]
    ensemble = train(task, seeds, config=plan.config.replace(blocked=tuple(blocked)))
    reports = [
        analyse([trained], lam=plan.readout.lam, mode="trajectory", cutoff=plan.readout.cutoff) for trained in ensemble
    ]
    successes = ensemble.converged
    losses = ensemble.summary()["loss"].to_numpy()

    topologies = [report.topologies[0] for report in reports]
    good = [r for r in range(restarts) if successes[r]]

    def rank(r: int) -> tuple:
        if not successes[r]:
            return (1, 0, losses[r])
        if previous is not None:
            return (0, previous.distance(topologies[r]), losses[r])
        # first step: the medoid of the successful restarts, so that one atypical solution
        # (e.g. a hidden gene with all its signs reversed) does not set the path's course
        return (0, sum(topologies[r].distance(topologies[q]) for q in good), losses[r])

    best = min(range(restarts), key=rank)
    trained, report = ensemble[best], reports[best]
    changes = knockout_changes(trained.model, task, link_scale=trained.link_scale, solver=trained.config.solver)
    return SparsifyStep(
        number,
        trained,
        report.strengths[0],
        report.topologies[0],
        report.cutoff,
        changes,
        removed,
        bool(successes[best]),
        best,
        int(successes.sum()),
    )


def _without(topology: Topology, link: tuple[str, str]) -> Topology:
    signs = topology.signs.copy()
    i = topology.sources.index(link[0])
    signs[i, topology.genes.index(link[1])] = 0
    return Topology(signs, topology.sources, topology.genes)


def sparsify_path(
    task: Task,
    seed: int,
    config: TrainConfig,
    *,
    settings: SparsifySettings | None = None,
    readout: ReadoutSettings | None = None,
) -> SparsifyPath:
    """The sparsification path of one seed (see the module docstring).

    ``config.blocked`` are links excluded from the start. After each successful step the
    deletable links are tried in order of increasing knockout change; if the model retrained
    without the weakest one fails, the next is tried, up to ``settings.tries`` candidates, and
    the path ends when none of them can be learned. Every training, failed ones included, is a
    step of the path. Each step trains ``settings.restarts`` models at once and keeps one (see
    ``_train_step``). ``readout`` (lam and cutoff) defines how each step's topology is read out
    (link mutation, trajectory mode; default: the task's knockdown).
    """
    settings = settings or SparsifySettings()
    readout = readout or ReadoutSettings(lam=task.knockdown)
    plan = _PathPlan(task, seed, config, settings, readout)
    path = SparsifyPath(task, seed, readout.lam)
    blocked = list(config.blocked)
    tries = settings.tries

    def budget_left() -> bool:
        return settings.max_steps is None or len(path.steps) < settings.max_steps

    current = _train_step(plan, blocked, None, 1, None)
    path.steps.append(current)
    while current.success and budget_left():
        candidates = deletable_links(task, blocked, settings.protect_inputs)
        order = np.argsort([current.changes[task.check_link(link)] for link in candidates], kind="stable")
        accepted = None
        for k in order[: tries if tries is not None else len(order)]:
            if not budget_left():
                break
            link = candidates[int(k)]
            trial = _train_step(plan, blocked + [link], link, len(path.steps) + 1, _without(current.topology, link))
            path.steps.append(trial)
            if trial.success:
                accepted = trial
                break
        if accepted is None:
            break
        blocked.append(accepted.removed)
        current = accepted
    return path


def paths_table(paths: Sequence[SparsifyPath]) -> pd.DataFrame:
    """One row per path: ``seed,steps,last_success_step,n_links,topology`` of its sparsest
    successful step (empty fields where no step succeeds)."""
    rows = []
    for path in paths:
        last = path.last_success
        rows.append(
            {
                "seed": path.seed,
                "steps": len(path.steps),
                "last_success_step": last.step if last else "",
                "n_links": last.topology.n_links if last else "",
                "topology": last.topology.key() if last else "",
            }
        )
    return pd.DataFrame(rows)
