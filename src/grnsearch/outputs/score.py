"""What ``grnsearch score`` (and ``infer --gold``) writes: ``score.json`` (every convention's
AUROC and AUPR with their random expectations, and the sign confusion matrix) and the ROC and
precision-recall figure ``score.{png,svg}``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from grnsearch._files import output_directory, write_atomic
from grnsearch.infer.score import NetworkScore
from grnsearch.plots.score import plot_score


def write_score_files(
    directory: Path, gold: np.ndarray, strength: np.ndarray, score: NetworkScore, figures: bool, sources: dict
) -> None:
    """``score.json`` (with ``sources``: what was scored against what) and the figure, into an
    existing directory being built."""
    record = {**sources, **score.as_dict()}
    write_atomic(directory / "score.json", json.dumps(record, indent=2))
    if figures:
        plot_score(
            gold, strength, score, directory / "score", title=f"{sources['prediction']} against {sources['gold']}"
        )


def write_score(
    out_dir: str | Path,
    gold: np.ndarray,
    strength: np.ndarray,
    score: NetworkScore,
    sources: dict,
    *,
    figures: bool = True,
    overwrite: bool = False,
) -> Path:
    """The score's own directory, written whole."""
    out_dir = Path(out_dir)
    with output_directory(out_dir, "score", overwrite=overwrite, parameter="out_dir") as staging:
        write_score_files(staging, gold, strength, score, figures, sources)
    return out_dir
