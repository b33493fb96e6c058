"""The run itself, without orchestration: batches of paths in, JSON lines out.

``clean_batch`` is the unit of work (one Prefect task, or one process-pool job).
``run_clean`` streams batches through a ``map_batches`` strategy and writes the
output files atomically, in input order, so equal inputs give equal bytes.

Hostile input and crashes (README, "Limits and guarantees"):

- each document gets ``config.max_seconds_per_document`` (a SIGALRM timer, when the
  batch runs in a process's main thread); over it, it is rejected as ``timeout`` and the
  rest of its batch goes on;
- in the process pool, a worker that dies (segfault, OOM kill) or hangs where the timer
  cannot interrupt it (inside one long C call) costs only the documents that did it:
  their batch is re-run one document per fresh process with a hard deadline, the
  culprit rejected (``internal_error`` or ``timeout``);
- output files are written beside their final names, fsynced and renamed; temp files
  a killed run left behind are removed by the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from cleaners import __version__
from cleaners.pipeline import CleanConfig, clean_document, config_fingerprint, detect_format
from cleaners.record import PipelineInfo, article_record, dumps, rejected_record
from cleaners.types import Article, Reason, RejectedInput, Source

from .inputs import discover, printable_path, read_input

__all__ = [
    "BatchResult", "clean_batch", "clean_with_budget", "run_clean", "RunReport", "batched", "local_batches",
    "pipeline_info", "remove_stale_temp_files",
]

ARTICLES, REJECTED, REPORT = "articles.jsonl", "rejected.jsonl", "report.json"
IN_PROCESS = "in-process (no Prefect server)"


@dataclass
class BatchResult:
    """What one batch produced: (kind, JSON line) pairs in input order, and removal counts."""

    lines: list[tuple[str, str]]
    removed: dict[str, int]
    rejected: dict[str, int]
    seconds: float


def pipeline_info(config: CleanConfig) -> PipelineInfo:
    return PipelineInfo(__version__, config_fingerprint(config))


class _OverBudget(BaseException):
    """Raised by the SIGALRM handler inside clean_document. A BaseException, so that no
    ``except Exception`` on the way (clean_document's own, trafilatura's) swallows it."""


def _source(data: bytes | None, path: str) -> Source:
    fmt, _ = detect_format(path)
    return Source(path=path, format=fmt or "unknown", sha256=hashlib.sha256(data).hexdigest() if data is not None else None)


def _timed_out(data: bytes | None, path: str, budget: float, why: str = "") -> RejectedInput:
    return RejectedInput(_source(data, path), Reason.TIMEOUT,
                         f"cleaning took longer than the budget of {budget:g} s per document{why}")


def _alarm_usable() -> bool:
    """SIGALRM handlers run only in the main thread (of whichever process runs the batch)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def clean_with_budget(data: bytes, path: str, config: CleanConfig) -> Article | RejectedInput:
    """``clean_document`` within ``config.max_seconds_per_document`` seconds.

    In a process's main thread (the CLI, a process-pool worker, a Prefect process-pool task)
    a SIGALRM timer interrupts the document when its budget runs out: it becomes a
    ``timeout`` rejection. In any other thread (Dask workers, Prefect's thread-pool tasks)
    there is no way to interrupt it, so the document runs without a budget. A budget of 0 or less disables it. The timer cannot cut into
    one long C call (a regex or lxml parse is interrupted when it returns to Python); the
    process pool's hard deadline (see :func:`local_batches`) covers that case.
    """
    budget = config.max_seconds_per_document
    if not budget or budget <= 0 or not _alarm_usable():
        return clean_document(data, path, config)
    armed = True

    def on_alarm(signum: int, frame: Any) -> None:
        if armed:
            raise _OverBudget

    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, budget)
            return clean_document(data, path, config)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            armed = False  # a SIGALRM already pending now finds the handler disarmed
    except _OverBudget:
        return _timed_out(data, path, budget)
    finally:
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer_delay > 0:  # someone else's timer (e.g. a test harness): give back what remains
            remaining = max(outer_delay - (time.monotonic() - started), 1e-6)
            signal.setitimer(signal.ITIMER_REAL, remaining, outer_interval)


def clean_batch(paths: Sequence[str], config: CleanConfig) -> BatchResult:
    """Read and clean each path; every path gives exactly one line (article or rejected).

    Whatever goes wrong with one document (even building or encoding its record) makes
    that document an ``internal_error`` rejection, never the batch's failure.
    """
    started = time.perf_counter()
    info = pipeline_info(config)
    lines: list[tuple[str, str]] = []
    removed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for path in paths:
        label = printable_path(path)  # the records' name for it: valid Unicode whatever the file name's bytes
        data = read_input(path, config.max_input_bytes)
        try:
            result = data if not isinstance(data, bytes) else clean_with_budget(data, label, config)
            _add_line(result, info, lines, removed, rejected)
        except Exception as exc:  # noqa: BLE001 - one document never fails its batch
            failure = RejectedInput(_source(data if isinstance(data, bytes) else None, label), Reason.INTERNAL_ERROR,
                                    f"{type(exc).__name__}: {exc}"[:500] or "internal error")
            _add_line(failure, info, lines, removed, rejected)
    return BatchResult(lines, dict(removed), dict(rejected), time.perf_counter() - started)


