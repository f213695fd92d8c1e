"""The exact verdict of the search and resumable chunks that are verified before they are used."""

import json
import shutil
import subprocess
import sys

import jax
import numpy as np
import pandas as pd
import pytest

from grnsearch import _files, tasks
from grnsearch.cli import main
from grnsearch.dynamics.hill import HillDynamics
from grnsearch.dynamics.simulate import simulate
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch import exact, screen, space
from grnsearch.io import search_dir
from grnsearch.io.search_dir import read_search
from grnsearch.network.topology import Topology
from grnsearch.tasks.hill_screen import OscillationScreen
from grnsearch.workflows import search as search_workflow

SOURCES, GENES = ("I1", "I2", "g1", "g2"), ("g1", "g2")
ROBUST = "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+"


@pytest.fixture(scope="module")
def robust_sets():
    """Euler-passing sets of the authors' most robust topology (40,000 sets drawn)."""
    signs = Topology.from_key(ROBUST, SOURCES, GENES).signs
    K, b = screen.passing_sets(signs, jax.random.PRNGKey(1), 40_000)
    return signs, K, b


def test_exact_verdict_matches_the_interval_ode_solver_and_rejects_damped_sets(robust_sets):
    signs, K, b = robust_sets
    verdict = exact.exact_screen_sets(signs, K, b)
    assert 0 < verdict.sum() < len(verdict)  # some Euler oscillations are damped in the exact ODE
    # every set alone gives the same verdict as in the padded batch
    alone = [bool(exact.exact_screen_sets(signs, K[i : i + 1], b[i : i + 1])[0]) for i in range(4)]
    assert alone == verdict[:4].tolist()
    # the sampled solve agrees with the independent interval-by-interval ODE solver of simulate
    paper = OscillationScreen()
    topology = Topology.from_key(ROBUST, SOURCES, GENES)
    sampled = exact.exact_trajectories(signs, K[:3], b[:3])
    for i in range(3):
        dynamics = HillDynamics.of(topology, K[i], b[i])
        start = jax.numpy.full((2,), paper.start)
        ode = simulate(dynamics, jax.numpy.asarray(paper.inputs()), paper.dt, solver="ode", initial_state=start)
        np.testing.assert_allclose(sampled[i], np.asarray(ode)[:, 1:], atol=2e-3)
        assert bool(screen.trajectory_success(paper, ode[:, 1:])) == verdict[i]


@pytest.fixture
def small_space(monkeypatch):
    """The CLI search on five topologies (the robust one among them)."""
    signs = space.search_space(tasks.get("oscillation"))
    keys = [Topology(s, SOURCES, GENES).key() for s in signs]
    chosen = signs[[0, 100, keys.index(ROBUST), 700, 1500]]
    monkeypatch.setattr(search_workflow, "search_space", lambda task: chosen)
    return chosen


def _search(out, *extra):
    return main(["search", "oscillation", "--samples", "20000", "--seed", "3", "--out", str(out), *extra])


@pytest.fixture
def finished(small_space, tmp_path, capsys):
    out = tmp_path / "s"
    assert _search(out) == 0
    printed = capsys.readouterr().out
    return out, printed


def test_search_reports_both_integrators_and_resumes_a_deleted_chunk(finished, capsys):
    out, printed = finished
    assert "Euler screen" in printed and "exact solution (Tsit5" in printed
    table = pd.read_csv(out / "search.csv")
    assert {"successful_sets", "exact_sets", "succeeds", "succeeds_exactly"} <= set(table.columns)
    assert (table["exact_sets"] <= table["successful_sets"]).all()
    assert table.set_index("topology").loc[ROBUST, "exact_sets"] > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["integrators"]["exact_sets"]["rtol"] == exact.EXACT.rtol
    assert summary["exact_successful_topologies"] == int(table["succeeds_exactly"].sum())
    expected = (out / "search.csv").read_text()
    chunk = search_dir.chunk_path(out, 0)
    chunk.unlink()
    # what a killed search leaves: a half-written chunk of a process that is gone
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    half = chunk.parent / f".{chunk.name}.grnsearch-{int(dead.stdout)}-{_files._HOST}-ab12-x.partial"
    half.write_text('{"chunk": 0, "succ')
    assert _search(out, "--resume", "--quiet") == 0
    assert (out / "search.csv").read_text() == expected and chunk.exists() and not half.exists()


def _rewrite(path, change, checksum=True):
    record = json.loads(path.read_text())
    change(record)
    if checksum:
        content = {name: record[name] for name in search_dir.CHUNK_FIELDS}
        record["checksum"] = search_dir._digest(content)
    path.write_text(json.dumps(record))


