"""Incremental cleaning: only inputs new or changed since the last successful run.

Plain functions, no Prefect (the scheduled flow in :mod:`flows.prefect_flow` wraps
:func:`run_incremental`). The output folder grows without rewriting the past::

    OUT/manifest.json              what is current: the runs, in order, and per input path its record
    OUT/runs/<run_key>/articles.jsonl, rejected.jsonl, report.json    one folder per run, never rewritten

A run goes: lock ``OUT`` -> load the manifest -> remove orphan run folders (written by a
run that died before updating the manifest) -> :func:`scan` the inputs (size + mtime as a
pre-check, sha256 of the bytes decides) -> :func:`plan_run` (new / changed / unchanged /
deleted; everything when the pipeline version or config fingerprint changed) -> clean the
new and changed inputs into ``runs/.tmp-<key>-*`` -> rename it to ``runs/<key>`` ->
:func:`update_manifest` and write it atomically (temp file + ``os.replace``), last.
A crash anywhere before that last step leaves the manifest as it was: the next run
removes the orphan folder and redoes the work; readers never see its records.

Readers: :func:`records_since` (everything whose current record came from a run after X).

Paths: in memory (and in :func:`records_since`) an input is its path as the OS gives it,
which for a file name that is not UTF-8 holds lone surrogates (Python's surrogateescape);
records carry :func:`~flows.inputs.printable_path` of it. Manifest format 2 stores each
path as :func:`~flows.inputs.escape_path` of it, which is valid Unicode and converts back
exactly (usually the path itself; backslashes doubled, non-UTF-8 bytes ``\\xNN``).
Format 1 (before) stored the paths themselves, which could only be UTF-8: it is still read
(its keys taken as they are) and is written as format 2 by the next run that saves.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import stat
import shutil
import tempfile
import time
from typing import Any, Iterable, Iterator, NamedTuple

from cleaners.pipeline import CleanConfig

from .inputs import discover, escape_path, printable_path, unescape_path
from .runner import (
    ARTICLES, IN_PROCESS, REJECTED, REPORT, MapBatches, RunReport, fsync_dir, batched, local_batches, pipeline_info,
)

__all__ = [
    "MANIFEST", "RUNS", "FileState", "Plan", "Outcome", "Change",
    "empty_manifest", "load_manifest", "save_manifest", "scan", "plan_run", "new_run_key",
    "remove_orphans", "update_manifest", "run_incremental", "records_since", "report_rows", "report_title",
]

MANIFEST, RUNS, LOCK = "manifest.json", "runs", ".lock"
FORMAT = 2  # 2: input paths stored as escape_path(path); 1: the paths themselves (UTF-8 names only)
READABLE_FORMATS = (1, 2)
DELETED = "deleted"
# A file modified this close to the moment it was hashed may change again within the same
# mtime tick: its size + mtime are not remembered, so the next run hashes it again (as git does).
RACY_NS = 2_000_000_000
_KEY_FORMAT = "%Y%m%dT%H%M%S.%fZ"


class FileState(NamedTuple):
    """One input as seen by :func:`scan`. ``sha256`` is None when it could not be read."""

    size: int | None
    mtime_ns: int | None
    sha256: str | None
    stable: bool = True  # modified well before the scan: size + mtime may be trusted next time
    hashed: bool = True  # False when the size + mtime pre-check reused the manifest's hash


class Plan(NamedTuple):
    """What a run must do. ``todo``: the inputs to clean, in discovery order."""

    new: list[str]
    changed: list[str]
    unchanged: list[str]
    deleted: list[str]
    reprocess_all: bool
    todo: list[str]


class Outcome(NamedTuple):
    """Where an input's record went in this run: its file (kind) and 0-based line there."""

    kind: str  # "article" or "rejected"
    line: int
    id: str | None  # the article id; None for a rejected input
    sha256: str | None  # of the bytes actually cleaned (from the record)


class Change(NamedTuple):
    """One input's current state, as returned by :func:`records_since`."""

    path: str  # as the OS gives it (open() takes it); the record's source.path is printable_path(path)
    run: str
    kind: str  # "article", "rejected" or "deleted"
    record: dict[str, Any] | None  # the article / rejected record; None when deleted


def empty_manifest() -> dict[str, Any]:
    return {"format": FORMAT, "pipeline": None, "runs": [], "inputs": {}}


