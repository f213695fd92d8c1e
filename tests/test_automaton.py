"""The cellular-automaton benchmark's rules and data (infer/automaton.py)."""

from __future__ import annotations

import numpy as np
import pytest

from grnsearch.errors import GrnsearchError
from grnsearch.infer.automaton import (
    GENES,
    N_CELLS,
    SOURCES,
    automaton_data,
    centre_starts,
    random_rule,
    shipped_rule,
    simulate_rule,
    varies,
)


def _rates_by_hand(x: np.ndarray, signs: np.ndarray, K: np.ndarray) -> np.ndarray:
    """The authors' rule written out for one ring state (cells, genes), float64."""
    neighbours = 0.5 * (np.roll(x, 1, axis=0) + np.roll(x, -1, axis=0))
    sources = np.concatenate([neighbours, x], axis=1)  # (cells, 20): nbr_g1..10, g1..10
    occupancy = sources[:, :, None] ** 2 / (K[None] ** 2 + sources[:, :, None] ** 2)
    activation = np.where(signs == 1, occupancy, 0.0).sum(axis=1)
    repression = np.where(signs == -1, 1.0 - occupancy, 1.0).prod(axis=1)
    return activation * repression


def test_shipped_rules_have_the_documented_layout():
    rule = shipped_rule(24)
    assert rule.signs.shape == (20, 10) and rule.K.shape == (20, 10)
    assert rule.topology.sources == SOURCES and rule.topology.genes == GENES
    assert set(np.unique(rule.signs)) <= {-1, 0, 1} and np.all((rule.K > 0) & (rule.K < 1))
    assert int((rule.signs == -1).sum()) == 61  # the paper's Fig. 6e: 61 inhibiting links
    np.testing.assert_array_equal(shipped_rule(24).signs, shipped_rule(25).signs)
    for bad in (0, 26, "24", True):
        with pytest.raises(GrnsearchError):
            shipped_rule(bad)


def test_simulation_matches_the_rule_by_hand():
    rule = shipped_rule(3)
    starts = centre_starts(2, np.random.default_rng(0), binary=False)
    traj = simulate_rule(rule, starts, 6, 0.2)
    x = starts[1].astype(np.float64)
    for _ in range(6):
        x = 0.8 * x + 0.2 * _rates_by_hand(x, rule.signs, rule.K)
    np.testing.assert_allclose(traj[1, -1], x, rtol=1e-5, atol=1e-6)
    assert np.all(traj[:, 0, np.arange(N_CELLS) != N_CELLS // 2] == 0)


def test_training_data_are_observed_every_ten_steps_and_scaled():
    data = automaton_data(shipped_rule(24), seed=0, trajectories=3, steps=40)
    assert data.frames.shape == (3, 5, N_CELLS, 10)
    np.testing.assert_allclose(data.times, [0, 2, 4, 6, 8])
    assert np.isclose(data.frames.max(axis=(0, 1, 2)), 1.0).all()
    raw = simulate_rule(shipped_rule(24), centre_starts(3, np.random.default_rng(0), binary=False), 40, 0.2)
    np.testing.assert_allclose(data.frames * data.scale, raw[:, ::10], rtol=1e-6)


def test_variation_filter():
    t = np.linspace(0, 20, 40)
    moving = np.sin(t)[None, :, None, None] * np.cos(np.arange(N_CELLS))[None, None, :, None] * np.ones((1, 1, 1, 10))
    still = np.ones((1, 40, N_CELLS, 10))
    assert varies(np.concatenate([moving, still])).tolist() == [True, False]


def test_a_random_rule_passes_the_variation_filter():
    rule = random_rule(7)  # a seed whose first attempt passes: every attempt compiles anew (seconds)
    present = rule.signs != 0
    assert 0.5 < present.mean() < 0.9  # absent with probability 0.3
    assert abs((rule.signs == 1).sum() - (rule.signs == -1).sum()) < 0.3 * present.sum()
    assert rule.K.shape == (20, 10) and np.all((rule.K >= 0) & (rule.K < 1))
    assert random_rule(7).signs.tolist() == rule.signs.tolist()  # the seed decides the rule
