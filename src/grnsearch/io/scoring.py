"""Reading what ``grnsearch score`` compares: a predicted network and a signed gold standard.

A prediction is either a strength matrix (``links.csv``: first column ``source``, then one column
per target gene, one row per source) or an edge list (``edges.csv``: ``source,target`` and a
``strength`` column; pairs not listed have strength 0). A gold standard is ``source,target,sign``
with sign 1 or -1 for every true link; every other pair is absent. Both become matrices over the
prediction's sources and targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from grnsearch.io.inputs import bad_file, numeric_column, read_csv

PREDICTION_FIX = "give a links.csv (source, then one column per target) or an edges.csv (source,target,strength)"
GOLD_FIX = "give a CSV with columns source,target,sign (sign 1 or -1), one row per true link"


class PredictedNetwork(NamedTuple):
    """Strengths (n_sources, n_targets) over named sources and targets."""

    strengths: np.ndarray
    sources: tuple[str, ...]
    targets: tuple[str, ...]


def read_prediction(path: str | Path) -> PredictedNetwork:
    """A strength matrix or an edge list (module docstring), checked: distinct names, finite
    strengths, each pair once."""
    table = read_csv(path, PREDICTION_FIX, required=("source",))
    if {"target", "strength"} <= set(table.columns):
        strength = numeric_column(table, "strength", path, PREDICTION_FIX)
        names = table[["source", "target"]].astype(str)
        pairs = list(zip(names["source"], names["target"], strict=True))
        if len(set(pairs)) != len(pairs):
            twice = next(p for k, p in enumerate(pairs) if p in pairs[:k])
            raise bad_file(path, f"lists the pair {twice[0]}->{twice[1]} twice", "keep one row per pair")
        sources = tuple(dict.fromkeys(names["source"]))
        targets = tuple(dict.fromkeys(names["target"]))
        matrix = np.zeros((len(sources), len(targets)))
        for (src, tgt), value in zip(pairs, strength, strict=True):
            matrix[sources.index(src), targets.index(tgt)] = value
        return PredictedNetwork(matrix, sources, targets)
    targets = tuple(c for c in table.columns if c != "source")
    if not targets:
        raise bad_file(path, "has no target columns", PREDICTION_FIX)
    for column in targets:
        numeric_column(table, column, path, PREDICTION_FIX)
    sources = tuple(table["source"].astype(str))
    if len(set(sources)) != len(sources):
        raise bad_file(path, "names a source in two rows", "keep one row per source")
    return PredictedNetwork(table[list(targets)].to_numpy(dtype=np.float64), sources, targets)


def read_gold(path: str | Path, network: PredictedNetwork) -> np.ndarray:
    """The gold signs (n_sources, n_targets) over ``network``'s nodes; GrnsearchError naming the
    file and the row for an unknown node, a sign other than 1 or -1, or a pair given twice."""
    table = read_csv(path, GOLD_FIX, required=("source", "target", "sign"))
    signs = np.zeros(network.strengths.shape, dtype=int)
    seen: set[tuple[str, str]] = set()
    for row_number, row in enumerate(table.itertuples(index=False), start=2):
        src, tgt = str(row.source).strip(), str(row.target).strip()
        where = f"row {row_number} ({src}->{tgt})"
        if src not in network.sources or tgt not in network.targets:
            node, known = (src, network.sources) if src not in network.sources else (tgt, network.targets)
            raise bad_file(
                path, f"{where} names {node!r}, which is not in the prediction ({', '.join(known)})",
                "use the node names of the prediction",
            )  # fmt: skip
        try:
            sign = float(row.sign)
        except (TypeError, ValueError):
            sign = np.nan
        if sign not in (1.0, -1.0):
            raise bad_file(path, f"{where} has sign {row.sign!r}", "write 1 for activation or -1 for repression")
        if (src, tgt) in seen:
            raise bad_file(path, f"{where} gives that link twice", "keep one row per link")
        seen.add((src, tgt))
        signs[network.sources.index(src), network.targets.index(tgt)] = int(sign)
    return signs
