"""Run directories: the data of trained models and their records, and loading them back.

A run directory holds ``manifest.json`` (versions, seed, resolved configuration, wall time),
``params.eqx`` (Equinox serialisation of the model), ``history.csv`` (loss per iteration),
``metrics.json`` and ``figures/``. This module writes and reads the data; the whole directory,
figures included, is put together atomically by :mod:`grnsearch.outputs.runs`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io as _io
import json
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import equinox as eqx
import jax
import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import json_ready, versions
from grnsearch.config import TrainConfig, check_seed
from grnsearch.errors import GrnsearchError
from grnsearch.io.inputs import bad_file, check_fields, json_object, read_bytes, read_csv
from grnsearch.network.topology import Topology
from grnsearch.training.ensemble import TrainedModel

MANIFEST = "manifest.json"
PARAMS = "params.eqx"
RUN_FORMAT = 1  # the run-directory format this version writes and reads (``grnsearch_run``)


def manifest(trained: TrainedModel, ensemble_size: int = 1) -> dict[str, Any]:
    """The manifest record of one trained model."""
    return {
        "grnsearch_run": RUN_FORMAT,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "platform": platform.platform(),
        "devices": jax.local_device_count(),
        "task": task_record(trained.task),
        "config": trained.config.to_dict(),
        "seed": trained.seed,
        "iterations_trained": len(trained.history),
        "loss": trained.loss,
        "ensemble_size": ensemble_size,
        "wall_time_s": round(trained.wall_time, 3),
    }


def task_record(task: Any) -> dict[str, Any]:
    """How a manifest names a task: its name, its parameters and, for a task stated as a task
    file (every built-in task is one), where it came from and the file's text with its tables
    inline, so that the run rebuilds its task without the original file."""
    record: dict[str, Any] = {"name": task.name, "params": task.params()}
    if isinstance(task, tasks.DeclarativeTask):
        record |= {"source": task.source, "file": tasks.task_text(task, inline=True)}
    return record


def rebuild_task(record: dict[str, Any], path: Path) -> Any:
    """The task a manifest's ``task`` record names: from its file text when it has one (a run
    of this version), else the built-in task by name with its parameters."""
    check_fields(record, path, RERUN, {"name": str, "params": dict}, prefix="task.")
    try:
        if "file" in record:
            check_fields(record, path, RERUN, {"file": str, "source": str}, prefix="task.")
            task = tasks.parse(record["file"], f"{path} (task.file)", None)
            if task.name != record["name"]:
                problem = f"task.name {record['name']!r} is not the name in task.file ({task.name!r})"
                raise bad_file(path, problem, RERUN)
            return dataclasses.replace(task.with_params(**record["params"]), source=record["source"])
        return tasks.get(record["name"], **record["params"])
    except TypeError as err:
        raise bad_file(path, f"task parameters {record['params']} do not fit ({err})", RERUN) from None
    except GrnsearchError as err:
        raise bad_file(path, str(err), RERUN) from None


def write_run_data(trained: TrainedModel, directory: Path) -> None:
    """Write ``params.eqx``, ``history.csv`` and ``metrics.json`` of one model into ``directory``."""
    directory = Path(directory)
    eqx.tree_serialise_leaves(directory / PARAMS, trained.model)
    history = pd.DataFrame({"iteration": np.arange(1, len(trained.history) + 1), "loss": trained.history})
    history.to_csv(directory / "history.csv", index=False)
    (directory / "metrics.json").write_text(json.dumps(json_ready(trained.metrics), indent=2))


def write_manifest(trained: TrainedModel, directory: Path, ensemble_size: int = 1) -> None:
    """Write ``manifest.json``; it goes last, since a directory with a manifest is a complete run."""
    (Path(directory) / MANIFEST).write_text(json.dumps(json_ready(manifest(trained, ensemble_size)), indent=2))


RERUN = "re-run 'grnsearch train' to write the run again"
MANIFEST_FIELDS: dict[str, Any] = {"grnsearch_run": int, "task": dict, "config": dict, "seed": int,
                                   "wall_time_s": (int, float)}  # fmt: skip


def _run_manifest(run_dir: Path) -> tuple[dict[str, Any], Any, TrainConfig]:
    """The checked manifest of a run directory, its task and its configuration."""
    path = run_dir / MANIFEST
    if run_dir.is_file() or not run_dir.exists() or not path.exists():
        state = "is a file" if run_dir.is_file() else "does not exist" if not run_dir.exists() else f"has no {MANIFEST}"
        raise GrnsearchError(
            f"{run_dir} {state}: not a complete grnsearch run; pass a seed-<k> directory written by 'grnsearch train'"
        )
    record = json_object(path, RERUN, MANIFEST_FIELDS)
    version = record["grnsearch_run"]
    if not 1 <= version <= RUN_FORMAT:
        raise bad_file(
            path,
            f"run format {version} is not one this grnsearch reads (1 to {RUN_FORMAT})",
            "upgrade grnsearch to read runs written by a newer version" if version > RUN_FORMAT else RERUN,
        )
    task = rebuild_task(record["task"], path)
    try:
        config = TrainConfig.from_dict(record["config"])
        config.validate()
        task.link_scale(config.blocked)
        check_seed(record["seed"], "seed")
    except (GrnsearchError, TypeError, ValueError, AttributeError) as err:
        raise bad_file(path, f"holds settings that cannot be used ({err})", RERUN) from None
    return record, task, config


def _run_model(run_dir: Path, task: Any, config: TrainConfig) -> Any:
    """The model in ``params.eqx``, checked against the shape the manifest's settings give."""
    path = run_dir / PARAMS
    data = read_bytes(path, RERUN)
    template = task.init_model(config, jax.random.PRNGKey(0))
    stream = _io.BytesIO(data)
    mismatch = (
        f"does not match the model that {MANIFEST} describes (model {config.model!r}, arch {config.arch!r}, hidden "
        f"{list(config.hidden)}, task {task.name!r}): one of the two is truncated, corrupt, edited or from another run"
    )
    try:
        model = eqx.tree_deserialise_leaves(stream, template)
    except Exception:  # Equinox and NumPy raise several types for a file of the wrong layout
        raise bad_file(path, mismatch, RERUN) from None
    if stream.read(1):
        raise bad_file(path, f"{mismatch} (bytes left over)", RERUN)
    return model


