"""The seeds: `clean` keeps and drops exactly what seeds_expected.json lists, with reasons."""

from __future__ import annotations

import pytest

from cleaners.pipeline import clean_document
from cleaners.types import Article, Reason

from .conftest import SEEDS


def _flat(text: str) -> str:
    return " ".join(text.split())


def _seed_cases(expectations: dict) -> list[str]:
    return sorted(name for name in expectations if not name.startswith("_"))


def test_every_seed_file_has_an_expectation(seed_expectations):
    assert sorted(p.name for p in SEEDS.glob("*.txt")) == _seed_cases(seed_expectations)


@pytest.mark.parametrize("name", ["000_4231f88b866b0bd9.txt", "002_8385bb53c8309a92.txt",
                                  "003_7e17556786f69096.txt", "004_2f1e8850fc53404b.txt"])
def test_seed_keeps_and_drops_what_is_expected(name, seed_expectations):
    expected = seed_expectations[name]
    article = clean_document((SEEDS / name).read_bytes(), str(SEEDS / name))
    assert isinstance(article, Article)
    assert article.title == expected["title"]
    assert article.language == expected["language"]
    text = _flat(article.text)
    for snippet in expected["keep"]:
        assert _flat(snippet) in text, snippet
    removed = [b for b in article.blocks if not b.kept]
    for snippet in expected["drop"]:
        assert _flat(snippet) not in text, snippet
        holders = [b for b in removed if _flat(snippet) in _flat(b.text)]
        assert holders, f"{snippet!r} is not among the removed fragments"
        assert holders[0].decision.reason in {Reason.TEASER, Reason.BOILERPLATE, Reason.FOREIGN_LANGUAGE, Reason.OFF_TOPIC}
    if not expected["drop"]:
        assert removed == [], [b.text for b in removed]


def test_seed_004_reasons_name_teasers_and_scroll_leftovers():
    article = clean_document((SEEDS / "004_2f1e8850fc53404b.txt").read_bytes(), "004.txt")
    reasons = {b.text: (b.decision.reason, b.decision.evidence.get("rule")) for b in article.blocks if not b.kept}
    assert reasons["End of content"] == (Reason.BOILERPLATE, "infinite_scroll")
    assert reasons["No more pages to load"] == (Reason.BOILERPLATE, "infinite_scroll")
    assert reasons["News"] == (Reason.TEASER, "section_label")
    german = next(t for t in reasons if t.startswith("Neue Details zur Brandkatastrophe"))
    assert reasons[german] == (Reason.TEASER, "headline_summary_run")
