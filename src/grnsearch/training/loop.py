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
from collections.abc import Sequence

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P
from tqdm.auto import tqdm

from grnsearch._jax import device_mesh, pad_leading, take
from grnsearch.config import TrainConfig
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.base import Task
from grnsearch.training.loss import loss


def make_optimizer(config: TrainConfig) -> optax.GradientTransformation:
    """The Optax optimiser named by ``config``."""
    if config.optimizer == "rmsprop":
        return optax.rmsprop(config.learning_rate)
    return optax.adam(config.learning_rate)


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
def _chunk_runner(task: Task, config: TrainConfig, chunk_len: int, n_devices: int):
    """A compiled function that advances a stacked ensemble by ``chunk_len`` iterations.

    Signature: (params, opt_state, data_keys, noise_keys, link_scales, start) ->
    (params, opt_state, losses[N, chunk_len]). Cached per (task, config, chunk, devices).
    """
    optimizer = make_optimizer(config)
    _, static = eqx.partition(task.init_model(config, jax.random.PRNGKey(0)), eqx.is_array)
    n_genes = len(task.genes)

    def one_model(params, opt_state, data_key, noise_key, link_scale, start):
        def step(carry, it):
            params, opt_state = carry
            conditions = task.conditions(jax.random.fold_in(data_key, it))
            noise = None
            if config.noise > 0:
                shape = (*conditions.inputs.shape[:-1], n_genes)  # (C, T, [P,] n_genes)
                noise = config.noise * jax.random.normal(jax.random.fold_in(noise_key, it), shape)

            def objective(p):
                return loss(eqx.combine(p, static), task, conditions, link_scale, solver=config.solver, noise=noise)

            value, grads = jax.value_and_grad(objective)(params)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), value

        iters = start + jnp.arange(chunk_len)
        (params, opt_state), losses = jax.lax.scan(step, (params, opt_state), iters)
        return params, opt_state, losses

    batched = jax.vmap(one_model, in_axes=(0, 0, 0, 0, 0, None))
    if n_devices > 1:
        mesh = device_mesh(n_devices, "seed")
        shard = P("seed")
        batched = jax.shard_map(
            batched,
            mesh=mesh,
            in_specs=(shard, shard, shard, shard, shard, P()),
            out_specs=(shard, shard, shard),
        )
    return jax.jit(batched)


def train_models(
    task: Task,
    config: TrainConfig,
    seeds: Sequence[int],
    link_scales: jax.Array,
    *,
    progress: bool = False,
) -> tuple[GeneNetworkModel, np.ndarray, float]:
    """Train one model per seed, model i under ``link_scales[i]``, as one sharded program.

    Returns (stacked models, loss histories (n_seeds, iterations), wall time in seconds).
    """
    start_time = time.perf_counter()
    n = len(seeds)
    # Diffrax's adaptive loops carry values that shard_map's varying-axes check rejects (a carry
    # enters unmarked and leaves varying over "seed"), so ODE training stays on one device's vmap
    n_devices = 1 if config.solver == "ode" else min(jax.local_device_count(), n)
    padded = -(-n // n_devices) * n_devices

    keys = jnp.stack([jnp.stack(seed_keys(s)) for s in seeds])  # (n, 3, 2)
    models = eqx.filter_vmap(lambda k: task.init_model(config, k))(keys[:, 0])
    params, static = eqx.partition(models, eqx.is_array)
    opt_state = jax.vmap(make_optimizer(config).init)(params)
    state = pad_leading((params, opt_state, keys[:, 1], keys[:, 2], jnp.asarray(link_scales)), padded)
    if n_devices > 1:
        mesh = device_mesh(n_devices, "seed")
        state = jax.device_put(state, NamedSharding(mesh, P("seed")))
    params, opt_state, data_keys, noise_keys, scales = state

    chunk = _chunk_length(config.iterations)
    runner = _chunk_runner(task, config.replace(blocked=()), chunk, n_devices)
    losses = []
    with tqdm(total=config.iterations, disable=not progress, unit="it", desc=f"training {n} model(s)") as bar:
        for start in range(0, config.iterations, chunk):
            params, opt_state, chunk_losses = runner(params, opt_state, data_keys, noise_keys, scales, start)
            losses.append(chunk_losses)
            bar.update(chunk)
        history = np.concatenate([np.asarray(x) for x in losses], axis=1)[:n]
    trained = eqx.combine(take(params, slice(0, n)), static)
    trained = jax.tree.map(lambda x: jax.device_put(x, jax.devices()[0]), trained)
    if not np.all(np.isfinite(history[:, -1])):
        bad = [s for s, h in zip(seeds, history[:, -1], strict=False) if not np.isfinite(h)]
        raise GrnsearchError(f"training diverged (non-finite loss) for seeds {bad}; {_divergence_advice(config)}")
    return trained, history, time.perf_counter() - start_time
