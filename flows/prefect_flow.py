"""The Prefect flows: thin wrappers over :func:`flows.runner.run_clean` and
:func:`flows.incremental.run_incremental`.

Inside a flow run, batches become Prefect tasks; called as ``clean_flow.fn(...)``
(no orchestration), the very same function maps batches over a process pool.
``incremental_flow`` is what ``clean serve`` serves on a schedule.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Iterator

from prefect import flow, task
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from cleaners.pipeline import CleanConfig, config_from_dict

from .incremental import report_rows, report_title, run_incremental
from .runner import IN_PROCESS, BatchResult, MapBatches, clean_batch, local_batches, run_clean

__all__ = ["clean_flow", "clean_batch_task", "incremental_flow"]


@task(name="clean-batch", retries=2, retry_delay_seconds=1)
def clean_batch_task(paths: list[str], config: CleanConfig) -> BatchResult:
    """One batch of paths, cleaned (see :func:`flows.runner.clean_batch`)."""
    return clean_batch(paths, config)


def _prefect_batches(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
    futures = [clean_batch_task.submit(batch, config) for batch in batches]
    for future in futures:
        yield future.result()


@flow(name="clean", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=True)
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


def _orchestration(workers: int | None) -> tuple[str, MapBatches]:
    """Batches as Prefect tasks inside a flow run; otherwise a local process pool."""
    run_context = FlowRunContext.get()
    if run_context is not None:
        return f"prefect flow run {run_context.flow_run.id}", _prefect_batches
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
