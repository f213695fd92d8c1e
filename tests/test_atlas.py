"""The general screen reproduces the oscillation search; the three-node adaptation atlas, a task
file, states the screen that was defined in Python before and runs through the search workflow."""

import dataclasses
import json
from pathlib import Path

import jax
import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch.cli import main
from grnsearch.dynamics import hill
from grnsearch.hillsearch import screen, space
from grnsearch.io.search_dir import read_search
from grnsearch.network.topology import Topology
from grnsearch.tasks.atlas import IFFLP, NFBLB
from grnsearch.tasks.hill_screen import Condition, HillScreen
from grnsearch.workflows.search import run_search

REFERENCE = Path(__file__).parent / "data" / "hill_search_reference"
BEFORE = REFERENCE / "oscillation_counts_before_issue15.csv"
BUFFERED = "I->A:+ A->C:+ B->B:+ B->C:- C->B:+"  # the negative feedback loop, B activating itself


def _recorded_counts(name: str, table, samples: int) -> pd.DataFrame:
    """Check the task's search counts on the recorded table's topologies against the table."""
    before = pd.read_csv(table)
    task = tasks.get(name)
    signs = space.search_space(task)
    index = before["topology_index"].to_numpy()
    assert [Topology(s, task.sources, task.genes).key() for s in signs[index]] == before["topology"].tolist()
    counts = space.count_chunk(space.task_screen(task), signs[index], index, 0, samples)
    np.testing.assert_array_equal(counts, before[["successful_sets", "exact_sets"]].to_numpy())
    return before


def test_the_general_screen_gives_the_counts_of_the_oscillation_search_before_it():
    before = _recorded_counts("oscillation", BEFORE, 40_000)
    assert before["successful_sets"].sum() > 0  # the comparison covers successful topologies


def _atlas_keys() -> list[str]:
    task = tasks.get("adaptation-atlas")
    return [Topology(s, task.sources, task.genes).key() for s in space.search_space(task)]


def test_the_atlas_space_and_screen():
    task = tasks.get("adaptation-atlas")
    keys = _atlas_keys()
    assert len(keys) == 16_038 and NFBLB in keys and IFFLP in keys
    assert all(key.startswith("I->A:+") and "I->B" not in key and "I->C" not in key for key in keys)
    spec = space.task_screen(task)
    assert HillScreen.from_dict(spec.to_dict()) == spec
    assert spec.readout == task.genes.index("C") and task.scored == ("C",)


def test_the_atlas_file_states_the_screen_once_defined_in_python():
    # recorded from atlas_screen() on hill-search-general before the file replaced it (SOURCE.md)
    recorded = HillScreen.from_dict(json.loads((REFERENCE / "atlas_screen_python.json").read_text()))
    assert space.task_screen(tasks.get("adaptation-atlas")) == recorded


def test_the_atlas_file_gives_the_counts_of_the_python_screen():
    before = _recorded_counts("adaptation-atlas", REFERENCE / "atlas_counts_python_screen.csv", 20_000)
    assert before["exact_sets"].sum() > 0  # the comparison covers adaptive topologies


def test_the_staged_atlas_screen_equals_its_one_stage_form():
    # the second stage continues the first stage's run from the step: same verdicts as one run
    staged = space.task_screen(tasks.get("adaptation-atlas"))
    criteria = tuple(c for condition in staged.conditions for c in condition.criteria)
    single = dataclasses.replace(
        staged, conditions=(Condition("step", staged.conditions[0].schedule, criteria),), stages=(("step",),)
    )
    task = tasks.get("adaptation-atlas")
    total = 0
    for key in (BUFFERED, IFFLP, "I->A:+ A->B:+ B->C:+ C->C:-"):
        signs = Topology.from_key(key, task.sources, task.genes).signs
        K, b = hill.sample_parameters(jax.random.PRNGKey(2), 20_000, signs.shape)
        fast = screen.screen_sets(signs, K, b, staged)
        np.testing.assert_array_equal(fast, screen.screen_sets(signs, K, b, single))
        total += int(fast.sum())
    assert total > 0


def test_a_tiny_atlas_search_end_to_end(tmp_path, capsys):
    task = tasks.get("adaptation-atlas")
    keys = _atlas_keys()
    dead = "I->A:+ A->B:+ B->C:-"  # C has no activator: it cannot respond
    subset = sorted(keys.index(k) for k in (BUFFERED, NFBLB, IFFLP, dead))
    result = run_search(task, samples=20_000, seed=0, out=tmp_path / "atlas", topology_indices=subset, chunk_size=2)
    table = result.table.set_index("topology")
    assert table.loc[BUFFERED, "successful_sets"] >= 1 and table.loc[dead, "successful_sets"] == 0
    assert (table["exact_sets"] <= table["successful_sets"]).all()
    back = read_search(tmp_path / "atlas")
    pd.testing.assert_frame_equal(back.table, result.table)
    assert back.settings.screen == space.task_screen(task).to_dict() and back.settings.sample_block == 10_000
    # the command knows the task (here refused only for its existing output directory) and takes
    # the number of sets from the task's screen unless told
    assert main(["search", "adaptation-atlas", "--out", str(tmp_path / "atlas")]) == 2
    printed = capsys.readouterr().err
    assert "adaptation-atlas: 10000 parameter sets per topology" in printed and "--resume" in printed


def test_the_oscillation_screen_stated_in_the_general_form_gives_the_counts_before():
    task = tasks.get("oscillation")
    spec = task.hill_screen.spec(len(task.inputs))
    text = tasks.task_text(dataclasses.replace(task, hill_screen=spec))
    assert 'kind = "oscillation"' not in text and "[[hill_screen.condition.criterion]]" in text
    general = tasks.parse(text, "oscillation-general.toml", None)
    assert general.hill_screen == spec and space.task_screen(general) == space.task_screen(task)
    before = pd.read_csv(BEFORE)
    rows = before[(before["successful_sets"] > 0) | (before.index % 6 == 0)]
    assert rows["successful_sets"].sum() > 0 and len(rows) >= 4
    signs = space.search_space(general)
    index = rows["topology_index"].to_numpy()
    counts = space.count_chunk(space.task_screen(general), signs[index], index, 0, 40_000)
    np.testing.assert_array_equal(counts, rows[["successful_sets", "exact_sets"]].to_numpy())
