"""Settings objects validate once, at the public entry point, before any work; errors name the
library parameter, and the CLI shows it under its flag."""

import pytest

import grnsearch
from grnsearch import cli
from grnsearch.cli.options import FLAGS
from grnsearch.config import Distribution, ReadoutSettings, TrainConfig, available_cores
from grnsearch.errors import GrnsearchError
from grnsearch.readout.sparsify import SparsifySettings
from grnsearch.workflows import run_search, run_study, sparsify


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if anything starts training."""

    def refuse(*args, **kwargs):
        raise AssertionError("training started before the settings were checked")

    monkeypatch.setattr("grnsearch.workflows.study.train", refuse)
    monkeypatch.setattr("grnsearch.readout.sparsify.train", refuse)


@pytest.mark.parametrize(
    "build, parameter",
    [
        (lambda: ReadoutSettings(lam=1.5), "lam"),
        (lambda: ReadoutSettings(mode="sideways"), "mode"),
        (lambda: ReadoutSettings(cutoff=-1.0), "cutoff"),
        (lambda: Distribution(workers=0), "workers"),
        (lambda: Distribution(workers=2, scheduler="tcp://127.0.0.1:1"), "workers"),
        (lambda: Distribution(workers=1000), "workers"),
        (lambda: SparsifySettings(restarts=0), "restarts"),
        (lambda: SparsifySettings(tries=-1), "tries"),
        (lambda: SparsifySettings(max_steps=0), "max_steps"),
        (lambda: TrainConfig().replace(iterations=0), "iterations"),
        (lambda: TrainConfig().replace(noise=-0.1), "noise"),
        (lambda: TrainConfig().replace(arch="deep"), "arch"),
    ],
)
def test_bad_settings_name_their_parameter(build, parameter):
    with pytest.raises(GrnsearchError) as caught:
        build()
    assert caught.value.parameter == parameter
    assert str(caught.value).startswith(f"{parameter}: ")
    assert "--" not in str(caught.value)


def test_study_rejects_a_bad_lam_before_training(no_training, adaptation_task):
    with pytest.raises(GrnsearchError, match="^lam: 1.5 is outside"):
        run_study(adaptation_task, 200, lam=1.5)
    with pytest.raises(GrnsearchError, match="^cutoff: "):
        run_study(adaptation_task, 200, cutoff="sometimes")


def test_sparsify_rejects_bad_settings_before_training(no_training, adaptation_task):
    with pytest.raises(GrnsearchError, match="^lam: "):
        sparsify(adaptation_task, 2, readout=ReadoutSettings(lam=2.0))
    with pytest.raises(GrnsearchError, match="^blocked: I->g9: unknown target"):
        sparsify(adaptation_task, 2, blocked=[("I", "g9")])


def test_search_rejects_bad_samples_before_any_file(tmp_path):
    with pytest.raises(GrnsearchError, match="^samples: "):
        run_search(grnsearch.tasks.oscillation(), samples=0, out=tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_renamed_shows_flags_for_parameters():
    err = GrnsearchError("a directory is not empty; pass `overwrite` to replace it", parameter="out")
    assert str(err) == "out: a directory is not empty; pass `overwrite` to replace it"
    assert err.renamed(FLAGS) == "--out: a directory is not empty; pass --overwrite to replace it"
    assert GrnsearchError("plain").renamed(FLAGS) == "plain"


def test_cli_names_the_flag_of_a_library_error(tmp_path, capsys):
    code = cli.main(["train", "adaptation", "--block", "I->g9", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("grnsearch: error: --block: I->g9: unknown target 'g9'") and "Traceback" not in err
    assert cli.main(["train", "adaptation", "--init-std", "0.2", "--out", str(tmp_path / "o")]) == 2
    assert "--init-std: applies only to the normal initialisation" in capsys.readouterr().err


def test_every_flag_in_the_map_exists():
    parser = cli.build_parser()
    flags = {
        option
        for action in parser._subparsers._group_actions
        for sub in action.choices.values()
        for a in sub._actions
        for option in a.option_strings
    }
    assert {f for f in FLAGS.values() if f.startswith("--")} <= flags


def test_more_local_workers_than_cores_is_refused_before_any_work(tmp_path, capsys):
    too_many = available_cores() + 1
    assert cli.main(["search", "oscillation", "--workers", str(too_many), "--out", str(tmp_path / "s")]) == 2
    assert f"--workers: {too_many} local worker processes" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
    Distribution(scheduler="tcp://127.0.0.1:1")  # a remote cluster is not limited by this machine
