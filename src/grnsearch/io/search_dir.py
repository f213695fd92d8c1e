"""The search directory of the exhaustive Hill search, written as the search runs and read back.

- ``search.json``: the settings (task, samples, seed, chunk size, screen, exact solver) and
  ``"complete"``;
- ``chunks/chunk-<k>.json``: a finished chunk, written atomically as soon as it returns: the
  digest of the search settings, the topology indices, both counts (``successful_sets`` by the
  Euler screen, ``exact_sets`` of those also passing on the exact solution) and a checksum of
  its content. On resume every chunk is verified before it is used;
- at the end ``search.csv`` (one row per topology: ``n_links``, one sign column per
  ``SRC->TGT`` link, ``successful_sets``, ``exact_sets``, ``succeeds``, ``succeeds_exactly``,
  ``topology``), ``successes.csv`` (the rows that succeed by the Euler screen) and
  ``summary.json``. ``search.csv`` appears only when every chunk is done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import clean_stale, versions, write_atomic
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.space import SearchResult, SearchSettings, link_columns
from grnsearch.io.inputs import bad_file, check_columns, json_object, read_csv, require_output_files
from grnsearch.network.topology import Topology
from grnsearch.tasks.base import Task

META = "search.json"
CHUNK_DIR = "chunks"
CHUNK_FIELDS = ("chunk", "settings_digest", "topology_index", "successful_sets", "exact_sets")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def settings_digest(settings: SearchSettings) -> str:
    """SHA-256 of the settings, recorded in every chunk so that a chunk of another search is caught."""
    return _digest(settings.as_dict())


def read_meta(meta_path: Path) -> dict[str, Any]:
    """``search.json`` of a search being resumed, or a GrnsearchError naming it when it cannot be read."""
    return json_object(meta_path, "start a new search in another directory", {"settings": dict})


def _check_writable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise GrnsearchError(f"{out} exists and is not a directory; choose another path", parameter="out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise GrnsearchError(
            f"{out}: cannot write there ({err.strerror}); choose a writable directory", parameter="out"
        ) from None


def start_search_dir(out: Path, settings: SearchSettings, n_topologies: int, resume: bool) -> dict[str, Any]:
    """Check that ``out`` may hold this search (new, or resumed with the same settings), record
    the settings in ``search.json`` and return that record. Half-written files left by a killed
    search (``write_atomic``'s temporary files of dead processes) are removed first."""
    out = Path(out)
    meta_path = out / META
    if out.exists() and not out.is_dir():
        raise GrnsearchError(f"{out} exists and is not a directory; choose another path", parameter="out")
    for directory in (out, out / CHUNK_DIR):  # half-written files of a killed search
        clean_stale(directory)
    if not meta_path.exists():
        if resume:
            raise GrnsearchError(
                f"nothing to resume: {out} {'has no ' + META if out.exists() else 'does not exist'}; "
                "start a new search without `resume`",
                parameter="resume",
            )
        if out.exists() and any(out.iterdir()):
            raise GrnsearchError(f"{out}: directory is not empty; choose a new path", parameter="out")
    else:
        recorded = read_meta(meta_path)
        if not resume:
            state = "a finished" if recorded.get("complete") else "an unfinished"
            raise GrnsearchError(
                f"{out} already holds {state} search; pass `resume` to continue it, or choose another directory",
                parameter="out",
            )
        differing = [k for k, v in settings.as_dict().items() if recorded["settings"].get(k) != v]
        if "exact" in differing and recorded["settings"].get("exact") is None:
            raise GrnsearchError(
                f"{out} holds a search of an earlier grnsearch without the exact verdict; its chunks cannot be "
                "resumed: start a new search in another directory",
                parameter="resume",
            )
        if differing:
            was = ", ".join(f"{k}={recorded['settings'].get(k)!r}" for k in differing)
            raise GrnsearchError(
                f"{out} was started with {was}; rerun with those settings or choose another directory",
                parameter="resume",
            )
    _check_writable(out)
    meta = {"settings": settings.as_dict(), "complete": False, "topologies": n_topologies, "versions": versions()}
    write_atomic(meta_path, json.dumps(meta, indent=2))
    (out / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
    return meta


def chunk_path(out: Path, k: int) -> Path:
    """Where chunk ``k``'s counts are kept."""
    return Path(out) / CHUNK_DIR / f"chunk-{k:05d}.json"


def write_chunk(path: Path, k: int, digest: str, indices: np.ndarray, counts: np.ndarray) -> None:
    """Record a finished chunk (counts: (topologies, 2), Euler then exact) with its checksum, atomically."""
    record = {
        "chunk": k,
        "settings_digest": digest,
        "topology_index": [int(i) for i in indices],
        "successful_sets": [int(c) for c in counts[:, 0]],
        "exact_sets": [int(c) for c in counts[:, 1]],
    }
    write_atomic(path, json.dumps({**record, "checksum": _digest(record)}))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_chunk(path: Path, k: int, digest: str, indices: np.ndarray) -> np.ndarray:
    """The verified counts (topologies, 2) of finished chunk ``k`` holding topologies ``indices``
    of the search whose settings have ``digest``; GrnsearchError naming the file otherwise."""
    fix = f"delete {path} to recompute that chunk, or start a new search in another directory"
    try:
        record = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise GrnsearchError(f"chunk file {path} is unreadable or truncated ({err}); {fix}") from None
    if not isinstance(record, dict) or any(name not in record for name in (*CHUNK_FIELDS, "checksum")):
        raise GrnsearchError(f"chunk file {path} is not a chunk record (fields missing); {fix}")
    content = {name: record[name] for name in CHUNK_FIELDS}
    if record["checksum"] != _digest(content):
        raise GrnsearchError(f"chunk file {path}: checksum mismatch (the file was changed or damaged); {fix}")
    if record["settings_digest"] != digest:
        raise GrnsearchError(f"chunk file {path} was written by a search with other settings; {fix}")
    if record["chunk"] != k or record["topology_index"] != [int(i) for i in indices]:
        raise GrnsearchError(f"chunk file {path} holds other topologies than chunk {k} of this search; {fix}")
    euler, exact = record["successful_sets"], record["exact_sets"]
    valid = isinstance(euler, list) and isinstance(exact, list) and len(euler) == len(exact) == len(indices)
    if not valid or not all(_is_count(e) and _is_count(x) and x <= e for e, x in zip(euler, exact, strict=True)):
        raise GrnsearchError(
            f"chunk file {path}: counts are not whole numbers >= 0 (exact <= Euler), one per topology; {fix}"
        )
    return np.array([euler, exact], dtype=np.int64).T.reshape(len(indices), 2)


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
    if settings.exact is not None:
        _check_exact_columns(table, table_path, minimum)
    expected = len(settings.subset) if settings.subset is not None else meta.get("topologies")
    if isinstance(expected, int) and len(table) != expected:
        raise bad_file(table_path, f"has {len(table)} rows but the search covered {expected} topologies", SEARCH_FIX)
    return table


def _check_exact_columns(table: pd.DataFrame, table_path: Path, minimum: Any) -> None:
    """The exact verdict's columns of a search that has one: whole counts no larger than the Euler
    counts, and ``succeeds_exactly`` by the screen's minimum."""
    check_columns(table, table_path, SEARCH_FIX, required=["exact_sets", "succeeds_exactly"], numeric=["exact_sets"])
    exact = table["exact_sets"].to_numpy()
    if np.any(exact < 0) or np.any(exact != np.round(exact)) or np.any(exact > table["successful_sets"].to_numpy()):
        raise bad_file(
            table_path,
            "column 'exact_sets' holds counts that are negative, fractional or above 'successful_sets'",
            SEARCH_FIX,
        )
    table["exact_sets"] = table["exact_sets"].astype(np.int64)
    words = table["succeeds_exactly"].astype(str).str.strip().str.lower()
    if not words.isin(("true", "false")).all():
        raise bad_file(table_path, "column 'succeeds_exactly' holds values other than True and False", SEARCH_FIX)
    table["succeeds_exactly"] = words == "true"
    if isinstance(minimum, int) and not np.array_equal(table["succeeds_exactly"], table["exact_sets"] >= minimum):
        raise bad_file(
            table_path, f"'succeeds_exactly' disagrees with the screen's minimum of {minimum} sets", SEARCH_FIX
        )


def read_search(directory: str | Path, task: Task | None = None) -> SearchResult:
    """A finished search directory, read back and checked (``search.json`` and ``search.csv``
    against each other and the task); GrnsearchError naming the file at fault."""
    directory = Path(directory)
    meta_path, table_path = directory / META, directory / "search.csv"
    require_output_files(
        directory,
        (meta_path, table_path),
        "search",
        "give the directory written by 'grnsearch search TASK --out DIR', or finish it by resuming the search",
    )
    settings, meta = _search_settings(meta_path)
    if task is None:
        try:
            task = tasks.recorded(directory, settings.task)
        except GrnsearchError as err:
            raise bad_file(meta_path, str(err), SEARCH_FIX) from None
    elif task.name != settings.task:
        raise bad_file(
            meta_path, f"is a search of {settings.task!r}, not of {task.name!r}", "give a search of that task"
        )
    table = _search_table(table_path, task, settings, meta)
    return SearchResult(table, settings, task.sources, task.genes, float("nan"))
