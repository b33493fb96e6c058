"""cleaners.boilerplate: scraped leftovers dropped with Reason.BOILERPLATE and the rule that
matched; article sentences that merely mention a cookie, a newsletter or sharing are kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.boilerplate import (
    RULES,
    BoilerplateConfig,
    WindowConfig,
    main_content_window,
    mark_boilerplate,
    mark_menus,
    mark_outside_main_content,
    match_rule,
)
from cleaners.types import Block, BlockType, Reason

DROPPED = [
    # infinite scroll
    ("End of content", "infinite_scroll"),
    ("No more pages to load", "infinite_scroll"),
    ("Load more", "infinite_scroll"),
    ("Loading…", "infinite_scroll"),
    ("Mehr laden", "infinite_scroll"),
    ("Keine weiteren Artikel", "infinite_scroll"),
    ("Charger plus d'articles", "infinite_scroll"),
    ("Cargar más noticias", "infinite_scroll"),
    # share / print
    ("Share on Facebook", "share"),
    ("Share this article", "share"),
    ("Tweet", "share"),
    ("Copy link", "share"),
    ("Artikel teilen", "share"),
    ("Partager cet article", "share"),
    ("Compartir en WhatsApp", "share"),
    ("Print this article", "share"),
    # subscribe
    ("Sign up for our newsletter", "subscribe"),
    ("Subscribe now", "subscribe"),
    ("Get our newsletter for the best stories of the week", "subscribe"),
    ("Newsletter abonnieren", "subscribe"),
    ("Abonnez-vous à notre lettre d'information", "subscribe"),
    ("Suscríbete a nuestro boletín", "subscribe"),
    ("Already a subscriber? Log in", "subscribe"),
    # a newsletter's pitch, even a long sentence
    ("Get Quanta Magazine delivered to your inbox", "newsletter"),
    ("Get the latest updates right in your inbox. Subscribe to NJ.com’s newsletters.", "newsletter"),
    ("Let our news meet your inbox. The news and stories that matters, delivered weekday mornings.", "newsletter"),
    ("Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter.", "newsletter"),
    ("There's plenty more where that came from. Sign up for The Water Coolest today to get the free daily "
     "newsletter delivered to your inbox daily", "newsletter"),
    # a form's answer left on the page
    ("Thanks for signing up!", "form_message"),
    ("Keep an eye on your inbox for the latest sports news.", "form_message"),
    ("There was an error processing your subscription.", "form_message"),
    ("An error has occurred, please try again later.", "form_message"),
    ("An error has occurred while trying to update your details. Please contact us.", "form_message"),
    ("Email check failed, please try again", "form_message"),
    # cookie banners, even long ones
    ("We use cookies to improve your experience on our site. By continuing to browse, you agree to our use of cookies.", "cookie"),
    ("Diese Website verwendet Cookies, um Ihnen das beste Nutzererlebnis zu bieten.", "cookie"),
    ("Ce site utilise des cookies pour améliorer votre expérience.", "cookie"),
    ("Este sitio web utiliza cookies para mejorar su experiencia.", "cookie"),
    ("Accept all", "cookie"),
    ("Alle akzeptieren", "cookie"),
    ("Tout accepter", "cookie"),
    ("Cookie settings", "cookie"),
    ("Datenschutzerklärung", "cookie"),
    # copyright footers
    ("© 2024 The Coastal Herald. All rights reserved.", "copyright"),
    ("Alle Rechte vorbehalten.", "copyright"),
    ("Tous droits réservés", "copyright"),
    ("Todos los derechos reservados.", "copyright"),
    ("This copy is for your personal, non-commercial use only. To order presentation-ready copies for "
     "distribution to your colleagues, clients or customers visit http://www.djreprints.com.", "copyright"),
    # machine metadata printed into a dump
    ("2019-11-13T23:06:00+01:00", "timestamp"),
    ("2020-02-01 09:30:15Z", "timestamp"),
    ("https://static6.businessinsider.de/image/5d1ce1ae-500-250/how-to-retire.jpg", "asset_url"),
    ("//cdn.example.com/assets/logo.png?v=3", "asset_url"),
    # navigation
    ("Home", "navigation"),
    ("Skip to main content", "navigation"),
    ("Back to top", "navigation"),
    ("Read more", "navigation"),
    ("Advertisement", "navigation"),
    ("Anzeige", "navigation"),
    ("Weiterlesen", "navigation"),
    ("Lire la suite", "navigation"),
    ("Leer más", "navigation"),
    ("Tags: politics, election", "navigation"),
    ("12 Comments", "navigation"),
    ("Follow us on Twitter", "navigation"),
    ("Siguenos en Telegram, Instagram, Facebook y Twitter", "navigation"),
    ("Folgen Sie uns auf Instagram", "navigation"),
    ("Sie sind aktuell nicht eingeloggt.", "navigation"),
    ("Video", "navigation"),
    ("Close", "navigation"),
    ("View Comments", "navigation"),
    ("Back to Gallery", "navigation"),
    # widget leftovers
    ("Teilen mit:", "share"),
    ("Gefällt mir", "share"),
    ("Wird geladen …", "infinite_scroll"),
    ("Cargando...", "infinite_scroll"),
    # bylines
    ("By Maria Lopez", "byline"),
    ("By Maria Lopez | Reuters", "byline"),
    ("Von Anna Schmidt", "byline"),
    ("Par Jean Dupont", "byline"),
    ("Por Carlos García", "byline"),
    ("Published on March 11, 2024", "byline"),
    ("Updated: 11 March 2024, 09:14", "byline"),
    ("Aktualisiert am 11.03.2024", "byline"),
    ("Photo: Reuters", "byline"),
    ("Quelle: Landesregierung", "byline"),
    ("Crédits photos : Bestimage", "byline"),
    ("Quellenangaben:", "byline"),
    ("Source: Reuters", "byline"),
    ("Write to Al Root at allen.root@dowjones.com", "byline"),
    ("Tempo de leitura: 1 minuto", "byline"),
    ("Listen: http://po.st/TP_615 Download: http://po.st/TP_615Download iTunes: http://po.st/TP_615Apple", "contact"),
    ("ATENÇÃO: Comentários com textos ininteligíveis ou que faltem com respeito ao usuário não serão aprovados pelo "
     "moderador.", "comment_notice"),
    ("Note: we are temporarily moderating all comments submitted to this site. Please be patient.", "comment_notice"),
    ("Thank you! Your comment will be reviewed by the moderator for approval.", "comment_notice"),
    ("Tell us what YOU think...", "navigation"),
    ("Have Your Say", "navigation"),
    ("5 min read", "byline"),
    ("Reading time: 4 minutes", "byline"),
    ("segunda-feira, 22 de janeiro de 2018 às 0:13", "timestamp"),
    ("giovedì 21 novembre 2019 alle 10:30", "timestamp"),
    ("copyright Inexhibit 2019 - ISSN: 2283-5474", "copyright"),
    ("[button link=”http://www.example.co.uk/submit-review/” type=”big”] Send us YOUR kit review[/button]", "markup"),
    ("Follow @BGRDeals on Twitter to keep up with the latest deals from around the web. Quantities may be limited. "
     "Prices are subject to change without notice and coupons may expire at any time. Some deals may not be "
     "available to all customers.", "contact"),
    # how to reach or follow the author or outlet, with a handle, address or link
    ("Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik. Follow us on Twitter @Spacedotcom and on Facebook.",
     "contact"),
    ("Have a tip? Amy Kuperinsky may be reached at akuperinsky@njadvancemedia.com. Follow her on Twitter @AmyKup.", "contact"),
    ("Reach the reporters on Twitter at http://twitter.com/MegKinnardAP and http://twitter.com/emarvelous", "contact"),
    ("Follow AP's full coverage of Brexit and British politics at https://www.apnews.com/Brexit", "contact"),
    ("More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports", "contact"),
    ("Subscribe to the 9to5Toys YouTube Channel for all of the latest videos, reviews, and more!", "contact"),
    ("Like this story? Share it with a friend!", "share"),
    # who reported, wrote or edited the story
    ("(Reporting by Greg Roumeliotis, Joshua Franklin, with reporting by Herb Lash; editing by Cynthia Osterman)", "credit"),
    ("Reporting by Will Dunham; Editing by Tom Brown", "credit"),
    ("Associated Press writers Alan Fram, Zeke Miller and Jill Colvin contributed to this report.", "credit"),
]


@pytest.mark.parametrize("text, rule", DROPPED)
def test_leftover_is_dropped_with_its_rule(text, rule):
    (block,) = mark_boilerplate([Block(text)])
    assert block.decision.reason is Reason.BOILERPLATE
    assert block.decision.step == "boilerplate"
    assert block.decision.evidence["rule"] == rule
    assert block.decision.evidence["pattern"] == dict(RULES)[rule].pattern[:80]


KEPT = [
    "We talked about sharing on Facebook for an hour.",
    "The cookie recipe is from my grandmother, who baked every Sunday for forty years.",
    "The company said it would send a newsletter to all 40,000 employees explaining the new policy on remote work and travel.",
    "Residents were asked to share their views on the plan at a public meeting next Thursday evening.",
    "Regulators said websites that use cookies to track children without consent will face fines of up to 4% of global turnover.",
    "Home prices rose 4% in the third quarter, the agency said.",
    "Published reports suggested the deal was close, but both sides denied it on Monday.",
    "Print newspapers lost another 8% of their readers last year.",
    "Search teams found the missing hikers on Sunday.",
    "Accept the result, the coach told his players after the match.",
    "Loading the ferry took nearly four hours on Saturday.",
    "Updated figures from the health ministry showed a sharp fall in cases last week.",
    "Photo exhibitions drew record crowds in Paris this summer.",
    "Die Polizei bat Zeugen, sich zu melden und Hinweise zu teilen.",
    "Teilen Sie Ihre Meinung mit uns in den Kommentaren.",
    "Anmelden können sich Interessierte bis Freitag beim Bürgeramt.",
    "Par ailleurs, le gouvernement a annoncé une hausse du budget de l'éducation.",
    "http://www.shia-explained.com/my/archives/2364",  # a source the article lists
    "www.cdc.gov/flu",
    "Follow us to stay up to date on industry trends.",  # no "on/auf/en/sur <channel>"
    "Video of the arrest was shared widely on social media.",
    "Close to 300 people attended the vigil on Sunday.",
    "Sources said the talks would resume on Monday.",  # a sentence, no "Source:"
    "Quelle der Daten ist das Statistische Bundesamt, das die Zahlen am Montag veröffentlichte.",
    # about inboxes, errors and signing up, but no pitch or form answer
    "Phishing emails that land in your inbox often look real, the agency warned.",
    "Scammers get into your inbox by posing as banks, the report said.",
    "An error occurred during the launch, NASA said.",
    "There was an error processing the ballots in two counties, officials said.",
    "Please try again, the judge told the witness, who had forgotten the date.",
    "Thanks for signing up so many volunteers, the mayor told the organisers on Friday.",
    "Contact Smith at the office before noon.",
    # about following, reporting and contributing, with no handle, link or credit
    "Police followed the suspect to a house in Leeds, where he was arrested on Friday.",
    "Reporting by the Guardian showed the company knew of the problem for years.",
    "Several colleagues contributed to the report, which was published on Monday.",
    "More than 300 people attended: https://example.com has the photos.",
    "Did you like this story? Readers wrote in by the hundreds.",
    "Copyright Office rulings in 2019 were challenged in court by three publishers.",
    "The [citation needed] tag was added to the page in 2019.",
    "Reading time is down: 5 minutes a day on average, the survey found.",
    "Note: the figures for 2019 are provisional, the agency said.",
    "Comments from residents: many said the plan was rushed.",
    "Tell us what you think about the plan, the mayor asked residents at the meeting.",
]


@pytest.mark.parametrize("text", KEPT)
def test_article_sentence_mentioning_a_trigger_word_is_kept(text):
    assert match_rule(text) is None
    (block,) = mark_boilerplate([Block(text)])
    assert block.kept


def _bug(text: str, rule: str, why: str):
    """A sentence an earlier, looser rule dropped (``why``); kept as a regression case."""
    return pytest.param(text, rule, id=rule + ":" + text[:30])


@pytest.mark.parametrize(
    "text, rule",
    [
        _bug("She founded the newsletter in 2019 with two friends from college.", "subscribe",
             "subscribe rule '.{0,40}newsletter.{0,60}' drops any short sentence mentioning a newsletter"),
        _bug("Most users accept all cookies without reading the banner, a study by the University of Bonn found.", "cookie",
             "cookie rule '.{0,80}accept all cookies.{0,120}' drops article sentences about cookies"),
        _bug("The EU's new cookie consent rules, which take effect in May, will require sites to ask before tracking visitors.",
             "cookie", "cookie rule '.{0,40}cookie consent.{0,120}' drops article sentences"),
        _bug("Share prices fell sharply after the announcement.", "share",
             "share rule 'share(\\W+\\w+){0,6}' drops short sentences starting with 'Share'"),
        _bug("The band won a copyright case against the label in 2019, ending a long dispute.", "copyright",
             "copyright rule matches any sentence containing 'copyright'"),
        _bug("By the end of the year, the company expects to hire 300 more engineers.", "byline",
             "byline rule is compiled with re.I, so '[A-Z]' matches 'the': sentences starting 'By the ...' are dropped"),
        _bug("Por la tarde, el presidente visitó la zona afectada por las inundaciones.", "byline",
             "byline rule with re.I drops Spanish sentences starting 'Por la ...'"),
        _bug("Published in 1851, Moby-Dick sold poorly during Melville's lifetime.", "byline",
             "byline 'published .{0,60}' drops short sentences starting 'Published'"),
    ],
)
def test_article_sentence_is_not_taken_for_boilerplate(text, rule):
    (block,) = mark_boilerplate([Block(text)])
    assert block.kept, f"dropped by rule {rule}"


def test_short_rules_do_not_apply_to_long_blocks():
    sentence = "Tags: " + ", ".join(["politics", "election", "budget", "council", "transport"] * 3)
    assert len(sentence.split()) == 16
    assert match_rule(sentence, BoilerplateConfig(max_words=20)) == ("navigation", dict(RULES)["navigation"].pattern[:80])
    assert match_rule(sentence, BoilerplateConfig(max_words=14)) is None


def test_kept_answers_follow_the_settings_they_were_given():
    """match_rule keeps its answers per line and per the two settings it reads: the same line
    asked again under other settings is answered by those, in any order."""
    line = "Share on Facebook"
    for _ in range(2):
        assert match_rule(line) == ("share", dict(RULES)["share"].pattern[:80])
        assert match_rule(line, BoilerplateConfig(max_words=2)) is None  # three words: only the long rules apply
        assert match_rule(line, BoilerplateConfig(long_rule_max_words=2)) is None


def test_cookie_and_copyright_rules_apply_to_long_blocks_up_to_a_limit():
    banner = "We use cookies to personalise content and ads, to provide social media features and to analyse our traffic, and we share information about your use of our site with our partners."
    assert len(banner.split()) > BoilerplateConfig().max_words
    assert match_rule(banner)[0] == "cookie"
    assert match_rule(banner, BoilerplateConfig(long_rule_max_words=20)) is None


def test_menu_run_is_dropped_with_rule_menu():
    texts = ["World", "Politics", "Sports", "Culture", "Opinion",
             "The Harbor Bridge carried traffic again on Monday after a two-year repair, city officials said."]
    out = mark_boilerplate([Block(t) for t in texts])
    assert [dict(b.decision.evidence) if b.decision else "kept" for b in out] == [{"rule": "menu", "run_min": 4}] * 5 + ["kept"]
    assert all(b.decision.reason is Reason.BOILERPLATE for b in out[:5])


def test_three_short_items_are_not_a_menu():
    out = mark_boilerplate([Block(t) for t in ("World", "Politics", "Sports", "A long sentence of the story, told with a full stop.")])
    assert all(b.kept for b in out)


def test_menu_run_length_is_configurable():
    out = mark_boilerplate([Block(t) for t in ("World", "Politics", "Sports")], BoilerplateConfig(menu_run=3))
    assert [b.decision.evidence["rule"] for b in out] == ["menu"] * 3


def test_article_headings_and_list_items_are_not_menu_items():
    blocks = [
        Block("Commuters return", BlockType.HEADING),
        Block("New cycle lane", BlockType.LIST_ITEM),
        Block("Wider footpath", BlockType.LIST_ITEM),
        Block("Four viewing platforms", BlockType.LIST_ITEM),
        Block("Lower speed limit", BlockType.LIST_ITEM),
    ]
    assert all(b.kept for b in mark_boilerplate(blocks))


def test_a_sentence_breaks_a_menu_run():
    texts = ["World", "Politics", "It rained.", "Sports", "Culture"]
    assert all(b.kept for b in mark_boilerplate([Block(t) for t in texts]))


def test_a_menu_run_across_dropped_blocks_only_when_asked():
    """Short lines that other steps split apart form a menu in the cleaned text; the first pass
    over a dump leaves the gaps for the main-content window."""
    teaser = Block("Council approves the budget after a long night").drop("teasers", Reason.TEASER, rule="headline_list")
    blocks = [Block("World"), teaser, Block("Politics"), teaser, Block("Sports"), teaser, Block("Culture")]
    assert all(b.kept for b in mark_boilerplate(blocks) if b is not teaser)
    settled = mark_menus(blocks, runs_across_dropped=True)
    assert [b.decision.evidence.get("rule") for b in settled[::2]] == ["menu"] * 4
    assert [b.decision.reason for b in settled[1::2]] == [Reason.TEASER] * 3


def test_blocks_already_dropped_keep_their_first_decision():
    earlier = Block("Share on Facebook").drop("duplicates", Reason.DUPLICATE, rule="repeats_block", first_index=0)
    (block,) = mark_boilerplate([earlier])
    assert block.decision.reason is Reason.DUPLICATE


# --- main content window (plain-text dumps) -------------------------------------------

PAGE_LINES = [
    "Home", "News", "Sport",
    "The Harbor Bridge carried traffic again on Monday morning after a two-year repair, city officials said.",
    "Commuters return",
    "Hundreds of commuters crossed the bridge in the first hour, many of them cyclists who had spent two years taking a ferry.",
    "- New cycle lane",
    "The repair cost about 95 million dollars, slightly under the budget approved by the council in 2021.",
    "About us", "Contact", "Imprint",
]


def test_main_content_window_is_the_run_with_most_prose():
    start, end, score = main_content_window(PAGE_LINES)
    assert (start, end) == (3, 8)
    prose = [len(PAGE_LINES[i].split()) for i in (3, 5, 7)]
    assert score == sum(prose) - 2 * WindowConfig().gap_penalty


def test_lines_outside_the_window_are_dropped_with_side_and_window():
    out = mark_outside_main_content(mark_boilerplate([Block(t) for t in PAGE_LINES]))
    kept = [b.text for b in out if b.kept]
    assert kept == PAGE_LINES[3:8]
    assert "Commuters return" in kept  # a heading inside the article survives
    assert out[0].decision.evidence["rule"] == "navigation"  # "Home": a rule matched first
    first, last = out[1].decision, out[-1].decision
    assert first.reason is Reason.BOILERPLATE and last.reason is Reason.BOILERPLATE
    assert first.evidence["rule"] == last.evidence["rule"] == "outside_main_content"
    assert (first.evidence["side"], last.evidence["side"]) == ("before", "after")
    assert first.evidence["window"] == [3, 7]
    assert first.evidence["window_score"] == main_content_window(PAGE_LINES)[2]


def test_clean_article_text_without_page_leftovers_is_left_whole():
    lines = [t for t in PAGE_LINES if t not in ("Home", "About us", "Contact", "Imprint")]
    blocks = mark_boilerplate([Block(t) for t in lines])
    assert all(b.kept for b in blocks)
    assert mark_outside_main_content(blocks) == blocks


def test_window_ignores_blocks_already_dropped():
    blocks = [Block(t) for t in PAGE_LINES]
    blocks[0] = blocks[0].drop("boilerplate", Reason.BOILERPLATE, rule="navigation", pattern="home")
    out = mark_outside_main_content(blocks)
    assert out[0].decision.evidence["rule"] == "navigation"
    assert out[1].decision.evidence["rule"] == "outside_main_content"


def test_page_without_prose_is_left_alone():
    assert main_content_window(["Home", "Menu", "Contact"]) == (0, 0, 0.0)
    assert all(b.kept for b in mark_outside_main_content([Block("Home"), Block("Menu")]))


def test_gap_penalty_decides_whether_two_prose_islands_join():
    lines = [
        "The council voted on Tuesday to approve the new cycle lanes across the city centre.",
        "Menu", "Login", "Search",
        "Work on the first lanes will start in spring and finish before the summer holidays.",
    ]
    assert main_content_window(lines, WindowConfig(gap_penalty=1.0))[:2] == (0, 5)
    assert main_content_window(lines, WindowConfig(gap_penalty=10.0))[:2] in {(0, 1), (4, 5)}


def test_japanese_prose_counts_without_spaces():
    ja = "市議会は火曜日、中心街に保護された自転車専用レーンの整備計画を承認した。"
    start, end, _ = main_content_window(["ホーム", "ニュース", ja, "お問い合わせ"])
    assert (start, end) == (2, 3)


_RULE_LINES = ["End of content", "Share on Facebook", "© 2024 Example", "Posted on March 3, 2024", "Read more",
               "3 hours ago", "By Jane Doe", "Accept all", "We use cookies to improve it.", "“Share this”", "- Menu",
               "Photo: AP", "Quelle: dpa", "Newsletter abonnieren", "Tous droits réservés", "12 comments",
               "https://cdn.example/a.jpg", "Tweet", "Loading...", "Sign up for our newsletter", "Top stories",
               "Example Media (C) 2021", "Site Copyright 2019", "Some Site. All Rights Reserved.", "Our site uses cookies.",
               "Alle Rechte vorbehalten", "Posted 3 hours ago", "Tous droits réservés", "Photos © Reuters"]


def _first_rule_in_order(text):
    """The first rule of RULES that matches, tried one by one: what the index must answer."""
    return next((index for index, (_, pattern) in enumerate(RULES) if pattern.match(text)), None)


def _match_rule_one_by_one(text, config=BoilerplateConfig()):
    """match_rule as the rules define it: each tried in order, a sentence only by the rules that may take one."""
    from cleaners.boilerplate import _LONG_RULES, _SENTENCE, _SENTENCE_RULES_OK

    words = len(text.split())
    if len(text) > 40 * config.long_rule_max_words or words > config.long_rule_max_words:
        return None
    sentence = words >= 6 and bool(_SENTENCE.search(text))
    for name, pattern in RULES:
        if (words > config.max_words and name not in _LONG_RULES) or (sentence and name not in _SENTENCE_RULES_OK):
            continue
        if pattern.match(text):
            return name, pattern.pattern[:80]
    return None


def _index_words():
    from cleaners.boilerplate import _EVERY_RULE

    return sorted(_EVERY_RULE.by_word)


_TRAPS_AND_CASES = list(" “-•©(_1ſKİıSŞ")


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.sampled_from(_RULE_LINES)
       | st.builds(lambda head, line, tail: head + line + tail, st.text(st.sampled_from(_TRAPS_AND_CASES), max_size=3),
                   st.sampled_from(_RULE_LINES), st.text(st.sampled_from(list(" .:!xs1")), max_size=3))
       | st.builds(lambda head, words, tail: head + " ".join(words) + tail, st.text(st.sampled_from(_TRAPS_AND_CASES), max_size=2),
                   st.lists(st.sampled_from(_index_words() + ["Cookies", "us", "2024", "©", "on", "Jane", "Doe", "now",
                                                               "posted", "comments", "we", "use", "ends."]), min_size=1, max_size=6),
                   st.sampled_from(["", ".", ":", " 12", "!", " policy"]))
       | st.text(alphabet=st.sampled_from(list("abcehlmnoprstwy ©:.-12(“_ſKİı ShareEndofcontent")), max_size=40))
def test_the_rules_by_first_word_answer_as_the_rules_in_order(text):
    """A block is tried only against the alternatives its first word can begin (and those that
    can begin anywhere): the rule found is the first of RULES that matches, and match_rule
    answers as trying every rule in order does."""
    from cleaners.boilerplate import _first_rule

    assert _first_rule(text) == _first_rule_in_order(text)
    assert match_rule(text) == _match_rule_one_by_one(text)
    long_text = text + " and the rest of a long line goes on here with more words to read" + text
    assert match_rule(long_text) == _match_rule_one_by_one(long_text)


def test_the_case_traps_are_every_character_taken_for_an_indexed_letter():
    """A character a case-ignoring regex takes for a letter of an indexed first word (or of a
    timestamp word, or of a string a rule needs), though its lower case is not that letter, is
    one of _CASE_TRAPS (checked against every character)."""
    from cleaners.boilerplate import _CASE_TRAPS, _looked_up_strings

    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    for letter in {char for word in _looked_up_strings() for char in word}:
        taken = set(re.findall(re.escape(letter), every, re.I))
        assert {char for char in taken if char.lower() != letter} <= _CASE_TRAPS, letter


def test_required_literals_of_the_rules_alternatives():
    from cleaners.boilerplate import required_literals

    assert required_literals(r".{0,60}(?:rights reserved|droits réservés).{0,40}") == {"rights reserved", "droits réservés"}
    assert required_literals(r"(?:our )?news") == {"news"}  # the optional part is no requirement
    # a shared beginning is taken out of the branches by the parser: what is left is still required
    assert required_literals(r"(?:all rights reserved|alle rechte)") in ({"all rights reserved", "alle rechte"},
                                                                         {" rights reserved", "e rechte"})
    assert required_literals(r".*") is None


def test_the_gates_find_every_string_a_rule_needs():
    """The gates before the rules look for a part of each string a rule needs (its rarest end):
    a block holding one of those strings always passes, whatever surrounds it."""
    from cleaners.boilerplate import (_ANYWHERE, _ANYWHERE_NEEDS, _EVERY_RULE, _LONG_RULE_INDEX, _LONG_RULES, _needed_strings,
                                      _rarest_part)

    long_needs = _needed_strings(alternative for rule, alternative in _ANYWHERE if rule in _LONG_RULES)
    assert long_needs < _ANYWHERE_NEEDS and {" cookies", "©", "http"} <= long_needs and "read" not in long_needs
    for gate, needs in ((_EVERY_RULE.literals, _ANYWHERE_NEEDS), (_LONG_RULE_INDEX.literals, long_needs)):
        for string in needs:
            part = _rarest_part(string)
            assert string.endswith(part) and len(part) >= min(4, len(string))
            for line in (string, f"x{string}y", f"a line that holds {string} somewhere"):
                assert gate.search(line) is not None, (string, line)
    assert _rarest_part("abc") == "abc" and _rarest_part("the cookie") == "cookie"


def test_first_words_of_the_rules_alternatives():
    from cleaners.boilerplate import first_words

    assert first_words(r"(?:by|von)\s+(?-i:[A-Z]\w+)") == {"by", "von"}
    assert first_words(r"(?:[\w,]+ ){0,6}we use cookies") is None  # a word of any letters first
    assert first_words(r"(?:the )?end") == {"the", "end"}  # an optional part: what follows may begin it
    assert first_words(r"(?:share\s*)?(?:(?:x|pin)\W+){2,}") == {"share", "sharex", "sharepin", "x", "pin"}
    assert first_words(r"subscribe\b.{0,50}") == {"subscribe"}  # nothing of the word after a boundary
    assert first_words(r"posted\s*[^!?]{0,60}") is None  # "posted2019" too
    assert first_words(r"(?:ab)+") is None and first_words(r"x?") is None and first_words(r"\d+ comments") is None
    assert first_words(r"e-mail") == {"e"} and first_words(r"À lire") == {"à"}


@pytest.mark.parametrize("line", ["March 3, 2024", "Jan. 5", "12.05.2019 | 14:30", "4:14 p.m.", "2019-05-01",
                                  "3 hours ago", "Posted on 29 November 2018"])
def test_date_and_time_lines_are_timestamps(line):
    assert match_rule(line)[0] in ("timestamp", "byline")


@pytest.mark.parametrize("line", ["$309.16", "1-0", "02-751-1500", "10 | 20", "Palm Bay 18 22 13 17"])
def test_prices_scores_and_phone_numbers_are_not_timestamps(line):
    """Numbers alone are no date: without a date word, hh:mm, am/pm, d/m/y or a year they stay."""
    assert match_rule(line) is None


STORY_LINE = "The council approved the new budget for the schools on Tuesday evening after a long debate."


def test_a_dated_comment_thread_is_cut_even_when_it_outweighs_the_story():
    lines = ["Home", STORY_LINE,
             "Ann on May 1, 2019 at 4:47 pm said:", "Great post, thanks for writing all of it up so clearly for us.",
             "Bob on May 2, 2019 at 9:12 am said:", "I disagree with most of what you wrote here about the budget.",
             "Cy on May 3, 2019 at 1:02 pm said:", "The schools have needed this money for years, and it is overdue."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.kept for b in marked][:3] == [False, True, False]
    assert all(b.decision.evidence["rule"] == "comment_section" for b in marked[2:])
    assert marked[2].decision.reason is Reason.BOILERPLATE


def test_quotes_introduced_by_said_are_not_a_thread():
    lines = ["Home", STORY_LINE, "The mayor said:", "We will build the schools our children deserve, and soon.",
             "Her opponent said:", "This budget spends money the city does not have, and it will hurt."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.kept for b in marked] == [False, True, True, True, True, True]


def test_a_comment_count_dropped_by_another_rule_still_marks_the_thread():
    """'[ 3 comments ]' is dropped as navigation; with 'Top Rated Comments' it makes a thread."""
    lines = ["Home", STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"), STORY_LINE.replace("Tuesday", "Friday"),
             "[ 3 comments ]", "Top Rated Comments",
             "Woyzeck", "2 days ago at 07:52 am",
             "It is good to see the council finally spending money on the schools in the old town centre, "
             "after years of promises made before every election and forgotten the morning after it, by all of them.",
             "Nick", "2 days ago at 07:47 am",
             "I think we will see similar budgets in the other towns, and the libraries should be next in line, "
             "since their roofs leak and their books are older than most of the children who are meant to read them."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.kept for b in marked][:4] == [False, True, True, True]
    rules = [b.decision.evidence["rule"] for b in marked[4:]]
    assert rules[:2] == ["navigation", "comment_section"] and "timestamp" in rules
    assert not any(b.kept for b in marked[4:])


@pytest.mark.parametrize(("line", "rule"), [
    ("Click to share on Facebook (Opens in new window)", "share"),
    ("Click to email this to a friend (Opens in new window)", "share"),
    ("Whatsapp Facebook Pinterest Baixar", "share"),
    ("Posted by Michael David Smith on November 19, 2019, 6:21 AM EST", "byline"),
    ("Share on: Facebook Twitter Reddit Google+", "share"),
    ("Follow Victor Davis Hanson on Twitter", "navigation"),
    ("Follow the topics within this article", "navigation"),
    ("Follow the author of this article", "navigation"),
])
def test_share_rows_and_long_bylines(line, rule):
    assert match_rule(line)[0] == rule


@pytest.mark.parametrize("line", [
    "Follow the money, the detectives said.",
    "Follow him on Twitter for updates on the trial and more news from the court.",
    "Share prices on Facebook and Twitter fell.",
])
def test_sentences_about_following_and_sharing_are_kept(line):
    assert match_rule(line) is None


def test_a_sentence_naming_social_networks_is_kept():
    assert match_rule("Facebook and Twitter are the social networks most used by the town's residents.") is None


def test_wordpress_comment_threads_are_cut():
    lines = ["Home", STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"),
             "2 responses to “Council approves the budget”", "thelastfan says:",
             "It is a good thing that the schools finally get the money they have needed for so long.",
             "joetoronto says:", "It is time for the other towns to follow, and for the libraries to be next."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.kept for b in marked] == [False, True, True] + [False] * 5
    assert {b.decision.evidence["rule"] for b in marked[3:]} == {"comment_section"}


PAGE_TITLE = "Son of former German president stabbed to death in Berlin - Breaking News - The Post"
HEADLINE = "Son of former German president stabbed to death in Berlin"
FOOTER = ("The Post Customer Service Center can be contacted with any questions or requests by telephone, "
          "by fax or by e-mail, and our staff will answer every one of them within two working days, "
          "from Sunday to Thursday between eight in the morning and four in the afternoon.")


def test_headline_lines_repeat_the_page_title():
    from cleaners.boilerplate import headline_lines

    blocks = [Block(PAGE_TITLE), Block("Home"), Block(HEADLINE), Block(STORY_LINE), Block("Son of a gun")]
    assert headline_lines(blocks, [1, 2, 3, 4], WindowConfig()) == [1]  # positions among the kept lines


def test_a_short_story_under_its_headline_wins_over_a_long_footer():
    story = ["The son of the former president was stabbed to death during a talk he gave at a Berlin clinic.",
             "The police arrested a man at the scene, and the motive was not yet clear, a spokesman said."]
    teasers = [f"Other story number {n} about something else" for n in range(8)]
    lines = [PAGE_TITLE, "Login", HEADLINE] + story + teasers + [FOOTER, "© 2019 The Post. All rights reserved."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    kept = [b.text for b in marked if b.kept]
    assert kept == [HEADLINE] + story
    footer = next(b for b in marked if b.text == FOOTER)
    assert footer.decision.evidence["rule"] == "outside_main_content"
    assert footer.decision.evidence["under_headline"] == 2


def test_a_far_headline_does_not_stretch_the_window_over_teasers():
    body = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"), STORY_LINE.replace("Tuesday", "Friday")]
    teasers = [f"Another Story Number {n} About Something Else" for n in range(15)]
    lines = [PAGE_TITLE, "Login", HEADLINE] + teasers + body
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.text for b in marked if b.kept] == body


def test_lines_other_rules_dropped_part_the_story_from_teaser_summaries():
    """A share bar and a cookie line between the story and a column of teaser summaries are
    gaps in the window, as they are on the page: the summaries below them stay outside."""
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"),
             "The mayor said the first schools would receive the money before the end of the year."]
    chrome = ["Share on Facebook", "Tweet", "Email", "Print this article", "We use cookies to improve your experience."]
    teasers = ["Flooded roads closed",
               "Heavy rain flooded three roads in the north of the county overnight, and police asked drivers to stay away.",
               "Library reopens",
               "The old library on Main Street reopened on Saturday after a renovation that took almost two years."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + chrome + teasers]))
    assert [b.text for b in marked if b.kept] == story
    assert [b.decision.evidence["rule"] for b in marked[4:9]] == ["share", "share", "share", "share", "cookie"]
    summary = marked[10].decision
    assert summary.reason is Reason.BOILERPLATE
    assert summary.evidence["rule"] == "outside_main_content" and summary.evidence["side"] == "after"
    assert summary.evidence["window"] == [1, 3]
    # without the dropped lines between them, the summaries join the story's window
    joined = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + teasers]))
    assert [b.text for b in joined if b.kept] == story + teasers


def test_a_list_announced_at_the_windows_end_stays_down_to_the_next_gap():
    """The tour dates below "...dates:" are short, unpunctuated lines (each a gap for the
    window): the announcing line carries the window over them, down to the share bar."""
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"),
             "The band will play thirty dates, its first tour together in nearly a decade."]
    dates = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
             "June 14 -- Ameris Bank Amphitheatre, Alpharetta, GA"]
    footer = ["Share on Facebook", "Magazine", "Customer Service"]
    lines = ["Home"] + story + ["The 2020 tour dates:"] + dates + footer
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.text for b in marked if b.kept] == story + ["The 2020 tour dates:"] + dates
    after = marked[-1].decision
    assert after.evidence["rule"] == "outside_main_content" and after.evidence["side"] == "after"
    assert after.evidence["list_after"] == 4 and after.evidence["window"] == [1, 7]
    # without the announcing line the dates are gaps after the story, outside the window
    plain = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + dates + footer]))
    assert [b.text for b in plain if b.kept] == story
    assert "list_after" not in plain[-1].decision.evidence


def test_lines_ending_in_an_emoji_or_a_colon_are_prose():
    from cleaners.boilerplate import _line_value

    config = WindowConfig()
    for prose in ("We will always strive to make Korean culture known around the world 🙂",
                  "Try something new with your partner this weekend 😉",
                  "We loved every minute of the trip with all of you ❤️ ",  # a heart and its variation selector
                  "HAYWARD, Calif. (AP) — The Latest on a deadly stabbing on a commuter train (all times local):"):
        assert _line_value(prose, config) == len(prose.split())  # its words (an emoji apart counts as one)
    for not_prose in ("Related:", "Bugs fixed", "Share 👍", "Top stories:"):
        assert _line_value(not_prose, config) == -config.gap_penalty


def test_a_blog_post_ending_its_sentences_with_emojis_wins_over_a_poll():
    post = ["Dare to Play 3 / October pack", "What's new in the September pack?",
            "New tasks for the game, and more questions for your opponent 😉",
            "Try something new with your couple this weekend, there are hundreds of tasks 🙂",
            "You recently started dating and want to get to know each other much better 😍"]
    poll = ["Have you already played the new version of the game, and did your friends like it?",
            "I do not have anyone to play with (41%, 1,680 Votes)", "Yes, the game is cool (29%, 1,186 Votes)"]
    chrome = ["Share on Facebook", "Twitter", "Previous Post", "Next Post", "Leave a comment", "Author's column", "Polls"]
    lines = ["Home", "Blog"] + post + chrome + poll + ["Loading ..."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.text for b in marked if b.kept] == post[1:]
    vote = next(b for b in marked if b.text == poll[1]).decision
    assert vote.evidence["rule"] == "outside_main_content" and vote.evidence["side"] == "after"
    assert vote.evidence["window"] == [3, 6]


FEED = [  # headline, author, date (a timestamp rule drops it), one-line summary: over and over
    "Carlos Ghosn and the dark side of Japanese justice", "Anthony Ghosn", "Wednesday November 20, 2019",
    "Our family always celebrates anniversaries, but not this week, because a year ago on Tuesday our father was "
    "arrested in Tokyo and held for months without charge, and he is still waiting for a trial that may never come.",
    "Why Joker Was the Hit of the Autumn", "Madeline Fry", "Wednesday November 20, 2019",
    "Joker killed at the box office this autumn, and the reasons for its success say a lot about the audience that "
    "went to see it, about the films that studios make now, and about the ones they have stopped making.",
    "Kurt Volker throws Rudy Giuliani under the bus", "Kaylee McGhee", "Tuesday November 19, 2019",
    "Kurt Volker, a former special envoy to Ukraine, has been tied to what the acting ambassador to Ukraine called "
    "an irregular channel of diplomacy, run outside the State Department by the president's personal lawyer.",
]


def test_a_tail_of_one_line_summaries_among_headlines_and_dates_is_a_sparse_tail():
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"), STORY_LINE.replace("Tuesday", "Friday"),
             "The mayor said the first schools would receive the money before the end of the year, as promised, and "
             "that the rest would follow in the spring, once the council had approved the plans of each school.",
             "Parents who had campaigned for the budget for three years welcomed the vote, but said they would watch "
             "closely how the money is spent, and whether the repairs promised for the oldest buildings start on time."]
    lines = ["Home"] + story + ["More from the Examiner"] + FEED
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.text for b in marked if b.kept] == story
    summary = next(b for b in marked if b.text == FEED[3]).decision
    assert summary.reason is Reason.BOILERPLATE and summary.evidence["rule"] == "sparse_tail"
    assert summary.evidence["window"] == [1, 5]
    assert summary.evidence["lines"] == 13 and summary.evidence["prose_lines"] == 3  # label + 12 feed lines
    assert next(b for b in marked if b.text == FEED[2]).decision.evidence["rule"] == "timestamp"


def test_an_article_with_a_subheading_over_each_paragraph_is_no_sparse_tail():
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"), STORY_LINE.replace("Tuesday", "Friday")]
    sections = []
    for n, topic in enumerate(["Libraries", "Swimming pools", "Bus lanes", "Street lights", "Parks"]):
        sections += [f"{topic} next", f"The {topic.lower()} get their share of the budget as well, the mayor said on day {n}."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + sections + ["About us"]]))
    assert [b.text for b in marked if b.kept] == story + sections
    assert not any(b.decision and b.decision.evidence.get("rule") == "sparse_tail" for b in marked)


def test_the_sparse_tail_counts_its_lines():
    from cleaners.boilerplate import _sparse_tail

    story, unit = [16.0, 18.0, 15.0], [-8.0, -8.0, -8.0, 12.0]
    assert _sparse_tail(story + unit * 3, 0, 15, WindowConfig()) == (3, {"lines": 12, "prose_lines": 3})
    paired = [-8.0, -8.0, 30.0, 25.0]  # two prose lines in a row: the article's paragraphs
    assert _sparse_tail(story + paired * 3, 0, 15, WindowConfig()) == (15, {})
    assert _sparse_tail(story + unit, 0, 7, WindowConfig()) == (7, {})  # too short to judge


STANDINGS = ["Pos. Driver Points Wins Poles", "1 Kyle Busch 5040 5 1", "2 Martin Truex Jr. 5035 7 0",
             "3 Kevin Harvick 5033 4 6", "4 Denny Hamlin 5027 6 3", "5 Joey Logano 2380 2 3", "6 Ryan Blaney 2339 1 1"]


def test_the_rows_of_a_ranked_table_count_as_prose():
    """A standings page has no sentences but its table: numbered 1, 2, 3... rows of numbers win
    the window over a sidebar's few sentences."""
    sidebar = ["Click on the photo of our columnist to read his columns about Formula 1 and MotoGP.",
               "Last column: the new champion is an animal, and everybody in the paddock knows it."]
    lines = ["Home", "NASCAR standings", "Share this on WhatsApp",
             "Final standings of the Cup Series in 2019 after 36 races:"] + STANDINGS + ["Share this on WhatsApp",
             "Leave a comment", "Advertisement", "Columns"] + sidebar + ["© 2019 Autoracing. All rights reserved."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in lines]))
    assert [b.text for b in marked if b.kept] == [lines[3]] + STANDINGS
    column = next(b for b in marked if b.text == sidebar[0]).decision
    assert column.evidence["rule"] == "outside_main_content" and column.evidence["side"] == "after"
    assert column.evidence["table_rows"] == [[5, 10]]  # block indexes of the first and last row


