"""Link mutation: strengths against hand-made mutants, blocked links, exports and the CLI."""

import json

import jax.numpy as jnp
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import grnsearch
from grnsearch import cli
from grnsearch.dynamics.simulate import simulate
from grnsearch.readout import mutation


@pytest.fixture(scope="module")
def short_ensemble(adaptation_task):
    return grnsearch.train(adaptation_task, seeds=3, iterations=300)


def test_mutant_link_scales_scale_one_link_each():
    wild = jnp.ones((3, 2)).at[2, 1].set(0.0)
    scales = np.asarray(mutation.mutant_link_scales(wild, 0.5))
    assert scales.shape == (6, 3, 2)
    for k in range(6):
        i, j = divmod(k, 2)
        expected = np.asarray(wild).copy()
        expected[i, j] *= 0.5
        np.testing.assert_array_equal(scales[k], expected)


@pytest.mark.parametrize("lam", [0.0, 0.9])
def test_trajectory_strengths_match_hand_simulated_mutants(short_ensemble, adaptation_task, lam):
    trained = short_ensemble[0]
    strengths = mutation.link_strengths(trained.model, adaptation_task, lam, "trajectory")
    inputs, dt = adaptation_task.mutation_conditions()
    wild = np.asarray(simulate(trained.model, jnp.asarray(inputs), dt))
    for i, j in [(0, 0), (2, 0), (1, 1)]:
        scale = jnp.ones((3, 2)).at[i, j].set(lam)
        mutant = np.asarray(simulate(trained.model, jnp.asarray(inputs), dt, link_scale=scale))
        expected = np.mean(wild[:, 1:, j] - mutant[:, 1:, j])
        assert strengths[i, j] == pytest.approx(expected, rel=1e-4, abs=1e-7)


def test_derivative_strengths_match_hand_computation(short_ensemble, adaptation_task):
    trained = short_ensemble[1]
    strengths = mutation.link_strengths(trained.model, adaptation_task, 0.9, "derivative")
    inputs, dt = adaptation_task.mutation_conditions()
    wild = np.asarray(simulate(trained.model, jnp.asarray(inputs), dt))
    i, j = 2, 0  # g2 -> g1
    scale = jnp.ones((3, 2)).at[i, j].set(0.9)
    diffs = []
    for c in range(inputs.shape[0]):
        for k in range(inputs.shape[1]):
            g, inp = jnp.asarray(wild[c, k]), jnp.asarray(inputs[c, k])
            diffs.append(float(trained.model.synthesis(g, inp)[j] - trained.model.synthesis(g, inp, scale)[j]))
    assert strengths[i, j] == pytest.approx(np.mean(diffs), rel=1e-4, abs=1e-7)


def test_ensemble_strengths_equal_single_model_strengths(short_ensemble, adaptation_task):
    report = mutation.analyse(short_ensemble, lam=0.9, cutoff=1e-3)
    for k, trained in enumerate(short_ensemble):
        single = mutation.link_strengths(trained.model, adaptation_task, 0.9)
        np.testing.assert_allclose(report.strengths[k], single, rtol=1e-5, atol=1e-7)
    assert report.cutoff == 1e-3 and report.cutoff_rule == "given"


@pytest.mark.parametrize("mode", ["trajectory", "derivative"])
def test_link_blocked_in_training_has_strength_exactly_zero(adaptation_task, mode):
    ens = grnsearch.train(adaptation_task, seeds=2, iterations=100, blocked=[("I", "g2"), ("g1", "g1")])
    for lam in (0.0, 0.9):
        report = mutation.analyse(ens, lam=lam, mode=mode, cutoff=0.0)
        assert np.all(report.strengths[:, 0, 1] == 0.0)
        assert np.all(report.strengths[:, 1, 0] == 0.0)
        assert np.all(report.strengths[:, 0, 0] != 0.0)
        assert all("I->g2" not in t.key() and "g1->g1" not in t.key() for t in report.topologies)


def test_auto_cutoff_with_few_runs_is_relative(short_ensemble):
    report = mutation.analyse([short_ensemble[0]], cutoff="auto")
    assert report.scan is None
    assert report.cutoff == pytest.approx(0.05 * np.abs(report.strengths).max())


def test_mutate_cli_writes_exports(tmp_path, capsys):
    out = tmp_path / "train"
    assert (
        cli.main(
            ["train", "adaptation", "--seeds", "3", "--iterations", "200", "--out", str(out), "--quiet", "--no-figures"]
        )
        == 0
    )
    runs = [str(out / f"seed-{k}") for k in range(3)]
    assert cli.main(["mutate", *runs, "--lam", "0.5", "--mode", "derivative"]) == 0
    printed = capsys.readouterr().out
    assert "distinct topologies over 3 runs" in printed
    run = out / "seed-1"
    record = json.loads((run / "topology.json").read_text())
    assert record["lam"] == 0.5 and record["mode"] == "derivative" and record["seed"] == 1
    links = pd.read_csv(run / "links.csv", index_col="source")
    assert links.index.tolist() == ["I", "g1", "g2"] and links.columns.tolist() == ["g1", "g2"]
    edges = pd.read_csv(run / "edges.csv")
    assert list(edges.columns) == ["source", "target", "sign", "strength"]
    cutoff = record["cutoff"]
    present = [(s, t) for s in links.index for t in links.columns if abs(links.loc[s, t]) > cutoff]
    assert list(zip(edges["source"], edges["target"], strict=False)) == present
    assert np.all(np.sign(edges["strength"]) == edges["sign"])
    key = " ".join(
        f"{s}->{t}:{'+' if v > 0 else '-'}"
        for s, t, v in zip(edges["source"], edges["target"], edges["sign"], strict=False)
    )
    assert record["key"] == key
    graph = nx.read_graphml(run / "network.graphml")
    assert set(graph.edges) == set(present)
    for s, t, data in graph.edges(data=True):
        assert data["sign"] == int(np.sign(links.loc[s, t]))
        assert data["strength"] == pytest.approx(links.loc[s, t])
    for name in ("network.png", "network.svg", "knockouts.png"):
        assert (run / "figures" / name).is_file()
    table = pd.read_csv(out / "topologies.csv")
    assert list(table.columns) == ["topology", "n_links", "count", "probability"]
    assert table["count"].sum() == 3
    sidecar = json.loads((out / "topologies.csv.json").read_text())
    assert {k: sidecar[k] for k in ("lam", "mode", "cutoff", "cutoff_rule")} == {
        k: record[k] for k in ("lam", "mode", "cutoff", "cutoff_rule")
    }
    assert (out / "cutoff_scan.csv").is_file() and (out / "cutoff_scan.png").is_file()
    # a second read-out replaces the first only with --overwrite
    before = (run / "topology.json").read_text()
    assert cli.main(["mutate", *runs, "--lam", "0.9", "--no-figures"]) == 2
    assert "--overwrite" in capsys.readouterr().err and (run / "topology.json").read_text() == before
    assert cli.main(["mutate", *runs, "--lam", "0.9", "--no-figures", "--overwrite", "--quiet"]) == 0
    assert json.loads((run / "topology.json").read_text())["lam"] == 0.9


def test_mutate_cli_rejects_non_runs(tmp_path, capsys):
    assert cli.main(["mutate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a complete grnsearch run" in err and str(tmp_path) in err
