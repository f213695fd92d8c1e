"""Integrate dg/dt = f(g, I) - gamma * g for a model over a batch of input time courses.

Two solvers share one signature:

- ``euler``: the paper's forward Euler steps, g[k+1] = (1 - gamma dt) g[k] + dt f(g[k], I[k]);
- ``ode``: an adaptive Runge-Kutta solve (Diffrax, Tsit5) of the same equations, with the input
  held at I[k] on each interval [k dt, (k+1) dt), for users who need accuracy rather than
  the coarse steps the method was designed with.

Inputs have shape (conditions, steps, n_inputs); trajectories have shape
(conditions, steps + 1, n_genes) and include the initial state at index 0. All conditions run as
one array program (vmap over conditions, lax.scan over time). :func:`solve_sampled` is the adaptive
solve of an autonomous vector field sampled at given times (the exact verdict of the Hill screen).
"""

from __future__ import annotations

from collections.abc import Callable

import diffrax
import jax
import jax.numpy as jnp

from grnsearch.config import SOLVERS
from grnsearch.dynamics.base import AbstractDynamics

GAMMA = 1.0


def _euler_one(
    model: AbstractDynamics,
    g0: jax.Array,
    inputs: jax.Array,
    dt: float,
    link_scale: jax.Array | None,
    noise: jax.Array | None,
) -> jax.Array:
    """Euler trajectory (steps + 1, n_genes) for one condition; ``noise`` (steps, n_genes) is added to f."""

    def step(g, xs):
        inp, eps = xs
        f = model.synthesis(g, inp, link_scale)
        if eps is not None:
            f = f + eps
        g_next = (1.0 - GAMMA * dt) * g + dt * f
        return g_next, g_next

    _, traj = jax.lax.scan(step, g0, (inputs, noise))
    return jnp.concatenate([g0[None, :], traj], axis=0)


def _ode_one(
    model: AbstractDynamics,
    g0: jax.Array,
    inputs: jax.Array,
    dt: float,
    link_scale: jax.Array | None,
    rtol: float,
    atol: float,
) -> jax.Array:
    """Adaptive-solver trajectory (steps + 1, n_genes) for one condition, input constant per step."""
    term = diffrax.ODETerm(lambda t, g, inp: model.synthesis(g, inp, link_scale) - GAMMA * g)
    solver = diffrax.Tsit5()
    controller = diffrax.PIDController(rtol=rtol, atol=atol)

    def interval(g, inp):
        sol = diffrax.diffeqsolve(
            term,
            solver,
            t0=0.0,
            t1=dt,
            dt0=dt / 4,
            y0=g,
            args=inp,
            stepsize_controller=controller,
            max_steps=256,
        )
        g_next = sol.ys[-1]
        return g_next, g_next

    _, traj = jax.lax.scan(interval, g0, inputs)
    return jnp.concatenate([g0[None, :], traj], axis=0)


def solve_sampled(
    vector_field: Callable[[jax.Array], jax.Array],
    g0: jax.Array,
    times: jax.Array,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    max_steps: int = 16_384,
) -> jax.Array:
    """The solution of dg/dt = ``vector_field(g)`` from ``g0`` at t = 0, sampled at ``times``
    (increasing, > 0) by one adaptive Tsit5 solve (the steps are chosen by the error control, not
    by the sampling); (len(times), n_genes). A solve that fails (``max_steps`` reached, or a
    blow-up) returns NaN everywhere, so that criteria on it are false. vmap-friendly."""
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(lambda t, g, args: vector_field(g)),
        diffrax.Tsit5(),
        t0=0.0,
        t1=times[-1],
        dt0=None,
        y0=g0,
        saveat=diffrax.SaveAt(ts=times),
        stepsize_controller=diffrax.PIDController(rtol=rtol, atol=atol),
        max_steps=max_steps,
        throw=False,
    )
    ok = sol.result == diffrax.RESULTS.successful
    return jnp.where(ok, sol.ys, jnp.nan)


def simulate(
    model: AbstractDynamics,
    inputs: jax.Array,
    dt: float,
    *,
    link_scale: jax.Array | None = None,
    solver: str = "euler",
    noise: jax.Array | None = None,
    initial_state: jax.Array | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> jax.Array:
    """Trajectories of ``model`` under ``inputs`` (conditions, steps, n_inputs).

    Returns (conditions, steps + 1, n_genes), index 0 being the initial state (the model's own
    unless ``initial_state`` is given). ``noise`` (conditions, steps, n_genes) is added to f at
    every Euler step; the ODE solver takes no noise.
    """
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {SOLVERS}")
    g0 = model.initial_state() if initial_state is None else initial_state
    if solver == "ode":
        if noise is not None:
            raise ValueError("the ode solver integrates deterministic dynamics; use solver='euler' for noise")
        return jax.vmap(lambda inp: _ode_one(model, g0, inp, dt, link_scale, rtol, atol))(inputs)
    if noise is None:
        return jax.vmap(lambda inp: _euler_one(model, g0, inp, dt, link_scale, None))(inputs)
    return jax.vmap(lambda inp, eps: _euler_one(model, g0, inp, dt, link_scale, eps))(inputs, noise)
