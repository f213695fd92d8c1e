"""Loss, training ensembles, determinism and the adaptation task's numbers."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import grnsearch
from grnsearch.cli import main
from grnsearch.config import TrainConfig
from grnsearch.dynamics.simulate import simulate
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.adaptation import pulse
from grnsearch.tasks.base import Conditions
from grnsearch.training.loop import _chunk_length
from grnsearch.training.loss import loss


def test_pulse_peaks_at_one_half_near_step_four():
    s = np.linspace(0, 40, 40001)
    a = np.asarray(pulse(s))
    assert a.max() == pytest.approx(0.5, abs=1e-6)
    assert s[a.argmax()] == pytest.approx(6 * np.log(2), abs=1e-2)


def test_adaptation_conditions(adaptation_task):
    cond = adaptation_task.conditions(jax.random.PRNGKey(5))
    assert cond.inputs.shape == (3, 40, 1) and cond.targets.shape == (3, 40, 1)
    u = float(cond.inputs[2, 0, 0])
    np.testing.assert_allclose(np.asarray(cond.inputs[:2, :, 0]), [[0.1] * 40, [1.0] * 40])
    np.testing.assert_allclose(np.asarray(cond.targets[0, :, 0]), 0.4)
    np.testing.assert_allclose(np.asarray(cond.targets[1, :, 0]), 0.4 + np.asarray(pulse(np.arange(1, 41))), rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(cond.targets[2, :, 0]), 0.4 + u * np.asarray(pulse(np.arange(1, 41))), rtol=1e-5
    )
    other = adaptation_task.conditions(jax.random.PRNGKey(6))
    assert float(other.inputs[2, 0, 0]) != u  # redrawn from the key
    np.testing.assert_array_equal(np.asarray(cond.stationary), [1.0, 0.0, 0.0])


def test_loss_matches_hand_computation(adaptation_task):
    model = adaptation_task.init_model(adaptation_task.defaults, jax.random.PRNGKey(0))
    cond = adaptation_task.conditions(jax.random.PRNGKey(1))
    scale = adaptation_task.link_scale()
    traj = np.asarray(simulate(model, cond.inputs, 0.2))
    sse = np.sum((traj[:, 1:, 0] - np.asarray(cond.targets[:, :, 0])) ** 2)
    drift = np.sum((traj[0, 1:, :] - traj[0, 0, :]) ** 2)
    expected = np.sqrt(sse + drift)
    assert float(loss(model, adaptation_task, cond, scale)) == pytest.approx(expected, rel=1e-5)
    # the mask removes points from the score
    masked = Conditions(cond.inputs, cond.targets, jnp.zeros_like(cond.mask), cond.stationary)
    assert float(loss(model, adaptation_task, masked, scale)) == pytest.approx(np.sqrt(drift), rel=1e-5)


def test_chunk_length_divides_iterations():
    for n in (1, 7, 100, 999, 2000, 4000):
        c = _chunk_length(n)
        assert n % c == 0 and 1 <= c <= max(1, n // 20)
    assert _chunk_length(2000) == 100


@pytest.mark.parametrize("arch", ["per-gene", "shared"])
def test_shortened_adaptation_training_adapts(adaptation_task, arch):
    """1000 of the 2000 default iterations already give a sensitive, adapting g1."""
    ens = grnsearch.train(adaptation_task, seeds=4, iterations=1000, arch=arch)
    summary = ens.summary()
    assert list(summary.columns) == ["seed", "loss", "sensitivity", "adaptation_error", "converged"]
    assert summary["sensitivity"].median() >= 0.3
    assert summary["adaptation_error"].median() <= 0.05
    assert summary["converged"].sum() >= 3  # sensitivity >= 0.3 and error <= 0.05
    # the loss decreased over training for every seed
    assert np.all(ens.histories[:, -50:].mean(axis=1) < 0.5 * ens.histories[:, :10].mean(axis=1))


def test_same_seed_gives_same_metrics(adaptation_task):
    a = grnsearch.train(adaptation_task, seeds=[3, 4], iterations=60)
    b = grnsearch.train(adaptation_task, seeds=[3, 4], iterations=60)
    np.testing.assert_array_equal(a.summary().to_numpy(), b.summary().to_numpy())
    c = grnsearch.train(adaptation_task, seeds=[5, 6], iterations=60)
    assert not np.array_equal(a.summary()["loss"].to_numpy(), c.summary()["loss"].to_numpy())


def test_blocked_link_weights_never_move(adaptation_task):
    ens = grnsearch.train(adaptation_task, seeds=2, iterations=40, blocked=[("I", "g2")])
    trained = ens[0]
    fresh = adaptation_task.init_model(trained.config, jax.random.split(jax.random.PRNGKey(0), 3)[0])
    w_trained = np.asarray(trained.model.weights[0])
    w_fresh = np.asarray(fresh.weights[0])
    np.testing.assert_array_equal(w_trained[1, 0], w_fresh[1, 0])  # I (source 0) into g2's net
    assert not np.array_equal(w_trained[0, 0], w_fresh[0, 0])  # I into g1's net did train


def test_bad_settings_raise_clear_errors(adaptation_task):
    with pytest.raises(GrnsearchError, match="iterations"):
        grnsearch.train(adaptation_task, seeds=1, iterations=0)
    with pytest.raises(GrnsearchError, match="seeds"):
        grnsearch.train(adaptation_task, seeds=0)
    with pytest.raises(GrnsearchError, match="unknown source 'X'"):
        grnsearch.train(adaptation_task, seeds=1, blocked=[("X", "g1")])
    with pytest.raises(GrnsearchError, match="inputs cannot be targets"):
        grnsearch.train(adaptation_task, seeds=1, blocked=[("g1", "I")])
    with pytest.raises(GrnsearchError, match="noise"):
        TrainConfig(solver="ode", noise=0.1).validate()
    with pytest.raises(GrnsearchError, match="unknown initialisation 'xavier'"):
        TrainConfig().replace(init="xavier")
    with pytest.raises(GrnsearchError, match="init_std"):
        TrainConfig().replace(init="normal", init_std=0.0)
    with pytest.raises(GrnsearchError, match="free_start"):
        TrainConfig().replace(free_start="random")
    config = TrainConfig().replace(init="normal", init_std=0.05, free_start="uniform")
    assert TrainConfig.from_dict(config.to_dict()) == config and config.weight_std == 0.05


def test_the_ode_solver_trains_several_seeds(tmp_path):
    # several seeds are sharded over the devices for Euler; Diffrax's loops cannot be, so ODE
    # training runs them in one vmap (this failed with exit 70 before)
    out = tmp_path / "ode"
    argv = ["train", "adaptation", "--seeds", "2", "--solver", "ode", "--iterations", "5", "--out", str(out)]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    assert sorted(p.name for p in out.glob("seed-*")) == ["seed-0", "seed-1"]
