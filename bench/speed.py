"""Speed and memory of the pipeline and its runners: ``python -m bench.speed`` (or ``clean-bench speed``).

One run measures, on the pages in ``../shared/bench`` (read where they lie):

``one_core``
    documents per second of the whole pipeline (``cleaners.pipeline.clean_document`` on the
    page bytes), of the pipeline as ``clean --fast`` (trafilatura without its fallback
    extractors), and of plain ``trafilatura.extract`` on the same bytes, on ScrapingHub HTML
    and trafilatura's evaluation HTML, in this process, on one core. The systems are
    timed *interleaved* page by page (pipeline, pipeline --fast, trafilatura, on each page),
    so load from other processes falls on all alike; the ratios are the ones to trust on a
    busy machine. Pages are gunzipped before the clock starts, for both.
``text``
    pipeline documents per second on the ScrapingHub plain-text dumps (one core; the
    median of ``--passes`` passes over the set); with ``one_core`` in the run, also as a
    multiple of ``trafilatura.extract``'s pages per second over both HTML sets (issue 6 asks
    300 where trafilatura does 36: 8.33x): against the rate of the ``one_core`` section, and,
    each text pass being followed by a pass of ``trafilatura.extract`` over the HTML pages,
    as the median of each pass's ratio to the trafilatura pass after it (the same minute's
    machine on both sides of the ratio).
    Both sections run the pipeline in this process set up as a worker of ``clean`` starts
    (``flows.runner.warm_up``: models loaded, ``gc.freeze``).
``cores``
    ``flows.runner.run_clean`` over a folder of ``--docs`` files with ``workers=1`` and
    ``workers=2`` (batches of ``--batch-size``), each in a fresh child process; the clock
    runs around ``run_clean`` only (not interpreter start-up or imports).
``memory``
    peak memory of ``run_clean`` (``workers=2``) on ``--docs`` and on ``--big`` files: the
    runner process's own peak (Linux ``VmHWM``), the largest pool worker's (``RUSAGE_CHILDREN``), and
    the sampled peak of the whole process tree's summed RSS (every 0.1 s; shared
    copy-on-write pages count once per process, so it is an upper bound).
``prefect``
    the ``clean`` flow as a tracked flow run on a real ``prefect server start`` (its own
    ``PREFECT_HOME`` in a temp folder, stopped afterwards) vs ``run_clean`` in-process with
    the same workers and batches on the same ``--docs`` files (overhead = flow / run_clean - 1);
    the flow's tasks run where ``clean --prefect`` runs them (``flows.prefect_flow.local_task_runner``),
    and its output must equal run_clean's byte for byte. Also the median of the overheads of
    each flow run against the ``run_clean`` run just before it (with ``--repeat``).

With ``--repeat N`` the runner configurations (2 workers, flow, 1 worker) are run N times,
interleaved, and the fastest run of each is reported with all times listed: other
processes on a shared machine only ever slow a run down. ``CPU ms/doc`` (user + system
time of the runner and its pool processes per document) does not depend on that load.
    Server start-up and the child's ``import prefect`` are reported apart, not in the ratio.
``breakdown`` (not in the default set; ``--only breakdown``)
    where one core's time goes, per set: the pipeline's stages timed by wrapping the
    functions it calls (no profiler, so pure-Python code is not over-weighted): decoding,
    our page metadata (``cleaners.extract.page_metadata``, with its ``htmldate.find_date``),
    trafilatura's ``bare_extraction`` (text only) and its ``trafilatura_sequence``, ftfy
    repair, and each of our steps (language with its detector calls).

The JSON's ``meta.build`` and the table's last line say which build of ``cleaners/`` was
measured: the pure sources, or a compiled build (``CLEAN_COMPILE=1 pip install .``; README, "A
compiled build"), in this process and in the child processes. Child processes run with
``python -P``, so they import the installed package. This process imports the sources when
it runs from the checkout; to measure an installed build, run it from another folder.

The folder of files is made by writing the bench pages (HTML as stored, ``.html.gz``;
text dumps as ``.txt``), shuffled with a fixed seed and cycled, under new names into a
temporary folder, never into the project; it is deleted at the end.

    python -m bench.speed                      # everything: ~8 min on 2 cores
    python -m bench.speed --docs 200 --big 1000 --json speed.json     # a quick run
    python -m bench.speed --only one_core,text
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import import_module, machinery
from pathlib import Path
from typing import Any, Iterable, Sequence

from bench import corpora

SECTIONS = ("one_core", "text", "cores", "memory", "prefect")
EXTRA_SECTIONS = ("breakdown",)
HTML_SETS = {
    "scrapinghub_aeb html": ("scrapinghub_aeb", "html", "*.html.gz"),
    "trafilatura_eval html": ("trafilatura_eval", "html", "*.gz"),
}
TEXT_SET = ("scrapinghub_aeb text", ("scrapinghub_aeb", "text", "*.txt"))


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def _files(bench_dir: Path, spec: tuple[str, str, str]) -> list[Path]:
    corpus, sub, pattern = spec
    return sorted((bench_dir / corpus / sub).glob(pattern))


def _page(path: Path) -> tuple[str, bytes]:
    """(name the pipeline sees, bytes), gunzipped: ``x.html.gz`` -> ``x.html``; eval pages -> ``.html``."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
        stem = path.name[:-3]
        return (stem if stem.endswith((".html", ".htm")) else stem + ".html"), data
    return path.name, data


