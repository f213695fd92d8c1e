"""Windows of observed time courses: the units that training on data fits.

A window is ``window`` consecutive observations of one experiment. The model starts from the
first (a measured frame: every gene at every position) and integrates ``steps_between`` Euler
steps between consecutive observations (dt = that interval / ``steps_between``, so uneven time
grids are followed exactly); the later observations are its targets, NaN ones masked out. Inputs
are driven: each is held, on an interval, at its level at the interval's first observation (a
missing input level is interpolated in time from the experiment's other observations).
Windows whose first frame misses a gene value cannot start and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries


class Windows(NamedTuple):
    """N windows: start frames (N, P, G), per-interval inputs (N, W - 1, P, n_inputs) and
    lengths (N, W - 1), targets and mask (N, W - 1, P, G), and where each window starts
    (experiment index and observation index, (N,) each)."""

    initial: np.ndarray
    inputs: np.ndarray
    intervals: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    experiment: np.ndarray
    start: np.ndarray

    def __len__(self) -> int:
        return int(self.initial.shape[0])


def filled_inputs(series: TimeSeries, experiment: int) -> np.ndarray:
    """Input levels (T, P, n_inputs) of one experiment with missing levels interpolated in time
    (held at the nearest observed level beyond the first and last); an error for an input never
    observed at a position of the experiment."""
    levels = series.input_values(experiment).copy()
    times = series.times[experiment]
    for p in range(levels.shape[1]):
        for k, name in enumerate(series.inputs):
            seen = np.isfinite(levels[:, p, k])
            if seen.all():
                continue
            if not seen.any():
                raise GrnsearchError(
                    f"input {name!r} has no value at position {p} of experiment {series.experiments[experiment]!r}; "
                    "give at least one value there, or leave the input out",
                    parameter="inputs",
                )
            levels[:, p, k] = np.interp(times, times[seen], levels[seen, p, k])
    return levels


def _experiment_windows(series: TimeSeries, e: int, window: int) -> tuple[np.ndarray, ...]:
    """The windows of one experiment that start from a complete frame, as arrays (``Windows``'
    fields), all start frames at once."""
    genes, times = series.gene_values(e), series.times[e]
    index = np.arange(len(times) - window + 1)[:, None] + np.arange(window)[None]  # (starts, W)
    index = index[np.all(np.isfinite(genes[index[:, 0]]), axis=(1, 2))]
    observed = genes[index]  # (N, W, P, G)
    targets = observed[:, 1:]
    return (
        observed[:, 0],
        filled_inputs(series, e)[index[:, :-1]],
        np.diff(times[index], axis=1),
        np.nan_to_num(targets),
        np.isfinite(targets),
        np.full(len(index), e),
        index[:, 0],
    )


def data_windows(series: TimeSeries, experiments: Sequence[int], window: int) -> Windows:
    """Every window of ``window`` observations in ``experiments`` (indices into the series) that
    starts from a complete frame."""
    parts = [_experiment_windows(series, e, window) for e in experiments]
    stacked = [np.concatenate(column) for column in zip(*parts, strict=True)]
    if not len(stacked[0]):
        names = ", ".join(series.experiments[e] for e in experiments)
        raise GrnsearchError(
            f"no window of {window} observations starts from a complete frame in experiment(s) {names}; "
            "use a smaller window, or fill the missing gene values at the starts",
            parameter="window",
        )
    floats = [a.astype(np.float32) for a in stacked[:5]]
    return Windows(*floats, stacked[5].astype(np.int32), stacked[6].astype(np.int32))


def persistence_rmse(windows: Windows) -> float:
    """The error of predicting no change (every target = the window's first frame): the level a
    model must beat to have learnt anything about the dynamics."""
    change = (windows.targets - windows.initial[:, None]) * windows.mask
    return float(np.sqrt(np.sum(change**2) / max(float(np.sum(windows.mask)), 1.0)))
