"""``grnsearch task``: task files. ``show`` prints a task (a built-in name or a file) as a task
file, ``check`` reads one and says what it defines, ``new`` writes a commented template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grnsearch import tasks
from grnsearch._files import write_atomic
from grnsearch.cli import options
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.declarative import DeclarativeTask
from grnsearch.tasks.hill_screen import as_spec
from grnsearch.tasks.measures import Criterion
from grnsearch.tasks.template import TEMPLATE


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "task",
        help="show, check or start a task file",
        description="Task files state a task in TOML: every command that takes TASK takes a built-in name "
        f"({', '.join(tasks.names())}) or the path of a task file.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print a task as a task file", description="Print TASK as a task file.")
    show.add_argument("task", metavar="TASK", help="a built-in task name or a task file")
    _add_out(show, "write the file here instead of printing it")
    show.set_defaults(handler=run_show)
    check = actions.add_parser(
        "check", help="check a task file and say what it defines", description="Read and check a task file."
    )
    check.add_argument("task", metavar="FILE", help="the task file")
    check.set_defaults(handler=run_check)
    new = actions.add_parser(
        "new", help="write a commented template", description="Write a commented template of a task file."
    )
    _add_out(new, "write the template here instead of printing it")
    new.set_defaults(handler=run_new)


def _add_out(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--out", type=Path, default=None, help=what)
    options.add_overwrite_option(p, "replace an existing --out file")


def _emit(text: str, out: Path | None, overwrite: bool) -> None:
    """``text`` on standard output, or written to the file ``out`` (never over an existing one
    without ``overwrite``, never over a directory)."""
    if out is None:
        sys.stdout.write(text)
        return
    if out.is_dir():
        raise GrnsearchError(f"{out} is a directory; give the path of a file to write", parameter="out")
    if out.exists() and not overwrite:
        raise GrnsearchError(f"{out} exists; give another path, or add `overwrite` to replace it", parameter="out")
    write_atomic(out, text)
    print(f"wrote {out}", file=sys.stderr)


def run_show(args: argparse.Namespace) -> int:
    task = tasks.resolve(args.task)
    header = (
        f"grnsearch task file of {task.name} (from {task.source}); edit it and pass its path as TASK\n"
        "(grnsearch task new writes a commented template of every key)"
    )
    _emit(tasks.task_text(task, header), args.out, args.overwrite)
    return 0


def run_check(args: argparse.Namespace) -> int:
    task = tasks.load(args.task)
    print(f"{args.task}: a valid task file")
    print("\n".join(describe(task)))
    return 0


def run_new(args: argparse.Namespace) -> int:
    _emit(TEMPLATE, args.out, args.overwrite)
    return 0


def describe(task: DeclarativeTask) -> list[str]:
    """What a task defines, in a few lines."""
    free = [g for g, v in zip(task.genes, task.initial_values, strict=True) if v is None]
    d = task.defaults
    lines = [
        f"task {task.name!r}" + (f": {task.description}" if task.description else ""),
        f"  genes {', '.join(task.genes)} (scored: {', '.join(task.scored)}; free starts: {', '.join(free) or 'none'})",
        f"  inputs {', '.join(task.inputs) or 'none'}",
        f"  {task.n_steps} Euler steps of dt {task.dt:g}"
        + (f" at {len(task.positions)} positions" if task.spatial else ""),
        f"  training conditions: {', '.join(task.training.names())}",
        f"  metrics: {', '.join(m.name for m in task.metric_specs)} (summary: {', '.join(task.metric_names)})",
        f"  success: {'; '.join(_criterion(c) for c in task.criteria)}",
        f"  defaults: {d.arch} {'-'.join(map(str, d.hidden))} MLP, {d.optimizer} lr {d.learning_rate:g}, "
        f"{d.iterations} iterations, noise {d.noise:g}, init {d.init}",
        f"  link test: knockdown {task.knockdown:g}, effect {task.effect}",
        f"  Hill screen: {_screen(task)}",
    ]
    return lines


def _screen(task: DeclarativeTask) -> str:
    if task.hill_screen is None:
        return "none"
    spec = as_spec(task.hill_screen, len(task.inputs))
    names = ", ".join(c.name for c in spec.conditions)
    where = f"{task.hill_space} space" if spec.space is None else f"{len(spec.space.enumerate()):,} topologies"
    return (
        f"conditions {names} in {len(spec.stages)} stage(s), readout {task.genes[spec.readout]}, {spec.steps} "
        f"Euler steps of dt {spec.dt:g}, {spec.samples} sets per topology; {where}"
    )


def _criterion(c: Criterion) -> str:
    if c.target is None:
        symbol = {"at_least": ">=", "at_most": "<=", "below": "<", "above": ">"}[c.rule]
        return f"{c.metric} {symbol} {c.threshold:g}"
    relative = " x" if c.rule == "relative_tolerance" else ""
    return f"{c.metric} within {c.threshold:g}{relative} of {c.target:g}"
