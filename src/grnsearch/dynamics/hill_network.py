"""A learnable Hill-form synthesis model in which every link may activate, repress or do nothing.

For target gene i and sources j (inputs, then genes), with x_j >= 0:

    o_ij = x_j^n / (K_ij^n + x_j^n)                              (occupancy of j on i)
    f_i  = (basal_i + sum_j a_ij o_ij) * prod_j (1 - r_ij o_ij)

with K_ij > 0, a_ij >= 0 (activation), r_ij in [0, 1] (the largest fraction of i's synthesis
that j can repress) and basal_i >= 0; n is fixed (2 by default, the automaton's and the Hill
search's cooperativity). This is the mass-action-like form of
:mod:`grnsearch.dynamics.hill` with the topology learned instead of given: a link's sign is not
a parameter but what the fit makes of a_ij and r_ij, and the knockout read-out measures it as
for the neural model. ``link_scale`` multiplies x_j for each target before the occupancies, so a
knockout (scale 0) removes both of j's terms on i.

Parameters are held unconstrained: log K, log a, log basal and the logit of r. The form is
invariant to scaling a gene by a constant (its K's scale with it, and f_i's scale goes into a_i
and basal_i), so data scaled per gene by their maximum lose nothing. f is not bounded above:
a sum of activations can exceed 1, as in the rules it models.

Initialisation (:meth:`HillNetwork.init`): every link weakly present both ways (a = 0.05,
r = 0.1, K = 0.5, each jittered by the seed's key by a factor exp(0.1 N(0, 1)) on its
unconstrained value, so seeds differ) and basal 0.1, so that the first gradients can grow either
term of any link. Genes the task leaves free start at trainable values, as in the neural model.
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp

from grnsearch.dynamics.base import AbstractDynamics, initial_levels
from grnsearch.dynamics.hill import hill_power

INIT_ACTIVATION = 0.05
INIT_REPRESSION = 0.1
INIT_K = 0.5
INIT_BASAL = 0.1
INIT_JITTER = 0.1


class HillNetwork(AbstractDynamics):
    """Learnable Hill synthesis over all links (module docstring); build with :meth:`init`."""

    log_K: jax.Array  # (n_sources, n_genes)
    log_activation: jax.Array  # (n_sources, n_genes)
    repression_logit: jax.Array  # (n_sources, n_genes)
    log_basal: jax.Array  # (n_genes,)
    free_initial: jax.Array  # starts of the genes the task leaves free
    n_genes: int = eqx.field(static=True)
    n_inputs: int = eqx.field(static=True)
    fixed_initial: tuple[float | None, ...] = eqx.field(static=True)
    hill: float = eqx.field(static=True, default=2.0)

    @classmethod
    def init(
        cls,
        *,
        n_genes: int,
        n_inputs: int,
        fixed_initial: tuple[float | None, ...],
        key: jax.Array,
        hill: float = 2.0,
    ) -> HillNetwork:
        """A fresh model: every link weakly activating and repressing (module docstring);
        ``fixed_initial[j]`` is gene j's start or None (trainable, starting at 0)."""
        if len(fixed_initial) != n_genes:
            raise ValueError("fixed_initial needs one entry per gene")
        shape = (n_inputs + n_genes, n_genes)
        k_key, a_key, r_key, b_key = jax.random.split(key, 4)

        def jittered(k: jax.Array, centre: float, size: tuple[int, ...]) -> jax.Array:
            return centre + INIT_JITTER * jax.random.normal(k, size)

        logit_r = math.log(INIT_REPRESSION / (1.0 - INIT_REPRESSION))
        return cls(
            log_K=jittered(k_key, math.log(INIT_K), shape),
            log_activation=jittered(a_key, math.log(INIT_ACTIVATION), shape),
            repression_logit=jittered(r_key, logit_r, shape),
            log_basal=jittered(b_key, math.log(INIT_BASAL), (n_genes,)),
            free_initial=jnp.zeros((sum(v is None for v in fixed_initial),)),
            n_genes=n_genes,
            n_inputs=n_inputs,
            fixed_initial=tuple(fixed_initial),
            hill=hill,
        )

    @property
    def n_sources(self) -> int:
        """Number of regulators: inputs plus genes."""
        return self.n_inputs + self.n_genes

    def initial_state(self) -> jax.Array:
        """Gene levels at time 0: the task's fixed values and the trained free ones."""
        return initial_levels(self.fixed_initial, self.free_initial)

    def parameters(self) -> dict[str, jax.Array]:
        """The constrained parameters: K, activation a and repression r (n_sources, n_genes),
        basal (n_genes,)."""
        return {
            "K": jnp.exp(self.log_K),
            "activation": jnp.exp(self.log_activation),
            "repression": jax.nn.sigmoid(self.repression_logit),
            "basal": jnp.exp(self.log_basal),
        }

    def synthesis(self, g: jax.Array, inputs: jax.Array, link_scale: jax.Array | None = None) -> jax.Array:
        """Synthesis rates f(g, I) >= 0, shape (n_genes,); ``link_scale`` (n_sources, n_genes)
        scales each source for each target (None: the wild type)."""
        x = jnp.maximum(jnp.concatenate([inputs, g]), 0.0)[:, None]
        if link_scale is not None:
            x = x * link_scale
        xn = hill_power(x, self.hill)
        occupancy = xn / (jnp.exp(self.hill * self.log_K) + xn)  # (n_sources, n_genes)
        activation = jnp.exp(self.log_basal) + jnp.sum(jnp.exp(self.log_activation) * occupancy, axis=0)
        # the product of (1 - r o) as the exponential of a sum of logs: its gradient is far cheaper
        # than jnp.prod's (r < 1 and o < 1, so every log is finite)
        log_kept = jnp.sum(jnp.log1p(-jax.nn.sigmoid(self.repression_logit) * occupancy), axis=0)
        return activation * jnp.exp(log_kept)
