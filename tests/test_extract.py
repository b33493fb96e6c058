"""cleaners.extract: plain text by lines (title line, headings, list items, wrapped lines)
and HTML through trafilatura (block types, title, metadata)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trafilatura.metadata
import trafilatura.utils

from cleaners.extract import (
    title_before_content,
    ExtractConfig, extract_html, extract_text, looks_like_heading, paragraph_chunks, page_metadata,
)
from cleaners.types import BlockType

P = BlockType.PARAGRAPH
H = BlockType.HEADING
L = BlockType.LIST_ITEM

BIKE_LANES = """City Council Approves New Bike Lanes for Downtown

The city council voted 7-2 on Tuesday to approve a network of protected bike lanes across downtown, ending a debate that lasted more than two years.
Why the Vote Matters
Supporters say the lanes will reduce traffic deaths, which rose by a third last year according to the transport department's own figures.
- Main Street between 1st and 9th
- Harbor Road
1. First phase in spring
2) Second phase in autumn
• Third phase next year
The mayor, who had pushed for the plan since her election, called it
a turning point for the city and thanked residents for their patience.
"""


def _shape(extracted):
    return [(b.type, b.text) for b in extracted.blocks]


# --- plain text ------------------------------------------------------------------------


def test_plain_text_title_headings_lists_and_wrapped_lines():
    ex = extract_text(BIKE_LANES)
    assert ex.title == "City Council Approves New Bike Lanes for Downtown"
    assert ex.metadata == {}
    assert _shape(ex) == [
        (P, "The city council voted 7-2 on Tuesday to approve a network of protected bike lanes across downtown, "
            "ending a debate that lasted more than two years."),
        (H, "Why the Vote Matters"),
        (P, "Supporters say the lanes will reduce traffic deaths, which rose by a third last year according to the "
            "transport department's own figures."),
        (L, "- Main Street between 1st and 9th"),
        (L, "- Harbor Road"),
        (L, "1. First phase in spring"),
        (L, "2) Second phase in autumn"),
        (L, "• Third phase next year"),
        (P, "The mayor, who had pushed for the plan since her election, called it a turning point for the city and "
            "thanked residents for their patience."),
    ]


def test_no_title_when_the_next_line_is_not_a_real_paragraph():
    ex = extract_text("Harbor Bridge Reopens Today\nBy Maria Lopez\nShort line.")
    assert ex.title is None
    assert [b.text for b in ex.blocks] == ["Harbor Bridge Reopens Today", "By Maria Lopez", "Short line."]


def test_a_first_line_ending_a_sentence_is_not_a_title():
    first = "The bridge reopened on Monday."
    body = "Hundreds of commuters crossed it in the first hour, many of them cyclists who had spent two years taking a ferry."
    ex = extract_text(f"{first}\n{body}")
    assert ex.title is None
    assert [b.text for b in ex.blocks] == [first, body]


def test_title_min_next_words_is_configurable():
    text = "Harbor Bridge Reopens Today\nThe bridge carried traffic again on Monday morning."
    assert extract_text(text).title is None
    assert extract_text(text, ExtractConfig(title_min_next_words=5)).title == "Harbor Bridge Reopens Today"


def test_german_and_french_text_keep_their_letters_and_headings():
    de = ("Neue Radwege für die Innenstadt\n\n"
          "Der Stadtrat hat am Dienstag mit großer Mehrheit ein Netz geschützter Radwege in der Innenstadt beschlossen, "
          "nach mehr als zwei Jahren Debatte.\n"
          "Was sich jetzt ändert\n"
          "Die ersten Abschnitte sollen im Frühjahr fertig werden, teilte die Stadtverwaltung mit, und weitere Straßen folgen im Herbst.")
    ex = extract_text(de)
    assert ex.title == "Neue Radwege für die Innenstadt"
    assert [b.type for b in ex.blocks] == [P, H, P]
    assert ex.blocks[1].text == "Was sich jetzt ändert"
    fr = "Le café était très bon.\n« Déjà vu », a-t-il déclaré à Noël."
    assert [b.text for b in extract_text(fr).blocks] == ["Le café était très bon.", "« Déjà vu », a-t-il déclaré à Noël."]


def test_crlf_tabs_nbsp_and_control_characters_are_normalised():
    ex = extract_text("First\tline\x00 here,\u00a0ok.\r\nSecond   line.\r\n\r\n")
    assert [b.text for b in ex.blocks] == ["First line here, ok.", "Second line."]


def test_a_lowercase_line_after_a_finished_sentence_is_not_joined():
    ex = extract_text("The council met on Tuesday and voted on the plan.\niPhone sales were not discussed at all, officials said.")
    assert len(ex.blocks) == 2


def test_title_is_not_joined_with_a_paragraph_starting_in_lower_case():
    title = "Apple Unveils Cheaper Model With Bigger Screen and Better Camera"
    body = ("iPhone 16e goes on sale on Friday in 40 countries, the company said on Wednesday, priced at 599 dollars "
            "in the United States and slightly more in Europe.")
    ex = extract_text(f"{title}\n{body}")
    assert ex.title == title
    assert [b.text for b in ex.blocks] == [body]


HEADLINE = "Council Approves New Budget For Schools"
STORY = ("The city council approved the new budget on Tuesday after a long debate about schools, roads and the "
         "future of the public library in the old town centre.")


def test_text_laid_out_like_the_pipelines_output_keeps_its_first_line():
    """One line per block, blank lines between: a section heading on top stays a heading in the text."""
    ex = extract_text(f"{HEADLINE}\n\n{STORY}\n\n{STORY}")
    assert ex.title is None
    assert _shape(ex) == [(H, HEADLINE), (P, STORY), (P, STORY)]


@pytest.mark.parametrize("text", [
    f"{HEADLINE}\n{STORY}\n\n{STORY}",  # the title right above the story
    f"{HEADLINE}\n\n{STORY}\nMore from the council\n{STORY}",  # lines side by side further down
    f"{HEADLINE}\n\nThe city council approved the new budget on Tuesday after a long debate\n"
    f"about schools, roads and the future of the public library in the old town centre.",  # hard-wrapped
])
def test_a_title_line_above_scraped_or_typed_text_is_the_title(text):
    ex = extract_text(text)
    assert ex.title == HEADLINE
    assert ex.blocks[0].text == STORY


@pytest.mark.parametrize("text, expected", [
    ("one\n\ntwo\n\n\nthree\n", [["one"], ["two"], ["three"]]),
    ("one", [["one"]]),
    ("one\n \u00a0\ntwo", [["one"], ["two"]]),  # a line of spaces is blank
    ("one\ntwo", None),
    ("one\r\ntwo", None),
    ("Scores\n\n| Team | Points |\n| Aces | 4 |\n\nA closing line.",
     [["Scores"], ["| Team | Points |", "| Aces | 4 |"], ["A closing line."]]),
    ("Calendar\n\n| February 2020 |\n| Su | Mo |\n| | 1 |", [["Calendar"], ["| February 2020 |", "| Su | Mo |", "| | 1 |"]]),
    ("| Team | Points |\nAces | 4", None),  # a line that is no row
    ("Team | Points\nAces | 4", None),
])
def test_paragraph_chunks_reads_the_pipelines_own_layout(text, expected):
    assert paragraph_chunks(text) == expected


def test_text_in_the_pipelines_layout_is_taken_as_cut_into_blocks():
    """No title, a table block per chunk of rows, list items by their marker: as the pipeline wrote them."""
    ex = extract_text(f"{HEADLINE}\n\n{STORY}\n\n| Team | Points |\n| Aces | 4 |\n\n- bread\n\n- milk")
    assert ex.segmented and ex.title is None
    assert [b.type.value for b in ex.blocks] == ["heading", "paragraph", "table", "list_item", "list_item"]
    assert ex.blocks[2].text == "| Team | Points |\n| Aces | 4 |"
    assert not extract_text(f"{HEADLINE}\n{STORY}").segmented


def test_empty_text_has_no_blocks():
    assert extract_text("").blocks == ()
    assert extract_text("\n \n\t\n").blocks == ()


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Soundtrack to the Soul: Carson and Galitzine’s Musical Magic", True),
        ("Why the Vote Matters", True),
        ("It is the anthem we needed.", False),
        ("Is this the end?", False),
        ("Read the full story...", False),
        ("", False),
    ],
)
def test_looks_like_heading(line, expected):
    assert looks_like_heading(line) is expected


def test_heading_max_words():
    line = " ".join(["word"] * 10)
    assert looks_like_heading(line, max_words=10)
    assert not looks_like_heading(line, max_words=9)


# --- HTML --------------------------------------------------------------------------------

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
<table><tr><td>Year</td><td>Cost</td></tr><tr><td>2022</td><td>$40m</td></tr><tr><td>2023</td><td>$55m</td></tr></table>
<p>The repair cost about $95 million, slightly under the budget approved by the council in 2021, and the work finished three weeks ahead of schedule despite a wet winter.</p>
</article>
<footer><p>© 2024 The Coastal Herald. All rights reserved.</p></footer>
</body></html>
"""


