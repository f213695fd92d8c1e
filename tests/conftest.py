"""Shared fixtures: tiny configurations so the suite stays fast."""

import pytest

import grnsearch


@pytest.fixture(scope="session")
def adaptation_task():
    return grnsearch.tasks.adaptation()
