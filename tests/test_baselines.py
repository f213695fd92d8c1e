"""The inference baselines (infer/baselines.py) on small simulated systems with known links."""

from __future__ import annotations

import numpy as np
import pytest

from grnsearch.errors import GrnsearchError
from grnsearch.infer.baselines import (
    BASELINES,
    AbstractBaseline,
    CorrelationBaseline,
    LinearBaseline,
    TreesBaseline,
    baseline_strengths,
    decay_rates,
    regression_rows,
)
from grnsearch.infer.series import TimeSeries, source_names

GENES = ("a", "b", "c", "d")


def _simulate(weights: np.ndarray, coupling: str, positions: int, experiments: int, seed: int) -> TimeSeries:
    """Euler data of dg/dt = weights^T sources - g (sources: input u, then ``nbr_`` sources with
    ``ring-mean``, then genes), random starts and inputs, 5 observations 0.05 apart (so that the sources stay nearly
    independent, as the random starts)."""
    rng = np.random.default_rng(seed)
    times, values = [], []
    for _ in range(experiments):
        g = rng.random((positions, len(GENES)))
        u = rng.random((positions, 1))
        frames = [np.concatenate([g, u], axis=1)]
        for _step in range(4 * 5):
            nbr = 0.5 * (np.roll(g, 1, axis=0) + np.roll(g, -1, axis=0))
            sources = np.concatenate([u, nbr, g] if coupling == "ring-mean" else [u, g], axis=1)
            g = g + 0.01 * (sources @ weights - g)
            if (_step + 1) % 5 == 0:
                frames.append(np.concatenate([g, u], axis=1))
        times.append(np.arange(5) * 0.05)
        values.append(np.stack(frames))
    pos = np.arange(positions) if positions > 1 else None
    names = tuple(f"e{k}" for k in range(experiments))
    return TimeSeries(names, tuple(times), tuple(values), pos, GENES, ("u",), np.ones(len(GENES)))


# sources u, a, b, c, d -> targets a, b, c, d; self-links: c activates itself (its rate's
# coefficient is 2 - 1 for the decay), the others' decay alone is no link of the gold standard
W_PLAIN = np.array(
    [
        [1.0, 0.0, 0.0, 0.0],  # u -> a
        [0.0, 1.5, 0.0, 0.0],  # a -> b
        [0.0, 0.0, -1.5, 0.0],  # b -| c
        [-1.2, 0.0, 2.0, 0.0],  # c -| a, c -> c
        [0.0, 0.0, 0.0, 0.0],
    ]
)
W_PLAIN[4, 3] = 3.0  # d -> d: a true self-activation (rate coefficient 3 - 1)
W_PLAIN[1, 3] = -1.5  # a -| d


def _check_ranking(strength: np.ndarray, gold: np.ndarray, off_self: np.ndarray) -> None:
    """Every true link outranks every absent link that is not a bare decay (the rate regression
    sees each gene's decay as its own negative self-term), and strong links have the right sign."""
    true, absent = gold != 0, (gold == 0) & off_self
    assert np.abs(strength[true]).min() > np.abs(strength[absent]).max()
    assert np.all(np.sign(strength[true]) == gold[true])


# the trees are given the decay the data were made with: dynGENIE3's estimate from the data is
# crude (test_decay_rates_follow_dynGENIE3) and its error adds to the self-term of the response
FITTED: list[AbstractBaseline] = [LinearBaseline(), TreesBaseline(seed=3, alpha=1.0), CorrelationBaseline()]


@pytest.mark.parametrize("baseline", FITTED, ids=lambda b: b.name)
def test_baselines_recover_a_known_network(baseline):
    series = _simulate(W_PLAIN, "none", positions=1, experiments=150, seed=0)
    strength = baseline.strengths(series, "none")
    assert strength.shape == (5, 4) and np.all(np.isfinite(strength))
    gold = np.sign(W_PLAIN).astype(int)
    bare_decay = np.zeros_like(gold, dtype=bool)
    bare_decay[1 + np.arange(4), np.arange(4)] = gold[1 + np.arange(4), np.arange(4)] == 0
    _check_ranking(strength, gold, ~bare_decay)