# --------------------------------------------------------------------------
# One core, in this process
# --------------------------------------------------------------------------


def _clean(config):
    """``clean_document`` with ``config``, in this process set up as every worker of ``clean``
    starts (:func:`flows.runner.warm_up`): the models loaded and two small documents cleaned
    (start-up work, like the imports: never billed to a page), then what is alive moved to the
    collector's permanent generation (``gc.freeze``), so that its full collections do not walk
    the models' tables on every page's clock, which no worker of ``clean`` does either."""
    from cleaners.pipeline import clean_document
    from flows.runner import warm_up

    warm_up(config)
    return lambda name, data: clean_document(data, name, config)


def one_core_html(bench_dir: Path, limit: int | None) -> list[dict[str, Any]]:
    """Pipeline, pipeline ``--fast`` and ``trafilatura.extract``, interleaved page by page, per HTML set."""
    import trafilatura

    from cleaners.pipeline import CleanConfig

    config = CleanConfig()
    systems = {
        "pipeline": _clean(config),
        "pipeline_fast": _clean(config._replace(extract=config.extract._replace(fast=True))),
        "trafilatura": lambda name, data: trafilatura.extract(data),
    }
    rows = []
    for label, spec in HTML_SETS.items():
        pages = [_page(p) for p in _files(bench_dir, spec)[:limit]]
        if not pages:
            continue
        for run in systems.values():
            run(*pages[0])  # warm-up, untimed
        gc.collect()
        seconds = dict.fromkeys(systems, 0.0)
        for name, data in pages:
            for key, run in systems.items():
                start = time.perf_counter()
                run(name, data)
                seconds[key] += time.perf_counter() - start
        rows.append({
            "set": label, "docs": len(pages),
            **{f"{key}_docs_per_s": len(pages) / t for key, t in seconds.items()},
            # pipeline docs/s ÷ trafilatura docs/s
            "ratio": seconds["trafilatura"] / seconds["pipeline"],
            "ratio_fast": seconds["trafilatura"] / seconds["pipeline_fast"],
        })
        _progress(f"one_core {label}: pipeline {rows[-1]['pipeline_docs_per_s']:.1f} docs/s, "
                  f"--fast {rows[-1]['pipeline_fast_docs_per_s']:.1f} docs/s, "
                  f"trafilatura {rows[-1]['trafilatura_docs_per_s']:.1f} docs/s")
    return rows


def one_core_text(bench_dir: Path, limit: int | None, passes: int, paired: bool = False) -> dict[str, Any]:
    """The pipeline's docs/s on the text dumps, the median of ``passes`` passes; with ``paired``,
    each pass followed by a pass of ``trafilatura.extract`` over the HTML pages of both sets
    (:func:`trafilatura_pass`), so that each text pass has trafilatura's rate from the same minute
    (see :func:`paired_text_ratios`)."""
    from cleaners.pipeline import CleanConfig

    pipeline = _clean(CleanConfig())
    pages = [_page(p) for p in _files(bench_dir, TEXT_SET[1])[:limit]]
    pipeline(*pages[0])
    rates, trafilatura_rates = [], []
    for _ in range(max(1, passes)):
        gc.collect()
        start = time.perf_counter()
        for name, data in pages:
            pipeline(name, data)
        rates.append(len(pages) / (time.perf_counter() - start))
        if paired:
            trafilatura_rates.append(trafilatura_pass(bench_dir, limit))
    _progress(f"text: {statistics.median(rates):.0f} docs/s (passes: {', '.join(f'{r:.0f}' for r in rates)})"
              + (f"; trafilatura after each: {', '.join(f'{r:.1f}' for r in trafilatura_rates)} HTML pages/s"
                 if paired else ""))
    result = {"set": TEXT_SET[0], "docs": len(pages), "passes": rates,
              "pipeline_docs_per_s": statistics.median(rates)}
    if paired:
        result["trafilatura_after_passes"] = trafilatura_rates
    return result


