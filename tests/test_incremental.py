"""Incremental runs (flows.incremental): plan, manifest, crash safety, records_since, speed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from cleaners.pipeline import CleanConfig
from flows import incremental
from flows.cli import main
from flows.incremental import FileState, load_manifest, plan_run, records_since, run_incremental
from flows.runner import local_batches, pipeline_info

from .conftest import read_jsonl

ARTICLE = ("The city council approved the new budget on Tuesday after a long debate about schools, "
           "roads and the future of the public library in the old town centre. ") * 4
PIPELINE = {"version": "0.1.0", "config_fingerprint": "aaaa"}
DAY_NS = 86_400 * 10**9


def article(n: int, extra: str = "") -> str:
    return f"Budget story number {n}{extra}.\n\n{ARTICLE}\n"


def write(folder: Path, name: str, text: str, age_days: float | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if age_days is not None:  # an old file: its size + mtime may be trusted by the next run
        old = time.time_ns() - int(age_days * DAY_NS)
        os.utime(path, ns=(old, old))
    return path


def run(inbox: Path, out: Path, config: CleanConfig = CleanConfig(), **kwargs) -> dict:
    return run_incremental([str(inbox)], str(out), config, map_batches=local_batches(1), batch_size=2, **kwargs)


def entry(sha: str | None, kind: str = "article") -> dict:
    return {"run": "r1", "kind": kind, "sha256": sha, "id": "x", "line": 0, "size": 1, "mtime_ns": 1}


def state(sha: str | None) -> FileState:
    return FileState(1, 1, sha)


def run_dirs(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "runs").iterdir())


def normalised(out: Path) -> dict:
    """An output folder's state with run keys numbered and timings dropped: comparable across runs."""
    manifest = load_manifest(str(out))
    keys = {run["key"]: f"run{i}" for i, run in enumerate(manifest["runs"])}
    inputs = {p: {**e, "run": keys[e["run"]], "size": None, "mtime_ns": None} for p, e in manifest["inputs"].items()}
    runs = {}
    for key, name in keys.items():
        folder = out / "runs" / key
        report = json.loads((folder / "report.json").read_text())
        report["run"].pop("seconds"), report["run"].pop("docs_per_second")
        report["incremental"].update(run=name, orphans_removed=[], hashed=None)
        runs[name] = {"articles": (folder / "articles.jsonl").read_bytes(),
                      "rejected": (folder / "rejected.jsonl").read_bytes(), "report": report}
    return {"inputs": inputs, "runs": runs, "pipeline": manifest["pipeline"]}


# --- the plan: pure ----------------------------------------------------------------------------

def test_plan_classifies_new_changed_unchanged_and_deleted():
    manifest = {"pipeline": PIPELINE, "runs": [{"key": "r1"}], "inputs": {
        "same": entry("s1"), "edited": entry("e1"), "gone": entry("g1"),
        "back": entry("b1", "deleted"), "long-gone": entry("l1", "deleted"),
    }}
    files = {"edited": state("e2"), "fresh": state("f1"), "same": state("s1"), "back": state("b1")}
    plan = plan_run(manifest, files, PIPELINE)
    assert plan.new == ["fresh", "back"]  # a deleted input that reappears is new, even with the same bytes
    assert plan.changed == ["edited"]
    assert plan.unchanged == ["same"]
    assert plan.deleted == ["gone"]  # an input already recorded as deleted is not deleted again
    assert plan.todo == ["edited", "fresh", "back"] and not plan.reprocess_all


def test_plan_after_a_pipeline_or_config_change_reprocesses_everything():
    manifest = {"pipeline": PIPELINE, "runs": [{"key": "r1"}], "inputs": {"a": entry("a1"), "b": entry("b1")}}
    files = {"a": state("a1"), "b": state("b1")}
    assert plan_run(manifest, files, PIPELINE).todo == []
    for other in ({**PIPELINE, "config_fingerprint": "bbbb"}, {**PIPELINE, "version": "0.2.0"}):
        plan = plan_run(manifest, files, other)
        assert plan.reprocess_all and plan.todo == ["a", "b"] and plan.unchanged == ["a", "b"]


