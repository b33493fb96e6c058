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
    # text): without a title to compare with, a shorter block can be no repeat nor be repeated
    shortest_repeat = 2 * min_repeat_words - 1
    seen: dict[str, int] = {}
    out = []
    for i, block in enumerate(blocks):
        if title_key is None and (not drops_repeats or len(block.text) < shortest_repeat):
            out.append(block)
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
