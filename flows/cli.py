"""The ``clean`` command.

    clean                         clean seeds/ into output/
    clean PATH... --out DIR       files and folders (recursively): .txt, .html, .htm, optionally .gz
    clean --explain FILE          show each block of one document with its verdict and why
    clean --dask tcp://host:8786 PATH... --out DIR
                                  the same flow, its batch tasks on a Dask cluster
                                  (or set CLEAN_DASK_ADDRESS), see README "Scaling out"
    clean serve INBOX... --out OUT --cron "*/10 * * * *" | --interval SECONDS | --once
                                  incremental cleaning on a schedule (a Prefect server), see README

With ``PREFECT_API_URL`` set, the run is a tracked Prefect flow run; without it
the same code runs in-process (no orchestration start-up cost) and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Sequence

from cleaners.pipeline import CleanConfig, clean_document, config_to_dict
from cleaners.types import Article

from .runner import IN_PROCESS, BatchResult, RunReport, local_batches, run_clean

DASK_ADDRESS_ENV = "CLEAN_DASK_ADDRESS"  # also flows.prefect_flow.DASK_ADDRESS_ENV (not imported: no Prefect here)


def build_config(args: argparse.Namespace) -> CleanConfig:
    config = CleanConfig()
    if args.lang:
        langs = tuple(sorted({lang.strip().lower() for lang in args.lang.split(",") if lang.strip()}))
        config = config._replace(language=config.language._replace(accept_languages=langs))
    if args.ascii_fold:
        config = config._replace(decode=config.decode._replace(ascii_fold=True))
    if getattr(args, "fast", False):
        config = config._replace(extract=config.extract._replace(fast=True))
    if getattr(args, "timeout", None):
        config = config._replace(max_seconds_per_document=args.timeout)
    if getattr(args, "max_bytes", None):
        config = config._replace(max_input_bytes=args.max_bytes)
    return config


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="clean", description="Clean scraped articles into normalized JSON.")
    parser.add_argument("paths", nargs="*", default=["seeds"], help="files or folders (default: seeds)")
    parser.add_argument("--out", default="output", help="output folder (default: output)")
    parser.add_argument("--lang", help="accepted article languages, e.g. en,de; others are rejected")
    parser.add_argument("--ascii-fold", action="store_true", help="fold typography to ASCII (off by default)")
    parser.add_argument("--fast", action="store_true",
                        help="HTML: trafilatura's fast mode only, never compared with its fallback extractors "
                             "(~1.13x the pages/s, lower recall where its own extractor finds little; see README)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    parser.add_argument("--batch-size", type=int, default=100, help="documents per batch / Prefect task")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="time budget per document (default 60)")
    parser.add_argument("--max-bytes", type=int, metavar="N", help="largest input accepted, in bytes (default 64 MiB)")
    parser.add_argument("--explain", metavar="FILE", help="print every block of FILE with its verdict and exit")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help=f"run as a Prefect flow run whose batch tasks go to the Dask scheduler at ADDRESS, "
                             f"e.g. tcp://10.0.0.5:8786 (default: ${DASK_ADDRESS_ENV})")
    orchestration = parser.add_mutually_exclusive_group()
    orchestration.add_argument("--prefect", action="store_true", help="run as a Prefect flow run even without PREFECT_API_URL")
    orchestration.add_argument("--no-prefect", action="store_true", help="run in-process even if PREFECT_API_URL is set")
    args = parser.parse_args(argv)
    if args.dask and args.no_prefect:
        parser.error("--dask runs a Prefect flow run: it cannot be combined with --no-prefect")
    if not args.dask and not args.no_prefect:  # an explicit --no-prefect beats the setting
        args.dask = os.environ.get(DASK_ADDRESS_ENV) or None
    return args


def explain(path: str, config: CleanConfig) -> int:
    """Print one document's blocks with verdicts: what was kept, what was removed and why."""
    with open(path, "rb") as handle:
        result = clean_document(handle.read(), path, config)
    if not isinstance(result, Article):
        print(f"REJECTED  {result.reason.value}: {result.detail}")
        return 0
    print(f"title: {result.title!r}  language: {result.language} (p={result.language_score})  "
          f"charset: {result.encoding.charset} via {result.encoding.method}  repairs: {list(result.encoding.repairs)}")
    for i, block in enumerate(result.blocks):
        snippet = block.text if len(block.text) <= 100 else block.text[:97] + "..."
        if block.kept:
            print(f"{i:4d} KEEP  {block.type.value:<9} {snippet}")
        else:
            d = block.decision
            evidence = ", ".join(f"{k}={v}" for k, v in d.evidence.items() if k != "pattern")
            print(f"{i:4d} DROP  {block.type.value:<9} {snippet}\n{'':16}{d.reason.value} by {d.step}: {evidence}")
    return 0


