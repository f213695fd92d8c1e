"""Run directories with their figures: what ``grnsearch train`` writes, and the run directories
inside sparsify and study outputs.

The data come from :mod:`grnsearch.io.runs` and the figures from :mod:`grnsearch.plots`; each run
directory is built under a temporary name and moved into place whole, the manifest written last.
"""

from __future__ import annotations

from pathlib import Path

from tqdm.auto import tqdm

from grnsearch._files import output_directory, write_atomic
from grnsearch.io.runs import write_manifest, write_run_data
from grnsearch.plots.patterning import plot_pattern
from grnsearch.plots.training import plot_loss, plot_response, plot_synthesis
from grnsearch.training.ensemble import Ensemble, TrainedModel
from grnsearch.training.responses import demo_responses, final_pattern, synthesis_sections


def write_run_figures(trained: TrainedModel, fig_dir: Path) -> None:
    """The loss curve, the responses to the demo conditions and the synthesis cross-sections;
    for a spatial task also the final pattern against the data."""
    task = trained.task
    plot_loss(trained.history, fig_dir / "loss", title=f"{task.name}, seed {trained.seed}")
    plot_response(
        demo_responses(trained),
        task.inputs,
        task.genes,
        task.scored_index,
        fig_dir / "response",
        title=f"{task.name}, seed {trained.seed}",
    )
    plot_synthesis(synthesis_sections(trained), task.sources, task.genes, fig_dir / "synthesis")
    if task.spatial:
        plot_pattern(
            final_pattern(trained),
            task.genes,
            task.scored_index,
            fig_dir / "pattern",
            title=f"{task.name}, seed {trained.seed}: final pattern against the data",
        )


def save_run(
    trained: TrainedModel, run_dir: str | Path, *, figures: bool = True, ensemble_size: int = 1, overwrite: bool = False
) -> Path:
    """Write one model's run directory atomically (data, figures, then the manifest); returns
    its path. An existing non-empty ``run_dir`` is replaced only with ``overwrite`` and only if
    grnsearch wrote it as a run directory (:func:`grnsearch._files.check_output_target`)."""
    run_dir = Path(run_dir)
    with output_directory(run_dir, "run", overwrite=overwrite, parameter="run_dir") as tmp:
        write_run_data(trained, tmp)
        if figures:
            write_run_figures(trained, tmp / "figures")
        write_manifest(trained, tmp, ensemble_size)
    return run_dir


def save_ensemble(
    ensemble: Ensemble, out_dir: str | Path, *, figures: bool = True, progress: bool = False, overwrite: bool = False
) -> Path:
    """Write ``out_dir/seed-<k>/`` for every model and ``out_dir/summary.csv``; the directory
    appears whole at the end, so an interruption leaves nothing behind. An existing non-empty
    ``out_dir`` is replaced, whole, only with ``overwrite`` and only if grnsearch wrote it as a
    train output."""
    out_dir = Path(out_dir)
    with output_directory(out_dir, "train", overwrite=overwrite, parameter="out_dir") as staging:
        for trained in tqdm(ensemble, total=len(ensemble), disable=not progress, desc="writing runs", unit="run"):
            save_run(trained, staging / f"seed-{trained.seed}", figures=figures, ensemble_size=len(ensemble))
        write_atomic(staging / "summary.csv", ensemble.summary().to_csv(index=False))
    return out_dir
