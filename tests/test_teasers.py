"""cleaners.teasers: "related / more news" units removed with Reason.TEASER and their rule;
a single truncated sentence or an article's own headings are not teasers."""

from __future__ import annotations

import pytest

from cleaners.teasers import (
    TeaserConfig,
    is_related_link,
    is_section_label,
    is_teaser_headline,
    is_truncated,
    mark_teasers,
)
from cleaners.types import Block, BlockType, Reason

ARTICLE = [
    "The council approved the budget on Tuesday after a long debate that ran late into the night.",
    "Opposition members said the cuts to libraries would hurt poorer neighbourhoods the most, and vowed to fight on.",
]


def _marked(texts, config=TeaserConfig()):
    return mark_teasers([t if isinstance(t, Block) else Block(t) for t in texts], config)


def _rules(blocks):
    return [b.decision.evidence["rule"] if b.decision else "kept" for b in blocks]


def test_labelled_headline_summary_run_is_one_teaser_unit():
    blocks = _marked(ARTICLE + [
        "More news",
        "Storm Hits the Coast Overnight",
        "Residents woke to flooded streets after a night of heavy…",
        "Council Votes on New Budget",
        "The city council met on Tuesday to discuss the spending plan that…",
    ])
    assert _rules(blocks) == ["kept", "kept", "section_label"] + ["headline_summary_run"] * 4
    for block in blocks[2:]:
        assert block.decision.reason is Reason.TEASER
        assert block.decision.step == "teasers"
        assert block.decision.evidence["pairs"] == 2
        assert block.decision.evidence["label"] == "More news"
        assert block.decision.evidence["run_blocks"] == 5


def test_two_pairs_without_a_label_are_a_teaser_run():
    blocks = _marked(ARTICLE + [
        "Storm Hits the Coast Overnight",
        "Residents woke to flooded streets after a night of heavy…",
        "Police Search for Missing Hiker",
        "The search for a hiker missing since Friday resumed this morning in the [...]",
    ])
    assert _rules(blocks) == ["kept", "kept"] + ["headline_summary_run"] * 4
    assert {b.decision.evidence["label"] for b in blocks[2:]} == {None}
    assert {b.decision.evidence["pairs"] for b in blocks[2:]} == {2}


def test_one_pair_needs_a_label():
    pair = ["Storm Hits the Coast Overnight", "Residents woke to flooded streets after a night of heavy…"]
    assert _rules(_marked(ARTICLE + pair)) == ["kept"] * 4
    assert _rules(_marked(ARTICLE + ["Most read"] + pair)) == ["kept", "kept", "section_label", "headline_summary_run", "headline_summary_run"]


def test_min_pairs_is_configurable():
    pair = ["Storm Hits the Coast Overnight", "Residents woke to flooded streets after a night of heavy…"]
    assert _rules(_marked(ARTICLE + pair, TeaserConfig(min_pairs=1))) == ["kept", "kept", "headline_summary_run", "headline_summary_run"]


@pytest.mark.parametrize(
    "label, headlines",
    [
        ("Lesen Sie auch:", ["Neue Brücke in Hamburg eröffnet", "Bahnstreik legt Verkehr lahm", "Bundesliga: Bayern verliert in Mainz"]),
        ("À lire aussi", ["Le gouvernement présente son budget", "Grève à la SNCF ce week-end"]),
        ("Noticias relacionadas", ["El Gobierno aprueba los presupuestos", "Huelga de transporte en Madrid"]),
        ("Related stories", ["Council Votes on New Budget", "Storm Hits the Coast Overnight"]),
    ],
)
def test_labelled_headline_list_is_a_related_list(label, headlines):
    blocks = _marked(ARTICLE + [label] + headlines)
    assert _rules(blocks) == ["kept", "kept", "section_label"] + ["related_list"] * len(headlines)
    for block in blocks[2:]:
        assert block.decision.reason is Reason.TEASER
        assert block.decision.evidence["headlines"] == len(headlines)
        assert block.decision.evidence["label"] == label


