"""Argument types, the option groups several commands share, and the map from library parameters
to command-line flags (library errors name parameters; the CLI shows its flags)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grnsearch import tasks
from grnsearch.config import (
    ARCHITECTURES,
    FREE_STARTS,
    INITS,
    MAX_ITERATIONS,
    MAX_SEED,
    MAX_SEEDS,
    SCHEDULES,
    Distribution,
    check_seed,
)
from grnsearch.errors import GrnsearchError
from grnsearch.network.links import format_link, parse_link
from grnsearch.readout.sparsify import RESTART_STRIDE
from grnsearch.tasks.base import Task

# library parameter -> the flag (or argument) that sets it
FLAGS: dict[str, str] = {
    "arch": "--arch",
    "init": "--init",
    "init_std": "--init-std",
    "free_start": "--free-start",
    "iterations": "--iterations",
    "extra_iterations": "--extra-iterations",
    "learning_rate": "--learning-rate",
    "schedule": "--schedule",
    "knockout": "--knockout",
    "scale": "--scale",
    "all_runs": "--all-runs",
    "noise": "--noise",
    "solver": "--solver",
    "blocked": "--block",
    "seeds": "--seeds",
    "seed": "--seed",
    "lam": "--lam",
    "mode": "--mode",
    "cutoff": "--cutoff",
    "switching": "--switching",
    "verdict": "--verdict",
    "tries": "--tries",
    "restarts": "--restarts",
    "protect_inputs": "--protect-inputs",
    "workers": "--workers",
    "scheduler": "--scheduler",
    "samples": "--samples",
    "resume": "--resume",
    "out": "--out",
    "out_dir": "--out",
    "overwrite": "--overwrite",
    "topology": "--topology",
    "n": "--n",
    "coupling": "--coupling",
    "window": "--window",
    "steps_between": "--steps-between",
    "batch": "--batch",
    "time_unit": "--time-unit",
    "hidden": "--hidden",
    "model": "--model",
    "held_out": "--held-out",
    "baselines": "--baselines",
    "genes": "--genes",
    "inputs": "--inputs",
    "gold": "GOLD",
    "task": "TASK",
    "run_dirs": "RUN_DIR",
}


def positive_int(text: str) -> int:
    """argparse type: a whole number > 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return value


def count_up_to(maximum: int, minimum: int = 1) -> Callable[[str], int]:
    """An argparse type for a whole number in [minimum, maximum] (larger runs would not finish or fit)."""

    def parse(text: str) -> int:
        if minimum == 1:
            value = positive_int(text)
        else:
            try:
                value = int(text)
            except ValueError:
                raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}") from None
            if value < minimum:
                raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {value}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"expected at most {maximum:,}, got {value:,}")
        return value

    return parse