def test_numbered_headlines_and_unordered_numbers_are_no_table():
    from cleaners.boilerplate import _line_value, ranked_rows

    config = WindowConfig()
    popular = ["1 Fire damages Fort Orange Club in Albany", "2 Best of the Capital Region 2019: Pizza",
               "3 Photos: Crossgates Mall through the years", "4 Albany boutique hotel will be blast from past",
               "5 Senator cancels Binghamton University visit", "6 Capital Region's first Costco proposed"]
    prices = ["32GB iPhone 7 $73.00 $151.00", "64GB iPhone 8 $120.00 $210.00", "128GB iPhone X $240.00 $330.00",
              "256GB iPhone XS $300.00 $410.00", "512GB iPhone 11 $350.00 $480.00"]
    for lines in (popular, prices):  # one number a line; numbers that do not count up
        assert ranked_rows(lines, [_line_value(t, config) for t in lines], config) == []
    assert ranked_rows(STANDINGS, [_line_value(t, config) for t in STANDINGS], config) == [range(1, 7)]


def test_an_image_caption_above_its_photo_credit_stays():
    """Captions are the article's (issue #3): the line above a photo credit is kept, the credit goes."""
    caption = "U.S. Defense Secretary Mark Esper, left, and Vietnamese Defense Minister Ngo Xuan Lich shake hands in Hanoi."
    marked = mark_boilerplate([Block(caption), Block("Photo: Hau Dinh, AP"), Block(STORY_LINE)])
    assert marked[0].kept and marked[2].kept
    assert marked[1].decision.reason is Reason.BOILERPLATE and marked[1].decision.evidence["rule"] == "byline"

