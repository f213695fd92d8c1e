"""Sparsification paths of several seeds, one independent job per seed: in-process, on a local
Dask cluster or on an existing one (the path of one seed is :mod:`grnsearch.readout.sparsify`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grnsearch.config import Distribution, ReadoutSettings, TrainConfig, check_seed
from grnsearch.readout.sparsify import RESTART_STRIDE, SparsifyPath, SparsifySettings, sparsify_path
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import resolve_seeds
from grnsearch.workflows.distributed import dask_client, run_jobs


def sparsify(
    task: Task,
    seeds: int | Sequence[int] = 5,
    *,
    seed: int = 0,
    config: TrainConfig | None = None,
    settings: SparsifySettings | None = None,
    readout: ReadoutSettings | None = None,
    distribution: Distribution | None = None,
    progress: bool = False,
    **overrides: Any,
) -> list[SparsifyPath]:
    """Sparsification paths for several seeds (seeds ``seed ..`` for a count, or the given list).

    ``config`` defaults to the task's, with the task's ``sparsify_iterations``; ``overrides``
    replace single training settings (``iterations``, ``blocked`` ...). ``settings`` say how
    paths prune, ``readout`` how each step's topology is read (its mode is always trajectory;
    default: the task's knockdown and the automatic cutoff),
    ``distribution`` where the paths run. Every setting is checked before any training.
    """
    settings = settings or SparsifySettings()
    readout = readout or ReadoutSettings(lam=task.knockdown)
    distribution = distribution or Distribution()
    seed_list = resolve_seeds(seeds, seed)
    # restart r of a seed trains with seed + r * RESTART_STRIDE, which must fit a key as well
    check_seed(max(seed_list), "seed", count=(settings.restarts - 1) * RESTART_STRIDE + 1)
    config = (config or task.defaults.replace(iterations=task.sparsify_iterations)).replace(**overrides)
    for link in config.blocked:
        task.check_link(link)
    jobs = [(task, s, config, settings, readout) for s in seed_list]
    with dask_client(distribution) as client:
        return run_jobs(_path_job, jobs, client, progress=progress, desc="sparsification paths")


def _path_job(
    task: Task, seed: int, config: TrainConfig, settings: SparsifySettings, readout: ReadoutSettings
) -> SparsifyPath:
    return sparsify_path(task, seed, config, settings=settings, readout=readout)
