"""Figures of one trained model: loss curve, responses against targets, synthesis cross-sections."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from grnsearch.plots._style import GENE_COLOURS, INPUT_COLOURS, plt, save_figure
from grnsearch.training.responses import Response, SynthesisSections


def plot_loss(history: np.ndarray, path: Path, title: str = "") -> list[Path]:
    """Training loss against iteration (log scale)."""
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ax.plot(np.arange(1, len(history) + 1), history, lw=1, color="black")
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_response(
    responses: Sequence[Response],
    inputs: Sequence[str],
    genes: Sequence[str],
    scored_index: Sequence[int],
    path: Path,
    title: str = "",
) -> list[Path]:
    """Inputs (top) and genes against the targets of the scored genes (bottom), one column per
    demo condition."""
    fig, axes = plt.subplots(
        2,
        len(responses),
        figsize=(3.0 * len(responses), 4.6),
        sharex="col",
        gridspec_kw={"height_ratios": [1, 2.4]},
        squeeze=False,
    )
    for col, response in enumerate(responses):
        t, traj = response.time, response.trajectory
        top, bottom = axes[0, col], axes[1, col]
        for k, name in enumerate(inputs):
            top.step(t[:-1], response.inputs[:, k], where="post", color=INPUT_COLOURS[k % 4], label=name)
        for j, gene in enumerate(genes):
            bottom.plot(t, traj[:, j], color=GENE_COLOURS[j % 6], label=gene)
        for k, j in enumerate(scored_index):
            # a target scored at one step only (a patterning task's final state) is a dot
            alone = np.count_nonzero(np.isfinite(response.targets[:, k])) == 1
            bottom.plot(
                t[1:],
                response.targets[:, k],
                ls=":",
                lw=2,
                marker="o" if alone else "None",
                color=GENE_COLOURS[j % 6],
                label=f"{genes[j]} target",
            )
        top.set_title(response.label, fontsize=9)
        bottom.set_xlabel("time")
        bottom.set_ylim(-0.02, 1.02)
    axes[0, 0].set_ylabel("input")
    axes[1, 0].set_ylabel("expression")
    axes[0, -1].legend(fontsize=7, loc="upper right")
    axes[1, -1].legend(fontsize=7, loc="upper right")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_synthesis(sections: SynthesisSections, sources: Sequence[str], genes: Sequence[str], path: Path) -> list[Path]:
    """Cross-sections of f (as in the paper's Fig. 1c): each f_j against one source on [0, 1],
    the other sources held at rest."""
    fig, axes = plt.subplots(1, len(sources), figsize=(2.6 * len(sources), 2.6), sharey=True, squeeze=False)
    for i, source in enumerate(sources):
        ax = axes[0, i]
        for j, gene in enumerate(genes):
            ax.plot(sections.grid, sections.curves[i, :, j], ls="--", color=GENE_COLOURS[j % 6], label=f"f_{gene}")
        ax.set_xlabel(source)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0, 0].set_ylabel("synthesis rate")
    axes[0, -1].legend(fontsize=7)
    fig.suptitle("synthesis rates against each regulator, others at rest", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
