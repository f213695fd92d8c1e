"""Figures of the network read-out: link knockouts, the cutoff scan, sparsification paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grnsearch.plots._style import GENE_COLOURS, plt, save_figure
from grnsearch.plots.network import draw_network
from grnsearch.readout.mutation import KnockoutTrajectories
from grnsearch.readout.sparsify import SparsifyPath
from grnsearch.readout.statistics import CutoffScan
from grnsearch.tasks.base import Task


def _knockout_axes(knockouts: KnockoutTrajectories, task: Task, condition: int) -> tuple[np.ndarray, str, str]:
    """The x-axis, its label and the figure's title: time under one condition, or the final
    pattern over the mutation positions for a spatial task."""
    if task.spatial:
        return np.asarray(task.mutation_positions), "position x", "link knockouts (final pattern)"
    level = ", ".join(
        f"{name} = {v:.2g}" for name, v in zip(task.inputs, knockouts.inputs[condition, -1], strict=False)
    )
    t = np.arange(knockouts.wild_type.shape[1]) * knockouts.dt
    return t, "time", f"link knockouts ({level})"


def plot_knockouts(knockouts: KnockoutTrajectories, task: Task, path: Path, condition: int = -1) -> list[Path]:
    """The paper's Fig. 2b for every link: the target gene in the wild type (light) and in the
    link's mutant (dark) under one mutation condition (default: the last, strongest one); for a
    spatial task the final pattern against position."""
    n_sources, n_genes = knockouts.mutants.shape[:2]
    fig, axes = plt.subplots(
        n_genes, n_sources, figsize=(2.2 * n_sources, 1.9 * n_genes), sharex=True, sharey=True, squeeze=False
    )
    x, xlabel, title = _knockout_axes(knockouts, task, condition)
    # a spatial trajectory's final state is a pattern over positions
    wild = knockouts.wild_type[condition, -1] if task.spatial else knockouts.wild_type[condition]
    for i, src in enumerate(task.sources):
        for j, tgt in enumerate(task.genes):
            ax = axes[j, i]
            colour = GENE_COLOURS[j % 6]
            mutant = knockouts.mutants[i, j, condition]
            mutant = mutant[-1] if task.spatial else mutant
            ax.plot(x, wild[:, j], color=colour, alpha=0.4, lw=2, label="wild type")
            ax.plot(x, mutant[:, j], color=colour, lw=1.2, label="mutant")
            ax.set_title(f"{src} -> {tgt} knocked out", fontsize=8)
            if i == 0:
                ax.set_ylabel(tgt)
            if j == n_genes - 1:
                ax.set_xlabel(xlabel)
    axes[0, -1].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_cutoff_scan(scan: CutoffScan, path: Path) -> list[Path]:
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


def plot_sparsify_path(path: SparsifyPath, file: Path) -> list[Path]:
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
            for xi, lo, hi, good in zip(x, low, high, ok, strict=False):
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
    top.set_title(
        f"{path.task.name}, seed {path.seed}: sparsest success at step "
        f"{last.step if last else '-'} (open markers: deletions that fail)",
        fontsize=9,
    )
    for k, step in enumerate(steps):
        ax = fig.add_subplot(grid[1, k])
        draw_network(ax, step.topology, step.strengths)
        ax.set_title(("" if step.success else "fails: ") + f"#{step.step}", fontsize=8)
    return save_figure(fig, file)
