"""The synthesis MLPs, the link-scale matrix, one Euler step, and the ODE mode."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.dynamics.simulate import simulate


def make_model(arch: str, seed: int = 0) -> GeneNetworkModel:
    return GeneNetworkModel.init(
        n_genes=2, n_inputs=1, hidden=(5, 4), arch=arch, fixed_initial=(0.4, None), key=jax.random.PRNGKey(seed)
    )


def mlp_by_hand(model: GeneNetworkModel, x: np.ndarray, net: int) -> np.ndarray:
    """Plain NumPy forward pass of net ``net`` (ReLU hidden layers, linear output)."""
    h = x
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=False)):
        h = h @ np.asarray(w[net]) + np.asarray(b[net])
        if i < len(model.weights) - 1:
            h = np.maximum(h, 0.0)
    return h


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("arch", ["per-gene", "shared"])
def test_one_euler_step_matches_hand_computation(arch):
    model = make_model(arch)
    g0 = np.asarray(model.initial_state())
    inp = np.array([0.7], dtype=np.float32)
    x = np.concatenate([inp, g0])
    if arch == "per-gene":
        f = np.array([sigmoid(mlp_by_hand(model, x, j)[0]) for j in range(2)])
    else:
        f = sigmoid(mlp_by_hand(model, x, 0))
    dt = 0.2
    expected = (1 - dt) * g0 + dt * f
    traj = simulate(model, jnp.full((1, 1, 1), 0.7), dt)
    np.testing.assert_allclose(np.asarray(traj[0, 0]), g0, rtol=0, atol=0)
    np.testing.assert_allclose(np.asarray(traj[0, 1]), expected, rtol=1e-5, atol=1e-6)


def test_initial_state_keeps_fixed_values_and_trains_free_ones():
    model = make_model("per-gene")
    g0 = np.asarray(model.initial_state())
    assert g0[0] == pytest.approx(0.4)
    assert g0[1] == pytest.approx(float(model.free_initial[0]))
    grad = jax.grad(lambda m: m.initial_state().sum())(model)
    assert float(grad.free_initial[0]) == 1.0


def test_normal_initialisation_and_uniform_free_starts():
    kwargs = {"n_genes": 3, "n_inputs": 2, "hidden": (64, 64), "arch": "per-gene", "fixed_initial": (0.1, None, None)}
    glorot = GeneNetworkModel.init(**kwargs, key=jax.random.PRNGKey(0))
    assert all(float(jnp.abs(b).max()) == 0.0 for b in glorot.biases)
    assert np.all(np.asarray(glorot.free_initial) == 0.0)
    normal = GeneNetworkModel.init(**kwargs, key=jax.random.PRNGKey(0), init_std=0.1, free_start="uniform")
    values = np.concatenate([np.asarray(a).ravel() for a in (*normal.weights, *normal.biases)])
    assert np.abs(values).max() <= 0.2  # truncated at two standard deviations
    # a normal truncated at +-2 sigma has standard deviation 0.88 sigma
    assert np.std(values) == pytest.approx(0.088, rel=0.05)
    assert all(float(jnp.abs(b).min()) > 0.0 for b in normal.biases)
    starts = np.asarray(normal.free_initial)
    assert starts.shape == (2,) and np.all((starts >= 0) & (starts < 1)) and starts[0] != starts[1]
    # the weights do not depend on where the free genes start
    zero = GeneNetworkModel.init(**kwargs, key=jax.random.PRNGKey(0), init_std=0.1)
    np.testing.assert_array_equal(np.asarray(zero.weights[0]), np.asarray(normal.weights[0]))
    with pytest.raises(ValueError, match="free_start"):
        GeneNetworkModel.init(**kwargs, key=jax.random.PRNGKey(0), free_start="random")


@pytest.mark.parametrize("arch", ["per-gene", "shared"])
def test_link_scale_one_is_wild_type(arch):
    model = make_model(arch)
    g, inp = jnp.array([0.3, 0.6]), jnp.array([0.5])
    wild = model.synthesis(g, inp)
    np.testing.assert_allclose(np.asarray(model.synthesis(g, inp, jnp.ones((3, 2)))), np.asarray(wild), rtol=1e-6)


@pytest.mark.parametrize("arch", ["per-gene", "shared"])
def test_blocked_link_gives_exactly_zero_gradient(arch):
    """Blocking g2->g1 (source 2, target 0): f_g1 no longer depends on g2, f_g2 still does."""
    model = make_model(arch, seed=3)
    scale = jnp.ones((3, 2)).at[2, 0].set(0.0)

    def f_of_sources(x, target):
        return model.synthesis(x[1:], x[:1], scale)[target]

    x = jnp.array([0.5, 0.3, 0.6])
    d_g1 = jax.grad(f_of_sources)(x, 0)
    d_g2 = jax.grad(f_of_sources)(x, 1)
    assert float(d_g1[2]) == 0.0
    assert float(jnp.abs(d_g2[2])) > 0.0
    # scaling a source by lambda scales it only for that target
    half = jnp.ones((3, 2)).at[0, 1].set(0.5)
    x_scaled = jnp.array([0.25, 0.3, 0.6])
    f_half = model.synthesis(x[1:], x[:1], half)
    f_manual = model.synthesis(x_scaled[1:], x_scaled[:1])
    assert float(f_half[1]) == pytest.approx(float(f_manual[1]), rel=1e-6)
    assert float(f_half[0]) == pytest.approx(float(model.synthesis(x[1:], x[:1])[0]), rel=1e-6)


def test_per_gene_blocked_link_weights_get_zero_gradient():
    """With a per-gene MLP the first-layer weights from a blocked source into that gene's net
    receive exactly zero gradient, so training never builds the link."""
    model = make_model("per-gene", seed=1)
    scale = jnp.ones((3, 2)).at[0, 1].set(0.0)  # I->g2
    inputs = jnp.linspace(0.1, 1.0, 12).reshape(3, 4, 1)

    grads = jax.grad(lambda m: simulate(m, inputs, 0.2, link_scale=scale).sum())(model)
    first = np.asarray(grads.weights[0])  # (net, source, hidden)
    assert np.all(first[1, 0, :] == 0.0)
    assert np.any(first[0, 0, :] != 0.0)


@pytest.mark.parametrize("arch", ["per-gene", "shared"])
def test_ode_mode_agrees_with_euler_at_small_dt(arch):
    model = make_model(arch, seed=2)
    dt = 0.002
    steps = 2000  # 4 time units
    t = np.arange(steps) * dt
    inputs = jnp.asarray(np.where(t < 1.0, 0.1, 0.9)[None, :, None], dtype=jnp.float32)
    euler = np.asarray(simulate(model, inputs, dt))
    ode = np.asarray(simulate(model, inputs[:, ::100], dt * 100, solver="ode"))
    np.testing.assert_allclose(ode[0], euler[0, ::100], atol=2e-3)
    # and the coarse Euler of the paper is visibly less accurate than the adaptive solver
    coarse = np.asarray(simulate(model, inputs[:, ::100], dt * 100))
    assert np.max(np.abs(coarse - euler[:, ::100])) > np.max(np.abs(ode - euler[:, ::100]))


def test_noise_is_added_to_synthesis():
    model = make_model("per-gene")
    inputs = jnp.full((1, 1, 1), 0.5)
    noise = jnp.full((1, 1, 2), 0.1)
    plain = np.asarray(simulate(model, inputs, 0.2))
    noisy = np.asarray(simulate(model, inputs, 0.2, noise=noise))
    np.testing.assert_allclose(noisy[0, 1] - plain[0, 1], 0.2 * 0.1, rtol=1e-4)
