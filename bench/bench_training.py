"""Training throughput: 1 model, 200 models trained together, and 200 trained one after another.

Run:  python bench/bench_training.py [--models 200] [--iterations 2000]
All three measurements run in this one process after a warm-up that compiles every program, so
the ratios are side by side on the same machine state. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import grnsearch


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=2000)
    args = parser.parse_args()
    task = grnsearch.tasks.adaptation()
    n, iters = args.models, args.iterations

    # warm-up: compile the single-model and the ensemble programs
    grnsearch.train(task, seeds=[10_000], iterations=iters)
    grnsearch.train(task, seeds=list(range(10_000, 10_000 + n)), iterations=iters)

    single = timed(lambda: grnsearch.train(task, seeds=[0], iterations=iters))
    together = timed(lambda: grnsearch.train(task, seeds=n, iterations=iters))
    one_by_one = timed(lambda: [grnsearch.train(task, seeds=[s], iterations=iters) for s in range(n)])

    import jax

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"JAX {jax.__version__} with {jax.local_device_count()} host devices"
    )
    print(f"command: python bench/bench_training.py --models {n} --iterations {iters}\n")
    print("| what | wall time (s) | model-iterations / s |")
    print("|---|---|---|")
    print(f"| 1 model x {iters} it | {single:.2f} | {iters / single:,.0f} |")
    print(f"| {n} models together x {iters} it | {together:.2f} | {n * iters / together:,.0f} |")
    print(f"| {n} models one after another x {iters} it | {one_by_one:.2f} | {n * iters / one_by_one:,.0f} |")
    print(f"\ntogether vs one after another: {one_by_one / together:.1f}x faster")


if __name__ == "__main__":
    main()