def trafilatura_pass(bench_dir: Path, limit: int | None) -> float:
    """``trafilatura.extract``'s pages per second over the HTML pages of both sets (each set cut
    to ``limit`` pages, as :func:`one_core_html` cuts them), each page read and gunzipped off the clock."""
    import trafilatura

    pages, seconds = 0, 0.0
    for spec in HTML_SETS.values():
        for path in _files(bench_dir, spec)[:limit]:
            _, data = _page(path)
            start = time.perf_counter()
            trafilatura.extract(data)
            seconds += time.perf_counter() - start
            pages += 1
    return pages / seconds if seconds else 0.0


#: Issue 6's plain-text target as a ratio: 300 text documents per second where plain
#: ``trafilatura.extract`` does "about 36 pages/s" on the HTML pages of both sets.
TEXT_TARGET_RATIO = 300 / 36


def trafilatura_pages_per_s(one_core: list[dict[str, Any]]) -> float | None:
    """``trafilatura.extract``'s pages per second over every HTML set of a ``one_core`` run
    (all pages over all its seconds, not a mean of the sets' rates: the evaluation set's 990
    pages weigh as much as they took).

    >>> trafilatura_pages_per_s([{"docs": 100, "trafilatura_docs_per_s": 50.0},
    ...                          {"docs": 300, "trafilatura_docs_per_s": 100.0}])
    80.0
    >>> trafilatura_pages_per_s([]) is None
    True
    """
    seconds = sum(row["docs"] / row["trafilatura_docs_per_s"] for row in one_core)
    return sum(row["docs"] for row in one_core) / seconds if seconds else None


def text_vs_trafilatura(one_core: list[dict[str, Any]], text: dict[str, Any]) -> dict[str, Any] | None:
    """The text dumps' docs/s as a multiple of trafilatura's HTML pages/s in the same run, with
    the multiple issue 6 asks for (:data:`TEXT_TARGET_RATIO`) and the text rate it means here;
    with trafilatura's rate after each text pass, also :func:`paired_text_ratios` and their median.

    >>> r = text_vs_trafilatura([{"docs": 10, "trafilatura_docs_per_s": 40.0}], {"pipeline_docs_per_s": 400.0})
    >>> r["ratio"], round(r["target_ratio"], 2), round(r["target_docs_per_s"])
    (10.0, 8.33, 333)
    """
    baseline = trafilatura_pages_per_s(one_core)
    if baseline is None:
        return None
    figures = {"trafilatura_html_pages_per_s": baseline, "ratio": text["pipeline_docs_per_s"] / baseline,
               "target_ratio": TEXT_TARGET_RATIO, "target_docs_per_s": TEXT_TARGET_RATIO * baseline}
    paired = paired_text_ratios(text)
    if paired:
        figures["paired_ratios"] = paired
        figures["paired_ratio_median"] = statistics.median(paired)
    return figures


def paired_text_ratios(text: dict[str, Any]) -> list[float]:
    """Each text pass's docs/s over trafilatura's HTML pages/s in the pass right after it: the
    machine's speed moves by a few per cent from minute to minute on a shared machine, and a
    rate taken in the HTML section a minute earlier carries that into the ratio.

    >>> paired_text_ratios({"passes": [400.0, 480.0], "trafilatura_after_passes": [50.0, 60.0]})
    [8.0, 8.0]
    >>> paired_text_ratios({"passes": [400.0]})
    []
    """
    return [rate / after for rate, after in zip(text.get("passes", []), text.get("trafilatura_after_passes", [])) if after]


