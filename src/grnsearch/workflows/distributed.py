"""Running independent jobs in-process or on Dask (futures API only).

- no options: jobs run one after another in this process;
- ``workers=N``: a local Dask cluster of N single-threaded worker processes on 127.0.0.1;
- ``scheduler="tcp://host:8786"``: an existing cluster (its workers need grnsearch installed).

Results come back to the calling process in job order, whatever order they finish in, so the
caller writes every file and the same jobs give the same output wherever they run.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from grnsearch.config import Distribution
from grnsearch.errors import GrnsearchError


@contextlib.contextmanager
def dask_client(distribution: Distribution, *, split_cores: bool = False) -> Iterator[Any]:
    """A Dask client for the distribution's local workers or existing scheduler; None (run
    in-process) when it names neither. The local cluster is shut down on exit. With
    ``split_cores`` each local worker's JAX gets cores // workers devices; without it every
    worker sees every core, which keeps floating-point results identical to in-process runs
    (training shards over devices)."""
    if distribution.in_process:
        yield None
        return
    # deferred for start-up time: importing dask.distributed takes about a second
    from dask.distributed import Client, LocalCluster

    workers, scheduler = distribution.workers, distribution.scheduler

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as err:
            raise GrnsearchError(
                f"{scheduler}: cannot connect ({err}); check the address (tcp://host:port) "
                "and that the scheduler is running",
                parameter="scheduler",
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    env = _worker_environment(workers) if split_cores else None
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0", env=env
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(_prepare_local_worker)
        yield client


def _prepare_local_worker() -> None:
    """Run in each local worker process. Ctrl-C in a terminal reaches every process of the
    command, workers included; they ignore it, so that the main process alone shuts the cluster
    down (tracebacks of interrupted workers otherwise follow the command's one line). And once
    Dask has closed the worker, the process ends without the interpreter's teardown: freeing
    jax's XLA client and compiled programs takes seconds on a busy machine, longer than the 4 s
    the nanny waits before it kills the worker, and that kill printed warnings and tracebacks
    after a successful search."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    # tasks cancelled because the command was interrupted are expected, not worth a warning
    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)

    def finish() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    # registered after Dask's own exit handlers, so it runs before them; by the time the
    # interpreter exits Dask has closed the worker and they have nothing left to do
    atexit.register(finish)


def _worker_environment(workers: int) -> dict[str, str]:
    """Split the cores between local workers: each worker's JAX gets cores // workers host
    devices (at least 1), instead of every worker claiming every core."""
    per_worker = max(1, (os.cpu_count() or 1) // workers)
    flags = " ".join(
        flag
        for flag in os.environ.get("XLA_FLAGS", "").split()
        if not flag.startswith("--xla_force_host_platform_device_count")
    )
    if per_worker > 1:
        flags = f"{flags} --xla_force_host_platform_device_count={per_worker}".strip()
    return {"XLA_FLAGS": flags, "GRNSEARCH_HOST_DEVICES": str(per_worker)}


def iter_jobs(
    fn: Callable[..., Any], jobs: Sequence[tuple], client: Any = None, *, progress: bool = False, desc: str = "jobs"
) -> Iterator[tuple[int, Any]]:
    """``(index, fn(*jobs[index]))`` for every job as it finishes, on ``client`` if given, so a
    caller can save each result before the next arrives."""
    with tqdm(total=len(jobs), disable=not progress, desc=desc, unit="job") as bar:
        if client is None:
            for index, job in enumerate(jobs):
                result = fn(*job)
                bar.update(1)
                yield index, result
            return
        from dask.distributed import as_completed  # deferred for start-up time, as above

        futures = [client.submit(fn, *job, pure=False) for job in jobs]
        order = {future.key: index for index, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                result = future.result()
                bar.update(1)
                yield order[future.key], result
        finally:
            client.cancel(futures)


def run_jobs(
    fn: Callable[..., Any], jobs: Sequence[tuple], client: Any = None, *, progress: bool = False, desc: str = "jobs"
) -> list[Any]:
    """``[fn(*job) for job in jobs]``, on ``client`` if given; results in job order."""
    results: list[Any] = [None] * len(jobs)
    for index, result in iter_jobs(fn, jobs, client, progress=progress, desc=desc):
        results[index] = result
    return results


def seed_chunks(seeds: Sequence[int], client: Any = None) -> list[list[int]]:
    """The seeds split into one chunk per worker of ``client`` (one chunk in-process): each chunk
    trains as one vectorised ensemble."""
    n_chunks = 1 if client is None else max(1, min(len(seeds), len(client.scheduler_info()["workers"]) or 1))
    return [[int(s) for s in c] for c in np.array_split(np.asarray(seeds), n_chunks) if len(c)]
