"""The Prefect flow on a real (temporary) Prefect server, and its equality with the in-process path."""

from __future__ import annotations

import json
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

    report = clean_flow([str(SEEDS)], str(tmp_path), None, 2)
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

    report = clean_flow.fn([str(SEEDS)], str(tmp_path), None, 2, 2)
    assert report["run"]["mode"].startswith("in-process")
    assert (tmp_path / "articles.jsonl").read_bytes() == (in_process_output / "articles.jsonl").read_bytes()


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


def test_local_task_runner_is_threads_whose_batches_fork_unless_there_is_no_budget():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    from cleaners.pipeline import CleanConfig
    from flows.prefect_flow import _parallelism, local_task_runner

    runner = local_task_runner(3)
    assert isinstance(runner, ThreadPoolTaskRunner) and _parallelism(runner) == 3
    # no budget: a batch would run in its thread (the GIL), so processes
    no_budget = local_task_runner(2, CleanConfig(max_seconds_per_document=0))
    assert isinstance(no_budget, ProcessPoolTaskRunner) and _parallelism(no_budget) == 2
    assert _parallelism(ThreadPoolTaskRunner()) == (__import__("os").cpu_count() or 1)  # unbounded: per core


def test_a_batch_task_in_a_thread_cleans_in_a_forked_child(tmp_path, monkeypatch):
    """What makes :func:`local_task_runner`'s threads use every core: a batch task run outside the
    main thread (as ThreadPoolTaskRunner runs it) cleans its documents in another process, and
    gives the same lines as in this one. Should ``clean_batch`` stop forking there, the flow
    would silently clean one batch at a time: this test fails instead."""
    import os
    import threading

    import flows.runner
    from cleaners.pipeline import CleanConfig
    from flows.prefect_flow import clean_batch_task

    pids = tmp_path / "pids"
    read_input = flows.runner.read_input

    def recording_read_input(path, *args, **kwargs):
        with open(pids, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        return read_input(path, *args, **kwargs)

    monkeypatch.setattr(flows.runner, "read_input", recording_read_input)
    paths = sorted(str(p) for p in SEEDS.iterdir() if p.is_file())[:2]
    results = []
    thread = threading.Thread(target=lambda: results.append(clean_batch_task.fn(paths, CleanConfig())))
    thread.start()
    thread.join(120)
    assert results and len(results[0].lines) == len(paths)
    seen = {int(line) for line in pids.read_text().split()}
    assert seen and os.getpid() not in seen

    pids.unlink()
    assert clean_batch_task.fn(paths, CleanConfig()).lines == results[0].lines  # main thread: here, same lines
    assert {int(line) for line in pids.read_text().split()} == {os.getpid()}