def test_an_author_box_below_the_story_is_cut():
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"),
             "The mayor said the first schools would receive the money before the end of the year, as promised."]
    box = ["About Brigit Katz",
           "Brigit Katz is a freelance writer based in Toronto. Her work has appeared in a number of publications."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + box + ["Privacy Policy"]]))
    assert [b.text for b in marked if b.kept] == story
    bio = marked[5].decision
    assert bio.reason is Reason.BOILERPLATE and bio.evidence["rule"] == "author_box"
    assert bio.evidence["heading"] == "About Brigit Katz" and bio.evidence["window"] == [1, 3]


def test_a_section_heading_starting_with_about_is_no_author_box():
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday"),
             "The mayor said the first schools would receive the money before the end of the year, as promised."]
    section = ["About Time", "The repairs to the oldest buildings, delayed for three years, will start next month."]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + story + section + ["Privacy Policy"]]))
    assert [b.text for b in marked if b.kept] == story + section


def test_a_headline_ending_in_a_count_is_no_sentence():
    """A "most commented" list ("... (148)") is no prose; a sentence ending in a bracket is."""
    from cleaners.boilerplate import _line_value

    config = WindowConfig()
    assert _line_value("Myles Garrett should expect a significant suspension (148)", config) == -config.gap_penalty
    assert _line_value("Colin Kaepernick: We're waiting for 32 owners to stop running (185)", config) == -config.gap_penalty
    assert _line_value("The company reported its results on Tuesday (see the table below)", config) == 11


