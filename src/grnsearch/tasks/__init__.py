"""Built-in tasks, by name. ``get(name, **params)`` builds one; ``names()`` lists them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.tasks.adaptation import AdaptationTask, adaptation
from grnsearch.tasks.atlas import adaptation_atlas
from grnsearch.tasks.base import Conditions, DemoCondition, Task
from grnsearch.tasks.gap_genes import GapGenesTask, gap_genes
from grnsearch.tasks.oscillation import OscillationTask, oscillation, oscillation3

_REGISTRY: dict[str, Callable[..., Task]] = {
    "adaptation": adaptation,
    "adaptation-atlas": adaptation_atlas,
    "gap-genes": gap_genes,
    "oscillation": oscillation,
    "oscillation3": oscillation3,
}


def names() -> list[str]:
    """Names of the built-in tasks."""
    return sorted(_REGISTRY)


def get(name: str, **params: Any) -> Task:
    """The built-in task called ``name``; GrnsearchError listing the choices if there is none."""
    if name not in _REGISTRY:
        raise GrnsearchError(f"unknown task {name!r}: choose one of {', '.join(names())}")
    return _REGISTRY[name](**params)


__all__ = [
    "AdaptationTask",
    "Conditions",
    "DemoCondition",
    "GapGenesTask",
    "OscillationTask",
    "Task",
    "adaptation",
    "adaptation_atlas",
    "gap_genes",
    "get",
    "names",
    "oscillation",
    "oscillation3",
]
