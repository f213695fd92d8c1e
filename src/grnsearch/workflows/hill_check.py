"""Which topology a Hill check is about: the one the user names, the one recorded for the run, or
a fresh link test of the run's model."""

from __future__ import annotations

from pathlib import Path

from grnsearch.errors import GrnsearchError
from grnsearch.io.runs import saved_topology
from grnsearch.network.topology import Topology
from grnsearch.readout.mutation import analyse
from grnsearch.training.ensemble import TrainedModel


def run_topology(run_dir: str | Path, trained: TrainedModel, key: str | None = None) -> tuple[Topology, str]:
    """The topology to check and where it comes from: ``key`` if given, else the run's recorded
    topology (``topology.json`` or the study's row), else a link test of this one model at the
    automatic cutoff."""
    task = trained.task
    if key is not None:
        try:
            return Topology.from_key(key, task.sources, task.genes), "the given key"
        except GrnsearchError as err:
            raise GrnsearchError(f"{err} (the run is of task {task.name!r})", parameter="topology") from None
    saved = saved_topology(run_dir, task, trained.seed)
    if saved is not None:
        return saved
    return (
        analyse([trained]).topologies[0],
        "link test of this run (no topology.json; run 'grnsearch mutate' to choose the cutoff)",
    )
