"""The standard baselines of network inference from time series, scored beside the RNN.

Each baseline turns a :class:`~grnsearch.infer.series.TimeSeries` into a strength matrix
(n_sources, n_genes): sources in :func:`~grnsearch.infer.series.source_names` order (inputs, the
coupling's ``nbr_`` sources, genes), targets in ``series.genes`` order, positive for activation,
negative for repression, larger |strength| for more confidence. Every source-target pair is a
candidate, self-links (X -> X, ``nbr_X`` -> X) included, since gold standards list them.

All three regress on the same rows (:func:`regression_rows`): for every experiment, position and
pair of consecutive observations, the sources at time t against each gene's rate
(g[t+1] - g[t]) / (t[t+1] - t[t]). A row with a missing source is dropped for every target; a
missing rate only for its own target.

- ``linear`` (:class:`LinearBaseline`): a linear autoregressive model, least squares of each rate
  on all sources with an intercept; the coefficients are the strengths;
- ``trees`` (:class:`TreesBaseline`): dynGENIE3 (Huynh-Thu & Geurts 2018), a tree ensemble per
  target regressing rate + alpha * g on the sources; importances signed by the linear model;
- ``correlation`` (:class:`CorrelationBaseline`): the signed Pearson correlation of each source
  with each rate.

The baselines follow Equinox's abstract/final pattern: :class:`AbstractBaseline` declares the
interface and holds no fields; the final classes implement it. :data:`BASELINES` names them and
:func:`baseline_strengths` runs several after checking their names.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from grnsearch.config import available_cores, check_finite, check_positive_int, check_seed
from grnsearch.dynamics.spatial import COUPLINGS
from grnsearch.errors import GrnsearchError
from grnsearch.infer.series import TimeSeries, source_names, source_values

# Relative ridge of the linear model (times the number of rows, the diagonal of the Gram matrix of
# standardised sources): it leaves well-conditioned coefficients alone (a 0.1% shrinkage) but
# makes exactly collinear sources solvable, splitting their effect equally. They occur in ordinary
# data: ``nbr_X`` equals X with one position on a ring, and a constant input is a zero column.
RIDGE = 1e-3
MIN_ROWS = 3  # fewer complete rows per target cannot give a correlation or a slope with an intercept
DECAY_FLOOR = 1e-6  # dynGENIE3's floor on levels above the minimum before their logarithm


@dataclass(frozen=True)
class RegressionRows:
    """What every baseline fits: ``sources`` (rows, n_sources) at time t, rows with a missing
    source dropped; ``rates`` (rows, n_genes) of each gene from t to the next observation, NaN
    where that target is missing; ``valid`` (rows, n_genes) where a rate is present."""

    sources: np.ndarray
    rates: np.ndarray
    valid: np.ndarray

    def groups(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(row mask, target indices) for each distinct pattern of valid rows, so that targets
        that share their rows (usually all of them) are fitted as one array problem."""
        patterns, which = np.unique(self.valid.T, axis=0, return_inverse=True)
        for k, rows in enumerate(patterns):
            yield rows, np.nonzero(np.ravel(which) == k)[0]


def regression_rows(series: TimeSeries, coupling: str) -> RegressionRows:
    """The rows of every experiment, position and pair of consecutive observations (module
    docstring); GrnsearchError when a gene is left with fewer than ``MIN_ROWS`` complete rows."""
    n_sources = len(source_names(series, coupling))
    xs, rs = [], []
    for e, times in enumerate(series.times):
        levels = source_values(series, e, coupling)
        genes = series.gene_values(e)
        dt = np.diff(np.asarray(times, dtype=np.float64))[:, None, None]
        xs.append(levels[:-1].reshape(-1, n_sources))
        rs.append(((genes[1:] - genes[:-1]) / dt).reshape(-1, len(series.genes)))
    sources = np.concatenate(xs).astype(np.float64)
    rates = np.concatenate(rs).astype(np.float64)
    keep = np.all(np.isfinite(sources), axis=1)
    sources, rates = sources[keep], rates[keep]
    valid = np.isfinite(rates)
    counts = valid.sum(axis=0)
    if np.any(counts < MIN_ROWS):
        gene = series.genes[int(np.argmin(counts))]
        raise GrnsearchError(
            f"gene {gene!r} has {int(counts.min())} pairs of consecutive observations with it and every "
            f"source present; the baselines need at least {MIN_ROWS}: supply more complete time points"
        )
    return RegressionRows(sources, rates, valid)


def _standardised(x: np.ndarray) -> np.ndarray:
    """Columns centred and divided by their standard deviation; constant columns become 0."""
    centred = x - x.mean(axis=0)
    sd = centred.std(axis=0)
    return centred / np.where(sd > 0, sd, 1.0)


