"""The `clean` command end to end, in-process: accounting, schema, determinism, bad input."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import jsonschema
import pytest

from cleaners.record import load_schema
from flows.cli import main

from .conftest import SEEDS, read_jsonl

ARTICLE_SCHEMA = jsonschema.Draft202012Validator(load_schema("article"))
REJECTED_SCHEMA = jsonschema.Draft202012Validator(load_schema("rejected"))

FRENCH = "Le café était très bon à Noël, déjà vu dans la forêt près de la rivière. " * 6
ARTICLE_EN = ("The city council approved the new budget on Tuesday after a long debate about schools, "
              "roads and the future of the public library in the old town centre. ") * 4


def _run(tmp_path: Path, *paths: str, extra: tuple[str, ...] = ()) -> tuple[list[dict], list[dict], dict]:
    out = tmp_path / "out"
    assert main([*paths, "--out", str(out), "--quiet", "--workers", "2", *extra]) == 0
    return read_jsonl(out / "articles.jsonl"), read_jsonl(out / "rejected.jsonl"), json.loads((out / "report.json").read_text())


@pytest.fixture()
def bad_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "nested").mkdir(parents=True)
    files = {
        "empty.txt": b"",
        "blank.txt": b" \n\n \t\n",
        "image.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        "noise.html": bytes(range(0, 32)) * 400,
        "latin1.txt": FRENCH.encode("latin-1"),
        "win1252.txt": ("“Quoted” text – with dashes… " + FRENCH).encode("cp1252"),
        "utf16.txt": codecs.BOM_UTF16_LE + ARTICLE_EN.encode("utf-16-le"),
        "huge_line.txt": ("A very long line of ordinary English prose about the weather and the town. " * 30000).encode(),
        "no_text.html": b"<html><head><title>x</title></head><body><div><img src='a.png'></div></body></html>",
        "report.pdf": b"%PDF-1.4 not really",
        "nested/page.html.gz": gzip.compress(
            f"<html><head><meta charset='utf-8'><title>Budget</title></head><body><article><h1>Budget passes</h1><p>{ARTICLE_EN}</p></article></body></html>".encode()
        ),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _by_name(records: list[dict]) -> dict[str, dict]:
    return {os.path.basename(r["source"]["path"]): r for r in records}


def test_seeds_run_validates_against_schema_and_accounts_for_every_input(tmp_path):
    articles, rejected, report = _run(tmp_path, str(SEEDS))
    assert len(articles) == 4 and rejected == []
    for record in articles:
        ARTICLE_SCHEMA.validate(record)
    assert report["inputs"] == 4 and report["articles"] == 4
    assert report["removed_by_reason"] == {"boilerplate": 2, "teaser": 13}
    assert report["run"]["mode"].startswith("in-process")


def test_bad_inputs_each_end_as_an_article_or_a_rejection_with_reason(tmp_path, bad_inputs):
    articles, rejected, report = _run(tmp_path, str(bad_inputs), str(bad_inputs / "missing.txt"))
    for record in articles:
        ARTICLE_SCHEMA.validate(record)
    for record in rejected:
        REJECTED_SCHEMA.validate(record)
    arts, rejs = _by_name(articles), _by_name(rejected)
    assert {name: r["reason"] for name, r in rejs.items()} == {
        "empty.txt": "empty_input",
        "blank.txt": "empty_input",
        "image.txt": "binary_input",
        "noise.html": "binary_input",
        "no_text.html": "no_text",
        "report.pdf": "unsupported_format",
        "missing.txt": "unreadable",
    }
    assert sorted(arts) == ["huge_line.txt", "latin1.txt", "page.html.gz", "utf16.txt", "win1252.txt"]
    assert report["inputs"] == 12 == report["articles"] + report["rejected"]
    assert "Le café était très bon à Noël" in arts["latin1.txt"]["text"]
    assert arts["win1252.txt"]["encoding"]["charset"] == "windows-1252"
    assert arts["win1252.txt"]["text"].startswith("“Quoted” text – with dashes…")
    assert arts["utf16.txt"]["encoding"] == {"charset": "utf-16-le", "method": "bom", "repairs": []}
    assert arts["page.html.gz"]["title"] == "Budget passes" and arts["page.html.gz"]["source"]["format"] == "html"
    assert arts["huge_line.txt"]["stats"]["chars"] > 2_000_000
    for record in rejected:
        assert record["detail"]


def test_two_runs_give_identical_bytes(tmp_path, bad_inputs):
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert main([str(SEEDS), str(bad_inputs), "--out", str(out), "--quiet", "--workers", "2", "--batch-size", "3"]) == 0
        outs.append(out)
    for name in ("articles.jsonl", "rejected.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_lang_option_rejects_other_languages(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "de.txt").write_text("Die Stadt hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen, "
                                   "der mehr Geld für Schulen und Straßen vorsieht. " * 3, encoding="utf-8")
    (folder / "en.txt").write_text(ARTICLE_EN, encoding="utf-8")
    articles, rejected, _ = _run(tmp_path, str(folder), extra=("--lang", "en"))
    assert [r["language"] for r in articles] == ["en"]
    assert [(os.path.basename(r["source"]["path"]), r["reason"]) for r in rejected] == [("de.txt", "foreign_language")]


def test_explain_prints_each_block_with_its_verdict(capsys):
    assert main(["--explain", str(SEEDS / "004_2f1e8850fc53404b.txt")]) == 0
    out = capsys.readouterr().out
    assert "DROP  paragraph End of content" in out
    assert "boilerplate by boilerplate: rule=infinite_scroll" in out
    assert "teaser by teasers: rule=headline_summary_run" in out


def test_no_partial_files_left_in_output(tmp_path):
    _run(tmp_path, str(SEEDS))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["articles.jsonl", "rejected.jsonl", "report.json"]


def test_fast_option_sets_trafilaturas_fast_mode():
    from flows.cli import build_config, parse_args

    assert build_config(parse_args(["--fast"])).extract.fast is True
    assert build_config(parse_args([])).extract.fast is False