def _run_with_prefect(args: argparse.Namespace, config: CleanConfig) -> RunReport | dict:
    # Prefect's temporary server needs 10-20 s to start on a small machine; its default 20 s is flaky.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if args.dask:
        return _run_on_dask(args, config)
    from .prefect_flow import clean_flow, local_task_runner

    flow = clean_flow.with_options(task_runner=local_task_runner(args.workers))
    return asyncio.run(flow(list(args.paths), args.out, config_to_dict(config), args.batch_size, args.workers))


def _run_on_dask(args: argparse.Namespace, config: CleanConfig) -> dict:
    """The flow with its batch tasks on the Dask cluster at ``args.dask``.

    Workers read the inputs themselves, so paths are made absolute (records then carry
    absolute ``source.path``). Workers must reach the flow's Prefect API: with no
    ``PREFECT_API_URL`` this starts Prefect's temporary server on 127.0.0.1 and hands its
    address to the tasks, which serves only workers on this machine.
    """
    from contextlib import nullcontext

    from .prefect_flow import on_dask

    paths = [os.path.abspath(p) for p in args.paths]
    flow = on_dask(args.dask)
    settings = nullcontext()
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():  # environment, profile or temporary settings
        from prefect.server.api.server import SubprocessASGIServer
        from prefect.settings import temporary_settings

        server = SubprocessASGIServer()
        server.start(timeout=int(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])))
        if not args.quiet:
            print(f"clean: no PREFECT_API_URL; started Prefect's temporary server at {server.api_url} "
                  "(reachable by Dask workers on this machine only; run `prefect server start` for a "
                  "real cluster)", file=sys.stderr)
        settings = temporary_settings({PREFECT_API_URL: server.api_url})
    with settings:
        return asyncio.run(flow(paths, args.out, config_to_dict(config), args.batch_size, args.workers))


def _run_in_process(args: argparse.Namespace, config: CleanConfig) -> dict:
    progress = _progress(args)
    try:
        report = run_clean(
            args.paths, args.out, config, map_batches=local_batches(args.workers),
            batch_size=args.batch_size, mode=IN_PROCESS, on_batch=progress.advance if progress else None,
        )
    finally:
        if progress:
            progress.stop()
    return report.to_dict()


class _Progress:
    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), transient=True)
        self.task = self.bar.add_task("cleaning", total=None)
        self.bar.start()

    def advance(self, result: BatchResult) -> None:
        self.bar.advance(self.task, len(result.lines))

    def stop(self) -> None:
        self.bar.stop()


def _progress(args: argparse.Namespace) -> _Progress | None:
    return _Progress() if not args.quiet and sys.stderr.isatty() else None


