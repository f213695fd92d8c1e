"""What ``grnsearch sparsify`` writes: ``seed-<k>/step-<n>/`` (full run directories with their
network exports), ``seed-<k>/path.csv`` and ``seed-<k>/path.{png,svg}`` per seed, and ``paths.csv``
(one row per seed: the last successful step), ``summary.json`` (the task, seeds and read-out) and,
for a task stated in a file, ``task.toml``. The directory appears whole at the end."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from grnsearch import tasks
from grnsearch._files import output_directory, write_atomic
from grnsearch.io.network import write_network_exports
from grnsearch.outputs.runs import save_run
from grnsearch.plots.network import plot_network
from grnsearch.plots.readout import plot_sparsify_path
from grnsearch.readout.sparsify import SparsifyPath, paths_table


def write_sparsify_outputs(
    paths: Sequence[SparsifyPath],
    out_dir: str | Path,
    *,
    figures: bool = True,
    progress: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write every path's directories, tables and figures into ``out_dir`` (module docstring),
    whole; an existing non-empty ``out_dir`` is replaced only with ``overwrite`` and only if
    grnsearch wrote it as a sparsify output."""
    out_dir = Path(out_dir)
    with output_directory(out_dir, "sparsify", overwrite=overwrite, parameter="out_dir") as staging:
        for path in tqdm(paths, disable=not progress, desc="writing paths", unit="seed"):
            seed_dir = staging / f"seed-{path.seed}"
            for step in path.steps:
                step_dir = seed_dir / f"step-{step.step}"
                save_run(step.trained, step_dir, figures=figures)
                details = {
                    "lam": path.lam,
                    "mode": "trajectory",
                    "cutoff": step.cutoff,
                    "cutoff_rule": "sparsify",
                    "seed": path.seed,
                    "step": step.step,
                    "success": step.success,
                }
                write_network_exports(step_dir, step.topology, step.strengths, details)
                if figures:
                    plot_network(step.topology, step.strengths, step_dir / "figures" / "network", f"step {step.step}")
            write_atomic(seed_dir / "path.csv", path.table().to_csv(index=False))
            if figures:
                plot_sparsify_path(path, seed_dir / "path")
        write_atomic(staging / "paths.csv", paths_table(paths).to_csv(index=False))
        if paths:
            _write_summary(paths, staging)
    return out_dir


def _write_summary(paths: Sequence[SparsifyPath], staging: Path) -> None:
    """``summary.json`` (what ``compare`` reads to know the task) and the task file's record."""
    task = paths[0].task
    summary = {
        "task": task.name,
        "seeds": [p.seed for p in paths],
        "lam": paths[0].lam,
        "successful_paths": sum(p.last_success is not None for p in paths),
    }
    write_atomic(staging / "summary.json", json.dumps(summary, indent=2))
    record = tasks.record_text(task)
    if record is not None:
        write_atomic(staging / tasks.RECORD, record)
