"""RNN study against the exhaustive Hill search (the paper's Fig. 3e-f).

Counts over distinct topologies: found by the RNN study only, by the Hill search only, by both,
and RNN topologies one link away from a successful Hill topology (an added or removed link; a
sign flip is two). Probability mass over the study's converged runs whose topology lies in the
search space (the search task's space; for the oscillation the paper's connectivity filter, which
193 of the authors' 195 runs pass): the share whose topology is a successful Hill topology
(direct), and the share at most one link away.

The RNN side is a study directory, read at the study's own cutoff or cut again at another from
its ``strengths.csv``; any strength table in that layout (one ``SRC->TGT`` column per link,
optionally ``converged``), such as the authors' released strengths; or a sparsification directory,
whose paths each give their sparsest successful network.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.space import SearchResult, task_space
from grnsearch.io.search_dir import read_search
from grnsearch.io.tables import read_sparsify_topologies, read_study_topologies, strength_table_topologies
from grnsearch.network.space import TopologySpace
from grnsearch.network.topology import Topology
from grnsearch.readout.statistics import compare_with_reference


@dataclass
class Comparison:
    """The comparison of one study with one search."""

    task: str
    verdict: str  # "euler" or "exact": which of the search's counts decided success
    runs: int
    runs_outside_space: int
    switched: dict[str, str]  # a run's topology -> its switching-equivalent form inside the space
    rnn_topologies: int
    hill_topologies: int
    both: int
    rnn_only: int
    hill_only: int
    one_link_away: int
    direct_probability: float
    near_probability: float
    hill_sets_covered: float
    table: pd.DataFrame  # one row per topology in either set
    # the paper's figures for this task (``direct_probability``, ``near_probability``), if any
    paper: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The counts and masses (not the table, nor the paper's figures) for compare.json."""
        return {k: v for k, v in self.__dict__.items() if k not in ("table", "paper")}


TABLE_COLUMNS = ["topology", "n_links", "rnn_runs", "rnn_probability", "hill_successful_sets", "in_rnn",
                 "in_hill", "distance_to_hill"]  # fmt: skip


def _topology_rows(counts: pd.Series, hill_sets: dict[str, int], hill: list[Topology], sources: tuple[str, ...],
                   genes: tuple[str, ...]) -> pd.DataFrame:  # fmt: skip
    """One row per topology found by the RNN runs (``counts``) or the search (``hill_sets``), most
    runs first: its runs, share, successful Hill sets, membership and distance to the search."""
    hill_signs = np.stack([t.signs.reshape(-1).astype(int) for t in hill]) if hill else np.zeros((0, 1))
    total = max(1, int(counts.sum()))
    rows = []
    for key in sorted(set(counts.index) | set(hill_sets), key=lambda k: (-counts.get(k, 0), k)):
        topology = Topology.from_key(key, sources, genes)
        distance = int(np.abs(hill_signs - topology.signs.reshape(-1)).sum(axis=1).min()) if len(hill_signs) else -1
        runs = int(counts.get(key, 0))
        rows.append([key, topology.n_links, runs, counts.get(key, 0) / total, int(hill_sets.get(key, 0)),
                     key in counts, key in hill_sets, distance])  # fmt: skip
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


VERDICTS = {"euler": ("succeeds", "successful_sets"), "exact": ("succeeds_exactly", "exact_sets")}


def _check_verdict(verdict: str) -> None:
    if verdict not in VERDICTS:
        raise GrnsearchError(f"must be euler or exact, got {verdict!r}", parameter="verdict")


def successful_rows(search: SearchResult, verdict: str) -> pd.DataFrame:
    """The search's rows of successful topologies by ``verdict`` (:data:`VERDICTS`)."""
    _check_verdict(verdict)
    succeeds, _ = VERDICTS[verdict]
    if succeeds not in search.table.columns:
        raise GrnsearchError(
            "the search has no exact verdict (a search from an older grnsearch); compare by the euler verdict, "
            "or rerun the search",
            parameter="verdict",
        )
    return search.table[search.table[succeeds].astype(bool)].reset_index(drop=True)


def in_space_form(
    topology: Topology, space: TopologySpace, switchable: Sequence[str], successes: Collection[str] = ()
) -> Topology | None:
    """The form of ``topology`` to compare: among it and its switching-equivalent forms (any of the
    ``switchable`` genes read as complements) that the space holds, in order of fewest genes
    switched, the first that is one of the ``successes`` (keys), else the first; None when the
    space holds none. This brings a repressed intermediate into a space that fixes an activation,
    and finds the Hill topology of a network whose gene is made by default and repressed (the Hill
    form has no basal rate)."""
    forms = [topology.switched(genes) for size in range(len(switchable) + 1)
             for genes in itertools.combinations(switchable, size)]  # fmt: skip
    inside = [form for form, keep in zip(forms, space.contains(np.stack([f.signs for f in forms])), strict=True)
              if keep]  # fmt: skip
    return next((form for form in inside if form.key() in successes), inside[0] if inside else None)


