"""Hill-function versions of a topology that perform a task ("HF consistency", METHOD.md 5).

Two routes, chosen by the task:

- tasks with a Hill screen (controlled oscillation): random parameter sets, K and b from Exp(1),
  screened by the search's criterion; the topology performs with at least 2 successful sets,
  and of those the set whose oscillation lasts best is kept;
- other tasks (adaptation): random log-uniform sets scored by the RNN's own training loss and
  success criterion; the best start Adam on log K, log b (and the free genes' starts), all
  starts as one vmapped program; the successful candidate (fit or sampled set) of lowest loss
  is kept, judged by the task's own criterion.

:class:`grnsearch.dynamics.hill.HillDynamics` has the interface of every model, so the task's
simulation, loss and metrics apply to it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from grnsearch.config import check_seed
from grnsearch.dynamics.hill import HillDynamics, HillModel, sample_parameters
from grnsearch.dynamics.simulate import simulate
from grnsearch.hillsearch.exact import EXACT, exact_screen_sets, exact_trajectories
from grnsearch.hillsearch.screen import SAMPLE_BLOCK, screen_sets, screen_trajectories, trajectory_success
from grnsearch.network.topology import Topology
from grnsearch.tasks.base import Task
from grnsearch.tasks.hill_screen import OscillationScreen
from grnsearch.training.ensemble import TrainedModel
from grnsearch.training.loss import loss as task_loss


@dataclass
class HillFit:
    """The outcome of fitting a Hill model of ``topology`` to a task."""

    topology: Topology
    dynamics: HillDynamics
    performs: bool  # the verdict on the exact solution
    method: str
    metrics: dict[str, dict[str, Any]]  # by integrator: {"euler": {...}, "exact": {...}}
    details: dict[str, Any] = field(default_factory=dict)
    performs_euler: bool = False  # the verdict on the task's Euler steps
    integrators: dict[str, dict[str, Any]] = field(default_factory=dict)  # how each metric set was computed

    @property
    def model(self) -> HillModel:
        return self.dynamics.to_model(self.topology)

    @property
    def initial_state(self) -> np.ndarray:
        return np.asarray(self.dynamics.initial_state())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record: the verdict, how it was reached, metrics and the parameters."""
        return {
            "topology": self.topology.key(),
            "performs_task": self.performs,
            "verdict_integrator": "exact",
            "performs_task_euler": self.performs_euler,
            "method": self.method,
            "metrics": self.metrics,
            "integrators": self.integrators,
            **self.details,
            "initial_state": dict(zip(self.topology.genes, self.initial_state.tolist(), strict=True)),
            "model": self.model.to_dict(),
        }


def fit_hill(task: Task, topology: Topology, *, seed: int = 0, n: float = 2.0, **options: Any) -> HillFit:
    """A Hill model of ``topology`` that performs ``task``, by the task's route (module docstring)."""
    check_seed(seed, "seed")
    if isinstance(task.hill_screen, OscillationScreen):
        return fit_by_screen(task, topology, replace(task.hill_screen, n=n), seed=seed, **options)
    return fit_by_gradient(task, topology, seed=seed, n=n, **options)


