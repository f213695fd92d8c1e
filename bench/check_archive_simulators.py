"""Do tellurium and COPASI execute a Hill check's COMBINE archive to the tool's exact-ODE
trajectories?

Fits Hill models of the adaptation feed-forward loop and of the authors' most robust oscillator
(small fits), writes their exports through the path ``grnsearch hill-check`` uses, then runs each
archive in other Pythons (neither tool is a dependency) and compares with
``hill_trajectories.csv``: tellurium's ``executeCombineArchive`` (every report), and COPASI's
``openCombineArchive`` (COPASI imports only the SED-ML's first model, so the other conditions are
run by setting their input values, as a COPASI user would).

    python bench/check_archive_simulators.py --tellurium-python VENV/bin/python [--copasi-python VENV2/bin/python]
"""

from __future__ import annotations

import argparse
import json
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

COPASI = """
import json, sys
import COPASI
data_model = COPASI.CRootContainer.addDatamodel()
assert data_model.openCombineArchive(sys.argv[1])
model, task = data_model.getModel(), data_model.getTask("Time-Course")
runs = {}
task.initialize(COPASI.CCopasiTask.OUTPUT_UI)
for cid, values in json.loads(sys.argv[2]).items():
    for pid, value in values.items():
        model.getModelValue(pid).setInitialValue(value)
    model.compileIfNecessary()
    model.applyInitialValues()
    task.process(True)
    series = task.getTimeSeries()
    runs[cid] = {series.getTitle(c): [series.getConcentrationData(r, c) for r in range(series.getRecordedSteps())]
                 for c in range(series.getNumVariables())}
print(json.dumps(runs))
"""


def copasi_error(python: str, directory: Path, protocol: dict, genes: tuple[str, ...]) -> float:
    """Largest |COPASI - exact ODE| over every condition (values set per condition)."""
    values = {cid: {k: v for k, v in c.items() if k != "label"} for cid, c in protocol["conditions"].items()}
    done = subprocess.run(
        [python, "-c", COPASI, str(directory / ARCHIVE_FILE), json.dumps(values)], check=True, capture_output=True
    )
    runs = json.loads(done.stdout.decode().strip().splitlines()[-1])
    reference = pd.read_csv(directory / TRAJECTORIES_FILE)
    return max(
        float(np.abs(np.asarray([runs[cid][g] for g in genes]).T - expected[list(genes)].to_numpy()).max())
        for cid, expected in reference.groupby("condition")
    )


def check(python: str, task_name: str, directory: Path, copasi: str | None) -> float:
    """Largest |tellurium - exact ODE| over every report point of the task's archive."""
    task = tasks.get(task_name)
    key, options = CASES[task_name]
    fit = fit_hill(task, Topology.from_key(key, task.sources, task.genes), **options)
    record = write_model_exports(directory, task, fit.model, fit.initial_state)
    if copasi:
        error = copasi_error(copasi, directory, record["protocol"], task.genes)
        print(f"{task_name}: max |COPASI - exact ODE| = {error:.2e}")
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
    parser.add_argument("--copasi-python", help="a Python with python-copasi installed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for task_name in CASES:
            directory = Path(tmp) / task_name
            directory.mkdir()
            check(args.tellurium_python, task_name, directory, args.copasi_python)


if __name__ == "__main__":
    main()
