"""How far apart two exhaustive Hill searches of 160,000 sets can be: the sampling-noise ceiling
of the Jaccard overlap with the authors' 104 successful topologies.

Run:  python bench/bench_search_noise.py --out DIR [--samples 960000] [--seed 2] [--draws 4000]

1. One long search (``--samples`` sets per topology, default 6 x 160,000, resumable in DIR)
   estimates every topology's rate of successful sets, lambda = expected sets per 160,000.
2. Under the paper's rule (a topology succeeds with at least 2 of 160,000 sets) a search is a
   Poisson draw per topology. From ``--draws`` simulated draws: the expected number of successful
   topologies, the Jaccard overlap of two independent searches, the overlap of one search with
   the authors' list and how often it reaches 0.8, and the overlap of the best fixed list (every
   topology with P(at least 2 sets) >= 0.5) with the authors' list.
3. The authors' own list is compared with the rates: total sets, and the correlation of their
   counts with lambda on their 104 topologies.
Prints Markdown for RESULTS.md. This measures statistics, not speed.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.hillsearch.space import link_columns
from grnsearch.io.search_dir import read_search
from grnsearch.workflows.search import run_search

PAPER = Path(__file__).resolve().parents[1] / "tests" / "data" / "shen2021_oscillation" / "hill_search_successes.csv"
PAPER_SAMPLES = 160_000
MIN_SETS = 2  # the formula for p_success below assumes 2


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard overlap of boolean membership rows (broadcast over leading axes)."""
    return (a & b).sum(-1) / np.maximum((a | b).sum(-1), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="search directory (resumed if unfinished)")
    parser.add_argument("--samples", type=int, default=6 * PAPER_SAMPLES)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--draws", type=int, default=4000)
    args = parser.parse_args()

    task = tasks.get("oscillation")
    start = time.perf_counter()
    if (args.out / "search.csv").is_file():
        result = read_search(args.out)
    else:
        result = run_search(
            task,
            samples=args.samples,
            seed=args.seed,
            out=args.out,
            resume=(args.out / "search.json").is_file(),
            progress=True,
        )
    elapsed = time.perf_counter() - start
    if result.settings.samples != args.samples or result.settings.seed != args.seed:
        raise SystemExit(
            f"{args.out} holds a search of {result.settings.samples} sets, seed "
            f"{result.settings.seed}; use another --out"
        )

    table = result.table
    columns = link_columns(task)
    rate = table["successful_sets"].to_numpy() * PAPER_SAMPLES / args.samples  # expected sets per 160k
    paper = pd.read_csv(PAPER)
    paper_counts = dict(zip(map(tuple, paper[columns].to_numpy(int)), paper["successful_sets"], strict=True))
    keys = list(map(tuple, table[columns].to_numpy(int)))
    in_paper = np.asarray([k in paper_counts for k in keys])
    paper_sets = np.asarray([paper_counts.get(k, 0) for k in keys])
    assert in_paper.sum() == len(paper), "every topology of the authors' list lies in the search space"

    rng = np.random.default_rng(0)
    draws = rng.poisson(rate, size=(args.draws, len(rate))) >= MIN_SETS
    p_success = 1.0 - np.exp(-rate) * (1.0 + rate)  # P(Poisson(rate) >= 2)
    best = p_success >= 0.5
    with_paper = jaccard(draws, in_paper[None, :])
    pairs = jaccard(draws[0::2], draws[1::2])
    own_draw = table["successful_sets"].to_numpy() >= MIN_SETS  # this search's own rule at its sample size

    print(
        f"Machine: {platform.platform()}, {platform.processor() or 'cpu'}; "
        f"search of {args.samples:,} sets per topology, seed {args.seed}: {elapsed:.0f} s "
        f"(0 if read back from {args.out})\n"
    )
    print("| figure | value |")
    print("|---|---|")
    print(
        f"| successful sets, all topologies, per 160,000 (authors: {paper['successful_sets'].sum()}) "
        f"| {rate.sum():.0f} |"
    )
    print(
        f"| correlation of the authors' counts with lambda on their {len(paper)} topologies "
        f"| {np.corrcoef(paper_sets[in_paper], rate[in_paper])[0, 1]:.3f} |"
    )
    print(f"| topologies with lambda >= 2 / with P(>= 2 sets) >= 0.5 | {(rate >= 2).sum()} / {best.sum()} |")
    print(
        f"| successful topologies of one 160,000-set search: mean (5-95%) | {draws.sum(1).mean():.1f} "
        f"({np.percentile(draws.sum(1), 5):.0f}-{np.percentile(draws.sum(1), 95):.0f}) |"
    )
    print(
        f"| Jaccard of two independent 160,000-set searches: mean (5-95%) | {pairs.mean():.3f} "
        f"({np.percentile(pairs, 5):.3f}-{np.percentile(pairs, 95):.3f}) |"
    )
    print(
        f"| Jaccard of one 160,000-set search with the authors' list: mean (5-95%) | {with_paper.mean():.3f} "
        f"({np.percentile(with_paper, 5):.3f}-{np.percentile(with_paper, 95):.3f}) |"
    )
    print(
        f"| share of 160,000-set searches reaching Jaccard >= 0.8 with the authors' list "
        f"| {(with_paper >= 0.8).mean():.4f} |"
    )
    print(
        f"| Jaccard of the best fixed list (P(>= 2 sets) >= 0.5) with the authors' list "
        f"| {jaccard(best, in_paper):.3f} |"
    )
    print(
        f"| Jaccard of this search's own >= {MIN_SETS}-set list ({args.samples:,} sets) with the authors' "
        f"| {jaccard(own_draw, in_paper):.3f} |"
    )


if __name__ == "__main__":
    main()
