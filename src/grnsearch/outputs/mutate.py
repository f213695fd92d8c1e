"""What ``grnsearch mutate`` writes: per run the network exports and figures; per parent directory
holding several of the runs, the topology table and the cutoff scan."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tqdm.auto import tqdm

from grnsearch._files import write_atomic
from grnsearch.io.network import write_network_exports
from grnsearch.io.tables import write_table
from grnsearch.plots.network import plot_network
from grnsearch.plots.readout import plot_cutoff_scan, plot_knockouts
from grnsearch.readout.mutation import LinkReport, knockout_trajectories
from grnsearch.readout.statistics import topology_table
from grnsearch.training.ensemble import TrainedModel


def write_mutation_outputs(
    run_dirs: Sequence[str | Path],
    models: Sequence[TrainedModel],
    report: LinkReport,
    *,
    figures: bool = True,
    progress: bool = False,
) -> list[Path]:
    """Per run: links.csv, edges.csv, network.graphml, topology.json and the figures (network
    diagram, knockout trajectories); per parent directory holding several of the runs,
    ``topologies.csv`` (with its sidecar JSON of the read-out settings) and, with an automatic
    cutoff, the cutoff scan (CSV and figure)."""
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
    by_parent: dict[Path, list[int]] = {}
    for k, run_dir in enumerate(run_dirs):
        by_parent.setdefault(Path(run_dir).resolve().parent, []).append(k)
    for parent, members in by_parent.items():
        if len(members) < 2:
            continue
        table = topology_table([topologies[k] for k in members])
        description = "topology counts over the runs of this directory at the cutoff"
        written.extend(write_table(parent / "topologies.csv", table, description, details))
        if report.scan is not None:
            written.append(write_atomic(parent / "cutoff_scan.csv", report.scan.to_frame().to_csv(index=False)))
            if figures:
                written.extend(plot_cutoff_scan(report.scan, parent / "cutoff_scan"))
    return written
