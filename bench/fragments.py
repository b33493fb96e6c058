"""Foreign fragments, off-topic tails and block-language detection: ``python -m bench.fragments``.

The measurements of issue 4, all deterministic (fixed seeds, sorted inputs):

1. **Foreign fragments.** Each English ScrapingHub gold article (``articleBody``;
   English = the pipeline's own document language on the untouched gold text)
   is split into paragraphs (its non-blank lines). 1-3 sentences from
   ``lingua_testdata/sentences/<lang>.txt`` of other languages (every lingua
   language langdetect supports, dealt out in turn so each gets its share) are
   inserted, each as its own paragraph, at the start, in the middle or at the
   end. The text (paragraphs separated by blank lines) goes through
   ``clean_document(text, "x.txt")``. Counted: the share of inserted fragments
   removed (and by which reason), and the share of the article's own lines
   still in the output text, next to the same share for the untouched article
   (so losses the insertion causes are told apart from losses the text path
   has anyway).
   The reverse: English sentences (``en.txt``) inserted into articles in de,
   fr, es, ru and ja. Those host articles are built from lingua sentences of
   that language: 8-15 sentences grouped into 4-6 paragraphs (unrelated
   sentences, so a host has no single topic).
2. **Off-topic tails.** To each English gold article, 2-4 paragraphs are
   appended: the first full-sentence line of as many other English gold
   articles. Counted as above.
3. **Fragment language accuracy.** Every lingua language langdetect supports,
   ``sentences`` and ``word-pairs``, the first ``--per-lang`` lines each:
   ``cleaners.language.detect_language`` (default seed, text cut to
   ``block_sample_chars`` as the pipeline does); top-1 accuracy as published,
   and under the pipeline's undetermined policy (top probability below
   ``min_foreign_probability`` = undetermined = wrong).
4. **Language time share.** The pipeline over the ScrapingHub HTML pages and
   text dumps, with ``cleaners.language``'s detector (``detect_language``,
   ``language_ranking``) and ``mark_foreign_blocks`` timed by a context manager that patches them for
   the duration (bench code only; nested calls are not counted twice).
5. **Determinism across processes.** Two subprocesses (different
   ``PYTHONHASHSEED``) recompute the block decisions of the first foreign
   fragment cases and the top languages of the first lingua lines; their
   digests must equal each other and this process's.

Paragraph outcomes are found by aligning the input paragraphs with the
article's blocks in order (exact match after whitespace/NFKC/case
normalisation, else a close match among the next few blocks). An outcome is
``kept``, ``title`` (became the article title, so not in the text),
``<reason>@<step>[:<rule>]`` for a dropped block, ``rejected:<reason>`` when
the whole input was rejected, or ``unmatched``. A fragment counts as removed
when it is dropped or rejected; ``title`` and ``unmatched`` count as leaks.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import difflib
import functools
import gc
import hashlib
import html
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from bench import corpora

__all__ = [
    "Paragraph", "Case", "CaseResult", "Cleaner", "default_cleaner",
    "langdetect_languages", "expected_detections", "supported_lingua_languages",
    "insert_fragments", "foreign_cases", "into_cases", "off_topic_cases", "english_articles",
    "paragraph_outcomes", "run_cases", "summarize", "is_removed",
    "line_accuracy", "published_langdetect", "language_timer", "time_language_share",
    "decision_fingerprint", "run", "format_report", "main",
]

KEPT, TITLE, UNMATCHED, REJECTED = "kept", "title", "unmatched", "rejected"
OWN, INSERTED = "own", "inserted"
POSITIONS = ("start", "middle", "end")
PARTS = ("foreign", "off_topic", "accuracy", "timing", "determinism")
INTO_LANGUAGES = ("de", "fr", "es", "ru", "ja")
ACCURACY_KINDS = ("sentences", "word-pairs")
TARGETS = {"fragments_removed": 0.97, "own_kept": 0.995, "off_topic_removed": 0.95,
           "language_time_share": 0.20}

Cleaner = Callable[[str, str], Any]
"""(text, path) -> Article | RejectedInput."""


# --------------------------------------------------------------------------
# Languages: lingua file names (ISO 639-1) against langdetect's profiles
# --------------------------------------------------------------------------

#: lingua's language names as they appear in the accuracy reports.
LINGUA_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian",
    "bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gu": "Gujarati",
    "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ka": "Georgian",
    "kk": "Kazakh", "ko": "Korean", "la": "Latin", "lg": "Ganda", "lt": "Lithuanian", "lv": "Latvian",
    "mi": "Maori", "mk": "Macedonian", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay",
    "nb": "Bokmal", "nl": "Dutch", "nn": "Nynorsk", "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovene", "sn": "Shona", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "st": "Sotho", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tn": "Tswana", "tr": "Turkish", "ts": "Tsonga",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "xh": "Xhosa", "yo": "Yoruba", "zh": "Chinese",
    "zu": "Zulu",
}

#: lingua codes the detectors answer with other codes.
_LINGUA_TO_LANGDETECT = {"nb": ("no",), "nn": ("no",)}


@functools.lru_cache(maxsize=1)
def langdetect_languages() -> frozenset[str]:
    """The codes ``cleaners.language`` answers with: langdetect's 55 profiles, Chinese as ``zh``."""
    from cleaners.language import LANGUAGES

    return frozenset(LANGUAGES)


def expected_detections(lingua_code: str) -> frozenset[str]:
    """The detector answers that are right for a lingua file; empty when unsupported.

    >>> sorted(expected_detections("zh")), sorted(expected_detections("nn")), sorted(expected_detections("de"))
    (['zh'], ['no'], ['de'])
    >>> expected_detections("eo")
    frozenset()
    """
    codes = _LINGUA_TO_LANGDETECT.get(lingua_code, (lingua_code,))
    return frozenset(c for c in codes if c in langdetect_languages())


def supported_lingua_languages(bench_dir: Path, kind: str = "sentences") -> list[str]:
    """lingua's languages (file names) that langdetect can answer, sorted."""
    return [c for c in corpora.lingua_languages(bench_dir, kind) if expected_detections(c)]


# --------------------------------------------------------------------------
# Cases: a list of paragraphs, each own or inserted
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str  # OWN or INSERTED
    language: str | None = None  # lingua code of an inserted fragment
    position: str | None = None  # start / middle / end of an inserted fragment


@dataclass(frozen=True)
class Case:
    case_id: str
    experiment: str  # "foreign", "into", "off_topic", "baseline"
    host_language: str
    paragraphs: tuple[Paragraph, ...]
    path: str = "x.txt"

    @property
    def text(self) -> str:
        """Paragraphs separated by blank lines (so the text path never joins two)."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def own(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.role == OWN)


def _visible(line: str) -> bool:
    """Has a character that is neither white space nor a format character (e.g. U+200B)."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in line)


