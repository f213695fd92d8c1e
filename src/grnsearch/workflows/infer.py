"""``grnsearch infer`` as a library call: fit an ensemble of models to observed time courses,
read the signed network out along the data, and fit the baselines to the same data.

Every setting is checked (:class:`InferenceSettings`) before any training. The seeds train as one
vectorised ensemble in-process, or as one chunk of seeds per worker of a :class:`Distribution`.
The network is the median over the models that predict the held-out data better than no change
(:meth:`ObservedTask.success`); over all models when fewer than two do (``basis`` says which).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from grnsearch.config import (
    MAX_ITERATIONS,
    MAX_SEEDS,
    MODELS,
    Distribution,
    ReadoutSettings,
    TrainConfig,
    check_finite,
    check_positive_int,
    check_seed,
)
from grnsearch.dynamics.spatial import COUPLINGS
from grnsearch.errors import GrnsearchError
from grnsearch.infer.baselines import BASELINES, baseline_strengths, check_baselines
from grnsearch.infer.readout import ConsensusStrengths, consensus_strengths, observed_strengths
from grnsearch.infer.series import TimeSeries
from grnsearch.infer.task import BATCH, MODEL_DEFAULTS, ObservedTask, observed_task
from grnsearch.training.ensemble import Ensemble, concat_ensembles, resolve_seeds, train
from grnsearch.workflows.distributed import dask_client, run_jobs, seed_chunks

MAX_STEPS_BETWEEN = 10_000


@dataclass(frozen=True)
class InferenceSettings:
    """What ``infer`` does: the coupling between positions, the window of observations and the
    Euler steps between them, the ensemble (seeds from ``seed``, ``iterations`` each), the
    read-out (``lam``, ``mode``) and the baselines to fit beside it. Checked when built.

    ``time_unit`` is the model's unit of time in the data's: the model's genes decay at rate 1
    per unit, so a unit near the genes' lifetime (half-life / ln 2) lets f carry regulation
    rather than undo a decay far faster than the data change. The data's times are divided by it;
    outputs keep the data's own times. ``model`` is the class of f: ``mlp``, a neural network
    whose layers ``hidden`` sets (None: the authors' 64, 64; () : none, f a logistic function of a
    weighted sum of the sources, the gene circuit's form), or ``hill``, a Hill-form model in which
    every link may activate or repress (:mod:`grnsearch.dynamics.hill_network`; ``hidden`` does
    not apply). ``iterations`` None takes the model's default (``infer.task.MODEL_DEFAULTS``)."""

    coupling: str = "none"
    window: int = 4
    steps_between: int = 10
    seeds: int = 4
    seed: int = 0
    iterations: int | None = None
    model: str = "mlp"
    hidden: tuple[int, ...] | None = None
    time_unit: float = 1.0
    batch: int = BATCH
    held_out: str | None = None
    lam: float = 0.0
    mode: str = "derivative"
    baselines: tuple[str, ...] = field(default_factory=lambda: tuple(BASELINES))

    def __post_init__(self) -> None:
        if self.coupling not in COUPLINGS:
            raise GrnsearchError(f"unknown coupling {self.coupling!r}; choose one of {', '.join(COUPLINGS)}",
                                 parameter="coupling")  # fmt: skip
        check_positive_int(self.window, "window", 10_000)
        if self.window < 2:
            raise GrnsearchError("a window needs at least 2 observations (a start and a target)", parameter="window")
        check_positive_int(self.steps_between, "steps_between", MAX_STEPS_BETWEEN)
        check_positive_int(self.seeds, "seeds", MAX_SEEDS)
        check_seed(self.seed, "seed", self.seeds)
        if self.iterations is not None:
            check_positive_int(self.iterations, "iterations", MAX_ITERATIONS)
        if self.model not in MODELS:
            raise GrnsearchError(f"unknown model {self.model!r}; choose one of {', '.join(MODELS)}", parameter="model")
        if self.hidden is not None:
            if self.model != "mlp":
                raise GrnsearchError(
                    f"sets the layers of the mlp model, but model is {self.model!r}; drop it or use model mlp",
                    parameter="hidden",
                )
            TrainConfig().replace(hidden=self.hidden)
        check_positive_int(self.batch, "batch", 100_000)
        check_finite(self.time_unit, "time_unit", strict=True)
        ReadoutSettings(self.lam, self.mode)
        check_baselines(self.baselines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class InferenceResult:
    """The fitted ensemble, every model's strengths (n_models, n_sources, n_genes), their
    consensus over ``basis`` (the models it used), each baseline's strengths, and timings."""

    series: TimeSeries
    task: ObservedTask
    ensemble: Ensemble
    strengths: np.ndarray
    basis: np.ndarray
    consensus: ConsensusStrengths
    baselines: dict[str, np.ndarray]
    timings: dict[str, float]
    settings: InferenceSettings
    held_out_run: tuple[np.ndarray, np.ndarray, np.ndarray]
    representative_seed: int

    @property
    def held_out_run_name(self) -> str:
        """The experiment of ``held_out_run``: the held-out one, else the only one."""
        return self.task.held_out or self.series.experiments[0]

    @property
    def sources(self) -> tuple[str, ...]:
        """The regulators in link order (inputs, ``nbr_`` sources, genes)."""
        return self.task.sources

    def summary(self) -> dict[str, Any]:
        """Settings, the held-out experiment, errors against no change, models used, timings."""
        converged = self.ensemble.converged
        return {
            "settings": self.settings.to_dict(),
            "genes": list(self.task.genes),
            "sources": list(self.sources),
            "experiments": list(self.series.experiments),
            "held_out": self.task.held_out,
            "validated_on": "held-out experiment" if self.task.held_out else "training windows (one experiment)",
            "training_windows": len(self.task.training),
            "no_change_rmse": self.task.baseline_rmse,
            "validation_rmse": [float(v) for v in np.asarray(self.ensemble.metrics["validation_rmse"])],
            "converged": int(converged.sum()),
            "models": len(converged),
            "seeds": [int(s) for s in self.ensemble.seeds],
            "network_from": "converged models" if converged.sum() >= 2 else "all models (fewer than 2 beat no change)",
            "gene_scale": {g: float(s) for g, s in zip(self.task.genes, self.series.scale, strict=True)},
            "representative_seed": self.representative_seed,
            "timings_s": {k: round(v, 2) for k, v in self.timings.items()},
        }


def _train_chunk(task: ObservedTask, seeds: list[int], config: TrainConfig, progress: bool) -> Ensemble:
    return train(task, seeds, config=config, progress=progress)


def infer_network(
    series: TimeSeries,
    settings: InferenceSettings | None = None,
    *,
    distribution: Distribution | None = None,
    progress: bool = False,
) -> InferenceResult:
    """Fit, read out and fit the baselines (module docstring)."""
    settings = settings or InferenceSettings()
    distribution = distribution or Distribution()
    model_time = replace(series, times=tuple(t / settings.time_unit for t in series.times))
    task = observed_task(
        model_time,
        coupling=settings.coupling,
        window=settings.window,
        steps_between=settings.steps_between,
        held_out=settings.held_out,
        batch=settings.batch,
    )
    config = MODEL_DEFAULTS[settings.model].replace(iterations=settings.iterations, hidden=settings.hidden)
    seeds = resolve_seeds(settings.seeds, settings.seed)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with dask_client(distribution) as client:
        chunks = seed_chunks(seeds, client)
        jobs = [(task, c, config, progress and client is None) for c in chunks]
        ensemble = concat_ensembles(run_jobs(_train_chunk, jobs, client, progress=progress, desc="training chunks"))
    timings["training"] = time.perf_counter() - start
    start = time.perf_counter()
    strengths = observed_strengths(ensemble.models, task, model_time, lam=settings.lam, mode=settings.mode)
    converged = ensemble.converged
    basis = converged if converged.sum() >= 2 else np.ones_like(converged)
    consensus = consensus_strengths(strengths[basis])
    representative = _representative(ensemble, basis)
    experiment = series.experiments.index(task.held_out) if task.held_out else 0
    times, predicted = task.rollout(ensemble[representative].model, model_time, experiment)
    times = times * settings.time_unit
    observed = series.gene_values(experiment)[-len(times) :]
    timings["readout"] = time.perf_counter() - start
    start = time.perf_counter()
    baselines = baseline_strengths(settings.baselines, model_time, settings.coupling, settings.seed)
    timings["baselines"] = time.perf_counter() - start
    run = (times, observed, predicted)
    return InferenceResult(
        series, task, ensemble, strengths, basis, consensus, baselines, timings, settings, run,
        ensemble.seeds[representative],
    )  # fmt: skip


def _representative(ensemble: Ensemble, basis: np.ndarray) -> int:
    """The model of ``basis`` whose validation error is the median one (the lower middle)."""
    errors = np.asarray(ensemble.metrics["validation_rmse"], dtype=float)
    candidates = np.nonzero(basis)[0]
    ordered = candidates[np.argsort(errors[candidates], kind="stable")]
    return int(ordered[(len(ordered) - 1) // 2])
