"""Adaptation (the paper's Fig. 1-2): g1 answers a step of the input I with a pulse, then returns.

The task is the file ``data/adaptation.toml`` (its comments give the protocol, the metrics and
the success criterion); this module keeps the builder and the response shape A(s).
"""

from __future__ import annotations

from grnsearch.tasks.declarative import DeclarativeTask
from grnsearch.tasks.files import builtin
from grnsearch.tasks.targets import pulse


def adaptation(**criteria: float) -> DeclarativeTask:
    """The adaptation task (``data/adaptation.toml``), its success thresholds changed by
    ``criteria`` (``min_sensitivity``, ``max_adaptation_error``)."""
    return builtin("adaptation").with_params(**criteria)


__all__ = ["adaptation", "pulse"]
