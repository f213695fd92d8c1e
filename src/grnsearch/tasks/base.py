"""What a task is: nodes, time grid, training conditions, metrics and a success criterion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.config import TrainConfig
from grnsearch.errors import GrnsearchError
from grnsearch.model import GeneNetworkModel
from grnsearch.screen import OscillationScreen


class Conditions(NamedTuple):
    """A batch of training conditions.

    inputs (C, T, n_inputs) drive steps 0..T-1; targets and mask (C, T, n_scored) score the
    states after steps 1..T; stationary (C,) is 1 where every gene must stay at its start.
    """

    inputs: jax.Array
    targets: jax.Array
    mask: jax.Array
    stationary: jax.Array


class DemoCondition(NamedTuple):
    """One labelled time course for figures: inputs (T, n_inputs), targets (T, n_scored) or NaN."""

    label: str
    inputs: np.ndarray
    targets: np.ndarray
    dt: float


@dataclass(frozen=True)
class Task:
    """Base class of every task; subclasses fill in conditions, metrics and success."""

    name: str
    genes: tuple[str, ...]
    inputs: tuple[str, ...]
    scored: tuple[str, ...]
    dt: float
    n_steps: int
    initial_values: tuple[float | None, ...]
    defaults: TrainConfig
    metric_names: tuple[str, ...]
    # iterations of each sparsification retraining (sparse networks train more slowly);
    # None = defaults.iterations
    sparsify_iterations: int | None = None
    # metrics drawn as a band (label, low metric, high metric) against the sparsification step,
    # as the paper's Fig. 4a; empty = every scalar metric as a line
    path_bands: tuple[tuple[str, str, str], ...] = ()

    # ---- node bookkeeping -------------------------------------------------------------
    @property
    def sources(self) -> tuple[str, ...]:
        """Regulators in link order: inputs first, then genes."""
        return self.inputs + self.genes

    @property
    def scored_index(self) -> tuple[int, ...]:
        """Positions of the scored genes among ``genes``."""
        return tuple(self.genes.index(g) for g in self.scored)

    def links(self) -> list[tuple[str, str]]:
        """Every possible link (source, target) in source order, then target order."""
        return [(s, t) for s in self.sources for t in self.genes]

    def check_link(self, link: tuple[str, str], option: str = "--block") -> tuple[int, int]:
        """Indices (source, target) of a named link; GrnsearchError naming the option if unknown."""
        src, tgt = link
        if src not in self.sources:
            raise GrnsearchError(
                f"{option} {src}->{tgt}: unknown source {src!r}; task {self.name!r} has sources "
                f"{', '.join(self.sources)}"
            )
        if tgt not in self.genes:
            raise GrnsearchError(
                f"{option} {src}->{tgt}: unknown target {tgt!r}; task {self.name!r} has genes "
                f"{', '.join(self.genes)} (inputs cannot be targets)"
            )
        return self.sources.index(src), self.genes.index(tgt)

    def link_scale(self, blocked: tuple[tuple[str, str], ...] = ()) -> jax.Array:
        """Wild-type link-scale matrix (n_sources, n_genes) with ``blocked`` links set to 0."""
        scale = np.ones((len(self.sources), len(self.genes)), dtype=np.float32)
        for link in blocked:
            i, j = self.check_link(link)
            scale[i, j] = 0.0
        return jnp.asarray(scale)

    def init_model(self, config: TrainConfig, key: jax.Array) -> GeneNetworkModel:
        """A fresh model for this task under ``config``."""
        return GeneNetworkModel.init(
            n_genes=len(self.genes),
            n_inputs=len(self.inputs),
            hidden=config.hidden,
            arch=config.arch,
            fixed_initial=self.initial_values,
            key=key,
            init_std=config.weight_std,
            free_start=config.free_start,
        )

    # ---- what subclasses provide --------------------------------------------------------
    def params(self) -> dict[str, Any]:
        """Keyword arguments that rebuild this task with ``grnsearch.tasks.get(name, **params)``."""
        return {}

    def conditions(self, key: jax.Array) -> Conditions:
        """Training conditions for one iteration; random parts are drawn from ``key``."""
        raise NotImplementedError

    def metrics(
        self, model: GeneNetworkModel, link_scale: jax.Array, solver: str = "euler"
    ) -> dict[str, jax.Array]:
        """Task metrics of one model (jit- and vmap-friendly): scalars named in ``metric_names``
        plus any curves used by figures."""
        raise NotImplementedError

    def success(self, metrics: dict[str, float]) -> bool:
        """Whether a model with these metrics performs the task (documented per task)."""
        raise NotImplementedError

    def demo_conditions(self) -> list[DemoCondition]:
        """Time courses to draw in the response figure."""
        raise NotImplementedError

    def mutation_conditions(self) -> tuple[np.ndarray, float]:
        """Inputs (C, T, n_inputs) and dt under which links are mutated."""
        raise NotImplementedError

    def hill_screen(self) -> OscillationScreen | None:
        """The random-parameter screen of the exhaustive Hill search, or None if the task has none."""
        return None

    def mutation_effect(self, wild: jax.Array, mutants: jax.Array) -> jax.Array:
        """Effect of each mutant on each gene, (n_links, n_genes), from trajectories
        (1 or n_links, C, T + 1, G): by default the mean over conditions and time steps of
        wild type minus mutant. Patterning tasks override this (final profile summed over space)."""
        return jnp.mean(wild[..., 1:, :] - mutants[..., 1:, :], axis=(1, 2))
