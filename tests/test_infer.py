"""Inference from time series: windows of the data, training on them, the read-out along the data,
the consensus over seeds, the .npz form, and ``grnsearch automaton`` + ``infer`` end to end."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from grnsearch.cli.main import main
from grnsearch.config import Distribution
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.dynamics.spatial import simulate_positions
from grnsearch.infer.readout import consensus_strengths, observed_frames, observed_strengths
from grnsearch.infer.series import TimeSeries, source_names, source_values
from grnsearch.infer.task import observed_task
from grnsearch.infer.windows import data_windows, persistence_rmse
from grnsearch.io.timeseries import read_time_series
from grnsearch.readout.mutation import _target_diagonal, mutant_link_scales
from grnsearch.training.ensemble import train
from grnsearch.workflows.infer import InferenceSettings, infer_network


def series(times=((0.0, 1.0, 3.0, 4.0), (0.0, 2.0, 3.0)), positions=None, inputs=1) -> TimeSeries:
    """Two genes (and ``inputs`` inputs) per experiment, random levels in [0.1, 1)."""
    rng = np.random.default_rng(0)
    n_pos = 1 if positions is None else len(positions)
    values = tuple(rng.uniform(0.1, 1.0, (len(t), n_pos, 2 + inputs)) for t in times)
    names = tuple(f"e{k + 1}" for k in range(len(times)))
    return TimeSeries(names, tuple(np.asarray(t) for t in times), values, positions, ("a", "b"),
                      tuple(f"I{k}" for k in range(inputs)), np.ones(2))  # fmt: skip


def test_windows_follow_each_experiments_own_grid_and_skip_incomplete_starts():
    data = series()
    data.values[0][1, 0, 0] = np.nan  # a missing level: no window starts there, and it is masked
    windows = data_windows(data, [0, 1], window=2)
    assert [(int(e), int(s)) for e, s in zip(windows.experiment, windows.start, strict=True)] == [
        (0, 0), (0, 2), (1, 0), (1, 1),
    ]  # fmt: skip
    np.testing.assert_allclose(windows.intervals[:, 0], [1.0, 1.0, 2.0, 1.0])
    assert windows.mask[0, 0, 0, 0] == 0 and windows.mask[0, 0, 0, 1] == 1
    np.testing.assert_allclose(windows.inputs[2, 0, 0], data.values[1][0, 0, 2:])
    assert persistence_rmse(windows) > 0


def test_uneven_steps_match_a_hand_written_euler_loop():
    model = GeneNetworkModel.init(n_genes=2, n_inputs=1, hidden=(4,), arch="shared", fixed_initial=(0.0, 0.0),
                                  key=jax.random.PRNGKey(1))  # fmt: skip
    inputs = jnp.ones((1, 3, 2, 1))
    dt = jnp.asarray([[0.1, 0.3, 0.2]])
    start = jnp.asarray([[[0.2, 0.5], [0.4, 0.1]]])
    traj = simulate_positions(model, inputs, dt, initial_state=start)
    g = np.asarray(start[0])
    for k, h in enumerate([0.1, 0.3, 0.2]):
        f = np.stack([np.asarray(model.synthesis(jnp.asarray(g[p]), inputs[0, k, p])) for p in range(2)])
        g = (1 - h) * g + h * f
        np.testing.assert_allclose(np.asarray(traj[0, k + 1]), g, rtol=1e-5)


def test_source_cut_readout_equals_the_single_link_readout():
    data = series(positions=np.arange(4.0), inputs=1)
    task = observed_task(data, coupling="ring-mean", window=2, steps_between=2)
    assert task.sources == ("I0", "nbr_a", "nbr_b", "a", "b") == source_names(data, "ring-mean")
    model = task.init_model(task.defaults.replace(init="glorot"), jax.random.PRNGKey(3))
    models = jax.tree.map(lambda x: x[None], model)
    ours = observed_strengths(models, task, data, lam=0.0)[0]
    states, inputs = observed_frames(data)
    scales = mutant_link_scales(jnp.ones((5, 2)), 0.0)
    wild = task.rates(model, states[None], inputs[None], jnp.ones((5, 2)))
    per_link = jax.vmap(lambda s: jnp.mean(wild - task.rates(model, states[None], inputs[None], s), axis=(0, 1, 2)))
    np.testing.assert_allclose(ours, np.asarray(_target_diagonal(per_link(scales), 5, 2)), atol=1e-6)
    assert np.abs(ours).max() > 0
    assert source_values(data, 0, "ring-mean").shape == (4, 4, 5)


def test_consensus_takes_the_median_its_sign_stability_and_rank():
    strengths = np.asarray([[[0.3, -0.1]], [[0.2, 0.2]], [[-0.1, -0.4]]])
    result = consensus_strengths(strengths)
    np.testing.assert_allclose(result.strength, [[0.2, -0.1]])
    np.testing.assert_allclose(result.stability, [[2 / 3, 2 / 3]])
    np.testing.assert_array_equal(result.rank, [[1, 2]])


def test_training_on_windows_learns_a_repression(tmp_path):
    """Data from b = 1 - a dynamics (a driven by I): the fit beats no change and reads a -| b."""
    t = np.linspace(0, 6, 13)
    rows = []
    for e, level in enumerate((0.1, 0.3, 0.7, 0.9, 0.5)):  # the last, held out, lies between
        a = level * (1 - np.exp(-t))
        b = np.empty_like(t)
        b[0] = 0.5
        for k in range(len(t) - 1):  # fine Euler of db/dt = (1 - a) - b
            h = (t[k + 1] - t[k]) / 50
            value = b[k]
            for m in range(50):
                value += h * ((1 - level * (1 - np.exp(-(t[k] + m * h)))) - value)
            b[k + 1] = value
        rows += [(f"e{e}", tk, ak, bk, level) for tk, ak, bk in zip(t, a, b, strict=True)]
    path = tmp_path / "data.csv"
    pd.DataFrame(rows, columns=["experiment", "time", "a", "b", "I"]).to_csv(path, index=False)
    data = read_time_series(path, inputs=["I"])
    task = observed_task(data, window=3, steps_between=5)
    ens = train(task, 2, iterations=1500)
    assert ens.converged.all(), ens.summary()
    strengths = observed_strengths(ens.models, task, data)
    median = consensus_strengths(strengths).strength
    assert median[task.sources.index("a"), task.genes.index("b")] < 0
    assert median[task.sources.index("I"), task.genes.index("a")] > 0


def test_npz_reads_as_the_long_csv(tmp_path):
    rows = [("e1", t, x, t + x, 2 * t + 1) for t in (0, 1, 2) for x in (0.0, 1.0)]
    rows += [("e2", t, x, t * x + 1, 3) for t in (0, 5) for x in (0.0, 1.0)]
    pd.DataFrame(rows, columns=["experiment", "time", "position", "a", "I"]).to_csv(tmp_path / "d.csv", index=False)
    values = np.full((2, 3, 2, 2), np.nan)
    values[0] = [[[t + x, 2 * t + 1] for x in (0, 1)] for t in (0, 1, 2)]
    values[1, :2] = [[[t * x + 1, 3] for x in (0, 1)] for t in (0, 5)]
    times = np.asarray([[0, 1, 2], [0, 5, np.nan]])
    np.savez(tmp_path / "d.npz", values=values, times=times, nodes=np.asarray(["a", "I"]),
             experiments=np.asarray(["e1", "e2"]), positions=np.asarray([0.0, 1.0]))  # fmt: skip
    csv = read_time_series(tmp_path / "d.csv", inputs=["I"])
    npz = read_time_series(tmp_path / "d.npz", inputs=["I"])
    assert npz.experiments == csv.experiments and npz.genes == csv.genes
    for a, b in zip(csv.values, npz.values, strict=True):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(npz.times[1], [0, 5])


def test_automaton_then_infer_end_to_end(tmp_path, capsys):
    data = tmp_path / "ca"
    assert main(["automaton", "--rule", "3", "--trajectories", "3", "--out", str(data), "--quiet"]) == 0
    gold = pd.read_csv(data / "gold.csv")
    signs = np.asarray(json.loads((data / "rule.json").read_text())["signs"])
    assert set(gold["sign"]) <= {-1, 1} and len(gold) == int(np.count_nonzero(signs))
    out = tmp_path / "inferred"
    argv = ["infer", str(data / "data.csv"), "--coupling", "ring-mean", "--seeds", "2", "--iterations", "20",
            "--window", "3", "--gold", str(data / "gold.csv"), "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "strongest links" in printed and "rnn" in printed
    links = pd.read_csv(out / "links.csv")
    assert list(links.columns) == ["source", *[f"g{k}" for k in range(1, 11)]] and len(links) == 20
    assert list(links["source"][:2]) == ["nbr_g1", "nbr_g2"]
    edges = pd.read_csv(out / "edges.csv")
    assert list(edges.columns) == ["source", "target", "sign", "strength", "stability"] and len(edges) == 200
    assert edges["strength"].abs().is_monotonic_decreasing and edges["stability"].between(0, 1).all()
    for name in ("linear", "trees", "correlation"):
        base = pd.read_csv(out / "baselines" / name / "edges.csv")
        assert list(base.columns) == list(edges.columns) and base["stability"].isna().all()
        assert (out / "baselines" / name / "links.csv").exists() and (out / "baselines" / name / "score.json").exists()
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["method"]) == {"rnn", "linear", "trees", "correlation"}
    assert scores["auroc"].between(0, 1).all()
    assert json.loads((out / "score.json").read_text())["conventions"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["held_out"] == "t3" and summary["models"] == 2 and summary["settings"]["coupling"] == "ring-mean"
    for figure in ("strengths", "network", "data_vs_model", "loss"):
        assert (out / "figures" / f"{figure}.png").exists()
    validation = pd.read_csv(out / "validation.csv")
    assert list(validation.columns) == ["time", "position", "gene", "observed", "predicted"]
    assert (out / "network.graphml").read_text().count("<edge ") == 140  # the weakest 30% dropped
    # a rerun refuses the existing output unless told to overwrite it
    assert main([*argv, "--quiet"]) == 2
    assert main([*argv, "--quiet", "--overwrite", "--baselines", "none", "--no-figures"]) == 0
    assert not (out / "baselines").exists()


def test_seeds_train_on_dask_workers_as_in_process(tmp_path):
    """The task (data and all) travels to local Dask workers; each chunk of seeds gives the same
    models as training in-process."""
    data = series(times=((0.0, 1.0, 2.0), (0.0, 1.0, 2.0), (0.0, 0.5, 2.0)))
    settings = InferenceSettings(seeds=2, iterations=30, window=2, steps_between=2, baselines=())
    alone = infer_network(data, settings)
    spread = infer_network(data, settings, distribution=Distribution(workers=2))
    np.testing.assert_allclose(spread.strengths, alone.strengths, rtol=1e-4, atol=1e-6)
    assert spread.ensemble.seeds == alone.ensemble.seeds == [0, 1]
