"""Tables of link strengths and topologies: writing them as pandas frames and reading them back
from CSV files (one ``SRC->TGT`` column per link, the layout of the authors' released tables).

Every table written through :func:`write_table` is a plain CSV (a header row, no comment lines,
so ``pandas.read_csv`` and spreadsheet programs read it as it is) with a sidecar JSON beside it,
``<name>.csv.json``: what the table is, its columns and the settings it was read out with (the
knockdown ``lam``, the read-out ``mode``, the ``cutoff`` and the rule that chose it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import write_atomic
from grnsearch.errors import GrnsearchError
from grnsearch.io.inputs import bad_file, check_columns, json_object, read_csv, require_output_files
from grnsearch.network.links import ARROW, link_index, link_names, parse_link
from grnsearch.network.topology import Topology
from grnsearch.readout.statistics import topologies_from_strengths

SIDECAR_SUFFIX = ".json"
READOUT_KEYS = ("lam", "mode", "cutoff", "cutoff_rule")


def sidecar_path(csv_path: str | Path) -> Path:
    """The sidecar JSON of a CSV table: ``links.csv`` -> ``links.csv.json``."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.name + SIDECAR_SUFFIX)


def write_table(
    path: str | Path, table: pd.DataFrame, description: str, settings: dict[str, Any], *, index: bool = False
) -> list[Path]:
    """Write ``table`` as a plain CSV at ``path`` and its sidecar JSON (module docstring) with
    ``description`` and ``settings`` (read-out settings first: lam, mode, cutoff, cutoff_rule);
    returns both paths."""
    path = Path(path)
    columns = ([table.index.name or "index"] if index else []) + [str(c) for c in table.columns]
    ordered = {k: settings[k] for k in READOUT_KEYS if k in settings}
    ordered |= {k: v for k, v in settings.items() if k not in ordered}
    record = {"table": path.name, "description": description, "columns": columns, **ordered}
    return [
        write_atomic(path, table.to_csv(index=index)),
        write_atomic(sidecar_path(path), json.dumps(record, indent=2)),
    ]


def strength_table(strengths: np.ndarray, sources: tuple[str, ...], genes: tuple[str, ...]) -> pd.DataFrame:
    """The strength matrix as a table: one row per source, one column per target."""
    table = pd.DataFrame(np.asarray(strengths, dtype=float), index=list(sources), columns=list(genes))
    table.index.name = "source"
    return table


