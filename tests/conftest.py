"""Test settings: Prefect isolated in a temporary home, quiet and offline."""

from __future__ import annotations

import os
import tempfile

_PREFECT_HOME = tempfile.mkdtemp(prefix="prefect-home-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "90"
os.environ.pop("PREFECT_API_URL", None)

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"


@pytest.fixture(scope="session")
def prefect_server():
    """One real temporary Prefect server for the whole session (prefect_test_harness)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def seed_expectations() -> dict:
    """What a correct cleaning of each seed keeps and drops (a copy of shared/seeds/expected.json)."""
    return json.loads((PROJECT / "tests" / "data" / "seeds_expected.json").read_text(encoding="utf-8"))


def read_jsonl(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def stop_process_group(process, grace: float = 10.0) -> None:
    """Terminate the process group a test started (``start_new_session=True``), kill it if it
    lingers, then kill what the leader left behind in its group (a nanny's worker, a flow-run
    subprocess)."""
    import signal
    import subprocess

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
