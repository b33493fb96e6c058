"""`clean serve` on a real `prefect server start`: scheduled incremental runs, end to end.

The scheduler runs only on a real server (not on the temporary one or prefect_test_harness),
so this starts one on a free loopback port with its own PREFECT_HOME and, at the same time,
`clean serve INBOX --interval 5` (it waits for /api/health), drops files into the inbox and
checks what the scheduled runs did, in the run folders and through the API. Everything it
started is stopped (process groups) whatever happens; every wait is bounded.

Where the time goes (2 cores): the server's start-up, ~14 s of CPU with a new database, ~8 s
of it Prefect's migrations on SQLite, which a migrated database kept in pytest's cache from an
earlier session saves (~6 s of CPU then); `clean serve`'s own start-up, overlapping it; then
three scheduled runs of 2-4 s each (`clean serve` forks them from a preloaded process: spawned,
each would re-import Prefect and the pipeline, ~5 s of CPU more per run). Measured on the 2-core
dev machine with other jobs running (load 2-3): ~29 s with the cached database, ~39 s without.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from .conftest import read_jsonl, stop_process_group

WAIT = 120  # seconds: the bound on every wait (the normal case takes a fraction of it)
ARTICLE = ("The city council approved the new budget on Tuesday after a long debate about schools, "
           "roads and the future of the public library in the old town centre. ") * 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a subprocess: none of this test session's Prefect settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_UI_ENABLED="false", PREFECT_LOGGING_LEVEL="INFO", **extra)
    return env


#: Server settings for this test only. The scheduler (what is tested) looks for new deployments
#: every second instead of every 5; services nothing here uses are off (late-run marking, pause
#: expiry, foreman, repossessor, cancellation clean-up, automations, event and task-run
#: recording, clean-up reconciler), and block types are not registered (~3 s of CPU). Flow
#: runs, their states and artifacts go through the API exactly as with the defaults.
SERVER_SETTINGS = {
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    **{f"PREFECT_SERVER_SERVICES_{service}_ENABLED": "false" for service in (
        "LATE_RUNS", "PAUSE_EXPIRATIONS", "FOREMAN", "REPOSSESSOR", "CANCELLATION_CLEANUP", "TRIGGERS",
        "EVENT_PERSISTER", "TASK_RUN_RECORDER", "CLEANUP_RECONCILER")},
}


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = open(log, "wb")
    try:
        return subprocess.Popen(argv, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        handle.close()


def _wait(what: str, check: Callable[[], Any], logs: list[Path], processes: list[subprocess.Popen]) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        for process in processes:
            if process.poll() is not None:
                break
        else:
            time.sleep(0.25)
            continue
        break
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs if log.exists())
    pytest.fail(f"gave up waiting for {what}\n{tails}")


def _api(url: str, method: str, path: str, body: dict | None = None) -> Any:
    response = httpx.request(method, f"{url}{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _table(url: str, flow_run_id: str) -> dict[str, Any] | None:
    artifacts = _api(url, "POST", "/artifacts/filter",
                     {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}, "type": {"any_": ["table"]}}})
    if not artifacts:
        return None
    return {row["what"]: row["count"] for row in json.loads(artifacts[0]["data"])}


def _migrated_database(config: pytest.Config) -> Path | None:
    """Where a freshly migrated server database of this Prefect version is kept between sessions.

    A new database costs the server ~8 s of CPU (Prefect's migrations, on SQLite); a copy of one
    taken by an earlier session (in pytest's cache: a fresh checkout, as in CI, has none) saves
    that, and the server starts as on any restart. None without pytest's cache.
    """
    cache = getattr(config, "cache", None)
    return cache.mkdir("prefect-server-db") / f"prefect-{version('prefect')}.db" if cache else None


def _keep_migrated_database(db: Path, keep: Path) -> None:
    """Copy the server's database to ``keep`` if nothing has been registered in it yet."""
    partial = keep.with_name(f"{keep.name}.{os.getpid()}.partial")
    try:
        with contextlib.closing(sqlite3.connect(db, timeout=2)) as source:
            if source.execute("SELECT count(*) FROM flow").fetchone()[0]:
                return  # `clean serve` was quicker: its flow is in there already
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
        os.replace(partial, keep)
    except sqlite3.Error:
        pass  # only a cache: the next session tries again
    finally:
        partial.unlink(missing_ok=True)


def _flow_run_of(run_folder: Path) -> str:
    mode = json.loads((run_folder / "report.json").read_text())["run"]["mode"]
    assert mode.startswith("prefect flow run "), mode
    return mode.split()[-1]


def test_scheduled_runs_clean_only_new_files(tmp_path, pytestconfig):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "first.txt").write_text(f"First story.\n\n{ARTICLE}\n", encoding="utf-8")
    (inbox / "empty.txt").write_bytes(b"")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    server_log, log = tmp_path / "server.log", tmp_path / "serve.log"
    started = time.monotonic()
    # the server, on loopback with its own PREFECT_HOME (two processes sharing one race migrations)
    home, kept = tmp_path / "server-home", _migrated_database(pytestconfig)
    home.mkdir()
    if kept is not None and kept.exists():
        shutil.copyfile(kept, home / "prefect.db")
    server = _start([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                     "--port", str(port)], _env(home, **SERVER_SETTINGS), server_log)
    serve = None
    try:
        # started at once: `clean serve` imports while the server starts, then waits for /api/health
        serve = _start(
            [sys.executable, "-m", "flows.cli", "serve", str(inbox), "--out", str(out), "--interval", "5",
             "--name", "test-inbox", "--wait", str(WAIT)],
            _env(tmp_path / "serve-home", PREFECT_API_URL=url, PREFECT_RUNNER_POLL_FREQUENCY="1"), log,
        )
        keep = (lambda: _keep_migrated_database(home / "prefect.db", kept)) if kept and not kept.exists() else None
        _check_scheduled_runs(url, inbox, out, [log, server_log], [server, serve], started, keep)
        print(f"serve test: {time.monotonic() - started:.1f} s from start to the idle run")
    finally:
        for process in (serve, server):
            if process is not None:
                stop_process_group(process, 20)
    assert server.poll() is not None and serve.poll() is not None
    print(f"serve test: {time.monotonic() - started:.1f} s with both stopped")


def _check_scheduled_runs(url: str, inbox: Path, out: Path, logs: list[Path], procs: list[subprocess.Popen],
                          started: float, on_healthy: Callable[[], None] | None) -> None:
    # imported here, while the server starts: it imports the whole pipeline (~1.5 s)
    from flows.incremental import load_manifest

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    _wait("the Prefect server's /api/health", healthy, logs, procs)
    if on_healthy is not None:
        on_healthy()
    print(f"\nprefect server healthy after {time.monotonic() - started:.1f} s")

    def runs(n: int) -> Callable[[], list[str] | None]:
        def check() -> list[str] | None:
            keys = [r["key"] for r in load_manifest(str(out))["runs"]] if (out / "manifest.json").exists() else []
            return keys if len(keys) >= n else None
        return check

    def completed(flow_run_id: str) -> Callable[[], bool]:
        return lambda: _api(url, "GET", f"/flow_runs/{flow_run_id}")["state"]["type"] == "COMPLETED"

    # 1. the first scheduled run cleans both files (one article, one rejected)
    (key1,) = _wait("a first scheduled run", runs(1), logs, procs)
    # 2. a file dropped into the inbox as soon as the first run has recorded its inputs in the
    #    manifest (it read the inbox before that), so that the next run, forked a second or so
    #    after this one ends, usually finds it: that run cleans exactly this file
    (inbox / "second.html").write_text(
        f"<html><head><title>Second</title></head><body><article><h1>Second story</h1><p>{ARTICLE}</p>"
        "</article></body></html>", encoding="utf-8")
    first_run = out / "runs" / key1
    flow_run1 = _flow_run_of(first_run)
    _wait("the first flow run to complete", completed(flow_run1), logs, procs)
    print(f"first scheduled run done after {time.monotonic() - started:.1f} s")
    assert [Path(r["source"]["path"]).name for r in read_jsonl(first_run / "articles.jsonl")] == ["first.txt"]
    assert [r["reason"] for r in read_jsonl(first_run / "rejected.jsonl")] == ["empty_input"]
    table1 = _table(url, flow_run1)
    assert table1 and table1["inputs new"] == 2 and table1["articles"] == 1
    assert table1["rejected inputs: empty_input"] == 1

    keys = _wait("a run with the new file", runs(2), logs, procs)
    assert keys[0] == key1 and len(keys) == 2  # runs with nothing new wrote nothing in between
    second_run = out / "runs" / keys[1]
    flow_run2 = _flow_run_of(second_run)
    _wait("the second flow run to complete", completed(flow_run2), logs, procs)
    assert [Path(r["source"]["path"]).name for r in read_jsonl(second_run / "articles.jsonl")] == ["second.html"]
    assert read_jsonl(second_run / "rejected.jsonl") == []
    report2 = json.loads((second_run / "report.json").read_text())["incremental"]
    assert (report2["new"], report2["changed"], report2["unchanged"], report2["cleaned"]) == (1, 0, 2, 1)
    manifest = load_manifest(str(out))
    assert {Path(p).name: e["run"] for p, e in manifest["inputs"].items()} == {
        "first.txt": key1, "empty.txt": key1, "second.html": keys[1]}

    # 3. a later scheduled run finds nothing new and writes nothing
    end2 = _api(url, "GET", f"/flow_runs/{flow_run2}")["end_time"]

    def later_idle_run() -> dict | None:
        for run in _api(url, "POST", "/flow_runs/filter", {
            "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}, "start_time": {"after_": end2}},
            "sort": "START_TIME_ASC",
        }):
            if table := _table(url, run["id"]):
                return table
        return None

    table3 = _wait("a later idle run", later_idle_run, logs, procs)
    assert (table3["inputs new"], table3["inputs changed"], table3["inputs unchanged"]) == (0, 0, 3)
    assert table3["inputs cleaned"] == 0
    assert len(load_manifest(str(out))["runs"]) == 2 and len(list((out / "runs").iterdir())) == 2
    bad = _api(url, "POST", "/flow_runs/filter",
               {"flow_runs": {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}}})
    assert bad == []


