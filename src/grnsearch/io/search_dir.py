"""The search directory of the exhaustive Hill search, written as the search runs and read back.

- ``search.json``: the settings (task, samples, seed, chunk size, screen) and ``"complete"``;
- ``chunks/chunk-<k>.csv``: counts of finished chunks (topology index, successful sets), each
  written atomically as soon as its chunk returns;
- at the end ``search.csv`` (one row per topology: ``n_links``, one sign column per
  ``SRC->TGT`` link, ``successful_sets``, ``succeeds``, ``topology``), ``successes.csv`` (the
  succeeding rows) and ``summary.json``. ``search.csv`` appears only when every chunk is done.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import versions, write_atomic
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.space import SearchResult, SearchSettings, link_columns
from grnsearch.tasks.base import Task

META = "search.json"
CHUNK_DIR = "chunks"


def start_search_dir(out: Path, settings: SearchSettings, n_topologies: int, resume: bool) -> dict[str, Any]:
    """Check that ``out`` may hold this search (new, or resumed with the same settings), record
    the settings in ``search.json`` and return that record."""
    out = Path(out)
    meta_path = out / META
    if not meta_path.exists():
        if resume and (out / CHUNK_DIR).exists():
            raise GrnsearchError(
                f"{out} has chunks but no {META}; start a new search in another directory", parameter="resume"
            )
        if not resume and out.exists() and any(out.iterdir()):
            raise GrnsearchError(f"{out}: directory is not empty; choose a new path", parameter="out")
    else:
        recorded = json.loads(meta_path.read_text())
        if not resume:
            state = "a finished" if recorded.get("complete") else "an unfinished"
            raise GrnsearchError(
                f"{out} already holds {state} search; pass `resume` to continue it, or choose another directory",
                parameter="out",
            )
        differing = [k for k, v in settings.as_dict().items() if recorded.get("settings", {}).get(k) != v]
        if differing:
            was = ", ".join(f"{k}={recorded['settings'].get(k)!r}" for k in differing)
            raise GrnsearchError(
                f"{out} was started with {was}; rerun with those settings or choose another directory",
                parameter="resume",
            )
    meta = {"settings": settings.as_dict(), "complete": False, "topologies": n_topologies, "versions": versions()}
    write_atomic(meta_path, json.dumps(meta, indent=2))
    (out / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
    return meta


def chunk_path(out: Path, k: int) -> Path:
    """Where chunk ``k``'s counts are kept."""
    return Path(out) / CHUNK_DIR / f"chunk-{k:05d}.csv"


def read_chunk(path: Path) -> np.ndarray:
    """The successful-set counts of a finished chunk."""
    return pd.read_csv(path)["successful_sets"].to_numpy(dtype=np.int64)


def write_chunk(path: Path, indices: np.ndarray, counts: np.ndarray) -> None:
    """Record a finished chunk's counts, atomically."""
    frame = pd.DataFrame({"topology_index": indices, "successful_sets": counts})
    write_atomic(path, frame.to_csv(index=False))


def finish_search_dir(out: Path, result: SearchResult, meta: dict[str, Any]) -> None:
    """Write the result tables and summary, then mark ``search.json`` complete."""
    out = Path(out)
    write_atomic(out / "successes.csv", result.successes.to_csv(index=False))
    write_atomic(out / "summary.json", json.dumps(result.summary(), indent=2))
    write_atomic(out / "search.csv", result.table.to_csv(index=False))
    write_atomic(out / META, json.dumps({**meta, "complete": True}, indent=2))


def read_search(directory: str | Path, task: Task | None = None) -> SearchResult:
    """A finished search directory, read back; GrnsearchError naming the directory if it is not."""
    directory = Path(directory)
    meta_path, table_path = directory / META, directory / "search.csv"
    if not meta_path.exists() or not table_path.exists():
        raise GrnsearchError(
            f"{directory}: not a finished search (no {META} and search.csv); run "
            "'grnsearch search TASK --out DIR', or finish it by resuming the search"
        )
    meta = json.loads(meta_path.read_text())
    settings = SearchSettings(**meta["settings"])
    task = tasks.get(settings.task) if task is None else task
    table = pd.read_csv(table_path)
    missing = [c for c in (*link_columns(task), "successful_sets", "topology") if c not in table.columns]
    if missing:
        raise GrnsearchError(f"{table_path}: missing columns {', '.join(missing)}")
    table["topology"] = table["topology"].fillna("")
    return SearchResult(table, settings, task.sources, task.genes, float("nan"))
