"""cleaners.pipeline: clean_document end to end on small inputs. Every input ends as an
Article or a RejectedInput with its Reason; every block-level Reason comes out of a real run."""

from __future__ import annotations

import codecs
import gzip
import json

import pytest

import cleaners.pipeline as pipeline
from cleaners.pipeline import (
    CleanConfig,
    clean_document,
    config_fingerprint,
    config_from_dict,
    config_to_dict,
    detect_format,
)
from cleaners.types import Article, BlockType, Reason, RejectedInput

BODY = (
    "The Harbor Bridge reopened to traffic on Monday after a two-year repair that replaced the rusted steel "
    "cables of the bridge, city officials said."
)

# One scraped page with one of each block-level problem.
SCRAPED = """Harbor Bridge Reopens After Two-Year Repair
The Harbor Bridge reopened to traffic on Monday after a two-year repair that replaced the rusted steel cables of the bridge, city officials said.
Share on Facebook
Engineers replaced most of the bridge deck and strengthened the towers of the bridge, the city transport department said in a statement on Monday.
Harbor Bridge Reopens After Two-Year Repair
Commuters and cyclists crossed the bridge in the first hour, many relieved to end the long ferry detour around the harbor.
Die Brücke ist wieder für den Verkehr freigegeben, teilte die Stadtverwaltung am Montag in einer kurzen Mitteilung mit.
The repair of the bridge cost about 95 million dollars, slightly under the budget approved by the city council last year.
Transport officials said the bridge would close again for one weekend in the autumn so engineers can inspect the new cables.
Quarterly smartphone sales rose sharply in Asia as manufacturers cut prices for budget models and launched cheaper phones.
A celebrated chef opened her third restaurant downtown, serving seasonal tasting menus and natural wines every night.
More news
Storm Hits the Coast Overnight
Residents woke to flooded streets after a night of heavy rain and wind that…
Council Votes on New Budget
The city council met on Tuesday to discuss the spending plan that was presented…
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbor Bridge Reopens After Two-Year Repair | The Coastal Herald</title>
<meta property="og:title" content="Harbor Bridge Reopens After Two-Year Repair">
<meta property="og:site_name" content="The Coastal Herald">
<meta name="author" content="Maria Lopez">
<meta name="description" content="The Harbor Bridge carried traffic again on Monday after a two-year repair.">
<meta property="article:published_time" content="2024-03-11T08:00:00Z">
<meta name="keywords" content="bridge, transport">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Harbor Bridge Reopens After Two-Year Repair</h1>
<p>The Harbor Bridge carried traffic again on Monday morning after a two-year repair that replaced its rusted steel cables and most of the deck, city officials said.</p>
<h2>Commuters return</h2>
<p>Hundreds of commuters crossed the bridge in the first hour, many of them cyclists who had spent two years taking a ferry or a long detour through the industrial district.</p>
<ul><li>New protected cycle lane on the north side</li><li>Wider footpath with four viewing platforms</li></ul>
<blockquote><p>“We waited a long time for this morning, and it was worth it,” said one cyclist, Ana Ruiz.</p></blockquote>
<p>The repair cost about $95 million, slightly under the budget approved by the council in 2021, and the work finished three weeks ahead of schedule despite a wet winter.</p>
</article>
<footer><p>© 2024 The Coastal Herald. All rights reserved.</p></footer>
</body></html>
"""

FRENCH = (
    "Le conseil municipal a approuvé mardi un réseau de pistes cyclables protégées dans le centre-ville, après deux ans de débats. "
    "Les partisans estiment que les rues seront plus sûres pour les enfants et les personnes âgées, et les travaux commenceront "
    "au printemps."
)


def _article(result) -> Article:
    assert isinstance(result, Article), result
    return result


def _rejected(result) -> RejectedInput:
    assert isinstance(result, RejectedInput), result
    return result


# --- block-level reasons from one real run ------------------------------------------------


