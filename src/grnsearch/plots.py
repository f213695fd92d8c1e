"""Figures of trained models: loss curves, responses against targets, synthesis cross-sections.

Every function draws one figure and writes it as PNG and SVG next to each other (``path`` is
given without extension). Matplotlib runs on the Agg backend: no screen is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from grnsearch.train import TrainedModel

GENE_COLOURS = ("tab:blue", "tab:green", "tab:red", "tab:orange", "tab:purple", "tab:brown")
INPUT_COLOURS = ("tab:pink", "tab:cyan", "tab:olive", "tab:gray")


def save_figure(fig: plt.Figure, path: Path) -> list[Path]:
    """Write ``fig`` as ``path``.png and ``path``.svg and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in ("png", "svg"):
        out = path.with_suffix(f".{ext}")
        fig.savefig(out, dpi=150, bbox_inches="tight")
        written.append(out)
    plt.close(fig)
    return written


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


def plot_response(trained: TrainedModel, path: Path) -> list[Path]:
    """Inputs (top) and genes against the task's targets (bottom) for the task's demo conditions."""
    task = trained.task
    demos = task.demo_conditions()
    fig, axes = plt.subplots(2, len(demos), figsize=(3.0 * len(demos), 4.6), sharex="col",
                             gridspec_kw={"height_ratios": [1, 2.4]}, squeeze=False)
    for col, demo in enumerate(demos):
        traj = trained.simulate(demo.inputs[None], dt=demo.dt)[0]
        t = np.arange(traj.shape[0]) * demo.dt
        top, bottom = axes[0, col], axes[1, col]
        for k, name in enumerate(task.inputs):
            top.step(t[:-1], demo.inputs[:, k], where="post", color=INPUT_COLOURS[k % 4], label=name)
        for j, gene in enumerate(task.genes):
            bottom.plot(t, traj[:, j], color=GENE_COLOURS[j % 6], label=gene)
        for k, j in enumerate(task.scored_index):
            bottom.plot(t[1:], demo.targets[:, k], ls=":", lw=2, color=GENE_COLOURS[j % 6],
                        label=f"{task.genes[j]} target")
        top.set_title(demo.label, fontsize=9)
        bottom.set_xlabel("time")
        bottom.set_ylim(-0.02, 1.02)
    axes[0, 0].set_ylabel("input")
    axes[1, 0].set_ylabel("expression")
    axes[0, -1].legend(fontsize=7, loc="upper right")
    axes[1, -1].legend(fontsize=7, loc="upper right")
    fig.suptitle(f"{task.name}, seed {trained.seed}", fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_synthesis(trained: TrainedModel, path: Path, n_points: int = 101) -> list[Path]:
    """Cross-sections of f (as in the paper's Fig. 1c): each f_j against one source on [0, 1],
    the other sources held at the resting state (initial genes, first demo condition's input)."""
    task = trained.task
    model = trained.model
    rest_inputs = jnp.asarray(task.demo_conditions()[0].inputs[0], dtype=jnp.float32)
    rest = jnp.concatenate([rest_inputs, model.initial_state()])
    grid = jnp.linspace(0.0, 1.0, n_points)
    n_in = len(task.inputs)
    scale = trained.link_scale

    def f_along(source: int) -> jax.Array:
        xs = jnp.broadcast_to(rest, (n_points, rest.shape[0])).at[:, source].set(grid)
        return jax.vmap(lambda x: model.synthesis(x[n_in:], x[:n_in], scale))(xs)

    curves = np.asarray(jax.vmap(f_along)(jnp.arange(len(task.sources))))
    fig, axes = plt.subplots(1, len(task.sources), figsize=(2.6 * len(task.sources), 2.6),
                             sharey=True, squeeze=False)
    for i, source in enumerate(task.sources):
        ax = axes[0, i]
        for j, gene in enumerate(task.genes):
            ax.plot(np.asarray(grid), curves[i, :, j], ls="--", color=GENE_COLOURS[j % 6], label=f"f_{gene}")
        ax.set_xlabel(source)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0, 0].set_ylabel("synthesis rate")
    axes[0, -1].legend(fontsize=7)
    fig.suptitle("synthesis rates against each regulator, others at rest", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


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


def draw_network(ax: plt.Axes, topology, strengths: np.ndarray | None = None, title: str = "") -> None:
    """Draw a signed topology on ``ax``: arrows for activation, bars for repression, line width
    by |strength| (relative to the strongest link)."""
    from matplotlib.patches import Circle, FancyArrowPatch

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


def plot_network(topology, strengths: np.ndarray | None, path: Path, title: str = "") -> list[Path]:
    """One network diagram as a figure of its own."""
    fig, ax = plt.subplots(figsize=(3.2, 3.2))
    draw_network(ax, topology, strengths, title=title)
    return save_figure(fig, path)


def plot_knockouts(knockouts, task, path: Path, condition: int = -1) -> list[Path]:
    """The paper's Fig. 2b for every link: the target gene in the wild type (light) and in the
    link's mutant (dark) under one mutation condition (default: the last, strongest one)."""
    n_sources, n_genes = knockouts.mutants.shape[:2]
    fig, axes = plt.subplots(n_genes, n_sources, figsize=(2.2 * n_sources, 1.9 * n_genes),
                             sharex=True, sharey=True, squeeze=False)
    t = np.arange(knockouts.wild_type.shape[1]) * knockouts.dt
    for i, src in enumerate(task.sources):
        for j, tgt in enumerate(task.genes):
            ax = axes[j, i]
            colour = GENE_COLOURS[j % 6]
            ax.plot(t, knockouts.wild_type[condition, :, j], color=colour, alpha=0.4, lw=2, label="wild type")
            ax.plot(t, knockouts.mutants[i, j, condition, :, j], color=colour, lw=1.2, label="mutant")
            ax.set_title(f"{src} -> {tgt} knocked out", fontsize=8)
            if i == 0:
                ax.set_ylabel(tgt)
            if j == n_genes - 1:
                ax.set_xlabel("time")
    axes[0, -1].legend(fontsize=7)
    level = ", ".join(f"{name} = {v:.2g}" for name, v in zip(task.inputs, knockouts.inputs[condition, -1]))
    fig.suptitle(f"link knockouts ({level})", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_cutoff_scan(scan, path: Path) -> list[Path]:
    """Distinct topologies against cutoff, with the chosen cutoff marked."""
    fig, ax = plt.subplots(figsize=(4.2, 3.0))
    ax.plot(scan.cutoffs, scan.distinct, color="black", lw=1.2)
    ax.axvline(scan.best, color="tab:red", ls="--", lw=1, label=f"chosen {scan.best:.2g}")
    ax.set_xscale("log")
    ax.set_xlabel("cutoff on |link strength|")
    ax.set_ylabel("distinct topologies")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_sparsify_path(path, file: Path) -> list[Path]:
    """The paper's Fig. 2c / 4a for one seed: the task's metrics (or its ``path_bands``) against
    the step (filled markers, solid bands: the step performs the task; open, faded: it fails),
    with each step's network drawn under it."""
    steps = path.steps
    names = path.task.metric_names
    fig = plt.figure(figsize=(max(4.5, 1.9 * len(steps)), 5.6))
    grid = fig.add_gridspec(2, len(steps), height_ratios=[1.0, 1.4], hspace=0.3, wspace=0.0)
    top = fig.add_subplot(grid[0, :])
    x = np.arange(1, len(steps) + 1)
    ok = np.array([s.success for s in steps])
    series = path.task.path_bands or tuple((name, name, name) for name in names)
    for k, (label, low_name, high_name) in enumerate(series):
        low = np.array([s.trained.metrics[low_name] for s in steps], dtype=float)
        high = np.array([s.trained.metrics[high_name] for s in steps], dtype=float)
        colour = GENE_COLOURS[k % 6]
        if low_name != high_name:  # a range, as the oscillation band of the paper's Fig. 4a
            for xi, lo, hi, good in zip(x, low, high, ok):
                top.vlines(xi, lo, hi, color=colour, lw=6, alpha=0.8 if good else 0.25)
            top.plot([], [], color=colour, lw=6, label=label)
            continue
        # the line follows the accepted networks; failed deletions stand alone as open markers
        top.plot(x[ok], low[ok], color=colour, lw=1, label=label)
        top.scatter(x[ok], low[ok], color=colour, zorder=3)
        top.scatter(x[~ok], low[~ok], facecolor="white", edgecolor=colour, zorder=3)
    top.set_xticks(x, [f"{s.step}\n{s.topology.n_links} links" for s in steps], fontsize=7)
    top.set_xlim(0.5, len(steps) + 0.5)
    top.set_ylabel("metric")
    top.legend(fontsize=7)
    last = path.last_success
    top.set_title(f"{path.task.name}, seed {path.seed}: sparsest success at step "
                  f"{last.step if last else '-'} (open markers: deletions that fail)", fontsize=9)
    for k, step in enumerate(steps):
        ax = fig.add_subplot(grid[1, k])
        draw_network(ax, step.topology, step.strengths)
        ax.set_title(("" if step.success else "fails: ") + f"#{step.step}", fontsize=8)
    return save_figure(fig, file)


def plot_topology_gallery(table, sources: tuple[str, ...], genes: tuple[str, ...], path: Path,
                          n: int = 12, title: str = "") -> list[Path]:
    """The ``n`` most frequent topologies of a ``topology,n_links,count,probability`` table as a
    grid of network diagrams, each titled with its count and share of runs."""
    from grnsearch.topology import Topology

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


def _hill_panels(task) -> list[tuple[str, np.ndarray, float, np.ndarray, float, np.ndarray | None]]:
    """(label, RNN inputs, RNN dt, Hill inputs, Hill dt, targets) per panel: the task's Hill
    screen conditions held for the screen's duration, else the task's demo conditions."""
    screen = task.hill_screen()
    if screen is None:
        return [(d.label, d.inputs, d.dt, d.inputs, d.dt, d.targets) for d in task.demo_conditions()]
    levels = screen.condition_levels(len(task.inputs))
    labels = ["no input", *(f"{name} = {screen.level}" for name in task.inputs[:2])]
    duration = screen.steps * screen.dt
    rnn_steps = round(duration / task.dt)
    return [(label, np.repeat(levels[c][None], rnn_steps, axis=0), task.dt,
             np.repeat(levels[c][None], screen.steps, axis=0), screen.dt, None)
            for c, label in enumerate(labels)]


def plot_hill_vs_rnn(trained: TrainedModel, fit, path: Path) -> list[Path]:
    """The trained RNN (solid) and its Hill-function version (dashed) under the task's Hill
    screen conditions (or demo conditions, with targets dotted)."""
    from grnsearch.simulate import simulate

    task = trained.task
    panels = _hill_panels(task)
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False, sharey=True)
    for ax, (label, rnn_inputs, rnn_dt, hill_inputs, hill_dt, targets) in zip(axes[0], panels):
        rnn = trained.simulate(np.asarray(rnn_inputs, np.float32)[None], dt=rnn_dt)[0]
        hill = np.asarray(simulate(fit.dynamics, jnp.asarray(hill_inputs, jnp.float32)[None], hill_dt))[0]
        t_rnn, t_hill = np.arange(rnn.shape[0]) * rnn_dt, np.arange(hill.shape[0]) * hill_dt
        for j, gene in enumerate(task.genes):
            colour = GENE_COLOURS[j % 6]
            ax.plot(t_rnn, rnn[:, j], color=colour, lw=1.5, label=f"{gene} RNN")
            ax.plot(t_hill, hill[:, j], color=colour, lw=1.5, ls="--", label=f"{gene} Hill")
        if targets is not None:
            for k in range(len(task.scored_index)):
                ax.plot(t_rnn[1:], targets[:, k], ls=":", lw=1.5, color="black", label="target" if k == 0 else None)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("time")
    axes[0, 0].set_ylabel("expression")
    axes[0, -1].legend(fontsize=7, loc="upper right")
    verdict = "performs the task" if fit.performs else "does NOT perform the task"
    fig.suptitle(f"{fit.topology.key()}\nHill model, n = {fit.model.n:g} ({fit.method}): {verdict}", fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def _layered_positions(keys: list[str], layers: list[int], neighbours: dict[str, set[str]]) -> dict[str, tuple[float, float]]:
    """x in [0, 1] within each link-count layer (ordered by the mean x of neighbours in the layer
    below, to keep edges short), y = link count."""
    pos: dict[str, tuple[float, float]] = {}
    by_layer: dict[int, list[str]] = {}
    for key, layer in zip(keys, layers):
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


def plot_comparison(comparison, path: Path) -> list[Path]:
    """Left, the Venn counts of RNN and Hill topologies; right, the paper's Fig. 3f: successful
    Hill topologies in layers by link count, edges between topologies one link apart, node area
    by successful sets, topologies the RNN study found in red, RNN topologies one link from a
    Hill topology as open red markers."""
    import networkx as nx
    from matplotlib.patches import Circle

    table = comparison.table
    fig = plt.figure(figsize=(12, 5.2))
    ax_venn = fig.add_axes((0.02, 0.1, 0.26, 0.8))
    ax_venn.add_patch(Circle((0.38, 0.5), 0.3, color="tab:red", alpha=0.25))
    ax_venn.add_patch(Circle((0.62, 0.5), 0.3, color="tab:blue", alpha=0.25))
    ax_venn.text(0.24, 0.5, str(comparison.rnn_only), ha="center", va="center", fontsize=13)
    ax_venn.text(0.5, 0.5, str(comparison.both), ha="center", va="center", fontsize=13, weight="bold")
    ax_venn.text(0.76, 0.5, str(comparison.hill_only), ha="center", va="center", fontsize=13)
    ax_venn.text(0.3, 0.86, "RNN study", ha="center", color="tab:red", fontsize=10)
    ax_venn.text(0.7, 0.86, "Hill search", ha="center", color="tab:blue", fontsize=10)
    ax_venn.text(0.5, 0.1, f"{comparison.one_link_away} RNN topologies one link away\n"
                           f"runs: {100 * comparison.direct_probability:.1f}% direct, "
                           f"{100 * comparison.near_probability:.1f}% within one link",
                 ha="center", va="center", fontsize=9)
    ax_venn.set_xlim(0, 1)
    ax_venn.set_ylim(0, 1)
    ax_venn.set_aspect("equal")
    ax_venn.axis("off")

    ax = fig.add_axes((0.32, 0.08, 0.66, 0.84))
    shown = table[table["in_hill"] | (table["distance_to_hill"] == 1)]
    keys = shown["topology"].tolist()
    signs = {k: np.asarray([t for t in k.split()]) for k in keys}
    graph = nx.Graph()
    graph.add_nodes_from(keys)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
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
    ax.set_title(f"{comparison.task}: {comparison.hill_topologies} successful Hill topologies "
                 f"(node area: successful sets), {comparison.runs} converged RNN runs", fontsize=9)
    return save_figure(fig, path)
