"""Repeated blocks: a body heading that repeats the title, or (in a plain-text dump) a block seen
earlier in the article.

>>> from cleaners.types import Block
>>> marked = mark_duplicates([Block("Big News"), Block("Body text."), Block("Body text.")], title="Big news", min_repeat_words=2)
>>> [b.decision.evidence["rule"] if b.decision else "kept" for b in marked]
['repeats_title', 'kept', 'repeats_block']
"""

from __future__ import annotations

import collections
import re
import unicodedata
from typing import Final, Iterable

from .types import LIST_MARKER, Block, BlockType, Reason, may_open_with_list_marker, word_count

__all__ = ["mark_duplicates", "mark_page_address"]

STEP: Final = "duplicates"


def _key(text: str) -> str:
    """Case and spacing aside, and a list item's marker (the pipeline's output writes ``- ``).

    >>> _key("- Bread  AND butter "), _key("Straße 3")
    ('bread and butter', 'strasse 3')
    """
    if may_open_with_list_marker(text):  # else no marker to cut
        text = LIST_MARKER.sub("", text, count=1)
    folded = text.casefold()
    return folded if _single_spaced(folded) else " ".join(folded.split())


def _single_spaced(text: str) -> bool:
    """``text`` is surely as ``" ".join(text.split())`` leaves it (a line of a dump: already
    normalized): no space at either end, none doubled, and no other whitespace: in ASCII text,
    its bytes left as they are by :data:`_ASCII_WHITESPACE_TO_SPACE` (``bytes.translate``: a table
    look per byte, and the same bytes back when none changes); in other text, every character printable (the one printable whitespace
    character is " "; ``str.isprintable`` asks in C, ~30 instructions per character). False may
    also mean an unprintable character that is no whitespace: then the text is re-spaced anyway.

    >>> _single_spaced("a b c"), _single_spaced("a  b"), _single_spaced("a\\tb"), _single_spaced(" a"), _single_spaced("")
    (True, False, False, False, True)
    >>> _single_spaced("a\\x1fb"), _single_spaced("“a” b"), _single_spaced("a\\u2009b")
    (False, True, False)
    """
    if text.isascii():
        encoded = text.encode("ascii")
        only_spaces = encoded.translate(_ASCII_WHITESPACE_TO_SPACE) == encoded
    else:
        only_spaces = text.isprintable()
    return only_spaces and "  " not in text and text[:1] != " " and text[-1:] != " "


#: A ``bytes.translate`` table: each byte of an ASCII character ``str.split`` splits at (tab, line
#: breaks, form feed, the information separators ``\x1c``-``\x1f``, the space) made a space.
_ASCII_WHITESPACE_TO_SPACE: Final = bytes(0x20 if code < 128 and chr(code).isspace() else code for code in range(256))


#: What separates a page title from the site's name or section: "Story | Site", "Site - Story".
_SITE_SEPARATOR: Final = re.compile(r"\s+(?:[|·•:]{1,2}|[-–—]{1,2})\s+")
#: Typographic variants a heading and the page title may differ by: curly quotes, dashes.
_TYPOGRAPHY: Final = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_WORD: Final = re.compile(r"\w+")
#: A heading and the title whose words (case aside) overlap this much (Jaccard: about one word
#: in seven differs; "Calendário da Stock Car 2018" and "Calendário Stock Car 2018", 0.8, do not) are the same
#: headline ("Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS"
#: under the title "… | Anastassiades' light installation for FLOS")...
MIN_TITLE_SIMILARITY: Final = 0.85
#: ...when both have at least this many words.
MIN_TITLE_WORDS: Final = 4


def _title_keys(title: str) -> frozenset[str]:
    """The keys a block repeating ``title`` may have: the title's, and the title's without the
    site name or section at either end (cut at the first or last separator) when what is left
    has at least :data:`MIN_TITLE_WORDS` words (so never the site name alone).

    >>> sorted(_title_keys("Opinion | Is Football Violence a Crime?"))
    ['is football violence a crime?', 'opinion | is football violence a crime?']
    """
    typeset = unicodedata.normalize("NFKC", title).translate(_TYPOGRAPHY)
    separators = list(_SITE_SEPARATOR.finditer(typeset))
    cuts = {typeset}
    if separators:
        cuts.add(typeset[: separators[-1].start()])  # "Story - Site"
        cuts.add(typeset[separators[0].end():])  # "Section | Story"
    return frozenset(_key(cut) for cut in cuts if cut == typeset or len(_WORD.findall(cut)) >= MIN_TITLE_WORDS)


