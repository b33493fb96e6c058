"""The Prefect flow: a thin wrapper over :func:`flows.runner.run_clean`.

Inside a flow run, batches become Prefect tasks; called as ``clean_flow.fn(...)``
(no orchestration), the very same function maps batches over a process pool.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from prefect import flow, task
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from cleaners.pipeline import CleanConfig, config_from_dict

from .runner import IN_PROCESS, BatchResult, clean_batch, local_batches, run_clean

__all__ = ["clean_flow", "clean_batch_task"]


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
    run_context = FlowRunContext.get()
    if run_context is not None:
        mode = f"prefect flow run {run_context.flow_run.id}"
        mapper = _prefect_batches
    else:
        mode = IN_PROCESS
        mapper = local_batches(workers or os.cpu_count() or 1)
    report = run_clean(inputs, out, clean_config, map_batches=mapper, batch_size=batch_size, mode=mode)
    return report.to_dict()
