"""Measured time courses, as ``grnsearch infer`` reads them.

A long CSV: columns ``experiment`` and ``time``, optionally ``position`` (spatial data: one row
per experiment, time and position), then one column per node. Genes are predicted, inputs are
driven; by default every node column not named as an input is a gene. Empty cells and ``NaN`` are
missing values (masked out of a fit). Each experiment has its own time grid, strictly increasing,
and spatial data the same positions at every time of an experiment.

An ``.npz`` (large spatial sets) holds the same as arrays: ``values`` (experiments, times,
[positions,] nodes), ``times`` (times,) shared by every experiment or (experiments, times), each
experiment's row ending in NaN where its grid is shorter, ``nodes`` (names, in the order of the
last axis), and optionally ``experiments`` (names) and ``positions``.

:func:`read_time_series` checks everything a fit relies on and names the file, the column or the
row and the fix; :class:`~grnsearch.infer.series.TimeSeries` holds one array per experiment,
(times, positions, nodes), positions being 1 without a ``position`` column. Genes are divided by
their maximum over all the data (``scale``, recorded so that outputs can undo it); values must
then be >= 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries
from grnsearch.io.inputs import bad_file, read_csv

FIX = "give a CSV with columns experiment,time[,position] and one column per gene or input"
KEYS = ("experiment", "time", "position")


def _names(option: Sequence[str] | None, columns: list[str], what: str, path: Path) -> tuple[str, ...]:
    if option is None:
        return ()
    unknown = [n for n in option if n not in columns]
    if unknown:
        raise GrnsearchError(
            f"{path} has no column {unknown[0]!r} to use as {what}; its node columns are {', '.join(columns)}",
            parameter=what,
        )
    return tuple(option)


def read_time_series(
    path: str | Path, *, genes: Sequence[str] | None = None, inputs: Sequence[str] | None = None, window: int = 1
) -> TimeSeries:
    """The time courses of a long CSV or an ``.npz`` (module docstring), checked, genes scaled by
    their maximum; every experiment needs at least ``window`` time points."""
    path = Path(path)
    if path.suffix.lower() == ".npz":
        nodes, experiments, positions = read_npz(path)
    else:
        nodes, experiments, positions = _read_long_csv(path, genes, inputs)
    chosen_inputs = _names(inputs, nodes, "inputs", path)
    chosen_genes = _names(genes, nodes, "genes", path) or tuple(n for n in nodes if n not in chosen_inputs)
    both = sorted(set(chosen_genes) & set(chosen_inputs))
    if both:
        raise GrnsearchError(f"{both[0]!r} is named both as a gene and as an input; name it once", parameter="genes")
    if not chosen_genes:
        raise bad_file(path, "has no gene column", "add one column per gene, or name fewer --inputs")
    order = [nodes.index(n) for n in (*chosen_genes, *chosen_inputs)]
    blocks = [block[..., order] for _, _, block in experiments]
    _check_nodes(blocks, [*chosen_genes, *chosen_inputs], path)
    for name, t, _ in experiments:
        if len(t) < window:
            raise bad_file(
                path,
                f"experiment {name!r} has {len(t)} time points, fewer than a window of {window}",
                "use a smaller --window or leave the experiment out",
            )
    scale = _gene_scale(blocks, chosen_genes, path)
    blocks = [
        np.concatenate([b[..., : len(chosen_genes)] / scale, b[..., len(chosen_genes) :]], axis=-1) for b in blocks
    ]
    names = tuple(name for name, _, _ in experiments)
    times = tuple(t for _, t, _ in experiments)
    return TimeSeries(names, times, tuple(blocks), positions, chosen_genes, chosen_inputs, scale)


Experiment = tuple[str, np.ndarray, np.ndarray]  # name, times (T,), values (T, positions, nodes)


def _read_long_csv(
    path: Path, genes: Sequence[str] | None, inputs: Sequence[str] | None
) -> tuple[list[str], list[Experiment], np.ndarray | None]:
    """Node names, experiments and positions of a long CSV; text cells are errors here."""
    table = read_csv(path, FIX, required=("experiment", "time"), numeric=("time",), keep_default_na=True)
    nodes = [c for c in table.columns if c not in KEYS]
    if genes is not None:  # columns named neither as genes nor as inputs are left unread
        nodes = [n for n in nodes if n in {*genes, *(inputs or ())}]
    values = _numeric_nodes(table, nodes, path)
    nodes = list(values.columns)
    spatial = "position" in table.columns
    positions = np.sort(pd.to_numeric(table["position"], errors="coerce").unique()) if spatial else None
    if spatial and not np.all(np.isfinite(positions)):
        raise bad_file(path, "has a position that is not a number", "write every position as a number")
    experiments = []
    for name, rows in table.groupby(table["experiment"].astype(str), sort=False):
        t, block = _experiment_block(rows, values.loc[rows.index].to_numpy(np.float64), positions, name, path)
        experiments.append((name, t, block))
    return nodes, experiments, positions


NPZ_FIX = (
    "give arrays 'values' (experiments, times, [positions,] nodes), 'times' (times,) or "
    "(experiments, times), 'nodes' (names), optionally 'experiments' and 'positions'"
)


def read_npz(path: Path) -> tuple[list[str], list[Experiment], np.ndarray | None]:
    """Node names, experiments and positions of an ``.npz`` (module docstring)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as err:
        raise bad_file(path, f"is not a readable .npz ({err})", NPZ_FIX) from None
    missing = [k for k in ("values", "times", "nodes") if k not in arrays]
    if missing:
        raise bad_file(path, f"has no array {missing[0]!r}", NPZ_FIX)
    values = np.asarray(arrays["values"], dtype=np.float64)
    nodes = [str(n) for n in np.atleast_1d(arrays["nodes"])]
    if values.ndim == 3:
        values = values[:, :, None, :]
    if values.ndim != 4 or values.shape[-1] != len(nodes):
        raise bad_file(path, f"'values' has shape {values.shape}, not (experiments, times, [positions,] "
                             f"{len(nodes)} nodes)", NPZ_FIX)  # fmt: skip
    if len(set(nodes)) != len(nodes):
        twice = next(n for k, n in enumerate(nodes) if n in nodes[:k])
        raise bad_file(path, f"names the node {twice!r} twice", "give each node one name")
    n_exp, n_times, n_pos, _ = values.shape
    times = np.broadcast_to(np.asarray(arrays["times"], dtype=np.float64), (n_exp, n_times)) if np.ndim(
        arrays["times"]) == 1 else np.asarray(arrays["times"], dtype=np.float64)  # fmt: skip
    if times.shape != (n_exp, n_times):
        raise bad_file(path, f"'times' has shape {times.shape}, not ({n_times},) or ({n_exp}, {n_times})", NPZ_FIX)
    names = [str(e) for e in np.atleast_1d(arrays.get("experiments", np.arange(1, n_exp + 1)))]
    positions = np.asarray(arrays["positions"], dtype=np.float64) if "positions" in arrays else None
    if len(names) != n_exp or (positions is not None and positions.shape != (n_pos,)):
        raise bad_file(path, "'experiments' or 'positions' does not match the shape of 'values'", NPZ_FIX)
    experiments = []
    for name, t, block in zip(names, times, values, strict=True):
        kept = np.isfinite(t)  # experiments on shorter grids end in NaN times
        t, block = t[kept], block[kept]
        if np.any(np.diff(t) <= 0):
            raise bad_file(path, f"experiment {name!r}: times do not increase", "list each time once, in order")
        experiments.append((name, t, block))
    return nodes, experiments, positions


