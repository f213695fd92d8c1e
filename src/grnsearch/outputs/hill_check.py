"""What ``grnsearch hill-check`` writes: ``RUN_DIR/hill/`` with hill_check.json (verdict, metrics,
parameters, seed and topology source), the model as SBML and Antimony with the task's stimulus
protocol, the tool's exact-ODE trajectories of that protocol (hill_trajectories.csv), a COMBINE
archive (hill_check.omex: SBML, SED-ML and the trajectories) that simulators run on their own, and
the Hill-against-RNN figure; written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from grnsearch._files import output_directory, write_atomic
from grnsearch.dynamics.hill import HillModel
from grnsearch.dynamics.reference import REFERENCE_ATOL, REFERENCE_RTOL, exact_trajectories
from grnsearch.hillsearch.fit import HillFit, comparison_panels
from grnsearch.io.combine import (
    CSV_FORMAT,
    SBML_FORMAT,
    SEDML_FORMAT,
    ArchiveEntry,
    trajectory_table,
    write_combine_archive,
)
from grnsearch.io.protocol import protocol_from_conditions
from grnsearch.io.sbml import SBML_FILE, write_hill_exports
from grnsearch.io.sedml import SEDML_FILE, to_sedml
from grnsearch.plots.hill import plot_hill_vs_rnn
from grnsearch.tasks.base import Task
from grnsearch.training.ensemble import TrainedModel

ARCHIVE_FILE = "hill_check.omex"
TRAJECTORIES_FILE = "hill_trajectories.csv"


def hill_dir(run_dir: str | Path) -> Path:
    """Where hill-check writes: ``run_dir/hill``."""
    return Path(run_dir) / "hill"


def write_model_exports(directory: Path, task: Task, model: HillModel, initial_state: np.ndarray) -> dict[str, Any]:
    """Write the SBML and Antimony models with the task's protocol (``task.check_conditions()``),
    the exact-ODE trajectories of that protocol and the COMBINE archive into ``directory``;
    returns what the archive records (files, protocol, solver) for hill_check.json."""
    directory = Path(directory)
    protocol = protocol_from_conditions(task.check_conditions(), task.inputs)
    initial = dict(zip(task.genes, np.asarray(initial_state, dtype=float).tolist(), strict=True))
    write_hill_exports(model, directory, initial_values=initial, protocol=protocol)
    trajectories = exact_trajectories(model, protocol.input_arrays(), protocol.dt, np.asarray(initial_state))
    table = trajectory_table(protocol, task.genes, trajectories).to_csv(index=False)
    write_atomic(directory / TRAJECTORIES_FILE, table)
    sedml = to_sedml(protocol, task.genes, SBML_FILE, rtol=REFERENCE_RTOL, atol=REFERENCE_ATOL)
    write_combine_archive(
        directory / ARCHIVE_FILE,
        [
            ArchiveEntry(SBML_FILE, (directory / SBML_FILE).read_text(), SBML_FORMAT),
            ArchiveEntry(SEDML_FILE, sedml, SEDML_FORMAT, master=True),
            ArchiveEntry(TRAJECTORIES_FILE, table, CSV_FORMAT),
        ],
    )
    return {
        "archive": ARCHIVE_FILE,
        "trajectories": TRAJECTORIES_FILE,
        "trajectory_solver": f"adaptive ODE (Tsit5, float64, rtol {REFERENCE_RTOL:g}, atol {REFERENCE_ATOL:g})",
        "protocol": {
            "dt": protocol.dt,
            "steps": protocol.steps,
            "run_length": protocol.duration,
            "switch_times": list(protocol.switch_times),
            "conditions": {c.id: {"label": c.label, **protocol.parameter_values(c)} for c in protocol.conditions},
        },
    }


def write_hill_check(
    run_dir: str | Path,
    trained: TrainedModel,
    fit: HillFit,
    *,
    figures: bool = True,
    seed: int | None = None,
    topology_source: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``run_dir/hill/`` (module docstring); returns its path. ``seed`` and
    ``topology_source`` (where the topology came from) are recorded in hill_check.json. An
    earlier ``hill/`` is replaced only with ``overwrite``."""
    target = hill_dir(run_dir)
    task = trained.task
    with output_directory(target, "hill-check", overwrite=overwrite, parameter=None) as tmp:
        exports = write_model_exports(tmp, task, fit.model, fit.initial_state)
        record = {**fit.to_dict(), "seed": seed, "topology_source": topology_source, "exports": exports}
        write_atomic(tmp / "hill_check.json", json.dumps(record, indent=2))
        if figures:
            plot_hill_vs_rnn(
                comparison_panels(trained, fit), fit, task.genes, len(task.scored_index), tmp / "hill_vs_rnn"
            )
    return target
