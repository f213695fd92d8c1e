"""The consensus network of many runs (the paper's Fig. 5c): a source-by-target matrix of signs
sized by agreement, beside a diagram of its robust links with the genes in their given order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.network.topology import Topology
from grnsearch.plots._style import plt, save_figure
from grnsearch.plots.network import ACTIVATION_COLOUR, REPRESSION_COLOUR, draw_network


def plot_consensus(
    consensus: pd.DataFrame, sources: tuple[str, ...], genes: tuple[str, ...], path: Path, title: str = ""
) -> list[Path]:
    """Left: one disc per link, its area the agreement of the runs, its colour the majority sign
    (activation, repression; grey: absent); right: the links whose ``robust_sign`` is set, line
    width by |median strength|, genes in a row in their order in ``genes``."""
    n_inputs = len(sources) - len(genes)
    fig, (matrix_ax, net_ax) = plt.subplots(1, 2, figsize=(8.4, 3.6), gridspec_kw={"width_ratios": [1, 1.3]})
    colour = {1: ACTIVATION_COLOUR, -1: REPRESSION_COLOUR, 0: "lightgray"}
    for _, row in consensus.iterrows():
        i, j = sources.index(row["source"]), genes.index(row["target"])
        matrix_ax.scatter(j, i, s=260 * row["agreement"], color=colour[int(row["sign"])], edgecolors="none")
        matrix_ax.text(
            j + 0.3, i - 0.3, f"{row['agreement']:.2f}", ha="center", va="center", fontsize=5.5, color="dimgray"
        )
    matrix_ax.set_xticks(range(len(genes)), genes)
    matrix_ax.set_yticks(range(len(sources)), sources)
    matrix_ax.set_xlim(-0.6, len(genes) - 0.4)
    matrix_ax.set_ylim(len(sources) - 0.4, -0.6)
    matrix_ax.axhline(n_inputs - 0.5, color="gray", lw=0.5)
    matrix_ax.set_xlabel("target")
    matrix_ax.set_ylabel("source")
    matrix_ax.set_title("majority sign, sized by agreement\n(black: activation, red: repression)", fontsize=8)
    signs = np.zeros((len(sources), len(genes)), dtype=int)
    strengths = np.zeros(signs.shape)
    for _, row in consensus.iterrows():
        i, j = sources.index(row["source"]), genes.index(row["target"])
        signs[i, j], strengths[i, j] = int(row["robust_sign"]), float(row["median_strength"])
    draw_network(net_ax, Topology(signs, sources, genes), strengths, title="robust links", layout="row")
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
