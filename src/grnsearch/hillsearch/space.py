"""The exhaustive Hill search's space and results: the topologies of a task's space, the unit of
work (a chunk of topologies, each screened with random parameter sets; METHOD.md section 5), the
settings that determine a search and its result table.

Topology i draws its parameter sets from ``fold_in(PRNGKey(seed), i)``, so the counts do not
depend on chunking, resuming, devices or Dask workers. The chunked, resumable, distributed run is
:mod:`grnsearch.workflows.search`; the search directory is read and written by
:mod:`grnsearch.io.search_dir`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import jax
import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.config import MAX_SAMPLES, check_positive_int, check_seed
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.exact import EXACT, ExactSolver, exact_screen_sets
from grnsearch.hillsearch.screen import passing_sets
from grnsearch.network.links import link_names
from grnsearch.network.space import TopologySpace
from grnsearch.network.topology import Topology
from grnsearch.tasks.base import Task
from grnsearch.tasks.hill_screen import HillScreen, as_spec

MAX_CANDIDATES = 3**10
DEFAULT_SAMPLES = 160_000
DEFAULT_CHUNK = 48


@dataclass(frozen=True)
class SearchSettings:
    """What determines a search's result; a resumed search must match it exactly."""

    task: str
    samples: int
    seed: int
    chunk_size: int
    sample_block: int
    screen: dict[str, Any]
    subset: list[int] | None = None  # topology indices, when only part of the space is searched
    exact: dict[str, Any] | None = None  # the exact verdict's solver (None: a search without one)

    def __post_init__(self) -> None:
        if not isinstance(self.task, str):
            raise GrnsearchError(f"must be a task name, got {self.task!r}", parameter="task")
        check_positive_int(self.samples, "samples", MAX_SAMPLES)
        check_seed(self.seed, "seed")
        check_positive_int(self.chunk_size, "chunk_size")
        check_positive_int(self.sample_block, "sample_block")
        if not isinstance(self.screen, dict):
            raise GrnsearchError(f"must be the screen's settings, got {self.screen!r}", parameter="screen")
        if self.subset is not None and not (
            isinstance(self.subset, list) and all(isinstance(i, int) and i >= 0 for i in self.subset)
        ):
            raise GrnsearchError("must be a list of topology indices", parameter="subset")
        if self.exact is not None and not isinstance(self.exact, dict):
            raise GrnsearchError(f"must be the exact solver's settings, got {self.exact!r}", parameter="exact")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchResult:
    """The finished search: one row per topology."""

    table: pd.DataFrame
    settings: SearchSettings
    sources: tuple[str, ...]
    genes: tuple[str, ...]
    wall_time: float

    @property
    def successes(self) -> pd.DataFrame:
        """Rows of the topologies that succeed (at least the screen's minimum of sets)."""
        return self.table[self.table["succeeds"]].reset_index(drop=True)

    def topologies(self, successful_only: bool = True) -> list[Topology]:
        """The (succeeding) topologies as :class:`Topology` objects."""
        rows = self.successes if successful_only else self.table
        return [Topology.from_key(key, self.sources, self.genes) for key in rows["topology"]]

    def summary(self) -> dict[str, Any]:
        """Counts for summary.json: successful topologies overall and by link count, by the Euler
        screen (the paper's rule) and, when the search has them, on the exact solution."""
        wins = self.successes
        euler = self.settings.screen
        summary = {
            "topologies": len(self.table),
            "integrators": {
                "successful_sets": f"forward Euler, dt {euler.get('dt')}, {euler.get('steps')} steps (the paper's)",
                "exact_sets": self.settings.exact,
            },
            "successful_topologies": len(wins),
            "successful_by_links": _by_links(wins),
            "successful_sets_min": int(wins["successful_sets"].min()) if len(wins) else 0,
            "successful_sets_max": int(wins["successful_sets"].max()) if len(wins) else 0,
        }
        if "exact_sets" in self.table.columns:
            exact = self.table[self.table["succeeds_exactly"]]
            summary |= {
                "exact_successful_topologies": len(exact),
                "exact_successful_by_links": _by_links(exact),
                "exact_sets_total": int(self.table["exact_sets"].sum()),
                "successful_sets_total": int(self.table["successful_sets"].sum()),
            }
        return summary | {"wall_time_s": round(self.wall_time, 2)}


def _by_links(rows: pd.DataFrame) -> dict[int, int]:
    return {int(k): int(v) for k, v in rows["n_links"].value_counts().sort_index().items()}


