"""What ``grnsearch predict`` writes into its directory:

- ``patterns.csv``: ``condition,x,gene,median,q25,q75``, each condition's pattern over runs;
- ``run_patterns.csv``: ``seed,condition,x,<genes>``, every run's pattern;
- ``borders.csv``: every wild-type border (half maximum) per condition, its position and its shift
  from the wild type, with quartiles over runs (readout/mutants.py);
- ``domains.csv``: per condition and gene, the peak relative to the wild type and the change of
  the domain's extent;
- ``summary.json``: the task, runs, conditions and the border definition;
- ``mutants.png``/``.svg``: one panel per mutant against the wild type (the paper's Fig. 5d-e).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from grnsearch._files import output_directory, write_atomic
from grnsearch.plots.patterning import plot_mutant_panel
from grnsearch.readout.borders import LOST_BELOW, MAX_SHIFT
from grnsearch.readout.mutants import border_table, domain_table, pattern_table, run_pattern_table
from grnsearch.readout.predict import Prediction


def write_prediction(
    prediction: Prediction, out_dir: str | Path, *, figures: bool = True, overwrite: bool = False
) -> Path:
    """Write the prediction's directory (module docstring), whole; an existing non-empty
    ``out_dir`` is replaced only with ``overwrite`` and only if grnsearch wrote it as a prediction."""
    out_dir = Path(out_dir)
    task, x, names = prediction.task, prediction.positions, prediction.names
    patterns = prediction.patterns
    with output_directory(out_dir, "predict", overwrite=overwrite, parameter="out_dir") as staging:
        if figures:
            quartiles = np.percentile(patterns, [50, 25, 75], axis=0)
            plot_mutant_panel(
                x,
                names,
                *quartiles,
                task.genes,
                staging / "mutants",
                title=f"{task.name}: median of {len(prediction.seeds)} runs (band: interquartile range)",
            )
        write_atomic(staging / "patterns.csv", pattern_table(patterns, x, names, task.genes).to_csv(index=False))
        runs = run_pattern_table(patterns, x, names, task.genes, prediction.seeds)
        write_atomic(staging / "run_patterns.csv", runs.to_csv(index=False))
        write_atomic(staging / "borders.csv", border_table(patterns, x, names, task.genes).to_csv(index=False))
        write_atomic(staging / "domains.csv", domain_table(patterns, x, names, task.genes).to_csv(index=False))
        summary = {
            "task": task.name,
            "runs": len(prediction.seeds),
            "seeds": prediction.seeds,
            "conditions": names,
            "positions": len(x),
            "border": "where a profile crosses half its own maximum (linear interpolation); followed from the "
            f"median wild type's borders to the nearest crossing in the same direction within {MAX_SHIFT} of "
            f"it; none where the gene's peak is below {LOST_BELOW} of the run's wild-type peak",
            "spread": "quartiles over runs (q25, q75)",
        }
        write_atomic(staging / "summary.json", json.dumps(summary, indent=2))
    return out_dir
