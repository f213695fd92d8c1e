"""What ``grnsearch study`` writes into its directory: ``study.csv`` (one row per run),
``strengths.csv`` (every run's link strengths), ``topologies.csv`` (over converged runs), each
with a sidecar ``<name>.csv.json`` of the read-out settings (lam, mode, cutoff, cutoff rule),
``summary.json`` (convergence, cutoff, degeneracy, wall time, agreement with the task's
references), ``consensus.csv`` (``source,target,sign,agreement,median_strength``: the majority
sign of each link over the converged runs and the share that has it), with a task's reference
networks ``reference_comparison.csv`` (link by link), the cutoff scan, figures of the most
frequent topologies and of the consensus (the paper's Fig. 5c), and ``seed-<k>/`` run directories
(without figures) for later use. Tables are written last."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from grnsearch import tasks
from grnsearch._files import output_directory, write_atomic
from grnsearch.io.tables import READOUT_KEYS, ensemble_strength_table, write_table
from grnsearch.outputs.runs import save_run
from grnsearch.plots.consensus import plot_consensus
from grnsearch.plots.network import plot_topology_gallery
from grnsearch.plots.readout import plot_cutoff_scan
from grnsearch.readout.consensus import CONSENSUS_COLUMNS, CONSENSUS_CUTOFF
from grnsearch.workflows.study import StudyResult


def write_study_outputs(
    result: StudyResult, out_dir: str | Path, *, figures: bool = True, progress: bool = False, overwrite: bool = False
) -> Path:
    """Write the study's directory (module docstring), whole; an existing non-empty ``out_dir``
    is replaced only with ``overwrite`` and only if grnsearch wrote it as a study."""
    out_dir = Path(out_dir)
    task = result.task
    table = result.topology_table()
    consensus = result.consensus()
    with output_directory(out_dir, "study", overwrite=overwrite, parameter="out_dir") as staging:
        for trained in tqdm(
            result.ensemble, total=len(result.ensemble), disable=not progress, desc="writing runs", unit="run"
        ):
            save_run(trained, staging / f"seed-{trained.seed}", figures=False, ensemble_size=len(result.ensemble))
        if figures:
            n_conv = int(result.converged.sum())
            plot_topology_gallery(
                table,
                task.sources,
                task.genes,
                staging / "topologies",
                title=f"{task.name}: most frequent topologies of {n_conv} converged runs",
            )
            if result.scan is not None:
                plot_cutoff_scan(result.scan, staging / "cutoff_scan")
            plot_consensus(
                consensus,
                task.sources,
                task.genes,
                staging / "consensus",
                title=f"{task.name}: consensus of {int(result.consensus_basis().sum())} runs",
            )
        if result.scan is not None:
            write_atomic(staging / "cutoff_scan.csv", result.scan.to_frame().to_csv(index=False))
        strengths = ensemble_strength_table(
            result.ensemble.seeds, result.converged, result.strengths, task.sources, task.genes
        )
        summary = result.summary()
        settings = {"task": task.name, **{k: summary[k] for k in READOUT_KEYS}}
        write_table(
            staging / "strengths.csv",
            strengths,
            "every run's link strengths (one SRC->TGT column per link); present links are those with "
            "|strength| > cutoff",
            settings,
        )
        write_table(
            staging / "topologies.csv", table, "topology counts over the converged runs at the cutoff", settings
        )
        _write_consensus(staging, result, consensus, settings)
        write_atomic(staging / "summary.json", json.dumps(summary, indent=2))
        record = tasks.record_text(task)
        if record is not None:
            write_atomic(staging / tasks.RECORD, record)
        write_atomic(staging / "study.csv", result.table().to_csv(index=False))
    return out_dir


def _write_consensus(staging: Path, result: StudyResult, consensus: pd.DataFrame, settings: dict) -> None:
    """``consensus.csv`` and, for a task with reference networks, ``reference_comparison.csv``."""
    task = result.task
    consensus_settings = {
        **settings,
        "cutoff": CONSENSUS_CUTOFF,
        "cutoff_rule": "every run's sign is the sign of its strength, however small (the paper's Fig. 5c); "
        "the study's cutoff for topologies is in summary.json",
    }
    write_table(
        staging / "consensus.csv",
        consensus[list(CONSENSUS_COLUMNS)],
        "majority sign of each link over the converged runs, the share of runs with that sign, and the median strength",
        consensus_settings,
    )
    if task.references:
        write_table(
            staging / "reference_comparison.csv",
            result.reference_comparison(),
            "the consensus beside each reference network; <name>_agrees compares our sign (majority, or "
            "robust_sign: set where at least 6 of 7 runs agree) with the reference's, where it states one; "
            + "; ".join(f"{ref.name}: {ref.description} (ours: {ref.compare})" for ref in task.references),
            consensus_settings,
        )