def test_a_most_commented_list_above_the_story_stays_outside_the_window():
    counts = ["Colin Kaepernick: We're waiting for 32 owners and Roger Goodell to stop running (185)",
              "Myles Garrett should expect a significant suspension (148)", "Reports: Mason Rudolph will be fined (145)",
              "Vikings come back to beat the Broncos in the second half (145)",
              "NFL, Kaepernick camp at odds over whether list of workout attendees was promised (142)"]
    story = [STORY_LINE, STORY_LINE.replace("Tuesday", "Monday")]
    marked = mark_outside_main_content(mark_boilerplate([Block(t) for t in ["Home"] + counts + ["Menu"] + story]))
    assert [b.text for b in marked if b.kept] == story
    first = marked[1].decision
    assert first.evidence["rule"] == "outside_main_content" and first.evidence["side"] == "before"


def test_an_embedded_post_ending_in_its_links_counts_as_prose_in_the_window():
    story = ["The road safety slogan drew enough criticism to get the ax from the state department."] * 3
    post = ("While we focus on this campaign, we should not forget the state's failed campaign from 2014. "
            "https://t.co/hFciHO5Qc7 pic.twitter.com/KQLpngeTbO")
    texts = ["Home", *story, post, "Contact us"]
    assert main_content_window(texts) == (1, 5, main_content_window(texts)[2])