def seed(text: str) -> int:
    """argparse type: a seed, a whole number from 0 to 2**32 - 1 (what a JAX key holds)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected a seed from 0 to {MAX_SEED} (JAX keys hold 32 bits), got {text!r}"
        ) from None
    return value


def cutoff(text: str) -> float | str:
    """argparse type: a non-negative number or ``auto``."""
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'auto', got {text!r}") from None
    if not 0 <= value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a finite non-negative number or 'auto', got {text!r}")
    return value


def number_in(
    low: float, high: float, *, include_low: bool = True, include_high: bool = True, what: str = "a number"
) -> Callable[[str], float]:
    """An argparse type for a number between ``low`` and ``high``, each bound included or not
    (nan is never in range, nor is inf unless it is an included bound)."""
    expected = f"{what} in {'[' if include_low else '('}{low:g}, {high:g}{']' if include_high else ')'}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        above = low <= value if include_low else low < value
        below = value <= high if include_high else value < high
        if not (above and below):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


noise = number_in(0.0, math.inf, include_high=False, what="a noise standard deviation")
init_std = number_in(0.0, math.inf, include_low=False, include_high=False, what="a standard deviation")
lam = number_in(0.0, 1.0, include_high=False, what="a knockdown factor (0 = knockout)")
learning_rate = number_in(0.0, math.inf, include_low=False, include_high=False, what="a learning rate")
hill_exponent = number_in(1.0, 8.0, what="a Hill exponent")
strength_cutoff = number_in(0.0, float("inf"), include_high=False, what="a strength cutoff")


def add_task_options(p: argparse.ArgumentParser, seeds: int, what: str, iterations_help: str) -> None:
    """TASK, the seeds and the model settings of train, sparsify and study."""
    p.add_argument(
        "task", metavar="TASK", help=f"a built-in task ({', '.join(tasks.names())}) or the path of a task file"
    )
    p.add_argument("--seeds", type=count_up_to(MAX_SEEDS), default=seeds, help=f"number of {what} (default {seeds})")
    p.add_argument("--seed", type=seed, default=0, help="first seed; the others follow as seed+1, ... (default 0)")
    p.add_argument("--arch", choices=ARCHITECTURES, default=None, help="MLP architecture (default: the task's)")
    p.add_argument("--iterations", type=count_up_to(MAX_ITERATIONS), default=None, help=iterations_help)
    p.add_argument(
        "--extra-iterations",
        type=count_up_to(MAX_ITERATIONS, minimum=0),
        default=None,
        help="more iterations only for runs not yet converged after --iterations, each until it converges "
        "(default: the task's; 6000 for gap-genes, 0 for the others)",
    )
    p.add_argument(
        "--learning-rate", type=learning_rate, default=None, help="the optimiser's rate (default: the task's)"
    )
    p.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default=None,
        help="learning rate constant, or falling along a half cosine to a tenth of it (default: the task's)",
    )
    p.add_argument(
        "--init",
        choices=INITS,
        default=None,
        help="weight initialisation: glorot (uniform weights, zero biases) or normal (weights and "
        "biases from a truncated normal, the authors' code) (default: the task's)",
    )
    p.add_argument("--init-std", type=init_std, default=None, help="standard deviation of --init normal (default 0.1)")
    p.add_argument(
        "--free-start",
        choices=FREE_STARTS,
        default=None,
        help="start of the genes the task leaves free: zero or uniform in [0, 1) (default: the task's)",
    )


def model_options(args: argparse.Namespace) -> dict[str, Any]:
    """The training settings shared by train, sparsify and study (None keeps the task's)."""
    return {
        "arch": args.arch,
        "iterations": args.iterations,
        "extra_iterations": args.extra_iterations,
        "learning_rate": args.learning_rate,
        "schedule": args.schedule,
        "init": args.init,
        "init_std": args.init_std,
        "free_start": args.free_start,
    }


def add_distribution_options(p: argparse.ArgumentParser, what: str) -> None:
    """--workers and --scheduler."""
    p.add_argument(
        "--workers", type=positive_int, default=None, help=f"run {what} on a local Dask cluster of N processes"
    )
    p.add_argument(
        "--scheduler", default=None, metavar="ADDR", help=f"run {what} on an existing Dask scheduler (tcp://host:port)"
    )


def distribution(args: argparse.Namespace) -> Distribution:
    """The Distribution named by --workers and --scheduler."""
    return Distribution(workers=args.workers, scheduler=args.scheduler)


def add_output_options(p: argparse.ArgumentParser, default_dir: str) -> None:
    """--out, --overwrite, --no-figures and --quiet."""
    p.add_argument("--out", type=Path, default=None, help=f"output directory (default {default_dir})")
    add_overwrite_option(p, "replace an existing --out, whole (only a directory grnsearch wrote for this command)")
    add_quiet_options(p)


def add_overwrite_option(p: argparse.ArgumentParser, what: str) -> None:
    """--overwrite."""
    p.add_argument("--overwrite", action="store_true", help=what)


def add_quiet_options(p: argparse.ArgumentParser, figures: str = "skip figures") -> None:
    """--no-figures and --quiet."""
    p.add_argument("--no-figures", action="store_true", help=figures)
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def blocked_links(task: Task, texts: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The task's own blocked links (its file's ``[defaults] blocked``) and the ``--block`` values,
    as (source, target) pairs, each checked against the task's nodes."""
    given = tuple(parse_link(text, parameter="blocked") for text in texts)
    for k, link in enumerate(given):
        task.check_link(link)
        if link in given[:k]:
            raise GrnsearchError(f"link {format_link(*link)} is given more than once", parameter="blocked")
    blocked = tuple(dict.fromkeys(task.defaults.blocked + given))  # the task's own may be named again
    if len(set(blocked)) == len(task.sources) * len(task.genes):
        raise GrnsearchError("blocks every link of the task, which leaves nothing to train", parameter="blocked")
    return blocked


def check_seeds(args: argparse.Namespace, restarts: int = 1) -> None:
    """--seed and --seeds checked before any output directory is made: every seed used (restart r
    of a sparsification path adds r * RESTART_STRIDE) must fit a JAX key."""
    check_seed(args.seed, "seed", count=args.seeds + (restarts - 1) * RESTART_STRIDE)


def show_progress(quiet: bool) -> bool:
    """Progress bars only on a terminal, and never with --quiet."""
    return not quiet and sys.stderr.isatty()


def say(*lines: str) -> None:
    """A start-up or progress line on standard error."""
    for line in lines:
        print(line, file=sys.stderr)
