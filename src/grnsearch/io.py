"""Run directories: writing trained models and their records, and loading them back.

A run directory holds ``manifest.json`` (versions, seed, resolved configuration, wall time),
``params.eqx`` (Equinox serialisation of the model), ``history.csv`` (loss per iteration),
``metrics.json`` and ``figures/``. Directories and tables are written under a temporary name and
renamed into place, so a run that fails or is interrupted leaves nothing that looks complete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import equinox as eqx
import jax
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from grnsearch.config import TrainConfig
from grnsearch.errors import GrnsearchError

if TYPE_CHECKING:
    from grnsearch.train import Ensemble, TrainedModel

MANIFEST = "manifest.json"
PARAMS = "params.eqx"
DEPENDENCIES = ("jax", "jaxlib", "equinox", "optax", "diffrax", "numpy", "pandas", "matplotlib", "networkx", "dask", "python-libsbml")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def versions() -> dict[str, str]:
    """Installed versions of grnsearch, Python and the numerical dependencies."""
    found = {"python": sys.version.split()[0]}
    for name in ("grnsearch", *DEPENDENCIES):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; on success it replaces ``target``, on any
    error (or interruption) it is removed and ``target`` is left as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; give it the usual mode
    try:
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (np.ndarray, jax.Array)):
        return np.asarray(value).tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


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


def save_run(trained: TrainedModel, run_dir: Path, *, figures: bool = True, ensemble_size: int = 1) -> Path:
    """Write one model's run directory atomically; returns its path."""
    from grnsearch import plots

    run_dir = Path(run_dir)
    with atomic_directory(run_dir) as tmp:
        eqx.tree_serialise_leaves(tmp / PARAMS, trained.model)
        history = pd.DataFrame({"iteration": np.arange(1, len(trained.history) + 1), "loss": trained.history})
        history.to_csv(tmp / "history.csv", index=False)
        (tmp / "metrics.json").write_text(json.dumps(_json_ready(trained.metrics), indent=2))
        if figures:
            fig_dir = tmp / "figures"
            plots.plot_loss(trained.history, fig_dir / "loss", title=f"{trained.task.name}, seed {trained.seed}")
            plots.plot_response(trained, fig_dir / "response")
            plots.plot_synthesis(trained, fig_dir / "synthesis")
        # the manifest goes last: a directory with a manifest is a complete run
        (tmp / MANIFEST).write_text(json.dumps(_json_ready(manifest(trained, ensemble_size)), indent=2))
    return run_dir


@contextlib.contextmanager
def staged_entries(out_dir: Path) -> Iterator[Path]:
    """Yield a hidden staging directory inside ``out_dir``; on success every entry written into
    it is moved into ``out_dir`` (replacing entries of the same name), on any error or
    interruption the staging directory is removed and ``out_dir`` keeps only what it had."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=out_dir) as staging:
        yield Path(staging)
        for entry in sorted(Path(staging).iterdir()):
            target = out_dir / entry.name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(entry, target)


def save_ensemble(ensemble: Ensemble, out_dir: Path, *, figures: bool = True, progress: bool = False) -> Path:
    """Write ``out_dir/seed-<k>/`` for every model, then ``out_dir/summary.csv``; the seed
    directories appear together at the end, so an interruption leaves none behind."""
    out_dir = Path(out_dir)
    with staged_entries(out_dir) as staging:
        for trained in tqdm(ensemble, total=len(ensemble), disable=not progress, desc="writing runs", unit="run"):
            save_run(trained, staging / f"seed-{trained.seed}", figures=figures, ensemble_size=len(ensemble))
    write_atomic(out_dir / "summary.csv", ensemble.summary().to_csv(index=False))
    return out_dir


def load_run(run_dir: str | Path) -> TrainedModel:
    """Load a run directory written by :func:`save_run` back into a TrainedModel."""
    from grnsearch import tasks
    from grnsearch.train import TrainedModel

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
