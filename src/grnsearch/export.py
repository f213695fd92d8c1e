"""Network exports of a mutated run: strength matrix, edge list, topology JSON and GraphML.

Every file is written through a temporary name and a rename (``grnsearch.io.write_atomic``).
GraphML carries ``sign`` (+1/-1), ``interaction`` (activation/repression) and ``strength`` as edge
attributes and ``kind`` (input/gene) as a node attribute, so Cytoscape can style edges by sign.
"""

from __future__ import annotations

import io as _io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from grnsearch.io import atomic_directory, write_atomic
from grnsearch.topology import Topology


def strength_table(strengths: np.ndarray, sources: tuple[str, ...], genes: tuple[str, ...]) -> pd.DataFrame:
    """The strength matrix as a table: one row per source, one column per target."""
    table = pd.DataFrame(np.asarray(strengths, dtype=float), index=list(sources), columns=list(genes))
    table.index.name = "source"
    return table


def ensemble_strength_table(seeds: Any, converged: np.ndarray, strengths: np.ndarray,
                            sources: tuple[str, ...], genes: tuple[str, ...]) -> pd.DataFrame:
    """``seed,converged`` then one column per ``SRC->TGT`` link: every run's link strengths, the
    layout of the authors' released table, so a study can be cut again at any cutoff."""
    strengths = np.asarray(strengths, dtype=float)
    columns = {f"{s}->{t}": strengths[:, i, j] for i, s in enumerate(sources) for j, t in enumerate(genes)}
    return pd.DataFrame({"seed": list(seeds), "converged": np.asarray(converged, dtype=bool), **columns})


def edge_table(topology: Topology, strengths: np.ndarray) -> pd.DataFrame:
    """``source,target,sign,strength``: one row per present link, in canonical order."""
    rows = [(s, t, sign, float(strengths[topology.sources.index(s), topology.genes.index(t)]))
            for s, t, sign in topology.links()]
    return pd.DataFrame(rows, columns=["source", "target", "sign", "strength"])


def graphml_text(topology: Topology, strengths: np.ndarray) -> str:
    """GraphML of the topology with signs and strengths as edge attributes."""
    buffer = _io.BytesIO()
    nx.write_graphml(topology.to_networkx(strengths), buffer)
    return buffer.getvalue().decode()


def write_network_exports(run_dir: Path, topology: Topology, strengths: np.ndarray,
                          details: dict[str, Any]) -> list[Path]:
    """Write links.csv, edges.csv, network.graphml and (last) topology.json into ``run_dir``."""
    run_dir = Path(run_dir)
    written = [
        write_atomic(run_dir / "links.csv", strength_table(strengths, topology.sources, topology.genes).to_csv()),
        write_atomic(run_dir / "edges.csv", edge_table(topology, strengths).to_csv(index=False)),
        write_atomic(run_dir / "network.graphml", graphml_text(topology, strengths)),
    ]
    record = topology.to_dict(strengths=strengths)
    record.update(details)

    written.append(write_atomic(run_dir / "topology.json", json.dumps(record, indent=2)))
    return written


def write_mutation_outputs(run_dirs: list[Path], models: list[Any], report: Any, *, figures: bool = True,
                           progress: bool = False) -> list[Path]:
    """Everything ``grnsearch mutate`` writes: per run the network exports and figures (network
    diagram, knockout trajectories); per parent directory holding several of the runs,
    ``topologies.csv`` and, with an automatic cutoff, the cutoff scan (CSV and figure)."""
    from tqdm.auto import tqdm

    from grnsearch import plots
    from grnsearch.mutation import knockout_trajectories
    from grnsearch.study import topology_table

    details = {"lam": report.lam, "mode": report.mode, "cutoff": report.cutoff, "cutoff_rule": report.cutoff_rule}
    topologies = report.topologies
    for k, (run_dir, trained) in enumerate(tqdm(list(zip(run_dirs, models)), disable=not progress,
                                                desc="writing networks", unit="run")):
        run_dir = Path(run_dir)
        if figures:
            title = f"seed {trained.seed}: {topologies[k].n_links} links"
            plots.plot_network(topologies[k], report.strengths[k], run_dir / "figures" / "network", title)
            knockouts = knockout_trajectories(trained.model, trained.task, 0.0, link_scale=trained.link_scale,
                                              solver=trained.config.solver)
            plots.plot_knockouts(knockouts, trained.task, run_dir / "figures" / "knockouts")
        write_network_exports(run_dir, topologies[k], report.strengths[k], {**details, "seed": trained.seed})
    written = []
    by_parent: dict[Path, list[int]] = {}
    for k, run_dir in enumerate(run_dirs):
        by_parent.setdefault(Path(run_dir).resolve().parent, []).append(k)
    for parent, members in by_parent.items():
        if len(members) < 2:
            continue
        table = topology_table([topologies[k] for k in members])
        written.append(write_atomic(parent / "topologies.csv", table.to_csv(index=False)))
        if report.scan is not None:
            written.append(write_atomic(parent / "cutoff_scan.csv", report.scan.to_frame().to_csv(index=False)))
            if figures:
                written.extend(plots.plot_cutoff_scan(report.scan, parent / "cutoff_scan"))
    return written


