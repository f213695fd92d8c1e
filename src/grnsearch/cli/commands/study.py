"""``grnsearch study``: train many seeds, mutate every model, and count topologies."""

from __future__ import annotations

import argparse

from grnsearch import tasks
from grnsearch.cli import options
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.study import write_study_outputs
from grnsearch.readout.statistics import degeneracy
from grnsearch.workflows.study import run_study


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "study",
        help="train many seeds, mutate every model, and count topologies",
        description="Ensemble study (the paper's Fig. 3d-e): writes DIR/study.csv, "
        "DIR/topologies.csv, DIR/summary.json, the cutoff scan and a figure of the "
        "most frequent topologies.",
    )
    options.add_task_options(p, 200, "runs", "training iterations (default: the task's)")
    p.add_argument(
        "--lam",
        type=options.lam,
        default=None,
        help="knockdown factor of the link test (default: the task's, 0.9; 0, a knockout, for gap-genes)",
    )
    p.add_argument(
        "--cutoff",
        type=options.cutoff,
        default="auto",
        help="|strength| at or below which a link is absent, or 'auto' (default)",
    )
    p.add_argument(
        "--noise", type=options.noise, default=None, help="std of noise on f while training (default: the task's)"
    )
    options.add_distribution_options(p, "training")
    options.add_output_options(p, "runs/TASK-study-<time>")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    task = tasks.resolve(args.task)
    config = task.defaults.replace(noise=args.noise, **options.model_options(args))
    distribution = options.distribution(args)
    options.check_seeds(args)
    out = prepare_output_dir(args.out, f"{task.name}-study", args.overwrite, "study")
    progress = options.show_progress(args.quiet)
    if not args.quiet:
        options.say(
            f"grnsearch: study of {task.name}: {args.seeds} runs, {config.iterations} iterations, "
            f"noise {config.noise}, {distribution.describe()} -> {out}"
        )
    result = run_study(
        task,
        args.seeds,
        seed=args.seed,
        config=config,
        lam=args.lam,
        cutoff=args.cutoff,
        distribution=distribution,
        progress=progress,
    )
    write_study_outputs(result, out, figures=not args.no_figures, progress=progress, overwrite=args.overwrite)
    if not args.quiet:
        table = result.topology_table()
        spread = degeneracy(table)
        print(
            f"{int(result.converged.sum())} of {len(result.ensemble)} runs converged; cutoff {result.cutoff:.3g} "
            f"({result.cutoff_rule}); {spread['distinct_topologies']} distinct topologies, the most frequent "
            f"30% cover {100 * spread['runs_covered_by_top']:.1f}% of converged runs"
        )
        print(table.head(10).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        for name, counts in result.summary().get("references", {}).items():
            print(f"consensus against {name}: {counts['agree']} of {counts['compared']} links agree")
        print(f"done in {result.wall_time:.1f} s; wrote {out}/study.csv, topologies.csv, summary.json")
    return 0
