"""Writing a task as a task file: the inverse of :func:`grnsearch.tasks.files.parse`, so that
``grnsearch task show NAME`` prints a file that reads back to an equal task. With ``inline``,
tables read from CSV files are written as their values, so that the text alone rebuilds the task
(what a run directory records).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from grnsearch.config import TrainConfig
from grnsearch.tasks.declarative import DeclarativeTask
from grnsearch.tasks.protocols import Condition, Protocol
from grnsearch.tasks.schedules import Table
from grnsearch.tasks.screens import screen_toml
from grnsearch.tasks.targets import TableTarget
from grnsearch.tasks.toml_writer import dumps


def task_document(task: DeclarativeTask, inline: bool = False) -> dict[str, Any]:
    """The task as a TOML document (a dict for :func:`~grnsearch.tasks.toml_writer.dumps`)."""
    doc: dict[str, Any] = {"name": task.name}
    if task.description:
        doc["description"] = task.description
    doc |= {"genes": list(task.genes), "inputs": list(task.inputs), "scored": list(task.scored)}
    doc |= {"dt": task.dt, "steps": task.n_steps, "loss": task.loss_reduction}
    if task.references_name:
        doc["references"] = task.references_name
    starts = {g: v for g, v in zip(task.genes, task.initial_values, strict=True) if v is not None}
    if starts:
        doc["initial"] = starts
    doc["defaults"] = _defaults(task.defaults, task.sparsify_iterations)
    if task.spatial:
        doc["space"] = _space(task)
    doc["metrics"] = {"summary": list(task.metric_names)} | _protocol(task.metric_protocol, inline, dt=True)
    doc["mutation"] = _mutation(task, inline)
    if task.check is not None:
        doc["check"] = _protocol(task.check, inline, dt=True)
    if task.demo is not None:
        doc["demo"] = _protocol(task.demo, inline, dt=False)
    if task.path_bands or task.paper_figures:
        doc["figures"] = {"path_bands": [list(b) for b in task.path_bands], "paper": dict(task.paper_figures)}
    if task.hill_screen is not None:
        doc["hill_screen"] = screen_toml(task.hill_screen, task.hill_space, task.genes, task.inputs)
    doc["condition"] = [_condition(c, inline) for c in task.training.conditions]
    doc["metric"] = [m.to_toml() for m in task.metric_specs]
    doc["criterion"] = [c.to_toml() for c in task.criteria]
    return doc


def task_text(task: DeclarativeTask, header: str = "", inline: bool = False) -> str:
    """The task file of ``task`` as TOML text, after the comment ``header``."""
    return dumps(task_document(task, inline), header)


def _defaults(config: TrainConfig, sparsify: int | None) -> dict[str, Any]:
    out = config.to_dict()
    if not out["blocked"]:
        del out["blocked"]
    if config.init != "normal":
        del out["init_std"]  # Glorot-uniform has no standard deviation
    if sparsify is not None:
        out["sparsify_iterations"] = sparsify
    return out


def _space(task: DeclarativeTask) -> dict[str, Any]:
    out: dict[str, Any] = {"positions": list(task.positions), "coupling": task.coupling}
    if task.score_steps:
        out["score_steps"] = list(task.score_steps)
    if task.demo_positions:
        out["demo_positions"] = list(task.demo_positions)
    if task.dosage_panel:
        out["dosage_panel"] = [[name, factor] for name, factor in task.dosage_panel]
    return out


def _mutation(task: DeclarativeTask, inline: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"knockdown": task.knockdown, "effect": task.effect}
    if task.spatial:
        out["positions"] = list(task.mutation_positions)
    return out | _protocol(task.mutation, inline, dt=False)


def _protocol(protocol: Protocol | None, inline: bool, dt: bool) -> dict[str, Any]:
    if protocol is None:
        return {}
    out: dict[str, Any] = {}
    if dt and protocol.dt is not None:
        out["dt"] = protocol.dt
    if protocol.steps is not None:
        out["steps"] = protocol.steps
    out["condition"] = [_condition(c, inline) for c in protocol.conditions]
    return out


def _condition(condition: Condition, inline: bool) -> dict[str, Any]:
    if inline:
        condition = dataclasses.replace(
            condition,
            inputs=tuple((n, _inlined(s)) for n, s in condition.inputs),
            targets=tuple((g, _inlined(t)) for g, t in condition.targets),
        )
    return condition.to_toml()


def _inlined(primitive: Any) -> Any:
    """A table primitive with its values inline (no file), else the primitive itself."""
    if isinstance(primitive, Table):
        return dataclasses.replace(primitive, file=None)
    if isinstance(primitive, TableTarget):
        return TableTarget(dataclasses.replace(primitive.table, file=None))
    return primitive
