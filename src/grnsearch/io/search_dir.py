"""The search directory of the exhaustive Hill search, written as the search runs and read back.

- ``search.json``: the settings (task, samples, seed, chunk size, screen) and ``"complete"``;
- ``chunks/chunk-<k>.csv``: counts of finished chunks (topology index, successful sets), each
  written atomically as soon as its chunk returns;
- at the end ``search.csv`` (one row per topology: ``n_links``, one sign column per
  ``SRC->TGT`` link, ``successful_sets``, ``succeeds``, ``topology``), ``successes.csv`` (the
  succeeding rows) and ``summary.json``. ``search.csv`` appears only when every chunk is done.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import versions, write_atomic
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.space import SearchResult, SearchSettings, link_columns
from grnsearch.io.inputs import bad_file, check_columns, json_object, read_csv
from grnsearch.network.topology import Topology
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


SEARCH_FIX = "run 'grnsearch search TASK --out DIR' again to write the search"


def _search_settings(meta_path: Path) -> tuple[SearchSettings, dict[str, Any]]:
    """The checked record of a finished search's ``search.json``."""
    meta = json_object(meta_path, SEARCH_FIX, {"settings": dict, "complete": bool})
    if not meta["complete"]:
        raise bad_file(meta_path, "says the search is not finished", "finish it by resuming the search")
    known = {f.name: f for f in dataclasses.fields(SearchSettings)}
    unknown = sorted(set(meta["settings"]) - set(known))
    if unknown:
        raise bad_file(meta_path, f"unknown setting 'settings.{unknown[0]}'", SEARCH_FIX)
    needed = [n for n, f in known.items() if f.default is dataclasses.MISSING and n not in meta["settings"]]
    if needed:
        raise bad_file(meta_path, f"has no field 'settings.{needed[0]}'", SEARCH_FIX)
    try:
        return SearchSettings(**meta["settings"]), meta
    except GrnsearchError as err:
        raise bad_file(meta_path, f"holds settings that cannot be used ({err})", SEARCH_FIX) from None


def _search_table(table_path: Path, task: Task, settings: SearchSettings, meta: dict[str, Any]) -> pd.DataFrame:
    """``search.csv`` checked against the task and the settings: sign columns of -1/0/1 that
    agree with ``topology`` and ``n_links``, whole non-negative counts, ``succeeds`` by the screen's
    minimum, one row per topology searched."""
    links = link_columns(task)
    table = read_csv(table_path, SEARCH_FIX, keep_default_na=False)
    required = ["n_links", *links, "successful_sets", "succeeds", "topology"]
    check_columns(table, table_path, SEARCH_FIX, required=required, numeric=["n_links", *links, "successful_sets"])
    counts = table["successful_sets"].to_numpy()
    signs = table[links].to_numpy()
    if np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise bad_file(table_path, "column 'successful_sets' holds negative or fractional counts", SEARCH_FIX)
    if not np.all(np.isin(signs, (-1, 0, 1))):
        raise bad_file(table_path, "sign columns hold values other than -1, 0 and 1", SEARCH_FIX)
    table[["n_links", *links, "successful_sets"]] = table[["n_links", *links, "successful_sets"]].astype(np.int64)
    words = table["succeeds"].astype(str).str.strip().str.lower()
    if not words.isin(("true", "false")).all():
        raise bad_file(table_path, "column 'succeeds' holds values other than True and False", SEARCH_FIX)
    table["succeeds"] = words == "true"
    table["topology"] = table["topology"].astype(str)
    keys = [Topology(s.reshape(len(task.sources), len(task.genes)), task.sources, task.genes) for s in signs]
    wrong = [
        k for k, t in enumerate(keys) if t.key() != table["topology"].iloc[k] or t.n_links != table["n_links"].iloc[k]
    ]
    if wrong:
        raise bad_file(
            table_path, f"data row {wrong[0] + 1}: 'topology' or 'n_links' disagrees with the sign columns", SEARCH_FIX
        )
    minimum = settings.screen.get("min_successful_sets")
    if isinstance(minimum, int) and not np.array_equal(table["succeeds"], table["successful_sets"] >= minimum):
        raise bad_file(table_path, f"'succeeds' disagrees with the screen's minimum of {minimum} sets", SEARCH_FIX)
    expected = len(settings.subset) if settings.subset is not None else meta.get("topologies")
    if isinstance(expected, int) and len(table) != expected:
        raise bad_file(table_path, f"has {len(table)} rows but the search covered {expected} topologies", SEARCH_FIX)
    return table


def read_search(directory: str | Path, task: Task | None = None) -> SearchResult:
    """A finished search directory, read back and checked (``search.json`` and ``search.csv``
    against each other and the task); GrnsearchError naming the file at fault."""
    directory = Path(directory)
    meta_path, table_path = directory / META, directory / "search.csv"
    if not directory.is_dir():
        state = "is a file" if directory.exists() else "does not exist"
        raise GrnsearchError(
            f"{directory} {state}, so it is not a finished search: give the directory written by "
            "'grnsearch search TASK --out DIR'"
        )
    for path in (meta_path, table_path):
        if not path.exists():
            raise GrnsearchError(
                f"{path}: no such file, so {directory} is not a finished search; run "
                "'grnsearch search TASK --out DIR', or finish it by resuming the search"
            )
    settings, meta = _search_settings(meta_path)
    if task is None:
        try:
            task = tasks.get(settings.task)
        except GrnsearchError as err:
            raise bad_file(meta_path, str(err), SEARCH_FIX) from None
    elif task.name != settings.task:
        raise bad_file(
            meta_path, f"is a search of {settings.task!r}, not of {task.name!r}", "give a search of that task"
        )
    table = _search_table(table_path, task, settings, meta)
    return SearchResult(table, settings, task.sources, task.genes, float("nan"))
