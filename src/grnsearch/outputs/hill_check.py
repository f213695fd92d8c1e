"""What ``grnsearch hill-check`` writes: ``RUN_DIR/hill/`` with hill_check.json (verdict, metrics,
parameters), the model as SBML and Antimony, and the Hill-against-RNN figure; written whole or
not at all."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from grnsearch._files import output_directory, write_atomic
from grnsearch.hillsearch.fit import HillFit, comparison_panels
from grnsearch.io.sbml import write_hill_exports
from grnsearch.plots.hill import plot_hill_vs_rnn
from grnsearch.training.ensemble import TrainedModel


def hill_dir(run_dir: str | Path) -> Path:
    """Where hill-check writes: ``run_dir/hill``."""
    return Path(run_dir) / "hill"


def write_hill_check(
    run_dir: str | Path, trained: TrainedModel, fit: HillFit, *, figures: bool = True, overwrite: bool = False
) -> Path:
    """Write ``run_dir/hill/`` (module docstring); returns its path. An earlier ``hill/`` is
    replaced only with ``overwrite``."""
    target = hill_dir(run_dir)
    task = trained.task
    first_inputs = np.asarray(task.demo_conditions()[0].inputs)[0]
    input_values = {name: float(v) for name, v in zip(task.inputs, first_inputs, strict=True)}
    initial = dict(zip(task.genes, fit.initial_state.tolist(), strict=True))
    with output_directory(target, "hill-check", overwrite=overwrite, parameter=None) as tmp:
        write_atomic(tmp / "hill_check.json", json.dumps(fit.to_dict(), indent=2))
        write_hill_exports(fit.model, tmp, input_values=input_values, initial_values=initial)
        if figures:
            plot_hill_vs_rnn(
                comparison_panels(trained, fit), fit, task.genes, len(task.scored_index), tmp / "hill_vs_rnn"
            )
    return target
