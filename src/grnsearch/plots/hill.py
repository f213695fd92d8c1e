"""Figures of Hill-function checks: a Hill model against its RNN, and an RNN study against the
exhaustive Hill search (the paper's Fig. 3f)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.patches import Circle

from grnsearch.hillsearch.fit import ComparisonPanel, HillFit
from grnsearch.plots._style import GENE_COLOURS, plt, save_figure
from grnsearch.workflows.compare import Comparison


def plot_hill_vs_rnn(
    panels: Sequence[ComparisonPanel], fit: HillFit, genes: Sequence[str], n_scored: int, path: Path
) -> list[Path]:
    """The trained RNN (solid) and its Hill-function version (dashed), one panel per condition,
    with targets dotted where the panel has them."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False, sharey=True)
    for ax, panel in zip(axes[0], panels, strict=False):
        for j, gene in enumerate(genes):
            colour = GENE_COLOURS[j % 6]
            ax.plot(panel.rnn_time, panel.rnn[:, j], color=colour, lw=1.5, label=f"{gene} RNN")
            ax.plot(panel.hill_time, panel.hill[:, j], color=colour, lw=1.5, ls="--", label=f"{gene} Hill (exact ODE)")
        if panel.targets is not None:
            for k in range(n_scored):
                ax.plot(
                    panel.rnn_time[1:],
                    panel.targets[:, k],
                    ls=":",
                    lw=1.5,
                    color="black",
                    label="target" if k == 0 else None,
                )
        ax.set_title(panel.label, fontsize=9)
        ax.set_xlabel("time")
    axes[0, 0].set_ylabel("expression")
    axes[0, -1].legend(fontsize=7, loc="upper right")
    verdict = ("performs the task" if fit.performs else "does NOT perform the task") + " (exact solution)"
    fig.suptitle(f"{fit.topology.key()}\nHill model, n = {fit.model.n:g} ({fit.method}): {verdict}", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def _layered_positions(
    keys: list[str], layers: list[int], neighbours: dict[str, set[str]]
) -> dict[str, tuple[float, float]]:
    """x in [0, 1] within each link-count layer (ordered by the mean x of neighbours in the layer
    below, to keep edges short), y = link count."""
    pos: dict[str, tuple[float, float]] = {}
    by_layer: dict[int, list[str]] = {}
    for key, layer in zip(keys, layers, strict=False):
        by_layer.setdefault(layer, []).append(key)
    for layer in sorted(by_layer):
        members = by_layer[layer]

        def anchor(key: str) -> float:
            below = [pos[k][0] for k in neighbours.get(key, ()) if k in pos]
            return float(np.mean(below)) if below else 0.5

        members.sort(key=lambda k: (anchor(k), k))
        for i, key in enumerate(members):
            pos[key] = ((i + 0.5) / len(members), float(layer))
    return pos


def _draw_venn(ax_venn: plt.Axes, comparison: Comparison) -> None:
    """The Venn counts of RNN and Hill topologies, with the run shares underneath."""
    ax_venn.add_patch(Circle((0.38, 0.5), 0.3, color="tab:red", alpha=0.25))
    ax_venn.add_patch(Circle((0.62, 0.5), 0.3, color="tab:blue", alpha=0.25))
    ax_venn.text(0.24, 0.5, str(comparison.rnn_only), ha="center", va="center", fontsize=13)
    ax_venn.text(0.5, 0.5, str(comparison.both), ha="center", va="center", fontsize=13, weight="bold")
    ax_venn.text(0.76, 0.5, str(comparison.hill_only), ha="center", va="center", fontsize=13)
    ax_venn.text(0.3, 0.86, "RNN study", ha="center", color="tab:red", fontsize=10)
    ax_venn.text(0.7, 0.86, "Hill search", ha="center", color="tab:blue", fontsize=10)
    ax_venn.text(
        0.5,
        0.1,
        f"{comparison.one_link_away} RNN topologies one link away\n"
        f"runs: {100 * comparison.direct_probability:.1f}% direct, "
        f"{100 * comparison.near_probability:.1f}% within one link",
        ha="center",
        va="center",
        fontsize=9,
    )
    ax_venn.set_xlim(0, 1)
    ax_venn.set_ylim(0, 1)
    ax_venn.set_aspect("equal")
    ax_venn.axis("off")


def plot_comparison(comparison: Comparison, path: Path) -> list[Path]:
    """Left, the Venn counts of RNN and Hill topologies; right, the paper's Fig. 3f: successful
    Hill topologies in layers by link count, edges between topologies one link apart, node area
    by successful sets, topologies the RNN study found in red, RNN topologies one link from a
    Hill topology as open red markers."""
    table = comparison.table
    fig = plt.figure(figsize=(12, 5.2))
    _draw_venn(fig.add_axes((0.02, 0.1, 0.26, 0.8)), comparison)
    ax = fig.add_axes((0.32, 0.08, 0.66, 0.84))
    shown = table[table["in_hill"] | (table["distance_to_hill"] == 1)]
    keys = shown["topology"].tolist()
    signs = {k: np.asarray([t for t in k.split()]) for k in keys}
    graph = nx.Graph()
    graph.add_nodes_from(keys)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if len(set(signs[a]) ^ set(signs[b])) == 1:  # one link added or removed
                graph.add_edge(a, b)
    neighbours = {k: set(graph.neighbors(k)) for k in keys}
    pos = _layered_positions(keys, shown["n_links"].tolist(), neighbours)
    for a, b in graph.edges:
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="0.8", lw=0.5, zorder=1)
    sets = shown.set_index("topology")["hill_successful_sets"]
    largest = max(1, int(sets.max())) if len(sets) else 1
    for _, row in shown.iterrows():
        x, y = pos[row["topology"]]
        size = 15 + 185 * row["hill_successful_sets"] / largest
        if row["in_hill"]:
            colour = "tab:red" if row["in_rnn"] else "tab:blue"
            ax.scatter(x, y, s=size, color=colour, alpha=0.85, zorder=2, edgecolors="none")
        else:
            ax.scatter(x, y, s=30, facecolors="none", edgecolors="tab:red", zorder=2)
    ax.scatter([], [], color="tab:blue", label="Hill search only")
    ax.scatter([], [], color="tab:red", label="Hill search and RNN study")
    ax.scatter([], [], facecolors="none", edgecolors="tab:red", label="RNN study, one link from Hill")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    layers = sorted(shown["n_links"].unique())
    ax.set_yticks(layers)
    ax.set_ylabel("links")
    ax.set_xticks([])
    ax.set_xlim(-0.02, 1.02)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        f"{comparison.task}: {comparison.hill_topologies} successful Hill topologies "
        f"(node area: successful sets), {comparison.runs} converged RNN runs",
        fontsize=9,
    )
    return save_figure(fig, path)