def paragraphs_of(body: str) -> list[str]:
    """The lines of a text with something visible on them, stripped.

    >>> paragraphs_of(" a \\n\\n\\u200b\\n b\\n")
    ['a', 'b']
    """
    return [line.strip() for line in body.splitlines() if _visible(line)]


def insert_fragments(
    own: Sequence[str], fragments: Sequence[tuple[str, str]], rng: random.Random
) -> tuple[Paragraph, ...]:
    """Own lines with ``fragments`` ((text, language) each) put at random start/middle/end gaps.

    A "middle" needs two own lines; with fewer it becomes "end".

    >>> ps = insert_fragments(["a", "b", "c"], [("x", "de")], random.Random(1))
    >>> [(p.text, p.role) for p in ps if p.role == "own"], len(ps)
    ([('a', 'own'), ('b', 'own'), ('c', 'own')], 4)
    """
    gaps: dict[int, list[Paragraph]] = defaultdict(list)
    for text, language in fragments:
        position = rng.choice(POSITIONS)
        if position == "middle" and len(own) < 2:
            position = "end"
        gap = {"start": 0, "end": len(own)}.get(position)
        if gap is None:
            gap = rng.randint(1, len(own) - 1)
        gaps[gap].append(Paragraph(text, INSERTED, language, position))
    result: list[Paragraph] = []
    for index in range(len(own) + 1):
        result += gaps.get(index, [])
        if index < len(own):
            result.append(Paragraph(own[index], OWN))
    return tuple(result)


class _Dealer:
    """Deals sentences of the requested language without replacement (reshuffled when used up),
    and languages in shuffled rounds so every language gets its share."""

    def __init__(self, pools: dict[str, list[str]], rng: random.Random):
        self._pools = pools
        self._rng = rng
        self._left: dict[str, list[str]] = {}
        self._round: list[str] = []

    def sentence(self, language: str) -> str:
        if not self._left.get(language):
            pool = list(self._pools[language])
            self._rng.shuffle(pool)
            self._left[language] = pool
        return self._left[language].pop()

    def language(self) -> str:
        if not self._round:
            self._round = sorted(self._pools)
            self._rng.shuffle(self._round)
        return self._round.pop()


def english_articles(
    bench_dir: Path, clean: Cleaner, split: str = "all", limit: int | None = None
) -> Iterator[tuple[str, list[str], "CaseResult"]]:
    """``(id, own lines, result of the untouched article)`` for gold articles the pipeline calls English.

    Lazy, in id order: the untouched run is both the language test and the baseline.
    """
    for doc_id, body in corpora.scrapinghub_gold(bench_dir, split, limit):
        own = paragraphs_of(body)
        if not own:
            continue
        case = Case(f"{doc_id}/baseline", "baseline", "en", tuple(Paragraph(t, OWN) for t in own))
        result = run_case(case, clean)
        if result.document_language == "en":
            yield doc_id, own, result


def _sentence_pools(bench_dir: Path, languages: Iterable[str]) -> dict[str, list[str]]:
    """lingua sentences per language, HTML entities (``&#233;``, in some of its lines) unescaped."""
    return {code: [html.unescape(line) for line in corpora.lingua_lines(bench_dir, "sentences", code)]
            for code in languages}


def foreign_cases(
    articles: Iterable[tuple[str, list[str]]], pools: dict[str, list[str]], seed: int, variants: int,
) -> Iterator[Case]:
    """For each article, ``variants`` copies with 1-3 foreign sentences inserted (lazy, in order)."""
    rng = random.Random(f"{seed}:foreign")
    dealer = _Dealer(pools, rng)
    for doc_id, own in articles:
        for variant in range(variants):
            count = rng.randint(1, 3)
            fragments = []
            for _ in range(count):
                language = dealer.language()
                fragments.append((dealer.sentence(language), language))
            yield Case(f"{doc_id}/foreign{variant}", "foreign", "en", insert_fragments(own, fragments, rng))


def into_cases(bench_dir: Path, host: str, count: int, seed: int) -> Iterator[Case]:
    """``count`` host articles in ``host`` built from lingua sentences, 1-3 English sentences inserted."""
    rng = random.Random(f"{seed}:into:{host}")
    host_dealer = _Dealer(_sentence_pools(bench_dir, [host]), rng)
    english = _Dealer(_sentence_pools(bench_dir, ["en"]), rng)
    for number in range(count):
        sentences = [host_dealer.sentence(host) for _ in range(rng.randint(8, 15))]
        groups = rng.randint(4, 6)
        cuts = sorted(rng.sample(range(1, len(sentences)), groups - 1))
        joiner = "" if host in ("ja", "zh") else " "
        own = [joiner.join(sentences[a:b]) for a, b in zip([0, *cuts], [*cuts, len(sentences)])]
        fragments = [(english.sentence("en"), "en") for _ in range(rng.randint(1, 3))]
        yield Case(f"{host}-{number:03d}/into", "into", host, insert_fragments(own, fragments, rng))


_FULL_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*$")
MIN_SENTENCE_WORDS = 8


def first_full_sentence(own: Sequence[str]) -> str | None:
    """The first line that reads as full sentences: ends with . ! or ?, no ellipsis, 8+ words.

    >>> first_full_sentence(["Menu", "Read more…", "The council voted on Tuesday to close the old mill for good."])
    'The council voted on Tuesday to close the old mill for good.'
    """
    for line in own:
        if ("…" not in line and "..." not in line and _FULL_SENTENCE_END.search(line)
                and len(line.split()) >= MIN_SENTENCE_WORDS):
            return line
    return None


def off_topic_cases(articles: Sequence[tuple[str, list[str]]], seed: int) -> Iterator[Case]:
    """Each article with 2-4 paragraphs appended: the first full-sentence line of as many other articles."""
    rng = random.Random(f"{seed}:offtopic")
    leads = {doc_id: first_full_sentence(own) for doc_id, own in articles}
    donors_all = [doc_id for doc_id, _ in articles if leads[doc_id]]
    for doc_id, own in articles:
        others = [d for d in donors_all if d != doc_id and leads[d] not in own]
        chosen = rng.sample(others, min(rng.randint(2, 4), len(others)))
        appended = [Paragraph(leads[d], INSERTED, "en", "end") for d in chosen]
        paragraphs = tuple(Paragraph(t, OWN) for t in own) + tuple(appended)
        yield Case(f"{doc_id}/offtopic", "off_topic", "en", paragraphs)