@pytest.fixture(scope="module")
def page():
    return extract_html(PAGE)


def test_html_title_and_metadata(page):
    assert page.title == "Harbor Bridge Reopens After Two-Year Repair"
    assert page.metadata == {
        "author": "Maria Lopez",
        "date": "2024-03-11",
        "sitename": "The Coastal Herald",
        "description": "The Harbor Bridge carried traffic again on Monday after a two-year repair.",
        "tags": ["bridge", "transport"],
    }


def test_html_block_types_in_order(page):
    assert [b.type.value for b in page.blocks] == [
        "heading", "paragraph", "heading", "paragraph", "list_item", "list_item", "quote", "table", "paragraph",
    ]
    assert page.blocks[6].text == "“We waited a long time for this morning, and it was worth it,” said one cyclist, Ana Ruiz."
    assert page.blocks[7].text == "| Year | Cost |\n| 2022 | $40m |\n| 2023 | $55m |"


def test_html_navigation_and_footer_are_not_main_text(page):
    texts = [b.text for b in page.blocks]
    assert "Home" not in texts
    assert not any("All rights reserved" in t for t in texts)


def test_html_tables_can_be_left_out():
    ex = extract_html(PAGE, ExtractConfig(include_tables=False))
    assert BlockType.TABLE not in [b.type for b in ex.blocks]
    assert any(b.text.startswith("The repair cost about $95 million") for b in ex.blocks)


