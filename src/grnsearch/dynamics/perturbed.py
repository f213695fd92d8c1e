"""A mutant of a model: each gene's synthesis multiplied by a factor (0: the gene knocked out).

Link scales cut or weaken single regulatory links; a mutant embryo lacks a gene's product
altogether, which is its synthesis times 0 at every position and step. Input dosage changes need
no model change: they scale the task's inputs.
"""

from __future__ import annotations

import jax

from grnsearch.dynamics.base import AbstractDynamics


class ScaledSynthesis(AbstractDynamics):
    """``model`` with gene j's synthesis rate multiplied by ``gene_scale[j]``; the start state is
    the model's own."""

    model: AbstractDynamics
    gene_scale: jax.Array

    def synthesis(self, g: jax.Array, inputs: jax.Array, link_scale: jax.Array | None = None) -> jax.Array:
        return self.model.synthesis(g, inputs, link_scale) * self.gene_scale

    def initial_state(self) -> jax.Array:
        return self.model.initial_state()
