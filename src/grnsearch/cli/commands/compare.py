"""``grnsearch compare``: an RNN study against an exhaustive Hill search (the paper's Fig. 3e-f)."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch.cli import options
from grnsearch.outputs.compare import default_compare_dir, write_comparison
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.workflows.compare import compare_directories


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare an RNN study with an exhaustive Hill search",
        description="Venn counts of RNN and Hill topologies, the share of converged runs "
        "whose topology the Hill search found (direct) or is one link from "
        "(near), and the paper's Fig. 3f. Writes DIR/compare.json, "
        "DIR/topologies.csv and DIR/rnn_vs_hill.png.",
    )
    p.add_argument(
        "study_dir",
        metavar="STUDY_DIR",
        help="output of 'grnsearch study' or of 'grnsearch sparsify' (each path's sparsest successful network), "
        "or a CSV of link strengths (one SRC->TGT column per link)",
    )
    p.add_argument("search_dir", metavar="SEARCH_DIR", help="output of 'grnsearch search' on the same task")
    p.add_argument(
        "--cutoff",
        type=options.strength_cutoff,
        default=None,
        help="cut the study's strengths.csv again at this |strength| (default: the study's own "
        "cutoff; required for a CSV; the authors used 5e-4)",
    )
    p.add_argument(
        "--verdict",
        choices=("euler", "exact"),
        default="euler",
        help="which of the search's counts make a Hill topology successful: euler (the paper's screen, "
        "default) or exact (its sets that also pass on the exact solution)",
    )
    p.add_argument(
        "--switching",
        action="store_true",
        help="compare networks up to switching: unscored genes may be read as their complements (every link "
        "into or out of one flips sign; loops and the coherence of paths keep theirs); of the forms in the "
        "search's space, a successful Hill topology if one is, else the one with fewest genes switched",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default STUDY_DIR/compare, or SEARCH_DIR/compare-<name> for a CSV)",
    )
    options.add_overwrite_option(p, "replace an earlier comparison in --out (only one grnsearch compare wrote)")
    options.add_quiet_options(p, "skip the figure")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = args.out if args.out is not None else default_compare_dir(args.study_dir, args.search_dir)
    prepare_output_dir(out, "compare", args.overwrite, "compare")
    result = compare_directories(args.study_dir, args.search_dir, args.cutoff, args.verdict, args.switching)
    write_comparison(result, out, figures=not args.no_figures, overwrite=args.overwrite)
    if not args.quiet:
        outside = f" ({result.runs_outside_space} more outside the search space)" if result.runs_outside_space else ""
        print(
            f"{result.runs} converged runs{outside}, {result.rnn_topologies} distinct RNN topologies; "
            f"{result.hill_topologies} successful Hill topologies ({result.verdict} verdict)"
        )
        if result.switched:
            print(f"{len(result.switched)} RNN topologies compared as their switching-equivalent form in the space:")
            for found, switched in result.switched.items():
                print(f"  {found}  ->  {switched}")
        print(
            f"both {result.both}, RNN only {result.rnn_only} ({result.one_link_away} of them one link "
            f"from a Hill topology), Hill only {result.hill_only}"
        )
        paper = ""
        if {"direct_probability", "near_probability"} <= result.paper.keys():
            paper = (
                f" (paper: {100 * result.paper['direct_probability']:.1f}% and "
                f"{100 * result.paper['near_probability']:.1f}%)"
            )
        print(
            f"probability over runs: direct {100 * result.direct_probability:.1f}%, within one link "
            f"{100 * result.near_probability:.1f}%{paper}; RNN topologies hold "
            f"{100 * result.hill_sets_covered:.1f}% of the Hill search's successful sets"
        )
        print(f"wrote {out}/compare.json, topologies.csv{'' if args.no_figures else ', rnn_vs_hill.png'}")
    return 0