def _add_line(
    result: Article | RejectedInput, info: PipelineInfo, lines: list[tuple[str, str]],
    removed: Counter[str], rejected: Counter[str],
) -> None:
    """Append the result's JSON line; counters change only once the line is built and encodable."""
    if isinstance(result, Article):
        record = article_record(result, info)
        line = dumps(record)
        line.encode("utf-8")  # what the writer will do (a lone surrogate fails here, for this document only)
        removed.update(record["stats"]["removed_by_reason"])
        lines.append(("article", line))
    else:
        line = dumps(rejected_record(result, info))
        line.encode("utf-8")
        rejected[result.reason.value] += 1
        lines.append(("rejected", line))


def batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


MapBatches = Callable[[list[list[str]], CleanConfig], Iterator[BatchResult]]


#: A pool batch still running this long after its documents' combined budgets
#: (``max_seconds_per_document`` x batch size) is presumed stuck where the timer cannot
#: reach it (inside one long C call): its worker is killed and the batch isolated.
#: Also the grace an isolated document gets beyond its own budget.
HARD_GRACE_SECONDS = 30.0


def _pool_context() -> Any:
    return multiprocessing.get_context("fork" if os.name == "posix" else "spawn")


def local_batches(workers: int) -> MapBatches:
    """Run batches in this process (one worker or one batch) or in a process pool, in order.

    In the pool, a batch whose worker dies or overruns its hard deadline is re-run one
    document per fresh process (:func:`_isolated_batch`), and the batches the broken pool
    lost are resubmitted to a new one: the culprit is rejected, every other document gets
    the same record as in an undisturbed run.
    """

    def run(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
        if workers <= 1 or len(batches) <= 1:
            for batch in batches:
                yield clean_batch(batch, config)
            return
        yield from _pool_batches(batches, config, min(workers, len(batches)))

    return run


def _batch_deadline(size: int, config: CleanConfig) -> float | None:
    budget = config.max_seconds_per_document
    return budget * size + HARD_GRACE_SECONDS if budget and budget > 0 else None


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _stop(pool: ProcessPoolExecutor, kill: bool) -> None:
    if kill:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                process.kill()
    pool.shutdown(wait=not kill, cancel_futures=True)


def _pool_batches(batches: list[list[str]], config: CleanConfig, size: int) -> Iterator[BatchResult]:
    pool = ProcessPoolExecutor(size, mp_context=_pool_context())
    futures = [pool.submit(clean_batch, batch, config) for batch in batches]
    clean_exit = False
    try:
        for i, batch in enumerate(batches):
            try:
                result = futures[i].result(timeout=_batch_deadline(len(batch), config))
            except (BrokenProcessPool, TimeoutError):
                # A worker died or hangs: the pool is lost. Isolate this batch; give the
                # batches the pool had not finished to a new one.
                _stop(pool, kill=True)
                pool = ProcessPoolExecutor(size, mp_context=_pool_context())
                for j in range(i + 1, len(batches)):
                    if not _succeeded(futures[j]):
                        futures[j] = pool.submit(clean_batch, batches[j], config)
                result = _isolated_batch(batch, config)
            yield result
        clean_exit = True
    finally:
        _stop(pool, kill=not clean_exit)


def _clean_one_into(path: str, config: CleanConfig, conn: Any) -> None:
    conn.send(clean_batch([path], config))
    conn.close()


def _isolated_batch(paths: Sequence[str], config: CleanConfig) -> BatchResult:
    """Each path cleaned in its own fresh process, with a hard deadline: a document that
    kills its process is rejected as internal_error, one that outlives the deadline as timeout."""
    started = time.perf_counter()
    info = pipeline_info(config)
    lines: list[tuple[str, str]] = []
    removed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    budget = config.max_seconds_per_document
    deadline = budget + HARD_GRACE_SECONDS if budget and budget > 0 else None
    context = _pool_context()
    for path in paths:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_clean_one_into, args=(path, config, writer), daemon=True)
        process.start()
        writer.close()
        single: BatchResult | None = None
        answered = False
        try:
            answered = reader.poll(deadline)  # True on a result, or on EOF if the process died
            if answered:
                with contextlib.suppress(EOFError, OSError):
                    single = reader.recv()
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            reader.close()
        if single is not None:
            lines += single.lines
            removed.update(single.removed)
            rejected.update(single.rejected)
            continue
        data = read_input(path, config.max_input_bytes)
        data = data if isinstance(data, bytes) else None
        if answered:
            failure: Article | RejectedInput = RejectedInput(
                _source(data, printable_path(path)), Reason.INTERNAL_ERROR,
                f"the worker process died ({_exit_name(process.exitcode)}) while cleaning this document",
            )
        else:
            failure = _timed_out(data, printable_path(path), budget, f"; stuck past the hard deadline of {deadline:g} s, killed")
        _add_line(failure, info, lines, removed, rejected)
    return BatchResult(lines, dict(removed), dict(rejected), time.perf_counter() - started)


