"""Expression domains of patterns along an axis: borders at half maximum, their shifts, peaks and
extents (the measures of the paper's Fig. 5d-e).

A border is where a profile crosses half its own maximum (linear interpolation between positions),
rising (anterior border of a domain) or falling (posterior border). The borders that are compared
across conditions are those of a reference profile (the median wild type over runs); in each run
and condition a border's position is the nearest crossing in the same direction within
``max_shift`` of it, and a crossing is claimed by one border only (the nearest), so a border that
moves is followed and one that vanishes reads NaN rather than taking another border's place. A
domain whose peak falls below ``lost_below`` of the run's wild-type peak counts as lost: its
borders read NaN.

Arrays: profiles (..., positions); everything is vectorised over the leading axes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

LOST_BELOW = 0.3
MAX_SHIFT = 0.25  # in units of x: a crossing further than this from a border is not that border
RISE, FALL = 1, -1


def crossings(
    profiles: np.ndarray, x: np.ndarray, threshold: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Crossings of ``threshold`` (..., default half of each profile's maximum) between
    consecutive positions: positions (..., P - 1), NaN where there is none, and directions
    (..., P - 1): +1 rising, -1 falling, 0 none."""
    profiles = np.asarray(profiles, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    level = 0.5 * profiles.max(axis=-1) if threshold is None else np.asarray(threshold, dtype=np.float64)
    level = level[..., None]
    above = profiles >= level
    direction = above[..., 1:].astype(np.int8) - above[..., :-1].astype(np.int8)
    left, right = profiles[..., :-1], profiles[..., 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.clip((level - left) / (right - left), 0.0, 1.0)
    where = x[:-1] + fraction * np.diff(x)
    return np.where(direction != 0, where, np.nan), direction


class Border(NamedTuple):
    """A border of the reference profile: gene index, direction (+1 rise, -1 fall), position."""

    gene: int
    direction: int
    position: float


def reference_borders(reference: np.ndarray, x: np.ndarray) -> list[Border]:
    """The borders of a reference pattern (positions, genes), gene by gene in anterior-posterior order."""
    where, direction = crossings(np.asarray(reference).T, x)
    return [
        Border(g, int(direction[g, k]), float(where[g, k]))
        for g in range(where.shape[0])
        for k in np.nonzero(direction[g])[0]
    ]


def follow_borders(
    patterns: np.ndarray,
    x: np.ndarray,
    borders: list[Border],
    wild_peak: np.ndarray,
    lost_below: float = LOST_BELOW,
    max_shift: float = MAX_SHIFT,
) -> np.ndarray:
    """Positions (..., n_borders) of ``borders`` in ``patterns`` (..., positions, genes): the
    nearest crossing of half the profile's maximum in the border's direction within
    ``max_shift``, unless a nearer border claims it; NaN where there is none or the gene's peak is
    below ``lost_below`` times ``wild_peak`` (..., genes)."""
    profiles = np.moveaxis(np.asarray(patterns, dtype=np.float64), -1, -2)  # (..., G, P)
    where, direction = crossings(profiles, x)
    lost = profiles.max(axis=-1) < lost_below * np.asarray(wild_peak)
    shape = (*profiles.shape[:-2], len(borders))
    position, distance, claimed = np.full(shape, np.nan), np.full(shape, np.inf), np.full(shape, -1)
    for k, border in enumerate(borders):
        candidates = np.where(direction[..., border.gene, :] == border.direction, where[..., border.gene, :], np.nan)
        gap = np.abs(candidates - border.position)
        gap = np.where(np.isfinite(gap) & (gap <= max_shift), gap, np.inf)
        nearest = np.argmin(gap, axis=-1)
        found = np.isfinite(np.min(gap, axis=-1)) & ~lost[..., border.gene]
        position[..., k] = np.where(found, np.take_along_axis(candidates, nearest[..., None], axis=-1)[..., 0], np.nan)
        distance[..., k] = np.where(found, np.min(gap, axis=-1), np.inf)
        claimed[..., k] = np.where(found, border.gene * where.shape[-1] + nearest, -1)
    for k in range(len(borders)):
        for other in range(len(borders)):
            if other != k:
                beaten = (claimed[..., k] >= 0) & (claimed[..., k] == claimed[..., other])
                beaten &= (distance[..., other] < distance[..., k]) | (
                    (distance[..., other] == distance[..., k]) & (other < k)
                )
                position[..., k] = np.where(beaten, np.nan, position[..., k])
    return position


def extent(patterns: np.ndarray, x: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Length of the axis (..., genes) where each gene of ``patterns`` (..., positions, genes) is
    at or above ``threshold`` (..., genes), as the share of positions times the span of ``x``."""
    above = np.asarray(patterns) >= np.asarray(threshold)[..., None, :]
    return above.mean(axis=-2) * float(np.ptp(x))
