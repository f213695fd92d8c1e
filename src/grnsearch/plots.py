"""Figures of trained models: loss curves, responses against targets, synthesis cross-sections.

Every function draws one figure and writes it as PNG and SVG next to each other (``path`` is
given without extension). Matplotlib runs on the Agg backend: no screen is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

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


def plot_response(trained: "TrainedModel", path: Path) -> list[Path]:
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


def plot_synthesis(trained: "TrainedModel", path: Path, n_points: int = 101) -> list[Path]:
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
