"""grnsearch: find gene regulatory network topologies for a given biological function.

Train small neural dynamical models (Euler steps of dg/dt = f(g, I) - g) to perform a function,
read the signed regulatory network out of them by in-silico link knockdown, and prune it to
minimal networks (Shen, Liu, Tu & Tang, Nat Commun 2021).

    import grnsearch
    ensemble = grnsearch.train(grnsearch.tasks.adaptation(), seeds=8)
    print(ensemble.summary())
    report = grnsearch.analyse(ensemble)   # signed networks by link knockdown

The package is layered (ARCHITECTURE.md); this module re-exports the everyday entry points. They
are loaded on first use, so that ``import grnsearch`` (and the ``grnsearch`` command, which must
answer Ctrl-C at any moment) does not import jax before anything can handle an interrupt.
"""

from __future__ import annotations

import importlib
from typing import Any

from grnsearch._devices import configure_host_devices

configure_host_devices()  # before anything imports jax

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    "Distribution": "grnsearch.config",
    "ReadoutSettings": "grnsearch.config",
    "TrainConfig": "grnsearch.config",
    "GeneNetworkModel": "grnsearch.dynamics.neural",
    "GrnsearchError": "grnsearch.errors",
    "load_run": "grnsearch.io.runs",
    "save_ensemble": "grnsearch.outputs.runs",
    "save_run": "grnsearch.outputs.runs",
    "analyse": "grnsearch.readout.mutation",
    "Ensemble": "grnsearch.training.ensemble",
    "TrainedModel": "grnsearch.training.ensemble",
    "train": "grnsearch.training.ensemble",
    "tasks": "grnsearch.tasks",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    """The re-exported entry points, imported on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'grnsearch' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    value = module if module.__name__ == f"grnsearch.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
