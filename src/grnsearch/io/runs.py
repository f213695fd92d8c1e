"""Run directories: the data of trained models and their records, and loading them back.

A run directory holds ``manifest.json`` (versions, seed, resolved configuration, wall time),
``params.eqx`` (Equinox serialisation of the model), ``history.csv`` (loss per iteration),
``metrics.json`` and ``figures/``. This module writes and reads the data; the whole directory,
figures included, is put together atomically by :mod:`grnsearch.outputs.runs`.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
from pathlib import Path
from typing import Any

import equinox as eqx
import jax
import numpy as np
import pandas as pd

from grnsearch import tasks
from grnsearch._files import json_ready, versions
from grnsearch.config import TrainConfig
from grnsearch.errors import GrnsearchError
from grnsearch.network.topology import Topology
from grnsearch.training.ensemble import TrainedModel

MANIFEST = "manifest.json"
PARAMS = "params.eqx"


def manifest(trained: TrainedModel, ensemble_size: int = 1) -> dict[str, Any]:
    """The manifest record of one trained model."""
    return {
        "grnsearch_run": 1,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "platform": platform.platform(),
        "devices": jax.local_device_count(),
        "task": {"name": trained.task.name, "params": trained.task.params()},
        "config": trained.config.to_dict(),
        "seed": trained.seed,
        "loss": trained.loss,
        "ensemble_size": ensemble_size,
        "wall_time_s": round(trained.wall_time, 3),
    }


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


def load_run(run_dir: str | Path) -> TrainedModel:
    """Load a run directory written by ``grnsearch.outputs.save_run`` back into a TrainedModel."""
    run_dir = Path(run_dir)
    manifest_path = run_dir / MANIFEST
    if not manifest_path.is_file():
        raise GrnsearchError(
            f"{run_dir} is not a complete grnsearch run (no {MANIFEST}); pass a seed-<k> directory "
            "written by 'grnsearch train'"
        )
    try:
        record = json.loads(manifest_path.read_text())
        task = tasks.get(record["task"]["name"], **record["task"]["params"])
        config = TrainConfig.from_dict(record["config"])
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise GrnsearchError(f"{manifest_path} is unreadable ({err}); re-run the training") from err
    template = task.init_model(config, jax.random.PRNGKey(0))
    model = eqx.tree_deserialise_leaves(run_dir / PARAMS, template)
    history = pd.read_csv(run_dir / "history.csv")["loss"].to_numpy()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    return TrainedModel(task, config, int(record["seed"]), model, history, metrics, float(record["wall_time_s"]))


def saved_topology(run_dir: str | Path, task: Any, seed: int) -> tuple[Topology, str] | None:
    """The topology recorded for a run and the file it comes from: the run's ``topology.json``
    (from ``grnsearch mutate``), else its row of the parent's ``study.csv``; None if neither."""
    run_dir = Path(run_dir)
    saved = run_dir / "topology.json"
    if saved.is_file():
        return Topology.from_key(json.loads(saved.read_text())["key"], task.sources, task.genes), str(saved)
    study = run_dir.resolve().parent / "study.csv"
    if study.is_file():
        rows = pd.read_csv(study, keep_default_na=False)
        match = rows[rows["seed"] == seed]
        if len(match):
            return Topology.from_key(match["topology"].iloc[0], task.sources, task.genes), str(study)
    return None
