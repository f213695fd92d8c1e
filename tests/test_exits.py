"""The command's one top-level handler: library errors exit 2, bugs exit 70 with a crash log, and the
entry point imports no jax before its interrupt handler is installed."""

import os
import subprocess
import sys

import pytest

from grnsearch import cli
from grnsearch.cli.commands import train as train_command


def test_an_unexpected_exception_is_one_line_and_a_crash_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRNSEARCH_LOG_DIR", str(tmp_path / "logs"))

    def broken(task):
        raise RuntimeError("something the code did not expect\n\nwith more lines, as JAX's errors have")

    monkeypatch.setattr(train_command.tasks, "get", broken)
    code = cli.main(["train", "adaptation", "--out", str(tmp_path / "out")])
    assert code == 70
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("grnsearch: internal error (RuntimeError: something")
    assert "more lines" not in err[0]
    (log,) = (tmp_path / "logs").iterdir()
    assert str(log) in err[0]
    text = log.read_text()
    assert "Traceback" in text and "grnsearch train adaptation" in text and "broken" in text
    assert not (tmp_path / "out").exists()


class _ClosedPipe:
    """A standard output whose reader has gone, as after ``| head``."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_output_pipe_stops_quietly_without_a_crash_log(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRNSEARCH_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert cli.main(["task", "show", "adaptation"]) == 141
    assert capsys.readouterr().err == "" and not (tmp_path / "logs").exists()


def test_the_entry_point_imports_no_jax():
    code = "import sys, grnsearch, grnsearch.cli; print(sorted(m for m in ('jax', 'numpy') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    assert proc.stdout.strip() == "[]"


def test_the_top_level_names_load_on_first_use():
    import grnsearch

    assert grnsearch.train.__name__ == "train" and grnsearch.tasks.adaptation().name == "adaptation"
    assert {"train", "save_run", "GrnsearchError", "__version__"} <= set(dir(grnsearch))
    with pytest.raises(AttributeError, match="no_such_name"):
        grnsearch.no_such_name  # noqa: B018
