"""Observed time courses in memory: what inference trains on, fits baselines to and reads out along.

:class:`TimeSeries` holds one array per experiment, values (times, positions, nodes) with the
genes first and then the inputs, each experiment on its own time grid; data without positions have
one position. Genes are already divided by their maximum (``scale`` records the factors, so that
outputs can undo them); missing values are NaN. :mod:`grnsearch.io.timeseries` builds it from a
file, :mod:`grnsearch.infer.automaton` from a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.spatial import coupling_inputs, n_coupling_inputs


@dataclass(frozen=True)
class TimeSeries:
    """Observed time courses: per experiment, times (T_e,) and values (T_e, positions, nodes);
    ``genes`` then ``inputs`` name the nodes, ``scale`` the factor each gene was divided by."""

    experiments: tuple[str, ...]
    times: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]
    positions: np.ndarray | None
    genes: tuple[str, ...]
    inputs: tuple[str, ...]
    scale: np.ndarray

    @property
    def n_positions(self) -> int:
        """Positions per time point (1 without a ``position`` column)."""
        return 1 if self.positions is None else len(self.positions)

    def gene_values(self, experiment: int) -> np.ndarray:
        """Gene levels (T_e, positions, genes) of one experiment."""
        return self.values[experiment][..., : len(self.genes)]

    def input_values(self, experiment: int) -> np.ndarray:
        """Input levels (T_e, positions, inputs) of one experiment."""
        return self.values[experiment][..., len(self.genes) :]


def neighbour_names(genes: tuple[str, ...], coupling: str) -> tuple[str, ...]:
    """The sources a coupling adds: ``nbr_X`` for every gene X (none without coupling)."""
    return tuple(f"nbr_{g}" for g in genes) if n_coupling_inputs(coupling, len(genes)) else ()


def source_names(series: TimeSeries, coupling: str) -> tuple[str, ...]:
    """Every regulator in link order: inputs, then the coupling's ``nbr_`` sources, then genes."""
    return (*series.inputs, *neighbour_names(series.genes, coupling), *series.genes)


def source_values(series: TimeSeries, experiment: int, coupling: str) -> np.ndarray:
    """The levels of every source (T_e, positions, n_sources) in :func:`source_names` order: the
    neighbour sources computed from the genes at each time (NaN where a neighbour is missing)."""
    genes = series.gene_values(experiment)
    nbr = np.asarray(jax.vmap(lambda g: coupling_inputs(g, coupling))(jnp.asarray(genes)))
    return np.concatenate([series.input_values(experiment), nbr, genes], axis=-1)
