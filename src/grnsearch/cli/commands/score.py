"""``grnsearch score``: a predicted network against a signed gold standard."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch.cli import options
from grnsearch.infer.score import score_network
from grnsearch.io.scoring import read_gold, read_prediction
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.score import write_score


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score a predicted network against a signed gold standard (AUROC, AUPR, sign confusion)",
        description="Score a strength table (links.csv) or edge list (edges.csv) against a gold standard "
        "(source,target,sign; every pair not listed is absent) under five conventions: edges regardless "
        "of sign, activating or inhibiting links against all other pairs (the paper's), and against absent "
        "pairs only (BEELINE's); and the sign confusion matrix after the weakest 30%% of pairs are dropped. "
        "Prints the scores; with --out also writes score.json and ROC and precision-recall figures.",
    )
    p.add_argument("prediction", type=Path, metavar="PREDICTION", help="links.csv or edges.csv")
    p.add_argument("gold", type=Path, metavar="GOLD", help="CSV source,target,sign of the true links")
    p.add_argument("--out", type=Path, default=None, help="write score.json and the figures here")
    options.add_overwrite_option(p, "replace an earlier score at --out, whole")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    network = read_prediction(args.prediction)
    gold = read_gold(args.gold, network)
    out = None if args.out is None else prepare_output_dir(args.out, "score", args.overwrite, "score")
    score = score_network(gold, network.strengths)
    print(f"{'convention':<20} {'AUROC':>6} {'AUPR':>6} {'random AUPR':>11} {'positives':>9} {'negatives':>9}")
    for c in score.conventions:
        print(
            f"{c.convention:<20} {c.auroc:6.3f} {c.aupr:6.3f} {c.random_aupr:11.3f} {c.positives:9d} {c.negatives:9d}"
        )
    print(f"signs after dropping the weakest {score.discard:.0%} (rows true +, 0, -; columns predicted +, 0, -):")
    for label, row in zip("+0-", score.confusion, strict=True):
        print(f"  {label}  " + " ".join(f"{v:5d}" for v in row))
    if out is not None:
        sources = {"prediction": str(args.prediction), "gold": str(args.gold)}
        write_score(out, gold, network.strengths, score, sources, figures=not args.no_figures, overwrite=args.overwrite)
        print(f"wrote {out}/score.json")
    return 0
