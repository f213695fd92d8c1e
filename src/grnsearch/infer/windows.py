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


def data_windows(series: TimeSeries, experiments: Sequence[int], window: int) -> Windows:
    """Every window of ``window`` observations in ``experiments`` (indices into the series) that
    starts from a complete frame."""
    parts: list[tuple[np.ndarray, ...]] = []
    for e in experiments:
        genes = series.gene_values(e)
        inputs = filled_inputs(series, e)
        times = series.times[e]
        for s in range(len(times) - window + 1):
            if not np.all(np.isfinite(genes[s])):
                continue
            span = slice(s + 1, s + window)
            targets = genes[span]
            parts.append(
                (
                    genes[s],
                    inputs[s : s + window - 1],
                    np.diff(times[s : s + window]),
                    np.nan_to_num(targets),
                    np.isfinite(targets).astype(np.float32),
                    np.asarray(e),
                    np.asarray(s),
                )
            )
    if not parts:
        names = ", ".join(series.experiments[e] for e in experiments)
        raise GrnsearchError(
            f"no window of {window} observations starts from a complete frame in experiment(s) {names}; "
            "use a smaller window, or fill the missing gene values at the starts",
            parameter="window",
        )
    stacked = [np.stack(column) for column in zip(*parts, strict=True)]
    floats = [a.astype(np.float32) for a in stacked[:5]]
    return Windows(*floats, stacked[5].astype(np.int32), stacked[6].astype(np.int32))


def persistence_rmse(windows: Windows) -> float:
    """The error of predicting no change (every target = the window's first frame): the level a
    model must beat to have learnt anything about the dynamics."""
    change = (windows.targets - windows.initial[:, None]) * windows.mask
    return float(np.sqrt(np.sum(change**2) / max(float(np.sum(windows.mask)), 1.0)))
