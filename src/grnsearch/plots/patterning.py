"""Figures of spatial tasks: the model's final pattern against the data, and mutant patterns
against the wild type."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grnsearch.plots._style import GENE_COLOURS, plt, save_figure
from grnsearch.training.responses import FinalPattern


def plot_pattern(
    pattern: FinalPattern, genes: Sequence[str], scored_index: Sequence[int], path: Path, title: str = ""
) -> list[Path]:
    """One panel per scored gene: the data (dots) and the model's final pattern (line) against
    position."""
    fig, axes = plt.subplots(1, len(scored_index), figsize=(2.6 * len(scored_index), 2.4), sharey=True, squeeze=False)
    for k, j in enumerate(scored_index):
        ax = axes[0, k]
        colour = GENE_COLOURS[j % 6]
        ax.plot(pattern.positions, pattern.targets[:, k], "o", color=colour, ms=2.5, alpha=0.5, label="data")
        ax.plot(pattern.positions, pattern.model[:, j], color=colour, lw=1.6, label="model")
        ax.set_title(genes[j], fontsize=9)
        ax.set_xlabel("position x (egg length)")
    axes[0, 0].set_ylabel("level")
    axes[0, -1].legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_mutant_panel(
    positions: np.ndarray,
    names: Sequence[str],
    median: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    genes: Sequence[str],
    path: Path,
    title: str = "",
) -> list[Path]:
    """One panel per mutant condition (the paper's Fig. 5d-e): every gene's median pattern over
    runs (solid, with its interquartile band) against the wild type's (dashed). ``median``,
    ``low`` and ``high`` are (conditions, positions, genes), the wild type first."""
    mutants = list(range(1, len(names)))
    columns = min(4, max(1, len(mutants)))
    rows = max(1, -(-len(mutants) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(2.7 * columns, 2.3 * rows), sharey=True, squeeze=False)
    for ax in axes.flat[len(mutants) :]:
        ax.axis("off")
    for ax, k in zip(axes.flat, mutants, strict=False):
        for j, gene in enumerate(genes):
            colour = GENE_COLOURS[j % len(GENE_COLOURS)]
            ax.plot(positions, median[0, :, j], "--", color=colour, lw=0.9, alpha=0.7)
            ax.fill_between(positions, low[k, :, j], high[k, :, j], color=colour, alpha=0.2, lw=0)
            ax.plot(positions, median[k, :, j], color=colour, lw=1.5, label=gene)
        ax.set_title(names[k], fontsize=9)
        ax.set_xlabel("position x (egg length)", fontsize=8)
    axes[0, 0].set_ylabel("level")
    axes[0, 0].legend(fontsize=7, title="mutant (solid)\nwild type (dashed)", title_fontsize=6)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
