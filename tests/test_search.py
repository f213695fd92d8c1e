"""The fast oscillation screen and the chunked, resumable exhaustive search."""

import json

import jax
import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch.cli import main
from grnsearch.config import Distribution
from grnsearch.dynamics import hill
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch import screen, space
from grnsearch.io.search_dir import read_search
from grnsearch.network.topology import Topology
from grnsearch.tasks.hill_screen import OscillationScreen
from grnsearch.workflows import search as search_workflow
from grnsearch.workflows.search import run_search

SOURCES, GENES = ("I1", "I2", "g1", "g2"), ("g1", "g2")
ROBUST = "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+"


def test_fast_screen_agrees_with_simulated_trajectories():
    paper = OscillationScreen()

    def reference(topology, K, b):
        def one(k, b_):
            return screen.trajectory_success(paper, screen.screen_trajectories(paper, topology, k, b_))

        return np.asarray(jax.jit(jax.vmap(one))(K, b))

    total = 0
    for key in (
        "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+",
        "I1->g2:+ I2->g2:- g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+",
    ):
        topology = Topology.from_key(key, SOURCES, GENES)
        K, b = hill.sample_parameters(jax.random.PRNGKey(3), 40_000, topology.signs.shape)
        fast = screen.screen_sets(topology.signs, K, b)
        slow = reference(topology, K, b)
        np.testing.assert_array_equal(fast, slow)
        total += int(slow.sum())
    assert total >= 5  # the comparison covers successful sets, not only failures


def test_counts_do_not_depend_on_batching():
    signs = Topology.from_key(ROBUST, SOURCES, GENES).signs
    key = jax.random.PRNGKey(7)
    whole = screen.count_successful_sets(signs, key, 40_000)
    # the same 40,000 sets screened block by block
    parts = 0
    for k in range(2):
        K, b = hill.sample_parameters(jax.random.fold_in(key, k), screen.SAMPLE_BLOCK, signs.shape)
        parts += int(screen.screen_sets(signs, K, b).sum())
    assert whole == parts
    assert screen.count_successful_sets(signs, key, 30_000) <= whole


def _subset() -> list[int]:
    signs = space.search_space(tasks.get("oscillation"))
    keys = [Topology(s, SOURCES, GENES).key() for s in signs]
    return sorted({keys.index(ROBUST), *range(0, 2304, 400)})


def test_interrupted_search_resumes_to_the_same_table(tmp_path, monkeypatch):
    task = tasks.get("oscillation")
    subset = _subset()
    whole = run_search(task, samples=20_000, seed=5, out=tmp_path / "whole", topology_indices=subset, chunk_size=2)
    robust = whole.table.set_index("topology").loc[ROBUST]
    assert robust["successful_sets"] >= 2 and robust["succeeds"]
    assert whole.table["n_links"].tolist() == [
        Topology.from_key(k, SOURCES, GENES).n_links for k in whole.table["topology"]
    ]
    expected = (tmp_path / "whole" / "search.csv").read_text()

    calls = {"n": 0}
    real = space.count_chunk

    def dies_on_third_chunk(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(search_workflow, "count_chunk", dies_on_third_chunk)
    out = tmp_path / "killed"
    with pytest.raises(KeyboardInterrupt):
        run_search(task, samples=20_000, seed=5, out=out, topology_indices=subset, chunk_size=2)
    assert not (out / "search.csv").exists()
    assert not json.loads((out / "search.json").read_text())["complete"]
    assert len(list((out / "chunks").glob("chunk-*.json"))) == 2

    with pytest.raises(GrnsearchError, match="`resume`"):
        run_search(task, samples=20_000, seed=5, out=out, topology_indices=subset, chunk_size=2)
    with pytest.raises(GrnsearchError, match="samples=20000"):
        run_search(task, samples=10_000, seed=5, out=out, topology_indices=subset, chunk_size=2, resume=True)

    monkeypatch.setattr(search_workflow, "count_chunk", real)
    resumed = run_search(
        task,
        samples=20_000,
        seed=5,
        out=out,
        topology_indices=subset,
        chunk_size=2,
        resume=True,
        distribution=Distribution(workers=2),
    )
    assert (out / "search.csv").read_text() == expected
    assert json.loads((out / "search.json").read_text())["complete"]
    read = read_search(out)
    pd.testing.assert_frame_equal(read.table, resumed.table)
    assert [t.key() for t in read.topologies()] == list(whole.successes["topology"])


def test_search_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["search", "adaptation", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "no Hill-search criterion" in err and "oscillation" in err
    assert main(["search", "oscillation3", "--out", str(tmp_path / "b")]) == 2
    assert "too many for an exhaustive search" in capsys.readouterr().err
    assert main(["search", "oscillation", "--resume"]) == 2
    assert "--resume: needs the directory of the search to continue: give --out" in capsys.readouterr().err
    with pytest.raises(GrnsearchError, match="not a finished search"):
        read_search(tmp_path)
