"""Tasks: the built-in ones by name, and task files. ``get(name, **params)`` builds a built-in
task from its file shipped in ``tasks/data/``; ``load(path)`` reads a task file; ``resolve(text)``
takes either (what the command line's TASK is); ``names()`` lists the built-in tasks."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.tasks.adaptation import adaptation
from grnsearch.tasks.base import Conditions, DemoCondition, Task
from grnsearch.tasks.declarative import DeclarativeTask
from grnsearch.tasks.files import BUILTIN_DIR, builtin, load, parse
from grnsearch.tasks.oscillation import oscillation, oscillation3
from grnsearch.tasks.writing import task_text


def names() -> list[str]:
    """Names of the built-in tasks (the task files shipped in ``tasks/data/``)."""
    data = resources.files("grnsearch.tasks") / BUILTIN_DIR
    return sorted(p.name[: -len(".toml")] for p in data.iterdir() if p.name.endswith(".toml"))


def get(name: str, **params: Any) -> DeclarativeTask:
    """The built-in task called ``name``, its success thresholds changed by ``params``;
    GrnsearchError listing the choices if there is none."""
    if name not in names():
        raise GrnsearchError(f"unknown task {name!r}: choose one of {', '.join(names())}, or give a task file")
    return builtin(name).with_params(**params)


def resolve(text: str | Path) -> DeclarativeTask:
    """The task a command line names: a built-in name, else the path of a task file."""
    text = str(text)
    if text in names():
        return get(text)
    if text.endswith(".toml") or Path(text).exists() or any(c in text for c in "/\\"):
        return load(text)
    raise GrnsearchError(
        f"unknown task {text!r}: give a built-in task ({', '.join(names())}) or the path of a task file "
        "(see 'grnsearch task new')"
    )


RECORD = "task.toml"  # the task file an output directory (a study, a search) keeps of its task


def record_text(task: Task) -> str | None:
    """The task file an output directory keeps of ``task`` (tables inline), or None for a task
    that is not stated as a file."""
    if not isinstance(task, DeclarativeTask):
        return None
    header = f"the task of this directory ({task.name}, from {task.source}); pass this file as TASK to rerun it"
    return task_text(task, header, inline=True)


def recorded(directory: str | Path, name: str) -> DeclarativeTask:
    """The task of an output directory: its ``task.toml`` when it has one (it must state the task
    ``name``), else the built-in task ``name`` (directories of earlier versions)."""
    path = Path(directory) / RECORD
    if not path.exists():
        return get(name)
    task = load(path)
    if task.name != name:
        raise GrnsearchError(f"{path} states the task {task.name!r}, not {name!r}; restore the directory's task file")
    return task


def gap_genes(**criteria: float) -> DeclarativeTask:
    """The gap-gene task (``data/gap-genes.toml``), its threshold ``max_mse`` changed by ``criteria``."""
    return get("gap-genes", **criteria)


__all__ = [
    "Conditions",
    "DeclarativeTask",
    "DemoCondition",
    "Task",
    "adaptation",
    "gap_genes",
    "get",
    "load",
    "names",
    "oscillation",
    "oscillation3",
    "parse",
    "record_text",
    "recorded",
    "resolve",
    "task_text",
]
