"""The controlled-oscillation tasks, their metrics and criterion, and ensemble studies."""

import json

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

import grnsearch
from grnsearch import cli
from grnsearch.readout import statistics
from grnsearch.tasks.oscillation import _peak_period, triangle_wave
from grnsearch.training.ensemble import concat_ensembles


def test_triangle_wave_matches_the_paper():
    wave = triangle_wave(np.arange(31))
    np.testing.assert_allclose(wave[:16], [0, 0.2, 0.4, 0.6, 0.8, 1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(wave[15:31], wave[:16], atol=1e-6)


def test_peak_period_of_a_sine_and_of_a_flat_line():
    steps = np.arange(60)
    sine = jnp.asarray(0.5 + 0.3 * np.sin(2 * np.pi * steps / 15))
    assert float(_peak_period(sine, 0.2)) == pytest.approx(3.0, abs=1e-5)
    assert np.isnan(float(_peak_period(jnp.full(60, 0.4), 0.2)))


def test_oscillation_conditions_and_criterion():
    task = grnsearch.tasks.oscillation()
    cond = task.conditions(jax.random.PRNGKey(0))
    assert cond.inputs.shape == (3, 60, 2) and cond.targets.shape == (3, 60, 1)
    np.testing.assert_allclose(np.asarray(cond.inputs[1, :, 0]), 0.8)
    np.testing.assert_allclose(np.asarray(cond.inputs[2, :, 1]), 0.8)
    assert float(cond.targets[1, 5, 0]) == pytest.approx(1.0)  # state after step 6 peaks
    good = {"peak_to_trough": 0.6, "period": 3.1, "plateau": 0.75, "basal": 0.12}
    assert task.success(good)
    for change in (
        {"peak_to_trough": 0.45},
        {"period": 3.7},
        {"period": float("nan")},
        {"plateau": 0.65},
        {"basal": 0.2},
    ):
        assert not task.success({**good, **change}), change
    inputs, dt = task.mutation_conditions()
    assert inputs.shape == (4, 120, 2) and np.all(inputs[:, :60] == 0) and dt == 0.2
    assert grnsearch.tasks.oscillation3().genes == ("g1", "g2", "g3")


def test_two_gene_task_initialises_as_the_authors_and_three_gene_as_glorot():
    key = jax.random.PRNGKey(3)
    two = grnsearch.tasks.oscillation()
    model = two.init_model(two.defaults, key)
    assert all(float(abs(b).min()) > 0 for b in model.biases)  # truncated normal biases
    assert max(float(abs(w).max()) for w in model.weights) <= 0.2
    assert 0.0 <= float(model.free_initial[0]) < 1.0 and float(model.free_initial[0]) != 0.0
    three = grnsearch.tasks.oscillation3()
    model = three.init_model(three.defaults, key)
    assert all(float(abs(b).max()) == 0 for b in model.biases) and np.all(np.asarray(model.free_initial) == 0)
    # the same task under a Glorot config gives the Glorot model
    glorot = two.init_model(two.defaults.replace(init="glorot", free_start="zero"), key)
    assert all(float(abs(b).max()) == 0 for b in glorot.biases)


def test_degeneracy_share_of_the_most_frequent_topologies():
    table = pd.DataFrame({"topology": list("abcdefghij"), "n_links": 4, "count": [40, 20, 10, 10, 5, 5, 4, 3, 2, 1]})
    table["probability"] = table["count"] / table["count"].sum()
    spread = statistics.degeneracy(table)
    assert spread["distinct_topologies"] == 10 and spread["top_topologies"] == 3
    assert spread["runs_covered_by_top"] == pytest.approx(0.7)


def test_concatenated_ensembles_keep_seed_order(adaptation_task):
    a = grnsearch.train(adaptation_task, [0, 1], iterations=20)
    b = grnsearch.train(adaptation_task, [2], iterations=20)
    joined = concat_ensembles([a, b])
    assert joined.seeds == [0, 1, 2] and len(joined) == 3
    np.testing.assert_array_equal(joined.histories[2], b.histories[0])
    np.testing.assert_array_equal(np.asarray(joined[1].model.weights[0]), np.asarray(a[1].model.weights[0]))


def test_study_cli_writes_tables(tmp_path, capsys):
    code = cli.main(
        ["study", "oscillation", "--seeds", "4", "--iterations", "60", "--out", str(tmp_path), "--cutoff", "1e-3"]
    )
    assert code == 0
    table = pd.read_csv(tmp_path / "study.csv")
    assert list(table.columns[:4]) == ["seed", "converged", "topology", "n_links"]
    assert {"peak_to_trough", "period", "plateau", "basal"} <= set(table.columns)
    assert table["seed"].tolist() == [0, 1, 2, 3]
    assert not table["converged"].any()  # 60 iterations cannot learn the task
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["runs"] == 4 and summary["converged"] == 0 and summary["cutoff"] == 1e-3
    topologies = pd.read_csv(tmp_path / "topologies.csv")
    assert list(topologies.columns) == ["topology", "n_links", "count", "probability"]
    assert (tmp_path / "seed-3" / "manifest.json").is_file()
    strengths = pd.read_csv(tmp_path / "strengths.csv")
    assert list(strengths.columns[:3]) == ["seed", "converged", "I1->g1"] and len(strengths) == 4
    assert strengths.shape[1] == 2 + 8 and not strengths["converged"].any()
    for name in ("strengths.csv", "topologies.csv"):
        sidecar = json.loads((tmp_path / f"{name}.json").read_text())
        assert sidecar["table"] == name and sidecar["columns"][:2] == list(pd.read_csv(tmp_path / name).columns[:2])
        assert (sidecar["lam"], sidecar["mode"], sidecar["cutoff"]) == (0.9, "trajectory", 1e-3)
        assert sidecar["cutoff_rule"] == summary["cutoff_rule"]
    assert "0 of 4 runs converged" in capsys.readouterr().out
