"""The cellular-automaton benchmark (the paper's Fig. 6): infer each of the authors' 25 rules from
data our generator makes from their parameters, with the baselines, and score everything with the
same code, the authors' own stored predictions included.

    python bench/bench_automaton.py [--rules 1-25] [--seeds N] [--iterations K] [--model mlp|hill] [--out DIR]

Writes ``DIR/scores.csv`` (rule, method, convention, auroc, aupr), ``DIR/times.csv`` (both after
every rule, so an interrupted run keeps its finished rules) and, for rule 24, the sign confusion
matrices; prints the means over rules, how often the RNN beats each
baseline and the time per rule.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.config import MODELS
from grnsearch.infer.automaton import GENES, SOURCES, automaton_data, automaton_series, shipped_rule
from grnsearch.infer.score import score_network
from grnsearch.workflows.infer import InferenceSettings, infer_network

HERE = Path(__file__).parent
AUTHORS = HERE / "data" / "shen2021_ca" / "rnn_predicted_edges_long.csv"
SHOWN = ("activating_vs_rest", "inhibiting_vs_rest", "edges", "activating_only", "inhibiting_only")


def authors_prediction(rule: int) -> np.ndarray:
    """The authors' stored strengths (rnn_delta) of one rule, (20 sources, 10 targets); their
    own-cell regulators ``self_gK`` are our ``gK``."""
    table = pd.read_csv(AUTHORS)
    rows = table[table["model"] == rule].assign(regulator=lambda t: t["regulator"].str.replace("self_", ""))
    matrix = rows.pivot(index="regulator", columns="target", values="rnn_delta")
    return matrix.loc[list(SOURCES), list(GENES)].to_numpy()


def rule_list(text: str) -> list[int]:
    rules: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        rules += list(range(int(low), int(high or low) + 1))
    return rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=rule_list, default=list(range(1, 26)))
    parser.add_argument("--seeds", type=int, default=InferenceSettings.seeds)
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--model", choices=MODELS, default=InferenceSettings.model, help="the class of f")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "automaton")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    settings = InferenceSettings(coupling="ring-mean", seeds=args.seeds, iterations=args.iterations, model=args.model)
    rows, times, confusions = [], [], {}
    for rule_no in args.rules:
        rule = shipped_rule(rule_no)
        series = automaton_series(automaton_data(rule, seed=rule_no))
        start = time.perf_counter()
        result = infer_network(series, settings)
        elapsed = time.perf_counter() - start
        methods = {"rnn": result.consensus.strength, **result.baselines, "authors": authors_prediction(rule_no)}
        for method, strength in methods.items():
            score = score_network(rule.signs, strength)
            rows += [(rule_no, method, c.convention, c.auroc, c.aupr) for c in score.conventions]
            if rule_no == 24:
                confusions[method] = score.confusion
                np.savetxt(args.out / f"rule24_confusion_{method}.csv", score.confusion, fmt="%d", delimiter=",")
        times.append(
            {
                "rule": rule_no,
                "wall_s": elapsed,
                **{f"{k}_s": v for k, v in result.timings.items()},
                "converged": int(result.ensemble.converged.sum()),
            }
        )
        by = pd.DataFrame(rows, columns=["rule", "method", "convention", "auroc", "aupr"])
        by.to_csv(args.out / "scores.csv", index=False)  # after every rule: a long run keeps what it did
        pd.DataFrame(times).to_csv(args.out / "times.csv", index=False)
        now = by[(by["rule"] == rule_no) & by["convention"].isin(SHOWN[:2])]
        summary = now.pivot(index="method", columns="convention", values="auroc").round(3)
        print(f"rule {rule_no}: {elapsed:.1f} s\n{summary}", flush=True)
    scores = pd.DataFrame(rows, columns=["rule", "method", "convention", "auroc", "aupr"])
    scores.to_csv(args.out / "scores.csv", index=False)
    pd.DataFrame(times).to_csv(args.out / "times.csv", index=False)
    report(scores, pd.DataFrame(times), confusions, args.out)


def report(scores: pd.DataFrame, times: pd.DataFrame, confusions: dict, out: Path) -> None:
    means = scores.pivot_table(index="method", columns="convention", values="auroc", aggfunc="mean")
    print("mean AUROC over rules:\n", means[list(SHOWN)].round(3))
    paper = scores[scores["convention"].isin(SHOWN[:2])]
    wide = paper.pivot_table(index=["rule", "convention"], columns="method", values="auroc")
    for method in [m for m in wide.columns if m != "rnn"]:
        better = (wide["rnn"] > wide[method]).groupby(level="rule")
        on_mean = (wide["rnn"].groupby(level="rule").mean() > wide[method].groupby(level="rule").mean()).sum()
        print(
            f"rnn beats {method}: on both paper AUROCs in {better.all().sum()} of {better.ngroups} rules, "
            f"on their mean in {on_mean}"
        )
    print(f"time per rule: median {times['wall_s'].median():.1f} s, max {times['wall_s'].max():.1f} s")
    for method, matrix in confusions.items():
        print(f"rule 24 sign confusion ({method}; rows true +,0,-; columns predicted +,0,-):\n{matrix}")
        np.savetxt(out / f"rule24_confusion_{method}.csv", matrix, fmt="%d", delimiter=",")


if __name__ == "__main__":
    main()
