"""The slow reference of the Hill screen: stored trajectories, judged by the screen's criteria.

:func:`screen_trajectories` simulates one parameter set under every condition of a
:class:`HillScreen` and keeps the states after each step; :func:`trajectory_success` computes the
criteria's statistics from those arrays (``jnp.mean``, ``jnp.var``, differences of consecutive
states) and judges them with the same criteria as the fast screen
(:mod:`grnsearch.hillsearch.screen`), which is tested against it. The exact verdict
(:mod:`grnsearch.hillsearch.exact`) judges sampled exact solutions with it.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from grnsearch.dynamics.hill import HillDynamics
from grnsearch.dynamics.simulate import simulate
from grnsearch.network.topology import Topology
from grnsearch.tasks.hill_criteria import MOMENTS, ConditionStats, WindowStats
from grnsearch.tasks.hill_screen import Condition, HillScreen, OscillationScreen, as_spec


def condition_requests(screen: HillScreen, condition: Condition) -> tuple[dict[tuple[int, int], set[str]], set[int]]:
    """What is read of a condition: statistic groups by window (its criteria's and those of the
    relations it takes part in), and the steps whose level is read."""
    windows: dict[tuple[int, int], set[str]] = {}
    points: set[int] = set()
    for criterion in condition.criteria:
        wanted, at = criterion.requests()
        for key, groups in wanted.items():
            windows.setdefault(key, set()).update(groups)
        points |= at
    for relation in screen.relations:
        if condition.name in (relation.numerator, relation.denominator):
            windows.setdefault(relation.window.key, set()).add(MOMENTS)
    return windows, points


def judge_condition(condition: Condition, stats: ConditionStats) -> jax.Array:
    """Whether every criterion of the condition holds, for every set."""
    verdicts = [c.verdict(stats, condition.schedule.relative_change) for c in condition.criteria]
    return functools.reduce(jnp.logical_and, verdicts)


def _array_stats(levels: jax.Array, screen: HillScreen, condition: Condition) -> ConditionStats:
    """Statistics from the readout's levels (steps + 1,) at steps 0..steps."""
    windows, points = condition_requests(screen, condition)
    stats = {}
    for (start, stop), _ in windows.items():
        x = levels[start + 1 : stop + 1]
        inc = x - levels[start:stop]
        stats[(start, stop)] = WindowStats(
            mean=jnp.mean(x),
            var=jnp.var(x),
            max_inc=jnp.max(inc),
            min_inc=jnp.min(inc),
            top=jnp.max(x),
            bottom=jnp.min(x),
        )
    return ConditionStats(stats, {k: levels[k] for k in points})


def trajectory_success(screen: HillScreen | OscillationScreen, traj: jax.Array) -> jax.Array:
    """The screen's verdict on stored trajectories (conditions, steps, n_genes) of the states
    after each step, conditions in the screen's order (the slow reference of the fast screen)."""
    spec = as_spec(screen, 2) if isinstance(screen, OscillationScreen) else screen
    start = jnp.asarray(spec.start_levels(traj.shape[-1]))[spec.readout]
    stats = {}
    verdict = jnp.asarray(True)
    for c, condition in enumerate(spec.conditions):
        levels = jnp.concatenate([start[None], traj[c, :, spec.readout]])
        stats[condition.name] = _array_stats(levels, spec, condition)
        verdict = verdict & judge_condition(condition, stats[condition.name])
    for relation in spec.relations:
        verdict = verdict & relation.verdict(stats)
    return verdict


def screen_trajectories(
    screen: HillScreen | OscillationScreen, topology: Topology, K: jax.Array, b: jax.Array
) -> jax.Array:
    """Euler trajectories (conditions, steps, n_genes) of one parameter set under the screen's
    conditions: the states after each step, as :func:`trajectory_success` reads them."""
    spec = as_spec(screen, len(topology.inputs))
    dynamics = HillDynamics.of(topology, K, b, n=spec.n)
    inputs = jnp.asarray(spec.inputs())
    start = jnp.asarray(spec.start_levels(len(topology.genes)))
    return simulate(dynamics, inputs, spec.dt, initial_state=start)[:, 1:]
