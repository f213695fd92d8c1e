"""The optimiser loop: an ensemble of models trained as one sharded, compiled program.

The models' parameters are stacked along a leading axis, the training step is vmapped over it,
iterations run inside ``lax.scan`` in equal chunks (one compilation) and the seed axis is sharded
over the machine's CPU devices (one per core, see ``grnsearch._devices``). Each model may have its
own link-scale matrix, so models with different blocked links train together.

Every random choice flows from the seed: ``PRNGKey(seed)`` splits into the initialisation key,
the key of the random training conditions and the key of the training noise; iteration k uses
``fold_in(key, k)``. The same seed and configuration give the same model.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P
from tqdm.auto import tqdm

from grnsearch._jax import device_mesh, pad_leading, take
from grnsearch.config import COSINE_FLOOR, TrainConfig
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.base import Task
from grnsearch.training.loss import loss


def make_optimizer(config: TrainConfig) -> optax.GradientTransformation:
    """The Optax optimiser named by ``config``, at a constant learning rate or one that falls along
    a half cosine to ``COSINE_FLOOR`` of it over the iterations."""
    rate: float | optax.Schedule = config.learning_rate
    if config.schedule == "cosine":
        rate = optax.cosine_decay_schedule(config.learning_rate, config.iterations, alpha=COSINE_FLOOR)
    if config.optimizer == "rmsprop":
        return optax.rmsprop(rate)
    return optax.adam(rate)


def seed_keys(seed: int) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(initialisation, conditions, noise) keys of one seed."""
    init_key, data_key, noise_key = jax.random.split(jax.random.PRNGKey(seed), 3)
    return init_key, data_key, noise_key


def _divergence_advice(config: TrainConfig) -> str:
    """What a user can change after a diverged training: the settings that can blow it up."""
    changes = []
    if config.noise > 0:
        changes.append(f"a smaller `noise` (now {config.noise:g})")
    if config.init == "normal":
        changes.append(f"a smaller `init_std` (now {config.init_std:g})")
    if config.solver == "euler" and config.noise == 0:
        changes.append("`solver` ode")
    changes.append("other seeds (`seed`)")
    return f"try {', '.join(changes[:-1])} or {changes[-1]}" if len(changes) > 1 else f"try {changes[0]}"


