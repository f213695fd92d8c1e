"""Shared fixtures: tiny configurations so the suite stays fast.

Many tests compile the same programs again (new closures, the same training at a new seed); a
compilation cache of this process's own, removed at exit, serves the repeats from disk. It
changes no result: a cached program is the compiled program itself. GRNSEARCH_TEST_CACHE=0
turns it off (bench/RESULTS.md, "Test suite time", has the measurement)."""

import atexit
import os
import shutil
import tempfile

import jax
import pytest

import grnsearch

if os.environ.get("GRNSEARCH_TEST_CACHE", "1") == "1":
    _CACHE = tempfile.mkdtemp(prefix="grnsearch-tests-jax-")
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
    jax.config.update("jax_compilation_cache_dir", _CACHE)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)


@pytest.fixture(scope="session")
def adaptation_task():
    return grnsearch.tasks.adaptation()
