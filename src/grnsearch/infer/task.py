"""Training on observed time courses: a :class:`~grnsearch.tasks.base.Task` whose conditions are
windows of the data (:mod:`grnsearch.infer.windows`).

Each training iteration draws ``batch`` windows of the training experiments (all of them when
there are no more); the model starts from each window's first frame and is scored, at the
observations that follow, by sqrt(mean squared error) over the observed entries. One experiment
is held out for validation (the authors kept their 17th trajectory): a model succeeds when it
predicts the held-out windows better than carrying each window's first frame forward. With a
single experiment the training windows validate, and the summary says so.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.config import TrainConfig
from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries, neighbour_names
from grnsearch.infer.windows import Windows, data_windows, filled_inputs, persistence_rmse
from grnsearch.tasks.base import Conditions, DemoCondition, Task

# the authors' settings for the automaton (METHOD.md section 6)
DEFAULTS = TrainConfig(
    arch="shared",
    hidden=(64, 64),
    init="normal",
    init_std=1e-3,
    optimizer="adam",
    learning_rate=1e-2,
    iterations=12000,
)
BATCH = 8
# the learnable Hill model (dynamics/hill_network.py), trained with the same optimiser and rate: an
# iteration costs about 3.5 of the MLP's (200 occupancies per state, elementwise), so 3000 of them
# cost about what the MLP's 12000 do; its loss on automaton rule 1 is then below the MLP's
# (bench/RESULTS.md, 2026-12-06)
HILL_DEFAULTS = DEFAULTS.replace(model="hill", iterations=3000)
MODEL_DEFAULTS = {"mlp": DEFAULTS, "hill": HILL_DEFAULTS}


@dataclass(frozen=True, eq=False)
class ObservedTask(Task):
    """Fit observed windows; build it with :func:`observed_task`. Compared and hashed by a
    fingerprint of everything it holds, data included: two tasks built from different data never
    share a compiled program, and a copy sent to a Dask worker equals its original."""

    training: Windows | None = None
    validation: Windows | None = None
    steps_between: int = 10
    batch: int = BATCH
    held_out: str | None = None
    baseline_rmse: float = float("nan")

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of every field, the windows' arrays byte for byte."""
        digest = hashlib.sha256()
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            arrays = value if isinstance(value, Windows) else ()
            digest.update(f"{item.name}={value!r}".encode() if not arrays else item.name.encode())
            for array in arrays:
                digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ObservedTask) and other.fingerprint == self.fingerprint

    def _steps(self, inputs: jax.Array, intervals: jax.Array) -> tuple[jax.Array, jax.Array]:
        """Per-interval inputs (N, W - 1, ...) and lengths (N, W - 1) as per Euler step."""
        k = self.steps_between
        return jnp.repeat(inputs, k, axis=1), jnp.repeat(intervals / k, k, axis=1)

    def predict_windows(self, model: AbstractDynamics, windows: Windows, link_scale: jax.Array | None) -> jax.Array:
        """Predictions (N, W - 1, P, G) at each window's later observations."""
        inputs, dt = self._steps(jnp.asarray(windows.inputs), jnp.asarray(windows.intervals))
        traj = self.trajectories(model, inputs, dt, link_scale=link_scale, initial_state=jnp.asarray(windows.initial))
        return traj[:, self.steps_between :: self.steps_between]

    def conditions(self, key: jax.Array) -> Conditions:
        windows = self.training
        n = len(windows)
        pick = jnp.arange(n) if n <= self.batch else jax.random.choice(key, n, (self.batch,), replace=False)
        inputs, dt = self._steps(jnp.asarray(windows.inputs)[pick], jnp.asarray(windows.intervals)[pick])
        return Conditions(
            inputs=inputs,
            targets=jnp.asarray(windows.targets)[pick],
            mask=jnp.asarray(windows.mask)[pick],
            stationary=jnp.zeros(pick.shape),
            initial=jnp.asarray(windows.initial)[pick],
            dt=dt,
        )

    def window_rmse(self, model: AbstractDynamics, windows: Windows, link_scale: jax.Array | None) -> jax.Array:
        """sqrt(mean squared error) of the model's predictions over the windows' observed entries."""
        mask = jnp.asarray(windows.mask)
        error = (self.predict_windows(model, windows, link_scale) - jnp.asarray(windows.targets)) * mask
        return jnp.sqrt(jnp.sum(error**2) / jnp.maximum(jnp.sum(mask), 1.0))

    def rollout(self, model: AbstractDynamics, series: TimeSeries, experiment: int) -> tuple[np.ndarray, np.ndarray]:
        """The model run through a whole experiment from its first complete frame: the times from
        that frame on and the predicted levels there, (T', P, G); the first is the data's frame."""
        genes = series.gene_values(experiment)
        first = int(np.argmax(np.all(np.isfinite(genes), axis=(1, 2))))
        times = series.times[experiment][first:]
        whole = Windows(
            initial=genes[first][None].astype(np.float32),
            inputs=filled_inputs(series, experiment)[first:-1][None].astype(np.float32),
            intervals=np.diff(times)[None].astype(np.float32),
            targets=np.zeros((1, len(times) - 1, *genes.shape[1:]), np.float32),
            mask=np.zeros((1, len(times) - 1, *genes.shape[1:]), np.float32),
            experiment=np.asarray([experiment]),
            start=np.asarray([first]),
        )
        predicted = np.asarray(self.predict_windows(model, whole, None))[0]
        return times, np.concatenate([genes[first][None], predicted])

    def metrics(self, model: AbstractDynamics, link_scale: jax.Array, solver: str = "euler") -> dict[str, jax.Array]:
        return {
            "rmse": self.window_rmse(model, self.training, link_scale),
            "validation_rmse": self.window_rmse(model, self.validation, link_scale),
        }

    def success(self, metrics: dict[str, float]) -> bool:
        """The model predicts the validation windows better than no change does."""
        return bool(metrics["validation_rmse"] < self.baseline_rmse)

    def demo_conditions(self) -> list[DemoCondition]:
        """None: observed data are drawn against the model by ``plots.inference`` instead."""
        return []

    def mutation_conditions(self) -> tuple[np.ndarray, float]:
        """A fit to data has no protocol of its own to mutate links under: its links are read
        along the data (:mod:`grnsearch.infer.readout`), so this refuses."""
        raise GrnsearchError(
            "links of a model fitted to data are read out along the data, with grnsearch.infer.readout"
        )


