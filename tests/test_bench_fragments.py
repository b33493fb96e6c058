"""bench.fragments: case building, outcome alignment and counting on hand-made inputs with fake
cleaners; the language timer; lingua file mapping; cross-process determinism of detect_language."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from cleaners.language import LanguageConfig

from bench import corpora
from bench import fragments as F
from bench.run import build_parser
from cleaners.types import Article, Block, EncodingInfo, Reason, RejectedInput, Source

PROJECT = Path(__file__).resolve().parent.parent
BENCH = corpora.default_bench_dir()
needs_bench = pytest.mark.skipif(not (BENCH / "lingua_testdata").is_dir(), reason=f"no bench data at {BENCH}")

OWN = [
    "The river flooded the old mill town after three days of heavy rain.",
    "Residents said the water had never risen so fast in living memory.",
    "Engineers will inspect the river walls and the mill dam next week.",
    "The council said the mill owners would be paid for the damage.",
]
FOREIGN = [
    ("Der Stadtrat hat am Dienstag ein Netz geschützter Radwege beschlossen.", "de"),
    ("Le conseil municipal a approuvé mardi un réseau de pistes cyclables.", "fr"),
]


# --------------------------------------------------------------------------
# Fake cleaners: one block per paragraph, dropping what they are told to
# --------------------------------------------------------------------------


def fake_cleaner(drop=lambda text: False, title_first: bool = False, reason: Reason = Reason.FOREIGN_LANGUAGE):
    def clean(text: str, path: str):
        lines = text.split("\n\n")
        title = lines.pop(0) if title_first else None
        blocks = tuple(Block(line).drop("fake", reason) if drop(line) else Block(line) for line in lines)
        return Article(Source(path, "text", None), blocks, EncodingInfo("utf-8", "given-as-text"),
                       title=title, language="en")
    return clean


def rejecting_cleaner(text: str, path: str):
    return RejectedInput(Source(path, "text", None), Reason.NO_TEXT, "nothing left")


def make_case(case_id: str = "doc/foreign0", seed: int = 3) -> F.Case:
    return F.Case(case_id, "foreign", "en", F.insert_fragments(OWN, FOREIGN, random.Random(seed)))


def inserted_texts(case: F.Case) -> set[str]:
    return {p.text for p in case.paragraphs if p.role == F.INSERTED}


def test_insert_fragments_keeps_own_order_and_adds_each_fragment_once():
    paragraphs = F.insert_fragments(OWN, FOREIGN, random.Random(7))
    assert [p.text for p in paragraphs if p.role == F.OWN] == OWN
    assert sorted((p.text, p.language) for p in paragraphs if p.role == F.INSERTED) == sorted(FOREIGN)
    assert {p.position for p in paragraphs if p.role == F.INSERTED} <= set(F.POSITIONS)


def test_insert_fragments_positions_are_where_they_say():
    for seed in range(30):
        paragraphs = F.insert_fragments(OWN, FOREIGN[:1], random.Random(seed))
        index = next(i for i, p in enumerate(paragraphs) if p.role == F.INSERTED)
        expected = {"start": index == 0, "end": index == len(paragraphs) - 1,
                    "middle": 0 < index < len(paragraphs) - 1}
        assert expected[paragraphs[index].position]


def test_insert_fragments_is_deterministic_for_a_seed():
    assert F.insert_fragments(OWN, FOREIGN, random.Random(5)) == F.insert_fragments(OWN, FOREIGN, random.Random(5))


def test_middle_needs_two_own_lines():
    for seed in range(20):
        paragraphs = F.insert_fragments(OWN[:1], FOREIGN[:1], random.Random(seed))
        assert all(p.position in ("start", "end") for p in paragraphs if p.role == F.INSERTED)


def test_a_cleaner_removing_exactly_the_fragments_scores_one_and_one():
    case = make_case()
    results = F.run_cases([case], fake_cleaner(drop=lambda t: t in inserted_texts(case)))
    summary = F.summarize(results)
    assert summary["fragments"] == 2 and summary["fragments_removed"] == 2
    assert summary["fragments_removed_share"] == 1.0
    assert summary["removed_by_foreign_language_share"] == 1.0 and summary["removed_by_other_share"] == 0.0
    assert summary["removed_by_reason"] == {"foreign_language": 2}
    assert summary["own_paragraphs"] == 4 and summary["own_kept_share"] == 1.0
    assert summary["leaks"] == [] and summary["losses"] == []
    assert summary["by_language"]["de"] == {"fragments": 1, "removed": 1, "by_foreign_language": 1,
                                            "judgeable": 0, "removed_share": 1.0}
    assert summary["cases_losing_own"] == 0


def test_a_cleaner_removing_nothing_scores_zero_removed_and_all_kept():
    case = make_case()
    summary = F.summarize(F.run_cases([case], fake_cleaner()), judgeable=lambda text: "Stadtrat" in text)
    assert summary["fragments_removed_share"] == 0.0
    assert summary["judgeable_fragments"] == 1 and summary["judgeable_removed_share"] == 0.0
    assert summary["leaked_as"] == {"kept": 2}
    assert summary["own_kept_share"] == 1.0
    assert {leak["language"] for leak in summary["leaks"]} == {"de", "fr"}


def test_a_cleaner_removing_everything_loses_every_own_line_with_its_reason():
    case = make_case()
    summary = F.summarize(F.run_cases([case], fake_cleaner(drop=lambda t: True, reason=Reason.BOILERPLATE)))
    assert summary["fragments_removed_share"] == 1.0
    assert summary["removed_by_foreign_language_share"] == 0.0
    assert summary["removed_by_other_share"] == 1.0
    assert summary["own_kept_share"] == 0.0 and summary["own_kept_chars_share"] == 0.0
    assert summary["cases_losing_own"] == 1
    assert summary["own_lost_by_outcome"] == {"boilerplate@fake": 4}


def test_a_rejected_input_removes_fragments_and_loses_own_lines():
    summary = F.summarize(F.run_cases([make_case()], rejecting_cleaner))
    assert summary["fragments_removed_share"] == 1.0
    assert summary["removed_by_reason"] == {"rejected:no_text": 2}
    assert summary["own_kept_share"] == 0.0


def test_a_first_line_made_title_is_a_leak_or_a_loss_not_a_removal():
    case = F.Case("doc/foreign0", "foreign", "en", (F.Paragraph(FOREIGN[0][0], F.INSERTED, "de", "start"),
                                                     *(F.Paragraph(t, F.OWN) for t in OWN)))
    outcomes = F.run_cases([case], fake_cleaner(title_first=True))[0].outcomes
    assert outcomes == (F.TITLE, F.KEPT, F.KEPT, F.KEPT, F.KEPT)
    assert F.summarize(F.run_cases([case], fake_cleaner(title_first=True)))["fragments_removed_share"] == 0.0


def test_alignment_survives_entity_and_whitespace_repairs():
    case = F.Case("doc/x", "foreign", "en", (F.Paragraph("Caf&#233;  society   rules.", F.OWN),
                                             F.Paragraph(OWN[0], F.OWN)))

    def repairing(text, path):
        blocks = (Block("Café society rules."), Block(OWN[0]).drop("fake", Reason.TEASER))
        return Article(Source(path, "text", None), blocks, EncodingInfo("utf-8", "x"), language="en")

    assert F.run_cases([case], repairing)[0].outcomes == (F.KEPT, "teaser@fake")


def test_baselines_separate_losses_caused_by_the_insertion():
    own_case = F.Case("doc/baseline", "baseline", "en", tuple(F.Paragraph(t, F.OWN) for t in OWN))
    baseline = F.run_case(own_case, fake_cleaner(drop=lambda t: t == OWN[0]))
    case = make_case()
    # with the insertion, the cleaner also loses OWN[1]
    result = F.run_cases([case], fake_cleaner(drop=lambda t: t in (OWN[0], OWN[1]) or t in inserted_texts(case)))
    summary = F.summarize(result, {"doc": baseline})
    assert summary["own_kept_share"] == 0.5
    assert summary["own_kept_share_untouched"] == 0.75
    assert summary["own_lost_only_with_insertion"] == 1
    assert summary["own_lost_by_outcome_untouched"] == {"foreign_language@fake": 1}


def test_off_topic_cases_append_leads_of_other_articles_only():
    articles = [(f"a{i}", [f"Menu {i}", f"Story number {i} tells of a long day at the harbour in the rain."])
                for i in range(6)]
    cases = list(F.off_topic_cases(articles, seed=1))
    assert len(cases) == 6
    for (doc_id, own), case in zip(articles, cases):
        appended = [p for p in case.paragraphs if p.role == F.INSERTED]
        assert 2 <= len(appended) <= 4
        assert all(p.text not in own and p.text.startswith("Story number") for p in appended)
        assert [p.text for p in case.paragraphs[: len(own)]] == own
    assert cases == list(F.off_topic_cases(articles, seed=1))


def test_invisible_lines_are_not_paragraphs():
    assert F.paragraphs_of("One.\n\u200b\n \t\nTwo.") == ["One.", "Two."]


def test_first_full_sentence_skips_ellipses_and_fragments():
    assert F.first_full_sentence(["Home", "Short one.", "A teaser line that trails off into nothing at all…",
                                  "“A quoted sentence of more than eight words ends here.”"]) \
        == "“A quoted sentence of more than eight words ends here.”"
    assert F.first_full_sentence(["No sentence here"]) is None


# --------------------------------------------------------------------------
# Languages, accuracy, timing
# --------------------------------------------------------------------------


def test_lingua_codes_map_to_langdetect_codes():
    assert F.expected_detections("zh") == {"zh"}
    assert F.expected_detections("nb") == F.expected_detections("nn") == {"no"}
    assert F.expected_detections("en") == {"en"}
    assert F.expected_detections("eo") == frozenset()  # Esperanto: no langdetect profile


def test_line_accuracy_counts_undetermined_as_wrong():
    lines = ["Das ist ein ganz normaler deutscher Satz über das Wetter in Berlin.", "12345 !!!"]
    stats, tops = F.line_accuracy(lines, frozenset({"de"}), LanguageConfig(min_foreign_probability=0.9))
    assert tops[0][0] == "de" and tops[1] == (None, 0.0)
    assert stats["lines"] == 2
    assert stats["top1_accuracy"] == 0.5
    assert stats["coverage"] == 0.5
    assert stats["accuracy"] == 0.5 and stats["accuracy_determined"] == 1.0


def test_language_timer_times_nested_calls_once_and_restores_the_functions():
    import cleaners.language as language
    import cleaners.pipeline as pipeline

    original = (language.detect_language, language.language_ranking, language.mark_foreign_blocks,
                pipeline.mark_foreign_blocks)
    blocks = [Block("The film follows a young couple who marry for convenience and then fall in love."),
              Block("It was shot in two weeks on a small budget, and most of the actors had never been in a film."),
              Block("Die Ermittlungen zur tödlichen Brandkatastrophe haben neue, tragische Details ans Licht gebracht.")]
    with F.language_timer() as timing:
        assert pipeline.mark_foreign_blocks is not original[3]
        pipeline.mark_foreign_blocks(blocks)
    assert (language.detect_language, language.language_ranking, language.mark_foreign_blocks,
            pipeline.mark_foreign_blocks) == original
    assert timing.calls["mark_foreign_blocks"] == 1
    assert timing.calls["language_ranking"] >= 2  # the document, then the German block
    assert timing.calls["detector"] == timing.calls["language_ranking"]
    assert timing.outer_seconds == pytest.approx(timing.seconds["mark_foreign_blocks"])
    assert timing.seconds["detector"] <= timing.outer_seconds
    with F.language_timer() as timing:  # langdetect's ranking asks detect_language: one detector call
        language.language_ranking("Ein Satz.", language.LanguageConfig(detector="langdetect"))
    assert timing.calls["detect_language"] == timing.calls["language_ranking"] == timing.calls["detector"] == 1


def test_language_timer_restores_on_error():
    import cleaners.language as language

    original = language.detect_language
    with pytest.raises(RuntimeError):
        with F.language_timer():
            raise RuntimeError("boom")
    assert language.detect_language is original


def test_run_accepts_fragments_as_a_corpus():
    args = build_parser().parse_args(["--corpus", "fragments", "--per-lang", "5", "--parts", "accuracy"])
    assert args.corpus == ["fragments"] and args.per_lang == 5 and args.parts == ["accuracy"]


@needs_bench
def test_supported_lingua_languages_and_published_means():
    codes = F.supported_lingua_languages(BENCH)
    assert len(codes) == 52 and {"nb", "nn", "zh", "en", "ja"} <= set(codes) and "eo" not in codes
    published = F.published_langdetect(BENCH, "sentences")
    same = [c for c in codes if c in published]
    assert len(same) == 50
    assert sum(published[c] for c in same) / len(same) == pytest.approx(0.9835, abs=5e-4)


@needs_bench
def test_foreign_cases_deal_languages_evenly_and_deterministically():
    pools = {code: corpora.lingua_lines(BENCH, "sentences", code, 20) for code in ("de", "fr", "ru", "ja")}
    articles = [(f"a{i}", OWN) for i in range(8)]
    cases = list(F.foreign_cases(articles, pools, seed=0, variants=1))
    assert cases == list(F.foreign_cases(articles, pools, seed=0, variants=1))
    counts = {}
    for case in cases:
        for p in case.paragraphs:
            if p.role == F.INSERTED:
                counts[p.language] = counts.get(p.language, 0) + 1
                assert p.text in pools[p.language]
    assert max(counts.values()) - min(counts.values()) <= 1


# --------------------------------------------------------------------------
# Determinism across processes
# --------------------------------------------------------------------------

_CHILD = """
import json, sys
from cleaners.language import detect_language
print(json.dumps([detect_language(line) for line in json.loads(sys.stdin.read())]))
"""


def test_detect_language_gives_the_same_answers_in_another_process():
    from cleaners.language import detect_language

    lines = [text for text, _ in FOREIGN] + OWN[:2] + ["Ciao, come stai oggi?", "ごに", "Det er en fin dag."]
    if (BENCH / "lingua_testdata").is_dir():
        lines += [line for code in ("nb", "hr", "zh") for line in corpora.lingua_lines(BENCH, "word-pairs", code, 3)]
    here = [[list(pair) for pair in detect_language(line)] for line in lines]
    child = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(lines), capture_output=True, text=True,
                           cwd=PROJECT, env=os.environ | {"PYTHONHASHSEED": "12345"}, timeout=60, check=True)
    assert json.loads(child.stdout) == here


def test_decision_fingerprint_depends_on_decisions_only():
    case = make_case()
    first = F.run_cases([case], fake_cleaner(drop=lambda t: t in inserted_texts(case)))
    again = F.run_cases([case], fake_cleaner(drop=lambda t: t in inserted_texts(case)))
    other = F.run_cases([case], fake_cleaner())
    tops = {"sentences/de": [("de", 0.99)]}
    assert F.decision_fingerprint(first, tops) == F.decision_fingerprint(again, tops)
    assert F.decision_fingerprint(first, tops)["sha256"] != F.decision_fingerprint(other, tops)["sha256"]


@needs_bench
def test_whole_fragments_bench_meets_issue_4s_met_targets_and_off_topic_floor():
    """Issue 4 on the whole fragments benchmark (``python -m bench.fragments --parts
    foreign,off_topic``, ~10 s): inserted foreign sentences removed >= 97 % and the articles' own
    paragraphs kept >= 99.5 % (both directions); appended leads of other stories: the floor
    reached (session 9: 78.0 % removed, 11 own paragraphs lost next to them; session 10: 80.8 %, 3;
    session 11: 85.3 %, 3; session 12: 93.4 %, 2; session 13: 95.7 %, 0: the issue's target). A rule that takes an
    article's own lines (session 8's "Don't miss" label took 10 gold lines of a deals page: own
    kept 99.39 %) fails here."""
    report = F.run(BENCH, parts=("foreign", "off_topic"))
    for key in ("into_en", "from_en_all"):
        summary = report["foreign"][key]
        assert summary["fragments_removed_share"] >= 0.97, (key, summary["fragments_removed_share"])
        assert summary["own_kept_share"] >= 0.995, (key, summary["own_kept_share"])
    off_topic = report["off_topic"]
    assert off_topic["fragments_removed_share"] >= 0.95, off_topic["fragments_removed_share"]
    assert off_topic["own_lost_only_with_insertion"] == 0, off_topic["own_lost_only_with_insertion"]


@needs_bench
@pytest.mark.parametrize("seed, removed, own_lost", [(1, 0.949, 0), (2, 0.919, 0)])
def test_off_topic_floor_holds_for_other_draws_of_the_leads(seed, removed, own_lost):
    """The same benchmark with other seeds (other leads appended to other articles): the floor reached in
    session 13 (seed 1: 95.0 %, seed 2: 91.9 %, no own paragraph lost in either), so a rule tuned to seed 0's
    draw that costs the others fails here."""
    off_topic = F.run(BENCH, parts=("off_topic",), seed=seed)["off_topic"]
    assert off_topic["fragments_removed_share"] >= removed, off_topic["fragments_removed_share"]
    assert off_topic["own_lost_only_with_insertion"] <= own_lost, off_topic["own_lost_only_with_insertion"]


def test_language_timer_counts_the_collectors_pauses_and_those_inside_the_step(monkeypatch):
    """A collection inside the language step is counted as inside it; one outside is not; the
    timer's collector callback is gone afterwards."""
    import gc

    import cleaners.language as language

    real = language.mark_foreign_blocks

    def collecting(*args, **kwargs):
        gc.collect()
        return real(*args, **kwargs)

    monkeypatch.setattr(language, "mark_foreign_blocks", collecting)
    callbacks = list(gc.callbacks)
    with F.language_timer() as timing:
        gc.collect()  # outside the step
        outside = timing.collector_seconds
        assert outside > 0 and timing.collector_seconds_inside == 0
        language.mark_foreign_blocks([Block("The council met on Tuesday to discuss the budget for the library.")])
    assert timing.collector_seconds > outside
    assert 0 < timing.collector_seconds_inside == pytest.approx(timing.collector_seconds - outside)
    assert gc.callbacks == callbacks