def test_html_canonical_url_and_section_become_metadata():
    page = PAGE.replace(
        '<meta name="keywords" content="bridge, transport">',
        '<link rel="canonical" href="https://coastalherald.example/2024/bridge"><meta property="article:section" content="Local">',
    )
    meta = extract_html(page).metadata
    assert meta["url"] == "https://coastalherald.example/2024/bridge"
    assert meta["hostname"] == "coastalherald.example"
    assert meta["categories"] == ["Local"]
    assert "tags" not in meta


DECLARED = ("title", "date", "url", "hostname", "sitename", "description", "tags", "categories", "author")


@pytest.mark.parametrize("page_html", [PAGE, PAGE.replace(
    '<meta name="keywords" content="bridge, transport">',
    '<link rel="canonical" href="https://coastalherald.example/2024/bridge"><meta property="article:section" content="Local">'
)])
def test_page_metadata_equals_trafilaturas_on_what_the_head_declares(page_html):
    """The cheap metadata is trafilatura's own for declared fields (guards against a trafilatura upgrade)."""
    tree = trafilatura.utils.load_html(page_html)
    fast, full = page_metadata(tree), trafilatura.metadata.extract_metadata(tree)
    assert {f: getattr(fast, f) for f in DECLARED} == {f: getattr(full, f) for f in DECLARED}
    assert fast.title == "Harbor Bridge Reopens After Two-Year Repair" and fast.date == "2024-03-11"


