"""Figures of a network's score against a gold standard: ROC and precision-recall curves."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from grnsearch.infer.score import NetworkScore, convention_problem, pr_points, roc_points
from grnsearch.plots._style import plt, save_figure

SHOWN = ("edges", "activating_vs_rest", "inhibiting_vs_rest")


def plot_score(gold: np.ndarray, strength: np.ndarray, score: NetworkScore, path: Path, title: str = "") -> list[Path]:
    """ROC (left) and precision-recall (right) curves of the unsigned and the paper's two signed
    conventions, each labelled with its area; dotted: a random ranking."""
    fig, (roc_ax, pr_ax) = plt.subplots(1, 2, figsize=(8.0, 3.6))
    by_name = {c.convention: c for c in score.conventions}
    for name in SHOWN:
        labels, scores = convention_problem(name, gold, strength)
        if labels.all() or not labels.any():
            continue
        result = by_name[name]
        fpr, tpr = roc_points(labels, scores)
        roc_ax.plot(fpr, tpr, lw=1.5, label=f"{name.replace('_', ' ')} ({result.auroc:.2f})")
        recall, precision = pr_points(labels, scores)
        line = pr_ax.step(
            recall, precision, where="post", lw=1.5, label=f"{name.replace('_', ' ')} ({result.aupr:.2f})"
        )
        pr_ax.axhline(result.random_aupr, color=line[0].get_color(), ls=":", lw=0.8)
    roc_ax.plot([0, 1], [0, 1], ":", color="gray", lw=0.8)
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (AUROC)")
    pr_ax.set(xlabel="recall", ylabel="precision", title="precision-recall (AUPR)", ylim=(0, 1.02))
    for ax in (roc_ax, pr_ax):
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path)
