"""cleaners.record: the output contract. Records validate against the shipped JSON Schemas,
ids are stable, removals carry reason/step/evidence, and dumps is byte-stable."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap

import jsonschema
import pytest

from cleaners.pipeline import CleanConfig, clean_document, config_fingerprint
from cleaners.record import PipelineInfo, article_id, article_record, dumps, load_schema, rejected_record
from cleaners.types import Article, Reason, RejectedInput, Source

INFO = PipelineInfo("0.1.0", config_fingerprint(CleanConfig()))

STORY = """Harbor Bridge Reopens After Two-Year Repair
The Harbor Bridge reopened to traffic on Monday after a two-year repair that replaced the rusted steel cables of the bridge, city officials said.
Share on Facebook
Engineers replaced most of the bridge deck and strengthened the towers of the bridge, the city transport department said in a statement on Monday.
Commuters and cyclists crossed the bridge in the first hour, many relieved to end the long ferry detour around the harbor.
Die Brücke ist wieder für den Verkehr freigegeben, teilte die Stadtverwaltung am Montag in einer kurzen Mitteilung mit.
The repair of the bridge cost about 95 million dollars, slightly under the budget approved by the city council last year.
“It’s a great day for the city,” the mayor said — and cut the ribbon.
"""

PAGE = """<html><head><meta charset="utf-8"><title>Neue Radwege für die Innenstadt</title>
<meta name="author" content="Anna Schmidt"><meta property="og:site_name" content="Stadtanzeiger">
<meta property="article:published_time" content="2024-05-02"></head><body><article>
<h1>Neue Radwege für die Innenstadt</h1>
<p>Der Stadtrat hat am Dienstag mit großer Mehrheit ein Netz geschützter Radwege in der Innenstadt beschlossen, nach mehr als zwei Jahren Debatte.</p>
<p>Die ersten Abschnitte sollen im Frühjahr fertig werden, teilte die Stadtverwaltung mit, und weitere Straßen folgen im Herbst.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def validators():
    schemas = {name: load_schema(name) for name in ("article", "rejected")}
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    return {name: jsonschema.Draft202012Validator(schema) for name, schema in schemas.items()}


@pytest.fixture(scope="module")
def story() -> Article:
    article = clean_document(STORY.encode(), "news/bridge.txt")
    assert isinstance(article, Article)
    return article


@pytest.fixture(scope="module")
def page() -> Article:
    article = clean_document(PAGE.encode(), "de/radwege.html", url="https://stadtanzeiger.example/radwege")
    assert isinstance(article, Article)
    return article


def _errors(validator, record):
    return sorted(e.message for e in validator.iter_errors(record))


def test_text_article_record_validates(validators, story):
    record = article_record(story, INFO)
    assert _errors(validators["article"], record) == []
    assert record["pipeline"] == {"version": "0.1.0", "config_fingerprint": INFO.config_fingerprint}


def test_html_article_record_validates_and_carries_metadata(validators, page):
    record = article_record(page, INFO)
    assert _errors(validators["article"], record) == []
    assert record["source"]["url"] == "https://stadtanzeiger.example/radwege"
    assert record["source"]["format"] == "html"
    assert record["title"] == "Neue Radwege für die Innenstadt"
    assert record["language"] == "de"
    assert record["metadata"]["author"] == "Anna Schmidt"
    assert record["metadata"]["sitename"] == "Stadtanzeiger"
    assert list(record["metadata"]) == sorted(record["metadata"])


def test_schema_rejects_a_broken_record(validators, story):
    record = article_record(story, INFO)
    broken = copy.deepcopy(record)
    broken["removed"][0]["reason"] = "spam"
    assert _errors(validators["article"], broken)
    missing = copy.deepcopy(record)
    del missing["removed"][0]["evidence"]
    assert _errors(validators["article"], missing)
    extra = dict(record, surprise=1)
    assert _errors(validators["article"], extra)


REJECTING = sorted(
    {Reason.FOREIGN_LANGUAGE}
    | {r for r in Reason if r not in {Reason.BOILERPLATE, Reason.TEASER, Reason.OFF_TOPIC, Reason.DUPLICATE, Reason.FOREIGN_LANGUAGE}},
    key=lambda r: r.value,
)


@pytest.mark.parametrize("reason", REJECTING, ids=lambda r: r.value)
def test_rejected_record_validates_for_every_input_level_reason(validators, reason):
    sha = None if reason is Reason.UNREADABLE else "ab" * 32
    rejected = RejectedInput(Source("inbox/x.html", "html", sha), reason, f"{reason.value} detail")
    record = rejected_record(rejected, INFO)
    assert _errors(validators["rejected"], record) == []
    assert record["reason"] == reason.value
    assert record["source"]["sha256"] == sha


def test_a_real_rejection_validates(validators):
    rejected = clean_document(b"%PDF-1.7 binary", "reports/q3.txt")
    record = rejected_record(rejected, INFO)
    assert _errors(validators["rejected"], record) == []
    assert (record["reason"], record["detail"]) == ("binary_input", "looks like PDF document")