class _Timers:
    """Wraps ``module.name`` functions to add their inclusive time (outermost call only) under a label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, module: Any, name: str, label: str) -> None:
        original = getattr(module, name)
        active = [0]

        def timed(*args: Any, **kwargs: Any) -> Any:
            if active[0]:
                return original(*args, **kwargs)
            active[0] += 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
                active[0] -= 1

        setattr(module, name, timed)
        self._undo.append((module, name, original))

    def restore(self) -> None:
        for module, name, original in reversed(self._undo):
            setattr(module, name, original)
        self._undo.clear()


BREAKDOWN_STAGES = (
    # (module, function, label); nested labels start with spaces
    ("cleaners.pipeline", "_to_text", "decode (ours)"),
    ("cleaners.pipeline", "_extract", "extract"),
    ("cleaners.extract", "page_metadata", "  page metadata (ours, from the parsed tree)"),
    ("trafilatura.metadata", "find_date", "    of which htmldate.find_date"),
    ("trafilatura", "bare_extraction", "  trafilatura.bare_extraction (text only)"),
    ("trafilatura.core", "trafilatura_sequence", "    its text extraction (trafilatura_sequence)"),
    ("cleaners.pipeline", "_repair_blocks", "ftfy repair (ours)"),
    ("cleaners.pipeline", "mark_duplicates", "duplicates (ours)"),
    ("cleaners.pipeline", "mark_boilerplate", "boilerplate (ours)"),
    ("cleaners.pipeline", "mark_outside_main_content", "prose window (ours, text only)"),
    ("cleaners.pipeline", "mark_teasers", "teasers (ours)"),
    ("cleaners.pipeline", "mark_foreign_blocks", "language (ours)"),
    ("cleaners.language", "detect_language", "  of which the detector (py3langid)"),
    ("cleaners.pipeline", "mark_off_topic", "topic (ours)"),
)


def breakdown(bench_dir: Path, limit: int | None) -> list[dict[str, Any]]:
    """Seconds per stage of ``clean_document`` on each set, one core, no profiler."""
    import importlib

    from cleaners.pipeline import CleanConfig

    pipeline = _clean(CleanConfig())
    rows = []
    for label, spec in [*HTML_SETS.items(), TEXT_SET]:
        pages = [_page(p) for p in _files(bench_dir, spec)[:limit]]
        if not pages:
            continue
        pipeline(*pages[0])
        timers = _Timers()
        for module, name, stage in BREAKDOWN_STAGES:
            timers.wrap(importlib.import_module(module), name, stage)
        try:
            start = time.perf_counter()
            for name, data in pages:
                pipeline(name, data)
            total = time.perf_counter() - start
        finally:
            timers.restore()
        stages = {stage: timers.seconds.get(stage, 0.0) for _, _, stage in BREAKDOWN_STAGES}
        top = sum(v for k, v in stages.items() if not k.startswith(" "))
        stages["rest (records of blocks, title, glue)"] = total - top
        rows.append({"set": label, "docs": len(pages), "seconds": total,
                     "stages": {k: {"seconds": v, "share": v / total} for k, v in stages.items()}})
        _progress(f"breakdown {label}: {len(pages)} docs in {total:.1f} s")
    return rows


def format_breakdown(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    names = list(rows[0]["stages"])
    width = max(len(n) for n in names)
    head = f"{'stage (share of one core)':<{width}}  " + "  ".join(f"{r['set']:>22}" for r in rows)
    lines = [head, "-" * len(head)]
    for name in names:
        if all(r["stages"][name]["seconds"] == 0 for r in rows):
            continue
        lines.append(f"{name:<{width}}  " + "  ".join(
            f"{100 * r['stages'][name]['share']:21.1f}%" for r in rows))
    lines.append(f"{'docs/s (timers on)':<{width}}  " + "  ".join(
        f"{r['docs'] / r['seconds']:22.1f}" for r in rows))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# A folder of files, and runs in child processes
# --------------------------------------------------------------------------


def make_corpus(bench_dir: Path, folder: Path, count: int) -> dict[str, int]:
    """``count`` files in ``folder``: the bench pages shuffled (seed 0), cycled, under new names."""
    sources = [p for spec in HTML_SETS.values() for p in _files(bench_dir, spec)]
    sources += _files(bench_dir, TEXT_SET[1])
    random.Random(0).shuffle(sources)
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {"html": 0, "text": 0}
    for i in range(count):
        source = sources[i % len(sources)]
        name = source.name if source.name.endswith((".html.gz", ".txt")) else source.name[:-3] + ".html.gz"
        shutil.copyfile(source, folder / f"{i:06d}-{name}")
        kinds["text" if name.endswith(".txt") else "html"] += 1
    return kinds


class _TreeRss:
    """Samples the summed RSS of this process and its descendants (needs psutil)."""

    def __init__(self, interval: float = 0.1):
        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil comes with distributed
            self._thread = None
            return
        self._me = psutil.Process()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            total = 0
            for proc in [self._me, *self._me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except Exception:  # noqa: BLE001 - a child that just exited
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(interval)

    def stop(self) -> float | None:
        if self._thread is None:
            return None
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _maxrss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)


def _own_peak_rss_mib() -> float:
    """This process's peak RSS. Linux: ``VmHWM`` of its own address space, because
    ``ru_maxrss`` survives ``execve`` and would report the (larger) benchmark parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return _maxrss_mib(resource.RUSAGE_SELF)


def _cpu_seconds(who: tuple[int, ...] = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) -> float:
    usages = [resource.getrusage(w) for w in who]
    return sum(u.ru_utime + u.ru_stime for u in usages)


