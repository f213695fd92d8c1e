"""Tables that summarise mutant patterns over runs: patterns, domain borders and domain peaks.

Every function takes patterns as an array (runs, conditions, positions, genes) whose first
condition is the wild type, so the same summaries apply to our predictions and to any other
model's stored patterns (the authors' in the bench). The spread over runs is the interquartile
range (``_q25``, ``_q75``); a border or shift that a run lacks is left out of its statistics,
and ``runs`` counts the runs that have it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from grnsearch.readout.borders import LOST_BELOW, extent, follow_borders, reference_borders


def _spread(values: np.ndarray, name: str) -> dict[str, np.ndarray]:
    """Median and quartiles over axis 0, ignoring NaN (NaN where every run lacks a value)."""
    values = np.where(np.isfinite(values), values, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN slice: a border no run has
        quartiles = np.nanpercentile(values, [50, 25, 75], axis=0)
    return {name: quartiles[0], f"{name}_q25": quartiles[1], f"{name}_q75": quartiles[2]}


def pattern_table(patterns: np.ndarray, x: np.ndarray, names: Sequence[str], genes: Sequence[str]) -> pd.DataFrame:
    """Long table ``condition,x,gene,median,q25,q75``: each condition's pattern over runs."""
    stats = np.percentile(np.asarray(patterns, dtype=np.float64), [50, 25, 75], axis=0)  # (3, K, P, G)
    n_cond, n_pos, n_genes = stats.shape[1:]
    return pd.DataFrame(
        {
            "condition": np.repeat(np.asarray(names, dtype=object), n_pos * n_genes),
            "x": np.tile(np.repeat(np.asarray(x, dtype=np.float64), n_genes), n_cond),
            "gene": np.tile(np.asarray(genes, dtype=object), n_cond * n_pos),
            "median": stats[0].ravel(),
            "q25": stats[1].ravel(),
            "q75": stats[2].ravel(),
        }
    )


def run_pattern_table(
    patterns: np.ndarray, x: np.ndarray, names: Sequence[str], genes: Sequence[str], seeds: Sequence[int]
) -> pd.DataFrame:
    """Wide table ``seed,condition,x,<genes>``: every run's pattern in every condition."""
    patterns = np.asarray(patterns)
    n_runs, n_cond, n_pos, _ = patterns.shape
    frame = pd.DataFrame(patterns.reshape(-1, len(genes)), columns=list(genes))
    frame.insert(0, "x", np.tile(np.asarray(x, dtype=np.float64), n_runs * n_cond))
    frame.insert(0, "condition", np.tile(np.repeat(np.asarray(names, dtype=object), n_pos), n_runs))
    frame.insert(0, "seed", np.repeat(np.asarray(seeds), n_cond * n_pos))
    return frame


def border_table(
    patterns: np.ndarray, x: np.ndarray, names: Sequence[str], genes: Sequence[str], lost_below: float = LOST_BELOW
) -> pd.DataFrame:
    """One row per condition and wild-type border (readout/borders.py): ``condition,gene,border,
    direction,wt_position`` (median over runs), the border's ``position`` and its ``shift`` from
    the same run's wild type (each with quartiles), and ``runs``, the runs where it exists."""
    patterns = np.asarray(patterns, dtype=np.float64)
    wild = patterns[:, 0]  # (R, P, G)
    borders = reference_borders(np.median(wild, axis=0), x)
    positions = follow_borders(patterns, x, borders, wild.max(axis=1)[:, None, :], lost_below)  # (R, K, B)
    shifts = positions - positions[:, :1]
    wt_position = _spread(positions[:, 0], "wt")["wt"]
    where, moved = _spread(positions, "position"), _spread(shifts, "shift")
    rows = []
    for k, name in enumerate(names):
        for b, border in enumerate(borders):
            rank = sum(1 for other in borders[:b] if other.gene == border.gene) + 1
            rows.append(
                {
                    "condition": name,
                    "gene": genes[border.gene],
                    "border": rank,
                    "direction": "rise" if border.direction > 0 else "fall",
                    "wt_position": wt_position[b],
                    **{key: value[k, b] for key, value in where.items()},
                    **{key: value[k, b] for key, value in moved.items()},
                    "runs": int(np.isfinite(positions[:, k, b]).sum()),
                }
            )
    return pd.DataFrame(rows)


def domain_table(patterns: np.ndarray, x: np.ndarray, names: Sequence[str], genes: Sequence[str]) -> pd.DataFrame:
    """One row per condition and gene: ``peak_ratio`` (the gene's maximum over that of the same
    run's wild type) and ``extent_change`` (the change of the axis length where the gene is at or
    above half its wild-type maximum), each a median with quartiles over runs."""
    patterns = np.asarray(patterns, dtype=np.float64)
    wild_peak = patterns[:, 0].max(axis=1)  # (R, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = patterns.max(axis=2) / wild_peak[:, None, :]  # (R, K, G)
    width = extent(patterns, x, 0.5 * wild_peak[:, None, :])  # (R, K, G)
    change = width - width[:, :1]
    peak, grown = _spread(ratio, "peak_ratio"), _spread(change, "extent_change")
    rows = [
        {
            "condition": name,
            "gene": gene,
            **{key: value[k, g] for key, value in peak.items()},
            **{key: value[k, g] for key, value in grown.items()},
        }
        for k, name in enumerate(names)
        for g, gene in enumerate(genes)
    ]
    return pd.DataFrame(rows)
