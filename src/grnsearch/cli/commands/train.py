"""``grnsearch train``: train an ensemble of models on a task."""

from __future__ import annotations

import argparse

from grnsearch import tasks
from grnsearch.cli import options
from grnsearch.config import SOLVERS
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.runs import save_ensemble
from grnsearch.training.ensemble import train


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train an ensemble of models on a task",
        description="Train one model per seed on TASK; writes DIR/seed-<k>/ and DIR/summary.csv.",
    )
    options.add_task_options(p, 8, "models", "training iterations (default: the task's)")
    p.add_argument(
        "--block", nargs="+", action="extend", default=[], metavar="SRC->TGT", help="links held at zero while training"
    )
    p.add_argument("--solver", choices=SOLVERS, default=None, help="euler (paper) or ode (adaptive Diffrax solver)")
    p.add_argument(
        "--noise",
        type=options.noise,
        default=None,
        help="std of Gaussian noise on f while training (default: the task's)",
    )
    options.add_output_options(p, "runs/TASK-<time>")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    task = tasks.resolve(args.task)
    blocked = options.blocked_links(task, args.block)
    config = task.defaults.replace(solver=args.solver, blocked=blocked, noise=args.noise, **options.model_options(args))
    options.check_seeds(args)
    out = prepare_output_dir(args.out, task.name, args.overwrite, "train")
    progress = options.show_progress(args.quiet)
    if not args.quiet:
        options.say(
            f"grnsearch: training {args.seeds} {config.arch} model(s) on {task.name} "
            f"for {config.iterations} iterations ({config.solver} solver) -> {out}"
        )
    ensemble = train(task, args.seeds, seed=args.seed, config=config, progress=progress)
    save_ensemble(ensemble, out, figures=not args.no_figures, progress=progress, overwrite=args.overwrite)
    if not args.quiet:
        summary = ensemble.summary()
        print(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        medians = "  ".join(f"{name} {summary[name].median():.4f}" for name in ("loss", *task.metric_names))
        print(f"median: {medians}")
        print(f"trained in {ensemble.wall_time:.1f} s; wrote {out}/summary.csv and {len(ensemble)} run directories")
    return 0
