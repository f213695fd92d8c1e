"""grnsearch: find gene regulatory network topologies for a given biological function.

Train small neural dynamical models (Euler steps of dg/dt = f(g, I) - g) to perform a function,
read the signed regulatory network out of them by in-silico link knockdown, and prune it to
minimal networks (Shen, Liu, Tu & Tang, Nat Commun 2021).

    import grnsearch
    ensemble = grnsearch.train(grnsearch.tasks.adaptation(), seeds=8)
    print(ensemble.summary())
    report = grnsearch.analyse(ensemble)   # signed networks by link knockdown

The package is layered (ARCHITECTURE.md); this module re-exports the everyday entry points.
"""

from grnsearch._devices import configure_host_devices

configure_host_devices()  # before anything imports jax

from grnsearch import tasks  # noqa: E402
from grnsearch.config import Distribution, ReadoutSettings, TrainConfig  # noqa: E402
from grnsearch.dynamics.neural import GeneNetworkModel  # noqa: E402
from grnsearch.errors import GrnsearchError  # noqa: E402
from grnsearch.io.runs import load_run  # noqa: E402
from grnsearch.outputs.runs import save_ensemble, save_run  # noqa: E402
from grnsearch.readout.mutation import analyse  # noqa: E402
from grnsearch.training.ensemble import Ensemble, TrainedModel, train  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Distribution",
    "Ensemble",
    "GeneNetworkModel",
    "GrnsearchError",
    "ReadoutSettings",
    "TrainConfig",
    "TrainedModel",
    "__version__",
    "analyse",
    "load_run",
    "save_ensemble",
    "save_run",
    "tasks",
    "train",
]
