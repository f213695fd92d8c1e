"""Mutant predictions of patterning tasks: knockouts, dosage changes, borders and their summaries."""

from __future__ import annotations

import json
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch._jax import take
from grnsearch.cli.main import main
from grnsearch.dynamics.perturbed import ScaledSynthesis
from grnsearch.errors import GrnsearchError
from grnsearch.outputs.runs import save_run
from grnsearch.readout.borders import crossings, follow_borders, reference_borders
from grnsearch.readout.mutants import border_table, domain_table, pattern_table, run_pattern_table
from grnsearch.readout.predict import Perturbation, mutant_panel, predict_patterns
from grnsearch.training.ensemble import TrainedModel


def _runs(task, seeds=(0, 1)):
    """Untrained models of ``task`` as runs (their dynamics are all that predictions need)."""
    config = task.defaults.replace(iterations=1)
    return [
        TrainedModel(task, config, s, task.init_model(config, jax.random.PRNGKey(s)), np.zeros(1), {"mse": 1.0}, 0.0)
        for s in seeds
    ]


def test_a_knockout_has_exactly_zero_synthesis_of_its_gene():
    task = tasks.get("gap-genes")
    run = _runs(task)[0]
    scale = Perturbation(knockouts=("Kr",)).gene_scale(task)
    mutant = ScaledSynthesis(run.model, jnp.asarray(scale))
    g = jnp.asarray([0.3, 0.8, 0.5, 0.2])
    rates = mutant.synthesis(g, jnp.asarray([0.7, 0.1]))
    wild = run.model.synthesis(g, jnp.asarray([0.7, 0.1]))
    assert float(rates[1]) == 0.0
    np.testing.assert_array_equal(np.asarray(rates)[[0, 2, 3]], np.asarray(wild)[[0, 2, 3]])
    prediction = predict_patterns(_runs(task), [Perturbation(knockouts=("Kr",))] * 2 + [Perturbation()])
    assert prediction.names == ["wt", "Kr-"]  # each condition once, the wild type first
    assert np.all(prediction.patterns[:, 1, :, 1] == 0.0)
    assert np.all(prediction.patterns[:, 0, :, 1] > 0.0)