def test_dont_miss_alone_on_a_line_heads_the_articles_own_list():
    """Alone on a line, "Don't miss" is no label: on a deals page it heads the product and its
    features (gold lines of a ScrapingHub article); with a headline after a colon it is a link."""
    lines = ["Don't Miss", "Apple AirPods", "Automatically on, automatically connected",
             "Easy setup for all your Apple devices", "Charges quickly in the case"]
    assert _rules(_marked(ARTICLE + lines)) == ["kept"] * (len(ARTICLE) + len(lines))


def test_label_followed_by_one_headline_is_kept():
    assert _rules(_marked(ARTICLE + ["Related stories", "Council Votes on New Budget"])) == ["kept"] * 4


def test_single_truncated_sentence_in_the_middle_of_an_article_is_not_a_teaser():
    blocks = _marked([ARTICLE[0], "He added that the plan was only a first step and that more would follow…", ARTICLE[1]])
    assert _rules(blocks) == ["kept"] * 3


def test_article_heading_with_a_trailing_off_paragraph_is_kept():
    blocks = _marked([
        ARTICLE[0],
        Block("Budget Talks Continue", BlockType.HEADING),
        "Negotiators met again on Wednesday to discuss the remaining points of the…",
        ARTICLE[1],
    ])
    assert _rules(blocks) == ["kept"] * 4


def test_article_headings_followed_by_prose_are_kept_even_after_a_label_like_heading():
    blocks = _marked([
        Block("Latest", BlockType.HEADING),
        "Officials said the fire was under control by midnight, and no one was hurt in the blaze at the warehouse.",
        Block("What Happens Next", BlockType.HEADING),
        "Investigators will return to the site on Monday to look for the cause of the fire.",
    ])
    assert _rules(blocks) == ["kept"] * 4


def test_label_alone_before_the_article_is_kept():
    assert _rules(_marked(["News"] + ARTICLE)) == ["kept"] * 3


def test_dropped_blocks_are_skipped_when_finding_runs():
    blocks = [Block(t) for t in ARTICLE] + [
        Block("More news"),
        Block("Storm Hits the Coast Overnight"),
        Block("Advertisement").drop("boilerplate", Reason.BOILERPLATE, rule="navigation"),
        Block("Residents woke to flooded streets after a night of heavy…"),
    ]
    out = mark_teasers(blocks)
    assert _rules(out) == ["kept", "kept", "section_label", "headline_summary_run", "navigation", "headline_summary_run"]
    assert out[4].decision.reason is Reason.BOILERPLATE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Authorities in Chicago confirmed a tragic development in the search for…", True),
        ("The search for a hiker missing since Friday resumed this morning in the [...]", True),
        ("Residents woke to flooded streets after a night of heavy...", True),
        ("Too short…", False),
        ("This sentence ends properly with a full stop.", False),
    ],
)
def test_is_truncated(text, expected):
    assert is_truncated(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jack & Lilly Sullivan Update: RCMP Confirms Progress and Confidence in Resolution", True),
        ("Why Did the Bridge Fail?", True),
        ("It is the anthem we needed.", False),
        ("One", False),
        (" ".join(["word"] * 31), False),
    ],
)
def test_is_teaser_headline(text, expected):
    assert is_teaser_headline(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("More stories", True),
        ("More From the Los Angeles Times", True),  # a publication's name, up to four words
        ("More from Reuters", True),
        ("More from the interview with the mayor", False),
        ("Lesen Sie auch:", True),
        ("Das könnte Sie auch interessieren", True),
        ("Les plus lus", True),
        ("Más leídas", True),
        ("You may also like", True),
        ("The end", False),
        ("News from the front line of the war in the east", False),
    ],
)
def test_is_section_label(text, expected):
    assert is_section_label(text) is expected


