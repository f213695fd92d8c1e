"""``grnsearch mutate``: read the signed network out of trained runs by link knockdown."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch.cli import options
from grnsearch.config import MODES
from grnsearch.io.runs import load_runs
from grnsearch.outputs.mutate import check_mutation_targets, write_mutation_outputs
from grnsearch.readout.mutation import analyse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mutate",
        help="read the signed network out of trained runs by link knockdown",
        description="Knock every link of each run down and write links.csv, edges.csv, "
        "topology.json, network.graphml and figures into the run; with several "
        "runs of one training output also topologies.csv in their parent.",
    )
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run directories (seed-<k>) from 'grnsearch train'")
    p.add_argument(
        "--lam",
        type=options.lam,
        default=None,
        help="knockdown factor in [0, 1); 0 = knockout (default: the task's, 0.9; 0 for gap-genes)",
    )
    p.add_argument(
        "--mode",
        choices=MODES,
        default="trajectory",
        help="simulate mutants (trajectory) or compare f along the wild type (derivative)",
    )
    p.add_argument(
        "--cutoff",
        type=options.cutoff,
        default="auto",
        help="|strength| at or below which a link is absent, or 'auto' (default)",
    )
    options.add_overwrite_option(p, "replace an earlier read-out in the runs and their parent")
    options.add_quiet_options(p, "skip the network and knockout figures")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    run_dirs = [Path(d) for d in args.run_dirs]
    models = load_runs(run_dirs)
    check_mutation_targets(run_dirs, args.overwrite)
    report = analyse(models, lam=args.lam, mode=args.mode, cutoff=args.cutoff)
    write_mutation_outputs(
        run_dirs,
        models,
        report,
        figures=not args.no_figures,
        progress=options.show_progress(args.quiet),
        overwrite=args.overwrite,
    )
    if not args.quiet:
        print(f"cutoff {report.cutoff:.3g} ({report.cutoff_rule}); lam {report.lam}, {report.mode} mode")
        for run_dir, topology in zip(run_dirs, report.topologies, strict=False):
            print(f"{run_dir}: {topology.key() or '(no links)'}")
        if len(models) > 1:
            table = report.table()
            print(f"\n{len(table)} distinct topologies over {len(models)} runs:")
            print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0
