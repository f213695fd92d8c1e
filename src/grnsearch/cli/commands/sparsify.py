"""``grnsearch sparsify``: prune to minimal networks by deleting links and retraining."""

from __future__ import annotations

import argparse

from grnsearch import tasks
from grnsearch.cli import options
from grnsearch.config import ReadoutSettings
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.sparsify import write_sparsify_outputs
from grnsearch.readout.sparsify import SparsifySettings
from grnsearch.workflows.sparsify import sparsify


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sparsify",
        help="prune to minimal networks by deleting links and retraining",
        description="Per seed: train, delete the link whose knockout changes its target least, "
        "retrain with it blocked, until the task fails. Writes DIR/seed-<k>/step-<n>/, "
        "DIR/seed-<k>/path.csv and a figure per seed.",
    )
    options.add_task_options(p, 5, "paths", "training iterations per step (default: the task's sparsification setting)")
    p.add_argument(
        "--block", nargs="+", action="extend", default=[], metavar="SRC->TGT", help="links excluded from the start"
    )
    p.add_argument("--protect-inputs", action="store_true", help="never delete links from inputs")
    p.add_argument(
        "--tries",
        type=options.positive_int,
        default=None,
        help="deletions to try, weakest first, before a path stops (default: all)",
    )
    p.add_argument(
        "--restarts",
        type=options.positive_int,
        default=3,
        help="models trained per step; the one closest to the previous network is kept (default 3)",
    )
    p.add_argument(
        "--lam",
        type=options.lam,
        default=None,
        help="knockdown factor of each step's topology read-out (default: the task's, 0.9; 0 for gap-genes; "
        "the paper's Fig. 4 used 0.5)",
    )
    options.add_distribution_options(p, "seeds")
    options.add_output_options(p, "runs/TASK-sparsify-<time>")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    task = tasks.resolve(args.task)
    blocked = options.blocked_links(task, args.block)
    config = task.defaults.replace(iterations=task.sparsify_iterations).replace(
        blocked=blocked, **options.model_options(args)
    )
    settings = SparsifySettings(protect_inputs=args.protect_inputs, tries=args.tries, restarts=args.restarts)
    readout = ReadoutSettings(lam=task.knockdown if args.lam is None else args.lam)
    distribution = options.distribution(args)
    options.check_seeds(args, args.restarts)
    out = prepare_output_dir(args.out, f"{task.name}-sparsify", args.overwrite, "sparsify")
    progress = options.show_progress(args.quiet)
    if not args.quiet:
        options.say(
            f"grnsearch: sparsifying {task.name} for {args.seeds} seed(s), {config.iterations} iterations "
            f"per step, {distribution.describe()} -> {out}"
        )
    paths = sparsify(
        task,
        args.seeds,
        seed=args.seed,
        config=config,
        settings=settings,
        readout=readout,
        distribution=distribution,
        progress=progress,
    )
    write_sparsify_outputs(paths, out, figures=not args.no_figures, progress=progress, overwrite=args.overwrite)
    if not args.quiet:
        for path in paths:
            last = path.last_success
            found = f"step {last.step}, {last.topology.n_links} links: {last.topology.key()}" if last else "none"
            print(f"seed {path.seed}: {len(path.steps)} steps; sparsest success {found}")
        print(f"wrote {out}/paths.csv and {len(paths)} seed directories")
    return 0
