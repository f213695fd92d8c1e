"""Link mutation speed: every link of one adaptation model in both modes, and of 200 models at once.

Run:  python bench/bench_mutation.py
Times are after compilation (each program is run once first) and are the median of 20 repeats.
Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import time

import jax
import numpy as np

import grnsearch
from grnsearch.readout import mutation


def median_time(fn, repeats: int = 20) -> float:
    fn()  # compile
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    task = grnsearch.tasks.adaptation()
    ensemble = grnsearch.train(task, seeds=200, iterations=2000)
    one = ensemble[0]
    scales = np.broadcast_to(task.link_scale(), (len(ensemble), len(task.sources), len(task.genes)))
    rows = []
    for mode in ("trajectory", "derivative"):
        single = median_time(lambda mode=mode: mutation.link_strengths(one.model, task, 0.9, mode))
        many = median_time(
            lambda mode=mode: mutation.ensemble_link_strengths(ensemble.models, task, scales, 0.9, mode), 5
        )
        rows.append((mode, single, many))
    both = median_time(lambda: [mutation.link_strengths(one.model, task, 0.9, m) for m in ("trajectory", "derivative")])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, JAX {jax.__version__}, "
        f"{jax.local_device_count()} host devices"
    )
    print("command: python bench/bench_mutation.py\n")
    print("| mode | 1 model, all 6 links (ms) | 200 models, all links (ms) |")
    print("|---|---|---|")
    for mode, single, many in rows:
        print(f"| {mode} | {1000 * single:.2f} | {1000 * many:.1f} |")
    print(f"\nboth modes, one model, all links: {1000 * both:.2f} ms")


if __name__ == "__main__":
    main()
