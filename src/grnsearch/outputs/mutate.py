"""What ``grnsearch mutate`` writes: per run the network exports and figures; per parent directory
holding several of the runs, the topology table and the cutoff scan."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from grnsearch._files import read_marker, write_atomic
from grnsearch.errors import GrnsearchError
from grnsearch.io.network import write_network_exports
from grnsearch.io.tables import write_table
from grnsearch.plots.network import plot_network
from grnsearch.plots.readout import plot_cutoff_scan, plot_knockouts
from grnsearch.readout.mutation import LinkReport, knockout_trajectories
from grnsearch.readout.statistics import topology_table
from grnsearch.training.ensemble import TrainedModel

# what mutate writes into each run, and into the parent of several runs
RUN_FILES = (
    "topology.json",
    "links.csv",
    "edges.csv",
    "network.graphml",
    "figures/network.png",
    "figures/knockouts.png",
)
PARENT_FILES = ("topologies.csv", "cutoff_scan.csv", "cutoff_scan.png")


def _by_parent(run_dirs: Sequence[str | Path]) -> dict[Path, list[int]]:
    by_parent: dict[Path, list[int]] = {}
    for k, run_dir in enumerate(run_dirs):
        by_parent.setdefault(Path(run_dir).resolve().parent, []).append(k)
    return by_parent


def writes_parent_tables(parent: Path, members: int) -> bool:
    """Whether mutate writes ``topologies.csv`` and the cutoff scan into ``parent``: for several
    runs of a training output or of no grnsearch output, never into another command's output (a
    study's own tables are kept)."""
    return members >= 2 and (read_marker(parent) or {}).get("kind") in (None, "train")


def check_mutation_targets(run_dirs: Sequence[str | Path], overwrite: bool) -> None:
    """Before any work: an earlier read-out in a run, or the tables of one in the parent of
    several runs, are replaced only with ``overwrite``. GrnsearchError otherwise."""
    for run_dir in run_dirs:
        found = [name for name in RUN_FILES if (Path(run_dir) / name).exists()]
        if found and not overwrite:
            raise GrnsearchError(
                f"{run_dir} already holds a network read-out ({found[0]}); pass `overwrite` to replace it"
            )
    for parent, members in _by_parent(run_dirs).items():
        found = [name for name in PARENT_FILES if (parent / name).exists()]
        if found and writes_parent_tables(parent, len(members)) and not overwrite:
            raise GrnsearchError(
                f"{parent / found[0]} holds an earlier read-out of these runs; pass `overwrite` to replace it"
            )


def _outputs(run_dirs: Sequence[str | Path]) -> list[Path]:
    """Every file mutate may write for these runs."""
    paths = []
    for run_dir in map(Path, run_dirs):
        names = ("links.csv", "links.csv.json", "edges.csv", "edges.csv.json", "network.graphml", "topology.json")
        paths += [run_dir / name for name in names]
        paths += [run_dir / "figures" / f"{stem}.{ext}" for stem in ("network", "knockouts") for ext in ("png", "svg")]
    for parent in _by_parent(run_dirs):
        names = ("topologies.csv", "topologies.csv.json", "cutoff_scan.csv", "cutoff_scan.png", "cutoff_scan.svg")
        paths += [parent / name for name in names]
    return paths


def write_mutation_outputs(
    run_dirs: Sequence[str | Path],
    models: Sequence[TrainedModel],
    report: LinkReport,
    *,
    figures: bool = True,
    progress: bool = False,
    overwrite: bool = False,
) -> list[Path]:
    """Per run: links.csv, edges.csv, network.graphml, topology.json and the figures (network
    diagram, knockout trajectories); per parent directory holding several of the runs,
    ``topologies.csv`` (with its sidecar JSON of the read-out settings) and, with an automatic
    cutoff, the cutoff scan (CSV and figure); not into another command's output, such as a study,
    whose own tables are kept (:func:`writes_parent_tables`). An earlier read-out is replaced
    only with ``overwrite`` (:func:`check_mutation_targets`); on an error or interruption the
    files this call created are removed again, so that the rerun finds the runs as they were."""
    check_mutation_targets(run_dirs, overwrite)
    created = [path for path in _outputs(run_dirs) if not path.exists()]
    try:
        return _write_outputs(run_dirs, models, report, figures, progress)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise


def _write_outputs(
    run_dirs: Sequence[str | Path], models: Sequence[TrainedModel], report: LinkReport, figures: bool, progress: bool
) -> list[Path]:
    details = {"lam": report.lam, "mode": report.mode, "cutoff": report.cutoff, "cutoff_rule": report.cutoff_rule}
    topologies = report.topologies
    for k, (run_dir, trained) in enumerate(
        tqdm(list(zip(run_dirs, models, strict=False)), disable=not progress, desc="writing networks", unit="run")
    ):
        run_dir = Path(run_dir)
        if figures:
            title = f"seed {trained.seed}: {topologies[k].n_links} links"
            plot_network(topologies[k], report.strengths[k], run_dir / "figures" / "network", title)
            knockouts = knockout_trajectories(
                trained.model, trained.task, 0.0, link_scale=trained.link_scale, solver=trained.config.solver
            )
            plot_knockouts(knockouts, trained.task, run_dir / "figures" / "knockouts")
        write_network_exports(run_dir, topologies[k], report.strengths[k], {**details, "seed": trained.seed})
    written = []
    for parent, members in _by_parent(run_dirs).items():
        if not writes_parent_tables(parent, len(members)):
            continue
        table = topology_table([topologies[k] for k in members])
        description = "topology counts over the runs of this directory at the cutoff"
        written.extend(write_table(parent / "topologies.csv", table, description, details))
        if report.scan is not None:
            written.append(write_atomic(parent / "cutoff_scan.csv", report.scan.to_frame().to_csv(index=False)))
            if figures:
                written.extend(plot_cutoff_scan(report.scan, parent / "cutoff_scan"))
    return written
