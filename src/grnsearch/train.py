"""Training: the loss, the optimiser loop, and ensembles of models trained as one program.

An ensemble of N seeds is one array program: the models' parameters are stacked along a leading
axis, the training step is vmapped over it, iterations run inside ``lax.scan`` and the seed axis
is sharded over the machine's CPU devices (one per core, see ``grnsearch._devices``). Each model
may have its own link-scale matrix, so models with different blocked links train together.

Every random choice flows from the seed: ``PRNGKey(seed)`` splits into the initialisation key,
the key of the random training conditions and the key of the training noise; iteration k uses
``fold_in(key, k)``. The same seed and configuration give the same model.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P
from tqdm.auto import tqdm

from grnsearch.config import TrainConfig
from grnsearch.errors import GrnsearchError
from grnsearch.model import GeneNetworkModel
from grnsearch.simulate import simulate
from grnsearch.tasks.base import Conditions, Task

LOSS_TAIL = 50  # the reported loss is the mean over this many final iterations


def loss(
    model: GeneNetworkModel,
    task: Task,
    conditions: Conditions,
    link_scale: jax.Array,
    *,
    solver: str = "euler",
    noise: jax.Array | None = None,
) -> jax.Array:
    """sqrt(summed squared error of the scored genes + summed squared drift of every gene from
    its start in the stationary conditions), over all conditions and time points."""
    traj = simulate(model, conditions.inputs, task.dt, link_scale=link_scale, solver=solver, noise=noise)
    after = traj[:, 1:, :]
    scored = after[:, :, jnp.asarray(task.scored_index)]
    sse = jnp.sum(((scored - conditions.targets) * conditions.mask) ** 2)
    drift = jnp.sum(conditions.stationary[:, None, None] * (after - traj[:, :1, :]) ** 2)
    return jnp.sqrt(sse + drift)


def make_optimizer(config: TrainConfig) -> optax.GradientTransformation:
    """The Optax optimiser named by ``config``."""
    if config.optimizer == "rmsprop":
        return optax.rmsprop(config.learning_rate)
    return optax.adam(config.learning_rate)


def seed_keys(seed: int) -> tuple[jax.Array, jax.Array, jax.Array]:
    """(initialisation, conditions, noise) keys of one seed."""
    init_key, data_key, noise_key = jax.random.split(jax.random.PRNGKey(seed), 3)
    return init_key, data_key, noise_key


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
    n_genes, n_steps = len(task.genes), task.n_steps

    def one_model(params, opt_state, data_key, noise_key, link_scale, start):
        def step(carry, it):
            params, opt_state = carry
            conditions = task.conditions(jax.random.fold_in(data_key, it))
            noise = None
            if config.noise > 0:
                shape = (conditions.inputs.shape[0], n_steps, n_genes)
                noise = config.noise * jax.random.normal(jax.random.fold_in(noise_key, it), shape)

            def objective(p):
                return loss(eqx.combine(p, static), task, conditions, link_scale,
                            solver=config.solver, noise=noise)

            value, grads = jax.value_and_grad(objective)(params)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), value

        iters = start + jnp.arange(chunk_len)
        (params, opt_state), losses = jax.lax.scan(step, (params, opt_state), iters)
        return params, opt_state, losses

    batched = jax.vmap(one_model, in_axes=(0, 0, 0, 0, 0, None))
    if n_devices > 1:
        mesh = Mesh(np.asarray(jax.devices()[:n_devices]), ("seed",))
        shard = P("seed")
        batched = jax.shard_map(
            batched,
            mesh=mesh,
            in_specs=(shard, shard, shard, shard, shard, P()),
            out_specs=(shard, shard, shard),
        )
    return jax.jit(batched)


def _pad(tree: Any, n: int) -> Any:
    """Pad every leaf's leading axis to length n by repeating its first entry."""
    def pad_leaf(x):
        extra = n - x.shape[0]
        if extra == 0:
            return x
        return jnp.concatenate([x, jnp.repeat(x[:1], extra, axis=0)], axis=0)

    return jax.tree.map(pad_leaf, tree)