@pytest.mark.parametrize("reason", [Reason.BOILERPLATE, Reason.TEASER, Reason.OFF_TOPIC, Reason.DUPLICATE])
def test_block_level_reasons_are_not_valid_rejections(validators, reason):
    record = rejected_record(RejectedInput(Source("x.txt", "text", "ab" * 32), reason, "detail"), INFO)
    assert _errors(validators["rejected"], record)


def test_schema_enums_match_the_reason_enum():
    article = load_schema("article")
    rejected = load_schema("rejected")
    removed_reasons = set(article["properties"]["removed"]["items"]["properties"]["reason"]["enum"])
    assert removed_reasons == {"boilerplate", "teaser", "foreign_language", "off_topic", "duplicate"}
    assert set(rejected["properties"]["reason"]["enum"]) == ({r.value for r in Reason} - removed_reasons) | {"foreign_language"}


def test_removed_entries_carry_index_reason_step_and_evidence(story):
    record = article_record(story, INFO)
    removed = {entry["text"]: entry for entry in record["removed"]}
    share = removed["Share on Facebook"]
    assert (share["reason"], share["step"], share["evidence"]["rule"]) == ("boilerplate", "boilerplate", "share")
    german = removed["Die Brücke ist wieder für den Verkehr freigegeben, teilte die Stadtverwaltung am Montag in einer kurzen Mitteilung mit."]
    assert (german["reason"], german["step"], german["evidence"]["language"]) == ("foreign_language", "language", "de")
    for entry in record["removed"]:
        assert story.blocks[entry["index"]].text == entry["text"]
        assert entry["evidence"]
    assert record["stats"]["removed_blocks"] == len(record["removed"]) == 2
    assert record["stats"]["removed_by_reason"] == {"boilerplate": 1, "foreign_language": 1}


def test_kept_blocks_text_and_stats_agree(story):
    record = article_record(story, INFO)
    assert record["text"] == "\n\n".join(b["text"] for b in record["blocks"])
    assert "Share on Facebook" not in record["text"]
    assert record["stats"]["kept_blocks"] == len(record["blocks"])
    assert record["stats"]["blocks"] == len(record["blocks"]) + len(record["removed"])
    assert record["stats"]["chars"] == len(record["text"])
    assert record["stats"]["words"] == len(record["text"].split())


def test_typography_survives_into_the_record(story):
    record = article_record(story, INFO)
    assert "“It’s a great day for the city,” the mayor said — and cut the ribbon." in record["text"]
    assert record["encoding"] == {"charset": "utf-8", "method": "utf-8", "repairs": []}


def test_id_is_stable_across_calls():
    first = clean_document(STORY.encode(), "news/bridge.txt")
    second = clean_document(STORY.encode(), "news/bridge.txt")
    assert article_id(first) == article_id(second) == article_record(first, INFO)["id"]


def test_id_changes_with_content_and_with_url():
    base = clean_document(STORY.encode(), "news/bridge.txt")
    edited = clean_document(STORY.replace("95 million", "96 million").encode(), "news/bridge.txt")
    linked = clean_document(STORY.encode(), "news/bridge.txt", url="https://example.com/bridge")
    renamed = clean_document(STORY.encode(), "news/bridge-2.txt")
    assert len({article_id(base), article_id(edited), article_id(linked), article_id(renamed)}) == 4


def test_id_does_not_depend_on_the_folder():
    assert article_id(clean_document(STORY.encode(), "a/bridge.txt")) == article_id(clean_document(STORY.encode(), "b/bridge.txt"))


def test_dumps_is_sorted_compact_and_keeps_utf8(page):
    line = dumps(article_record(page, INFO))
    assert "\n" not in line
    assert "Innenstadt" in line and "für" in line and "\\u00fc" not in line
    parsed = json.loads(line)
    assert list(parsed) == sorted(parsed)
    assert dumps({"b": 1, "a": [1, {"d": 2, "c": "é"}]}) == '{"a":[1,{"c":"é","d":2}],"b":1}'


def test_dumps_is_byte_stable_across_calls_and_key_order(story):
    record = article_record(story, INFO)
    shuffled = dict(reversed(list(record.items())))
    assert dumps(record).encode() == dumps(shuffled).encode() == dumps(article_record(story, INFO)).encode()


def test_output_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    (tmp_path / "bridge.txt").write_text(STORY, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys
        from cleaners.pipeline import CleanConfig, clean_document, config_fingerprint
        from cleaners.record import PipelineInfo, article_record, dumps
        data = open({str(tmp_path / "bridge.txt")!r}, "rb").read()
        info = PipelineInfo("0.1.0", config_fingerprint(CleanConfig()))
        sys.stdout.buffer.write(dumps(article_record(clean_document(data, "bridge.txt"), info)).encode())
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": seed})
        for seed in ("1", "2")
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    here = dumps(article_record(clean_document(STORY.encode(), "bridge.txt"), INFO)).encode()
    assert outputs[0] == outputs[1] == here
