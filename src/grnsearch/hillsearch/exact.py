"""The exact verdict of a Hill screen.

The screen (:mod:`grnsearch.hillsearch.screen`) judges a parameter set on forward Euler steps
(the oscillation's dt 0.25 is coarse enough to sustain oscillations that the ODE damps). Here the
sets that pass it are judged again on the exact solution of the same ODE: adaptive solves
(Diffrax Tsit5) per set and condition, one per stretch of constant inputs (each from where the
previous one ended), from the same start, over the same time span, sampled at the same times
t_k = k dt (k = 1 .. steps), with the same criteria (:func:`trajectory_success`, same thresholds,
increments between consecutive samples). Sets and conditions are one vmapped
program, padded to a few batch sizes so that few shapes are compiled; every set's solve is its
own (vmap does not couple the step control), so verdicts do not depend on the batch.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.hill import hill_synthesis
from grnsearch.dynamics.simulate import GAMMA, solve_sampled
from grnsearch.hillsearch.reference import trajectory_success
from grnsearch.tasks.hill_screen import Condition, HillScreen, OscillationScreen, as_spec

PAPER_SCREEN = OscillationScreen()


@dataclass(frozen=True)
class ExactSolver:
    """The adaptive solver of the exact verdict and its tolerances."""

    solver: str = "Tsit5 (Diffrax, adaptive)"
    rtol: float = 1e-6
    atol: float = 1e-8
    max_steps: int = 16_384

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


EXACT = ExactSolver()


def _bucket(count: int) -> int:
    """Padded batch size (powers of two from 16), so that few shapes are ever compiled."""
    return max(16, 1 << (count - 1).bit_length())


def _segments(condition: Condition, steps: int) -> list[tuple[int, int, tuple[float, ...]]]:
    """Stretches (first step, last step, input levels) of constant inputs."""
    ends = [*condition.schedule.starts[1:], steps]
    return [(a, c, condition.schedule.level_at(a)) for a, c in zip(condition.schedule.starts, ends, strict=True)]


@functools.lru_cache(maxsize=16)
def _exact_function(screen: HillScreen, solver: ExactSolver):
    def trajectories(signs, K, b):
        """(conditions, steps, n_genes) sampled exact solution of one set."""
        start = jnp.asarray(screen.start_levels(K.shape[1]))

        def solve(level, g0, count):
            def field(g):
                return hill_synthesis(jnp.concatenate([level, g]), signs, K, b, screen.n) - GAMMA * g

            times = screen.dt * jnp.arange(1, count + 1, dtype=jnp.float32)
            return solve_sampled(field, g0, times, rtol=solver.rtol, atol=solver.atol, max_steps=solver.max_steps)

        runs = []
        for condition in screen.conditions:
            g, pieces = start, []
            for a, c, level in _segments(condition, screen.steps):
                pieces.append(solve(jnp.asarray(level, dtype=jnp.float32), g, c - a))
                g = pieces[-1][-1]
            runs.append(jnp.concatenate(pieces))
        return jnp.stack(runs)

    def verdicts(signs, K, b):
        traj = jax.vmap(trajectories, in_axes=(None, 0, 0))(signs, K, b)
        return jax.vmap(lambda t: trajectory_success(screen, t))(traj)

    return jax.jit(verdicts), jax.jit(jax.vmap(trajectories, in_axes=(None, 0, 0)))


def exact_trajectories(
    signs: np.ndarray,
    K: jax.Array,
    b: jax.Array,
    screen: HillScreen | OscillationScreen = PAPER_SCREEN,
    solver: ExactSolver = EXACT,
) -> np.ndarray:
    """Exact solutions (sets, conditions, steps, n_genes) sampled at t_k = k dt, k = 1..steps."""
    signs = jnp.asarray(signs, dtype=jnp.int8)
    _, trajectories = _exact_function(as_spec(screen, signs.shape[0] - signs.shape[1]), solver)
    return np.asarray(trajectories(signs, jnp.asarray(K, jnp.float32), jnp.asarray(b, jnp.float32)))


def exact_screen_sets(
    signs: np.ndarray,
    K: jax.Array,
    b: jax.Array,
    screen: HillScreen | OscillationScreen = PAPER_SCREEN,
    solver: ExactSolver = EXACT,
) -> np.ndarray:
    """Which parameter sets (K, b: (sets, n_sources, n_genes)) pass the screen's criterion on the
    exact solution; boolean (sets,). Meant for the few sets that passed the Euler screen."""
    sets = int(K.shape[0])
    if sets == 0:
        return np.zeros(0, dtype=bool)
    signs = jnp.asarray(signs, dtype=jnp.int8)
    verdicts, _ = _exact_function(as_spec(screen, signs.shape[0] - signs.shape[1]), solver)
    index = np.resize(np.arange(sets), _bucket(sets))  # pad by repeating sets
    K, b = jnp.asarray(K, jnp.float32)[index], jnp.asarray(b, jnp.float32)[index]
    return np.asarray(verdicts(signs, K, b))[:sets]
