"""Ensemble statistics of topologies: counts, the cutoff scan, and comparison with a reference set.

Input is always an array of link strengths over an ensemble, (n_runs, n_sources, n_genes), with
the node names; runs whose topology fails the connectivity filter can be left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from grnsearch.errors import GrnsearchError
from grnsearch.topology import Topology, signs_connected, signs_from_strengths

if TYPE_CHECKING:
    from grnsearch.train import Ensemble


def topologies_from_strengths(strengths: np.ndarray, cutoff: float, sources: Sequence[str],
                              genes: Sequence[str]) -> list[Topology]:
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
    return table.sort_values(["count", "n_links", "topology"], ascending=[False, True, True],
                             ignore_index=True)


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


def scan_cutoffs(strengths: np.ndarray, n_inputs: int, *, valid_only: bool = False,
                 n_points: int = 200) -> CutoffScan:
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
    distinct = np.asarray([count_distinct(signs_from_strengths(strengths, c), valid_only, n_inputs)
                           for c in cutoffs])
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


def converged_rows(table: pd.DataFrame) -> pd.Series:
    """Which rows of a run table count as converged: its ``converged`` column (True/1), or every
    row when the table has none (as the authors' released strengths)."""
    if "converged" not in table.columns:
        return pd.Series(True, index=table.index)
    return table["converged"].astype(str).str.lower().isin(("true", "1"))


def read_strength_table(path, sources: Sequence[str], genes: Sequence[str], *,
                        converged_only: bool = False) -> np.ndarray:
    """Strengths (n_runs, n_sources, n_genes) from a CSV with one column per ``SRC->TGT`` link;
    with ``converged_only``, just the rows :func:`converged_rows` keeps."""
    table = pd.read_csv(path)
    if converged_only:
        table = table[converged_rows(table)]
    columns = [f"{s}->{t}" for s in sources for t in genes]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise GrnsearchError(f"{path}: missing link columns {', '.join(missing)}")
    values = table[columns].to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise GrnsearchError(f"{path}: link strengths contain NaN or infinite values; fix or drop those rows")
    return values.reshape(len(table), len(sources), len(genes))


def read_topology_table(path, sources: Sequence[str], genes: Sequence[str]) -> list[Topology]:
    """Topologies from a CSV with one sign column (1, -1, 0) per ``SRC->TGT`` link."""
    signs = read_strength_table(path, sources, genes)
    return [Topology(s.astype(np.int8), tuple(sources), tuple(genes)) for s in signs]


# ---- ensemble studies -----------------------------------------------------------------------

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


@dataclass
class StudyResult:
    """An ensemble study: every model, its convergence, link strengths and topology."""

    ensemble: Ensemble
    converged: np.ndarray  # (n_runs,) bool
    strengths: np.ndarray  # (n_runs, n_sources, n_genes)
    lam: float
    cutoff: float
    cutoff_rule: str
    scan: CutoffScan | None
    wall_time: float

    @property
    def task(self):
        return self.ensemble.task

    @property
    def topologies(self) -> list[Topology]:
        task = self.task
        return topologies_from_strengths(self.strengths, self.cutoff, task.sources, task.genes)

    def table(self) -> pd.DataFrame:
        """``seed,converged,topology,n_links``, then the task's metrics (one row per run)."""
        summary = self.ensemble.summary()
        rows = pd.DataFrame({"seed": summary["seed"], "converged": self.converged,
                             "topology": [t.key() for t in self.topologies],
                             "n_links": [t.n_links for t in self.topologies]})
        return pd.concat([rows, summary.drop(columns=["seed", "converged"])], axis=1)

    def topology_table(self) -> pd.DataFrame:
        """Topology counts and probabilities over the converged runs."""
        return topology_table(t for t, ok in zip(self.topologies, self.converged) if ok)


def _train_chunk(task, seeds, config):
    from grnsearch.train import train

    return train(task, seeds, config=config)


def run_study(task, seeds: int | Sequence[int] = 200, *, seed: int = 0, config=None, lam: float = 0.9,
              cutoff: float | str = "auto", workers: int | None = None, scheduler: str | None = None,
              progress: bool = False, **overrides) -> StudyResult:
    """Train every seed, decide convergence by the task's criterion, mutate every model and read
    its topology. Training runs as one vectorised ensemble in-process, or as one chunk of seeds per
    worker with ``workers``/``scheduler``. The automatic cutoff maximises the number of distinct
    topologies among the converged runs."""
    import time

    from grnsearch.distributed import dask_client, run_jobs
    from grnsearch.mutation import choose_cutoff, ensemble_link_strengths
    from grnsearch.train import concat_ensembles, resolve_seeds

    start = time.perf_counter()
    seed_list = resolve_seeds(seeds, seed)
    config = (config or task.defaults).replace(**overrides)
    for link in config.blocked:
        task.check_link(link)
    with dask_client(workers, scheduler) as client:
        n_chunks = 1 if client is None else max(1, min(len(seed_list), len(client.scheduler_info()["workers"]) or 1))
        chunks = [list(c) for c in np.array_split(np.asarray(seed_list), n_chunks) if len(c)]
        parts = run_jobs(_train_chunk, [(task, c, config) for c in chunks], client, progress=progress,
                         desc="training chunks")
    ensemble = concat_ensembles(parts)
    converged = ensemble.converged
    scales = np.broadcast_to(np.asarray(task.link_scale(config.blocked)),
                             (len(ensemble), len(task.sources), len(task.genes)))
    strengths = ensemble_link_strengths(ensemble.models, task, scales, lam, "trajectory", solver=config.solver)
    basis = strengths[converged] if converged.sum() >= 2 else strengths
    value, rule, scan = choose_cutoff(basis, cutoff, len(task.inputs))
    if scan is not None:
        rule += " (converged runs)" if converged.sum() >= 2 else " (all runs: fewer than 2 converged)"
    return StudyResult(ensemble, converged, strengths, lam, value, rule, scan, time.perf_counter() - start)