def test_ring_mean_sources_come_in_link_order_and_neighbour_links_are_found():
    weights = np.zeros((1 + 2 * len(GENES), len(GENES)))
    weights[0, 0] = 1.0  # u -> a
    weights[1 + 1, 1] = 1.5  # nbr_b -> b
    weights[1 + 2, 3] = -1.5  # nbr_c -| d
    weights[1 + 4 + 0, 2] = 1.5  # a -> c
    series = _simulate(weights, "ring-mean", positions=6, experiments=8, seed=1)
    assert source_names(series, "ring-mean") == ("u", "nbr_a", "nbr_b", "nbr_c", "nbr_d", *GENES)
    result = baseline_strengths(list(BASELINES), series, "ring-mean", seed=0)
    assert list(result) == list(BASELINES)
    assert all(strength.shape == (9, 4) and np.all(np.isfinite(strength)) for strength in result.values())
    gold = np.sign(weights).astype(int)
    bare_decay = np.zeros_like(gold, dtype=bool)
    bare_decay[5 + np.arange(4), np.arange(4)] = True
    for baseline in FITTED:
        _check_ranking(baseline.strengths(series, "ring-mean"), gold, ~bare_decay)


def test_missing_values_drop_their_rows_only():
    series = _simulate(W_PLAIN, "none", positions=1, experiments=10, seed=2)
    full = regression_rows(series, "none")
    values = list(series.values)
    values[0] = values[0].copy()
    values[0][2, 0, 1] = np.nan  # gene b in experiment 0 at its third observation
    holed = TimeSeries(series.experiments, series.times, tuple(values), None, GENES, ("u",), series.scale)
    rows = regression_rows(holed, "none")
    # the row starting at that observation goes for every target (b is a source there); the row
    # ending at it only for target b
    assert len(rows.sources) == len(full.sources) - 1
    assert rows.valid.sum(axis=0).tolist() == [len(rows.sources)] + [len(rows.sources) - 1] + [len(rows.sources)] * 2
    for strength in baseline_strengths(list(BASELINES), holed, "none", seed=0).values():
        assert np.all(np.isfinite(strength))


def test_trees_are_reproducible_from_their_seed():
    series = _simulate(W_PLAIN, "none", positions=1, experiments=10, seed=4)
    first = TreesBaseline(seed=5, n_estimators=20).strengths(series, "none")
    np.testing.assert_array_equal(first, TreesBaseline(seed=5, n_estimators=20).strengths(series, "none"))
    assert not np.array_equal(first, TreesBaseline(seed=6, n_estimators=20).strengths(series, "none"))
    np.testing.assert_allclose(np.abs(first).sum(axis=0), 1.0)  # importances per target sum to 1


def test_decay_rates_follow_dynGENIE3():
    times = (np.array([0.0, 1.0, 2.0]), np.array([0.0, 4.0]))
    first = np.array([[1.0, 0.0], [0.5, 0.3], [0.25, 0.1]])[:, None, :]
    second = np.array([[1.0, 0.2], [0.5, 0.1]])[:, None, :]
    series = TimeSeries(("x", "y"), times, (first, second), None, ("a", "b"), (), np.ones(2))
    # a falls from 1 to 0.25 in 2 time units towards C_min = 0; b's minimum 0 is floored at 1e-6
    np.testing.assert_allclose(decay_rates(series), [np.log(4.0) / 2, np.log(0.3 / 1e-6)])


def test_unknown_baseline_names_the_choices():
    series = _simulate(W_PLAIN, "none", positions=1, experiments=3, seed=0)
    with pytest.raises(GrnsearchError, match="linear, trees, correlation") as err:
        baseline_strengths(["linear", "forest"], series, "none")
    assert err.value.parameter == "baselines" and "'forest'" in str(err.value)
    with pytest.raises(GrnsearchError) as err:
        baseline_strengths(["linear"], series, "ring")
    assert err.value.parameter == "coupling"
    assert baseline_strengths([], series, "none") == {}
    with pytest.raises(GrnsearchError) as err:
        TreesBaseline(n_estimators=0)
    assert err.value.parameter == "n_estimators"


def test_correlation_and_linear_agree_with_plain_formulas():
    series = _simulate(W_PLAIN, "none", positions=1, experiments=30, seed=6)
    x = np.concatenate([v[:-1, 0, [4, 0, 1, 2, 3]] for v in series.values])  # u, then genes
    rates = np.concatenate([np.diff(v[:, 0, :4], axis=0) / 0.05 for v in series.values])
    expected = np.corrcoef(x.T, rates.T)[:5, 5:]
    np.testing.assert_allclose(CorrelationBaseline().strengths(series, "none"), expected, atol=1e-10)
    design = np.column_stack([np.ones(len(x)), (x - x.mean(0)) / x.std(0)])
    slopes = np.linalg.lstsq(design, rates / rates.std(0), rcond=None)[0][1:]
    np.testing.assert_allclose(
        LinearBaseline().strengths(series, "none"), slopes, rtol=0, atol=5e-3
    )  # the ridge shrinks a little
