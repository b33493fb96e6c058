"""Benchmark the cleaning pipeline against plain trafilatura: ``python -m bench.run``.

For each chosen corpus, every system reads the same documents in one process
on one core, one document at a time. The clock runs around the whole call per
document, decompression and decoding included, for every system alike;
reading the file from disk and scoring are outside it. Each system first
handles the corpus's first document once, untimed, so one-off start-up work
(lazy model loading, caches) is not billed to a single document.

Memory: ``peak RSS`` is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read
after each system finishes, i.e. the process's high-water mark so far (it
never goes down, so systems are run baselines first, pipeline last). With
``--tracemalloc`` the largest rise of the Python heap during a single document
call is also recorded (tracemalloc misses libxml2's own allocations and slows
the timed loop, so docs/s are then not comparable with an untraced run).

Corpora (``--corpus``):

* ``html``: ScrapingHub pages as HTML; shingle F1; baseline ``trafilatura.extract`` default.
* ``text``: the same pages as plain-text dumps; shingle F1; baselines: the text as it
  is, and each line as a ``<p>`` given to ``trafilatura.extract``.
* ``snippets``: trafilatura's evaluation pages; snippet F1; baseline ``trafilatura.extract``.
* ``fragments``: not a corpus of its own but :mod:`bench.fragments` (foreign fragments and
  off-topic tails inserted into the ScrapingHub gold, block-language accuracy on lingua's
  test data, language time share, cross-process determinism); its options are listed
  under "fragments". Not in the default set (it takes a few minutes).

``clean-bench speed`` runs :mod:`bench.speed` instead (throughput on one and two cores,
memory, Prefect overhead).

The ``docs/s ratio`` column divides each row's docs/s by the trafilatura
baseline's docs/s on the same corpus (``lines as <p>`` for ``text``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import gzip
import html
import importlib.util
import json
import platform
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from bench import corpora
from bench.corpora import BenchDocument
from bench.score import (
    DocumentOverlap,
    SnippetCounts,
    count_snippets,
    document_overlap,
    shingle_score,
    sum_snippet_counts,
)

Extract = Callable[[str, bytes], "str | None"]
"""A system: (file name, raw bytes) -> text, or None for no output."""

PIPELINE = "pipeline"
PIPELINE_FAST = "pipeline --fast"
#: Corpora where ``--fast`` changes anything (trafilatura reads HTML only).
FAST_CORPORA = ("html", "snippets")
MAX_ERROR_SAMPLES = 5


# --------------------------------------------------------------------------
# Systems
# --------------------------------------------------------------------------


def gunzip_if_named(name: str, data: bytes) -> bytes:
    """Decompress ``data`` when ``name`` ends in ``.gz``."""
    return gzip.decompress(data) if name.endswith(".gz") else data


def trafilatura_default(name: str, data: bytes) -> str | None:
    """Plain ``trafilatura.extract`` with default options on the page bytes."""
    import trafilatura

    return trafilatura.extract(gunzip_if_named(name, data))


def text_as_is(name: str, data: bytes) -> str:
    """The text file itself, decoded as UTF-8."""
    return gunzip_if_named(name, data).decode("utf-8", errors="replace")


def lines_as_paragraphs(text: str) -> str:
    """An HTML page with each non-blank line of ``text`` as one ``<p>``.

    >>> lines_as_paragraphs("a < b\\n\\n  c ")
    '<html><body><p>a &lt; b</p>\\n<p>c</p></body></html>'
    """
    lines = (line.strip() for line in text.splitlines())
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    return f"<html><body>{body}</body></html>"


def trafilatura_on_lines(name: str, data: bytes) -> str | None:
    """Each line of the text file as a ``<p>``, given to ``trafilatura.extract``."""
    import trafilatura

    return trafilatura.extract(lines_as_paragraphs(text_as_is(name, data)))


def load_pipeline(fast: bool = False) -> Extract:
    """The project's pipeline as a system (imported only when needed); ``fast``: ``clean --fast``."""
    from cleaners.extract import ExtractConfig
    from cleaners.pipeline import CleanConfig, clean_document, load_models
    from cleaners.types import RejectedInput

    config = CleanConfig()._replace(extract=ExtractConfig(fast=fast))
    load_models(config)  # start-up work, like the imports: never billed to a page

    def pipeline(name: str, data: bytes) -> str | None:
        result = clean_document(data, name, config)
        return None if isinstance(result, RejectedInput) else result.text

    return pipeline


