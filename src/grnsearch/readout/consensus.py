"""The consensus network of many runs, and its comparison with reference networks.

Each run's link strengths give it a sign per link (+1 activation, -1 repression, 0 when
|strength| is at or below the cutoff). Over the runs, a link's consensus sign is the majority
sign and its ``agreement`` the fraction of runs that have it (the paper's Fig. 5c). A tie between
signs is broken by the sign of the median strength when that sign is among the tied ones, else
it gives 0. A link is *robust* when its agreement reaches ``robust_agreement`` (6 of 7 in the
authors' comparison of Fig. 5).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from grnsearch.network.links import all_links
from grnsearch.network.reference import ReferenceNetwork
from grnsearch.network.topology import signs_from_strengths

ROBUST_AGREEMENT = 6 / 7
CONSENSUS_CUTOFF = 0.0  # a study's consensus takes the sign of every strength, as the paper's Fig. 5c
CONSENSUS_COLUMNS = ("source", "target", "sign", "agreement", "median_strength")


def consensus_network(
    strengths: np.ndarray,
    sources: Sequence[str],
    genes: Sequence[str],
    cutoff: float = 0.0,
    robust_agreement: float = ROBUST_AGREEMENT,
) -> pd.DataFrame:
    """One row per link, in link order: ``source,target,sign,agreement,median_strength`` over
    the runs of ``strengths`` (runs, n_sources, n_genes), plus ``robust_sign`` (the sign where
    the agreement reaches ``robust_agreement``, else 0) and ``positive``/``negative``/``absent``
    run counts."""
    strengths = np.asarray(strengths, dtype=np.float64)
    if strengths.ndim != 3 or strengths.shape[0] == 0:
        raise ValueError("consensus_network needs strengths of shape (runs >= 1, n_sources, n_genes)")
    signs = signs_from_strengths(strengths, cutoff)
    counts = np.stack([(signs == s).sum(axis=0) for s in (1, -1, 0)], axis=-1)  # (S, G, 3)
    median = np.median(strengths, axis=0)
    best = counts.max(axis=-1, keepdims=True)
    tied = counts == best
    median_sign = np.sign(median) * (np.abs(median) > cutoff)
    tie_choice = np.where(tied[..., 0] & (median_sign > 0), 1, np.where(tied[..., 1] & (median_sign < 0), -1, 0))
    sign = np.where(tied.sum(axis=-1) > 1, tie_choice, np.asarray([1, -1, 0])[counts.argmax(axis=-1)])
    column = np.where(sign > 0, 0, np.where(sign < 0, 1, 2))
    agreement = np.take_along_axis(counts, column[..., None], axis=-1)[..., 0] / strengths.shape[0]
    rows = []
    for source, target in all_links(sources, genes):
        i, j = list(sources).index(source), list(genes).index(target)
        rows.append(
            {
                "source": source,
                "target": target,
                "sign": int(sign[i, j]),
                "agreement": float(agreement[i, j]),
                "median_strength": float(median[i, j]),
                "robust_sign": int(sign[i, j]) if agreement[i, j] >= robust_agreement - 1e-12 else 0,
                "positive": int(counts[i, j, 0]),
                "negative": int(counts[i, j, 1]),
                "absent": int(counts[i, j, 2]),
            }
        )
    return pd.DataFrame(rows)


def compare_consensus(consensus: pd.DataFrame, references: Sequence[ReferenceNetwork]) -> pd.DataFrame:
    """The consensus table with, per reference, ``<name>_sign`` (empty where the reference states
    nothing) and ``<name>_agrees`` (1 or 0 where it states a sign; our sign is the one its
    ``compare`` names)."""
    table = consensus.copy()
    for ref in references:
        stated = ref.sign_of()
        ours = table["sign" if ref.compare == "majority" else "robust_sign"]
        theirs = [stated.get((s, t)) for s, t in zip(table["source"], table["target"], strict=True)]
        table[f"{ref.name}_sign"] = pd.array(theirs, dtype="Int64")
        table[f"{ref.name}_agrees"] = pd.array(
            [None if r is None else int(o == r) for o, r in zip(ours, theirs, strict=True)], dtype="Int64"
        )
    return table


def agreement_summary(
    comparison: pd.DataFrame, references: Sequence[ReferenceNetwork]
) -> dict[str, dict[str, int | str]]:
    """Per reference: links compared, links that agree, and which of our signs was compared."""
    summary: dict[str, dict[str, int | str]] = {}
    for ref in references:
        agrees = comparison[f"{ref.name}_agrees"].dropna()
        summary[ref.name] = {"compared": int(len(agrees)), "agree": int(agrees.sum()), "our_sign": ref.compare}
    return summary
