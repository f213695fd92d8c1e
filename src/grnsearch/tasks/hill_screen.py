"""The settings and thresholds of a task's Hill screen: task data, read by the exhaustive Hill
search (:mod:`grnsearch.hillsearch`) and by Hill fitting.

The controlled-oscillation screen (METHOD.md section 5): each parameter set is simulated by Euler
(dt 0.25, 200 steps, every gene starts at 0.1) under three conditions and judged on the readout
gene over the second half of the steps: without input var < 0.002; under I1 = 0.8 var > 0.01 and
the readout both rises and falls (max increment * min increment < -0.001); under I2 = 0.8 mean
> 4 x the no-input mean and var < 0.002. A topology succeeds with at least 2 successful sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np


@dataclass(frozen=True)
class OscillationScreen:
    """Settings and thresholds of the controlled-oscillation screen (defaults: the paper's)."""

    dt: float = 0.25
    steps: int = 200
    start: float = 0.1
    level: float = 0.8
    rest_max_var: float = 0.002
    oscillation_min_var: float = 0.01
    turn_threshold: float = 0.001
    hold_fold: float = 4.0
    hold_max_var: float = 0.002
    min_successful_sets: int = 2
    n: float = 2.0
    readout: int = 0

    def inputs(self, n_inputs: int = 2) -> np.ndarray:
        """The three conditions (no input, I1, I2) as inputs (3, steps, n_inputs)."""
        levels = self.condition_levels(n_inputs)
        return np.repeat(levels[:, None, :], self.steps, axis=1)

    def condition_levels(self, n_inputs: int = 2) -> np.ndarray:
        """Constant input levels (3, n_inputs) of the conditions no input, I1, I2."""
        levels = np.zeros((3, n_inputs), dtype=np.float32)
        levels[1, 0] = self.level
        levels[2, 1] = self.level
        return levels

    def oscillates(self, var: jax.Array, max_inc: jax.Array, min_inc: jax.Array) -> jax.Array:
        """The I1 part of the criterion from the readout's second-half statistics."""
        return (var > self.oscillation_min_var) & (max_inc * min_inc < -self.turn_threshold)

    def rests_and_holds(
        self, rest_mean: jax.Array, rest_var: jax.Array, hold_mean: jax.Array, hold_var: jax.Array
    ) -> jax.Array:
        """The no-input and I2 parts of the criterion."""
        return (
            (rest_var < self.rest_max_var) & (hold_mean > self.hold_fold * rest_mean) & (hold_var < self.hold_max_var)
        )
