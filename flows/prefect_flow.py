"""The Prefect flows: thin wrappers over :func:`flows.runner.run_clean` and
:func:`flows.incremental.run_incremental`.

Inside a flow run, batches become Prefect tasks (run in threads of the flow-run process by
:func:`local_task_runner`, which hand their batches to worker processes forked from it:
:class:`_BatchWorkers`); called as ``asyncio.run(clean_flow.fn(...))`` (no orchestration;
``clean_flow`` is async), the very same function maps batches over a process pool.
``incremental_flow`` is what ``clean serve`` serves on a schedule.

:func:`on_dask` is the same flow with its batch tasks on a Dask cluster
(``prefect-dask``), for ``clean --dask tcp://scheduler:8786`` / ``CLEAN_DASK_ADDRESS``.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from typing import Any, Iterator

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext, SyncClientContext
from prefect.settings import get_current_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from cleaners.pipeline import CleanConfig, config_from_dict

from .incremental import report_rows, report_title, run_incremental
from .runner import (IN_PROCESS, BatchResult, MapBatches, batch_deadline, clean_batch, local_batches, merged,
                     pool_jobs, run_clean, warm_up, worker_pool)

__all__ = ["clean_flow", "clean_batch_task", "incremental_flow", "local_task_runner", "on_dask", "DASK_ADDRESS_ENV"]

#: The setting naming a Dask scheduler, e.g. ``tcp://10.0.0.5:8786`` (same as ``clean --dask``).
DASK_ADDRESS_ENV = "CLEAN_DASK_ADDRESS"


@task(name="clean-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def clean_batch_task(paths: list[str], config: CleanConfig) -> BatchResult:
    """One batch of paths, cleaned (see :func:`flows.runner.clean_batch`): by the flow run's
    worker processes when it has them (:class:`_BatchWorkers`), else where the task runs.

    Never cached (``NO_CACHE``): a batch's records depend on its files' contents, not on their
    paths, so a key made of the task's inputs could only give stale records back; and no task
    run then works out such a key (its inputs hashed, the task's source read)."""
    return _clean_batch_for_task(paths, config)


def _clean_batch_for_task(paths: list[str], config: CleanConfig) -> BatchResult:
    # Apart from the task's function: a Dask client pickles that function by value, with the
    # globals it names, and a ContextVar cannot be pickled (this function is pickled by name).
    workers = _BATCH_WORKERS.get()
    return workers.clean(paths, config) if workers is not None else clean_batch(paths, config)


#: The worker processes of the flow run in progress, seen by its thread-pool tasks (Prefect runs
#: each task in a copy of the submitting thread's context, as it does for its own run context).
_BATCH_WORKERS: ContextVar[_BatchWorkers | None] = ContextVar("clean_batch_workers", default=None)

#: Worker processes are forked (they inherit the loaded model); where there is no fork, tasks
#: run where their runner puts them.
_CAN_FORK = os.name == "posix" and "fork" in multiprocessing.get_all_start_methods()


class _BatchWorkers:
    """Processes forked once from the flow-run process, after it was warmed up as ``run_clean``'s
    (:func:`~flows.runner.warm_up`: the models loaded, two small documents cleaned), that the run's
    thread-pool tasks hand their batches to: what ``run_clean``'s pool does.

    A task runs in a thread of the flow-run process, where its run is tracked (a few ms of
    client time); its CPU-bound batch needs a process of its own (the GIL). Prefect's
    ``ProcessPoolTaskRunner`` spawns fresh interpreters that import Prefect, the pipeline and
    the model again (~5 s of CPU each per run); a child forked per batch (what ``clean_batch``
    does in a thread) pays its copy-on-write page faults and cold caches on every batch (~0.15 s
    of CPU each). ``bench.speed --only prefect --docs 1000 --repeat 3``, 2 cores: flow run vs
    ``run_clean`` +15-18 % with the spawned pool, +8-9 % with a child per batch (quiet runs),
    +1 % best vs best with these processes (44 vs 45 CPU ms/doc; +4 % at load 4-6). They run
    ``clean_batch`` in their main thread, where the per-document budget's timer works.

    Should the pool be lost (a process died: segfault, OOM kill; or a batch overran its hard
    deadline, ``flows.runner.HARD_GRACE_SECONDS``, and the pool was killed), that batch and every
    later one go through ``clean_batch`` in the task's thread: a child forked per batch, where a
    document that kills it is isolated and rejected, so the records stay those of ``run_clean``.
    Without a time budget there is no such child: the task fails (retries, then the flow run).
    """

    def __init__(self, processes: int, config: CleanConfig):
        # here, once, as run_clean's pool: the models, and what the cleaners load on first use
        # (two small documents cleaned), so the forked processes share it instead of each
        # loading it again in every flow run
        warm_up(config)
        self._pool = worker_pool(processes, multiprocessing.get_context("fork"))
        self._lock = threading.Lock()
        self._lost = False
        self._closed = False

    def clean(self, paths: list[str], config: CleanConfig) -> BatchResult:
        """The batch cleaned by a worker process, or, once the pool is lost, as described above."""
        if self._closed:
            raise RuntimeError("the flow run's batches are over: this batch is not needed any more")
        if not self._lost:
            try:
                return self._in_jobs(paths, config)
            except (BrokenProcessPool, TimeoutError, CancelledError):
                self._stop(kill=True)
            except RuntimeError:  # submitted after another task's thread had stopped the pool
                if not self._lost:
                    raise
        budget = config.max_seconds_per_document
        if not budget or budget <= 0:
            raise RuntimeError("a worker process of this flow run died or hung; without a time budget "
                               "per document its batches cannot be isolated (see clean --timeout)")
        return clean_batch(paths, config)

    def _in_jobs(self, paths: list[str], config: CleanConfig) -> BatchResult:
        """The batch cut into :func:`pool_jobs`, cleaned by the processes side by side (the
        last batch of a run no longer keeps one process busy while the other waits), and its
        results merged; the whole batch keeps its deadline (TimeoutError past it)."""
        jobs = [self._pool.submit(clean_batch, job, config) for job in pool_jobs(paths)]
        limit = batch_deadline(len(paths), config)
        deadline = None if limit is None else time.monotonic() + limit
        return merged([job.result(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
                       for job in jobs])

    def close(self, failed: bool) -> None:
        """Shut the processes down once every batch is in (``failed``: the run stopped early: kill them)."""
        self._closed = True
        self._stop(kill=failed)

    def _stop(self, kill: bool) -> None:
        with self._lock:
            if self._lost:
                return
            self._lost = True
        if kill:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
        self._pool.shutdown(wait=not kill, cancel_futures=True)


def _prefect_batches(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
    runner = FlowRunContext.get().task_runner
    if len(batches) == 1 and isinstance(runner, (ProcessPoolTaskRunner, ThreadPoolTaskRunner)):
        # Nothing to run in parallel: a tracked task run in this process's main thread, without
        # a pool process (a spawned one imports Prefect and the pipeline afresh: 3-5 s) or a fork.
        yield clean_batch_task(batches[0], config)
        return
    workers = None
    if isinstance(runner, ThreadPoolTaskRunner) and _CAN_FORK:
        workers = _BatchWorkers(min(_parallelism(runner), len(batches)), config)
    _BATCH_WORKERS.set(workers)
    finished = False
    try:
        with _one_api_client_for_the_task_threads(runner):
            yield from _submitted(batches, config, max(2, IN_FLIGHT_PER_SLOT * _parallelism(runner)))
        finished = True
    finally:
        _BATCH_WORKERS.set(None)
        if workers is not None:
            workers.close(failed=not finished)


def _one_api_client_for_the_task_threads(runner: TaskRunner) -> contextlib.AbstractContextManager[Any]:
    """A sync API client that the thread-pool task runs submitted inside this context share.

    A sync flow run's engine opens one (``SyncClientContext``) and its thread-pool tasks, which
    run in a copy of the submitting thread's context, reuse it. ``clean_flow`` is async (see
    there), so without this every task run opened its own client, each loading the CA bundle into
    a new SSL context: ~35 ms of CPU each, 21 a flow run of 1,000 documents (0.75 s; cProfile of the
    task threads). Other task runners (Dask, processes) get no shared client: their task runs
    are in other processes.
    """
    if isinstance(runner, ThreadPoolTaskRunner):
        return SyncClientContext.get_or_create()
    return contextlib.nullcontext()


def _submitted(batches: list[list[str]], config: CleanConfig, window: int) -> Iterator[BatchResult]:
    """The batches' task results in order, at most ``window`` batches submitted ahead.

    Each result is dropped once yielded: the flow process (and the Dask cluster, which keeps a
    result while its future is referenced) holds only the batches in flight, not the whole
    run's records.
    """
    pending: deque = deque()
    for batch in batches:
        pending.append(clean_batch_task.submit(batch, config))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


#: Batches submitted ahead per task slot (process or Dask worker thread): enough to keep every
#: slot busy while results are consumed in input order, few enough to bound memory.
IN_FLIGHT_PER_SLOT = 4


def _parallelism(runner: Any) -> int:
    """How many tasks ``runner`` runs at once: pool processes, or the Dask cluster's threads."""
    if isinstance(runner, (ProcessPoolTaskRunner, ThreadPoolTaskRunner)):
        workers = getattr(runner, "_max_workers", None)
        # ThreadPoolTaskRunner() without max_workers has no bound (sys.maxsize): one per core then
        return workers if workers and workers < sys.maxsize else os.cpu_count() or 1
    if getattr(runner, "address", None) is not None or hasattr(runner, "client"):
        try:
            return max(1, sum(runner.client.nthreads().values()))
        except Exception:  # noqa: BLE001 - an estimate only
            pass
    return os.cpu_count() or 1


def local_task_runner(workers: int | None = None) -> TaskRunner:
    """Where a flow run's batch tasks run on this machine: ``workers`` threads of the flow-run
    process (default: one per core, or ``PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS``), whose
    batches are cleaned by as many worker processes forked from it (:class:`_BatchWorkers`).

    Not Prefect's ``ProcessPoolTaskRunner``: it starts its processes with multiprocessing's
    *spawn* (fixed in Prefect 3.8), fresh interpreters that import Prefect, the pipeline and the
    language model again: +15-18 % over ``run_clean`` on 1,000 documents on 2 cores. It remains
    the choice where processes cannot be forked.
    """
    if workers is None:
        workers = get_current_settings().tasks.runner.process_pool_max_workers or os.cpu_count() or 1
    workers = max(1, workers)
    return ThreadPoolTaskRunner(max_workers=workers) if _CAN_FORK else ProcessPoolTaskRunner(max_workers=workers)


def _default_task_runner() -> Any:
    """Dask when ``CLEAN_DASK_ADDRESS`` is set where the flow is imported, else :func:`local_task_runner`.

    Reading the setting here lets a deployment run on Dask by setting the variable in its work
    pool's environment.
    """
    address = os.environ.get(DASK_ADDRESS_ENV)
    if address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return local_task_runner()


@flow(name="clean", task_runner=_default_task_runner(), log_prints=True)
async def clean_flow(
    inputs: list[str],
    out: str = "output",
    config: dict[str, Any] | None = None,
    batch_size: int = 100,
    workers: int | None = None,
) -> dict[str, Any]:
    """Clean every file under ``inputs`` into ``out``; returns the run report.

    An async flow (its body is the plain, blocking :func:`~flows.runner.run_clean`): run it with
    ``asyncio.run(clean_flow(...))``. Prefect ends a sync flow run by waiting for its heartbeat
    thread's current one-second sleep (0-1 s of idle time a run, ~10 % of a 1,000-document run on
    two cores); an async flow run does not wait for it.
    """
    clean_config = config_from_dict(config)
    mode, mapper = _orchestration(workers)
    report = run_clean(inputs, out, clean_config, map_batches=mapper, batch_size=batch_size, mode=mode)
    return report.to_dict()


def on_dask(address: str, flow: Any = None) -> Any:
    """``flow`` (default :data:`clean_flow`) with its batch tasks run on the Dask scheduler at ``address``.

    The flow code is unchanged: only its task runner is swapped
    (``flow.with_options(task_runner=DaskTaskRunner(address=...))``). Each ``clean-batch``
    task gets file *paths*; the Dask workers read the files themselves, so they must see
    the same paths (a shared filesystem; give absolute paths), have this project
    installed, and reach the flow's Prefect API (``PREFECT_API_URL``). Output is
    still written by the flow-run process, in input order.
    """
    from prefect_dask import DaskTaskRunner

    return (flow or clean_flow).with_options(task_runner=DaskTaskRunner(address=address))


def _orchestration(workers: int | None) -> tuple[str, MapBatches]:
    """Batches as Prefect tasks inside a flow run; otherwise a local process pool."""
    run_context = FlowRunContext.get()
    if run_context is not None:
        address = getattr(run_context.task_runner, "address", None)  # a DaskTaskRunner's scheduler
        where = f"(dask {address}) " if address else ""
        return f"prefect flow run {where}{run_context.flow_run.id}", _prefect_batches
    return IN_PROCESS, local_batches(workers or os.cpu_count() or 1)


def artifact_key(out: str) -> str:
    """A table-artifact key per output folder (lowercase letters, digits, dashes).

    >>> artifact_key("/data/Clean Out")
    'clean-report-clean-out-6a12daa9'
    """
    slug = "".join(c if c.isalnum() else "-" for c in os.path.basename(os.path.abspath(out)).lower()).strip("-")
    digest = hashlib.sha256(os.path.abspath(out).encode()).hexdigest()[:8]
    return f"clean-report-{slug[:40] or 'out'}-{digest}"


@flow(name="clean-incremental", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=True,
      retries=1, retry_delay_seconds=5)
def incremental_flow(
    inputs: list[str],
    out: str = "output",
    config: dict[str, Any] | None = None,
    batch_size: int = 100,
    workers: int | None = None,
) -> dict[str, Any]:
    """Clean only the inputs new or changed since the last successful run into ``out/runs/<run>``.

    Inside a flow run the report is also attached as a table artifact (counts per reason).
    """
    mode, mapper = _orchestration(workers)
    report = run_incremental(inputs, out, config_from_dict(config), map_batches=mapper,
                             batch_size=batch_size, mode=mode)
    inc = report["incremental"]
    print(f"run {inc['run'] or '(none)'}: {inc['new']} new, {inc['changed']} changed, "
          f"{inc['unchanged']} unchanged, {inc['deleted']} deleted; {report['articles']} articles, "
          f"{report['rejected']} rejected")
    if FlowRunContext.get() is not None:
        from prefect.artifacts import create_table_artifact

        create_table_artifact(table=report_rows(report), key=artifact_key(out),
                              description=report_title(report, os.path.abspath(out)))
    return report