def cleaners_build() -> dict[str, Any]:
    """The build of ``cleaners/`` this process imports: ``"compiled"`` when some of its modules
    load from C extensions (setup.py, ``CLEAN_COMPILE=1``), with their names, else ``"pure"``
    (tests: ``test_bench_speed`` on the sources, ``test_compiled`` on a compiled build).
    """
    import cleaners
    import pkgutil

    names = sorted(module.name for module in pkgutil.iter_modules(cleaners.__path__))
    compiled = [name for name in names
                if str(import_module(f"cleaners.{name}").__file__).endswith(tuple(machinery.EXTENSION_SUFFIXES))]
    return {"kind": "compiled" if compiled else "pure", "compiled": compiled, "modules": len(names)}


def interpreter(maps: Path = Path("/proc/self/maps")) -> dict[str, Any]:
    """The Python this process runs: its version, its executable (links resolved) and how it
    holds libpython: ``"shared"`` when the library is mapped from a ``libpython*.so`` (a build
    with ``--enable-shared``, as this machine's pyenv Python), ``"linked in"`` when it is part of
    the executable (as in Debian's ``/usr/bin/python3.11``), ``None`` where ``maps`` cannot be
    read. The same cleaning code runs faster or slower by the interpreter's build (README,
    "Scaling out"), so a run names the one it measured.

    >>> interpreter()["version"] == platform.python_version()
    True
    """
    try:
        mapped = maps.read_text(encoding="utf-8", errors="replace")
    except OSError:
        libpython = None
    else:
        libpython = "shared" if "/libpython" in mapped else "linked in"
    return {"version": platform.python_version(), "executable": os.path.realpath(sys.executable),
            "libpython": libpython}