def compare(
    rnn_keys: list[str],
    search: SearchResult,
    paper: dict[str, float] | None = None,
    space: TopologySpace | None = None,
    verdict: str = "euler",
    switchable: Sequence[str] = (),
) -> Comparison:
    """Compare the topologies of converged RNN runs with a finished search; runs whose topology
    lies outside the search space are counted and left out. ``space``: the search's topology space
    (default: the paper's filter, every input regulating a gene and the genes strongly connected).
    ``paper``: the figures the paper reports for the task (default: the built-in task's).
    ``verdict``: which of the search's counts make a Hill topology successful, ``euler`` (the
    paper's screen) or ``exact`` (the sets that also pass on the exact solution). ``switchable``:
    unscored genes; a run's topology is compared up to switching them (:func:`in_space_form`)."""
    sources, genes = search.sources, search.genes
    winners = successful_rows(search, verdict)
    if space is None:
        space = TopologySpace.build(search.sources[: len(sources) - len(genes)], genes, inputs_regulate=True,
                                    genes_strongly_connected=True)  # fmt: skip
    found = [Topology.from_key(k, sources, genes) for k in rnn_keys]
    all_runs = [in_space_form(t, space, switchable, set(winners["topology"])) for t in found]
    switched = {t.key(): s.key() for t, s in zip(found, all_runs, strict=True) if s is not None and s != t}
    rnn = [t for t in all_runs if t is not None]
    if all_runs and not rnn:
        raise GrnsearchError(
            f"none of the {len(all_runs)} converged runs has a topology in the search space ({space.describe()}), "
            "so there is nothing to compare; if the `cutoff` removed their links, lower it; if they differ from "
            "the space only in a sign it fixes, compare with `switching`"
        )
    rnn_keys = [t.key() for t in rnn]
    hill = [Topology.from_key(key, sources, genes) for key in winners["topology"]]
    summary = compare_with_reference(rnn, hill)
    counts = pd.Series(rnn_keys).value_counts()
    hill_sets = dict(zip(winners["topology"], winners[VERDICTS[verdict][1]], strict=True))

    table = _topology_rows(counts, hill_sets, hill, sources, genes)
    both = int((table["in_rnn"] & table["in_hill"]).sum())
    total_sets = sum(hill_sets.values())
    covered = sum(v for k, v in hill_sets.items() if k in counts)
    return Comparison(
        task=search.settings.task,
        verdict=verdict,
        runs=len(rnn_keys),
        runs_outside_space=len(all_runs) - len(rnn),
        switched=switched,
        rnn_topologies=int(table["in_rnn"].sum()),
        hill_topologies=len(hill_sets),
        both=both,
        rnn_only=int(table["in_rnn"].sum()) - both,
        hill_only=len(hill_sets) - both,
        one_link_away=summary.one_link_away,
        direct_probability=summary.direct_probability,
        near_probability=summary.compatible_probability,
        hill_sets_covered=covered / total_sets if total_sets else 0.0,
        table=table,
        paper=dict(tasks.get(search.settings.task).paper_figures) if paper is None else paper,
    )


def compare_directories(
    study: str | Path,
    search_dir: str | Path,
    cutoff: float | None = None,
    verdict: str = "euler",
    switching: bool = False,
) -> Comparison:
    """:func:`compare` on a study directory (or a strength table, which needs ``cutoff``, or a
    sparsification directory) and a search directory of the same task; with ``switching``, the
    task's unscored genes are ``switchable``."""
    _check_verdict(verdict)  # before any file is read
    study_dir = Path(study)
    search = read_search(search_dir)
    searched = tasks.recorded(search_dir, search.settings.task)
    if study_dir.is_file():
        if cutoff is None:
            raise GrnsearchError(
                f"{study_dir} is a strength table: give the cutoff that separates present "
                "from absent links, e.g. 5e-4 (the authors')",
                parameter="cutoff",
            )
        task = search.settings.task
        keys = strength_table_topologies(study_dir, searched, cutoff)
    elif (study_dir / "paths.csv").exists() and not (study_dir / "study.csv").exists():
        if cutoff is not None:
            raise GrnsearchError(
                f"{study_dir} is a sparsification, whose networks were read out at each step's own cutoff; "
                "drop `cutoff`",
                parameter="cutoff",
            )
        task, keys = read_sparsify_topologies(study_dir)
    else:
        task, keys = read_study_topologies(study_dir, cutoff)
    if search.settings.task != task:
        raise GrnsearchError(
            f"{study_dir} is a study of {task!r} but {search_dir} searched "
            f"{search.settings.task!r}; compare a study and a search of the same task"
        )
    if not keys:
        raise GrnsearchError(f"{study_dir}: no converged runs (or successful paths) to compare")
    switchable = [g for g in searched.genes if g not in searched.scored] if switching else []
    return compare(keys, search, dict(searched.paper_figures), task_space(searched), verdict, switchable)
