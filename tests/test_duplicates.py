"""cleaners.duplicates: a body heading repeating the title, and blocks seen earlier."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.duplicates import mark_duplicates, mark_page_address
from cleaners.types import Block, BlockType, Reason

TITLE = "Harbor Bridge Reopens After Two-Year Repair"
BODY = (
    "The Harbor Bridge carried traffic again on Monday morning after a two-year repair that replaced its rusted "
    "steel cables and most of the deck, city officials said in a short statement."
)
OTHER = (
    "Hundreds of commuters crossed the bridge in the first hour, many of them cyclists who had spent two years "
    "taking a ferry or a long detour through the industrial district."
)
SHORT = "See it on Amazon"


def _evidence(blocks):
    return [(b.decision.reason, dict(b.decision.evidence)) if b.decision else "kept" for b in blocks]


def test_heading_repeating_the_title_is_a_duplicate_case_and_spacing_aside():
    blocks = [Block("HARBOR  bridge reopens after\ntwo-year repair", BlockType.HEADING), Block(BODY)]
    marked = mark_duplicates(blocks, title=TITLE)
    assert _evidence(marked) == [(Reason.DUPLICATE, {"rule": "repeats_title", "match": "exact"}), "kept"]
    assert marked[0].decision.step == "duplicates"


def test_repeated_paragraph_points_to_its_first_occurrence():
    marked = mark_duplicates([Block(BODY), Block(OTHER), Block(BODY.upper()), Block(OTHER)], title=None)
    assert _evidence(marked) == [
        "kept",
        "kept",
        (Reason.DUPLICATE, {"rule": "repeats_block", "first_index": 0}),
        (Reason.DUPLICATE, {"rule": "repeats_block", "first_index": 1}),
    ]


def test_short_lines_may_recur():
    question = "What did you do next?"
    blocks = [Block(question), Block(BODY), Block(question), Block(SHORT), Block(SHORT)]
    assert _evidence(mark_duplicates(blocks, title=None)) == ["kept"] * 5


def test_min_repeat_words_is_a_parameter():
    blocks = [Block(SHORT), Block(SHORT)]
    assert _evidence(mark_duplicates(blocks, title=None, min_repeat_words=4)) == [
        "kept", (Reason.DUPLICATE, {"rule": "repeats_block", "first_index": 0}),
    ]
    assert _evidence(mark_duplicates(blocks, title=None, min_repeat_words=5)) == ["kept", "kept"]


def test_a_short_heading_repeating_the_title_is_dropped_whatever_its_length():
    marked = mark_duplicates([Block("Big News", BlockType.HEADING)], title="big news")
    assert _evidence(marked) == [(Reason.DUPLICATE, {"rule": "repeats_title", "match": "exact"})]


def test_near_duplicates_are_kept():
    blocks = [Block(BODY), Block(BODY.replace("Monday", "Tuesday")), Block(TITLE + ".")]
    assert _evidence(mark_duplicates(blocks, title=TITLE)) == ["kept", "kept", "kept"]


def test_without_a_title_a_title_like_heading_is_kept():
    assert _evidence(mark_duplicates([Block(TITLE, BlockType.HEADING), Block(BODY)], title=None)) == ["kept", "kept"]


def test_empty_title_does_not_match_anything():
    assert _evidence(mark_duplicates([Block(BODY)], title="")) == ["kept"]


def test_already_dropped_blocks_are_left_alone_and_do_not_count_as_seen():
    earlier = Block(OTHER).drop("boilerplate", Reason.BOILERPLATE, rule="menu")
    marked = mark_duplicates([earlier, Block(OTHER)], title=None)
    assert marked[0] is earlier
    assert _evidence(marked) == [(Reason.BOILERPLATE, {"rule": "menu"}), "kept"]


def test_input_blocks_are_not_changed_and_order_is_kept():
    blocks = [Block(BODY), Block(BODY)]
    marked = mark_duplicates(blocks, title=None)
    assert blocks[1].kept and not marked[1].kept
    assert [b.text for b in marked] == [BODY, BODY]
    assert isinstance(marked, list)


def test_german_title_repeated_with_umlauts():
    title = "Neue Brücke über den Hafen eröffnet"
    marked = mark_duplicates([Block("Neue Brücke über den Hafen eröffnet", BlockType.HEADING), Block("Die Brücke ist offen.")], title)
    assert _evidence(marked)[0] == (Reason.DUPLICATE, {"rule": "repeats_title", "match": "exact"})
    assert marked[1].kept


def test_repeats_are_kept_in_extracted_html_and_in_paragraph_text_but_not_in_a_line_dump():
    """A meal plan repeats its entries on several days: in an HTML page's extracted text and in
    text already cut into paragraphs that is the article's own repetition; only a scraper's line
    dump (captions, cookie notices and teaser summaries repeated) loses its repeats. The title
    rule holds everywhere."""
    entry = ("Asparagus and eggs: one cup of asparagus, two soft-boiled or poached eggs and half a cup of sweet "
             "potato, with a handful of walnuts and a glass of water on the side.")
    blocks = [Block(TITLE, BlockType.HEADING), Block("Day 1", BlockType.HEADING), Block(entry),
              Block("Day 2", BlockType.HEADING), Block(entry)]
    for layout in ("html", "paragraphs"):
        assert _evidence(mark_duplicates(blocks, title=TITLE, layout=layout)) == [
            (Reason.DUPLICATE, {"rule": "repeats_title", "match": "exact"}), "kept", "kept", "kept", "kept"]
    assert _evidence(mark_duplicates(blocks, title=TITLE, layout="text"))[4] == (
        Reason.DUPLICATE, {"rule": "repeats_block", "first_index": 2})


@pytest.mark.parametrize(("heading", "title", "match"), [
    ("Is Football Violence a Crime?", "Opinion | Is Football Violence a Crime?", "site_name_cut"),
    ("Star Wars Jedi: Fallen Order review – shoots for the moon, lands among the stars",
     "Star Wars Jedi: Fallen Order review - shoots for the moon, lands among the stars - VG247", "site_name_cut"),
    ("‘The Medium is the Message’: the 7th Amsterdam Light Festival",
     "'The Medium is the Message': the 7th Amsterdam Light Festival | Inexhibit", "site_name_cut"),
    ("Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS",
     "Milan Design Week 2018 | Anastassiades' light installation for FLOS", "words"),
])
def test_a_heading_repeating_the_title_with_its_site_name_or_a_word_more_is_a_duplicate(heading, title, match):
    marked = mark_duplicates([Block(heading, BlockType.HEADING), Block("The story begins here.")], title=title,
                             layout="html")
    assert marked[0].decision.reason is Reason.DUPLICATE
    assert marked[0].decision.evidence["rule"] == "repeats_title"
    assert marked[0].decision.evidence["match"] == match
    assert marked[1].kept


@pytest.mark.parametrize(("text", "kind", "title"), [
    # another story's headline sharing a few words
    ("Jonas Brothers Added to 2019 American Music Awards Performance Lineup", BlockType.HEADING,
     "Post Malone Leads 2019 American Music Awards Nominations"),
    # a section heading that is the site part of the title
    ("Opinion", BlockType.HEADING, "Opinion | Is Football Violence a Crime?"),
    # a paragraph saying nearly what the title says is the article's lead, not a repeat
    ("Milan Design Week 2018: Michael Anastassiades’ light installation for FLOS", BlockType.PARAGRAPH,
     "Milan Design Week 2018 | Anastassiades' light installation for FLOS"),
])
def test_what_merely_resembles_the_title_is_kept(text, kind, title):
    (block,) = mark_duplicates([Block(text, kind)], title=title, layout="html")
    assert block.kept


def test_the_pages_own_address_printed_into_its_text_is_a_duplicate():
    url = "https://www.mysanantonio.com/news/article/Cat-found-in-New-Mexico-14848175.php"
    blocks = [Block("http://mysanantonio.com/news/article/Cat-found-in-New-Mexico-14848175.php/"),
              Block("The cat was found 600 miles from home."),
              Block("https://www.mysanantonio.com/news/article/Another-story-14848176.php")]
    marked = mark_page_address(blocks, url)
    assert marked[0].decision.reason is Reason.DUPLICATE
    assert marked[0].decision.evidence == {"rule": "repeats_url", "url": url}
    assert [b.kept for b in marked] == [False, True, True]
    assert mark_page_address(blocks, None) == blocks


def test_case_folding_makes_a_character_three_at_most():
    """What _key_shorter_than relies on, checked against every character; and ASCII keeps its length."""
    assert max(len(chr(code).casefold()) for code in range(0x110000)) == 3
    assert all(len(chr(code).casefold()) == 1 for code in range(128))


def _marked_keying_every_block(blocks, title, min_repeat_words, layout):
    """mark_duplicates as its rules read, every block's key computed: what the shortcuts must answer."""
    from cleaners.duplicates import REPEAT_LAYOUTS, STEP, _key, _repeats_title, _title_keys

    title_keys = _title_keys(title) if title else frozenset()
    seen, out = {}, []
    for i, block in enumerate(blocks):
        key = _key(block.text)
        repeat = _repeats_title(block, key, title, title_keys) if block.kept else None
        if repeat is not None:
            block = block.drop(STEP, Reason.DUPLICATE, rule="repeats_title", **repeat)
        elif block.kept and layout in REPEAT_LAYOUTS and key in seen and len(key.split()) >= min_repeat_words:
            block = block.drop(STEP, Reason.DUPLICATE, rule="repeats_block", first_index=seen[key])
        elif block.kept:
            seen[key] = i
        out.append(block)
    return out


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["Big News", "big  news", "- Big News", "STRASSE news", "Straße News", "ﬁne",
                                           "fine", "one two three", "One two three", "x", "Storm hits the coast",
                                           "Storm hits the old coast"]),
                          st.sampled_from([BlockType.PARAGRAPH, BlockType.HEADING])), max_size=8),
       st.sampled_from([None, "Big news", "Straße news", "fine", "one two three", "Opinion | Storm hits the coast",
                        "Storm hits the coast - The Herald"]),
       st.sampled_from([1, 2, 3]), st.sampled_from(["text", "html"]))