BYLINE_PAGE = (
    "<html><head><title>Harbor Bridge Reopens</title></head><body><article><h1>Harbor Bridge Reopens</h1>"
    '<div class="byline"><span class="author">Maria Lopez</span></div><p>Published on 11 March 2024</p><p>'
    + "The bridge reopened to traffic after a long repair of its cables and deck. " * 6
    + "</p></article></body></html>"
)


def test_byline_author_and_dates_in_the_text_need_full_metadata():
    """The costly searches of the page body (author byline, date-like strings) run only with full_metadata."""
    fast = extract_html(BYLINE_PAGE)
    full = extract_html(BYLINE_PAGE, ExtractConfig(full_metadata=True))
    assert fast.metadata == {}
    assert full.metadata == {"author": "Maria Lopez", "date": "2024-03-11"}
    assert fast.blocks == full.blocks and fast.title == full.title == "Harbor Bridge Reopens"


@pytest.mark.parametrize(
    "html",
    ["", "<html><body><div></div></body></html>", "<html><body><script>var x = 1;</script></body></html>"],
)
def test_html_without_text_has_no_blocks(html):
    ex = extract_html(html)
    assert ex.blocks == ()
    assert ex.title is None


def test_wrapper_divs_and_layout_tables_are_opened_into_their_paragraphs():
    """trafilatura's fallback extractors hand back the page's wrapper divs, and layout tables
    keep their one row: each paragraph inside is still a block of its own."""
    from lxml import etree

    from cleaners.extract import _body_blocks

    body = etree.fromstring("<body><div><div><p>First paragraph.</p><p>Second one.</p></div>"
                            "<div>Loose <hi>inline</hi> text.<list><item>An item</item></list></div></div></body>")
    assert [(b.text, b.type.value) for b in _body_blocks(body)] == [
        ("First paragraph.", "paragraph"), ("Second one.", "paragraph"),
        ("Loose inline text.", "paragraph"), ("An item", "list_item")]
    story = "The council approved the new budget on Tuesday after a long debate about the schools. "
    layout = (f"<html><body><table><tr><td><p>{story * 3}</p><p>{story.upper() * 2}</p></td></tr></table>"
              f"</body></html>")
    blocks = extract_html(layout).blocks
    assert len(blocks) == 2 and all(" | " not in b.text for b in blocks)


def test_normalize_space_collapses_exactly_the_runs_of_spaces():
    import random

    from cleaners.extract import _SPACES, _normalize_space

    pieces = ["a", "Bc", " ", "  ", "\u00a0", "\u2003", "\u200b", "\u202f", "\u3000", "\n", "\t", "é", "—"]
    rnd = random.Random(6)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(20000)]
    assert all(_normalize_space(t) == _SPACES.sub(" ", t).strip() for t in texts)


def _spans_page(story_repeats: int) -> str:
    """A story in spans under one short paragraph: trafilatura's own extractor (fast mode) returns
    it as one block; its comparison with readability and jusText returns the paragraph with the
    story as loose text beside it (two blocks)."""
    story = "The harbor bridge reopened on Monday after two years of repairs, and commuters crowded its lanes. "
    return ("<html><body><p>Teaser one line.</p><section><span>"
            + "</span><br><span>".join([story * story_repeats] * 6) + "</span></section></body></html>")


def _texts(page: str, config: ExtractConfig) -> list[str]:
    return [b.text for b in extract_html(page, config).blocks]


