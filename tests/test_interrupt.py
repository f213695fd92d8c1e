"""Interrupting the command: SIGINT and SIGTERM at start-up, while training and while writing exit
with one line (130, 143) and leave nothing behind; after a SIGKILL while writing, the staging left
behind does not block the rerun; a search stopped by SIGINT or SIGKILL between its chunks resumes
from the chunks it kept. These need real processes and signals, so they use subprocesses
with tiny settings."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grnsearch import cli

# runs the command as the console script does; with "slow-write" every run directory's manifest
# waits a minute first, which holds the command in its writing phase for the test's signal
HARNESS = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal, whatever pytest's parent did
if sys.argv[1] == "slow-write":
    import grnsearch.outputs.runs as runs
    real = runs.write_manifest
    def slow(*args, **kwargs):
        print("test: writing", file=sys.stderr, flush=True)
        time.sleep(60)
        return real(*args, **kwargs)
    runs.write_manifest = slow
from grnsearch.cli import main
sys.argv = ["grnsearch", *sys.argv[2:]]
sys.exit(main())
"""
TINY = ["--seeds", "1", "--iterations", "5", "--no-figures", "--quiet"]


def _start(mode: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", HARNESS, mode, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )


def _wait_for(proc: subprocess.Popen, text: str) -> None:
    for line in proc.stderr:
        if text in line:
            return
    pytest.fail(f"the command ended before {text!r}")


def _finish(proc: subprocess.Popen) -> tuple[int, list[str]]:
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    return proc.returncode, [line for line in rest.splitlines() if line.strip()]


def _hidden(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".")]


def _handlers_installed(pid: int) -> bool:
    """True once the command catches SIGTERM, which its handler does from the start: before that,
    a signal would find the interpreter's defaults (Linux: /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to see the signal handlers")
def test_sigint_at_start_up_exits_130_with_one_line(tmp_path):
    proc = _start("plain", "train", "adaptation", "--out", str(tmp_path / "out"), *TINY)
    while not _handlers_installed(proc.pid):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)  # the library and jax take seconds to import: this is start-up
    code, lines = _finish(proc)
    assert code == 130
    assert len(lines) == 1 and lines[0].startswith("grnsearch: interrupted;")
    assert list(tmp_path.iterdir()) == []


def test_sigint_while_training_exits_130_and_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    proc = _start("plain", "train", "adaptation", "--seeds", "2", "--iterations", "200000", "--out", str(out))
    _wait_for(proc, "grnsearch: training")
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    code, lines = _finish(proc)
    assert code == 130 and len(lines) == 1 and lines[0].startswith("grnsearch: interrupted;")
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_writing_cleans_up_and_the_rerun_succeeds(tmp_path):
    out = tmp_path / "out"
    proc = _start("slow-write", "train", "adaptation", "--out", str(out), *TINY)
    _wait_for(proc, "test: writing")
    proc.send_signal(signal.SIGTERM)
    code, lines = _finish(proc)
    assert code == 143 and len(lines) == 1 and lines[0].startswith("grnsearch: terminated;")
    assert list(tmp_path.iterdir()) == []  # the staging directory was removed
    assert cli.main(["train", "adaptation", "--out", str(out), *TINY]) == 0


def test_sigkill_while_writing_leaves_staging_that_the_rerun_cleans_up(tmp_path):
    out = tmp_path / "out"
    out.mkdir()  # an empty directory made beforehand: staging goes inside it
    proc = _start("slow-write", "train", "adaptation", "--out", str(out), *TINY)
    _wait_for(proc, "test: writing")
    proc.kill()
    proc.wait(timeout=60)
    assert _hidden(out)  # the killed process could not clean up
    assert cli.main(["train", "adaptation", "--out", str(out), *TINY]) == 0  # no --overwrite needed
    assert sorted(p.name for p in out.iterdir()) == [".grnsearch.json", "seed-0", "summary.csv"]
    assert list(tmp_path.iterdir()) == [out]


# a search of 6 topologies in chunks of 2 with few samples; with "slow-search" the second chunk
# announces itself and waits a minute, which holds the search between its chunks for the signal
SEARCH_HARNESS = """
import functools, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import grnsearch.cli.commands.search as command
import grnsearch.workflows.search as search
slow = sys.argv[1] == "slow-search"
calls = []
real_count = search.count_chunk
def count(*args, **kwargs):
    calls.append(1)
    if slow and len(calls) == 2:
        print("test: second chunk", file=sys.stderr, flush=True)
        time.sleep(60)
    return real_count(*args, **kwargs)
search.count_chunk = count
command.run_search = functools.partial(search.run_search, chunk_size=2, topology_indices=[0, 1, 2, 3, 4, 5])
from grnsearch.cli import main
sys.argv = ["grnsearch", *sys.argv[2:]]
sys.exit(main())
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_search_resumes_from_its_kept_chunks(tmp_path, signum):
    out = tmp_path / "search"
    argv = ["search", "oscillation", "--samples", "500", "--out", str(out), "--quiet"]
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SEARCH_HARNESS, "slow-search", *argv], stderr=subprocess.PIPE, text=True, env=env
    )
    _wait_for(proc, "test: second chunk")
    proc.send_signal(signum)
    code, lines = _finish(proc)
    if signum == signal.SIGINT:
        assert code == 130 and len(lines) == 1 and "--resume" in lines[0]
    kept = sorted((out / "chunks").glob("chunk-*.json"))
    assert [p.name for p in kept] == ["chunk-00000.json"] and not (out / "search.csv").exists()
    first = kept[0].read_bytes(), kept[0].stat().st_ino, kept[0].stat().st_mtime_ns
    # a rerun without --resume is refused; with it, the search finishes from the kept chunk
    done = subprocess.run(
        [sys.executable, "-c", SEARCH_HARNESS, "plain", *argv], capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "--resume" in done.stderr
    done = subprocess.run(
        [sys.executable, "-c", SEARCH_HARNESS, "plain", *argv, "--resume"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert (kept[0].read_bytes(), kept[0].stat().st_ino, kept[0].stat().st_mtime_ns) == first  # kept, not rewritten
    assert len(list((out / "chunks").glob("chunk-*.json"))) == 3
    assert len((out / "search.csv").read_text().splitlines()) == 7
