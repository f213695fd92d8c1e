"""The ``grnsearch`` command line: parses arguments and calls the library, nothing more.

Every error the user can fix is reported as one line ``grnsearch: error: ...`` with exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grnsearch.errors import GrnsearchError

EXIT_USAGE = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def prepare_output_dir(out: Path | None, default_name: str, overwrite: bool) -> Path:
    """The output directory, created and checked writable; GrnsearchError naming --out if not."""
    if out is None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("runs") / f"{default_name}-{stamp}"
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GrnsearchError(f"--out {out}: exists and is not a directory; choose another path")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise GrnsearchError(
            f"--out {out}: directory is not empty; choose a new path or pass --overwrite to replace its runs"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise GrnsearchError(f"--out {out}: cannot write there ({err.strerror}); choose a writable directory") from None
    return out


def _blocked_links(task, texts: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``--block`` values as (source, target) pairs, each checked against the task's nodes."""
    from grnsearch.config import parse_link

    blocked = tuple(parse_link(text) for text in texts)
    for link in blocked:
        task.check_link(link, "--block")
    return blocked


def _where(args: argparse.Namespace) -> str:
    """Where jobs run, for the start-up message."""
    if args.scheduler:
        return f"on {args.scheduler}"
    return f"on {args.workers} local workers" if args.workers else "in-process"


