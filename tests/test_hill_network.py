"""The learnable Hill model (``model = "hill"``): its formula, its link scaling, the read-out of a
known Hill rule written in its parameters, a short fit that learns a repression, and the choice
of model class through the settings and the command line."""

from __future__ import annotations

import json

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from grnsearch.cli.main import main
from grnsearch.config import TrainConfig
from grnsearch.dynamics.hill_network import HillNetwork
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.errors import GrnsearchError
from grnsearch.infer.automaton import automaton_data, automaton_series, random_rule, shipped_rule
from grnsearch.infer.readout import consensus_strengths, observed_strengths
from grnsearch.infer.task import observed_task
from grnsearch.io.timeseries import read_time_series
from grnsearch.training.ensemble import train
from grnsearch.workflows.infer import InferenceSettings


def hill_model(K, a, r, basal, n_inputs=0) -> HillNetwork:
    """A HillNetwork with the given constrained parameters (r strictly inside (0, 1))."""
    K, a, r = (jnp.asarray(v, jnp.float32) for v in (K, a, r))
    return HillNetwork(
        log_K=jnp.log(K), log_activation=jnp.log(a), repression_logit=jnp.log(r / (1 - r)),
        log_basal=jnp.log(jnp.asarray(basal, jnp.float32)), free_initial=jnp.zeros((0,)),
        n_genes=K.shape[1], n_inputs=n_inputs, fixed_initial=(0.0,) * K.shape[1],
    )  # fmt: skip


def test_synthesis_is_the_hill_formula_and_a_cut_link_drops_both_terms():
    rng = np.random.default_rng(0)
    K, a, r = rng.uniform(0.2, 1, (3, 2)), rng.uniform(0.1, 1, (3, 2)), rng.uniform(0.1, 0.9, (3, 2))
    basal = np.asarray([0.2, 0.05])
    model = hill_model(K, a, r, basal, n_inputs=1)
    x = np.asarray([0.7, 0.3, 0.9])  # I, g1, g2
    occ = x[:, None] ** 2 / (K**2 + x[:, None] ** 2)
    expected = (basal + (a * occ).sum(0)) * np.prod(1 - r * occ, axis=0)
    got = model.synthesis(jnp.asarray(x[1:]), jnp.asarray(x[:1]))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5)
    scale = np.ones((3, 2))
    scale[1, 0] = 0.0  # cut g1 -> g1
    occ[1, 0] = 0.0
    expected = (basal + (a * occ).sum(0)) * np.prod(1 - r * occ, axis=0)
    got = model.synthesis(jnp.asarray(x[1:]), jnp.asarray(x[:1]), jnp.asarray(scale))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5)


def test_the_config_chooses_the_model_class_in_one_place():
    data = automaton_series(automaton_data(shipped_rule(24), seed=3, trajectories=2, steps=40))
    task = observed_task(data, coupling="ring-mean")
    key = jax.random.PRNGKey(0)
    assert isinstance(task.init_model(task.defaults, key), GeneNetworkModel)
    hill = task.init_model(task.defaults.replace(model="hill"), key)
    assert isinstance(hill, HillNetwork) and hill.log_K.shape == (20, 10)
    other = task.init_model(task.defaults.replace(model="hill"), jax.random.PRNGKey(1))
    assert not np.allclose(hill.log_K, other.log_K)  # seeds start apart
    with pytest.raises(GrnsearchError, match="unknown model class 'tree'"):
        TrainConfig().replace(model="tree")


def test_readout_of_a_known_hill_rule_written_in_the_model_gives_its_signs():
    """A random automaton rule as a HillNetwork (a = 1 on activations, r near 1 on repressions,
    every other term near 0): the knockout read-out along its own data calls every link's sign."""
    rule = random_rule(7)  # a seed whose first attempt passes the filter (each attempt compiles anew)
    data = automaton_series(automaton_data(rule, seed=7, trajectories=4))
    scale = np.concatenate([data.scale, data.scale])[:, None]  # the data are scaled per gene
    tiny = 1e-6
    a = np.where(rule.signs == 1, 1.0, tiny) / data.scale[None, :]
    r = np.where(rule.signs == -1, 1 - tiny, tiny)
    model = hill_model(rule.K / scale, a, r, np.full(10, tiny))
    task = observed_task(data, coupling="ring-mean")
    strengths = observed_strengths(jax.tree.map(lambda v: v[None], model), task, data)[0]
    present = rule.signs != 0
    called = np.sign(strengths[present])
    np.testing.assert_array_equal(called, rule.signs[present])
    assert np.abs(strengths[~present]).max() < 1e-3


def repression_data(path) -> None:
    """Five experiments of a driven by I and db/dt = (1 - a) - b, written to ``path``."""
    t = np.linspace(0, 6, 13)
    rows = []
    for e, level in enumerate((0.1, 0.3, 0.7, 0.9, 0.5)):
        a = level * (1 - np.exp(-t))
        b = 1 - level + (0.5 - 1 + level) * np.exp(-t) + level * t * np.exp(-t)  # exact solution
        rows += [(f"e{e}", tk, ak, bk, level) for tk, ak, bk in zip(t, a, b, strict=True)]
    pd.DataFrame(rows, columns=["experiment", "time", "a", "b", "I"]).to_csv(path, index=False)


def test_a_short_fit_of_the_hill_model_learns_a_repression(tmp_path):
    repression_data(tmp_path / "data.csv")
    data = read_time_series(tmp_path / "data.csv", inputs=["I"])
    task = observed_task(data, window=3, steps_between=5)
    ens = train(task, 2, config=task.defaults.replace(model="hill", iterations=600))
    assert ens.converged.all(), ens.summary()
    median = consensus_strengths(observed_strengths(ens.models, task, data)).strength
    assert median[task.sources.index("a"), task.genes.index("b")] < 0
    assert median[task.sources.index("I"), task.genes.index("a")] > 0


def test_infer_with_model_hill_records_it(tmp_path):
    repression_data(tmp_path / "data.csv")
    out = tmp_path / "inferred"
    argv = ["infer", str(tmp_path / "data.csv"), "--inputs", "I", "--model", "hill", "--seeds", "2",
            "--iterations", "200", "--window", "3", "--baselines", "none", "--out", str(out),
            "--no-figures", "--quiet"]  # fmt: skip
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["model"] == "hill"


def test_hidden_layers_do_not_apply_to_the_hill_model():
    with pytest.raises(GrnsearchError, match="model is 'hill'") as err:
        InferenceSettings(model="hill", hidden=(8,))
    assert err.value.parameter == "hidden"
    with pytest.raises(GrnsearchError) as err:
        InferenceSettings(model="forest")
    assert err.value.parameter == "model"
