"""Ensemble statistics of topologies: counts, the cutoff scan and choice, degeneracy, and
comparison with a reference set.

Input is always an array of link strengths over an ensemble, (n_runs, n_sources, n_genes), with
the node names; runs whose topology fails the connectivity filter can be left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from grnsearch.config import AUTO
from grnsearch.errors import GrnsearchError
from grnsearch.network.topology import Topology, signs_connected, signs_from_strengths


def topologies_from_strengths(
    strengths: np.ndarray, cutoff: float, sources: Sequence[str], genes: Sequence[str]
) -> list[Topology]:
    """One topology per run of ``strengths`` (n_runs, n_sources, n_genes)."""
    signs = signs_from_strengths(strengths, cutoff)
    return [Topology(s, tuple(sources), tuple(genes)) for s in signs]


def topology_table(topologies: Iterable[Topology]) -> pd.DataFrame:
    """``topology,n_links,count,probability``: one row per distinct topology, most frequent first
    (ties by fewer links, then key)."""
    topologies = list(topologies)
    counts = Counter(topologies)
    total = sum(counts.values())
    rows = [(t.key(), t.n_links, c, c / total if total else 0.0) for t, c in counts.items()]
    table = pd.DataFrame(rows, columns=["topology", "n_links", "count", "probability"])
    return table.sort_values(["count", "n_links", "topology"], ascending=[False, True, True], ignore_index=True)


def count_distinct(signs: np.ndarray, valid_only: bool, n_inputs: int) -> int:
    """Number of distinct sign patterns among runs (n_runs, n_sources, n_genes); with
    ``valid_only`` only runs passing the connectivity filter count."""
    if valid_only:
        signs = signs[connected_mask(signs, n_inputs)]
    if len(signs) == 0:
        return 0
    return len(np.unique(signs.reshape(len(signs), -1), axis=0))


def connected_mask(signs: np.ndarray, n_inputs: int) -> np.ndarray:
    """Which runs (n_runs, n_sources, n_genes) pass the connectivity filter."""
    return np.asarray([signs_connected(s, n_inputs) for s in signs], dtype=bool)


@dataclass(frozen=True)
class CutoffScan:
    """Distinct topologies against cutoff, and the cutoff that maximises them."""

    cutoffs: np.ndarray
    distinct: np.ndarray
    best: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"cutoff": self.cutoffs, "distinct_topologies": self.distinct})


def scan_cutoffs(strengths: np.ndarray, n_inputs: int, *, valid_only: bool = False, n_points: int = 200) -> CutoffScan:
    """Count distinct topologies over log-spaced cutoffs spanning the ensemble's |strengths|
    (with ``valid_only``, counting only runs that pass the connectivity filter).

    The chosen cutoff is the geometric middle of the widest run of cutoffs that reach the maximum
    count, so it sits inside the plateau rather than on its edge.
    """
    strengths = np.asarray(strengths, dtype=float)
    if strengths.ndim != 3 or len(strengths) < 2:
        raise GrnsearchError("an automatic cutoff needs the strengths of at least 2 runs; give a number instead")
    magnitudes = np.abs(strengths[strengths != 0])
    if magnitudes.size == 0:
        raise GrnsearchError("every link strength is zero: no cutoff separates present from absent links")
    low, high = magnitudes.min() / 2, magnitudes.max()
    cutoffs = np.geomspace(low, high, n_points)
    distinct = np.asarray([count_distinct(signs_from_strengths(strengths, c), valid_only, n_inputs) for c in cutoffs])
    best_count = distinct.max()
    at_max = distinct == best_count
    # widest contiguous run of maximal points
    runs, start = [], None
    for i, flag in enumerate(np.append(at_max, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((i - start, start, i - 1))
            start = None
    _, first, last = max(runs)
    best = float(np.sqrt(cutoffs[first] * cutoffs[last]))
    return CutoffScan(cutoffs, distinct, best)


@dataclass(frozen=True)
class ReferenceComparison:
    """How an ensemble's topologies relate to a reference set (e.g. a Hill-function search)."""

    n_runs: int
    n_distinct: int
    direct_hits: int
    one_link_away: int
    direct_probability: float
    compatible_probability: float  # direct hits plus one link away

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def compare_with_reference(topologies: Sequence[Topology], reference: Iterable[Topology]) -> ReferenceComparison:
    """Direct hits (distinct topologies in ``reference``), topologies one link away from some
    reference topology, and the share of runs each group covers."""
    reference = list(reference)
    ref_signs = np.stack([r.signs.reshape(-1).astype(int) for r in reference]) if reference else None
    counts = Counter(topologies)
    total = sum(counts.values())
    direct = near = 0
    direct_runs = near_runs = 0
    for topology, count in counts.items():
        if ref_signs is None:
            break
        distances = np.abs(ref_signs - topology.signs.reshape(-1).astype(int)).sum(axis=1)
        if distances.min() == 0:
            direct += 1
            direct_runs += count
        elif distances.min() == 1:
            near += 1
            near_runs += count
    return ReferenceComparison(
        n_runs=total,
        n_distinct=len(counts),
        direct_hits=direct,
        one_link_away=near,
        direct_probability=direct_runs / total if total else 0.0,
        compatible_probability=(direct_runs + near_runs) / total if total else 0.0,
    )


def degeneracy(table: pd.DataFrame, top_share: float = 0.3) -> dict[str, float]:
    """How concentrated runs are on few topologies: the number of distinct topologies and the
    share of runs covered by the most frequent ``top_share`` of them (the paper: the most
    frequent 30% of topologies take up 80% of the runs)."""
    n = len(table)
    if n == 0:
        return {"distinct_topologies": 0, "top_share": top_share, "runs_covered_by_top": 0.0}
    k = max(1, int(np.ceil(top_share * n)))
    covered = float(table["probability"].sort_values(ascending=False).iloc[:k].sum())
    return {"distinct_topologies": n, "top_share": top_share, "top_topologies": k, "runs_covered_by_top": covered}


AUTO_MIN_RUNS = 3
AUTO_RELATIVE = 0.05


def choose_cutoff(strengths: np.ndarray, cutoff: float | str, n_inputs: int) -> tuple[float, str, CutoffScan | None]:
    """Resolve a cutoff: a number is used as given; ``"auto"`` over at least 3 models takes the
    value that maximises the number of distinct topologies, over fewer it takes 5% of the largest
    |strength| (one model has one topology at every cutoff, so there is nothing to maximise)."""
    if cutoff != AUTO:
        value = float(cutoff)
        if not value >= 0:
            raise GrnsearchError(f"{cutoff}: give a non-negative number or 'auto'", parameter="cutoff")
        return value, "given", None
    if len(strengths) >= AUTO_MIN_RUNS:
        scan = scan_cutoffs(strengths, n_inputs, valid_only=False)
        return scan.best, "auto: maximises distinct topologies over the runs", scan
    peak = float(np.max(np.abs(strengths)))
    return (
        AUTO_RELATIVE * peak,
        f"auto: {AUTO_RELATIVE:.0%} of the largest |strength| (fewer than {AUTO_MIN_RUNS} runs)",
        None,
    )
