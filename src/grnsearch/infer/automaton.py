"""The cellular-automaton benchmark (the paper's Fig. 6, METHOD.md section 6): ground-truth Hill
rules on a ring of cells and the time courses they generate.

Ten genes in each of 21 cells on a ring. A cell's rule sees the mean of each gene over its two
neighbours (sources ``nbr_g1..nbr_g10``) and its own genes (``g1..g10``): 200 possible links,
each absent, activating or repressing, with the Hill synthesis of :mod:`grnsearch.dynamics.hill`
(n = 2, b = 1, K ~ U(0, 1)) and dg/dt = f - g.

- :func:`random_rule` draws rules the authors' way (a link is absent with probability 0.3, else
  activating or repressing with equal odds) and keeps those whose last quarter varies in time
  and in space (mean standard deviations above 0.2, simulated from one random binary centre cell
  for 400 Euler steps of dt 0.1 with noise of std 1e-4 on f);
- :func:`shipped_rule` gives the authors' 25 rules (``data/paras_ground_truth.csv``);
- :func:`automaton_data` generates a rule's training data as the authors did: 17 trajectories
  from a centre cell drawn uniformly in [0, 1) (the rest at 0), 320 Euler steps of dt 0.2 without
  noise, observed every 10 steps, each gene scaled by its maximum over everything.

Everything is an array program: the trajectories of all starts in one :func:`simulate_positions`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics.hill import HillDynamics
from grnsearch.dynamics.spatial import simulate_positions
from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries
from grnsearch.network.topology import Topology

N_GENES = 10
N_CELLS = 21
GENES = tuple(f"g{k}" for k in range(1, N_GENES + 1))
SOURCES = tuple(f"nbr_{g}" for g in GENES) + GENES
RULES_FILE = "paras_ground_truth.csv"
N_SHIPPED = 25
ABSENT_PROBABILITY = 0.3
VARIATION = 0.2  # both mean standard deviations of the last quarter must exceed this


@dataclass(frozen=True)
class AutomatonRule:
    """A ground-truth rule: signs and Hill constants (20 sources x 10 targets)."""

    signs: np.ndarray
    K: np.ndarray

    @property
    def topology(self) -> Topology:
        """The rule's signed network over ``nbr_g1..nbr_g10, g1..g10`` -> ``g1..g10``."""
        return Topology(self.signs, SOURCES, GENES)

    def dynamics(self) -> HillDynamics:
        """The rule as a model of the simulator (b = 1, n = 2)."""
        return HillDynamics.of(self.topology, self.K, jnp.ones_like(self.K), fixed_initial=(0.0,) * N_GENES)


@functools.lru_cache(maxsize=1)
def _shipped() -> np.ndarray:
    source = resources.files("grnsearch.infer") / "data" / RULES_FILE
    fix = "restore it from the grnsearch package or its source (see infer/data/SOURCE.md)"
    try:
        values = np.loadtxt(source.open("r", encoding="utf-8"), delimiter=",", dtype=np.float64, ndmin=2)
    except (OSError, ValueError) as err:
        raise GrnsearchError(f"cannot read the automaton rules {source}: {err}; {fix}") from None
    if values.shape != (N_SHIPPED, 3 * len(SOURCES) * N_GENES) or not np.all(np.isfinite(values)):
        raise GrnsearchError(f"automaton rules {source} are not 25 rows of 600 finite numbers; {fix}")
    return values


def shipped_rule(model: int) -> AutomatonRule:
    """The authors' rule ``model`` (1 to 25)."""
    if isinstance(model, bool) or not isinstance(model, int) or not 1 <= model <= N_SHIPPED:
        raise GrnsearchError(f"the shipped rules are 1 to {N_SHIPPED}, not {model!r}", parameter="model")
    row = _shipped()[model - 1]
    size = len(SOURCES) * N_GENES
    K = row[size : 2 * size].reshape(len(SOURCES), N_GENES)
    signs = row[2 * size :].reshape(len(SOURCES), N_GENES).astype(int)
    return AutomatonRule(signs, K)


def _trajectories(
    rule: AutomatonRule, starts: jax.Array, steps: int, dt: float, noise: float, key: jax.Array | None
) -> jax.Array:
    inputs = jnp.zeros((starts.shape[0], steps, N_CELLS, 0))
    eps = None
    if noise > 0:
        if key is None:
            raise ValueError("noise on f needs a random key")
        eps = noise * jax.random.normal(key, (starts.shape[0], steps, N_CELLS, N_GENES))
    return simulate_positions(rule.dynamics(), inputs, dt, noise=eps, initial_state=starts, coupling="ring-mean")


