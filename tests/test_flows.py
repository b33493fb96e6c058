"""The Prefect flow on a real (temporary) Prefect server, and its equality with the in-process path."""

from __future__ import annotations

import asyncio
import gc
import inspect
import json
import os
import sys

import pytest

from flows.cli import main

from .conftest import SEEDS


@pytest.fixture(scope="module")
def in_process_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    assert main([str(SEEDS), "--out", str(out), "--quiet", "--no-prefect"]) == 0
    return out


def test_flow_run_on_a_real_server_matches_the_in_process_run(prefect_server, tmp_path, in_process_output):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.prefect_flow import clean_flow

    report = asyncio.run(clean_flow([str(SEEDS)], str(tmp_path), None, 2))
    assert report["run"]["mode"].startswith("prefect flow run ")
    assert report["articles"] == 4 and report["rejected"] == 0
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (tmp_path / name).read_bytes() == (in_process_output / name).read_bytes()

    run_id = report["run"]["mode"].split()[-1]
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
        assert [r.state.type.value for r in runs] == ["COMPLETED"]
        tasks = client.read_task_runs()
        batch_runs = [t for t in tasks if t.flow_run_id and str(t.flow_run_id) == run_id]
        # 4 seeds in batches of 2: two batch tasks, both completed
        assert sorted(t.state.type.value for t in batch_runs) == ["COMPLETED", "COMPLETED"]


def test_flow_function_without_orchestration_matches_too(tmp_path, in_process_output):
    from flows.prefect_flow import clean_flow

    report = asyncio.run(clean_flow.fn([str(SEEDS)], str(tmp_path), None, 2, 2))
    assert report["run"]["mode"].startswith("in-process")
    assert (tmp_path / "articles.jsonl").read_bytes() == (in_process_output / "articles.jsonl").read_bytes()


def test_clean_flow_is_async_so_its_run_does_not_wait_for_the_heartbeat_thread():
    """Prefect ends a sync flow run by joining its heartbeat thread, which sleeps in one-second
    steps (0-1 s idle a run, ~10 % of 1,000 documents on two cores); an async flow run does not."""
    from flows.prefect_flow import clean_flow

    assert clean_flow.isasync
    assert inspect.iscoroutinefunction(clean_flow.fn)


