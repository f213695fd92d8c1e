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
from typing import Any

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


def _default_out(name: str) -> Path:
    """``runs/<name>-<date-time>``: where a command writes without --out."""
    return Path("runs") / f"{name}-{_dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def prepare_output_dir(out: Path | None, default_name: str, overwrite: bool) -> Path:
    """The output directory, created and checked writable; GrnsearchError naming --out if not."""
    out = _default_out(default_name) if out is None else Path(out)
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
    config = task.defaults.replace(solver=args.solver, blocked=blocked, noise=args.noise, **_model_options(args))
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


def _number_in(low: float, high: float, *, include_high: bool = True, what: str = "a number"):
    """An argparse type for a number in [low, high], or [low, high) without ``include_high``."""
    expected = f"{what} in [{low:g}, {high:g}{']' if include_high else ')'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not (low <= value <= high if include_high else low <= value < high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_lam = _number_in(0.0, 1.0, include_high=False, what="a knockdown factor (0 = knockout)")
_hill_exponent = _number_in(1.0, 8.0, what="a Hill exponent")
_strength_cutoff = _number_in(0.0, float("inf"), what="a strength cutoff")


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
        blocked=blocked, **_model_options(args))
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
    config = task.defaults.replace(noise=args.noise, **_model_options(args))
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


def _cmd_search(args: argparse.Namespace) -> int:
    from grnsearch import tasks
    from grnsearch.search import run_search, task_screen

    task = tasks.get(args.task)
    task_screen(task)
    out = args.out
    if out is None:
        if args.resume:
            raise GrnsearchError("--resume needs --out DIR: the directory of the search to continue")
        out = _default_out(f"{args.task}-search")
    if not args.quiet:
        print(f"grnsearch: Hill search of {task.name}: {args.samples} parameter sets per topology, seed "
              f"{args.seed}, {_where(args)} -> {out}", file=sys.stderr)
    result = run_search(task, samples=args.samples, seed=args.seed, out=out, resume=args.resume,
                        workers=args.workers, scheduler=args.scheduler, progress=_show_progress(args.quiet))
    if not args.quiet:
        summary = result.summary()
        by_links = ", ".join(f"{n} with {k} links" for k, n in summary["successful_by_links"].items())
        print(f"{summary['successful_topologies']} of {summary['topologies']} topologies succeed"
              f"{f' ({by_links})' if by_links else ''}; successful sets per topology "
              f"{summary['successful_sets_min']} to {summary['successful_sets_max']}")
        print(f"done in {result.wall_time:.1f} s; wrote {out}/search.csv, successes.csv, summary.json")
    return 0


def _run_topology(run_dir: Path, trained, override: str | None):
    """The topology to check: --topology, else the run's topology.json from 'grnsearch mutate',
    else a fresh link test of this one model (automatic cutoff)."""
    import json

    from grnsearch.mutation import analyse
    from grnsearch.topology import Topology

    task = trained.task
    if override is not None:
        return Topology.from_key(override, task.sources, task.genes), "--topology"
    saved = run_dir / "topology.json"
    if saved.is_file():
        return Topology.from_key(json.loads(saved.read_text())["key"], task.sources, task.genes), str(saved)
    study = run_dir.resolve().parent / "study.csv"
    if study.is_file():
        import pandas as pd

        rows = pd.read_csv(study, keep_default_na=False)
        match = rows[rows["seed"] == trained.seed]
        if len(match):
            return Topology.from_key(match["topology"].iloc[0], task.sources, task.genes), str(study)
    return analyse([trained]).topologies[0], "link test of this run (no topology.json; run 'grnsearch mutate' to choose the cutoff)"