def _exit_name(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-code).name
    return f"exit status {code}"


@dataclass
class RunReport:
    inputs: int = 0
    articles: int = 0
    rejected: int = 0
    removed_by_reason: Counter = field(default_factory=Counter)
    rejected_by_reason: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    mode: str = IN_PROCESS
    pipeline: dict[str, str] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        self.inputs += len(result.lines)
        self.articles += sum(kind == "article" for kind, _ in result.lines)
        self.rejected += sum(kind == "rejected" for kind, _ in result.lines)
        self.removed_by_reason.update(result.removed)
        self.rejected_by_reason.update(result.rejected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "articles": self.articles,
            "rejected": self.rejected,
            "removed_by_reason": dict(sorted(self.removed_by_reason.items())),
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "pipeline": self.pipeline,
            "run": {
                "mode": self.mode,
                "seconds": round(self.seconds, 3),
                "docs_per_second": round(self.inputs / self.seconds, 1) if self.seconds else None,
            },
        }


#: Temp files this module writes beside its outputs (``tempfile.mkstemp`` adds 8 characters);
#: ``.tmp.`` is what earlier versions used for report.json.
_TEMP_NAME = re.compile(r"^\.(?:articles\.jsonl|rejected\.jsonl|report\.json|tmp)\.[A-Za-z0-9_]{8}$")


def _lock_nowait(fd: int) -> bool:
    """Take an exclusive advisory lock on ``fd``; False when another live process holds it.

    The lock goes with its holder: a killed run's temp files are unlocked, a live run's
    are not, so a rerun removes only what is stale. (No fcntl: no locking, always True.)
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale_temp_files(out_dir: str) -> list[str]:
    """Remove the temp files a killed run left in ``out_dir`` (not those of a live run); return their names."""
    removed = []
    try:
        names = os.listdir(out_dir)
    except OSError:
        return removed
    for name in sorted(names):
        if not _TEMP_NAME.match(name):
            continue
        path = os.path.join(out_dir, name)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            if _lock_nowait(fd):
                os.unlink(path)
                removed.append(name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _AtomicLines:
    """A JSON-lines file written beside its final name and moved into place on success.

    The temp file (``.<name>.XXXXXXXX``) is locked while written, so a later run can tell
    it from one a killed run left behind (:func:`remove_stale_temp_files`). The final name
    only ever holds a complete file: written, fsynced, then renamed over the old one.
    """

    def __init__(self, out_dir: str, name: str):
        self.final = os.path.join(out_dir, name)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
        _lock_nowait(fd)
        os.chmod(self.tmp, 0o644)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, line: str) -> None:
        self.handle.write(line + "\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        os.replace(self.tmp, self.final)
        self.handle.close()  # after the rename: the lock holds until the temp name is gone

    def abort(self) -> None:
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


def write_json_atomic(path: str, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically (a locked temp file beside it, fsynced, renamed)."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=directory)
    try:
        _lock_nowait(fd)
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(directory)


def _check_accounting(files: list[str], lines_seen: list[str]) -> None:
    """Every input gave exactly one record, in input order: otherwise nothing is committed."""
    if lines_seen != files:
        missing = len(files) - len(lines_seen)
        first = next((i for i, (a, b) in enumerate(zip(files, lines_seen)) if a != b), min(len(files), len(lines_seen)))
        raise RuntimeError(f"records do not match inputs ({missing:+d} missing, first mismatch at input {first}): "
                           "output not written")


def run_clean(
    paths: Iterable[str],
    out_dir: str,
    config: CleanConfig = CleanConfig(),
    map_batches: MapBatches | None = None,
    batch_size: int = 100,
    workers: int | None = None,
    mode: str = IN_PROCESS,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> RunReport:
    """Clean every file under ``paths`` into ``out_dir``; return the run's report.

    Writes ``articles.jsonl``, ``rejected.jsonl`` and ``report.json`` atomically (in that
    order), after checking that every input gave exactly one record. Temp files left by a
    killed earlier run are removed first.
    """
    started = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    remove_stale_temp_files(out_dir)
    files = list(discover(paths))
    batches = list(batched(files, max(1, batch_size)))
    runner = map_batches or local_batches(workers or os.cpu_count() or 1)
    report = RunReport(mode=mode, pipeline=pipeline_info(config)._asdict())
    outputs = {"article": _AtomicLines(out_dir, ARTICLES), "rejected": _AtomicLines(out_dir, REJECTED)}
    seen: list[str] = []
    try:
        for result in runner(batches, config):
            for kind, line in result.lines:
                outputs[kind].write(line)
                seen.append(json.loads(line)["source"]["path"])
            report.add(result)
            if on_batch:
                on_batch(result)
        _check_accounting([printable_path(f) for f in files], seen)
    except BaseException:
        for output in outputs.values():
            output.abort()
        raise
    for output in outputs.values():
        output.commit()
    fsync_dir(out_dir)
    report.seconds = time.perf_counter() - started
    write_json_atomic(os.path.join(out_dir, REPORT), report.to_dict())
    return report
