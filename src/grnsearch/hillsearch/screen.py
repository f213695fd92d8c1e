"""The controlled-oscillation screen of the exhaustive Hill search (METHOD.md section 5).

Each parameter set of a topology is simulated by Euler (dt 0.25, 200 steps, every gene starts at
0.1) under three conditions, and judged on the readout gene g1 over the second half of the
steps: without input var < 0.002; under I1 = 0.8 var > 0.01 and g1 both rises and falls
(max increment * min increment < -0.001); under I2 = 0.8 mean > 4 x the no-input mean and
var < 0.002. A topology succeeds with at least 2 successful sets out of 160,000.

Why this is fast (bench/bench_search.py): parameters are laid out with the set axis last and
the sum and product over regulators are unrolled, so the whole Euler step is one elementwise
loop over sets; the statistics are accumulated during the scan instead of storing trajectories;
and the screen is staged: only the few sets that oscillate under I1 (about 0.1%) are simulated
under the other two conditions. :func:`trajectory_success` judges stored trajectories with the
same thresholds and is the reference the fast path is tested against.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import PartitionSpec as P

from grnsearch._jax import device_mesh
from grnsearch.dynamics.hill import HillDynamics, sample_parameters
from grnsearch.dynamics.simulate import simulate
from grnsearch.network.topology import Topology
from grnsearch.tasks.hill_screen import OscillationScreen

# parameter sets drawn per random block: block k of a topology comes from fold_in(key, k), so
# counts do not depend on how blocks are batched, chunked or spread over devices and workers
SAMPLE_BLOCK = 20_000
PAPER_SCREEN = OscillationScreen()  # the paper's settings, the default of the screening functions


def screen_trajectories(screen: OscillationScreen, topology: Topology, K: jax.Array, b: jax.Array) -> jax.Array:
    """Euler trajectories (3 conditions, steps, n_genes) of one parameter set under the screen's
    conditions: the states after each step, as :func:`trajectory_success` reads them."""
    dynamics = HillDynamics.of(topology, K, b, n=screen.n)
    inputs = jnp.asarray(screen.inputs(len(topology.inputs)))
    start = jnp.full((len(topology.genes),), screen.start)
    return simulate(dynamics, inputs, screen.dt, initial_state=start)[:, 1:]


def trajectory_success(screen: OscillationScreen, traj: jax.Array) -> jax.Array:
    """The criterion on stored trajectories (3 conditions, steps, n_genes) of the states after each
    step (the slow reference of the fast screen)."""
    half = traj.shape[1] // 2
    x = traj[:, half:, screen.readout]
    mean, var = jnp.mean(x, axis=1), jnp.var(x, axis=1)
    increments = x[1] - traj[1, half - 1 : -1, screen.readout]
    return screen.oscillates(var[1], jnp.max(increments), jnp.min(increments)) & screen.rests_and_holds(
        mean[0], var[0], mean[2], var[2]
    )


# ---- the fast screen ------------------------------------------------------------------------
def _power(u: jax.Array, n: float) -> jax.Array:
    return u ** int(n) if float(n).is_integer() else u**n


def _coefficients(signs: jax.Array, K: jax.Array, b: jax.Array):
    """Per-link arrays (n_sources, n_genes, sets): 1/K (0 where absent), b of activations (else 0)
    and a repression indicator. With these an absent link contributes occupancy 0."""
    K = jnp.moveaxis(K, 0, -1)
    b = jnp.moveaxis(b, 0, -1)
    s = signs[:, :, None]
    inv_k = jnp.where(s != 0, 1.0 / K, 0.0)
    act = jnp.where(s == 1, b, 0.0)
    rep = jnp.where(s == -1, 1.0, 0.0) + jnp.zeros_like(K)
    return inv_k, act, rep


def _readout_stats(inv_k, act, rep, levels: np.ndarray, screen: OscillationScreen):
    """Second-half mean, variance, largest and smallest increment of the readout gene under
    constant inputs ``levels`` (n_inputs,), for every parameter set."""
    n_inputs = len(levels)
    n_genes = inv_k.shape[1]
    n, dt = screen.n, screen.dt

    def occupancy(x, src, tgt):
        r = _power(x * inv_k[src, tgt], n)
        return r / (1.0 + r)

    # the inputs are constant, so their activation sums and repression products are too
    const_act, const_rep = [], []
    for tgt in range(n_genes):
        a, p = 0.0, 1.0
        for src in range(n_inputs):
            if levels[src] != 0.0:
                occ = occupancy(float(levels[src]), src, tgt)
                a = a + act[src, tgt] * occ
                p = p * (1.0 - rep[src, tgt] * occ)
        const_act.append(a)
        const_rep.append(p)

    def step(g):
        new = []
        for tgt in range(n_genes):
            a, p = const_act[tgt], const_rep[tgt]
            for j in range(n_genes):
                occ = occupancy(g[j], n_inputs + j, tgt)
                a = a + act[n_inputs + j, tgt] * occ
                p = p * (1.0 - rep[n_inputs + j, tgt] * occ)
            new.append((1.0 - dt) * g[tgt] + dt * a * p)
        return tuple(new)

    half = screen.steps // 2
    start = jnp.zeros_like(inv_k[0, 0]) + screen.start  # shaped (and sharded) like the sets
    g = (start,) * n_genes
    g = jax.lax.fori_loop(0, half, lambda _, g: step(g), g)
    ref = g[screen.readout]  # statistics are shifted by this value against cancellation

    def accumulate(_, carry):
        g, s1, s2, hi, lo = carry
        g_next = step(g)
        x = g_next[screen.readout]
        d, inc = x - ref, x - g[screen.readout]
        return g_next, s1 + d, s2 + d * d, jnp.maximum(hi, inc), jnp.minimum(lo, inc)

    zero = jnp.zeros_like(ref)
    count = screen.steps - half
    _, s1, s2, hi, lo = jax.lax.fori_loop(0, count, accumulate, (g, zero, zero, zero - jnp.inf, zero + jnp.inf))
    mean = s1 / count
    return ref + mean, s2 / count - mean * mean, hi, lo


@functools.lru_cache(maxsize=16)
def _stage_functions(screen: OscillationScreen, n_inputs: int, n_devices: int):
    levels = screen.condition_levels(n_inputs)

    def oscillating(signs, K, b):
        coeffs = _coefficients(signs, K, b)
        _, var, hi, lo = _readout_stats(*coeffs, levels[1], screen)
        return screen.oscillates(var, hi, lo)

    def rest_and_hold(signs, K, b):
        coeffs = _coefficients(signs, K, b)
        rest_mean, rest_var, _, _ = _readout_stats(*coeffs, levels[0], screen)
        hold_mean, hold_var, _, _ = _readout_stats(*coeffs, levels[2], screen)
        return screen.rests_and_holds(rest_mean, rest_var, hold_mean, hold_var)

    if n_devices > 1:
        mesh = device_mesh(n_devices, "sets")
        oscillating = jax.shard_map(oscillating, mesh=mesh, in_specs=(P(), P("sets"), P("sets")), out_specs=P("sets"))
    return jax.jit(oscillating), jax.jit(rest_and_hold)


def _bucket(count: int) -> int:
    """Padded size for the second stage, so that few shapes are ever compiled."""
    return max(64, 1 << (count - 1).bit_length())


def screen_sets(signs: np.ndarray, K: jax.Array, b: jax.Array, screen: OscillationScreen = PAPER_SCREEN) -> np.ndarray:
    """Which parameter sets (K, b: (sets, n_sources, n_genes)) make the topology ``signs``
    (n_sources, n_genes) perform controlled oscillation; boolean (sets,)."""
    signs = jnp.asarray(signs, dtype=jnp.int8)
    n_sources, n_genes = signs.shape
    sets = K.shape[0]
    n_devices = jax.local_device_count()
    if sets % n_devices:
        n_devices = 1
    oscillating, rest_and_hold = _stage_functions(screen, n_sources - n_genes, n_devices)
    first = np.asarray(oscillating(signs, K, b))
    passed = np.zeros(sets, dtype=bool)
    survivors = np.flatnonzero(first)
    if survivors.size:
        index = np.resize(survivors, _bucket(survivors.size))  # pad by repeating survivors
        second = np.asarray(rest_and_hold(signs, K[index], b[index]))[: survivors.size]
        passed[survivors] = second
    return passed


@functools.lru_cache(maxsize=16)
def _block_sampler(blocks: int, shape: tuple[int, int]):
    def sample(key):
        keys = jax.vmap(lambda k: jax.random.fold_in(key, k))(jnp.arange(blocks))
        K, b = jax.vmap(lambda k: sample_parameters(k, SAMPLE_BLOCK, shape))(keys)
        return K.reshape(-1, *shape), b.reshape(-1, *shape)

    return jax.jit(sample)


def passing_sets(
    signs: np.ndarray, key: jax.Array, samples: int, screen: OscillationScreen = PAPER_SCREEN
) -> tuple[jax.Array, jax.Array]:
    """K and b (passing sets, n_sources, n_genes) of the sets that pass the screen among
    ``samples`` parameter sets drawn from Exp(1) (block k of SAMPLE_BLOCK sets from
    ``fold_in(key, k)``, the last block cut to ``samples``), in drawing order."""
    signs = np.asarray(signs)
    blocks = -(-samples // SAMPLE_BLOCK)
    K, b = _block_sampler(blocks, signs.shape)(key)
    passed = np.flatnonzero(screen_sets(signs, K, b, screen)[:samples])
    return K[passed], b[passed]


def count_successful_sets(
    signs: np.ndarray, key: jax.Array, samples: int, screen: OscillationScreen = PAPER_SCREEN
) -> int:
    """How many of the sets of :func:`passing_sets` pass the screen."""
    return int(passing_sets(signs, key, samples, screen)[0].shape[0])
