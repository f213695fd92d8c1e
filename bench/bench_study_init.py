"""Which networks a 200-run oscillation study finds, by training initialisation and noise.

Run:  python bench/bench_study_init.py [--seeds 200] [--search DIR]

For each training setting, one in-process study (the task's defaults otherwise: 4000 iterations,
lambda 0.9, automatic cutoff) and its comparison with the authors' 104 successful Hill
topologies (and with a finished ``grnsearch search`` directory, if given): converged runs,
distinct topologies, and the share of runs that are direct hits or within one link (the paper:
64 topologies, 38.3% and 54.9%). Prints Markdown for RESULTS.md. This measures what training
finds, not speed.
"""

from __future__ import annotations

import argparse
import platform
from pathlib import Path

from grnsearch import tasks
from grnsearch.io.search_dir import read_search
from grnsearch.io.tables import read_topology_table
from grnsearch.readout.statistics import compare_with_reference
from grnsearch.workflows.compare import compare
from grnsearch.workflows.study import run_study

PAPER = Path(__file__).resolve().parents[1] / "tests" / "data" / "shen2021_oscillation" / "hill_search_successes.csv"
SETTINGS = {
    "Glorot-uniform, free start 0, noise 0.05 (before)": {"init": "glorot", "free_start": "zero", "noise": 0.05},
    "truncated normal 0.1, free start U(0,1), noise 0.05 (default)": {},
    "truncated normal 0.1, free start U(0,1), no noise": {"noise": 0.0},
    "truncated normal 0.1, free start 0, noise 0.05": {"free_start": "zero"},
    "truncated normal 0.1, free start U(0,1), noise 0.05, 8000 iterations": {"iterations": 8000},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--search", type=Path, default=None, help="a finished 'grnsearch search oscillation'")
    args = parser.parse_args()
    task = tasks.get("oscillation")
    paper = read_topology_table(PAPER, task.sources, task.genes)
    search = read_search(args.search) if args.search else None

    print(
        f"Machine: {platform.platform()}; command: python bench/bench_study_init.py --seeds {args.seeds}"
        f"{f' --search {args.search}' if args.search else ''}\n"
    )
    extra = " | direct / within one link (our search)" if search else ""
    print(f"| training | converged | cutoff | distinct | direct / within one link (paper's list){extra} |")
    print("|---|---|---|---|---|" + ("---|" if search else ""))
    for label, overrides in SETTINGS.items():
        result = run_study(task, args.seeds, config=task.defaults.replace(**overrides))
        runs = [t for t, ok in zip(result.topologies, result.converged, strict=True) if ok and t.is_connected()]
        against_paper = compare_with_reference(runs, paper)
        row = (
            f"| {label} | {int(result.converged.sum())} of {len(result.converged)} | {result.cutoff:.2g} | "
            f"{against_paper.n_distinct} | {100 * against_paper.direct_probability:.1f}% / "
            f"{100 * against_paper.compatible_probability:.1f}% |"
        )
        if search is not None:
            ours = compare([t.key() for t in runs], search)
            row += f" {100 * ours.direct_probability:.1f}% / {100 * ours.near_probability:.1f}% |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