_MARKER_LINES = ["12 Comments", "Ann on May 1, 2019 at 4:47 pm said:", "user says:", "The tour dates:",
                 "Here are the 2020 dates :", "Leave a reply", "2 responses to “Storm”", "Related:"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.sampled_from(_MARKER_LINES)
       | st.builds(lambda line, tail: line + tail, st.sampled_from(_MARKER_LINES),
                   st.text(st.sampled_from(list(" :\n\t\u00a0\u2003x.")), max_size=4))
       | st.text(alphabet=st.sampled_from(list("abs dt1 :\n\u00a0.-saidwrote")), max_size=60))
def test_the_colon_look_answers_as_the_whole_patterns(text):
    """announces_list and is_comment_marker try their costly colon-ended patterns only on a line
    ending with a colon (and whitespace): the answers of the whole patterns."""
    from cleaners.boilerplate import _ANNOUNCES_LIST, _COMMENT_MARKER, announces_list, is_comment_marker

    assert announces_list(text) == (len(text) < 400 and _ANNOUNCES_LIST.match(text) is not None)
    assert is_comment_marker(text) == (_COMMENT_MARKER.match(text) is not None)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet=st.sampled_from(list("StormhisTeCoa İ\u0130ı-’é\u212a")), max_size=30), min_size=1, max_size=8),
       st.frozensets(st.sampled_from(["storm", "hits", "the", "coast", "a", "st", "i̇s", "ke", "é", "cé"]), min_size=1, max_size=6),
       st.sampled_from([0.0, 0.5, 0.8, 1.0]))
