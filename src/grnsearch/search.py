"""The exhaustive Hill search: every topology of a task's space screened with random parameter
sets (METHOD.md section 5), chunked so that an interrupted search resumes where it stopped.

Layout of a search directory:

- ``search.json``: the settings (task, samples, seed, chunk size, screen) and ``"complete"``;
- ``chunks/chunk-<k>.csv``: counts of finished chunks (topology index, successful sets), each
  written atomically as soon as its chunk returns;
- at the end ``search.csv`` (one row per topology: ``n_links``, one sign column per
  ``SRC->TGT`` link, ``successful_sets``, ``succeeds``, ``topology``), ``successes.csv`` (the
  succeeding rows) and ``summary.json``. ``search.csv`` appears only when every chunk is done.

Topology i draws its parameter sets from ``fold_in(PRNGKey(seed), i)``, so the counts do not
depend on chunking, resuming, devices or Dask workers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jax
import numpy as np
import pandas as pd

from grnsearch.distributed import dask_client, iter_jobs
from grnsearch.errors import GrnsearchError
from grnsearch.hill import enumerate_topologies
from grnsearch.io import versions, write_atomic
from grnsearch.screen import SAMPLE_BLOCK, OscillationScreen, count_successful_sets
from grnsearch.tasks.base import Task
from grnsearch.topology import Topology

MAX_CANDIDATES = 3**10
DEFAULT_SAMPLES = 160_000
DEFAULT_CHUNK = 48
CHUNK_DIR = "chunks"


@dataclass(frozen=True)
class SearchSettings:
    """What determines a search's result; a resumed search must match it exactly."""

    task: str
    samples: int
    seed: int
    chunk_size: int
    sample_block: int
    screen: dict[str, Any]
    subset: list[int] | None = None  # topology indices, when only part of the space is searched

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    """The finished search: one row per topology."""

    table: pd.DataFrame
    settings: SearchSettings
    sources: tuple[str, ...]
    genes: tuple[str, ...]
    wall_time: float

    @property
    def successes(self) -> pd.DataFrame:
        """Rows of the topologies that succeed (at least the screen's minimum of sets)."""
        return self.table[self.table["succeeds"]].reset_index(drop=True)

    def topologies(self, successful_only: bool = True) -> list[Topology]:
        """The (succeeding) topologies as :class:`Topology` objects."""
        rows = self.successes if successful_only else self.table
        return [Topology.from_key(key, self.sources, self.genes) for key in rows["topology"]]

    def summary(self) -> dict[str, Any]:
        """Counts for summary.json: successful topologies overall and by link count."""
        wins = self.successes
        return {
            "topologies": len(self.table),
            "successful_topologies": len(wins),
            "successful_by_links": {int(k): int(v) for k, v in wins["n_links"].value_counts().sort_index().items()},
            "successful_sets_min": int(wins["successful_sets"].min()) if len(wins) else 0,
            "successful_sets_max": int(wins["successful_sets"].max()) if len(wins) else 0,
            "wall_time_s": round(self.wall_time, 2),
        }


def task_screen(task: Task) -> OscillationScreen:
    """The task's Hill screen, or a GrnsearchError naming the tasks that have one."""
    screen = task.hill_screen()
    if screen is None:
        from grnsearch import tasks

        have = [name for name in tasks.names() if tasks.get(name).hill_screen() is not None]
        raise GrnsearchError(f"task {task.name!r} has no Hill-search criterion; search works for: "
                             f"{', '.join(have)}")
    return screen


def search_space(task: Task) -> np.ndarray:
    """Sign matrices (n, n_sources, n_genes) of every connected topology of the task's nodes."""
    n_links = len(task.sources) * len(task.genes)
    if 3**n_links > MAX_CANDIDATES:
        raise GrnsearchError(
            f"task {task.name!r}: {len(task.inputs)} inputs and {len(task.genes)} genes give 3^{n_links} = "
            f"{3**n_links:,} candidate topologies, too many for an exhaustive search; use a task with "
            "fewer genes"
        )
    return enumerate_topologies(len(task.inputs), len(task.genes))


def link_columns(task: Task) -> list[str]:
    """``SRC->TGT`` column names in sign-matrix order (sources, then targets)."""
    return [f"{s}->{t}" for s, t in task.links()]


def count_chunk(screen: OscillationScreen, signs: np.ndarray, indices: np.ndarray, seed: int,
                samples: int) -> np.ndarray:
    """Successful sets of each topology in a chunk (the unit of work sent to a worker)."""
    root = jax.random.PRNGKey(seed)
    return np.array([count_successful_sets(s, jax.random.fold_in(root, int(i)), samples, screen)
                     for s, i in zip(signs, indices, strict=True)], dtype=np.int64)


def _check_settings(out: Path, settings: SearchSettings, resume: bool) -> None:
    meta = out / "search.json"
    if not meta.exists():
        if resume and (out / CHUNK_DIR).exists():
            raise GrnsearchError(f"--resume: {out} has chunks but no search.json; start a new search "
                                 "with another --out")
        if not resume and out.exists() and any(out.iterdir()):
            raise GrnsearchError(f"--out {out}: directory is not empty; choose a new path")
        return
    recorded = json.loads(meta.read_text())
    if not resume:
        state = "a finished" if recorded.get("complete") else "an unfinished"
        raise GrnsearchError(f"--out {out} already holds {state} search; pass --resume to continue it, "
                             "or choose another --out")
    differing = [k for k, v in settings.as_dict().items() if recorded.get("settings", {}).get(k) != v]
    if differing:
        was = ", ".join(f"{k}={recorded['settings'].get(k)!r}" for k in differing)
        raise GrnsearchError(f"--resume: {out} was started with {was}; rerun with those settings or "
                             "choose another --out")


