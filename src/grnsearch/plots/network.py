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


LAYOUTS = ("circle", "row")


def _node_positions(inputs: tuple[str, ...], genes: tuple[str, ...], layout: str = "circle") -> dict[str, np.ndarray]:
    """Inputs in a row on top, genes on a circle below (a row of two for two genes), or with
    ``layout`` "row" in one row in their given order (such as the anterior-posterior order)."""
    pos = {}
    top = 1.3 if len(genes) <= 2 or layout == "row" else 1.9
    for k, name in enumerate(inputs):
        pos[name] = np.array([(k - (len(inputs) - 1) / 2) * 1.2, top])
    n = len(genes)
    for k, name in enumerate(genes):
        if n <= 2 or layout == "row":
            pos[name] = np.array([(k - (n - 1) / 2) * 1.6, 0.0])
        else:
            angle = np.pi / 2 + 2 * np.pi * k / n
            pos[name] = np.array([np.cos(angle), np.sin(angle) - 0.2]) * 0.9 - np.array([0, 0.3])
    return pos


NODE_RADIUS = 0.22


def _rotate(v: np.ndarray, angle: float) -> np.ndarray:
    return np.array([v[0] * np.cos(angle) - v[1] * np.sin(angle), v[0] * np.sin(angle) + v[1] * np.cos(angle)])


def _link_arrow(
    a: np.ndarray, b: np.ndarray, centre: np.ndarray, sign: int, width: float, curve: float = 0.18
) -> FancyArrowPatch:
    """The arrow (activation) or bar (repression) from node position ``a`` to ``b``, bent by
    ``curve``; a self-link (a is b) is a loop bulging away from ``centre``, the middle of the genes."""
    style = "-|>,head_length=6,head_width=4" if sign > 0 else "-[,widthB=5,lengthB=0"
    colour = ACTIVATION_COLOUR if sign > 0 else REPRESSION_COLOUR
    if a is b:
        out = a - centre if np.linalg.norm(a - centre) > 1e-9 else np.array([0.0, -1.0])
        out = out / np.linalg.norm(out)
        turn = np.deg2rad(40)
        start, end, bend = a + NODE_RADIUS * _rotate(out, turn), a + NODE_RADIUS * _rotate(out, -turn), -2.4
    else:
        direction = (b - a) / np.linalg.norm(b - a)
        start, end, bend = a + direction * NODE_RADIUS, b - direction * (NODE_RADIUS + 0.03), curve
    return FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={bend}", arrowstyle=style, color=colour,
                           lw=width, mutation_scale=1.5, shrinkA=0, shrinkB=0)  # fmt: skip


def draw_network(
    ax: plt.Axes, topology: Topology, strengths: np.ndarray | None = None, title: str = "", layout: str = "circle"
) -> None:
    """Draw a signed topology on ``ax``: arrows for activation, bars for repression, line width
    by |strength| (relative to the strongest link); genes on a circle or, with ``layout`` "row",
    in one row in their order (links between genes then arc over or under the row)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {LAYOUTS}")
    pos = _node_positions(topology.inputs, topology.genes, layout)
    curve = 0.45 if layout == "row" else 0.18
    links = topology.links()
    magnitude = {(s, t): 0.0 if strengths is None else abs(float(strengths[topology.sources.index(s),
                                                                           topology.genes.index(t)]))
                 for s, t, _ in links}  # fmt: skip
    top = max(magnitude.values(), default=0.0)
    centre = np.mean([pos[g] for g in topology.genes], axis=0) + (np.array([0.0, 1.0]) if layout == "row" else 0.0)
    for src, tgt, sign in links:
        width = 0.8 + 3.2 * magnitude[src, tgt] / top if strengths is not None and top > 0 else 2.0
        ax.add_patch(_link_arrow(pos[src], pos[tgt], centre, sign, width, curve))
    for name, p in pos.items():
        is_input = name in topology.inputs
        face, edge = ("white", "gray") if is_input else ("#dbe9f6", "tab:blue")
        ax.add_patch(Circle(p, NODE_RADIUS, facecolor=face, edgecolor=edge, lw=1.5, zorder=3))
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


def plot_topology_gallery(
    table: pd.DataFrame, sources: tuple[str, ...], genes: tuple[str, ...], path: Path, n: int = 12, title: str = ""
) -> list[Path]:
    """The ``n`` most frequent topologies of a ``topology,n_links,count,probability`` table as a
    grid of network diagrams, each titled with its count and share of runs."""
    rows = table.head(n)
    columns = min(4, max(1, len(rows)))
    lines = max(1, -(-len(rows) // columns))
    fig, axes = plt.subplots(lines, columns, figsize=(2.6 * columns, 2.7 * lines), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (_, row) in zip(axes.flat, rows.iterrows(), strict=False):
        topology = Topology.from_key(row["topology"], tuple(sources), tuple(genes))
        draw_network(ax, topology, None, title=f"{row['count']} runs ({100 * row['probability']:.1f}%)")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)
