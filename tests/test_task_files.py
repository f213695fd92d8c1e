"""Task files: the built-in tasks as files reproduce their runs byte for byte, the commands of
``grnsearch task``, the primitives of the format, and a user's own task trained, read out and
reloaded from its file alone."""

from __future__ import annotations

import json
from pathlib import Path

import jax
import numpy as np
import pytest

from grnsearch import tasks
from grnsearch.cli.main import main
from grnsearch.errors import GrnsearchError
from grnsearch.io.runs import load_run
from grnsearch.tasks.measures import Metric, Protocol
from grnsearch.tasks.template import TEMPLATE
from grnsearch.workflows.search import run_search

RUN_FILES = ("params.eqx", "history.csv", "metrics.json")


def _train(task: str, out: Path, extra: tuple[str, ...] = ()) -> None:
    argv = ["train", task, "--seeds", "2", "--iterations", "4", "--extra-iterations", "0", "--out", str(out)]
    assert main([*argv, *extra, "--no-figures", "--quiet"]) == 0


def _manifest(path: Path) -> dict:
    record = json.loads(path.read_text())
    for key in ("created", "wall_time_s"):  # the time of the run, not its content
        record.pop(key)
    return record


@pytest.mark.parametrize("name", ["adaptation", "adaptation-atlas", "oscillation", "oscillation3", "gap-genes"])
def test_the_shown_file_reproduces_the_builtin_run_byte_for_byte(name, tmp_path, capsys):
    task_file = tmp_path / f"{name}.toml"
    assert main(["task", "show", name, "--out", str(task_file)]) == 0
    _train(name, tmp_path / "by-name")
    _train(str(task_file), tmp_path / "by-file")
    for seed in (0, 1):
        by_name, by_file = tmp_path / "by-name" / f"seed-{seed}", tmp_path / "by-file" / f"seed-{seed}"
        for file in RUN_FILES:
            assert (by_name / file).read_bytes() == (by_file / file).read_bytes(), f"{name} seed {seed}: {file}"
        named, filed = _manifest(by_name / "manifest.json"), _manifest(by_file / "manifest.json")
        assert named["task"].pop("source") == name and filed["task"].pop("source") == str(task_file)
        assert named == filed  # the manifests differ only in how the task was named


@pytest.mark.parametrize("name", tasks.names())
def test_every_builtin_task_round_trips_through_its_file(name):
    task = tasks.get(name)
    assert tasks.parse(tasks.task_text(task), "shown", None) == task
    assert tasks.parse(tasks.task_text(task, inline=True), "inline", None) == task


def test_builtin_parameters_are_the_criteria_thresholds():
    task = tasks.get("adaptation", min_sensitivity=0.2)
    assert task.params() == {"min_sensitivity": 0.2, "max_adaptation_error": 0.05}
    assert task.success({"sensitivity": 0.25, "adaptation_error": 0.01})
    assert not tasks.get("adaptation").success({"sensitivity": 0.25, "adaptation_error": 0.01})
    with pytest.raises(GrnsearchError, match="no parameter 'min_sensitivit'"):
        tasks.get("adaptation", min_sensitivit=0.2)