def test_the_comparison_with_fallback_extractors_runs_only_when_fast_mode_finds_little():
    always = ExtractConfig(compare_below_chars=None)
    fast = ExtractConfig(fast=True)
    by_length = ExtractConfig(compare_one_block=False)  # fast mode reads both pages as one block: the length alone
    short, long = _spans_page(1), _spans_page(3)
    assert len(_texts(short, always)) == len(_texts(long, always)) == 2
    assert _texts(short, always)[0] == "Teaser one line." and "harbor bridge" in _texts(short, always)[1]
    assert len(_texts(short, fast)) == len(_texts(long, fast)) == 1
    assert 500 < len(" ".join(_texts(short, fast))) < ExtractConfig().compare_below_chars < len(" ".join(_texts(long, fast)))
    # default: fast mode's ~600 characters are too few, so the page is extracted again with the comparison...
    assert _texts(short, by_length) == _texts(short, always)
    # ...while its ~1,800 characters on the longer page are kept as they are
    assert _texts(long, by_length) == _texts(long, fast)
    # clean --fast never compares
    assert _texts(short, fast) != _texts(short, always)


def test_a_line_a_rule_dropped_above_the_body_is_no_headline():
    """The headline of a dump sits above its body, among lines the window left out; a share
    bar there was named by its rule and is never the title."""
    from cleaners.types import Block, Reason

    def outside(text):
        return Block(text).drop("boilerplate", Reason.BOILERPLATE, rule="outside_main_content")

    lines = [outside("Star Wars Jedi: Fallen Order review – shoots for the moon, lands among the stars"),
             Block("Share on: Facebook Twitter Reddit Google+").drop("boilerplate", Reason.BOILERPLATE, rule="share"),
             Block("Even if its core components are owed to other games, it is a fine game.")]
    assert title_before_content(lines, 2) == 0


def test_an_author_box_heading_above_the_body_is_no_headline():
    from cleaners.types import Block, Reason

    def outside(text):
        return Block(text).drop("boilerplate", Reason.BOILERPLATE, rule="outside_main_content")

    lines = [outside("The Impeachment Clock Is Ticking for Adam Schiff"), outside("About Victor Davis Hanson"),
             outside("Victor Davis Hanson is a senior fellow at the Hoover Institution."),
             Block("House Intelligence Committee chairman Adam Schiff spoke on Tuesday in Washington.")]
    assert title_before_content(lines, 3) == 0


def test_fast_mode_reading_the_page_as_one_block_is_compared_again():
    always = ExtractConfig(compare_below_chars=None)
    fast = ExtractConfig(fast=True)
    flattened = _spans_page(6)  # fast mode: the teaser and ~3,600 characters of story in one block
    (one_block,) = _texts(flattened, fast)
    assert len(one_block) > ExtractConfig().compare_below_chars  # enough characters: only the one block tells
    assert len(_texts(flattened, always)) == 2
    assert _texts(flattened, ExtractConfig()) == _texts(flattened, always)
    # without the one-block rule, enough characters are enough
    assert _texts(flattened, ExtractConfig(compare_one_block=False)) == _texts(flattened, fast)


def test_a_long_page_of_several_blocks_is_not_compared_again(monkeypatch):
    import cleaners.extract as extract

    calls = []
    real = extract._bare_extraction
    monkeypatch.setattr(extract, "_bare_extraction", lambda tree, config, fast: calls.append(fast) or real(tree, config, fast))
    page = "<html><body><article>" + "<p>" + "A sentence of the long story goes on here. " * 15 + "</p>" * 1 + \
        "<p>" + "Another paragraph of the same story follows it. " * 15 + "</p></article></body></html>"
    assert len(extract_html(page).blocks) == 2
    assert calls == [True]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab “ \u00a0\u2000\u2009\u200b\u202f\u205f\u3000\u2028\t")), max_size=12))
