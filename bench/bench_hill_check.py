"""Hill versions of the networks grnsearch finds: verdict, metrics and fitting time.

Run:  python bench/bench_hill_check.py
Adaptation motifs (incoherent feed-forward, negative feedback with and without g2 positive
autoregulation) at n = 2 and 3, and oscillation topologies, through ``fit_hill`` with the CLI's
defaults (verdict and metrics on the exact solution, the Euler ones beside them); then, for the
three-link negative feedback loop at n = 2, the best adaptation error among 100,000 random sets
that reach the sensitivity bar.
Prints Markdown for RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import time

import jax
import numpy as np

from grnsearch import tasks
from grnsearch.dynamics.hill import HillDynamics
from grnsearch.hillsearch.fit import _log_uniform_parameters, _settle_free_genes, fit_hill
from grnsearch.network.topology import Topology

CASES = [
    ("adaptation", "I->g1:+ I->g2:+ g2->g1:-", 2.0),
    ("adaptation", "I->g1:+ g1->g2:+ g2->g1:-", 2.0),
    ("adaptation", "I->g1:+ g1->g2:+ g2->g1:-", 3.0),
    ("adaptation", "I->g1:+ g1->g2:+ g2->g1:- g2->g2:+", 2.0),
    ("oscillation", "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+", 2.0),
    ("oscillation", "I1->g1:+ I2->g1:+ g1->g1:+ g1->g2:+ g2->g1:- g2->g2:-", 2.0),
]


def best_error_among_sensitive(key: str, n: float, solver: str, sets: int = 100_000) -> tuple[int, float]:
    """Sets that adapt, and the best error among the sensitive ones, by ``solver`` ('euler' at the
    test protocol's dt, or 'ode'), in batches of 10,000."""
    task = tasks.get("adaptation")
    topology = Topology.from_key(key, task.sources, task.genes)
    K, b = _log_uniform_parameters(jax.random.PRNGKey(1), sets, topology.signs.shape)
    rest = task.conditions(jax.random.PRNGKey(0)).inputs[0]

    @jax.jit
    def metrics(K, b):
        models = jax.vmap(lambda k, b_: HillDynamics.of(topology, k, b_, fixed_initial=task.initial_values, n=n))(K, b)
        models = jax.vmap(lambda m: _settle_free_genes(m, task, rest))(models)
        out = jax.vmap(lambda m: task.metrics(m, task.link_scale(), solver=solver))(models)
        return out["sensitivity"], out["adaptation_error"]

    parts = [metrics(K[i : i + 10_000], b[i : i + 10_000]) for i in range(0, sets, 10_000)]
    sensitivity, error = (np.concatenate([np.asarray(p[j]) for p in parts]) for j in range(2))
    sensitive = sensitivity >= task.min_sensitivity
    ok = sensitive & (error <= task.max_adaptation_error)
    return int(ok.sum()), float(error[sensitive].min()) if sensitive.any() else float("nan")


def main() -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; command: python bench/bench_hill_check.py\n")
    print("| task | topology | n | performs (exact / Euler) | route | metrics, exact solution | metrics, Euler | s |")
    print("|---|---|---|---|---|---|---|---|")
    shown = ("sensitivity", "adaptation_error", "i1_var", "i1_var_double_run", "hold_mean", "rest_mean")
    for task_name, key, n in CASES:
        task = tasks.get(task_name)
        start = time.perf_counter()
        fit = fit_hill(task, Topology.from_key(key, task.sources, task.genes), n=n)
        seconds = time.perf_counter() - start
        extra = {
            k: v
            for k, v in fit.details.items()
            if k in ("successful_sets", "exact_sets", "successful_fits", "exact_successful_fits", "successful_samples")
        }
        by = {
            name: ", ".join(f"{k} {v:.3g}" for k, v in values.items() if isinstance(v, float) and k in shown)
            for name, values in fit.metrics.items()
        }
        route = f"{fit.method}; " + ", ".join(f"{k} {v}" for k, v in extra.items())
        verdict = f"{'yes' if fit.performs else 'no'} / {'yes' if fit.performs_euler else 'no'}"
        print(
            f"| {task_name} | `{key}` | {n:g} | {verdict} | {route} | {by['exact']} | {by['euler']} | {seconds:.1f} |"
        )
    print()
    for n in (2.0, 3.0):
        for solver, label in (("euler", "Euler dt 0.1"), ("ode", "exact solution")):
            ok, best = best_error_among_sensitive("I->g1:+ g1->g2:+ g2->g1:-", n, solver)
            print(
                f"three-link negative feedback loop, n = {n:g}, {label}: {ok} of 100,000 log-uniform sets adapt; "
                f"best adaptation error among sets with sensitivity >= 0.3: {best:.3f} (bar 0.05)"
            )


if __name__ == "__main__":
    main()