def write_sparsify_outputs(paths: list[Any], out_dir: Path, *, figures: bool = True,
                           progress: bool = False) -> Path:
    """Everything ``grnsearch sparsify`` writes: ``seed-<k>/step-<n>/`` (full run directories with
    their network exports), ``seed-<k>/path.csv`` and ``seed-<k>/path.{png,svg}`` per seed, and
    ``paths.csv`` (one row per seed: the last successful step) in ``out_dir``. Seed directories
    appear together at the end."""
    from tqdm.auto import tqdm

    from grnsearch import plots
    from grnsearch.io import save_run, staged_entries

    out_dir = Path(out_dir)
    rows = []
    with staged_entries(out_dir) as staging:
        for path in tqdm(paths, disable=not progress, desc="writing paths", unit="seed"):
            seed_dir = staging / f"seed-{path.seed}"
            for step in path.steps:
                step_dir = seed_dir / f"step-{step.step}"
                save_run(step.trained, step_dir, figures=figures)
                details = {"lam": path.lam, "mode": "trajectory", "cutoff": step.cutoff, "cutoff_rule": "sparsify",
                           "seed": path.seed, "step": step.step, "success": step.success}
                write_network_exports(step_dir, step.topology, step.strengths, details)
                if figures:
                    plots.plot_network(step.topology, step.strengths, step_dir / "figures" / "network",
                                       f"step {step.step}")
            write_atomic(seed_dir / "path.csv", path.table().to_csv(index=False))
            if figures:
                plots.plot_sparsify_path(path, seed_dir / "path")
            last = path.last_success
            rows.append({"seed": path.seed, "steps": len(path.steps),
                         "last_success_step": last.step if last else "",
                         "n_links": last.topology.n_links if last else "",
                         "topology": last.topology.key() if last else ""})
    write_atomic(out_dir / "paths.csv", pd.DataFrame(rows).to_csv(index=False))
    return out_dir


def write_study_outputs(result: Any, out_dir: Path, *, figures: bool = True, progress: bool = False) -> Path:
    """Everything ``grnsearch study`` writes into ``out_dir``: ``study.csv`` (one row per run),
    ``strengths.csv`` (every run's link strengths), ``topologies.csv`` (over converged runs),
    ``summary.json`` (convergence, cutoff, degeneracy, wall time), the cutoff scan, a figure of the most frequent topologies, and ``seed-<k>/`` run
    directories (without figures) for later use. Tables are written last."""
    from tqdm.auto import tqdm

    from grnsearch import plots
    from grnsearch.io import save_run, staged_entries
    from grnsearch.study import degeneracy

    out_dir = Path(out_dir)
    task = result.task
    table = result.topology_table()
    with staged_entries(out_dir) as staging:
        for trained in tqdm(result.ensemble, total=len(result.ensemble), disable=not progress,
                            desc="writing runs", unit="run"):
            save_run(trained, staging / f"seed-{trained.seed}", figures=False, ensemble_size=len(result.ensemble))
        if figures:
            n_conv = int(result.converged.sum())
            plots.plot_topology_gallery(table, task.sources, task.genes, staging / "topologies",
                                        title=f"{task.name}: most frequent topologies of {n_conv} converged runs")
            if result.scan is not None:
                plots.plot_cutoff_scan(result.scan, staging / "cutoff_scan")
    if result.scan is not None:
        write_atomic(out_dir / "cutoff_scan.csv", result.scan.to_frame().to_csv(index=False))
    summary = {
        "task": task.name,
        "runs": len(result.ensemble),
        "converged": int(result.converged.sum()),
        "lam": result.lam,
        "mode": "trajectory",
        "cutoff": result.cutoff,
        "cutoff_rule": result.cutoff_rule,
        "wall_time_s": round(result.wall_time, 2),
        **degeneracy(table),
    }
    write_atomic(out_dir / "strengths.csv", ensemble_strength_table(
        result.ensemble.seeds, result.converged, result.strengths, task.sources, task.genes).to_csv(index=False))
    write_atomic(out_dir / "topologies.csv", table.to_csv(index=False))
    write_atomic(out_dir / "summary.json", json.dumps(summary, indent=2))
    write_atomic(out_dir / "study.csv", result.table().to_csv(index=False))
    return out_dir


def write_hill_check(run_dir: Path, trained: Any, fit: Any, *, figures: bool = True) -> Path:
    """``RUN_DIR/hill/``: hill_check.json (verdict, metrics, parameters), the model as SBML and
    Antimony, and the Hill-against-RNN figure; written whole or not at all."""
    from grnsearch import plots
    from grnsearch.sbml import write_hill_exports

    target = Path(run_dir) / "hill"
    task = trained.task
    first_inputs = np.asarray(task.demo_conditions()[0].inputs)[0]
    input_values = {name: float(v) for name, v in zip(task.inputs, first_inputs, strict=True)}
    initial = dict(zip(task.genes, fit.initial_state.tolist(), strict=True))
    with atomic_directory(target) as tmp:
        write_atomic(tmp / "hill_check.json", json.dumps(fit.to_dict(), indent=2))
        write_hill_exports(fit.model, tmp, input_values=input_values, initial_values=initial)
        if figures:
            plots.plot_hill_vs_rnn(trained, fit, tmp / "hill_vs_rnn")
    return target