def test_dosage_changes_scale_the_inputs_and_match_a_direct_simulation():
    task = tasks.get("gap-genes")
    runs = _runs(task)
    prediction = predict_patterns(runs, [Perturbation(scales=(("Bcd", 0.5), ("Tor", 2.0)))])
    inputs = np.asarray(task.conditions(jax.random.PRNGKey(0)).inputs) * np.asarray([0.5, 2.0], dtype=np.float32)
    for k, run in enumerate(runs):
        direct = run.simulate(inputs)[0, task.n_steps]
        np.testing.assert_allclose(prediction.patterns[k, 1], direct, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(prediction.patterns[k, 0], run.simulate(inputs / [0.5, 2.0])[0, -1], atol=1e-6)


def test_the_panel_and_bad_perturbations():
    task = tasks.get("gap-genes")
    names = [p.name for p in mutant_panel(task)]
    assert names == ["hb-", "Kr-", "kni-", "gt-", "Bcd x0", "Bcd x0.5", "Bcd x2", "Tor x0"]
    for bad, parameter in [
        (Perturbation(knockouts=("eve",)), "knockout"),
        (Perturbation(scales=(("Cad", 1.0),)), "scale"),
        (Perturbation(scales=(("Bcd", -1.0),)), "scale"),
        (Perturbation(scales=(("Bcd", float("nan")),)), "scale"),
        (Perturbation(knockouts=("hb", "hb")), "knockout"),
    ]:
        with pytest.raises(GrnsearchError) as err:
            bad.check(task)
        assert err.value.parameter == parameter
    with pytest.raises(GrnsearchError, match="no positions"):
        predict_patterns(_runs(tasks.get("adaptation")), [])


X = np.linspace(0.0, 1.0, 101)


def _tent(centre: float, half_width: float, height: float = 1.0) -> np.ndarray:
    return height * np.clip(1.0 - np.abs(X - centre) / half_width, 0.0, None)


def test_crossings_at_half_maximum_are_interpolated():
    where, direction = crossings(_tent(0.4, 0.2, 2.0)[None], X)
    found = where[0][direction[0] != 0]
    np.testing.assert_allclose(found, [0.3, 0.5], atol=1e-9)
    assert direction[0][direction[0] != 0].tolist() == [1, -1]


def test_borders_are_followed_lost_and_not_taken_by_another_domain():
    wild = np.stack([_tent(0.3, 0.1) + _tent(0.8, 0.1), _tent(0.5, 0.2)], axis=-1)  # (P, 2 genes)
    borders = reference_borders(wild, X)
    assert [(b.gene, b.direction) for b in borders] == [(0, 1), (0, -1), (0, 1), (0, -1), (1, 1), (1, -1)]
    np.testing.assert_allclose([b.position for b in borders], [0.25, 0.35, 0.75, 0.85, 0.4, 0.6], atol=1e-9)
    shifted = np.stack([_tent(0.4, 0.1), 0.1 * _tent(0.5, 0.2)], axis=-1)  # posterior stripe gone, gene 1 lost
    peak = wild.max(axis=0)
    moved = follow_borders(np.stack([wild, shifted]), X, borders, peak)
    np.testing.assert_allclose(moved[0], [0.25, 0.35, 0.75, 0.85, 0.4, 0.6], atol=1e-9)
    # gene 0's one stripe moved by 0.1: its borders follow; the posterior stripe's borders do not take its place
    np.testing.assert_allclose(moved[1, :2], [0.35, 0.45], atol=1e-9)
    assert np.all(np.isnan(moved[1, 2:]))
    far = np.stack([_tent(0.7, 0.1), _tent(0.5, 0.2)], axis=-1)  # gene 0 moved by 0.4 > max_shift
    assert np.isnan(follow_borders(far, X, borders[:2], peak)).all()


def test_border_and_domain_tables_measure_shifts_peaks_and_extents():
    wild = np.stack([_tent(0.3, 0.2), _tent(0.7, 0.2)], axis=-1)
    mutant = np.stack([_tent(0.4, 0.3), 0.2 * _tent(0.7, 0.2)], axis=-1)  # gene a shifted and wider, b weak
    patterns = np.stack([np.stack([wild, mutant]), np.stack([wild, mutant])])  # 2 runs, 2 conditions
    borders = border_table(patterns, X, ["wt", "m"], ["a", "b"]).set_index(["condition", "gene", "border"])
    assert borders.loc[("m", "a", 1), "shift"] == pytest.approx(0.05)  # 0.2 -> 0.25
    assert borders.loc[("m", "a", 2), "shift"] == pytest.approx(0.15)  # 0.4 -> 0.55
    assert borders.loc[("m", "a", 2), "runs"] == 2
    assert np.isnan(borders.loc[("m", "b", 1), "shift"]) and borders.loc[("m", "b", 1), "runs"] == 0
    domains = domain_table(patterns, X, ["wt", "m"], ["a", "b"]).set_index(["condition", "gene"])
    assert domains.loc[("m", "b"), "peak_ratio"] == pytest.approx(0.2)
    assert domains.loc[("m", "a"), "extent_change"] == pytest.approx(0.1, abs=0.011)
    assert domains.loc[("wt", "a"), "extent_change"] == 0.0
    long = pattern_table(patterns, X, ["wt", "m"], ["a", "b"])
    assert len(long) == 2 * len(X) * 2 and set(long.columns) == {"condition", "x", "gene", "median", "q25", "q75"}
    wide = run_pattern_table(patterns, X, ["wt", "m"], ["a", "b"], [3, 4])
    assert wide.shape == (2 * 2 * len(X), 5) and wide["seed"].tolist()[:1] == [3]
    np.testing.assert_array_equal(wide[(wide.seed == 4) & (wide.condition == "m")]["b"], mutant[:, 1])


FIXTURE = Path(__file__).parent / "data" / "gap_genes_models.eqx"


@pytest.fixture(scope="module")
def trained_gap_runs() -> list[TrainedModel]:
    """Five converged gap-gene models (a committed fixture of a full study's runs)."""
    task = tasks.get("gap-genes")
    record = json.loads(FIXTURE.with_suffix(".json").read_text())
    keys = jax.random.split(jax.random.PRNGKey(0), len(record["seeds"]))
    like = eqx.filter_vmap(lambda k: task.init_model(task.defaults, k))(keys)
    models = eqx.tree_deserialise_leaves(FIXTURE, like)
    runs = zip(record["seeds"], record["mse"], record["iterations_trained"], strict=True)
    # the fixture keeps the models, not their training: a history of zeros of the right length
    return [
        TrainedModel(task, task.defaults, seed, take(models, i), np.zeros(trained), {"mse": mse}, 0.0)
        for i, (seed, mse, trained) in enumerate(runs)
    ]


def test_the_fixture_reproduces_the_data(trained_gap_runs):
    task = trained_gap_runs[0].task
    for run in trained_gap_runs:
        metrics = task.metrics(run.model, run.link_scale)
        assert float(metrics["mse"]) == pytest.approx(run.metrics["mse"], rel=1e-3)
        assert task.success({"mse": float(metrics["mse"])})


def test_kr_knockout_loses_kni_and_expands_hb_and_gt(trained_gap_runs):
    """The paper's Fig. 5e: without Kr the central kni domain is lost (peak < 30% of the wild
    type's) and the hb and gt domains expand into the middle of the embryo."""
    task = trained_gap_runs[0].task
    prediction = predict_patterns(trained_gap_runs, [Perturbation(knockouts=("Kr",))])
    domains = domain_table(prediction.patterns, prediction.positions, prediction.names, task.genes)
    kr = domains[domains.condition == "Kr-"].set_index("gene")
    assert kr.loc["kni", "peak_ratio"] < 0.3
    assert kr.loc["hb", "extent_change"] > 0.02 and kr.loc["gt", "extent_change"] > 0.02
    assert kr.loc["Kr", "peak_ratio"] == 0.0


def test_predict_command_writes_the_panel(trained_gap_runs, tmp_path, capsys):
    for run in trained_gap_runs[:3]:
        save_run(run, tmp_path / "runs" / f"seed-{run.seed}", figures=False)
    out = tmp_path / "predicted"
    argv = ["predict", str(tmp_path / "runs"), "--panel", "--knockout", "Kr,kni", "--scale", "Bcd=0.5,Tor=0"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Kr- kni-" in printed and "Bcd x0.5 Tor x0" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["conditions"][:3] == ["wt", "Kr- kni-", "Bcd x0.5 Tor x0"]
    assert len(summary["conditions"]) == 11 and summary["runs"] == 3
    borders = pd.read_csv(out / "borders.csv")
    assert set(borders.condition) == set(summary["conditions"])
    assert (borders[borders.condition == "wt"]["shift"] == 0).all()
    patterns = pd.read_csv(out / "run_patterns.csv")
    assert (patterns[patterns.condition == "Kr- kni-"][["Kr", "kni"]] == 0).all().all()
    assert (out / "mutants.png").is_file() and (out / ".grnsearch.json").is_file()
    assert main([*argv, "--out", str(out), "--quiet"]) == 2  # never replaced without --overwrite
    assert main([*argv, "--out", str(out), "--quiet", "--overwrite", "--no-figures"]) == 0
    assert not (out / "mutants.png").exists()
