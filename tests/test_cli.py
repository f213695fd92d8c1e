"""The command line: outputs on disk, bad input, and interrupted runs."""

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import grnsearch
from grnsearch import cli
from grnsearch._files import MARKER
from grnsearch.outputs import runs as run_outputs


def run_cli(*args):
    return cli.main([str(a) for a in args])


def test_train_writes_run_directories_and_summary(tmp_path, capsys):
    out = tmp_path / "out"
    code = run_cli(
        "train", "adaptation", "--seeds", 2, "--seed", 7, "--iterations", 40, "--out", out, "--block", "g1->g1"
    )
    assert code == 0
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["seed", "loss", "sensitivity", "adaptation_error", "converged"]
    assert summary["seed"].tolist() == [7, 8]
    for seed in (7, 8):
        run = out / f"seed-{seed}"
        for name in (
            "manifest.json",
            "params.eqx",
            "history.csv",
            "metrics.json",
            "figures/loss.png",
            "figures/response.svg",
            "figures/synthesis.png",
        ):
            assert (run / name).is_file(), name
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["seed"] == seed
        assert manifest["config"]["blocked"] == ["g1->g1"]
        assert manifest["config"]["iterations"] == 40
        assert manifest["versions"]["jax"] != "not installed"
        assert len(pd.read_csv(run / "history.csv")) == 40
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [MARKER]  # no staging left behind
    assert "median" in capsys.readouterr().out


def test_saved_run_loads_back_with_identical_model(tmp_path):
    task = grnsearch.tasks.adaptation()
    ens = grnsearch.train(task, seeds=1, iterations=20, blocked=[("I", "g2")])
    grnsearch.save_ensemble(ens, tmp_path, figures=False)
    loaded = grnsearch.load_run(tmp_path / "seed-0")
    assert loaded.config == ens.config and loaded.seed == 0
    original = ens[0]
    inputs = np.full((1, 30, 1), 0.8, dtype=np.float32)
    np.testing.assert_array_equal(loaded.simulate(inputs), original.simulate(inputs))
    assert loaded.metrics["sensitivity"] == pytest.approx(original.metrics["sensitivity"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "nosuchtask"], "unknown task 'nosuchtask'"),
        (["train", "adaptation", "--block", "g3->g1"], "unknown source 'g3'"),
        (["train", "adaptation", "--block", "I-g1"], "write it as SRC->TGT"),
        (["train", "adaptation", "--block", "I-"], "quote it on the command line"),
        (["train", "adaptation", "--iterations", "0"], "--iterations"),
        (["train", "adaptation", "--seeds", "-2"], "--seeds"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(args, message, capsys, tmp_path):
    try:
        code = run_cli(*args, "--out", tmp_path / "o")
    except SystemExit as stop:  # argparse's own option checks
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_unwritable_out_is_reported(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = run_cli("train", "adaptation", "--iterations", 5, "--out", blocker / "sub")
    assert code == 2
    assert "--out" in capsys.readouterr().err
    code = run_cli("train", "adaptation", "--iterations", 5, "--out", blocker)
    assert code == 2


def test_non_empty_out_needs_overwrite_and_overwrite_replaces_the_whole_directory(tmp_path, capsys):
    out = tmp_path / "out"
    tiny = ("--iterations", 5, "--no-figures", "--quiet")
    assert run_cli("train", "adaptation", "--seeds", 2, "--seed", 5, "--out", out, *tiny) == 0
    assert run_cli("train", "adaptation", "--seeds", 1, "--out", out, *tiny) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert run_cli("train", "adaptation", "--seeds", 1, "--out", out, "--overwrite", *tiny) == 0
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "seed-0", "summary.csv"]  # no seed-5, seed-6 left
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_overwrite_refuses_a_directory_grnsearch_did_not_write(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("old results")
    code = run_cli("train", "adaptation", "--iterations", 5, "--seeds", 1, "--out", tmp_path, "--overwrite")
    assert code == 2
    assert f"has no {MARKER}" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "old results"


def test_interrupted_run_leaves_no_seed_directory(tmp_path, monkeypatch):
    calls = {"n": 0}
    real_save_run = run_outputs.save_run

    def save_then_interrupt(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_save_run(*args, **kwargs)

    monkeypatch.setattr(run_outputs, "save_run", save_then_interrupt)
    code = run_cli("train", "adaptation", "--seeds", 3, "--iterations", 5, "--out", tmp_path, "--no-figures")
    assert code == 130
    assert list(tmp_path.iterdir()) == []


def test_console_script_reports_errors_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "grnsearch.cli", "train", "nosuchtask"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("grnsearch: error: unknown task")
    assert "Traceback" not in proc.stderr


def test_version_needs_no_command(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"grnsearch {grnsearch.__version__}"
