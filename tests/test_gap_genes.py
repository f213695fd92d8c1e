"""Spatial dynamics and the gap-gene task: simulation over positions, the patterning read-out,
the convergence rule, the shipped data and its loader, and the commands end to end."""

import dataclasses
import json

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from grnsearch import cli, tasks
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.dynamics.simulate import GAMMA, simulate
from grnsearch.dynamics.spatial import simulate_positions
from grnsearch.errors import GrnsearchError
from grnsearch.readout.mutation import link_strengths
from grnsearch.tasks.gap_genes import DATA_FILE, flyex_pattern, load_flyex, maternal_inputs
from grnsearch.training.loss import loss


def tiny_model(n_genes: int, n_inputs: int, seed: int = 0, fixed: tuple | None = None) -> GeneNetworkModel:
    return GeneNetworkModel.init(
        n_genes=n_genes,
        n_inputs=n_inputs,
        hidden=(5,),
        arch="shared",
        fixed_initial=fixed or (0.2,) + (None,) * (n_genes - 1),
        key=jax.random.PRNGKey(seed),
        init_std=0.5,
        free_start="uniform",
    )


def test_positions_match_a_loop_over_three_positions():
    model = tiny_model(2, 1)
    key_in, key_noise = jax.random.split(jax.random.PRNGKey(1))
    inputs = jax.random.uniform(key_in, (2, 6, 3, 1))  # (conditions, steps, positions, inputs)
    noise = 0.1 * jax.random.normal(key_noise, (2, 6, 3, 2))
    scale = jnp.ones((3, 2)).at[0, 1].set(0.0)
    field = simulate_positions(model, inputs, 0.2, link_scale=scale, noise=noise)
    assert field.shape == (2, 7, 3, 2)
    for p in range(3):
        alone = simulate(model, inputs[:, :, p], 0.2, link_scale=scale, noise=noise[:, :, p])
        np.testing.assert_allclose(field[:, :, p], alone, rtol=1e-6, atol=1e-6)


def test_positions_match_a_loop_with_the_ode_solver():
    model = tiny_model(2, 1)
    inputs = jax.random.uniform(jax.random.PRNGKey(4), (1, 3, 3, 1))
    field = simulate_positions(model, inputs, 0.2, solver="ode")
    for p in range(3):
        alone = simulate(model, inputs[:, :, p], 0.2, solver="ode")
        np.testing.assert_allclose(field[:, :, p], alone, rtol=1e-5, atol=1e-6)


def test_ring_mean_coupling_matches_a_loop():
    n_genes, dt = 2, 0.2
    model = tiny_model(n_genes, 1 + n_genes)  # one external input, then the neighbour means
    inputs = jax.random.uniform(jax.random.PRNGKey(2), (1, 4, 3, 1))
    start = jnp.asarray([[0.1, 0.9], [0.5, 0.3], [0.8, 0.2]])
    field = simulate_positions(model, inputs, dt, coupling="ring-mean", initial_state=start)
    g = np.asarray(start)
    for k in range(4):
        h = 0.5 * (g[[2, 0, 1]] + g[[1, 2, 0]])  # left and right neighbours on a ring of three
        f = [
            model.synthesis(jnp.asarray(g[p]), jnp.concatenate([inputs[0, k, p], jnp.asarray(h[p])])) for p in range(3)
        ]
        g = (1 - GAMMA * dt) * g + dt * np.asarray(f)
        np.testing.assert_allclose(field[0, k + 1], g, rtol=1e-5, atol=1e-6)


def small_gap_task():
    """The gap-gene task cut to 3 steps and a 3-point read-out grid."""
    return dataclasses.replace(tasks.get("gap-genes"), n_steps=3, score_steps=(3,), mutation_positions=(0.0, 0.4, 1.0))