# --------------------------------------------------------------------------
# Running and aligning
# --------------------------------------------------------------------------


def default_cleaner() -> Cleaner:
    """``clean_document`` with the default config."""
    from cleaners.pipeline import CleanConfig, clean_document

    config = CleanConfig()
    return lambda text, path: clean_document(text, path, config)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", html.unescape(text)).split()).casefold()


def block_label(block: Any) -> str:
    """``kept`` or ``<reason>@<step>[:<rule>]`` of a dropped block."""
    decision = block.decision
    if decision is None:
        return KEPT
    rule = decision.evidence.get("rule") if decision.evidence else None
    return f"{decision.reason.value}@{decision.step}" + (f":{rule}" if rule else "")


def is_removed(label: str) -> bool:
    """Dropped or rejected (``kept``, ``title`` and ``unmatched`` are not).

    >>> [is_removed(x) for x in ("kept", "title", "unmatched", "foreign_language@language", "rejected:no_text")]
    [False, False, False, True, True]
    """
    return label not in (KEPT, TITLE, UNMATCHED)


def reason_of(label: str) -> str:
    """The reason part of an outcome label.

    >>> reason_of("boilerplate@boilerplate:menu"), reason_of("rejected:no_text"), reason_of("kept")
    ('boilerplate', 'rejected:no_text', 'kept')
    """
    return label.split("@", 1)[0]


LOOKAHEAD = 4
CLOSE_MATCH = 0.85


def paragraph_outcomes(case: Case, result: Any) -> list[str]:
    """One outcome label per paragraph of ``case``, from the pipeline's ``result``."""
    if not hasattr(result, "blocks"):
        return [f"{REJECTED}:{result.reason.value}"] * len(case.paragraphs)
    blocks = list(result.blocks)
    norms = [_norm(b.text) for b in blocks]
    title = _norm(result.title) if getattr(result, "title", None) else None
    outcomes, j = [], 0
    for index, paragraph in enumerate(case.paragraphs):
        target = _norm(paragraph.text)
        if index == 0 and title is not None and target == title and (not norms or norms[0] != target):
            outcomes.append(TITLE)
            continue
        window = range(j, min(j + LOOKAHEAD, len(blocks)))
        found = next((k for k in range(j, len(blocks)) if norms[k] == target), None)
        if found is None:
            found = next((k for k in window
                          if difflib.SequenceMatcher(None, norms[k], target).ratio() >= CLOSE_MATCH), None)
        if found is None:
            outcomes.append(UNMATCHED)
            continue
        outcomes.append(block_label(blocks[found]))
        j = found + 1
    return outcomes


@dataclass(frozen=True)
class CaseResult:
    case: Case
    outcomes: tuple[str, ...]
    document_language: str | None
    #: Every block's language decision, for the determinism digest.
    decisions: tuple[tuple, ...] = ()


def _decisions(result: Any) -> tuple[tuple, ...]:
    if not hasattr(result, "blocks"):
        return (("rejected", result.reason.value),)
    rows = [("document", result.language, result.language_score)]
    for block in result.blocks:
        evidence = block.decision.evidence if block.decision else {}
        rows.append((block.kept, block.decision.reason.value if block.decision else None,
                     block.language, evidence.get("language"), evidence.get("score")))
    return tuple(rows)


def run_case(case: Case, clean: Cleaner) -> CaseResult:
    result = clean(case.text, case.path)
    return CaseResult(case, tuple(paragraph_outcomes(case, result)),
                      getattr(result, "language", None), _decisions(result))


def run_cases(cases: Iterable[Case], clean: Cleaner) -> list[CaseResult]:
    return [run_case(case, clean) for case in cases]


# --------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _judgeable(text: str) -> bool:
    """Long enough for the language step to judge it at all (LanguageConfig limits)."""
    from cleaners.language import LanguageConfig

    config = LanguageConfig()
    return len(text) >= config.min_block_chars and len(text.split()) >= config.min_block_words


