"""The fast staged screen of the exhaustive Hill search, for any :class:`HillScreen`
(:mod:`grnsearch.tasks.hill_screen`; the controlled oscillation of METHOD.md section 5 is
``OscillationScreen().spec()``).

Each parameter set of a topology is simulated by forward Euler under the screen's conditions
and judged on the readout gene by the conditions' criteria and the relations between them.

Why this is fast (bench/bench_search.py): parameters are laid out with the set axis last and
the sum and product over regulators are unrolled, so the whole Euler step is one elementwise
loop over sets; the run is cut into segments of constant inputs (the schedule's changes and the
criteria's windows are the cuts), so the inputs' terms are computed once per segment, and it
stops at the last step the criteria read; a condition of a later stage with the same schedule
that reads nothing before an earlier one's last step continues that run from its end state, for
the survivors only (the atlas judges "is C on before the step" on every set, the response only
where it is); only the
statistics the criteria read are accumulated during the scan, never trajectories; and the
screen is staged: the conditions of the first stage (for the oscillation: I1, which about 0.1%
of sets pass) are simulated for every set, later stages only for the survivors.
:func:`trajectory_success` judges stored trajectories with the same criteria and is the slow
reference the fast path is tested against (:mod:`grnsearch.hillsearch.reference`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import PartitionSpec as P

from grnsearch._jax import device_mesh
from grnsearch.dynamics.hill import hill_power, sample_parameters
from grnsearch.hillsearch.reference import condition_requests, judge_condition, screen_trajectories, trajectory_success
from grnsearch.tasks.hill_criteria import EXTREMES, INCREMENTS, MOMENTS, ConditionStats, WindowStats
from grnsearch.tasks.hill_screen import Condition, HillScreen, OscillationScreen, as_spec

# parameter sets drawn per random block: block k of a topology comes from fold_in(key, k), so
# counts do not depend on how blocks are batched, chunked or spread over devices and workers
SAMPLE_BLOCK = 20_000
PAPER_SCREEN = OscillationScreen()  # the paper's settings, the default of the screening functions
Coefficients = tuple[jax.Array, jax.Array, jax.Array]  # 1/K, b of activations, repression indicator
State = tuple[jax.Array, ...]  # every gene's level, one array over the sets per gene

__all__ = [
    "PAPER_SCREEN",
    "SAMPLE_BLOCK",
    "count_successful_sets",
    "passing_sets",
    "screen_sets",
    "screen_trajectories",
    "trajectory_success",
]


def _coefficients(signs: jax.Array, K: jax.Array, b: jax.Array) -> Coefficients:
    """Per-link arrays (n_sources, n_genes, sets): 1/K (0 where absent), b of activations (else 0)
    and a repression indicator. With these an absent link contributes occupancy 0."""
    K = jnp.moveaxis(K, 0, -1)
    b = jnp.moveaxis(b, 0, -1)
    s = signs[:, :, None]
    inv_k = jnp.where(s != 0, 1.0 / K, 0.0)
    act = jnp.where(s == 1, b, 0.0)
    rep = jnp.where(s == -1, 1.0, 0.0) + jnp.zeros_like(K)
    return inv_k, act, rep


def _stepper(coeffs: Coefficients, levels: tuple[float, ...], n: float, dt: float) -> Callable[[State], State]:
    """The Euler step of every set under constant input ``levels``: the inputs' activation sums
    and repression products are computed once (inputs at 0 contribute nothing)."""
    inv_k, act, rep = coeffs
    n_inputs, n_genes = len(levels), inv_k.shape[1]

    def occupancy(x, src, tgt):
        r = hill_power(x * inv_k[src, tgt], n)
        return r / (1.0 + r)

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

    return step


def _fresh(ref: jax.Array, groups: set[str]) -> dict[str, jax.Array]:
    zero = jnp.zeros_like(ref)
    acc = {"ref": ref}
    if MOMENTS in groups:
        acc |= {"s1": zero, "s2": zero}
    if INCREMENTS in groups:
        acc |= {"hi": zero - jnp.inf, "lo": zero + jnp.inf}
    if EXTREMES in groups:
        acc |= {"top": zero - jnp.inf, "bottom": zero + jnp.inf}
    return acc


def _update(acc: dict[str, jax.Array], x: jax.Array, prev: jax.Array) -> dict[str, jax.Array]:
    new = dict(acc)
    if "s1" in acc:
        d = x - acc["ref"]  # statistics are shifted by the level before the window against cancellation
        new["s1"], new["s2"] = acc["s1"] + d, acc["s2"] + d * d
    if "hi" in acc:
        inc = x - prev
        new["hi"], new["lo"] = jnp.maximum(acc["hi"], inc), jnp.minimum(acc["lo"], inc)
    if "top" in acc:
        new["top"], new["bottom"] = jnp.maximum(acc["top"], x), jnp.minimum(acc["bottom"], x)
    return new


def _finish(acc: dict[str, jax.Array], count: int) -> WindowStats:
    stats = {}
    if "s1" in acc:
        mean = acc["s1"] / count
        stats |= {"mean": acc["ref"] + mean, "var": acc["s2"] / count - mean * mean}
    if "hi" in acc:
        stats |= {"max_inc": acc["hi"], "min_inc": acc["lo"]}
    if "top" in acc:
        stats |= {"top": acc["top"], "bottom": acc["bottom"]}
    return WindowStats(**stats)


def _reads(screen: HillScreen, condition: Condition) -> tuple[int, int]:
    """The first and the last step whose level the condition's criteria read."""
    windows, points = condition_requests(screen, condition)
    return min([*points, *(key[0] for key in windows)]), max([*points, *(key[1] for key in windows)])