def print_summary(report: dict, out: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"clean: {report['run']['mode']}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("inputs", "articles", "rejected"):
        table.add_row(key, str(report[key]))
    for reason, n in report["removed_by_reason"].items():
        table.add_row(f"removed fragments: {reason}", str(n))
    for reason, n in report["rejected_by_reason"].items():
        table.add_row(f"rejected inputs: {reason}", str(n))
    table.add_row("seconds", f"{report['run']['seconds']:.2f}")
    table.add_row("documents / second", str(report["run"]["docs_per_second"]))
    console = Console(stderr=True)
    console.print(table)
    console.print(f"output: {os.path.join(out, 'articles.jsonl')}, rejected.jsonl, report.json")


def parse_serve_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="clean serve",
        description="Clean only new or changed inputs into OUT/runs/<run>, on a schedule served to a "
                    "Prefect server (PREFECT_API_URL), or once in-process with --once.",
    )
    parser.add_argument("paths", nargs="+", metavar="INBOX", help="files or folders to watch")
    parser.add_argument("--out", default="output", help="output folder (default: output)")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "*/10 * * * *" (in --timezone)')
    when.add_argument("--interval", type=float, metavar="SECONDS", help="run every SECONDS")
    when.add_argument("--once", action="store_true", help="one incremental run now, in-process, no server")
    parser.add_argument("--timezone", default="UTC", help="time zone of --cron (IANA name, default UTC)")
    parser.add_argument("--name", default="clean-inbox", help="deployment name (default: clean-inbox)")
    parser.add_argument("--lang", help="accepted article languages, e.g. en,de; others are rejected")
    parser.add_argument("--ascii-fold", action="store_true", help="fold typography to ASCII (off by default)")
    parser.add_argument("--fast", action="store_true",
                        help="HTML: trafilatura's fast mode only, never compared with its fallback extractors "
                             "(~1.13x the pages/s, lower recall where its own extractor finds little; see README)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for --once (default: all cores)")
    parser.add_argument("--batch-size", type=int, default=100, help="documents per batch / Prefect task")
    parser.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                        help="wait up to SECONDS for the Prefect server to answer (default 60), "
                             "so both can be started at once")
    parser.add_argument("--spawn-runs", action="store_true",
                        help="start each flow run in a fresh interpreter (Prefect's default; re-imports "
                             "Prefect and the pipeline, ~5 s per run) instead of forking a preloaded process")
    parser.add_argument("--quiet", "-q", action="store_true", help="no summary (--once)")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        parser.error(f"input path(s) not found: {', '.join(missing)}")
    if args.interval is not None and args.interval <= 0:
        parser.error("--interval must be positive")
    if not args.once and not os.environ.get("PREFECT_API_URL"):
        parser.error("schedules run only on a Prefect server: start `prefect server start` and set "
                     "PREFECT_API_URL=http://127.0.0.1:4200/api (or use --once)")
    return args


#: What a flow-run process imports, loaded once by the forkserver that forks every run.
RUN_PRELOAD = ("flows.cli", "flows.prefect_flow", "prefect.flow_engine", "prefect.artifacts")


def _fork_runs_from_a_preloaded_process() -> bool:
    """Have Prefect start each served flow run by forking a preloaded process instead of spawning one.

    Prefect's runner starts every flow run with ``multiprocessing``'s *spawn*: a new interpreter
    that imports Prefect and the pipeline again, 4-5 s of CPU per run on a small machine (more
    than a run over a few new files). A *forkserver* imports them once, when ``clean serve``
    starts, and forks a ready process per run (measured on 2 busy cores: ~1 s from the runner
    picking a run to the flow's first line, instead of 5-7 s). Every run still has its own process; the forkserver only imports
    modules (no event loop, no thread), so nothing of the runner's state is forked.

    Done by giving ``prefect.flow_engine`` (whose ``run_flow_in_subprocess`` asks for
    ``multiprocessing.get_context("spawn")``) a ``multiprocessing`` whose "spawn" context is the
    forkserver. Changes nothing and returns False where there is no forkserver (Windows) or
    ``prefect.flow_engine`` no longer looks like that; should Prefect start runs some other way,
    they are simply spawned again.
    """
    import multiprocessing
    import multiprocessing.forkserver

    import prefect.flow_engine as engine

    if ("forkserver" not in multiprocessing.get_all_start_methods()
            or getattr(engine, "multiprocessing", None) is not multiprocessing
            or not hasattr(engine, "run_flow_in_subprocess")):
        return False
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(list(RUN_PRELOAD))

    class SpawnMeansForkserver:
        def __getattr__(self, name: str):
            return getattr(multiprocessing, name)

        @staticmethod
        def get_context(method: str | None = None):
            return forkserver if method == "spawn" else multiprocessing.get_context(method)

    engine.multiprocessing = SpawnMeansForkserver()
    multiprocessing.forkserver.ensure_running()  # preloads now (in its own process), not at the first run
    return True