def ensemble_strength_table(
    seeds: Any, converged: np.ndarray, strengths: np.ndarray, sources: tuple[str, ...], genes: tuple[str, ...]
) -> pd.DataFrame:
    """``seed,converged`` then one column per ``SRC->TGT`` link: every run's link strengths, the
    layout of the authors' released table, so a study can be cut again at any cutoff."""
    strengths = np.asarray(strengths, dtype=float)
    names = link_names(sources, genes)
    columns = {name: strengths[:, k // len(genes), k % len(genes)] for k, name in enumerate(names)}
    return pd.DataFrame({"seed": list(seeds), "converged": np.asarray(converged, dtype=bool), **columns})


def edge_table(topology: Topology, strengths: np.ndarray) -> pd.DataFrame:
    """``source,target,sign,strength``: one row per present link, in canonical order."""
    rows = [
        (s, t, sign, float(strengths[topology.sources.index(s), topology.genes.index(t)]))
        for s, t, sign in topology.links()
    ]
    return pd.DataFrame(rows, columns=["source", "target", "sign", "strength"])


TABLE_FIX = "give a CSV with one SRC->TGT column per link of the task (as 'grnsearch study' writes strengths.csv)"
STUDY_FIX = "rerun 'grnsearch study TASK --out DIR' to write the study again"
TRUE_WORDS, FALSE_WORDS = ("true", "1", "1.0"), ("false", "0", "0.0")


def converged_rows(table: pd.DataFrame, path: str | Path = "table", fix: str = TABLE_FIX) -> pd.Series:
    """Which rows of a run table count as converged: its ``converged`` column (True/1 or
    False/0), or every row when the table has none (as the authors' released strengths)."""
    if "converged" not in table.columns:
        return pd.Series(True, index=table.index)
    words = table["converged"].astype(str).str.strip().str.lower()
    unknown = ~words.isin(TRUE_WORDS + FALSE_WORDS)
    if unknown.any():
        k = int(np.flatnonzero(unknown)[0])
        raise bad_file(
            path, f"column 'converged', data row {k + 1}: {table['converged'].iloc[k]!r} is not True/False", fix
        )
    return words.isin(TRUE_WORDS)


def _link_columns(path: str | Path, columns: Sequence[str], sources: Sequence[str], genes: Sequence[str]) -> list[str]:
    """The task's link columns, after checking that every link-like column names the task's nodes."""
    names = link_names(sources, genes)
    for column in columns:
        if ARROW in column and column not in names:
            try:
                link_index(parse_link(column), sources, genes)
            except GrnsearchError as err:
                raise bad_file(path, f"column {column!r} is not a link of this task ({err})", TABLE_FIX) from None
    return names


def read_strength_table(
    path: str | Path, sources: Sequence[str], genes: Sequence[str], *, converged_only: bool = False
) -> np.ndarray:
    """Strengths (n_runs, n_sources, n_genes) from a CSV with one column per ``SRC->TGT`` link;
    with ``converged_only``, just the rows :func:`converged_rows` keeps. Every problem of the file
    (encoding, shape, repeated or unknown link columns, non-numeric strengths) is a GrnsearchError
    naming it."""
    table = read_csv(path, TABLE_FIX)
    columns = _link_columns(path, list(table.columns), sources, genes)
    table = check_columns(table, path, TABLE_FIX, required=columns, numeric=columns)
    if converged_only:
        table = table[converged_rows(table, path)]
    values = table[columns].to_numpy(dtype=float)
    return values.reshape(len(table), len(sources), len(genes))


def read_topology_table(path: str | Path, sources: Sequence[str], genes: Sequence[str]) -> list[Topology]:
    """Topologies from a CSV with one sign column (1, -1, 0) per ``SRC->TGT`` link."""
    signs = read_strength_table(path, sources, genes)
    if not np.all(np.isin(signs, (-1, 0, 1))):
        raise bad_file(path, "sign columns hold values other than -1, 0 and 1", "give one sign per link")
    return [Topology(s.astype(np.int8), tuple(sources), tuple(genes)) for s in signs]


def read_study_topologies(study_dir: str | Path, cutoff: float | None = None) -> tuple[str, list[str]]:
    """(task name, topology keys of the converged runs) from a ``grnsearch study`` directory, at
    the study's cutoff or, with ``cutoff``, cut again from its ``strengths.csv``; each file is
    checked (GrnsearchError naming it)."""
    study_dir = Path(study_dir)
    table_path = study_dir / "study.csv"
    give = "give the directory of 'grnsearch study TASK --out DIR', or a strength table"
    name, task = _output_task(study_dir, table_path, "study", give, STUDY_FIX)
    if cutoff is not None:
        strengths_path = study_dir / "strengths.csv"
        if not strengths_path.exists():
            raise GrnsearchError(
                f"{strengths_path}: no such file; {study_dir} has no strengths.csv to cut again (a study "
                "from an older grnsearch); rerun the study, or compare without `cutoff`"
            )
        return name, strength_table_topologies(strengths_path, task, cutoff)
    table = read_csv(table_path, STUDY_FIX, required=("topology",), keep_default_na=False)
    keys = table.loc[converged_rows(table, table_path, STUDY_FIX), "topology"].astype(str).tolist()
    return name, _checked_keys(keys, task, table_path, "converged run", STUDY_FIX)


def _output_task(directory: Path, table_path: Path, what: str, give: str, fix: str) -> tuple[str, Any]:
    """(task name, task) of a finished ``what`` directory holding ``table_path`` and a
    ``summary.json`` that names its task (rebuilt from its ``task.toml`` when it has one)."""
    summary_path = directory / "summary.json"
    require_output_files(directory, (summary_path, table_path), what, give)
    name = json_object(summary_path, fix, {"task": str})["task"]
    try:
        return name, tasks.recorded(directory, name)
    except GrnsearchError as err:
        raise bad_file(summary_path, str(err), fix) from None


def _checked_keys(keys: list[str], task: Any, table_path: Path, row: str, fix: str) -> list[str]:
    """``keys``, each checked to be a topology of ``task`` (GrnsearchError naming the row)."""
    for k, key in enumerate(keys):
        try:
            Topology.from_key(key, task.sources, task.genes)
        except GrnsearchError as err:
            raise bad_file(table_path, f"{row} {k + 1}: {err}", fix) from None
    return keys


def strength_table_topologies(path: str | Path, task: Any, cutoff: float) -> list[str]:
    """Topology keys at ``cutoff`` of the converged rows of a strength table (one ``SRC->TGT``
    column per link of ``task``; rows without a ``converged`` column all count)."""
    strengths = read_strength_table(path, task.sources, task.genes, converged_only=True)
    topologies = topologies_from_strengths(strengths, cutoff, task.sources, task.genes)
    return [t.key() for t in topologies]


SPARSIFY_FIX = "rerun 'grnsearch sparsify TASK --out DIR' to write the paths again"


def read_sparsify_topologies(sparsify_dir: str | Path) -> tuple[str, list[str]]:
    """(task name, topology keys) from a ``grnsearch sparsify`` directory: the sparsest successful
    network of every path that has one; each file is checked (GrnsearchError naming it)."""
    sparsify_dir = Path(sparsify_dir)
    table_path = sparsify_dir / "paths.csv"
    give = ("give the directory of 'grnsearch sparsify TASK --out DIR' (a directory written before sparsify "
            "wrote summary.json needs a rerun)")  # fmt: skip
    name, task = _output_task(sparsify_dir, table_path, "sparsify", give, SPARSIFY_FIX)
    table = read_csv(table_path, SPARSIFY_FIX, required=("seed", "topology"), keep_default_na=False)
    keys = [str(key) for key in table["topology"] if str(key).strip()]
    return name, _checked_keys(keys, task, table_path, "successful path", SPARSIFY_FIX)