def observed_task(
    series: TimeSeries,
    *,
    coupling: str = "none",
    window: int = 4,
    steps_between: int = 10,
    held_out: str | None = None,
    batch: int = BATCH,
) -> ObservedTask:
    """The task of fitting ``series`` (see the module docstring). ``held_out`` names the
    validation experiment (default: the last one, when there are two or more)."""
    names = series.experiments
    if coupling != "none" and series.n_positions < 3:
        raise GrnsearchError(
            f"coupling {coupling} links neighbouring positions, but the data have {series.n_positions}; "
            "give a position column with three or more positions, or use coupling none",
            parameter="coupling",
        )
    if held_out is not None and held_out not in names:
        raise GrnsearchError(
            f"there is no experiment {held_out!r} to hold out; the experiments are {', '.join(names)}",
            parameter="held_out",
        )
    if held_out is None and len(names) > 1:
        held_out = names[-1]
    train_ids = [e for e, name in enumerate(names) if name != held_out] or [0]
    check_ids = [names.index(held_out)] if held_out is not None else train_ids
    for e in range(len(names)):
        filled_inputs(series, e)  # every input must be observed somewhere in every experiment
    training = data_windows(series, train_ids, window)
    validation = data_windows(series, check_ids, window)
    positions = tuple(float(p) for p in (series.positions if series.positions is not None else [0.0]))
    n_steps = (window - 1) * steps_between
    return ObservedTask(
        name="observed",
        genes=series.genes,
        inputs=(*series.inputs, *neighbour_names(series.genes, coupling)),
        scored=series.genes,
        dt=float(np.median(training.intervals)) / steps_between,
        n_steps=n_steps,
        initial_values=(0.0,) * len(series.genes),
        defaults=DEFAULTS,
        metric_names=("rmse", "validation_rmse"),
        knockdown=0.0,
        positions=positions,
        coupling=coupling,
        mutation_positions=positions,
        score_steps=tuple(range(steps_between, n_steps + 1, steps_between)),
        loss_reduction="mean",
        training=training,
        validation=validation,
        steps_between=steps_between,
        batch=batch,
        held_out=held_out,
        baseline_rmse=persistence_rmse(validation),
    )