@dataclass(frozen=True)
class System:
    name: str
    extract: Extract
    is_speed_reference: bool = False


@dataclass(frozen=True)
class Corpus:
    key: str
    label: str
    read: Callable[..., Iterator[BenchDocument]]
    metric: str  # "shingle" or "snippet"
    baselines: tuple[System, ...]


CORPORA: dict[str, Corpus] = {
    "html": Corpus(
        "html", "scrapinghub_aeb html", corpora.scrapinghub_html, "shingle",
        (System("trafilatura", trafilatura_default, is_speed_reference=True),),
    ),
    "text": Corpus(
        "text", "scrapinghub_aeb text", corpora.scrapinghub_text, "shingle",
        (
            System("text as is", text_as_is),
            System("lines as <p> -> trafilatura", trafilatura_on_lines, is_speed_reference=True),
        ),
    ),
    "snippets": Corpus(
        "snippets", "trafilatura_eval", corpora.trafilatura_eval, "snippet",
        (System("trafilatura", trafilatura_default, is_speed_reference=True),),
    ),
}


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One timed call: the output text, seconds, error, and (when traced) how far
    the Python heap rose above its level at the start of the call."""

    text: str | None
    seconds: float
    error: str | None
    heap_rise_bytes: int | None


def timed_call(extract: Extract, doc: BenchDocument, trace_memory: bool) -> Outcome:
    """Run ``extract`` on one document; an exception becomes an error, not a crash."""
    heap_before = _start_heap_trace() if trace_memory else 0
    error = None
    start = time.perf_counter()
    try:
        text = extract(doc.name, doc.data)
    except Exception as exc:  # a benchmark records failures and goes on
        text, error = None, f"{doc.name}: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    heap_rise = tracemalloc.get_traced_memory()[1] - heap_before if trace_memory else None
    return Outcome(text, seconds, error, heap_rise)


def _start_heap_trace() -> int:
    """Reset tracemalloc's peak; return the bytes traced right now."""
    tracemalloc.reset_peak()
    return tracemalloc.get_traced_memory()[0]


def score_document(metric: str, gold: Any, text: str | None) -> DocumentOverlap | SnippetCounts:
    if metric == "shingle":
        return document_overlap(gold, text or "")
    return count_snippets(text, gold.with_, gold.without)


def aggregate_scores(metric: str, scores: list) -> dict[str, Any]:
    """Corpus precision, recall, F1 and the metric's own details."""
    if metric == "shingle":
        result = shingle_score(scores)
        details = {"precision_docs": result.precision_docs, "recall_docs": result.recall_docs}
    else:
        result = sum_snippet_counts(scores)
        details = dataclasses.asdict(result) | {"accuracy": result.accuracy}
    return {"precision": result.precision, "recall": result.recall, "f1": result.f1,
            "details": details}


def peak_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


@dataclass(frozen=True)
class SystemRun:
    corpus: str
    system: str
    documents: int
    seconds: float
    docs_per_s: float
    precision: float
    recall: float
    f1: float
    details: dict[str, Any]
    no_output: int
    errors: int
    error_samples: tuple[str, ...]
    peak_rss_mib: float
    max_call_heap_mib: float | None
    docs_per_s_ratio: float | None = None


