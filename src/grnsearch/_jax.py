"""Small JAX helpers shared by the layers above: device meshes and stacked pytrees.

Device configuration itself lives in :mod:`grnsearch._devices`, which must run before jax is
imported and so cannot import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh


def device_mesh(n_devices: int, axis: str) -> Mesh:
    """A one-dimensional mesh over the first ``n_devices`` local devices."""
    return Mesh(np.asarray(jax.devices()[:n_devices]), (axis,))


def pad_leading(tree: Any, n: int) -> Any:
    """Pad every leaf's leading axis to length ``n`` by repeating its first entry."""

    def pad_leaf(x):
        extra = n - x.shape[0]
        if extra == 0:
            return x
        return jnp.concatenate([x, jnp.repeat(x[:1], extra, axis=0)], axis=0)

    return jax.tree.map(pad_leaf, tree)


def take(tree: Any, index: int | slice) -> Any:
    """Entry (or slice) ``index`` of every leaf's leading axis."""
    return jax.tree.map(lambda x: x[index], tree)


def stack(trees: Sequence[Any]) -> Any:
    """Pytrees of one structure stacked along a new leading axis."""
    return jax.tree.map(lambda *xs: jnp.stack(xs), *trees)


def concatenate(trees: Sequence[Any]) -> Any:
    """Stacked pytrees of one structure joined along their leading axis."""
    return jax.tree.map(lambda *xs: jnp.concatenate(xs), *trees)