def _cmd_train(args: argparse.Namespace) -> int:
    from grnsearch import tasks
    from grnsearch.train import train

    task = tasks.get(args.task)
    blocked = _blocked_links(task, args.block)
    config = task.defaults.replace(arch=args.arch, iterations=args.iterations, solver=args.solver,
                                   blocked=blocked, noise=args.noise)
    out = prepare_output_dir(args.out, args.task, args.overwrite)
    progress = _show_progress(args.quiet)
    if not args.quiet:
        print(f"grnsearch: training {args.seeds} {config.arch} model(s) on {task.name} "
              f"for {config.iterations} iterations ({config.solver} solver) -> {out}", file=sys.stderr)
    ensemble = train(task, args.seeds, seed=args.seed, config=config, progress=progress)
    ensemble.save(out, figures=not args.no_figures, progress=progress)
    if not args.quiet:
        summary = ensemble.summary()
        print(summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
        medians = "  ".join(f"{name} {summary[name].median():.4f}" for name in ("loss", *task.metric_names))
        print(f"median: {medians}")
        print(f"trained in {ensemble.wall_time:.1f} s; wrote {out}/summary.csv and {len(ensemble)} run directories")
    return 0


def _cutoff(text: str) -> float | str:
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number or 'auto', got {text!r}")
    return value


def _lam(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1) (0 = knockout), got {text!r}")
    return value


def _cmd_mutate(args: argparse.Namespace) -> int:
    from grnsearch.export import write_mutation_outputs
    from grnsearch.io import load_run
    from grnsearch.mutation import analyse

    run_dirs = [Path(d) for d in args.run_dirs]
    models = [load_run(d) for d in run_dirs]
    report = analyse(models, lam=args.lam, mode=args.mode, cutoff=args.cutoff)
    write_mutation_outputs(run_dirs, models, report, figures=not args.no_figures,
                           progress=_show_progress(args.quiet))
    if not args.quiet:
        print(f"cutoff {report.cutoff:.3g} ({report.cutoff_rule}); lam {report.lam}, {report.mode} mode")
        for run_dir, topology in zip(run_dirs, report.topologies):
            print(f"{run_dir}: {topology.key() or '(no links)'}")
        if len(models) > 1:
            table = report.table()
            print(f"\n{len(table)} distinct topologies over {len(models)} runs:")
            print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


def _cmd_sparsify(args: argparse.Namespace) -> int:
    from grnsearch import tasks
    from grnsearch.export import write_sparsify_outputs
    from grnsearch.sparsify import sparsify

    task = tasks.get(args.task)
    blocked = _blocked_links(task, args.block)
    config = task.defaults.replace(iterations=task.sparsify_iterations).replace(
        arch=args.arch, iterations=args.iterations, blocked=blocked)
    out = prepare_output_dir(args.out, f"{args.task}-sparsify", args.overwrite)
    progress = _show_progress(args.quiet)
    if not args.quiet:
        where = _where(args)
        print(f"grnsearch: sparsifying {task.name} for {args.seeds} seed(s), {config.iterations} iterations "
              f"per step, {where} -> {out}", file=sys.stderr)
    paths = sparsify(task, args.seeds, seed=args.seed, config=config, protect_inputs=args.protect_inputs,
                     tries=args.tries, restarts=args.restarts, lam=args.lam, workers=args.workers,
                     scheduler=args.scheduler, progress=progress)
    write_sparsify_outputs(paths, out, figures=not args.no_figures, progress=progress)
    if not args.quiet:
        for path in paths:
            last = path.last_success
            found = f"step {last.step}, {last.topology.n_links} links: {last.topology.key()}" if last else "none"
            print(f"seed {path.seed}: {len(path.steps)} steps; sparsest success {found}")
        print(f"wrote {out}/paths.csv and {len(paths)} seed directories")
    return 0


def _cmd_study(args: argparse.Namespace) -> int:
    from grnsearch import tasks
    from grnsearch.export import write_study_outputs
    from grnsearch.study import degeneracy, run_study

    task = tasks.get(args.task)
    config = task.defaults.replace(iterations=args.iterations, noise=args.noise, arch=args.arch)
    out = prepare_output_dir(args.out, f"{args.task}-study", args.overwrite)
    progress = _show_progress(args.quiet)
    if not args.quiet:
        where = _where(args)
        print(f"grnsearch: study of {task.name}: {args.seeds} runs, {config.iterations} iterations, "
              f"noise {config.noise}, {where} -> {out}", file=sys.stderr)
    result = run_study(task, args.seeds, seed=args.seed, config=config, lam=args.lam, cutoff=args.cutoff,
                       workers=args.workers, scheduler=args.scheduler, progress=progress)
    write_study_outputs(result, out, figures=not args.no_figures, progress=progress)
    if not args.quiet:
        table = result.topology_table()
        spread = degeneracy(table)
        print(f"{int(result.converged.sum())} of {len(result.ensemble)} runs converged; cutoff {result.cutoff:.3g} "
              f"({result.cutoff_rule}); {spread['distinct_topologies']} distinct topologies, the most frequent "
              f"30% cover {100 * spread['runs_covered_by_top']:.1f}% of converged runs")
        print(table.head(10).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print(f"done in {result.wall_time:.1f} s; wrote {out}/study.csv, topologies.csv, summary.json")
    return 0


def _add_task_options(p: argparse.ArgumentParser, seeds: int, what: str, iterations_help: str) -> None:
    from grnsearch import tasks
    from grnsearch.model import ARCHITECTURES

    p.add_argument("task", metavar="TASK", help=f"task name: {', '.join(tasks.names())}")
    p.add_argument("--seeds", type=_positive_int, default=seeds, help=f"number of {what} (default {seeds})")
    p.add_argument("--seed", type=_int, default=0, help="first seed; the others follow as seed+1, ... (default 0)")
    p.add_argument("--arch", choices=ARCHITECTURES, default=None, help="MLP architecture (default: the task's)")
    p.add_argument("--iterations", type=_positive_int, default=None, help=iterations_help)


def _add_distribution_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--workers", type=_positive_int, default=None, help=f"run {what} on a local Dask cluster of N processes")
    p.add_argument("--scheduler", default=None, metavar="ADDR",
                   help=f"run {what} on an existing Dask scheduler (tcp://host:port)")


def _add_output_options(p: argparse.ArgumentParser, default_dir: str) -> None:
    p.add_argument("--out", type=Path, default=None, help=f"output directory (default {default_dir})")
    p.add_argument("--overwrite", action="store_true", help="allow a non-empty --out and replace its runs")
    p.add_argument("--no-figures", action="store_true", help="skip figures")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``grnsearch`` command."""
    from grnsearch.simulate import SOLVERS

    parser = argparse.ArgumentParser(
        prog="grnsearch",
        description="Find gene regulatory network topologies for a biological function.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("train", help="train an ensemble of models on a task",
                       description="Train one model per seed on TASK; writes DIR/seed-<k>/ and DIR/summary.csv.")
    _add_task_options(p, 8, "models", "training iterations (default: the task's)")
    p.add_argument("--block", nargs="+", default=[], metavar="SRC->TGT", help="links held at zero while training")
    p.add_argument("--solver", choices=SOLVERS, default=None, help="euler (paper) or ode (adaptive Diffrax solver)")
    p.add_argument("--noise", type=float, default=None, help="std of Gaussian noise on f while training (default: the task's)")
    _add_output_options(p, "runs/TASK-<time>")
    p.set_defaults(handler=_cmd_train)

    p = sub.add_parser("mutate", help="read the signed network out of trained runs by link knockdown",
                       description="Knock every link of each run down and write links.csv, edges.csv, "
                                   "topology.json, network.graphml and figures into the run; with several "
                                   "runs of one training output also topologies.csv in their parent.")
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run directories (seed-<k>) from 'grnsearch train'")
    p.add_argument("--lam", type=_lam, default=0.9, help="knockdown factor in [0, 1); 0 = knockout (default 0.9)")
    p.add_argument("--mode", choices=("trajectory", "derivative"), default="trajectory",
                   help="simulate mutants (trajectory) or compare f along the wild type (derivative)")
    p.add_argument("--cutoff", type=_cutoff, default="auto",
                   help="|strength| at or below which a link is absent, or 'auto' (default)")
    p.add_argument("--no-figures", action="store_true", help="skip the network and knockout figures")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=_cmd_mutate)

    p = sub.add_parser("sparsify", help="prune to minimal networks by deleting links and retraining",
                       description="Per seed: train, delete the link whose knockout changes its target least, "
                                   "retrain with it blocked, until the task fails. Writes DIR/seed-<k>/step-<n>/, "
                                   "DIR/seed-<k>/path.csv and a figure per seed.")
    _add_task_options(p, 5, "paths", "training iterations per step (default: the task's sparsification setting)")
    p.add_argument("--block", nargs="+", default=[], metavar="SRC->TGT", help="links excluded from the start")
    p.add_argument("--protect-inputs", action="store_true", help="never delete links from inputs")
    p.add_argument("--tries", type=_positive_int, default=None,
                   help="deletions to try, weakest first, before a path stops (default: all)")
    p.add_argument("--restarts", type=_positive_int, default=3,
                   help="models trained per step; the one closest to the previous network is kept (default 3)")
    p.add_argument("--lam", type=_lam, default=0.9,
                   help="knockdown factor of each step's topology read-out (default 0.9; the paper's Fig. 4 used 0.5)")
    _add_distribution_options(p, "seeds")
    _add_output_options(p, "runs/TASK-sparsify-<time>")
    p.set_defaults(handler=_cmd_sparsify)

    p = sub.add_parser("study", help="train many seeds, mutate every model, and count topologies",
                       description="Ensemble study (the paper's Fig. 3d-e): writes DIR/study.csv, "
                                   "DIR/topologies.csv, DIR/summary.json, the cutoff scan and a figure of the "
                                   "most frequent topologies.")
    _add_task_options(p, 200, "runs", "training iterations (default: the task's)")
    p.add_argument("--lam", type=_lam, default=0.9, help="knockdown factor of the link test (default 0.9)")
    p.add_argument("--cutoff", type=_cutoff, default="auto",
                   help="|strength| at or below which a link is absent, or 'auto' (default)")
    p.add_argument("--noise", type=float, default=None, help="std of noise on f while training (default: the task's)")
    _add_distribution_options(p, "training")
    _add_output_options(p, "runs/TASK-study-<time>")
    p.set_defaults(handler=_cmd_study)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``grnsearch`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except GrnsearchError as err:
        print(f"grnsearch: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("grnsearch: interrupted; runs not yet written were discarded", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
