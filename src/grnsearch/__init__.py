"""grnsearch: find gene regulatory network topologies for a given biological function.

Train small neural dynamical models (Euler steps of dg/dt = f(g, I) - g) to perform a function,
read the signed regulatory network out of them by in-silico link knockdown, and prune it to
minimal networks (Shen, Liu, Tu & Tang, Nat Commun 2021).

    import grnsearch
    ensemble = grnsearch.train(grnsearch.tasks.adaptation(), seeds=8)
    print(ensemble.summary())
    report = grnsearch.mutation.analyse(ensemble)   # signed networks by link knockdown
"""

from grnsearch._devices import configure_host_devices

configure_host_devices()

from grnsearch import mutation, study, tasks
from grnsearch.errors import GrnsearchError
from grnsearch.io import load_run
from grnsearch.model import GeneNetworkModel
from grnsearch.train import Ensemble, TrainConfig, TrainedModel, train

__version__ = "0.1.0"

__all__ = [
    "Ensemble",
    "GeneNetworkModel",
    "GrnsearchError",
    "TrainConfig",
    "TrainedModel",
    "__version__",
    "load_run",
    "mutation",
    "study",
    "tasks",
    "train",
]
