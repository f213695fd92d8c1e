"""What a task is: nodes, time grid, training conditions, metrics and a success criterion.

:class:`Task` is abstract (the Equinox abstract/final pattern, for frozen dataclasses): it holds
the data every task has and declares what each concrete task must provide. Optional
capabilities are declared as data, not as hooks that may return None: ``hill_screen`` is the
task's Hill screen (or None: the exhaustive Hill search does not apply), ``paper_figures`` the
numbers the paper reports for it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.config import TrainConfig
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.dynamics.hill_network import HillNetwork
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.dynamics.simulate import simulate
from grnsearch.dynamics.spatial import COUPLINGS, n_coupling_inputs, simulate_positions, synthesis_at_positions
from grnsearch.network.links import all_links, link_index
from grnsearch.network.reference import ReferenceNetwork
from grnsearch.tasks.hill_screen import HillScreen, OscillationScreen

LOSS_REDUCTIONS = ("sum", "mean")


class Conditions(NamedTuple):
    """A batch of training conditions.

    inputs (C, T, n_inputs) drive steps 0..T-1; targets and mask (C, T, n_scored) score the
    states after steps 1..T; stationary (C,) is 1 where every gene must stay at its start.
    A spatial task adds a positions axis before the last: inputs (C, T, P, n_external), targets
    and mask (C, K, P, n_scored) for its K ``score_steps`` (all T steps when it names none).
    A spatial task may give each condition its own start, ``initial`` (C, P, n_genes), and its
    own Euler steps, ``dt`` (C, T) (observed data: windows starting from a measured frame, at
    the data's own intervals); None means the model's initial state and the task's ``dt``.
    """

    inputs: jax.Array
    targets: jax.Array
    mask: jax.Array
    stationary: jax.Array
    initial: jax.Array | None = None
    dt: jax.Array | None = None


class DemoCondition(NamedTuple):
    """One labelled time course for figures: inputs (T, n_inputs), targets (T, n_scored) or NaN."""

    label: str
    inputs: np.ndarray
    targets: np.ndarray
    dt: float


@dataclass(frozen=True)
class Task(abc.ABC):
    """Abstract base of every task; concrete tasks provide conditions, metrics, success, demo
    and mutation conditions."""

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
    # the random-parameter screen of the exhaustive Hill search; None: the search does not apply
    hill_screen: OscillationScreen | HillScreen | None = None
    # numbers the paper reports for this task, by name (shown beside ours, never used to compute)
    paper_figures: tuple[tuple[str, float], ...] = ()
    # the link test's default factor when none is given: 0.9, the paper's knockdown of Fig. 3;
    # patterning tasks knock links out (0), as the authors did for Fig. 5
    knockdown: float = 0.9
    # spatial tasks (dynamics/spatial.py): positions along the axis (empty: not spatial); the
    # coupling between neighbours, whose inputs are the last names of ``inputs``; the positions
    # at which links are mutated (``mutation_conditions`` gives their inputs)
    positions: tuple[float, ...] = ()
    coupling: str = "none"
    mutation_positions: tuple[float, ...] = ()
    # the steps (1..n_steps) whose states the loss scores; empty = every step
    score_steps: tuple[int, ...] = ()
    # "sum": loss = sqrt(sum of squared errors); "mean": sqrt(mean over the scored entries)
    loss_reduction: str = "sum"
    # signed networks from elsewhere that a study's consensus network is compared with
    references: tuple[ReferenceNetwork, ...] = ()
    # the input changes (input, factor) of a spatial task's default mutant panel (``predict
    # --panel``), beside every single-gene knockout; empty = every input set to 0
    dosage_panel: tuple[tuple[str, float], ...] = ()
    # the Euler step of the protocol that ``metrics`` simulates (None: the training dt)
    metrics_dt: ClassVar[float | None] = None

    def __post_init__(self) -> None:
        # built-in tasks are code, not user input: a wrong one is a programming error
        if self.coupling not in COUPLINGS:
            raise ValueError(f"task {self.name}: unknown coupling {self.coupling!r}; choose one of {COUPLINGS}")
        if self.loss_reduction not in LOSS_REDUCTIONS:
            raise ValueError(f"task {self.name}: loss_reduction must be one of {LOSS_REDUCTIONS}")
        if any(not 1 <= k <= self.n_steps for k in self.score_steps):
            raise ValueError(f"task {self.name}: score_steps must lie in 1..{self.n_steps}")
        if bool(self.positions) != bool(self.mutation_positions):
            raise ValueError(f"task {self.name}: a spatial task needs both positions and mutation_positions")
        if any(name not in self.inputs[: self.n_external_inputs] or f < 0 for name, f in self.dosage_panel):
            raise ValueError(f"task {self.name}: dosage_panel needs external inputs and factors >= 0")
        if self.coupling != "none" and not self.positions:
            raise ValueError(f"task {self.name}: a coupling needs positions")

    # ---- node bookkeeping -------------------------------------------------------------
    @property
    def sources(self) -> tuple[str, ...]:
        """Regulators in link order: inputs first, then genes."""
        return self.inputs + self.genes

    @property
    def scored_index(self) -> tuple[int, ...]:
        """Positions of the scored genes among ``genes``."""
        return tuple(self.genes.index(g) for g in self.scored)

    @property
    def spatial(self) -> bool:
        """Whether the task has positions (inputs and states carry a positions axis)."""
        return bool(self.positions)

    @property
    def n_external_inputs(self) -> int:
        """Inputs the conditions give: ``inputs`` without those the coupling computes."""
        return len(self.inputs) - n_coupling_inputs(self.coupling, len(self.genes))

    def links(self) -> list[tuple[str, str]]:
        """Every possible link (source, target) in source order, then target order."""
        return all_links(self.sources, self.genes)

    def check_link(self, link: tuple[str, str], parameter: str = "blocked") -> tuple[int, int]:
        """Indices (source, target) of a named link; GrnsearchError naming ``parameter`` if a
        node is unknown."""
        return link_index(link, self.sources, self.genes, parameter=parameter)

    def link_scale(self, blocked: tuple[tuple[str, str], ...] = ()) -> jax.Array:
        """Wild-type link-scale matrix (n_sources, n_genes) with ``blocked`` links set to 0."""
        scale = np.ones((len(self.sources), len(self.genes)), dtype=np.float32)
        for link in blocked:
            i, j = self.check_link(link)
            scale[i, j] = 0.0
        return jnp.asarray(scale)

    def init_model(self, config: TrainConfig, key: jax.Array) -> AbstractDynamics:
        """A fresh model for this task under ``config``: the one place a model class is chosen
        (``config.model``: ``mlp``, :class:`GeneNetworkModel`; ``hill``, :class:`HillNetwork`)."""
        if config.model == "hill":
            return HillNetwork.init(
                n_genes=len(self.genes), n_inputs=len(self.inputs), fixed_initial=self.initial_values, key=key
            )
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

    # ---- dynamics ------------------------------------------------------------------------
    def trajectories(
        self,
        model: AbstractDynamics,
        inputs: jax.Array,
        dt: float | jax.Array,
        *,
        link_scale: jax.Array | None = None,
        solver: str = "euler",
        noise: jax.Array | None = None,
        initial_state: jax.Array | None = None,
    ) -> jax.Array:
        """Trajectories of ``model`` under this task's ``inputs``: (C, T + 1, n_genes), or
        (C, T + 1, P, n_genes) for a spatial task (every position at once, with the coupling).
        A spatial task's conditions may start from ``initial_state`` (C, P, n_genes) and take
        Euler steps ``dt`` (C, T) of their own (:class:`Conditions`)."""
        if self.spatial:
            return simulate_positions(
                model,
                inputs,
                dt,
                link_scale=link_scale,
                solver=solver,
                noise=noise,
                coupling=self.coupling,
                initial_state=initial_state,
            )
        if initial_state is not None or jnp.ndim(dt):
            raise ValueError(f"task {self.name}: only spatial tasks take a start or a step per condition")
        return simulate(model, inputs, dt, link_scale=link_scale, solver=solver, noise=noise)

    def rates(self, model: AbstractDynamics, states: jax.Array, inputs: jax.Array, link_scale: jax.Array) -> jax.Array:
        """Synthesis rates at ``states`` (C, T, [P,] n_genes) under ``inputs`` (C, T, [P,] n):
        the same shape as ``states``."""
        if self.spatial:
            per_step = jax.vmap(lambda g, i: synthesis_at_positions(model, g, i, link_scale, self.coupling))
        else:
            per_step = jax.vmap(lambda g, i: model.synthesis(g, i, link_scale))
        return jax.vmap(per_step)(states, inputs)

    # ---- what concrete tasks provide -----------------------------------------------------
    def params(self) -> dict[str, Any]:
        """Keyword arguments that rebuild this task with ``grnsearch.tasks.get(name, **params)``."""
        return {}

    @abc.abstractmethod
    def conditions(self, key: jax.Array) -> Conditions:
        """Training conditions for one iteration; random parts are drawn from ``key``."""

    @abc.abstractmethod
    def metrics(self, model: AbstractDynamics, link_scale: jax.Array, solver: str = "euler") -> dict[str, jax.Array]:
        """Task metrics of one model (jit- and vmap-friendly): scalars named in ``metric_names``
        plus any curves used by figures."""

    @abc.abstractmethod
    def success(self, metrics: dict[str, float]) -> bool:
        """Whether a model with these metrics performs the task (documented per task)."""

    @abc.abstractmethod
    def demo_conditions(self) -> list[DemoCondition]:
        """Time courses to draw in the response figure."""

    def check_conditions(self) -> list[DemoCondition]:
        """The time courses (piecewise-constant inputs per step) on which a Hill check of this task
        is judged, which its exports encode: the Hill screen's conditions (held for the screen's
        run) for a task with a screen, else the demo conditions. A task whose metrics use another
        protocol overrides this with that protocol."""
        screen = self.hill_screen
        if screen is None:
            return self.demo_conditions()
        if isinstance(screen, HillScreen):  # one time course per distinct schedule
            unique = [
                c
                for k, c in enumerate(screen.conditions)
                if c.schedule not in [d.schedule for d in screen.conditions[:k]]
            ]
            no_targets = np.full((screen.steps, len(self.scored)), np.nan)
            return [DemoCondition(c.name, c.schedule.as_array(screen.steps), no_targets, screen.dt) for c in unique]
        levels = screen.condition_levels(len(self.inputs))
        labels = ["no input", *(f"{name} = {screen.level}" for name in self.inputs[:2])]
        no_targets = np.full((screen.steps, len(self.scored)), np.nan)
        return [
            DemoCondition(label, np.repeat(levels[c][None], screen.steps, axis=0), no_targets, screen.dt)
            for c, label in enumerate(labels)
        ]

    @abc.abstractmethod
    def mutation_conditions(self) -> tuple[np.ndarray, float]:
        """Inputs (C, T, n_inputs) and dt under which links are mutated."""

    def mutation_effect(self, wild: jax.Array, mutants: jax.Array) -> jax.Array:
        """Effect of each mutant on each gene, (n_links, n_genes), from trajectories
        (1 or n_links, C, T + 1, [P,] G): by default the mean over conditions and time steps of
        wild type minus mutant. Patterning tasks override this (final profile summed over space)."""
        return jnp.mean(wild[..., 1:, :] - mutants[..., 1:, :], axis=(1, 2))
