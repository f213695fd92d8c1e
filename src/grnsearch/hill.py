"""Hill-function models of a signed topology (METHOD.md section 5), parameter sampling and the
enumeration of a topology space.

For target gene i: f_i = (sum over activators j of b_ij x_j^n / (K_ij^n + x_j^n))
                       * (product over repressors l of K_il^n / (K_il^n + x_l^n)),
with no basal rate (a gene without activators has f = 0), n = 2 by default, and
dg/dt = f - g integrated by Euler. Parameters K and b are arrays shaped like the topology's
sign matrix (n_sources, n_genes); entries of absent links are ignored. The fast screen of many
parameter sets is in :mod:`grnsearch.screen`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.topology import Topology, signs_connected


def hill_synthesis(x: jax.Array, signs: jax.Array, K: jax.Array, b: jax.Array, n: float = 2.0) -> jax.Array:
    """Synthesis rates (n_genes,) for source values ``x`` (n_sources,) = [inputs, genes]."""
    xn = x[:, None] ** n
    occupancy = xn / (K**n + xn)  # (n_sources, n_genes)
    activation = jnp.sum(jnp.where(signs == 1, b * occupancy, 0.0), axis=0)
    repression = jnp.prod(jnp.where(signs == -1, 1.0 - occupancy, 1.0), axis=0)
    return activation * repression


@dataclass(frozen=True)
class HillModel:
    """A Hill-function model of one signed topology with one parameter set.

    ``K`` and ``b`` are (n_sources, n_genes) like the sign matrix; entries of absent links are
    ignored (stored as NaN in :meth:`to_dict`), and ``b`` of a repression is unused.
    """

    topology: Topology
    K: np.ndarray
    b: np.ndarray
    n: float = 2.0

    def __post_init__(self) -> None:
        shape = self.topology.signs.shape
        for name in ("K", "b"):
            value = np.asarray(getattr(self, name), dtype=np.float64)
            if value.shape != shape:
                raise GrnsearchError(f"Hill parameter {name} has shape {value.shape}, expected {shape}")
            object.__setattr__(self, name, value)

    @property
    def sources(self) -> tuple[str, ...]:
        return self.topology.sources

    @property
    def genes(self) -> tuple[str, ...]:
        return self.topology.genes

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.topology.inputs

    def synthesis(self, x: np.ndarray) -> np.ndarray:
        """Synthesis rates f (n_genes,) at source values ``x`` = [inputs, genes]."""
        return np.asarray(hill_synthesis(jnp.asarray(x, jnp.float32), jnp.asarray(self.topology.signs),
                                         jnp.asarray(self.K, jnp.float32),
                                         jnp.asarray(self.b, jnp.float32), self.n))

    def simulate(self, inputs: np.ndarray, dt: float, start: np.ndarray) -> np.ndarray:
        """Euler trajectories (conditions, steps + 1, n_genes), starting row included, for inputs
        (conditions, steps, n_inputs)."""
        signs = jnp.asarray(self.topology.signs)
        traj = simulate_hill(signs, jnp.asarray(self.K, jnp.float32), jnp.asarray(self.b, jnp.float32),
                             jnp.asarray(inputs, jnp.float32), dt, jnp.asarray(start, jnp.float32), self.n)
        first = np.broadcast_to(np.asarray(start, np.float32), (traj.shape[0], 1, traj.shape[2]))
        return np.concatenate([first, np.asarray(traj)], axis=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: topology key, sources, genes, n, and K and b per present link."""
        present = self.topology.signs != 0
        links = {
            f"{self.sources[i]}->{self.genes[j]}": {
                "sign": int(self.topology.signs[i, j]), "K": float(self.K[i, j]), "b": float(self.b[i, j])
            }
            for i, j in zip(*np.nonzero(present), strict=True)
        }
        return {"topology": self.topology.key(), "sources": list(self.sources), "genes": list(self.genes),
                "n": self.n, "links": links}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HillModel:
        """Inverse of :meth:`to_dict`."""
        sources, genes = tuple(data["sources"]), tuple(data["genes"])
        shape = (len(sources), len(genes))
        signs = np.zeros(shape, np.int8)
        K, b = np.ones(shape), np.ones(shape)
        for name, link in data["links"].items():
            src, tgt = name.split("->")
            i, j = sources.index(src), genes.index(tgt)
            signs[i, j], K[i, j], b[i, j] = link["sign"], link["K"], link["b"]
        return cls(Topology(signs, sources, genes), K, b, float(data["n"]))


def simulate_hill(signs: jax.Array, K: jax.Array, b: jax.Array, inputs: jax.Array, dt: float,
                  start: jax.Array, n: float = 2.0) -> jax.Array:
    """Euler trajectories (conditions, steps, n_genes) of the states after each step, for inputs
    (conditions, steps, n_inputs) from ``start`` (n_genes,)."""

    def one(inp):
        def step(g, i):
            g_next = (1.0 - dt) * g + dt * hill_synthesis(jnp.concatenate([i, g]), signs, K, b, n)
            return g_next, g_next

        return jax.lax.scan(step, start, inp)[1]

    return jax.vmap(one)(inputs)


def sample_parameters(key: jax.Array, n_sets: int, shape: tuple[int, int]) -> tuple[jax.Array, jax.Array]:
    """K and b for ``n_sets`` parameter sets, every entry drawn from Exp(1)."""
    k_key, b_key = jax.random.split(key)
    return (jax.random.exponential(k_key, (n_sets, *shape)), jax.random.exponential(b_key, (n_sets, *shape)))


def enumerate_topologies(n_inputs: int, n_genes: int, connected: bool = True) -> np.ndarray:
    """Every sign matrix (n, n_inputs + n_genes, n_genes) with entries in {-1, 0, 1}, in
    lexicographic order of the flattened links (source order, then target order); with
    ``connected`` only those passing the connectivity filter (2304 for 2 inputs and 2 genes)."""
    n_links = (n_inputs + n_genes) * n_genes
    all_signs = np.array(list(itertools.product((-1, 0, 1), repeat=n_links)), dtype=np.int8)
    all_signs = all_signs.reshape(-1, n_inputs + n_genes, n_genes)
    if not connected:
        return all_signs
    keep = np.fromiter((signs_connected(s, n_inputs) for s in all_signs), dtype=bool, count=len(all_signs))
    return all_signs[keep]