def run_system(
    corpus: Corpus, system: System, documents: Iterable[BenchDocument], trace_memory: bool
) -> SystemRun:
    """Time and score one system over a stream of documents."""
    scores, seconds, no_output, errors, traced = [], 0.0, 0, [], []
    for doc in documents:
        outcome = timed_call(system.extract, doc, trace_memory)
        seconds += outcome.seconds
        if outcome.error:
            errors.append(outcome.error)
        elif outcome.text is None:
            no_output += 1
        if outcome.heap_rise_bytes is not None:
            traced.append(outcome.heap_rise_bytes)
        scores.append(score_document(corpus.metric, doc.gold, outcome.text))
    quality = aggregate_scores(corpus.metric, scores)
    return SystemRun(
        corpus=corpus.key,
        system=system.name,
        documents=len(scores),
        seconds=seconds,
        docs_per_s=len(scores) / seconds if seconds else 0.0,
        **quality,
        no_output=no_output,
        errors=len(errors),
        error_samples=tuple(errors[:MAX_ERROR_SAMPLES]),
        peak_rss_mib=peak_rss_mib(),
        max_call_heap_mib=max(traced) / 2**20 if traced else None,
    )


def warm_up(system: System, first: BenchDocument | None) -> None:
    """One untimed call so lazy start-up work is not billed to a document."""
    if first is not None:
        timed_call(system.extract, first, trace_memory=False)


def with_speed_ratios(runs: list[SystemRun]) -> list[SystemRun]:
    """Fill ``docs_per_s_ratio``: docs/s ÷ the corpus's trafilatura docs/s."""
    return [_with_ratio(run, _speed_reference(runs, run.corpus)) for run in runs]


def _with_ratio(run: SystemRun, reference: SystemRun | None) -> SystemRun:
    if reference is None or not reference.docs_per_s:
        return run
    return dataclasses.replace(run, docs_per_s_ratio=run.docs_per_s / reference.docs_per_s)


def _speed_reference(runs: list[SystemRun], corpus_key: str) -> SystemRun | None:
    reference_name = next(s.name for s in CORPORA[corpus_key].baselines if s.is_speed_reference)
    return next((r for r in runs if r.corpus == corpus_key and r.system == reference_name), None)