def _take(tree: Any, index: int | slice) -> Any:
    return jax.tree.map(lambda x: x[index], tree)


@dataclass
class TrainedModel:
    """One trained model with everything needed to use, save or reload it."""

    task: Task
    config: TrainConfig
    seed: int
    model: GeneNetworkModel
    history: np.ndarray
    metrics: dict[str, Any]
    wall_time: float

    @property
    def loss(self) -> float:
        """Training loss averaged over the last iterations."""
        return float(np.mean(self.history[-LOSS_TAIL:]))

    @property
    def link_scale(self) -> jax.Array:
        """The wild-type link-scale matrix of this model (its blocked links at 0)."""
        return self.task.link_scale(self.config.blocked)

    def simulate(self, inputs: Any, dt: float | None = None, link_scale: Any = None) -> np.ndarray:
        """Trajectories (conditions, steps + 1, n_genes) for inputs (conditions, steps, n_inputs)."""
        scale = self.link_scale if link_scale is None else jnp.asarray(link_scale)
        traj = simulate(self.model, jnp.asarray(inputs, dtype=jnp.float32),
                        self.task.dt if dt is None else dt, link_scale=scale, solver=self.config.solver)
        return np.asarray(traj)

    def save(self, run_dir: Any, *, figures: bool = True) -> Any:
        """Write this model's run directory (see ``grnsearch.io.save_run``)."""
        from grnsearch.io import save_run

        return save_run(self, run_dir, figures=figures)


@dataclass
class Ensemble:
    """Models of several seeds trained together; index it for single :class:`TrainedModel`s."""

    task: Task
    config: TrainConfig
    seeds: list[int]
    models: GeneNetworkModel  # leaves stacked over seeds
    histories: np.ndarray  # (n_seeds, iterations)
    metrics: dict[str, np.ndarray]  # each (n_seeds, ...)
    wall_time: float

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, i: int) -> TrainedModel:
        return TrainedModel(
            task=self.task,
            config=self.config,
            seed=self.seeds[i],
            model=_take(self.models, i),
            history=self.histories[i],
            metrics=self.metrics_of(i),
            wall_time=self.wall_time,
        )

    def metrics_of(self, i: int) -> dict[str, Any]:
        """Model i's metrics as plain Python values."""
        return {k: np.asarray(v[i]).tolist() for k, v in self.metrics.items()}

    @property
    def converged(self) -> np.ndarray:
        """Whether each model meets the task's success criterion, (n_seeds,) bool."""
        return np.asarray([self.task.success(self.metrics_of(i)) for i in range(len(self))], dtype=bool)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def summary(self) -> pd.DataFrame:
        """One row per seed: ``seed``, ``loss``, the task's scalar metrics, then ``converged``
        (the task's success criterion)."""
        rows = {
            "seed": self.seeds,
            "loss": np.mean(self.histories[:, -LOSS_TAIL:], axis=1),
        }
        for name in self.task.metric_names:
            rows[name] = np.asarray(self.metrics[name])
        rows["converged"] = self.converged
        return pd.DataFrame(rows)

    def save(self, out_dir: Any, *, figures: bool = True, progress: bool = False) -> Any:
        """Write ``out_dir/seed-<k>/`` per model and ``out_dir/summary.csv``."""
        from grnsearch.io import save_ensemble

        return save_ensemble(self, out_dir, figures=figures, progress=progress)


