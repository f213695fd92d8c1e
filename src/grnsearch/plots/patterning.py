"""Figures of spatial tasks: the model's final pattern against the data."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
