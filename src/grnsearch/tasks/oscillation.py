"""Controlled oscillation (the paper's Fig. 3-4): g1 oscillates under input I1 and holds a high
steady level under input I2.

The tasks are the files ``data/oscillation.toml`` (two genes) and ``data/oscillation3.toml``
(three); their comments give the protocol, the initialisation, the metrics and the success
criterion. This module keeps the builders, the target wave and the period measure.
"""

from __future__ import annotations

import numpy as np

from grnsearch.tasks.declarative import DeclarativeTask
from grnsearch.tasks.files import builtin
from grnsearch.tasks.measures import peak_period as _peak_period
from grnsearch.tasks.targets import triangle

PULSE_EVERY, PULSE_RISE = 15, 5


def triangle_wave(steps: np.ndarray) -> np.ndarray:
    """Pulses starting every 15 steps: 0 -> 1 over 5 steps, back to 0 over 5, then 5 at 0."""
    return triangle(steps, PULSE_EVERY, PULSE_RISE, PULSE_RISE).astype(np.float32)


def oscillation(**criteria: float) -> DeclarativeTask:
    """Two-gene controlled oscillation (``data/oscillation.toml``), its success thresholds
    changed by ``criteria`` (``min_peak_to_trough``, ``period_tolerance``, ...)."""
    return builtin("oscillation").with_params(**criteria)


def oscillation3(**criteria: float) -> DeclarativeTask:
    """Three-gene controlled oscillation (``data/oscillation3.toml``)."""
    return builtin("oscillation3").with_params(**criteria)


__all__ = ["_peak_period", "oscillation", "oscillation3", "triangle_wave"]
