"""Hill-function models of a signed topology, and the random-parameter screen for controlled
oscillation (METHOD.md section 5).

For target gene i: f_i = (sum over activators j of b_ij x_j^n / (K_ij^n + x_j^n))
                       * (product over repressors l of K_il^n / (K_il^n + x_l^n)),
with no basal rate (a gene without activators has f = 0), n = 2 by default, and
dg/dt = f - g integrated by Euler. Parameters K and b are arrays shaped like the topology's
sign matrix (n_sources, n_genes); entries of absent links are ignored. Everything is vectorised
over parameter sets (vmap) and time (lax.scan).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.topology import Topology, signs_connected

SCREEN_DT = 0.25
SCREEN_STEPS = 200
SCREEN_LEVEL = 0.8
SCREEN_START = 0.1


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


def oscillation_screen_inputs(n_inputs: int = 2, steps: int = SCREEN_STEPS) -> np.ndarray:
    """The screen's three conditions: no input, I1 = 0.8, I2 = 0.8 (conditions, steps, n_inputs)."""
    inputs = np.zeros((3, steps, n_inputs), dtype=np.float32)
    inputs[1, :, 0] = SCREEN_LEVEL
    inputs[2, :, 1] = SCREEN_LEVEL
    return inputs


def oscillation_success(traj: jax.Array) -> jax.Array:
    """The controlled-oscillation criterion of METHOD.md section 5 on trajectories
    (3 conditions, steps, n_genes), judged on g1 over the second half of the steps: no input,
    var < 0.002; I1, var > 0.01 and g1 both rises and falls (max increment * min increment
    < -0.001); I2, mean > 4 x the no-input mean and var < 0.002."""
    half = traj.shape[1] // 2
    g1 = traj[:, half:, 0]
    var = jnp.var(g1, axis=1)
    increments = traj[1, half:, 0] - traj[1, half - 1:-1, 0]
    rest = var[0] < 0.002
    oscillates = (var[1] > 0.01) & (jnp.max(increments) * jnp.min(increments) < -0.001)
    holds = (jnp.mean(g1[2]) > 4.0 * jnp.mean(g1[0])) & (var[2] < 0.002)
    return rest & oscillates & holds


@functools.lru_cache(maxsize=8)
def _screen_fn(n_genes: int, n_inputs: int, n: float):
    inputs = jnp.asarray(oscillation_screen_inputs(n_inputs))
    start = jnp.full((n_genes,), SCREEN_START)

    def one(signs, K, b):
        return oscillation_success(simulate_hill(signs, K, b, inputs, SCREEN_DT, start, n))

    return jax.jit(jax.vmap(one, in_axes=(None, 0, 0)))


def sample_parameters(key: jax.Array, n_sets: int, shape: tuple[int, int]) -> tuple[jax.Array, jax.Array]:
    """K and b for ``n_sets`` parameter sets, every entry drawn from Exp(1)."""
    k_key, b_key = jax.random.split(key)
    return (jax.random.exponential(k_key, (n_sets, *shape)), jax.random.exponential(b_key, (n_sets, *shape)))


def screen_oscillation(signs: np.ndarray, K: jax.Array, b: jax.Array, n: float = 2.0) -> np.ndarray:
    """Which of the parameter sets (K, b: (n_sets, n_sources, n_genes)) make the topology
    ``signs`` perform controlled oscillation under the screen's conditions."""
    signs = jnp.asarray(signs, dtype=jnp.int8)
    n_sources, n_genes = signs.shape
    return np.asarray(_screen_fn(n_genes, n_sources - n_genes, float(n))(signs, K, b))


def count_successful_sets(signs: np.ndarray, key: jax.Array, samples: int, block: int = 20_000,
                          n: float = 2.0) -> int:
    """Successful parameter sets among ``samples`` random ones, drawn in blocks of ``block``
    (block k from ``fold_in(key, k)``): the same key, samples and block give the same count."""
    signs = np.asarray(signs)
    total = 0
    for k, start in enumerate(range(0, samples, block)):
        size = min(block, samples - start)
        K, b = sample_parameters(jax.random.fold_in(key, k), size, signs.shape)
        total += int(screen_oscillation(signs, K, b, n).sum())
    return total


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