def _read_chunk(path: Path) -> np.ndarray:
    return pd.read_csv(path)["successful_sets"].to_numpy(dtype=np.int64)


def _write_chunk(path: Path, indices: np.ndarray, counts: np.ndarray) -> None:
    frame = pd.DataFrame({"topology_index": indices, "successful_sets": counts})
    write_atomic(path, frame.to_csv(index=False))


def search_table(task: Task, signs: np.ndarray, counts: np.ndarray, min_sets: int) -> pd.DataFrame:
    """One row per topology: n_links, sign columns, successful_sets, succeeds, topology key."""
    flat = signs.reshape(len(signs), -1).astype(int)
    table = pd.DataFrame(flat, columns=link_columns(task))
    table.insert(0, "n_links", np.count_nonzero(flat, axis=1))
    table["successful_sets"] = counts
    table["succeeds"] = counts >= min_sets
    sources, genes = task.sources, task.genes
    table["topology"] = [Topology(s, sources, genes).key() for s in signs]
    return table


def run_search(task: Task, *, samples: int = DEFAULT_SAMPLES, seed: int = 0, out: str | Path,
               resume: bool = False, workers: int | None = None, scheduler: str | None = None,
               chunk_size: int = DEFAULT_CHUNK, progress: bool = False,
               topology_indices: Sequence[int] | None = None) -> SearchResult:
    """Screen every topology of the task's space with ``samples`` random parameter sets and write
    the search directory ``out`` (see the module docstring). ``topology_indices`` restricts the
    search to part of the space (for tests and quick looks)."""
    if samples <= 0:
        raise GrnsearchError(f"--samples must be a positive whole number, got {samples}")
    screen = task_screen(task)
    start_time = time.perf_counter()
    signs = search_space(task)
    indices = np.arange(len(signs)) if topology_indices is None else np.asarray(topology_indices)
    signs = signs[indices]
    out = Path(out)
    settings = SearchSettings(task=task.name, samples=samples, seed=seed, chunk_size=chunk_size,
                              sample_block=SAMPLE_BLOCK, screen=asdict(screen),
                              subset=None if topology_indices is None else indices.tolist())
    _check_settings(out, settings, resume)
    meta = {"settings": settings.as_dict(), "complete": False, "topologies": len(signs), "versions": versions()}
    write_atomic(out / "search.json", json.dumps(meta, indent=2))

    chunk_dir = out / CHUNK_DIR
    chunk_dir.mkdir(parents=True, exist_ok=True)
    bounds = list(range(0, len(signs), chunk_size))
    counts = np.full(len(signs), -1, dtype=np.int64)
    todo = []
    for k, lo in enumerate(bounds):
        path = chunk_dir / f"chunk-{k:05d}.csv"
        hi = min(lo + chunk_size, len(signs))
        if path.exists():
            counts[lo:hi] = _read_chunk(path)
        else:
            todo.append((k, lo, hi))
    jobs = [(screen, signs[lo:hi], indices[lo:hi], seed, samples) for _, lo, hi in todo]
    # counts are integers that do not depend on the device count, so workers may split the cores
    with dask_client(workers=workers, scheduler=scheduler, split_cores=True) as client:
        for j, chunk_counts in iter_jobs(count_chunk, jobs, client, progress=progress, desc="topology chunks"):
            k, lo, hi = todo[j]
            counts[lo:hi] = chunk_counts
            _write_chunk(chunk_dir / f"chunk-{k:05d}.csv", indices[lo:hi], chunk_counts)

    table = search_table(task, signs, counts, screen.min_successful_sets)
    result = SearchResult(table, settings, task.sources, task.genes, time.perf_counter() - start_time)
    write_atomic(out / "successes.csv", result.successes.to_csv(index=False))
    write_atomic(out / "summary.json", json.dumps(result.summary(), indent=2))
    write_atomic(out / "search.csv", table.to_csv(index=False))
    meta["complete"] = True
    write_atomic(out / "search.json", json.dumps(meta, indent=2))
    return result


def read_search(directory: str | Path, task: Task | None = None) -> SearchResult:
    """A finished search directory, read back; GrnsearchError naming the directory if it is not."""
    directory = Path(directory)
    meta_path, table_path = directory / "search.json", directory / "search.csv"
    if not meta_path.exists() or not table_path.exists():
        raise GrnsearchError(f"{directory}: not a finished search (no search.json and search.csv); run "
                             "'grnsearch search TASK --out DIR' or finish it with --resume")
    meta = json.loads(meta_path.read_text())
    settings = SearchSettings(**meta["settings"])
    if task is None:
        from grnsearch import tasks

        task = tasks.get(settings.task)
    table = pd.read_csv(table_path)
    missing = [c for c in (*link_columns(task), "successful_sets", "topology") if c not in table.columns]
    if missing:
        raise GrnsearchError(f"{table_path}: missing columns {', '.join(missing)}")
    table["topology"] = table["topology"].fillna("")
    return SearchResult(table, settings, task.sources, task.genes, float("nan"))
