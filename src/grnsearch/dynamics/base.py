"""The one interface of every synthesis model: what the simulator, the losses, the task metrics and
the link read-out need from a model.

Following Equinox's abstract/final pattern, :class:`AbstractDynamics` declares the interface and
holds no fields; the concrete models (:class:`grnsearch.dynamics.neural.GeneNetworkModel`,
:class:`grnsearch.dynamics.hill.HillDynamics` of a given topology,
:class:`grnsearch.dynamics.hill_network.HillNetwork`, whose links' signs are learned) implement it
and are not subclassed further.
"""

from __future__ import annotations

import abc

import equinox as eqx
import jax
import jax.numpy as jnp


class AbstractDynamics(eqx.Module):
    """Synthesis rates f(g, I) of dg/dt = f(g, I) - g, with per-link scaling, and a start state."""

    @abc.abstractmethod
    def synthesis(self, g: jax.Array, inputs: jax.Array, link_scale: jax.Array | None = None) -> jax.Array:
        """Synthesis rates (n_genes,) at gene levels ``g`` and inputs ``inputs``.

        ``link_scale`` (n_sources, n_genes), sources being inputs then genes, scales each source
        before it reaches each target: 0 blocks the link, 1 (or None, everywhere) is the wild type.
        """

    @abc.abstractmethod
    def initial_state(self) -> jax.Array:
        """Gene levels (n_genes,) at time 0."""


def initial_levels(fixed_initial: tuple[float | None, ...], free: jax.Array) -> jax.Array:
    """Gene levels at time 0: ``fixed_initial[j]`` where the task fixes it, else the next of the
    model's trained ``free`` starts (in gene order)."""
    fixed = jnp.asarray([0.0 if v is None else v for v in fixed_initial])
    free_idx = [j for j, v in enumerate(fixed_initial) if v is None]
    return fixed if not free_idx else fixed.at[jnp.asarray(free_idx)].set(free)