@functools.lru_cache(maxsize=16)
def _continuations(screen: HillScreen) -> dict[str, str]:
    """Conditions that continue the run of a condition of an earlier stage (same schedule, and
    nothing read before that run's end): later name -> earlier name."""
    found = {}
    for k, stage in enumerate(screen.stages):
        for name in stage:
            condition = screen.condition(name)
            for earlier in (e for done in screen.stages[:k] for e in done):
                run = screen.condition(earlier)
                if run.schedule == condition.schedule and _reads(screen, run)[1] <= _reads(screen, condition)[0]:
                    found[name] = earlier
    return found


def _condition_stats(
    coeffs: Coefficients, condition: Condition, screen: HillScreen, resume: tuple[int, State] | None = None
) -> tuple[ConditionStats, State]:
    """The statistics the condition's criteria (and relations) read, accumulated while the sets
    are stepped segment by segment (segments of constant inputs, cut at every window's ends),
    and the state at the last step read. ``resume``: (step, state) to continue a run from."""
    windows, points = condition_requests(screen, condition)
    last = _reads(screen, condition)[1]  # nothing after it is read: not simulated
    r = screen.readout
    if resume is None:
        like = jnp.zeros_like(coeffs[0][0, 0])  # shaped (and sharded) like the sets
        begin, g = 0, tuple(like + float(v) for v in screen.start_levels(coeffs[0].shape[1]))
    else:
        begin, g = resume
    cuts = {begin, last, *condition.schedule.starts, *points} | {k for key in windows for k in key}
    cuts = sorted(k for k in cuts if begin <= k <= last)
    accs: dict[tuple[int, int], dict[str, jax.Array]] = {}
    levels_at: dict[int, jax.Array] = {}
    for a, c in zip(cuts[:-1], cuts[1:], strict=True):
        if a in points:
            levels_at[a] = g[r]
        for key, groups in windows.items():
            if key[0] == a:
                accs[key] = _fresh(g[r], groups)
        step = _stepper(coeffs, condition.schedule.level_at(a), screen.n, screen.dt)
        active = tuple(key for key in windows if key[0] <= a and c <= key[1])
        if not active:
            g = jax.lax.fori_loop(0, c - a, lambda _, g, step=step: step(g), g)
            continue

        def accumulate(_, carry, step=step, active=active):
            g, acc = carry
            g_next = step(g)
            return g_next, {key: _update(acc[key], g_next[r], g[r]) for key in active}

        g, updated = jax.lax.fori_loop(0, c - a, accumulate, (g, {key: accs[key] for key in active}))
        accs |= updated
    if last in points:
        levels_at[last] = g[r]
    stats = {key: _finish(acc, key[1] - key[0]) for key, acc in accs.items()}
    return ConditionStats(stats, levels_at), g


def _stage_function(screen: HillScreen, stage: tuple[str, ...]) -> Callable:
    """(signs, K, b, carried) -> whether each set passes the stage's conditions and relations, and
    the end states of the stage's runs that later conditions continue (carried: those of earlier
    stages' runs that this stage continues, by condition name)."""
    continues = _continuations(screen)
    continued = set(continues.values())

    def passes(signs, K, b, carried):
        coeffs = _coefficients(signs, K, b)
        stats, ends = {}, {}
        for name in stage:
            condition = screen.condition(name)
            resume = None
            if name in continues:
                resume = (_reads(screen, screen.condition(continues[name]))[1], carried[continues[name]])
            stats[name], end = _condition_stats(coeffs, condition, screen, resume)
            if name in continued:
                ends[name] = end
        verdicts = [judge_condition(screen.condition(name), stats[name]) for name in stage]
        verdicts += [rel.verdict(stats) for rel in screen.relations if rel.numerator in stage]
        return functools.reduce(jnp.logical_and, verdicts), ends

    return passes