def concat_ensembles(parts: Sequence[Ensemble]) -> Ensemble:
    """One ensemble from several of the same task and configuration (seeds in the given order)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    if any(p.task != first.task or p.config != first.config for p in parts):
        raise GrnsearchError("only ensembles of one task and configuration can be joined")
    models = jax.tree.map(lambda *xs: jnp.concatenate(xs), *[p.models for p in parts])
    metrics = {k: np.concatenate([p.metrics[k] for p in parts]) for k in first.metrics}
    return Ensemble(first.task, first.config, [s for p in parts for s in p.seeds], models,
                    np.concatenate([p.histories for p in parts]), metrics, max(p.wall_time for p in parts))


def resolve_seeds(seeds: int | Sequence[int], seed: int) -> list[int]:
    """Seeds ``seed .. seed + seeds - 1`` for a count, or the given distinct seeds."""
    if isinstance(seeds, (int, np.integer)):
        if seeds <= 0:
            raise GrnsearchError(f"seeds must be a positive whole number, got {seeds}")
        return list(range(seed, seed + int(seeds)))
    resolved = [int(s) for s in seeds]
    if not resolved:
        raise GrnsearchError("no seeds given: pass a positive count or a list of seeds")
    if len(set(resolved)) != len(resolved):
        raise GrnsearchError(f"seeds must be distinct, got {resolved}")
    return resolved


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
    n_devices = min(jax.local_device_count(), n)
    padded = -(-n // n_devices) * n_devices

    keys = jnp.stack([jnp.stack(seed_keys(s)) for s in seeds])  # (n, 3, 2)
    models = eqx.filter_vmap(lambda k: task.init_model(config, k))(keys[:, 0])
    params, static = eqx.partition(models, eqx.is_array)
    opt_state = jax.vmap(make_optimizer(config).init)(params)
    state = _pad((params, opt_state, keys[:, 1], keys[:, 2], jnp.asarray(link_scales)), padded)
    if n_devices > 1:
        mesh = Mesh(np.asarray(jax.devices()[:n_devices]), ("seed",))
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
    trained = eqx.combine(_take(params, slice(0, n)), static)
    trained = jax.tree.map(lambda x: jax.device_put(x, jax.devices()[0]), trained)
    if not np.all(np.isfinite(history[:, -1])):
        bad = [s for s, h in zip(seeds, history[:, -1]) if not np.isfinite(h)]
        raise GrnsearchError(f"training diverged (non-finite loss) for seeds {bad}; lower the learning rate")
    return trained, history, time.perf_counter() - start_time


@functools.lru_cache(maxsize=32)
def _metrics_fn(task: Task, solver: str):
    return eqx.filter_jit(eqx.filter_vmap(lambda m, s: task.metrics(m, s, solver)))


def ensemble_metrics(task: Task, models: GeneNetworkModel, link_scales: jax.Array, solver: str) -> dict[str, np.ndarray]:
    """The task's metrics for every model of a stacked ensemble, as NumPy arrays."""
    values = _metrics_fn(task, solver)(models, jnp.asarray(link_scales))
    return {k: np.asarray(v) for k, v in values.items()}


def train(
    task: Task,
    seeds: int | Sequence[int] = 1,
    *,
    seed: int = 0,
    config: TrainConfig | None = None,
    progress: bool = False,
    **overrides: Any,
) -> Ensemble:
    """Train an ensemble on ``task``.

    ``seeds`` is a count (seeds ``seed .. seed + seeds - 1``) or an explicit list. ``config``
    defaults to the task's own; keyword ``overrides`` (``arch``, ``iterations``, ``blocked`` ...)
    replace single settings. Example::

        ens = grnsearch.train(grnsearch.tasks.adaptation(), seeds=8, arch="shared")
        ens.summary()
    """
    seed_list = resolve_seeds(seeds, seed)
    config = (config or task.defaults).replace(**overrides)
    scale = task.link_scale(config.blocked)
    scales = jnp.broadcast_to(scale, (len(seed_list), *scale.shape))
    models, history, wall = train_models(task, config, seed_list, scales, progress=progress)
    metrics = ensemble_metrics(task, models, scales, config.solver)
    return Ensemble(task, config, seed_list, models, history, metrics, wall)