def linear_coefficients(rows: RegressionRows) -> np.ndarray:
    """Standardised coefficients (n_sources, n_genes) of each rate's least-squares fit on all
    sources with an intercept and the relative ridge ``RIDGE``."""
    out = np.zeros((rows.sources.shape[1], rows.rates.shape[1]))
    for mask, targets in rows.groups():
        x, y = _standardised(rows.sources[mask]), _standardised(rows.rates[mask][:, targets])
        gram = x.T @ x + RIDGE * len(x) * np.eye(x.shape[1])
        out[:, targets] = np.linalg.solve(gram, x.T @ y)
    return out


def correlations(rows: RegressionRows) -> np.ndarray:
    """Pearson correlations (n_sources, n_genes) of each source with each rate over the rows
    where that rate is present (0 where either is constant)."""
    out = np.zeros((rows.sources.shape[1], rows.rates.shape[1]))
    for mask, targets in rows.groups():
        x, y = _standardised(rows.sources[mask]), _standardised(rows.rates[mask][:, targets])
        out[:, targets] = x.T @ y / len(x)
    return out


def decay_rates(series: TimeSeries) -> np.ndarray:
    """dynGENIE3's decay rate of each gene (n_genes,): in every time series (here, every
    experiment at every position) the gene is taken to fall exponentially towards C_min, the
    lowest level of any gene anywhere, between its highest and its lowest observation:
    alpha = |log(x_max - C_min) - log(x_min - C_min)| / |t_max - t_min| (levels above C_min
    floored at ``DECAY_FLOOR``); a gene's rate is the largest over the series, 0 if it never
    changes. Missing observations are skipped."""
    c_min = min(float(np.nanmin(series.gene_values(e))) for e in range(len(series.times)))
    alphas = np.zeros(len(series.genes))
    for e, times in enumerate(series.times):
        g = series.gene_values(e)  # (T, positions, genes)
        filled_low, filled_high = np.where(np.isnan(g), np.inf, g), np.where(np.isnan(g), -np.inf, g)
        i_min, i_max = filled_low.argmin(axis=0), filled_high.argmax(axis=0)
        x_min = np.take_along_axis(g, i_min[None], axis=0)[0]
        x_max = np.take_along_axis(g, i_max[None], axis=0)[0]
        t = np.asarray(times, dtype=np.float64)
        span = np.abs(t[i_max] - t[i_min])
        logs = np.log(np.maximum(np.stack([x_max, x_min]) - c_min, DECAY_FLOOR))
        changes = np.isfinite(x_min) & np.isfinite(x_max) & (x_max > x_min) & (span > 0)
        alpha = np.where(changes, np.abs(logs[0] - logs[1]) / np.where(span > 0, span, 1.0), 0.0)
        alphas = np.maximum(alphas, alpha.max(axis=0))
    return alphas


class AbstractBaseline(abc.ABC):
    """A network inference baseline: its ``name`` and the strengths it gives a time series."""

    name: ClassVar[str]

    @classmethod
    @abc.abstractmethod
    def seeded(cls, seed: int) -> AbstractBaseline:
        """The baseline with its default settings, any random choice drawn from ``seed``."""

    @abc.abstractmethod
    def strengths(self, series: TimeSeries, coupling: str) -> np.ndarray:
        """Signed strengths (n_sources, n_genes): sources in ``source_names(series, coupling)``
        order, targets in ``series.genes`` order."""


@dataclass(frozen=True)
class LinearBaseline(AbstractBaseline):
    """Linear autoregressive model: per gene, least squares of its rate between consecutive
    observations on all sources at the first of them, with an intercept. Sources and rates are
    standardised (centred, divided by their standard deviation over the rows used), so each
    coefficient is in standard deviations of the rate per standard deviation of the source and
    coefficients are comparable across sources and targets. A relative ridge of ``RIDGE`` times
    the number of rows keeps exactly collinear sources solvable (their effect split equally)."""

    name: ClassVar[str] = "linear"

    @classmethod
    def seeded(cls, seed: int) -> LinearBaseline:
        """The least-squares fit draws nothing at random: ``seed`` is not used."""
        return cls()

    def strengths(self, series: TimeSeries, coupling: str) -> np.ndarray:
        """The standardised coefficients (n_sources, n_genes)."""
        return linear_coefficients(regression_rows(series, coupling))


@dataclass(frozen=True)
class CorrelationBaseline(AbstractBaseline):
    """Signed Pearson correlation of each source at time t with each gene's rate from t to the
    next observation, over the rows where both are present."""

    name: ClassVar[str] = "correlation"

    @classmethod
    def seeded(cls, seed: int) -> CorrelationBaseline:
        """Correlations draw nothing at random: ``seed`` is not used."""
        return cls()

    def strengths(self, series: TimeSeries, coupling: str) -> np.ndarray:
        """The correlations (n_sources, n_genes)."""
        return correlations(regression_rows(series, coupling))


