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
from grnsearch.training import loop
from grnsearch.training.loop import _chunk_length, make_optimizer
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


def test_cosine_schedule_falls_to_a_tenth_of_the_rate():
    """With ``schedule="cosine"`` Adam's steps shrink along a half cosine: a constant gradient
    moves a parameter by the rate at the first step and by a tenth of it at the last."""
    config = TrainConfig(optimizer="adam", learning_rate=0.01, iterations=100, schedule="cosine")
    optimizer = make_optimizer(config)
    params = {"w": jnp.zeros(())}
    state = optimizer.init(params)
    steps = []
    for _ in range(config.iterations):
        updates, state = optimizer.update({"w": jnp.ones(())}, state, params)
        steps.append(-float(updates["w"]))
    assert steps[0] == pytest.approx(0.01, rel=1e-3)
    assert steps[50] == pytest.approx(0.01 * (0.1 + 0.9 * 0.5), rel=1e-2)
    assert steps[-1] == pytest.approx(0.01 * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * 99 / 100))), rel=1e-2)
    constant = make_optimizer(config.replace(schedule="constant"))
    updates, _ = constant.update({"w": jnp.ones(())}, constant.init(params), params)
    assert -float(updates["w"]) == pytest.approx(0.01, rel=1e-3)
    with pytest.raises(GrnsearchError, match="schedule"):
        config.replace(schedule="linear")


def test_training_without_blocked_links_runs_the_shared_mlp_once(adaptation_task, monkeypatch):
    """Unblocked training skips the link scales (a shared MLP runs once per state, not once per
    target gene): it trains the same models as the path that applies all-ones scales."""
    config = adaptation_task.defaults.replace(arch="shared", iterations=40)
    scales = jnp.ones((2, len(adaptation_task.sources), len(adaptation_task.genes)))
    fast = loop.train_models(adaptation_task, config, [0, 1], scales)
    runner = loop._chunk_runner
    monkeypatch.setattr(loop, "_chunk_runner", lambda *args: runner(*args[:-1], False))
    slow = loop.train_models(adaptation_task, config, [0, 1], scales)
    np.testing.assert_allclose(fast.histories, slow.histories, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(fast.models.weights[0], slow.models.weights[0], rtol=1e-3, atol=1e-5)


def test_extra_iterations_train_only_runs_that_have_not_converged(adaptation_task):
    """After ``iterations``, a run the criterion accepts stops (its parameters stay as they were);
    the others train on until each is accepted or the extra iterations are used up."""
    config = adaptation_task.defaults.replace(iterations=20, extra_iterations=30)
    scales = jnp.ones((3, len(adaptation_task.sources), len(adaptation_task.genes)))
    checks = []

    def converged(models):  # seed 0 at once, seed 1 after one more chunk, seed 2 never
        checks.append(np.asarray(models.weights[0]).copy())
        return np.asarray([True, len(checks) > 1, False])

    result = loop.train_models(adaptation_task, config, [0, 1, 2], scales, converged=converged)
    assert result.trained_iterations.tolist() == [20, 20 + loop._chunk_length(20), 50]
    assert result.histories.shape == (3, 50)
    assert np.isnan(result.histories[0, 20:]).all() and np.isfinite(result.histories[2]).all()
    np.testing.assert_array_equal(result.models.weights[0][0], checks[0][0])  # seed 0 never moved again
    plain = loop.train_models(adaptation_task, config.replace(extra_iterations=0), [0, 1, 2], scales)
    np.testing.assert_allclose(result.models.weights[0][0], plain.models.weights[0][0], rtol=1e-6)
    np.testing.assert_allclose(result.histories[:, :20], plain.histories, rtol=1e-6)
    stops = loop.train_models(adaptation_task, config, [0, 1], scales[:2], converged=lambda m: np.ones(2, bool))
    assert stops.histories.shape == (2, 20) and stops.trained_iterations.tolist() == [20, 20]


def test_extra_iterations_round_trip_through_a_run_directory(adaptation_task, tmp_path):
    ensemble = grnsearch.train(adaptation_task, seeds=2, iterations=10, extra_iterations=10)
    assert ensemble.summary()["iterations"].between(10, 20).all()
    for trained in ensemble:
        assert len(trained.history) == ensemble.trained_iterations[list(ensemble.seeds).index(trained.seed)]
        grnsearch.save_run(trained, tmp_path / f"seed-{trained.seed}", figures=False)
        loaded = grnsearch.load_run(tmp_path / f"seed-{trained.seed}")
        np.testing.assert_allclose(loaded.history, trained.history, rtol=1e-6)
        assert loaded.config.extra_iterations == 10