@functools.lru_cache(maxsize=16)
def _stage_functions(screen: HillScreen, n_devices: int) -> tuple[Callable, ...]:
    functions = [_stage_function(screen, stage) for stage in screen.stages]
    if n_devices > 1:
        mesh = device_mesh(n_devices, "sets")
        specs = (P(), P("sets"), P("sets"), P("sets"))
        first = jax.shard_map(functions[0], mesh=mesh, in_specs=specs, out_specs=(P("sets"), P("sets")))
        functions[0] = first
    return tuple(jax.jit(f) for f in functions)


def _bucket(count: int) -> int:
    """Padded size for the later stages, so that few shapes are ever compiled."""
    return max(64, 1 << (count - 1).bit_length())


def screen_sets(
    signs: np.ndarray, K: jax.Array, b: jax.Array, screen: HillScreen | OscillationScreen = PAPER_SCREEN
) -> np.ndarray:
    """Which parameter sets (K, b: (sets, n_sources, n_genes)) of the topology ``signs``
    (n_sources, n_genes) pass the screen; boolean (sets,). Stage by stage, each on the survivors."""
    signs = jnp.asarray(signs, dtype=jnp.int8)
    n_sources, n_genes = signs.shape
    spec = as_spec(screen, n_sources - n_genes)
    sets = K.shape[0]
    n_devices = jax.local_device_count()
    if sets % n_devices:
        n_devices = 1
    first, *later = _stage_functions(spec, n_devices)
    verdict, ends = first(signs, K, b, {})
    passed = np.array(verdict)  # a writable copy
    # end states of runs that later stages continue, one row per set
    carried = jax.tree.map(np.array, ends)
    for stage in later:
        survivors = np.flatnonzero(passed)
        if not survivors.size:
            break
        index = np.resize(survivors, _bucket(survivors.size))  # pad by repeating survivors
        verdict, ends = stage(signs, K[index], b[index], jax.tree.map(lambda x, index=index: x[index], carried))
        passed[survivors] = np.asarray(verdict)[: survivors.size]
        for name, state in ends.items():
            carried[name] = tuple(np.zeros(sets, np.float32) for _ in state)
            for full, part in zip(carried[name], state, strict=True):
                full[survivors] = np.asarray(part)[: survivors.size]
    return passed


@functools.lru_cache(maxsize=16)
def _block_sampler(blocks: int, shape: tuple[int, int], block: int = SAMPLE_BLOCK):
    def sample(key):
        keys = jax.vmap(lambda k: jax.random.fold_in(key, k))(jnp.arange(blocks))
        K, b = jax.vmap(lambda k: sample_parameters(k, block, shape))(keys)
        return K.reshape(-1, *shape), b.reshape(-1, *shape)

    return jax.jit(sample)


def passing_sets(
    signs: np.ndarray, key: jax.Array, samples: int, screen: HillScreen | OscillationScreen = PAPER_SCREEN
) -> tuple[jax.Array, jax.Array]:
    """K and b (passing sets, n_sources, n_genes) of the sets that pass the screen among
    ``samples`` parameter sets drawn from Exp(1) (block k of the screen's ``sample_block`` sets,
    SAMPLE_BLOCK for the oscillation, from ``fold_in(key, k)``, the last block cut to
    ``samples``), in drawing order."""
    signs = np.asarray(signs)
    block = as_spec(screen, signs.shape[0] - signs.shape[1]).sample_block
    blocks = -(-samples // block)
    K, b = _block_sampler(blocks, signs.shape, block)(key)
    K, b = K[:samples], b[:samples]
    passed = np.flatnonzero(screen_sets(signs, K, b, screen))
    return K[passed], b[passed]


def count_successful_sets(
    signs: np.ndarray, key: jax.Array, samples: int, screen: HillScreen | OscillationScreen = PAPER_SCREEN
) -> int:
    """How many of the sets of :func:`passing_sets` pass the screen."""
    return int(passing_sets(signs, key, samples, screen)[0].shape[0])