FLATTENED = [
    "Police: 2 In Custody After Death Of Student-Athlete A 24-year-old woman and a 28-year-old man are in custody.",
    "Customers Leave Without Paying $690 Bill At Troy Steakhouse A party of six left without paying after a fight.",
    "Michigan To Mail Redistricting Panel Applications To 250,000 The state will mail applications to residents.",
]


def test_flattened_teasers_after_a_latest_headlines_label_are_a_related_list():
    blocks = [Block("The last paragraph of the story ends here, with a proper full stop and all."),
              Block("Latest Headlines")] + [Block(t) for t in FLATTENED]
    marked = mark_teasers(blocks)
    assert marked[0].kept
    assert [b.decision.evidence["rule"] for b in marked[1:]] == ["section_label"] + ["related_list"] * 3
    assert all(b.decision.reason is Reason.TEASER for b in marked[1:])


def test_flattened_teaser_lines_end_like_a_summary():
    """Stacked product names or deal headlines (no sentence at the end) are not flattened teasers."""
    deals = ["Nintendo Switch Lite with Pokemon Sword or Shield and Case for $238.99 Plus Free Shipping Today",
             "New Price Drop: Apple Watch Series 3 38mm Smart Watch for $169.99 (Originally $200) at Amazon",
             "King of Monitors: 35% Off Dell Alienware AW3418DW 34 Inch Curved 120Hz GSYNC IPS Panel Monitor"]
    assert all(b.kept for b in mark_teasers([Block(t) for t in deals], fmt="paragraphs"))


def test_three_flattened_teasers_in_a_row_need_no_label():
    marked = mark_teasers([Block(t) for t in FLATTENED])
    assert {b.decision.evidence["rule"] for b in marked} == {"headline_summary_lines"}


def test_game_roundups_and_datelines_are_not_flattened_teasers():
    lines = ["Wild 4, Sabres 1: Zach Parise scored twice, Alex Stalock made 30 saves and Minnesota beat Buffalo.",
             "Bruins 5, Devils 1: David Pastrnak and Matt Grzelcyk scored two goals apiece for Boston on Monday.",
             "Panthers 5, Flyers 2: Aleksander Barkov and Brett Connolly each had a goal and an assist to lift Florida.",
             "SAN FRANCISCO (AP) — Pacific Gas & Electric Co. was set to begin shutting off power Wednesday to homes."]
    assert all(b.kept for b in mark_teasers([Block(t) for t in lines]))


def test_ends_summary_is_the_regex_searched_over_the_whole_text():
    import random

    from cleaners.teasers import _ENDS_SUMMARY, _ends_summary

    pieces = ["word", " ", "  ", ".", "...", "…", "!", "?", "”", "’", ")", '"', "\n", "\t", "\u3000", "x."]
    rnd = random.Random(6)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    assert all(_ends_summary(t) == bool(_ENDS_SUMMARY.search(t)) for t in texts)


@pytest.mark.parametrize("line", [
    "Read more: Looted colonial art",
    "Lea también: Impiden ingreso a Nicaragua a reportero y camarógrafo estadounidense",
    "LE PUEDE INTERESAR: La ficha de Juan Orlando Hernández en el MDC de Nueva York",
    "Lesen Sie auch: Neue Brücke über den Rhein eröffnet",
    "À lire aussi : Le marché du travail est-il trop rigide ?",
    "[Related: Salesforce Dreamforce Keynote: AI, Integration, Alicia Keys And Protestors ]",
    "PUEDES VER: ¿Qué es la Sunedu, la entidad que supervisa a las universidades?",
    "SEE MORE: Bridge protests: 800 commuters stuck on the ferry",
    "DON'T MISS: Plane passengers quarantined after plague outbreak [NEWS]",
])
def test_a_read_also_line_in_the_middle_of_an_article_is_a_related_link(line):
    blocks = _marked([ARTICLE[0], line, ARTICLE[1]])
    assert _rules(blocks) == ["kept", "related_link", "kept"]
    assert blocks[1].decision.reason is Reason.TEASER
    assert blocks[1].decision.evidence["links"] == 1


