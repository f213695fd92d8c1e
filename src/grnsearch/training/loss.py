"""The training loss, shared by RNN training and Hill-model fitting."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from grnsearch.dynamics.base import AbstractDynamics
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
    its start in the stationary conditions), over all conditions and time points (a spatial task:
    and positions). A task may score only its ``score_steps``, and with ``loss_reduction`` "mean"
    the sum is divided by the number of scored entries (the sum of the mask). Conditions with their
    own start and steps (``initial``, ``dt``) run from them."""
    dt = task.dt if conditions.dt is None else conditions.dt
    start = conditions.initial
    traj = task.trajectories(
        model, conditions.inputs, dt, link_scale=link_scale, solver=solver, noise=noise, initial_state=start
    )
    after = traj[:, 1:]
    judged = after if not task.score_steps else after[:, jnp.asarray(task.score_steps) - 1]
    scored = judged[..., jnp.asarray(task.scored_index)]
    sse = jnp.sum(((scored - conditions.targets) * conditions.mask) ** 2)
    stationary = conditions.stationary.reshape((-1,) + (1,) * (after.ndim - 1))
    drift = jnp.sum(stationary * (after - traj[:, :1]) ** 2)
    if task.loss_reduction == "mean":
        return jnp.sqrt((sse + drift) / jnp.sum(conditions.mask))
    return jnp.sqrt(sse + drift)
