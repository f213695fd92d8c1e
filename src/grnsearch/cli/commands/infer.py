"""``grnsearch infer``: a signed network from measured time courses, with baselines and a score."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from grnsearch.cli import options
from grnsearch.config import MAX_ITERATIONS, MAX_SEEDS, MODELS
from grnsearch.dynamics.spatial import COUPLINGS
from grnsearch.infer.baselines import BASELINES
from grnsearch.infer.series import source_names
from grnsearch.infer.task import BATCH, MODEL_DEFAULTS
from grnsearch.io.scoring import PredictedNetwork, read_gold
from grnsearch.io.timeseries import read_time_series
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.infer import write_inference
from grnsearch.workflows.infer import InferenceSettings, infer_network

SHOWN_EDGES = 12


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "infer",
        help="infer a signed regulatory network from measured time courses, beside baselines",
        description="Fit an ensemble of neural ODE models to time courses (windows of observations, "
        "Euler steps between them, one experiment held out), read every link's strength out along the "
        "data by knocking it out, and fit the linear, tree (dynGENIE3-style) and correlation baselines "
        "to the same data. Writes links.csv, edges.csv (with sign stability over the seeds), GraphML, "
        "figures, and with --gold the scores of every method.",
    )
    _data_options(p)
    _training_options(p)
    _model_options(p)
    _readout_options(p)
    options.add_distribution_options(p, "the seeds' training")
    options.add_output_options(p, "runs/infer-<data>-<time>")
    p.set_defaults(handler=run)


def _data_options(p: argparse.ArgumentParser) -> None:
    """DATA and which of its columns are what."""
    p.add_argument(
        "data",
        type=Path,
        metavar="DATA",
        help="CSV experiment,time[,position],<node columns>, or .npz (see the README)",
    )
    p.add_argument(
        "--genes",
        type=_names,
        default=None,
        metavar="G,...",
        help="gene columns (default: every node column not named in --inputs)",
    )
    p.add_argument(
        "--inputs",
        type=_names,
        default=None,
        metavar="I,...",
        help="driven input columns: used as regulators, never predicted",
    )
    p.add_argument(
        "--coupling",
        choices=COUPLINGS,
        default="none",
        help="coupling between positions: none, ring-mean (the cellular automaton) or "
        "chain-diffusion (a row of nuclei); adds a source nbr_X per gene X",
    )


def _training_options(p: argparse.ArgumentParser) -> None:
    """How the ensemble is fitted."""
    p.add_argument(
        "--steps-between",
        type=options.count_up_to(10_000),
        default=10,
        metavar="K",
        help="Euler steps between consecutive observations (dt = interval / K; default 10)",
    )
    p.add_argument(
        "--window",
        type=options.count_up_to(10_000, minimum=2),
        default=4,
        metavar="W",
        help="observations per training window (default 4, as the authors)",
    )
    p.add_argument(
        "--seeds",
        type=options.count_up_to(MAX_SEEDS),
        default=InferenceSettings.seeds,
        metavar="N",
        help=f"models in the ensemble (default {InferenceSettings.seeds})",
    )
    p.add_argument(
        "--iterations",
        type=options.count_up_to(MAX_ITERATIONS),
        default=None,
        metavar="K",
        help="training iterations per model (default "
        + ", ".join(f"{MODEL_DEFAULTS[m].iterations} for {m}" for m in MODELS)
        + ")",
    )
    p.add_argument("--seed", type=options.seed, default=0, help="first seed (default 0)")
    p.add_argument(
        "--time-unit",
        type=options.number_in(0.0, float("inf"), include_low=False, include_high=False),
        default=1.0,
        metavar="U",
        help="the model's time unit in the data's (default 1): its genes decay at rate 1 per unit, so give "
        "about the genes' lifetime (half-life / ln 2), e.g. 15 for proteins of 10-minute half-life in minutes",
    )
    p.add_argument(
        "--batch",
        type=options.count_up_to(100_000),
        default=BATCH,
        help=f"windows per training iteration (default {BATCH})",
    )
    p.add_argument(
        "--held-out",
        default=None,
        metavar="EXPERIMENT",
        help="the experiment kept for validation (default: the last, if there are two or more)",
    )


def _model_options(p: argparse.ArgumentParser) -> None:
    """The class of f and its shape."""
    p.add_argument(
        "--model",
        choices=MODELS,
        default=InferenceSettings.model,
        help=f"the class of f (default {InferenceSettings.model}): mlp, a neural network (--hidden); hill, a "
        "Hill-form model in which every link may activate or repress",
    )
    p.add_argument(
        "--hidden",
        type=_layers,
        default=None,
        metavar="H,...|none",
        help="hidden layer sizes of the mlp model (default 64,64, the authors'); 'none': f is a logistic "
        "function of a weighted sum of the sources, the gene circuit's form",
    )


def _readout_options(p: argparse.ArgumentParser) -> None:
    """How links are read out, the baselines and the gold standard."""
    p.add_argument(
        "--lam",
        type=options.number_in(0.0, 1.0, include_high=False),
        default=0.0,
        help="scale of a cut link (default 0: knockout)",
    )
    p.add_argument(
        "--mode",
        choices=("derivative", "trajectory"),
        default="derivative",
        help="read links from the rates at the data (default) or from runs through the windows",
    )
    p.add_argument(
        "--baselines",
        type=_baselines,
        default=tuple(BASELINES),
        metavar="NAMES",
        help=f"comma-separated, from {','.join(BASELINES)}; 'none' for none (default: all)",
    )
    p.add_argument(
        "--gold",
        type=Path,
        default=None,
        metavar="GOLD.csv",
        help="score every method against the true links (source,target,sign)",
    )


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return names


def _layers(text: str) -> tuple[int, ...]:
    if text.strip() == "none":
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = (0,)
    if any(size <= 0 for size in sizes):
        raise argparse.ArgumentTypeError(f"expected positive layer sizes such as 64,64, or none, got {text!r}")
    return sizes


def _baselines(text: str) -> tuple[str, ...]:
    if text.strip() == "none":
        return ()
    names = _names(text)
    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown baseline {unknown[0]!r}; choose from {','.join(BASELINES)} or none")
    return names


def run(args: argparse.Namespace) -> int:
    settings = InferenceSettings(
        coupling=args.coupling,
        window=args.window,
        steps_between=args.steps_between,
        seeds=args.seeds,
        seed=args.seed,
        iterations=args.iterations,
        model=args.model,
        time_unit=args.time_unit,
        hidden=args.hidden,
        batch=args.batch,
        held_out=args.held_out,
        lam=args.lam,
        mode=args.mode,
        baselines=args.baselines,
    )
    series = read_time_series(args.data, genes=args.genes, inputs=args.inputs, window=args.window)
    sources = source_names(series, args.coupling)
    gold = None
    if args.gold is not None:
        gold = read_gold(
            args.gold, PredictedNetwork(np.zeros((len(sources), len(series.genes))), sources, series.genes)
        )
    distribution = options.distribution(args)
    out = prepare_output_dir(args.out, f"infer-{args.data.stem}", args.overwrite, "infer")
    if not args.quiet:
        options.say(f"fitting {args.seeds} model(s) to {len(series.experiments)} experiment(s) of {args.data}")
    result = infer_network(series, settings, distribution=distribution, progress=options.show_progress(args.quiet))
    write_inference(
        out, result, gold=gold, gold_name=str(args.gold), figures=not args.no_figures, overwrite=args.overwrite
    )
    if not args.quiet:
        _report(result, out)
    return 0


def _report(result, out: Path) -> None:
    summary = result.summary()
    print(
        f"{summary['converged']} of {summary['models']} models beat no change on {summary['validated_on']} "
        f"(error {np.median(summary['validation_rmse']):.4f} against {summary['no_change_rmse']:.4f})"
    )
    strength, stability = result.consensus.strength, result.consensus.stability
    order = np.argsort(-np.abs(strength), axis=None)[:SHOWN_EDGES]
    print(f"strongest links (median strength, sign stability over {int(result.basis.sum())} models):")
    for flat in order:
        i, j = np.unravel_index(flat, strength.shape)
        arrow = "->" if strength[i, j] > 0 else "-|"
        print(
            f"  {result.sources[i]:>12} {arrow} {result.task.genes[j]:<12} {strength[i, j]:+.4f}  {stability[i, j]:.2f}"
        )
    scores = out / "scores.csv"
    if scores.exists():
        rows = pd.read_csv(scores)
        table = rows.pivot(index="method", columns="convention", values="auroc")
        print(f"AUROC against the gold standard (AUPR too in {scores}):")
        print(table.loc[list(dict.fromkeys(rows["method"]))].round(3).to_string())
    print(f"wrote {out}")
