"""Hill-function models, the controlled-oscillation screen, and topology enumeration."""

import jax
import jax.numpy as jnp
import numpy as np

from grnsearch.dynamics import hill
from grnsearch.hillsearch import screen
from grnsearch.network.topology import Topology, enumerate_topologies
from grnsearch.tasks.hill_screen import OscillationScreen

SOURCES, GENES = ("I1", "I2", "g1", "g2"), ("g1", "g2")


def test_hill_synthesis_matches_the_formula():
    signs = jnp.asarray([[1, 0], [0, -1], [-1, 1], [0, 0]], dtype=jnp.int8)
    K = jnp.asarray([[0.5, 1.0], [1.0, 0.7], [0.3, 0.9], [1.0, 1.0]])
    b = jnp.asarray([[2.0, 1.0], [1.0, 1.0], [1.0, 1.5], [1.0, 1.0]])
    x = jnp.asarray([0.8, 0.4, 0.6, 0.2])  # I1, I2, g1, g2
    f = np.asarray(hill.hill_synthesis(x, signs, K, b))
    act_g1 = 2.0 * 0.8**2 / (0.5**2 + 0.8**2)
    rep_g1 = 0.3**2 / (0.3**2 + 0.6**2)
    act_g2 = 1.5 * 0.6**2 / (0.9**2 + 0.6**2)
    rep_g2 = 0.7**2 / (0.7**2 + 0.4**2)
    np.testing.assert_allclose(f, [act_g1 * rep_g1, act_g2 * rep_g2], rtol=1e-5)
    # no activator, no synthesis
    only_repressed = jnp.asarray([[0, 0], [0, 0], [-1, 0], [0, 0]], dtype=jnp.int8)
    assert float(hill.hill_synthesis(x, only_repressed, K, b)[0]) == 0.0


def test_enumeration_counts_2304_connected_topologies():
    signs = enumerate_topologies(2, 2)
    assert signs.shape == (2304, 4, 2)
    links = np.count_nonzero(signs.reshape(2304, -1), axis=1)
    assert links.min() == 4 and links.max() == 8
    assert len(enumerate_topologies(2, 2, connected=False)) == 3**8


def test_robust_topology_oscillates_and_one_without_feedback_does_not():
    key = jax.random.PRNGKey(0)
    robust = Topology.from_key("I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+", SOURCES, GENES)
    found = screen.count_successful_sets(robust.signs, key, samples=20_000)
    assert found >= 2  # the authors found 142 of 160,000
    no_feedback = Topology.from_key("I1->g1:+ I2->g1:+ g1->g1:+ g1->g2:+ g2->g2:-", SOURCES, GENES)
    assert screen.count_successful_sets(no_feedback.signs, key, samples=20_000) == 0


def test_success_criterion_on_hand_made_trajectories():
    t = np.arange(200)
    rest = np.full(200, 0.1)
    wave = 0.5 + 0.3 * np.sin(2 * np.pi * t / 12)
    high = np.full(200, 0.7)
    traj = jnp.asarray(np.stack([rest, wave, high])[:, :, None])
    paper = OscillationScreen()
    assert bool(screen.trajectory_success(paper, traj))
    flat = jnp.asarray(np.stack([rest, high, high])[:, :, None])
    assert not bool(screen.trajectory_success(paper, flat))
    low_plateau = jnp.asarray(np.stack([rest, wave, np.full(200, 0.3)])[:, :, None])
    assert not bool(screen.trajectory_success(paper, low_plateau))
