"""The run itself, without orchestration: batches of paths in, JSON lines out.

``clean_batch`` is the unit of work (one Prefect task, or one process-pool job).
``run_clean`` streams batches through a ``map_batches`` strategy and writes the
output files atomically, in input order, so equal inputs give equal bytes.

Hostile input and crashes (README, "Limits and guarantees"):

- each document gets ``config.max_seconds_per_document`` (a SIGALRM timer, which only a
  process's main thread can use); over it, it is rejected as ``timeout`` and the rest of
  its batch goes on. A batch called in any other thread (a Dask worker's, a Prefect
  thread-pool task's) is run in a child process forked for it, where the timer works;
- in the process pool, a worker that dies (segfault, OOM kill) or hangs where the timer
  cannot interrupt it (inside one long C call) costs only the documents that did it:
  their batch is re-run one document per fresh process with a hard deadline, the
  culprit rejected (``internal_error`` or ``timeout``);
- output files are written beside their final names, fsynced and renamed; temp files
  a killed run left behind are removed by the next run.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import select
import signal
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple, NoReturn, Sequence

from cleaners import __version__
from cleaners.pipeline import CleanConfig, clean_document, config_fingerprint, detect_format, load_models
from cleaners.record import PipelineInfo, article_record, dumps, rejected_record
from cleaners.types import Article, Reason, RejectedInput, Source

from .inputs import discover, printable_path, read_input

__all__ = [
    "BatchResult", "clean_batch", "clean_with_budget", "run_clean", "RunReport", "batched", "local_batches",
    "pipeline_info", "remove_stale_temp_files", "warm_up",
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


#: After the budget's alarm, how often it fires again until the document is interrupted.
ALARM_REPEAT_SECONDS = 0.05


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


def _swallows_exceptions(frame: Any) -> bool:
    """Whether the code the signal interrupted runs inside a garbage-collector callback or a
    ``__del__``: an exception raised there is swallowed as "unraisable" (and reported on stderr),
    so the budget's alarm waits for its next repeat instead."""
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def clean_with_budget(data: bytes, path: str, config: CleanConfig) -> Article | RejectedInput:
    """``clean_document`` within ``config.max_seconds_per_document`` seconds.

    In a process's main thread (the CLI, a process-pool worker, a Prefect process-pool task)
    a SIGALRM timer interrupts the document when its budget runs out: it becomes a
    ``timeout`` rejection. In any other thread there is no way to interrupt it, so the
    document runs without a budget: :func:`clean_batch` avoids that by running a threaded
    caller's batch in a child process. A budget of 0 or less disables it. The timer cannot
    cut into one long C call (a regex or lxml parse is interrupted when it returns to
    Python); the hard deadline of the process pool and of the child process covers that.
    """
    budget = config.max_seconds_per_document
    if not budget or budget <= 0 or not _alarm_usable():
        return clean_document(data, path, config)
    armed = True

    def on_alarm(signum: int, frame: Any) -> None:
        if armed and not _swallows_exceptions(frame):
            raise _OverBudget

    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    try:
        try:
            # Repeating: a handler's exception raised inside a garbage-collector callback
            # (Dask workers install one) or a __del__ is swallowed as "unraisable"; the next
            # alarm then interrupts the document instead of letting it run unbounded.
            signal.setitimer(signal.ITIMER_REAL, budget, ALARM_REPEAT_SECONDS)
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

    With a time budget, what the cleaners load on first use is loaded first (:func:`warm_up`),
    not inside the first document's budget. Called outside a main thread (a Dask worker, a
    Prefect thread-pool task), the batch then runs in a child process forked for it
    (:func:`_batch_in_child`), so that each document keeps its budget; the lines are the
    same as in this process.
    """
    budget = config.max_seconds_per_document
    if paths and budget and budget > 0:
        warm_up(config)
        if _CAN_FORK and not _alarm_usable():
            return _batch_in_child(list(paths), config)
    return _clean_batch_here(paths, config)


def _clean_batch_here(paths: Sequence[str], config: CleanConfig) -> BatchResult:
    """:func:`clean_batch` in the calling thread (the budget holds in a main thread only)."""
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

#: A batch handed to worker processes is cut into jobs of at most this many documents, so the
#: processes end a run within a few documents of each other instead of one waiting idle while
#: the other cleans the last whole batch (10 batches of 100 on 2 processes: up to half a
#: batch's time at the end). Records and their order are the same as for whole batches.
POOL_JOB_DOCUMENTS = 25


def pool_jobs(batch: Sequence[str], most: int | None = None) -> list[list[str]]:
    """``batch`` cut into as few jobs of at most ``most`` (:data:`POOL_JOB_DOCUMENTS`) documents
    as it takes, of even sizes.

    >>> [len(job) for job in pool_jobs([str(i) for i in range(100)])], [len(job) for job in pool_jobs(["a"] * 30)]
    ([25, 25, 25, 25], [15, 15])
    >>> [len(job) for job in pool_jobs(["a"] * 10, most=3)], pool_jobs([])
    ([3, 3, 2, 2], [[]])
    """
    most = POOL_JOB_DOCUMENTS if most is None else most
    count = max(1, -(-len(batch) // max(1, most)))
    size, longer = divmod(len(batch), count)  # the first ``longer`` jobs take one document more
    jobs, start = [], 0
    for k in range(count):
        end = start + size + (k < longer)
        jobs.append(list(batch[start:end]))
        start = end
    return jobs


def merged(results: Sequence[BatchResult]) -> BatchResult:
    """The jobs' results as one batch's: lines in order, counts summed, seconds summed."""
    if len(results) == 1:
        return results[0]
    removed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for result in results:
        removed.update(result.removed)
        rejected.update(result.rejected)
    return BatchResult([line for result in results for line in result.lines], dict(removed), dict(rejected),
                       sum(result.seconds for result in results))


#: A pool batch still running this long after its documents' combined budgets
#: (``max_seconds_per_document`` x batch size) is presumed stuck where the timer cannot
#: reach it (inside one long C call): its worker is killed and the batch isolated.
#: Also the grace an isolated document gets beyond its own budget.
HARD_GRACE_SECONDS = 30.0


def _pool_context() -> Any:
    return multiprocessing.get_context("fork" if os.name == "posix" else "spawn")


def freeze_inherited_objects() -> None:
    """First thing in a forked worker: what it inherited from its parent (imported modules, the
    language model; Prefect in a flow run) goes to the garbage collector's permanent generation.
    Its collections then neither scan those objects nor write to their headers, which would
    copy every page they sit on (copy-on-write). Measured on 210 bench pages in one worker forked
    from a parent that imported the Prefect flow: collector time 0.21-0.31 s -> 0.08-0.10 s, private
    memory 137 -> 112 MiB. Objects the worker creates are collected as usual."""
    gc.freeze()


def worker_pool(size: int, context: Any = None) -> ProcessPoolExecutor:
    """A pool of ``size`` processes (forked where the OS can) that start with
    :func:`freeze_inherited_objects`."""
    return ProcessPoolExecutor(size, mp_context=context or _pool_context(), initializer=freeze_inherited_objects)


def local_batches(workers: int) -> MapBatches:
    """Run batches in this process (one worker or one job) or in a process pool, in order, each
    batch cut into jobs of at most :data:`POOL_JOB_DOCUMENTS` (a result per job).

    In the pool, a batch whose worker dies or overruns its hard deadline is re-run one
    document per fresh process (:func:`_isolated_batch`), and the batches the broken pool
    lost are resubmitted to a new one: the culprit is rejected, every other document gets
    the same record as in an undisturbed run.
    """

    def run(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
        jobs = [job for batch in batches for job in pool_jobs(batch)] if workers > 1 else batches
        if len(jobs) <= 1:
            for batch in batches:
                yield clean_batch(batch, config)
            return
        yield from _pool_batches(jobs, config, min(workers, len(jobs)))

    return run


def batch_deadline(size: int, config: CleanConfig) -> float | None:
    """How long a process may take on a batch of ``size`` documents before it is killed (None: no limit)."""
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


#: Jobs submitted ahead of the one being consumed, per pool process: enough to keep every
#: process busy while one job takes long, few enough that finished results waiting their turn
#: stay bounded in memory (8 jobs of 25 documents: the 2 batches of 100 it was before jobs).
JOBS_AHEAD_PER_WORKER = 8


def _pool_batches(batches: list[list[str]], config: CleanConfig, size: int) -> Iterator[BatchResult]:
    """The results of ``batches`` (jobs, as :func:`local_batches` cuts them) in order, from a pool
    of ``size`` processes; at most ``JOBS_AHEAD_PER_WORKER`` x size of them in flight, and a result is dropped once
    yielded, so memory does not grow with the corpus. What the cleaners load on first use
    is loaded here first (:func:`warm_up`), so forked workers share it instead of each
    loading it again."""
    warm_up(config)
    pool = worker_pool(size)
    futures: dict[int, Future] = {}
    ahead = max(1, JOBS_AHEAD_PER_WORKER * size)
    clean_exit = False
    try:
        for i, batch in enumerate(batches):
            for j in range(i, min(i + ahead, len(batches))):
                if j not in futures:
                    futures[j] = pool.submit(clean_batch, batches[j], config)
            try:
                result = futures.pop(i).result(timeout=batch_deadline(len(batch), config))
            except (BrokenProcessPool, TimeoutError):
                # A worker died or hangs: the pool is lost. Isolate this batch; give the
                # batches the pool had not finished to a new one.
                _stop(pool, kill=True)
                pool = worker_pool(size)
                for j, future in list(futures.items()):
                    if not _succeeded(future):
                        futures[j] = pool.submit(clean_batch, batches[j], config)
                result = _isolated_batch(batch, config)
            yield result
        clean_exit = True
    finally:
        _stop(pool, kill=not clean_exit)


def _batch_in_child(paths: list[str], config: CleanConfig) -> BatchResult:
    """The batch cleaned in a forked child process, whose only thread is its main thread,
    so the SIGALRM budget holds for each document; the calling thread waits for its result.

    A child that dies or outlives the batch's hard deadline (:func:`batch_deadline`) is
    killed and the batch re-run one document per child (:func:`_isolated_batch`): the
    culprit is rejected, every other document gets its usual record.
    """
    child = _in_child(_clean_batch_here, (paths, config), batch_deadline(len(paths), config))
    return child.value if child.value is not None else _isolated_batch(paths, config)


_WARM_UP_DOCUMENTS = (
    # three paragraphs: the topic step judges only articles of three blocks or more, and loads its
    # word frequencies (wordfreq's English list: ~75 ms) for the first one it judges
    ("warm-up.txt", "\n\n".join(["The council met on Tuesday to discuss the budget for the new library. " * 3,
                                  "Residents asked the council to keep the old reading room open in the evening. " * 3,
                                  "The library will open next spring, the mayor said after the council meeting. " * 3]
                                 ).encode()),
    ("warm-up.html", (b"<html><head><title>Budget</title></head><body><article><h1>Budget</h1>"
                      + b"<p>The council met on Tuesday to discuss the budget for the new library.</p>" * 8
                      + b"</article></body></html>")),
)
_warmed: set[str] = set()
_warm_lock = threading.Lock()


def warm_up(config: CleanConfig) -> None:
    """Load the models (:func:`cleaners.pipeline.load_models`: the detector's, the topic step's word
    lists of the common languages) and clean two small documents, once per process and config,
    before budgeted documents: what the cleaners load on first use (models, parsers; seconds) is
    then not charged to the first document's budget, and forked children inherit it instead of
    loading it again each.

    Then the garbage is collected and every object alive moves to the collector's permanent
    generation (``gc.freeze``, as :func:`freeze_inherited_objects` does in a forked worker), for the documents this process cleans itself
    (a run of one batch, `clean serve`'s runs; pool workers and per-batch children already
    start frozen with what they inherit): its full collections no longer walk the models'
    tables and stopword sets (lists of 104,583 entries, sets of 80,000 words: ~45 ms each,
    about one per 360 text dumps). Six passes over the 181 text dumps in one process, after a
    warm-up pass: 3.16-3.18 s -> 2.89-2.90 s."""
    key = config_fingerprint(config)
    with _warm_lock:
        if key in _warmed:
            return
        load_models(config)
        for name, data in _WARM_UP_DOCUMENTS:
            with contextlib.suppress(Exception):
                clean_document(data, name, config)
        _warmed.add(key)
        gc.collect()  # what is garbage now is freed first, not frozen with the rest
        gc.freeze()


def _isolated_batch(paths: Sequence[str], config: CleanConfig) -> BatchResult:
    """Each path cleaned in its own fresh process, with a hard deadline: a document that
    kills its process is rejected as internal_error, one that outlives the deadline as timeout."""
    started = time.perf_counter()
    info = pipeline_info(config)
    lines: list[tuple[str, str]] = []
    removed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    budget = config.max_seconds_per_document
    deadline = batch_deadline(1, config)
    warm_up(config)
    for path in paths:
        child = _in_child(_clean_batch_here, ([path], config), deadline)
        if child.value is not None:
            single: BatchResult = child.value
            lines += single.lines
            removed.update(single.removed)
            rejected.update(single.rejected)
            continue
        data = read_input(path, config.max_input_bytes)
        data = data if isinstance(data, bytes) else None
        if child.died:
            failure: Article | RejectedInput = RejectedInput(
                _source(data, printable_path(path)), Reason.INTERNAL_ERROR,
                f"the worker process died ({_exit_name(child.exitcode)}) while cleaning this document",
            )
        else:
            failure = _timed_out(data, printable_path(path), budget, f"; stuck past the hard deadline of {deadline:g} s, killed")
        _add_line(failure, info, lines, removed, rejected)
    return BatchResult(lines, dict(removed), dict(rejected), time.perf_counter() - started)


class _Child(NamedTuple):
    """How a child process ended: its result, or why there is none."""

    value: Any  # what the function returned; None when there is no result
    died: bool  # no result because the process ended without one (False: killed at its deadline)
    exitcode: int | None  # as multiprocessing gives it: negative for a signal; None when unknown


#: Fork where the OS can: it works in any thread, also in a daemonic process (a Dask worker),
#: where multiprocessing refuses to start children. Elsewhere: a multiprocessing spawn.
_CAN_FORK = hasattr(os, "fork") and hasattr(select, "poll")

# Python >= 3.12 warns on any fork of a multi-threaded process. The child here only runs
# the cleaners and the pickling of their result, then leaves through os._exit (no atexit,
# no flushing of inherited streams); a lock another thread held at the fork can only make
# it hang, which the hard deadline turns into a rejection.
warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\) may lead to deadlocks",
                        category=DeprecationWarning, module=re.escape(__name__))


def _in_child(function: Callable[..., Any], args: tuple, deadline: float | None) -> _Child:
    """``function(*args)`` in a child process, killed when it runs past ``deadline`` seconds."""
    if not _CAN_FORK:
        return _in_spawned_child(function, args, deadline)
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(reader)
        os.close(writer)
        raise
    if pid == 0:
        _child_main(reader, writer, function, args)
    os.close(writer)
    payload, finished = b"", False
    try:
        payload, finished = _read_to_end(reader, deadline)
    finally:
        os.close(reader)
        if not finished:  # the deadline passed, or this thread was interrupted
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        exitcode = _reap(pid)
    if finished and payload:
        with contextlib.suppress(Exception):  # a result cut short by the child's death
            return _Child(pickle.loads(payload), False, exitcode)
    return _Child(None, finished, exitcode)


def _child_main(reader: int, writer: int, function: Callable[..., Any], args: tuple) -> NoReturn:
    """The forked child: run, send the pickled result, leave without running anything else
    of the parent's (no atexit handlers, no exception unwinding into the parent's code)."""
    status = 1
    try:
        os.close(reader)
        freeze_inherited_objects()
        # The timer must reach this process even if the forking thread had SIGALRM blocked.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        view = memoryview(pickle.dumps(function(*args), pickle.HIGHEST_PROTOCOL))
        while view:
            view = view[os.write(writer, view):]
        status = 0
    finally:
        os._exit(status)


def _read_to_end(fd: int, deadline: float | None) -> tuple[bytes, bool]:
    """Everything ``fd`` gives until end of file, and True; or what came before the deadline, and False."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    end = None if deadline is None else time.monotonic() + deadline
    chunks: list[bytes] = []
    while True:
        if end is None:
            wait_ms = None
        else:
            left = end - time.monotonic()
            if left <= 0:
                return b"".join(chunks), False
            wait_ms = max(1, int(left * 1000) + 1)
        if not poller.poll(wait_ms):
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)


def _reap(pid: int) -> int | None:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped by someone else (a SIGCHLD handler)
        return None
    return os.waitstatus_to_exitcode(status)


def _call_into(function: Callable[..., Any], args: tuple, conn: Any) -> None:
    conn.send(function(*args))
    conn.close()


def _in_spawned_child(function: Callable[..., Any], args: tuple, deadline: float | None) -> _Child:
    """:func:`_in_child` where there is no fork: a multiprocessing child (not in a daemonic process)."""
    context = _pool_context()
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_call_into, args=(function, args, writer), daemon=True)
    process.start()
    writer.close()
    value: Any = None
    answered = False
    try:
        answered = reader.poll(deadline)  # True on a result, or on EOF if the process died
        if answered:
            with contextlib.suppress(EOFError, OSError):
                value = reader.recv()
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()
    return _Child(value, answered and value is None, process.exitcode)


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
