"""Ensemble studies (the paper's Fig. 3d-e): train many seeds, decide convergence, mutate every
model and read its topology, with training spread over Dask workers when asked."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from grnsearch.config import Distribution, ReadoutSettings, TrainConfig
from grnsearch.network.topology import Topology
from grnsearch.readout.consensus import CONSENSUS_CUTOFF, agreement_summary, compare_consensus, consensus_network
from grnsearch.readout.mutation import ensemble_link_strengths
from grnsearch.readout.statistics import (
    CutoffScan,
    choose_cutoff,
    degeneracy,
    topologies_from_strengths,
    topology_table,
)
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import Ensemble, concat_ensembles, resolve_seeds, train
from grnsearch.workflows.distributed import dask_client, run_jobs, seed_chunks


@dataclass
class StudyResult:
    """An ensemble study: every model, its convergence, link strengths and topology."""

    ensemble: Ensemble
    converged: np.ndarray  # (n_runs,) bool
    strengths: np.ndarray  # (n_runs, n_sources, n_genes)
    lam: float
    cutoff: float
    cutoff_rule: str
    scan: CutoffScan | None
    wall_time: float

    @property
    def task(self) -> Task:
        """The task of the study."""
        return self.ensemble.task

    @property
    def topologies(self) -> list[Topology]:
        """One topology per run at the study's cutoff."""
        task = self.task
        return topologies_from_strengths(self.strengths, self.cutoff, task.sources, task.genes)

    def table(self) -> pd.DataFrame:
        """``seed,converged,topology,n_links``, then the task's metrics (one row per run)."""
        summary = self.ensemble.summary()
        rows = pd.DataFrame(
            {
                "seed": summary["seed"],
                "converged": self.converged,
                "topology": [t.key() for t in self.topologies],
                "n_links": [t.n_links for t in self.topologies],
            }
        )
        return pd.concat([rows, summary.drop(columns=["seed", "converged"])], axis=1)

    def topology_table(self) -> pd.DataFrame:
        """Topology counts and probabilities over the converged runs."""
        return topology_table(t for t, ok in zip(self.topologies, self.converged, strict=False) if ok)

    def consensus_basis(self) -> np.ndarray:
        """The runs the consensus is taken over: the converged ones, or all if none converged."""
        return self.converged if self.converged.any() else np.ones_like(self.converged)

    def consensus(self, cutoff: float = CONSENSUS_CUTOFF) -> pd.DataFrame:
        """The consensus network over the converged runs (readout/consensus.py), with
        ``robust_sign`` and the run counts of each sign. By default every run's sign is the sign
        of its strength, however small, as the authors counted runs for the paper's Fig. 5c; the
        study's cutoff is for topologies, whose count it maximises."""
        task = self.task
        return consensus_network(self.strengths[self.consensus_basis()], task.sources, task.genes, cutoff)

    def reference_comparison(self) -> pd.DataFrame:
        """The consensus beside each of the task's reference networks, link by link."""
        return compare_consensus(self.consensus(), self.task.references)

    def summary(self) -> dict[str, Any]:
        """Convergence, read-out settings, wall time, the degeneracy of the converged runs'
        topologies and the consensus's agreement with the task's references (``summary.json``)."""
        references = agreement_summary(self.reference_comparison(), self.task.references)
        return {
            "task": self.task.name,
            "runs": len(self.ensemble),
            "converged": int(self.converged.sum()),
            "lam": self.lam,
            "mode": "trajectory",
            "cutoff": self.cutoff,
            "cutoff_rule": self.cutoff_rule,
            "wall_time_s": round(self.wall_time, 2),
            "training_time_s": round(self.ensemble.wall_time, 2),
            **degeneracy(self.topology_table()),
            "consensus_runs": int(self.consensus_basis().sum()),
            **({"references": references} if references else {}),
        }


def _train_chunk(task: Task, seeds: list[int], config: TrainConfig) -> Ensemble:
    return train(task, seeds, config=config)


def run_study(
    task: Task,
    seeds: int | Sequence[int] = 200,
    *,
    seed: int = 0,
    config: TrainConfig | None = None,
    lam: float | None = None,
    cutoff: float | str = "auto",
    distribution: Distribution | None = None,
    progress: bool = False,
    **overrides: Any,
) -> StudyResult:
    """Train every seed, decide convergence by the task's criterion, mutate every model
    (trajectory mode, knockdown ``lam``, by default the task's ``knockdown``) and read its
    topology. Training runs as one vectorised ensemble in-process, or as one chunk of seeds per
    worker of ``distribution``. The automatic cutoff maximises the number of distinct topologies
    among the converged runs. Every setting is checked before any training."""
    start = time.perf_counter()
    readout = ReadoutSettings(task.knockdown if lam is None else lam, "trajectory", cutoff)
    distribution = distribution or Distribution()
    seed_list = resolve_seeds(seeds, seed)
    config = (config or task.defaults).replace(**overrides)
    for link in config.blocked:
        task.check_link(link)
    with dask_client(distribution) as client:
        chunks = seed_chunks(seed_list, client)
        parts = run_jobs(
            _train_chunk, [(task, c, config) for c in chunks], client, progress=progress, desc="training chunks"
        )
    ensemble = concat_ensembles(parts)
    converged = ensemble.converged
    scales = np.broadcast_to(
        np.asarray(task.link_scale(config.blocked)), (len(ensemble), len(task.sources), len(task.genes))
    )
    strengths = ensemble_link_strengths(ensemble.models, task, scales, readout.lam, readout.mode, solver=config.solver)
    basis = strengths[converged] if converged.sum() >= 2 else strengths
    value, rule, scan = choose_cutoff(basis, readout.cutoff, len(task.inputs))
    if scan is not None:
        rule += " (converged runs)" if converged.sum() >= 2 else " (all runs: fewer than 2 converged)"
    return StudyResult(ensemble, converged, strengths, readout.lam, value, rule, scan, time.perf_counter() - start)
