"""compare beyond the paper's oscillation: any search space, sparsification paths as the RNN's
networks, the exact verdict; and the task file's blocked links."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch.cli import options
from grnsearch.cli.main import main
from grnsearch.errors import GrnsearchError
from grnsearch.network.space import TopologySpace
from grnsearch.network.topology import Topology
from grnsearch.workflows.compare import in_space_form
from grnsearch.workflows.search import run_search

ATLAS_SPACE = TopologySpace.build(["I"], ["A", "B", "C"], {"I->A": "+", "I->B": "0", "I->C": "0"}, reach=[("I", "C")])
SOURCES, GENES = ("I", "A", "B", "C"), ("A", "B", "C")
IFFL = "I->A:+ A->B:+ A->C:+ B->C:-"


def _signs(key: str) -> np.ndarray:
    return Topology.from_key(key, SOURCES, GENES).signs[None]


@pytest.mark.parametrize(
    ("key", "inside"),
    [
        (IFFL, True),
        ("I->A:+ I->B:+ A->B:+ A->C:+ B->C:-", False),  # I->B is forbidden
        ("I->A:- A->B:+ A->C:+ B->C:-", False),  # I->A is fixed to +
        ("I->A:+ A->B:+ B->B:+", False),  # I does not reach C
        ("I->A:+ A->C:+", True),
    ],
)
def test_a_space_contains_its_choices_and_filters(key, inside):
    assert bool(ATLAS_SPACE.contains(_signs(key))[0]) is inside


def test_contains_agrees_with_the_enumeration():
    space = TopologySpace.build(["I"], ["g1", "g2"], {"I->g2": "0"}, inputs_regulate=True,
                                genes_strongly_connected=True)  # fmt: skip
    every = np.stack(np.meshgrid(*[[-1, 0, 1]] * 6, indexing="ij"), -1).reshape(-1, 3, 2)
    listed = {tuple(s.ravel()) for s in space.enumerate()}
    assert {tuple(s.ravel()) for s in every[space.contains(every)]} == listed
    assert "I->g2 absent" in space.describe() and "the genes strongly connected" in space.describe()


@pytest.fixture(scope="module")
def atlas_search(tmp_path_factory) -> Path:
    """A few topologies of the atlas, few sets: the shape of a finished search, quickly."""
    out = tmp_path_factory.mktemp("atlas") / "search"
    run_search(tasks.get("adaptation-atlas"), samples=300, out=out, topology_indices=[0, 500, 9000])
    return out


def _fake_sparsify(directory: Path, keys: list[str], task: str = "adaptation-atlas") -> Path:
    directory.mkdir()
    (directory / "summary.json").write_text(json.dumps({"task": task, "seeds": list(range(len(keys)))}))
    rows = [{"seed": k, "steps": 3, "last_success_step": 2 if key else "", "n_links": "", "topology": key}
            for k, key in enumerate(keys)]  # fmt: skip
    pd.DataFrame(rows).to_csv(directory / "paths.csv", index=False)
    return directory


def test_compare_reads_sparsified_networks_and_the_searchs_own_space(atlas_search, tmp_path, capsys):
    outside = "I->A:+ I->C:+ A->B:+ A->C:+ B->C:-"  # I->C is not in the atlas's space
    paths = _fake_sparsify(tmp_path / "sp", [IFFL, IFFL, "", outside])
    argv = ["compare", str(paths), str(atlas_search), "--verdict", "exact", "--no-figures"]
    assert main(argv) == 0
    record = json.loads((paths / "compare" / "compare.json").read_text())
    assert (record["runs"], record["runs_outside_space"], record["verdict"]) == (2, 1, "exact")
    table = pd.read_csv(paths / "compare" / "topologies.csv")
    assert table.loc[table["topology"] == IFFL, "rnn_runs"].item() == 2
    assert "(exact verdict)" in capsys.readouterr().out


def test_compare_of_a_sparsification_refuses_what_cannot_apply(atlas_search, tmp_path, capsys):
    paths = _fake_sparsify(tmp_path / "sp", [IFFL])
    assert main(["compare", str(paths), str(atlas_search), "--cutoff", "0.1", "--out", str(tmp_path / "c")]) == 2
    assert "drop --cutoff" in capsys.readouterr().err
    none = _fake_sparsify(tmp_path / "none", ["", ""])
    assert main(["compare", str(none), str(atlas_search), "--out", str(tmp_path / "c")]) == 2
    assert "no converged runs (or successful paths)" in capsys.readouterr().err
    other = _fake_sparsify(tmp_path / "other", ["I->g1:+ I->g2:+ g2->g1:-"], task="adaptation")
    assert main(["compare", str(other), str(atlas_search), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "adaptation" in err and "same task" in err
    (paths / "summary.json").unlink()
    assert main(["compare", str(paths), str(atlas_search), "--out", str(tmp_path / "c")]) == 2
    assert "summary.json: no such file" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_the_atlas_blocks_the_inputs_other_links_in_training_and_on_the_command_line():
    task = tasks.get("adaptation-atlas")
    assert task.defaults.blocked == (("I", "B"), ("I", "C"))
    assert tasks.parse(tasks.task_text(task), "atlas.toml", None) == task
    assert options.blocked_links(task, ["A->A", "I->B"]) == (("I", "B"), ("I", "C"), ("A", "A"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["I->Z"]', "defaults.blocked[0]: 'I->Z' is not a link of the task"),
        ('["I->g1", "I->g1"]', "is given twice"),
        ('["I->g1", "I->g2", "g1->g1", "g1->g2", "g2->g1", "g2->g2"]', "blocks every link"),
        ("[3]", "defaults.blocked[0]: must be a link"),
    ],
)
def test_bad_blocked_links_in_a_task_file_are_named(value, message):
    text = tasks.task_text(tasks.get("adaptation")).replace('solver = "euler"', f'solver = "euler"\nblocked = {value}')
    with pytest.raises(GrnsearchError, match=message.replace("[", r"\[").replace("]", r"\]")):
        tasks.parse(text, "mine.toml", None)


def test_switching_a_gene_flips_its_links_but_not_its_loops():
    found = Topology.from_key("I->A:- A->A:- A->B:- A->C:- B->C:- C->A:+", SOURCES, GENES)
    assert found.switched(["A"]).key() == "I->A:+ A->A:- A->B:+ A->C:+ B->C:- C->A:-"
    assert found.switched(["A"]).switched(["A"]) == found
    both = found.switched(["A", "B"])
    assert both.key() == "I->A:+ A->A:- A->B:- A->C:+ B->C:+ C->A:-"  # A->B joins two switched genes


def test_compare_can_read_a_repressed_intermediate_as_its_complement(atlas_search, tmp_path, capsys):
    mirrored = "I->A:- A->B:- A->C:- B->C:-"  # the incoherent loop through a repressed A
    paths = _fake_sparsify(tmp_path / "sp", [mirrored, IFFL])
    assert main(["compare", str(paths), str(atlas_search), "--out", str(tmp_path / "plain"), "--no-figures"]) == 0
    assert json.loads((tmp_path / "plain" / "compare.json").read_text())["runs_outside_space"] == 1
    alone = _fake_sparsify(tmp_path / "alone", [mirrored])
    assert main(["compare", str(alone), str(atlas_search), "--out", str(tmp_path / "c")]) == 2
    assert "compare with --switching" in capsys.readouterr().err
    argv = ["compare", str(paths), str(atlas_search), "--switching", "--out", str(tmp_path / "sw"), "--no-figures"]
    assert main(argv) == 0
    record = json.loads((tmp_path / "sw" / "compare.json").read_text())
    assert (record["runs"], record["runs_outside_space"], record["switched"]) == (2, 0, {mirrored: IFFL})
    assert f"{mirrored}  ->  {IFFL}" in capsys.readouterr().out


def test_up_to_switching_a_network_is_compared_as_its_successful_form_if_it_has_one():
    via_repressed_b = Topology.from_key("I->A:+ A->B:- A->C:+ B->C:+", SOURCES, GENES)  # in the space
    assert in_space_form(via_repressed_b, ATLAS_SPACE, ("A", "B")) == via_repressed_b
    assert in_space_form(via_repressed_b, ATLAS_SPACE, ("A", "B"), {IFFL}).key() == IFFL
    assert in_space_form(via_repressed_b, ATLAS_SPACE, ()) == via_repressed_b
    outside = Topology.from_key("I->A:- A->C:-", SOURCES, GENES)
    assert in_space_form(outside, ATLAS_SPACE, ()) is None
    assert in_space_form(outside, ATLAS_SPACE, ("A", "B")).key() == "I->A:+ A->C:+"