def test_cli_uses_the_flow_when_asked(prefect_server, tmp_path, in_process_output, capsys):
    assert main([str(SEEDS), "--out", str(tmp_path), "--prefect"]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["run"]["mode"].startswith("prefect flow run ")
    assert "ran prefect flow run" in capsys.readouterr().err
    assert (tmp_path / "articles.jsonl").read_bytes() == (in_process_output / "articles.jsonl").read_bytes()


def test_cli_without_server_does_not_import_prefect(tmp_path):
    import subprocess

    code = (
        "import sys; from flows.cli import main; "
        f"main([{str(SEEDS)!r}, '--out', {str(tmp_path)!r}, '--quiet']); "
        "print('prefect' in sys.modules)"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "False"


def test_local_task_runner_is_threads_of_the_flow_run_process():
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.prefect_flow import _parallelism, local_task_runner

    runner = local_task_runner(3)
    assert isinstance(runner, ThreadPoolTaskRunner) and _parallelism(runner) == 3
    assert _parallelism(ThreadPoolTaskRunner()) == (os.cpu_count() or 1)  # unbounded: one per core


@pytest.fixture
def recorded_pids(tmp_path, monkeypatch):
    """The id of each process that reads an input (forked processes inherit the recording)."""
    import flows.runner

    log = tmp_path / "pids"
    read_input = flows.runner.read_input

    def recording_read_input(path, *args, **kwargs):
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {path}\n")
        return read_input(path, *args, **kwargs)

    monkeypatch.setattr(flows.runner, "read_input", recording_read_input)
    return lambda: [(int(pid), path) for pid, path in (line.split(" ", 1) for line in log.read_text().splitlines())]


def test_flow_run_batches_go_to_worker_processes_forked_once(prefect_server, tmp_path, in_process_output, recorded_pids):
    """What keeps the flow run near run_clean's speed: its thread-pool tasks hand their batches
    to processes forked once from the flow-run process (here, this one), not to a child per batch
    (4 batches, 2 processes: at most 2 readers) nor to the task threads themselves. Should Prefect
    stop passing the flow's context to its task threads, batches would fork a child each: this fails."""
    from flows.prefect_flow import clean_flow, local_task_runner

    report = asyncio.run(clean_flow.with_options(task_runner=local_task_runner(2))([str(SEEDS)], str(tmp_path / "out"), None, 1))
    assert report["inputs"] == 4
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (in_process_output / name).read_bytes()
    readers = {pid for pid, _ in recorded_pids()}
    assert os.getpid() not in readers and 1 <= len(readers) <= 2


def test_batch_tasks_are_never_cached():
    """A batch's records depend on its files' contents, not on the paths the task is given: a
    cache keyed by the task's inputs (Prefect's default policy) could only give stale records."""
    from prefect.cache_policies import NO_CACHE

    from flows.prefect_flow import clean_batch_task

    assert clean_batch_task.cache_policy is NO_CACHE


def test_the_flow_runs_worker_processes_are_forked_after_run_cleans_warm_up(monkeypatch):
    """The flow run's processes start as run_clean's pool does: forked after flows.runner.warm_up
    (the models, and what the cleaners load on first use), not after the models alone, which left
    each process loading the rest again in every flow run."""
    import flows.prefect_flow
    from cleaners.pipeline import CleanConfig
    from flows.prefect_flow import _BatchWorkers

    warmed = []
    monkeypatch.setattr(flows.prefect_flow, "warm_up", lambda config: warmed.append((config, os.getpid())))
    config = CleanConfig()
    workers = _BatchWorkers(1, config)
    try:
        assert warmed == [(config, os.getpid())]
    finally:
        workers.close(failed=False)


def test_the_task_runs_of_a_flow_run_share_one_sync_api_client(prefect_server, tmp_path, in_process_output, monkeypatch):
    """clean_flow is async, so no flow-run engine opens the sync client its thread-pool task runs
    would reuse: _prefect_batches opens one for them. Without it each of the 4 task runs here opens
    its own (each loading the CA bundle into a new SSL context: ~35 ms of CPU) and this fails."""
    from prefect.client import orchestration

    from flows.prefect_flow import clean_flow, local_task_runner

    opened = []
    sync_client_init = orchestration.SyncPrefectClient.__init__

    def counting_init(self, *args, **kwargs):
        opened.append(self)
        sync_client_init(self, *args, **kwargs)

    monkeypatch.setattr(orchestration.SyncPrefectClient, "__init__", counting_init)
    report = asyncio.run(clean_flow.with_options(task_runner=local_task_runner(2))([str(SEEDS)], str(tmp_path / "out"), None, 1))
    assert report["inputs"] == 4
    assert (tmp_path / "out" / "articles.jsonl").read_bytes() == (in_process_output / "articles.jsonl").read_bytes()
    assert 1 <= len(opened) <= 2  # the shared one (and one the flow engine may open for itself)


def test_a_lost_worker_costs_only_its_document(tmp_path, recorded_pids, monkeypatch):
    """A document that kills its worker process: the pool is lost, its batch and the later ones
    are cleaned through clean_batch's child per batch, the culprit is rejected as internal_error
    and every other record is the one of an undisturbed run."""
    import json
    import threading

    import flows.runner
    from cleaners.pipeline import CleanConfig
    from flows.prefect_flow import _BatchWorkers

    config = CleanConfig()
    paths = sorted(str(p) for p in SEEDS.iterdir() if p.is_file())
    expected = flows.runner.clean_batch(paths, config).lines
    culprit, parent, read_input = paths[1], os.getpid(), flows.runner.read_input

    def deadly_read_input(path, *args, **kwargs):
        if path == culprit and os.getpid() != parent:
            os._exit(3)
        return read_input(path, *args, **kwargs)

    monkeypatch.setattr(flows.runner, "read_input", deadly_read_input)
    workers = _BatchWorkers(2, config)
    assert workers._pool.submit(gc.get_freeze_count).result(120) > 1000  # see test_kill: inherited objects frozen
    results = []

    def tasks():  # as Prefect runs them: in a thread, one batch after the other
        results.append(workers.clean(paths[:2], config))
        results.append(workers.clean(paths[2:], config))

    thread = threading.Thread(target=tasks)
    thread.start()
    thread.join(300)
    workers.close(failed=False)
    assert workers._lost  # the pool was lost, the batches went on without it
    lines = results[0].lines + results[1].lines
    assert len(lines) == len(paths)
    for (kind, line), (want_kind, want_line), path in zip(lines, expected, paths):
        if path == culprit:
            record = json.loads(line)
            assert kind == "rejected" and record["reason"] == "internal_error" and "died" in record["detail"]
        else:
            assert (kind, line) == (want_kind, want_line)