def _chunk_length(iterations: int, target_chunks: int = 20) -> int:
    """The largest divisor of ``iterations`` no larger than iterations / target_chunks (>= 1), so
    that every chunk has the same length and compiles once."""
    cap = max(1, iterations // target_chunks)
    return max(d for d in range(1, cap + 1) if iterations % d == 0)


@functools.lru_cache(maxsize=32)
def _chunk_runner(task: Task, config: TrainConfig, chunk_len: int, n_devices: int, wild_type: bool):
    """A compiled function that advances a stacked ensemble by ``chunk_len`` iterations.

    Signature: (params, opt_state, data_keys, noise_keys, link_scales, active, start) ->
    (params, opt_state, losses[N, chunk_len]); a model whose ``active`` is False is not updated.
    Cached per (task, config, chunk, devices, wild_type). With ``wild_type`` every link scale is
    1 and the models run without one: a shared MLP then runs once per state instead of once per
    target gene (the same values).
    """
    optimizer = make_optimizer(config)
    # the model's static part only: its shapes are traced, nothing is computed or compiled
    _, static = eqx.partition(eqx.filter_eval_shape(task.init_model, config, jax.random.PRNGKey(0)), eqx.is_array)
    n_genes = len(task.genes)

    def one_model(params, opt_state, data_key, noise_key, link_scale, active, start):
        def step(carry, it):
            params, opt_state = carry
            conditions = task.conditions(jax.random.fold_in(data_key, it))
            noise = None
            if config.noise > 0:
                shape = (*conditions.inputs.shape[:-1], n_genes)  # (C, T, [P,] n_genes)
                noise = config.noise * jax.random.normal(jax.random.fold_in(noise_key, it), shape)

            def objective(p):
                scale = None if wild_type else link_scale
                return loss(eqx.combine(p, static), task, conditions, scale, solver=config.solver, noise=noise)

            value, grads = jax.value_and_grad(objective)(params)
            updates, new_state = optimizer.update(grads, opt_state, params)
            # a model that is no longer active keeps its parameters and optimiser state
            keep = functools.partial(jnp.where, active)
            params = jax.tree.map(keep, optax.apply_updates(params, updates), params)
            return (params, jax.tree.map(keep, new_state, opt_state)), value

        iters = start + jnp.arange(chunk_len)
        (params, opt_state), losses = jax.lax.scan(step, (params, opt_state), iters)
        return params, opt_state, losses

    batched = jax.vmap(one_model, in_axes=(0, 0, 0, 0, 0, 0, None))
    if n_devices > 1:
        mesh = device_mesh(n_devices, "seed")
        shard = P("seed")
        batched = jax.shard_map(
            batched,
            mesh=mesh,
            in_specs=(shard, shard, shard, shard, shard, shard, P()),
            out_specs=(shard, shard, shard),
        )
        # fixed shardings: otherwise a chunk's outputs (leaves laid out anew by XLA) come back as
        # inputs of another layout and the program compiles a second time
        seed_axis, whole = NamedSharding(mesh, shard), NamedSharding(mesh, P())
        return jax.jit(batched, in_shardings=(seed_axis,) * 6 + (whole,), out_shardings=seed_axis)
    return jax.jit(batched)


class TrainedModels(NamedTuple):
    """What :func:`train_models` returns: the stacked models, each model's loss per iteration it
    trained (histories (n_seeds, longest); NaN after a model stopped), how many iterations each
    trained, and the wall time in seconds."""

    models: AbstractDynamics
    histories: np.ndarray
    trained_iterations: np.ndarray
    wall_time: float


def train_models(
    task: Task,
    config: TrainConfig,
    seeds: Sequence[int],
    link_scales: jax.Array,
    *,
    converged: Callable[[AbstractDynamics], np.ndarray] | None = None,
    progress: bool = False,
) -> TrainedModels:
    """Train one model per seed, model i under ``link_scales[i]``, as one sharded program:
    ``config.iterations`` for every model, then up to ``config.extra_iterations`` more for those
    that ``converged`` (stacked models -> bool per model, checked between chunks) does not yet
    accept; each stops at the first check it passes, and training ends when none is left."""
    start_time = time.perf_counter()
    n = len(seeds)
    # Diffrax's adaptive loops carry values that shard_map's varying-axes check rejects (a carry
    # enters unmarked and leaves varying over "seed"), so ODE training stays on one device's vmap
    n_devices = 1 if config.solver == "ode" else min(jax.local_device_count(), n)
    padded = -(-n // n_devices) * n_devices

    keys = jnp.stack([jnp.stack(seed_keys(s)) for s in seeds])  # (n, 3, 2)
    # one compiled program: initialised op by op, each random draw would compile on its own
    models = eqx.filter_jit(eqx.filter_vmap(lambda k: task.init_model(config, k)))(keys[:, 0])
    params, static = eqx.partition(models, eqx.is_array)
    opt_state = jax.vmap(make_optimizer(config).init)(params)
    state = pad_leading((params, opt_state, keys[:, 1], keys[:, 2], jnp.asarray(link_scales)), padded)
    sharding = NamedSharding(device_mesh(n_devices, "seed"), P("seed")) if n_devices > 1 else None
    if sharding is not None:
        state = jax.device_put(state, sharding)
    params, opt_state, data_keys, noise_keys, scales = state

    def stacked_models(p):
        return jax.tree.map(lambda x: jax.device_put(x, jax.devices()[0]), eqx.combine(take(p, slice(0, n)), static))

    wild_type = bool(np.all(np.asarray(link_scales) == 1.0))
    extra = config.extra_iterations if converged is not None else 0
    active = np.ones(padded, dtype=bool)
    trained = np.zeros(n, dtype=int)
    losses = []
    with tqdm(total=config.iterations + extra, disable=not progress, unit="it", desc=f"training {n} model(s)") as bar:
        for start, chunk in _schedule(config.iterations, extra):
            if start >= config.iterations:
                active[:n] &= ~np.asarray(converged(stacked_models(params)), dtype=bool)
                if not active[:n].any():
                    break
            flags = jnp.asarray(active) if sharding is None else jax.device_put(jnp.asarray(active), sharding)
            runner = _chunk_runner(task, config.replace(blocked=()), chunk, n_devices, wild_type)
            params, opt_state, chunk_losses = runner(params, opt_state, data_keys, noise_keys, scales, flags, start)
            values = np.asarray(chunk_losses)[:n]
            losses.append(np.where(active[:n, None], values, np.nan))
            trained += chunk * active[:n]
            bar.update(chunk)
    histories = np.concatenate(losses, axis=1)
    last = histories[np.arange(n), trained - 1]
    if not np.all(np.isfinite(last)):
        bad = [s for s, h in zip(seeds, last, strict=False) if not np.isfinite(h)]
        raise GrnsearchError(f"training diverged (non-finite loss) for seeds {bad}; {_divergence_advice(config)}")
    return TrainedModels(stacked_models(params), histories, trained, time.perf_counter() - start_time)


def _schedule(iterations: int, extra: int) -> list[tuple[int, int]]:
    """(first iteration, length) of every chunk: equal chunks over ``iterations`` (one
    compilation), then the ``extra`` iterations in chunks of the same length where they divide
    them, else of their own equal length."""
    chunk = _chunk_length(iterations)
    chunks = [(start, chunk) for start in range(0, iterations, chunk)]
    if extra:
        step = chunk if extra % chunk == 0 else _chunk_length(extra)
        chunks += [(iterations + k, step) for k in range(0, extra, step)]
    return chunks
