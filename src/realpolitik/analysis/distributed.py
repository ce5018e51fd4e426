"""Running independent tasks on Dask: in-process by default, a local cluster, or a remote scheduler.

Monte Carlo draws and lever sweeps are split into tasks whose results do not depend on
where or in which order they run (each block of draws has its own random stream), so
the same seed gives identical numbers in-process, on a ``LocalCluster`` of any size,
and on a cluster reached through its scheduler address. Workers of a remote cluster
need ``realpolitik`` installed in the same version.

* default: an in-process cluster (threads of this process, one per core; nothing to
  install); numpy releases the interpreter lock, so the threads run in parallel;
* ``workers=N``: a ``LocalCluster`` of N worker processes, one thread each;
* ``scheduler="tcp://host:8786"``: an existing cluster.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from realpolitik.choices import CONNECT_TIMEOUT_S

if TYPE_CHECKING:  # distributed takes a fifth of a second to import: only when a cluster is wanted
    from distributed import Client

#: Largest number of local worker processes accepted.
MAX_WORKERS = 256
#: Where a local cluster's status page listens: a free port of this machine only (port 8787 may be taken).
LOCAL_ONLY = "127.0.0.1:0"
#: Protocols a scheduler address may use.
NETWORK_PROTOCOLS = ("tcp", "tls", "ws", "wss")


class ClusterError(RuntimeError):
    """The cluster cannot be started or reached; the message says which and why."""


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None,
                connect_timeout: float = CONNECT_TIMEOUT_S) -> Iterator[Client]:
    """A Dask client for the duration of the block, closed (with any cluster it started) afterwards."""
    from distributed import Client, LocalCluster

    if workers is not None and scheduler is not None:
        raise ClusterError("give either a number of local workers or a scheduler address, not both")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise ClusterError(f"the number of workers must be between 1 and {MAX_WORKERS} (got {workers})")
    quiet = logging.ERROR
    if scheduler is not None:
        _check_address(scheduler)
        try:
            asyncio.run(_probe(scheduler, connect_timeout))
            client = Client(scheduler, timeout=f"{connect_timeout}s", set_as_default=False)
        except Exception as error:  # noqa: BLE001 - a refused, unresolvable, silent or garbled address fails in many ways
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at '{scheduler}' ({reason})") from None
        with client:
            yield client
        return
    if workers is not None:
        try:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=LOCAL_ONLY, silence_logs=quiet)
        except Exception as error:  # noqa: BLE001 - ports, processes, memory: report whichever failed
            raise ClusterError(f"cannot start a local Dask cluster of {workers} workers ({error})") from None
    else:
        cluster = LocalCluster(n_workers=1, threads_per_worker=os.cpu_count() or 1, processes=False,
                               dashboard_address=LOCAL_ONLY, silence_logs=quiet)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def _check_address(scheduler: str) -> None:
    """Refuse a malformed scheduler address before any connection is tried."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import normalize_address, parse_host_port
    from distributed.comm.registry import backends

    try:
        scheme, location = parse_address(normalize_address(scheduler))
        if scheme != "inproc":
            parse_host_port(location)
    except ValueError as error:
        raise ClusterError(f"'{scheduler}' is not a Dask scheduler address ({error}); "
                           "expected e.g. tcp://host:8786") from None
    if scheme not in NETWORK_PROTOCOLS or scheme not in backends:
        raise ClusterError(f"'{scheduler}' is not a Dask scheduler address (protocol '{scheme}' is not one of "
                           f"{', '.join(NETWORK_PROTOCOLS)})")


async def _probe(scheduler: str, timeout: float) -> None:
    """Open and close one connection to the scheduler, so that an unreachable one fails here,
    before a client is half-built."""
    from distributed.comm import connect

    comm = await connect(scheduler, timeout=timeout)
    await comm.close()


class _InThisThread:
    """The "client" of :data:`IN_THIS_THREAD`."""

    def __repr__(self) -> str:
        return "IN_THIS_THREAD"


#: Pass as the client to run the tasks one after another in the calling thread, with no cluster:
#: for a server whose background jobs already run side by side in threads of their own.
IN_THIS_THREAD: Any = _InThisThread()


def map_in_order(client: Client, function: Callable[..., Any], tasks: Sequence[tuple],
                 done: Callable[[int], None] | None = None) -> list[Any]:
    """``[function(*task) for task in tasks]`` computed on the cluster (or in this thread, with
    :data:`IN_THIS_THREAD`); ``done(i)`` is called as task i finishes (in any order). A task's
    exception is raised here."""
    if client is IN_THIS_THREAD:
        results = []
        for index, task in enumerate(tasks):
            results.append(function(*task))
            if done is not None:
                done(index)
        return results
    from distributed import as_completed

    futures = [client.submit(function, *task, pure=False) for task in tasks]
    position = {future.key: index for index, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    try:
        for future in as_completed(futures, loop=client.loop):
            index = position[future.key]
            results[index] = future.result()
            if done is not None:
                done(index)
    finally:
        client.cancel(futures)
    return results
