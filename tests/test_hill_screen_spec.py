"""The general Hill screen: the spec, the topology space, and the fast screen against the slow reference."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from grnsearch.dynamics import hill
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch import screen
from grnsearch.network.space import TopologySpace
from grnsearch.network.topology import Topology, enumerate_topologies
from grnsearch.tasks.hill_criteria import (
    Mean,
    MeanRatio,
    Precision,
    RisesAndFalls,
    Sensitivity,
    Variance,
    Window,
)
from grnsearch.tasks.hill_screen import Condition, HillScreen, OscillationScreen, Schedule


# ---- the topology space ------------------------------------------------------------------
def test_a_small_space_counts_by_hand():
    # I->g1 fixed +, I->g2 and the self-loops forbidden, g1->g2 and g2->g1 free: 3 x 3 = 9
    links = {"I->g1": "+", "I->g2": "0", "g1->g1": "0", "g2->g2": "0"}
    free = TopologySpace.build(("I",), ("g1", "g2"), links)
    signs = free.enumerate()
    assert free.candidates == 9 and signs.shape == (9, 3, 2)
    assert (signs[:, 0, 0] == 1).all() and (signs[:, 0, 1] == 0).all()
    # lexicographic order of the flattened links, choices - 0 +: g1->g2 before g2->g1
    assert [tuple(s[1:, :][[0, 1], [1, 0]]) for s in signs[:3]] == [(-1, -1), (-1, 0), (-1, 1)]
    # I reaches g2 only through g1->g2: 2 signs x 3 choices of g2->g1 = 6
    reach = TopologySpace.build(("I",), ("g1", "g2"), links, reach=[("I", "g2")])
    kept = reach.enumerate()
    assert len(kept) == 6 and (kept[:, 1, 1] != 0).all()
    # a link that must be present with either sign
    assert len(TopologySpace.build(("I",), ("g1", "g2"), {**links, "g2->g1": "-+"}).enumerate()) == 6


def test_reach_follows_longer_paths_and_any_sign():
    space = TopologySpace.build(("I",), ("A", "B", "C"), reach=[("I", "C")])
    chain = Topology.from_key("I->A:+ A->B:- B->C:-", space.sources, space.genes).signs
    broken = Topology.from_key("I->A:+ C->B:- B->A:+", space.sources, space.genes).signs
    assert space.keeps(np.stack([chain, broken])).tolist() == [True, False]


def test_the_paper_filter_and_the_atlas_count():
    paper = TopologySpace.build(("I1", "I2"), ("g1", "g2"), inputs_regulate=True, genes_strongly_connected=True)
    np.testing.assert_array_equal(paper.enumerate(), enumerate_topologies(2, 2))
    # Ma et al. 2009: I acts on A only; 3^9 topologies among A, B, C, of which 16,038 have a path A to C
    atlas = TopologySpace.build(("I",), ("A", "B", "C"), {"I->A": "+", "I->B": "0", "I->C": "0"}, reach=[("I", "C")])
    assert atlas.candidates == 3**9 and len(atlas.enumerate()) == 16_038
    assert TopologySpace.from_dict(atlas.to_dict()) == atlas


def test_spaces_that_cannot_be_searched_are_refused():
    links = {"I->g1": "+", "I->g2": "0", "g1->g2": "0"}
    with pytest.raises(GrnsearchError, match="empty") as err:
        TopologySpace.build(("I",), ("g1", "g2"), links, reach=[("I", "g2")]).enumerate()
    assert err.value.parameter == "space"
    with pytest.raises(GrnsearchError, match="too many for an exhaustive search"):
        TopologySpace.build(("I",), ("A", "B", "C", "D")).enumerate()
    with pytest.raises(GrnsearchError, match="unknown link 'I->X'"):
        TopologySpace.build(("I",), ("A",), {"I->X": "+"})
    with pytest.raises(GrnsearchError, match="choices"):
        TopologySpace.build(("I",), ("A",), {"I->A": "+x"})
    with pytest.raises(GrnsearchError, match="reach"):
        TopologySpace.build(("I",), ("A",), reach=[("A", "I")])


# ---- the spec ----------------------------------------------------------------------------
def _stepped_screen() -> HillScreen:
    """A screen with every criterion kind, a step of I1 at step 30, and two stages."""
    window = Window(30, 60)
    return HillScreen(
        conditions=(
            Condition("rest", Schedule.constant(0.0, 0.0), (Variance(window, max=0.01),)),
            Condition(
                "step",
                Schedule(((0.5, 0.0), (0.8, 0.0)), (0, 30)),
                (
                    Mean(Window(20, 30), min=0.01),
                    Sensitivity(30, window, 0.2),
                    Precision(30, Window(55, 60), 1.0),
                    RisesAndFalls(Window(0, 30), 1e-6),
                ),
            ),
            Condition("hold", Schedule.constant(0.0, 0.8), (Mean(window, max=5.0),)),
        ),
        stages=(("step",), ("rest", "hold")),
        relations=(MeanRatio("hold", "rest", window, 0.5),),
        dt=0.25,
        steps=60,
        start=(0.3, 0.2),
    )


def test_the_spec_round_trips_through_its_dict():
    for spec in (_stepped_screen(), OscillationScreen().spec()):
        assert HillScreen.from_dict(spec.to_dict()) == spec
    with pytest.raises(GrnsearchError, match="unknown criterion kind 'period'"):
        record = _stepped_screen().to_dict()
        record["conditions"][0]["criteria"][0]["kind"] = "period"
        HillScreen.from_dict(record)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(steps=50), "window \\(30, 60\\) must satisfy"),
        (dict(stages=(("step",), ("rest",))), "must list every condition"),
        (dict(stages=(("step", "hold"), ("rest",))), "put both conditions in the same stage"),
        (dict(dt=2.0), "dt must be in"),
    ],
)
def test_a_spec_that_does_not_fit_is_refused(change, message):
    record = {f: getattr(_stepped_screen(), f) for f in ("conditions", "stages", "relations", "dt", "steps", "start")}
    with pytest.raises(GrnsearchError, match=message):
        HillScreen(**(record | change))


def test_step_criteria_need_a_step_of_the_input():
    with pytest.raises(GrnsearchError, match="does not change at step 10"):
        HillScreen(
            conditions=(Condition("c", Schedule(((0.5,), (1.0,)), (0, 30)), (Sensitivity(10, Window(10, 40), 1.0),)),),
            stages=(("c",),),
            steps=40,
        )
    with pytest.raises(GrnsearchError, match="relative = false"):
        HillScreen(
            conditions=(Condition("c", Schedule(((0.0,), (1.0,)), (0, 30)), (Sensitivity(30, Window(30, 40), 1.0),)),),
            stages=(("c",),),
            steps=40,
        )


# ---- the adaptation criterion on hand-made trajectories ----------------------------------
def _adaptation_screen() -> HillScreen:
    # I: 0.5 -> 0.6 at step 20 (relative change 0.2); sensitivity > 1, precision error < 0.1
    return HillScreen(
        conditions=(
            Condition(
                "step",
                Schedule(((0.5,), (0.6,)), (0, 20)),
                (Sensitivity(20, Window(20, 60), 1.0), Precision(20, Window(50, 60), 0.1)),
            ),
        ),
        stages=(("step",),),
        steps=60,
        start=0.5,
    )


def _trajectory(after: np.ndarray) -> jnp.ndarray:
    """Readout 0.5 for 20 steps, then ``after`` (40 values); shaped (1 condition, 60, 1 gene)."""
    return jnp.asarray(np.concatenate([np.full(20, 0.5), after]), jnp.float32)[None, :, None]


def test_the_adaptation_criterion_on_hand_made_trajectories():
    spec = _adaptation_screen()
    s = np.arange(40)
    pulse = 0.5 + 0.2 * np.exp(-s / 4.0) * (s > 0)  # peak 0.2 / 0.5 = 0.4 relative: S = 2, back to 0.5
    assert bool(screen.trajectory_success(spec, _trajectory(pulse)))
    sustained = 0.5 + 0.2 * (1 - np.exp(-s / 2.0))  # S = 2 but E = 2: no adaptation
    assert not bool(screen.trajectory_success(spec, _trajectory(sustained)))
    small = 0.5 + 0.04 * np.exp(-s / 4.0) * (s > 0)  # S = 0.4 < 1: too weak
    assert not bool(screen.trajectory_success(spec, _trajectory(small)))
    dip = 0.5 - 0.2 * np.exp(-s / 4.0) * (s > 0)  # a transient fall counts as a response
    assert bool(screen.trajectory_success(spec, _trajectory(dip)))
    near = 0.5 + 0.2 * np.exp(-s / 4.0) * (s > 0) + 0.012 * (s > 30)  # E = 0.012 / 0.5 / 0.2 = 0.12
    assert not bool(screen.trajectory_success(spec, _trajectory(near)))
    dead = np.zeros(40)  # pre 0.5 falls to 0: a sustained change
    assert not bool(screen.trajectory_success(spec, _trajectory(dead)))


# ---- the fast screen against the slow reference --------------------------------------------
def _reference(spec: HillScreen, topology: Topology, K, b) -> np.ndarray:
    def one(k, b_):
        return screen.trajectory_success(spec, screen.screen_trajectories(spec, topology, k, b_))

    return np.asarray(jax.jit(jax.vmap(one))(K, b))


@pytest.mark.parametrize("seed", [0, 1])
def test_fast_screen_agrees_with_the_reference_on_random_topologies(seed):
    spec = _stepped_screen()
    space = TopologySpace.build(("I1", "I2"), ("g1", "g2"), reach=[("I1", "g1"), ("I2", "g1")])
    signs = space.enumerate()
    rng = np.random.default_rng(seed)
    passed = total = 0
    for index in rng.choice(len(signs), size=8, replace=False):
        topology = Topology(signs[index], space.sources, space.genes)
        K, b = hill.sample_parameters(jax.random.PRNGKey(seed * 100 + int(index)), 2000, signs[index].shape)
        fast = screen.screen_sets(topology.signs, K, b, spec)
        slow = _reference(spec, topology, K, b)
        np.testing.assert_array_equal(fast, slow)
        passed, total = passed + int(slow.sum()), total + len(slow)
    assert 0 < passed < total  # both verdicts occur


def test_fast_adaptation_screen_agrees_with_the_reference():
    spec = _adaptation_screen()
    space = TopologySpace.build(("I",), ("C", "A", "B"), {"I->A": "+", "I->B": "0", "I->C": "0"}, reach=[("I", "C")])
    sources, genes = space.sources, space.genes
    passed = 0
    for key in ("I->A:+ A->B:+ A->C:+ B->C:-", "I->A:+ A->C:+ B->C:- C->B:+ B->B:+", "I->A:+ A->B:+ B->C:+"):
        topology = Topology.from_key(key, sources, genes)
        K, b = hill.sample_parameters(jax.random.PRNGKey(5), 4000, topology.signs.shape)
        fast = screen.screen_sets(topology.signs, K, b, spec)
        np.testing.assert_array_equal(fast, _reference(spec, topology, K, b))
        passed += int(fast.sum())
    assert passed > 0


def test_a_screen_that_does_not_fit_its_task_is_refused():
    from dataclasses import replace

    from grnsearch import tasks
    from grnsearch.hillsearch.space import task_screen

    task = tasks.get("adaptation-atlas")
    for wrong in (dict(readout=3), dict(start=(0.1, 0.2))):
        bad = replace(task, hill_screen=replace(task.hill_screen, **wrong))
        with pytest.raises(GrnsearchError):
            task_screen(bad)
