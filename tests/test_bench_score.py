"""Metric functions of the benchmark, on small cases worked out by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.score import (
    DocumentOverlap,
    SnippetCounts,
    count_snippets,
    document_overlap,
    shingle_score,
    shingles,
    sum_snippet_counts,
    tokenize,
)

# --------------------------------------------------------------------------
# shingles
# --------------------------------------------------------------------------


def test_tokens_are_word_runs_with_case_kept():
    assert tokenize("Don't stop—the U.S. 2024") == ["Don", "t", "stop", "the", "U", "S", "2024"]


def test_shingles_are_a_multiset_of_four_token_windows():
    assert shingles("a b c d a b c d") == Counter(
        {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1, ("c", "d", "a", "b"): 1,
         ("d", "a", "b", "c"): 1}
    )


def test_text_shorter_than_four_tokens_is_one_shingle():
    assert shingles("only three words") == Counter({("only", "three", "words"): 1})
    assert shingles(" , . ") == Counter()


# --------------------------------------------------------------------------
# per-document overlap
# --------------------------------------------------------------------------


def test_perfect_match():
    overlap = document_overlap("The quick brown fox jumps.", "The quick brown fox jumps")
    assert overlap == DocumentOverlap(tp=1.0, fp=0.0, fn=0.0)
    assert (overlap.precision, overlap.recall) == (1.0, 1.0)


def test_partial_overlap_by_hand():
    # gold shingles: abcd bcde cdef; output: abcd bcde cdex -> tp 2, fp 1, fn 1 (of 4)
    overlap = document_overlap("a b c d e f", "a b c d e x")
    assert overlap == DocumentOverlap(tp=0.5, fp=0.25, fn=0.25)
    assert overlap.precision == pytest.approx(2 / 3)
    assert overlap.recall == pytest.approx(2 / 3)


def test_repeated_shingles_count_as_often_as_they_occur():
    # gold has abcd twice plus bcda cdab dabc; output has abcd once -> tp 1, fp 0, fn 4
    overlap = document_overlap("a b c d a b c d", "a b c d")
    assert overlap == DocumentOverlap(tp=0.2, fp=0.0, fn=0.8)
    assert overlap.precision == 1.0
    assert overlap.recall == pytest.approx(0.2)


def test_a_shingle_repeated_on_both_sides_is_shared_as_often_as_it_repeats():
    # both have abcd twice -> tp 2; output extras bcdx cdxa dxab xabc -> fp 4;
    # gold-only bcda cdab dabc -> fn 3 (of 9)
    overlap = document_overlap("a b c d a b c d", "a b c d x a b c d")
    assert overlap.tp == pytest.approx(2 / 9)
    assert overlap.precision == pytest.approx(1 / 3)
    assert overlap.recall == pytest.approx(2 / 5)


def test_case_matters():
    overlap = document_overlap("Hello world", "hello world")
    assert overlap == DocumentOverlap(tp=0.0, fp=0.5, fn=0.5)
    assert (overlap.precision, overlap.recall) == (0.0, 0.0)


def test_empty_output_has_no_precision_and_zero_recall():
    overlap = document_overlap("a b c d e", "")
    assert overlap == DocumentOverlap(tp=0.0, fp=0.0, fn=1.0)
    assert overlap.precision is None
    assert overlap.recall == 0.0


# --------------------------------------------------------------------------
# corpus shingle score
# --------------------------------------------------------------------------


def test_corpus_of_perfect_documents_scores_one():
    score = shingle_score([document_overlap("a b c d e", "a b c d e")] * 3)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.documents == 3


def test_empty_output_costs_recall_only():
    score = shingle_score([document_overlap("a b c d e", "a b c d e"),
                           document_overlap("a b c d e", "")])
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 / 3)
    assert (score.precision_docs, score.recall_docs) == (1, 2)


def test_precision_and_recall_are_means_over_documents_and_f1_comes_from_the_means():
    # doc 1: P = R = 2/3; doc 2: P = 1, R = 1/5
    score = shingle_score([document_overlap("a b c d e f", "a b c d e x"),
                           document_overlap("a b c d a b c d", "a b c d")])
    assert score.precision == pytest.approx(5 / 6)
    assert score.recall == pytest.approx(13 / 30)
    assert score.f1 == pytest.approx(65 / 114)  # 2 * 5/6 * 13/30 / (5/6 + 13/30)


def test_documents_without_any_token_are_left_out_of_both_means():
    score = shingle_score([document_overlap("", ""), document_overlap("a b c d e f", "a b c d e x")])
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert (score.documents, score.precision_docs, score.recall_docs) == (2, 1, 1)


def test_empty_corpus_scores_zero():
    assert shingle_score([]).f1 == 0.0


# --------------------------------------------------------------------------
# snippets
# --------------------------------------------------------------------------


def test_all_snippets_right():
    counts = count_snippets("Main text here.\n\nMore text.", ["Main text here.", "More text."],
                            ["Impressum"])
    assert counts == SnippetCounts(tp=2, fn=0, fp=0, tn=1)
    assert (counts.precision, counts.recall, counts.f1, counts.accuracy) == (1.0, 1.0, 1.0, 1.0)


def test_whitespace_is_collapsed_in_output_and_snippet():
    counts = count_snippets("Main\n  text\there.", ["Main text   here."], [])
    assert counts == SnippetCounts(tp=1, fn=0, fp=0, tn=0)


def test_without_snippet_leaking_is_a_false_positive():
    counts = count_snippets("Main text here.\nImpressum Kontakt", ["Main text here."],
                            ["Impressum", "Datenschutz"])
    assert counts == SnippetCounts(tp=1, fn=0, fp=1, tn=1)
    assert counts.precision == 0.5
    assert counts.f1 == pytest.approx(2 / 3)  # 2*1 / (2*1 + 1 + 0)


def test_empty_output_misses_every_with_and_avoids_every_without():
    assert count_snippets("", ["a", "b"], ["c"]) == SnippetCounts(tp=0, fn=2, fp=0, tn=1)
    assert count_snippets(None, ["a", "b"], ["c"]) == SnippetCounts(tp=0, fn=2, fp=0, tn=1)


def test_counts_are_summed_over_the_corpus_before_the_ratios():
    total = sum_snippet_counts([SnippetCounts(tp=1, fn=0, fp=1, tn=1),
                                SnippetCounts(tp=0, fn=2, fp=0, tn=1)])
    assert total == SnippetCounts(tp=1, fn=2, fp=1, tn=2)
    assert total.f1 == pytest.approx(0.4)  # 2 / (2 + 1 + 2)
    assert total.precision == 0.5
    assert total.recall == pytest.approx(1 / 3)
    assert total.accuracy == 0.5


def test_ratios_without_any_count_are_zero():
    empty = SnippetCounts()
    assert (empty.precision, empty.recall, empty.f1, empty.accuracy) == (0.0, 0.0, 0.0, 0.0)