def child_main(spec: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: one ``run_clean`` (or one flow run) over ``spec['folder']``."""
    started = time.perf_counter()
    if spec["mode"] == "flow":
        from flows.prefect_flow import clean_flow
    from flows.runner import run_clean
    imported = time.perf_counter() - started
    sampler = _TreeRss()
    cpu_before, own_before = _cpu_seconds(), _cpu_seconds((resource.RUSAGE_SELF,))
    start = time.perf_counter()
    if spec["mode"] == "flow":  # as `clean --prefect --workers N` runs it
        from flows.prefect_flow import local_task_runner

        flow = clean_flow.with_options(task_runner=local_task_runner(spec["workers"]))
        report = asyncio.run(flow([spec["folder"]], spec["out"], None, spec["batch_size"], spec["workers"]))
    else:
        report = run_clean([spec["folder"]], spec["out"], batch_size=spec["batch_size"],
                           workers=spec["workers"]).to_dict()
    seconds = time.perf_counter() - start
    cpu, own_cpu = _cpu_seconds() - cpu_before, _cpu_seconds((resource.RUSAGE_SELF,)) - own_before
    tree = sampler.stop()
    return {
        "mode": spec["mode"], "workers": spec["workers"], "batch_size": spec["batch_size"],
        "inputs": report["inputs"], "articles": report["articles"], "rejected": report["rejected"],
        "run_mode": report["run"]["mode"], "seconds": seconds, "docs_per_s": report["inputs"] / seconds,
        "import_seconds": imported, "build": cleaners_build()["kind"],
        # CPU seconds of this process and its finished children (pool workers) during the run:
        # cpu / seconds is the number of cores kept busy (load from others lowers it)
        "cpu_seconds": cpu, "cores_busy": cpu / seconds, "runner_process_cpu_seconds": own_cpu,
        "peak_rss_mib": _own_peak_rss_mib(),
        "peak_worker_rss_mib": _maxrss_mib(resource.RUSAGE_CHILDREN) if spec["workers"] > 1 else None,
        "peak_tree_rss_mib": tree,
    }


def run_child(spec: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    # -P: the child imports the installed package (a compiled build too), never the sources in
    # the working folder; the table's footer names the build each side ran
    done = subprocess.run([sys.executable, "-P", "-m", "bench.speed", "_child", json.dumps(spec)],
                          capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"child {spec['mode']} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    _progress(f"{spec['mode']} workers={spec['workers']} on {result['inputs']} docs: {result['seconds']:.1f} s, "
              f"{result['docs_per_s']:.1f} docs/s, peak RSS {result['peak_rss_mib']:.0f} MiB")
    return result


# --------------------------------------------------------------------------
# A real Prefect server for the overhead figure
# --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prefect_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                  "PREFECT_LOGGING_LEVEL": "WARNING"}


def start_server(home: Path, timeout: float = 120) -> tuple[subprocess.Popen, str, float]:
    """``prefect server start`` on a free loopback port; (process, API URL, seconds to healthy)."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    started = time.perf_counter()
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=_prefect_env(home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(api + "/health", timeout=2) as response:
                if response.status == 200:
                    return process, api, time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.5)
    stop_process_group(process)
    raise RuntimeError(f"prefect server did not start: {(home / 'server.log').read_text()[-2000:]}")


def stop_process_group(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


# --------------------------------------------------------------------------
# The whole run
# --------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def measure(args: argparse.Namespace, bench_dir: Path) -> dict[str, Any]:
    sections = args.only
    results: dict[str, Any] = {"meta": {
        "bench_dir": str(bench_dir), "docs": args.docs, "big": args.big, "batch_size": args.batch_size,
        "cpus": os.cpu_count(), "load_average_start": os.getloadavg(), "python": platform.python_version(),
        "platform": platform.platform(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build": cleaners_build(), "interpreter": interpreter(),
    }}
    if "one_core" in sections:
        results["one_core"] = one_core_html(bench_dir, args.pages)
    if "text" in sections:
        results["text"] = one_core_text(bench_dir, args.pages, args.passes, paired="one_core" in sections)
        if results.get("one_core"):
            results["text"]["vs_trafilatura"] = text_vs_trafilatura(results["one_core"], results["text"])
    if "breakdown" in sections:
        results["breakdown"] = breakdown(bench_dir, args.pages)
    if not {"cores", "memory", "prefect"} & set(sections):
        results["meta"]["load_average_end"] = os.getloadavg()
        return results
    tmp = Path(tempfile.mkdtemp(prefix="clean-speed-"))
    try:
        small = tmp / "docs"
        results["corpus"] = {"docs": args.docs, "kinds": make_corpus(bench_dir, small, args.docs)}

        def spec(mode: str, workers: int, folder: Path, out: str) -> dict[str, Any]:
            return {"mode": mode, "workers": workers, "batch_size": args.batch_size,
                    "folder": str(folder), "out": str(tmp / out)}

        runs: dict[str, Any] = {}
        trials: dict[str, list[dict[str, Any]]] = {"run_clean_2": [], "run_clean_1": [], "flow": []}
        server = None
        try:
            if "prefect" in sections:
                home = tmp / "prefect-home"
                home.mkdir()
                server, api, startup = start_server(home)
                env = _prefect_env(home) | {"PREFECT_API_URL": api}
            # interleaved repetitions: load from other processes drifts; the best of each is kept
            for _ in range(max(1, args.repeat)):
                trials["run_clean_2"].append(run_child(spec("run_clean", 2, small, "out-2")))
                if "prefect" in sections:
                    trials["flow"].append(run_child(spec("flow", 2, small, "out-flow"), env))
                if "cores" in sections:
                    trials["run_clean_1"].append(run_child(spec("run_clean", 1, small, "out-1")))
        finally:
            if server is not None:
                stop_process_group(server)
        best = {k: _best(v) for k, v in trials.items() if v}
        runs |= best
        runs["trials"] = {k: [t["seconds"] for t in v] for k, v in trials.items() if v}
        if "run_clean_1" in best:
            runs["speedup_2_vs_1"] = best["run_clean_1"]["seconds"] / best["run_clean_2"]["seconds"]
        if "flow" in best:
            same = all((tmp / "out-flow" / f).read_bytes() == (tmp / "out-2" / f).read_bytes()
                       for f in ("articles.jsonl", "rejected.jsonl"))
            paired = paired_overheads(runs["trials"]["flow"], runs["trials"]["run_clean_2"])
            runs["prefect"] = {"server_startup_seconds": startup, "flow": best["flow"], "same_output": same,
                               "overhead": best["flow"]["seconds"] / best["run_clean_2"]["seconds"] - 1,
                               "paired_overheads": paired, "paired_overhead_median": statistics.median(paired)}
        if "memory" in sections:
            shutil.rmtree(tmp / "out-1", ignore_errors=True)
            big = tmp / "big"
            results["big_corpus"] = {"docs": args.big, "kinds": make_corpus(bench_dir, big, args.big)}
            runs["run_clean_2_big"] = run_child(spec("run_clean", 2, big, "out-big"))
        results["runs"] = runs
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["meta"]["load_average_end"] = os.getloadavg()
    return results


def paired_overheads(flow_seconds: list[float], run_clean_seconds: list[float]) -> list[float]:
    """Each flow run's seconds over those of the ``run_clean`` run started just before it, minus
    one: the repetitions are interleaved, so a pair shares the machine's load of its minute
    (best vs best may pair a flow run of a busy minute with a ``run_clean`` of a quiet one).

    >>> [round(x, 2) for x in paired_overheads([11.0, 10.5], [10.0, 10.5])]
    [0.1, 0.0]
    """
    return [flow / plain - 1 for flow, plain in zip(flow_seconds, run_clean_seconds)]


def _best(trials: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest trial (noise from other processes only slows a run down); memory: the highest peak."""
    best = dict(min(trials, key=lambda t: t["seconds"]))
    for key in ("peak_rss_mib", "peak_worker_rss_mib", "peak_tree_rss_mib"):
        values = [t[key] for t in trials if t.get(key) is not None]
        best[key] = max(values) if values else None
    return best


def _f(value: float | None, pattern: str = ".1f") -> str:
    return "-" if value is None else format(value, pattern)


def format_table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    for row in results.get("one_core", []):
        rows.append((f"{row['set']}: pipeline docs/s (1 core)", _f(row["pipeline_docs_per_s"]),
                     f"{row['docs']} pages"))
        rows.append((f"{row['set']}: trafilatura.extract docs/s", _f(row["trafilatura_docs_per_s"]),
                     "same pages, interleaved"))
        rows.append((f"{row['set']}: ratio pipeline / trafilatura", _f(row["ratio"], ".2f"), ""))
        rows.append((f"{row['set']}: pipeline --fast docs/s (1 core)", _f(row["pipeline_fast_docs_per_s"]),
                     "same pages, interleaved"))
        rows.append((f"{row['set']}: ratio pipeline --fast / trafilatura", _f(row["ratio_fast"], ".2f"), ""))
    if "text" in results:
        t = results["text"]
        rows.append((f"{t['set']}: pipeline docs/s (1 core)", _f(t["pipeline_docs_per_s"], ".0f"),
                     f"{t['docs']} pages, median of {len(t['passes'])} passes"))
        if t.get("vs_trafilatura"):
            v = t["vs_trafilatura"]
            rows.append((f"{t['set']}: docs/s ÷ trafilatura.extract's HTML pages/s", _f(v["ratio"], ".2f") + "x",
                         f"trafilatura: {v['trafilatura_html_pages_per_s']:.1f} pages/s over both HTML sets above; "
                         f"issue 6: {v['target_ratio']:.2f}x (300 where it does 36) = "
                         f"{v['target_docs_per_s']:.0f} docs/s here"))
            if v.get("paired_ratios"):
                after = t["trafilatura_after_passes"]
                rows.append((f"{t['set']}: each pass ÷ trafilatura's pages/s in the pass after it",
                             _f(v["paired_ratio_median"], ".2f") + "x",
                             "median of " + ", ".join(f"{r:.2f}" for r in v["paired_ratios"]) + "x (trafilatura: "
                             + ", ".join(f"{a:.1f}" for a in after) + " pages/s over both HTML sets)"))
    runs = results.get("runs", {})
    n = results.get("corpus", {}).get("docs")
    trials = runs.get("trials", {})

    def spread(key: str) -> str:
        times = trials.get(key, [])
        return f"best of {len(times)}: {', '.join(f'{t:.1f}' for t in times)} s; " if len(times) > 1 else ""

    for key, label in (("run_clean_1", "1 worker"), ("run_clean_2", "2 workers")):
        if key in runs:
            r = runs[key]
            rows.append((f"run_clean, {label}, {n} files: docs/s", _f(r["docs_per_s"]),
                         f"{spread(key)}{r['seconds']:.1f} s, {r['cores_busy']:.2f} cores busy, "
                         f"{1000 * r['cpu_seconds'] / r['inputs']:.0f} CPU ms/doc"))
    if "speedup_2_vs_1" in runs:
        rows.append(("2 workers vs 1: speed-up", _f(runs["speedup_2_vs_1"], ".2f") + "x", ""))
    for key, docs in (("run_clean_2", n), ("run_clean_2_big", results.get("big_corpus", {}).get("docs"))):
        if key in runs and "memory" in results["meta"].get("sections", SECTIONS):
            r = runs[key]
            rows.append((f"peak memory, run_clean 2 workers, {docs} files",
                         f"{r['peak_rss_mib']:.0f} MiB",
                         f"largest worker {_f(r['peak_worker_rss_mib'], '.0f')} MiB, "
                         f"tree sum {_f(r['peak_tree_rss_mib'], '.0f')} MiB"))
    if "prefect" in runs:
        p = runs["prefect"]
        rows.append((f"Prefect flow run (real server), 2 processes, {n} files: docs/s", _f(p["flow"]["docs_per_s"]),
                     f"{spread('flow')}{p['flow']['seconds']:.1f} s, "
                     f"{1000 * p['flow']['cpu_seconds'] / p['flow']['inputs']:.0f} CPU ms/doc; "
                     f"output identical: {p['same_output']}"))
        rows.append(("Prefect overhead vs run_clean 2 workers", f"{p['overhead'] * 100:+.0f} %",
                     f"best vs best; server start-up {p['server_startup_seconds']:.1f} s and "
                     f"import {p['flow']['import_seconds']:.1f} s not included"))
        if len(p.get("paired_overheads", [])) > 1:
            rows.append(("Prefect overhead, each flow run vs the run_clean just before it",
                         f"{p['paired_overhead_median'] * 100:+.0f} %",
                         "median of " + ", ".join(f"{x * 100:+.0f}" for x in p["paired_overheads"]) + " %"))
    widths = [max(len(r[i]) for r in rows) if rows else 0 for i in range(3)]
    head = ("measure", "value", "notes")
    widths = [max(w, len(h)) for w, h in zip(widths, head)]
    line = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]}".rstrip()  # noqa: E731
    meta = results["meta"]
    footer = (f"{meta['cpus']} CPUs; load average at start {meta['load_average_start'][0]:.2f}, "
              f"at end {meta.get('load_average_end', [float('nan')])[0]:.2f}; {_build_note(results)}"
              + _interpreter_note(meta.get("interpreter")))
    return "\n".join([line(head), line(tuple("-" * w for w in widths)), *map(line, rows), footer])


def _build_note(results: dict[str, Any]) -> str:
    """Which build of ``cleaners/`` the run measured, in this process and in its child processes."""
    build = results["meta"].get("build", {"kind": "?", "compiled": []})
    note = f"cleaners/ {build['kind']}" + (f" ({len(build['compiled'])} of {build['modules']} modules)"
                                           if build["compiled"] else "")
    children = {run["build"] for run in results.get("runs", {}).values() if isinstance(run, dict) and "build" in run}
    return note + (f"; child processes: {', '.join(sorted(children))}" if children - {build["kind"]} else "")


def _interpreter_note(found: dict[str, Any] | None) -> str:
    """The footer's words on :func:`interpreter`'s answer ("" for a run that did not record one).

    >>> _interpreter_note({"version": "3.11.2", "executable": "/usr/bin/python3.11", "libpython": "linked in"})
    '; Python 3.11.2 (/usr/bin/python3.11, libpython linked in)'
    """
    if not found:
        return ""
    libpython = f", libpython {found['libpython']}" if found.get("libpython") else ""
    return f"; Python {found['version']} ({found['executable']}{libpython})"


def _sections(value: str) -> list[str]:
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in SECTIONS + EXTRA_SECTIONS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown section {unknown or value!r}; choose from {','.join(SECTIONS + EXTRA_SECTIONS)}")
    return keys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clean-bench speed", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", type=_sections, default=list(SECTIONS),
                        help=f"comma-separated sections (default: {','.join(SECTIONS)}; also: "
                             f"{','.join(EXTRA_SECTIONS)})")
    parser.add_argument("--docs", type=int, default=1000, help="files for the runner and Prefect runs (default 1000)")
    parser.add_argument("--big", type=int, default=None, help="files for the second memory run (default 10 x --docs)")
    parser.add_argument("--pages", type=int, default=None, help="at most N pages per set for one_core/text (default all)")
    # seven: one text pass lasts a third of a second and the machine's speed moves from pass to pass
    # (session 20: 7.45-8.50x paired in one run of three), so the median of three moved by more than
    # the text target's margin between runs of the same build
    parser.add_argument("--passes", type=int, default=7, help="passes over the text set (default 7)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each runner configuration, interleaved; the fastest is reported (default 1)")
    parser.add_argument("--batch-size", type=int, default=100, help="documents per batch (default 100, as clean)")
    parser.add_argument("--bench-dir", default=None, help="bench data (default $CLEAN_BENCH_DIR or ../shared/bench)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the results as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_child"]:
        print(json.dumps(child_main(json.loads(argv[1]))))
        return 0
    args = build_parser().parse_args(argv)
    args.big = args.big or 10 * args.docs
    bench_dir = corpora.resolve_bench_dir(args.bench_dir)
    if not bench_dir.is_dir():
        print(f"bench data not found at {bench_dir}", file=sys.stderr)
        return 2
    results = measure(args, bench_dir)
    results["meta"]["sections"] = args.only
    if any(k in results for k in ("one_core", "text", "runs")):
        print(format_table(results))
    if results.get("breakdown"):
        print(format_breakdown(results["breakdown"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
