"""Repeated blocks: a body heading that repeats the title, or (in a plain-text dump) a block seen
earlier in the article.

>>> from cleaners.types import Block
>>> marked = mark_duplicates([Block("Big News"), Block("Body text."), Block("Body text.")], title="Big news", min_repeat_words=2)
>>> [b.decision.evidence["rule"] if b.decision else "kept" for b in marked]
['repeats_title', 'kept', 'repeats_block']
"""

from __future__ import annotations

from typing import Iterable

from .types import LIST_MARKER, Block, Reason

__all__ = ["mark_duplicates"]

STEP = "duplicates"


def _key(text: str) -> str:
    """Case and spacing aside, and a list item's marker (the pipeline's output writes ``- ``)."""
    return " ".join(LIST_MARKER.sub("", text, count=1).casefold().split())


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
MIN_REPEAT_WORDS = 25

#: Layouts whose long repeats are dropped: a scraper's line dump repeats image captions,
#: cookie notices and teaser summaries. An HTML page's extracted text and text already cut
#: into paragraphs repeat only what the article itself repeats (a meal plan's recurring
#: entries; on the benchmark pages every HTML repeat was in the reference text).
REPEAT_LAYOUTS = ("text",)


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
    # min_repeat_words words take at least this many characters (a key has no more words than its
    # text): a shorter block can be no repeat nor be repeated
    shortest_repeat = 2 * min_repeat_words - 1 if drops_repeats else None
    seen: dict[str, int] = {}
    out = []
    for i, block in enumerate(blocks):
        repeatable = shortest_repeat is not None and len(block.text) >= shortest_repeat
        if not repeatable and (title_key is None or _key_shorter_than(block.text, len(title_key))):
            out.append(block)  # no repeat, and no key as long as the title's
            continue
        key = _key(block.text)
        kept = block.decision is None
        if kept and key == title_key:
            block = block.drop(STEP, Reason.DUPLICATE, rule="repeats_title")
        elif kept and drops_repeats and key in seen and len(key.split()) >= min_repeat_words:
            block = block.drop(STEP, Reason.DUPLICATE, rule="repeats_block", first_index=seen[key])
        elif kept:
            seen[key] = i
        out.append(block)
    return out