@pytest.fixture(scope="module")
def scraped() -> Article:
    return _article(clean_document(SCRAPED.encode(), "news/bridge.txt"))


def _drop(article: Article, text: str):
    (block,) = [b for b in article.blocks if b.text == text]
    assert block.decision is not None, f"kept: {text}"
    return block.decision


def test_every_block_level_reason_comes_from_one_real_run(scraped):
    reasons = {b.decision.reason for b in scraped.blocks if b.decision}
    assert reasons == {Reason.DUPLICATE, Reason.BOILERPLATE, Reason.TEASER, Reason.FOREIGN_LANGUAGE, Reason.OFF_TOPIC}


def test_duplicate_title_heading(scraped):
    assert scraped.title == "Harbor Bridge Reopens After Two-Year Repair"
    decision = _drop(scraped, "Harbor Bridge Reopens After Two-Year Repair")
    assert (decision.reason, decision.step, decision.evidence["rule"]) == (Reason.DUPLICATE, "duplicates", "repeats_title")


def test_share_line_is_boilerplate(scraped):
    decision = _drop(scraped, "Share on Facebook")
    assert (decision.reason, decision.step, decision.evidence["rule"]) == (Reason.BOILERPLATE, "boilerplate", "share")


def test_german_paragraph_is_foreign(scraped):
    decision = _drop(scraped, "Die Brücke ist wieder für den Verkehr freigegeben, teilte die Stadtverwaltung am Montag in einer kurzen Mitteilung mit.")
    assert (decision.reason, decision.step) == (Reason.FOREIGN_LANGUAGE, "language")
    assert (decision.evidence["language"], decision.evidence["document_language"]) == ("de", "en")
    assert scraped.language == "en"


def test_appended_stories_are_off_topic(scraped):
    for text in (
        "Quarterly smartphone sales rose sharply in Asia as manufacturers cut prices for budget models and launched cheaper phones.",
        "A celebrated chef opened her third restaurant downtown, serving seasonal tasting menus and natural wines every night.",
    ):
        decision = _drop(scraped, text)
        assert (decision.reason, decision.step, decision.evidence["position"]) == (Reason.OFF_TOPIC, "topic", "tail")
        assert decision.evidence["score"] < decision.evidence["threshold"]


def test_more_news_block_is_one_teaser_unit(scraped):
    label = _drop(scraped, "More news")
    assert (label.reason, label.step, label.evidence["rule"]) == (Reason.TEASER, "teasers", "section_label")
    summary = _drop(scraped, "Residents woke to flooded streets after a night of heavy rain and wind that…")
    assert (summary.reason, summary.evidence["rule"], summary.evidence["pairs"]) == (Reason.TEASER, "headline_summary_run", 2)


def test_article_body_is_kept_in_order(scraped):
    assert scraped.text.split("\n\n") == [
        BODY,
        "Engineers replaced most of the bridge deck and strengthened the towers of the bridge, the city transport department said in a statement on Monday.",
        "Commuters and cyclists crossed the bridge in the first hour, many relieved to end the long ferry detour around the harbor.",
        "The repair of the bridge cost about 95 million dollars, slightly under the budget approved by the city council last year.",
        "Transport officials said the bridge would close again for one weekend in the autumn so engineers can inspect the new cables.",
    ]


def test_scraped_page_outside_the_article_is_boilerplate():
    text = "Home\nNews\nSport\n" + SCRAPED + "About us\nContact\nImprint\n"
    article = _article(clean_document(text.encode(), "news/bridge.txt"))
    for line in ("About us", "Contact", "Imprint"):
        assert _drop(article, line).reason is Reason.BOILERPLATE
    assert BODY in article.text


