"""``grnsearch infer`` on the FlyEX gene-circuit data (hkgn58: 58 nuclei, cycle 14A, t = 0 and
T1..T8; hb, Kr, gt, kni with Bcd, Cad and Tll as inputs), compared edge by edge with the gene
circuit fitted to the same data.

    python bench/bench_flyex.py [--seeds N] [--iterations K] [--model mlp|hill] [--time-unit U] [--coupling C]

Prints and writes ``DIR/edges.csv``: every regulator -> gene pair of the circuit with its weight,
our median strength, sign stability and rank, and each baseline's strength; then how many of the
circuit's 8 strongest links (|weight| > 0.05) we find with the right sign, and how many of those
also survive the paper's cut (the weakest 30% of pairs dropped).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.config import MODELS
from grnsearch.infer.score import DISCARD, kept_signs, score_network
from grnsearch.io.timeseries import read_time_series
from grnsearch.workflows.infer import InferenceSettings, infer_network

HERE = Path(__file__).parent
DATA = HERE / "data" / "flyex_hkgn58"
STRONG = 0.05


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=InferenceSettings.seeds)
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--model", choices=MODELS, default=InferenceSettings.model, help="the class of f")
    parser.add_argument("--time-unit", type=float, default=15.0)
    parser.add_argument("--coupling", default="chain-diffusion")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "flyex")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    series = read_time_series(DATA / "data.csv", inputs=["Bcd", "Cad", "Tll"])
    settings = InferenceSettings(
        coupling=args.coupling, seeds=args.seeds, iterations=args.iterations, model=args.model, time_unit=args.time_unit
    )
    start = time.perf_counter()
    result = infer_network(series, settings)
    elapsed = time.perf_counter() - start
    sources, genes = result.sources, result.task.genes
    circuit = pd.read_csv(DATA / "circuit_weights.csv")
    strength, stability = result.consensus.strength, result.consensus.stability
    kept = kept_signs(strength, DISCARD) != 0
    rows = []
    for _, link in circuit.iterrows():
        i, j = sources.index(link["source"]), genes.index(link["target"])
        row = {
            "source": link["source"],
            "target": link["target"],
            "circuit_weight": link["weight"],
            "rnn_strength": strength[i, j],
            "stability": stability[i, j],
            "rank": result.consensus.rank[i, j],
            "kept": bool(kept[i, j]),
        }
        row |= {f"{name}_strength": matrix[i, j] for name, matrix in result.baselines.items()}
        rows.append(row)
    table = pd.DataFrame(rows)
    table.to_csv(args.out / "edges.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))
    strong = table[table["circuit_weight"].abs() > STRONG]
    for column in ["rnn_strength", *[f"{n}_strength" for n in result.baselines]]:
        right = np.sign(strong[column]) == np.sign(strong["circuit_weight"])
        extra = f", {int((right & strong['kept']).sum())} also kept" if column == "rnn_strength" else ""
        print(f"{column}: {int(right.sum())} of {len(strong)} strongest circuit links with the right sign{extra}")
    gold = pd.read_csv(DATA / "gold_circuit.csv")
    signs = np.zeros_like(strength, dtype=int)
    for _, link in gold.iterrows():
        signs[sources.index(link["source"]), genes.index(link["target"])] = link["sign"]
    for name, matrix in {"rnn": strength, **result.baselines}.items():
        by = {c.convention: round(c.auroc, 3) for c in score_network(signs, matrix).conventions}
        print(f"{name} against the circuit (|w| >= 0.005): {by}")
    print(
        f"{int(result.ensemble.converged.sum())} of {len(result.ensemble)} models beat no change; "
        f"{elapsed:.1f} s ({ {k: round(v, 1) for k, v in result.timings.items()} })"
    )


if __name__ == "__main__":
    main()