def _cmd_hill_check(args: argparse.Namespace) -> int:
    from grnsearch.export import write_hill_check
    from grnsearch.hill import genes_without_activator
    from grnsearch.hill_fit import fit_hill
    from grnsearch.io import load_run

    run_dir = Path(args.run_dir)
    trained = load_run(run_dir)
    topology, origin = _run_topology(run_dir, trained, args.topology)
    if topology.n_links == 0:
        raise GrnsearchError(f"{run_dir}: the topology has no links; nothing to convert")
    if not args.quiet:
        print(f"grnsearch: Hill model of {topology.key()} (from {origin})", file=sys.stderr)
        for gene in genes_without_activator(topology):
            print(f"note: nothing activates {gene}; Hill models have no basal rate, so {gene} is not made "
                  "and its links act on nothing", file=sys.stderr)
    fit = fit_hill(trained.task, topology, seed=args.seed, n=args.n)
    out = write_hill_check(run_dir, trained, fit, figures=not args.no_figures)
    if not args.quiet:
        verdict = "performs" if fit.performs else "does NOT perform"
        detail = ", ".join(f"{k} {v:.4g}" for k, v in fit.metrics.items() if isinstance(v, float))
        extra = ", ".join(f"{k} {v}" for k, v in fit.details.items() if not isinstance(v, float))
        print(f"the Hill model {verdict} the task {trained.task.name} ({fit.method}: {extra}; {detail})")
        print(f"wrote {out}/hill_check.json, hill_model.xml (SBML), hill_model.antimony"
              f"{'' if args.no_figures else ', hill_vs_rnn.png'}")
    return 0 if fit.performs else 1


def _cmd_compare(args: argparse.Namespace) -> int:
    import json

    from grnsearch import plots
    from grnsearch.compare import compare_directories
    from grnsearch.io import atomic_directory, write_atomic

    result = compare_directories(args.study_dir, args.search_dir, args.cutoff)
    study = Path(args.study_dir)
    if args.out is not None:
        out = Path(args.out)
    else:
        out = Path(args.search_dir) / f"compare-{study.stem}" if study.is_file() else study / "compare"
    with atomic_directory(out) as tmp:
        write_atomic(tmp / "compare.json", json.dumps(result.as_dict(), indent=2))
        write_atomic(tmp / "topologies.csv", result.table.to_csv(index=False))
        if not args.no_figures:
            plots.plot_comparison(result, tmp / "rnn_vs_hill")
    if not args.quiet:
        outside = f" ({result.runs_outside_space} more outside the search space)" if result.runs_outside_space else ""
        print(f"{result.runs} converged runs{outside}, {result.rnn_topologies} distinct RNN topologies; "
              f"{result.hill_topologies} successful Hill topologies")
        print(f"both {result.both}, RNN only {result.rnn_only} ({result.one_link_away} of them one link "
              f"from a Hill topology), Hill only {result.hill_only}")
        print(f"probability over runs: direct {100 * result.direct_probability:.1f}%, within one link "
              f"{100 * result.near_probability:.1f}% (paper: 38.3% and 54.9%); RNN topologies hold "
              f"{100 * result.hill_sets_covered:.1f}% of the Hill search's successful sets")
        print(f"wrote {out}/compare.json, topologies.csv{'' if args.no_figures else ', rnn_vs_hill.png'}")
    return 0


def _add_task_options(p: argparse.ArgumentParser, seeds: int, what: str, iterations_help: str) -> None:
    from grnsearch import tasks
    from grnsearch.config import INITS
    from grnsearch.model import ARCHITECTURES, FREE_STARTS

    p.add_argument("task", metavar="TASK", help=f"task name: {', '.join(tasks.names())}")
    p.add_argument("--seeds", type=_positive_int, default=seeds, help=f"number of {what} (default {seeds})")
    p.add_argument("--seed", type=_int, default=0, help="first seed; the others follow as seed+1, ... (default 0)")
    p.add_argument("--arch", choices=ARCHITECTURES, default=None, help="MLP architecture (default: the task's)")
    p.add_argument("--iterations", type=_positive_int, default=None, help=iterations_help)
    p.add_argument("--init", choices=INITS, default=None,
                   help="weight initialisation: glorot (uniform weights, zero biases) or normal (weights and "
                        "biases from a truncated normal, the authors' code) (default: the task's)")
    p.add_argument("--init-std", type=float, default=None, help="standard deviation of --init normal (default 0.1)")
    p.add_argument("--free-start", choices=FREE_STARTS, default=None,
                   help="start of the genes the task leaves free: zero or uniform in [0, 1) (default: the task's)")