def _trajectory_metrics(screen: OscillationScreen, traj: jax.Array) -> dict[str, float]:
    """Second-half statistics of the readout in trajectories (3 conditions, steps, n_genes) of
    the states after each step (or sampled at the same times), and the screen's verdict."""
    x = np.asarray(traj[:, :, screen.readout])
    half = x[:, x.shape[1] // 2 :]
    return {
        "rest_mean": float(half[0].mean()),
        "rest_var": float(half[0].var()),
        "i1_var": float(half[1].var()),
        "i1_peak_to_trough": float(half[1].max() - half[1].min()),
        "hold_mean": float(half[2].mean()),
        "hold_var": float(half[2].var()),
        "passes_screen": bool(trajectory_success(screen, jnp.asarray(traj))),
    }


def screen_metrics(screen: OscillationScreen, model: HillModel) -> dict[str, dict[str, float]]:
    """Second-half statistics of the readout under the screen's three conditions, by integrator:
    ``euler`` (the screen's steps) and ``exact`` (the exact solution sampled at the same times)."""
    traj = screen_trajectories(screen, model.topology, model.K, model.b)
    exact = exact_trajectories(model.topology.signs, model.K[None], model.b[None], screen)[0]
    return {"euler": _trajectory_metrics(screen, traj), "exact": _trajectory_metrics(screen, exact)}


def _sustained_oscillation(screen: OscillationScreen, topology: Topology, K: jax.Array, b: jax.Array) -> np.ndarray:
    """Variance of the readout under I1 over the second half of a run twice the screen's length:
    high for oscillations that last, low for the transients the screen's window can also pass."""
    steps = 2 * screen.steps
    inputs = jnp.asarray(np.repeat(screen.condition_levels(len(topology.inputs))[1:2, None], steps, 1))
    start = jnp.full((len(topology.genes),), screen.start)

    def one(k, b_):
        dynamics = HillDynamics.of(topology, k, b_, n=screen.n)
        traj = simulate(dynamics, inputs, screen.dt, initial_state=start)
        return jnp.var(traj[0, 1 + steps // 2 :, screen.readout])

    return np.asarray(jax.jit(jax.vmap(one))(K, b))


def fit_by_screen(
    task: Task,
    topology: Topology,
    screen: OscillationScreen,
    *,
    seed: int = 0,
    samples: int = 160_000,
    max_samples: int = 1_600_000,
) -> HillFit:
    """Screen random Exp(1) sets, ``samples`` at a time up to ``max_samples`` until one passes
    on the exact solution; the sets that pass the Euler screen are judged again exactly
    (:mod:`grnsearch.hillsearch.exact`). Of the sets that pass exactly (or, when none does, of
    those that pass by Euler) keep the one whose oscillation lasts best (largest I1 variance
    over a run twice the screen's length). The topology performs the task (exact verdict) with
    at least the screen's minimum of exactly passing sets (2, as in the search)."""
    key = jax.random.PRNGKey(seed)
    shape = topology.signs.shape
    tried, block, exact_found = 0, 0, 0
    winners_K, winners_b, winners_exact = [], [], []
    while tried < max_samples and (not exact_found or tried < samples):
        K, b = sample_parameters(jax.random.fold_in(key, block), SAMPLE_BLOCK, shape)
        passed = np.flatnonzero(screen_sets(topology.signs, K, b, screen))
        winners_K.append(K[passed])
        winners_b.append(b[passed])
        winners_exact.append(exact_screen_sets(topology.signs, K[passed], b[passed], screen))
        exact_found += int(winners_exact[-1].sum())
        tried += SAMPLE_BLOCK
        block += 1
    K_won, b_won, exact_ok = jnp.concatenate(winners_K), jnp.concatenate(winners_b), np.concatenate(winners_exact)
    found = int(K_won.shape[0])
    if found:
        lasting = _sustained_oscillation(screen, topology, K_won, b_won)
        best = int(np.argmax(np.where(exact_ok, lasting, -np.inf) if exact_found else lasting))
        chosen = (K_won[best], b_won[best])
    else:  # report the last set tried, marked as failing
        chosen = (K[0], b[0])
    fixed = (screen.start,) * len(topology.genes)
    dynamics = HillDynamics.of(topology, *chosen, fixed_initial=fixed, n=screen.n)
    metrics = screen_metrics(screen, dynamics.to_model(topology))
    metrics["euler"]["i1_var_double_run"] = float(
        _sustained_oscillation(screen, topology, chosen[0][None], chosen[1][None])[0]
    )
    enough = screen.min_successful_sets
    return HillFit(
        topology,
        dynamics,
        performs=exact_found >= enough and metrics["exact"]["passes_screen"],
        method="screen",
        metrics=metrics,
        details={"successful_sets": found, "exact_sets": exact_found, "sets_screened": tried, "n": screen.n},
        performs_euler=found >= enough and metrics["euler"]["passes_screen"],
        integrators={"euler": {"method": "forward Euler", "dt": screen.dt}, "exact": EXACT.as_dict()},
    )


def _log_uniform_parameters(key: jax.Array, n_sets: int, shape: tuple[int, int]) -> tuple[jax.Array, jax.Array]:
    """K and b log-uniform over [0.01, 10]: wider than Exp(1), so that strongly saturated and
    strongly cooperative regimes (which adaptation by feedback needs) are among the starts."""
    k_key, b_key = jax.random.split(key)
    low, high = np.log(0.01), np.log(10.0)
    return (
        jnp.exp(jax.random.uniform(k_key, (n_sets, *shape), minval=low, maxval=high)),
        jnp.exp(jax.random.uniform(b_key, (n_sets, *shape), minval=low, maxval=high)),
    )


def _settle_free_genes(dynamics: HillDynamics, task: Task, inputs: jax.Array, steps: int = 400) -> HillDynamics:
    """Start the free genes where they settle under ``inputs`` (the first training condition,
    held), so that fits begin near a resting state instead of far from one."""
    held = jnp.broadcast_to(inputs[:1], (steps, inputs.shape[-1]))
    final = simulate(dynamics, held[None], task.dt)[0, -1]
    free = jnp.asarray([j for j, v in enumerate(task.initial_values) if v is None])
    return eqx.tree_at(lambda m: m.log_free_initial, dynamics, jnp.log(jnp.maximum(final[free], 1e-6)))


def _sampled_models(
    task: Task, topology: Topology, key: jax.Array, samples: int, n: float, rest_inputs: jax.Array
) -> HillDynamics:
    """``samples`` Hill models of ``topology`` with log-uniform K and b, stacked; the free genes
    start where they settle under ``rest_inputs``."""
    K, b = _log_uniform_parameters(key, samples, topology.signs.shape)
    batch = jax.vmap(lambda k, b_: HillDynamics.of(topology, k, b_, fixed_initial=task.initial_values, n=n))(K, b)
    if any(v is None for v in task.initial_values):
        batch = jax.jit(jax.vmap(lambda m: _settle_free_genes(m, task, rest_inputs)))(batch)
    return batch


def _successes(task: Task, losses: jax.Array, metrics: dict[str, jax.Array]) -> np.ndarray:
    """Which of a batch of models have a finite loss and meet the task's criterion."""
    # task.success judges one model's scalars; read the arrays off the device once
    losses = np.asarray(losses)
    values = {name: np.asarray(metrics[name]) for name in task.metric_names}
    return np.asarray(
        [
            bool(np.isfinite(losses[i])) and task.success({name: float(v[i]) for name, v in values.items()})
            for i in range(len(losses))
        ]
    )


def _adam_descent(
    objective: Callable, task: Task, data_key: jax.Array, params: Any, iterations: int, learning_rate: float
) -> Any:
    """Adam on ``objective(p, conditions)`` from every stacked start of ``params`` at once, with
    fresh training conditions every step (as in RNN training)."""
    optimizer = optax.adam(learning_rate)

    def descend(p):
        def step(carry, it):
            p, state = carry
            value, grads = jax.value_and_grad(objective)(p, task.conditions(jax.random.fold_in(data_key, it)))
            updates, state = optimizer.update(grads, state, p)
            return (optax.apply_updates(p, updates), state), value

        return jax.lax.scan(step, (p, optimizer.init(p)), jnp.arange(iterations))[0][0]

    return jax.jit(jax.vmap(descend))(params)


def fit_by_gradient(
    task: Task,
    topology: Topology,
    *,
    seed: int = 0,
    n: float = 2.0,
    samples: int = 20_000,
    starts: int = 16,
    iterations: int = 1500,
    learning_rate: float = 0.05,
) -> HillFit:
    """Random sampling and gradient descent on the task's own loss and criterion.

    ``samples`` random sets (log-uniform K and b, free genes started at rest) are scored by the
    training loss and the task's success criterion; Adam runs from the ``starts`` sets of lowest
    loss for ``iterations`` steps (fresh training conditions every step, as in RNN training).
    Every candidate (fits and sampled sets) is judged by the task's metrics both on its Euler
    steps and on the exact ODE solution (``solver='ode'``); of those that succeed exactly (else by
    Euler) the one of lowest loss is kept, and the verdict is the exact one."""
    key = jax.random.PRNGKey(seed)
    sample_key, data_key = jax.random.split(key)
    scale = task.link_scale()
    first = task.conditions(data_key)
    params, static = eqx.partition(
        _sampled_models(task, topology, sample_key, samples, n, first.inputs[0]), eqx.is_array
    )

    def objective(p, conditions):
        return task_loss(eqx.combine(p, static), task, conditions, scale)

    @jax.jit
    def assess(p):
        """Loss on the first conditions and the metrics of each parameter set."""
        losses = jax.vmap(objective, in_axes=(0, None))(p, first)
        return losses, jax.vmap(lambda q: task.metrics(eqx.combine(q, static), scale))(p)

    sample_losses, sample_metrics = assess(params)
    sample_losses = np.asarray(sample_losses)
    sampled_ok = np.flatnonzero(_successes(task, sample_losses, sample_metrics))
    by_loss = np.argsort(np.where(np.isfinite(sample_losses), sample_losses, np.inf))
    starting = jax.tree.map(lambda x: x[by_loss[:starts]], params)
    fitted = _adam_descent(objective, task, data_key, starting, iterations, learning_rate)
    # candidates: the gradient fits, then the best successful sampled sets
    kept = sampled_ok[np.argsort(sample_losses[sampled_ok])][:starts]
    candidates = jax.tree.map(lambda a, b_: jnp.concatenate([a, b_[kept]]), fitted, params)
    losses, metrics = assess(candidates)
    exact_metrics = jax.jit(jax.vmap(lambda q: task.metrics(eqx.combine(q, static), scale, solver="ode")))(candidates)
    chosen, ok, ok_exact = _choose(task, np.asarray(losses), metrics, exact_metrics)
    dynamics = eqx.combine(jax.tree.map(lambda x: x[chosen], candidates), static)
    by_integrator = {
        name: {metric: float(values[metric][chosen]) for metric in task.metric_names}
        for name, values in (("euler", metrics), ("exact", exact_metrics))
    }
    details = dict(loss=float(losses[chosen]), successful_fits=int(ok[:starts].sum()),
                   exact_successful_fits=int(ok_exact[:starts].sum()), starts=starts,
                   successful_samples=len(sampled_ok), sets_sampled=samples, iterations=iterations, n=n)  # fmt: skip
    method = f"sampling+gradient (kept: {'gradient' if chosen < starts else 'sampling'})"
    return HillFit(topology, dynamics, performs=bool(ok_exact[chosen]), method=method, metrics=by_integrator,
                   details=details, performs_euler=bool(ok[chosen]), integrators=_metric_integrators(task))  # fmt: skip


def _metric_integrators(task: Task) -> dict[str, dict[str, Any]]:
    """How the task's metrics were computed: its Euler protocol, and the ODE solver of ``simulate``."""
    return {
        "euler": {"method": "forward Euler", "dt": task.metrics_dt or task.dt},
        "exact": {"solver": "Tsit5 (Diffrax, adaptive), input held on each step", "rtol": 1e-6, "atol": 1e-8},
    }


def _choose(
    task: Task, losses: np.ndarray, metrics: dict[str, jax.Array], exact_metrics: dict[str, jax.Array]
) -> tuple[int, np.ndarray, np.ndarray]:
    """The candidate to keep: one that passes on the exact solution when any does, then one that
    passes by Euler, then the lowest loss; with both verdicts of every candidate."""
    ok = _successes(task, losses, metrics)
    ok_exact = _successes(task, losses, exact_metrics)
    order = np.lexsort((np.where(np.isfinite(losses), losses, np.inf), ~ok, ~ok_exact))
    return int(order[0]), ok, ok_exact


class ComparisonPanel(NamedTuple):
    """One condition of a Hill-against-RNN figure: times and trajectories (steps + 1, n_genes) of
    both models, the targets of the scored genes (or None) and a label."""

    label: str
    rnn_time: np.ndarray
    rnn: np.ndarray
    hill_time: np.ndarray
    hill: np.ndarray
    targets: np.ndarray | None


def comparison_panels(trained: TrainedModel, fit: HillFit) -> list[ComparisonPanel]:
    """The trained RNN (its Euler steps) and its Hill version (exact solution) simulated under the
    task's Hill screen conditions (held for the screen's duration) or, for tasks without a screen,
    the task's demo conditions."""
    task = trained.task
    screen = task.hill_screen
    if not isinstance(screen, OscillationScreen):
        cases = [(d.label, d.inputs, d.dt, d.inputs, d.dt, d.targets) for d in task.demo_conditions()]
    else:
        levels = screen.condition_levels(len(task.inputs))
        labels = ["no input", *(f"{name} = {screen.level}" for name in task.inputs[:2])]
        rnn_steps = round(screen.steps * screen.dt / task.dt)
        cases = [
            (
                label,
                np.repeat(levels[c][None], rnn_steps, axis=0),
                task.dt,
                np.repeat(levels[c][None], screen.steps, axis=0),
                screen.dt,
                None,
            )
            for c, label in enumerate(labels)
        ]
    panels = []
    for label, rnn_inputs, rnn_dt, hill_inputs, hill_dt, targets in cases:
        rnn = trained.simulate(np.asarray(rnn_inputs, np.float32)[None], dt=rnn_dt)[0]
        # the Hill model on its exact solution, as the SBML export runs in COPASI
        hill_in = jnp.asarray(hill_inputs, jnp.float32)[None]
        hill = np.asarray(simulate(fit.dynamics, hill_in, hill_dt, solver="ode"))[0]
        panels.append(
            ComparisonPanel(
                label, np.arange(rnn.shape[0]) * rnn_dt, rnn, np.arange(hill.shape[0]) * hill_dt, hill, targets
            )
        )
    return panels
