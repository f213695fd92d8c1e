"""The gap-gene study and its mutant predictions, against the authors' stored results (Fig. 5).

Run:  python bench/bench_gap_genes.py [--seeds 50] [--study DIR] [--keep DIR]

1. ``grnsearch study gap-genes --seeds N`` in a fresh process (start-up and compilation included):
   wall time, the share spent training, convergence, and the consensus against the two reference
   networks, link by link.
2. ``grnsearch predict STUDY --panel`` in a fresh process: the Kr knockout (kni peak, hb and gt
   extents), the Bcd x0.5 and x2 border shifts beside the authors' own models' shifts computed by
   the same code from their stored mutant patterns, and the correlation of our median patterns
   with theirs per condition.

``--study DIR`` reuses a finished study instead of running step 1. Prints Markdown for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.readout.mutants import border_table, domain_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "flyex_gap_genes_shen2021" / "reference_results"
GENES = ["hb", "Kr", "kni", "gt"]
# the authors' condition names -> ours
CONDITIONS = {
    "wt": "wt",
    "hb-": "hb-",
    "kr-": "Kr-",
    "kni-": "kni-",
    "gt-": "gt-",
    "bcd-": "Bcd x0",
    "bcd1X": "Bcd x0.5",
    "bcd4X": "Bcd x2",
    "tsl-": "Tor x0",
}


def run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grnsearch.cli", *argv, "--quiet"], check=True)
    return time.perf_counter() - start


def authors_patterns() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Their kept runs' stored patterns as (runs, conditions, positions, genes), our condition names."""
    table = pd.read_csv(SHARED / "shen2021_fig5_rnn_patterns_wt_and_mutants.csv")
    table = table[table["excluded_in_paper"] == 0]
    x = np.sort(table["x_frac_EL"].unique())
    runs = sorted(table["run"].unique())
    patterns = np.stack(
        [
            np.stack(
                [
                    table[(table.run == r) & (table.condition == c)].sort_values("x_frac_EL")[GENES].to_numpy()
                    for c in CONDITIONS
                ]
            )  # fmt: skip
            for r in runs
        ]
    )
    return patterns, x, list(CONDITIONS.values())


