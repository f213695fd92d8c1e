"""Does tellurium execute a Hill check's COMBINE archive to the tool's exact-ODE trajectories?

Fits Hill models of the adaptation feed-forward loop and of the authors' most robust oscillator
(small fits), writes their exports through the path ``grnsearch hill-check`` uses, then runs each
archive with ``tellurium.executeCombineArchive`` in another Python (tellurium is not a
dependency) and compares every report with ``hill_trajectories.csv``.

    python bench/check_archive_tellurium.py --tellurium-python /path/to/venv-with-tellurium/bin/python
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.hillsearch.fit import fit_hill
from grnsearch.network.topology import Topology
from grnsearch.outputs.hill_check import ARCHIVE_FILE, TRAJECTORIES_FILE, write_model_exports

CASES = {
    "adaptation": ("I->g1:+ I->g2:+ g2->g1:-", {"samples": 4096, "starts": 8, "iterations": 800}),
    "oscillation": ("I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+", {"samples": 40_000}),
}
RUN = """
import sys, matplotlib
matplotlib.use("Agg")
import tellurium as te
te.executeCombineArchive(sys.argv[1], workingDir=sys.argv[2], saveOutputs=True, outputDir=sys.argv[3])
"""


def check(python: str, task_name: str, directory: Path) -> float:
    """Largest |tellurium - exact ODE| over every report point of the task's archive."""
    task = tasks.get(task_name)
    key, options = CASES[task_name]
    fit = fit_hill(task, Topology.from_key(key, task.sources, task.genes), **options)
    write_model_exports(directory, task, fit.model, fit.initial_state)
    work, out = directory / "work", directory / "out"
    work.mkdir()
    out.mkdir()
    subprocess.run([python, "-c", RUN, str(directory / ARCHIVE_FILE), str(work), str(out)], check=True)
    reference = pd.read_csv(directory / TRAJECTORIES_FILE)
    worst = 0.0
    for condition, expected in reference.groupby("condition"):
        report = pd.read_csv(next(out.glob(f"*report_{condition}.csv")))
        assert len(report) == len(expected)
        worst = max(
            worst, float(np.abs(report[list(task.genes)].to_numpy() - expected[list(task.genes)].to_numpy()).max())
        )
    print(f"{task_name}: {key} performs={fit.performs}; {reference['condition'].nunique()} conditions, "
          f"max |tellurium - exact ODE| = {worst:.2e}")  # fmt: skip
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tellurium-python", required=True, help="a Python with tellurium installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for task_name in CASES:
            directory = Path(tmp) / task_name
            directory.mkdir()
            check(args.tellurium_python, task_name, directory)


if __name__ == "__main__":
    main()
