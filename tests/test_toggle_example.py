"""The README's user-written task, ``examples/toggle-switch.toml`` (a two-input toggle switch):
it loads and checks, ``task show`` of it reads back to the same task, and it trains, is read out
and is Hill-searched from the file alone (tiny runs; the full ones are in bench/RESULTS.md)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jax
import numpy as np
import pytest

from grnsearch import tasks
from grnsearch.cli.main import main
from grnsearch.hillsearch.screen import count_successful_sets
from grnsearch.hillsearch.space import task_screen

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "toggle-switch.toml"


def _signs(task: tasks.Task, links: dict[str, int]) -> np.ndarray:
    """The sign matrix (sources, genes) with the given ``{"SRC->TGT": sign}`` links."""
    sources = (*task.inputs, *task.genes)
    signs = np.zeros((len(sources), len(task.genes)), dtype=np.int8)
    for link, sign in links.items():
        source, target = link.split("->")
        signs[sources.index(source), task.genes.index(target)] = sign
    return signs


def test_the_example_loads_checks_and_round_trips_through_task_show(tmp_path, capsys):
    task = tasks.load(EXAMPLE)
    assert task.name == "toggle-switch" and task.genes == ("g1", "g2") and task.inputs == ("S", "R")
    assert main(["task", "check", str(EXAMPLE)]) == 0
    assert "4,428 topologies" in capsys.readouterr().out  # 3^8 with S and R both reaching g1
    shown = tmp_path / "shown.toml"
    assert main(["task", "show", str(EXAMPLE), "--out", str(shown)]) == 0
    assert tasks.load(shown) == task
    assert tasks.parse(tasks.task_text(task), "shown", None) == task


@pytest.mark.slow
def test_the_example_trains_and_is_read_out_from_its_file(tmp_path):
    out = tmp_path / "train"
    argv = ["train", str(EXAMPLE), "--seeds", "1", "--iterations", "2", "--out", str(out)]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    assert main(["mutate", str(out / "seed-0"), "--no-figures", "--quiet"]) == 0
    with (out / "seed-0" / "links.csv").open() as handle:
        assert [row["source"] for row in csv.DictReader(handle)] == ["S", "R", "g1", "g2"]


def test_the_examples_hill_screen_finds_the_switches_with_memory():
    # the file's screen on a handful of topologies, Euler only (run_search on a file task, with
    # the exact verdict, is tested in test_task_files.py)
    task = tasks.load(EXAMPLE)
    screen, key = task_screen(task), jax.random.PRNGKey(0)
    self_activating = _signs(task, {"S->g1": 1, "R->g1": -1, "g1->g1": 1})
    via_g2 = _signs(task, {"S->g1": 1, "R->g2": 1, "g1->g1": 1, "g2->g1": -1})  # R acts through g2
    forgetful = _signs(task, {"S->g1": 1, "R->g1": -1})  # no feedback: g1 decays after S
    assert count_successful_sets(self_activating, key, 200, screen) >= screen.min_successful_sets
    assert count_successful_sets(via_g2, key, 200, screen) >= screen.min_successful_sets
    assert count_successful_sets(forgetful, key, 200, screen) == 0


@pytest.mark.slow
def test_sparsify_reads_each_step_with_the_tasks_knockdown(tmp_path):
    # the example knocks links out (knockdown 0); sparsify's read-out used 0.9 whatever the task said
    argv = ["sparsify", str(EXAMPLE), "--seeds", "1", "--iterations", "2", "--restarts", "1", "--tries", "1"]
    assert main([*argv, "--out", str(tmp_path / "sp"), "--no-figures", "--quiet"]) == 0
    record = json.loads((tmp_path / "sp" / "seed-0" / "step-1" / "links.csv.json").read_text())
    assert record["lam"] == 0.0
