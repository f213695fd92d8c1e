"""Scoring a predicted signed network against a gold standard.

A prediction is a strength per source-target pair (positive: activation); a gold standard gives
each pair a sign (+1, -1, 0 for absent). Each *convention* turns both into a binary problem, a
score per pair and which pairs take part:

- ``edges``: a true link of either sign against absent pairs, scored by |strength|;
- ``activating_vs_rest`` / ``inhibiting_vs_rest`` (the paper's Fig. 6): activating (inhibiting)
  links against every other pair, the other sign's links included, scored by strength (minus it);
- ``activating_only`` / ``inhibiting_only`` (the BEELINE benchmark's signed evaluation):
  activating (inhibiting) links against absent pairs, the other sign's true links left out.

For each: the area under the ROC curve (ties count a half, as the Mann-Whitney statistic), the
average precision (precision at each threshold weighted by the recall it adds, as
scikit-learn's ``average_precision_score``) and what a random ranking is expected to score
(0.5 and the share of positives). Beside them, the paper's Fig. 6e: the confusion matrix of signs
after the weakest ``discard`` share of pairs (by |strength|) are set to absent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONVENTIONS: dict[str, str] = {
    "edges": "true links of either sign against absent pairs, scored by |strength|",
    "activating_vs_rest": "activating links against all other pairs (the paper's convention), scored by strength",
    "inhibiting_vs_rest": "inhibiting links against all other pairs (the paper's convention), scored by -strength",
    "activating_only": "activating links against absent pairs, inhibiting ones left out (BEELINE), scored by strength",
    "inhibiting_only": "inhibiting links against absent pairs, activating ones left out (BEELINE), scored by -strength",
}
DISCARD = 0.3  # the paper's Fig. 6e drops the weakest 30% of link strengths


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a positive outscores a negative, ties a
    half (NaN without both classes)."""
    labels, scores = np.asarray(labels, dtype=bool), np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks over ties (1-based)
    starts = np.r_[0, np.nonzero(np.diff(sorted_scores))[0] + 1]
    ends = np.r_[starts[1:], len(scores)]
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Sum over distinct thresholds, from the highest, of precision times the recall gained (NaN
    without positives)."""
    labels, scores = np.asarray(labels, dtype=bool), np.asarray(scores, dtype=np.float64)
    n_pos = int(labels.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-scores, kind="mergesort")
    hits = np.cumsum(labels[order])
    seen = np.arange(1, len(scores) + 1)
    last_of_tie = np.r_[np.nonzero(np.diff(scores[order]))[0], len(scores) - 1]
    precision = hits[last_of_tie] / seen[last_of_tie]
    recall_gain = np.diff(np.r_[0, hits[last_of_tie]]) / n_pos
    return float(np.sum(precision * recall_gain))


def convention_problem(name: str, gold: np.ndarray, strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, scores) of the pairs that take part in convention ``name``, from gold signs and
    predicted strengths of the same shape."""
    gold, strength = np.ravel(gold), np.ravel(np.asarray(strength, dtype=np.float64))
    if name == "edges":
        return gold != 0, np.abs(strength)
    sign = 1 if name.startswith("activating") else -1
    keep = np.ones_like(gold, dtype=bool) if name.endswith("vs_rest") else gold != -sign
    return gold[keep] == sign, sign * strength[keep]


@dataclass(frozen=True)
class ConventionScore:
    """The scores of one convention."""

    convention: str
    auroc: float
    aupr: float
    random_auroc: float
    random_aupr: float
    positives: int
    negatives: int


def score_convention(name: str, gold: np.ndarray, strength: np.ndarray) -> ConventionScore:
    """AUROC, AUPR and their random expectations under convention ``name``."""
    labels, scores = convention_problem(name, gold, strength)
    positives = int(labels.sum())
    return ConventionScore(
        name,
        roc_auc(labels, scores),
        average_precision(labels, scores),
        0.5,
        positives / len(labels) if len(labels) else float("nan"),
        positives,
        int(len(labels) - positives),
    )


def kept_signs(strength: np.ndarray, discard: float = DISCARD) -> np.ndarray:
    """The predicted signs (shaped as ``strength``) after the weakest ``discard`` share of pairs
    by |strength| are set to 0 (ties broken by position, as a stable sort)."""
    flat = np.ravel(np.asarray(strength, dtype=np.float64))
    predicted = np.sign(flat).astype(int)
    predicted[np.argsort(np.abs(flat), kind="mergesort")[: int(round(discard * len(flat)))]] = 0
    return predicted.reshape(np.shape(strength))


def sign_confusion(gold: np.ndarray, strength: np.ndarray, discard: float = DISCARD) -> np.ndarray:
    """Counts (3, 3): rows the gold sign (+1, 0, -1), columns the predicted sign after the weakest
    ``discard`` share of pairs by |strength| are set to 0."""
    gold, predicted = np.ravel(gold), np.ravel(kept_signs(strength, discard))
    values = (1, 0, -1)
    return np.asarray([[int(np.sum((gold == g) & (predicted == p))) for p in values] for g in values])


def roc_points(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False and true positive rates at every distinct threshold, from (0, 0) to (1, 1)."""
    labels, scores = np.asarray(labels, dtype=bool), np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="mergesort")
    last_of_tie = np.r_[np.nonzero(np.diff(scores[order]))[0], len(scores) - 1]
    hits = np.cumsum(labels[order])[last_of_tie]
    misses = (last_of_tie + 1) - hits
    return np.r_[0.0, misses / max(1, (~labels).sum())], np.r_[0.0, hits / max(1, labels.sum())]


def pr_points(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision at every distinct threshold, from the highest."""
    labels, scores = np.asarray(labels, dtype=bool), np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="mergesort")
    last_of_tie = np.r_[np.nonzero(np.diff(scores[order]))[0], len(scores) - 1]
    hits = np.cumsum(labels[order])[last_of_tie]
    return hits / max(1, labels.sum()), hits / (last_of_tie + 1)


@dataclass(frozen=True)
class NetworkScore:
    """Every convention's scores and the sign confusion matrix of one prediction."""

    conventions: tuple[ConventionScore, ...]
    confusion: np.ndarray
    discard: float

    def as_dict(self) -> dict:
        """JSON-ready: per convention its description and numbers, and the confusion matrix."""
        return {
            "conventions": {
                c.convention: {
                    "description": CONVENTIONS[c.convention],
                    "auroc": c.auroc,
                    "aupr": c.aupr,
                    "random_auroc": c.random_auroc,
                    "random_aupr": c.random_aupr,
                    "positives": c.positives,
                    "negatives": c.negatives,
                }
                for c in self.conventions
            },
            "confusion": {
                "description": f"rows: true sign; columns: predicted sign after the weakest {self.discard:.0%} of "
                "pairs by |strength| are set to absent",
                "signs": ["+", "0", "-"],
                "counts": self.confusion.tolist(),
            },
        }


def score_network(gold: np.ndarray, strength: np.ndarray, discard: float = DISCARD) -> NetworkScore:
    """Score a predicted strength matrix against gold signs of the same shape, every convention."""
    gold = np.asarray(gold, dtype=int)
    strength = np.asarray(strength, dtype=np.float64)
    if gold.shape != strength.shape:
        raise ValueError(f"gold {gold.shape} and prediction {strength.shape} differ in shape")
    scores = tuple(score_convention(name, gold, strength) for name in CONVENTIONS)
    return NetworkScore(scores, sign_confusion(gold, strength, discard), discard)
