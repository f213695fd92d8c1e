"""Training: the loss, the optimiser loop, trained models and ensembles."""

from grnsearch.training.ensemble import Ensemble, TrainedModel, train
from grnsearch.training.loss import loss

__all__ = ["Ensemble", "TrainedModel", "loss", "train"]
