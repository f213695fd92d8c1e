"""``grnsearch automaton``: the cellular-automaton benchmark's data and truth for one rule."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch.cli import options
from grnsearch.infer.automaton import N_SHIPPED, automaton_data, random_rule, shipped_rule
from grnsearch.outputs.automaton import write_automaton
from grnsearch.outputs.directories import prepare_output_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "automaton",
        help="generate a cellular-automaton benchmark rule's time courses and true network",
        description="Write the training data of a ground-truth rule of the paper's cellular automaton "
        "(a ring of 21 cells, 10 genes, Hill rules seeing each gene in the cell and the mean of its "
        "two neighbours): 17 trajectories from random centre-cell starts, 320 Euler steps of dt 0.2, "
        "observed every 10 steps, each gene divided by its maximum (data.csv), and the rule's links "
        "(gold.csv). The rule is one of the authors' 25 (--rule) or a new one drawn with their "
        "variation filter (--random SEED).",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--rule", type=options.count_up_to(N_SHIPPED), metavar="K", help=f"the authors' rule K (1 to {N_SHIPPED})"
    )
    which.add_argument("--random", type=options.seed, metavar="SEED", help="a new rule drawn from SEED")
    p.add_argument(
        "--data-seed",
        type=options.seed,
        default=None,
        help="seed of the random starts (default: the rule number, or SEED)",
    )
    p.add_argument(
        "--trajectories",
        type=options.count_up_to(10_000),
        default=17,
        help="trajectories (default 17: 16 to train, 1 held out)",
    )
    p.add_argument("--out", type=Path, default=None, help="output directory (default runs/automaton-<rule>-<time>)")
    options.add_overwrite_option(p, "replace an earlier automaton output at --out, whole")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    label = f"rule{args.rule}" if args.rule is not None else f"random{args.random}"
    data_seed = args.data_seed if args.data_seed is not None else (args.rule if args.rule is not None else args.random)
    out = prepare_output_dir(args.out, f"automaton-{label}", args.overwrite, "automaton")
    rule = shipped_rule(args.rule) if args.rule is not None else random_rule(args.random)
    data = automaton_data(rule, seed=data_seed, trajectories=args.trajectories)
    record = {"rule": label, "data_seed": data_seed, "trajectories": args.trajectories}
    write_automaton(out, rule, data, record, overwrite=args.overwrite)
    if not args.quiet:
        print(f"{label}: {int((rule.signs != 0).sum())} links; {args.trajectories} trajectories")
        print(f"wrote {out}/data.csv and {out}/gold.csv; next:")
        print(f"  grnsearch infer {out}/data.csv --coupling ring-mean --gold {out}/gold.csv")
    return 0
