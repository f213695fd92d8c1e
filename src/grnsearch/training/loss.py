"""The training loss, shared by RNN training and Hill-model fitting."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.dynamics.simulate import simulate
from grnsearch.tasks.base import Conditions, Task


def loss(
    model: AbstractDynamics,
    task: Task,
    conditions: Conditions,
    link_scale: jax.Array,
    *,
    solver: str = "euler",
    noise: jax.Array | None = None,
) -> jax.Array:
    """sqrt(summed squared error of the scored genes + summed squared drift of every gene from
    its start in the stationary conditions), over all conditions and time points."""
    traj = simulate(model, conditions.inputs, task.dt, link_scale=link_scale, solver=solver, noise=noise)
    after = traj[:, 1:, :]
    scored = after[:, :, jnp.asarray(task.scored_index)]
    sse = jnp.sum(((scored - conditions.targets) * conditions.mask) ** 2)
    drift = jnp.sum(conditions.stationary[:, None, None] * (after - traj[:, :1, :]) ** 2)
    return jnp.sqrt(sse + drift)
