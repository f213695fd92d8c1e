"""Topology keys, distances, connectivity, ensemble statistics and the paper's Fig. 3d-e numbers."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from grnsearch.errors import GrnsearchError
from grnsearch.io import tables
from grnsearch.network.topology import Topology
from grnsearch.readout import statistics

DATA = Path(__file__).parent / "data" / "shen2021_oscillation"
OSC_SOURCES = ("I1", "I2", "g1", "g2")
OSC_GENES = ("g1", "g2")
ADAPT = (("I", "g1", "g2"), ("g1", "g2"))


def test_key_is_canonical_and_round_trips():
    signs = np.array([[1, 1], [0, 0], [-1, 0]])
    topology = Topology(signs, *ADAPT)
    assert topology.key() == "I->g1:+ I->g2:+ g2->g1:-"
    assert topology.n_links == 3
    assert Topology.from_key("g2->g1:- I->g2:+ I->g1:+", *ADAPT) == topology  # any order in, canonical out
    assert Topology.from_key("", *ADAPT).n_links == 0
    with pytest.raises(GrnsearchError, match="SRC->TGT"):
        Topology.from_key("I->g3:+", *ADAPT)


def test_from_strengths_applies_cutoff_strictly():
    strengths = np.array([[0.02, 5e-4], [-5.1e-4, 0.0], [-0.3, 1e-5]])
    topology = Topology.from_strengths(strengths, 5e-4, *ADAPT)
    assert topology.key() == "I->g1:+ g1->g1:- g2->g1:-"


def test_distance_counts_a_sign_flip_twice():
    a = Topology.from_key("I->g1:+ I->g2:+ g2->g1:-", *ADAPT)
    assert a.distance(Topology.from_key("I->g1:+ I->g2:+", *ADAPT)) == 1
    assert a.distance(Topology.from_key("I->g1:+ I->g2:+ g2->g1:+", *ADAPT)) == 2
    assert a.distance(Topology.from_key("I->g1:+ I->g2:+ g2->g1:- g1->g1:-", *ADAPT)) == 1
    assert a.distance(a) == 0


def test_connectivity_filter_gives_the_papers_2304_topologies():
    signs = np.array(list(itertools.product([-1, 0, 1], repeat=8))).reshape(-1, 4, 2)
    assert statistics.connected_mask(signs, n_inputs=2).sum() == 2304
    ok = Topology.from_key("I1->g1:+ I2->g2:- g1->g2:+ g2->g1:-", OSC_SOURCES, OSC_GENES)
    no_feedback = Topology.from_key("I1->g1:+ I2->g2:- g1->g2:+", OSC_SOURCES, OSC_GENES)
    idle_input = Topology.from_key("I1->g1:+ g1->g2:+ g2->g1:-", OSC_SOURCES, OSC_GENES)
    assert ok.is_connected() and not no_feedback.is_connected() and not idle_input.is_connected()


def test_topology_table_counts_and_orders():
    a = Topology.from_key("I->g1:+ I->g2:+ g2->g1:-", *ADAPT)
    b = Topology.from_key("I->g1:+ g1->g2:+ g2->g1:-", *ADAPT)
    table = statistics.topology_table([a, b, a, a])
    assert table["topology"].tolist() == [a.key(), b.key()]
    assert table["count"].tolist() == [3, 1]
    assert table["probability"].tolist() == [0.75, 0.25]
    assert table["n_links"].tolist() == [3, 3]


def test_authors_oscillation_runs_reproduce_figure_3d_e_exactly():
    strengths = tables.read_strength_table(DATA / "rnn_link_strengths.csv", OSC_SOURCES, OSC_GENES)
    reference = tables.read_topology_table(DATA / "hill_search_successes.csv", OSC_SOURCES, OSC_GENES)
    assert strengths.shape == (195, 4, 2) and len(reference) == 104
    topologies = statistics.topologies_from_strengths(strengths, 5e-4, OSC_SOURCES, OSC_GENES)
    valid = [t for t in topologies if t.is_connected()]
    comparison = statistics.compare_with_reference(valid, reference)
    assert comparison.n_runs == 193
    assert comparison.n_distinct == 64
    assert comparison.direct_hits == 21
    assert comparison.one_link_away == 15
    assert round(100 * comparison.direct_probability, 1) == 38.3
    assert round(100 * comparison.compatible_probability, 1) == 54.9
    assert len(statistics.topology_table(valid)) == 64


def test_cutoff_scan_finds_the_plateau_of_most_distinct_topologies():
    # three runs: a strong shared link, and weak links that only separate the runs above 1e-3
    strengths = np.zeros((3, 3, 2))
    strengths[:, 0, 0] = 0.5
    strengths[0, 2, 0], strengths[1, 2, 1], strengths[2, 1, 1] = 0.05, -0.04, 0.03
    strengths[:, 1, 0] = [1e-4, 2e-4, 3e-4]  # noise below everything
    scan = statistics.scan_cutoffs(strengths, n_inputs=1)
    assert scan.distinct.max() == 3
    assert 3e-4 < scan.best < 0.03
    assert len(set(statistics.topologies_from_strengths(strengths, scan.best, *ADAPT))) == 3
    with pytest.raises(GrnsearchError, match="at least 2 runs"):
        statistics.scan_cutoffs(strengths[:1], n_inputs=1)


def test_bad_strength_table_is_reported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("run,I->g1\n1,0.1\n")
    with pytest.raises(GrnsearchError, match="has no column .I->g2."):
        tables.read_strength_table(bad, *ADAPT)