def test_normalize_space_collapses_only_when_a_double_or_other_space_is_there(text):
    """The look for a double " " or another space skips no replacement: the same text as
    replacing every run of spaces."""
    from cleaners.extract import _SPACES, _normalize_space

    assert _normalize_space(text) == _SPACES.sub(" ", text).strip()


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("a \n\r\t\x85\u2028")), max_size=12))
def test_lines_of_reads_what_stringio_reads(text):
    """paragraph_chunks' line reader gives the lines io.StringIO(text, newline="\\n") reads,
    their "\\n" removed: parted at "\\n" alone, no empty last line."""
    import io

    from cleaners.extract import _lines_of

    assert list(_lines_of(text)) == [raw.removesuffix("\n") for raw in io.StringIO(text, newline="\n")]


_LINE_PARTS = ["Local News", "The council approved the new budget on Tuesday after a long debate about it.",
               "- bread", "3. Stir", "Sports", "It ended.", "A Short Story Title Here", "word " * 13, "word " * 26,
               "Loading...", "“Quoted headline”", " - indented item", "٣. Arabic-Indic digit", "-"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_LINE_PARTS), max_size=8), st.sampled_from([25, 3, 12, 40]))
def test_line_types_are_classify_line_with_the_line_below(lines, heading_max_words):
    """extract_text types every line at once (each line's heading words counted once): the
    types classify_line gives each line with the line below it, whatever the word limit."""
    from cleaners.extract import ExtractConfig, _line_types, classify_line

    config = ExtractConfig(heading_max_words=heading_max_words)
    lines = [line.strip() for line in lines]
    below = [*lines[1:], None]
    assert _line_types(lines, config) == [classify_line(line, after, config) for line, after in zip(lines, below)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_LINE_PARTS + ["", "  Indented line  ", "Ends with a mark;", "x" * 4001 + " y",
                                               "word " * 1000]), max_size=8),
       st.sampled_from([25, 3, 12, 1]))
def test_all_heading_words_are_heading_words_of_each_line(lines, max_words):
    """_all_heading_words is _heading_words of each line, at any word limit."""
    from cleaners.extract import _all_heading_words, _heading_words

    assert _all_heading_words(lines, max_words) == [_heading_words(line, max_words) for line in lines]


def _text_lines_one_by_one(text):
    """_text_lines as it was written before: each line normalized, then joined to the line above when it continues it."""
    from cleaners.extract import _continues, _has_spaces_to_collapse, _normalize_space

    lines = []
    normalize = _normalize_space if _has_spaces_to_collapse(text) else str.strip
    for raw in text.split("\n"):
        line = normalize(raw)
        if line and lines and lines[-1] and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


_WRAP_PARTS = ["The council approved the new budget on Tuesday after a long", "debate about the schools and roads",
               "and then it ended", "Local News", "", "  ", "ÉCOLE", "éte a b c d e f", "A Title Cased Line Of Words Here",
               "It ended.", "x", "- bread", "word  word"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_WRAP_PARTS), max_size=10))
def test_text_lines_join_wrapped_lines_as_line_by_line(parts):
    """_text_lines, taking the lines between two lower-case starts a slice at a time, gives the
    lines the line-by-line reading gives, continuations (also of a continued line) joined."""
    from cleaners.extract import _text_lines

    text = "\n".join(parts)
    assert _text_lines(text) == _text_lines_one_by_one(text)


_BODY = "<body><p>The bridge reopened to traffic after a long repair.</p></body></html>"
#: Pages that parse directly (plain, doctype, indented) and pages trafilatura's load_html repairs or
#: handles apart: an XHTML doctype it removes, a doctype without a line break, a self-closing <html/>,
#: characters XML forbids (C0 controls, U+FFFE), an encoding declaration lxml refuses in a str, a
#: fragment without "html" in its beginning, one parsing to a lone element, text with no markup.
_LOAD_HTML_PAGES = [
    "<html><head><title>T</title></head>" + _BODY,
    "<!DOCTYPE html>\n<html lang='en'>\n\t<head><title>T</title></head>\n" + _BODY,
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html>' + _BODY,
    "<!DOCTYPE html><html>" + _BODY,
    '<html xmlns="http://www.w3.org/1999/xhtml"/>\n<head><title>T</title></head>' + _BODY,
    "<html><head><title>T\x0b\x01</title></head>" + _BODY.replace("long", "long\ufffe\x1f"),
    '<?xml version="1.0" encoding="utf-8"?>\n<html>' + _BODY,
    "<p>Only a paragraph.</p>",
    "<div><p>One.</p><p>Two.</p></div><p>Three.</p>",
    "Just words, no markup at all.",
    "<html>\u00a0\u200b“Déjà vu” — Москва" + _BODY,
]


