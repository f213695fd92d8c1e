"""Figures of a network inferred from data: the strength matrix as a heatmap and the data of
the held-out experiment against the model's run through it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grnsearch.plots._style import plt, save_figure


def plot_strength_heatmap(
    strengths: np.ndarray,
    sources: Sequence[str],
    genes: Sequence[str],
    path: Path,
    *,
    gold: np.ndarray | None = None,
    title: str = "",
) -> list[Path]:
    """The signed strength matrix (rows: sources, columns: targets; red activates, blue
    represses); with ``gold``, its true links are framed (solid: activating, dashed: repressing)."""
    limit = float(np.max(np.abs(strengths))) or 1.0
    fig, ax = plt.subplots(figsize=(1.2 + 0.35 * len(genes), 1.0 + 0.28 * len(sources)))
    image = ax.imshow(strengths, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    if gold is not None:
        for i, j in zip(*np.nonzero(gold), strict=True):
            style = "-" if gold[i, j] > 0 else "--"
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=0.9, ls=style, ec="black"))
    ax.set_xticks(range(len(genes)), genes, rotation=90, fontsize=7)
    ax.set_yticks(range(len(sources)), sources, fontsize=7)
    ax.set(xlabel="target", ylabel="source")
    fig.colorbar(image, ax=ax, shrink=0.6, label="strength")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_data_vs_model(
    times: np.ndarray,
    observed: np.ndarray,
    predicted: np.ndarray,
    genes: Sequence[str],
    path: Path,
    *,
    title: str = "",
) -> list[Path]:
    """Observed against predicted levels (T, P, G) of one experiment: with one position, a panel
    per gene of the time courses; with many, a row of kymographs (time down, position across) of
    the data above a row of the model's."""
    n_genes = len(genes)
    if observed.shape[1] == 1:
        fig, axes = plt.subplots(1, n_genes, figsize=(2.2 * n_genes, 2.2), squeeze=False)
        for j, ax in enumerate(axes[0]):
            ax.plot(times, observed[:, 0, j], "o", ms=3, color="black", label="data")
            ax.plot(times, predicted[:, 0, j], "-", color="tab:red", label="model")
            ax.set(title=genes[j], xlabel="time")
        axes[0, 0].legend(fontsize=7)
    else:
        fig, axes = plt.subplots(2, n_genes, figsize=(1.6 * n_genes + 0.6, 4.2), squeeze=False, sharey=True)
        extent = (0, observed.shape[1] - 1, float(times[-1]), float(times[0]))
        top = float(np.nanmax(np.concatenate([observed, predicted])))
        for j in range(n_genes):
            for row, (label, values) in enumerate((("data", observed), ("model", predicted))):
                ax = axes[row, j]
                ax.imshow(values[..., j], aspect="auto", extent=extent, vmin=0, vmax=top, cmap="viridis")
                ax.set_title(f"{genes[j]} ({label})", fontsize=8)
                ax.set_xlabel("position", fontsize=7)
            axes[0, 0].set_ylabel("time")
            axes[1, 0].set_ylabel("time")
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
