"""The Prefect flows: thin wrappers over :func:`flows.runner.run_clean` and
:func:`flows.incremental.run_incremental`.

Inside a flow run, batches become Prefect tasks (run by :func:`local_task_runner`: threads whose
batches are cleaned in forked child processes); called as ``clean_flow.fn(...)`` (no
orchestration), the very same function maps batches over a process pool.
``incremental_flow`` is what ``clean serve`` serves on a schedule.

:func:`on_dask` is the same flow with its batch tasks on a Dask cluster
(``prefect-dask``), for ``clean --dask tcp://scheduler:8786`` / ``CLEAN_DASK_ADDRESS``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import deque
from typing import Any, Iterator

from prefect import flow, task
from prefect.context import FlowRunContext
from prefect.settings import get_current_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from cleaners.pipeline import CleanConfig, config_from_dict

from .incremental import report_rows, report_title, run_incremental
from .runner import IN_PROCESS, BatchResult, MapBatches, clean_batch, local_batches, run_clean

__all__ = ["clean_flow", "clean_batch_task", "incremental_flow", "local_task_runner", "on_dask", "DASK_ADDRESS_ENV"]

#: The setting naming a Dask scheduler, e.g. ``tcp://10.0.0.5:8786`` (same as ``clean --dask``).
DASK_ADDRESS_ENV = "CLEAN_DASK_ADDRESS"


@task(name="clean-batch", retries=2, retry_delay_seconds=1)
def clean_batch_task(paths: list[str], config: CleanConfig) -> BatchResult:
    """One batch of paths, cleaned (see :func:`flows.runner.clean_batch`)."""
    return clean_batch(paths, config)


def _prefect_batches(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
    runner = FlowRunContext.get().task_runner
    if len(batches) == 1 and isinstance(runner, (ProcessPoolTaskRunner, ThreadPoolTaskRunner)):
        # Nothing to run in parallel: a tracked task run in this process's main thread, without
        # a pool process (a spawned one imports Prefect and the pipeline afresh: 3-5 s) or a fork.
        yield clean_batch_task(batches[0], config)
        return
    # A bounded window of submitted batches, each result dropped once yielded: the flow process
    # (and the Dask cluster, which keeps a result while its future is referenced) holds only
    # the batches in flight, not the whole run's records.
    window = max(2, IN_FLIGHT_PER_SLOT * _parallelism(runner))
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


def local_task_runner(workers: int | None = None, config: CleanConfig | None = None) -> TaskRunner:
    """Where a flow run's batch tasks run on this machine: ``workers`` threads (default: one per
    core, or ``PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS``), each batch cleaned in a child
    process forked from the flow-run process.

    Batches are CPU-bound Python, so they need processes, not threads (the GIL). With a time
    budget per document (the default), :func:`flows.runner.clean_batch` called outside the main
    thread already cleans its batch in a child forked for it (the budget's timer needs a main
    thread): each task run stays in the flow-run process (a thread, ~5 ms of client time), and
    its batch runs on its own core in a child that inherits the imported pipeline and its loaded
    models. Prefect's ``ProcessPoolTaskRunner`` starts its pool with multiprocessing's *spawn*
    (fixed in Prefect 3.8): fresh interpreters that import Prefect, the pipeline and the language
    model again, ~5 s of a 30 s run on 2 cores (measured: +15-18 % over ``run_clean`` on 1,000
    documents). A child that dies also costs only its documents (they are isolated and
    rejected, as in ``run_clean``'s pool), where a dead pool process broke every later task.

    Without a budget (``max_seconds_per_document`` 0) batches would run in the threads, one at a
    time: the process pool then (a deployment whose config turns the budget off should pass this
    function's runner for that config to ``clean_flow.with_options(task_runner=...)``).
    """
    if workers is None:
        workers = get_current_settings().tasks.runner.process_pool_max_workers or os.cpu_count() or 1
    workers = max(1, workers)
    budget = (config or CleanConfig()).max_seconds_per_document
    if not budget or budget <= 0:
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=workers)


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
def clean_flow(
    inputs: list[str],
    out: str = "output",
    config: dict[str, Any] | None = None,
    batch_size: int = 100,
    workers: int | None = None,
) -> dict[str, Any]:
    """Clean every file under ``inputs`` into ``out``; returns the run report."""
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