def load_run(run_dir: str | Path) -> TrainedModel:
    """Load a run directory written by ``grnsearch.outputs.save_run`` back into a TrainedModel;
    every file is checked against the manifest, and a GrnsearchError names the one at fault."""
    run_dir = Path(run_dir)
    record, task, config = _run_manifest(run_dir)
    model = _run_model(run_dir, task, config)
    history_path = run_dir / "history.csv"
    history = read_csv(history_path, RERUN, required=("loss",), numeric=("loss",))["loss"].to_numpy()
    expected = record.get("iterations_trained", config.iterations)
    if not (isinstance(expected, int) and config.iterations <= expected <= config.iterations + config.extra_iterations):
        raise bad_file(
            run_dir / MANIFEST,
            f"iterations_trained {expected!r} is not between iterations and iterations + extra_iterations",
            RERUN,
        )
    if len(history) != expected:
        raise bad_file(history_path, f"has {len(history)} rows but the manifest says {expected} iterations", RERUN)
    metrics_path = run_dir / "metrics.json"
    metrics = json_object(metrics_path, RERUN, {name: (int, float, list) for name in task.metric_names})
    return TrainedModel(task, config, record["seed"], model, history, metrics, float(record["wall_time_s"]))


def expand_run_dirs(paths: Sequence[str | Path]) -> list[Path]:
    """Run directories named by ``paths``: a run directory (it has a manifest) stands for itself,
    a directory of runs (a ``train`` or ``study`` output) for its ``seed-<k>`` runs in seed order;
    GrnsearchError naming ``run_dirs`` for a path that is neither."""
    found: list[Path] = []
    for path in map(Path, paths):
        if (path / MANIFEST).is_file():
            found.append(path)
            continue
        runs = [d for d in path.glob("seed-*") if (d / MANIFEST).is_file()] if path.is_dir() else []
        if not runs:
            what = "does not exist" if not path.exists() else "is neither a run directory nor holds seed-<k> runs"
            raise GrnsearchError(
                f"{path} {what}; give run directories of 'grnsearch train' or 'study', or their parent",
                parameter="run_dirs",
            )
        found.extend(sorted(runs, key=lambda d: int(d.name[5:]) if d.name[5:].isdigit() else -1))
    return found


def load_runs(run_dirs: Sequence[str | Path]) -> list[TrainedModel]:
    """Several run directories of one task, each given once (after resolving paths), loaded with
    :func:`load_run`; GrnsearchError naming the directory given twice or of another task."""
    paths = [Path(d) for d in run_dirs]
    if not paths:
        raise GrnsearchError("no run directories given", parameter="run_dirs")
    resolved = [p.resolve() for p in paths]
    for k, path in enumerate(resolved):
        if path in resolved[:k]:
            first = paths[resolved.index(path)]
            raise GrnsearchError(
                f"{paths[k]} is the same run as {first}, given twice: each run counts once, give it once",
                parameter="run_dirs",
            )
    models = [load_run(p) for p in paths]
    for path, model in zip(paths, models, strict=True):
        if model.task != models[0].task:
            raise GrnsearchError(
                f"{path} is a run of {model.task.name!r} ({model.task.params()}) but {paths[0]} is of "
                f"{models[0].task.name!r} ({models[0].task.params()}); give runs of one task together",
                parameter="run_dirs",
            )
    return models


def saved_topology(run_dir: str | Path, task: Any, seed: int) -> tuple[Topology, str] | None:
    """The topology recorded for a run and the file it comes from: the run's ``topology.json``
    (from ``grnsearch mutate``), else its row of the parent's ``study.csv``; None if neither.
    A recorded topology that cannot be read is a GrnsearchError naming its file."""
    run_dir = Path(run_dir)
    saved = run_dir / "topology.json"
    fix = "rerun 'grnsearch mutate' on the run, or give the topology to check"
    if saved.exists():
        key = json_object(saved, fix, {"key": str})["key"]
        return _recorded(key, saved, task, fix), str(saved)
    study = run_dir.resolve().parent / "study.csv"
    if study.exists():
        fix = "rerun the study, or give the topology to check"
        rows = read_csv(study, fix, required=("seed", "topology"), numeric=("seed",), keep_default_na=False)
        match = rows[rows["seed"] == seed]
        if len(match) > 1:
            raise bad_file(study, f"has {len(match)} rows for seed {seed}", fix)
        if len(match):
            return _recorded(str(match["topology"].iloc[0]), study, task, fix), str(study)
    return None


def _recorded(key: str, path: Path, task: Any, fix: str) -> Topology:
    try:
        return Topology.from_key(key, task.sources, task.genes)
    except GrnsearchError as err:
        raise bad_file(path, str(err), fix) from None