def _model_options(args: argparse.Namespace) -> dict[str, Any]:
    """The training settings shared by train, sparsify and study (None keeps the task's)."""
    return {"arch": args.arch, "iterations": args.iterations, "init": args.init, "init_std": args.init_std,
            "free_start": args.free_start}


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

    p = sub.add_parser("search", help="exhaustive Hill-function search over every topology",
                       description="Screen every connected topology of TASK's nodes with random Hill "
                                   "parameter sets (the paper's Fig. 3d); writes DIR/search.csv (one row "
                                   "per topology), DIR/successes.csv and DIR/summary.json.")
    p.add_argument("task", metavar="TASK", help="task with a Hill-search criterion (oscillation)")
    p.add_argument("--samples", type=_positive_int, default=160_000,
                   help="random parameter sets per topology (default 160000, the paper's)")
    p.add_argument("--seed", type=_int, default=0, help="random seed of the parameter sets (default 0)")
    p.add_argument("--resume", action="store_true",
                   help="continue the interrupted search in --out DIR (same settings required)")
    _add_distribution_options(p, "topology chunks")
    p.add_argument("--out", type=Path, default=None, help="output directory (default runs/TASK-search-<time>)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=_cmd_search)

    p = sub.add_parser("hill-check", help="convert a trained run's topology to a Hill-function model",
                       description="Fit a Hill-function model (n = 2) of the run's topology to its task, report "
                                   "whether it performs the task (exit 0) or not (exit 1), and write "
                                   "RUN_DIR/hill/: hill_check.json, hill_model.xml (SBML), "
                                   "hill_model.antimony and a Hill-against-RNN figure.")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (seed-<k>) from train, study or sparsify")
    p.add_argument("--topology", default=None, metavar="KEY",
                   help="check this topology instead of the run's (e.g. 'I->g1:+ I->g2:+ g2->g1:-')")
    p.add_argument("--n", type=_hill_exponent, default=2.0, help="Hill exponent (default 2, the paper's)")
    p.add_argument("--seed", type=_int, default=0, help="seed of the parameter sampling (default 0)")
    p.add_argument("--no-figures", action="store_true", help="skip the figure")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=_cmd_hill_check)

    p = sub.add_parser("compare", help="compare an RNN study with an exhaustive Hill search",
                       description="Venn counts of RNN and Hill topologies, the share of converged runs "
                                   "whose topology the Hill search found (direct) or is one link from "
                                   "(near), and the paper's Fig. 3f. Writes DIR/compare.json, "
                                   "DIR/topologies.csv and DIR/rnn_vs_hill.png.")
    p.add_argument("study_dir", metavar="STUDY_DIR",
                   help="output of 'grnsearch study', or a CSV of link strengths (one SRC->TGT column per link)")
    p.add_argument("search_dir", metavar="SEARCH_DIR", help="output of 'grnsearch search' on the same task")
    p.add_argument("--cutoff", type=_strength_cutoff, default=None,
                   help="cut the study's strengths.csv again at this |strength| (default: the study's own "
                        "cutoff; required for a CSV; the authors used 5e-4)")
    p.add_argument("--out", type=Path, default=None,
                   help="output directory (default STUDY_DIR/compare, or SEARCH_DIR/compare-<name> for a CSV)")
    p.add_argument("--no-figures", action="store_true", help="skip the figure")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=_cmd_compare)
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
        if args.command == "search":
            print("grnsearch: interrupted; finished topology chunks are kept: run the same command with "
                  "--out DIR --resume to continue", file=sys.stderr)
        else:
            print("grnsearch: interrupted; runs not yet written were discarded", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
