"""Expose the machine's CPU cores to JAX as separate host devices.

JAX runs one program per device, and on a CPU one device mostly uses one core for the small
operations grnsearch issues. Splitting the host into one device per core lets an ensemble of
models be sharded over all cores. The flag only takes effect if it is set before JAX starts, so
this module must run before anything imports jax; ``GRNSEARCH_HOST_DEVICES`` overrides the count
and an ``--xla_force_host_platform_device_count`` already in ``XLA_FLAGS`` is left alone.
"""

from __future__ import annotations

import os
import sys

_FLAG = "--xla_force_host_platform_device_count"


def configure_host_devices() -> None:
    """Set XLA_FLAGS so that JAX sees one CPU device per core (no-op once jax is imported)."""
    if "jax" in sys.modules:
        return
    flags = os.environ.get("XLA_FLAGS", "")
    if _FLAG in flags:
        return
    requested = os.environ.get("GRNSEARCH_HOST_DEVICES")
    count = int(requested) if requested and requested.isdigit() else (os.cpu_count() or 1)
    if count > 1:
        os.environ["XLA_FLAGS"] = f"{flags} {_FLAG}={count}".strip()