@pytest.mark.parametrize(
    ("change", "checksum", "message"),
    [
        (lambda r: r["successful_sets"].__setitem__(0, 7), False, "checksum mismatch"),
        (lambda r: r.__setitem__("settings_digest", "0" * 64), True, "other settings"),
        (lambda r: r["topology_index"].__setitem__(0, 9), True, "other topologies"),
        (lambda r: r["successful_sets"].__setitem__(0, float("nan")), True, "whole numbers"),
        (lambda r: r["successful_sets"].__setitem__(0, -1), True, "whole numbers"),
        (lambda r: r["exact_sets"].__setitem__(0, 1.5), True, "whole numbers"),
        (lambda r: r["exact_sets"].__setitem__(0, "2"), True, "whole numbers"),
        (lambda r: r["exact_sets"].__setitem__(0, 10**6), True, "exact <= Euler"),
        (lambda r: r["exact_sets"].pop(), True, "one per topology"),
        (lambda r: r.pop("exact_sets"), False, "fields missing"),
    ],
)
def test_resume_rejects_a_damaged_chunk_naming_it(finished, capsys, change, checksum, message):
    out, _ = finished
    chunk = search_dir.chunk_path(out, 0)
    _rewrite(chunk, change, checksum)
    before = (out / "search.csv").read_text()
    assert _search(out, "--resume", "--quiet") == 2
    err = capsys.readouterr().err
    assert err.startswith("grnsearch: error: ") and err.count("\n") == 1
    assert str(chunk) in err and message in err and f"delete {chunk}" in err
    assert "nan" not in (out / "search.csv").read_text().lower() and (out / "search.csv").read_text() == before


@pytest.mark.parametrize("damage", [lambda text: text[: len(text) // 2], lambda text: "\x00\xff garbage", lambda _: ""])
def test_resume_rejects_a_truncated_or_unreadable_chunk(finished, capsys, damage):
    out, _ = finished
    chunk = search_dir.chunk_path(out, 0)
    chunk.write_text(damage(chunk.read_text()))
    assert _search(out, "--resume", "--quiet") == 2
    err = capsys.readouterr().err
    assert str(chunk) in err and "unreadable or truncated" in err and "delete" in err


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"complete": true}'])
def test_a_corrupt_search_json_is_named(finished, capsys, text):
    out, _ = finished
    (out / "search.json").write_text(text)
    assert _search(out, "--resume", "--quiet") == 2
    assert str(out / "search.json") in capsys.readouterr().err
    with pytest.raises(GrnsearchError, match="search.json"):
        read_search(out)


def test_resume_needs_a_started_search_and_out_must_be_a_writable_directory(small_space, tmp_path, capsys):
    missing = tmp_path / "missing"
    assert _search(missing, "--resume") == 2
    err = capsys.readouterr().err
    assert "--resume" in err and "does not exist" in err and not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _search(empty, "--resume") == 2
    assert "has no search.json" in capsys.readouterr().err
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert _search(a_file) == 2
    assert "--out" in (err := capsys.readouterr().err) and "not a directory" in err
    assert _search(a_file / "below") == 2
    assert "--out" in (err := capsys.readouterr().err) and "cannot write there" in err


def test_search_table_refuses_counts_that_are_not_whole_numbers():
    task = tasks.get("oscillation")
    signs = space.search_space(task)[:2]
    with pytest.raises(GrnsearchError, match="whole numbers"):
        space.search_table(task, signs, np.array([[1.0, np.nan], [2.0, 1.0]]), 2)
    with pytest.raises(GrnsearchError, match="whole numbers"):
        space.search_table(task, signs, np.array([[1, -1], [2, 1]]), 2)


def test_old_search_directories_without_exact_counts_still_read(finished, tmp_path, capsys):
    out, _ = finished
    old = tmp_path / "old"
    shutil.copytree(out, old)
    table = pd.read_csv(old / "search.csv").drop(columns=["exact_sets", "succeeds_exactly"])
    table.to_csv(old / "search.csv", index=False)
    meta = json.loads((old / "search.json").read_text())
    del meta["settings"]["exact"]
    (old / "search.json").write_text(json.dumps(meta))
    result = read_search(old)
    summary = result.summary()
    assert summary["integrators"]["exact_sets"] is None and "exact_successful_topologies" not in summary
    assert summary["successful_topologies"] == int(table["succeeds"].sum())
    # resuming it is refused: its chunks have no exact counts
    (old / "search.csv").unlink()
    assert _search(old, "--resume") == 2
    assert "earlier grnsearch without the exact verdict" in capsys.readouterr().err