def _poll_seconds(interval: float | None) -> int | None:
    """How often the runner looks for due runs, if it should look more often than Prefect's setting.

    ``PREFECT_RUNNER_POLL_FREQUENCY`` (10 s by default) would start runs of a short ``--interval``
    up to 10 s late: poll at least twice per interval (at most once a second).
    """
    from prefect.settings import PREFECT_RUNNER_POLL_FREQUENCY

    current = PREFECT_RUNNER_POLL_FREQUENCY.value()
    wanted = max(1, int(interval // 2)) if interval is not None else current
    return wanted if wanted < current else None


def _wait_for_server(api_url: str, seconds: float) -> bool:
    """True once ``<api_url>/health`` answers, polling for up to ``seconds``."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(api_url.rstrip("/") + "/health", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def serve(argv: Sequence[str]) -> int:
    """``clean serve``: the incremental flow, served on a schedule (or run once with ``--once``)."""
    args = parse_serve_args(argv)
    config = build_config(args)
    inputs = [os.path.abspath(p) for p in args.paths]
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    if args.once:
        from .incremental import run_incremental
        from .runner import local_batches

        report = run_incremental(inputs, out, config, map_batches=local_batches(args.workers),
                                 batch_size=args.batch_size, mode=IN_PROCESS)
        if not args.quiet:
            inc = report["incremental"]
            print(f"run {inc['run'] or '(none: nothing new)'}: {inc['new']} new, {inc['changed']} changed, "
                  f"{inc['unchanged']} unchanged, {inc['deleted']} deleted -> {report['articles']} articles, "
                  f"{report['rejected']} rejected in {report['run']['seconds']:.2f} s; {out}/manifest.json",
                  file=sys.stderr)
        return 0

    import datetime
    from contextlib import nullcontext

    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval
    from prefect.settings import PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

    from .prefect_flow import incremental_flow

    schedule = (Cron(args.cron, timezone=args.timezone) if args.cron
                else Interval(datetime.timedelta(seconds=args.interval)))
    if not args.spawn_runs:
        _fork_runs_from_a_preloaded_process()  # its imports overlap the wait for the server
    if not _wait_for_server(os.environ["PREFECT_API_URL"], args.wait):
        print(f"clean serve: no Prefect server answered at {os.environ['PREFECT_API_URL']} "
              f"within {args.wait:g} s (is `prefect server start` running?)", file=sys.stderr)
        return 1
    poll = _poll_seconds(args.interval)
    with temporary_settings({PREFECT_RUNNER_POLL_FREQUENCY: poll}) if poll else nullcontext():
        incremental_flow.serve(
            name=args.name,
            schedule=schedule,
            parameters={"inputs": inputs, "out": out, "config": config_to_dict(config),
                        "batch_size": args.batch_size},
            limit=1,  # one run at a time (run_incremental also locks OUT)
            entrypoint_type=EntrypointType.MODULE_PATH,  # runs import flows.prefect_flow, whatever the cwd
            print_starting_message=not args.quiet,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "serve":  # `clean ./serve` still cleans a folder named serve
        return serve(argv[1:])
    args = parse_args(argv)
    config = build_config(args)
    if args.explain:
        return explain(args.explain, config)
    use_prefect = args.prefect or bool(args.dask) or (bool(os.environ.get("PREFECT_API_URL")) and not args.no_prefect)
    started = time.perf_counter()
    report = _run_with_prefect(args, config) if use_prefect else _run_in_process(args, config)
    if not args.quiet:
        print_summary(report, args.out)
        print(f"ran {report['run']['mode']} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