def study_section(study: Path, wall: float | None) -> None:
    summary = json.loads((study / "summary.json").read_text())
    print("### Study\n")
    if wall is not None:
        share = summary["training_time_s"] / wall
        print(f"whole command {wall:.1f} s; training {summary['training_time_s']:.1f} s ({100 * share:.0f}%)")
    print(f"converged: {summary['converged']} of {summary['runs']}; consensus over {summary['consensus_runs']} runs")
    for name, counts in summary.get("references", {}).items():
        print(f"- {name}: {counts['agree']} of {counts['compared']} links agree (our sign: {counts['our_sign']})")
    table = pd.read_csv(study / "reference_comparison.csv")
    columns = ["source", "target", "sign", "agreement", "median_strength", "robust_sign",
               "shen2021_rnn_sign", "shen2021_rnn_agrees", "gene_circuit_sign", "gene_circuit_agrees"]  # fmt: skip
    print("\n| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for _, row in table[columns].iterrows():
        cells = [f"{v:.2f}" if isinstance(v, float) and not float(v).is_integer() else str(v) for v in row]
        print("| " + " | ".join(c.replace("nan", "") for c in cells) + " |")


def predict_section(prediction: Path) -> None:
    ours = pd.read_csv(prediction / "borders.csv")
    theirs_patterns, x, names = authors_patterns()
    theirs = border_table(theirs_patterns, x, names, GENES)
    print("\n### Bcd dosage: border shifts (egg length), median [q25, q75] over runs\n")
    print(
        "| condition | gene | border | wt position (ours) | shift (ours) | runs (ours) | wt position (authors) | "
        "shift (authors) | runs (authors) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for condition in ("Bcd x0.5", "Bcd x2"):
        a = ours[ours.condition == condition]
        for _, row in a.iterrows():
            match = theirs[
                (theirs.condition == condition) & (theirs.gene == row.gene) & (theirs.direction == row.direction)
            ]
            match = match.iloc[(match.wt_position - row.wt_position).abs().argsort()[:1]] if len(match) else match
            them = (
                f"{match.wt_position.iloc[0]:.3f} | {match['shift'].iloc[0]:+.3f} [{match.shift_q25.iloc[0]:+.3f}, "
                f"{match.shift_q75.iloc[0]:+.3f}] | {match.runs.iloc[0]} of {len(theirs_patterns)}"
                if len(match) and np.isfinite(match["shift"].iloc[0])
                else f"- | - | 0 of {len(theirs_patterns)}"
            )
            mine = (
                f"{row['shift']:+.3f} [{row.shift_q25:+.3f}, {row.shift_q75:+.3f}]"
                if np.isfinite(row["shift"])
                else "lost"
            )
            runs = f"{row.runs} of {ours[ours.condition == 'wt'].runs.max()}"
            print(f"| {condition} | {row.gene} | {row.direction} | {row.wt_position:.3f} | {mine} | {runs} | {them} |")
    domains = pd.read_csv(prediction / "domains.csv").set_index(["condition", "gene"])
    print("\n### Kr knockout (median [q25, q75] over runs)\n")
    authors = domain_table(theirs_patterns, x, names, GENES).set_index(["condition", "gene"])
    for gene, column in (("kni", "peak_ratio"), ("hb", "extent_change"), ("gt", "extent_change")):
        o, t = domains.loc[("Kr-", gene)], authors.loc[("Kr-", gene)]
        print(
            f"- {gene} {column}: ours {o[column]:.3f} [{o[column + '_q25']:.3f}, {o[column + '_q75']:.3f}], "
            f"authors {t[column]:.3f} [{t[column + '_q25']:.3f}, {t[column + '_q75']:.3f}]"
        )
    patterns = pd.read_csv(prediction / "patterns.csv")
    draw_against_authors(patterns, np.median(theirs_patterns, axis=0), x, names)
    print("\n### Correlation of our median pattern with the authors' median pattern (Pearson r)\n")
    print("| condition | all genes | " + " | ".join(GENES) + " |")
    print("|---|---|" + "---|" * len(GENES))
    theirs_median = np.median(theirs_patterns, axis=0)
    for k, name in enumerate(names):
        mine = patterns[patterns.condition == name].pivot(index="x", columns="gene", values="median")[GENES].to_numpy()
        ref = theirs_median[k]
        per_gene = [np.corrcoef(mine[:, g], ref[:, g])[0, 1] if np.std(mine[:, g]) > 0 and np.std(ref[:, g]) > 0
                    else float("nan") for g in range(len(GENES))]  # fmt: skip
        overall = np.corrcoef(mine.ravel(), ref.ravel())[0, 1]
        print(f"| {name} | {overall:.3f} | " + " | ".join(f"{r:.3f}" for r in per_gene) + " |")


FIGURE = Path(__file__).parent / "figures" / "gap_genes_vs_authors.png"


def draw_against_authors(patterns: pd.DataFrame, theirs: np.ndarray, x: np.ndarray, names: list[str]) -> None:
    """One panel per condition: our median pattern (solid) and the authors' (dashed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = ("tab:blue", "tab:green", "tab:red", "tab:orange")
    fig, axes = plt.subplots(3, 3, figsize=(9, 7), sharex=True, sharey=True)
    for ax, (k, name) in zip(axes.flat, enumerate(names), strict=True):
        mine = patterns[patterns.condition == name].pivot(index="x", columns="gene", values="median")
        for g, gene in enumerate(GENES):
            ax.plot(mine.index, mine[gene], color=colours[g], lw=1.5, label=gene)
            ax.plot(x, theirs[k, :, g], "--", color=colours[g], lw=1.0)
        ax.set_title(name, fontsize=9)
    axes[0, 0].legend(fontsize=7, title="ours (solid), authors' (dashed)", title_fontsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("position x (egg length)")
    fig.tight_layout()
    FIGURE.parent.mkdir(exist_ok=True)
    fig.savefig(FIGURE, dpi=110)
    print(f"\nfigure: {FIGURE.relative_to(Path(__file__).parent.parent)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--study", type=Path, default=None, help="a finished gap-genes study to reuse")
    parser.add_argument("--keep", type=Path, default=None, help="write the study and prediction here")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; command: python bench/bench_gap_genes.py\n")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        study, wall = args.study, None
        if study is None:
            study = root / "study"
            wall = run(["study", "gap-genes", "--seeds", str(args.seeds), "--out", str(study)])
        study_section(study, wall)
        predicted = root / "predict"
        wall_predict = run(["predict", str(study), "--panel", "--out", str(predicted)])
        print(f"\n`grnsearch predict STUDY --panel`: {wall_predict:.1f} s")
        predict_section(predicted)


if __name__ == "__main__":
    main()
