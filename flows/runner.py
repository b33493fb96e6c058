"""The run itself, without orchestration: batches of paths in, JSON lines out.

``clean_batch`` is the unit of work (one Prefect task, or one process-pool job).
``run_clean`` streams batches through a ``map_batches`` strategy and writes the
output files atomically, in input order, so equal inputs give equal bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from cleaners import __version__
from cleaners.pipeline import CleanConfig, clean_document, config_fingerprint
from cleaners.record import PipelineInfo, article_record, dumps, rejected_record
from cleaners.types import Article

from .inputs import discover, read_input

__all__ = ["BatchResult", "clean_batch", "run_clean", "RunReport", "batched", "local_batches", "pipeline_info"]

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


def clean_batch(paths: Sequence[str], config: CleanConfig) -> BatchResult:
    """Read and clean each path; every path gives exactly one line (article or rejected)."""
    started = time.perf_counter()
    info = pipeline_info(config)
    lines: list[tuple[str, str]] = []
    removed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for path in paths:
        data = read_input(path, config.max_input_bytes)
        result = data if not isinstance(data, bytes) else clean_document(data, path, config)
        if isinstance(result, Article):
            record = article_record(result, info)
            removed.update(record["stats"]["removed_by_reason"])
            lines.append(("article", dumps(record)))
        else:
            rejected[result.reason.value] += 1
            lines.append(("rejected", dumps(rejected_record(result, info))))
    return BatchResult(lines, dict(removed), dict(rejected), time.perf_counter() - started)


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


def _clean_batch_star(args: tuple[list[str], CleanConfig]) -> BatchResult:
    return clean_batch(*args)


def local_batches(workers: int) -> MapBatches:
    """Run batches in this process (one worker or one batch) or in a process pool, in order."""

    def run(batches: list[list[str]], config: CleanConfig) -> Iterator[BatchResult]:
        if workers <= 1 or len(batches) <= 1:
            for batch in batches:
                yield clean_batch(batch, config)
            return
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with context.Pool(min(workers, len(batches))) as pool:
            yield from pool.imap(_clean_batch_star, [(b, config) for b in batches])

    return run


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


class _AtomicLines:
    """A JSON-lines file written beside its final name and moved into place on success."""

    def __init__(self, out_dir: str, name: str):
        self.final = os.path.join(out_dir, name)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
        os.chmod(self.tmp, 0o644)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, line: str) -> None:
        self.handle.write(line + "\n")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.tmp, self.final)

    def abort(self) -> None:
        self.handle.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def write_json_atomic(path: str, data: Any) -> None:
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=directory)
    os.chmod(tmp, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(tmp, path)


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

    Writes ``articles.jsonl``, ``rejected.jsonl`` and ``report.json`` atomically.
    """
    started = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    files = list(discover(paths))
    batches = list(batched(files, max(1, batch_size)))
    runner = map_batches or local_batches(workers or os.cpu_count() or 1)
    report = RunReport(mode=mode, pipeline=pipeline_info(config)._asdict())
    outputs = {"article": _AtomicLines(out_dir, ARTICLES), "rejected": _AtomicLines(out_dir, REJECTED)}
    try:
        for result in runner(batches, config):
            for kind, line in result.lines:
                outputs[kind].write(line)
            report.add(result)
            if on_batch:
                on_batch(result)
    except BaseException:
        for output in outputs.values():
            output.abort()
        raise
    for output in outputs.values():
        output.commit()
    report.seconds = time.perf_counter() - started
    write_json_atomic(os.path.join(out_dir, REPORT), report.to_dict())
    return report