def run_corpus(
    corpus: Corpus, systems: Sequence[System], bench_dir: Path, split: str,
    limit: int | None, trace_memory: bool,
) -> list[SystemRun]:
    """Every system over the corpus, one after the other."""
    runs = []
    for system in systems:
        gc.collect()
        warm_up(system, next(corpus.read(bench_dir, split, 1), None))
        run = run_system(corpus, system, corpus.read(bench_dir, split, limit), trace_memory)
        print(f"  {corpus.key} / {system.name}: {run.documents} docs in {run.seconds:.1f} s"
              + (f", {run.errors} errors" if run.errors else ""), file=sys.stderr, flush=True)
        runs.append(run)
    return runs


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def format_table(runs: Sequence[SystemRun], corpus_labels: dict[str, str]) -> str:
    """A plain-text table of the runs."""
    traced = any(r.max_call_heap_mib is not None for r in runs)
    header = ["corpus", "system", "docs", "precision", "recall", "F1", "docs/s",
              "docs/s ratio", "peak RSS MiB"] + (["max call heap MiB"] if traced else []) \
        + ["no output", "errors"]
    rows = [
        [corpus_labels[r.corpus], r.system, str(r.documents), _fmt(r.precision, ".3f"),
         _fmt(r.recall, ".3f"), _fmt(r.f1, ".3f"), _fmt(r.docs_per_s, ".1f"),
         _fmt(r.docs_per_s_ratio, ".2f"), _fmt(r.peak_rss_mib, ".0f")]
        + ([_fmt(r.max_call_heap_mib, ".1f")] if traced else [])
        + [str(r.no_output), str(r.errors)]
        for r in runs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    left_aligned = {0, 1}

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i in left_aligned else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def run_metadata(args: argparse.Namespace, bench_dir: Path) -> dict[str, Any]:
    try:
        import trafilatura
        trafilatura_version = trafilatura.__version__
    except ImportError:  # pragma: no cover
        trafilatura_version = None
    return {
        "bench_dir": str(bench_dir),
        "corpora": args.corpus,
        "split": args.split,
        "limit": args.limit,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "trafilatura": trafilatura_version,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "timing": "perf_counter around each whole call (decompression included), "
                  "after one untimed warm-up call per system",
        "peak_rss_mib": "resource.getrusage(RUSAGE_SELF).ru_maxrss after each system; "
                        "process high-water mark so far",
        "max_call_heap_mib": "largest tracemalloc peak rise above the heap at the start of "
                          "one call (--tracemalloc only)",
    }


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


FRAGMENTS = "fragments"


def _corpus_keys(value: str) -> list[str]:
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in CORPORA and k != FRAGMENTS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown corpus {unknown or value!r}; choose from {','.join([*CORPORA, FRAGMENTS])}")
    return keys


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clean-bench",
        description="Score and time the cleaning pipeline against plain trafilatura.")
    parser.add_argument("--corpus", type=_corpus_keys, default=list(CORPORA),
                        help="comma-separated: html,text,snippets,fragments "
                             "(default: html,text,snippets)")
    parser.add_argument("--split", choices=corpora.SPLITS, default="all",
                        help="dev (~80%%), heldout (~20%%) or all (default)")
    parser.add_argument("--limit", type=_positive_int, default=None,
                        help="at most N documents per corpus")
    parser.add_argument("--bench-dir", default=None,
                        help=f"bench data folder (default: ${corpora.BENCH_DIR_ENV} "
                             "or ../shared/bench beside the project)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="also write the results to this JSON file")
    parser.add_argument("--baselines-only", action="store_true",
                        help="skip the pipeline (e.g. while it does not import)")
    parser.add_argument("--fast", action="store_true",
                        help="also run the pipeline as `clean --fast` (trafilatura without its "
                             "fallback extractors) on the HTML corpora")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also record the Python-heap peak per call (slows timing)")
    from bench import fragments

    fragments.add_options(parser.add_argument_group(
        "fragments", "options of --corpus fragments (see python -m bench.fragments)"), with_common=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["speed"]:  # `clean-bench speed ...`: throughput and memory, see bench/speed.py
        from bench import speed

        return speed.main(argv[1:])
    args = build_parser().parse_args(argv)
    bench_dir = corpora.resolve_bench_dir(args.bench_dir)
    if not bench_dir.is_dir():
        print(f"bench data not found at {bench_dir}", file=sys.stderr)
        return 2
    if not args.baselines_only and importlib.util.find_spec("cleaners.pipeline") is None:
        print("cleaners.pipeline not found; use --baselines-only", file=sys.stderr)
        return 2
    if args.tracemalloc:
        tracemalloc.start()
    runs: list[SystemRun] = []
    pipeline: System | None = None
    pipeline_fast: System | None = None
    fragment_report = None
    for key in args.corpus:
        if key == FRAGMENTS:
            continue
        corpus = CORPORA[key]
        runs += run_corpus(corpus, corpus.baselines, bench_dir, args.split, args.limit,
                           args.tracemalloc)
        if not args.baselines_only:
            # imported only now, so the first baseline rows' RSS excludes the pipeline
            pipeline = pipeline or System(PIPELINE, load_pipeline())
            runs += run_corpus(corpus, [pipeline], bench_dir, args.split, args.limit,
                               args.tracemalloc)
            if args.fast and key in FAST_CORPORA:
                pipeline_fast = pipeline_fast or System(PIPELINE_FAST, load_pipeline(fast=True))
                runs += run_corpus(corpus, [pipeline_fast], bench_dir, args.split, args.limit,
                                   args.tracemalloc)
    runs = with_speed_ratios(runs)
    if runs:
        print(format_table(runs, {k: c.label for k, c in CORPORA.items()}))
        print("peak RSS = ru_maxrss high-water mark of the process after each system;"
              " docs/s ratio = docs/s / trafilatura docs/s on the same corpus")
    if FRAGMENTS in args.corpus and not args.baselines_only:
        from bench import fragments

        print(f"fragments ({bench_dir}):", file=sys.stderr, flush=True)
        fragment_report = fragments.run_from_args(args, bench_dir)
        print(fragments.format_report(fragment_report), end="")
    if args.json:
        payload = {"meta": run_metadata(args, bench_dir),
                   "results": [dataclasses.asdict(r) for r in runs]}
        if fragment_report is not None:
            payload["fragments"] = fragment_report
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
