"""What ``grnsearch infer`` writes, whole or not at all (kind ``infer``):

- ``links.csv``: the median strength matrix (first column ``source``, one column per target);
  ``edges.csv``: every source-target pair, ``source,target,sign,strength,stability``, strongest
  first; strengths are changes of the target's synthesis rate in units of its maximum level per
  time unit of the data (each gene was divided by its maximum: ``summary.json`` has the factors);
- ``network.graphml``: the links left after the weakest 30% are dropped (the paper's Fig. 6e),
  with sign, strength and stability per edge; ``figures/network``: the strongest of them;
  ``figures/strengths``: the heatmap of the strength matrix (gold links framed with ``--gold``);
  ``figures/data_vs_model``: the held-out experiment against the representative model's run;
  ``figures/loss``: the training loss of every seed;
- ``run_strengths.csv``: every seed's strengths, ``seed,converged`` then one ``SRC->TGT`` column
  per link; ``validation.csv``: the held-out experiment, observed and predicted, in the data's
  own units; ``summary.json``: settings, errors, models used, gene scales, timings;
- ``baselines/<name>/links.csv`` and ``edges.csv`` for every baseline (``stability`` empty: one
  fit, no ensemble);
- with a gold standard: ``score.json`` and ``figures/score`` here and in each baseline's folder,
  and ``scores.csv``: every method's AUROC and AUPR under every convention, side by side.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch._files import output_directory, write_atomic
from grnsearch.infer.score import DISCARD, kept_signs, score_network
from grnsearch.io.network import graphml_text
from grnsearch.io.tables import ensemble_strength_table, strength_table, write_table
from grnsearch.network.topology import Topology
from grnsearch.outputs.score import write_score_files
from grnsearch.plots.inference import plot_data_vs_model, plot_strength_heatmap
from grnsearch.plots.network import plot_network
from grnsearch.plots.training import plot_loss
from grnsearch.workflows.infer import InferenceResult

DRAWN_PER_GENE = 3  # the network figure draws at most this many links per target gene


def inferred_edges(strength: np.ndarray, stability: np.ndarray | None, sources, genes) -> pd.DataFrame:
    """Every pair, strongest first: ``source,target,sign,strength,stability``."""
    rows = [
        (src, tgt, int(np.sign(strength[i, j])), float(strength[i, j]),
         np.nan if stability is None else float(stability[i, j]))
        for i, src in enumerate(sources)
        for j, tgt in enumerate(genes)
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=["source", "target", "sign", "strength", "stability"])
    order = np.argsort(-np.abs(table["strength"].to_numpy()), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def kept_topology(strength: np.ndarray, sources, genes, discard: float = DISCARD) -> Topology:
    """The signed links left after the weakest ``discard`` share of pairs is dropped."""
    return Topology(kept_signs(strength, discard), tuple(sources), tuple(genes))


def _write_network(
    folder: Path, strength: np.ndarray, stability: np.ndarray | None, sources, genes, details: dict
) -> list[Path]:
    description = "inferred link strengths: one row per source, one column per target gene"
    written = write_table(folder / "links.csv", strength_table(strength, sources, genes), description, details,
                          index=True)  # fmt: skip
    edges = inferred_edges(strength, stability, sources, genes)
    written += write_table(folder / "edges.csv", edges, "every source-target pair, strongest first", details)
    return written


def _score(folder: Path, gold: np.ndarray, strength: np.ndarray, figures: bool, label: str, gold_name: str) -> dict:
    score = score_network(gold, strength)
    write_score_files(folder, gold, strength, score, figures, {"prediction": label, "gold": gold_name})
    return {c.convention: (c.auroc, c.aupr) for c in score.conventions}


def write_inference(
    out_dir: str | Path,
    result: InferenceResult,
    *,
    gold: np.ndarray | None = None,
    gold_name: str = "",
    figures: bool = True,
    overwrite: bool = False,
) -> Path:
    """Write everything above into ``out_dir`` (a new directory, or one ``infer`` wrote before,
    replaced whole with ``overwrite``)."""
    out_dir = Path(out_dir)
    sources, genes = result.sources, result.task.genes
    details = {"lam": result.settings.lam, "mode": result.settings.mode, "method": "rnn ensemble median"}
    strength, stability = result.consensus.strength, result.consensus.stability
    with output_directory(out_dir, "infer", overwrite=overwrite, parameter="out_dir") as staging:
        _write_network(staging, strength, stability, sources, genes, details)
        kept = kept_topology(strength, sources, genes)
        write_atomic(staging / "network.graphml", graphml_text(kept, strength, details, {"stability": stability}))
        runs = ensemble_strength_table(result.ensemble.seeds, result.ensemble.converged, result.strengths,
                                       sources, genes)  # fmt: skip
        write_table(staging / "run_strengths.csv", runs, "every seed's link strengths", details)
        _write_validation(staging, result)
        scores = {}
        for name, matrix in result.baselines.items():
            folder = staging / "baselines" / name
            folder.mkdir(parents=True)
            _write_network(folder, matrix, None, sources, genes, {"method": name})
            if gold is not None:
                scores[name] = _score(folder, gold, matrix, figures, f"baseline {name}", gold_name)
        if gold is not None:
            scores = {"rnn": _score(staging, gold, strength, figures, "rnn", gold_name), **scores}
            write_atomic(staging / "scores.csv", _score_table(scores).to_csv(index=False))
        if figures:
            _figures(staging / "figures", result, kept, gold)
        write_atomic(staging / "summary.json", json.dumps(result.summary(), indent=2))
    return out_dir


def _score_table(scores: dict[str, dict[str, tuple[float, float]]]) -> pd.DataFrame:
    rows = [(m, c, auroc, aupr) for m, by in scores.items() for c, (auroc, aupr) in by.items()]
    return pd.DataFrame(rows, columns=["method", "convention", "auroc", "aupr"])


def _write_validation(folder: Path, result: InferenceResult) -> None:
    """The held-out experiment (or, with one experiment, that one), observed and predicted."""
    times, observed, predicted = result.held_out_run
    scale = result.series.scale
    positions = result.series.positions if result.series.positions is not None else np.zeros(1)
    t, p, g = np.meshgrid(np.arange(len(times)), np.arange(len(positions)), np.arange(len(scale)), indexing="ij")
    table = pd.DataFrame({
        "time": times[t.ravel()],
        "position": positions[p.ravel()],
        "gene": np.asarray(result.task.genes)[g.ravel()],
        "observed": (observed * scale).ravel(),
        "predicted": (predicted * scale).ravel(),
    })  # fmt: skip
    if result.series.positions is None:
        table = table.drop(columns="position")
    write_atomic(folder / "validation.csv", table.to_csv(index=False))


def _figures(folder: Path, result: InferenceResult, kept: Topology, gold: np.ndarray | None) -> None:
    folder.mkdir()
    strength = result.consensus.strength
    sources, genes = result.sources, result.task.genes
    plot_strength_heatmap(strength, sources, genes, folder / "strengths", gold=gold,
                          title="median link strength over the models")  # fmt: skip
    drawn = kept_topology(strength, sources, genes, discard=max(0.0, 1.0 - DRAWN_PER_GENE * len(genes) / strength.size))
    plot_network(drawn, strength, folder / "network", title=f"the {drawn.n_links} strongest links")
    times, observed, predicted = result.held_out_run
    title = f"experiment {result.held_out_run_name}: data and the model of seed {result.representative_seed}"
    plot_data_vs_model(times, observed, predicted, genes, folder / "data_vs_model", title=title)
    plot_loss(result.ensemble.histories.T, folder / "loss", title="training loss per seed")
