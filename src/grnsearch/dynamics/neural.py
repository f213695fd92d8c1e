"""The neural synthesis-rate model f(g, I) and its link-scale matrix.

A model maps the current gene levels g (n_genes) and inputs I (n_inputs) to synthesis rates
f in (0, 1) with a multilayer perceptron: ReLU hidden layers, sigmoid output. Two architectures:

- ``shared``: one MLP (n_inputs + n_genes) -> H -> ... -> n_genes;
- ``per-gene``: one private MLP per gene, (n_inputs + n_genes) -> H -> ... -> 1.

Sources are ordered inputs first, then genes (``x = [I, g]``), matching link names such as
``I->g1``. The link-scale matrix ``L`` has shape (n_sources, n_genes): target j sees ``x * L[:, j]``,
so ``L[i, j] = 0`` blocks link i->j, ``lambda`` knocks it down and 1 is the wild type. With a shared
MLP this means evaluating it once per target with that target's column of L.

Genes with a fixed initial value (given by the task) start there; the others start at trainable
values held by the model. Two initialisations (``TrainConfig.init_std``, ``free_start``):

- Glorot-uniform weights, zero biases, free genes starting at 0 (``init_std=None``, ``"zero"``);
- every weight and bias drawn from a normal of standard deviation ``init_std`` truncated at two
  standard deviations, free genes starting uniformly in [0, 1) (``init_std=0.1``, ``"uniform"``:
  the authors' code for Fig. 1-4).
"""

from __future__ import annotations

import math

import equinox as eqx
import jax
import jax.numpy as jnp

from grnsearch.config import ARCHITECTURES, FREE_STARTS
from grnsearch.dynamics.base import AbstractDynamics, initial_levels


def _init_layer(
    key: jax.Array, n_nets: int, n_in: int, n_out: int, init_std: float | None
) -> tuple[jax.Array, jax.Array]:
    """Weights and biases of one layer stacked over ``n_nets`` nets: Glorot-uniform weights and
    zero biases (``init_std`` None), or both from a normal truncated at +-2 ``init_std``."""
    if init_std is None:
        bound = math.sqrt(6.0 / (n_in + n_out))
        weight = jax.random.uniform(key, (n_nets, n_in, n_out), minval=-bound, maxval=bound)
        return weight, jnp.zeros((n_nets, n_out))
    w_key, b_key = jax.random.split(key)
    weight = init_std * jax.random.truncated_normal(w_key, -2.0, 2.0, (n_nets, n_in, n_out))
    return weight, init_std * jax.random.truncated_normal(b_key, -2.0, 2.0, (n_nets, n_out))


class GeneNetworkModel(AbstractDynamics):
    """Synthesis MLP(s) plus the trainable initial values of the genes the task leaves free.

    Weights are stacked with a leading "net" axis: length n_genes for ``per-gene``, 1 for
    ``shared``. Construct with :meth:`GeneNetworkModel.init`.
    """

    weights: tuple[jax.Array, ...]
    biases: tuple[jax.Array, ...]
    free_initial: jax.Array
    arch: str = eqx.field(static=True)
    n_genes: int = eqx.field(static=True)
    n_inputs: int = eqx.field(static=True)
    fixed_initial: tuple[float | None, ...] = eqx.field(static=True)

    @classmethod
    def init(
        cls,
        *,
        n_genes: int,
        n_inputs: int,
        hidden: tuple[int, ...],
        arch: str,
        fixed_initial: tuple[float | None, ...],
        key: jax.Array,
        init_std: float | None = None,
        free_start: str = "zero",
    ) -> GeneNetworkModel:
        """A freshly initialised model; ``fixed_initial[j]`` is gene j's start or None (trainable).
        ``init_std`` and ``free_start`` choose the initialisation (module docstring)."""
        if arch not in ARCHITECTURES:
            raise ValueError(f"unknown architecture {arch!r}; choose one of {ARCHITECTURES}")
        if free_start not in FREE_STARTS:
            raise ValueError(f"unknown free_start {free_start!r}; choose one of {FREE_STARTS}")
        if len(fixed_initial) != n_genes:
            raise ValueError("fixed_initial needs one entry per gene")
        n_nets, n_out = (n_genes, 1) if arch == "per-gene" else (1, n_genes)
        sizes = (n_inputs + n_genes, *hidden, n_out)
        keys = jax.random.split(key, len(sizes) - 1)
        layers = [_init_layer(k, n_nets, a, b, init_std) for k, a, b in zip(keys, sizes[:-1], sizes[1:], strict=False)]
        n_free = sum(v is None for v in fixed_initial)
        # starting low makes the free gene of adaptation take the up-regulated role
        # (I -> g2 -| g1) in ~30 of 32 seeds, against ~23 of 32 with random starts in (0.1, 0.9)
        free_initial = (
            jnp.zeros((n_free,))
            if free_start == "zero"
            else jax.random.uniform(jax.random.fold_in(key, len(sizes)), (n_free,))
        )
        return cls(
            weights=tuple(w for w, _ in layers),
            biases=tuple(b for _, b in layers),
            free_initial=free_initial,
            arch=arch,
            n_genes=n_genes,
            n_inputs=n_inputs,
            fixed_initial=tuple(fixed_initial),
        )

    @property
    def n_sources(self) -> int:
        """Number of regulators: inputs plus genes."""
        return self.n_inputs + self.n_genes

    def initial_state(self) -> jax.Array:
        """Gene levels at time 0: the task's fixed values and the trained free ones."""
        return initial_levels(self.fixed_initial, self.free_initial)

    def _forward(self, x: jax.Array) -> jax.Array:
        """Output-layer pre-activations for a batch of source vectors ``x`` (rows).

        Per-gene: row j goes through gene j's own MLP, (n_genes, n_sources) -> (n_genes, 1).
        Shared: every row goes through the one MLP, (batch, n_sources) -> (batch, n_genes).
        """
        h = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=False)):
            if self.arch == "per-gene":
                h = jnp.einsum("gs,gsh->gh", h, w) + b
            else:
                h = h @ w[0] + b[0]
            if i < last:
                h = jax.nn.relu(h)
        return h

    def synthesis(self, g: jax.Array, inputs: jax.Array, link_scale: jax.Array | None = None) -> jax.Array:
        """Synthesis rates f(g, I) in (0, 1), shape (n_genes,).

        ``link_scale`` (n_sources, n_genes) scales each source before it reaches each target;
        None is the wild type (all ones).
        """
        x = jnp.concatenate([inputs, g])
        if link_scale is None and self.arch == "shared":
            return jax.nn.sigmoid(self._forward(x[None, :])[0])
        per_target = jnp.broadcast_to(x, (self.n_genes, x.shape[0]))
        if link_scale is not None:
            per_target = per_target * link_scale.T
        out = self._forward(per_target)
        logits = out[:, 0] if self.arch == "per-gene" else jnp.diagonal(out)
        return jax.nn.sigmoid(logits)
