"""Hostile input and crashes: nothing lost, nothing crashes, nothing escapes.

A hostile corpus is generated at test time (no binaries committed) and run through the
whole ``clean`` command, in-process and as the ``clean`` console script: every input ends
as exactly one article or one rejected record with the expected reason, every record
validates, and the run finishes in bounded time. Then: the per-document time budget,
worker crashes, memory on a 200 MB file, output paths, and no network access.
"""

from __future__ import annotations

import codecs
import faulthandler
import gzip
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
import uuid
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest

import flows.runner as runner
from cleaners.pipeline import CleanConfig, clean_document
from cleaners.record import load_schema
from cleaners.types import Article, Reason, RejectedInput
from flows.cli import main
from flows.inputs import read_input

ARTICLE_SCHEMA = jsonschema.Draft202012Validator(load_schema("article"))
REJECTED_SCHEMA = jsonschema.Draft202012Validator(load_schema("rejected"))
CLEAN = Path(sys.executable).with_name("clean")

EN = ("The city council approved the new budget on Tuesday after a long debate about schools, roads "
      "and the future of the public library in the old town centre. ") * 4
FR = "Le café était très bon à Noël, déjà vu dans la forêt près de la rivière. " * 6
CAFE = ("The new café near the old town centre opened on Tuesday, and the owners said the crème brûlée "
        "was already the most popular dish on the menu. ") * 2
CRITICS = ("Critics praised the naïve charm of the décor and the résumé of the chef, who trained in Zürich "
           "before moving to the city last year. ") * 2
ARTICLE = "article"
MIB = 1024 * 1024


def _html(body: str, head: str = "<title>Budget</title>") -> str:
    return f"<html><head>{head}</head><body><article><h1>Budget passes</h1>{body}</article></body></html>"


def _billion_laughs(extra: str = "") -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (f'<?xml version="1.0"?><!DOCTYPE html [{"".join(entities)}]>'
            f"<html><body><article><p>&lol9;</p>{extra}</article></body></html>").encode()


