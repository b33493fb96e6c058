"""The speed benchmark's figures (bench.speed) on results worked out by hand: the text target
as a ratio to trafilatura in the same run, the paired Prefect overheads, and the table."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bench.speed import (
    HTML_SETS,
    TEXT_TARGET_RATIO,
    _clean,
    cleaners_build,
    format_table,
    interpreter,
    one_core_text,
    paired_overheads,
    paired_text_ratios,
    text_vs_trafilatura,
    trafilatura_pages_per_s,
)

ONE_CORE = [
    {"set": "scrapinghub_aeb html", "docs": 181, "pipeline_docs_per_s": 70.0, "trafilatura_docs_per_s": 75.0,
     "ratio": 0.93, "pipeline_fast_docs_per_s": 83.0, "ratio_fast": 1.1},
    {"set": "trafilatura_eval html", "docs": 990, "pipeline_docs_per_s": 50.0, "trafilatura_docs_per_s": 55.0,
     "ratio": 0.91, "pipeline_fast_docs_per_s": 61.0, "ratio_fast": 1.1},
]


def test_trafilaturas_rate_is_all_pages_over_all_their_seconds():
    seconds = 181 / 75.0 + 990 / 55.0
    assert trafilatura_pages_per_s(ONE_CORE) == pytest.approx(1171 / seconds)
    # not the mean of the two sets' rates, which would overweigh the 181 fast pages
    assert trafilatura_pages_per_s(ONE_CORE) < (75.0 + 55.0) / 2


def test_the_text_target_is_300_where_trafilatura_does_36():
    assert TEXT_TARGET_RATIO * 36 == pytest.approx(300)
    figures = text_vs_trafilatura(ONE_CORE, {"pipeline_docs_per_s": 435.0})
    baseline = 1171 / (181 / 75.0 + 990 / 55.0)
    assert figures["ratio"] == pytest.approx(435.0 / baseline)
    assert figures["target_docs_per_s"] == pytest.approx(baseline * 300 / 36)
    assert figures["ratio"] < figures["target_ratio"]  # 7.58x: short of 8.33x


def test_no_html_section_no_text_ratio():
    assert text_vs_trafilatura([], {"pipeline_docs_per_s": 435.0}) is None


def test_paired_overheads_pair_each_flow_run_with_the_run_clean_before_it():
    assert paired_overheads([10.8, 10.1, 10.4], [9.5, 9.4, 9.7]) == pytest.approx(
        [10.8 / 9.5 - 1, 10.1 / 9.4 - 1, 10.4 / 9.7 - 1])


def test_the_table_shows_the_text_ratio_and_the_paired_overhead():
    results = {
        "meta": {"cpus": 2, "load_average_start": [0.1], "load_average_end": [1.0], "sections": ["one_core", "text", "prefect"]},
        "one_core": ONE_CORE,
        "text": {"set": "scrapinghub_aeb text", "docs": 181, "passes": [430.0, 435.0, 440.0],
                 "pipeline_docs_per_s": 435.0,
                 "vs_trafilatura": text_vs_trafilatura(ONE_CORE, {"pipeline_docs_per_s": 435.0})},
        "corpus": {"docs": 1000},
        "runs": {
            "trials": {"run_clean_2": [9.5, 9.4, 9.7], "flow": [10.8, 10.1, 10.4]},
            "run_clean_2": {"docs_per_s": 106.4, "seconds": 9.4, "cores_busy": 1.9, "cpu_seconds": 18.0, "inputs": 1000,
                            "peak_rss_mib": 250.0, "peak_worker_rss_mib": 340.0, "peak_tree_rss_mib": 900.0},
            "prefect": {"server_startup_seconds": 7.5, "same_output": True, "overhead": 10.1 / 9.4 - 1,
                        "paired_overheads": paired_overheads([10.8, 10.1, 10.4], [9.5, 9.4, 9.7]),
                        "paired_overhead_median": 10.4 / 9.7 - 1,
                        "flow": {"docs_per_s": 99.0, "seconds": 10.1, "cpu_seconds": 19.0, "inputs": 1000,
                                 "import_seconds": 1.4}},
        },
    }
    table = format_table(results)
    ratio_row = next(line for line in table.splitlines() if "trafilatura.extract's HTML pages/s" in line)
    # 1171 pages in 181/75 + 990/55 = 20.41 s: 57.4 pages/s; 435 / 57.36 = 7.58x; 8.33 x 57.36 = 478
    assert "7.58x" in ratio_row and "57.4 pages/s" in ratio_row and "8.33x" in ratio_row
    assert "478 docs/s here" in ratio_row
    paired_row = next(line for line in table.splitlines() if "just before it" in line)
    assert "+7 %" in paired_row and "median of +14, +7, +7 %" in paired_row


def test_the_one_core_pipeline_runs_frozen_as_a_worker_of_clean_starts(monkeypatch):
    import flows.runner
    from cleaners.pipeline import CleanConfig

    monkeypatch.setattr(flows.runner, "_warmed", set())  # as in a fresh process
    gc.unfreeze()
    try:
        clean = _clean(CleanConfig())
        assert gc.get_freeze_count() > 0  # the models are out of the collector's way
        article = clean("a.txt", b"A plain sentence of a story, long enough to be kept as it is.")
        assert article.text == "A plain sentence of a story, long enough to be kept as it is."
    finally:
        gc.unfreeze()


def test_paired_text_ratios_divide_each_pass_by_the_trafilatura_pass_after_it():
    text = {"passes": [440.0, 470.0, 455.0], "trafilatura_after_passes": [55.0, 62.0, 60.0]}
    assert paired_text_ratios(text) == pytest.approx([440 / 55, 470 / 62, 455 / 60])
    figures = text_vs_trafilatura(ONE_CORE, {**text, "pipeline_docs_per_s": 455.0})
    assert figures["paired_ratio_median"] == pytest.approx(455 / 60)  # the median of 8.0, 7.58, 7.58
    assert figures["ratio"] == pytest.approx(455.0 / trafilatura_pages_per_s(ONE_CORE))  # the section's, as before


def test_without_trafilatura_passes_there_is_no_paired_ratio():
    figures = text_vs_trafilatura(ONE_CORE, {"passes": [435.0], "pipeline_docs_per_s": 435.0})
    assert "paired_ratio_median" not in figures


def _tiny_bench(root):
    """A bench folder of two text dumps and one gzipped page per HTML set."""
    import gzip

    text = root / "scrapinghub_aeb" / "text"
    text.mkdir(parents=True)
    for i in range(2):
        (text / f"{i}.txt").write_text(f"Story {i}\n" + "A plain sentence of a story, long enough to be kept. " * 4)
    page = b"<html><body><article><p>" + b"A plain sentence of a story, long enough to be kept. " * 4 + b"</p></article></body></html>"
    for corpus, sub, _ in HTML_SETS.values():
        (root / corpus / sub).mkdir(parents=True, exist_ok=True)
        (root / corpus / sub / "page.html.gz").write_bytes(gzip.compress(page))
    return root


def test_a_paired_text_section_times_trafilatura_after_each_pass(tmp_path, monkeypatch):
    import trafilatura

    calls = []
    real_extract = trafilatura.extract
    monkeypatch.setattr(trafilatura, "extract", lambda data: calls.append(len(data)) or real_extract(data))
    result = one_core_text(_tiny_bench(tmp_path), None, passes=3, paired=True)
    assert len(result["passes"]) == 3 and len(result["trafilatura_after_passes"]) == 3
    assert len(calls) == 3 * len(HTML_SETS)  # each pass: every page of both sets, once
    assert all(rate > 0 for rate in result["trafilatura_after_passes"])
    unpaired = one_core_text(tmp_path, None, passes=1)
    assert "trafilatura_after_passes" not in unpaired and len(calls) == 3 * len(HTML_SETS)


def test_the_table_shows_the_paired_text_ratio():
    text = {"set": "scrapinghub_aeb text", "docs": 181, "passes": [440.0, 470.0, 455.0],
            "trafilatura_after_passes": [55.0, 62.0, 60.0], "pipeline_docs_per_s": 455.0}
    text["vs_trafilatura"] = text_vs_trafilatura(ONE_CORE, text)
    table = format_table({"meta": {"cpus": 2, "load_average_start": [0.1]}, "one_core": ONE_CORE, "text": text})
    row = next(line for line in table.splitlines() if "in the pass after it" in line)
    assert "7.58x" in row and "median of 8.00, 7.58, 7.58x" in row and "55.0, 62.0, 60.0 pages/s" in row


def test_the_sources_are_the_pure_build():
    import cleaners

    modules = [path for path in Path(cleaners.__file__).parent.glob("*.py") if path.name != "__init__.py"]
    assert cleaners_build() == {"kind": "pure", "compiled": [], "modules": len(modules)}


def test_the_table_says_which_build_it_measured_and_when_child_processes_ran_another():
    meta = {"cpus": 2, "load_average_start": [0.1],
            "build": {"kind": "compiled", "compiled": ["boilerplate", "topic"], "modules": 11}}
    runs = {"run_clean_2": {"docs_per_s": 106.4, "seconds": 9.4, "cores_busy": 1.9, "cpu_seconds": 18.0,
                            "inputs": 1000, "peak_rss_mib": 250.0, "peak_worker_rss_mib": 340.0,
                            "peak_tree_rss_mib": 900.0, "build": "compiled"}}
    text = {"set": "scrapinghub_aeb text", "docs": 181, "passes": [440.0], "pipeline_docs_per_s": 440.0}
    footer = format_table({"meta": meta, "text": text, "corpus": {"docs": 1000}, "runs": runs}).splitlines()[-1]
    assert footer.endswith("; cleaners/ compiled (2 of 11 modules)")
    runs["run_clean_2"]["build"] = "pure"
    footer = format_table({"meta": meta, "text": text, "corpus": {"docs": 1000}, "runs": runs}).splitlines()[-1]
    assert footer.endswith("; cleaners/ compiled (2 of 11 modules); child processes: pure")


def test_the_table_names_the_interpreter_it_ran_on(tmp_path):
    meta = {"cpus": 2, "load_average_start": [0.1], "build": {"kind": "pure", "compiled": [], "modules": 10},
            "interpreter": {"version": "3.11.7", "executable": "/opt/py/bin/python3.11", "libpython": "shared"}}
    text = {"set": "scrapinghub_aeb text", "docs": 181, "passes": [440.0], "pipeline_docs_per_s": 440.0}
    footer = format_table({"meta": meta, "text": text}).splitlines()[-1]
    assert footer.endswith("; cleaners/ pure; Python 3.11.7 (/opt/py/bin/python3.11, libpython shared)")
    del meta["interpreter"]  # a run recorded before interpreter() was
    assert format_table({"meta": meta, "text": text}).splitlines()[-1].endswith("; cleaners/ pure")


def test_the_interpreter_holds_libpython_shared_or_linked_in_by_its_memory_map(tmp_path):
    maps = tmp_path / "maps"
    maps.write_text("7f00-7f10 r-xp 0 08:01 5 /root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0\n")
    assert interpreter(maps)["libpython"] == "shared"
    maps.write_text("5600-5610 r-xp 0 08:01 7 /usr/bin/python3.11\n7f00-7f10 r-xp 0 08:01 9 /usr/lib/libc.so.6\n")
    assert interpreter(maps)["libpython"] == "linked in"
    assert interpreter(tmp_path / "missing")["libpython"] is None
    assert Path(interpreter()["executable"]).is_absolute()
