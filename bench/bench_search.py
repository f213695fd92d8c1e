"""The exhaustive Hill search: screen throughput and the full 2304-topology search.

Run:  python bench/bench_search.py [--samples 160000] [--seeds 0]
1. Throughput, side by side in one process: the fast staged screen against the reference
   (stored trajectories judged by ``trajectory_success``), on the same 20,000 sets of the
   authors' most robust topology; same answers required.
2. The exact verdict on the robust topology at the search's seed: its Euler-passing sets among
   ``--samples`` (drawn as the search draws them), how many pass on the exact solution, and the
   time of that exact judgement (compiled, best of 3).
3. The exact verdict's cost, side by side in one process: every 8th topology of the space
   screened by Euler alone and by Euler plus the exact verdict (compiled first).
4. ``grnsearch search oscillation --workers 2`` and the in-process command, each a fresh process
   (start-up and compilation included), for each seed: wall time, successful topologies by
   link count (Euler, the paper's rule), those keeping >= 2 sets on the exact solution, and the
   Jaccard overlap with the authors' successful topologies.
Prints Markdown for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jax
import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.dynamics import hill
from grnsearch.hillsearch import exact, screen, space
from grnsearch.network.topology import Topology
from grnsearch.tasks.hill_screen import OscillationScreen

PAPER = Path(__file__).resolve().parents[1] / "tests" / "data" / "shen2021_oscillation" / "hill_search_successes.csv"
ROBUST = "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+"


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def throughput() -> None:
    paper = OscillationScreen()
    topology = Topology.from_key(ROBUST, ("I1", "I2", "g1", "g2"), ("g1", "g2"))
    signs = topology.signs
    K, b = hill.sample_parameters(jax.random.PRNGKey(0), 20_000, signs.shape)

    @jax.jit
    def reference(K, b):
        def one(k, b_):
            return screen.trajectory_success(paper, screen.screen_trajectories(paper, topology, k, b_))

        return jax.vmap(one)(K, b)

    fast_mask = screen.screen_sets(signs, K, b)
    slow_mask = np.asarray(reference(K, b))
    assert np.array_equal(fast_mask, slow_mask)
    fast = best_of(lambda: screen.screen_sets(signs, K, b))
    slow = best_of(lambda: np.asarray(reference(K, b)))
    print("| screen of 20,000 sets (robust topology) | seconds (best of 3) |")
    print("|---|---|")
    print(f"| reference: trajectories, vmap | {slow:.3f} |")
    print(f"| fast: staged, set axis last, running statistics | {fast:.4f} |")
    print(f"\nratio {slow / fast:.1f}x; both find {int(fast_mask.sum())} successful sets\n")


def exact_on_robust(samples: int, seed: int) -> None:
    signs = Topology.from_key(ROBUST, ("I1", "I2", "g1", "g2"), ("g1", "g2")).signs
    keys = [
        Topology(s, ("I1", "I2", "g1", "g2"), ("g1", "g2")).key() for s in space.search_space(tasks.get("oscillation"))
    ]
    key = jax.random.fold_in(jax.random.PRNGKey(seed), keys.index(ROBUST))
    K, b = screen.passing_sets(signs, key, samples)
    verdict = exact.exact_screen_sets(signs, K, b)
    seconds = best_of(lambda: exact.exact_screen_sets(signs, K, b))
    print(
        f"robust topology `{ROBUST}`, seed {seed}, {samples} sets: {len(K)} pass the Euler screen, "
        f"{int(verdict.sum())} of them pass on the exact solution ({exact.EXACT.solver}, rtol {exact.EXACT.rtol:g}, "
        f"atol {exact.EXACT.atol:g}); exact judgement of those sets {seconds:.3f} s (best of 3)\n"
    )


def exact_cost(samples: int, seed: int) -> None:
    task = tasks.get("oscillation")
    signs = space.search_space(task)
    indices = np.arange(0, len(signs), 8)
    root = jax.random.PRNGKey(seed)
    keys = [jax.random.fold_in(root, int(i)) for i in indices]

    def euler_only():
        return sum(
            int(screen.passing_sets(signs[i], k, samples)[0].shape[0]) for i, k in zip(indices, keys, strict=True)
        )

    def both():
        counts = [
            space.topology_counts(task.hill_screen, signs[i], k, samples) for i, k in zip(indices, keys, strict=True)
        ]
        return tuple(map(sum, zip(*counts, strict=True)))

    both()  # compile every shape first
    start = time.perf_counter()
    euler_sets = euler_only()
    euler_time = time.perf_counter() - start
    start = time.perf_counter()
    _, exact_sets = both()
    both_time = time.perf_counter() - start
    print(
        f"{len(indices)} topologies (every 8th), {samples} sets each: Euler screen alone {euler_time:.1f} s, "
        f"Euler and exact verdict {both_time:.1f} s ({both_time / euler_time:.2f}x); "
        f"{euler_sets} Euler sets, {exact_sets} exact\n"
    )


def jaccard(found: pd.DataFrame, reference: pd.DataFrame, columns: list[str]) -> float:
    a = set(map(tuple, found[columns].to_numpy()))
    b = set(map(tuple, reference[columns].to_numpy()))
    return len(a & b) / len(a | b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=160_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--skip-searches", action="store_true", help="only the in-process measurements")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; command: python bench/bench_search.py "
        f"--samples {args.samples} --seeds {' '.join(map(str, args.seeds))}\n"
    )
    throughput()
    for seed in args.seeds:
        exact_on_robust(args.samples, seed)
    exact_cost(args.samples, args.seeds[0])
    if args.skip_searches:
        return
    reference = pd.read_csv(PAPER)
    columns = [c for c in reference.columns if "->" in c]
    print(
        "| command | wall time (s) | successful topologies (Euler) | by links 5/6/7/8 | sets per topology | "
        "Jaccard with the paper | of them >= 2 sets exactly | by links 5/6/7/8 | sets passing exactly / Euler |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    found_sets = []
    for seed in args.seeds:
        places = ([] if args.skip_workers else [["--workers", "2"]]) + ([] if args.skip_in_process else [[]])
        for where in places:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "search"
                command = ["search", "oscillation", "--samples", str(args.samples), "--seed", str(seed), *where]
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "grnsearch.cli", *command, "--out", str(out), "--quiet"], check=True
                )
                wall = time.perf_counter() - start
                wins = pd.read_csv(out / "successes.csv")
                table = pd.read_csv(out / "search.csv")
            by_links = "/".join(str(int((wins["n_links"] == k).sum())) for k in (5, 6, 7, 8))
            exact_wins = table[table["succeeds_exactly"]]
            exact_links = "/".join(str(int((exact_wins["n_links"] == k).sum())) for k in (5, 6, 7, 8))
            sets_ratio = f"{table['exact_sets'].sum()} / {table['successful_sets'].sum()}"
            sets = f"{wins['successful_sets'].min()}-{wins['successful_sets'].max()}"
            print(
                f"| `grnsearch {' '.join(command)}` | {wall:.1f} | {len(wins)} | {by_links} | {sets} | "
                f"{jaccard(wins, reference, columns):.3f} | {len(exact_wins)} | {exact_links} | {sets_ratio} |"
            )
        found_sets.append(wins)
    if len(found_sets) > 1:
        pairs = [
            jaccard(found_sets[i], found_sets[j], columns)
            for i in range(len(found_sets))
            for j in range(i + 1, len(found_sets))
        ]
        print(f"\nJaccard between our seeds: {', '.join(f'{p:.3f}' for p in pairs)}")


if __name__ == "__main__":
    main()
