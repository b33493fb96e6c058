"""The clean flow on a real Dask cluster (a scheduler and two workers on 127.0.0.1).

The workers are separate processes with their own ``PREFECT_HOME`` and working
directory; they reach the test's Prefect server through ``PREFECT_API_URL``. The
output must equal a local in-process run byte for byte, and both workers must have
run batch tasks.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaners.pipeline import config_from_dict
from flows.cli import main
from flows.runner import run_clean

from .conftest import SEEDS, read_jsonl, stop_process_group

pytest.importorskip("prefect_dask")
distributed = pytest.importorskip("distributed")

BATCH_SIZE = 2
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    try:
        return subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=cwd, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        handle.close()


@pytest.fixture(scope="module")
def dask_cluster(prefect_server, tmp_path_factory):
    """``tcp://127.0.0.1:PORT`` of a scheduler with two one-thread workers, and a client to it."""
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()
    assert api_url, "prefect_test_harness should provide an API URL"
    root = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    base_env |= {"PREFECT_API_URL": api_url, "PYTHONUNBUFFERED": "1"}
    processes: list[subprocess.Popen] = []
    client = None
    try:
        processes.append(_start(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
             "--no-dashboard"], base_env, root, root / "scheduler.log"))
        for name in ("w1", "w2"):
            home = root / name
            home.mkdir()
            env = base_env | {"PREFECT_HOME": str(home / "prefect-home")}
            processes.append(_start(
                ["distributed.cli.dask_worker", address, "--name", name, "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(home)],
                env, home, root / f"{name}.log"))
        deadline = time.monotonic() + STARTUP_SECONDS
        while client is None:
            try:
                client = distributed.Client(address, timeout=5, set_as_default=False)
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise
                time.sleep(0.5)
        client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
        yield address, client
    except BaseException:
        for log in sorted(root.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    finally:
        if client is not None:
            client.close(timeout=10)
        for process in reversed(processes):
            stop_process_group(process, 10)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """The seeds plus a few generated documents (HTML, text, an empty file): absolute paths."""
    folder = tmp_path_factory.mktemp("generated")
    prose = ("The river rose through the night and by morning the lower streets of the town were under "
             "water. Volunteers filled sandbags while the council opened the school as a shelter. ")
    for i in range(3):
        (folder / f"flood_{i}.txt").write_text(
            f"Flood Report Number {i}\n" + (prose * (3 + i)) + "\nShare this article\n", encoding="utf-8")
        (folder / f"page_{i}.html").write_text(
            f"<html><head><title>Harbour news {i}</title></head><body><nav>Home | News | Sport</nav>"
            f"<article><h1>Harbour news {i}</h1>" + f"<p>{prose}</p>" * (2 + i) +
            "</article><footer>Copyright 2025</footer></body></html>", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return [str(SEEDS.resolve()), str(folder)]


@pytest.fixture(scope="module")
def local_output(tmp_path_factory, inputs):
    out = tmp_path_factory.mktemp("local")
    report = run_clean(inputs, str(out), batch_size=BATCH_SIZE, workers=1)
    assert report.articles >= 4 and report.rejected >= 1
    return out


def _executed(client) -> dict[str, int]:
    return client.run(lambda dask_worker: dask_worker.state.executed_count)


def _same_output(out: Path, local: Path) -> None:
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (out / name).read_bytes() == (local / name).read_bytes(), name


def test_flow_on_dask_matches_a_local_run_and_uses_both_workers(dask_cluster, inputs, local_output, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterFlowRunId

    from flows.prefect_flow import on_dask

    address, client = dask_cluster
    before = _executed(client)
    report = asyncio.run(on_dask(address)(inputs, str(tmp_path), None, BATCH_SIZE))
    assert report["run"]["mode"].startswith(f"prefect flow run (dask {address}) ")
    _same_output(tmp_path, local_output)

    batches = -(-report["inputs"] // BATCH_SIZE)
    ran = {worker: n - before.get(worker, 0) for worker, n in _executed(client).items()}
    assert len(ran) == 2 and all(n > 0 for n in ran.values()), ran
    assert sum(ran.values()) == batches

    run_id = report["run"]["mode"].split()[-1]
    with get_client(sync_client=True) as prefect:
        tasks = prefect.read_task_runs(task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run_id])))
    assert len(tasks) == batches
    assert {t.state.type.value for t in tasks} == {"COMPLETED"}
    assert all(t.name.startswith("clean-batch") for t in tasks)


def test_a_document_over_its_budget_on_dask_is_a_timeout_and_its_batch_goes_on(dask_cluster, tmp_path):
    """Dask runs a task in a worker thread, where no timer can interrupt it: the batch is run in
    a child process of the worker, and the output equals a local run's, timeout record included.

    The slow document sits between two small ones in one batch (inputs are read in name order),
    so the batch must go on after it; its record must be the budget's timeout (the SIGALRM timer
    fired in the child), not the hard deadline's, nor an article (it was, now and then, while the
    alarm fired once only: see test_hostile's garbage-collector callback test)."""
    from flows.prefect_flow import on_dask

    address, _ = dask_cluster
    folder = tmp_path / "in"
    folder.mkdir()
    prose = "The council met on Tuesday and approved the budget for the new library after a long debate. "
    (folder / "a.txt").write_text("Library budget\n" + prose * 6, encoding="utf-8")
    # ~23 MB: several times the budget even on a fast machine (at 10,000 paragraphs it took ~1.1 s,
    # and an alarm swallowed by a garbage-collector callback now and then let it finish)
    (folder / "big.txt").write_text("\n".join(f"Paragraph {i}. " + prose * 6 for i in range(40_000)), encoding="utf-8")
    (folder / "c.txt").write_text("Library opening\n" + prose * 5, encoding="utf-8")
    config = {"max_seconds_per_document": 1.0}  # big.txt needs ~4 s
    local = tmp_path / "local"
    run_clean([str(folder)], str(local), config_from_dict(config), batch_size=3, workers=1)
    out = tmp_path / "out"
    report = asyncio.run(on_dask(address)([str(folder)], str(out), config, 3))
    assert report["run"]["mode"].startswith(f"prefect flow run (dask {address}) ")
    assert [os.path.basename(r["source"]["path"]) for r in read_jsonl(out / "articles.jsonl")] == ["a.txt", "c.txt"]
    [rejected] = read_jsonl(out / "rejected.jsonl")
    assert os.path.basename(rejected["source"]["path"]) == "big.txt" and rejected["reason"] == "timeout"
    assert "budget of 1 s per document" in rejected["detail"] and "hard deadline" not in rejected["detail"]
    assert report["articles"] == 2 and report["rejected_by_reason"] == {"timeout": 1}
    _same_output(out, local)


def test_cli_takes_the_scheduler_from_the_setting(dask_cluster, inputs, local_output, tmp_path, monkeypatch, capsys):
    address, client = dask_cluster
    monkeypatch.setenv("CLEAN_DASK_ADDRESS", address)
    before = sum(_executed(client).values())
    assert main([*inputs, "--out", str(tmp_path), "--batch-size", str(BATCH_SIZE)]) == 0
    assert f"(dask {address})" in capsys.readouterr().err
    _same_output(tmp_path, local_output)
    assert sum(_executed(client).values()) > before


def test_no_prefect_beats_the_setting_and_conflicts_with_the_flag(tmp_path, monkeypatch, inputs, local_output):
    monkeypatch.setenv("CLEAN_DASK_ADDRESS", "tcp://127.0.0.1:9")  # nothing listens there
    assert main([*inputs, "--out", str(tmp_path), "--batch-size", str(BATCH_SIZE), "--no-prefect", "-q"]) == 0
    _same_output(tmp_path, local_output)
    with pytest.raises(SystemExit):
        main([*inputs, "--dask", "tcp://127.0.0.1:9", "--no-prefect"])
