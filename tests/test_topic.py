"""cleaners.topic: runs of unrelated blocks at the article's edges are dropped with
Reason.OFF_TOPIC and their score; the article's own sections in the middle are kept;
runs are peeled to a fixed point, so judging the kept blocks again removes nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from cleaners.topic import (
    DiscourseCues, TopicConfig, cohesion, content_terms, discourse_cues, lead_like, mark_off_topic, peel_edges,
    term_specificity, topical_score,
)
from cleaners import topic
from cleaners.types import Block, Reason

TITLE = "Harbor Bridge reopens after repair"
STORY = [
    "The Harbor Bridge reopened to traffic on Monday after a two-year repair that replaced the rusted steel cables of the bridge.",
    "Engineers replaced most of the bridge deck and strengthened the towers, the city transport department said in a statement.",
    "Commuters and cyclists crossed the bridge in the first hour, many relieved to end the long ferry detour around the harbor.",
    "The repair of the bridge cost about 95 million dollars, slightly under the budget approved by the city council.",
    "Transport officials said the bridge would close again for one weekend in the autumn so engineers can inspect the new cables.",
]
SMARTPHONES = "Quarterly smartphone sales rose sharply in Asia as manufacturers cut prices for budget models and launched cheaper phones."
CHEF = "A celebrated chef opened her third restaurant downtown, serving seasonal tasting menus and natural wines every night."
VEGAN = "Celebrity chef opens vegan restaurant in Paris featuring seasonal menus, natural wines and desserts made from local fruit."
FASHION = "Fashion week in Milan closed with a show of bright silk dresses, oversized coats and handmade leather boots."
FOOTBALL = "Meanwhile, the city’s football team celebrated its promotion with a parade through the old town, cheered by thousands of supporters."


#: The rule before term weights: every content word counts 1 (also what a language without a
#: wordfreq word list gets).
PLAIN = TopicConfig(weigh_terms=False)


def _mark(texts, title=TITLE, language="en", config=TopicConfig()):
    return mark_off_topic([Block(t) for t in texts], title, language, config)


def _kept(blocks):
    return [b.kept for b in blocks]


def test_appended_unrelated_paragraphs_at_the_tail_are_off_topic():
    out = _mark(STORY + [SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 5 + [False, False]
    for block in out[5:]:
        evidence = block.decision.evidence
        assert block.decision.reason is Reason.OFF_TOPIC
        assert block.decision.step == "topic"
        assert evidence["position"] == "tail"
        assert evidence["score"] < evidence["threshold"] <= TopicConfig().max_off_topic_score
        assert evidence["run"] == 2
        assert evidence["round"] == 1
        assert evidence["reference"] == "core"
    assert out[5].decision.evidence["shared_terms"] == ["budget"]
    assert out[6].decision.evidence["score"] == 0.0


def test_single_appended_paragraph_is_dropped_when_min_run_is_one():
    out = _mark(STORY + [CHEF], config=TopicConfig(min_run=1))
    assert _kept(out) == [True] * 5 + [False]
    evidence = out[5].decision.evidence
    assert out[5].decision.reason is Reason.OFF_TOPIC
    assert evidence["position"] == "tail"
    assert evidence["score"] < evidence["threshold"]


def test_the_title_joins_the_core_only_with_use_title():
    """The title is not in the output text: by default it does not sway the verdict."""
    texts = STORY + [SMARTPHONES]  # shares "budget" with the core: on the fence (unweighted)
    assert _kept(_mark(texts, config=PLAIN._replace(min_run=1))) == [True] * 6
    out = _mark(texts, config=PLAIN._replace(min_run=1, use_title=True))
    assert _kept(out) == [True] * 5 + [False]
    assert out[5].decision.evidence["reference"] == "title+core"
    assert out[5].decision.evidence["shared_terms"] == ["budget"]


def test_runs_are_peeled_to_a_fixed_point():
    """Two related teasers sit in the core until the unrelated tail goes; a second round takes them."""
    texts = STORY + [CHEF, VEGAN, SMARTPHONES, FASHION]
    out = _mark(texts, config=TopicConfig(max_removed_share=0.5))
    assert _kept(out) == [True] * 5 + [False] * 4
    assert [b.decision.evidence["round"] for b in out[5:]] == [2, 2, 1, 1]
    assert {b.decision.reason for b in out[5:]} == {Reason.OFF_TOPIC}
    again = _mark([b.text for b in out if b.kept], config=TopicConfig(max_removed_share=0.5))
    assert _kept(again) == [True] * 5


def test_peeling_past_the_budget_removes_nothing():
    """All rounds together would take 4 of 9 paragraphs (over 40 %): none is removed, so the
    result is still a fixed point (a second judgement sees the same blocks)."""
    assert _kept(_mark(STORY + [CHEF, VEGAN, SMARTPHONES, FASHION])) == [True] * 9


def test_no_verdict_without_three_judged_core_blocks():
    """A core of two judged paragraphs is no reference for the subject (a short page)."""
    texts = [STORY[0], STORY[1], "Traffic flows again.", STORY[2], SMARTPHONES, CHEF]
    assert _kept(_mark(texts)) == [True] * 6
    out = _mark(texts, config=TopicConfig(min_core_blocks=2))
    assert _kept(out) == [True] * 4 + [False, False]
    assert [b.decision.evidence["score"] for b in out[4:]] == [0.0, 0.0]


def test_one_odd_closing_paragraph_is_kept_by_default():
    assert _kept(_mark(STORY + [SMARTPHONES])) == [True] * 6


def test_unrelated_paragraphs_at_the_head_of_a_text_dump_are_off_topic():
    out = _mark([VEGAN, FASHION] + STORY)
    assert _kept(out) == [False, False] + [True] * 5
    assert {b.decision.evidence["position"] for b in out[:2]} == {"head"}
    assert all(b.decision.evidence["score"] < b.decision.evidence["threshold"] for b in out[:2])


@pytest.mark.parametrize("layout", ["html", "paragraphs"])
def test_the_head_of_extracted_html_or_paragraph_text_is_the_articles_own(layout):
    """An extractor's output opens with the article's lead, which can share few words with a
    long consent notice or comment thread kept below it: only the tail is judged there."""
    blocks = [Block(t) for t in [VEGAN, FASHION] + STORY + [SMARTPHONES, CHEF]]
    out = mark_off_topic(blocks, TITLE, "en", TopicConfig(), layout)
    assert _kept(out) == [True] * 7 + [False, False]
    assert {b.decision.evidence["position"] for b in out[7:]} == {"tail"}
    head_only = blocks[:7]
    assert _kept(mark_off_topic(head_only, TITLE, "en", TopicConfig(), layout)) == [True] * 7
    assert _kept(mark_off_topic(head_only, TITLE, "en", TopicConfig(), "text")) == [False, False] + [True] * 5


def test_when_both_edges_are_too_much_the_tail_alone_is_tried():
    """Head and tail runs together over ``max_removed_share`` of the text: the tail alone is
    judged (what cleaning the output again judges), so the appended stories still go."""
    blocks = [Block(t) for t in [VEGAN, FASHION] + STORY + [SMARTPHONES, CHEF]]
    out = mark_off_topic(blocks, TITLE, "en", TopicConfig(), "text")
    assert _kept(out) == [True] * 7 + [False, False]
    assert {b.decision.evidence["position"] for b in out[7:]} == {"tail"}
    assert _kept(mark_off_topic(blocks, TITLE, "en", TopicConfig(max_removed_share=0.1), "text")) == [True] * 9


def test_an_own_section_in_the_middle_that_changes_subject_is_kept():
    out = _mark(STORY[:3] + [FOOTBALL, CHEF] + STORY[3:])
    assert _kept(out) == [True] * 7


def test_max_removed_share_is_a_budget():
    texts = STORY + [SMARTPHONES, CHEF]
    share = (len(SMARTPHONES) + len(CHEF)) / sum(len(t) for t in texts)
    assert _kept(_mark(texts, config=TopicConfig(max_removed_share=share + 0.01))) == [True] * 5 + [False, False]
    assert _kept(_mark(texts, config=TopicConfig(max_removed_share=share - 0.01))) == [True] * 7


def test_half_of_a_short_article_goes_only_when_clearly_unrelated():
    """Over ``max_removed_share`` (0.4) only when every block scores at most half its threshold
    (here nothing shared at all), and never over ``clear_max_removed_share`` (0.7)."""
    texts = STORY[:2] + [SMARTPHONES, CHEF]
    out = _mark(texts)
    assert _kept(out) == [True, True, False, False]
    for block in out[2:]:
        evidence = block.decision.evidence
        assert evidence["budget"] == TopicConfig().clear_max_removed_share
        assert evidence["score"] <= TopicConfig().clear_score_fraction * evidence["threshold"]
    assert _kept(_mark(texts, config=TopicConfig(clear_max_removed_share=0.4))) == [True] * 4
    assert _kept(_mark(STORY[:2] + [SMARTPHONES, CHEF, FASHION])) == [True] * 5  # 3 of 5: over 70 %


def test_a_run_within_max_removed_share_records_that_budget():
    out = _mark(STORY + [SMARTPHONES, CHEF])
    assert {b.decision.evidence["budget"] for b in out[5:]} == {TopicConfig().max_removed_share}


def test_short_blocks_are_not_judged_and_do_not_break_a_run():
    out = _mark(STORY + [SMARTPHONES, "Smartphone sales rose in Asia.", CHEF])
    assert _kept(out) == [True] * 5 + [False, True, False]


def test_fewer_than_three_kept_blocks_are_left_alone():
    assert _kept(_mark([STORY[0], SMARTPHONES])) == [True, True]


def test_dropped_blocks_are_ignored():
    blocks = [Block(t) for t in STORY + [SMARTPHONES, CHEF]]
    blocks[-1] = blocks[-1].drop("teasers", Reason.TEASER, rule="headline_summary_run")
    out = mark_off_topic(blocks, TITLE, "en")
    assert out[-1].decision.reason is Reason.TEASER
    assert out[-2].kept  # alone at the tail now: a run of one


def test_german_article_with_an_appended_story():
    story = [
        "Der Stadtrat hat am Dienstag neue Radwege für die Innenstadt beschlossen, die Radwege sollen bis zum Sommer fertig sein.",
        "Die neuen Radwege führen vom Bahnhof über den Marktplatz bis zum Hafen, teilte die Stadtverwaltung mit.",
        "Befürworter der Radwege sagten, die Innenstadt werde dadurch sicherer für Kinder und ältere Menschen.",
        "Kritiker im Stadtrat bemängelten die Kosten der Radwege und den Wegfall von Parkplätzen in der Innenstadt.",
        "Der Bau der ersten Radwege beginnt im Frühjahr am Bahnhof, weitere Abschnitte folgen im Herbst.",
    ]
    appended = [
        "Der Schauspieler Tom Hanks feiert Geburtstag und verbringt den Abend mit Familie und Freunden in Los Angeles.",
        "Ein Kochbuch mit vegetarischen Rezepten aus Italien führt diese Woche die Bestsellerliste an.",
    ]
    out = _mark(story + appended, title="Stadtrat beschließt neue Radwege", language="de")
    assert _kept(out) == [True] * 5 + [False, False]
    assert {b.decision.reason for b in out[5:]} == {Reason.OFF_TOPIC}


def test_content_terms_drop_stopwords_and_short_words():
    assert content_terms("The baker and the Miller of Ulm", "en") == {"baker", "miller", "ulm"}
    assert content_terms("Die Bäckerin und der Müller", "de") == {"bäckerin", "müller"}
    assert content_terms("The baker", None) == {"the", "baker"}


def test_topical_score():
    assert topical_score({"river", "mill", "price"}, Counter({"river": 2, "town": 1})) == (0.3333, ["river"])
    assert topical_score(set(), Counter({"river": 1})) == (1.0, [])
    assert topical_score({"river"}, Counter({"river": 0})) == (0.0, [])


@pytest.mark.parametrize("language", ["en", None])
def test_result_is_deterministic(language):
    texts = STORY + [SMARTPHONES, CHEF]
    assert _mark(texts, language=language) == _mark(texts, language=language)


def test_an_article_without_a_common_subject_has_no_off_topic_edges():
    """A page of unrelated items gives no reference for its subject: when its core paragraphs
    share almost nothing with one another (median score under ``min_core_median``), its edges
    are not judged, however little they share with the rest. Here the core shares one word
    ("bright", median 0.0909): judged under the default floor, not under a floor of 0.1."""
    texts = [SMARTPHONES, FASHION,
             "The orchestra rehearsed a forgotten symphony by a young composer for the winter festival concert.",
             "Farmers in the valley harvested a record crop of apples after a warm and unusually dry summer.",
             "A rare and bright comet will be visible from the northern hemisphere just before sunrise, astronomers said.",
             CHEF, VEGAN]
    judged = _mark(texts, config=PLAIN)
    assert _kept(judged) == [True] * 5 + [False, False]
    assert judged[5].decision.evidence["core_median"] == 0.0909
    assert _kept(_mark(texts, config=PLAIN._replace(min_core_median=0.1))) == [True] * 7
    # Weighted, the one word they share ("bright", a common one) weighs little: median 0.0582.
    assert _kept(_mark(texts)) == [True] * 7
    low_floor = TopicConfig(min_core_median=0.01, neighbour_max_score=None)
    assert _mark(texts, config=low_floor)[5].decision.evidence["core_median"] == 0.0582
    # With the neighbour let-in, the comet paragraph (over the threshold, sharing nothing with its
    # neighbours) lets the run go on into the page's own items: over the budget, nothing goes.
    assert _kept(_mark(texts, config=low_floor._replace(neighbour_max_score=0.0))) == [True] * 7


# Term weights: how specific each word is in the document's language (wordfreq).

FLOOD = [
    "Police and city officials closed the riverside road on Monday after the Elbe flooded three streets for the second time this week.",
    "Officials said the police would keep the road closed until Friday, when engineers expect the Elbe to fall below its banks.",
    "Residents of the flooded streets spent Monday night with relatives while police patrolled the empty houses, officials said.",
    "The Elbe rose after a week of heavy rain upstream, and officials warned that the river could flood again next week.",
    "Police asked drivers to avoid the riverside until the end of the week while engineers inspect the flood walls.",
]
KIDNAP = ("Police officials said on Monday that Salem Sabatka, the girl kidnapped in Fort Worth, was rescued "
          "from a closed house, and Sheriff Waybourn charged Tavis Crane.")


def test_an_appended_lead_sharing_only_everyday_news_words_is_off_topic():
    """The lead shares "police", "officials" and "closed" with a flood story: on topic for the
    plain share; weighted, those common words are outweighed by its own names (Sabatka,
    Waybourn, ...), and the evidence says so. ("Monday", shared too, is a calendar word: no
    content word at all.)"""
    texts = FLOOD + [KIDNAP, CHEF]
    assert _kept(_mark(texts, config=PLAIN)) == [True] * 7
    out = _mark(texts)
    assert _kept(out) == [True] * 5 + [False, False]
    evidence = out[5].decision.evidence
    assert evidence["weights"] == "wordfreq:en"
    assert evidence["score"] < evidence["threshold"] == TopicConfig().weighted_max_off_topic_score
    assert evidence["shared_terms"] == ["officials", "closed", "police"]  # most specific first
    assert evidence["unshared_terms"][:3] == ["sabatka", "tavis", "waybourn"]
    assert out[6].decision.evidence["shared_terms"] == []  # "night" is a calendar word


def test_a_closing_paragraph_sharing_a_specific_word_is_kept():
    """The article's own closing paragraph shares one word with it, "harbor", among a dozen
    everyday ones: the plain share (1 in 13) peels it with the two stories appended after it;
    weighted, that one specific word is a third of its weight, and only the stories go."""
    closing = ("Families living near the harbor hope that normal daily life, busy shops, regular visitors "
               "and local jobs come back quickly this month.")
    texts = STORY + [closing, FASHION, CHEF]
    assert _kept(_mark(texts, config=PLAIN)) == [True] * 5 + [False] * 3
    out = _mark(texts)
    assert _kept(out) == [True] * 6 + [False, False]
    assert {b.decision.evidence["weights"] for b in out[6:]} == {"wordfreq:en"}


def test_a_language_without_a_word_list_is_judged_unweighted():
    """No wordfreq list (Estonian here, or weights turned off): every word weighs 1 and the
    plain thresholds apply; the evidence names no weights."""
    texts = STORY + [SMARTPHONES, CHEF]
    out = _mark(texts, config=PLAIN)
    assert _kept(out) == [True] * 5 + [False, False]
    assert {b.decision.evidence["weights"] for b in out[5:]} == {None}
    assert out[5].decision.evidence["threshold"] <= TopicConfig().max_off_topic_score
    assert _mark(texts, language="et") == _mark(texts, language="et", config=PLAIN)


def test_term_specificity():
    weights = term_specificity({"said", "river", "flooded", "ogunjobi"}, "en")
    assert weights["said"] < 1 < weights["river"] < weights["flooded"] < weights["ogunjobi"]
    assert weights["ogunjobi"] == TopicConfig().max_specificity ** 2  # not in the list: a name
    assert term_specificity({"the"}, "en") == {"the": 0.0}
    assert term_specificity({"fluss"}, "de")["fluss"] > 0
    assert term_specificity({"river"}, None) is None
    assert term_specificity({"river"}, "et") is None  # no list
    assert term_specificity({"river"}, "sq") is None  # wordfreq's nearest match would be English
    assert term_specificity({"river"}, "en", PLAIN) is None


def test_topical_score_with_weights():
    weights = {"said": 0.25, "mill": 6.25, "price": 3.5}
    assert topical_score({"said", "mill", "price"}, Counter({"said": 3}), weights=weights) == (0.025, ["said"])
    assert topical_score({"said", "mill"}, Counter({"mill": 1, "said": 1}), weights=weights) == (1.0, ["mill", "said"])
    assert topical_score({"said"}, Counter(), weights={"said": 0.0}) == (1.0, [])


def test_blocks_of_weightless_words_are_not_judged():
    """A block of only the commonest words weighs nothing: not judged, so it neither joins nor breaks a run."""
    story = [{"river", "mill", "town", "flood", "rain", "dam"}] * 8
    promo = [{"chef", "menu", "wine", "dinner", "kitchen", "table"}]
    stocks = [{"shares", "index", "market", "trading", "prices", "bank"}]
    common = [{"said", "year", "people", "time", "made", "way"}]
    weights = {t: 0.0 if t in common[0] else 4.0 for t in set().union(*story, *promo, *stocks, *common)}
    verdicts = peel_edges(story + promo + common + stocks, set(), TopicConfig(), ("tail",), weights)
    assert sorted(verdicts) == [8, 10]
    assert verdicts[8]["run"] == 2


def test_negative_contractions_leave_no_fragment():
    assert content_terms("The baker doesn't bake, he won't", "en") == {"baker", "bake"}


# Discourse cues: an own closing paragraph refers back; another story's lead opens a story of its own.

CLOSING_IT = "It will also take months before the insurers decide who pays for the damage to homes and shops."
CLOSING_PLAIN = "Insurers will take months before deciding who pays for the damage to homes and shops."
MADRID = ("MADRID (AP) — Rafael Nadal kept Spain's hopes alive on Sunday, then Marcel Granollers completed "
          "the comeback in the decisive doubles.")
IT_LEAD = ("It was the shot heard around the world: in the closing seconds of Sunday's derby, the visiting "
           "striker Tomas Lindqvist scored from his own half.")
#: Shares one word with the flood story ("riverside"): a weighted score of 0.10, over the threshold (0.08).
PIG = ("HONOLULU (AP) — A runaway pig blocked traffic on a riverside highway for an hour before volunteers "
       "coaxed the animal into a farmer's trailer.")


def _without_dateline(lead):
    return lead.split("— ", 1)[1]


def _again(blocks, config=TopicConfig()):
    """The kept blocks judged again, as cleaning the output text again judges them."""
    return _mark([b.text for b in blocks if b.kept], config=config)


def test_a_closing_paragraph_that_refers_back_is_kept_before_appended_leads():
    """The flood story's own last paragraph shares no word with it but opens with "It" right
    after it: the run of appended leads ends before it. Without the cue it goes with them."""
    out = _mark(FLOOD + [CLOSING_IT, MADRID, CHEF])
    assert _kept(out) == [True] * 6 + [False, False]
    madrid, chef = (b.decision.evidence for b in out[6:])
    assert {b.decision.reason for b in out[6:]} == {Reason.OFF_TOPIC}
    assert madrid["discourse"] == "en" and madrid["cohesion"] is None and madrid["lead_like"] == "dateline"
    assert madrid["run"] == 2 and madrid["let_in"] is False
    assert chef["lead_like"] is None
    assert _kept(_again(out)) == [True] * 6
    plain = _mark(FLOOD + [CLOSING_PLAIN, MADRID, CHEF])
    assert _kept(plain) == [True] * 5 + [False] * 3
    assert plain[5].decision.evidence["cohesion"] is None
    off = _mark(FLOOD + [CLOSING_IT, MADRID, CHEF], config=TopicConfig(use_discourse=False))
    assert _kept(off) == [True] * 5 + [False] * 3
    assert off[5].decision.evidence["discourse"] is None and off[5].decision.evidence["cohesion"] is None


def test_a_closing_quote_attributed_by_surname_to_a_person_of_the_core_is_kept():
    """"..., Brandt said." names a person the article introduced in full ("Mayor Anna Brandt"):
    unweighted, the quote shares only that name (0.11, under the threshold 0.123), and stays (it
    also opens with a quotation mark: another cue of a paragraph continuing the story)."""
    story = [FLOOD[0], "Mayor Anna Brandt said the police would keep the road closed until Friday, when "
             "engineers expect the Elbe to fall below its banks.", *FLOOD[2:]]
    quote = ("“Nobody here expected such a disaster, and rebuilding every shop will take many long seasons "
             "of hard work,” Brandt said.")
    out = _mark(story + [quote, SMARTPHONES, CHEF], config=PLAIN)
    assert _kept(out) == [True] * 6 + [False, False]
    assert {b.decision.evidence["cohesion"] for b in out[6:]} == {None}
    off = _mark(story + [quote, SMARTPHONES, CHEF], config=PLAIN._replace(use_discourse=False))
    assert _kept(off) == [True] * 5 + [False] * 3
    assert off[5].decision.evidence["shared_terms"] == ["brandt"]
    assert off[5].decision.evidence["score"] < off[5].decision.evidence["threshold"]


def test_a_lead_that_opens_with_a_pronoun_inside_the_run_goes_with_it():
    """Only the innermost blocks of a run are read as the article's closing: a lead opening with
    "It" between two other leads is dropped, and its evidence names the cue it had."""
    out = _mark(FLOOD + [SMARTPHONES, IT_LEAD, CHEF])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[6].decision.evidence
    assert evidence["cohesion"] == "opens:it"
    assert evidence["lead_like"] == "introduces:Tomas Lindqvist"


def test_a_lead_that_opens_with_a_pronoun_right_after_the_article_stays_if_it_shares_a_word():
    """The price of the cue: right after the article, "It was the shot..." reads as the
    article's own closing paragraph when it shares a word with it ("riverside"), so it stays (the
    leads after it still go). Sharing nothing at all and introducing a name the core never
    mentions, it opens a story of its own and goes with them (``lead_over_cohesion_score``)."""
    it_riverside = IT_LEAD.replace("Sunday's derby", "Sunday's derby by the riverside")
    out = _mark(FLOOD + [it_riverside, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 6 + [False, False]
    assert _kept(_again(out)) == [True] * 6
    out = _mark(FLOOD + [IT_LEAD, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[5].decision.evidence
    assert out[5].decision.reason == Reason.OFF_TOPIC
    assert evidence["score"] == 0.0 and evidence["cohesion"] == "opens:it"
    assert evidence["lead_like"] == "introduces:Tomas Lindqvist" and evidence["opens_own_story"] is True
    assert out[6].decision.evidence["opens_own_story"] is False
    assert _kept(_mark(FLOOD + [IT_LEAD, SMARTPHONES, CHEF],
                       config=TopicConfig(lead_over_cohesion_score=None))) == [True] * 6 + [False, False]


def test_a_dateline_lead_sharing_one_word_is_let_into_the_run():
    """The last lead shares "riverside" with the flood story and scores over the threshold, which
    stopped the run before it reached the chef's lead; a dateline makes it another story's first
    line, let in because a low-scoring block lies further in. Without the dateline both stay."""
    out = _mark(FLOOD + [CHEF, PIG])
    assert _kept(out) == [True] * 5 + [False, False]
    evidence = out[6].decision.evidence
    assert evidence["let_in"] is True and evidence["lead_like"] == "dateline"
    assert evidence["shared_terms"] == ["riverside"]
    assert evidence["threshold"] <= evidence["score"] < TopicConfig().lead_like_max_score
    assert out[5].decision.evidence["let_in"] is False
    assert _kept(_again(out)) == [True] * 5
    assert out[6].decision.evidence["let_in_by"] == "lead_like"
    no_neighbours = TopicConfig(neighbour_max_score=None)
    assert _kept(_mark(FLOOD + [CHEF, _without_dateline(PIG)], config=no_neighbours)) == [True] * 7
    assert _kept(_mark(FLOOD + [CHEF, PIG], config=no_neighbours._replace(lead_like_max_score=0.1))) == [True] * 7


def test_a_block_sharing_nothing_with_its_neighbours_is_let_into_the_run():
    """Without its dateline the pig lead is no lead-like block, but it shares not a word with the
    chef's lead before it (nor with anything after it): appended stories share nothing with one
    another. It is let in (evidence ``let_in_by``, ``neighbour_score``); with a neighbour that
    shares "riverside" with it, it stops the run."""
    pig = _without_dateline(PIG)
    out = _mark(FLOOD + [CHEF, pig])
    assert _kept(out) == [True] * 5 + [False, False]
    evidence = out[6].decision.evidence
    assert evidence["let_in"] is True and evidence["let_in_by"] == "neighbours"
    assert evidence["lead_like"] is None and evidence["neighbour_score"] == 0.0
    assert evidence["threshold"] <= evidence["score"] < TopicConfig().lead_like_max_score
    assert out[5].decision.evidence["let_in_by"] is None
    assert _kept(_again(out)) == [True] * 5
    riverside_chef = CHEF.replace("downtown", "by the riverside")
    assert _kept(_mark(FLOOD + [riverside_chef, pig])) == [True] * 7


def test_blocks_further_in_than_a_neighbour_let_in_must_be_clearly_unrelated():
    """The article's own last paragraph shares a little with the core ("officials", score under the
    threshold but over half of it); a disclaimer after it shares a word with the core and nothing
    with its neighbour. Let in, it would take the paragraph along: the run stops before it (both
    would go if half the threshold were no limit)."""
    closing = ("Volunteers handed out sandbags, dry blankets and hot soup to families waiting in the school gym, "
               "officials said.")
    disclaimer = ("The views and opinions expressed by readers in comments do not necessarily reflect those of the "
                  "riverside club newsletter, its editors, owners, advertisers, sponsors or publisher.")
    out = _mark(FLOOD + [closing, disclaimer])
    assert _kept(out) == [True] * 7
    out = _mark(FLOOD + [closing, disclaimer], config=TopicConfig(clear_score_fraction=1.0))
    assert _kept(out) == [True] * 5 + [False, False]
    assert out[6].decision.evidence["let_in_by"] == "neighbours"
    assert out[5].decision.evidence["threshold"] / 2 < out[5].decision.evidence["score"]


def test_a_lead_like_block_is_let_in_only_with_a_low_block_further_in():
    """Right after the article the dateline lead is the run's inner end: nothing lies further in
    to show the run goes on, and a run of one (the chef's lead) is not removed."""
    assert _kept(_mark(FLOOD + [PIG, CHEF])) == [True] * 7


def test_leads_with_datelines_are_clearly_unrelated_for_the_budget():
    """Two leads over the (lowered) budget: the wider budget is for clearly unrelated blocks, and a
    lead opening with a dateline is one even when it shares a little ("officials", "police": 0.06,
    over half the threshold). The same leads without datelines stay."""
    pig = ("HONOLULU (AP) — A runaway pig blocked a coastal highway for an hour before volunteers "
           "coaxed the animal into a farmer's trailer, police officials said.")
    config = TopicConfig(max_removed_share=0.2)
    out = _mark(FLOOD[:4] + [pig, MADRID], config=config)
    assert _kept(out) == [True] * 4 + [False, False]
    evidence = out[4].decision.evidence
    assert evidence["score"] > TopicConfig().clear_score_fraction * evidence["threshold"]
    assert evidence["lead_like"] == "dateline"
    assert evidence["budget"] == TopicConfig().clear_max_removed_share
    plain = _mark(FLOOD[:4] + [_without_dateline(pig), _without_dateline(MADRID)], config=config)
    assert _kept(plain) == [True] * 6


def test_no_discourse_cues_without_markers_for_the_language():
    """German has no markers: no cue is read and the evidence says so (``discourse: null``)."""
    assert discourse_cues("Aber der Bürgermeister sagte, Brandt sagte.", "de") == DiscourseCues()
    assert discourse_cues("But the mayor disagreed, Brandt said.", None) == DiscourseCues()
    out = _mark(STORY + [SMARTPHONES, CHEF], language="de")
    assert {b.decision.evidence["discourse"] for b in out if b.decision} == {None}


@pytest.mark.parametrize("language", ["en", "de"])
def test_cues_read_lazily_are_the_cues_worked_out_at_once(language):
    """The run reads each block's cues field by field (``_LazyCues``, ``_Cues``): every field, read in any order,
    is what :func:`discourse_cues` works out, and a field not read is not worked out."""
    texts = STORY + [SMARTPHONES, FOOTBALL, "HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper accused China.",
                     "… “We will appeal,” Smith said. Isolated cases also spring up.", "This week it rained.", ""]
    lazy = topic._LazyCues(texts, language)
    for k, text in enumerate(texts):
        expected = discourse_cues(text, language)
        for field in reversed(DiscourseCues._fields):
            assert getattr(lazy[k], field) == getattr(expected, field)
    cues = topic._LazyCues(texts, "en")[0]
    assert cues.lower_case_share and "dateline" not in vars(cues)
    with pytest.raises(AttributeError):
        cues.headline


@pytest.mark.parametrize("text, opening, surnames", [
    ("Still, the council said it would appeal.", "still", ()),
    ("“They wanted us on our knees,” Erekat said.", "they", ("erekat",)),
    ("The agreement was signed in Geneva, said Okafor.", None, ("okafor",)),
    ("Defense Secretary Mark Esper said on Monday that talks would resume.", None, ()),
    ("Police said the road would stay closed.", None, ("police",)),
    ("“We will rebuild every shop,” the mayor told reporters.", "“", ()),
    ("\"We will rebuild,\" the mayor said.", "“", ()),
    ("‘Rebuild’ was the word of the day.", None, ()),
])
def test_discourse_cues_of_cohesion(text, opening, surnames):
    cues = discourse_cues(text, "en")
    assert (cues.opening, cues.surnames) == (opening, surnames)


@pytest.mark.parametrize("text, expected", [
    ("WASHINGTON — The Senate voted on Tuesday to extend the program.", "dateline"),
    ("BUFFALO, N.Y. — Hours before the game, the coach expressed confidence.", "dateline"),
    ("NEW DELHI: Nearly 150 Indians returned home on Wednesday after being deported.", "dateline"),
    ("(Reuters) — The attorney general is investigating the company.", "dateline"),
    ("Apple was pulled into the enterprise, chief executive Tim Cook said on Tuesday.", "introduces:Tim Cook"),
    ("The mayor said the road would reopen on Friday.", None),
])
def test_lead_like_openings(text, expected):
    assert lead_like(discourse_cues(text, "en"), Counter({"road": 2})) == expected


def test_a_name_the_core_knows_is_not_introduced_and_a_surname_it_lacks_ties_nothing():
    cues = discourse_cues("The deal was praised, chief executive Tim Cook said, and Cook said more.", "en")
    assert lead_like(cues, Counter({"cook": 2})) is None
    assert lead_like(cues, Counter({"cook": 1}), own=1) == "introduces:Tim Cook"
    assert cohesion(cues, Counter({"cook": 2})) == "surname:cook"
    assert cohesion(cues, Counter()) is None


def test_at_the_head_of_a_text_dump_a_block_opening_with_it_is_not_the_articles():
    """Right before the article, "It was..." continues what precedes it (the unrelated story), not
    the article: the head run is judged without cohesion, and both blocks go."""
    milan = ("It was a week of bright silk dresses in Milan, where the fashion houses showed oversized "
             "coats and handmade leather boots.")
    out = mark_off_topic([Block(t) for t in [VEGAN, milan] + STORY], TITLE, "en", TopicConfig(), "text")
    assert _kept(out) == [False, False] + [True] * 5
    assert [b.decision.evidence["position"] for b in out[:2]] == ["head", "head"]
    assert out[1].decision.evidence["cohesion"] is None and out[1].decision.evidence["discourse"] == "en"
    at_tail = _mark(STORY + [milan, VEGAN])
    assert _kept(at_tail) == [True] * 7


# Calendar words, quotations, runs of one dateline lead, short sentences in a run.


def test_calendar_words_are_not_content_words():
    assert content_terms("The bridge reopened on Monday, a week after the November storm", "en") == {
        "bridge", "reopened", "storm"}
    assert content_terms("Die Brücke ist am Montag wieder offen", "de") >= {"montag"}  # English list only


def test_news_agencies_are_not_content_words():
    """Every wire story credits its agency: sharing "Reuters" says nothing about a subject."""
    assert content_terms("NEW YORK (Reuters) - Oil prices fell, Reuters and CNN reported", "en") == {
        "oil", "prices", "fell", "reported"}


def test_a_lead_sharing_only_calendar_words_is_off_topic():
    """The flood story mentions its Monday, its week and its night; a lead about a stolen painting
    "on Monday night last week" shares nothing else with it: no shared term at all, and it goes."""
    painting = ("Thieves took a small Vermeer painting from a museum in Delft on Monday night last week, "
                "the curator told reporters.")
    out = _mark(FLOOD + [painting, CHEF])
    assert _kept(out) == [True] * 5 + [False, False]
    assert out[5].decision.reason == Reason.OFF_TOPIC
    assert out[5].decision.evidence["shared_terms"] == [] and out[5].decision.evidence["score"] == 0.0


def test_a_closing_quote_right_before_appended_leads_is_kept():
    """The flood story's last paragraph is a quote sharing no word with it; opening with a quotation
    mark, it continues the story (cue ``opens:“``) and the run of leads ends before it."""
    quote = "“Nobody here has seen anything like it in fifty years,” a shopkeeper told reporters."
    out = _mark(FLOOD + [quote, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 6 + [False, False]
    assert _kept(_mark(FLOOD + [quote, SMARTPHONES, CHEF], config=TopicConfig(use_discourse=False))) == \
        [True] * 5 + [False] * 3
    assert _kept(_again(out)) == [True] * 6


def test_a_single_dateline_lead_that_shares_nothing_is_off_topic():
    """One appended lead is under ``min_run``, and an article's own last paragraph alone is kept; a
    lead opening with a dateline and sharing next to nothing (at most half the threshold) is another
    story's first line and goes (``run: 1``). Without its dateline, or with the cue off, it stays."""
    out = _mark(FLOOD + [MADRID])
    assert _kept(out) == [True] * 5 + [False]
    evidence = out[5].decision.evidence
    assert evidence["run"] == 1 and evidence["lead_like"] == "dateline"
    assert evidence["score"] <= TopicConfig().clear_score_fraction * evidence["threshold"]
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(FLOOD + [_without_dateline(MADRID)])) == [True] * 6
    assert _kept(_mark(FLOOD + [MADRID], config=TopicConfig(single_dateline_run=False))) == [True] * 6
    assert _kept(_mark(FLOOD + [CHEF])) == [True] * 6


def test_a_single_dateline_block_at_the_head_of_a_text_dump_stays():
    """At the head a dateline opens the article itself: no run of one there."""
    out = mark_off_topic([Block(t) for t in [MADRID] + FLOOD], None, "en", TopicConfig(), "text")
    assert _kept(out) == [True] * 6


def test_a_single_dateline_lead_sharing_a_little_stays():
    """The pig's dateline lead shares "riverside" with the story (with its first and last paragraph,
    not its core: 0 against the core): no run of one."""
    assert _kept(_mark(FLOOD + [PIG])) == [True] * 6


def test_a_short_sentence_goes_with_the_run_it_lies_in():
    """A sentence too short to be judged (fewer than ``min_terms`` content words) after the run
    shares nothing with the story: it goes with the run (evidence ``judged: false``). A short line
    that is not a sentence ("Read more about food") stays, and so does the short sentence when no
    run is removed."""
    band = "A half century on, the old band is still touring."
    out = _mark(FLOOD + [SMARTPHONES, CHEF, band])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[7].decision.evidence
    assert evidence["judged"] is False and evidence["run"] == 2 and evidence["score"] == 0.0
    assert out[5].decision.evidence["judged"] is True
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(FLOOD + [SMARTPHONES, CHEF, "Read more about food"])) == [True] * 5 + [False, False, True]
    assert _kept(_mark(FLOOD + [band])) == [True] * 6
    assert _kept(_mark(FLOOD + [SMARTPHONES, CHEF, band],
                       config=TopicConfig(short_sentence_words=None))) == [True] * 5 + [False, False, True]


def test_content_terms_are_the_term_patterns_terms_whatever_the_typography():
    """content_terms' reading of a line ASCII but for typography (a split of its bytes, lower-cased
    in a table) gives what _TERM gives in the lower-cased line, whatever its case, negations, other
    letters (a Kelvin sign lower-cases to "k", a Greek sigma depends on what follows it; accented Latin and
    Cyrillic are split as bytes, a fraction or a no-break space sends a line to the regex) or language."""
    import random

    from cleaners.topic import _NEGATION, _NOT_CONTENT, _TERM, content_terms
    from cleaners.types import TYPOGRAPHY

    rng = random.Random(0)
    pieces = ["bak", "er", "the", "The", "IT", "a", " ", "n't", "N'T", "n'T", "n’t", "N’t", "'", "é", "É", "ж",
              "\u212a", "İ", "ΑΣ", "2", "_", "-", "\n", "ß", "½", "\u00a0", "ª", "Жё"] + list(TYPOGRAPHY)
    for _ in range(40_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        for language in ("en", "el", None):
            expected = set(_TERM.findall(_NEGATION.sub("", text.lower()))).difference(_NOT_CONTENT.get(language, ()))
            assert content_terms(text, language) == expected, (text, language)


def test_capital_patterns_find_what_their_word_boundary_forms_find():
    """_CAPITALISED, _ALL_CAPITALS and the full-name pattern test the capital (or the space) first and the
    boundary before it after (a search then skips ahead to capitals, or spaces): they find what the plain
    forms with ``\\b`` and a look-behind first find, whatever the text."""
    import random
    import re

    plain = {topic._CAPITALISED: re.compile(r"\b[A-Z][A-Za-z]+"),
             topic._ALL_CAPITALS: re.compile(r"\b[A-Z]{2,}(?![A-Za-z])|\b(?:[A-Z]\.){2,}"),
             topic.DISCOURSE_MARKERS["en"].full_name:
                 re.compile(r"(?<=[a-z,;:(“\"] )[A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2}\b")}
    rng = random.Random(0)
    pieces = ["A", "B", "U", "S", "Ab", "Cd", "ab", "x", ".", " ", "  ", ",", ";", ":", "(", "“", "\"", "’", "-", "_",
              "2", "é", "É", "ж", "\n", "\t", "Smith", "Tim Cook", "U.S.", "NASA"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        for pattern, reference in plain.items():
            assert pattern.findall(text) == reference.findall(text), (text, reference.pattern)


def test_capitalised_above_text_by_text_is_the_joined_texts_capitalised_words():
    """_LazyCues.capitalised_above reads the texts above a block one by one (through a view too) and stops at the
    first with one of the words: what the capitalised words of those texts joined by line breaks say."""
    import random

    from cleaners.topic import _capitalised_above, _LazyCues, capitalised_words

    rng = random.Random(0)
    pieces = ["A", "B", "Ab", "Cd", "ab", "cd", "U.S.", "NASA", "U.", "S.", ".", " ", "\n", "-", "_", "2", "é", "’"]
    for _ in range(2_000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(1, 6))]
        remaining = sorted(rng.sample(range(len(texts)), rng.randint(1, len(texts))))
        local = [texts[k] for k in remaining]
        cues = _LazyCues(texts, "en").view(remaining)
        for k in range(len(local)):
            words = rng.sample(["a", "ab", "b", "cd", "u.s.", "nasa", "us", "s.", "ba"], 2)
            expected = not capitalised_words("\n".join(local[:k]), None).isdisjoint(words)
            assert cues.capitalised_above(k, words) == expected, (local, k, words)
            assert _capitalised_above(k, words, [DiscourseCues()] * len(local), local) == expected


def test_refers_pattern_finds_what_its_plain_form_finds():
    """The ``refers`` pattern asks its phrases anchored at a paragraph's start under one ``^`` (tried once where
    the paragraph does not begin): the same match and groups as each phrase with its own ``^``, whatever the text."""
    import random
    import re

    plain = re.compile(
        r"^\W*(?:[\w’'-]+\s+){1,6}?(also)\b|^\s*(A):\s|^\W*(the (?:findings|study|research|results))\b"
        r"|^\W*((?:editor['’]s )?note):|^\W*(let['’]s)\b"
        r"|\b((?:did not|didn['’]t|does not|doesn['’]t) (?:immediately )?(?:respond|return|reply)"
        r"|(?:declined|could not be reached|was not available) (?:to|for) comment)", re.I)
    refers = topic.DISCOURSE_MARKERS["en"].refers
    rng = random.Random(0)
    pieces = ["also", "Also", "A:", "a: ", "The findings", "the study", "Note:", "Editor's note:", "Let's", "let’s",
              "didn't respond", "did not immediately reply", "declined to comment", "was not available for comment",
              " ", "  ", "\n", "-", "“", "word", "x", ",", ".", "é"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        found, expected = refers.search(text), plain.search(text)
        assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups())), text


def test_ascii_words_are_the_lower_cased_letter_runs_of_an_ascii_text():
    """_ascii_words: every run of ASCII letters, lower-cased, as _TERM finds them (of any length)."""
    import re
    import string

    from cleaners.topic import _ascii_words

    runs = re.compile(r"[^\W\d_]+")
    for text in ["", "The BAKER's 2nd loaf_of bread!", string.printable, "x\ty\x00z", "don't-stop\nNOW"]:
        assert _ascii_words(text) == set(runs.findall(text.lower())), text


def test_a_lone_lead_goes_with_a_short_sentence_that_shares_nothing():
    """One judged lead is no run, but with a short lead beside it (too few words to be judged)
    sharing nothing with the rest of the article, both go (rule ``single_with_sentences``). A
    short sentence naming something of the article, or referring back, keeps both."""
    short = "A half century on, the jazz quartet is still swinging."
    out = _mark(FLOOD + [CHEF, short])
    assert _kept(out) == [True] * 5 + [False, False]
    for block in out[5:]:
        assert block.decision.reason is Reason.OFF_TOPIC
        assert block.decision.evidence["rule"] == "single_with_sentences"
    assert out[6].decision.evidence["judged"] is False and out[6].decision.evidence["score"] == 0.0
    assert _kept(_again(out)) == [True] * 5
    out = _mark(FLOOD + [short, CHEF])  # the sentence right inside the lone lead goes too
    assert _kept(out) == [True] * 5 + [False, False]
    assert _kept(_mark(FLOOD + [CHEF, "A half century on, the riverside quartet is still swinging."])) == [True] * 7
    assert _kept(_mark(FLOOD + [CHEF, "She said the jazz quartet is still swinging after fifty years."])) == [True] * 7
    assert _kept(_mark(FLOOD + [CHEF, short], config=TopicConfig(lone_sentence_score=None))) == [True] * 7
    # SMARTPHONES shares "rose" with the core: over half the threshold, a lone judged block stays.
    assert _kept(_mark(FLOOD + [SMARTPHONES, short])) == [True] * 7


def test_a_sentence_inside_a_lone_lead_that_ties_to_the_article_stays():
    """The article's own short last line ("the riverside") stays; the lone lead and the short lead
    after it go without it."""
    own_line = "Police will reopen the riverside road on Friday."
    short = "A half century on, the jazz quartet is still swinging."
    out = _mark(FLOOD + [own_line, CHEF, short])
    assert _kept(out) == [True] * 6 + [False, False]
    assert out[6].decision.evidence["rule"] == "single_with_sentences"


@pytest.mark.parametrize("text, opening", [
    ("This holiday season I was thinking of flavors that would cheer me up.", None),
    ("This week the council voted to close the mill.", None),
    ("This decision will be appealed, the mayor said.", "this"),
])
def test_this_with_a_time_word_does_not_refer_back(text, opening):
    """"This week", "This holiday season": the time of writing, not something said before."""
    assert discourse_cues(text, "en").opening == opening


def test_a_series_of_blocks_sharing_nothing_with_their_neighbours_is_clearly_unrelated_for_the_budget():
    """Three leads after a two-paragraph-long story are more than ``max_removed_share`` of the text,
    and one shares a word with the core (over half the threshold: not clearly unrelated). Sharing
    nothing with the blocks beside them, they are a series of other stories all the same: up to
    ``clear_max_removed_share`` (evidence ``budget``); with ``series_blocks=None`` nothing goes."""
    story = FLOOD[:3] + ["The Elbe flooded the riverside again; police and officials closed the road."]
    leads = [CHEF, FASHION,
             "Quarterly smartphone shipments in Asia rose sharply as manufacturers cut prices of budget models."]
    out = _mark(story + leads)
    assert _kept(out) == [True] * 4 + [False] * 3
    evidence = [block.decision.evidence for block in out[4:]]
    assert all(e["neighbour_score"] == 0.0 and e["judged"] for e in evidence)
    assert evidence[0]["budget"] == TopicConfig().clear_max_removed_share
    assert any(e["score"] > TopicConfig().clear_score_fraction * e["threshold"] for e in evidence)
    assert _kept(_mark(story + leads, config=TopicConfig(series_blocks=None))) == [True] * 7


def test_a_short_sentence_right_inside_a_run_goes_when_it_shares_nothing_with_the_rest():
    """"Good morning! This is the tech news..." is too short to be judged and lies right inside a run of two
    leads: sharing nothing with the rest of the article and not referring back, it is another story's short
    first line and goes with them (evidence ``judged: false``). An affiliate label ("FTC: ..."), a sentence
    referring back ("Her last day...") and one sharing a word with the article stay; so does every one
    with ``lone_sentence_score`` off."""
    morning = "Good morning! This is the tech news you need to know this Tuesday."
    out = _mark(FLOOD + [morning, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[5].decision.evidence
    assert out[5].decision.reason is Reason.OFF_TOPIC and evidence["judged"] is False and evidence["score"] == 0.0
    assert _kept(_again(out)) == [True] * 5
    for own in ("FTC: We use income earning auto affiliate links. More.", "Her last day at the paper is April 1 next year.",
                "Residents of the flooded streets were told to stay home."):
        assert _kept(_mark(FLOOD + [own, SMARTPHONES, CHEF])) == [True] * 6 + [False] * 2, own
    assert _kept(_mark(FLOOD + [morning, SMARTPHONES, CHEF], config=TopicConfig(lone_sentence_score=None))) \
        == [True] * 6 + [False] * 2


def test_a_paragraph_naming_what_the_one_before_it_named_ends_the_run():
    """The flood story's last paragraphs drift: the one before the leads shares next to nothing with the core
    (under the threshold), but it goes on about the "Chinese" firm the paragraph before it named, so it is
    the article's and the run of leads ends before it. Naming nothing of its neighbour's, it goes with them;
    without the discourse cues it goes too (evidence ``score`` under ``threshold``)."""
    last = "Residents said the floods reminded them of 2002, when a Chinese engineering firm rebuilt the dikes."
    own = ("A Chinese state broker later bought stakes in regional toll roads, harbours, tram lines, ferries, "
           "warehouses and wind turbines across Saxony, Bohemia and Silesia.")
    out = _mark(FLOOD + [last, own, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 7 + [False] * 2
    assert _kept(_again(out)) == [True] * 7
    plain = _mark(FLOOD + [last, own, SMARTPHONES, CHEF], config=TopicConfig(use_discourse=False))
    assert _kept(plain) == [True] * 6 + [False] * 3
    assert plain[6].decision.evidence["score"] < plain[6].decision.evidence["threshold"]
    assert _kept(_mark(FLOOD + [last, own.replace("A Chinese", "A foreign"), SMARTPHONES, CHEF])) == [True] * 6 + [False] * 3


def test_an_image_credit_right_before_appended_leads_stays():
    """The article's last line is its image's credit: long enough to be judged and sharing nothing, but no
    sentence and mostly capitalised. The leads after it are prose, so the run ends before the credit
    (the credit is kept, the leads go); a run of such lines alone would be left whole."""
    credit = "Image Source: Neil Godwin / Future Publishing / Shutterstock Editorial Photo Agency"
    out = _mark(FLOOD + [credit, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 6 + [False] * 2
    assert all(block.decision.reason is Reason.OFF_TOPIC for block in out[6:])
    assert _kept(_again(out)) == [True] * 6


def test_leads_sharing_an_everyday_word_are_a_series_for_the_budget_when_the_innermost_names_a_story():
    """The same three leads, the outer two now sharing "bright" with each other (``neighbour_score`` over 0,
    under ``series_named_neighbour_score``): still a series of other stories for the budget, because the
    innermost reads as another story's first sentence, naming people and places the article never names.
    An innermost block naming nothing (an article's own list item could read so) makes no series, and
    the run is over ``max_removed_share``: everything stays; so it does with the setting off."""
    story = FLOOD[:3] + ["The Elbe flooded the riverside again; police and officials closed the road."]
    smartphones = ("Quarterly smartphone shipments in Asia rose sharply as manufacturers cut prices of budget models "
                   "in bright colours.")
    named = "A celebrated chef, Maria Lopez of Lisbon, opened Casa Azul, her third restaurant in Porto, with seasonal tasting menus."
    nameless = "Celebrated chefs opened their third restaurant with seasonal tasting menus, so that each dinner was unique."
    config = TopicConfig(disjoint_series_max_score=None, series_named_neighbour_score=0.1)
    out = _mark(story + [named, FASHION, smartphones], config=config)
    assert _kept(out) == [True] * 4 + [False] * 3
    evidence = [block.decision.evidence for block in out[4:]]
    assert all(e["budget"] == config.clear_max_removed_share for e in evidence)
    assert evidence[0]["neighbour_score"] == 0.0 and all(0.0 < e["neighbour_score"] <= 0.1 for e in evidence[1:])
    assert evidence[1]["score"] > config.clear_score_fraction * evidence[1]["threshold"]
    assert _kept(_mark(story + [nameless, FASHION, smartphones], config=config)) == [True] * 7
    assert _kept(_mark(story + [named, FASHION, smartphones],
                       config=config._replace(series_named_neighbour_score=None))) == [True] * 7


def test_a_lone_lead_opening_with_a_quote_goes_when_it_introduces_a_name_and_shares_nothing():
    """A quote opening a paragraph refers back (``opens:“``), but this one shares nothing with the
    rest of the article and introduces a name of its own: another story's first line, going with the
    short lead beside it. Sharing a word with the article, it stays, and the short lead with it."""
    short = "A half century on, the jazz quartet is still swinging."
    quote = ("\u201cYou are going to see a number of things that this console can do that no other platform can,\u201d "
             "says product chief Jack Buser.")
    out = _mark(FLOOD + [short, quote])
    assert _kept(out) == [True] * 5 + [False, False]
    assert out[6].decision.evidence["rule"] == "single_with_sentences"
    assert out[6].decision.evidence["cohesion"] == "opens:\u201c"
    assert out[6].decision.evidence["lead_like"] == "introduces:Jack Buser"
    riverside_quote = quote.replace("this console", "the riverside console")
    assert _kept(_mark(FLOOD + [short, riverside_quote])) == [True] * 7


# Session 10: isolated leads where the core gives no verdict, the clear outer part of a run over its
# budget, a run reaching into a small core, and more cues of a paragraph tying back to the article.

UNRELATED_ITEMS = [
    SMARTPHONES, FASHION,
    "The orchestra rehearsed a forgotten symphony by a young composer for the winter festival concert.",
    "Farmers in the valley harvested a record crop of apples after a warm and unusually dry summer.",
    "A rare and bright comet will be visible from the northern hemisphere just before sunrise, astronomers said.",
]
MARKET = ("Tourists can buy postcards, wooden toys, knitted scarves and smoked fish from market stalls along the "
          "bridge promenade.")


def test_isolated_leads_after_an_article_without_a_common_subject_go():
    """The items share almost nothing with one another (core median 0.0582 < ``min_core_median``): no
    verdict from the core. Two stories opening with a dateline and sharing nothing with the blocks
    above them go all the same (rule ``isolated_leads``); two without a lead's cue stay."""
    out = _mark(UNRELATED_ITEMS + [MADRID, PIG])
    assert _kept(out) == [True] * 5 + [False, False]
    for block in out[5:]:
        evidence = block.decision.evidence
        assert block.decision.reason is Reason.OFF_TOPIC
        assert evidence["rule"] == "isolated_leads" and evidence["reference"] == "blocks_above"
        assert evidence["lead_like"] == "dateline" and evidence["cohesion"] is None
        assert evidence["score"] <= evidence["threshold"] == TopicConfig().isolated_lead_score
        assert evidence["core_median"] == 0.0582 and evidence["run"] == 2
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(UNRELATED_ITEMS + [CHEF, VEGAN])) == [True] * 7
    assert _kept(_mark(UNRELATED_ITEMS + [MADRID, PIG], config=TopicConfig(isolated_lead_score=None))) == [True] * 7


def test_leads_after_a_one_paragraph_article_go_but_never_the_article():
    """One paragraph is no core, and as a story of its own it would lead the isolated run too (then the
    whole text, over any budget, and nothing went). The first block is never taken: the three leads after
    it go (rule ``isolated_leads``), the article stays. A list of names after it is no prose, no story's
    first line: it stays, and one lead is no run."""
    article = ("The son of former German President Richard von Weizsäcker, the physician Fritz von Weizsäcker, was "
               "stabbed during a lecture at a Berlin clinic, police said.")
    out = _mark([article, MADRID, PIG, IT_LEAD])
    assert _kept(out) == [True, False, False, False]
    assert {block.decision.evidence["rule"] for block in out[1:]} == {"isolated_leads"}
    assert _kept(_again(out)) == [True]
    names = "01. Robert Plant 02. Rob Halford 03. Steven Tyler 04. Chris Cornell 05. Bon Scott 06. Freddie Mercury"
    assert _kept(_mark([article, MADRID, names])) == [True] * 3


def test_an_isolated_block_without_a_leads_cue_goes_between_leads():
    """A prose block sharing nothing with the blocks above but naming nobody is no lead by itself; between
    two dateline leads it goes with them (evidence ``let_in_by: lead_inside``). With no lead inside it (the
    article right before it) it stays; with ``max_let_in=0`` the run stops at it, one lead is no run, and
    everything stays."""
    article = ("The son of former German President Richard von Weizsäcker, the physician Fritz von Weizsäcker, was "
               "stabbed during a lecture at a Berlin clinic, police said.")
    plain = "If you plan to retire early, you should aim to save at least thirty times your yearly spending first."
    out = _mark([article, MADRID, plain, PIG])
    assert _kept(out) == [True, False, False, False]
    evidence = out[2].decision.evidence
    assert evidence["rule"] == "isolated_leads" and evidence["let_in_by"] == "lead_inside"
    assert evidence["lead_like"] is None and evidence["score"] == 0.0 and evidence["judged"] is True
    assert _kept(_mark([article, plain, MADRID, PIG])) == [True, True, False, False]
    assert _kept(_mark([article, MADRID, plain, PIG], config=TopicConfig(max_let_in=0))) == [True] * 4


def test_an_isolated_lead_a_little_over_the_score_goes_between_leads():
    """Where the core gives no verdict, a block sharing "bike" with the blocks above (0.1, over
    ``isolated_lead_score`` but under ``lead_like_max_score``) that introduces a name in full is let in
    between two dateline leads (evidence ``let_in_by: lead_inside``, ``lead_like``); without its cue it ends
    the run there, and one lead is no run."""
    from cleaners.topic import _isolated_leads

    terms = [{"bike", "manual", "review"}, {"honda", "engine", "manual"}, {"repair", "bike", "tools"},
             {"nadal", "spain", "doubles", "tennis", "comeback", "madrid"},
             {"bike", "jazz", "festival", "harbor", "pianist", "crowds", "concerts", "jam", "sessions", "docks"},
             {"pig", "traffic", "highway", "volunteers", "trailer", "honolulu"}]
    cues = [DiscourseCues()] * 3 + [DiscourseCues(dateline=True), DiscourseCues(names=("Maria Lopez",)),
                                    DiscourseCues(dateline=True)]
    config = TopicConfig(min_terms=3)
    found = _isolated_leads(terms, cues, ("tail",), config, None, None, 0)
    assert sorted(found) == [3, 4, 5]
    assert config.isolated_lead_score < found[4]["score"] == 0.1 < config.lead_like_max_score
    assert found[4]["let_in_by"] == "lead_inside" and found[4]["lead_like"] == "introduces:Maria Lopez"
    assert found[3]["let_in_by"] is None and found[3]["lead_like"] == "dateline"
    cues[4] = DiscourseCues()
    assert _isolated_leads(terms, cues, ("tail",), config, None, None, 0) == {}


def test_a_run_reaching_into_a_small_core_gives_no_verdict(monkeypatch):
    """Three flood paragraphs, a paragraph of the page's own that shares nothing with them, and two
    leads: the run from the tail would take one of the core's three judged blocks, leaving two, no
    reference to judge by. As without a verdict, only the isolated leads go; the own paragraph stays
    (judged against the other two, it would go with the leads)."""
    berlin = ("BERLIN (AP) — The European Space Agency says putting astronauts into a state of suspended "
              "animation could make it easier to reach other planets.")
    out = _mark(FLOOD[:3] + [MARKET, MADRID, berlin])
    assert _kept(out) == [True] * 4 + [False, False]
    assert {block.decision.evidence["rule"] for block in out[4:]} == {"isolated_leads"}
    assert out[4].decision.evidence["core_blocks"] == 3 and out[4].decision.evidence["core_median"] > 0.06
    monkeypatch.setattr(topic, "_leaves_core", lambda *args: True)
    assert _kept(_mark(FLOOD[:3] + [MARKET, MADRID, berlin])) == [True] * 3 + [False] * 3


def test_a_run_over_the_budget_keeps_the_article_and_drops_its_clearly_unrelated_outer_part():
    """The run (an own paragraph scoring over half the threshold, three leads) is more than
    ``max_removed_share`` of the text and not all clearly unrelated: its outer part, clearly unrelated
    blocks sharing nothing with their neighbours, goes alone (evidence ``outer_part_of``: the run's size)."""
    texts = STORY + [MARKET, MADRID, CHEF, PIG]
    out = _mark(texts)
    assert _kept(out) == [True] * 6 + [False] * 3
    for block in out[6:]:
        evidence = block.decision.evidence
        assert evidence["outer_part_of"] == 4 and evidence["budget"] == TopicConfig().max_removed_share
        assert evidence["neighbour_score"] == 0.0
    assert _kept(_again(out)) == [True] * 6
    whole = _mark(texts, config=TopicConfig(max_removed_share=0.6))
    assert _kept(whole) == [True] * 5 + [False] * 4
    assert "outer_part_of" not in whole[5].decision.evidence  # only on the outer part of a run
    assert whole[5].decision.evidence["score"] > TopicConfig().clear_score_fraction * whole[5].decision.evidence["threshold"]


def test_a_long_run_meeting_the_article_with_a_line_that_is_no_sentence_keeps_that_line():
    """A short story's own list item (no sentence, sharing nothing) and three leads after it: together more
    than ``max_removed_share``, all sharing nothing. Where such a run meets the article with a line that is no
    sentence, that line is the article's, so the clear budget is not given; the leads go as the run's outer
    part (evidence ``outer_part_of``), which ends before the item. Ending with a full stop, the item reads as
    a lead and goes with them (nothing tells it apart)."""
    story = FLOOD[:3] + ["The Elbe flooded the riverside again; police and officials closed the road."]
    item = "Spare batteries, candles and warm blankets for every family that needs them tonight"
    out = _mark(story + [item, MADRID, CHEF, PIG])
    assert _kept(out) == [True] * 5 + [False] * 3
    assert all(block.decision.evidence["outer_part_of"] == 4 for block in out[5:])
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(story + [item + ".", MADRID, CHEF, PIG])) == [True] * 4 + [False] * 4


@pytest.mark.parametrize("text, refers", [
    ("Isolated cases often also spring up in the US, with a dozen people diagnosed annually.", "also"),
    ("The governor's office didn't immediately respond to The Hill's request for comment.", "didn't immediately respond"),
    ("The company declined to comment on the report.", "declined to comment"),
    ("A: Sonos, because music is the soundtrack to your life.", "a"),
    ("The findings were published today in the journal BMJ Case Reports.", "the findings"),
    ("MADRID (AP) — Rafael Nadal kept Spain's hopes alive on Sunday.", None),
    ("A team led by researchers at NASA has confirmed traces of water vapor.", None),
    ("Note: Garnet Hathaway was ejected for spitting on an opponent.", "note"),
    ("Editor's note: This story was updated at 5:45 p.m. ET.", "editor's note"),
    ("Let’s be honest, distilling a year of gadgets into a shortlist is hard.", "let’s"),
])
def test_phrases_that_tie_a_paragraph_back(text, refers):
    assert discourse_cues(text, "en").refers == refers
    assert cohesion(discourse_cues(text, "en"), Counter()) == (f"refers:{refers}" if refers else None)


def test_a_closing_formula_keeps_the_paragraph_even_when_it_introduces_a_name():
    """"... didn't immediately respond to a request for comment" closes the article about someone it
    concerns: the run of leads ends before it, though it shares nothing and introduces a name (which
    a first word like "It" would not outweigh: ``_opens_own_story``). Without the cues it goes."""
    closing = "Harbor Authority chief Lena Brook didn't immediately respond to a request for comment."
    out = _mark(FLOOD + [closing, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 6 + [False, False]
    assert _kept(_mark(FLOOD + [closing, SMARTPHONES, CHEF], config=TopicConfig(use_discourse=False))) \
        == [True] * 5 + [False] * 3


def test_a_round_up_item_with_the_marker_of_the_one_before_is_kept():
    """A round-up's items open with "...": the last one, sharing nothing with the story, opens with the
    marker of the item before it and is the article's own; without the marker it goes with the leads."""
    item = "... Police also closed the riverside road along the Elbe on Tuesday, officials said."
    last = "... A separate storm cancelled the island ferry and left fishermen stranded in the port overnight."
    assert discourse_cues(last, "en").marker == "..."
    assert _kept(_mark(FLOOD + [item, last, SMARTPHONES, CHEF])) == [True] * 7 + [False, False]
    assert _kept(_mark(FLOOD + [item, last[4:], SMARTPHONES, CHEF])) == [True] * 6 + [False] * 3


def test_a_cnn_credit_is_a_dateline():
    assert discourse_cues("Hong Kong (CNN Business) A muddled view of trade talks weighs on investors.", "en").dateline
    assert discourse_cues("Atlanta (CNN) Storms hit the city.", "en").dateline


def test_a_line_of_the_article_that_the_run_would_strand_ends_it():
    """An embedded post's attribution line ("— Elbe Police (@elbepolice) ...") is too short to be judged,
    no sentence, and names the article's subject: the run of leads ends at it, and the post above it,
    sharing nothing with the story, stays. Without the line the post goes with the leads."""
    post = "Sandbags are stacked high along the harbor wall tonight, volunteers working until dawn pic.twitter.com/x1"
    line = "— Elbe Police (@elbepolice) March 3, 2019"
    out = _mark(FLOOD + [post, line, SMARTPHONES, CHEF])
    assert _kept(out) == [True] * 7 + [False, False]
    assert out[7].decision.evidence["run"] == 2
    assert _kept(_mark(FLOOD + [post, SMARTPHONES, CHEF])) == [True] * 5 + [False] * 3


def test_spaced_ascii_reads_only_ascii_and_typography_and_lower_cases_like_the_line():
    """_spaced_ascii: a line of ASCII and typography alone, negations dropped whatever their case and
    typography spaced; lower-cased, what content_terms' regex form reads; ``None`` for other letters."""
    from cleaners.topic import _NEGATION, _spaced_ascii
    from cleaners.types import spaced_typography

    for text in ["Don’t", "DON'T stop", "“It isn’t”, she said — and left…", "plain", "n't", "Kn'T", ""]:
        assert _spaced_ascii(text).lower() == spaced_typography(_NEGATION.sub("", text.lower())), text
    assert _spaced_ascii("Café’s menu") is None and _spaced_ascii("Москва") is None


def test_core_scores_from_the_repeated_terms_are_the_leave_one_out_scores():
    """_repeated gives the terms whose core count is over 1, so _core_scores reading what each core block
    shares with it (by _score, in any order) gives what topical_score with own=1 gives, weighted or not,
    to the last bit of a float sum."""
    import random

    from cleaners.topic import _core_scores, _judged, _score, _share

    rng = random.Random(0)
    words = [f"w{i}" for i in range(30)]
    weights = {w: rng.choice([0.0, 0.25, 1.0, 6.25, 16.0]) for w in words}
    real_weights = {w: rng.choice([0.0, rng.random() * 16]) for w in words}  # sums that depend on the order
    for _ in range(300):
        terms = [set(rng.sample(words, rng.randint(0, 12))) for _ in range(rng.randint(1, 12))]
        title = set(rng.sample(words, rng.randint(0, 3)))
        core_range = range(rng.randint(0, len(terms) // 2), len(terms))
        core = Counter(title)
        for k in core_range:
            core.update(terms[k])
        for w in (None, weights, real_weights):
            config = TopicConfig(min_terms=3)
            assert _core_scores(terms, core, core_range, config, w) == sorted(
                topical_score(terms[k], core, own=1, weights=w)[0] for k in core_range if _judged(terms[k], w, config))
            for k in core_range:
                shared = sorted(t for t in terms[k] if core[t] > 1)
                assert _share(terms[k], shared, w) == topical_score(terms[k], core, own=1, weights=w)
                assert _score(terms[k], set(shared), w) == _share(terms[k], shared, w)[0]


def test_neighbour_score_is_the_topical_score_against_the_neighbours_counts():
    """_neighbour_score reads what block k shares with the union of the blocks beside it (by _score): what
    topical_score gives against their counted terms, weighted or not, to the last bit."""
    import random

    from cleaners.topic import _neighbour_score

    rng = random.Random(0)
    words = [f"w{i}" for i in range(20)]
    weights = {w: rng.choice([0.0, rng.random() * 16]) for w in words}
    for _ in range(500):
        terms = [set(rng.sample(words, rng.randint(0, 10))) for _ in range(rng.randint(1, 5))]
        for k in range(len(terms)):
            near = Counter()
            for j in (k - 1, k + 1):
                if 0 <= j < len(terms):
                    near.update(terms[j])
            for w in (None, weights):
                assert _neighbour_score(k, terms, w) == topical_score(terms[k], near, weights=w)[0]


# Session 11: names as a story's signal. Another story's first paragraph introduces its own people,
# places and firms; the article's own paragraphs name the article's.

OSLO = ("Lawmakers in Oslo approved a budget to protect Norwegian salmon farms from a parasite spreading "
        "along the western fjords.")
VOLKSWAGEN = ("Shares of Volkswagen slid after the carmaker recalled thousands of diesel vans sold across Europe "
              "last spring.")
WEWORK = ("More than a third of WeWork employees will likely receive notice that they no longer have a job at "
          "the company.")


def test_capitalised_words_inside_sentences_are_names():
    """A sentence's first word is capitalised whatever it is; inside a sentence, a capitalised word is a
    name's (stopwords and calendar words aside; an acronym stays, "US" too)."""
    from cleaners.topic import capitalised_words

    text = "Authorities say the US and WeWork’s Adam Neumann met in May. Police said: Fort Worth agreed."
    assert capitalised_words(text, "en", inside_sentences=True) == {"us", "wework", "adam", "neumann", "worth"}
    assert {"authorities", "police", "fort"} <= capitalised_words(text, "en")
    assert discourse_cues(OSLO, "en").name_words == ("norwegian", "oslo")
    assert discourse_cues(OSLO, "et").name_words == ()


def test_new_names_are_names_the_reference_never_capitalises():
    """Names, not words: "Fort Worth" is new to a text that says "worth it", not to one naming Worth."""
    from cleaners.topic import new_names

    cues = discourse_cues("A video shows a kidnapped Fort Worth girl rescued by police.", "en")
    assert new_names(cues, {"clymer"}) == "new_names:fort,worth"
    assert new_names(cues, {"worth"}) is None
    assert new_names(discourse_cues("If you plan to retire early, save more.", "en"), set()) is None


def test_isolated_leads_may_open_with_names_the_blocks_above_never_name():
    """No verdict from the core (its items share almost nothing); two stories' first lines with neither a
    dateline nor a name in full, each naming only what no block above names (Volkswagen, Europe; WeWork),
    go as isolated leads (evidence ``lead_like: new_names:...``). A closing paragraph naming Asia, which
    the article names, stays, and so the run stops before it; without the setting the leads stay."""
    out = _mark(UNRELATED_ITEMS + [VOLKSWAGEN, WEWORK])
    assert _kept(out) == [True] * 5 + [False, False]
    for block, names in zip(out[5:], ("new_names:europe,volkswagen", "new_names:wework")):
        evidence = block.decision.evidence
        assert evidence["rule"] == "isolated_leads" and evidence["reference"] == "blocks_above"
        assert evidence["lead_like"] == names and evidence["cohesion"] is None and evidence["score"] == 0.0
    assert _kept(_again(out)) == [True] * 5
    asia = "Exporters across Asia expect the harvest festival to draw record crowds of visiting buyers."
    assert _kept(_mark(UNRELATED_ITEMS + [asia, WEWORK])) == [True] * 7
    assert _kept(_mark(UNRELATED_ITEMS + [VOLKSWAGEN, WEWORK], config=TopicConfig(isolated_new_names=False))) \
        == [True] * 7


def test_a_tail_block_naming_a_new_story_counts_low_beside_two_low_blocks():
    """OSLO scores over the threshold (it shares "approved" and "budget" with the bridge story) but names
    only what the article never names and shares nothing with its neighbours: with two blocks low by
    their words outside it, it goes too (rule ``new_names``, evidence ``names``)."""
    out = _mark(STORY + [OSLO, CHEF, SMARTPHONES])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[5].decision.evidence
    assert evidence["rule"] == "new_names" and evidence["names"] == "new_names:norwegian,oslo"
    assert evidence["threshold"] <= evidence["score"] < TopicConfig().new_names_max_score
    assert evidence["shared_terms"] == ["approved", "budget"] and evidence["neighbour_score"] == 0.0
    assert "rule" not in out[6].decision.evidence
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(STORY + [OSLO, CHEF, SMARTPHONES], config=TopicConfig(new_names_max_score=None))) \
        == [True] * 6 + [False] * 2


def test_an_own_paragraph_naming_the_article_or_referring_back_is_not_a_new_story():
    """The same paragraph stays when it names the Harbor of the article, when it opens with a definite
    description of the article's ("The budget..."), when it names one word only (a disclaimer names its
    publisher), and when fewer than two blocks low by their words lie outside it (a site's line and the
    article's own last paragraph introducing its coach: nationnews.com of trafilatura_eval). (Two prose
    paragraphs sharing nothing with each other or the article go all the same, as a disjoint series.)"""
    from cleaners.topic import _definite_reference

    harbor = OSLO.replace("the western fjords", "the Harbor")
    definite = "The budget approved in Oslo protects Norwegian salmon farms from a parasite spreading in fjords."
    single = OSLO.replace("Norwegian", "local")
    for own in (harbor, definite, single):
        assert _kept(_mark(STORY + [own, CHEF, SMARTPHONES])) == [True] * 6 + [False] * 2, own
    assert _definite_reference(definite, Counter(budget=2)) == "budget"
    assert _kept(_mark(STORY + [OSLO, CHEF], config=TopicConfig(disjoint_series_max_score=None))) == [True] * 7
    series = _mark(STORY + [OSLO, CHEF])
    assert _kept(series) == [True] * 5 + [False] * 2
    assert {block.decision.evidence["rule"] for block in series[5:]} == {"disjoint_series"}


# A series of appended stories: each shares nothing with the blocks beside it.

#: Another story on the article's own subject (a bridge's steel cables): it scores far over the threshold.
BAY_BRIDGE = ("Oakland's Bay Bridge will get new steel cables and a stronger deck next spring, its engineers "
              "announced on Friday.")


def test_a_series_of_appended_stories_goes_even_when_the_outermost_is_on_the_subject():
    """Three leads after the bridge story share nothing with one another; the outermost, another bridge's
    story, scores far over the threshold and used to shield the two inside it. As a series whose innermost
    block opens another story (a dateline) they go together (rule ``disjoint_series``)."""
    texts = STORY + [MADRID, CHEF, BAY_BRIDGE]
    out = _mark(texts)
    assert _kept(out) == [True] * 5 + [False] * 3
    for block in out[5:]:
        evidence = block.decision.evidence
        assert block.decision.reason is Reason.OFF_TOPIC
        assert evidence["rule"] == "disjoint_series" and evidence["neighbour_score"] == 0.0 and evidence["run"] == 3
    bay = out[7].decision.evidence
    assert bay["score"] > bay["threshold"] and set(bay["shared_terms"]) >= {"bridge", "cables"}
    assert out[5].decision.evidence["lead_like"] == "dateline"
    assert _kept(_again(out)) == [True] * 5
    assert _kept(_mark(texts, config=TopicConfig(disjoint_series_max_score=None))) == [True] * 8
    assert _kept(_mark(texts, config=TopicConfig(disjoint_series_blocks=4))) == [True] * 8


def test_a_series_whose_innermost_block_opens_no_story_stays():
    """Where the series meets the article, its block must read as another story's opening (a dateline, a
    name the article never names). "A celebrated chef opened her third restaurant..." names nobody: it could
    be the article's own drifting close, so the series is cut before it, and one block is no series. With
    a dateline's lead between the chef and the bridge, the two outer blocks go."""
    assert _kept(_mark(STORY + [CHEF, BAY_BRIDGE])) == [True] * 7
    out = _mark(STORY + [CHEF, MADRID, BAY_BRIDGE])
    assert _kept(out) == [True] * 6 + [False] * 2
    assert out[6].decision.evidence["rule"] == "disjoint_series" and out[6].decision.evidence["run"] == 2


def test_a_citation_is_no_paragraph_of_a_series():
    """A series is of prose: a citation line ends with a full stop but is names and dates, few words in lower case
    (``series_min_lower_case_share``), so it ends the series and stays, with the block inside it."""
    citation = "Jane Roe; Painter of Harbours; Western Courier (Galway); Feb 14, 2006."
    assert discourse_cues(citation, "en").lower_case_share < TopicConfig().series_min_lower_case_share
    assert _kept(_mark(STORY + [MADRID, citation, BAY_BRIDGE])) == [True] * 8


def test_a_short_label_line_does_not_open_a_series():
    """"FTC: We use ... affiliate links" opens with capitals and a colon, as "NEW DELHI:" does, but on a line
    too short to be judged that is a label, not a dateline: the series ends before it and the line stays."""
    ftc = "FTC: We use income earning affiliate links on this page."
    assert discourse_cues(ftc, "en").dateline
    out = _mark(STORY + [ftc, MADRID, CHEF, BAY_BRIDGE])
    assert _kept(out) == [True] * 6 + [False] * 3
    assert {block.decision.evidence["rule"] for block in out[6:]} == {"disjoint_series"}


def test_an_innermost_block_scoring_over_half_the_threshold_opens_a_series_only_naming_nothing_known():
    """Scoring 0.18 for one shared word ("detour"), a paragraph naming only places the article never names
    opens a series as another story's lead would; the same paragraph opening with the article's own name
    ("Harbor pilots...": the Harbor Bridge) is the article's, and the series is cut before it."""
    lead = ("Local pilots who once guided ferries through the Narrows Channel near Kingston Point expect a busy "
            "detour season.")
    out = _mark(STORY + [lead, MADRID, BAY_BRIDGE])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[5].decision.evidence
    assert evidence["rule"] == "disjoint_series" and evidence["score"] > evidence["threshold"]
    assert evidence["shared_terms"] == ["detour"]
    own = lead.replace("Local pilots", "Harbor pilots")
    assert _kept(_mark(STORY + [own, MADRID, BAY_BRIDGE])) == [True] * 6 + [False] * 2


#: Another story's lead sharing one everyday word ("officials") with the article's last paragraph.
SWIFT = ("A row involving Taylor Swift, her former record label and a couple of big name officials grew louder "
         "as fans signed a petition.")


def test_a_lead_naming_a_new_story_joins_a_series_though_it_shares_a_word_with_its_neighbour():
    """SWIFT shares "officials" with the bridge story's last paragraph, so it is not disjoint from its
    neighbours; but it names only names the article never names, so within ``series_named_neighbour_score``
    it joins a series of at least ``disjoint_series_blocks`` blocks disjoint by their words (evidence
    ``neighbour_score`` over 0, rule ``disjoint_series``), which then fits the budget of a series. Beside one
    such block only (the bridge lead) it proves nothing and everything stays; without the setting it stays."""
    named = PLAIN._replace(series_named_neighbour_score=0.1)
    out = _mark(STORY + [SWIFT, MADRID, CHEF, BAY_BRIDGE], config=named)
    assert _kept(out) == [True] * 5 + [False] * 4
    evidence = out[5].decision.evidence
    assert evidence["rule"] == "disjoint_series" and 0.0 < evidence["neighbour_score"] <= 0.1
    assert evidence["budget"] == PLAIN.clear_max_removed_share
    assert _kept(_again(out, config=named)) == [True] * 5
    assert _kept(_mark(STORY + [SWIFT, MADRID, CHEF, BAY_BRIDGE], config=named._replace(
        series_named_neighbour_score=None))) == [True] * 6 + [False] * 3
    assert _kept(_mark(STORY + [SWIFT, BAY_BRIDGE], config=named)) == [True] * 7


def test_an_isolated_lead_opening_with_a_pronoun_but_sharing_nothing_goes():
    """Where the core gives no verdict, "It was the shot heard around the world..." opens with a pronoun
    but shares nothing with the blocks above and introduces a name of its own: it opens another story and
    goes with the dateline's lead after it (evidence ``cohesion`` keeps the cue). With
    ``lead_over_cohesion_score`` off the cue ties it back, and one lead is no run."""
    out = _mark(UNRELATED_ITEMS + [IT_LEAD, MADRID])
    assert _kept(out) == [True] * 5 + [False] * 2
    evidence = out[5].decision.evidence
    assert evidence["rule"] == "isolated_leads" and evidence["score"] == 0.0
    assert evidence["cohesion"] == "opens:it" and evidence["lead_like"] == "introduces:Tomas Lindqvist"
    assert _kept(_mark(UNRELATED_ITEMS + [IT_LEAD, MADRID], config=TopicConfig(lead_over_cohesion_score=None))) \
        == [True] * 7


def test_a_short_sentence_outside_isolated_leads_goes_with_them():
    """A sentence too short to be judged between the edge and isolated leads' inner end goes with them when
    it shares no more than they may with the blocks above (evidence ``judged: false``), as it goes with a
    tail run judged against the core."""
    short = "A half century on, the band is still touring."
    out = _mark(UNRELATED_ITEMS + [MADRID, PIG, short])
    assert _kept(out) == [True] * 5 + [False] * 3
    evidence = out[7].decision.evidence
    assert evidence["rule"] == "isolated_leads" and evidence["judged"] is False and evidence["lead_like"] is None
    assert _kept(_mark(UNRELATED_ITEMS + [MADRID, short])) == [True] * 7  # one lead is no run


def test_a_tail_run_does_not_leave_an_articles_info_box_stranded():
    """A performance's credits, then its ticket box (short lines, no sentences), then two appended leads:
    the run of the leads ends before the box (``max_stranded_lines``), where it used to reach over it to the
    credits, which share nothing with the story, and leave the box stranded between dropped blocks."""
    credits = "Director Anna Kowalska, Composer Piotr Nowak, Lighting Design Ewa Zielinska, Costume Design Marek Lis"
    box = ["Tickets", "VIP : 60,000 won", "R : 50,000 won", "Inquiry", "02-751-1500"]
    texts = STORY + [credits] + box + [CHEF, SMARTPHONES]
    assert _kept(_mark(texts)) == [True] * 11 + [False] * 2
    # The credits are a caption-like line (no sentence, mostly capitalised: :func:`_caption_before_prose`),
    # so even a run reaching over the box, or over a box of two lines, ends before them.
    assert _kept(_mark(texts, config=TopicConfig(max_stranded_lines=None))) == [True] * 11 + [False] * 2
    assert _kept(_mark(STORY + [credits] + box[:2] + [CHEF, SMARTPHONES])) == [True] * 8 + [False] * 2


def test_surnames_skipped_without_a_speech_verb_are_those_the_pattern_finds():
    """_surnames does not search a text holding none of the markers' speech_verbs: the pattern finds the
    same surnames in any text as when it is always searched."""
    import random

    from cleaners.topic import DISCOURSE_MARKERS, _surnames

    markers = DISCOURSE_MARKERS["en"]
    always = markers._replace(speech_verbs=())
    rng = random.Random(0)
    pieces = ["Smith", "O'Neil", "said", "says", "Said", "told", "added", "wrote", "explained", "sai", "the",
              "mayor", " ", ", ", ". ", "“", "”", "—", "\n", "x"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _surnames(text, markers) == _surnames(text, always), text


def test_sentence_ended_answers_as_the_sentence_end_pattern():
    """_sentence_ended strips spaces, then closing quotes and brackets, from the end: it answers as a search of
    _SENTENCE_END does, whatever the text."""
    import random

    from cleaners.topic import _SENTENCE_END, _sentence_ended

    rng = random.Random(0)
    pieces = ["a", ".", "!", "?", "\"", "”", "’", "'", ")", "]", "(", " ", "\n", "\u00a0", "\u2003", "x.", "…", "“"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _sentence_ended(text) == (_SENTENCE_END.search(text) is not None), repr(text)


def test_refers_matched_at_the_start_alone_without_its_words_is_what_a_search_finds():
    """_refers matches a text holding none of the markers' refers_words (case-folded) at its start alone: it
    finds the same phrase as a search of the whole text, whatever the text and its case."""
    import random

    from cleaners.topic import DISCOURSE_MARKERS, _refers

    markers = DISCOURSE_MARKERS["en"]
    always = markers._replace(refers_words=())
    rng = random.Random(0)
    pieces = ["also", "Also", "A", ":", " ", "the findings", "Note", "Editor's note", "let's", "LET’S", "did not",
              "didn't", "Didn’t", "declined", "could not be reached", "was not available", "to", "for", "comment",
              "COMMENT", "reſpond", "respond", "immediately", "return", "reply", "x", ",", "\n", "—"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(0, 10)))
        assert _refers(markers, text) == _refers(always, text), text


def test_dateline_matched_at_the_start_alone_without_its_strings_is_what_a_search_finds():
    """_dateline matches a text holding none of the markers' dateline_words at its start alone: the same answer
    as a search of the whole text, whatever the text."""
    import random

    from cleaners.topic import DISCOURSE_MARKERS, _dateline

    markers = DISCOURSE_MARKERS["en"]
    always = markers._replace(dateline_words=())
    rng = random.Random(0)
    pieces = ["HANOI", "NEW YORK", "N.M.", ",", " ", "(AP)", "(Reuters)", "(", ")", "AP", "CNN", " Business", "—",
              "–", ":", "-", "Rain", "fell", "\n", "U.S."]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _dateline(text, markers) == _dateline(text, always), text


def test_bucket_weights_are_the_bucket_by_bucket_updates():
    """_bucket_weights (one dict of all the buckets' words) is the dict that one ``update`` per bucket builds:
    the same words in the same order, a word in several buckets with its last bucket's weight; and the weights
    of real word lists are what those updates give."""
    import math
    import random

    import wordfreq

    from cleaners.topic import _bucket_weights, _weights

    rng = random.Random(0)
    words = ["the", "of", "river", "mill", "x", "ogunjobi"]
    for _ in range(5_000):
        buckets = [[rng.choice(words) for _ in range(rng.randint(0, 4))] for _ in range(rng.randint(0, 5))]
        weights = [rng.choice([0.0, 1.0, rng.random() * 16]) for _ in buckets]
        expected: dict[str, float] = {}
        for bucket, weight in zip(buckets, weights):
            expected.update(dict.fromkeys(bucket, weight))
        built = _bucket_weights(buckets, weights)
        assert built == expected and list(built) == list(expected)
    for language in ("en", "id"):
        expected = {}
        for index, bucket in enumerate(wordfreq.get_frequency_list(language, wordlist="small")):
            frequency = wordfreq.cB_to_freq(-index)
            if frequency:
                expected.update(dict.fromkeys(bucket, min(4.0, max(0.0, -2.5 - math.log10(frequency))) ** 2))
        assert _weights(language, -2.5, 4.0) == expected


def test_lower_case_share_of_ascii_text_is_the_regex_share():
    """lower_case_share counts an ASCII text's word initials by a byte table (_ascii_initials): the same share as
    the regex's initials (_WORD_INITIAL), whatever the text: every ASCII character, and runs of them."""
    import random
    import string

    from cleaners.topic import _WORD_INITIAL, lower_case_share

    def by_regex(text: str) -> float:
        initials = _WORD_INITIAL.findall(text)
        return round(sum(map(str.islower, initials)) / len(initials), 4) if initials else 0.0

    rng = random.Random(0)
    pieces = [*map(chr, range(128)), "ab", "Cd", "x-ray", "it's", "O'Neil", "_x", "9pm", "U.S.", "  ", "A", "z"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert lower_case_share(text) == by_regex(text), repr(text)
    assert all(lower_case_share(chr(code) + "a b") == by_regex(chr(code) + "a b") for code in range(128))
