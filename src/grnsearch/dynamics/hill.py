"""Hill-function models of a signed topology (METHOD.md section 5), parameter sampling and the
enumeration of a topology space.

For target gene i: f_i = (sum over activators j of b_ij x_j^n / (K_ij^n + x_j^n))
                       * (product over repressors l of K_il^n / (K_il^n + x_l^n)),
with no basal rate (a gene without activators has f = 0), n = 2 by default, and
dg/dt = f - g integrated by Euler. Parameters K and b are arrays shaped like the topology's
sign matrix (n_sources, n_genes); entries of absent links are ignored. :class:`HillModel` holds
one parameter set for export; :class:`HillDynamics` is the same model in log parameters for
simulation and fitting. The fast screen of many parameter sets is in
:mod:`grnsearch.hillsearch.screen`; topology enumeration in :mod:`grnsearch.network.topology`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.base import AbstractDynamics, initial_levels
from grnsearch.dynamics.simulate import simulate
from grnsearch.errors import GrnsearchError
from grnsearch.network.links import format_link, parse_link
from grnsearch.network.topology import Topology


def hill_power(x: jax.Array, n: float) -> jax.Array:
    """x ** n for x >= 0, as repeated products when n is a whole number (the usual 2): cheaper
    than a general power, and its gradient at x = 0 is 0 rather than NaN-prone."""
    return jax.lax.integer_pow(x, int(n)) if float(n).is_integer() else x**n


def hill_synthesis(x: jax.Array, signs: jax.Array, K: jax.Array, b: jax.Array, n: float = 2.0) -> jax.Array:
    """Synthesis rates (n_genes,) for source values ``x`` = [inputs, genes], either (n_sources,)
    or per target (n_sources, n_genes) as after link scaling."""
    xn = jnp.maximum(x if x.ndim == 2 else x[:, None], 0.0) ** n
    occupancy = xn / (K**n + xn)  # (n_sources, n_genes)
    activation = jnp.sum(jnp.where(signs == 1, b * occupancy, 0.0), axis=0)
    repression = jnp.prod(jnp.where(signs == -1, 1.0 - occupancy, 1.0), axis=0)
    return activation * repression


def genes_without_activator(topology: Topology) -> list[str]:
    """Genes that no link activates. With no basal rate their Hill synthesis is zero, so they decay
    to 0 and their own links act on nothing (for instance g2 in ``g1->g2:- g2->g1:+``)."""
    return [gene for j, gene in enumerate(topology.genes) if not np.any(topology.signs[:, j] == 1)]


class HillDynamics(AbstractDynamics):
    """A Hill model in log parameters behind the interface of every model
    (:class:`grnsearch.dynamics.base.AbstractDynamics`), so the simulator, the task losses and
    metrics apply to it unchanged; differentiable in log K, log b and the free starts."""

    log_K: jax.Array
    log_b: jax.Array
    log_free_initial: jax.Array  # starts of the genes the task leaves free, kept positive
    signs: tuple[tuple[int, ...], ...] = eqx.field(static=True)
    fixed_initial: tuple[float | None, ...] = eqx.field(static=True)
    n: float = eqx.field(static=True, default=2.0)

    @classmethod
    def of(
        cls,
        topology: Topology,
        K: Any,
        b: Any,
        *,
        fixed_initial: tuple[float | None, ...] | None = None,
        free_initial: Any = None,
        n: float = 2.0,
    ) -> HillDynamics:
        """From plain K and b (vmap-friendly); by default every start is free, at 0.1."""
        genes = len(topology.genes)
        fixed = (None,) * genes if fixed_initial is None else tuple(fixed_initial)
        free = jnp.full((sum(v is None for v in fixed),), 0.1) if free_initial is None else jnp.asarray(free_initial)
        signs = tuple(tuple(int(v) for v in row) for row in topology.signs)
        return cls(
            jnp.log(jnp.asarray(K, jnp.float32)), jnp.log(jnp.asarray(b, jnp.float32)), jnp.log(free), signs, fixed, n
        )

    def synthesis(self, g: jax.Array, inputs: jax.Array, link_scale: jax.Array | None = None) -> jax.Array:
        """Hill synthesis rates (n_genes,); ``link_scale`` scales each source per target."""
        x = jnp.concatenate([inputs, g])
        if link_scale is not None:
            x = x[:, None] * link_scale
        return hill_synthesis(x, jnp.asarray(self.signs), jnp.exp(self.log_K), jnp.exp(self.log_b), self.n)

    def initial_state(self) -> jax.Array:
        """The fixed starts with the free ones."""
        return initial_levels(self.fixed_initial, jnp.exp(self.log_free_initial))

    def to_model(self, topology: Topology) -> HillModel:
        """The plain parameter form (K, b) for export."""
        return HillModel(topology, np.exp(np.asarray(self.log_K)), np.exp(np.asarray(self.log_b)), self.n)


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
        return np.asarray(
            hill_synthesis(
                jnp.asarray(x, jnp.float32),
                jnp.asarray(self.topology.signs),
                jnp.asarray(self.K, jnp.float32),
                jnp.asarray(self.b, jnp.float32),
                self.n,
            )
        )

    def simulate(self, inputs: np.ndarray, dt: float, start: np.ndarray) -> np.ndarray:
        """Euler trajectories (conditions, steps + 1, n_genes), starting row included, for inputs
        (conditions, steps, n_inputs)."""
        dynamics = HillDynamics.of(self.topology, self.K, self.b, n=self.n)
        return np.asarray(
            simulate(dynamics, jnp.asarray(inputs, jnp.float32), dt, initial_state=jnp.asarray(start, jnp.float32))
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: topology key, sources, genes, n, and K and b per present link."""
        present = self.topology.signs != 0
        links = {
            format_link(self.sources[i], self.genes[j]): {
                "sign": int(self.topology.signs[i, j]),
                "K": float(self.K[i, j]),
                "b": float(self.b[i, j]),
            }
            for i, j in zip(*np.nonzero(present), strict=True)
        }
        return {
            "topology": self.topology.key(),
            "sources": list(self.sources),
            "genes": list(self.genes),
            "n": self.n,
            "links": links,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HillModel:
        """Inverse of :meth:`to_dict`."""
        sources, genes = tuple(data["sources"]), tuple(data["genes"])
        shape = (len(sources), len(genes))
        signs = np.zeros(shape, np.int8)
        K, b = np.ones(shape), np.ones(shape)
        for name, link in data["links"].items():
            src, tgt = parse_link(name)
            i, j = sources.index(src), genes.index(tgt)
            signs[i, j], K[i, j], b[i, j] = link["sign"], link["K"], link["b"]
        return cls(Topology(signs, sources, genes), K, b, float(data["n"]))


def sample_parameters(key: jax.Array, n_sets: int, shape: tuple[int, int]) -> tuple[jax.Array, jax.Array]:
    """K and b for ``n_sets`` parameter sets, every entry drawn from Exp(1)."""
    k_key, b_key = jax.random.split(key)
    return (jax.random.exponential(k_key, (n_sets, *shape)), jax.random.exponential(b_key, (n_sets, *shape)))
