"""``grnsearch search``: the exhaustive Hill-function search over every topology of a task."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch import tasks
from grnsearch.cli import options
from grnsearch.config import MAX_SAMPLES
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.space import task_screen
from grnsearch.outputs.directories import default_out
from grnsearch.workflows.search import run_search


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search",
        help="exhaustive Hill-function search over every topology",
        description="Screen every topology of TASK's search space (oscillation: every connected "
        "two-gene, two-input topology; adaptation-atlas: every three-node topology in which I reaches C) "
        "with random Hill parameter sets by the task's Euler screen (the paper's rule, Fig. 3d, for "
        "oscillation), and judge every set that "
        "passes again on the exact solution of the same ODE (adaptive Tsit5); writes "
        "DIR/search.csv (one row per topology: successful_sets and succeeds by Euler, "
        "exact_sets and succeeds_exactly on the exact solution), DIR/successes.csv "
        "(Euler) and DIR/summary.json.",
    )
    p.add_argument(
        "task",
        metavar="TASK",
        help="task with a Hill screen: a built-in name (oscillation, adaptation-atlas) or a task file",
    )
    p.add_argument(
        "--samples",
        type=options.count_up_to(MAX_SAMPLES),
        default=None,
        help="random parameter sets per topology (default: the task's, 160000 for oscillation as in the paper, "
        "10000 for adaptation-atlas as in Ma et al.)",
    )
    p.add_argument("--seed", type=options.seed, default=0, help="random seed of the parameter sets (default 0)")
    p.add_argument(
        "--resume", action="store_true", help="continue the interrupted search in --out DIR (same settings required)"
    )
    options.add_distribution_options(p, "topology chunks")
    p.add_argument("--out", type=Path, default=None, help="output directory (default runs/TASK-search-<time>)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(
        handler=run,
        interrupted="finished topology chunks are kept: run the same command with --out DIR --resume to continue",
    )


def run(args: argparse.Namespace) -> int:
    task = tasks.resolve(args.task)
    task_screen(task)
    distribution = options.distribution(args)
    out = args.out
    if out is None:
        if args.resume:
            raise GrnsearchError("needs the directory of the search to continue: give `out`", parameter="resume")
        out = default_out(f"{task.name}-search")
    if not args.quiet:
        options.say(
            f"grnsearch: Hill search of {task.name}: {args.samples or task_screen(task).samples} parameter sets "
            f"per topology, seed "
            f"{args.seed}, {distribution.describe()} -> {out}"
        )
    result = run_search(
        task,
        samples=args.samples,
        seed=args.seed,
        out=out,
        resume=args.resume,
        distribution=distribution,
        progress=options.show_progress(args.quiet),
    )
    if not args.quiet:
        summary = result.summary()
        by_links = ", ".join(f"{n} with {k} links" for k, n in summary["successful_by_links"].items())
        print(
            f"Euler screen (the paper's, dt {task_screen(task).dt}): {summary['successful_topologies']} of "
            f"{summary['topologies']} topologies succeed{f' ({by_links})' if by_links else ''}; successful "
            f"sets per topology {summary['successful_sets_min']} to {summary['successful_sets_max']}"
        )
        exact = summary["integrators"]["exact_sets"]
        print(
            f"exact solution ({exact['solver']}, rtol {exact['rtol']:g}, atol {exact['atol']:g}): "
            f"{summary['exact_successful_topologies']} topologies keep at least "
            f"{task_screen(task).min_successful_sets} sets ({summary['exact_sets_total']} of "
            f"{summary['successful_sets_total']} Euler-successful sets pass exactly)"
        )
        print(f"done in {result.wall_time:.1f} s; wrote {out}/search.csv, successes.csv, summary.json")
    return 0
