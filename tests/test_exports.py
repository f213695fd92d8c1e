"""Network exports round-trip through networkx and pandas: CSV tables with their sidecar JSON of
the read-out settings, topology.json and GraphML (with the node names igraph and Gephi read)."""

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from grnsearch.io.network import write_network_exports
from grnsearch.io.tables import READOUT_KEYS, sidecar_path, write_table
from grnsearch.network.topology import Topology

SOURCES, GENES = ("I", "g1", "g2"), ("g1", "g2")
FFL = "I->g1:+ I->g2:+ g2->g1:-"
DETAILS = {"lam": 0.9, "mode": "trajectory", "cutoff": 0.05, "cutoff_rule": "scan maximum", "seed": 4}


def strengths_of(topology: Topology) -> np.ndarray:
    """Strengths whose signs give ``topology`` at cutoff 0.05, with sub-cutoff noise elsewhere."""
    noise = 0.01 * np.arange(1, 7).reshape(3, 2) / 6 * np.array([[1, -1], [-1, 1], [1, 1]])
    return np.where(topology.signs != 0, topology.signs * (0.3 + 0.1 * np.arange(6).reshape(3, 2)), noise)


def signed_graph(edges) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(((s, t, int(sign)) for s, t, sign in edges), weight="sign")
    return graph


def same_signed_edges(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    return nx.utils.edges_equal(a.edges(data="sign"), b.edges(data="sign"))


@pytest.fixture
def exported(tmp_path):
    topology = Topology.from_key(FFL, SOURCES, GENES)
    strengths = strengths_of(topology)
    written = write_network_exports(tmp_path, topology, strengths, DETAILS)
    return tmp_path, topology, strengths, written


def test_every_network_export_reads_back_as_the_same_signed_graph(exported):
    run, topology, strengths, written = exported
    assert sorted(p.name for p in written) == sorted(
        ["links.csv", "links.csv.json", "edges.csv", "edges.csv.json", "network.graphml", "topology.json"]
    )
    expected = signed_graph(topology.links())

    graphml = nx.read_graphml(run / "network.graphml")
    assert same_signed_edges(graphml, expected)
    for node, data in graphml.nodes(data=True):
        assert data["name"] == data["label"] == node
        assert data["kind"] == ("input" if node == "I" else "gene")
    for s, t, data in graphml.edges(data=True):
        assert data["strength"] == pytest.approx(strengths[SOURCES.index(s), GENES.index(t)])
        assert data["interaction"] == ("activation" if data["sign"] > 0 else "repression")
    assert {k: graphml.graph[k] for k in READOUT_KEYS} == {k: DETAILS[k] for k in READOUT_KEYS}

    edges = pd.read_csv(run / "edges.csv")
    from_edges = nx.from_pandas_edgelist(edges, "source", "target", edge_attr=True, create_using=nx.DiGraph)
    assert same_signed_edges(from_edges, expected)
    assert nx.utils.edges_equal(from_edges.edges(data="strength"), graphml.edges(data="strength"))

    links = pd.read_csv(run / "links.csv", index_col="source")
    cutoff = json.loads(sidecar_path(run / "links.csv").read_text())["cutoff"]
    present = links.stack()
    present = present[present.abs() > cutoff]
    from_links = signed_graph((s, t, np.sign(v)) for (s, t), v in present.items())
    assert same_signed_edges(from_links, expected)

    record = json.loads((run / "topology.json").read_text())
    from_json = signed_graph((link["source"], link["target"], link["sign"]) for link in record["links"])
    assert same_signed_edges(from_json, expected) and record["key"] == FFL
    assert Topology.from_key(record["key"], SOURCES, GENES) == topology


def test_sidecars_hold_the_readout_settings_and_the_csvs_stay_plain(exported):
    run, *_ = exported
    for name, columns in (
        ("links.csv", ["source", "g1", "g2"]),
        ("edges.csv", ["source", "target", "sign", "strength"]),
    ):
        text = (run / name).read_text()
        assert not text.startswith("#") and text.splitlines()[0] == ",".join(columns)
        sidecar = json.loads(sidecar_path(run / name).read_text())
        assert sidecar["table"] == name and sidecar["columns"] == columns
        assert list(sidecar)[3:7] == list(READOUT_KEYS)
        assert {k: sidecar[k] for k in DETAILS} == DETAILS


def test_topology_json_names_the_search_space_filter_for_what_it_tests(exported):
    run, topology, *_ = exported
    record = json.loads((run / "topology.json").read_text())
    assert "connected" not in record
    # the feed-forward loop is one connected graph, yet outside the paper's search space: g1
    # does not reach g2, so the genes are not strongly connected
    assert nx.is_weakly_connected(topology.to_networkx())
    assert record["inputs_regulate_genes"] and not record["genes_strongly_connected"]
    assert not record["in_search_space"]
    loop = Topology.from_key("I->g1:+ g1->g2:+ g2->g1:-", SOURCES, GENES).to_dict()
    assert loop["in_search_space"] and loop["genes_strongly_connected"] and loop["inputs_regulate_genes"]
    unused_input = Topology.from_key("g1->g2:+ g2->g1:-", SOURCES, GENES).to_dict()
    assert not unused_input["inputs_regulate_genes"] and not unused_input["in_search_space"]


def test_write_table_keeps_settings_after_the_readout_keys(tmp_path):
    table = pd.DataFrame({"topology": ["I->g1:+"], "count": [2]})
    paths = write_table(tmp_path / "t.csv", table, "a table", {"seed": 1, "cutoff": 0.1, "lam": 0.5})
    assert [p.name for p in paths] == ["t.csv", "t.csv.json"]
    pd.testing.assert_frame_equal(pd.read_csv(paths[0]), table)
    assert list(json.loads(paths[1].read_text())) == ["table", "description", "columns", "lam", "cutoff", "seed"]
