"""Quality metrics for the benchmark: shingle F1 and snippet F1.

Both are pure functions of strings; nothing here reads files or runs an
extractor.

**Shingle F1** follows the ScrapingHub article-extraction benchmark:
tokens are the matches of the regex ``\\w+`` (case kept as is), a text is the
multiset of its 4-token shingles, and a document scores the shared (tp), extra
(fp) and missing (fn) shingles, each divided by tp + fp + fn so that long
documents weigh no more than short ones. Precision is the mean over documents
with tp + fp > 0, recall the mean over documents with tp + fn > 0, and F1 the
harmonic mean of those two means.

**Snippet scores** follow trafilatura's evaluation of ``evaldata.json``: after
collapsing whitespace, a ``with`` snippet found in the output is a TP (else a
FN), a ``without`` snippet found is a FP (else a TN); counts are summed over
the corpus and F1 = 2TP / (2TP + FP + FN).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

__all__ = [
    "SHINGLE_SIZE",
    "tokenize",
    "shingles",
    "DocumentOverlap",
    "document_overlap",
    "ShingleScore",
    "shingle_score",
    "collapse_whitespace",
    "SnippetCounts",
    "count_snippets",
    "sum_snippet_counts",
]

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")
_WHITESPACE_RUN = re.compile(r"\s+")


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0.0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def _harmonic_mean(precision: float, recall: float) -> float:
    """F1 of a precision and a recall; 0.0 when both are 0.

    >>> _harmonic_mean(0.5, 1.0)
    0.6666666666666666
    """
    return _ratio(2 * precision * recall, precision + recall)


# --------------------------------------------------------------------------
# Shingle F1
# --------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """The ``\\w+`` tokens of ``text``, case kept.

    >>> tokenize("Hello, wide-world 42!")
    ['Hello', 'wide', 'world', '42']
    """
    return _TOKEN.findall(text or "")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``size``-token shingles of ``text``.

    A text with fewer than ``size`` tokens (but at least one) counts as a
    single, shorter shingle made of all its tokens, as the ScrapingHub
    benchmark does; a text without tokens has no shingles.

    >>> sorted(shingles("a b c d e a b c d").items())[:2]
    [(('a', 'b', 'c', 'd'), 2), (('b', 'c', 'd', 'e'), 1)]
    >>> shingles("two words")
    Counter({('two', 'words'): 1})
    >>> shingles("...")
    Counter()
    """
    tokens = tuple(tokenize(text))
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tokens])
    return Counter(tokens[i : i + size] for i in range(len(tokens) - size + 1))


@dataclass(frozen=True)
class DocumentOverlap:
    """Shared (tp), extra (fp) and missing (fn) shingles of one document,
    each divided by tp + fp + fn (all 0.0 when neither text has a token)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); None when the output has no shingle (not averaged)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); None when the gold has no shingle (not averaged)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else None


def document_overlap(gold: str, output: str, size: int = SHINGLE_SIZE) -> DocumentOverlap:
    """Compare the shingle multisets of ``gold`` and ``output``.

    >>> document_overlap("a b c d e", "a b c d x")   # 1 shared, 1 extra, 1 missing
    DocumentOverlap(tp=0.3333333333333333, fp=0.3333333333333333, fn=0.3333333333333333)
    >>> document_overlap("a b c d", "")
    DocumentOverlap(tp=0.0, fp=0.0, fn=1.0)
    """
    gold_shingles = shingles(gold, size)
    output_shingles = shingles(output, size)
    tp = sum((gold_shingles & output_shingles).values())
    fp = sum((output_shingles - gold_shingles).values())
    fn = sum((gold_shingles - output_shingles).values())
    total = tp + fp + fn
    if total == 0:
        return DocumentOverlap(0.0, 0.0, 0.0)
    return DocumentOverlap(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class ShingleScore:
    """Corpus-level shingle precision, recall and F1.

    ``precision_docs`` / ``recall_docs`` are how many documents each mean
    covers; ``documents`` is how many were scored.
    """

    precision: float
    recall: float
    f1: float
    documents: int
    precision_docs: int
    recall_docs: int


def _mean(values: list[float]) -> float:
    """Arithmetic mean; 0.0 for an empty list."""
    return _ratio(sum(values), len(values))


def shingle_score(overlaps: Iterable[DocumentOverlap]) -> ShingleScore:
    """Average per-document overlaps into corpus precision, recall and F1.

    A document with no output shingle is left out of the precision mean, one
    with no gold shingle out of the recall mean (so an empty output costs
    recall only). An empty mean is reported as 0.0.

    >>> perfect = document_overlap("a b c d e", "a b c d e")
    >>> missed = document_overlap("a b c d e", "")
    >>> shingle_score([perfect, missed])
    ShingleScore(precision=1.0, recall=0.5, f1=0.6666666666666666, documents=2, precision_docs=1, recall_docs=2)
    """
    overlaps = list(overlaps)
    precisions = [o.precision for o in overlaps if o.precision is not None]
    recalls = [o.recall for o in overlaps if o.recall is not None]
    precision, recall = _mean(precisions), _mean(recalls)
    return ShingleScore(
        precision=precision,
        recall=recall,
        f1=_harmonic_mean(precision, recall),
        documents=len(overlaps),
        precision_docs=len(precisions),
        recall_docs=len(recalls),
    )


# --------------------------------------------------------------------------
# Snippet scores
# --------------------------------------------------------------------------


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace become one space; ends are stripped.

    >>> collapse_whitespace("  a\\n\\n b\\t c ")
    'a b c'
    """
    return _WHITESPACE_RUN.sub(" ", text or "").strip()


@dataclass(frozen=True)
class SnippetCounts:
    """Summed snippet outcomes; precision, recall, F1 and accuracy from them.

    Each ratio is 0.0 when its denominator is 0.
    """

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def __add__(self, other: "SnippetCounts") -> "SnippetCounts":
        return SnippetCounts(
            self.tp + other.tp, self.fn + other.fn, self.fp + other.fp, self.tn + other.tn
        )

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn)


def count_snippets(
    output: str | None, with_snippets: Iterable[str], without_snippets: Iterable[str]
) -> SnippetCounts:
    """Score one output against its must-have and must-not-have snippets.

    ``None`` (no output) counts as an empty text: every ``with`` snippet is a
    FN and every ``without`` snippet a TN, as trafilatura counts it.

    >>> count_snippets("Der Text.\\n\\nImpressum", ["Der  Text."], ["Impressum", "Kontakt"])
    SnippetCounts(tp=1, fn=0, fp=1, tn=1)
    >>> count_snippets(None, ["a"], ["b"])
    SnippetCounts(tp=0, fn=1, fp=0, tn=1)
    """
    text = collapse_whitespace(output or "")
    found_with = [collapse_whitespace(s) in text for s in with_snippets]
    found_without = [collapse_whitespace(s) in text for s in without_snippets]
    return SnippetCounts(
        tp=sum(found_with),
        fn=len(found_with) - sum(found_with),
        fp=sum(found_without),
        tn=len(found_without) - sum(found_without),
    )


def sum_snippet_counts(counts: Iterable[SnippetCounts]) -> SnippetCounts:
    """Total of per-document counts.

    >>> sum_snippet_counts([SnippetCounts(1, 0, 0, 2), SnippetCounts(0, 1, 1, 0)])
    SnippetCounts(tp=1, fn=1, fp=1, tn=2)
    """
    total = SnippetCounts()
    for item in counts:
        total = total + item
    return total