def test_the_lines_left_out_of_the_headline_search_hold_too_few_title_words(texts, title, share):
    """headline_lines looks only at the lines _lines_holding_enough returns: every other line
    holds fewer than ``share`` of the title words (as text, case aside)."""
    from cleaners.boilerplate import _lines_holding_enough

    candidates = _lines_holding_enough(texts, title, share)
    assert candidates == sorted(set(candidates))
    for k, text in enumerate(texts):
        if k not in candidates:
            assert sum(map(text.lower().__contains__, title)) < share * len(title)


_DATE_PARTS = ["November", "19,", "2019", "at", "10:01", "am", "GMT", "Nov.", "3", "hours", "ago", "Posted", "on", "|",
               "Ryan", "Blaney", "2339", "vor", "Tagen", "il", "y", "a", "hace", "2019-05-01T10:00:00Z", "a.m.", "ET",
               "(Published", "Monday,", "12th", "Fri", "https://cdn.example/a.png", "ſep", "İl", "٣"]


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.builds(lambda head, words: head + " ".join(words), st.sampled_from(["", "(", "- ", "“", "© "]),
                 st.lists(st.sampled_from(_DATE_PARTS), min_size=1, max_size=7)))
def test_a_line_the_other_rules_match_passes_their_first_word_look(text):
    """_may_be_other_rule never turns away a line the timestamp or asset rules match (a first
    word with a case trap, "ſep", is never asked: _first_rule tries every rule then)."""
    from cleaners.boilerplate import _CASE_TRAPS, _FIRST_WORD, _OTHER_RULES, _first_rule, _may_be_other_rule

    first = word.group(1) if (word := _FIRST_WORD.match(text)) else ""
    if _OTHER_RULES.match(text) and _CASE_TRAPS.isdisjoint(first):
        assert _may_be_other_rule(text, first)
    assert _first_rule(text) == _first_rule_in_order(text)