def test_first_plan_is_all_new():
    plan = plan_run(incremental.empty_manifest(), {"a": state("1"), "b": state(None)}, PIPELINE)
    assert plan.new == ["a", "b"] == plan.todo and not plan.reprocess_all


# --- runs end to end ---------------------------------------------------------------------------

def test_second_run_cleans_only_new_and_changed_and_records_deletions(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for name in ("keep", "edit", "drop"):
        write(inbox, f"{name}.txt", article(len(name)), age_days=1)
    write(inbox, "empty.txt", "", age_days=1)
    first = run(inbox, out)
    assert first["incremental"] | {"run": None, "orphans_removed": None} == {
        "run": None, "seen": 4, "new": 4, "changed": 0, "unchanged": 0, "deleted": 0, "cleaned": 4,
        "reprocess_all": False, "hashed": 4, "orphans_removed": None}
    key1 = first["incremental"]["run"]
    assert first["articles"] == 3 and first["rejected"] == 1

    write(inbox, "edit.txt", article(4, " (corrected)"))
    (inbox / "drop.txt").unlink()
    write(inbox, "sub/new.txt", article(7))
    second = run(inbox, out)
    inc = second["incremental"]
    assert (inc["new"], inc["changed"], inc["unchanged"], inc["deleted"], inc["cleaned"]) == (1, 1, 2, 1, 2)
    key2 = inc["run"]
    assert key2 > key1 and run_dirs(out) == [key1, key2]

    records = read_jsonl(out / "runs" / key2 / "articles.jsonl")
    assert sorted(Path(r["source"]["path"]).name for r in records) == ["edit.txt", "new.txt"]
    assert (out / "runs" / key2 / "rejected.jsonl").read_text() == ""
    manifest = load_manifest(str(out))
    assert [r["key"] for r in manifest["runs"]] == [key1, key2]
    assert manifest["pipeline"] == pipeline_info(CleanConfig())._asdict()
    by_name = {Path(p).name: e for p, e in manifest["inputs"].items()}
    assert {n: (e["run"] == key2, e["kind"]) for n, e in by_name.items()} == {
        "keep.txt": (False, "article"), "empty.txt": (False, "rejected"), "edit.txt": (True, "article"),
        "new.txt": (True, "article"), "drop.txt": (True, "deleted")}
    assert by_name["drop.txt"]["sha256"] and by_name["drop.txt"]["line"] is None
    assert by_name["edit.txt"]["sha256"] == records[0]["source"]["sha256"]
    assert by_name["edit.txt"]["id"] == records[0]["id"]
    # the first run's files were never rewritten
    assert len(read_jsonl(out / "runs" / key1 / "articles.jsonl")) == 3


def test_unchanged_run_writes_no_run_folder_and_hashes_nothing(tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for i in range(3):
        write(inbox, f"{i}.txt", article(i), age_days=1)
    run(inbox, out)
    before = (out / "manifest.json").read_bytes()
    hashed = []
    monkeypatch.setattr(incremental, "sha256_file", lambda p, *a: hashed.append(p))
    report = run(inbox, out)
    assert report["incremental"]["run"] is None and report["incremental"]["unchanged"] == 3
    assert hashed == [] and report["incremental"]["hashed"] == 0  # size + mtime pre-check
    assert len(run_dirs(out)) == 1 and (out / "manifest.json").read_bytes() == before


def test_touched_file_is_rehashed_but_not_recleaned(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    path = write(inbox, "a.txt", article(1), age_days=2)
    run(inbox, out)
    old = time.time_ns() - DAY_NS
    os.utime(path, ns=(old, old))  # new mtime, same bytes: the hash decides
    report = run(inbox, out)
    assert report["incremental"]["hashed"] == 1 and report["incremental"]["cleaned"] == 0
    assert report["incremental"]["run"] is None
    # the new mtime is remembered, so the run after that hashes nothing
    assert run(inbox, out)["incremental"]["hashed"] == 0


def test_a_file_rewritten_within_the_same_mtime_tick_is_still_seen(tmp_path):
    """Just-modified files are not trusted by size + mtime (they may change again in the same tick)."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    path = write(inbox, "a.txt", article(1))
    run(inbox, out)
    stat = path.stat()
    path.write_text(article(2), encoding="utf-8")  # same size, then the same mtime
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    report = run(inbox, out)
    assert report["incremental"]["changed"] == 1 and report["articles"] == 1


def test_configuration_change_reprocesses_everything(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for i in range(3):
        write(inbox, f"{i}.txt", article(i), age_days=1)
    run(inbox, out)
    german_only = CleanConfig()._replace(language=CleanConfig().language._replace(accept_languages=("de",)))
    report = run(inbox, out, german_only)
    inc = report["incremental"]
    assert inc["reprocess_all"] and inc["cleaned"] == 3 and inc["unchanged"] == 3 and inc["new"] == 0
    assert report["rejected_by_reason"] == {"foreign_language": 3}
    manifest = load_manifest(str(out))
    assert manifest["pipeline"] == pipeline_info(german_only)._asdict()
    assert {e["run"] for e in manifest["inputs"].values()} == {inc["run"]}
    assert run(inbox, out, german_only)["incremental"]["cleaned"] == 0


def test_missing_input_folder_fails_instead_of_deleting_everything(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    write(inbox, "a.txt", article(1))
    run(inbox, out)
    before = (out / "manifest.json").read_bytes()
    inbox.rename(tmp_path / "elsewhere")
    with pytest.raises(FileNotFoundError):
        run(inbox, out)
    assert (out / "manifest.json").read_bytes() == before


# --- file names that are not UTF-8 -------------------------------------------------------------

def write_bytes_name(folder: Path, name: bytes, text: str, age_days: float | None = None) -> str:
    """A file whose name is raw bytes (any a POSIX file system allows); returns its path as Python sees it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = os.fsencode(folder) + b"/" + name
    with open(path, "wb") as handle:
        handle.write(text.encode("utf-8"))
    if age_days is not None:
        old = time.time_ns() - int(age_days * DAY_NS)
        os.utime(path, ns=(old, old))
    return os.fsdecode(path)


def test_non_utf8_names_are_skipped_when_unchanged_recleaned_when_changed_and_deleted(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    keep = write_bytes_name(inbox, b"keep_\xe9.txt", article(1), age_days=1)
    edit = write_bytes_name(inbox, b"edit_\xff\xfe.txt", article(2), age_days=1)
    drop = write_bytes_name(inbox, b"drop_\xc3(.txt", article(3), age_days=1)  # a broken UTF-8 sequence
    first = run(inbox, out)
    assert first["articles"] == 3 and first["incremental"]["new"] == 3
    assert set(load_manifest(str(out))["inputs"]) == {keep, edit, drop}

    # nothing changed: nothing hashed (size + mtime trusted), nothing cleaned
    again = run(inbox, out)["incremental"]
    assert (again["unchanged"], again["cleaned"], again["hashed"], again["run"]) == (3, 0, 0, None)

    write_bytes_name(inbox, b"edit_\xff\xfe.txt", article(2, " (corrected)"))
    os.unlink(os.fsencode(drop))
    second = run(inbox, out)
    inc = second["incremental"]
    assert (inc["new"], inc["changed"], inc["unchanged"], inc["deleted"], inc["cleaned"]) == (0, 1, 1, 1, 1)
    [record] = read_jsonl(out / "runs" / inc["run"] / "articles.jsonl")
    assert record["source"]["path"] == str(inbox) + "/edit_\\xff\\xfe.txt"  # printable in the record
    assert record["source"]["sha256"] == incremental.sha256_file(edit)

    manifest = load_manifest(str(out))
    assert {p: (e["kind"], e["run"] == inc["run"]) for p, e in manifest["inputs"].items()} == {
        keep: ("article", False), edit: ("article", True), drop: ("deleted", True)}
    since = records_since(str(out), first["incremental"]["run"])
    assert [(c.path, c.kind) for c in since] == [(drop, "deleted"), (edit, "article")]
    assert since[1].record == record
    assert {c.path for c in records_since(str(out))} == {keep, edit, drop}
    # a name that comes back is new again, under its exact bytes
    write_bytes_name(inbox, b"drop_\xc3(.txt", article(3))
    assert run(inbox, out)["incremental"]["new"] == 1


def test_manifest_keys_are_valid_json_text_and_never_collide(tmp_path):
    """Byte 0xE9 and the four characters ``\xe9`` print the same in records, but are two inputs."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    raw = write_bytes_name(inbox, b"caf\xe9.txt", article(1))
    text = write(inbox, "caf\\xe9.txt", article(2))  # a backslash in a UTF-8 name
    plain = write(inbox, "café.txt", article(3))
    newline = write(inbox, "two\nlines.txt", article(4))
    report = run(inbox, out)
    assert report["articles"] == 4
    stored = json.loads((out / incremental.MANIFEST).read_bytes().decode("utf-8"))  # strict UTF-8
    folder = str(inbox)
    assert sorted(stored["inputs"]) == sorted([
        folder + "/caf\\xe9.txt", folder + "/caf\\\\xe9.txt", folder + "/café.txt", folder + "/two\nlines.txt"])
    assert set(load_manifest(str(out))["inputs"]) == {raw, str(text), str(plain), str(newline)}
    records = {c.path: c.record for c in records_since(str(out))}
    assert records[raw]["source"]["path"] == records[str(text)]["source"]["path"]  # the records' printable form
    assert records[raw]["text"] != records[str(text)]["text"]
    assert run(inbox, out)["incremental"]["unchanged"] == 4


def test_a_format_1_manifest_is_still_read_and_upgraded_by_the_next_run(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    a = write(inbox, "a.txt", article(1), age_days=1)
    slash = write(inbox, "back\\slash.txt", article(2), age_days=1)
    run(inbox, out)
    stored = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    # what format 1 wrote: the paths themselves as keys
    entries = stored["inputs"]
    old = {**stored, "format": 1,
           "inputs": {str(a): entries[str(a)], str(slash): entries[str(inbox) + "/back\\\\slash.txt"]}}
    (out / incremental.MANIFEST).write_text(json.dumps(old), encoding="utf-8")
    assert set(load_manifest(str(out))["inputs"]) == {str(a), str(slash)}
    assert run(inbox, out)["incremental"]["unchanged"] == 2  # nothing to save: left as it was
    write(inbox, "b.txt", article(3))
    assert run(inbox, out)["incremental"]["new"] == 1
    upgraded = json.loads((out / incremental.MANIFEST).read_text(encoding="utf-8"))
    assert upgraded["format"] == 2 and str(inbox) + "/back\\\\slash.txt" in upgraded["inputs"]
    assert set(load_manifest(str(out))["inputs"]) == {str(a), str(slash), str(inbox / "b.txt")}


def test_a_manifest_of_an_unknown_format_or_with_a_malformed_key_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for manifest, message in (({"format": 3, "runs": [], "inputs": {}}, "unsupported manifest format 3"),
                              ({"format": 2, "runs": [], "inputs": {"/in/lone\\backslash": {}}}, "not an escaped path")):
        (out / incremental.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            load_manifest(str(out))


# --- crashes -----------------------------------------------------------------------------------

@pytest.fixture()
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    for i in range(5):
        write(folder, f"{i}.txt", article(i), age_days=1)
    write(folder, "empty.txt", "", age_days=1)
    return folder


def test_crash_between_run_folder_and_manifest_then_rerun_equals_an_uninterrupted_run(tmp_path, inbox, monkeypatch):
    reference, out = tmp_path / "reference", tmp_path / "out"
    run(inbox, reference)

    def crash(*args):
        raise KeyboardInterrupt("killed before the manifest update")

    monkeypatch.setattr(incremental, "save_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        run(inbox, out)
    (orphan,) = run_dirs(out)  # the records were written and renamed into place...
    assert len(read_jsonl(out / "runs" / orphan / "articles.jsonl")) == 5
    assert not (out / "manifest.json").exists()  # ...but the manifest does not reference them
    assert records_since(str(out)) == []  # so readers see nothing

    monkeypatch.undo()
    report = run(inbox, out)
    assert report["incremental"]["orphans_removed"] == [orphan]
    assert report["incremental"]["cleaned"] == 6
    assert run_dirs(out) == [report["incremental"]["run"]]  # the orphan is gone: no duplicate anywhere
    assert normalised(out) == normalised(reference)
    changes = records_since(str(out))
    assert len(changes) == 6 == len({c.path for c in changes})


def test_crash_after_an_earlier_run_leaves_the_earlier_state_current(tmp_path, inbox, monkeypatch):
    out, reference = tmp_path / "out", tmp_path / "reference"
    run(inbox, out), run(inbox, reference)
    write(inbox, "late.txt", article(9))
    monkeypatch.setattr(incremental, "save_manifest", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        run(inbox, out)
    assert len(run_dirs(out)) == 2 and len(records_since(str(out))) == 6
    monkeypatch.undo()
    assert run(inbox, out)["incremental"]["orphans_removed"] and run(inbox, reference)
    assert normalised(out) == normalised(reference)


def test_crash_in_the_middle_of_the_batches_leaves_nothing_behind(tmp_path, inbox):
    out = tmp_path / "out"
    real = local_batches(1)

    def dies_after_one_batch(batches, config):
        iterator = real(batches, config)
        yield next(iterator)
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        run_incremental([str(inbox)], str(out), map_batches=dies_after_one_batch, batch_size=2)
    assert run_dirs(out) == [] and not (out / "manifest.json").exists()
    assert run(inbox, out)["incremental"]["cleaned"] == 6


def test_leftover_temporary_run_folders_are_removed(tmp_path, inbox):
    out = tmp_path / "out"
    first = run(inbox, out)["incremental"]["run"]
    (out / "runs" / ".tmp-20000101T000000.000000Z-abc").mkdir()
    (out / "runs" / ".tmp-20000101T000000.000000Z-abc" / "articles.jsonl").write_text("{}\n")
    report = run(inbox, out)
    assert report["incremental"]["orphans_removed"] == [".tmp-20000101T000000.000000Z-abc"]
    assert run_dirs(out) == [first]


# --- readers -----------------------------------------------------------------------------------

def test_records_since(tmp_path, inbox):
    out = tmp_path / "out"
    key1 = run(inbox, out)["incremental"]["run"]
    assert [Path(c.path).name for c in records_since(str(out))] == ["0.txt", "1.txt", "2.txt", "3.txt", "4.txt", "empty.txt"]
    assert records_since(str(out), key1) == []

    write(inbox, "1.txt", article(1, " with an update"))
    write(inbox, "new.txt", article(8))
    (inbox / "2.txt").unlink()
    key2 = run(inbox, out)["incremental"]["run"]
    write(inbox, "new.txt", article(8, " revised"))
    key3 = run(inbox, out)["incremental"]["run"]

    since1 = records_since(str(out), key1)
    assert [(Path(c.path).name, c.run, c.kind) for c in since1] == [
        ("1.txt", key2, "article"), ("2.txt", key2, "deleted"), ("new.txt", key3, "article")]
    assert since1[1].record is None
    sha = incremental.sha256_file
    assert since1[0].record["source"]["sha256"] == sha(str(inbox / "1.txt"))
    # the current record only, not the one from key2
    assert since1[2].record["source"]["sha256"] == sha(str(inbox / "new.txt"))
    assert [Path(c.path).name for c in records_since(str(out), key2)] == ["new.txt"]
    everything = records_since(str(out))
    assert len(everything) == 7 and {c.kind for c in everything} == {"article", "rejected", "deleted"}
    assert [c.record["reason"] for c in everything if c.kind == "rejected"] == ["empty_input"]


# --- the command -------------------------------------------------------------------------------

def test_clean_serve_once_runs_incrementally(tmp_path, inbox, capsys):
    out = tmp_path / "out"
    assert main(["serve", str(inbox), "--out", str(out), "--once", "--workers", "1"]) == 0
    assert "6 new" in capsys.readouterr().err
    assert main(["serve", str(inbox), "--out", str(out), "--once", "--quiet"]) == 0
    assert len(run_dirs(out)) == 1
    # paths are recorded absolute, so runs started from any folder agree
    assert all(os.path.isabs(p) for p in load_manifest(str(out))["inputs"])


def test_clean_serve_needs_a_schedule_and_a_server(tmp_path, inbox, monkeypatch, capsys):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for argv in (["serve", str(inbox)], ["serve", str(inbox), "--interval", "5"],
                 ["serve", str(tmp_path / "missing"), "--once"], ["serve", str(inbox), "--once", "--cron", "* * * * *"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert "prefect server start" in capsys.readouterr().err


# --- speed -------------------------------------------------------------------------------------

def test_a_run_over_1000_unchanged_files_takes_milliseconds(tmp_path, capsys):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    old = time.time_ns() - DAY_NS
    for i in range(1000):
        path = inbox / f"{i // 100:02d}" / f"note{i:04d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"Note {i}: the council met on Tuesday to discuss the budget for item {i}.\n")
        os.utime(path, ns=(old, old))
    first = run_incremental([str(inbox)], str(out), map_batches=local_batches(2), batch_size=100)
    assert first["inputs"] == 1000
    started = time.perf_counter()
    second = run_incremental([str(inbox)], str(out), map_batches=local_batches(2), batch_size=100)
    seconds = time.perf_counter() - started
    assert second["incremental"]["unchanged"] == 1000 and second["incremental"]["hashed"] == 0
    assert second["incremental"]["run"] is None
    # even with every file re-hashed (the pre-check distrusted), it stays fast
    for path in inbox.rglob("*.txt"):
        os.utime(path, ns=(old + 10**9, old + 10**9))
    started = time.perf_counter()
    third = run_incremental([str(inbox)], str(out), map_batches=local_batches(2), batch_size=100)
    rehash_seconds = time.perf_counter() - started
    assert third["incremental"]["hashed"] == 1000 and third["incremental"]["cleaned"] == 0
    with capsys.disabled():
        print(f"\n1,000 unchanged files: {seconds * 1000:.0f} ms (size+mtime pre-check), "
              f"{rehash_seconds * 1000:.0f} ms (all re-hashed); first run {first['run']['seconds']:.1f} s")
    assert seconds < 2 and rehash_seconds < 5


def test_incremental_logic_and_serve_once_do_not_import_prefect(tmp_path, inbox):
    import subprocess
    import sys

    code = ("import sys; from flows.cli import main; "
            f"main(['serve', {str(inbox)!r}, '--out', {str(tmp_path / 'out')!r}, '--once', '--quiet', '--workers', '1']); "
            "print('prefect' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "False"
    assert len(load_manifest(str(tmp_path / "out"))["inputs"]) == 6