def load_manifest(out_dir: str) -> dict[str, Any]:
    """The manifest of ``out_dir`` (format 1 or 2), or an empty one before the first run.

    Returned in the current format, its ``inputs`` keyed by the paths as the OS gives them.
    """
    try:
        with open(os.path.join(out_dir, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        return empty_manifest()
    found = manifest.get("format")
    if found not in READABLE_FORMATS:
        raise ValueError(f"{out_dir}/{MANIFEST}: unsupported manifest format {found!r}")
    if found == 2:
        try:
            inputs = {unescape_path(key): entry for key, entry in manifest["inputs"].items()}
        except ValueError as exc:
            raise ValueError(f"{out_dir}/{MANIFEST}: {exc}") from None
    else:  # format 1 held the paths themselves
        inputs = dict(manifest["inputs"])
    return {**manifest, "format": FORMAT, "inputs": inputs}


def save_manifest(out_dir: str, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically: a temp file beside it, fsynced, then ``os.replace``."""
    stored = {**manifest, "format": FORMAT, "inputs": {escape_path(p): e for p, e in manifest["inputs"].items()}}
    fd, tmp = tempfile.mkstemp(prefix=f".{MANIFEST}.", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(stored, handle, ensure_ascii=False, indent=1, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(out_dir, MANIFEST))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(out_dir)


def sha256_file(path: str, chunk: int = 1 << 20) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def scan(paths: Iterable[str], manifest: dict[str, Any], now_ns: int | None = None) -> dict[str, FileState]:
    """Stat every input; hash it unless its size and mtime equal the manifest's (then reuse that hash).

    Files that vanish while scanning are left out (they count as deleted).
    """
    now_ns = time.time_ns() if now_ns is None else now_ns
    previous = manifest["inputs"]
    states: dict[str, FileState] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError:
            states[path] = FileState(None, None, None, stable=False)
            continue
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device: never open it here (the runner rejects it)
            states[path] = FileState(None, None, None, stable=False)
            continue
        stable = st.st_mtime_ns < now_ns - RACY_NS
        prior = previous.get(path)
        if (prior and prior["kind"] != DELETED and prior.get("size") is not None
                and (prior["size"], prior["mtime_ns"]) == (st.st_size, st.st_mtime_ns)):
            states[path] = FileState(st.st_size, st.st_mtime_ns, prior["sha256"], stable, hashed=False)
        else:
            states[path] = FileState(st.st_size, st.st_mtime_ns, sha256_file(path), stable)
    return states


def plan_run(manifest: dict[str, Any], files: dict[str, FileState], pipeline: dict[str, str]) -> Plan:
    """Compare the current files with the manifest: pure, no I/O.

    An input is *new* when the manifest has no current record for it (never seen, or
    deleted before), *changed* when its sha256 differs, *unchanged* otherwise; a manifest
    input absent from ``files`` is *deleted*. A different pipeline (version or config
    fingerprint) re-processes every input.
    """
    previous = manifest["inputs"]
    reprocess_all = manifest.get("pipeline") is not None and manifest["pipeline"] != pipeline
    new, changed, unchanged = [], [], []
    for path, state in files.items():
        prior = previous.get(path)
        if prior is None or prior["kind"] == DELETED:
            new.append(path)
        elif prior["sha256"] != state.sha256:
            changed.append(path)
        else:
            unchanged.append(path)
    deleted = [path for path, prior in previous.items() if prior["kind"] != DELETED and path not in files]
    todo_set = set(new) | set(changed) | (set(unchanged) if reprocess_all else set())
    todo = [path for path in files if path in todo_set]
    return Plan(new, changed, unchanged, deleted, reprocess_all, todo)


def new_run_key(manifest: dict[str, Any], now: _dt.datetime | None = None) -> str:
    """A UTC timestamp key, fixed width so text order is time order; always after the last run's.

    >>> new_run_key({"runs": []}, _dt.datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=_dt.timezone.utc))
    '20250102T030405.000006Z'
    >>> new_run_key({"runs": [{"key": "20250102T030405.000006Z"}]}, _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc))
    '20250102T030405.000007Z'
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    key = now.astimezone(_dt.timezone.utc).strftime(_KEY_FORMAT)
    if manifest["runs"] and key <= manifest["runs"][-1]["key"]:
        last = _dt.datetime.strptime(manifest["runs"][-1]["key"], _KEY_FORMAT)
        key = (last + _dt.timedelta(microseconds=1)).strftime(_KEY_FORMAT)
    return key


def remove_orphans(out_dir: str, manifest: dict[str, Any]) -> list[str]:
    """Delete run folders the manifest does not list (a run that died before its manifest update)."""
    runs_dir = os.path.join(out_dir, RUNS)
    known = {run["key"] for run in manifest["runs"]}
    removed = []
    for name in sorted(os.listdir(runs_dir)) if os.path.isdir(runs_dir) else []:
        if name not in known:
            shutil.rmtree(os.path.join(runs_dir, name), ignore_errors=True)
            removed.append(name)
    return removed


def _entry(run: str, outcome: Outcome, state: FileState) -> dict[str, Any]:
    # Remember size + mtime only when they describe exactly the bytes that were cleaned.
    trusted = state.stable and outcome.sha256 is not None and outcome.sha256 == state.sha256
    return {
        "run": run, "kind": outcome.kind, "sha256": outcome.sha256, "id": outcome.id, "line": outcome.line,
        "size": state.size if trusted else None, "mtime_ns": state.mtime_ns if trusted else None,
    }


def update_manifest(
    manifest: dict[str, Any],
    plan: Plan,
    files: dict[str, FileState],
    pipeline: dict[str, str],
    run: dict[str, Any] | None,
    outcomes: dict[str, Outcome],
) -> dict[str, Any]:
    """The manifest after a run (pure: returns a new dict). ``run`` is None when nothing was written."""
    inputs = dict(manifest["inputs"])
    for path in plan.unchanged:
        if path in outcomes:
            continue
        prior, state = inputs[path], files[path]
        trusted = state.stable and state.sha256 == prior["sha256"] and state.sha256 is not None
        inputs[path] = {**prior, "size": state.size if trusted else None, "mtime_ns": state.mtime_ns if trusted else None}
    if run is not None:
        for path, outcome in outcomes.items():
            inputs[path] = _entry(run["key"], outcome, files[path])
        for path in plan.deleted:
            inputs[path] = {"run": run["key"], "kind": DELETED, "sha256": inputs[path]["sha256"], "id": None,
                            "line": None, "size": None, "mtime_ns": None}
    return {
        "format": FORMAT,
        "pipeline": pipeline if run is not None or manifest.get("pipeline") is None else manifest["pipeline"],
        "runs": [*manifest["runs"], run] if run is not None else list(manifest["runs"]),
        "inputs": dict(sorted(inputs.items())),
    }


@contextlib.contextmanager
def _locked(out_dir: str) -> Iterator[None]:
    """One run at a time per output folder (released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(os.path.join(out_dir, LOCK), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_run(
    out_dir: str, key: str, todo: list[str], config: CleanConfig, runner: MapBatches,
    batch_size: int, report: RunReport,
) -> tuple[str, dict[str, Outcome]]:
    """Clean ``todo`` into a new ``runs/.tmp-<key>-*`` folder; return it and where each record went."""
    runs_dir = os.path.join(out_dir, RUNS)
    tmp = tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=runs_dir)
    outcomes: dict[str, Outcome] = {}
    counts = {"article": 0, "rejected": 0}
    try:
        with open(os.path.join(tmp, ARTICLES), "w", encoding="utf-8", newline="\n") as articles, \
                open(os.path.join(tmp, REJECTED), "w", encoding="utf-8", newline="\n") as rejected:
            handles = {"article": articles, "rejected": rejected}
            paths = iter(todo)
            for result in runner(list(batched(todo, max(1, batch_size))), config):
                for kind, line in result.lines:
                    path = next(paths)
                    record = json.loads(line)
                    if record["source"]["path"] != printable_path(path):
                        raise RuntimeError(f"batch results out of order: {record['source']['path']} != "
                                           f"{printable_path(path)}")
                    handles[kind].write(line + "\n")
                    outcomes[path] = Outcome(kind, counts[kind], record.get("id"), record["source"]["sha256"])
                    counts[kind] += 1
                report.add(result)
            if len(outcomes) != len(todo):
                raise RuntimeError(f"{len(todo) - len(outcomes)} inputs produced no record")
            for handle in handles.values():
                handle.flush()
                os.fsync(handle.fileno())
        return tmp, outcomes
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _finish_run_dir(out_dir: str, tmp: str, key: str, report: dict[str, Any]) -> None:
    """Add the report, then give the folder its final name ``runs/<key>``."""
    runs_dir = os.path.join(out_dir, RUNS)
    with open(os.path.join(tmp, REPORT), "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    for name in os.listdir(tmp):
        os.chmod(os.path.join(tmp, name), 0o644)
    os.chmod(tmp, 0o755)
    os.rename(tmp, os.path.join(runs_dir, key))
    fsync_dir(runs_dir)


def run_incremental(
    paths: Iterable[str],
    out_dir: str,
    config: CleanConfig = CleanConfig(),
    map_batches: MapBatches | None = None,
    batch_size: int = 100,
    workers: int | None = None,
    mode: str = IN_PROCESS,
) -> dict[str, Any]:
    """One incremental run over ``paths`` into ``out_dir``; returns its report (also in the run folder).

    Raises FileNotFoundError when an input path is missing (rather than marking everything
    under it deleted), and leaves the manifest untouched on any failure.
    """
    started = time.perf_counter()
    paths = list(paths)
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise FileNotFoundError(f"input path(s) not found: {', '.join(map(printable_path, missing))}")
    os.makedirs(os.path.join(out_dir, RUNS), exist_ok=True)
    pipeline = pipeline_info(config)._asdict()
    with _locked(out_dir):
        manifest = load_manifest(out_dir)
        orphans = remove_orphans(out_dir, manifest)
        files = scan(discover(paths), manifest)
        plan = plan_run(manifest, files, pipeline)
        report = RunReport(mode=mode, pipeline=pipeline)
        summary = {
            "run": None, "seen": len(files), "new": len(plan.new), "changed": len(plan.changed),
            "unchanged": len(plan.unchanged), "deleted": len(plan.deleted), "cleaned": len(plan.todo),
            "reprocess_all": plan.reprocess_all, "hashed": sum(s.hashed for s in files.values()),
            "orphans_removed": orphans,
        }
        if not plan.todo and not plan.deleted:
            updated = update_manifest(manifest, plan, files, pipeline, None, {})
            if updated != manifest:  # remembered sizes / mtimes changed: worth saving
                save_manifest(out_dir, updated)
            report.seconds = time.perf_counter() - started
            return {**report.to_dict(), "incremental": summary}
        key = new_run_key(manifest)
        summary["run"] = key
        runner = map_batches or local_batches(workers or os.cpu_count() or 1)
        tmp, outcomes = _write_run(out_dir, key, plan.todo, config, runner, batch_size, report)
        report.seconds = time.perf_counter() - started
        result = {**report.to_dict(), "incremental": summary}
        _finish_run_dir(out_dir, tmp, key, result)
        run = {"key": key, "pipeline": pipeline, **{k: summary[k] for k in ("new", "changed", "deleted", "cleaned")},
               "articles": report.articles, "rejected": report.rejected}
        save_manifest(out_dir, update_manifest(manifest, plan, files, pipeline, run, outcomes))
        return result


def _read_lines(path: str, wanted: set[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number in wanted:
                found[number] = json.loads(line)
                if len(found) == len(wanted):
                    break
    return found


def records_since(out_dir: str, run_key: str | None = None) -> list[Change]:
    """Every input whose current state came from a run after ``run_key`` (all of them when None).

    Ordered by run, then path. ``path`` is the input's path as the OS gives it (the
    record's ``source.path`` is its printable form). Only what the manifest references is returned, so records
    of a run that died before updating the manifest are never seen. An input cleaned in
    run X and changed again in run Y appears once, with its run-Y record.
    """
    manifest = load_manifest(out_dir)
    entries = sorted(
        (entry["run"], path, entry) for path, entry in manifest["inputs"].items()
        if run_key is None or entry["run"] > run_key
    )
    wanted: dict[tuple[str, str], set[int]] = {}
    for run, _, entry in entries:
        if entry["kind"] != DELETED:
            wanted.setdefault((run, entry["kind"]), set()).add(entry["line"])
    files = {"article": ARTICLES, "rejected": REJECTED}
    loaded = {
        (run, kind): _read_lines(os.path.join(out_dir, RUNS, run, files[kind]), lines)
        for (run, kind), lines in wanted.items()
    }
    changes = []
    for run, path, entry in entries:
        record = None if entry["kind"] == DELETED else loaded[(run, entry["kind"])][entry["line"]]
        if record is not None and record["source"]["path"] != printable_path(path):
            raise ValueError(f"manifest and {run}/{files[entry['kind']]} disagree about {escape_path(path)}")
        changes.append(Change(path, run, entry["kind"], record))
    return changes


def report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The run report as table rows (what / count) for the Prefect UI's table artifact."""
    inc = report["incremental"]
    rows = [{"what": f"inputs {k}", "count": inc[k]} for k in ("seen", "new", "changed", "unchanged", "deleted", "cleaned")]
    rows += [{"what": k, "count": report[k]} for k in ("articles", "rejected")]
    rows += [{"what": f"removed fragments: {r}", "count": n} for r, n in report["removed_by_reason"].items()]
    rows += [{"what": f"rejected inputs: {r}", "count": n} for r, n in report["rejected_by_reason"].items()]
    return rows


def report_title(report: dict[str, Any], out_dir: str) -> str:
    """One line saying which run this was (for the artifact's description and logs)."""
    inc = report["incremental"]
    what = f"run `{inc['run']}`" if inc["run"] else "nothing new or deleted: no run folder written"
    again = " (pipeline or config changed: everything re-processed)" if inc["reprocess_all"] else ""
    return f"clean-incremental into `{out_dir}`: {what}{again}, {report['run']['seconds']:.2f} s"
