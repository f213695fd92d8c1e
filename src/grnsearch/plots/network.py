"""Network diagrams: one signed topology, and a gallery of the most frequent ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.patches import Circle, FancyArrowPatch

from grnsearch.network.topology import Topology
from grnsearch.plots._style import plt, save_figure

ACTIVATION_COLOUR = "black"
REPRESSION_COLOUR = "tab:red"


def _node_positions(inputs: tuple[str, ...], genes: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Inputs in a row on top, genes on a circle below (a row of two for two genes)."""
    pos = {}
    top = 1.3 if len(genes) <= 2 else 1.9
    for k, name in enumerate(inputs):
        pos[name] = np.array([(k - (len(inputs) - 1) / 2) * 1.2, top])
    n = len(genes)
    for k, name in enumerate(genes):
        if n <= 2:
            pos[name] = np.array([(k - (n - 1) / 2) * 1.6, 0.0])
        else:
            angle = np.pi / 2 + 2 * np.pi * k / n
            pos[name] = np.array([np.cos(angle), np.sin(angle) - 0.2]) * 0.9 - np.array([0, 0.3])
    return pos


def draw_network(ax: plt.Axes, topology: Topology, strengths: np.ndarray | None = None, title: str = "") -> None:
    """Draw a signed topology on ``ax``: arrows for activation, bars for repression, line width
    by |strength| (relative to the strongest link)."""
    pos = _node_positions(topology.inputs, topology.genes)
    radius = 0.22
    links = topology.links()
    if strengths is not None and links:
        top = max(abs(float(strengths[topology.sources.index(s), topology.genes.index(t)])) for s, t, _ in links)
    for src, tgt, sign in links:
        width = 2.0
        if strengths is not None and top > 0:
            value = abs(float(strengths[topology.sources.index(src), topology.genes.index(tgt)]))
            width = 0.8 + 3.2 * value / top
        colour = ACTIVATION_COLOUR if sign > 0 else REPRESSION_COLOUR
        style = "-|>,head_length=6,head_width=4" if sign > 0 else "-[,widthB=5,lengthB=0"
        a, b = pos[src], pos[tgt]
        if src == tgt:
            # a loop bulging away from the centre of the genes (downwards for a single gene)
            centre = np.mean([pos[g] for g in topology.genes], axis=0)
            out = a - centre if np.linalg.norm(a - centre) > 1e-9 else np.array([0.0, -1.0])
            out = out / np.linalg.norm(out)
            turn = np.deg2rad(40)
            rot = lambda v, ang: np.array([v[0] * np.cos(ang) - v[1] * np.sin(ang),
                                           v[0] * np.sin(ang) + v[1] * np.cos(ang)])
            start, end = a + radius * rot(out, turn), a + radius * rot(out, -turn)
            arrow = FancyArrowPatch(start, end, connectionstyle="arc3,rad=-2.4", arrowstyle=style,
                                    color=colour, lw=width, mutation_scale=1.5, shrinkA=0, shrinkB=0)
        else:
            direction = (b - a) / np.linalg.norm(b - a)
            arrow = FancyArrowPatch(a + direction * radius, b - direction * (radius + 0.03),
                                    connectionstyle="arc3,rad=0.18", arrowstyle=style, color=colour,
                                    lw=width, mutation_scale=1.5, shrinkA=0, shrinkB=0)
        ax.add_patch(arrow)
    for name, p in pos.items():
        is_input = name in topology.inputs
        ax.add_patch(Circle(p, radius, facecolor="white" if is_input else "#dbe9f6",
                            edgecolor="gray" if is_input else "tab:blue", lw=1.5, zorder=3))
        ax.text(*p, name, ha="center", va="center", fontsize=9, zorder=4)
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    ax.set_xlim(xs.min() - 0.95, xs.max() + 0.95)
    ax.set_ylim(ys.min() - 0.95, ys.max() + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=8)


def plot_network(topology: Topology, strengths: np.ndarray | None, path: Path, title: str = "") -> list[Path]:
    """One network diagram as a figure of its own."""
    fig, ax = plt.subplots(figsize=(3.2, 3.2))
    draw_network(ax, topology, strengths, title=title)
    return save_figure(fig, path)


def plot_topology_gallery(table: pd.DataFrame, sources: tuple[str, ...], genes: tuple[str, ...], path: Path,
                          n: int = 12, title: str = "") -> list[Path]:
    """The ``n`` most frequent topologies of a ``topology,n_links,count,probability`` table as a
    grid of network diagrams, each titled with its count and share of runs."""
    rows = table.head(n)
    columns = min(4, max(1, len(rows)))
    lines = max(1, -(-len(rows) // columns))
    fig, axes = plt.subplots(lines, columns, figsize=(2.6 * columns, 2.7 * lines), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (_, row) in zip(axes.flat, rows.iterrows()):
        topology = Topology.from_key(row["topology"], tuple(sources), tuple(genes))
        draw_network(ax, topology, None, title=f"{row['count']} runs ({100 * row['probability']:.1f}%)")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


