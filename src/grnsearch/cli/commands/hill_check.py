"""``grnsearch hill-check``: convert a trained run's topology to a Hill-function model."""

from __future__ import annotations

import argparse
from pathlib import Path

from grnsearch.cli import options
from grnsearch.dynamics.hill import genes_without_activator
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.fit import fit_hill
from grnsearch.io.runs import load_run
from grnsearch.outputs.directories import prepare_output_dir
from grnsearch.outputs.hill_check import hill_dir, write_hill_check
from grnsearch.workflows.hill_check import run_topology


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "hill-check",
        help="convert a trained run's topology to a Hill-function model",
        description="Fit a Hill-function model (n = 2) of the run's topology to its task, report "
        "whether it performs the task (exit 0) or not (exit 1) on the exact solution of "
        "its ODE (adaptive Tsit5; the Euler verdict and metrics are reported beside it), and write "
        "RUN_DIR/hill/: hill_check.json, hill_model.xml (SBML) and hill_model.antimony "
        "with the task's stimulus protocol, hill_trajectories.csv (exact-ODE trajectories), "
        "hill_check.omex (a COMBINE archive that simulators run) and a Hill-against-RNN figure.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (seed-<k>) from train, study or sparsify")
    p.add_argument(
        "--topology",
        default=None,
        metavar="KEY",
        help="check this topology instead of the run's (e.g. 'I->g1:+ I->g2:+ g2->g1:-')",
    )
    p.add_argument("--n", type=options.hill_exponent, default=2.0, help="Hill exponent (default 2, the paper's)")
    p.add_argument("--seed", type=options.seed, default=0, help="seed of the parameter sampling (default 0)")
    options.add_overwrite_option(p, "replace an earlier RUN_DIR/hill/")
    options.add_quiet_options(p, "skip the figure")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    trained = load_run(run_dir)
    prepare_output_dir(hill_dir(run_dir), "hill", args.overwrite, "hill-check", parameter=None)
    topology, origin = run_topology(run_dir, trained, args.topology)
    if topology.n_links == 0:
        if args.topology is not None:
            raise GrnsearchError("the topology has no links; nothing to convert", parameter="topology")
        raise GrnsearchError(f"{run_dir}: the topology has no links; nothing to convert")
    if not args.quiet:
        options.say(f"grnsearch: Hill model of {topology.key()} (from {origin})")
        for gene in genes_without_activator(topology):
            options.say(
                f"note: nothing activates {gene}; Hill models have no basal rate, so {gene} is not made "
                "and its links act on nothing"
            )
    fit = fit_hill(trained.task, topology, seed=args.seed, n=args.n)
    source = "--topology" if args.topology is not None else origin
    out = write_hill_check(
        run_dir,
        trained,
        fit,
        figures=not args.no_figures,
        seed=args.seed,
        topology_source=source,
        overwrite=args.overwrite,
    )
    if not args.quiet:
        verdict = "performs" if fit.performs else "does NOT perform"
        euler = "performs" if fit.performs_euler else "does not perform"
        extra = ", ".join(f"{k} {v}" for k, v in fit.details.items() if not isinstance(v, float))
        print(
            f"the Hill model {verdict} the task {trained.task.name} on the exact solution (it {euler} it by "
            f"Euler steps; {fit.method}: {extra})"
        )
        for name, metrics in fit.metrics.items():
            detail = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items() if isinstance(v, float))
            how = ", ".join(f"{k} {v}" for k, v in fit.integrators.get(name, {}).items())
            print(f"  {name} ({how}): {detail}")
        print(
            f"wrote {out}/hill_check.json, hill_model.xml (SBML), hill_model.antimony, hill_trajectories.csv, "
            f"hill_check.omex (COMBINE archive){'' if args.no_figures else ', hill_vs_rnn.png'}"
        )
    return 0 if fit.performs else 1