def hand_rates(model: GeneNetworkModel, inputs: np.ndarray, g: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """f(g, I) of a shared MLP evaluated by hand, target j seeing its column of ``scale``."""
    weights = [np.asarray(w[0], dtype=np.float64) for w in model.weights]
    biases = [np.asarray(b[0], dtype=np.float64) for b in model.biases]
    source = np.concatenate([inputs, g])
    f = np.zeros(4)
    for j in range(4):
        h = source * scale[:, j]
        for w, b in zip(weights[:-1], biases[:-1], strict=True):
            h = np.maximum(h @ w + b, 0.0)
        f[j] = 1.0 / (1.0 + np.exp(-(h @ weights[-1] + biases[-1])[j]))
    return f


def hand_run(model: GeneNetworkModel, x: float, scale: np.ndarray, steps: int, dt: float) -> list[np.ndarray]:
    """Gene levels at position ``x`` after 0..steps explicit Euler steps from 0."""
    inputs = maternal_inputs(np.asarray([x]))[0].astype(np.float64)
    states = [np.zeros(4)]
    for _ in range(steps):
        states.append((1 - dt) * states[-1] + dt * hand_rates(model, inputs, states[-1], scale))
    return states


def hand_final(model: GeneNetworkModel, x: float, scale: np.ndarray, steps: int, dt: float) -> np.ndarray:
    """Final gene levels at position ``x``."""
    return hand_run(model, x, scale, steps, dt)[-1]


def test_patterning_strength_matches_a_hand_computation():
    task = small_gap_task()
    model = tiny_model(4, 2, seed=3, fixed=(0.0,) * 4)
    strengths = link_strengths(model, task, lam=0.0)
    assert strengths.shape == (6, 4)
    for src, tgt in (("Bcd", "hb"), ("Kr", "kni"), ("gt", "gt")):
        i, j = task.check_link((src, tgt))
        knocked = np.ones((6, 4))
        knocked[i, j] = 0.0
        expected = -sum(
            hand_final(model, x, knocked, 3, task.dt)[j] - hand_final(model, x, np.ones((6, 4)), 3, task.dt)[j]
            for x in task.mutation_positions
        )
        assert strengths[i, j] == pytest.approx(expected, rel=1e-4, abs=1e-6)


def test_patterning_derivative_mode_matches_a_hand_computation():
    task = small_gap_task()
    model = tiny_model(4, 2, seed=5, fixed=(0.0,) * 4)
    strengths = link_strengths(model, task, lam=0.5, mode="derivative")
    wild_scale = np.ones((6, 4))
    for src, tgt in (("Tor", "Kr"), ("hb", "gt")):
        i, j = task.check_link((src, tgt))
        scale = wild_scale.copy()
        scale[i, j] = 0.5
        changes = []  # f_j wild type - f_j mutant along the wild-type states, every position and step
        for x in task.mutation_positions:
            inputs = maternal_inputs(np.asarray([x]))[0].astype(np.float64)
            for g in hand_run(model, x, wild_scale, 3, task.dt)[:-1]:
                changes.append(hand_rates(model, inputs, g, wild_scale)[j] - hand_rates(model, inputs, g, scale)[j])
        assert strengths[i, j] == pytest.approx(np.mean(changes), rel=1e-4, abs=1e-7)


def test_convergence_rule_and_loss_scale():
    task = tasks.get("gap-genes")
    assert task.success({"mse": 0.00149}) and not task.success({"mse": 0.0015}) and not task.success({"mse": 0.01})
    model = task.init_model(task.defaults, jax.random.PRNGKey(0))
    metrics = task.metrics(model, task.link_scale())
    expected = np.mean((np.asarray(metrics["final_pattern"]) - flyex_pattern()) ** 2)
    assert float(metrics["mse"]) == pytest.approx(expected, rel=1e-5)
    # the loss is the root of that mean squared error (the authors' loss), not of the sum
    value = loss(model, task, task.conditions(jax.random.PRNGKey(0)), task.link_scale())
    assert float(value) == pytest.approx(np.sqrt(expected), rel=1e-5)


def test_shipped_data_and_inputs():
    pattern = flyex_pattern()
    assert pattern.shape == (91, 4) and np.all(np.isfinite(pattern))
    assert 0.9 < pattern.max() < 1.0
    inputs = maternal_inputs(np.asarray([0.05, 0.95]))
    np.testing.assert_allclose(inputs[0], [np.exp(-0.25), np.exp(-1.0) + np.exp(-19.0)], rtol=1e-6)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("\n".join(["0.1,0.2,0.3,0.4,0.5"] * 90), "has 90 rows"),
        ("\n".join(["0.1,0.2,0.3,0.4"] * 91), "columns"),
        ("\n".join(["0.1,0.2,nan,0.4,0.5"] + ["0.1,0.2,0.3,0.4,0.5"] * 90), "NaN"),
        ("\n".join(["0.1,0.2,x,0.4,0.5"] + ["0.1,0.2,0.3,0.4,0.5"] * 90), "not a number"),
    ],
    ids=["rows", "columns", "nan", "text"],
)
def test_loader_names_a_bad_file(tmp_path, content, problem):
    path = tmp_path / DATA_FILE
    path.write_text(content + "\n")
    with pytest.raises(GrnsearchError, match=problem) as err:
        load_flyex(path)
    assert str(path) in str(err.value)
    with pytest.raises(GrnsearchError, match="cannot read"):
        load_flyex(tmp_path / "missing.csv")


