"""What a trained model does, as arrays for figures: its response to the task's demo conditions
and cross-sections of its synthesis rates (the paper's Fig. 1c)."""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.training.ensemble import TrainedModel


class Response(NamedTuple):
    """One demo condition: times (T + 1,), inputs (T, n_inputs), trajectory (T + 1, n_genes),
    targets (T, n_scored) or NaN, and a label."""

    label: str
    time: np.ndarray
    inputs: np.ndarray
    trajectory: np.ndarray
    targets: np.ndarray


class FinalPattern(NamedTuple):
    """A spatial task's scored pattern: positions (P,), the model's state at the last scored
    step without noise (P, n_genes) and the targets there (P, n_scored)."""

    positions: np.ndarray
    model: np.ndarray
    targets: np.ndarray


class SynthesisSections(NamedTuple):
    """f_j against each source on ``grid``, the other sources at rest: curves (n_sources, points,
    n_genes)."""

    grid: np.ndarray
    curves: np.ndarray


def demo_responses(trained: TrainedModel) -> list[Response]:
    """The model under each of its task's demo conditions. A spatial task's demo condition is
    the time course at one position, run as a row of one position."""
    responses = []
    for demo in trained.task.demo_conditions():
        if trained.task.spatial:
            traj = trained.simulate(demo.inputs[None, :, None, :], dt=demo.dt)[0, :, 0, :]
        else:
            traj = trained.simulate(demo.inputs[None], dt=demo.dt)[0]
        responses.append(Response(demo.label, np.arange(traj.shape[0]) * demo.dt, demo.inputs, traj, demo.targets))
    return responses


def synthesis_sections(trained: TrainedModel, n_points: int = 101) -> SynthesisSections:
    """Each f_j against one source on [0, 1], the other sources held at the resting state (the
    initial genes and the first demo condition's input)."""
    task, model = trained.task, trained.model
    rest_inputs = jnp.asarray(task.demo_conditions()[0].inputs[0], dtype=jnp.float32)
    rest = jnp.concatenate([rest_inputs, model.initial_state()])
    grid = jnp.linspace(0.0, 1.0, n_points)
    n_in = len(task.inputs)
    scale = trained.link_scale

    def f_along(source: int) -> jax.Array:
        xs = jnp.broadcast_to(rest, (n_points, rest.shape[0])).at[:, source].set(grid)
        return jax.vmap(lambda x: model.synthesis(x[n_in:], x[:n_in], scale))(xs)

    curves = jax.vmap(f_along)(jnp.arange(len(task.sources)))
    return SynthesisSections(np.asarray(grid), np.asarray(curves))


def final_pattern(trained: TrainedModel) -> FinalPattern:
    """The model's pattern at the last scored step of its task's training conditions (the first
    condition), without noise, beside the targets there."""
    task = trained.task
    conditions = task.conditions(jax.random.PRNGKey(0))
    traj = trained.simulate(conditions.inputs[:1])[0]
    step = task.score_steps[-1] if task.score_steps else task.n_steps
    targets = np.asarray(conditions.targets[0, -1])
    return FinalPattern(np.asarray(task.positions), traj[step], targets)