@pytest.mark.parametrize("line", [
    "Read more about the bridge in our archive.",  # no lead-in and colon
    "Read more: the council says the bridge will reopen in May, after two years of repairs and delays.",  # a sentence
    "Related to this, the mayor said the budget would be reviewed again in the autumn.",
    "Zum Thema: Der Stadtrat hat am Dienstag nach langer Debatte beschlossen, dass die Brücke saniert wird.",
])
def test_an_article_sentence_starting_like_a_lead_in_is_not_a_related_link(line):
    assert not is_related_link(line)
    assert _rules(_marked([ARTICLE[0], line, ARTICLE[1]])) == ["kept"] * 3


@pytest.mark.parametrize("label", ["Das könnte Sie auch interessieren", "Auch interessant", "Schon gelesen?",
                                   "Le puede interesar", "You may also like", "Zobacz także", "Zum Weiterlesen:",
                                   "NOTAS RELACIONADAS", "Partner news", "From around the web",
                                   "Sponsored stories"])
def test_a_label_with_nothing_after_it_is_dangling(label):
    blocks = _marked(ARTICLE + [label])
    assert _rules(blocks) == ["kept", "kept", "dangling_label"]
    assert blocks[-1].decision.reason is Reason.TEASER
    assert blocks[-1].decision.evidence["label"] == label


def test_a_label_followed_by_the_article_is_not_dangling():
    assert _rules(_marked(["Auch interessant"] + ARTICLE)) == ["kept"] * 3


TOUR_DATES = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL",
              "June 10 -- MIDFLORIDA Credit Union Amphitheatre, Tampa, FL",
              "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA",
              "June 17 -- Bridgestone Arena, Nashville, TN"]


def test_title_cased_lines_a_colon_line_announces_are_the_articles_list():
    marked = _marked(ARTICLE + ["The Doobie Brothers 50th Anniversary Tour 2020 dates:"] + TOUR_DATES)
    assert all(b.kept for b in marked)


def test_the_same_lines_without_an_announcing_line_are_a_headline_list():
    marked = _marked(ARTICLE + TOUR_DATES)
    assert _rules(marked) == ["kept", "kept"] + ["headline_list"] * 4
    assert marked[2].decision.reason is Reason.TEASER
    assert marked[2].decision.evidence["headlines"] == 4


def test_a_short_label_with_a_colon_announces_no_list():
    from cleaners.teasers import announces_list

    assert announces_list("Here are the 2020 dates:") and announces_list("E chi siamo noi per astenersi? Ecco le offerte:")
    assert not announces_list("Related:") and not announces_list("More News:")
    assert not announces_list("Note: the venue may change")  # the colon does not end it


def test_a_config_built_with_a_list_still_works():
    """The line tests cache their answers by config: a hand-built config with a list field
    (as read from JSON) must not make every document an internal error."""
    lines = ["Storm Hits the Coast Overnight Again", "Council Votes on the New Budget Plan", "Mayor Opens the Bridge to Traffic Today"]
    marked = mark_teasers([Block(t) for t in lines], TeaserConfig(headline_list_formats=["text"]), "text")
    assert [b.decision.evidence["rule"] for b in marked] == ["headline_list"] * 3


OTHER_STORIES = ["Milan Design Week 2018 | FLOS pays tribute to Achille Castiglioni",
                 "Milan Design Week 2018 | Seiko's 'The Flow of Time' at the Triennale",
                 "Milan Design Week 2018 | a preview of DOUTDESign at Zona Santambrogio"]


def _headings(texts):
    return [Block(t, BlockType.HEADING) for t in texts]


def test_headlines_closing_an_html_article_with_nothing_under_them_are_teasers():
    blocks = mark_teasers([Block(t) for t in ARTICLE] + _headings(OTHER_STORIES[:2]), fmt="html")
    assert _rules(blocks) == ["kept", "kept", "trailing_headings", "trailing_headings"]
    assert blocks[-1].decision.reason is Reason.TEASER
    assert blocks[-1].decision.evidence["headings"] == 2