def _gzip_bomb(expanded: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * MIB
    return b"".join([*(packer.compress(chunk) for _ in range(expanded // MIB)), packer.flush()])


def _regular_files() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, expected outcome: "article" or a rejection reason)."""
    r = Reason
    limit = CleanConfig().decode.max_decompressed_bytes
    return {
        "plain.txt": (EN.encode(), ARTICLE),
        "page.html": (_html(f"<p>{EN}</p>").encode(), ARTICLE),
        "empty.txt": (b"", r.EMPTY_INPUT.value),
        "whitespace.html": (b" \n\t\r\n ", r.EMPTY_INPUT.value),
        "png_named.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, r.BINARY_INPUT.value),
        "jpeg_named.html": (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 8, r.BINARY_INPUT.value),
        "pdf_named.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", r.BINARY_INPUT.value),
        "report.pdf": (b"%PDF-1.7\n1 0 obj << >> endobj\n", r.UNSUPPORTED_FORMAT.value),
        "program.exe": (b"MZ\x90\x00" + bytes(512), r.UNSUPPORTED_FORMAT.value),
        "elf_named.txt": (b"\x7fELF\x02\x01\x01\x00" + bytes(1000), r.BINARY_INPUT.value),
        "zip_named.html": (b"PK\x03\x04" + bytes(range(256)), r.BINARY_INPUT.value),
        "notes.md": (b"# Notes\n" + EN.encode(), r.UNSUPPORTED_FORMAT.value),
        "random_bytes.txt": (random.Random(7).randbytes(4096), r.UNDECODABLE.value),
        "high_bytes.txt": (bytes(range(128, 256)) * 50, r.UNDECODABLE.value),
        "all_nul.txt": (b"\x00" * 10000, r.BINARY_INPUT.value),
        "nul_sprinkled.txt": (EN.encode().replace(b". ", b".\x00 ", 3).replace(b"council", b"coun\x00cil"), ARTICLE),
        "latin1.txt": (FR.encode("latin-1"), ARTICLE),
        "mixed_encodings.txt": (CAFE.encode("utf-8") + b"\n" + CRITICS.encode("latin-1"), ARTICLE),
        "utf8_bom.txt": (codecs.BOM_UTF8 + EN.encode(), ARTICLE),
        "utf16le_bom.txt": (codecs.BOM_UTF16_LE + EN.encode("utf-16-le"), ARTICLE),
        "utf16be_bom.txt": (codecs.BOM_UTF16_BE + EN.encode("utf-16-be"), ARTICLE),
        "utf16le_no_bom.txt": (EN.encode("utf-16-le"), ARTICLE),
        "utf16be_no_bom.txt": (EN.encode("utf-16-be"), ARTICLE),
        "utf32le_bom.txt": (codecs.BOM_UTF32_LE + EN.encode("utf-32-le"), ARTICLE),
        "utf32be_bom.txt": (codecs.BOM_UTF32_BE + EN.encode("utf-32-be"), ARTICLE),
        "utf32le_no_bom.txt": (EN.encode("utf-32-le"), ARTICLE),
        "utf32be_no_bom.txt": (EN.encode("utf-32-be"), ARTICLE),
        "utf16_bom.html": (_html(f"<p>{EN}</p>").encode("utf-16"), ARTICLE),
        "line_50mb.txt": (b"word " * (10 * MIB), r.TOO_LARGE.value),  # one 50 MiB line: over the block limit
        "deep_100k.html": (b"<html><body>" + b"<div>" * 100_000 + EN.encode() + b"</div>" * 100_000
                           + b"</body></html>", r.NO_TEXT.value),
        "deep_unclosed.html": (b"<html><body>" + b"<div><span>" * 50_000 + EN.encode(), r.NO_TEXT.value),
        "angle_brackets.html": (b"<" * 100_000, r.NO_TEXT.value),
        "bomb.html.gz": (_gzip_bomb(limit + MIB), r.TOO_LARGE.value),
        "corrupt.txt.gz": (gzip.compress(EN.encode(), mtime=0)[:-30], r.UNDECODABLE.value),
        "billion_laughs.html": (_billion_laughs(), ARTICLE),  # its text: the literal "&lol9;"
        "billion_laughs_article.html": (_billion_laughs(f"<p>{EN}</p>"), ARTICLE),
        "xxe.html": (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                     f"<html><body><article><p>{EN} &xxe;</p></article></body></html>".encode(), ARTICLE),
        "unterminated_tags.html": (f"<html><body><article><p>{EN}<p>more <b>bold <i>{EN}<div".encode(), ARTICLE),
        "unterminated_comment.html": (f"<html><body><p>{EN}</p><!-- never closed <p>{EN}".encode(), ARTICLE),
        "folder.txt/inside.txt": (EN.encode(), ARTICLE),  # a folder named like a file is walked
    }


# name -> expected reason; each is made by _make_special
SPECIAL = {
    "fifo.txt": Reason.UNREADABLE.value,
    "dev_zero.txt": Reason.UNREADABLE.value,
    "link_loop.txt": Reason.UNREADABLE.value,
    "broken_link.txt": Reason.UNREADABLE.value,
    "folder_link_loop": Reason.UNREADABLE.value,
    "good_link.txt": ARTICLE,
    "huge_200mb.txt": Reason.TOO_LARGE.value,
    "name_not_utf8_\\xff.txt": ARTICLE,  # the file name's byte 0xFF, escaped in the record
    "name_with\nnewline.txt": ARTICLE,
}


def _write_bytes_name(path: bytes, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _make_special(folder: Path) -> None:
    os.mkfifo(folder / "fifo.txt")
    os.symlink("/dev/zero", folder / "dev_zero.txt")
    os.symlink("link_loop.txt", folder / "link_loop.txt")
    os.symlink("no_such_target.txt", folder / "broken_link.txt")
    os.symlink(".", folder / "folder_link_loop")
    os.symlink("plain.txt", folder / "good_link.txt")
    with open(folder / "huge_200mb.txt", "wb") as handle:  # sparse: 200 MB of size, no disk
        handle.truncate(200 * 1000 * 1000)
    _write_bytes_name(os.fsencode(folder) + b"/name_not_utf8_\xff.txt", EN.encode())
    (folder / "name_with\nnewline.txt").write_bytes(EN.encode())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The corpus folder and, per path relative to it, the expected outcome."""
    folder = tmp_path_factory.mktemp("hostile") / "in"
    expected: dict[str, str] = {}
    for name, (data, outcome) in _regular_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        expected[name] = outcome
    _make_special(folder)
    expected.update(SPECIAL)
    return folder, expected


def _bad_chars(text: str) -> list[str]:
    return sorted({c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cs")})


def _check_run(out: Path, root: Path, expected: dict[str, str]) -> dict[str, dict]:
    """Every input exactly once, with its expected outcome; every record valid; nothing else in ``out``."""
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl", "rejected.jsonl", "report.json"]
    records: dict[str, dict] = {}
    seen: Counter[str] = Counter()
    outcomes = {}
    for name, validator in (("articles.jsonl", ARTICLE_SCHEMA), ("rejected.jsonl", REJECTED_SCHEMA)):
        raw = (out / name).read_bytes()
        assert raw == b"" or raw.endswith(b"\n")
        for line in raw.decode("utf-8").splitlines():
            record = json.loads(line)
            validator.validate(record)
            key = os.path.relpath(record["source"]["path"], root)
            seen[key] += 1
            records[key] = record
            outcomes[key] = ARTICLE if name == "articles.jsonl" else record["reason"]
            if name == "articles.jsonl":
                assert _bad_chars(record["text"]) == []
            else:
                assert record["detail"].strip()
    assert [k for k, n in seen.items() if n > 1] == [], "an input appears more than once"
    assert outcomes == expected
    report = json.loads((out / "report.json").read_text())
    assert report["inputs"] == len(expected) == report["articles"] + report["rejected"]
    assert report["rejected_by_reason"] == dict(Counter(v for v in expected.values() if v != ARTICLE))
    return records


def _mutating_inputs(folder: Path) -> dict[str, str]:
    """Files that exist when discovered and change before they are read (see _discover_then_mutate)."""
    folder.mkdir(parents=True)
    for name in ("vanishes.txt", "becomes_folder.txt", "becomes_fifo.txt"):
        (folder / name).write_text(EN, encoding="utf-8")
    return {name: Reason.UNREADABLE.value for name in ("vanishes.txt", "becomes_folder.txt", "becomes_fifo.txt")}


def _discover_then_mutate(folder: Path):
    real = runner.discover

    def discover(paths):
        found = list(real(paths))
        (folder / "vanishes.txt").unlink()
        (folder / "becomes_folder.txt").unlink()
        (folder / "becomes_folder.txt").mkdir()
        (folder / "becomes_fifo.txt").unlink()
        os.mkfifo(folder / "becomes_fifo.txt")
        return iter(found)

    return discover


def test_hostile_corpus_in_process(hostile, tmp_path, monkeypatch):
    folder, expected = hostile
    mutating = tmp_path / "mutating"
    expected = dict(expected)
    expected.update({os.path.relpath(mutating / k, folder): v for k, v in _mutating_inputs(mutating).items()})
    expected[os.path.relpath(tmp_path / "missing.txt", folder)] = Reason.UNREADABLE.value
    monkeypatch.setattr(runner, "discover", _discover_then_mutate(mutating))
    out = tmp_path / "out"
    started = time.monotonic()
    assert main([str(folder), str(mutating), str(tmp_path / "missing.txt"), "--out", str(out), "--quiet",
                 "--workers", "2", "--batch-size", "4"]) == 0
    seconds = time.monotonic() - started
    records = _check_run(out, folder, expected)
    assert seconds < 120, f"the hostile corpus took {seconds:.0f} s"
    _check_details(records)


def _check_details(records: dict[str, dict]) -> None:
    texts = {k: r.get("text", "") for k, r in records.items()}
    assert "root:" not in texts["xxe.html"]  # the external entity is not resolved
    assert "lollol" not in texts["billion_laughs_article.html"] and texts["billion_laughs.html"] == "&lol9;"
    assert "\x00" not in texts["nul_sprinkled.txt"] and "The city" in texts["nul_sprinkled.txt"]
    assert "Critics praised the naïve charm" in texts["mixed_encodings.txt"]  # both halves: test_mixed_utf8_and_latin1_both_decode
    for name, charset in [("utf16le_bom.txt", "utf-16-le"), ("utf16be_bom.txt", "utf-16-be"),
                          ("utf16le_no_bom.txt", "utf-16-le"), ("utf16be_no_bom.txt", "utf-16-be"),
                          ("utf32le_bom.txt", "utf-32-le"), ("utf32be_bom.txt", "utf-32-be"),
                          ("utf32le_no_bom.txt", "utf-32-le"), ("utf32be_no_bom.txt", "utf-32-be"),
                          ("utf8_bom.txt", "utf-8")]:
        assert records[name]["encoding"]["charset"] == charset, name
        assert records[name]["text"] == records["plain.txt"]["text"], name
    details = {k: r["detail"] for k, r in records.items() if "detail" in r}
    assert "200000000 bytes" in details["huge_200mb.txt"]
    assert "symbolic link loop" in details["link_loop.txt"]
    assert "broken symbolic link" in details["broken_link.txt"]
    assert "named pipe" in details["fifo.txt"] and "character device" in details["dev_zero.txt"]
    assert "link to a folder" in details["folder_link_loop"]
    assert "decompresses past the limit" in details["bomb.html.gz"]


def test_hostile_corpus_via_console_script(hostile, tmp_path):
    folder, expected = hostile
    expected = {**expected, os.path.relpath(tmp_path / "missing.txt", folder): Reason.UNREADABLE.value}
    out = tmp_path / "out"
    started = time.monotonic()
    proc = subprocess.run([str(CLEAN), str(folder), str(tmp_path / "missing.txt"), "--out", str(out), "--quiet",
                           "--workers", "2", "--batch-size", "5"], capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-2000:]
    _check_run(out, folder, expected)
    assert seconds < 120


def test_xxe_and_billion_laughs_do_not_expand():
    page = f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><article><p>{EN} &xxe;</p></article></body></html>'
    result = clean_document(page.encode(), "xxe.html")
    assert isinstance(result, Article) and "root:" not in result.text
    result = clean_document(_billion_laughs(f"<p>{EN}</p>"), "lol.html")
    assert isinstance(result, Article) and "lollol" not in result.text
    result = clean_document(_billion_laughs(), "lol.html")
    assert isinstance(result, Article) and result.text == "&lol9;"  # the reference, not expanded


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_permissions(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(EN)
    path.chmod(0)
    rejected = read_input(str(path), 1000)
    assert isinstance(rejected, RejectedInput) and rejected.detail == "permission denied"


# --- size limits ---------------------------------------------------------------


def test_200mb_file_is_refused_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.seek(200 * MIB - 5)
        handle.write(b"tail\n")
    tracemalloc.start()
    try:
        result = read_input(str(path), CleanConfig().max_input_bytes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, RejectedInput) and result.reason is Reason.TOO_LARGE
    assert peak < MIB, f"peak {peak} bytes allocated to refuse a 200 MB file"


def test_small_file_does_not_allocate_the_limit(tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes(b"x" * 1000)
    tracemalloc.start()
    try:
        assert read_input(str(path), 64 * MIB) == b"x" * 1000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000


def test_max_bytes_flag_applies(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(EN)
    out = tmp_path / "out"
    assert main([str(tmp_path / "in"), "--out", str(out), "--quiet", "--workers", "1", "--max-bytes", "100"]) == 0
    [record] = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert record["reason"] == "too_large" and "limit of 100" in record["detail"]


# --- the per-document time budget ------------------------------------------------------


def _slow_for(names: set[str], how: str = "spin"):
    """clean_document, except that documents named in ``names`` never finish."""
    real = clean_document

    def slow(data, path, config=CleanConfig(), url=None):
        if os.path.basename(path) in names:
            if how == "sleep":
                time.sleep(600)
            elif how == "blocked":  # the timer cannot reach it: only the hard deadline can
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
                time.sleep(600)
            elif how == "segfault":
                faulthandler.disable()  # no traceback on stderr for this deliberate crash
                os.kill(os.getpid(), signal.SIGSEGV)
            else:
                while True:
                    pass
        return real(data, path, config, url)

    return slow


def _docs(folder: Path, names: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / name).write_text(f"Item {i}. " + EN, encoding="utf-8")
    return [str(folder / name) for name in names]


def _kinds(result: runner.BatchResult) -> list[tuple[str, str]]:
    out = []
    for kind, line in result.lines:
        record = json.loads(line)
        out.append((os.path.basename(record["source"]["path"]), record.get("reason", kind)))
    return out


def test_timeout_rejects_the_document_and_the_batch_goes_on(tmp_path, monkeypatch):
    paths = _docs(tmp_path, ["a.txt", "slow.txt", "b.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"slow.txt"}))
    started = time.monotonic()
    result = runner.clean_batch(paths, CleanConfig(max_seconds_per_document=0.5))
    assert time.monotonic() - started < 10
    assert _kinds(result) == [("a.txt", "article"), ("slow.txt", "timeout"), ("b.txt", "article")]
    record = json.loads(result.lines[1][1])
    REJECTED_SCHEMA.validate(record)
    assert record["source"]["sha256"] and "budget of 0.5 s" in record["detail"]
    assert result.rejected == {"timeout": 1}
    # the timer and handler are put back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_timeout_on_a_real_slow_document():
    """No monkeypatching: a large document with a 1 ms budget."""
    document = ("\n".join(f"Paragraph {i}. " + EN for i in range(300))).encode()
    result = runner.clean_with_budget(document, "big.txt", CleanConfig(max_seconds_per_document=0.001))
    assert isinstance(result, RejectedInput) and result.reason is Reason.TIMEOUT
    assert isinstance(runner.clean_with_budget(document[:2000], "small.txt", CleanConfig()), Article)


def test_timeout_holds_when_a_garbage_collector_callback_swallows_the_alarm(monkeypatch):
    """Dask workers install a Python garbage-collector callback (distributed's GC diagnosis),
    and forked batch children inherit it. An alarm that arrives during a collection is handled
    inside that callback, where the raised exception is swallowed as "unraisable": with a one-shot
    timer the document then ran unbounded and ended as an article (the intermittent Dask budget
    failure). The timer repeats until the document is interrupted. Without the repeat, about one
    in four of these allocation-heavy documents escaped its budget."""
    import gc

    def allocating(data, path, config=CleanConfig(), url=None):
        started = time.monotonic()
        while time.monotonic() - started < 2:  # far past the budget: only the alarm stops it
            garbage = [[i] for i in range(2000)]  # many young collections, hence callbacks
            del garbage
        return "ran to the end"

    def callback(phase, info):  # as distributed's: returns early for young generations
        if info["generation"] != 2:
            return

    swallowed = []
    monkeypatch.setattr(runner, "clean_document", allocating)
    monkeypatch.setattr(sys, "unraisablehook", swallowed.append)  # as a worker's stderr would get it
    gc.callbacks.append(callback)  # the collector's own list: not an attribute to monkeypatch
    try:
        results = [runner.clean_with_budget(b"x", "a.txt", CleanConfig(max_seconds_per_document=0.003))
                   for _ in range(40)]
    finally:
        gc.callbacks.remove(callback)
    assert [r.reason for r in results if isinstance(r, RejectedInput)] == [Reason.TIMEOUT] * 40
    assert swallowed == []  # an alarm inside the callback waits for its repeat: nothing raised there
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_timeout_in_the_process_pool(tmp_path, monkeypatch):
    paths = _docs(tmp_path / "in", ["a.txt", "slow.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"slow.txt"}, how="sleep"))
    out = tmp_path / "out"
    started = time.monotonic()
    report = runner.run_clean([str(tmp_path / "in")], str(out), CleanConfig(max_seconds_per_document=0.5),
                              map_batches=runner.local_batches(2), batch_size=3)
    assert time.monotonic() - started < 20
    assert report.articles == 5 and dict(report.rejected_by_reason) == {"timeout": 1}
    assert [json.loads(line)["source"]["path"] for line in (out / "articles.jsonl").read_text().splitlines()] \
        == [p for p in paths if not p.endswith("slow.txt")]


def test_timeout_flag_of_the_cli(tmp_path, monkeypatch):
    _docs(tmp_path / "in", ["a.txt", "slow.txt", "b.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"slow.txt"}))
    out = tmp_path / "out"
    assert main([str(tmp_path / "in"), "--out", str(out), "--quiet", "--workers", "1", "--timeout", "0.3"]) == 0
    [record] = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert record["reason"] == "timeout" and os.path.basename(record["source"]["path"]) == "slow.txt"
    assert len((out / "articles.jsonl").read_text().splitlines()) == 2


def test_no_budget_outside_the_main_thread(monkeypatch):
    """clean_with_budget alone cannot interrupt a thread: the document runs unbounded (which is
    why clean_batch runs a threaded caller's batch in a child process, tested below)."""
    real = clean_document

    def slowish(data, path, config=CleanConfig(), url=None):
        time.sleep(0.3)
        return real(data, path, config, url)

    monkeypatch.setattr(runner, "clean_document", slowish)
    results = []
    thread = threading.Thread(target=lambda: results.append(
        runner.clean_with_budget(EN.encode(), "a.txt", CleanConfig(max_seconds_per_document=0.05))))
    thread.start()
    thread.join()
    assert isinstance(results[0], Article)


def _in_a_thread(function, *args):
    """``function(*args)`` in a worker thread, as a Dask worker or a Prefect thread-pool task runs it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result(timeout=120)


def _pid_logging(tmp_path: Path, slow):
    """``slow``, also noting which process cleaned each document; and a function reading that
    back: the pids that cleaned inputs (not the runner's own warm-up documents)."""
    log = tmp_path / "pids"

    def logged(data, path, config=CleanConfig(), url=None):
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {os.path.basename(path)}\n")
        return slow(data, path, config, url)

    def pids() -> list[str]:
        rows = [line.split(" ", 1) for line in log.read_text().splitlines()]
        return [pid for pid, name in rows if not name.startswith("warm-up.")]

    return logged, pids


def test_timeout_in_a_thread_runs_the_batch_in_a_child_and_the_batch_goes_on(tmp_path, monkeypatch):
    paths = _docs(tmp_path / "in", ["a.txt", "slow.txt", "b.txt"])
    config = CleanConfig(max_seconds_per_document=0.5)
    cleaner, pids = _pid_logging(tmp_path, _slow_for({"slow.txt"}))
    monkeypatch.setattr(runner, "clean_document", cleaner)
    started = time.monotonic()
    result = _in_a_thread(runner.clean_batch, paths, config)
    assert time.monotonic() - started < 10
    assert _kinds(result) == [("a.txt", "article"), ("slow.txt", "timeout"), ("b.txt", "article")]
    assert result.rejected == {"timeout": 1}
    children = set(pids())
    assert len(children) == 1 and str(os.getpid()) not in children  # one child for the batch
    # the same lines, byte for byte, as the batch run in this (main) thread
    assert result.lines == runner.clean_batch(paths, config).lines
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_timeout_in_a_thread_on_a_real_slow_document(tmp_path):
    """No monkeypatching: a ~20 MB document (~4 s of cleaning) with a 1 s budget, between two small ones."""
    paths = _docs(tmp_path, ["a.txt", "big.txt", "b.txt"])
    Path(paths[1]).write_text("\n".join(f"Paragraph {i}. " + EN for i in range(40_000)), encoding="utf-8")
    started = time.monotonic()
    result = _in_a_thread(runner.clean_batch, paths, CleanConfig(max_seconds_per_document=1.0))
    assert time.monotonic() - started < 30
    assert _kinds(result) == [("a.txt", "article"), ("big.txt", "timeout"), ("b.txt", "article")]
    record = json.loads(result.lines[1][1])
    REJECTED_SCHEMA.validate(record)
    assert "budget of 1 s" in record["detail"] and record["source"]["sha256"]


def test_a_threaded_batch_stuck_beyond_the_timer_is_isolated(tmp_path, monkeypatch):
    paths = _docs(tmp_path, ["a.txt", "stuck.txt", "b.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"stuck.txt"}, how="blocked"))
    monkeypatch.setattr(runner, "HARD_GRACE_SECONDS", 1.0)
    started = time.monotonic()
    result = _in_a_thread(runner.clean_batch, paths, CleanConfig(max_seconds_per_document=0.5))
    assert time.monotonic() - started < 30
    assert _kinds(result) == [("a.txt", "article"), ("stuck.txt", "timeout"), ("b.txt", "article")]
    assert "hard deadline" in json.loads(result.lines[1][1])["detail"]


def test_a_threaded_batch_whose_child_dies_costs_only_the_culprit(tmp_path, monkeypatch):
    paths = _docs(tmp_path, ["a.txt", "crash.txt", "b.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"crash.txt"}, how="segfault"))
    result = _in_a_thread(runner.clean_batch, paths, CleanConfig(max_seconds_per_document=5))
    assert _kinds(result) == [("a.txt", "article"), ("crash.txt", "internal_error"), ("b.txt", "article")]
    assert "SIGSEGV" in json.loads(result.lines[1][1])["detail"]


def test_isolation_without_fork_uses_multiprocessing(tmp_path, monkeypatch):
    """Where there is no os.fork: documents are isolated by multiprocessing, as before; a
    threaded batch runs in its thread (no budget)."""
    paths = _docs(tmp_path, ["a.txt", "crash.txt", "b.txt"])
    monkeypatch.setattr(runner, "_CAN_FORK", False)
    monkeypatch.setattr(runner, "clean_document", _slow_for({"crash.txt"}, how="segfault"))
    result = runner._isolated_batch(paths, CleanConfig())
    assert _kinds(result) == [("a.txt", "article"), ("crash.txt", "internal_error"), ("b.txt", "article")]
    assert "SIGSEGV" in json.loads(result.lines[1][1])["detail"]
    cleaner, pids = _pid_logging(tmp_path, clean_document)
    monkeypatch.setattr(runner, "clean_document", cleaner)
    assert _kinds(_in_a_thread(runner.clean_batch, paths[:1], CleanConfig())) == [("a.txt", "article")]
    assert pids() == [str(os.getpid())]


def test_an_outer_timer_is_given_back():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        assert isinstance(runner.clean_with_budget(EN.encode(), "a.txt", CleanConfig()), Article)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 3.0 < remaining <= 5.0 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- crashes in the process pool -----------------------------------------------------------


def test_pool_runs_cut_batches_into_jobs_and_write_the_same_records(tmp_path, monkeypatch):
    """Batches handed to worker processes are cut into jobs of at most POOL_JOB_DOCUMENTS
    (processes end a run together); the output is byte for byte that of one process."""
    names = [f"d{i:02d}.txt" for i in range(13)]
    _docs(tmp_path / "in", names)
    one, two = tmp_path / "one", tmp_path / "two"
    runner.run_clean([str(tmp_path / "in")], str(one), batch_size=10, workers=1)
    monkeypatch.setattr(runner, "POOL_JOB_DOCUMENTS", 3)
    sizes = []
    real_pool_batches = runner._pool_batches
    monkeypatch.setattr(runner, "_pool_batches",
                        lambda jobs, config, size: sizes.extend(map(len, jobs)) or real_pool_batches(jobs, config, size))
    report = runner.run_clean([str(tmp_path / "in")], str(two), batch_size=10, workers=2)
    assert sizes == [3, 3, 2, 2] + [3]  # batch of 10 -> 4 even jobs, batch of 3 -> 1
    assert report.inputs == 13 and report.articles == 13
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (two / name).read_bytes() == (one / name).read_bytes()


def test_merged_job_results_are_one_batch_result():
    first = runner.BatchResult([("article", "a")], {"boilerplate": 2}, {}, 1.0)
    second = runner.BatchResult([("rejected", "b"), ("article", "c")], {"boilerplate": 1, "teaser": 1},
                                {"empty_input": 1}, 2.0)
    both = runner.merged([first, second])
    assert both.lines == [("article", "a"), ("rejected", "b"), ("article", "c")]
    assert both.removed == {"boilerplate": 3, "teaser": 1} and both.rejected == {"empty_input": 1}
    assert both.seconds == 3.0 and runner.merged([first]) is first


def test_a_worker_that_dies_costs_only_its_document(tmp_path, monkeypatch):
    names = [f"d{i:02d}.txt" for i in range(9)]
    _docs(tmp_path / "in", names)
    reference = tmp_path / "reference"
    runner.run_clean([str(tmp_path / "in")], str(reference), map_batches=runner.local_batches(2), batch_size=2)
    monkeypatch.setattr(runner, "clean_document", _slow_for({"d03.txt"}, how="segfault"))
    out = tmp_path / "out"
    report = runner.run_clean([str(tmp_path / "in")], str(out), map_batches=runner.local_batches(2), batch_size=2)
    assert report.inputs == 9 and dict(report.rejected_by_reason) == {"internal_error": 1}
    [record] = [json.loads(line) for line in (out / "rejected.jsonl").read_text().splitlines()]
    assert record["source"]["path"].endswith("d03.txt") and "SIGSEGV" in record["detail"]
    REJECTED_SCHEMA.validate(record)
    expected = [line for line in (reference / "articles.jsonl").read_text().splitlines() if "d03.txt" not in line]
    assert (out / "articles.jsonl").read_text().splitlines() == expected


def test_a_worker_stuck_beyond_the_timer_is_killed(tmp_path, monkeypatch):
    _docs(tmp_path / "in", ["a.txt", "b.txt", "stuck.txt", "c.txt", "d.txt"])
    monkeypatch.setattr(runner, "clean_document", _slow_for({"stuck.txt"}, how="blocked"))
    monkeypatch.setattr(runner, "HARD_GRACE_SECONDS", 1.0)
    started = time.monotonic()
    report = runner.run_clean([str(tmp_path / "in")], str(tmp_path / "out"), CleanConfig(max_seconds_per_document=0.5),
                              map_batches=runner.local_batches(2), batch_size=2)
    assert time.monotonic() - started < 30
    assert report.articles == 4 and dict(report.rejected_by_reason) == {"timeout": 1}
    [record] = [json.loads(line) for line in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert record["source"]["path"].endswith("stuck.txt") and "hard deadline" in record["detail"]


# --- nothing escapes -------------------------------------------------------------------------


def test_output_paths_never_come_from_content(tmp_path):
    escape = f"/tmp/clean-escape-{uuid.uuid4().hex}"
    folder = tmp_path / "in"
    folder.mkdir()
    page = _html(f"<p>{EN}</p><p>See {escape} and ../../etc/passwd</p>",
                 head=f'<title>../../etc/passwd</title><link rel="canonical" href="{escape}">'
                      f'<meta name="author" content="../../../x">')
    (folder / "page.html").write_text(page.replace("<h1>Budget passes</h1>", "<h1>../../etc/passwd</h1>"))
    (folder / "doc.txt").write_text(f"{escape}\n\n{EN}\n\n../../etc/passwd")
    before = sorted(p for p in tmp_path.rglob("*"))
    out = tmp_path / "out"
    assert main([str(folder), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["articles.jsonl", "rejected.jsonl", "report.json"]
    assert sorted(p for p in tmp_path.rglob("*") if out not in p.parents and p != out) == before
    assert not os.path.exists(escape)
    body = (out / "articles.jsonl").read_text()
    assert "../../etc/passwd" in body and escape in body


def test_no_network_access_while_cleaning(tmp_path, monkeypatch):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.3)
    port = server.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    attempts = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network access while cleaning")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or refuse(None, a))
    folder = tmp_path / "in"
    folder.mkdir()
    links = " ".join(f'<a href="{base}/a{i}">{base}/a{i}</a>' for i in range(50))
    (folder / "urls.html").write_text(
        f'<?xml version="1.0"?><!DOCTYPE html SYSTEM "{base}/x.dtd" [<!ENTITY ext SYSTEM "{base}/e">]>'
        f'<html><head><base href="{base}/"><link rel="stylesheet" href="{base}/s.css">'
        f'<meta http-equiv="refresh" content="0;url={base}/r"><script src="{base}/j.js"></script></head>'
        f'<body><article><img src="{base}/i.png"><iframe src="{base}/f"></iframe><p>{EN} &ext; {links}</p>'
        f'<p xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="{base}/inc" parse="text"/></p>'
        f"</article></body></html>")
    (folder / "urls.txt").write_text("\n".join([EN, *(f"{base}/page/{i}" for i in range(200))]))
    out = tmp_path / "out"
    try:
        assert main([str(folder), "--out", str(out), "--quiet", "--workers", "1"]) == 0
        with pytest.raises(socket.timeout):
            server.accept()  # nothing below Python's socket module connected either (libxml2)
    finally:
        server.close()
    assert attempts == []
    assert len((out / "articles.jsonl").read_text().splitlines()) == 2


# --- flows/incremental.py on hostile inboxes ------------------------------------------------


def test_incremental_scan_does_not_block_on_a_fifo(tmp_path):
    from flows.incremental import empty_manifest, scan

    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    thread = threading.Thread(target=scan, args=([str(fifo)], empty_manifest()), daemon=True)
    thread.start()
    thread.join(3)
    hung = thread.is_alive()
    if hung:  # release it: a writer opens and closes the FIFO
        with open(fifo, "wb"):
            pass
        thread.join(5)
    assert not hung


def test_incremental_handles_a_non_utf8_file_name(tmp_path):
    """The record says ``caf\\xe9.txt``; the manifest keeps the exact name, so the next run skips it."""
    from flows.incremental import MANIFEST, load_manifest, records_since, run_incremental

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    name = os.fsencode(inbox) + b"/caf\xe9.txt"
    _write_bytes_name(name, EN.encode())
    report = run_incremental([str(inbox)], str(out), map_batches=runner.local_batches(1))
    assert report["articles"] == 1 and report["rejected"] == 0
    [record] = [json.loads(line) for line in (out / "runs" / report["incremental"]["run"] / "articles.jsonl")
                .read_text(encoding="utf-8").splitlines()]
    assert record["source"]["path"] == str(inbox) + "/caf\\xe9.txt"
    stored = json.loads((out / MANIFEST).read_text(encoding="utf-8"))  # valid UTF-8 JSON
    assert list(stored["inputs"]) == [str(inbox) + "/caf\\xe9.txt"] and stored["format"] == 2
    assert list(load_manifest(str(out))["inputs"]) == [os.fsdecode(name)]
    [change] = records_since(str(out))
    assert change.path == os.fsdecode(name) and change.record == record
    again = run_incremental([str(inbox)], str(out), map_batches=runner.local_batches(1))
    assert again["incremental"]["unchanged"] == 1 and again["incremental"]["run"] is None


# --- known cleaners bugs ---------------------------------------------------------------------


def test_text_starting_like_a_magic_number_is_text():
    result = clean_document(("MZ Wallace opens a store. " + EN).encode(), "brand.txt")
    assert isinstance(result, Article), result


def test_mixed_utf8_and_latin1_both_decode():
    for data in (CAFE.encode("utf-8") + b"\n" + CRITICS.encode("latin-1"),
                 CAFE.encode("latin-1") + b"\n" + CRITICS.encode("utf-8")):
        result = clean_document(data, "mixed.txt")
        assert isinstance(result, Article)
        assert "café" in result.text and "crème brûlée" in result.text and "naïve charm" in result.text, result.text
