"""What each command writes: the data through :mod:`grnsearch.io`, the figures through
:mod:`grnsearch.plots`, put together so that nothing half-written looks complete."""

from grnsearch.outputs.runs import save_ensemble, save_run

__all__ = ["save_ensemble", "save_run"]
