"""The consensus network of many runs and its comparison with reference networks."""

from __future__ import annotations

import importlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch.errors import GrnsearchError
from grnsearch.network.reference import ReferenceNetwork
from grnsearch.readout.consensus import agreement_summary, compare_consensus, consensus_network

SOURCES = ("I", "a", "b")
GENES = ("a", "b")


def _strengths(*per_run: list[list[float]]) -> np.ndarray:
    return np.asarray(per_run, dtype=float)


def test_majority_sign_agreement_and_median():
    runs = _strengths(
        [[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0]],
        [[2.0, -1.0], [-0.5, 0.0], [-2.0, 1.0]],
        [[3.0, 1.0], [0.01, 0.0], [-3.0, -1.0]],
    )
    table = consensus_network(runs, SOURCES, GENES, cutoff=0.1).set_index(["source", "target"])
    assert list(table.reset_index().columns[:5]) == ["source", "target", "sign", "agreement", "median_strength"]
    assert table.loc[("I", "a"), ["sign", "agreement", "median_strength"]].tolist() == [1, 1.0, 2.0]
    assert table.loc[("I", "b"), "sign"] == -1 and table.loc[("I", "b"), "agreement"] == pytest.approx(2 / 3)
    # one run at |0.01| <= cutoff counts as absent: +, -, 0 tie, median 0.01 is within the cutoff -> 0
    assert table.loc[("a", "a"), ["sign", "positive", "negative", "absent"]].tolist() == [0, 1, 1, 1]
    assert table.loc[("a", "a"), "agreement"] == pytest.approx(1 / 3)
    assert table.loc[("a", "b"), ["sign", "agreement"]].tolist() == [0, 1.0]
    assert table.loc[("b", "b"), ["sign", "agreement"]].tolist() == [1, pytest.approx(2 / 3)]
    # robust only where at least 6 of 7 agree: 2 of 3 is not
    assert table.loc[("I", "b"), "robust_sign"] == 0 and table.loc[("I", "a"), "robust_sign"] == 1


def test_a_tie_between_signs_follows_the_median():
    runs = _strengths([[3.0, 1.0]], [[-1.0, -3.0]])
    table = consensus_network(runs, ("I",), ("a", "b"), cutoff=0.0)
    assert table["sign"].tolist() == [1, -1]
    assert table["agreement"].tolist() == [0.5, 0.5]


def test_comparison_counts_only_links_a_reference_states():
    runs = _strengths([[1.0, -1.0], [1.0, 0.0], [-1.0, 1.0]])
    consensus = consensus_network(runs, SOURCES, GENES, cutoff=0.0)
    majority = ReferenceNetwork("lit", "a test", (("I", "a", 1), ("I", "b", 1), ("b", "b", 1)))
    robust = ReferenceNetwork("fit", "a test", (("a", "b", 0), ("b", "a", -1)), compare="robust")
    table = compare_consensus(consensus, [majority, robust]).set_index(["source", "target"])
    assert table.loc[("I", "a"), "lit_agrees"] == 1 and table.loc[("I", "b"), "lit_agrees"] == 0
    assert table.loc[("a", "a"), "lit_agrees"] is pd.NA
    assert table.loc[("a", "b"), "fit_agrees"] == 1  # absent in both
    summary = agreement_summary(table.reset_index(), [majority, robust])
    assert summary == {
        "lit": {"compared": 3, "agree": 2, "our_sign": "majority"},
        "fit": {"compared": 2, "agree": 2, "our_sign": "robust"},
    }


def test_gap_gene_references_are_the_papers():
    """The authors' RNN consensus has 19 robust links (at least 6 of 7 runs agree); the gene circuit
    states all 24 links of the model, 18 of them present at |weight| >= 0.005. Our consensus taken
    as theirs agrees with theirs on all 19, and with the circuit on the 14 of 24 the data's
    comparison table counts."""
    rnn, circuit = tasks.get("gap-genes").references
    assert len(rnn.signs) == 19 and all(s != 0 for *_, s in rnn.signs)
    assert len(circuit.signs) == 24 and sum(s != 0 for *_, s in circuit.signs) == 18
    assert dict(((s, t), v) for s, t, v in circuit.signs)[("Tor", "kni")] == -1
    task = tasks.get("gap-genes")
    theirs = np.zeros((7, len(task.sources), len(task.genes)))
    for s, t, v in rnn.signs:
        theirs[:, task.sources.index(s), task.genes.index(t)] = v
    consensus = consensus_network(theirs, task.sources, task.genes)
    summary = agreement_summary(compare_consensus(consensus, task.references), task.references)
    assert summary["shen2021_rnn"]["agree"] == 19
    assert summary["gene_circuit"] == {"compared": 24, "agree": 14, "our_sign": "robust"}


def test_a_damaged_reference_file_is_named(tmp_path, monkeypatch):
    gap_genes = importlib.import_module("grnsearch.tasks.gap_genes")  # the module, not its builder

    data = tmp_path / "data"
    data.mkdir()
    (data / gap_genes.RNN_CONSENSUS_FILE).write_text("regulator,target\nhb,hb\n")
    (data / gap_genes.GENE_CIRCUIT_FILE).write_text("regulator,target,weight\nhb,hb,strong\n")
    monkeypatch.setattr(resources, "files", lambda package: tmp_path)
    gap_genes.reference_networks.cache_clear()
    try:
        with pytest.raises(GrnsearchError, match=f"{gap_genes.RNN_CONSENSUS_FILE} lacks the columns"):
            gap_genes.reference_networks()
        (data / gap_genes.RNN_CONSENSUS_FILE).write_text("regulator,target,n_positive,n_negative\nhb,hb,7,0\n")
        with pytest.raises(GrnsearchError, match="weight 'strong' is not a number"):
            gap_genes.reference_networks()
        (data / gap_genes.GENE_CIRCUIT_FILE).unlink()
        with pytest.raises(GrnsearchError, match="cannot read the reference file"):
            gap_genes.reference_networks()
    finally:
        gap_genes.reference_networks.cache_clear()