def test_one_closing_heading_a_heading_over_text_and_a_text_dump_are_left_alone():
    article = [Block(t) for t in ARTICLE]
    assert _rules(mark_teasers(article + _headings(OTHER_STORIES[:1]), fmt="html")) == ["kept"] * 3
    # headings with the article's text under them: its sections
    sections = _headings(OTHER_STORIES[:1]) + article[:1] + _headings(OTHER_STORIES[1:2]) + article[1:]
    assert _rules(mark_teasers(sections, fmt="html")) == ["kept"] * 4
    # a text dump's headings are typed from the line below: the line rules judge them there
    assert _rules(mark_teasers(article + _headings(OTHER_STORIES[:2]), fmt="paragraphs")) == ["kept"] * 4


def test_closing_pull_quotes_are_no_headlines():
    """A sentence set as a heading (a pull quote at the end) ends with its full stop: no headline."""
    quotes = _headings(["The story is dreadful. One could say it is perfectly dreadful.",
                        "He made a fake profile. It supports his version."])
    assert _rules(mark_teasers([Block(t) for t in ARTICLE] + quotes, fmt="html")) == ["kept"] * 4


def test_all_headings_is_no_article_closing():
    """A page of nothing but headings has no text for them to close: left to the other rules."""
    assert _rules(mark_teasers(_headings(OTHER_STORIES), fmt="html")) == ["kept"] * 3


def test_prose_lines_share_the_no_facts_value_and_start_no_unit():
    """A line with none of the facts (a sentence of the article) is _NO_FACTS and _find_runs steps
    over it; a headline line keeps its facts, so a run after prose is still found."""
    from cleaners.teasers import _NO_FACTS, _line_facts

    prose = "The council approved the new budget for the city's schools on Tuesday evening."
    assert _line_facts(prose, TeaserConfig()) is _NO_FACTS
    assert _line_facts("Storm Hits the Coast Overnight", TeaserConfig()).headline
    blocks = [Block(prose), Block("Storm Hits the Coast Overnight"),
              Block("Residents woke to flooded streets after a night of heavy…"),
              Block("Council Votes on New Budget"), Block("The city council met on Tuesday to discuss the plan that…")]
    marked = mark_teasers(blocks)
    assert marked[0].kept
    assert [b.decision.evidence["rule"] for b in marked[1:]] == ["headline_summary_run"] * 4
    assert {b.decision.reason for b in marked[1:]} == {Reason.TEASER}


_FACT_LINES = [
    "More stories", "Lesen Sie auch:", "Storm Hits the Coast Overnight", "Read more: Looted colonial art",
    "Residents woke to flooded streets after a night of heavy…", "The end.", "", "News",
    "Police: 2 In Custody After Death Of Student A 24-year-old woman and a man were arrested.",
    "Ford Recalls F-150s; Loose Cable Can Cause Stalling Ford is recalling some trucks over a cable...",
    "The council approved the new budget for the city's schools on Tuesday evening.", "word " * 31,
    "Sony Bets on Artificial Intelligence With New Global Division", "a b", "Eat every 2–3 hours",
    # past the first dozen words: a headline (no sentence's end) is counted on, a sentence is not
    "Sony Bets on Artificial Intelligence With New Global Division as Rivals Race to Build Their Own Chips",
    "Sony Bets on Artificial Intelligence With New Global Division as Rivals Race to Build Their Own Chips.",
    "Wild Storm Hits the Coast Overnight as Residents Flee Their Homes and the City Council Meets",
    "Read more: Looted colonial art returns home.", "Lea también: Impiden ingreso a Nicaragua a reportero;",
    "Read more: Looted colonial art returns home\n",
    # truncated summaries: a cut in brackets ends no sentence; trailing whitespace after the cut
    "Residents woke to flooded streets after a night of heavy [...]", "Residents woke to flooded streets after a night […]  ",
    "Residents woke to flooded streets after a night of heavy… \n", "Storm Hits the Coast Overnight [1]",
]


