"""Sparsification paths, their outputs, and running them on Dask (tiny configurations)."""

import json

import numpy as np
import pandas as pd
import pytest

import grnsearch
from grnsearch import cli
from grnsearch._files import MARKER
from grnsearch.config import Distribution
from grnsearch.errors import GrnsearchError
from grnsearch.readout.sparsify import SparsifySettings, deletable_links, sparsify_path
from grnsearch.workflows.sparsify import sparsify

TINY = {"iterations": 120}


def test_deletable_links_respect_blocks_and_protection(adaptation_task):
    links = deletable_links(adaptation_task, [("I", "g2")], protect_inputs=False)
    assert ("I", "g2") not in links and ("I", "g1") in links and len(links) == 5
    protected = deletable_links(adaptation_task, [], protect_inputs=True)
    assert all(src != "I" for src, _ in protected) and len(protected) == 4


def test_path_deletes_the_weakest_link_each_step(adaptation_task):
    config = adaptation_task.defaults.replace(**TINY, blocked=[("g1", "g1")])
    # a lenient criterion so that tiny trainings keep the path going
    task = grnsearch.tasks.adaptation(min_sensitivity=0.0, max_adaptation_error=1.0)
    path = sparsify_path(task, 0, config, settings=SparsifySettings(restarts=1, tries=1, max_steps=3))
    assert [s.step for s in path.steps] == [1, 2, 3]
    assert all(s.success for s in path.steps)
    blocked = {("g1", "g1")}
    for previous, step in zip(path.steps, path.steps[1:], strict=False):
        candidates = deletable_links(task, sorted(blocked), protect_inputs=False)
        changes = [previous.changes[task.check_link(link)] for link in candidates]
        assert step.removed == candidates[int(np.argmin(changes))]
        blocked.add(step.removed)
        assert set(step.trained.config.blocked) == blocked
        for src, tgt in blocked:  # blocked links have exactly zero strength and are absent
            assert step.strengths[task.check_link((src, tgt))] == 0.0
            assert f"{src}->{tgt}:" not in step.topology.key()
    table = path.table()
    assert list(table.columns[:4]) == ["step", "n_links", "topology", "success"]
    assert list(table.columns[4:6]) == ["sensitivity", "adaptation_error"]
    assert table["removed"].tolist()[1:] == [f"{s}->{t}" for s, t in (st.removed for st in path.steps[1:])]


def test_path_stops_when_the_task_fails(adaptation_task):
    impossible = grnsearch.tasks.adaptation(min_sensitivity=10.0)
    path = sparsify_path(impossible, 0, adaptation_task.defaults.replace(**TINY), settings=SparsifySettings(restarts=1))
    assert len(path.steps) == 1 and not path.steps[0].success and path.last_success is None


def test_protected_inputs_are_never_deleted():
    task = grnsearch.tasks.adaptation(min_sensitivity=0.0, max_adaptation_error=1.0)
    path = sparsify_path(
        task, 1, task.defaults.replace(**TINY), settings=SparsifySettings(protect_inputs=True, restarts=1, tries=1)
    )
    assert len(path.steps) == 5  # four gene-gene links deleted one by one, the input links stay
    assert all(s.removed[0] != "I" for s in path.steps[1:])


def test_workers_give_the_same_paths_as_in_process(adaptation_task):
    settings = SparsifySettings(protect_inputs=True, restarts=2, tries=1, max_steps=2)
    local = sparsify(adaptation_task, [0, 1], settings=settings, **TINY)
    remote = sparsify(adaptation_task, [0, 1], settings=settings, distribution=Distribution(workers=2), **TINY)
    for a, b in zip(local, remote, strict=False):
        assert a.seed == b.seed
        pd.testing.assert_frame_equal(a.table(), b.table())
        for sa, sb in zip(a.steps, b.steps, strict=False):
            np.testing.assert_array_equal(sa.strengths, sb.strengths)
            np.testing.assert_array_equal(sa.trained.history, sb.trained.history)


def test_cli_runs_through_an_external_scheduler(tmp_path, capsys):
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as cluster:
        code = cli.main(
            [
                "sparsify",
                "adaptation",
                "--seeds",
                "1",
                "--seed",
                "3",
                "--iterations",
                "60",
                "--restarts",
                "1",
                "--tries",
                "1",
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path),
                "--no-figures",
            ]
        )
    assert code == 0
    table = pd.read_csv(tmp_path / "seed-3" / "path.csv")
    assert table["step"].tolist()[0] == 1
    assert (tmp_path / "seed-3" / "step-1" / "manifest.json").is_file()
    assert (tmp_path / "seed-3" / "step-1" / "topology.json").is_file()
    paths = pd.read_csv(tmp_path / "paths.csv")
    assert paths["seed"].tolist() == [3]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["task"], summary["seeds"], summary["lam"]) == ("adaptation", [3], 0.9)
    assert grnsearch.tasks.recorded(tmp_path, "adaptation") == grnsearch.tasks.get("adaptation")
    assert "seed 3:" in capsys.readouterr().out


def test_cli_sparsify_writes_figures(tmp_path):
    assert (
        cli.main(
            [
                "sparsify",
                "adaptation",
                "--seeds",
                "1",
                "--iterations",
                "40",
                "--restarts",
                "1",
                "--tries",
                "1",
                "--out",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 0
    )
    assert (tmp_path / "seed-0" / "path.png").is_file()
    assert (tmp_path / "seed-0" / "step-1" / "figures" / "network.svg").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [MARKER]


def test_bad_distribution_options(tmp_path, capsys, adaptation_task):
    with pytest.raises(GrnsearchError, match="either workers or scheduler"):
        sparsify(adaptation_task, 1, distribution=Distribution(workers=2, scheduler="tcp://127.0.0.1:1"))
    code = cli.main(
        ["sparsify", "adaptation", "--seeds", "1", "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--scheduler: tcp://127.0.0.1:1: cannot connect" in err and "Traceback" not in err
