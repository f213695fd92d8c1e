"""The exhaustive Hill search as a run: every topology of a task's space screened in chunks, each
chunk's counts kept as soon as it returns, so that an interrupted search resumes where it stopped;
chunks run in-process or on Dask workers. The directory layout is :mod:`grnsearch.io.search_dir`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grnsearch import tasks
from grnsearch._files import write_atomic
from grnsearch.config import Distribution, check_positive_int
from grnsearch.hillsearch.exact import EXACT
from grnsearch.hillsearch.space import (
    DEFAULT_CHUNK,
    SearchResult,
    SearchSettings,
    count_chunk,
    search_space,
    search_table,
    task_screen,
)
from grnsearch.io.search_dir import (
    chunk_path,
    finish_search_dir,
    read_chunk,
    settings_digest,
    start_search_dir,
    write_chunk,
)
from grnsearch.tasks.base import Task
from grnsearch.workflows.distributed import dask_client, iter_jobs


def _record_task(task: Task, out: Path) -> None:
    """Keep the task file beside ``search.json`` (once), so that the search's task is known
    without the file it came from."""
    record = tasks.record_text(task)
    if record is not None and not (out / tasks.RECORD).exists():
        write_atomic(out / tasks.RECORD, record)


def _finished_chunks(
    out: Path, digest: str, indices: np.ndarray, chunk_size: int
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Counts (topologies, 2) with the chunks already in ``out`` filled in (-1 elsewhere), and the
    chunks still to do as (chunk, lo, hi)."""
    counts = np.full((len(indices), 2), -1, dtype=np.int64)
    todo = []
    for k, lo in enumerate(range(0, len(indices), chunk_size)):
        hi = min(lo + chunk_size, len(indices))
        if chunk_path(out, k).exists():
            counts[lo:hi] = read_chunk(chunk_path(out, k), k, digest, indices[lo:hi])
        else:
            todo.append((k, lo, hi))
    return counts, todo


def run_search(
    task: Task,
    *,
    samples: int | None = None,
    seed: int = 0,
    out: str | Path,
    resume: bool = False,
    distribution: Distribution | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: bool = False,
    topology_indices: Sequence[int] | None = None,
) -> SearchResult:
    """Screen every topology of the task's space with ``samples`` random parameter sets (None: the
    task's screen's ``samples``, 160,000 for the oscillation) and write
    the search directory ``out`` (:mod:`grnsearch.io.search_dir`); with ``resume``, continue the
    search already there. ``topology_indices`` restricts the search to part of the space (for
    tests and quick looks). Every topology gets two counts: sets passing the paper's Euler screen
    and, of those, sets passing on the exact solution (:mod:`grnsearch.hillsearch.exact`)."""
    screen = task_screen(task)
    samples = screen.samples if samples is None else samples
    check_positive_int(samples, "samples")
    distribution = distribution or Distribution()
    start_time = time.perf_counter()
    signs = search_space(task)
    indices = np.arange(len(signs)) if topology_indices is None else np.asarray(topology_indices)
    signs = signs[indices]
    out = Path(out)
    settings = SearchSettings(
        task=task.name,
        samples=samples,
        seed=seed,
        chunk_size=chunk_size,
        sample_block=screen.sample_block,
        screen=screen.to_dict(),
        subset=None if topology_indices is None else indices.tolist(),
        exact=EXACT.as_dict(),
    )
    meta = start_search_dir(out, settings, len(signs), resume)
    _record_task(task, out)

    digest = settings_digest(settings)
    counts, todo = _finished_chunks(out, digest, indices, chunk_size)
    jobs = [(screen, signs[lo:hi], indices[lo:hi], seed, samples, EXACT) for _, lo, hi in todo]
    # counts are integers that do not depend on the device count, so workers may split the cores
    with dask_client(distribution, split_cores=True) as client:
        for j, chunk_counts in iter_jobs(count_chunk, jobs, client, progress=progress, desc="topology chunks"):
            k, lo, hi = todo[j]
            counts[lo:hi] = chunk_counts
            write_chunk(chunk_path(out, k), k, digest, indices[lo:hi], chunk_counts)

    table = search_table(task, signs, counts, screen.min_successful_sets)
    result = SearchResult(table, settings, task.sources, task.genes, time.perf_counter() - start_time)
    finish_search_dir(out, result, meta)
    return result