def test_task_check_says_what_the_file_defines(tmp_path, capsys):
    path = tmp_path / "switch.toml"
    path.write_text(TEMPLATE)
    assert main(["task", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: a valid task file" in out
    assert "genes g1, g2 (scored: g1; free starts: g2)" in out
    assert "training conditions: rest, pulse" in out
    assert "success: on_level >= 0.6; rest_level within 0.05 of 0.1" in out


def test_task_new_prints_or_creates_and_never_overwrites_without_asking(tmp_path, capsys):
    assert main(["task", "new"]) == 0
    assert capsys.readouterr().out == TEMPLATE
    target = tmp_path / "mine.toml"
    assert main(["task", "new", "--out", str(target)]) == 0
    assert target.read_text() == TEMPLATE
    target.write_text("mine")
    assert main(["task", "new", "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err and target.read_text() == "mine"
    assert main(["task", "new", "--out", str(target), "--overwrite"]) == 0
    assert target.read_text() == TEMPLATE
    assert main(["task", "show", "oscillation", "--out", str(tmp_path)]) == 2  # a directory is never a file


def test_template_is_a_working_task():
    task = tasks.parse(TEMPLATE, "template", None)
    conditions = task.conditions(jax.random.PRNGKey(0))
    assert conditions.inputs.shape == (2, 60, 1) and conditions.targets.shape == (2, 60, 1)
    np.testing.assert_array_equal(np.asarray(conditions.inputs[1, :, 0]), [1.0] * 10 + [0.0] * 50)
    assert np.asarray(conditions.stationary).tolist() == [1.0, 0.0]


USER_TASK = """
name = "coincidence"
genes = ["out", "helper"]
inputs = ["A", "B"]
scored = ["out"]
dt = 0.25
steps = 24

[initial]
out = 0.0

[defaults]
iterations = 3

[metrics]
summary = ["both", "only_a"]

[mutation]
knockdown = 0.5

[[condition]]
name = "A and B"
inputs.A = { kind = "pulses", period = 8, on = 4, level = 1.0 }
inputs.B = { kind = "ramp", start = 0, end = 4, from = 0.0, to = 1.0 }
targets = { out = { kind = "table", file = "coincidence.csv", column = "out" } }

[[condition]]
name = "A only"
inputs = { A = 1.0 }
targets = { out = { kind = "square", period = 12, on = 6, low = 0.0, high = 0.2 } }

[[metric]]
name = "both"
kind = "final"
gene = "out"
condition = "A and B"

[[metric]]
name = "only_a"
kind = "mean"
gene = "out"
condition = "A only"

[[criterion]]
name = "min_both"
metric = "both"
at_least = 0.5

[[criterion]]
name = "max_only_a"
metric = "only_a"
below = 0.3
"""


def _user_task(tmp_path: Path) -> Path:
    wave = np.round(np.minimum(1.0, np.arange(1, 25) / 8.0), 3)
    (tmp_path / "coincidence.csv").write_text("step,out\n" + "".join(f"{k},{v}\n" for k, v in enumerate(wave, 1)))
    path = tmp_path / "coincidence.toml"
    path.write_text(USER_TASK)
    return path


def test_a_users_task_trains_reads_out_and_reloads_without_its_files(tmp_path, capsys):
    path = _user_task(tmp_path)
    task = tasks.load(path)
    conditions = task.conditions(jax.random.PRNGKey(0))
    np.testing.assert_allclose(np.asarray(conditions.targets[0, :8, 0]), np.round(np.arange(1, 9) / 8.0, 3))
    np.testing.assert_array_equal(np.asarray(conditions.inputs[0, :10, 0]), [1, 1, 1, 1, 0, 0, 0, 0, 1, 1])
    np.testing.assert_allclose(np.asarray(conditions.inputs[0, :6, 1]), [0, 0.25, 0.5, 0.75, 1, 1])
    np.testing.assert_allclose(np.asarray(conditions.targets[1, :13, 0]), [0.2] * 6 + [0.0] * 6 + [0.2], rtol=1e-6)
    assert main(["train", str(path), "--seeds", "1", "--out", str(tmp_path / "run"), "--no-figures", "--quiet"]) == 0
    (tmp_path / "coincidence.csv").unlink()
    path.unlink()
    run = load_run(tmp_path / "run" / "seed-0")
    assert run.task == task and run.task.source == str(path) and run.config.iterations == 3
    assert main(["mutate", str(tmp_path / "run" / "seed-0"), "--no-figures", "--quiet"]) == 0
    assert (tmp_path / "run" / "seed-0" / "links.csv").exists()


def test_metrics_and_criteria_compute_what_they_name():
    task = tasks.get("adaptation")
    states = np.zeros((2, 10, 2), dtype=np.float32)
    states[0, :, 0] = [0.4] * 4 + [0.9, 0.7, 0.5, 0.45, 0.42, 0.41]
    states[1, :, 0] = [0.1, 0.5, 0.1, 0.5, 0.1, 0.5, 0.1, 0.5, 0.1, 0.5]
    view = Protocol(states, np.zeros((2, 10, 1)), None, (9,), (0,), ("step", "wave"), ("g1", "g2"), ("I",), 0.5)
    assert float(Metric("s", "sensitivity", ("step",), gene="g1", at=4).compute(view)) == pytest.approx(0.5)
    assert float(Metric("e", "adaptation-error", ("step",), gene="g1", at=4).compute(view)) == pytest.approx(0.01)
    assert float(Metric("p", "peak-to-trough", ("wave",), gene="g1").compute(view)) == pytest.approx(0.4)
    assert float(Metric("t", "period", ("wave",), gene="g1").compute(view)) == pytest.approx(1.0)
    curve = Metric("c", "final", ("step", "wave"), curve=True, gene="g1").compute(view)
    np.testing.assert_allclose(np.asarray(curve), [0.41, 0.5])
    assert task.criteria[0].holds({"sensitivity": 0.3}) and not task.criteria[0].holds({"sensitivity": np.nan})


def test_a_file_tasks_study_and_search_keep_their_task_and_compare(tmp_path, capsys):
    task_file = tmp_path / "myosc.toml"
    assert main(["task", "show", "oscillation", "--out", str(task_file)]) == 0
    text = task_file.read_text().replace('name = "oscillation"', 'name = "myosc"').split("[[criterion]]")[0]
    task_file.write_text(text + '[[criterion]]\nname = "any"\nmetric = "plateau"\nat_least = -1.0\n')  # all converge
    argv = ["study", str(task_file), "--seeds", "2", "--iterations", "3", "--out", str(tmp_path / "study")]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    task = tasks.load(task_file)
    run_search(task, samples=200, out=tmp_path / "search", topology_indices=list(range(0, 2304, 300)))
    task_file.unlink()  # both directories keep the task
    for directory in ("study", "search"):
        assert tasks.recorded(tmp_path / directory, "myosc") == task
    argv = ["compare", str(tmp_path / "study"), str(tmp_path / "search"), "--out", str(tmp_path / "cmp")]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    assert json.loads((tmp_path / "cmp" / "compare.json").read_text())["task"] == "myosc"


def test_a_spatial_task_file_states_profiles_and_refuses_time_course_metrics():
    shown = tasks.task_text(tasks.get("gap-genes"))
    task = tasks.parse(shown, "gap.toml", None)
    inputs, dt = task.mutation_conditions()
    assert inputs.shape == (1, 30, 64, 2) and dt == 0.1
    x = np.linspace(0.0, 1.0, 64)
    np.testing.assert_allclose(inputs[0, 0, :, 0], np.exp(-x / 0.2), rtol=1e-6)
    with pytest.raises(GrnsearchError, match=r"gap.toml: metric\[0\].kind: 'max' reads one time course"):
        tasks.parse(shown.replace('kind = "mse"', 'kind = "max"\ngene = "hb"', 1), "gap.toml", None)
    with pytest.raises(GrnsearchError, match=r"space.dosage_panel\[0\]\[0\]: unknown input 'Bicoid'"):
        tasks.parse(shown.replace('["Bcd", 0.0]', '["Bicoid", 0.0]'), "gap.toml", None)
