"""Reliability suite: bad input to every command, and every file a command reads, gives exit code
2, one message naming the culprit (the file or the flag), no traceback, and leaves the disk as
it was.

Each case copies a small valid fixture (a trained run, a study, a finished search, built once per
session), spoils one thing, runs ``grnsearch.cli.main.main(argv)`` in-process and checks the
outcome. Cases are data: ``(id, fixture, spoil, argv)``; ``spoil`` edits the copy and returns the
culprit, the text the message must contain.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch.cli.main import main
from grnsearch.cli.parser import build_parser
from grnsearch.config import MAX_SEED, Distribution, TrainConfig
from grnsearch.errors import GrnsearchError
from grnsearch.io.runs import load_run
from grnsearch.io.tables import read_strength_table
from grnsearch.network.links import link_names
from grnsearch.network.topology import Topology
from grnsearch.readout.statistics import topologies_from_strengths
from grnsearch.tasks.template import TEMPLATE
from grnsearch.training.ensemble import train
from grnsearch.workflows.search import run_search

DATA = Path(__file__).parent / "data"
OSC = tasks.get("oscillation")
OSC_LINKS = link_names(OSC.sources, OSC.genes)


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory) -> Path:
    """``run/seed-0`` (adaptation, 20 iterations), ``gap/seed-0`` (gap genes, 5 iterations),
    ``study/`` (the authors' oscillation strengths as
    a study), ``table.csv`` (those strengths) and ``search/`` (a finished search of 25 topologies)."""
    root = tmp_path_factory.mktemp("valid")
    argv = ["train", "adaptation", "--seeds", "1", "--iterations", "20", "--out", str(root / "run")]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    argv = [
        "train",
        "gap-genes",
        "--seeds",
        "1",
        "--iterations",
        "5",
        "--extra-iterations",
        "0",
        "--out",
        str(root / "gap"),
    ]
    assert main([*argv, "--no-figures", "--quiet"]) == 0
    (root / "scoring").mkdir()
    (root / "scoring" / "links.csv").write_text("source,a,b\nI,1.5,0.0\na,-0.3,-2.0\nb,0.1,0.2\n")
    (root / "scoring" / "gold.csv").write_text("source,target,sign\nI,a,1\na,b,-1\n")
    (root / "inferring").mkdir()
    (root / "inferring" / "data.csv").write_text(INFER_DATA)
    (root / "inferring" / "gold.csv").write_text("source,target,sign\nI,a,1\na,b,-1\n")
    np.savez(root / "inferring" / "bad.npz", times=np.arange(3.0), nodes=np.asarray(["a"]))
    strengths = pd.read_csv(DATA / "shen2021_oscillation" / "rnn_link_strengths.csv")
    strengths.to_csv(root / "table.csv", index=False)
    study = root / "study"
    study.mkdir()
    strengths.insert(1, "converged", True)
    strengths.rename(columns={"run": "seed"}).to_csv(study / "strengths.csv", index=False)
    values = strengths[OSC_LINKS].to_numpy().reshape(-1, len(OSC.sources), len(OSC.genes))
    keys = [t.key() for t in topologies_from_strengths(values, 5e-4, OSC.sources, OSC.genes)]
    pd.DataFrame({"seed": strengths["run"], "converged": True, "topology": keys}).to_csv(
        study / "study.csv", index=False
    )
    (study / "summary.json").write_text(json.dumps({"task": "oscillation", "cutoff": 5e-4}))
    run_search(OSC, samples=2000, out=root / "search", topology_indices=list(range(0, 2304, 96)))
    return root


def snapshot(root: Path) -> dict[str, tuple[bool, int, int]]:
    """Every path under ``root`` with (is a directory, size, modification time)."""
    return {
        str(p.relative_to(root)): (p.is_dir(), p.stat().st_size if p.is_file() else 0, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own checks
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.err + captured.out


# ---- spoiling files ------------------------------------------------------------------------
def write(name: str, content: bytes | str) -> Callable[[Path], Path]:
    """Replace file ``name`` of the fixture with ``content``."""

    def spoil(d: Path) -> Path:
        path = d / name
        if path.is_dir():
            shutil.rmtree(path)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return spoil


def remove(name: str) -> Callable[[Path], Path]:
    def spoil(d: Path) -> Path:
        (d / name).unlink()
        return d / name if name != "manifest.json" else d

    return spoil


def into_directory(name: str) -> Callable[[Path], Path]:
    def spoil(d: Path) -> Path:
        (d / name).unlink()
        (d / name).mkdir()
        return d / name

    return spoil


def transform(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    def spoil(d: Path) -> Path:
        (d / name).write_bytes(change((d / name).read_bytes()))
        return d / name

    return spoil


def edit_json(name: str, change: Callable[[dict], object]) -> Callable[[Path], Path]:
    """Edit the JSON object in ``name``; ``change`` edits it in place or returns a replacement."""

    def spoil(d: Path) -> Path:
        record = json.loads((d / name).read_text())
        replaced = change(record)
        (d / name).write_text(json.dumps(record if replaced is None else replaced))
        return d / name

    return spoil


def edit_csv(name: str, change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Callable[[Path], Path]:
    def spoil(d: Path) -> Path:
        table = pd.read_csv(d / name, keep_default_na=False)
        replaced = change(table)
        (table if replaced is None else replaced).to_csv(d / name, index=False)
        return d / name

    return spoil


def setting(*keys_and_value):
    """A JSON edit setting a nested field (``setting("config", "hidden", [8, 8])``) or, with the
    value ``DROP``, deleting it."""
    *keys, value = keys_and_value

    def change(record: dict) -> None:
        for key in keys[:-1]:
            record = record[key]
        if value is DROP:
            del record[keys[-1]]
        else:
            record[keys[-1]] = value

    return change


def both(first: Callable[[dict], None], second: Callable[[dict], None]) -> Callable[[dict], None]:
    """Two JSON edits in turn."""
    return lambda record: (first(record), second(record))[-1]


DROP = object()
UTF16 = "a,b\n1,2\n".encode("utf-16")
GZIP = gzip.compress(b"a,b\n1,2\n")
BINARY = bytes(range(256)) * 4


def ragged(extra: str) -> Callable[[bytes], bytes]:
    """Append ``extra`` to the second line of a text file."""

    def change(data: bytes) -> bytes:
        lines = data.decode().splitlines()
        lines[1] += extra
        return ("\n".join(lines) + "\n").encode()

    return change


def same(d: Path) -> Path:
    return d


def manifest(change: Callable[[dict], object], culprit: str = "manifest.json") -> Callable[[Path], Path]:
    """Edit the run's manifest; the message must name ``culprit`` (the manifest, or the file the
    edit makes inconsistent)."""

    def spoil(d: Path) -> Path:
        edit_json("manifest.json", change)(d)
        return d / culprit

    return spoil


def replace_run_by_file(d: Path) -> Path:
    shutil.rmtree(d)
    d.write_text("seed-0")
    return d


def vanish(d: Path) -> Path:
    shutil.rmtree(d)
    return d


def training_output(d: Path) -> Path:
    """The run becomes a training output: a directory holding ``seed-0`` (no manifest.json)."""
    d.rename(d.parent / "moved")
    d.mkdir()
    (d.parent / "moved").rename(d / "seed-0")
    return d


# (id, spoil of a copy of run/seed-0); the message must name the path spoil returns
RUN_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("params-missing", remove("params.eqx")),
    ("params-empty", write("params.eqx", b"")),
    ("params-truncated", transform("params.eqx", lambda b: b[: len(b) // 2])),
    ("params-extra-bytes", transform("params.eqx", lambda b: b + bytes(16))),
    ("params-garbage", write("params.eqx", BINARY)),
    ("params-text", write("params.eqx", "not a model\n")),
    ("params-directory", into_directory("params.eqx")),
    ("history-missing", remove("history.csv")),
    ("history-empty", write("history.csv", "")),
    ("history-blank", write("history.csv", "\n\n")),
    ("history-no-loss-column", write("history.csv", "iteration,error\n1,0.5\n")),
    ("history-non-numeric", edit_csv("history.csv", lambda t: t.assign(loss="low"))),
    ("history-nan", edit_csv("history.csv", lambda t: t.assign(loss=np.nan))),
    ("history-short", edit_csv("history.csv", lambda t: t.iloc[:5])),
    ("history-header-only", write("history.csv", "iteration,loss\n")),
    ("history-ragged", transform("history.csv", ragged(",1,2"))),
    ("history-gzip", write("history.csv", GZIP)),
    ("history-utf16", write("history.csv", UTF16)),
    ("history-duplicate-column", write("history.csv", "loss,loss\n1,2\n")),
    ("history-directory", into_directory("history.csv")),
    ("metrics-missing", remove("metrics.json")),
    ("metrics-empty", write("metrics.json", "")),
    ("metrics-invalid", write("metrics.json", "{sensitivity: 1")),
    ("metrics-list", write("metrics.json", "[1, 2]")),
    ("metrics-no-sensitivity", edit_json("metrics.json", setting("sensitivity", DROP))),
    ("metrics-text-value", edit_json("metrics.json", setting("sensitivity", "high"))),
    ("manifest-missing", remove("manifest.json")),
    ("manifest-empty", write("manifest.json", "")),
    ("manifest-invalid", write("manifest.json", '{"task": ')),
    ("manifest-list", write("manifest.json", "[]")),
    ("manifest-binary", write("manifest.json", BINARY)),
    ("manifest-utf16", write("manifest.json", '{"seed": 0}'.encode("utf-16"))),
    ("manifest-gzip", write("manifest.json", gzip.compress(b'{"seed": 0}'))),
    ("manifest-latin1", write("manifest.json", '{"task": "\xe9"}'.encode("latin-1"))),
    ("manifest-directory", into_directory("manifest.json")),
    ("no-config", manifest(setting("config", DROP))),
    ("no-task", manifest(setting("task", DROP))),
    ("no-seed", manifest(setting("seed", DROP))),
    ("no-wall-time", manifest(setting("wall_time_s", DROP))),
    ("no-format-version", manifest(setting("grnsearch_run", DROP))),
    ("task-without-name", manifest(setting("task", "name", DROP))),
    ("task-not-object", manifest(setting("task", "adaptation"))),
    ("seed-text", manifest(setting("seed", "7"))),
    ("seed-negative", manifest(setting("seed", -1))),
    ("seed-beyond-64-bits", manifest(setting("seed", 2**64))),
    ("seed-bool", manifest(setting("seed", True))),
    ("seed-fraction", manifest(setting("seed", 1.5))),
    ("wall-time-text", manifest(setting("wall_time_s", "fast"))),
    ("hidden-smaller", manifest(setting("config", "hidden", [8, 8]), "params.eqx")),
    ("hidden-deeper", manifest(setting("config", "hidden", [16, 16, 16]), "params.eqx")),
    ("hidden-zero", manifest(setting("config", "hidden", [0, 16]))),
    ("hidden-text", manifest(setting("config", "hidden", "16"))),
    ("arch-other", manifest(setting("config", "arch", "shared"), "params.eqx")),
    ("arch-unknown", manifest(setting("config", "arch", "conv"))),
    ("iterations-text", manifest(setting("config", "iterations", "20"))),
    ("iterations-other", manifest(setting("config", "iterations", 30))),
    (
        "iterations-trained-other",
        manifest(both(setting("config", "extra_iterations", 20), setting("iterations_trained", 30)), "history.csv"),
    ),  # fmt: skip
    ("iterations-trained-beyond-extra", manifest(setting("iterations_trained", 40))),
    ("iterations-trained-text", manifest(setting("iterations_trained", "20"))),
    ("noise-negative", manifest(setting("config", "noise", -1.0))),
    ("solver-unknown", manifest(setting("config", "solver", "rk4"))),
    ("blocked-unknown-node", manifest(setting("config", "blocked", ["I->g9"]))),
    ("blocked-not-text", manifest(setting("config", "blocked", [5]))),
    ("blocked-twice", manifest(setting("config", "blocked", ["I->g1", "I->g1"]))),
    ("config-unknown-key", manifest(setting("config", "momentum", 0.9))),
    ("config-list", manifest(setting("config", [1]))),
    ("format-newer", manifest(setting("grnsearch_run", 2))),
    ("format-zero", manifest(setting("grnsearch_run", 0))),
    ("format-text", manifest(setting("grnsearch_run", "1"))),
    ("task-unknown", manifest(setting("task", "name", "chemotaxis"))),
    ("task-file-not-toml", manifest(setting("task", "file", "name = "))),
    ("task-file-not-text", manifest(setting("task", "file", 3))),
    ("task-file-not-a-task", manifest(setting("task", "file", 'name = "adaptation"\n'))),
    ("task-params-unknown", manifest(setting("task", "params", "speed", 3))),
    ("task-params-list", manifest(setting("task", "params", [1]))),
    ("run-is-a-file", replace_run_by_file),
    ("run-missing", vanish),
    ("training-output-not-run", training_output),
]

HILL_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("topology-json-invalid", write("topology.json", "{")),
    ("topology-json-empty", write("topology.json", "")),
    ("topology-json-no-key", write("topology.json", '{"links": []}')),
    ("topology-json-key-number", write("topology.json", '{"key": 5}')),
    ("topology-json-link-twice", write("topology.json", '{"key": "I->g1:+ I->g1:-"}')),
    ("topology-json-unknown-node", write("topology.json", '{"key": "I->g7:+"}')),
    ("topology-json-bad-sign", write("topology.json", '{"key": "I->g1:*"}')),
    ("topology-json-directory", lambda d: (d / "topology.json").mkdir() or d / "topology.json"),
]


def parent_study(text: str) -> Callable[[Path], Path]:
    """A ``study.csv`` beside the run (hill-check reads the run's row from it)."""

    def spoil(d: Path) -> Path:
        (d.parent / "study.csv").write_text(text)
        return d.parent / "study.csv"

    return spoil


HILL_SPOILS += [
    ("study-csv-no-topology", parent_study("seed,converged\n0,True\n")),
    ("study-csv-bad-key", parent_study("seed,converged,topology\n0,True,I->g1\n")),
    ("study-csv-link-twice", parent_study("seed,converged,topology\n0,True,I->g1:+ I->g1:+\n")),
    ("study-csv-seed-text", parent_study("seed,converged,topology\nzero,True,I->g1:+\n")),
    ("study-csv-seed-twice", parent_study("seed,converged,topology\n0,True,I->g1:+\n0,True,I->g2:+\n")),
    ("study-csv-empty", parent_study("")),
    ("study-csv-utf16", lambda d: write("study.csv", "seed,topology\n0,\n".encode("utf-16"))(d.parent)),
]


@dataclass(frozen=True)
class Case:
    """One bad input: ``argv`` and ``culprit`` may name the copies ``{run}``, ``{study}``,
    ``{search}``, ``{table}``, ``{file}`` (a plain text file) and ``{out}`` (a path that does not
    exist); ``spoil`` edits the copy ``target`` and returns what the message must name
    (``{spoiled}`` in ``culprit``)."""

    id: str
    argv: tuple[str, ...]
    culprit: str = "{spoiled}"
    target: str = "run"
    spoil: Callable[[Path], Path] | None = None


def cases_on(target: str, argv: tuple[str, ...], spoils, prefix: str) -> list[Case]:
    return [Case(f"{prefix}-{name}", argv, target=target, spoil=spoil) for name, spoil in spoils]


CASES: list[Case] = [
    *cases_on("run", ("mutate", "{run}"), RUN_SPOILS, "mutate"),
    *cases_on("run", ("hill-check", "{run}", "--no-figures"), RUN_SPOILS, "hill-check"),
    *cases_on("run", ("hill-check", "{run}", "--no-figures"), HILL_SPOILS, "hill-check"),
]

TRAIN = ("train", "adaptation", "--iterations", "20", "--out", "{out}", "--no-figures")
STUDY = ("study", "adaptation", "--seeds", "2", "--iterations", "20", "--out", "{out}", "--no-figures")
SPARSIFY = ("sparsify", "adaptation", "--seeds", "1", "--iterations", "20", "--out", "{out}", "--no-figures")
SEARCH = ("search", "oscillation", "--samples", "2000", "--out", "{out}")
TOO_BIG = str(2**64)
# (id, argv, culprit): options out of range, of the wrong kind, or inconsistent with each other
FLAG_CASES: list[tuple[str, tuple[str, ...], str]] = [
    ("train-unknown-task", ("train", "chemotaxis", "--out", "{out}"), "chemotaxis"),
    ("train-seed-negative", (*TRAIN, "--seed", "-1"), "--seed"),
    ("train-seed-32-bits", (*TRAIN, "--seed", str(MAX_SEED + 1)), "--seed"),
    ("train-seed-64-bits", (*TRAIN, "--seed", TOO_BIG), "--seed"),
    ("train-seed-fraction", (*TRAIN, "--seed", "1.5"), "--seed"),
    ("train-seeds-overflow", (*TRAIN, "--seed", str(MAX_SEED), "--seeds", "2"), "--seed"),
    ("train-seeds-zero", (*TRAIN, "--seeds", "0"), "--seeds"),
    ("train-iterations-negative", (*TRAIN, "--iterations", "-5"), "--iterations"),
    ("train-iterations-text", (*TRAIN, "--iterations", "many"), "--iterations"),
    ("train-iterations-beyond-limit", (*TRAIN, "--iterations", "2000000"), "--iterations"),
    ("train-seeds-beyond-limit", (*TRAIN, "--seeds", "2000000"), "--seeds"),
    ("train-noise-inf", (*TRAIN, "--noise", "inf"), "--noise"),
    ("train-noise-nan", (*TRAIN, "--noise", "nan"), "--noise"),
    ("train-noise-negative", (*TRAIN, "--noise", "-0.1"), "--noise"),
    ("train-noise-with-ode", (*TRAIN, "--noise", "0.1", "--solver", "ode"), "--noise"),
    ("train-init-std-with-glorot", (*TRAIN, "--init-std", "0.2"), "--init-std"),
    ("train-init-std-zero", (*TRAIN, "--init", "normal", "--init-std", "0"), "--init-std"),
    ("train-init-std-nan", (*TRAIN, "--init", "normal", "--init-std", "nan"), "--init-std"),
    ("train-init-std-inf", (*TRAIN, "--init", "normal", "--init-std", "inf"), "--init-std"),
    ("train-arch-unknown", (*TRAIN, "--arch", "conv"), "--arch"),
    ("train-solver-unknown", (*TRAIN, "--solver", "rk4"), "--solver"),
    ("train-block-twice", (*TRAIN, "--block", "I->g1", "I->g1"), "I->g1"),
    ("train-block-twice-in-two-flags", (*TRAIN, "--block", "I->g1", "--block", "I->g1"), "I->g1"),
    ("train-block-unknown-node", (*TRAIN, "--block", "I->g5"), "--block"),
    ("train-block-input-target", (*TRAIN, "--block", "g1->I"), "--block"),
    ("train-block-malformed", (*TRAIN, "--block", "I-g1"), "--block"),
    ("train-block-every-link", (*TRAIN, "--block", *link_names(("I", "g1", "g2"), ("g1", "g2"))), "--block"),
    ("train-out-is-a-file", ("train", "adaptation", "--out", "{file}"), "{file}"),
    ("train-out-inside-a-file", (*TRAIN[:-3], "--out", "{file}/runs", "--no-figures"), "{file}/runs"),
    ("train-out-unwritable", (*TRAIN[:-3], "--out", "/proc/grnsearch-runs", "--no-figures"), "/proc/grnsearch-runs"),
    ("sparsify-out-is-a-file", (*SPARSIFY[:-3], "--out", "{file}", "--no-figures"), "{file}"),
    ("sparsify-out-unwritable", (*SPARSIFY[:-3], "--out", "/proc/grnsearch-runs", "--no-figures"), "--out"),
    ("study-cutoff-inf", (*STUDY, "--cutoff", "inf"), "--cutoff"),
    ("study-cutoff-negative", (*STUDY, "--cutoff", "-1"), "--cutoff"),
    ("study-cutoff-nan", (*STUDY, "--cutoff", "nan"), "--cutoff"),
    ("study-lam-one", (*STUDY, "--lam", "1"), "--lam"),
    ("study-lam-nan", (*STUDY, "--lam", "nan"), "--lam"),
    ("study-noise-inf", (*STUDY, "--noise", "inf"), "--noise"),
    ("study-seeds-beyond-limit", (*STUDY, "--seeds", "5000000"), "--seeds"),
    ("study-iterations-beyond-limit", (*STUDY, "--iterations", "99999999"), "--iterations"),
    ("study-seed-64-bits", (*STUDY, "--seed", TOO_BIG), "--seed"),
    ("study-seeds-overflow", (*STUDY, "--seed", str(MAX_SEED)), "--seed"),
    ("study-init-std-with-glorot", (*STUDY, "--init-std", "0.05"), "--init-std"),
    ("study-workers-zero", (*STUDY, "--workers", "0"), "--workers"),
    ("study-workers-thousand", (*STUDY, "--workers", "1000"), "--workers"),
    ("study-scheduler-malformed", (*STUDY, "--scheduler", "not an address"), "--scheduler"),
    ("study-workers-and-scheduler", (*STUDY, "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"), "--workers"),
    ("study-out-is-a-file", ("study", "adaptation", "--out", "{file}"), "{file}"),
    ("study-out-inside-a-file", (*STUDY[:-3], "--out", "{file}/study", "--no-figures"), "{file}/study"),
    ("sparsify-block-twice", (*SPARSIFY, "--block", "g1->g2", "g1->g2"), "g1->g2"),
    ("sparsify-block-unknown", (*SPARSIFY, "--block", "X->g1"), "--block"),
    ("sparsify-restarts-zero", (*SPARSIFY, "--restarts", "0"), "--restarts"),
    ("sparsify-tries-zero", (*SPARSIFY, "--tries", "0"), "--tries"),
    ("sparsify-restarts-overflow-seed", (*SPARSIFY, "--seed", str(MAX_SEED - 10)), "--seed"),
    ("sparsify-lam-negative", (*SPARSIFY, "--lam", "-0.5"), "--lam"),
    ("sparsify-workers-thousand", (*SPARSIFY, "--workers", "1000"), "--workers"),
    ("sparsify-init-std-with-glorot", (*SPARSIFY, "--init-std", "0.3"), "--init-std"),
    ("search-no-criterion", ("search", "adaptation", "--out", "{out}"), "TASK"),
    ("search-unknown-task", ("search", "chemotaxis", "--out", "{out}"), "chemotaxis"),
    ("search-samples-zero", (*SEARCH, "--samples", "0"), "--samples"),
    ("search-samples-negative", (*SEARCH, "--samples", "-3"), "--samples"),
    ("search-samples-beyond-limit", (*SEARCH, "--samples", str(10**10)), "--samples"),
    ("search-seed-negative", (*SEARCH, "--seed", "-1"), "--seed"),
    ("search-seed-64-bits", (*SEARCH, "--seed", TOO_BIG), "--seed"),
    ("search-workers-thousand", (*SEARCH, "--workers", "1000"), "--workers"),
    ("search-scheduler-malformed", (*SEARCH, "--scheduler", "tcp:/x"), "--scheduler"),
    ("search-resume-without-out", ("search", "oscillation", "--resume"), "--resume"),
    ("mutate-same-run-twice", ("mutate", "{run}", "{run}"), "{run}"),
    ("mutate-same-run-other-spelling", ("mutate", "{run}", "{run}/../seed-0/"), "{run}"),
    ("mutate-lam-one", ("mutate", "{run}", "--lam", "1"), "--lam"),
    ("mutate-lam-inf", ("mutate", "{run}", "--lam", "inf"), "--lam"),
    ("mutate-lam-text", ("mutate", "{run}", "--lam", "half"), "--lam"),
    ("mutate-cutoff-negative", ("mutate", "{run}", "--cutoff", "-0.1"), "--cutoff"),
    ("mutate-cutoff-inf", ("mutate", "{run}", "--cutoff", "inf"), "--cutoff"),
    ("mutate-cutoff-text", ("mutate", "{run}", "--cutoff", "some"), "--cutoff"),
    ("mutate-mode-unknown", ("mutate", "{run}", "--mode", "jacobian"), "--mode"),
    ("mutate-file-not-run", ("mutate", "{file}"), "{file}"),
    ("hill-check-topology-link-twice", ("hill-check", "{run}", "--topology", "I->g1:+ I->g1:+"), "--topology"),
    ("hill-check-topology-two-signs", ("hill-check", "{run}", "--topology", "I->g1:+ I->g1:-"), "--topology"),
    ("hill-check-topology-unknown-node", ("hill-check", "{run}", "--topology", "I->g3:+"), "--topology"),
    ("hill-check-topology-input-target", ("hill-check", "{run}", "--topology", "g1->I:+"), "--topology"),
    ("hill-check-topology-no-sign", ("hill-check", "{run}", "--topology", "I->g1"), "--topology"),
    ("hill-check-topology-bad-sign", ("hill-check", "{run}", "--topology", "I->g1:x"), "--topology"),
    ("hill-check-topology-other-task", ("hill-check", "{run}", "--topology", "I1->g1:+ g1->g2:-"), "--topology"),
    ("hill-check-topology-empty", ("hill-check", "{run}", "--topology", ""), "--topology"),
    ("hill-check-n-below-one", ("hill-check", "{run}", "--n", "0.5"), "--n"),
    ("hill-check-n-nan", ("hill-check", "{run}", "--n", "nan"), "--n"),
    ("hill-check-n-huge", ("hill-check", "{run}", "--n", "100"), "--n"),
    ("hill-check-option-seed-negative", ("hill-check", "{run}", "--seed", "-2"), "--seed"),
    ("hill-check-option-seed-64-bits", ("hill-check", "{run}", "--seed", TOO_BIG), "--seed"),
    ("compare-table-without-cutoff", ("compare", "{table}", "{search}"), "--cutoff"),
    ("compare-cutoff-negative", ("compare", "{table}", "{search}", "--cutoff", "-1"), "--cutoff"),
    ("compare-cutoff-inf", ("compare", "{table}", "{search}", "--cutoff", "inf"), "--cutoff"),
    ("compare-cutoff-nan", ("compare", "{table}", "{search}", "--cutoff", "nan"), "--cutoff"),
    ("compare-cutoff-removes-every-link", ("compare", "{table}", "{search}", "--cutoff", "1e9"), "--cutoff"),
    ("compare-out-is-a-file", ("compare", "{study}", "{search}", "--out", "{file}"), "--out"),
    ("compare-out-inside-a-file", ("compare", "{study}", "{search}", "--out", "{file}/cmp"), "--out"),
    ("compare-out-unwritable", ("compare", "{study}", "{search}", "--out", "/proc/grnsearch-compare"), "--out"),
    ("compare-search-is-a-file", ("compare", "{study}", "{file}"), "{file}"),
    ("compare-search-missing", ("compare", "{study}", "{out}"), "{out}"),
    ("compare-study-missing", ("compare", "{out}", "{search}"), "{out}"),
    ("compare-search-as-study", ("compare", "{search}", "{search}"), "{search}"),
    ("compare-run-as-search", ("compare", "{study}", "{run}"), "{run}"),
]
CASES += [Case(name, argv, culprit) for name, argv, culprit in FLAG_CASES]


def encoded(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    return transform(name, change)


def table_spoils(name: str) -> list[tuple[str, Callable[[Path], Path]]]:
    """Spoils of a strength table in the authors' layout (a column per ``SRC->TGT`` link)."""
    first, second = OSC_LINKS[0], OSC_LINKS[1]
    return [
        ("empty", write(name, "")),
        ("white-space", write(name, "  \n\n")),
        ("binary", write(name, BINARY)),
        ("utf16", encoded(name, lambda b: b.decode().encode("utf-16"))),
        ("gzip", encoded(name, gzip.compress)),
        ("zip", write(name, b"PK\x03\x04" + bytes(40))),
        ("latin1", encoded(name, lambda b: b.replace(b"\n", b"\xe9\n", 1))),
        ("ragged-long-row", encoded(name, ragged(",0.1"))),
        ("ragged-short-row", encoded(name, lambda b: b.replace(b"\n", b"\n1,2\n", 1))),
        ("non-numeric", edit_csv(name, lambda t: t.assign(**{first: "strong"}))),
        ("nan", edit_csv(name, lambda t: t.assign(**{first: np.nan}))),
        ("inf", edit_csv(name, lambda t: t.assign(**{first: np.inf}))),
        ("link-twice", edit_csv(name, lambda t: t.set_axis([*t.columns[:-1], first], axis=1))),
        ("unknown-node", edit_csv(name, lambda t: t.rename(columns={first: "I3->g1"}))),
        ("input-as-target", edit_csv(name, lambda t: t.assign(**{"g1->I1": 0.0}))),
        ("malformed-link-column", edit_csv(name, lambda t: t.rename(columns={second: "I1->g2->g1"}))),
        ("missing-link", edit_csv(name, lambda t: t.drop(columns=[second]))),
        ("header-only", encoded(name, lambda b: b.split(b"\n", 1)[0] + b"\n")),
        ("no-header", encoded(name, lambda b: b.split(b"\n", 1)[1])),
        ("semicolons", encoded(name, lambda b: b.replace(b",", b";"))),
    ]


def study_table(change: Callable[[pd.DataFrame], object]) -> Callable[[Path], Path]:
    return edit_csv("study.csv", change)


STUDY_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("summary-missing", remove("summary.json")),
    ("summary-empty", write("summary.json", "")),
    ("summary-invalid", write("summary.json", "{'task': 'oscillation'}")),
    ("summary-list", write("summary.json", '["oscillation"]')),
    ("summary-no-task", write("summary.json", '{"cutoff": 0.1}')),
    ("summary-task-number", write("summary.json", '{"task": 3}')),
    ("summary-task-unknown", write("summary.json", '{"task": "chemotaxis"}')),
    ("summary-utf16", write("summary.json", '{"task": "oscillation"}'.encode("utf-16"))),
    ("summary-directory", into_directory("summary.json")),
    ("study-csv-missing", remove("study.csv")),
    ("study-csv-empty", write("study.csv", "")),
    ("study-csv-binary", write("study.csv", BINARY)),
    ("study-csv-no-topology", study_table(lambda t: t.drop(columns=["topology"]))),
    ("study-csv-bad-key", study_table(lambda t: t.assign(topology="I1->g1"))),
    ("study-csv-link-twice", study_table(lambda t: t.assign(topology="I1->g1:+ I1->g1:-"))),
    ("study-csv-unknown-node", study_table(lambda t: t.assign(topology="I->g1:+"))),
    ("study-csv-converged-garbage", study_table(lambda t: t.assign(converged="maybe"))),
    ("study-csv-ragged", encoded("study.csv", ragged(",extra"))),
    ("study-csv-duplicate-column", study_table(lambda t: t.set_axis(["seed", "seed", "topology"], axis=1))),
]
# studies whose problem is only seen when the strengths are cut again (--cutoff)
STRENGTH_SPOILS = [(f"strengths-{n}", s) for n, s in table_spoils("strengths.csv")]
STRENGTH_SPOILS.append(("strengths-missing", lambda d: remove("strengths.csv")(d).parent))


def search_table(change: Callable[[pd.DataFrame], object]) -> Callable[[Path], Path]:
    return edit_csv("search.csv", change)


def set_cell(column: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(t: pd.DataFrame) -> pd.DataFrame:
        t[column] = t[column].astype(object)
        t.loc[0, column] = value
        return t

    return change


SEARCH_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("meta-missing", remove("search.json")),
    ("meta-empty", write("search.json", "")),
    ("meta-invalid", write("search.json", '{"settings": {')),
    ("meta-list", write("search.json", "[]")),
    ("meta-binary", write("search.json", BINARY)),
    ("meta-no-settings", edit_json("search.json", setting("settings", DROP))),
    ("meta-unfinished", edit_json("search.json", setting("complete", False))),
    ("meta-complete-text", edit_json("search.json", setting("complete", "yes"))),
    ("settings-no-samples", edit_json("search.json", setting("settings", "samples", DROP))),
    ("settings-samples-text", edit_json("search.json", setting("settings", "samples", "many"))),
    ("settings-seed-negative", edit_json("search.json", setting("settings", "seed", -1))),
    ("settings-chunk-zero", edit_json("search.json", setting("settings", "chunk_size", 0))),
    ("settings-unknown-key", edit_json("search.json", setting("settings", "speed", 3))),
    ("settings-task-unknown", edit_json("search.json", setting("settings", "task", "chemotaxis"))),
    ("settings-subset-text", edit_json("search.json", setting("settings", "subset", "all"))),
    ("table-missing", remove("search.csv")),
    ("table-empty", write("search.csv", "")),
    ("table-binary", write("search.csv", BINARY)),
    ("table-utf16", encoded("search.csv", lambda b: b.decode().encode("utf-16"))),
    ("table-gzip", encoded("search.csv", gzip.compress)),
    ("table-ragged", encoded("search.csv", ragged(",1"))),
    ("table-no-counts", search_table(lambda t: t.drop(columns=["successful_sets"]))),
    ("table-no-succeeds", search_table(lambda t: t.drop(columns=["succeeds"]))),
    ("table-missing-link", search_table(lambda t: t.drop(columns=[OSC_LINKS[3]]))),
    ("table-count-text", search_table(set_cell("successful_sets", "lots"))),
    ("table-count-negative", search_table(set_cell("successful_sets", -4))),
    ("table-count-fraction", search_table(set_cell("successful_sets", 2.5))),
    ("table-sign-two", search_table(set_cell(OSC_LINKS[0], 2))),
    ("table-key-disagrees", search_table(set_cell("topology", "I1->g1:+"))),
    ("table-n-links-disagrees", search_table(set_cell("n_links", 9))),
    ("table-succeeds-garbage", search_table(set_cell("succeeds", "perhaps"))),
    ("table-succeeds-inconsistent", search_table(lambda t: t.assign(succeeds=True, successful_sets=0))),
    ("table-row-missing", search_table(lambda t: t.iloc[1:])),
    ("table-no-exact-counts", search_table(lambda t: t.drop(columns=["exact_sets"]))),
    ("table-exact-text", search_table(set_cell("exact_sets", "some"))),
    ("table-exact-negative", search_table(set_cell("exact_sets", -1))),
    ("table-exact-above-euler", search_table(lambda t: t.assign(exact_sets=t["successful_sets"] + 1))),
    ("table-succeeds-exactly-garbage", search_table(set_cell("succeeds_exactly", "maybe"))),
    ("table-succeeds-exactly-inconsistent", search_table(lambda t: t.assign(succeeds_exactly=True, exact_sets=0))),
    ("table-duplicate-column", search_table(lambda t: t.set_axis([*t.columns[:-1], "succeeds"], axis=1))),
]


def other_task_beside(d: Path) -> Path:
    """A second run beside the first, of the same task with another success threshold."""
    shutil.copytree(d, d.parent / "seed-1")
    manifest(setting("task", "params", "min_sensitivity", 0.5))(d.parent / "seed-1")
    return d.parent / "seed-1"


def adaptation_study(d: Path) -> Path:
    """A well-formed study, but of adaptation (the search is of oscillation)."""
    write("summary.json", '{"task": "adaptation"}')(d)
    write("study.csv", "seed,converged,topology\n0,True,I->g1:+ g1->g2:+ g2->g1:-\n")(d)
    return d


def no_converged_run(d: Path) -> Path:
    edit_csv("study.csv", lambda t: t.assign(converged=False))(d)
    return d


def undecided(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(converged="perhaps")


ADAPTATION_TABLE = "run,I->g1,I->g2,g1->g1,g1->g2,g2->g1,g2->g2\n1,0.1,0,0,-0.2,0,0\n"
COMPARE_STUDY = ("compare", "{study}", "{search}")
COMPARE_CSV = ("compare", "{table}", "{search}", "--cutoff", "5e-4")
CASES += [
    *cases_on("table", COMPARE_CSV, table_spoils("table.csv"), "compare-csv"),
    *cases_on("study", COMPARE_STUDY, STUDY_SPOILS, "compare-study"),
    *cases_on("study", (*COMPARE_STUDY, "--cutoff", "1e-3"), STRENGTH_SPOILS, "compare-study"),
    *cases_on("search", COMPARE_STUDY, SEARCH_SPOILS, "compare-search"),
    Case("compare-study-no-converged-runs", COMPARE_STUDY, "{study}", "study", no_converged_run),
    Case("compare-study-of-other-task", COMPARE_STUDY, "{study}", "study", adaptation_study),
    Case("compare-csv-converged-garbage", COMPARE_CSV, target="table", spoil=edit_csv("table.csv", undecided)),
    Case("compare-csv-of-other-task", COMPARE_CSV, target="table", spoil=write("table.csv", ADAPTATION_TABLE)),
]


PREDICT = ("predict", "{gap}", "--all-runs")
CASES += [
    Case("predict-run-without-positions", ("predict", "{run}"), "no positions"),
    Case("predict-unknown-gene", (*PREDICT, "--knockout", "eve"), "--knockout"),
    Case("predict-unknown-gene-in-a-double-mutant", (*PREDICT, "--knockout", "Kr,eve"), "'eve'"),
    Case("predict-empty-gene", (*PREDICT, "--knockout", "Kr,"), "--knockout"),
    Case("predict-gene-twice", (*PREDICT, "--knockout", "Kr,Kr"), "twice"),
    Case("predict-unknown-input", (*PREDICT, "--scale", "Cad=2"), "--scale"),
    Case("predict-negative-factor", (*PREDICT, "--scale", "Bcd=-1"), "--scale"),
    Case("predict-text-factor", (*PREDICT, "--scale", "Bcd=lots"), "'Bcd=lots'"),
    Case("predict-nan-factor", (*PREDICT, "--scale", "Bcd=nan"), "--scale"),
    Case("predict-infinite-factor", (*PREDICT, "--scale", "Tor=inf"), "--scale"),
    Case("predict-factor-missing", (*PREDICT, "--scale", "Bcd"), "--scale"),
    Case("predict-gene-as-input", (*PREDICT, "--scale", "hb=2"), "'hb'"),
    Case("predict-no-converged-run", ("predict", "{gap}"), "--all-runs"),
    Case("predict-not-a-run", ("predict", "{file}"), "{file}"),
    Case("predict-missing-run", ("predict", "{out}"), "{out}"),
    Case("predict-runs-of-two-tasks", ("predict", "{gap}", "{run}", "--all-runs"), "give runs of one task together"),
    Case("predict-out-is-a-file", (*PREDICT, "--out", "{file}"), "{file}"),
    *cases_on("gap", PREDICT, RUN_SPOILS[:12], "predict"),
]


SCORE = ("score", "{scoring}/links.csv", "{scoring}/gold.csv")
SCORE_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("gold-unknown-node", write("gold.csv", "source,target,sign\nI,z,1\n")),
    ("gold-sign-two", write("gold.csv", "source,target,sign\nI,a,2\n")),
    ("gold-sign-zero", write("gold.csv", "source,target,sign\nI,a,0\n")),
    ("gold-sign-text", write("gold.csv", "source,target,sign\nI,a,up\n")),
    ("gold-link-twice", write("gold.csv", "source,target,sign\nI,a,1\nI,a,-1\n")),
    ("gold-no-sign-column", write("gold.csv", "source,target\nI,a\n")),
    ("gold-empty", write("gold.csv", "")),
    ("gold-missing", remove("gold.csv")),
    ("gold-utf16", write("gold.csv", UTF16)),
    ("prediction-text-strength", write("links.csv", "source,a,b\nI,high,0\n")),
    ("prediction-nan-strength", write("links.csv", "source,a,b\nI,nan,0\n")),
    ("prediction-source-twice", write("links.csv", "source,a,b\nI,1,0\nI,2,0\n")),
    ("prediction-no-targets", write("links.csv", "source\nI\n")),
    ("prediction-no-source-column", write("links.csv", "regulator,a\nI,1\n")),
    ("prediction-edge-twice", write("links.csv", "source,target,strength\nI,a,1\nI,a,2\n")),
    ("prediction-gzip", write("links.csv", GZIP)),
]
CASES += [
    *cases_on("scoring", SCORE, SCORE_SPOILS, "score"),
    Case("score-out-is-a-file", (*SCORE, "--out", "{file}"), "{file}"),
]


INFER_DATA = """experiment,time,a,b,I
e1,0,0.1,0.5,1
e1,1,0.3,0.4,0
e1,2,0.5,0.2,1
e2,0,0.2,0.6,0
e2,1,0.4,0.3,1
e2,2,0.6,0.1,0
"""
INFER = (
    "infer",
    "{inferring}/data.csv",
    "--inputs",
    "I",
    "--window",
    "3",
    "--seeds",
    "1",
    "--iterations",
    "1",
    "--baselines",
    "none",
    "--gold",
    "{inferring}/gold.csv",
    "--out",
    "{out}",
    "--no-figures",
    "--quiet",
)


def data_rows(edit: Callable[[str], str]) -> Callable[[Path], Path]:
    return write("data.csv", edit(INFER_DATA))


INFER_SPOILS: list[tuple[str, Callable[[Path], Path]]] = [
    ("data-no-experiment-column", data_rows(lambda t: t.replace("experiment,", "run,"))),
    ("data-no-time-column", data_rows(lambda t: t.replace(",time,", ",hour,"))),
    ("data-column-twice", data_rows(lambda t: t.replace(",b,I", ",a,I"))),
    ("data-time-repeated", data_rows(lambda t: t.replace("e1,1,", "e1,0,"))),
    ("data-time-decreasing", data_rows(lambda t: t.replace("e2,1,", "e2,-1,"))),
    ("data-time-text", data_rows(lambda t: t.replace("e2,1,", "e2,late,"))),
    ("data-short-experiment", data_rows(lambda t: t.replace("e2,2,0.6,0.1,0\n", ""))),
    (
        "data-gene-all-missing",
        data_rows(
            lambda t: (
                t.replace(",0.5,", ",,")
                .replace(",0.4,", ",,")
                .replace(",0.2,", ",,")
                .replace(",0.6,", ",,")
                .replace(",0.3,", ",,")
                .replace(",0.1,0", ",,0")
            )
        ),
    ),
    (
        "data-gene-constant",
        data_rows(
            lambda t: (
                "\n".join(
                    ",".join([*r.split(",")[:3], "0.5", r.split(",")[4]]) if k else r
                    for k, r in enumerate(t.strip().splitlines())
                )
                + "\n"
            )
        ),
    ),
    ("data-gene-negative", data_rows(lambda t: t.replace("e2,0,0.2", "e2,0,-0.2"))),
    ("data-gene-text", data_rows(lambda t: t.replace("e2,0,0.2", "e2,0,high"))),
    ("data-gene-infinite", data_rows(lambda t: t.replace("e2,0,0.2", "e2,0,inf"))),
    ("data-empty", write("data.csv", "")),
    ("data-gzip", write("data.csv", GZIP)),
    ("data-missing", remove("data.csv")),
    ("gold-unknown-node", write("gold.csv", "source,target,sign\nI,z,1\n")),
    ("gold-input-as-target", write("gold.csv", "source,target,sign\na,I,1\n")),
    ("gold-sign-two", write("gold.csv", "source,target,sign\nI,a,2\n")),
    ("gold-missing", remove("gold.csv")),
]
CASES += [
    *cases_on("inferring", INFER, INFER_SPOILS, "infer"),
    Case("infer-gene-and-input", (*INFER, "--genes", "a,I"), "named both as a gene and as an input"),
    Case("infer-unknown-gene", (*INFER, "--genes", "a,c"), "--genes"),
    Case("infer-window-longer-than-data", (*INFER, "--window", "4"), "fewer than a window of 4"),
    Case("infer-window-of-one", (*INFER, "--window", "1"), "--window"),
    Case("infer-steps-zero", (*INFER, "--steps-between", "0"), "--steps-between"),
    Case("infer-unknown-baseline", (*INFER, "--baselines", "linear,lasso"), "--baselines"),
    Case("infer-unknown-coupling", (*INFER, "--coupling", "grid"), "--coupling"),
    Case("infer-unknown-model", (*INFER, "--model", "tree"), "--model"),
    Case("infer-hidden-with-hill-model", (*INFER, "--model", "hill", "--hidden", "8"), "--hidden"),
    Case("infer-coupling-without-positions", (*INFER, "--coupling", "ring-mean"), "--coupling"),
    Case("infer-unknown-held-out", (*INFER, "--held-out", "e9"), "--held-out"),
    Case("infer-lam-one", (*INFER, "--lam", "1"), "--lam"),
    Case("infer-npz-without-values", ("infer", "{inferring}/bad.npz", "--out", "{out}"), "'values'"),
    Case("infer-out-is-a-file", (*INFER, "--out", "{file}"), "{file}"),
    Case("automaton-unknown-rule", ("automaton", "--rule", "26", "--out", "{out}"), "--rule"),
    Case("automaton-out-is-a-file", ("automaton", "--rule", "1", "--out", "{file}"), "{file}"),
]


# ---- task files (grnsearch task check, and TASK of every command that takes one) -----------------
def task_file(old: str, new: str, where: str) -> Callable[[Path], Path]:
    """Replace ``old`` by ``new`` in the copy of the template task file; the message must name the
    file and ``where`` (a key, or what is wrong)."""

    def spoil(d: Path) -> Path:
        path = d / "task.toml"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
        return f"{path}: {where}"

    return spoil


def task_table(content: str, where: str) -> Callable[[Path], Path]:
    """The template's rest target read from a CSV beside it, written with ``content``."""

    def spoil(d: Path) -> Path:
        (d / "rest.csv").write_text(content)
        target = '{ g1 = { kind = "table", file = "rest.csv", column = "g1" } }'
        return task_file("targets = { g1 = 0.1 }", f"targets = {target}", where)(d)

    return spoil


def task_bytes(content: bytes, culprit: str) -> Callable[[Path], Path]:
    def spoil(d: Path) -> Path:
        (d / "task.toml").write_bytes(content)
        return f"{d / 'task.toml'}{culprit}"

    return spoil


HILL_SCREEN = """[hill_screen]
dt = 0.25
steps = 40
readout = "g1"
stages = [["on"]]
space = { links = { "I->g2" = "0" }, reach = [["I", "g2"]] }

[[hill_screen.condition]]
name = "on"
starts = [0, 10]
levels = { I = [0.0, 1.0] }

[[hill_screen.condition.criterion]]
kind = "mean"
window = [20, 40]
min = 0.1

[mutation]"""


def hill_screen(old: str, new: str, where: str, genes: str = "") -> Callable[[Path], Path]:
    """The template with a valid general [hill_screen] (its ``old`` replaced by ``new``) and, when
    given, the genes ``genes``."""
    section = HILL_SCREEN.replace(old, new, 1)
    assert old in HILL_SCREEN, old

    def spoil(d: Path) -> Path:
        if genes:
            task_file('genes = ["g1", "g2"]', genes, where)(d)
        return task_file("[mutation]", section, where)(d)

    return spoil


TASK_SPOILS = [
    ("syntax-error", task_file('name = "switch"', 'name = "switch', "TOML syntax error")),
    ("syntax-error-line", task_file("steps = 60", "steps = = 60", "TOML syntax error: Invalid value (at line 15")),
    ("unknown-key", task_file('loss = "sum"', 'loss = "sum"\nlos = 1', "los: is not a key")),
    (
        "unknown-key-in-condition",
        task_file('name = "pulse"', 'name = "pulse"\nstationery = true', "condition[1].stationery"),
    ),  # fmt: skip
    ("gene-twice", task_file('genes = ["g1", "g2"]', 'genes = ["g1", "g1"]', "genes: names 'g1' twice")),
    ("gene-and-input", task_file('inputs = ["I"]', 'inputs = ["g2"]', "inputs: 'g2' is both")),
    ("scored-unknown", task_file('scored = ["g1"]', 'scored = ["g3"]', "scored: unknown name 'g3'")),
    ("target-unscored", task_file("targets = { g1 = 0.1 }", "targets = { g2 = 0.1 }", "condition[0].targets.g2")),
    ("schedule-outside-grid", task_file("at = [0, 10]", "at = [0, 70]", "condition[1].inputs.I.at")),
    ("schedule-unsorted", task_file("at = [0, 10]", "at = [10, 0]", "condition[1].inputs.I.at")),
    (
        "ramp-outside-grid",
        task_file(
            '{ kind = "steps", at = [0, 10], levels = [1.0, 0.0] }',
            '{ kind = "ramp", start = 10, end = 99, from = 0.0, to = 1.0 }',
            "condition[1].inputs.I.end",
        ),
    ),  # fmt: skip
    (
        "target-start-outside-grid",
        task_file("rate = 1.0, start = 5", "rate = 1.0, start = 500", "condition[1].targets.g1.start"),
    ),  # fmt: skip
    ("unknown-schedule", task_file('I = { kind = "steps"', 'I = { kind = "stairs"', "condition[1].inputs.I.kind")),
    (
        "gradient-without-positions",
        task_file(
            'kind = "steps", at = [0, 10], levels = [1.0, 0.0]',
            'kind = "gradient", from = [0.0], decay = [0.2]',
            "condition[1].inputs.I.kind",
        ),
    ),  # fmt: skip
    ("unknown-target", task_file('g1 = { kind = "approach"', 'g1 = { kind = "sig"', "condition[1].targets.g1.kind")),
    ("unknown-input", task_file("inputs = { I = {", "inputs = { J = {", "condition[1].inputs.J")),
    ("undrawn-level", task_file("targets = { g1 = 0.1 }", 'targets = { g1 = "u" }', "condition[0].targets.g1: names")),
    ("unknown-metric", task_file('kind = "plateau"', 'kind = "plato"', "metric[0].kind: unknown metric 'plato'")),
    ("metric-twice", task_file('name = "rest_level"', 'name = "on_level"', "metric[1].name")),
    ("metric-unknown-condition", task_file('condition = "pulse"', 'condition = "pulses"', "metric[0].condition")),
    (
        "metric-step-beyond-grid",
        task_file(
            'kind = "plateau"\ngene = "g1"\ncondition = "pulse"\nlast = 20',
            'kind = "sensitivity"\ngene = "g1"\ncondition = "pulse"\nat = 99',
            "metric[0].at",
        ),
    ),  # fmt: skip
    (
        "summary-unknown",
        task_file('summary = ["on_level", "rest_level"]', 'summary = ["on_level", "x"]', "metrics.summary[1]"),
    ),  # fmt: skip
    ("criterion-unknown-metric", task_file('metric = "on_level"', 'metric = "onlevel"', "criterion[0].metric")),
    ("criterion-without-rule", task_file("at_least = 0.6", "minimum = 0.6", "criterion[0].metric: states no rule")),
    ("criterion-two-rules", task_file("at_least = 0.6", "at_least = 0.6\nbelow = 0.9", "criterion[0].at_least")),
    (
        "no-criterion",
        task_file(
            '[[criterion]]\nname = "min_on_level"\nmetric = "on_level"\nat_least = 0.6\n\n'
            '[[criterion]]\nname = "rest_tolerance"\nmetric = "rest_level"\nnear = 0.1\n'
            "tolerance = 0.05",
            "",
            "criterion: the task has no success criterion",
        ),
    ),
    (
        "table-wrong-length",
        task_file(
            "targets = { g1 = 0.1 }",
            'targets = { g1 = { kind = "table", values = [0.1] } }',
            "condition[0].targets.g1.values: gives 1 values, but there are 60",
        ),
    ),
    ("table-file-wrong-length", task_table("g1\n0.1\n0.1\n", "condition[0].targets.g1.file: gives 2 values")),
    ("table-file-no-column", task_table("g2\n0.1\n", "condition[0].targets.g1.column")),
    ("table-file-not-numbers", task_table("g1\n" + "zero\n" * 60, "condition[0].targets.g1.file: ")),
    (
        "table-file-missing",
        task_file(
            "targets = { g1 = 0.1 }",
            'targets = { g1 = { kind = "table", file = "nowhere.csv", column = "g1" } }',
            "condition[0].targets.g1.file: cannot read",
        ),
    ),  # fmt: skip
    ("default-unknown", task_file('arch = "per-gene"', 'arch = "deep"', "defaults.arch: unknown architecture")),
    ("default-misspelt", task_file("iterations = 2000", "iteration = 2000", "defaults.iteration")),
    ("dt-boolean", task_file("dt = 0.2", "dt = true", "dt: must be a number")),
    ("steps-zero", task_file("steps = 60", "steps = 0", "steps: must be >= 1")),
    ("name-a-path", task_file('name = "switch"', 'name = "../switch"', "name: '../switch' is not a task name")),
    (
        "hill-screen-one-input",
        task_file("[mutation]", '[hill_screen]\nkind = "oscillation"\n\n[mutation]', "hill_screen.kind"),
    ),  # fmt: skip
    (
        "hill-screen-unknown-criterion",
        hill_screen('kind = "mean"', 'kind = "median"', "hill_screen.condition[0].criterion[0].kind: unknown"),
    ),  # fmt: skip
    (
        "hill-screen-schedule-outside",
        hill_screen("starts = [0, 10]", "starts = [0, 40]", "hill_screen.condition[0].starts: step 40 is outside"),
    ),
    ("hill-screen-readout-not-gene", hill_screen('readout = "g1"', 'readout = "I"', "hill_screen.readout: unknown")),
    (
        "hill-screen-empty-space",
        hill_screen(
            '{ "I->g2" = "0" }', '{ "I->g1" = "0", "I->g2" = "0" }', "hill_screen.space: the topology space is empty"
        ),
    ),  # fmt: skip
    (
        "hill-screen-space-too-large",
        hill_screen(
            '"I->g2" = "0"',
            '"I->g2" = "-0+"',
            "hill_screen.space: the topology space has",
            'genes = ["g1", "g2", "g3", "g4"]',
        ),
    ),  # fmt: skip
    (
        "hill-screen-stage-unknown",
        hill_screen('stages = [["on"]]', 'stages = [["of"]]', "hill_screen.stages[0]: unknown"),
    ),
    (
        "hill-screen-criterion-window",
        hill_screen("window = [20, 40]", "window = [20, 41]", "hill_screen.condition[0].criterion[0]: mean: window"),
    ),
    (
        "hill-screen-stage-empty",
        hill_screen('stages = [["on"]]', 'stages = [[], ["on"]]', "hill_screen.stages[0]: is empty"),
    ),
    ("hill-screen-no-starts", hill_screen("starts = [0, 10]", "starts = []", "hill_screen.condition[0].starts: must")),
    ("not-utf8", task_bytes(b'name = "\xff"\n', " is not UTF-8")),
    ("empty", task_bytes(b"", ": name: is missing")),
]
CASES += [
    *cases_on("task", ("task", "check", "{task}"), TASK_SPOILS, "task-check"),
    *cases_on("task", ("train", "{task}", "--out", "{out}", "--no-figures"), TASK_SPOILS[:6], "train-task-file"),
    *cases_on("task", ("study", "{task}", "--out", "{out}", "--no-figures"), TASK_SPOILS[6:9], "study-task-file"),
    *cases_on("task", ("sparsify", "{task}", "--out", "{out}", "--no-figures"), TASK_SPOILS[9:12], "sparsify-task"),
    Case("task-check-missing", ("task", "check", "{out}"), "{out} does not exist"),
    Case("task-check-directory", ("task", "check", "{study}"), "{study} is a directory"),
    Case("train-task-file-missing", ("train", "{out}.toml", "--out", "{out}"), "{out}.toml does not exist"),
    Case(
        "search-task-file-without-screen",
        ("search", "{task}", "--samples", "10", "--out", "{out}"),
        "has no Hill-search criterion",
    ),  # fmt: skip
    Case("task-show-unknown", ("task", "show", "chemotaxis"), "unknown task 'chemotaxis'"),
    Case("task-show-out-exists", ("task", "show", "adaptation", "--out", "{file}"), "--out: {file} exists"),
    Case("task-show-out-directory", ("task", "show", "adaptation", "--out", "{study}"), "--out: {study} is a dir"),
    Case("task-new-out-exists", ("task", "new", "--out", "{file}"), "--out: {file} exists"),
    Case("task-unknown-action", ("task", "edit", "{task}"), "invalid choice"),
]


def test_there_are_enough_cases():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
    commands = {c.argv[0] for c in CASES}
    assert commands == {"train", "mutate", "sparsify", "study", "search", "hill-check", "compare", "predict", "score",
                        "infer", "automaton", "task"}  # fmt: skip


def test_fixtures_are_valid(fixtures, tmp_path, capsys):
    """The spoiled copies fail because of the spoil: the originals load and compare."""
    assert load_run(fixtures / "run" / "seed-0").seed == 0
    code, err = run_cli(["compare", str(fixtures / "study"), str(fixtures / "search"), "--out", str(tmp_path / "c"),
                         "--no-figures", "--quiet"], capsys)  # fmt: skip
    assert code == 0, err
    scoring = fixtures / "scoring"
    assert run_cli(["score", str(scoring / "links.csv"), str(scoring / "gold.csv")], capsys)[0] == 0
    argv = [a.format(inferring=fixtures / "inferring", out=tmp_path / "i") for a in INFER]
    code, err = run_cli(argv, capsys)
    assert code == 0, err
    argv = ["compare", str(fixtures / "table.csv"), str(fixtures / "search"), "--cutoff", "5e-4"]
    code, err = run_cli([*argv, "--out", str(tmp_path / "t"), "--no-figures", "--quiet"], capsys)
    assert code == 0, err


def test_the_hill_screen_the_spoils_change_is_valid(tmp_path, capsys):
    path = tmp_path / "task.toml"
    path.write_text(TEMPLATE.replace("[mutation]", HILL_SCREEN, 1))
    assert run_cli(["task", "check", str(path)], capsys)[0] == 0
    screen = tasks.load(path).hill_screen
    assert screen.readout == 0 and screen.space.reach == (("I", "g2"),) and screen.conditions[0].name == "on"


def prepare(fixtures: Path, tmp: Path) -> dict[str, str]:
    """Copies of every fixture in ``tmp`` and the paths the case templates name."""
    shutil.copytree(fixtures / "run" / "seed-0", tmp / "run" / "seed-0")
    shutil.copytree(fixtures / "gap" / "seed-0", tmp / "gap" / "seed-0")
    shutil.copytree(fixtures / "scoring", tmp / "scoring")
    shutil.copytree(fixtures / "inferring", tmp / "inferring")
    shutil.copytree(fixtures / "study", tmp / "study")
    shutil.copytree(fixtures / "search", tmp / "search")
    shutil.copy(fixtures / "table.csv", tmp / "table.csv")
    (tmp / "file.txt").write_text("a plain file\n")
    (tmp / "task.toml").write_text(TEMPLATE)
    names = {
        "run": "run/seed-0",
        "gap": "gap/seed-0",
        "scoring": "scoring",
        "inferring": "inferring",
        "study": "study",
        "search": "search",
        "table": "table.csv",
        "file": "file.txt",
        "task": "task.toml",
    }
    return {key: str(tmp / name) for key, name in names.items()} | {"out": str(tmp / "out")}


SPOIL_DIRS = {
    "run": "run/seed-0",
    "gap": "gap/seed-0",
    "scoring": "scoring",
    "inferring": "inferring",
    "study": "study",
    "search": "search",
    "table": ".",
    "task": ".",
}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_naming_the_culprit(case, fixtures, tmp_path, capsys):
    paths = prepare(fixtures, tmp_path)
    if case.spoil is not None:
        paths["spoiled"] = str(case.spoil(tmp_path / SPOIL_DIRS[case.target]))
    before = snapshot(tmp_path)
    code, err = run_cli([a.format(**paths) for a in case.argv], capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert case.culprit.format(**paths) in err, err
    lines = err.strip().splitlines()
    if lines[0].startswith("usage:"):  # argparse's own check: usage, then one error line
        assert "error: argument" in lines[-1], err
    else:
        assert len(lines) == 1 and lines[0].startswith("grnsearch: error: "), err
    assert snapshot(tmp_path) == before, "a rejected command changed files"


def test_diverged_training_advises_an_option_that_exists(tmp_path, capsys):
    """Training that blows up names settings the user can change (not the learning rate, which
    no option sets)."""
    argv = ["train", "adaptation", "--iterations", "20", "--noise", "1e30", "--out", str(tmp_path / "o")]
    code, err = run_cli([*argv, "--quiet", "--no-figures"], capsys)
    assert code == 2 and "diverged" in err and "--noise" in err and "learning rate" not in err


@pytest.mark.parametrize(
    "call, parameter",
    [
        (lambda: TrainConfig().replace(noise=float("inf")), "noise"),
        (lambda: TrainConfig().replace(noise=float("nan")), "noise"),
        (lambda: TrainConfig().replace(init_std=0.2), "init_std"),
        (lambda: TrainConfig().replace(blocked=[("I", "g1"), ("I", "g1")]), "blocked"),
        (lambda: TrainConfig().replace(iterations=10**9), "iterations"),
        (lambda: Distribution(workers=10**6), "workers"),
        (lambda: Distribution(scheduler="localhost"), "scheduler"),
        (lambda: train(tasks.get("adaptation"), seeds=2, seed=MAX_SEED, iterations=5), "seed"),
        (lambda: train(tasks.get("adaptation"), seeds=[1, -1], iterations=5), "seeds"),
        (lambda: run_search(OSC, samples=10, seed=2**40, out="never-written"), "seed"),
    ],
)
def test_library_entry_points_name_the_parameter(call, parameter):
    with pytest.raises(GrnsearchError) as caught:
        call()
    assert caught.value.parameter == parameter
    assert not Path("never-written").exists()


def test_topology_key_with_a_link_twice_is_refused():
    with pytest.raises(GrnsearchError, match="I->g1 appears more than once"):
        Topology.from_key("I->g1:+ g1->g2:- I->g1:-", ("I", "g1", "g2"), ("g1", "g2"))


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    """A file that cannot be read (permissions; the suite may run as root, which reads anything)."""
    path = tmp_path / "strengths.csv"
    path.write_text("I->g1\n0.1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(GrnsearchError, match=r"strengths.csv: cannot be read \(Permission denied\)"):
        read_strength_table(path, ("I", "g1", "g2"), ("g1", "g2"))


def test_repeated_block_flags_add_up():
    """``--block A --block B`` blocks both links (a second flag used to replace the first)."""
    args = build_parser().parse_args(["train", "adaptation", "--block", "I->g1", "--block", "g1->g2", "g2->g1"])
    assert args.block == ["I->g1", "g1->g2", "g2->g1"]


def test_spreadsheet_style_table_is_accepted(fixtures, tmp_path, capsys):
    """What spreadsheets write is not bad input: a UTF-8 byte-order mark, CRLF line ends, spaces
    after commas and a True/False ``converged`` column in any case."""
    table = pd.read_csv(fixtures / "table.csv").assign(converged="TRUE")
    text = table.to_csv(index=False).replace(",", ", ").replace("\n", "\r\n")
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    argv = ["compare", str(tmp_path / "excel.csv"), str(fixtures / "search"), "--cutoff", "5e-4"]
    code, err = run_cli([*argv, "--out", str(tmp_path / "c"), "--no-figures", "--quiet"], capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "c" / "compare.json").read_text())["runs"] > 0