def summarize(results: Sequence[CaseResult], baselines: dict[str, CaseResult] | None = None,
              judgeable: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """Counts over cases: fragments removed (by reason, language, position), own lines kept.

    ``baselines`` maps an article id (the case id before ``/``) to its untouched
    run, whose own-line outcomes give ``own_kept_baseline`` and tell losses the
    insertion caused (``own_lost_only_with_insertion``).
    """
    fragments = Counter()
    removed_by_reason: Counter[str] = Counter()
    removed_by_outcome: Counter[str] = Counter()
    leaked_as: Counter[str] = Counter()
    by_language: dict[str, Counter] = defaultdict(Counter)
    by_position: dict[str, Counter] = defaultdict(Counter)
    own = Counter()
    own_lost: Counter[str] = Counter()
    own_lost_baseline: Counter[str] = Counter()
    cases_losing = 0
    leaks, losses = [], []
    wrong_document_language = 0
    for result in results:
        case = result.case
        if result.document_language != _expected_document_language(case.host_language):
            wrong_document_language += 1
        base = baselines.get(case.case_id.split("/")[0]) if baselines else None
        base_own = [o for o, p in zip(base.outcomes, base.case.paragraphs) if p.role == OWN] if base else None
        own_index = 0
        cases_losing += any(o != KEPT for o, p in zip(result.outcomes, case.paragraphs) if p.role == OWN)
        for paragraph, outcome in zip(case.paragraphs, result.outcomes):
            if paragraph.role == INSERTED:
                removed = is_removed(outcome)
                fragments["total"] += 1
                fragments["removed"] += removed
                stats = by_language[paragraph.language or "?"]
                if judgeable is not None and judgeable(paragraph.text):
                    fragments["judgeable"] += 1
                    fragments["judgeable_removed"] += removed
                    stats["judgeable"] += 1
                stats["total"] += 1
                stats["removed"] += removed
                stats["foreign_language"] += reason_of(outcome) == "foreign_language"
                by_position[paragraph.position or "?"]["total"] += 1
                by_position[paragraph.position or "?"]["removed"] += removed
                if removed:
                    removed_by_reason[reason_of(outcome)] += 1
                    removed_by_outcome[outcome] += 1
                else:
                    leaked_as[outcome] += 1
                    leaks.append({"case": case.case_id, "language": paragraph.language,
                                  "position": paragraph.position, "outcome": outcome, "text": paragraph.text})
                continue
            kept = outcome == KEPT
            own["total"] += 1
            own["kept"] += kept
            own["chars"] += len(paragraph.text)
            own["kept_chars"] += len(paragraph.text) if kept else 0
            base_kept = None
            if base_own is not None and own_index < len(base_own):
                base_kept = base_own[own_index] == KEPT
                own["baseline_total"] += 1
                own["baseline_kept"] += base_kept
                if not base_kept:
                    own_lost_baseline[base_own[own_index]] += 1
            own_index += 1
            if not kept:
                own_lost[outcome] += 1
                if base_kept:
                    own["lost_only_with_insertion"] += 1
                losses.append({"case": case.case_id, "outcome": outcome, "kept_untouched": base_kept,
                               "text": paragraph.text[:200]})
    languages = {
        code: {"fragments": c["total"], "removed": c["removed"], "by_foreign_language": c["foreign_language"],
               "judgeable": c["judgeable"], "removed_share": _share(c["removed"], c["total"])}
        for code, c in sorted(by_language.items())
    }
    return {
        "cases": len(results),
        "document_language_not_host": wrong_document_language,
        "fragments": fragments["total"],
        "fragments_removed": fragments["removed"],
        "fragments_removed_share": _share(fragments["removed"], fragments["total"]),
        "removed_by_reason": dict(sorted(removed_by_reason.items())),
        "removed_by_outcome": dict(removed_by_outcome.most_common()),
        "removed_by_foreign_language_share": _share(removed_by_reason["foreign_language"], fragments["total"]),
        "removed_by_other_share": _share(fragments["removed"] - removed_by_reason["foreign_language"],
                                         fragments["total"]),
        "leaked_as": dict(sorted(leaked_as.items())),
        "judgeable_fragments": fragments["judgeable"] if judgeable else None,
        "judgeable_removed_share": _share(fragments["judgeable_removed"], fragments["judgeable"]) if judgeable else None,
        "by_language": languages,
        "by_position": {k: {"fragments": v["total"], "removed_share": _share(v["removed"], v["total"])}
                        for k, v in sorted(by_position.items())},
        "own_paragraphs": own["total"],
        "own_kept": own["kept"],
        "own_kept_share": _share(own["kept"], own["total"]),
        "own_kept_chars_share": _share(own["kept_chars"], own["chars"]),
        "cases_losing_own": cases_losing,
        "own_kept_share_untouched": _share(own["baseline_kept"], own["baseline_total"]) if baselines else None,
        "own_lost_only_with_insertion": own["lost_only_with_insertion"] if baselines else None,
        "own_lost_by_outcome": dict(own_lost.most_common()),
        "own_lost_by_outcome_untouched": dict(own_lost_baseline.most_common()) if baselines else None,
        "leaks": leaks,
        "losses": losses,
    }


def _expected_document_language(host: str) -> str | None:
    codes = expected_detections(host)
    return next(iter(sorted(codes))) if len(codes) == 1 else None


# --------------------------------------------------------------------------
# Fragment language accuracy (lingua test data)
# --------------------------------------------------------------------------


def line_accuracy(lines: Sequence[str], expected: frozenset[str], config: Any = None
                  ) -> tuple[dict[str, Any], list[tuple[str | None, float]]]:
    """Top-1 accuracy, and accuracy/coverage when a top probability below the config's
    ``min_foreign_probability`` is undetermined; with the (language, probability) tops for
    the determinism digest. Each line is cut to ``block_sample_chars`` as the pipeline does."""
    from cleaners.language import LanguageConfig, detect_language

    config = config or LanguageConfig()
    min_probability, sample_chars = config.min_foreign_probability, config.block_sample_chars
    tops, counts = [], Counter()
    for line in lines:
        ranked = detect_language(line[:sample_chars], config)
        top, probability = ranked[0] if ranked else (None, 0.0)
        tops.append((top, probability))
        right = top in expected
        determined = probability >= min_probability
        counts["top1"] += right
        counts["determined"] += determined
        counts["determined_right"] += determined and right
        counts["judgeable"] += _judgeable(line)
    n = len(lines)
    return {
        "lines": n,
        "top1_accuracy": _share(counts["top1"], n),
        "accuracy": _share(counts["determined_right"], n),
        "coverage": _share(counts["determined"], n),
        "accuracy_determined": _share(counts["determined_right"], counts["determined"]),
        "judgeable_share": _share(counts["judgeable"], n),
    }, tops


def published_langdetect(bench_dir: Path, kind: str) -> dict[str, float]:
    """langdetect's published accuracy per lingua code (0-1), from lingua's accuracy report."""
    path = bench_dir / "lingua_testdata" / "accuracy-reports" / f"{kind}-accuracy-values.csv"
    by_name = {name: code for code, name in LINGUA_NAMES.items()}
    published = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = row.get("langdetect", "NaN")
            code = by_name.get(row["language"])
            if code and value not in ("", "NaN"):
                published[code] = float(value) / 100
    return published


def _mean(values: Iterable[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def accuracy_report(bench_dir: Path, per_lang: int, seed: int, detector: str | None = None
                    ) -> tuple[dict[str, Any], dict[str, list]]:
    """Accuracy per kind of the given detector (default: the pipeline's)."""
    from cleaners.language import LanguageConfig

    config = LanguageConfig(seed=seed)
    if detector:
        config = config._replace(detector=detector)
    report, tops_by_key = {}, {}
    for kind in ACCURACY_KINDS:
        published = published_langdetect(bench_dir, kind)
        per_language, seconds, count = {}, 0.0, 0
        for code in supported_lingua_languages(bench_dir, kind):
            lines = corpora.lingua_lines(bench_dir, kind, code, per_lang)
            start = time.perf_counter()
            stats, tops = line_accuracy(lines, expected_detections(code), config)
            seconds += time.perf_counter() - start
            count += len(lines)
            per_language[code] = stats | {"published_langdetect": published.get(code)}
            tops_by_key[f"{kind}/{code}"] = tops
        same = [c for c in per_language if c in published]
        report[kind] = {
            "detector": config.detector,
            "ms_per_line": round(1000 * seconds / count, 4) if count else None,
            "languages": len(per_language),
            "lines_per_language": per_lang,
            "mean": {key: _mean(s[key] for s in per_language.values())
                     for key in ("top1_accuracy", "accuracy", "coverage", "accuracy_determined", "judgeable_share")},
            "published_languages": len(same),
            "mean_same_languages": {
                "ours_top1_accuracy": _mean(per_language[c]["top1_accuracy"] for c in same),
                "ours_accuracy": _mean(per_language[c]["accuracy"] for c in same),
                "published_langdetect": _mean(published[c] for c in same),
            },
            "per_language": per_language,
        }
    return report, tops_by_key


# --------------------------------------------------------------------------
# Time spent in language detection
# --------------------------------------------------------------------------


@dataclass
class LanguageTiming:
    seconds: Counter = field(default_factory=Counter)
    calls: Counter = field(default_factory=Counter)
    #: Time inside the outermost language call only (nested calls not counted twice).
    outer_seconds: float = 0.0
    #: The garbage collector's pauses while timing, and those of them inside the language step:
    #: a full collection walks the models' tables (~45 ms) and lands in whichever step allocates
    #: the object that triggers it, so it moves the step's share by several points from one
    #: checkout to the next without any change to the step.
    collector_seconds: float = 0.0
    collector_seconds_inside: float = 0.0


_TIMED_FUNCTIONS = ("detect_language", "language_ranking", "mark_foreign_blocks")
#: The detector's entry points: the judgements ask ``language_ranking`` (which asks
#: ``detect_language`` for langdetect); a call inside another is not counted twice.
_DETECTOR_FUNCTIONS = ("detect_language", "language_ranking")


@contextmanager
def language_timer() -> Iterator[LanguageTiming]:
    """Time ``cleaners.language``'s detector (``detect_language``, ``language_ranking``) and
    ``mark_foreign_blocks`` while inside.

    Each function is replaced, for the duration only, wherever a ``cleaners``
    module holds it (``cleaners.pipeline`` imported ``mark_foreign_blocks`` by
    name), and restored afterwards, even on error.
    """
    import cleaners.language as language

    timing = LanguageTiming()
    depth = [0]
    detector_depth = [0]

    def timed(name: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            detector_depth[0] += name in _DETECTOR_FUNCTIONS
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                depth[0] -= 1
                if name in _DETECTOR_FUNCTIONS:
                    detector_depth[0] -= 1
                    if detector_depth[0] == 0:
                        timing.seconds["detector"] += elapsed
                        timing.calls["detector"] += 1
                timing.seconds[name] += elapsed
                timing.calls[name] += 1
                if depth[0] == 0:
                    timing.outer_seconds += elapsed
        return wrapper

    collection_started = [0.0]

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            collection_started[0] = time.perf_counter()
            return
        pause = time.perf_counter() - collection_started[0]
        timing.collector_seconds += pause
        if depth[0]:
            timing.collector_seconds_inside += pause

    originals = {name: getattr(language, name) for name in _TIMED_FUNCTIONS}
    wrappers = {name: timed(name, function) for name, function in originals.items()}
    patched = []
    gc.callbacks.append(on_collection)
    try:
        for module_name, module in sorted(sys.modules.items()):
            if module is None or not (module_name == "cleaners" or module_name.startswith("cleaners.")):
                continue
            for name, function in originals.items():
                if getattr(module, name, None) is function:
                    setattr(module, name, wrappers[name])
                    patched.append((module, name, function))
        yield timing
    finally:
        gc.callbacks.remove(on_collection)
        for module, name, function in patched:
            setattr(module, name, function)


def time_language_share(documents: Iterable[corpora.BenchDocument], clean: Callable[[bytes, str], Any]
                        ) -> dict[str, Any]:
    """Total pipeline time and time inside the language functions over ``documents``."""
    documents = list(documents)
    if documents:
        clean(documents[0].data, documents[0].name)  # untimed warm-up
    total = 0.0
    with language_timer() as timing:
        for doc in documents:
            start = time.perf_counter()
            clean(doc.data, doc.name)
            total += time.perf_counter() - start
    return {
        "documents": len(documents),
        "pipeline_seconds": total,
        "language_seconds": timing.outer_seconds,
        "language_share": _share(timing.outer_seconds, total),
        # the detector's outermost calls (detect_language or language_ranking)
        "detect_language_seconds": timing.seconds["detector"],
        "detect_language_calls": timing.calls["detector"],
        "detect_language_share": _share(timing.seconds["detector"], total),
        "mark_foreign_blocks_calls": timing.calls["mark_foreign_blocks"],
        # the collector's pauses (all, and those that fell inside the language step), and the
        # share with them taken out of both sides: what the step costs by itself
        "collector_seconds": timing.collector_seconds,
        "language_collector_seconds": timing.collector_seconds_inside,
        "language_share_without_collector": _share(timing.outer_seconds - timing.collector_seconds_inside,
                                                   total - timing.collector_seconds),
    }


# --------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------


def decision_fingerprint(results: Sequence[CaseResult], tops: dict[str, list]) -> dict[str, Any]:
    """A SHA-256 over the cases' block decisions and the lingua lines' top languages."""
    payload = {"cases": [[r.case.case_id, [list(d) for d in r.decisions]] for r in results],
               "lines": {key: [list(t) for t in value] for key, value in sorted(tops.items())}}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return {"sha256": hashlib.sha256(blob).hexdigest(), "cases": len(results),
            "lines": sum(len(v) for v in tops.values())}


def _fingerprint_inputs(args: argparse.Namespace, bench_dir: Path, clean: Cleaner,
                        foreign: Sequence[CaseResult] | None = None,
                        into: dict[str, Sequence[CaseResult]] | None = None,
                        tops: dict[str, list] | None = None) -> dict[str, Any]:
    """The digest over the first ``--determinism-cases`` foreign cases, as many 'into' cases per
    host language (capped by ``--hosts-per-lang``) and the first ``--determinism-lines`` lingua lines
    per language and kind; computed afresh unless results are given."""
    n_cases, n_lines = args.determinism_cases, args.determinism_lines
    n_into = min(n_cases, args.hosts_per_lang)
    if foreign is None:
        articles = ((doc_id, own) for doc_id, own, _ in english_articles(bench_dir, clean, args.split, args.limit))
        pools = _sentence_pools(bench_dir, _fragment_languages(bench_dir, "en"))
        cases = list(_take(foreign_cases(articles, pools, args.seed, args.variants), n_cases))
        foreign = run_cases(cases, clean)
    if into is None:
        into = {h: run_cases(into_cases(bench_dir, h, n_into, args.seed), clean) for h in INTO_LANGUAGES}
    results = list(foreign[:n_cases]) + [r for h in INTO_LANGUAGES for r in into[h][:n_into]]
    if tops is None:
        from cleaners.language import LanguageConfig

        config = LanguageConfig(seed=args.seed)
        tops = {}
        for kind in ACCURACY_KINDS:
            for code in supported_lingua_languages(bench_dir, kind):
                lines = corpora.lingua_lines(bench_dir, kind, code, n_lines)
                tops[f"{kind}/{code}"] = line_accuracy(lines, expected_detections(code), config)[1]
    tops = {key: value[:n_lines] for key, value in tops.items()}
    return decision_fingerprint(results, tops)


def _take(iterable: Iterable, n: int) -> Iterator:
    for index, item in enumerate(iterable):
        if index >= n:
            return
        yield item


def _subprocess_fingerprints(args: argparse.Namespace, bench_dir: Path, runs: int = 2) -> list[dict[str, Any]]:
    """The fingerprint computed in ``runs`` fresh interpreters at once, each with its own PYTHONHASHSEED."""
    project_root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "bench.fragments", "--fingerprint-only", "--bench-dir", str(bench_dir),
               "--seed", str(args.seed), "--variants", str(args.variants), "--split", args.split,
               "--hosts-per-lang", str(args.hosts_per_lang),
               "--determinism-cases", str(args.determinism_cases),
               "--determinism-lines", str(args.determinism_lines)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    processes = [
        subprocess.Popen(command, cwd=project_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=os.environ | {"PYTHONHASHSEED": str(hash_seed)})
        for hash_seed in (1, 2, 3, 4)[:runs]
    ]
    prints = []
    for process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"fingerprint subprocess failed ({process.returncode}): {err[-2000:]}")
        prints.append(json.loads(out.strip().splitlines()[-1]))
    return prints


# --------------------------------------------------------------------------
# The whole run
# --------------------------------------------------------------------------


def _fragment_languages(bench_dir: Path, host: str) -> list[str]:
    """Every lingua sentence language langdetect supports, other than ``host``."""
    own = expected_detections(host)
    return [c for c in supported_lingua_languages(bench_dir) if not expected_detections(c) & own]


def _code_state() -> dict[str, Any]:
    """The commit and the uncommitted files of the project (results depend on the working tree)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--", "cleaners")
    return {"commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_cleaners_files": status.splitlines() if status else []}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(bench_dir: Path, *, parts: Sequence[str] = (), seed: int = 0, variants: int = 3, hosts_per_lang: int = 30,
        per_lang: int = 200, split: str = "all", limit: int | None = None, determinism_cases: int = 40,
        determinism_lines: int = 20, clean: Cleaner | None = None) -> dict[str, Any]:
    """All measurements (``parts``: any of foreign, off_topic, accuracy, timing, determinism; empty = all)."""
    parts = tuple(parts) or PARTS
    clean = clean or default_cleaner()
    args = argparse.Namespace(seed=seed, variants=variants, hosts_per_lang=hosts_per_lang, split=split,
                              limit=limit, determinism_cases=determinism_cases, determinism_lines=determinism_lines)
    report: dict[str, Any] = {"meta": {
        "bench_dir": str(bench_dir), "parts": list(parts), "seed": seed, "variants": variants,
        "hosts_per_lang": hosts_per_lang, "per_lang": per_lang, "split": split, "limit": limit,
        "python": platform.python_version(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host_articles_into": "built from lingua sentences of the host language: 8-15 sentences in 4-6 paragraphs",
        "code": _code_state(),
    }}
    need_articles = {"foreign", "off_topic", "determinism"} & set(parts)
    baselines: dict[str, CaseResult] = {}
    articles: list[tuple[str, list[str]]] = []
    if need_articles:
        start = time.perf_counter()
        for doc_id, own, base in english_articles(bench_dir, clean, split, limit):
            articles.append((doc_id, own))
            baselines[doc_id] = base
        report["meta"]["english_articles"] = len(articles)
        _log(f"  {len(articles)} English gold articles ({time.perf_counter() - start:.1f} s)")
    foreign_results: list[CaseResult] | None = None
    into_results: dict[str, list[CaseResult]] | None = None
    tops: dict[str, list] | None = None
    if "foreign" in parts:
        start = time.perf_counter()
        languages = _fragment_languages(bench_dir, "en")
        pools = _sentence_pools(bench_dir, languages)
        foreign_results = run_cases(foreign_cases(articles, pools, seed, variants), clean)
        into_results = {h: run_cases(into_cases(bench_dir, h, hosts_per_lang, seed), clean) for h in INTO_LANGUAGES}
        report["foreign"] = {
            "fragment_languages": languages,
            "into_en": summarize(foreign_results, baselines, _judgeable),
            "from_en": {h: summarize(r, None, _judgeable) for h, r in into_results.items()},
            "from_en_all": summarize([r for h in INTO_LANGUAGES for r in into_results[h]], None, _judgeable),
        }
        _log(f"  foreign fragments ({time.perf_counter() - start:.1f} s)")
    if "off_topic" in parts:
        start = time.perf_counter()
        report["off_topic"] = summarize(run_cases(off_topic_cases(articles, seed), clean), baselines)
        _log(f"  off-topic tails ({time.perf_counter() - start:.1f} s)")
    if "accuracy" in parts:
        start = time.perf_counter()
        report["accuracy"], tops = accuracy_report(bench_dir, per_lang, seed)
        report["accuracy_langdetect"] = accuracy_report(bench_dir, per_lang, seed, "langdetect")[0]
        _log(f"  lingua accuracy ({time.perf_counter() - start:.1f} s)")
    if "timing" in parts:
        start = time.perf_counter()
        from cleaners.pipeline import CleanConfig, clean_document

        config = CleanConfig()

        def clean_bytes(data: bytes, name: str) -> Any:
            return clean_document(data, name, config)

        report["timing"] = {
            "html": time_language_share(corpora.scrapinghub_html(bench_dir, split, limit), clean_bytes),
            "text": time_language_share(corpora.scrapinghub_text(bench_dir, split, limit), clean_bytes),
        }
        _log(f"  language time share ({time.perf_counter() - start:.1f} s)")
    if "determinism" in parts:
        start = time.perf_counter()
        if tops is not None and per_lang < determinism_lines:
            tops = None
        here = _fingerprint_inputs(args, bench_dir, clean, foreign_results, into_results, tops)
        others = _subprocess_fingerprints(args, bench_dir)
        report["determinism"] = {
            "this_process": here, "subprocesses": others,
            "identical": all(o == here for o in others),
            "what": f"block decisions of the first {determinism_cases} foreign cases and "
                    f"{min(determinism_cases, hosts_per_lang)} per host language, top languages of the "
                    f"first {determinism_lines} lingua lines per language and kind; subprocesses with "
                    "PYTHONHASHSEED 1 and 2",
        }
        _log(f"  determinism ({time.perf_counter() - start:.1f} s)")
    return report


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------


def _per_document_ms(seconds: float, documents: int) -> str:
    """Milliseconds per document, two decimals (the language step's seconds alone hide a 30 % change).

    >>> _per_document_ms(0.2, 181), _per_document_ms(0.0, 0)
    ('1.10', '-')
    """
    return f"{1000 * seconds / documents:.2f}" if documents else "-"


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{100 * value:.{digits}f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _insertion_row(label: str, s: dict[str, Any]) -> list[str]:
    return [label, str(s["cases"]), str(s["fragments"]), _pct(s["fragments_removed_share"]),
            _pct(s["removed_by_foreign_language_share"]), _pct(s["removed_by_other_share"]),
            _pct(s["judgeable_removed_share"]) if s.get("judgeable_fragments") is not None else "-",
            str(s["own_paragraphs"]), _pct(s["own_kept_share"], 2), _pct(s["own_kept_chars_share"], 2),
            str(s["cases_losing_own"]), _pct(s["own_kept_share_untouched"], 2),
            "-" if s["own_lost_only_with_insertion"] is None else str(s["own_lost_only_with_insertion"]),
            str(s["document_language_not_host"])]


_INSERTION_HEADER = ["articles", "docs", "inserted", "removed", "by foreign_lang", "by other", "removed (judgeable)",
                     "own paras", "own kept", "own kept chars", "docs losing own", "own kept untouched",
                     "lost by insertion", "doc lang wrong"]


def _reasons(counts: dict[str, int] | None) -> str:
    return ", ".join(f"{k} {v}" for k, v in (counts or {}).items()) or "none"


def target_checks(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against the measured values (only for the parts that ran)."""
    checks = []

    def check(measure: str, value: float | None, target: float, at_least: bool, percent: bool = True) -> None:
        met = value is not None and (value >= target if at_least else value <= target)
        shown = _pct(value, 2) if percent else str(value)
        sign = ">=" if at_least else "<="
        checks.append({"measure": measure, "value": value, "shown": shown,
                       "target": f"{sign} {_pct(target) if percent else target}", "met": met})

    if "foreign" in report:
        for label, s in (("en gold", report["foreign"]["into_en"]), ("5 hosts", report["foreign"]["from_en_all"])):
            check(f"fragments removed ({label})", s["fragments_removed_share"], TARGETS["fragments_removed"], True)
            check(f"own paragraphs kept ({label})", s["own_kept_share"], TARGETS["own_kept"], True)
        s = report["foreign"]["into_en"]
        check("own paragraphs lost because of insertion (en gold)", s["own_lost_only_with_insertion"], 0, False,
              percent=False)
    if "off_topic" in report:
        s = report["off_topic"]
        check("off-topic tail removed", s["fragments_removed_share"], TARGETS["off_topic_removed"], True)
        check("own paragraphs lost (off-topic, all causes)", s["own_paragraphs"] - s["own_kept"], 0, False,
              percent=False)
        check("own paragraphs lost because of the tail", s["own_lost_only_with_insertion"], 0, False, percent=False)
    if "timing" in report:
        for corpus, t in report["timing"].items():
            check(f"time in language step ({corpus})", t["language_share"], TARGETS["language_time_share"], False)
    if "determinism" in report:
        checks.append({"measure": "identical decisions across processes", "value": report["determinism"]["identical"],
                       "shown": str(report["determinism"]["identical"]), "target": "True",
                       "met": report["determinism"]["identical"]})
    return checks


def format_report(report: dict[str, Any]) -> str:
    out: list[str] = []
    code = report.get("meta", {}).get("code")
    if code:
        dirty = code["uncommitted_cleaners_files"]
        out += [f"code: commit {code['commit']}" + (f", uncommitted in cleaners/: {len(dirty)} files" if dirty else ""),
                ""]
    if "foreign" in report:
        f = report["foreign"]
        rows = [_insertion_row("en gold + foreign sentences", f["into_en"])]
        rows += [_insertion_row(f"{h} (lingua-built) + en sentences", s) for h, s in f["from_en"].items()]
        rows.append(_insertion_row("all 5 hosts + en sentences", f["from_en_all"]))
        out += ["== 1. Foreign fragments (targets: removed >= 97%, own kept >= 99.5%)",
                _table(_INSERTION_HEADER, rows),
                "judgeable = at least min_block_chars and min_block_words (shorter blocks are never judged); "
                "own kept untouched = same lines, article without insertions",
                ""]
        s = f["into_en"]
        out.append("removed by (en gold): " + _reasons(s["removed_by_outcome"]))
        out.append("leaked as (en gold): " + _reasons(s["leaked_as"]))
        out.append("by position (en gold): " + ", ".join(
            f"{k} {_pct(v['removed_share'])} of {v['fragments']}" for k, v in s["by_position"].items()))
        out.append("own lines lost (en gold, with insertion): " + _reasons(s["own_lost_by_outcome"]))
        out.append("own lines lost (en gold, untouched):      " + _reasons(s["own_lost_by_outcome_untouched"]))
        a = f["from_en_all"]
        out.append("removed by (5 hosts): " + _reasons(a["removed_by_outcome"]))
        out.append("leaked as (5 hosts): " + _reasons(a["leaked_as"]))
        out.append("own lines lost (5 hosts): " + _reasons(a["own_lost_by_outcome"]))
        out.append("")
        per_lang = sorted(s["by_language"].items(), key=lambda kv: (kv[1]["removed_share"] or 0, kv[0]))
        leaking = [(code, v) for code, v in per_lang if v["removed"] < v["fragments"]]
        out.append(f"Foreign languages inserted into en gold: {len(per_lang)}; leaking: {len(leaking)}")
        out.append(_table(["lang", "inserted", "judgeable", "removed", "by foreign_lang", "removed %"],
                          [[code, str(v["fragments"]), str(v["judgeable"]), str(v["removed"]),
                            str(v["by_foreign_language"]), _pct(v["removed_share"])] for code, v in leaking]))
        out.append("")
    if "off_topic" in report:
        s = report["off_topic"]
        out += ["== 2. Off-topic tails (targets: removed >= 95%, no own paragraph lost)",
                _table(["articles", "docs", "appended", "removed", "by off_topic", "own paras", "own kept",
                        "own kept chars", "docs losing own", "own kept untouched", "lost by appending"],
                       [["en gold + 2-4 other leads", str(s["cases"]), str(s["fragments"]),
                         _pct(s["fragments_removed_share"]),
                         _pct(_share(s["removed_by_reason"].get("off_topic", 0), s["fragments"])),
                         str(s["own_paragraphs"]), _pct(s["own_kept_share"], 2),
                         _pct(s["own_kept_chars_share"], 2), str(s["cases_losing_own"]),
                         _pct(s["own_kept_share_untouched"], 2), str(s["own_lost_only_with_insertion"])]]),
                "removed by: " + _reasons(s["removed_by_outcome"]),
                "leaked as: " + _reasons(s["leaked_as"]),
                "own lines lost (with appended tail): " + _reasons(s["own_lost_by_outcome"]),
                ""]
    if "accuracy" in report:
        acc = report["accuracy"]
        out.append("== 3. Fragment language accuracy, lingua_testdata (detect_language, both detectors; "
                   "undetermined = top p < min_foreign_probability, counted wrong)")
        rows = []
        for key in ("accuracy", "accuracy_langdetect"):
            for kind, r in report.get(key, {}).items():
                m, same = r["mean"], r["mean_same_languages"]
                rows.append([r.get("detector", "?"), kind, str(r["languages"]), str(r["lines_per_language"]),
                             _pct(m["top1_accuracy"]), _pct(m["accuracy"]), _pct(m["coverage"]),
                             _pct(m["accuracy_determined"]), f"{r.get('ms_per_line') or 0:.3f}",
                             str(r["published_languages"]), _pct(same["ours_top1_accuracy"]),
                             _pct(same["published_langdetect"])])
        out.append(_table(["detector", "kind", "langs", "lines/lang (limit)", "top-1 acc", "acc (undet=wrong)",
                           "coverage", "acc determined", "ms/line", "langs published", "top-1 same langs",
                           "published langdetect"], rows))
        out.append("means are over languages; 'same langs' = those with a published langdetect figure "
                   "(nb, nn have none)")
        kinds = list(acc)
        codes = sorted(set().union(*(acc[k]["per_language"] for k in kinds)))
        rows = []
        for code in codes:
            row = [code]
            for kind in kinds:
                s = acc[kind]["per_language"].get(code)
                row += ["-"] * 4 if s is None else [
                    _pct(s["top1_accuracy"], 0), _pct(s["accuracy"], 0), _pct(s["coverage"], 0),
                    _pct(s["published_langdetect"], 0)]
            rows.append(row)
        header = ["lang"] + [f"{k[:4]} {col}" for k in kinds for col in ("top1", "acc", "cov", "pub")]
        out += ["per language (top1 = top-1 accuracy, acc = with undetermined counted wrong, cov = coverage, "
                "pub = published langdetect):", _table(header, rows), ""]
    if "timing" in report:
        out.append("== 4. Time in language detection (target <= 20%)")
        rows = [[corpus, str(t["documents"]), f"{t['pipeline_seconds']:.2f}", f"{t['language_seconds']:.2f}",
                 _per_document_ms(t["language_seconds"], t["documents"]), _pct(t["language_share"]),
                 f"{t['detect_language_seconds']:.2f}", _per_document_ms(t["detect_language_seconds"], t["documents"]),
                 str(t["detect_language_calls"]), _pct(t["detect_language_share"]),
                 f"{t.get('collector_seconds', 0.0):.3f} / {t.get('language_collector_seconds', 0.0):.3f}",
                 _pct(t.get("language_share_without_collector"))]
                for corpus, t in report["timing"].items()]
        out += [_table(["scrapinghub_aeb", "docs", "pipeline s", "language step s", "ms/doc", "share",
                        "detector s", "ms/doc", "calls", "detect share", "gc s (all / in step)",
                        "share without gc"], rows),
                "language step = time inside mark_foreign_blocks (outermost language call), which includes "
                "its detector calls (detect_language or language_ranking); the target is judged on 'share'. "
                "gc = the garbage collector's pauses: a full collection lands in whichever step triggers it",
                ""]
    checks = target_checks(report)
    if checks:
        out.append("== Targets (issue 4)")
        out.append(_table(["measure", "value", "target", "met"],
                          [[c["measure"], c["shown"], c["target"], "yes" if c["met"] else "NO"] for c in checks]))
        out.append("")
    if "determinism" in report:
        d = report["determinism"]
        digests = [d["this_process"]["sha256"][:16]] + [o["sha256"][:16] for o in d["subprocesses"]]
        out += ["== 5. Determinism across processes",
                f"{'identical' if d['identical'] else 'DIFFERENT'}: {', '.join(digests)} "
                f"({d['this_process']['cases']} cases, {d['this_process']['lines']} lines; {d['what']})", ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _parts(value: str) -> list[str]:
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in PARTS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(f"unknown part {unknown or value!r}; choose from {','.join(PARTS)}")
    return keys


def add_options(parser: argparse.ArgumentParser, with_common: bool = True) -> argparse.ArgumentParser:
    """The fragment benchmark's own options (``with_common``: also bench dir, split, limit, json)."""
    if with_common:
        parser.add_argument("--bench-dir", default=None,
                            help=f"bench data folder (default: ${corpora.BENCH_DIR_ENV} or ../shared/bench)")
        parser.add_argument("--split", choices=corpora.SPLITS, default="all",
                            help="ScrapingHub articles: dev, heldout or all (default)")
        parser.add_argument("--limit", type=_positive_int, default=None,
                            help="at most N ScrapingHub gold articles / pages")
        parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                            help="also write the results (with every leak and loss) to this JSON file")
    parser.add_argument("--parts", type=_parts, default=list(PARTS),
                        help=f"comma-separated: {','.join(PARTS)} (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    parser.add_argument("--variants", type=_positive_int, default=3,
                        help="foreign-fragment copies per English article (default 3)")
    parser.add_argument("--hosts-per-lang", type=_positive_int, default=30,
                        help="lingua-built host articles per language for English insertions (default 30)")
    parser.add_argument("--per-lang", type=_positive_int, default=200,
                        help="lingua lines per language and kind for the accuracy part (default 200)")
    parser.add_argument("--determinism-cases", type=_positive_int, default=40,
                        help="foreign cases (and host articles per language) in the cross-process check")
    parser.add_argument("--determinism-lines", type=_positive_int, default=20,
                        help="lingua lines per language and kind in the cross-process check")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fragments",
        description="Foreign fragments, off-topic tails, block-language accuracy and time share.")
    add_options(parser)
    parser.add_argument("--fingerprint-only", action="store_true", help=argparse.SUPPRESS)
    return parser


def run_from_args(args: argparse.Namespace, bench_dir: Path) -> dict[str, Any]:
    return run(bench_dir, parts=args.parts, seed=args.seed, variants=args.variants,
               hosts_per_lang=args.hosts_per_lang, per_lang=args.per_lang, split=args.split, limit=args.limit,
               determinism_cases=args.determinism_cases, determinism_lines=args.determinism_lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    bench_dir = corpora.resolve_bench_dir(args.bench_dir)
    if not bench_dir.is_dir():
        print(f"bench data not found at {bench_dir}", file=sys.stderr)
        return 2
    if args.fingerprint_only:
        print(json.dumps(_fingerprint_inputs(args, bench_dir, default_cleaner())))
        return 0
    report = run_from_args(args, bench_dir)
    report["targets"] = target_checks(report)
    print(format_report(report), end="")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