@pytest.mark.parametrize("page", _LOAD_HTML_PAGES)
def test_parse_html_gives_trafilaturas_load_html_tree(page):
    """_parse_html parses directly only what load_html would parse unchanged: the same tree always."""
    from lxml import etree
    from cleaners.extract import _parse_html

    ours, theirs = _parse_html(page), trafilatura.utils.load_html(page)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert etree.tostring(ours.getroottree()) == etree.tostring(theirs.getroottree())
        assert ours.tag == theirs.tag


def test_needs_repair_on_the_pages_load_html_changes():
    from cleaners.extract import _needs_repair

    repaired = [page for page in _LOAD_HTML_PAGES
                if trafilatura.utils.repair_faulty_html(page, page[:50].lower()) != page]
    assert len(repaired) == 4
    assert [page for page in _LOAD_HTML_PAGES if _needs_repair(page, page[:50].lower())] == repaired


def test_invalid_xml_chars_found_as_trafilaturas_pattern_finds_them_for_every_character():
    """_has_invalid_xml_chars (UTF-8 bytes) agrees with trafilatura's INVALID_XML_CHARS: one by one
    where that finds any (below U+0020, U+FFF0-U+FFFF), by blocks of 4096 elsewhere."""
    from cleaners.extract import _has_invalid_xml_chars

    pattern = trafilatura.utils.INVALID_XML_CHARS
    for code in [*range(0x100), *range(0xFFF0, 0x10000)]:
        char = chr(code)
        assert _has_invalid_xml_chars(f"a{char}b") == bool(pattern.search(char)), hex(code)
    for start in range(0x100, 0x110000, 4096):
        block = "".join(chr(code) for code in range(start, min(start + 4096, 0x110000)) if not 0xFFF0 <= code <= 0xFFFF)
        assert not _has_invalid_xml_chars(block) and not pattern.search(block), hex(start)


#: Pages with heads where a page may have them: two heads, a head in the body, in an <svg>, a
#: <template>, a table, before <html>, after </html>, in a fragment; meta tags, links and titles in each.
_HEAD_META = ('<meta property="og:title" content="{0} OG"><meta property="og:site_name" content="{0} Site">'
              '<meta name="author" content="{0} Author Name"><meta property="article:section" content="{0} Section">'
              '<meta name="subject" content="{0} Subject"><meta name="keywords" content="{0}, key">'
              '<link rel="canonical" href="/{0}/page"><meta property="og:url" content="https://{0}.example/x">'
              '<title>{0} Headline - {0}.example</title>')
_HEAD_PAGES = [
    f"<html><head>{_HEAD_META.format('one')}</head><head>{_HEAD_META.format('two')}</head><body><p>Text.</p></body></html>",
    f"<html><head></head><body><div><head>{_HEAD_META.format('body')}</head></div><p>Text.</p></body></html>",
    f"<html><body><svg><head>{_HEAD_META.format('svg')}</head></svg><template><head>{_HEAD_META.format('tpl')}</head></template></body></html>",
    f"<html><body><table><tr><td><head>{_HEAD_META.format('cell')}</head></td></tr></table></body></html>",
    f"<head>{_HEAD_META.format('before')}</head><html><head>{_HEAD_META.format('in')}</head><body><p>T.</p></body></html>",
    f"<html><head>{_HEAD_META.format('in')}</head><body><p>T.</p></body></html><head>{_HEAD_META.format('after')}</head>",
    f"<p>Fragment.</p><head>{_HEAD_META.format('frag')}</head><p>More.</p>",
    f"<div><p>Lone element.</p><head>{_HEAD_META.format('lone')}</head></div>",
]