def test_the_blocks_left_unkeyed_change_nothing(texts, title, min_repeat_words, layout):
    blocks = [Block(text, kind) for text, kind in texts]
    assert mark_duplicates(blocks, title, min_repeat_words, layout) == _marked_keying_every_block(
        blocks, title, min_repeat_words, layout)


def test_key_is_the_marker_cut_folded_and_single_spaced_text():
    """_key's shortcuts (no marker cut unless the line can open with one, no split when already
    single-spaced) give what cutting, folding and re-spacing every line gives."""
    import random

    from cleaners.duplicates import _key, _single_spaced
    from cleaners.types import LIST_MARKER

    rng = random.Random(0)
    pieces = ["a", "B", "ß", " ", "  ", "\t", "\u00a0", "\u2009", "-", "•", "1.", "12)", "٣.", "x", "İ", "\n", "“", "\u200b", "\x85", "\u2028",
              "\x0b", "\x1f", "\x00", "\r", "\x1c", "\x0c", "\x7f"]
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _key(text) == " ".join(LIST_MARKER.sub("", text, count=1).casefold().split()), repr(text)
        if _single_spaced(text):
            assert " ".join(text.split()) == text, repr(text)


def test_candidates_are_the_blocks_the_one_by_one_loop_looked_at():
    """_candidates leaves out exactly the blocks the loop used to step over one by one: short
    ones that are no heading and whose key is shorter than the title's (or any short one without a title)."""
    from cleaners.duplicates import _candidates, _key_shorter_than
    from cleaners.types import Block, BlockType

    texts = ["Home", "Straße", "A line long enough to be a repeat of one", "Big News Today", "", "x" * 60]
    blocks = [Block(text, kind) for text in texts for kind in (BlockType.PARAGRAPH, BlockType.HEADING)]
    for shortest in (None, 20, 49):
        for title_key in (None, "", "big news today", "a much longer title key than any of these lines here"):
            skipped = [not (shortest is not None and len(b.text) >= shortest)
                       and (title_key is None or (b.type is not BlockType.HEADING
                                                  and _key_shorter_than(b.text, len(title_key)))) for b in blocks]
            assert _candidates(blocks, shortest, title_key) == [i for i, skip in enumerate(skipped) if not skip]


def test_case_folding_neither_makes_nor_takes_a_space():
    """What _key_words relies on, checked against every character: a space folds to spaces, any
    other character to one or more characters none of which is a space."""
    for code in range(0x110000):
        char = chr(code)
        folded = char.casefold()
        assert folded and (folded.isspace() if char.isspace() else not any(map(str.isspace, folded))), code


def test_key_words_are_the_words_of_the_key():
    """_key_words (the text's count, its list marker aside) is the word count of _key, on random lines."""
    import random

    from cleaners.duplicates import _key, _key_words

    rng = random.Random(1)
    pieces = ["a", "B", "ß", " ", "  ", "\t", "\u00a0", "\u2009", "-", "•", "1.", "12)", "1234.", "٣.", "x", "İ", "\n", "“",
              "\u200b", "\x85", "\u2028", "\x0b", "\x1f", "\x00", "\r", "ﬁ", "--", "ŉ", "\u1680"]
    for _ in range(30_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        assert _key_words(text) == len(_key(text).split()), repr(text)