def task_screen(task: Task) -> HillScreen:
    """The task's Hill screen in the general form, or a GrnsearchError naming the tasks that have one."""
    if task.hill_screen is None:
        have = [name for name in tasks.names() if tasks.get(name).hill_screen is not None]
        raise GrnsearchError(
            f"task {task.name!r} has no Hill-search criterion; search works for: {', '.join(have)}", parameter="task"
        )
    spec = as_spec(task.hill_screen, len(task.inputs))
    if not 0 <= spec.readout < len(task.genes) or spec.n_inputs != len(task.inputs):
        raise GrnsearchError(
            f"task {task.name!r}: its Hill screen reads gene {spec.readout} and drives {spec.n_inputs} inputs, but "
            f"the task has genes {task.genes} and inputs {task.inputs}; match the screen to the task",
            parameter="task",
        )
    spec.start_levels(len(task.genes))  # one start level, or one per gene
    return spec


def task_space(task: Task) -> TopologySpace:
    """The topology space of the task's search: its screen's, or (None) every topology of the
    task's nodes passing the paper's filter (every input regulates a gene, the genes strongly
    connected)."""
    space = task_screen(task).space
    if space is None:
        return TopologySpace.build(task.inputs, task.genes, inputs_regulate=True, genes_strongly_connected=True)
    if (space.inputs, space.genes) != (task.inputs, task.genes):
        raise GrnsearchError(
            f"task {task.name!r}: its Hill screen's space is over inputs {space.inputs} and genes {space.genes}, "
            f"not the task's {task.inputs} and {task.genes}; name the task's nodes in the space",
            parameter="task",
        )
    return space


def search_space(task: Task) -> np.ndarray:
    """Sign matrices (n, n_sources, n_genes) of every topology of the task's space
    (:func:`task_space`); GrnsearchError when it is empty or too large to enumerate."""
    try:
        return task_space(task).enumerate(MAX_CANDIDATES)
    except GrnsearchError as err:
        raise GrnsearchError(f"task {task.name!r}: {err}", parameter="task") from None


def link_columns(task: Task) -> list[str]:
    """``SRC->TGT`` column names in sign-matrix order (sources, then targets)."""
    return link_names(task.sources, task.genes)


def topology_counts(
    screen: HillScreen, signs: np.ndarray, key: jax.Array, samples: int, solver: ExactSolver = EXACT
) -> tuple[int, int]:
    """Sets of one topology that pass the Euler screen, and how many of those pass exactly."""
    K, b = passing_sets(signs, key, samples, screen)
    return int(K.shape[0]), int(exact_screen_sets(signs, K, b, screen, solver).sum())


def count_chunk(
    screen: HillScreen,
    signs: np.ndarray,
    indices: np.ndarray,
    seed: int,
    samples: int,
    solver: ExactSolver = EXACT,
) -> np.ndarray:
    """Successful sets of each topology in a chunk (the unit of work sent to a worker):
    (topologies, 2) integers, Euler then exact."""
    root = jax.random.PRNGKey(seed)
    return np.array(
        [
            topology_counts(screen, s, jax.random.fold_in(root, int(i)), samples, solver)
            for s, i in zip(signs, indices, strict=True)
        ],
        dtype=np.int64,
    ).reshape(len(signs), 2)


def search_table(task: Task, signs: np.ndarray, counts: np.ndarray, min_sets: int) -> pd.DataFrame:
    """One row per topology: n_links, sign columns, successful_sets (Euler), exact_sets, succeeds,
    succeeds_exactly, topology key. ``counts`` is (topologies, 2), Euler then exact."""
    counts = np.asarray(counts)
    if counts.shape != (len(signs), 2) or not np.issubdtype(counts.dtype, np.integer) or (counts < 0).any():
        raise GrnsearchError(f"search counts must be whole numbers >= 0, two per topology; got {counts!r}")
    flat = signs.reshape(len(signs), -1).astype(int)
    table = pd.DataFrame(flat, columns=link_columns(task))
    table.insert(0, "n_links", np.count_nonzero(flat, axis=1))
    table["successful_sets"] = counts[:, 0]
    table["exact_sets"] = counts[:, 1]
    table["succeeds"] = counts[:, 0] >= min_sets
    table["succeeds_exactly"] = counts[:, 1] >= min_sets
    sources, genes = task.sources, task.genes
    table["topology"] = [Topology(s, sources, genes).key() for s in signs]
    return table