def test_incremental_flow_attaches_its_report_as_a_table_artifact(prefect_server, tmp_path):
    """A flow run (temporary server, no schedule): the report becomes a table artifact."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.prefect_flow import incremental_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(f"A story.\n\n{ARTICLE}\n", encoding="utf-8")
    (inbox / "b.txt").write_bytes(b"")
    report = incremental_flow([str(inbox)], str(tmp_path / "out"))
    flow_run_id = report["run"]["mode"].split()[-1]
    assert report["incremental"]["new"] == 2
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    (artifact,) = artifacts
    assert artifact.type == "table" and report["incremental"]["run"] in artifact.description
    rows = {row["what"]: row["count"] for row in json.loads(artifact.data)}
    assert rows["inputs new"] == 2 and rows["articles"] == 1 and rows["rejected inputs: empty_input"] == 1
    # the same function without orchestration: no artifact, same bookkeeping
    again = incremental_flow.fn([str(inbox)], str(tmp_path / "out"))
    assert again["incremental"]["unchanged"] == 2 and again["incremental"]["run"] is None


def test_serve_forks_flow_runs_from_a_preloaded_process(monkeypatch):
    """`clean serve` has Prefect fork each run from a forkserver that preloaded the flow.

    Spawned (Prefect's default), every run re-imports Prefect and the pipeline: ~5 s of CPU.
    Checked in this process, with the forkserver itself not started and everything restored.
    """
    import multiprocessing
    import multiprocessing.forkserver

    import prefect.flow_engine as engine

    from flows import cli

    started = []
    monkeypatch.setattr(engine, "multiprocessing", multiprocessing)
    monkeypatch.setattr(multiprocessing.forkserver, "ensure_running", lambda: started.append(True))
    server = multiprocessing.forkserver._forkserver
    monkeypatch.setattr(server, "_preload_modules", server._preload_modules)
    assert cli._fork_runs_from_a_preloaded_process()
    assert engine.multiprocessing.get_context("spawn").get_start_method() == "forkserver"
    assert engine.multiprocessing.get_context("fork").get_start_method() == "fork"
    assert engine.multiprocessing.Process is multiprocessing.Process
    assert server._preload_modules == list(cli.RUN_PRELOAD) and started == [True]


def test_serve_polls_at_least_twice_per_interval():
    from prefect.settings import PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

    from flows.cli import _poll_seconds

    with temporary_settings({PREFECT_RUNNER_POLL_FREQUENCY: 10}):
        assert [_poll_seconds(s) for s in (1, 5, 9.5, 20, 600, None)] == [1, 2, 4, None, None, None]
    with temporary_settings({PREFECT_RUNNER_POLL_FREQUENCY: 1}):
        assert _poll_seconds(5) is None