def _check_nodes(blocks: list[np.ndarray], names: list[str], path: Path) -> None:
    """An error names a node with an infinite value, or only missing or constant values."""
    stacked = np.concatenate([b.reshape(-1, b.shape[-1]) for b in blocks])
    for j, column in enumerate(names):
        numbers = stacked[:, j]
        if np.isinf(numbers).any():
            raise bad_file(path, f"column {column!r} holds an infinite value", "write finite numbers")
        finite = numbers[np.isfinite(numbers)]
        if finite.size == 0 or np.ptp(finite) == 0:
            state = "has no values" if finite.size == 0 else "is constant"
            raise bad_file(path, f"column {column!r} {state}", "leave it out, or name it with --inputs if it is driven")


def _numeric_nodes(table: pd.DataFrame, columns: list[str], path: Path) -> pd.DataFrame:
    """The node columns as floats (NaN for empty cells); an error names a cell with text."""
    out = {}
    for column in columns:
        numbers = pd.to_numeric(table[column], errors="coerce")
        text = table[column].notna() & numbers.isna()
        if text.any():
            row = int(np.nonzero(text.to_numpy())[0][0]) + 2
            raise bad_file(path, f"column {column!r}, row {row}: {table[column][text].iloc[0]!r} is not a number",
                           "write numbers, or leave the cell empty for a missing value")  # fmt: skip
        out[column] = numbers
    return pd.DataFrame(out, index=table.index)


def _experiment_block(
    rows: pd.DataFrame, values: np.ndarray, positions: np.ndarray | None, name: str, path: Path
) -> tuple[np.ndarray, np.ndarray]:
    """(times, values (T, positions, nodes)) of one experiment; an error for repeated or
    decreasing times and for a time without every position."""
    t = rows["time"].to_numpy(np.float64)
    if positions is None:
        if np.any(np.diff(t) <= 0):
            k = int(np.nonzero(np.diff(t) <= 0)[0][0])
            row = rows.index[k + 1] + 2
            problem = f"experiment {name!r}: time {t[k + 1]:g} (row {row}) does not come after {t[k]:g}"
            raise bad_file(path, problem, "list each experiment's times once, in increasing order")
        return t, values[:, None, :]
    x = pd.to_numeric(rows["position"]).to_numpy(np.float64)
    order = np.lexsort((x, t))
    t, x, values = t[order], x[order], values[order]
    grid = np.unique(t)
    if len(t) != len(grid) * len(positions) or np.any(x != np.tile(positions, len(grid))):
        raise bad_file(path, f"experiment {name!r} does not have every position once at every time",
                       "give one row per experiment, time and position")  # fmt: skip
    return grid, values.reshape(len(grid), len(positions), -1)


def _gene_scale(blocks: list[np.ndarray], genes: tuple[str, ...], path: Path) -> np.ndarray:
    """Each gene's maximum over all experiments; an error for a negative value or a maximum of 0."""
    stacked = np.concatenate([b.reshape(-1, b.shape[-1])[:, : len(genes)] for b in blocks])
    for j, gene in enumerate(genes):
        column = stacked[:, j]
        if np.nanmin(column) < 0:
            raise bad_file(path, f"gene {gene!r} has negative values, which a scale by the maximum cannot keep",
                           "shift or transform the measurements so that they are >= 0")  # fmt: skip
        if np.nanmax(column) <= 0:
            raise bad_file(path, f"gene {gene!r} is never above 0", "leave it out")
    return np.nanmax(stacked, axis=0)