def _ranked_rows_line_by_line(texts, values, config):
    """ranked_rows as first written: every line read in turn, a run closed by any other line."""
    from cleaners.boilerplate import _LEADING_NUMBER, _NUMBER

    runs, start, previous = [], 0, None
    for k, text in enumerate(texts + [""]):
        match = _LEADING_NUMBER.match(text) if k < len(texts) and values[k] < 0 else None
        number = int(match.group(1)) if match and len(_NUMBER.findall(text)) >= 2 else None
        if number is not None and previous is not None and number == previous + 1:
            previous = number
            continue
        if k - start >= config.table_min_rows and previous is not None:
            runs.append(range(start, k))
        start, previous = k, number
    return runs


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["1 A 5", "2 B 6", "3 C 7", "4 D 8", "5 E 9", "6 F 1", "2 x", "Home", "",
                                           "7 G 3", "1. Kyle Busch 5040 5"]),
                          st.sampled_from([-8.0, 12.0])), max_size=14),
       st.sampled_from([2, 3, 5]))
def test_ranked_rows_reads_only_the_numbered_rows_as_every_line_in_turn(lines, min_rows):
    from cleaners.boilerplate import ranked_rows

    texts, values = [text for text, _ in lines], [value for _, value in lines]
    config = WindowConfig(table_min_rows=min_rows)
    assert ranked_rows(texts, values, config) == _ranked_rows_line_by_line(texts, values, config)


def test_a_tags_label_and_its_line_of_tags_are_dropped_together():
    from cleaners.boilerplate import is_tag_list

    blocks = mark_boilerplate([Block("The race calendar was published on Monday, with twelve rounds in six states."),
                               Block("Tags"), Block("race calendar 2018, stock car brasil, stock car cascavel, million race")])
    assert [b.decision.evidence["rule"] if b.decision else "kept" for b in blocks] == ["kept", "tags", "tags"]
    assert blocks[2].decision.reason is Reason.BOILERPLATE and blocks[2].decision.evidence["label"] == "Tags"
    assert is_tag_list("Politik, Bundestag, Haushalt 2024")


@pytest.mark.parametrize("below", [
    "We bought flour, sugar, eggs and butter, then baked the cake.",  # a sentence
    "flour, sugar",  # two items
    "Keywords are what a search engine indexes first.",
])
def test_a_tags_label_over_a_sentence_or_a_short_list_goes_alone(below):
    blocks = mark_boilerplate([Block("Tags"), Block(below)])
    assert blocks[0].decision.evidence["rule"] == "tags" and blocks[1].kept


def test_keywords_of_a_paper_are_not_tags():
    blocks = mark_boilerplate([Block("Keywords"), Block("drug reaction, eosinophilia, systemic symptoms")])
    assert all(b.kept for b in blocks)


