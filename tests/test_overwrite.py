"""Output directories: nothing replaced without `overwrite`, `overwrite` replaces the whole directory
and only one grnsearch wrote for the same command, and staging left by dead processes is cleaned."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from grnsearch import _files
from grnsearch._files import MARKER, check_output_target, clean_stale, output_directory, read_marker
from grnsearch.errors import GrnsearchError
from grnsearch.network.topology import Topology
from grnsearch.outputs import mutate as mutate_outputs
from grnsearch.outputs.mutate import check_mutation_targets, writes_parent_tables


def _write(target: Path, kind: str, files: dict[str, str], **kwargs) -> Path:
    with output_directory(target, kind, **kwargs) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text)
    return target


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_a_new_directory_appears_whole_with_its_marker(tmp_path):
    out = _write(tmp_path / "a" / "out", "train", {"summary.csv": "x"})
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "summary.csv"]
    assert read_marker(out)["kind"] == "train"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["out"]  # no staging left


def test_an_existing_directory_needs_overwrite_and_is_replaced_whole(tmp_path):
    out = _write(tmp_path / "out", "train", {"seed-5": "old", "seed-6": "old"})
    with pytest.raises(GrnsearchError, match="^out: .* exists and is not empty; .*`overwrite`"):
        _write(out, "train", {"seed-0": "new"})
    assert (out / "seed-5").read_text() == "old"
    _write(out, "train", {"seed-0": "new"}, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "seed-0"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failure_or_interrupt_leaves_the_old_directory(tmp_path):
    out = _write(tmp_path / "out", "study", {"study.csv": "old"})
    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)), output_directory(out, "study", overwrite=True) as tmp:
            (tmp / "study.csv").write_text("new")
            raise error
        assert (out / "study.csv").read_text() == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_old_directory_is_restored_when_the_new_one_cannot_move_in(tmp_path, monkeypatch):
    out = _write(tmp_path / "out", "study", {"study.csv": "old"})
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(src).name.endswith(".partial") and Path(dst) == out:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(_files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        _write(out, "study", {"study.csv": "new"}, overwrite=True)
    assert (out / "study.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: (d / "notes.txt").write_text("mine"), f"has no {MARKER}"),
        (lambda d: _write(d, "study", {"study.csv": "x"}, overwrite=True), "holds grnsearch study output"),
    ],
)
def test_overwrite_never_replaces_what_grnsearch_did_not_write_for_this_command(tmp_path, setup, message):
    target = tmp_path / "dir"
    target.mkdir()
    setup(target)
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(GrnsearchError, match=message):
        _write(target, "compare", {"compare.json": "{}"}, overwrite=True)
    assert sorted(p.name for p in target.iterdir()) == before


def test_overwrite_never_replaces_the_working_directory_or_an_ancestor(tmp_path, monkeypatch):
    inner = tmp_path / "work"
    _write(inner, "train", {"summary.csv": "x"})
    monkeypatch.chdir(inner)
    for target in (Path("."), inner, tmp_path):
        with pytest.raises(GrnsearchError, match="current directory"):
            check_output_target(target, "train", overwrite=True)
    with pytest.raises(GrnsearchError, match="not a directory"):
        check_output_target(inner / "summary.csv", "train", overwrite=True)


def test_an_empty_working_directory_is_filled_in_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(Path("."), "train", {"summary.csv": "x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "summary.csv"]
    assert Path.cwd() == tmp_path


def test_staging_of_dead_processes_is_cleaned_and_counts_as_empty(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getpid()
    (tmp_path / f".out.grnsearch-{dead}-{_files._HOST}-ab12.partial").mkdir()
    (out / ".staging-x1y2").mkdir()  # an earlier version's staging, inside the directory
    (out / f".summary.csv.grnsearch-{dead}-{_files._HOST}-cd34-q9.partial").write_text("half")
    (tmp_path / f".other.grnsearch-{alive}-{_files._HOST}-ef56.partial").mkdir()  # a live run's: kept
    (tmp_path / f".far.grnsearch-{dead}-0badf00d-ef56.partial").mkdir()  # another machine's: kept
    _write(out, "train", {"summary.csv": "x"})  # no `overwrite` needed: only stale staging was there
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "summary.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f".far.grnsearch-{dead}-0badf00d-ef56.partial",
        f".other.grnsearch-{alive}-{_files._HOST}-ef56.partial",
        "out",
    ]


def test_hidden_files_of_the_user_are_never_taken_for_staging(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / ".out.k2j4_x9.partial").mkdir()  # an earlier version's staging of out: removed
    (tmp_path / ".download.partial").write_text("mine")  # the user's: kept
    (out / ".notes.partial").write_text("mine")  # inside: kept, so out is not empty
    with pytest.raises(GrnsearchError, match="not empty"):
        check_output_target(out, "train", overwrite=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".download.partial", "out"]
    assert (out / ".notes.partial").read_text() == "mine"


def test_a_directory_moved_aside_by_a_killed_run_is_put_back(tmp_path):
    dead = _dead_pid()
    aside = tmp_path / f".out.grnsearch-{dead}-{_files._HOST}-ab12.old"
    aside.mkdir()
    (aside / MARKER).write_text(json.dumps({"kind": "train"}))
    clean_stale(tmp_path)
    assert read_marker(tmp_path / "out")["kind"] == "train" and not aside.exists()
    aside.mkdir()  # the new directory did move in: the old one is garbage
    clean_stale(tmp_path)
    assert not aside.exists() and (tmp_path / "out").is_dir()


def test_an_unwritable_place_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GrnsearchError, match="file is a file"):
        check_output_target(blocker / "sub", "train", overwrite=False)
    with pytest.raises(GrnsearchError, match="cannot write there"):
        check_output_target(Path("/proc/grnsearch-output"), "train", overwrite=False)
    assert not (tmp_path / "sub").exists()


def test_mutate_never_replaces_a_study_table_and_an_earlier_read_out_only_with_overwrite(tmp_path):
    study = _write(tmp_path / "study", "study", {"topologies.csv": "the study's"})
    runs = [study / "seed-0", study / "seed-1"]
    for run in runs:
        run.mkdir()
    assert not writes_parent_tables(study, 2)  # the study's own tables are kept, not an obstacle
    check_mutation_targets(runs, overwrite=False)
    train = _write(tmp_path / "train", "train", {"topologies.csv": "an earlier read-out"})
    assert writes_parent_tables(train, 2) and not writes_parent_tables(train, 1)
    with pytest.raises(GrnsearchError, match="earlier read-out of these runs"):
        check_mutation_targets([train / "seed-0", train / "seed-1"], overwrite=False)
    check_mutation_targets(runs[:1], overwrite=False)  # one run: no table in the parent
    (runs[0] / "topology.json").write_text("{}")
    with pytest.raises(GrnsearchError, match="already holds a network read-out .*`overwrite`"):
        check_mutation_targets(runs[:1], overwrite=False)
    check_mutation_targets(runs[:1], overwrite=True)


def test_an_interrupted_read_out_removes_what_it_wrote(tmp_path, monkeypatch):
    parent = _write(tmp_path / "train", "train", {"summary.csv": "x"})
    runs = [parent / "seed-0", parent / "seed-1"]
    for run in runs:
        run.mkdir()
    topology = Topology.from_key("I->g1:+ g1->g2:-", ("I", "g1", "g2"), ("g1", "g2"))
    report = SimpleNamespace(
        lam=0.9, mode="trajectory", cutoff=0.1, cutoff_rule="given", topologies=[topology] * 2, scan=None,
        strengths=np.array([[[1.0, 0.0], [0.0, -1.0], [0.0, 0.0]]] * 2),
    )  # fmt: skip
    models = [SimpleNamespace(seed=k) for k in range(2)]
    real = mutate_outputs.write_network_exports
    calls = []

    def second_is_interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(mutate_outputs, "write_network_exports", second_is_interrupted)
    with pytest.raises(KeyboardInterrupt):
        mutate_outputs.write_mutation_outputs(runs, models, report, figures=False)
    assert [list(run.iterdir()) for run in runs] == [[], []]  # seed-0's read-out was removed again
    monkeypatch.setattr(mutate_outputs, "write_network_exports", real)
    mutate_outputs.write_mutation_outputs(runs, models, report, figures=False)  # no `overwrite` needed
    assert (runs[1] / "topology.json").is_file() and (parent / "topologies.csv").is_file()
