"""Spatial dynamics: one synthesis model applied at every position of a row of nuclei or cells.

States have shape (positions, n_genes); inputs have shape (positions, n_external) at each step and
may vary over positions and time. An optional coupling between neighbouring positions adds inputs
computed from the current state, appended after the external ones, so the model at a position
sees ``[external inputs, coupling inputs, its genes]``:

- ``none``: positions are independent (the gap genes);
- ``ring-mean``: for every gene, the mean of its level at the two neighbouring positions on a
  ring (the cellular automaton's neighbour signal h); adds n_genes inputs;
- ``chain-diffusion``: the same mean on a chain whose ends see their one neighbour (no flux
  through the ends), so that the model can learn diffusion D (mean - own level) between nuclei
  of a row such as the gene circuit's; adds n_genes inputs.

Inputs have shape (conditions, steps, positions, n_external); trajectories have shape
(conditions, steps + 1, positions, n_genes), index 0 being the initial state. Conditions and
positions run as one array program (vmap over both, lax.scan over time), as in
:mod:`grnsearch.dynamics.simulate`, whose Euler step and adaptive solve this module follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import diffrax
import jax
import jax.numpy as jnp

from grnsearch.config import SOLVERS
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.dynamics.simulate import GAMMA

COUPLINGS = ("none", "ring-mean", "chain-diffusion")


def n_coupling_inputs(coupling: str, n_genes: int) -> int:
    """How many inputs ``coupling`` adds to the model's external inputs."""
    if coupling not in COUPLINGS:
        raise ValueError(f"unknown coupling {coupling!r}; choose one of {COUPLINGS}")
    return 0 if coupling == "none" else n_genes


def coupling_inputs(g: jax.Array, coupling: str) -> jax.Array:
    """The coupling inputs (positions, n_coupling) of states ``g`` (positions, n_genes)."""
    if coupling == "none":
        return jnp.zeros((g.shape[0], 0), dtype=g.dtype)
    if coupling == "ring-mean":
        return 0.5 * (jnp.roll(g, 1, axis=0) + jnp.roll(g, -1, axis=0))
    if coupling == "chain-diffusion":
        # reflecting ends: the missing neighbour of an end is its one real neighbour
        padded = jnp.concatenate([g[1:2], g, g[-2:-1]], axis=0) if g.shape[0] > 1 else jnp.concatenate([g, g, g])
        return 0.5 * (padded[:-2] + padded[2:])
    raise ValueError(f"unknown coupling {coupling!r}; choose one of {COUPLINGS}")


def synthesis_at_positions(
    model: AbstractDynamics,
    g: jax.Array,
    inputs: jax.Array,
    link_scale: jax.Array | None = None,
    coupling: str = "none",
) -> jax.Array:
    """Synthesis rates (positions, n_genes) at states ``g`` (positions, n_genes) under external
    ``inputs`` (positions, n_external), the coupling inputs appended."""
    full = jnp.concatenate([inputs, coupling_inputs(g, coupling)], axis=-1)
    return jax.vmap(lambda gp, ip: model.synthesis(gp, ip, link_scale))(g, full)


def _scan_from(step: Callable, g0: jax.Array, xs: Any) -> jax.Array:
    """States (steps + 1, ...) of ``step`` scanned from ``g0`` over ``xs``. The first step runs
    outside the scan: a start that depends on no trained parameter (every gene fixed) is not
    sharded like the states after it, and a scan's carry must keep one type."""
    first = jax.tree.map(lambda a: a[0], xs)
    rest = jax.tree.map(lambda a: a[1:], xs)
    g1, _ = step(g0, first)
    _, traj = jax.lax.scan(step, g1, rest)
    return jnp.concatenate([g0[None], g1[None], traj], axis=0)


def _euler_positions(
    model: AbstractDynamics,
    g0: jax.Array,
    inputs: jax.Array,
    dt: jax.Array,
    link_scale: jax.Array | None,
    noise: jax.Array | None,
    coupling: str,
) -> jax.Array:
    """Euler trajectory (steps + 1, positions, n_genes) of one condition with step ``dt[k]``
    (steps,); ``noise`` (steps, positions, n_genes) is added to f."""

    def step(g, xs):
        inp, eps, h = xs
        f = synthesis_at_positions(model, g, inp, link_scale, coupling)
        if eps is not None:
            f = f + eps
        g_next = (1.0 - GAMMA * h) * g + h * f
        return g_next, g_next

    return _scan_from(step, g0, (inputs, noise, dt))


def _ode_positions(
    model: AbstractDynamics,
    g0: jax.Array,
    inputs: jax.Array,
    dt: float,
    link_scale: jax.Array | None,
    coupling: str,
    rtol: float,
    atol: float,
) -> jax.Array:
    """Adaptive-solver trajectory (steps + 1, positions, n_genes) of one condition, the inputs
    held constant on each step's interval; all positions share one solve (they may be coupled)."""
    term = diffrax.ODETerm(lambda t, g, inp: synthesis_at_positions(model, g, inp, link_scale, coupling) - GAMMA * g)
    controller = diffrax.PIDController(rtol=rtol, atol=atol)

    def interval(g, inp):
        sol = diffrax.diffeqsolve(
            term, diffrax.Tsit5(), t0=0.0, t1=dt, dt0=dt / 4, y0=g, args=inp, stepsize_controller=controller
        )
        return sol.ys[-1], sol.ys[-1]

    return _scan_from(interval, g0, inputs)


def simulate_positions(
    model: AbstractDynamics,
    inputs: jax.Array,
    dt: float | jax.Array,
    *,
    link_scale: jax.Array | None = None,
    solver: str = "euler",
    noise: jax.Array | None = None,
    initial_state: jax.Array | None = None,
    coupling: str = "none",
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> jax.Array:
    """Trajectories (conditions, steps + 1, positions, n_genes) of ``model`` at every position
    under external ``inputs`` (conditions, steps, positions, n_external).

    Every position starts at the model's initial state unless ``initial_state`` is given, as
    (n_genes,), (positions, n_genes) or (conditions, positions, n_genes). ``noise`` (conditions,
    steps, positions, n_genes) is added to f at every Euler step; the ODE solver takes no noise.
    The Euler solver also takes a step per condition and step, ``dt`` (conditions, steps), for
    data observed at uneven intervals.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {SOLVERS}")
    n_cond, n_steps, n_pos, _ = inputs.shape
    g0 = model.initial_state() if initial_state is None else jnp.asarray(initial_state)
    g0 = jnp.broadcast_to(g0, (n_cond, n_pos, g0.shape[-1]))
    if solver == "ode":
        if noise is not None:
            raise ValueError("the ode solver integrates deterministic dynamics; use solver='euler' for noise")
        if jnp.ndim(dt):
            raise ValueError("the ode solver takes one dt; use solver='euler' for a step per condition and step")
        return jax.vmap(lambda g, inp: _ode_positions(model, g, inp, dt, link_scale, coupling, rtol, atol))(g0, inputs)
    steps = jnp.broadcast_to(jnp.asarray(dt, dtype=inputs.dtype), (n_cond, n_steps))
    if noise is None:
        return jax.vmap(lambda g, inp, h: _euler_positions(model, g, inp, h, link_scale, None, coupling))(
            g0, inputs, steps
        )
    return jax.vmap(lambda g, inp, eps, h: _euler_positions(model, g, inp, h, link_scale, eps, coupling))(
        g0, inputs, noise, steps
    )
