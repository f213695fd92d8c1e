"""``grnsearch predict``: mutant patterns of trained patterning models."""

from __future__ import annotations

import argparse
import math

from grnsearch.cli import options
from grnsearch.io.runs import expand_run_dirs, load_runs
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.predict import write_prediction
from grnsearch.readout.mutants import domain_table
from grnsearch.readout.predict import Perturbation, mutant_panel, predict_patterns


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "predict",
        help="predict mutant patterns (gene knockouts, input dosage) of trained patterning models",
        description="Simulate every run under gene knockouts and input dosage changes and write the "
        "median pattern over runs with its spread (patterns.csv, run_patterns.csv), the domain "
        "borders and their shifts from the wild type (borders.csv), peaks and extents "
        "(domains.csv) and a figure of every mutant against the wild type. Without --knockout "
        "or --scale the default panel runs (--panel).",
    )
    p.add_argument(
        "run_dirs",
        nargs="+",
        metavar="RUN_DIR",
        help="run directories (seed-<k>) of a patterning task, or a train or study output holding them",
    )
    p.add_argument(
        "--knockout",
        action="append",
        default=[],
        type=_genes,
        metavar="GENE[,GENE]",
        help="a mutant without GENE's synthesis (comma: a multiple mutant); repeat for more mutants",
    )
    p.add_argument(
        "--scale",
        action="append",
        default=[],
        type=_dosage,
        metavar="INPUT=FACTOR[,...]",
        help="a dosage change: INPUT times FACTOR everywhere, e.g. Bcd=0.5; repeat for more conditions",
    )
    p.add_argument(
        "--panel",
        action="store_true",
        help="every single-gene knockout and the task's input changes (gap-genes: Bcd x0, x0.5, x2; Tor x0)",
    )
    p.add_argument(
        "--all-runs",
        action="store_true",
        help="use every run, also those that missed the task's success criterion (default: converged runs)",
    )
    options.add_output_options(p, "runs/TASK-predict-<time>")
    p.set_defaults(handler=run)


def _genes(text: str) -> tuple[str, ...]:
    genes = tuple(g.strip() for g in text.split(","))
    if not all(genes):
        raise argparse.ArgumentTypeError(f"expected GENE or GENE,GENE, got {text!r}")
    return genes


def _dosage(text: str) -> tuple[tuple[str, float], ...]:
    changes = []
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            factor = float(value)
        except ValueError:
            factor = math.nan
        if not sep or not name.strip() or not (math.isfinite(factor) and factor >= 0):
            raise argparse.ArgumentTypeError(
                f"expected INPUT=FACTOR with a finite FACTOR >= 0 (e.g. Bcd=0.5), got {part!r}"
            )
        changes.append((name.strip(), factor))
    return tuple(changes)


def run(args: argparse.Namespace) -> int:
    runs = load_runs(expand_run_dirs(args.run_dirs))
    task = runs[0].task
    conditions = [Perturbation(knockouts=genes) for genes in args.knockout]
    conditions += [Perturbation(scales=changes) for changes in args.scale]
    if args.panel or not conditions:
        conditions += [p for p in mutant_panel(task) if p not in conditions]
    out = prepare_output_dir(args.out, f"{task.name}-predict", args.overwrite, "predict")
    prediction = predict_patterns(runs, conditions, all_runs=args.all_runs)
    write_prediction(prediction, out, figures=not args.no_figures, overwrite=args.overwrite)
    if not args.quiet:
        table = domain_table(prediction.patterns, prediction.positions, prediction.names, task.genes)
        wide = table.pivot(index="condition", columns="gene", values="peak_ratio").reindex(prediction.names)
        which = "" if args.all_runs else "converged "
        print(f"{len(prediction.seeds)} {which}runs of {len(runs)}; {len(conditions)} conditions")
        print("peak of each gene relative to the wild type (median over runs):")
        print(wide[list(task.genes)].to_string(float_format=lambda v: f"{v:.2f}"))
        print(f"wrote {out}/patterns.csv, run_patterns.csv, borders.csv, domains.csv, summary.json")
    return 0