@pytest.mark.parametrize("config", [TeaserConfig(), TeaserConfig(headline_max_words=4, label_max_words=2),
                                    TeaserConfig(headline_summary_min_words=3, headline_summary_head=20, headline_min_words=2)])
def test_line_facts_are_the_public_tests(config):
    """_line_facts answers from one split of the line what each public test answers on its own
    split, whatever the word limits."""
    from cleaners.teasers import (
        _ends_summary, _line_facts, is_title_cased_headline, starts_with_headline)

    for text in _FACT_LINES:
        facts = _line_facts(text, config)
        opens = starts_with_headline(text, config)
        expected = (is_section_label(text, config.label_max_words), is_teaser_headline(text, config.headline_max_words),
                    is_truncated(text), opens, is_related_link(text, config.headline_max_words),
                    opens and _ends_summary(text), is_title_cased_headline(text, config))
        assert tuple(facts) == expected, text


def test_related_link_separators_are_the_marks_its_pattern_needs():
    """is_related_link tries its pattern only on a line holding one of _RELATED_LINK_SEPARATORS:
    they are the pattern's one class of marks between lead-in and headline, none with a case
    (so ignoring case adds no other character), and every line the pattern matches holds one."""
    from cleaners.teasers import _RELATED_LINK, _RELATED_LINK_SEPARATORS

    assert "[" + _RELATED_LINK_SEPARATORS + "]" in _RELATED_LINK.pattern
    assert all(mark.lower() == mark == mark.upper() for mark in _RELATED_LINK_SEPARATORS)
    for line in ["Read more: Looted colonial art", "Lea también » Impiden ingreso", "Related — Storm Hits Coast",
                 "Don't miss| New Budget Plans", "See also > Other Story Here"]:
        assert _RELATED_LINK.match(line) and any(mark in line for mark in _RELATED_LINK_SEPARATORS)
        assert is_related_link(line)
    assert not is_related_link("Read more about the bridge in our archive")


_RUN_LINES = ["News", "More stories", "Storm Hits the Coast Overnight", "Council Votes on New Budget Today",
              "Residents woke to flooded streets after a night of heavy…", "The council met on Tuesday to discuss the plan that...",
              "Read more: Looted colonial art", "Ford Recalls F-150s; Loose Cable Can Cause Stalling Ford is recalling trucks.",
              "Police: 2 In Custody After Death Of Student A 24-year-old woman and a man were arrested.",
              "The article's last paragraph ends here, properly and with a full stop.", "Share this", "Home", "- bread",
              "Sony Bets on Artificial Intelligence With New Global Division"]


def test_lines_starting_no_unit_are_stepped_over_as_trying_each_rule_did(monkeypatch):
    """_find_runs steps over the lines _starts_no_unit tells of: the same runs as when each rule is tried at each line."""
    import random

    import cleaners.teasers as teasers

    rng = random.Random(2)
    kinds = [BlockType.PARAGRAPH, BlockType.HEADING, BlockType.LIST_ITEM]
    configs = [TeaserConfig(), TeaserConfig(min_pairs=1, min_flattened_run=1, min_headline_run=1, min_listed_headlines=1),
               TeaserConfig(min_pairs=3, min_pairs_with_label=2, min_flattened_run=2, min_headline_run=2)]
    for _ in range(3000):
        kept = [Block(rng.choice(_RUN_LINES), rng.choice(kinds)) for _ in range(rng.randint(0, 9))]
        config, fmt = rng.choice(configs), rng.choice(["text", "html", "paragraphs"])
        found = teasers._find_runs(kept, config, fmt)
        with monkeypatch.context() as patched:
            patched.setattr(teasers, "_starts_no_unit", lambda facts, truncated_below: False)
            assert found == teasers._find_runs(kept, config, fmt)
