"""Reference trajectories of an exported Hill model: the adaptive ODE solver of
:mod:`grnsearch.dynamics.simulate` (input held constant on each step, so it changes exactly at
step boundaries) in double precision with tight tolerances, from the exported parameter values.

Double precision is switched on only inside :func:`exact_trajectories` (``jax.enable_x64`` as a
context manager), so the rest of the program keeps its single-precision arrays.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.hill import HillDynamics, HillModel
from grnsearch.dynamics.simulate import simulate

REFERENCE_RTOL = 1e-10
REFERENCE_ATOL = 1e-12


def exact_trajectories(
    model: HillModel,
    inputs: np.ndarray,
    dt: float,
    start: np.ndarray,
    *,
    rtol: float = REFERENCE_RTOL,
    atol: float = REFERENCE_ATOL,
) -> np.ndarray:
    """Trajectories (conditions, steps + 1, n_genes), float64, of ``model`` under ``inputs``
    (conditions, steps, n_inputs) from ``start`` (n_genes,), by the adaptive solver in float64."""
    with jax.enable_x64(True):
        signs = tuple(tuple(int(v) for v in row) for row in model.topology.signs)
        genes = len(model.genes)
        # every start is given explicitly, so the dynamics' own starts are unused
        dynamics = HillDynamics(
            jnp.log(jnp.asarray(model.K, jnp.float64)),
            jnp.log(jnp.asarray(model.b, jnp.float64)),
            jnp.zeros((genes,), jnp.float64),
            signs,
            (None,) * genes,
            model.n,
        )
        traj = simulate(
            dynamics,
            jnp.asarray(inputs, jnp.float64),
            dt,
            solver="ode",
            initial_state=jnp.asarray(start, jnp.float64),
            rtol=rtol,
            atol=atol,
        )
        return np.asarray(traj, dtype=np.float64)