def test_headline_above_a_byline_becomes_the_title():
    text = f"Harbor Bridge Reopens After Two-Year Repair\nBy Maria Lopez\n{BODY}\n{BODY.replace('Monday', 'Tuesday')}\n"
    article = _article(clean_document(text.encode(), "news/bridge.txt"))
    assert article.title == "Harbor Bridge Reopens After Two-Year Repair"
    decision = _drop(article, "Harbor Bridge Reopens After Two-Year Repair")
    assert (decision.reason, decision.step, decision.evidence["rule"]) == (Reason.DUPLICATE, "extract", "moved_to_title")
    assert _drop(article, "By Maria Lopez").evidence["rule"] == "byline"


# --- HTML -------------------------------------------------------------------------------------


def test_html_title_metadata_and_kept_article():
    article = _article(clean_document(PAGE.encode(), "site/bridge.html", url="https://coastalherald.example/bridge"))
    assert article.title == "Harbor Bridge Reopens After Two-Year Repair"
    assert article.source.format == "html"
    assert article.source.url == "https://coastalherald.example/bridge"
    assert article.metadata["author"] == "Maria Lopez"
    assert article.metadata["sitename"] == "The Coastal Herald"
    assert article.metadata["date"] == "2024-03-11"
    assert article.language == "en"
    assert article.encoding.charset == "utf-8"
    kept_types = [b.type for b in article.kept_blocks]
    assert BlockType.HEADING in kept_types and BlockType.QUOTE in kept_types and BlockType.LIST_ITEM in kept_types
    assert "Commuters return" in article.text
    assert "All rights reserved" not in article.text
    # the article's own closing paragraph, about the same story in other words, is kept
    assert article.text.endswith("despite a wet winter.")
    h1 = [b for b in article.blocks if b.text == "Harbor Bridge Reopens After Two-Year Repair"]
    assert h1[0].decision.reason is Reason.DUPLICATE


def test_html_declared_windows_1251():
    ru = ("Президент заявил во вторник, что переговоры о новом торговом соглашении продолжатся на следующей неделе в Москве. "
          "Эксперты считают, что стороны близки к компромиссу по пошлинам на сталь и зерно.")
    page = (f'<html><head><meta charset="windows-1251"><title>Переговоры продолжатся</title></head>'
            f"<body><article><p>{ru}</p></article></body></html>")
    article = _article(clean_document(page.encode("cp1251"), "ru/news.html"))
    assert (article.title, article.language, article.text) == ("Переговоры продолжатся", "ru", ru)
    assert article.encoding.method == "declared"


def test_gzipped_html():
    article = _article(clean_document(gzip.compress(PAGE.encode()), "site/bridge.html.gz"))
    assert article.source.format == "html"
    assert article.title == "Harbor Bridge Reopens After Two-Year Repair"


# --- encodings -------------------------------------------------------------------------------


def test_windows_1252_file():
    article = _article(clean_document(FRENCH.encode("cp1252"), "fr/velo.txt"))
    assert article.text == FRENCH
    assert (article.encoding.charset, article.encoding.method) == ("windows-1252", "sniffed")
    assert article.language == "fr"


def test_utf16_bom_file():
    article = _article(clean_document(codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "fr/velo.txt"))
    assert article.text == FRENCH
    assert (article.encoding.charset, article.encoding.method) == ("utf-16-le", "bom")


def test_mojibake_is_repaired_and_recorded():
    broken = "The mayor said the budget wasnâ€™t final â€” talks with the unions will continue next week, officials said."
    article = _article(clean_document(broken.encode("utf-8"), "news/budget.txt"))
    assert article.text == "The mayor said the budget wasn’t final — talks with the unions will continue next week, officials said."
    assert article.encoding.repairs == ("encode:sloppy-windows-1252", "decode:utf-8")


def test_typography_kept_by_default_and_folded_on_request():
    text = "“It’s a great day for the city,” the mayor said — and cut the ribbon… Everyone cheered loudly."
    assert _article(clean_document(text.encode(), "a.txt")).text == text
    folded = _article(clean_document(text.encode(), "a.txt", config_from_dict({"decode": {"ascii_fold": True}})))
    assert folded.text == "\"It's a great day for the city,\" the mayor said - and cut the ribbon... Everyone cheered loudly."


