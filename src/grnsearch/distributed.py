"""Running independent jobs in-process or on Dask (futures API only).

- no options: jobs run one after another in this process;
- ``workers=N``: a local Dask cluster of N single-threaded worker processes on 127.0.0.1;
- ``scheduler="tcp://host:8786"``: an existing cluster (its workers need grnsearch installed).

Results come back to the calling process in job order, whatever order they finish in, so the
caller writes every file and the same jobs give the same output wherever they run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tqdm.auto import tqdm

from grnsearch.errors import GrnsearchError


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client for ``workers`` local processes or an existing ``scheduler``; None (run
    in-process) when neither is given. The local cluster is shut down on exit."""
    if workers is not None and scheduler is not None:
        raise GrnsearchError("give either --workers or --scheduler, not both")
    if workers is None and scheduler is None:
        yield None
        return
    if workers is not None and workers <= 0:
        raise GrnsearchError(f"--workers must be a positive whole number, got {workers}")
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as err:
            raise GrnsearchError(
                f"--scheduler {scheduler}: cannot connect ({err}); check the address (tcp://host:port) "
                "and that the scheduler is running"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


def run_jobs(fn: Callable[..., Any], jobs: Sequence[tuple], client: Any = None, *,
             progress: bool = False, desc: str = "jobs") -> list[Any]:
    """``[fn(*job) for job in jobs]``, on ``client`` if given; results in job order."""
    if client is None:
        return [fn(*job) for job in tqdm(jobs, disable=not progress, desc=desc, unit="job")]
    from dask.distributed import as_completed

    futures = [client.submit(fn, *job, pure=False) for job in jobs]
    with tqdm(total=len(futures), disable=not progress, desc=desc, unit="job") as bar:
        for _ in as_completed(futures):
            bar.update(1)
    return client.gather(futures)