def simulate_rule(
    rule: AutomatonRule, starts: np.ndarray, steps: int, dt: float, noise: float = 0.0, key: jax.Array | None = None
) -> np.ndarray:
    """Trajectories (starts, steps + 1, cells, genes) of ``rule`` from ``starts`` (n, cells,
    genes), with Gaussian noise of std ``noise`` on f at every step (drawn from ``key``)."""
    return np.asarray(_trajectories(rule, jnp.asarray(starts, dtype=jnp.float32), steps, dt, noise, key))


def centre_starts(n: int, rng: np.random.Generator, binary: bool) -> np.ndarray:
    """(n, cells, genes) zeros but the centre cell: binary (probability 1/2) or uniform in [0, 1)."""
    starts = np.zeros((n, N_CELLS, N_GENES), dtype=np.float32)
    values = rng.random((n, N_GENES))
    starts[:, N_CELLS // 2] = (values < 0.5) if binary else values
    return starts


def varies(trajectories: np.ndarray) -> np.ndarray:
    """Per trajectory (n, steps, cells, genes): whether the last quarter's mean standard deviation
    over time and its mean standard deviation over cells both exceed ``VARIATION``."""
    tail = trajectories[:, 3 * (trajectories.shape[1] // 4) :]
    temporal = tail.std(axis=1).mean(axis=(1, 2))
    spatial = tail.std(axis=2).mean(axis=(1, 2))
    return (temporal > VARIATION) & (spatial > VARIATION)


def random_rule(seed: int, *, attempts: int = 1000, starts: int = 16) -> AutomatonRule:
    """A random rule that passes the variation filter: each attempt draws signs, then ``starts``
    sets of K each simulated from its own binary centre cell; the first set that varies is kept."""
    rng = np.random.default_rng(seed)
    key = jax.random.PRNGKey(seed)
    for attempt in range(attempts):
        present = rng.random((len(SOURCES), N_GENES)) >= ABSENT_PROBABILITY
        signs = np.where(rng.random(present.shape) < 0.5, 1, -1) * present
        Ks = rng.random((starts, len(SOURCES), N_GENES))
        begin = centre_starts(starts, rng, binary=True)
        runs = _simulate_many(signs, Ks, begin, jax.random.fold_in(key, attempt))
        ok = np.nonzero(varies(runs[:, 1:]))[0]
        if len(ok):
            return AutomatonRule(signs, Ks[ok[0]])
    raise GrnsearchError(f"no rule of {attempts} attempts passed the variation filter; try another seed")


def _simulate_many(signs: np.ndarray, Ks: np.ndarray, starts: np.ndarray, key: jax.Array) -> np.ndarray:
    """One trajectory per K set (n, 401, cells, genes): 400 steps of dt 0.1, noise 1e-4."""

    def one(K, start, k):
        return _trajectories(AutomatonRule(signs, K), start[None], 400, 0.1, 1e-4, k)[0]

    keys = jax.random.split(key, len(Ks))
    return np.asarray(jax.jit(jax.vmap(one))(jnp.asarray(Ks, jnp.float32), jnp.asarray(starts), keys))


@dataclass(frozen=True)
class AutomatonData:
    """Observed frames (trajectories, frames, cells, genes), scaled by each gene's maximum, their
    times, the scale factors, and the Euler step that generated them."""

    frames: np.ndarray
    times: np.ndarray
    scale: np.ndarray
    dt: float


def automaton_data(
    rule: AutomatonRule, seed: int, *, trajectories: int = 17, steps: int = 320, dt: float = 0.2, every: int = 10
) -> AutomatonData:
    """The rule's training data (module docstring): frames at steps 0, ``every``, ...,
    ``steps`` of each trajectory, every gene divided by its maximum over all of them."""
    starts = centre_starts(trajectories, np.random.default_rng(seed), binary=False)
    traj = simulate_rule(rule, starts, steps, dt)[:, ::every]
    scale = traj.max(axis=(0, 1, 2))
    scale = np.where(scale > 0, scale, 1.0)
    return AutomatonData(traj / scale, np.arange(0, steps + 1, every) * dt, scale, dt)


def automaton_series(data: AutomatonData) -> TimeSeries:
    """The data as observed time courses: one experiment per trajectory (``t1``, ``t2``, ...),
    the cells as positions 0..20, already scaled (``scale`` records the factors)."""
    names = tuple(f"t{k + 1}" for k in range(data.frames.shape[0]))
    frames = tuple(np.asarray(f, dtype=np.float64) for f in data.frames)
    return TimeSeries(names, (data.times,) * len(names), frames, np.arange(float(N_CELLS)), GENES, (), data.scale)