def test_str_input_is_taken_as_text():
    article = _article(clean_document(BODY, "a.txt"))
    assert (article.encoding.charset, article.encoding.method) == ("utf-8", "given-as-text")
    assert article.source.sha256 == _article(clean_document(BODY.encode(), "a.txt")).source.sha256


def test_huge_single_line_finishes_as_an_article():
    sentence = "The committee heard evidence from engineers, residents and officials about the bridge repair and its cost. "
    data = (sentence * (4_000_000 // len(sentence) + 1)).encode()
    assert len(data) > 4_000_000 and b"\n" not in data
    article = _article(clean_document(data, "big.txt"))
    assert len(article.kept_blocks) == 1
    assert len(article.text) == len(data.strip())
    assert article.language == "en"


def test_single_line_over_the_block_limit_is_rejected_as_too_large():
    config = config_from_dict({"extract": {"max_block_chars": 1000}})
    rejected = _rejected(clean_document(b"word " * 400 + b"\nShort line.", "big.txt", config))
    assert rejected.reason is Reason.TOO_LARGE
    assert rejected.detail == "a single block of 2000 characters (limit 1000): not article text"


# --- rejections ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_input(data):
    rejected = _rejected(clean_document(data, "a.txt"))
    assert rejected.reason is Reason.EMPTY_INPUT
    assert rejected.source.sha256 is not None


@pytest.mark.parametrize("data, kind", [(b"%PDF-1.4\n...", "PDF document"), (b"\x89PNG\r\n\x1a\n\0\0", "PNG image"), (b"\x7fELF\x02\x01", "ELF executable")])
def test_binary_input(data, kind):
    rejected = _rejected(clean_document(data, "a.txt"))
    assert (rejected.reason, rejected.detail) == (Reason.BINARY_INPUT, f"looks like {kind}")


@pytest.mark.parametrize("path", ["report.pdf", "notes.docx", "archive.tar.gz", "README"])
def test_unsupported_format(path):
    rejected = _rejected(clean_document(BODY.encode(), path))
    assert rejected.reason is Reason.UNSUPPORTED_FORMAT
    assert rejected.source.format == "unknown"


@pytest.mark.parametrize("html", [b"<html><body><div></div></body></html>", b"<html><body><script>var x = 1;</script></body></html>"])
def test_html_without_text_is_no_text(html):
    rejected = _rejected(clean_document(html, "empty.html"))
    assert (rejected.reason, rejected.detail) == (Reason.NO_TEXT, "no text blocks found in the html input")


def test_all_blocks_removed_is_no_text_with_a_summary():
    rejected = _rejected(clean_document(b"Share on Facebook\nEnd of content\n", "a.txt"))
    assert rejected.reason is Reason.NO_TEXT
    assert rejected.detail == "all 2 blocks removed (2 boilerplate)"


def test_too_large_with_a_small_limit():
    config = config_from_dict({"max_input_bytes": 100})
    rejected = _rejected(clean_document(BODY.encode(), "a.txt", config))
    assert rejected.reason is Reason.TOO_LARGE
    assert rejected.detail == f"{len(BODY.encode())} bytes > limit of 100"
    assert isinstance(clean_document(BODY.encode(), "a.txt", config_from_dict({"max_input_bytes": 1000})), Article)


def test_gzip_bomb_is_too_large():
    config = config_from_dict({"decode": {"max_decompressed_bytes": 10_000}})
    rejected = _rejected(clean_document(gzip.compress(b"word " * 100_000), "bomb.txt.gz", config))
    assert rejected.reason is Reason.TOO_LARGE


def test_corrupt_gzip_is_undecodable():
    rejected = _rejected(clean_document(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not deflate at all", "a.txt.gz"))
    assert rejected.reason is Reason.UNDECODABLE


def test_truncated_gzip_header_is_undecodable():
    rejected = _rejected(clean_document(b"\x1f\x8b\x08\x00garbage", "a.txt.gz"))
    assert rejected.reason is Reason.UNDECODABLE


def test_undecodable_bytes():
    rejected = _rejected(clean_document(bytes([0x81, 0xFF, 0x8D, 0xFE, 0x90]) * 40, "a.txt"))
    assert (rejected.reason, rejected.detail) == (Reason.UNDECODABLE, "no charset decodes these bytes")


def test_foreign_language_article_with_accept_languages():
    config = config_from_dict({"language": {"accept_languages": ["en", "de"]}})
    rejected = _rejected(clean_document(FRENCH.encode(), "fr/velo.txt", config))
    assert rejected.reason is Reason.FOREIGN_LANGUAGE
    assert rejected.detail.startswith("article language fr (p=")
    assert isinstance(clean_document(BODY.encode(), "a.txt", config), Article)
    assert isinstance(clean_document(FRENCH.encode(), "fr/velo.txt"), Article)


def test_undetermined_language_is_rejected_when_languages_are_required():
    config = config_from_dict({"language": {"accept_languages": ["en"]}})
    rejected = _rejected(clean_document(b"12345 67890 +++", "a.txt", config))
    assert rejected.reason is Reason.FOREIGN_LANGUAGE
    article = _article(clean_document(b"12345 67890 +++", "a.txt"))
    assert article.language is None


def test_an_unexpected_error_becomes_internal_error(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("teaser step exploded")

    monkeypatch.setattr(pipeline, "mark_teasers", broken)
    rejected = _rejected(clean_document(BODY.encode(), "a.txt"))
    assert (rejected.reason, rejected.detail) == (Reason.INTERNAL_ERROR, "RuntimeError: teaser step exploded")


def test_deep_recursion_becomes_internal_error(monkeypatch):
    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(pipeline, "extract_html", too_deep)
    rejected = _rejected(clean_document(PAGE.encode(), "a.html"))
    assert (rejected.reason, rejected.detail) == (Reason.INTERNAL_ERROR, "document nested too deeply to parse")


# --- config -------------------------------------------------------------------------------------


def test_config_round_trips_through_json():
    config = config_from_dict({
        "language": {"accept_languages": ["en", "de"], "seed": 3},
        "topic": {"min_run": 1},
        "max_input_bytes": 1234,
    })
    assert config.language.accept_languages == ("en", "de")
    again = config_from_dict(json.loads(json.dumps(config_to_dict(config))))
    assert again == config
    assert config_fingerprint(again) == config_fingerprint(config)


def test_missing_config_keys_keep_defaults():
    assert config_from_dict(None) == CleanConfig()
    assert config_from_dict({}) == CleanConfig()
    assert config_from_dict({"topic": {"min_terms": 9}}).language == CleanConfig().language


def test_config_fingerprint_changes_with_config():
    default = config_fingerprint(CleanConfig())
    assert default == config_fingerprint(config_from_dict({}))
    changed = {
        config_fingerprint(config_from_dict({"topic": {"min_terms": 7}})),
        config_fingerprint(config_from_dict({"language": {"seed": 1}})),
        config_fingerprint(config_from_dict({"decode": {"ascii_fold": True}})),
        config_fingerprint(config_from_dict({"max_input_bytes": 10})),
    }
    assert default not in changed and len(changed) == 4


def test_config_changes_the_outcome():
    text = SCRAPED.encode()
    default = _article(clean_document(text, "news/bridge.txt"))
    no_topic = _article(clean_document(text, "news/bridge.txt", config_from_dict({"topic": {"max_removed_share": 0.0}})))
    assert Reason.OFF_TOPIC in {b.decision.reason for b in default.blocks if b.decision}
    assert Reason.OFF_TOPIC not in {b.decision.reason for b in no_topic.blocks if b.decision}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("a/b.HTML.gz", ("html", True)),
        ("notes.txt", ("text", False)),
        ("page.htm", ("html", False)),
        ("page.xhtml", ("html", False)),
        ("x.pdf", (None, False)),
        ("x.pdf.gz", (None, True)),
    ],
)
def test_detect_format(path, expected):
    assert detect_format(path) == expected


def test_same_input_same_article():
    assert clean_document(SCRAPED.encode(), "news/bridge.txt") == clean_document(SCRAPED.encode(), "news/bridge.txt")


def test_retyping_text_lines_types_each_kept_line_by_the_kept_line_below():
    """_retype_text_lines (all kept lines classified at once) gives each kept paragraph or heading
    classify_line's type with the next kept line below it; dropped lines and list items stay as they are."""
    from cleaners.extract import ExtractConfig, classify_line
    from cleaners.pipeline import _retype_text_lines
    from cleaners.types import Block, BlockType, Reason

    story = "The council approved the new budget on Tuesday after a long debate about the schools."
    blocks = [Block("Local News", BlockType.PARAGRAPH), Block("Menu").drop("boilerplate", Reason.BOILERPLATE, rule="x"),
              Block(story), Block("Sports", BlockType.HEADING), Block("- bread", BlockType.LIST_ITEM), Block("Weather")]
    retyped = _retype_text_lines(blocks, ExtractConfig())
    assert [b.type for b in retyped] == [BlockType.HEADING, BlockType.PARAGRAPH, BlockType.PARAGRAPH,
                                         BlockType.PARAGRAPH, BlockType.LIST_ITEM, BlockType.PARAGRAPH]
    assert retyped[1] is blocks[1] and retyped[2] is blocks[2] and retyped[5] is blocks[5]  # unchanged: no copy
    assert retyped[0].type is classify_line("Local News", story)


def _settled_over_every_block(blocks, config, layout):
    """_settle as it read every block, dropped ones too: what settling the kept blocks alone must give."""
    while True:
        again = pipeline._retype_text_lines(blocks, config.extract) if layout != "html" else blocks
        again = pipeline.mark_menus(again, config.boilerplate, layout, runs_across_dropped=True)
        again = pipeline.mark_teasers(again, config.teasers, layout)
        if again == blocks:
            return blocks
        blocks = again


@pytest.mark.parametrize("layout", ["text", "html", "paragraphs"])
def test_settling_the_kept_blocks_is_settling_every_block(layout):
    import random

    from cleaners.types import Block

    story = "The council approved the new budget for the schools on Tuesday after a long debate."
    pool = [("Home", BlockType.PARAGRAPH), ("World", BlockType.PARAGRAPH), ("Sports", BlockType.HEADING),
            ("Culture", BlockType.PARAGRAPH), ("More stories", BlockType.PARAGRAPH), (story, BlockType.PARAGRAPH),
            ("Storm Hits the Coast Overnight", BlockType.HEADING), ("Council Votes on New Budget", BlockType.PARAGRAPH),
            ("Residents woke to flooded streets after a night of heavy…", BlockType.PARAGRAPH),
            ("Sony Bets on Artificial Intelligence With New Global Division", BlockType.PARAGRAPH),
            ("Local News", BlockType.HEADING), ("- bread", BlockType.LIST_ITEM), ("It ended.", BlockType.PARAGRAPH)]
    config = pipeline.CleanConfig()
    rng = random.Random(0)
    for _ in range(300):
        blocks = []
        for _ in range(rng.randint(0, 14)):
            text, kind = rng.choice(pool)
            block = Block(text, kind)
            blocks.append(block.drop("boilerplate", Reason.BOILERPLATE, rule="x") if rng.random() < 0.3 else block)
        assert pipeline._settle(list(blocks), config, layout) == _settled_over_every_block(list(blocks), config, layout)


def test_load_models_loads_the_word_list_of_each_language_given():
    """Loaded ahead, a language's word list is found by the topic step's first document in it."""
    from cleaners import topic

    topic._weights.cache_clear()  # a cache of model data: cleared, it is only loaded again
    pipeline.load_models(pipeline.CleanConfig(), ("en", "de"))
    loaded = topic._weights.cache_info()
    assert loaded.currsize == 2 and loaded.misses == 2
    weights = topic.term_specificity({"brücke"}, "de")
    assert weights is not None and weights["brücke"] > 0
    assert topic._weights.cache_info().hits == loaded.hits + 1  # found, not loaded again


def test_load_models_loads_the_detector_too_and_leaves_no_thread_behind():
    """The detector's model is read in a thread beside the word lists; both are loaded on return and
    the thread is gone (workers forked next copy no half-loaded model and no thread)."""
    import threading

    from cleaners import language

    language._langid_identifier.cache_clear()  # model data: cleared, it is only loaded again
    pipeline.load_models(pipeline.CleanConfig(), ("en",))
    assert language._langid_identifier.cache_info().currsize == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("load-detector")]


def test_a_detector_that_cannot_load_fails_load_models(monkeypatch):
    """An error in the detector's thread is raised to the caller (a worker must not start without it)."""

    def broken(config):
        raise OSError("model file missing")

    monkeypatch.setattr(pipeline, "load_language_models", broken)
    with pytest.raises(OSError, match="model file missing"):
        pipeline.load_models(pipeline.CleanConfig(), ("en",))


def test_the_common_languages_fit_the_topic_steps_word_lists_kept():
    """Every language loaded ahead stays loaded beside others met later (each has a wordfreq list)."""
    from cleaners import topic

    assert len(pipeline.COMMON_LANGUAGES) < topic._KEPT_WORD_LISTS
    assert set(pipeline.COMMON_LANGUAGES) <= topic._wordfreq_languages()


@pytest.mark.parametrize("layout", ["text", "html", "paragraphs"])
def test_late_steps_given_the_kept_blocks_alone_mark_what_they_mark_in_all_the_blocks(layout):
    """_run_steps gives the teaser, language and topic steps and the settling the kept blocks alone and puts
    them back in place: the same blocks as each step given every block (dropped ones among them), the language
    and its score the same too."""
    from cleaners.boilerplate import mark_boilerplate, mark_outside_main_content
    from cleaners.duplicates import mark_duplicates
    from cleaners.language import mark_foreign_blocks
    from cleaners.teasers import mark_teasers
    from cleaners.topic import mark_off_topic
    from cleaners.types import Block

    config = CleanConfig()
    lines = [line for line in SCRAPED.splitlines() if line] + ["Read more: Another story headline here", "Home"]
    for start in range(0, 4):
        blocks = [Block(line) for line in lines[start:]]
        blocks = mark_boilerplate(mark_duplicates(blocks, None, layout=layout), config.boilerplate, layout)
        if layout == "text":
            blocks = mark_outside_main_content(blocks, config.window)
        assert any(not block.kept for block in blocks)  # dropped blocks among those the late steps are given
        everyone = mark_teasers(blocks, config.teasers, layout)
        language, score, everyone = mark_foreign_blocks(everyone, config.language)
        everyone = pipeline._settle(mark_off_topic(everyone, None, language, config.topic, layout), config, layout)
        kept_index = [i for i, block in enumerate(blocks) if block.kept]
        kept = mark_teasers([blocks[i] for i in kept_index], config.teasers, layout)
        kept_language, kept_score, kept = mark_foreign_blocks(kept, config.language)
        kept = pipeline._settle(mark_off_topic(kept, None, kept_language, config.topic, layout), config, layout)
        assert pipeline._placed(blocks, kept_index, kept) == everyone
        assert (kept_language, kept_score) == (language, score)
