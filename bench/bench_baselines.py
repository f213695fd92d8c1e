"""The inference baselines on the cellular-automaton benchmark, and the trees' cost.

Run:  python bench/bench_baselines.py [--rules 1,5,10,24] [--seed 0]
For each shipped rule: its data by our generator (17 trajectories, ring of 21 cells), each
baseline's strengths with coupling ring-mean, their AUROCs (edges, the paper's
activating_vs_rest and inhibiting_vs_rest) and wall time; then the trees on 10 targets of 14,000
rows of 200 random sources. Prints Markdown tables for RESULTS.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from grnsearch.infer.automaton import GENES, automaton_data, shipped_rule
from grnsearch.infer.baselines import BASELINES, TreesBaseline
from grnsearch.infer.score import score_network
from grnsearch.infer.series import TimeSeries

CONVENTIONS = ("edges", "activating_vs_rest", "inhibiting_vs_rest")


def automaton_series(model: int, seed: int) -> tuple[TimeSeries, np.ndarray]:
    """Rule ``model``'s data as a time series (one experiment per trajectory) and its signs."""
    rule = shipped_rule(model)
    data = automaton_data(rule, seed)
    n = data.frames.shape[0]
    series = TimeSeries(
        tuple(f"t{k}" for k in range(n)),
        (data.times,) * n,
        tuple(data.frames),
        np.arange(data.frames.shape[2]),
        GENES,
        (),
        data.scale,
    )
    return series, rule.signs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default="1,5,10,24")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| rule | baseline | edges | activating_vs_rest | inhibiting_vs_rest | time (s) |")
    print("|---|---|---|---|---|---|")
    for model in (int(r) for r in args.rules.split(",")):
        series, signs = automaton_series(model, args.seed)
        for name, cls in BASELINES.items():
            start = time.perf_counter()
            strength = cls.seeded(args.seed).strengths(series, "ring-mean")
            elapsed = time.perf_counter() - start
            auroc = {c.convention: c.auroc for c in score_network(signs, strength).conventions}
            cells = " | ".join(f"{auroc[c]:.3f}" for c in CONVENTIONS)
            print(f"| {model} | {name} | {cells} | {elapsed:.1f} |", flush=True)
    rng = np.random.default_rng(args.seed)
    genes = tuple(f"g{k}" for k in range(10))
    inputs = tuple(f"i{k}" for k in range(190))
    values = rng.random((15, 1000, 200))  # 14 pairs of times x 1000 positions: 14,000 rows
    series = TimeSeries(("e",), (np.arange(15.0),), (values,), np.arange(1000), genes, inputs, np.ones(10))
    start = time.perf_counter()
    TreesBaseline(seed=args.seed).strengths(series, "none")
    print(f"\ntrees, 10 targets x 14,000 rows x 200 random sources: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