def _typeset_key(text: str) -> str:
    """:func:`_key` of ``text`` with its typography (NFKC, quotes, dashes) made plain."""
    return _key(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY))


def title_similarity(heading: str, title: str) -> float:
    """The Jaccard overlap of the two texts' words, case aside; 0.0 when either has fewer than
    :data:`MIN_TITLE_WORDS` words.

    >>> title_similarity("PolitiFact’s guide to understanding tariffs and international trade",
    ...                  "PolitiFact’s guide to understanding tariffs and trade")
    0.889
    """
    a, b = set(_WORD.findall(heading.casefold())), set(_WORD.findall(title.casefold()))
    if len(a) < MIN_TITLE_WORDS or len(b) < MIN_TITLE_WORDS:
        return 0.0
    return round(len(a & b) / len(a | b), 3)


def _repeats_title(block: Block, key: str, title: str | None, title_keys: frozenset[str],
                   title_key: str | None = None) -> dict | None:
    """The evidence that ``block`` (its :func:`_key` ``key``) repeats the title, or None: its text
    equals the title (``exact``; ``title_key``: the title's key, if already known), or a heading
    equals the title without its site name (``site_name_cut``) or shares nearly all its words
    (``words``, with the ``similarity``)."""
    if not title:
        return None
    if key == (title_key if title_key is not None else _key(title)):
        return {"match": "exact"}
    if block.type is not BlockType.HEADING:
        return None
    if _typeset_key(block.text) in title_keys:
        return {"match": "site_name_cut"}
    similarity = title_similarity(block.text, title)
    return {"match": "words", "similarity": similarity} if similarity >= MIN_TITLE_SIMILARITY else None


def _key_shorter_than(text: str, length: int) -> bool:
    """:func:`_key` of ``text`` is shorter than ``length``, seen from the text's length alone: the
    key only leaves out characters (a marker, spaces) and case folding makes one character at
    most three (one in ASCII).

    >>> _key_shorter_than("Home", 10), _key_shorter_than("Straße", 10), _key_shorter_than("A longer title here", 10)
    (True, False, False)
    """
    return len(text) * (1 if text.isascii() else 3) < length


#: Only blocks of at least this many words count as repeats of an earlier block: short
#: lines (interview questions, "See it on Amazon", recipe steps) legitimately recur.
MIN_REPEAT_WORDS: Final = 25

#: Layouts whose long repeats are dropped: a scraper's line dump repeats image captions,
#: cookie notices and teaser summaries. An HTML page's extracted text and text already cut
#: into paragraphs repeat only what the article itself repeats (a meal plan's recurring
#: entries; on the benchmark pages every HTML repeat was in the reference text).
REPEAT_LAYOUTS: Final = ("text",)


def mark_duplicates(blocks: Iterable[Block], title: str | None, min_repeat_words: int = MIN_REPEAT_WORDS,
                    layout: str = "text") -> list[Block]:
    """Mark blocks equal (case and spacing aside) to the title and, in the layouts of
    :data:`REPEAT_LAYOUTS`, long blocks equal to an earlier kept block.

    >>> meal = Block("Lunch: " + "one cup of rice with beans " * 5)
    >>> [b.kept for b in mark_duplicates([meal, Block("Day 2"), meal], None, layout="html")]
    [True, True, True]
    """
    drops_repeats = layout in REPEAT_LAYOUTS
    title_key = _key(title) if title else None
    title_keys = _title_keys(title) if title else frozenset()
    # min_repeat_words words take at least this many characters (a key has no more words than its
    # text): a shorter block can be no repeat nor be repeated
    shortest_repeat = 2 * min_repeat_words - 1 if drops_repeats else None
    seen: dict[str, int] = {}
    out = list(blocks)
    for i in _candidates(out, shortest_repeat, title_key, min_repeat_words):
        block = out[i]
        if block.decision is not None:
            continue  # a dropped block repeats nothing and is no first of a repeat
        key = _key(block.text)
        repeat = _repeats_title(block, key, title, title_keys, title_key) if title else None
        if repeat is not None:
            out[i] = block.drop(STEP, Reason.DUPLICATE, rule="repeats_title", **repeat)
        elif drops_repeats and key in seen and len(key.split()) >= min_repeat_words:
            out[i] = block.drop(STEP, Reason.DUPLICATE, rule="repeats_block", first_index=seen[key])
        else:
            seen[key] = i
    return out