def test_rules_with_settings_answer_as_match_rule_and_keep_one_function_per_settings():
    """_rules_with gives one function of the line per set of settings (kept: the same object
    each time), answering as _rule_for_line and _is_menu_text with those settings."""
    from cleaners.boilerplate import _is_menu_text, _rule_for_line, _rules_with

    assert _rules_with(14, 60, 3) is _rules_with(14, 60, 3) and _rules_with(14, 60, 3) is not _rules_with(3, 60, 3)
    lines = ["Share on Facebook", "Share prices fell sharply after the news of the merger broke.", "© 2024 Example",
             "We use cookies to improve your experience on this site and to show you ads, " * 2, "Home", "",
             "World News", "Local politics and sport", "Read on."]
    for max_words in (14, 3):
        for item_words in (3, 1):
            for text in lines:
                assert _rules_with(max_words, 60, item_words)(text) == (
                    _rule_for_line(max_words, 60, text), _is_menu_text(text, item_words))
    assert _rules_with(3, 60, 3)("Share this story on Facebook now") == (None, False)  # more words than the setting allows
    assert match_rule("Share on Facebook", BoilerplateConfig(max_words=2)) is None


def test_mark_boilerplate_finds_the_menus_mark_menus_finds():
    """mark_boilerplate finds the menus in its pass over the rules: the same as mark_menus over the
    blocks the rules leave, whatever the settings and layout (lines dropped before, headings, a
    tags label whose line of tags goes with it, too long a line)."""
    import random

    texts = ["World", "Politics", "Sports", "Culture", "Share on Facebook", "Tags", "news, sport, weather",
             "A real sentence of the story, long enough.", "Home", "Read on.", "x" * 2500, "Local politics and sport", ""]
    rng = random.Random(7)
    for _ in range(300):
        blocks = []
        for _ in range(rng.randrange(0, 14)):
            block = Block(rng.choice(texts), rng.choice([BlockType.PARAGRAPH] * 4 + [BlockType.HEADING]))
            blocks.append(block.drop("duplicates", Reason.DUPLICATE) if rng.random() < 0.1 else block)
        config = BoilerplateConfig(menu_run=rng.choice([2, 3, 4]), menu_item_words=rng.choice([1, 3]))
        for layout in ("text", "paragraphs"):
            rules_only = mark_boilerplate(blocks, config._replace(menu_layouts=()), layout)
            assert mark_boilerplate(blocks, config, layout) == mark_menus(rules_only, config, layout)


_VALUE_LINES = ["", "Home", "The storm hit the coast.", "The storm hit the coast early on Monday",
                "Myles Garrett should expect a significant suspension (148)", "市議会は火曜日に新しい予算を承認しました。",
                "We should not forget the 2014 campaign. https://t.co/hF pic.twitter.com/KQ", "word " * 31,
                "We hope to see you soon 🙂", "They said: ", "A quote ends here.”  "]


@pytest.mark.parametrize("config", [WindowConfig(), WindowConfig(prose_min_words=2, prose_any_words=5, gap_penalty=3)])
def test_plain_line_values_are_line_value_of_each_line(config):
    """_plain_line_values, _line_value written out in its loop, values each line as _line_value
    does (a float, or the gap penalty), whatever the settings."""
    from cleaners.boilerplate import _line_value, _plain_line_values

    values = _plain_line_values(_VALUE_LINES, config)
    expected = [_line_value(text, config) for text in _VALUE_LINES]
    assert values == expected
    assert [type(v) for v in values] == [type(v) for v in expected]


def test_date_word_trees_match_the_same_words():
    """The timestamp rule's cheap form writes its date words as trees: the same strings, as written."""
    from cleaners.boilerplate import (_DATE_TOKEN_WORDS, _DATE_TOKEN_WORDS_TREE, _DATE_WORDS, _DATE_WORDS_TREE,
                                      _literal_strings)

    assert _literal_strings(_DATE_WORDS_TREE) == _literal_strings(_DATE_WORDS)
    assert len(_literal_strings(_DATE_WORDS)) > 100
    suffix = r"|(?-i:[A-Z]{2,4}))(?!\w)"
    assert _literal_strings(_DATE_TOKEN_WORDS_TREE.removesuffix(suffix) + ")") == _literal_strings(
        _DATE_TOKEN_WORDS.removesuffix(suffix) + ")")


def test_a_run_of_letters_and_digits_is_what_the_first_word_pattern_takes():
    """_first_word takes a line's head before its first space without the regex when ``str.isalnum``
    says it is all word characters: on every code point, isalnum is ``\\w`` but for "_"."""
    import re
    import sys

    from cleaners.boilerplate import _first_word

    word = re.compile(r"\w")
    differ = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isalnum() != (c != "_" and word.match(c) is not None)]
    assert differ == []
    assert [_first_word(t) for t in ("Share this", "“Share this", "log_in now", "...", "3 hours ago", "")] == [
        "Share", "Share", "log_in", "", "3", ""]


def test_lacks_more_is_the_count_of_words_held():
    """_headline_lines' test of a line (it lacks more title words than a headline may) is the
    count of the words it holds against the share, on random lines and titles."""
    import random

    from cleaners.boilerplate import _lacks_more, _words_needed

    rng = random.Random(7)
    vocabulary = ["storm", "hits", "the", "coast", "city", "in", "a", "at", "council", "budget"]
    for _ in range(2000):
        title = frozenset(rng.sample(vocabulary, rng.randint(3, 8)))
        line = " ".join(rng.choices(vocabulary, k=rng.randint(0, 12)))
        share = rng.choice([0.0, 0.5, 0.8, 1.0])
        held = sum(map(line.__contains__, title))
        assert _lacks_more(line, title, len(title) - _words_needed(len(title), share)) == (held < share * len(title))


def test_a_text_with_a_no_space_script_character_is_never_taken_for_one_without():
    """_may_hold_no_space_script says yes for every character of _NO_SPACE_SCRIPT (wherever it is),
    and no for a text of none of the characters whose UTF-8 forms begin as theirs."""
    from cleaners.boilerplate import _NO_SPACE_SCRIPT, _may_hold_no_space_script

    for code in range(0x0800, 0x10000):
        char = chr(code)
        if _NO_SPACE_SCRIPT.match(char):
            assert _may_hold_no_space_script(("“a” " + char + " b").encode("utf-8", "surrogatepass"))
    assert not _may_hold_no_space_script("“Café” — 12 €, naïve, Straße, Привет, 🙂".encode())


def test_line_values_without_the_no_space_script_look_when_there_is_none():
    from cleaners.boilerplate import WindowConfig, _plain_line_values

    lines = ["“Home”", "The storm hit the coast early on Monday, officials said.", "Café — naïve résumé", ""]
    assert _plain_line_values(lines, WindowConfig(), False) == _plain_line_values(lines, WindowConfig())


_COMMENT_PARTS = ["12", "comments", "Comments", "COMMENT", "reſponses", "Top rated", "most liked", "readers'", "Leave a reply",
                  "Join the discussion", "thoughts on", "Kommentare", "The", "comments he made", "(3)", "…", " ", ":",
                  "٣", "Ann said:", "said", "user", "—", "Kelvin \u212aommentar", "\u212aommentare", "a"]


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_COMMENT_PARTS), max_size=5), st.sampled_from(["", " ", "—"]))
def test_comment_marker_first_word_gate_equals_the_patterns(parts, joiner):
    """is_comment_marker lets a line go by its first word only where the patterns find no marker."""
    from cleaners.boilerplate import _COMMENT_HEADING_ONLY, _COMMENT_MARKER, is_comment_marker

    text = joiner.join(parts)
    plain = (_COMMENT_MARKER if text.rstrip().endswith(":") else _COMMENT_HEADING_ONLY).match(text) is not None
    assert is_comment_marker(text) == plain