def test_train_and_mutate_gap_genes(tmp_path, capsys):
    out = tmp_path / "gap"
    argv = ["train", "gap-genes", "--seeds", "2", "--iterations", "4", "--extra-iterations", "0", "--out", str(out)]
    assert cli.main([*argv, "--quiet"]) == 0
    run = out / "seed-0"
    metrics = json.loads((run / "metrics.json").read_text())
    assert np.asarray(metrics["final_pattern"]).shape == (91, 4) and metrics["mse"] > 0
    assert (run / "figures" / "pattern.png").is_file() and (run / "figures" / "response.png").is_file()
    assert cli.main(["mutate", str(run), str(out / "seed-1"), "--quiet"]) == 0
    assert (run / "figures" / "knockouts.png").is_file()
    assert json.loads((run / "topology.json").read_text())["lam"] == 0.0  # the task's knockout by default
    capsys.readouterr()


def test_study_writes_the_consensus_and_its_comparison(tmp_path, capsys):
    out = tmp_path / "study"
    argv = ["study", "gap-genes", "--seeds", "3", "--iterations", "20", "--extra-iterations", "0", "--out", str(out)]
    assert cli.main([*argv, "--quiet"]) == 0
    consensus = pd.read_csv(out / "consensus.csv")
    assert list(consensus.columns) == ["source", "target", "sign", "agreement", "median_strength"]
    assert len(consensus) == 24 and consensus["sign"].isin([-1, 0, 1]).all()
    assert ((consensus["agreement"] >= 1 / 3) & (consensus["agreement"] <= 1)).all()
    strengths = pd.read_csv(out / "strengths.csv")
    median = strengths["Bcd->hb"].median()  # no run converged in 20 iterations: the consensus takes all
    assert consensus.iloc[0]["median_strength"] == pytest.approx(median)
    comparison = pd.read_csv(out / "reference_comparison.csv")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["consensus_runs"] == 3
    assert summary["references"]["shen2021_rnn"]["compared"] == 19
    assert summary["references"]["gene_circuit"]["agree"] == int(comparison["gene_circuit_agrees"].sum())
    assert json.loads((out / "consensus.csv.json").read_text())["cutoff"] == 0.0
    assert (out / "consensus.png").is_file()
    capsys.readouterr()


@pytest.mark.parametrize(
    "change",
    [{"coupling": "nearest"}, {"loss_reduction": "median"}, {"score_steps": (31,)}, {"mutation_positions": ()}],
    ids=["coupling", "reduction", "score-step", "no-readout-grid"],
)
def test_spatial_task_settings_are_checked(change):
    with pytest.raises(ValueError):
        dataclasses.replace(tasks.get("gap-genes"), **change)
