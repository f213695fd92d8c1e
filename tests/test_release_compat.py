"""Run directories written by release 0.1.0 (before the layered package) still load and give
back the models they were saved with (tests/data/release_0_1_0/SOURCE.md)."""

import json
from pathlib import Path

import numpy as np
import pytest

import grnsearch
from grnsearch._jax import stack
from grnsearch.training.ensemble import ensemble_metrics

RELEASE = Path(__file__).parent / "data" / "release_0_1_0"
ADDED_SINCE = {"schedule": "constant", "extra_iterations": 0, "model": "mlp"}


@pytest.mark.parametrize("run", ["adaptation-seed-0", "oscillation-seed-3"])
def test_release_run_loads_and_reproduces_its_metrics(run):
    run_dir = RELEASE / run
    trained = grnsearch.load_run(run_dir)
    record = json.loads((run_dir / "manifest.json").read_text())
    assert trained.task.name == record["task"]["name"] and trained.seed == record["seed"]
    # settings added since take their defaults, which are what 0.1.0 did
    assert trained.config.to_dict() == {**ADDED_SINCE, **record["config"]}
    assert isinstance(trained.model, grnsearch.GeneNetworkModel)
    stacked = stack([trained.model])
    recomputed = ensemble_metrics(trained.task, stacked, trained.link_scale[None], trained.config.solver)
    saved = json.loads((run_dir / "metrics.json").read_text())
    for name in trained.task.metric_names:
        np.testing.assert_allclose(recomputed[name][0], saved[name], rtol=1e-5, atol=1e-6, equal_nan=True)
    assert trained.loss == pytest.approx(record["loss"])
