"""Scoring a predicted network against a signed gold standard (infer/score.py, grnsearch score)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from grnsearch.cli.main import main
from grnsearch.infer.score import (
    average_precision,
    convention_problem,
    roc_auc,
    score_network,
    sign_confusion,
)


def test_areas_agree_with_scikit_learn_on_random_problems_with_ties():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(4, 80))
        labels = rng.random(n) < rng.uniform(0.1, 0.9)
        if labels.all() or not labels.any():
            continue
        scores = np.round(rng.normal(size=n), int(rng.integers(0, 3)))  # 0 decimals: many ties
        assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
        assert average_precision(labels, scores) == pytest.approx(average_precision_score(labels, scores), abs=1e-12)


def test_conventions_by_hand_on_a_tiny_network():
    gold = np.asarray([[1, -1], [0, 1]])  # a->a +, a->b -, b->a absent, b->b +
    strength = np.asarray([[2.0, -1.0], [0.5, -0.2]])
    labels, scores = convention_problem("activating_vs_rest", gold, strength)
    assert labels.tolist() == [True, False, False, True] and scores.tolist() == [2.0, -1.0, 0.5, -0.2]
    # positives score 2.0 and -0.2 against negatives -1.0 and 0.5: 2 > both, -0.2 > -1.0 only -> 3 of 4
    assert roc_auc(labels, scores) == pytest.approx(3 / 4)
    # ranked 2.0 (hit), 0.5, -0.2 (hit), -1.0: AP = 1 * 1/2 + 2/3 * 1/2
    assert average_precision(labels, scores) == pytest.approx(0.5 + 1 / 3)
    labels, scores = convention_problem("inhibiting_only", gold, strength)
    assert labels.tolist() == [True, False] and scores.tolist() == [1.0, -0.5]  # a->a and b->b left out
    labels, scores = convention_problem("edges", gold, strength)
    assert labels.tolist() == [True, True, False, True] and scores.tolist() == [2.0, 1.0, 0.5, 0.2]
    assert roc_auc(labels, scores) == pytest.approx(2 / 3)
    result = score_network(gold, strength)
    random = {c.convention: c.random_aupr for c in result.conventions}
    assert random["edges"] == 0.75 and random["inhibiting_only"] == 0.5


def test_confusion_after_dropping_the_weakest_pairs():
    gold = np.asarray([1, 1, -1, 0, 0, -1, 0, 1, 0, -1])
    strength = np.asarray([3.0, -0.1, -2.0, 0.2, 1.0, -0.05, -0.5, 0.01, 0.3, 4.0])
    counts = sign_confusion(gold, strength, discard=0.3)  # drops |0.01|, |0.05|, |0.1|
    # rows true +, 0, -; columns predicted +, 0, -
    assert counts.tolist() == [[1, 2, 0], [3, 0, 1], [1, 1, 1]]
    assert counts.sum() == 10


def test_score_command_reads_both_layouts(tmp_path, capsys):
    links = pd.DataFrame({"source": ["I", "a"], "a": [1.5, -0.3], "b": [0.0, -2.0]})
    links.to_csv(tmp_path / "links.csv", index=False)
    edges = pd.DataFrame({"source": ["I", "a", "a"], "target": ["a", "a", "b"], "strength": [1.5, -0.3, -2.0]})
    edges.to_csv(tmp_path / "edges.csv", index=False)
    (tmp_path / "gold.csv").write_text("source,target,sign\nI,a,1\na,b,-1\n")
    assert main(["score", str(tmp_path / "links.csv"), str(tmp_path / "gold.csv"), "--out", str(tmp_path / "s1")]) == 0
    assert main(["score", str(tmp_path / "edges.csv"), str(tmp_path / "gold.csv"), "--out", str(tmp_path / "s2")]) == 0
    first, second = (json.loads((tmp_path / d / "score.json").read_text()) for d in ("s1", "s2"))
    assert first["conventions"] == second["conventions"]
    assert first["conventions"]["activating_vs_rest"]["auroc"] == 1.0
    assert first["conventions"]["inhibiting_vs_rest"]["auroc"] == 1.0
    assert (tmp_path / "s1" / "score.png").is_file()
    assert "activating_vs_rest" in capsys.readouterr().out
    assert main(["score", str(tmp_path / "links.csv"), str(tmp_path / "gold.csv")]) == 0  # prints only