def _candidates(blocks: list[Block], shortest_repeat: int | None, title_key: str | None,
                min_repeat_words: int = 0) -> list[int]:
    """The indexes, in order, of the blocks that may repeat the title or an earlier block: at least
    ``shortest_repeat`` characters long (None: no repeats looked for), or, with a title, a heading
    or a block whose key may be as long as the title's (:func:`_key_shorter_than`). Without a
    title (most text dumps) only the long blocks are looked at, not every block one by one, and of
    them only those of at least ``min_repeat_words`` words: a key has the words of its text, its
    list marker aside (case folding makes no space and takes none), so a block of fewer words is
    no repeat nor the first of one. Their words are counted as the boilerplate rules count them
    (:func:`~cleaners.types.word_count`, whose count is kept for them), not keyed, and of them
    only those whose key's word count another's shares (:func:`_sharing_key_words`).

    >>> blocks = [Block("Home"), Block("A line long enough to be a repeat of one"), Block("Big News", BlockType.HEADING),
    ...           Block("A LINE long enough to be a repeat of one")]
    >>> _candidates(blocks, 20, None), _candidates(blocks, None, "big news"), _candidates(blocks, None, None)
    ([1, 3], [1, 2, 3], [])
    >>> _candidates(blocks, 20, None, min_repeat_words=11), _candidates(blocks, 20, None, min_repeat_words=10)
    ([], [1, 3])
    >>> _candidates(blocks[:3], 20, None)  # no other of ten words: no repeat, nor the first of one
    []
    """
    if title_key is None:
        if shortest_repeat is None:
            return []
        long = [i for i, b in enumerate(blocks) if len(b.text) >= shortest_repeat and word_count(b.text) >= min_repeat_words]
        return _sharing_key_words(blocks, long)
    heading = BlockType.HEADING  # looked up once: an enum's member is a slow attribute
    return [i for i, block in enumerate(blocks)
            if (shortest_repeat is not None and len(block.text) >= shortest_repeat) or block.type is heading
            or not _key_shorter_than(block.text, len(title_key))]


def _key_words(text: str) -> int:
    """The words of :func:`_key` of ``text`` (``len(_key(text).split())``), told from the text's own
    count (:func:`~cleaners.types.word_count`, kept for the boilerplate rules) without keying it:
    case folding neither makes nor takes a space (tests/test_duplicates.py checks every code
    point), and a list marker (:data:`~cleaners.types.LIST_MARKER`) is one whole word.

    >>> [_key_words(text) == len(_key(text).split()) for text in ("- Bread  AND butter ", "Straße 3", "3. Step")]
    [True, True, True]
    """
    return word_count(text) - (1 if may_open_with_list_marker(text) and LIST_MARKER.match(text) else 0)


def _sharing_key_words(blocks: list[Block], indexes: list[int]) -> list[int]:
    """Those of ``indexes`` whose block's key has as many words (:func:`_key_words`) as another's:
    without a title a block is dropped only as a repeat of an earlier one (equal keys, so as many
    words) and kept as the first of a later one, so a block whose key's word count no other has
    is neither, and is not keyed (a case folding of its whole text).

    >>> blocks = [Block("one two three"), Block("- One two three"), Block("four five six seven")]
    >>> _sharing_key_words(blocks, [0, 1, 2])
    [0, 1]
    """
    counts = [_key_words(blocks[i].text) for i in indexes]
    shared = {count for count, times in collections.Counter(counts).items() if times > 1}
    return [i for i, count in zip(indexes, counts) if count in shared]


def _bare_address(url: str) -> str:
    """An address without its scheme, ``www.`` and trailing slash, case aside."""
    bare = url.strip().casefold()
    for prefix in ("https://", "http://", "www."):
        bare = bare.removeprefix(prefix)
    return bare.rstrip("/")


def mark_page_address(blocks: Iterable[Block], url: str | None) -> list[Block]:
    """Mark blocks that are the page's own address (its canonical URL, scheme, ``www.`` and a
    trailing slash aside): page metadata printed into the text, not a source the article links.

    >>> page = "https://www.example.com/news/bridge-reopens-123.php"
    >>> marked = mark_page_address([Block(page), Block("The bridge reopened."), Block("https://example.org/report")], page)
    >>> [b.decision.evidence["rule"] if b.decision else "kept" for b in marked]
    ['repeats_url', 'kept', 'kept']
    """
    blocks = list(blocks)
    if not url:
        return blocks
    address = _bare_address(url)
    if len(address) < 8:  # no page's own address is shorter than "a.co/x/y"
        return blocks
    return [block.drop(STEP, Reason.DUPLICATE, rule="repeats_url", url=url)
            if block.kept and len(block.text) < 2 * len(url) + 20 and _bare_address(block.text) == address else block
            for block in blocks]