@dataclass(frozen=True)
class TreesBaseline(AbstractBaseline):
    """dynGENIE3 (Huynh-Thu & Geurts 2018): for each gene, a tree ensemble regresses
    rate + alpha * g at time t on all sources at t, alpha the gene's decay rate from
    :func:`decay_rates` (dynGENIE3's estimate from the data) unless ``alpha`` fixes one for all
    genes. The scores are the ensemble's impurity importances (summing to 1 per target, as
    dynGENIE3 normalises them), self-links kept; each is signed by the linear baseline's
    coefficient of that link.

    dynGENIE3 grows 1000 random-forest trees per target with sqrt(n_sources) candidate sources per
    split, each on a bootstrap sample of every row. We grow a random forest the same way but of
    ``n_estimators`` trees whose bootstrap samples hold at most ``max_rows`` rows, so that the cost
    stops growing with the data: on automaton rule 24 (11,424 rows, 20 sources) the importances
    rank the sources of three targets as 1000 full-sample trees do (Spearman 0.86 to 0.97) at
    1/70 of the time; 10 targets of 14,000 rows of 200 sources took 7 to 10 s on 2 cores shared
    with other work (bench/RESULTS.md). Extra-Trees, dynGENIE3's other method, agreed less with
    its default (0.64 to 0.86) and cost more. Trees are seeded from ``seed`` (target k from
    ``seed + k``) and grown on ``n_jobs`` cores (None: every available core).
    """

    name: ClassVar[str] = "trees"
    seed: int = 0
    n_estimators: int = 100
    max_rows: int = 1000
    alpha: float | None = None
    n_jobs: int | None = None

    def __post_init__(self) -> None:
        check_seed(self.seed)
        check_positive_int(self.n_estimators, "n_estimators", maximum=100_000)
        check_positive_int(self.max_rows, "max_rows")
        if self.n_jobs is not None:
            check_positive_int(self.n_jobs, "n_jobs")
        if self.alpha is not None:
            check_finite(self.alpha, "alpha")

    @classmethod
    def seeded(cls, seed: int) -> TreesBaseline:
        """Default settings, trees seeded from ``seed``."""
        return cls(seed=seed)

    def strengths(self, series: TimeSeries, coupling: str) -> np.ndarray:
        """Importances signed by the linear coefficients (n_sources, n_genes)."""
        rows = regression_rows(series, coupling)
        n_genes = len(series.genes)
        alphas = decay_rates(series) if self.alpha is None else np.full(n_genes, float(self.alpha))
        own = rows.sources[:, -n_genes:]  # genes come last among the sources
        # scikit-learn's ensembles take most of a second to import, which every grnsearch command
        # would pay (the CLI imports this module for its choices): deferred for start-up time
        from sklearn.ensemble import RandomForestRegressor

        importances = np.zeros((rows.sources.shape[1], n_genes))
        for k in range(n_genes):
            mask = rows.valid[:, k]
            forest = RandomForestRegressor(
                n_estimators=self.n_estimators,
                max_features="sqrt",
                max_samples=min(int(mask.sum()), self.max_rows),
                n_jobs=self.n_jobs or available_cores(),
                random_state=(self.seed + k) % 2**32,
            )
            forest.fit(rows.sources[mask], rows.rates[mask, k] + alphas[k] * own[mask, k])
            importances[:, k] = forest.feature_importances_
        return np.sign(linear_coefficients(rows)) * importances


BASELINES: dict[str, type[AbstractBaseline]] = {b.name: b for b in (LinearBaseline, TreesBaseline, CorrelationBaseline)}


def check_baselines(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` as a tuple, GrnsearchError naming ``baselines`` unless each is in BASELINES."""
    if isinstance(names, str):
        names = (names,)
    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise GrnsearchError(
            f"unknown baseline {unknown[0]!r}: use any of {', '.join(BASELINES)}", parameter="baselines"
        )
    return tuple(dict.fromkeys(names))


def baseline_strengths(names: Sequence[str], series: TimeSeries, coupling: str, seed: int = 0) -> dict[str, np.ndarray]:
    """The strengths (n_sources, n_genes) of each named baseline, settings checked first."""
    names = check_baselines(names)
    if coupling not in COUPLINGS:
        raise GrnsearchError(f"unknown coupling {coupling!r}: use one of {', '.join(COUPLINGS)}", parameter="coupling")
    check_seed(seed)
    return {name: BASELINES[name].seeded(seed).strengths(series, coupling) for name in names}