@pytest.mark.parametrize("page_html", _HEAD_PAGES)
def test_the_parser_puts_heads_only_under_the_root(page_html):
    """What _meta_sections relies on: every <head> of a parsed page is a child of its root (libxml2 drops a misplaced one)."""
    from cleaners.extract import _parse_html

    tree = _parse_html(page_html)
    assert [head.getparent() for head in tree.iter("head")] == [tree] * len(tree.findall("head"))


@pytest.mark.parametrize("page_html", _HEAD_PAGES + [PAGE])
def test_meta_sections_looks_through_the_heads_what_a_look_through_the_page_finds(page_html):
    """_meta_sections reads the root's head children: the values of `.//head//meta` on the whole page."""
    from cleaners.extract import _meta_sections, _parse_html

    tree = _parse_html(page_html)
    on_page = tree.xpath('.//head//meta[@property="article:section" or contains(@name, "subject")]/@content')
    assert _meta_sections(tree) == [v for v in dict.fromkeys(trafilatura.utils.line_processing(str(v)) for v in on_page) if v]


def test_page_metadata_reads_every_head():
    meta = page_metadata(trafilatura.utils.load_html(_HEAD_PAGES[0]))
    assert (meta.title, meta.sitename, meta.url, meta.author) == ("two OG", "Two Site", "https://two.example/x", "One Author Name; Two Author Name")
    assert (meta.categories, meta.tags) == (["one Section", "one Subject", "two Section", "two Subject"], ["one, key", "two, key"])


def _options(extractor):
    return {name: getattr(extractor, name) for name in type(extractor).__slots__}


@pytest.mark.parametrize("config", [ExtractConfig(), ExtractConfig(include_tables=False),
                                    ExtractConfig(favor_precision=True, include_comments=True)])
@pytest.mark.parametrize("fast", [True, False])
def test_the_options_built_once_are_those_of_bare_extractions_keywords_and_stay_unchanged(config, fast):
    """_bare_extraction's options, built once per config, extract what bare_extraction's keywords do;
    trafilatura leaves them as they were."""
    from lxml import etree
    from cleaners.extract import _bare_extraction, _extractor, _parse_html

    before = _options(_extractor(config, fast))
    page = PAGE.replace("<footer>", "<div class='comments'><p>" + "A reader's comment on the bridge. " * 5 + "</p></div><footer>")
    for html in (page, "<html><body><p>Short.</p></body></html>"):
        ours = _bare_extraction(_parse_html(html), config, fast)
        theirs = trafilatura.bare_extraction(
            _parse_html(html), output_format="txt", with_metadata=False, include_comments=config.include_comments,
            include_tables=config.include_tables, favor_precision=config.favor_precision, fast=fast, deduplicate=False)
        assert (ours is None) == (theirs is None)
        if ours is not None:
            assert etree.tostring(ours.body) == etree.tostring(theirs.body)
    assert _options(_extractor(config, fast)) == before


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(["a", "B", " ", "\n", "\t", "\r", "\x00", "\x1b", "\x7f", "\x85", "é", "&", "."]),
               max_size=60))
def test_extract_text_blocks_hold_no_control_characters_but_line_feed(text):
    """extract_text says its blocks are control_free: none holds an ASCII control character but
    a line break (what needs_ftfy_in_any then does not look for)."""
    from cleaners.extract import extract_text

    extracted = extract_text(text)
    assert extracted.control_free
    for block in extracted.blocks:
        assert not any(ord(char) < 0x20 and char != "\n" or char == "\x7f" for char in block.text)
