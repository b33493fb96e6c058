"""Blocks unrelated to the article's subject, at its edges.

Each judged block gets a topical score: the share of its content words (not
stopwords, at least three letters) that also occur in the article's core (the
middle of its kept blocks), each word weighted by how specific it is in the
document's language (wordfreq's word frequencies: "said" or "year" count next
to nothing, a name or a technical term counts most), so an unrelated story does
not look related for sharing the common words of all news. A run of low-scoring blocks at the tail of the
article (and, in a scraper's text dump, at its head) is off-topic: appended
stories, "also read" links, promotions.
Blocks in the middle are never judged off-topic, so the article's own sections
survive even when they change subject. An article whose core paragraphs share
almost nothing with one another is not judged at all: it has no subject to
stray from.

Calendar words ("Monday", "November", "week") are not content words: every news story has
them, so an appended lead dated "on Monday" does not look related to an article that mentions
its Monday too. A run ends before the blocks at its inner end that refer back to the article
(:func:`cohesion`), unless such a block shares nothing at all with the core and opens a story of
its own (:func:`lead_like`). A run of one block goes only when that block opens with a dateline
and shares next to nothing, or when short sentences beside it share nothing with the rest of the
article either (:func:`_lone_sentences`); and short sentences too short to be judged go with the run
they lie in. "This week", "This holiday season" opening a paragraph do not refer back.

Appended stories share nothing with one another: a block just over the threshold that shares no word
with the blocks right before and after it is let into a run (:func:`_disjoint_from_neighbours`), as a
lead-like one is, if the run's blocks further in share nothing with their neighbours either and are
clearly unrelated to the core (half the threshold). An article's own closing paragraphs mostly share a
word with the paragraph beside them; when they drift from the core and share nothing, they still tie
to the core a little (over half the threshold: an essay's last lines before a disclaimer).
Session 9 (off-topic dev split, leads removed of 390 / own paragraphs lost, from 315 / 8): the lone
judged block with its short sentences 321 / 8; the neighbour let-in 335 / 8; "This <time word>" 338 / 8;
the lone block's short sentences judged without the one inside it that ties to the article 340 / 8;
a block of that group that refers back but shares nothing and introduces a name goes all the same
(a lead opening with a quote) 342 / 8;
a series of three or more tail blocks sharing nothing with their neighbours, the innermost clearly
unrelated, clearly unrelated for the budget 346 / 8 (without the condition on the innermost block, a
round-up's own last item went on the split ``all``).
Session 10 (off-topic dev split, seed 0, leads removed of 390 / own paragraphs lost, from 346 / 8; seeds 0-2
together, of 1,187 leads, from 1,009 / 30): a run over its budget keeps its clearly unrelated outer part
sharing nothing with its neighbours (:func:`_clear_outer_part`) 349 / 8; where the core gives no verdict,
isolated leads (:func:`_isolated_leads`, and a budget of 80 % for them) and "(CNN)" credits as datelines
365 / 9; no verdict from a run reaching into a core it would leave under ``min_core_blocks`` 361 / 8 (a
review's gold last paragraph kept on its real page); phrases that tie a paragraph back (``refers:``:
"also", "didn't immediately respond", "A:", "The findings", "Note:", "Let's") and a round-up item's
marker 361 / 3; a kept line the run would strand (:func:`_stranded`) 361 / 1 (seeds 0-2: 1,049 / 2).
Session 11 (off-topic dev split, seeds 0-2 together, leads removed of 1,187 / own paragraphs lost, from
1,049 / 2): names as a story's signal instead of more word overlap. Another story's first paragraph
introduces its own people, places and firms; an article's own paragraphs name the article's. A block's
names are its capitalised words inside its sentences (:func:`capitalised_words`: not a sentence's first
word), new when no block above it capitalises any of them (:func:`new_names`: "Fort Worth" is new to an
article that says "worth it"). Where the core gives no verdict, a block with new names opens a story of its
own as a dateline does (``isolated_new_names``: 1,069 / 2); and at the tail a block over the threshold
(under 0.2) that names only new names (two words at least), shares nothing with its neighbours and does not
refer back (nor opens with a definite description of the core's, "The all-new sedan...") counts low
(:func:`_names_a_new_story`, evidence ``rule: new_names``, ``names``) beside at least ``min_run`` blocks low
by their words or opening with a dateline: 1,084 / 2 (one name word: 1,086 / 5, publishers' disclaimers;
without the definite description: an own paragraph "The all-new sedan ... in the US" lost; without the
``min_run`` condition: a gold paragraph of nationnews.com in trafilatura_eval, "Head coach Russell Latapy's
men...", with a site line). Tried and not kept: an isolated run taking one block without a lead's cue
(+1 lead); the isolated run never taking the first block (+6 leads, all from one article of a single
paragraph, but a real page of a list lost its first lines: hearya.com); cohesion overridden in isolated
runs as in :func:`_opens_own_story` (no change).
Session 12 (leads removed of 1,418 on the split ``all``, seeds 0-2, own paragraphs lost next to them; from
1,203 / 10): appended stories share nothing with one another, so a tail series of prose blocks each sharing
nothing with the blocks beside it goes as one, whatever its outer blocks share with the core (an outermost
lead on the article's own subject shielded the leads inside it), when its innermost block opens another
story (:func:`_disjoint_series`, :func:`_opens_series`; rule ``disjoint_series``): 1,267 / 10, dev split
1,084 -> 1,109 of 1,187, held-out 184 -> 200 of 226, with a series of two blocks of prose (mostly words
in lower case: not a citation, which took a gold snippet of wordsmith.org) that leaves the core
``min_core_blocks`` judged blocks (a four-paragraph article's last two went). Then one new name opening
a series (1,273), "U.S." as a name word (1,276), an innermost block over half the threshold naming a new
story and nothing capitalised above (1,293), a lead-like isolated block's pronoun tying back only with
something shared (1,302) and short sentences going with isolated leads (1,304 / 10); dev 1,112, held-out
202. A tail run ends before more than ``max_stranded_lines`` short lines in a row that are no sentences
(an article's own ticket box, which the run reached over to its credits): own lost 10 -> 7 (a real page, a
royalroad.com chapter, keeps its last line). Tried and not kept: a series sharing up to 0.05 with its
neighbours (+8 leads, but the closing paragraphs of three real pages went); series in articles without a
verdict (a page of unrelated items became one series from its first block).
Session 13 (split ``all``, seed 0, leads removed of 469 / own paragraphs lost, from 438 / 2; seeds 0-2 of
1,418, from 1,304 / 7): a lead naming only new names or opening with a dateline joins a series while sharing
an everyday word or two with its neighbours (``series_named_neighbour_score``), beside at least
``disjoint_series_blocks`` blocks disjoint by their words: 441; news agencies are no content words
(:data:`AGENCY_WORDS`): 442; such leads make a series for the budget when the innermost names a new story: 445;
a caption or credit line at a run's inner end before prose leads stays (:func:`_caption_before_prose`): own
lost 2 -> 1 (seeds 0-2: 7 -> 4); the short sentence right inside a longer run goes (:func:`_sentence_inside`):
447; a run ends before a block naming what the block before it named (:func:`_names_what_precedes`): own lost
0 (seeds 0-2: 1,311 / 2; a trafilatura_eval page keeps two gold paragraphs); isolated leads never take the
first block and must be prose: 449 (seeds 0-2: 1,325); a block without a lead's cue between isolated leads
(``let_in_by: lead_inside``; with a cue, a little over the score, too): seeds 0-2 1,336 / 2 (seed 1: 453 of
477, seed 2: 434 of 472); a run over ``max_removed_share`` meeting the article with a line that is no sentence
gets no larger budget (:func:`_budget`'s ``prose``), its outer part ends before it: own lost 0 on every split
and seed (held-out seeds 0-2: 207 -> 202 leads, own lost 3 -> 0: a list article's last item). Tried and not
kept: any block naming a name of the article ends the run (own lost 0, but 10 leads of seeds 0-2 naming
"China", "Senate"); an innermost line that is no sentence ends the run whatever its case (own lost 7 -> 2,
but three real pages kept a run's boilerplate and teaser headlines); a short sentence inside sharing up to 0.1
(+1 lead); a block without a lead's cue let in before new names alone (a real page's two own paragraphs).
Tried in session 10 and not kept: a core from the article's first block (core_start 0 or 0.1: up to 5
more leads, but 47-97 blocks of the real pages changed, gold among them); isolated leads without a lead's
cue when they share nothing with the blocks above and beside them (+2 leads, an interview's answer of
trafilatura_eval and a dev paragraph lost), or when a lead-like block lies further out (a real review's
gold last paragraph lost); a short lead-like sentence right inside a run going with it (+1 lead, +1 own
paragraph: an affiliate disclosure); ``min_core_blocks`` 4 (mixed on real pages); core counts lowered
with the core's size, so long articles' everyday words stop counting (+5 leads at 70 changed real
blocks); a full name after an acronym ("CEO Tim Cook") as lead-like (no change); letting in, at a run's
inner end, a lead-like block that shares only words the core uses once (no leads, 5 own paragraphs).
Tried then and not kept: judging an article with no cohesive core (a third of the misses) by each tail
block's score against all the blocks above it, the run ending at the first block that shares
something (320 / 8 at a limit of 0, and own paragraphs of untouched articles lost at 0.01: their
paragraphs share as little with one another as the leads; on trafilatura_eval it took 14 more blocks,
2 of them gold); the neighbour let-in without the condition on the blocks further in (335 / 11: an
essay's closing paragraphs and its publisher's disclaimer); two let-ins per run (333 / 8), or a
run cut at its first block further in that fails rather than before the let-in (335 / 10); a
neighbourhood of two blocks each side (no change); leads sharing nothing with their neighbours
counting as clearly unrelated for the budget whatever their number (339 / 8, but 4 gold snippets of
trafilatura_eval lost: runs of two; from three such blocks on it is kept); a short sentence
right inside a longer run going with it (340 / 9, and an own subheading of a real page).
Tried before and not kept (off-topic dev split, leads removed of 390 / own paragraphs lost; 315 / 8 kept):
a run that lets in one block over the threshold when the run's mean score stays low (321-335 / 7-9,
but on trafilatura_eval it took an article's own topic-shifting closing paragraphs); protecting a
run's inner block that shares 0.15 with all the blocks above it, not only the core (own lost 8 -> 6,
but it kept copyright and affiliate lines of text dumps: text F1 -0.0007); a new single proper
noun as lead-like (323 / 12, and 7 paragraphs of untouched articles); short sentences counting
towards ``min_run`` (319 / 10); full credit only for words the core repeats (worse at every
threshold); English plural and -ing/-ed folding (fewer leads at the same loss: 304 / 8).

The verdict depends only on the kept blocks (not on the title, which is not
part of the output text) and runs are peeled until none is left, so cleaning
the output text again removes nothing more.

>>> from cleaners.types import Block
>>> story = [Block(t) for t in (
...     "The river flooded the old mill town after three days of heavy rain, and the mill closed.",
...     "Residents of the mill town said the flooded river had never risen so fast in living memory.",
...     "Engineers will inspect the river walls and the mill dam next week, the town council said after the rain.",
...     "The town council also said the mill owners would be paid for flood damage caused by the river.",
...     "Volunteers cleared mud from the mill town streets while the river slowly fell back below its walls.",
...     "Quarterly smartphone sales rose sharply in Asia as manufacturers cut prices for budget models.",
...     "A celebrated chef opened her third restaurant downtown, serving seasonal tasting menus nightly.")]
>>> [b.decision.evidence["score"] if b.decision else "kept" for b in mark_off_topic(story, None, "en")]
['kept', 'kept', 'kept', 'kept', 'kept', 0.0, 0.0]
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import string
from collections import Counter
from types import MappingProxyType
from typing import Any, Callable, Collection, Final, Iterable, Mapping, NamedTuple, Protocol

from mypy_extensions import mypyc_attr

from .language import STOPWORDS, _letter_words, _untracked_word_sets
from .types import Block, Reason, kept_indexes, spaced_typography

__all__ = ["TopicConfig", "CALENDAR_WORDS", "DISCOURSE_MARKERS", "DiscourseCues", "content_terms", "term_specificity",
           "topical_score", "discourse_cues", "cohesion", "lead_like", "peel_edges", "mark_off_topic"]

STEP: Final = "topic"


class TopicConfig(NamedTuple):
    #: A block needs this many distinct content words to be judged.
    min_terms: int = 6
    #: Blocks scoring below this are off-topic when they sit in an edge run.
    max_off_topic_score: float = 0.15
    #: The core is the kept blocks between these fractions of the article (plus the title).
    core_start: float = 0.2
    core_end: float = 0.8
    #: ...and below this fraction of the median score of the core's own blocks.
    relative_threshold: float = 0.4
    #: No verdict when the core holds fewer judged blocks than this: one or two paragraphs
    #: are no reference for the article's subject (a short page).
    min_core_blocks: int = 3
    #: No verdict when the core's own blocks share less than this with one another (their
    #: median score): an article without a common subject (a list of unrelated items, a page
    #: of random sentences) has no topic to stray from. Appended stories were removed from
    #: articles whose median was 0.097 or more; random-sentence pages lost their edges at 0.02-0.03.
    min_core_median: float = 0.06
    #: An edge run needs this many low-scoring judged blocks to be removed.
    min_run: int = 2
    #: Input layouts whose head is judged too (the tail always is): a scraper's text dump,
    #: whose main-content window can open on a page's lead-in. An HTML page's extracted text
    #: and text already cut into paragraphs open with the article's own lead: judged there,
    #: head runs cost more article than they removed (trafilatura_eval snippet F1 0.921 ->
    #: 0.924, scrapinghub HTML recall .966 -> .967 without them; text dumps' precision .855 -> .858 with them).
    head_layouts: tuple[str, ...] = ("text",)
    #: Never remove more than this share of the article's kept characters as off-topic...
    max_removed_share: float = 0.4
    #: ...unless every block removed is clearly unrelated (scores at most
    #: ``clear_score_fraction`` of its threshold): then up to ``clear_max_removed_share``.
    #: Three appended stories can be half of a short article; an article's own paragraphs
    #: wrongly peeled tend to share something with its core and score near the threshold.
    #: 0.6 -> 0.7: four leads after a short article are two thirds of it (off-topic dev split: 4 more
    #: leads removed, no article paragraph lost; the HTML, text and snippet benchmarks unchanged).
    clear_score_fraction: float = 0.5
    clear_max_removed_share: float = 0.7
    #: Count the title's words in the core too. Off by default: the title is not in the
    #: output text, so cleaning that text again would judge against a different core.
    use_title: bool = False
    #: Weigh each content word by how specific it is in the document's language
    #: (:func:`term_specificity`, from wordfreq's word frequencies), so that sharing the
    #: common words of all news ("said", "year", "people") makes an unrelated story look
    #: related no more. Where wordfreq has no word list for the language (or this is off),
    #: every word weighs 1 and the plain thresholds above apply (the rule before weights).
    weigh_terms: bool = True
    #: A word at least as frequent as this Zipf value (log10 of its occurrences per billion
    #: words; 6.5 is about 3 in 10,000: "said" 6.0, "people" 6.3) weighs nothing; each
    #: tenfold rarer adds one, up to ``max_specificity`` (Zipf 2.5 and rarer, or not in
    #: wordfreq's list at all: names, technical terms). The weight is that number squared,
    #: so one shared name outweighs a dozen shared everyday words.
    common_zipf: float = 6.5
    max_specificity: float = 4.0
    #: The thresholds of weighted scores (counterparts of ``max_off_topic_score`` and
    #: ``relative_threshold``). Tuned on the dev split of ``python -m bench.fragments
    #: --parts off_topic`` (English gold articles with 2-4 leads of other articles appended)
    #: for the most leads removed with no more article paragraphs lost than the plain rule.
    weighted_max_off_topic_score: float = 0.08
    weighted_relative_threshold: float = 0.3
    #: Judge runs with the discourse cues of :data:`DISCOURSE_MARKERS` too (where the document
    #: language has them): the innermost blocks of a run that refer back to the article
    #: (:func:`cohesion`: they open with "It", "But"..., or quote a person of the core by surname
    #: alone) are the article's own closing and stay; a block that opens a story of its own
    #: (:func:`lead_like`: a dateline, a name in full the core never mentions) does not stop a run
    #: for sharing a little more than the threshold, and one opening with a dateline counts as
    #: clearly unrelated for the budget (a name alone did not: on a real page a tour's dates, full
    #: of new place names, went with it).
    use_discourse: bool = True
    #: ...a lead-like block scoring under this does not stop the run when a low-scoring block lies
    #: further in (at most one such block per run). Measured on the dev split with 0.12, 0.15 and
    #: 0.2: above 0.12 two untouched articles lost a paragraph, and no more leads went.
    lead_like_max_score: float = 0.12
    #: A block at a run's inner end that refers back (:func:`cohesion`) ends the run before it,
    #: unless it scores at most this and is :func:`lead_like`: a paragraph that shares not one
    #: word with the core and introduces a name the core never mentions opens another story,
    #: whatever its first word ("It was the shot heard around the world. ... Myles Garrett").
    #: ``None``: cohesion always ends the run.
    lead_over_cohesion_score: float | None = 0.0
    #: A tail run of a single judged block (under ``min_run``) still goes when that block opens with a
    #: dateline and scores at most ``clear_score_fraction`` of the threshold, against the core and
    #: against all the other blocks: another story's first line. (A full name alone did not do: an
    #: article's own last paragraph often introduces one; 4 of the dev split's untouched articles
    #: lost theirs.)
    single_dateline_run: bool = True
    #: Blocks with too few content words to be judged, between the edge and a run's inner end, go
    #: with the run when they read as a sentence (at least this many words, ending with . ! or ?)
    #: and score under the threshold ("A half century on, the band is still touring."). ``None``: they stay.
    short_sentence_words: int | None = 6
    #: A tail run of a single judged block still goes with the short sentences next to it when each of them
    #: shares at most this with the rest of the article (:func:`_lone_sentences`): "Beauty company Coty is
    #: breaking out — in a good way." after another story's lead. ``None``: it stays. Off-topic dev split
    #: 315 -> 321 of 390 leads (323 without the cohesion condition, which took a real page's "Her last day
    #: is April 1."), own paragraphs lost 8 -> 8. A longer tail run takes the short sentence right inside it on
    #: the same terms, a label line aside (:func:`_sentence_inside`; split ``all`` seed 0: 445 -> 447 of 469).
    lone_sentence_score: float | None = 0.0
    #: An edge run lets in one block scoring at or over the threshold but under ``lead_like_max_score`` that
    #: shares at most this with its neighbours (the blocks right before and after it: :func:`_neighbour_score`),
    #: as it lets in a lead-like one, when a low-scoring block lies further in: appended stories share
    #: nothing with one another, an article's paragraphs with the ones beside them mostly do. Every
    #: block from it inwards must then share at most ``neighbour_run_score`` with its own neighbours and,
    #: the let-in aside, score at most ``clear_score_fraction`` of the threshold; else the run ends before
    #: it (an article's own closing paragraphs drifting from the core, then a disclaimer). ``None``: off.
    #: Off-topic dev split 321 -> 335 of 390 leads removed, own paragraphs lost 8 -> 8.
    neighbour_max_score: float | None = 0.0
    neighbour_run_score: float = 0.0
    #: How many blocks over the threshold (lead-like or sharing nothing with their neighbours) a run
    #: lets in. 2: 2 fewer leads removed on the dev split (a run going further in is cut shorter).
    max_let_in: int = 1
    #: At least this many judged tail blocks going, each sharing nothing with the blocks beside it, the
    #: innermost one clearly unrelated, count as clearly unrelated for the budget (``clear_max_removed_share``):
    #: four leads of other stories after a short article (:func:`_unrelated_series`). Off-topic dev split
    #: 340 -> 344 of 390, own lost 8; without the condition on the innermost block a news round-up's own
    #: last item went with three leads (split all: own lost 12); with runs of two too (any number), 4 gold
    #: paragraphs of trafilatura_eval went. ``None``: off.
    series_blocks: int | None = 3
    #: In an article whose core gives no verdict (too few judged blocks, or no common subject), a tail run
    #: of at least ``min_run`` judged blocks that each share at most this with all the other blocks, open a
    #: story of their own (:func:`lead_like`) and do not refer back goes (:func:`_isolated_leads`). ``None``: off.
    isolated_lead_score: float | None = 0.08
    #: ...and such blocks alone may take up to this share of the article's characters (four teasers after a
    #: two-paragraph article are 71 % of it). ``None``: the budget of clearly unrelated blocks.
    isolated_max_removed_share: float | None = 0.8
    #: ...and a block there opens a story of its own when it names only people, places or firms the blocks
    #: above it never name (:func:`new_names`), as when it opens with a dateline or a name in full. Off-topic
    #: dev split, seeds 0-2: 1,049 -> 1,069 of 1,187 leads removed, own paragraphs lost 2 -> 2.
    isolated_new_names: bool = True
    #: A tail block scoring under this (over the threshold) counts as low when it names only what the
    #: blocks above it never name and shares nothing with its neighbours (:func:`_names_a_new_story`). ``None``: off.
    #: Off-topic dev split, seeds 0-2: 1,069 -> 1,084 leads removed, own lost 2 -> 2 (0.15: 1,080; 0.3: 1,084).
    new_names_max_score: float | None = 0.2
    #: A tail run ends before more than this many lines in a row too short to judge that do not end as a
    #: sentence (an article's own table or info box: prices, a phone number), which it would leave stranded
    #: between dropped blocks; appended stories' headlines come one at a time. ``None``: off.
    max_stranded_lines: int | None = 2
    #: A tail series of judged blocks, each a paragraph of prose (it ends as a
    #: sentence does) sharing next to nothing with the blocks beside it, not referring back and
    #: scoring under this, the innermost clearly unrelated (:func:`_clearly_unrelated`), goes even where some of
    #: its blocks score over the threshold (:func:`_disjoint_series`, evidence ``rule: disjoint_series``): other
    #: stories appended, the outermost on a subject near the article's. ``None``: off.
    disjoint_series_max_score: float | None = 0.5
    #: ...and has at least this many blocks...
    disjoint_series_blocks: int = 2
    #: ...each sharing at most this with the blocks beside it (:func:`_neighbour_score`; 0.05: 8 more leads of
    #: 1,418 on the split ``all``, seeds 0-2, but the closing paragraphs of three real pages went: a review's
    #: verdict, a news report's last two paragraphs)...
    series_neighbour_score: float = 0.0
    #: ...or at most this when it opens with a dateline or names only names no block above it names.
    series_named_neighbour_score: float | None = 0.05
    #: ...each with at least this share of words opening in lower case (:attr:`DiscourseCues.lower_case_share`):
    #: prose, not a citation ("Jeannette Layne-Clark; Minister on Stage; Daily Nation (Barbados); Mar 20, 2005.": 0.11).
    series_min_lower_case_share: float = 0.4
    #: ...and names at least this many words (a disclaimer names its publisher alone: "...those of Sputnik.";
    #: 1: 1,086 leads, own lost 5; 3: 1,078, own lost 2).
    new_names_min_words: int = 2


#: Words of dates and times per language: not content words (:func:`content_terms`). Every
#: dated story has them, so sharing them says nothing about a subject: an appended lead "released
#: Monday" scored over the threshold for sharing "monday" with an article that mentions its Monday.
CALENDAR_WORDS: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "en": frozenset({
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december",
        "today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening", "night",
        "week", "weeks", "weekend", "month", "months", "year", "years",
    }),
})
#: The news agencies a dateline credits ("NEW YORK (Reuters) -", "(CNN)"): not content words either. Every
#: wire story names its agency, so an appended lead credited to Reuters does not look related to an article
#: that quotes Reuters.
AGENCY_WORDS: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "en": frozenset({"reuters", "afp", "upi", "dpa", "cnn"}),
})
#: Stopwords, calendar and agency words together: what :func:`content_terms` leaves out, per language; each
#: a dict of the words, read by membership (a set's ``difference`` reads a dict in C as it reads a set), which
#: the garbage collector does not walk at each full collection as it walks every set (:func:`_untracked_word_sets`).
_NOT_CONTENT: Final[Mapping[str, Mapping[str, None]]] = _untracked_word_sets(
    {code: words | CALENDAR_WORDS.get(code, frozenset()) | AGENCY_WORDS.get(code, frozenset())
     for code, words in STOPWORDS.items()})

_TERM: Final = re.compile(r"[^\W\d_]{3,}")
#: English negative contractions: "doesn't" would leave "doesn", a word no list knows
#: (so it would look as specific as a name), where "does" is a stopword.
_NEGATION: Final = re.compile(r"n['’]t\b")
#: :data:`_NEGATION` in a text not lower-cased yet, of ASCII and typography alone (:func:`_spaced_ascii`).
_ANY_CASE_NEGATION: Final = re.compile(r"[nN]['’][tT]\b")
#: A byte table that lower-cases ASCII letters and makes every other byte a space: an ASCII line's
#: words of :data:`_TERM`, lower-cased, are then its ``split()`` (in C, a third of a regex's cost).
_ASCII_WORDS: Final = bytes(code + 32 if 65 <= code <= 90 else code if 97 <= code <= 122 else 32 for code in range(256))
#: The words of one or two ASCII letters: :data:`_TERM` needs three, a split of :data:`_ASCII_WORDS` does not.
_SHORT_WORDS: Final = frozenset(map("".join, itertools.chain(
    itertools.product(string.ascii_lowercase, repeat=1), itertools.product(string.ascii_lowercase, repeat=2))))
#: :data:`_NOT_CONTENT` with :data:`_SHORT_WORDS`, per language: what a set of a split leaves out in one difference.
#: Each a dict made from a list of its words, whose look-ups compare strings as strings (``dict.fromkeys`` of a
#: set makes a table for keys of any type, compared by ``==``).
_NOT_TERMS: Final[Mapping[str, Mapping[str, None]]] = MappingProxyType(
    {code: dict.fromkeys([*words, *_SHORT_WORDS]) for code, words in _NOT_CONTENT.items()})


class DiscourseMarkers(NamedTuple):
    """One language's small lists of how a paragraph ties to the text before it, or opens a story
    of its own (:data:`DISCOURSE_MARKERS`)."""

    #: Words that, opening a paragraph, refer back to what came before: a third-person pronoun,
    #: a demonstrative, a connective. Another story's first sentence introduces its subject
    #: and rarely opens with one (5 % of the benchmark's leads, 18 % of articles' last paragraphs).
    openings: frozenset[str]
    #: A paragraph opening with a quotation: a story quotes the people it has introduced; its
    #: first line rarely opens with a quote (1 % of the benchmark's leads, 14 % of articles' last
    #: paragraphs). Its cue is ``opens:“``.
    quotation: re.Pattern[str]
    #: A quote attributed to a person by surname alone ("..., Smith said.", "said Smith."): a
    #: person the article named in full before. Group 1 or 2 is the surname.
    surname_attribution: re.Pattern[str]
    #: A news story's opening line: a dateline ("WASHINGTON —", "SANTA FE, N.M. (AP) —",
    #: "NEW DELHI:") or a news agency's credit.
    dateline: re.Pattern[str]
    #: A name in full: two or three capitalised words after a lower-case word or a comma (not
    #: a sentence's first word), as a story names a person or an organisation the first time.
    #: Group 1 is the name (the space before it comes first in the pattern: a search then skips to spaces).
    full_name: re.Pattern[str]
    #: Phrases that tie a paragraph to what the article said before: an additive adverb among its
    #: first words ("Isolated cases often also spring up"), an interview's answer ("A: ..."), a
    #: definite reference to the article's study ("The findings were published..."), the article's own
    #: note ("Note:", "Editor's note:"), the author turning to the reader ("Let's be honest..."), or the
    #: formula an article closes with about someone it named ("...didn't immediately respond to a request
    #: for comment"). Off-topic dev split: in 0 of the 124 leads, in 19 of the 398 last three paragraphs
    #: of the untouched articles. Its cue is ``refers:<phrase>`` (the matching group, lower-cased).
    refers: re.Pattern[str] | None = None
    #: Words one of which every match of ``surname_attribution`` holds (its verbs of speech): a text holding
    #: none of them, as most paragraphs, is not searched (a search tries the pattern at every position; the
    #: words are looked for in C). Empty: always searched.
    speech_verbs: tuple[str, ...] = ()
    #: Case-folded words one of which every match of ``refers`` holds but one at the text's start (whose
    #: branch is anchored there): a text holding none of them, case-folded, is matched at its start alone, not
    #: searched (a search tries the pattern at every position). Empty: always searched.
    refers_words: tuple[str, ...] = ()
    #: Strings one of which every match of ``dateline`` holds but one at the text's start (whose branch is
    #: anchored there): a text holding none of them is matched at its start alone. Empty: always searched.
    dateline_words: tuple[str, ...] = ()


_SPEECH_VERBS: Final = ("said", "says", "added", "told", "wrote", "explained")
_SPEECH: Final = "(?:" + "|".join(_SPEECH_VERBS) + ")"
#: Per document language; a language without markers gets neither signal (evidence ``discourse: null``).
DISCOURSE_MARKERS: Final[Mapping[str, DiscourseMarkers]] = MappingProxyType({
    "en": DiscourseMarkers(
        openings=frozenset({
            "he", "she", "they", "it", "him", "them", "his", "her", "their", "its",
            "this", "that", "these", "those", "such",
            "but", "and", "so", "still", "yet", "meanwhile", "however", "also", "instead", "then",
            "thus", "therefore", "moreover", "furthermore", "nevertheless", "nonetheless", "otherwise",
            "likewise", "similarly", "besides", "indeed", "hence",
        }),
        quotation=re.compile(r"\s*[\"“]"),
        surname_attribution=re.compile(
            rf"(?:^|[^\w\s]\s*|\b[a-z]\w*\s+)([A-Z][a-z’'-]+)\s+{_SPEECH}\b|\b{_SPEECH}\s+([A-Z][a-z’'-]+)[.,]"),
        dateline=re.compile(
            r"^\W*[A-Z][A-Z.’',\s]{2,}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)*)?\s*(?:\([^)]{1,40}\)\s*)?[—–:-]{1,2}\s"
            r"|\((?:AP|Reuters|AFP|UPI|dpa|CNN(?: Business)?)\)"),
        full_name=re.compile(r" (?<=[a-z,;:(“\"] )([A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2})\b"),
        refers=re.compile(
            r"^(?:\W*(?:[\w’'-]+\s+){1,6}?(also)\b|\s*(A):\s|\W*(the (?:findings|study|research|results))\b"
            r"|\W*((?:editor['’]s )?note):|\W*(let['’]s)\b)"
            r"|\b((?:did not|didn['’]t|does not|doesn['’]t) (?:immediately )?(?:respond|return|reply)"
            r"|(?:declined|could not be reached|was not available) (?:to|for) comment)", re.I),
        speech_verbs=_SPEECH_VERBS,
        refers_words=("respond", "return", "reply", "comment"),
        dateline_words=("(",),
    ),
})
_FIRST_WORD: Final = re.compile(r"\W*(\w+)")
_ITEM_MARKER: Final = re.compile(r"\s*(\.{3}|…|[•·*–—-])\s")
_TIME_DEIXIS: Final = re.compile(r"\W*\w+\s+(?:holiday\s+)?(?:season|week|weekend|month|year|morning|afternoon|evening|summer|winter|spring|fall|autumn|time)\b", re.I)
_SENTENCE_END: Final = re.compile(r"[.!?][\"”’')\]]*\s*$")
#: The closing quotes and brackets :data:`_SENTENCE_END` lets follow the mark.
_CLOSERS: Final = "\"”’')]"


def _sentence_ended(text: str) -> bool:
    """``_SENTENCE_END.search(text) is not None``: the text ends with . ! or ?, then closing quotes or brackets,
    then spaces; by two strips from the end, in C, not a search stopping at every mark of the text (``\\s``
    and ``str.rstrip`` take the same spaces).

    >>> _sentence_ended("He left.” "), _sentence_ended("Released (2019)"), _sentence_ended("")
    (True, False, False)
    """
    return text.rstrip().rstrip(_CLOSERS).endswith((".", "!", "?"))


class DiscourseCues(NamedTuple):
    """What a block's own text says about its place in a text (:func:`discourse_cues`)."""

    #: The pronoun or connective it opens with (lower-cased), if any.
    opening: str | None = None
    #: Surnames it attributes quotes to (lower-cased).
    surnames: tuple[str, ...] = ()
    #: It opens with a dateline or carries a news agency's credit.
    dateline: bool = False
    #: Names it gives in full, in order.
    names: tuple[str, ...] = ()
    #: A phrase tying it to what came before (:attr:`DiscourseMarkers.refers`), lower-cased.
    refers: str | None = None
    #: The item marker it opens with ("...", "•", "–"), if any: a round-up's items share theirs.
    marker: str | None = None
    #: The words of the names it gives inside its sentences (:func:`capitalised_words`), sorted.
    name_words: tuple[str, ...] = ()
    #: All its capitalised words (:func:`capitalised_words`), a sentence's first word too, sorted.
    capitalised: tuple[str, ...] = ()
    #: The share of its words that open with a lower-case letter (:func:`lower_case_share`): prose is
    #: mostly such words; a citation or a list of names is mostly capitalised.
    lower_case_share: float = 0.0


class _CueFields(Protocol):
    """A block's cues as the judgements read them: a :class:`DiscourseCues`, or a :class:`_Cues`
    working each field out when first read."""

    @property
    def opening(self) -> str | None: ...
    @property
    def surnames(self) -> tuple[str, ...]: ...
    @property
    def dateline(self) -> bool: ...
    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def refers(self) -> str | None: ...
    @property
    def marker(self) -> str | None: ...
    @property
    def name_words(self) -> tuple[str, ...]: ...
    @property
    def capitalised(self) -> tuple[str, ...]: ...
    @property
    def lower_case_share(self) -> float: ...


class _CueTable(Protocol):
    """The cues of an article's blocks by index: a list of :class:`DiscourseCues` or a :class:`_LazyCues`."""

    def __getitem__(self, k: int, /) -> _CueFields: ...


def discourse_cues(text: str, language: str | None) -> DiscourseCues:
    """The block's cues of cohesion and of a story's opening (none without markers for ``language``).

    >>> discourse_cues("But the council will appeal, Smith said.", "en")
    DiscourseCues(opening='but', surnames=('smith',), dateline=False, names=(), refers=None, marker=None, name_words=('smith',), capitalised=('smith',), lower_case_share=0.7143)
    >>> discourse_cues("“We will appeal,” the mayor said.", "en").opening
    '“'
    >>> cues = discourse_cues("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper accused China on Wednesday.", "en")
    >>> cues.dateline, cues.names, cues.name_words
    (True, ('Secretary Mark Esper',), ('ap', 'china', 'esper', 'mark', 'secretary', 'u.s.', 'vietnam'))
    >>> discourse_cues("... Isolated cases also spring up.", "en")[-5:-3]
    ('also', '...')
    >>> discourse_cues("But the council will appeal, Smith said.", "et") == DiscourseCues()
    True
    """
    markers = DISCOURSE_MARKERS.get(language or "")
    if markers is None or language is None:
        return DiscourseCues()
    return DiscourseCues(**{name: cue(text, markers, language) for name, cue in _CUES.items()})


def _opening(text: str, markers: DiscourseMarkers, language: str) -> str | None:
    """The pronoun or connective the text opens with (lower-cased), "“" for a quotation, else ``None``
    ("This week" opening a paragraph does not refer back).

    >>> en = DISCOURSE_MARKERS["en"]
    >>> _opening("But it rained.", en, "en"), _opening("This week it rained.", en, "en")
    ('but', None)
    """
    first = _FIRST_WORD.match(text)
    word = first.group(1).lower() if first else None
    opening = word if word in markers.openings else "“" if markers.quotation.match(text) else None
    if opening == "this" and _TIME_DEIXIS.match(text):
        opening = None
    return opening


#: How each field of :class:`DiscourseCues` is worked out from a text, its language's markers and its language:
#: :func:`discourse_cues` works out all of them, :class:`_Cues` only those a run reads.
_CUES: Final[Mapping[str, Callable[[str, DiscourseMarkers, str], Any]]] = MappingProxyType({
    "opening": _opening,
    "surnames": lambda text, markers, language: _surnames(text, markers),
    "dateline": lambda text, markers, language: _dateline(text, markers),
    "names": lambda text, markers, language: tuple(dict.fromkeys(markers.full_name.findall(text))),
    "refers": lambda text, markers, language: _refers(markers, text),
    "marker": lambda text, markers, language: found.group(1) if (found := _ITEM_MARKER.match(text)) else None,
    "name_words": lambda text, markers, language: tuple(sorted(
        capitalised_words(text, language, inside_sentences=True))),
    "capitalised": lambda text, markers, language: tuple(sorted(capitalised_words(text, language))),
    "lower_case_share": lambda text, markers, language: lower_case_share(text),
})


_WORD_INITIAL: Final = re.compile(r"(?<![\w’'-])[^\W\d_]")


def lower_case_share(text: str) -> float:
    """The share of the text's words (those opening with a letter) that open with a lower-case one, to
    four places (0.0 without words).

    >>> lower_case_share("Jeannette Layne-Clark; Minister on Stage; Daily Nation (Barbados); Mar 20, 2005.")
    0.1111
    >>> lower_case_share("MADRID (AP) — Rafael Nadal kept Spain's hopes alive on Sunday.")
    0.4
    """
    if text.isascii():  # most texts: the initials counted in C, not listed by the regex
        lower, upper = _ascii_initials(text)
        return round(lower / (lower + upper), 4) if lower + upper else 0.0
    initials = _WORD_INITIAL.findall(text)
    return round(sum(map(str.islower, initials)) / len(initials), 4) if initials else 0.0


#: ASCII bytes as :data:`_WORD_INITIAL` sees them: a lower-case letter "a", a capital "A", a character a word
#: goes on after ("0": a digit, "_", an apostrophe, a hyphen; ``\w`` of ASCII is letters, digits and "_"),
#: any other a space. An initial is a letter after a space or at the start.
_INITIAL_CLASSES: Final = bytes(
    0x61 if 97 <= code <= 122 else 0x41 if 65 <= code <= 90 else 0x30 if chr(code) in "0123456789_'-" else 0x20
    for code in range(256))


def _ascii_initials(text: str) -> tuple[int, int]:
    """How many of :data:`_WORD_INITIAL`'s matches in the ASCII ``text`` are lower-case, how many capitals:
    each character made its class by a byte table (:data:`_INITIAL_CLASSES`), then the two-byte patterns of
    an initial counted, all in C (the regex built a string per word: the step's shares of lower-case words
    on the 181 text dumps, compiled, 18 -> 10 M instructions).

    >>> _ascii_initials("Rock'n'roll at 9pm: x-ray _under ok"), _ascii_initials("")
    ((3, 1), (0, 0))
    """
    classes = text.encode("ascii").translate(_INITIAL_CLASSES)
    return (classes.count(b" a") + classes.startswith(b"a"),
            classes.count(b" A") + classes.startswith(b"A"))


def _surnames(text: str, markers: DiscourseMarkers) -> tuple[str, ...]:
    """The surnames the text attributes quotes to (``markers.surname_attribution``), lower-cased and sorted;
    ``()`` at once when it holds none of ``markers.speech_verbs``.

    >>> _surnames("“We will appeal,” Smith said.", DISCOURSE_MARKERS["en"]), _surnames("No quote.", DISCOURSE_MARKERS["en"])
    (('smith',), ())
    """
    if markers.speech_verbs and not any(map(text.__contains__, markers.speech_verbs)):
        return ()
    return tuple(sorted({(a or b).lower() for a, b in markers.surname_attribution.findall(text)}))


def _dateline(text: str, markers: DiscourseMarkers) -> bool:
    """The text opens with a dateline or carries an agency's credit (``markers.dateline``): matched at its start
    alone when it holds none of ``markers.dateline_words``.

    >>> _dateline("HANOI (AP) — Rain.", DISCOURSE_MARKERS["en"]), _dateline("Rain fell (Reuters).", DISCOURSE_MARKERS["en"])
    (True, True)
    """
    if not markers.dateline_words or any(map(text.__contains__, markers.dateline_words)):
        return markers.dateline.search(text) is not None
    return markers.dateline.match(text) is not None


def _refers(markers: DiscourseMarkers, text: str) -> str | None:
    """The phrase of ``markers.refers`` the text holds, lower-cased, or ``None``.

    >>> _refers(DISCOURSE_MARKERS["en"], "Isolated cases often also spring up in the US.")
    'also'
    >>> _refers(DISCOURSE_MARKERS["en"], "The governor's office didn't immediately respond to a request.")
    "didn't immediately respond"
    """
    if markers.refers is None:
        return None
    found = markers.refers.search(text) if not markers.refers_words or any(
        map(text.casefold().__contains__, markers.refers_words)) else markers.refers.match(text)
    return next(group for group in found.groups() if group).lower() if found else None


@mypyc_attr(native_class=False)  # compiled (setup.py), still a Python class: fields set when first read
class _Cues:
    """The :class:`DiscourseCues` of one text, each field worked out when first read (:data:`_CUES`): a run
    reads a block's share of lower-case words far more often than its names or its datelines.

    >>> cues = _Cues("HANOI (AP) — Rain fell on Mark Esper.", DISCOURSE_MARKERS["en"], "en")
    >>> cues.dateline, cues.name_words, sorted(vars(cues))
    (True, ('ap', 'esper', 'mark'), ['_language', '_markers', '_text', 'dateline', 'name_words'])
    """

    def __init__(self, text: str, markers: DiscourseMarkers, language: str):
        self._text, self._markers, self._language = text, markers, language

    def __getattr__(self, name: str) -> Any:  # only for a field not read yet
        if name not in _CUES:
            raise AttributeError(name)
        value = _CUES[name](self._text, self._markers, self._language)
        setattr(self, name, value)
        return value


class _LazyCues:
    """:func:`discourse_cues` of each text, worked out when first read (:class:`_Cues`, field by field): a run
    reads only the few blocks at the article's edges. ``view(indexes)`` reads the same cues through other indexes.

    >>> cues = _LazyCues(["But it rained.", "HANOI (AP) — Rain fell."], "en")
    >>> cues[0].opening, cues.view([1, 0])[0].dateline
    ('but', True)
    """

    def __init__(self, texts: list[str], language: str, cache: dict[int, _CueFields] | None = None,
                 indexes: list[int] | None = None, capitalised: dict[int, frozenset[str]] | None = None):
        self._texts, self._language = texts, language
        self._markers = DISCOURSE_MARKERS.get(language or "")
        self._cache = {} if cache is None else cache
        self._indexes = indexes
        self._capitalised = {} if capitalised is None else capitalised  # capitalised_words(text, None) by text

    def __getitem__(self, k: int) -> _CueFields:
        k = self._indexes[k] if self._indexes is not None else k
        if k not in self._cache:
            self._cache[k] = DiscourseCues() if self._markers is None else \
                _Cues(self._texts[k], self._markers, self._language)
        return self._cache[k]

    def view(self, indexes: list[int]) -> "_LazyCues":
        return _LazyCues(self._texts, self._language, self._cache, list(indexes), self._capitalised)

    def capitalised_above(self, k: int, words: Iterable[str]) -> bool:
        """Some of ``words`` is among the capitalised words (:func:`capitalised_words`, any language) of the
        texts above text ``k``: read from the nearest text up, each text's words worked out once, and no
        further than the first text that has one (an article's own paragraph mostly names what the
        paragraphs just above it name).

        >>> cues = _LazyCues(["Fort Worth police said so.", "Police left.", "It is worth it."], "en")
        >>> [cues.capitalised_above(k, words) for k, words in ((2, ["worth"]), (1, ["police"]), (0, ["fort"]))]
        [True, False, False]
        """
        for j in range(k - 1, -1, -1):
            index = self._indexes[j] if self._indexes is not None else j
            if index not in self._capitalised:
                self._capitalised[index] = capitalised_words(self._texts[index], None)
            if not self._capitalised[index].isdisjoint(words):
                return True
        return False


def cohesion(cues: _CueFields, core: Counter[str], own: int = 0) -> str | None:
    """What ties the block to the article: ``"opens:<word>"``, ``"surname:<name>"`` (a surname the
    core names too; ``own``: the block's own share of the core's counts), or ``None``.

    >>> cohesion(DiscourseCues(opening="but"), Counter()), cohesion(DiscourseCues(surnames=("smith",)), Counter(smith=2))
    ('opens:but', 'surname:smith')
    >>> cohesion(DiscourseCues(surnames=("smith",)), Counter(smith=1), own=1) is None
    True
    """
    if cues.opening:
        return f"opens:{cues.opening}"
    if cues.refers:
        return f"refers:{cues.refers}"
    named = next((name for name in cues.surnames if core.get(name, 0) > own), None)
    return f"surname:{named}" if named else None


def lead_like(cues: _CueFields, core: Counter[str], own: int = 0) -> str | None:
    """How the block opens a story of its own: ``"dateline"``, ``"introduces:<name>"`` (a name in
    full none of whose words the core has), or ``None``.

    >>> lead_like(DiscourseCues(names=("Mark Esper",)), Counter(china=3)), lead_like(DiscourseCues(dateline=True), Counter())
    ('introduces:Mark Esper', 'dateline')
    >>> lead_like(DiscourseCues(names=("Mark Esper",)), Counter(esper=2)) is None
    True
    """
    if cues.dateline:
        return "dateline"
    new = next((name for name in cues.names
                if not any(core.get(word.lower(), 0) > own for word in name.split())), None)
    return f"introduces:{new}" if new else None


#: A word opening with a capital (``\b[A-Z][A-Za-z]+``; the capital comes first, then the look back that
#: is ``\b``, so that a search skips ahead to capitals: about half the time on the bench's texts, a third
#: for :data:`_ALL_CAPITALS`).
_CAPITALISED: Final = re.compile(r"[A-Z](?<!\w.)[A-Za-z]+")
#: :data:`_CAPITALISED` of capitals alone (an acronym), or of dotted capitals ("U.S."): ``\b[A-Z]{2,}(?![A-Za-z])
#: |\b(?:[A-Z]\.){2,}``, the capital first as there.
_ALL_CAPITALS: Final = re.compile(r"[A-Z](?<!\w.)(?:[A-Z]+(?![A-Za-z])|\.(?:[A-Z]\.)+)")
#: A capitalised word opening a sentence (group 1: what comes before it): the text's first, or after . ! ? :
#: or a dash, past spaces, quotes and brackets.
_OPENING_CAPITALISED: Final = re.compile(r"((?:^|[.!?:—–])[\s\"“‘'(\[]*)\b[A-Z][A-Za-z]+")


def capitalised_words(text: str, language: str | None, inside_sentences: bool = False) -> frozenset[str]:
    """The text's capitalised words (two letters or more), lower-cased, minus the language's stopwords
    and :data:`CALENDAR_WORDS` (an acronym, "US" or "U.S.", stays): the words of the names it gives. With
    ``inside_sentences``, only those found inside a sentence, not only opening one: a sentence's first word
    is capitalised whatever it is ("Authorities say..."); a capitalised word inside one is a name ("...a San
    Francisco Bay Area train"), or part of one. (Regular expressions and string methods, in C: the step
    reads the blocks above a tail block this way.)

    >>> sorted(capitalised_words("Authorities say the US and WeWork’s Adam Neumann met in May.", "en", True))
    ['adam', 'neumann', 'us', 'wework']
    >>> sorted(capitalised_words("Cannabis use has risen in U.S. states.", "en", True))
    ['u.s.']
    >>> sorted(capitalised_words("Authorities say so. Fort Worth police agree: Police said it.", "en"))
    ['authorities', 'fort', 'police', 'worth']
    >>> sorted(capitalised_words("“Fort Worth police agree,” Police said. Police left.", "en", True))
    ['police', 'worth']
    """
    if inside_sentences:
        text = _OPENING_CAPITALISED.sub(r"\1", text)
    words = set(" ".join(_CAPITALISED.findall(text)).lower().split()).difference(_NOT_CONTENT.get(language or "", ()))
    words.update(" ".join(_ALL_CAPITALS.findall(text)).lower().split())
    return frozenset(words)


def new_names(cues: _CueFields, reference: frozenset[str] | set[str]) -> str | None:
    """``"new_names:<words>"`` when the block names someone or something inside its sentences
    (``cues.name_words``: :func:`capitalised_words`) and none of those names' words is capitalised
    anywhere in the ``reference`` (the capitalised words of the blocks it is judged against), else
    ``None``: another story's first paragraph introduces its own people, places and firms; an article's
    own paragraph names the article's ("Usov says...", "Jack Scarola, who represents some of Epstein's
    accusers"). Names, not words: "Fort Worth" is new to an article that says "worth it".

    >>> new_names(discourse_cues("A video shows a Fort Worth girl rescued by police.", "en"), {"clymer"})
    'new_names:fort,worth'
    >>> new_names(discourse_cues("Jack Scarola represents some of Epstein’s accusers.", "en"), {"epstein"}) is None
    True
    >>> new_names(discourse_cues("If you plan to retire early, save more.", "en"), set()) is None
    True
    """
    if not cues.name_words or not reference.isdisjoint(cues.name_words):
        return None
    return "new_names:" + ",".join(cues.name_words[:4])


def content_terms(text: str, language: str | None) -> set[str]:
    """Distinct lower-cased words of three letters or more, minus the language's stopwords and
    :data:`CALENDAR_WORDS`.

    >>> sorted(content_terms("The baker and the Miller", "en"))
    ['baker', 'miller']
    >>> sorted(content_terms("The baker doesn't bake on Monday", "en"))
    ['bake', 'baker']
    """
    stop = _NOT_TERMS.get(language or "", _SHORT_WORDS)
    spaced = _spaced_words_text(text)
    if spaced.isascii():  # most often
        return _ascii_words(spaced).difference(stop)
    letters = _letter_words(spaced) if "Σ" not in spaced else None  # (the regex lower-cases a sigma in context)
    if letters is not None:  # most of the rest: accented Latin, Cyrillic
        return _at_least_three_letters(set(letters[0]).difference(stop))
    lowered = spaced_typography(_NEGATION.sub("", text.lower()))  # after the negations ("n’t" holds one)
    return set(_TERM.findall(lowered)).difference(stop)


def _spaced_words_text(text: str) -> str:
    """``text`` without its negations and with its typography spaced, not lower-cased: what
    :data:`_TERM` reads of the lower-cased text, lower-cased after (no character lower-cases to an
    "n" or a "t" of a negation, nor changes from a word character to another; only a capital sigma
    lower-cases by what follows it, which this changes). Checked by substring
    tests first: an apostrophe is rarer than the search's first letter, and one is a ``memchr`` in C.

    >>> _spaced_words_text("It DOESN’T rain — “yet”"), _spaced_words_text("Ça ne pleut pas")
    ('It DOES rain    yet ', 'Ça ne pleut pas')
    """
    if text.isascii():
        if "'" in text and ("'t" in text or "'T" in text):
            text = _ANY_CASE_NEGATION.sub("", text)
        return text
    if ("'" in text or "’" in text) and ("'t" in text or "’t" in text or "'T" in text or "’T" in text):
        text = _ANY_CASE_NEGATION.sub("", text)
    return spaced_typography(text)


def _spaced_ascii(text: str) -> str | None:
    """:func:`_spaced_words_text` when that leaves ASCII: a text of ASCII and :data:`TYPOGRAPHY` alone,
    in which lower-casing changes only A-Z, so it may come after (:func:`_ascii_words`); ``None`` for
    any other text.

    >>> _spaced_ascii("It DOESN’T rain — “yet”"), _spaced_ascii("Ça ne pleut pas")
    ('It DOES rain    yet ', None)
    """
    text = _spaced_words_text(text)
    return text if text.isascii() else None


def _at_least_three_letters(words: set[str]) -> set[str]:
    """``words`` without those of one or two letters (:data:`_TERM`'s minimum), when it has any: those of
    ASCII letters are stopwords already (:data:`_SHORT_WORDS`), so most sets have none, found in C.

    >>> sorted(_at_least_three_letters({"ça", "été", "x"}))
    ['été']
    """
    if min(map(len, words), default=3) >= 3:
        return words
    return {word for word in words if len(word) >= 3}


def _ascii_words(text: str) -> set[str]:
    """The distinct runs of letters of an ASCII text, lower-cased: :data:`_TERM`'s words of any length.

    >>> sorted(_ascii_words("The BAKER's 2nd loaf_of bread"))
    ['baker', 'bread', 'loaf', 'nd', 'of', 's', 'the']
    """
    return set(text.encode().translate(_ASCII_WORDS).decode().split())


@functools.lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages("small"))


#: Word lists kept in memory per process, as :func:`_weights`: each is 3-7 MiB (Russian 7.5) and
#: takes 10-30 ms to read and weigh, so a worker seeing every language holds at most ~60 MiB of them.
_KEPT_WORD_LISTS: Final = 16


@functools.lru_cache(maxsize=_KEPT_WORD_LISTS)
def _weights(language: str, top: float, cap: float) -> Mapping[str, float] | None:
    """The weight of each word of wordfreq's "small" list for exactly this language (no "nearest
    match": wordfreq would answer Albanian with English frequencies): ``min(cap, max(0, top -
    log10(frequency))) ** 2``, worked out once per list and process rather than once per
    document for each of its terms (a word the list lacks weighs ``cap * cap``); ``None`` for no
    list. The list ships in wordfreq's wheel as buckets of words of one frequency (a centibel
    apart: ``wordfreq.get_frequency_dict`` gives each word its bucket's frequency), so the
    weight is worked out once per bucket and given to its words in C: ~8 ms for a list where a
    log10 per word took ~80 ms, the first time a process meets the language. Only read."""
    if language not in _wordfreq_languages():
        return None
    import wordfreq

    log10 = math.log10
    # read past wordfreq's own cache (``__wrapped__``), which would keep the list's buckets, lists of its
    # words that the garbage collector walks at every full collection, as long as the process lives
    # (a second copy of what the weights keep)
    read_list = getattr(wordfreq.get_frequency_list, "__wrapped__", wordfreq.get_frequency_list)
    buckets: list[list[str]] = []
    bucket_weights: list[float] = []
    for index, bucket in enumerate(read_list(language, wordlist="small")):
        frequency = wordfreq.cB_to_freq(-index)  # what get_frequency_dict gives the bucket's words
        if frequency:
            buckets.append(bucket)
            bucket_weights.append(min(cap, max(0.0, top - log10(frequency))) ** 2)
    return _bucket_weights(buckets, bucket_weights)


def _bucket_weights(buckets: list[list[str]], weights: list[float]) -> dict[str, float]:
    """Each word of ``buckets`` with its bucket's weight, a word in several buckets with its last one's (as
    one ``dict.update`` per bucket gives): one dict built from all the words at once, in C, each word
    inserted once (a dict per bucket, then its update, inserted each twice: loading the ko and id lists
    took 125 -> 112 M instructions from the sources, 121 -> 106 M compiled).

    >>> _bucket_weights([["the", "of"], ["river", "the"]], [0.0, 9.0])
    {'the': 9.0, 'of': 0.0, 'river': 9.0}
    """
    return dict(zip(itertools.chain.from_iterable(buckets),
                    itertools.chain.from_iterable(map(itertools.repeat, weights, map(len, buckets)))))


def term_specificity(terms: Iterable[str], language: str | None,
                     config: "TopicConfig" = TopicConfig()) -> dict[str, float] | None:
    """Each term's weight: ``min(max_specificity, max(0, common_zipf - zipf)) ** 2``, where
    ``zipf`` is the word's Zipf frequency in ``language`` (log10 of its occurrences per
    billion words; 0 when the list lacks it); ``None`` when there is no word list for the
    language (or ``config.weigh_terms`` is off).

    >>> weights = term_specificity({"said", "river", "ogunjobi"}, "en")
    >>> weights["said"] < 1 < weights["river"] < weights["ogunjobi"] == 16.0
    True
    >>> term_specificity({"river"}, "xx") is None
    True
    """
    top, cap = config.common_zipf - 9, config.max_specificity
    known = _weights(language, top, cap) if config.weigh_terms and language else None
    if known is None:
        return None
    unknown = cap * cap  # a term the list lacks
    terms = list(terms)
    return dict(zip(terms, map(known.get, terms, itertools.repeat(unknown))))  # known.get(term, unknown), in C


def topical_score(terms: set[str], core: Counter[str], own: int = 0,
                  weights: Mapping[str, float] | None = None) -> tuple[float, list[str]]:
    """Share of ``terms`` found in the core, and the shared terms.

    ``own`` is the block's own contribution to each of its terms' core counts
    (1 when the block is part of the core), so it is not compared with itself.
    With ``weights`` (:func:`term_specificity`) the share is of the terms' total
    weight, and the shared terms come most specific first.

    >>> topical_score({"river", "mill", "price"}, Counter({"river": 2, "town": 1}))
    (0.3333, ['river'])
    >>> topical_score({"river", "mill"}, Counter({"river": 2, "mill": 1}), own=1)
    (0.5, ['river'])
    >>> topical_score({"said", "mill", "price"}, Counter({"said": 3}), weights={"said": 0.25, "mill": 6.25, "price": 3.5})
    (0.025, ['said'])
    """
    return _share(terms, sorted([t for t in terms if core.get(t, 0) > own]), weights)


def _share(terms: set[str], shared: list[str], weights: Mapping[str, float] | None) -> tuple[float, list[str]]:
    """:func:`topical_score` of ``terms`` sharing ``shared`` (in alphabetical order) with the reference.

    >>> _share({"said", "mill", "price"}, ["said"], {"said": 0.25, "mill": 6.25, "price": 3.5})
    (0.025, ['said'])
    """
    if weights is not None:
        _most_specific_first(shared, weights.__getitem__)
    return _score(terms, shared, weights), shared


def _score(terms: set[str], shared: Collection[str], weights: Mapping[str, float] | None) -> float:
    """:func:`_share`'s score alone, ``shared`` in any order: the weights are added heaviest first all the
    same (as :func:`_share` orders the terms), so the float sum is the same to the last bit, without
    sorting the terms by name (what :func:`_core_scores` reads of every core block).

    >>> _score({"said", "mill", "price"}, {"said", "mill"}, {"said": 0.25, "mill": 6.25, "price": 3.5})
    0.65
    """
    if weights is None:
        return round(len(shared) / len(terms), 4) if terms else 1.0
    weight = weights.__getitem__
    total = sum(map(weight, terms))
    return round(sum(sorted(map(weight, shared), reverse=True)) / total, 4) if total else 1.0


def _most_specific_first(alphabetical: list[str], weight: Callable[[str], float]) -> None:
    """Sort terms already in alphabetical order by weight, heaviest first, a tie staying
    alphabetical: the order of the key ``(-weight, term)``, by one stable sort on a key taken in C.

    >>> terms = ["apple", "mill", "river"]
    >>> _most_specific_first(terms, {"apple": 1.0, "mill": 4.0, "river": 1.0}.__getitem__); terms
    ['mill', 'apple', 'river']
    """
    alphabetical.sort(key=weight, reverse=True)  # stable, reversed or not: a tie keeps its order


def _unshared(terms: set[str], shared: list[str], weights: Mapping[str, float] | None) -> list[str]:
    """The block's terms not found in the core, most specific first (alphabetical without weights)."""
    rest = sorted(terms.difference(shared))
    if weights is not None:
        _most_specific_first(rest, weights.__getitem__)
    return rest


def _core_indexes(n: int, config: TopicConfig) -> range:
    if n < 5:
        return range(n)
    return range(int(n * config.core_start), max(int(n * config.core_end), 1))


def _edge_runs(n: int, edges: tuple[str, ...]) -> list[tuple[str, range]]:
    runs = {"tail": range(n - 1, -1, -1), "head": range(n)}
    return [(edge, runs[edge]) for edge in ("tail", "head") if edge in edges]


def _judged(terms: set[str], weights: Mapping[str, float] | None, config: TopicConfig) -> bool:
    """Enough distinct content words to judge, and (weighted) not only words of no weight."""
    return len(terms) >= config.min_terms and (weights is None or any(map(weights.__getitem__, terms)))


def _core_scores(terms: list[set[str]], core: Counter[str], core_range: range, config: TopicConfig,
                 weights: Mapping[str, float] | None = None) -> list[float]:
    """How topical the article's own judged core blocks are, leave-one-out (:func:`topical_score` with
    ``own=1``), sorted: the baseline to compare with. What each core block shares with the rest of the
    core is its terms the core counts more than once (:func:`_repeated`), taken in C."""
    repeated = _repeated(core)
    return sorted(_score(terms[k], terms[k] & repeated, weights)
                  for k in core_range if _judged(terms[k], weights, config))


def _repeated(core: Counter[str]) -> set[str]:
    """The terms the core (the title and the core blocks) holds more than once: those a core block shares
    with the rest of the core (:func:`topical_score` with ``own=1``).

    >>> sorted(_repeated(Counter(mill=2, river=2, town=1)))
    ['mill', 'river']
    """
    return {term for term, count in core.items() if count > 1}


class _Judged(NamedTuple):
    """A judged block of an edge run: its index, score, shared terms, and whether it scored at or
    over the threshold and was let into the run as lead-like."""

    k: int
    score: float
    shared: list[str]
    let_in: bool = False
    disjoint: bool = False
    #: Over the threshold, but counted low for naming only what the article never names (:func:`_names_a_new_story`).
    named: str | None = None


def _neighbour_score(k: int, terms: list[set[str]], weights: Mapping[str, float] | None = None) -> float:
    """The :func:`topical_score` of block ``k`` against the blocks right before and after it.

    >>> _neighbour_score(1, [{"river", "mill"}, {"river", "chef"}, {"menu", "wine"}])
    0.5
    """
    near = set().union(*(terms[j] for j in (k - 1, k + 1) if 0 <= j < len(terms)))
    return _score(terms[k], terms[k] & near, weights)  # what topical_score gives against their counts


def _disjoint_from_neighbours(k: int, terms: list[set[str]], weights: Mapping[str, float] | None,
                              config: TopicConfig, limit: float | None = None) -> bool:
    """Block ``k`` shares at most ``limit`` (default ``neighbour_max_score``) with its neighbours
    (:func:`_neighbour_score`); never while ``neighbour_max_score`` is ``None``."""
    if config.neighbour_max_score is None:
        return False
    return _neighbour_score(k, terms, weights) <= (config.neighbour_max_score if limit is None else limit)


def _edge_run(
    order: range, terms: list[set[str]], core: Counter[str], core_range: range, threshold: float, config: TopicConfig,
    weights: Mapping[str, float] | None = None, cues: _CueTable | None = None, refers_back: bool = True,
    texts: list[str] | None = None,
) -> list[_Judged]:
    """From one edge inwards: the judged blocks scoring below ``threshold`` until an on-topic one.

    With ``cues``: one block scoring under ``lead_like_max_score`` that is :func:`lead_like` (and
    does not refer back) is let in when a low-scoring block lies further in; with ``refers_back``
    too (the tail), the run ends before its innermost blocks that refer back to the article
    (:func:`cohesion`): a paragraph right after the article's own text that opens with "It" or
    "But" continues it (unless it shares nothing and opens a story of its own:
    :func:`_opens_own_story`), and so does one naming what the block before it named
    (:func:`_names_what_precedes`); a caption or credit line there before prose leads is the article's
    too (:func:`_caption_before_prose`). (Right before the article, at the head, a block opening with "It"
    continues what precedes it.)
    With ``texts`` too, at the tail a block too short to be judged that does not end as a sentence and
    scores at least the threshold ends the run (:func:`_stranded`: "— 9to5Mac.com (@9to5mac) November 4,
    2019" under the article's own embedded post), a line of the article the run would leave stranded
    between dropped blocks. Off-topic dev split, seeds 0-2: own paragraphs lost 14 -> 7, leads removed
    the same. So does a stretch of more than ``max_stranded_lines`` such lines, whatever they score (an
    article's own ticket box: "VIP : 60,000 won", "Inquiry", a phone number).
    """
    back = cues if refers_back else None  # the cues the run ends by where it refers back (the tail)
    run: list[_Judged] = []
    waiting: list[_Judged] = []
    let_in = 0
    lines = 0  # kept lines in a row too short to judge that do not end as a sentence does
    for k in order:
        if not _judged(terms[k], weights, config):
            if run and back is not None and texts is not None and _stranded(k, terms, texts, core, core_range, threshold, weights):
                break
            lines = lines + 1 if texts is not None and not _sentence_ended(texts[k]) else 0
            if run and back is not None and config.max_stranded_lines is not None and lines > config.max_stranded_lines:
                break
            continue
        lines = 0
        own = int(k in core_range)
        score, shared = topical_score(terms[k], core, own=own, weights=weights)
        if score < threshold:
            run += waiting + [_Judged(k, score, shared)]
            waiting = []
        elif back is not None and texts is not None and (named := _names_a_new_story(k, score, terms, texts, back, core, own,
                                                                          config, weights)):
            run += waiting + [_Judged(k, score, shared, named=named)]
            waiting = []
        elif (cues is not None and let_in < config.max_let_in and score < config.lead_like_max_score
              and not (back is not None and cohesion(cues[k], core, own)) and lead_like(cues[k], core, own)):
            waiting.append(_Judged(k, score, shared, True))
            let_in += 1
        elif (cues is not None and let_in < config.max_let_in and score < config.lead_like_max_score
              and not (back is not None and cohesion(cues[k], core, own)) and _disjoint_from_neighbours(k, terms, weights, config)):
            waiting.append(_Judged(k, score, shared, True, disjoint=True))
            let_in += 1
        else:
            break
    first = next((position for position, item in enumerate(run) if item.disjoint), None)
    if first is not None and not all(
            _disjoint_from_neighbours(item.k, terms, weights, config, config.neighbour_run_score)
            and (item.let_in or item.score <= config.clear_score_fraction * threshold) for item in run[first:]):
        run = run[:first]
    while run and (run[-1].let_in or (back is not None and _refers_back(run[-1], back, core, core_range, config))
                   or (back is not None and texts is not None and _caption_before_prose(run, texts, back, config))
                   or (back is not None and _names_what_precedes(run[-1].k, terms, back) is not None)):
        run.pop()
    first_named = next((position for position, item in enumerate(run) if item.named), None)
    if first_named is not None and back is not None and sum(
            1 for item in run if (not item.named or back[item.k].dateline) and not item.let_in) < config.min_run:
        run = run[:first_named]  # blocks named new count low only beside min_run blocks low by their words
    return run


def _names_what_precedes(k: int, terms: list[set[str]], cues: _CueTable) -> str | None:
    """A name block ``k`` shares with the block right before it (a word of its :attr:`DiscourseCues.name_words`
    and content terms in both), or ``None``: an article's paragraph goes on about what the one before it named
    ("...the embattled Chinese tech company" after "...China's purchases of US farm goods, Chinese state
    media said"); another story's first line names its own people and places. Everyday words shared
    ("hands", "soon") are no such tie, and acronyms of two letters ("US") are no content terms.

    >>> texts = ["Talks on farm goods stalled, Chinese state media said.", "Washington let Huawei buy from Chinese suppliers.",
    ...          "A chef opened a wine bar where Chinese tea is served."]
    >>> terms, cues = [content_terms(text, "en") for text in texts], _LazyCues(texts, "en")
    >>> _names_what_precedes(1, terms, cues), _names_what_precedes(0, terms, cues)
    ('chinese', None)
    """
    if k == 0:
        return None
    shared = set(cues[k].name_words).intersection(cues[k - 1].name_words, terms[k], terms[k - 1])
    return min(shared) if shared else None


def _caption_before_prose(run: list[_Judged], texts: list[str], cues: _CueTable,
                          config: TopicConfig) -> bool:
    """The run's innermost block is a caption, a credit or a label of the article ("Image Source: Neil Godwin /
    Future Publishing/Shutterstock"): it does not end as a sentence does and fewer than
    ``series_min_lower_case_share`` of its words are in lower case, while a block further out is prose (ends as
    a sentence): appended stories' leads are sentences. (A run of headlines alone is left whole.)

    >>> texts = ["Image Source: Neil Godwin / Shutterstock", "LONDON (AP) — Stocks fell as bank shares slid on Monday."]
    >>> cues = _LazyCues(texts, "en")
    >>> run = [_Judged(1, 0.0, []), _Judged(0, 0.0, [])]
    >>> _caption_before_prose(run, texts, cues, TopicConfig()), _caption_before_prose(run[1:], texts, cues, TopicConfig())
    (True, False)
    """
    k = run[-1].k
    return (not _sentence_ended(texts[k]) and cues[k].lower_case_share < config.series_min_lower_case_share
            and any(_sentence_ended(texts[item.k]) for item in run[:-1]))


def _disjoint_series(order: range, terms: list[set[str]], texts: list[str], cues: _CueTable,
                     core: Counter[str], core_range: range, threshold: float, config: TopicConfig,
                     weights: Mapping[str, float] | None) -> list[_Judged]:
    """From the tail inwards: the judged blocks, and the sentences too short to be judged
    (``short_sentence_words``), that each read as prose (:func:`_in_disjoint_series`: ending as a sentence does,
    mostly words in lower case, sharing at most ``series_neighbour_score`` with the blocks beside them), do not
    refer back (:func:`_refers_back`) and score under ``disjoint_series_max_score``; cut at the inner end to
    its innermost block that opens another story (:func:`_opens_series`); ``[]`` under
    ``disjoint_series_blocks`` blocks. Appended stories share nothing with one another, whatever each shares
    with the core: an outermost lead on the article's own subject ("The Steelers spent Monday..." after a
    Steelers game) no longer shields the unrelated ones inside it. An article's own paragraphs mostly share a
    word with the paragraph beside them; where a few in a row do not, the innermost of them still ties to the
    core. (:func:`_peel_round` takes a series only where it leaves the core ``min_core_blocks`` judged blocks:
    the last paragraphs of a four-paragraph article share as little with one another.)

    >>> texts = ["The river mill flooded after the dam broke.", "Rain kept the river mill town under water.",
    ...          "LONDON (AP) — Stocks fell as bank shares slid on Monday.", "A chef opened a wine bar downtown.",
    ...          "The mill town's new dam opens in spring, officials said."]
    >>> terms = [{"river", "mill", "flooded", "dam", "broke"}, {"rain", "river", "mill", "town", "water"},
    ...          {"stocks", "fell", "bank", "shares", "slid"}, {"chef", "opened", "wine", "bar", "downtown"},
    ...          {"mill", "dam", "spring", "officials", "opens"}]
    >>> core = Counter(itertools.chain(*terms[:2]))
    >>> series = _disjoint_series(range(4, -1, -1), terms, texts, _LazyCues(texts, "en"), core, range(2), 0.1,
    ...                           TopicConfig(min_terms=3), None)
    >>> [(item.k, round(item.score, 2)) for item in series]
    [(4, 0.4), (3, 0.0), (2, 0.0)]
    """
    if config.disjoint_series_max_score is None:
        return []
    series: list[_Judged] = []
    named: list[bool] = []  # in the series by the names it gives, sharing a little with its neighbours
    for k in order:
        short_sentence = (terms[k] and config.short_sentence_words is not None
                          and _is_sentence(texts[k], config.short_sentence_words))
        if not _judged(terms[k], weights, config) and not short_sentence:
            if series and _stranded(k, terms, texts, core, core_range, threshold, weights):
                break
            continue
        item = _Judged(k, *topical_score(terms[k], core, own=int(k in core_range), weights=weights))
        form = _in_disjoint_series(k, terms, texts, cues, weights, config) \
            if item.score < config.disjoint_series_max_score else None
        if form is None or _refers_back(item, cues, core, core_range, config):
            break
        series.append(item)
        named.append(form == "named")
    while series and not _opens_series(series[-1], terms, texts, cues, core, core_range, threshold, config, weights):
        series.pop()
    if named[:len(series)].count(False) < config.disjoint_series_blocks:
        series = series[:named.index(True)] if True in named[:len(series)] else series
    return series if len(series) >= config.disjoint_series_blocks else []


def _opens_series(item: _Judged, terms: list[set[str]], texts: list[str], cues: _CueTable,
                  core: Counter[str], core_range: range, threshold: float, config: TopicConfig,
                  weights: Mapping[str, float] | None) -> bool:
    """The innermost block of a :func:`_disjoint_series`, where it meets the article, reads as another
    story's first paragraph: it opens with a dateline (a judged block: on a line too short to judge,
    capitals and a colon are a label, "FTC: We use income earning affiliate links."); or it scores at most
    ``clear_score_fraction`` of the threshold and introduces a name in full the core never mentions
    (:func:`lead_like`) or names only what no block above it names (:func:`new_names`); or, scoring more,
    it names a new story as :func:`_names_a_new_story` has it and none of its capitalised words, a
    sentence's first one too, is capitalised above ("Andrew claims that when he flew Royal Navy
    helicopters...": Prince Andrew's own story). An article's own closing line that shares no word with
    the core names nothing new ("The former pilot may soon be in for more flak.")."""
    own = int(item.k in core_range)
    opening = lead_like(cues[item.k], core, own)
    if opening == "dateline":
        if _judged(terms[item.k], weights, config):
            return True
        opening = None
    if item.score > config.clear_score_fraction * threshold:
        return (_names_a_new_story(item.k, item.score, terms, texts, cues, core, own, config, weights,
                                   config.series_named_neighbour_score or config.series_neighbour_score) is not None
                and not _capitalised_above(item.k, cues[item.k].capitalised, cues, texts))
    return opening is not None or _new_names_above(item.k, cues, texts) is not None


def _names_a_new_story(k: int, score: float, terms: list[set[str]], texts: list[str], cues: _CueTable,
                       core: Counter[str], own: int, config: TopicConfig,
                       weights: Mapping[str, float] | None, neighbours: float = 0.0) -> str | None:
    """Tail block ``k``, scoring at or over the threshold but under ``new_names_max_score``, counts as
    low all the same when it reads as another story's opening by its names, not its words: it names
    only people, places or firms that no block above it names (:func:`new_names`), shares nothing with
    the blocks beside it (:func:`_neighbour_score`) and does not refer back (:func:`cohesion`, or an opening
    definite description of the core's: :func:`_definite_reference`). What it shares with the core is then
    everyday words ("authorities", "warned", "crisis"), not the article's subject. It needs
    ``new_names_min_words`` name words (a publisher's disclaimer names one: "...those of Sputnik."), and it
    goes only beside ``min_run`` blocks low by their words or opening with a dateline (:func:`_edge_run`: a
    site's line and an article's own last paragraph introducing its coach are no run). Its :func:`new_names`
    cue, or ``None``.

    >>> texts = ["The bridge reopened on time.", "Lawmakers in Oslo approved a Norwegian budget for salmon farms.",
    ...          "A chef opened a restaurant downtown."]
    >>> terms = [content_terms(text, "en") for text in texts]
    >>> _names_a_new_story(1, 0.1, terms, texts, _LazyCues(texts, "en"), Counter(budget=2), 0, TopicConfig(), None)
    'new_names:norwegian,oslo'
    >>> texts[1] = "The budget approved in Oslo protects Norwegian salmon farms."
    >>> _names_a_new_story(1, 0.1, terms, texts, _LazyCues(texts, "en"), Counter(budget=2), 0, TopicConfig(), None)
    """
    if config.new_names_max_score is None or score >= config.new_names_max_score \
            or _neighbour_score(k, terms, weights) > neighbours or len(cues[k].name_words) < config.new_names_min_words \
            or cohesion(cues[k], core, own) or _definite_reference(texts[k], core, own):
        return None
    return _new_names_above(k, cues, texts)


_DEFINITE_OPENING: Final = re.compile(r"\W*(?:the|this|these|its|our)\s+((?:[\w’'-]+\s+){0,2}[\w’'-]+)", re.I)


def _definite_reference(text: str, core: Counter[str], own: int = 0) -> str | None:
    """The word of the core a paragraph's opening definite description refers back to ("The all-new
    sedan is set to go on sale...": the article's sedan), within its first three words after "The",
    "This", "These", "Its" or "Our"; ``None`` when there is none.

    >>> _definite_reference("The all-new sedan is set to go on sale in the US.", Counter(sedan=3))
    'sedan'
    >>> _definite_reference("The drama began when Ithaca Holdings bought Big Machine.", Counter(sedan=3)) is None
    True
    """
    found = _DEFINITE_OPENING.match(text)
    if found is None:
        return None
    return next((word for word in found.group(1).lower().split() if core.get(word, 0) > own), None)


def _stranded(k: int, terms: list[set[str]], texts: list[str], core: Counter[str], core_range: range,
              threshold: float, weights: Mapping[str, float] | None) -> bool:
    """Block ``k``, too short to be judged, would be left stranded by a run going past it: a line that
    does not end as a sentence does (a caption, an attribution, a label; a short sentence goes with the
    run: :func:`_short_sentences`) and scores at least ``threshold`` against the core."""
    if not terms[k] or _sentence_ended(texts[k]):
        return False
    return topical_score(terms[k], core, own=int(k in core_range), weights=weights)[0] >= threshold


def _opens_own_story(item: _Judged, cues: _CueTable, core: Counter[str], own: int,
                     config: TopicConfig) -> bool:
    """The block shares at most ``lead_over_cohesion_score`` with the core and is :func:`lead_like`:
    another story's first paragraph, even when its first word refers back."""
    return (config.lead_over_cohesion_score is not None and item.score <= config.lead_over_cohesion_score
            and lead_like(cues[item.k], core, own) is not None)


def _refers_back(item: _Judged, cues: _CueTable, core: Counter[str], core_range: range,
                 config: TopicConfig) -> bool:
    """The block at a tail run's inner end continues the article: it has a :func:`cohesion` cue
    and does not open a story of its own (:func:`_opens_own_story`), or it holds a phrase that ties
    it back (``refers:``: "also", "didn't immediately respond"), whatever names it introduces."""
    own = int(item.k in core_range)
    marker = cues[item.k].marker
    if marker is not None and item.k > 0 and cues[item.k - 1].marker == marker:
        return True
    tie = cohesion(cues[item.k], core, own)
    return tie is not None and (tie.startswith("refers:") or not _opens_own_story(item, cues, core, own, config))


def _single_dateline(run: list[_Judged], terms: list[set[str]], cues: _CueTable | None, core: Counter[str],
                     core_range: range, threshold: float, config: TopicConfig,
                     weights: Mapping[str, float] | None) -> bool:
    """A run of one block that may go all the same: ``single_dateline_run`` is on and the block opens
    with a dateline and scores at most ``clear_score_fraction`` of the threshold, both against the
    core and against all the other blocks (a word of the article outside its core ties it too)."""
    if not config.single_dateline_run or cues is None or len(run) != 1:
        return False
    item, limit = run[0], config.clear_score_fraction * threshold
    if item.score > limit or lead_like(cues[item.k], core, int(item.k in core_range)) != "dateline":
        return False
    return topical_score(terms[item.k], _terms_outside(terms, {item.k}), weights=weights)[0] <= limit


def _is_sentence(text: str, min_words: int) -> bool:
    """At least ``min_words`` words, ending with . ! or ? (a closing quote or bracket may follow).

    >>> _is_sentence("A half century on, the band is still touring.", 6), _is_sentence("Read more", 6)
    (True, False)
    """
    return len(text.split()) >= min_words and _sentence_ended(text)


def _short_sentences(run: list[_Judged], order: range, terms: list[set[str]], texts: list[str] | None,
                     core: Counter[str], core_range: range, threshold: float, config: TopicConfig,
                     weights: Mapping[str, float] | None) -> list[_Judged]:
    """The blocks between the edge and the run's inner end too short to be judged that read as a
    sentence (``short_sentence_words``) with at least one content word and score under the threshold."""
    if not run or texts is None or config.short_sentence_words is None:
        return []
    inner, taken, found = run[-1].k, {item.k for item in run}, []
    for k in order:
        if k == inner:
            break
        if k in taken or not terms[k] or _judged(terms[k], weights, config) \
                or not _is_sentence(texts[k], config.short_sentence_words):
            continue
        score, shared = topical_score(terms[k], core, own=int(k in core_range), weights=weights)
        if score < threshold:
            found.append(_Judged(k, score, shared))
    return found


def _terms_outside(terms: list[set[str]], group: set[int]) -> Counter[str]:
    """The content terms of all the blocks but those of ``group``, counted by block.

    >>> _terms_outside([{"river", "mill"}, {"chef"}, {"river"}], {1})
    Counter({'river': 2, 'mill': 1})
    """
    rest: Counter[str] = Counter()
    for k, block_terms in enumerate(terms):
        if k not in group:
            rest.update(block_terms)
    return rest


def _inside(k: int, order: range) -> int | None:
    """The block right after ``k`` in the edge's ``order`` (further in), ``None`` at its end.

    >>> _inside(5, range(5, -1, -1)), _inside(0, range(5, -1, -1))
    (4, None)
    """
    position = order.index(k)
    return order[position + 1] if position + 1 < len(order) else None


def _sentence_inside(run: list[_Judged], order: range, terms: list[set[str]], texts: list[str] | None,
                     cues: _CueTable | None, config: TopicConfig,
                     weights: Mapping[str, float] | None) -> list[_Judged]:
    """The kept block right inside a run of at least ``min_run`` judged blocks, when it is a sentence too short
    to be judged ("Good morning! This is the tech news you need to know this Tuesday.") that shares at most
    ``lone_sentence_score`` with the rest of the article (all the blocks but the run's and its own) and does not
    refer back (:func:`cohesion`): another story's short first line. ``[]`` when there is none."""
    if len(run) < config.min_run or texts is None or cues is None or config.short_sentence_words is None \
            or config.lone_sentence_score is None:
        return []
    inside = _inside(run[-1].k, order)
    if inside is None or not terms[inside] or _judged(terms[inside], weights, config) \
            or not _is_sentence(texts[inside], config.short_sentence_words):
        return []
    rest = _terms_outside(terms, {inside, *(item.k for item in run)})
    score, shared = topical_score(terms[inside], rest, weights=weights)
    if score > config.lone_sentence_score or cohesion(cues[inside], rest) or cues[inside].dateline:
        return []  # a label line opens with capitals and a colon as a dateline does ("FTC: We use affiliate links.")
    return [_Judged(inside, score, shared)]


def _lone_sentences(run: list[_Judged], short: list[_Judged], order: range, terms: list[set[str]],
                    texts: list[str] | None, cues: _CueTable | None, threshold: float, config: TopicConfig,
                    weights: Mapping[str, float] | None) -> list[_Judged]:
    """A tail run of one judged block that goes all the same, with the short sentences next to it: those
    between it and the edge (``short``), and the kept block right inside it when that is one too. Each
    sentence shares at most ``lone_sentence_score`` with the rest of the article, the judged block at most
    ``clear_score_fraction`` of the threshold (against all the blocks but these), and none refers back
    (:func:`cohesion`: "Her last day is April 1."): short stories' first lines, where an article's
    closing line names something of the article. A sentence inside that fails stays and the rest is
    judged without it. ``[]`` when they do not go."""
    if len(run) != 1 or texts is None or config.short_sentence_words is None or config.lone_sentence_score is None:
        return []
    inside = _inside(run[0].k, order)
    tries = [short]
    if inside is not None and terms[inside] and not _judged(terms[inside], weights, config) \
            and _is_sentence(texts[inside], config.short_sentence_words):
        tries.insert(0, [*short, _Judged(inside, 0.0, [])])
    for found in tries:
        scored = _lone_group(run[0].k, found, terms, cues, threshold, config, weights) if found else None
        if scored:
            return scored
    return []


def _lone_group(judged: int, sentences: list[_Judged], terms: list[set[str]], cues: _CueTable | None,
                threshold: float, config: TopicConfig, weights: Mapping[str, float] | None) -> list[_Judged] | None:
    """The ``sentences`` scored against the rest of the article when they and the ``judged`` block
    meet :func:`_lone_sentences`' conditions, else ``None``. A block that refers back but shares
    nothing with the rest and introduces a name of its own (:func:`lead_like`) opens another story
    (a lead opening with a quote: "..." says Jack Buser)."""
    group = {judged, *(item.k for item in sentences)}
    rest = _terms_outside(terms, group)
    judged_score = topical_score(terms[judged], rest, weights=weights)[0]
    if judged_score > config.clear_score_fraction * threshold:
        return None
    scored = [_Judged(item.k, *topical_score(terms[item.k], rest, weights=weights)) for item in sentences]
    limit = config.lone_sentence_score
    assert limit is not None  # asked only with one (:func:`_lone_sentences`)
    if any(item.score > limit for item in scored):
        return None
    scores = {judged: judged_score, **{item.k: item.score for item in scored}}
    if cues is not None and any(cohesion(cues[k], rest) and not (scores[k] == 0.0 and lead_like(cues[k], rest))
                                for k in group):
        return None
    return scored


def _new_names_above(k: int, cues: _CueTable, texts: list[str] | None) -> str | None:
    """:func:`new_names` of block ``k`` against the capitalised words of all the blocks above it."""
    if texts is None or not cues[k].name_words or _capitalised_above(k, cues[k].name_words, cues, texts):
        return None
    return new_names(cues[k], frozenset())  # none of its names is capitalised above


def _capitalised_above(k: int, words: Iterable[str], cues: _CueTable, texts: list[str]) -> bool:
    """Some of ``words`` is capitalised in the texts above block ``k``: among the :func:`capitalised_words` (any
    language) of those texts joined, which are those of each text together (no match reaches over a line
    break, and a text's edges look the same to the patterns as a line break): with :class:`_LazyCues`, text by
    text from the nearest up (:meth:`_LazyCues.capitalised_above`)."""
    if isinstance(cues, _LazyCues):
        return cues.capitalised_above(k, words)
    return not capitalised_words("\n".join(texts[:k]), None).isdisjoint(words)


def _isolated_leads(terms: list[set[str]], cues: _CueTable | None, edges: tuple[str, ...],
                    config: TopicConfig, weights: Mapping[str, float] | None, baseline: float | None,
                    core_blocks: int, texts: list[str] | None = None) -> dict[int, dict]:
    """Where the core gives no verdict (too few judged blocks, no common subject, or a run would take
    too much of it: :func:`_leaves_core`), a tail run of at least ``min_run`` judged blocks, each
    scoring at most ``isolated_lead_score`` against all the blocks above it (``reference:
    blocks_above``: what lies further out is not compared, so two appended stories sharing a word do
    not protect each other), opening a story of its own (:func:`lead_like` against those blocks), not
    tying back to them (:func:`_ties_back`: a cohesion cue counts only with something shared) and reading
    as prose (:func:`_prose`: a list of names or a caption is no story's first line): other stories'
    first lines appended to an article whose paragraphs share little with one another. The first block
    is never taken: the article opens there, and a one-paragraph article has nothing else to judge its
    leads by (without the prose condition, a real page's list of singers went with it). A block without a
    lead's cue, or with a dateline or a name in full and scoring under ``lead_like_max_score``, goes too when a
    lead opening with a dateline or introducing a name in full lies right inside it (``max_let_in`` such
    blocks in a row; evidence ``let_in_by: lead_inside``): the run needs ``min_run``
    lead-like blocks all the same (with new names alone as the lead inside, a real page's own paragraph
    went: "Gaming used to be so simple..." naming "PC"). Short
    sentences too short to be judged (``short_sentence_words``) between the edge and the run's inner end
    go with it when they score at most ``isolated_lead_score`` too (evidence ``judged: false``). ``{}`` when
    there is none (or the setting is ``None``).

    >>> terms = [{"bike", "manual", "review"}, {"honda", "engine", "manual"}, {"repair", "bike", "tools"},
    ...          {"nadal", "spain", "doubles", "tennis", "comeback", "madrid"},
    ...          {"pig", "traffic", "highway", "volunteers", "trailer", "honolulu"}]
    >>> cues = [DiscourseCues()] * 3 + [DiscourseCues(dateline=True)] * 2
    >>> sorted(_isolated_leads(terms, cues, ("tail",), TopicConfig(min_terms=3), None, None, 0))
    [3, 4]
    """
    if config.isolated_lead_score is None or cues is None or "tail" not in edges:
        return {}
    above: Counter[str] = Counter(itertools.chain.from_iterable(terms))
    run: list[tuple[int, float, list[str]]] = []
    short: list[tuple[int, float, list[str]]] = []
    waiting: list[tuple[int, float, list[str]]] = []
    leads: dict[int, str] = {}
    ties: dict[int, str | None] = {}
    opening: dict[int, str | None] = {}
    let_in: set[int] = set()
    for k in range(len(terms) - 1, 0, -1):
        above.subtract(terms[k])
        if not _judged(terms[k], weights, config):
            if terms[k] and texts is not None and config.short_sentence_words is not None \
                    and _is_sentence(texts[k], config.short_sentence_words):
                score, shared = topical_score(terms[k], above, weights=weights)
                if score <= config.isolated_lead_score:
                    short.append((k, score, shared))
            continue
        score, shared = topical_score(terms[k], above, weights=weights)
        lead = lead_like(cues[k], above) or (_new_names_above(k, cues, texts) if config.isolated_new_names else None)
        tie = cohesion(cues[k], above)
        if _ties_back(tie, score, config) or (texts is not None and not _prose(texts[k], cues[k], config)):
            break
        strong = lead is not None and (lead == "dateline" or lead.startswith("introduces:"))
        if lead is None or score > config.isolated_lead_score:
            # let in before a strong lead further in: no cue but low, or a strong cue a little over the score
            if len(waiting) >= config.max_let_in or (lead is not None and not strong) \
                    or score > (config.isolated_lead_score if lead is None else config.lead_like_max_score):
                break
            waiting.append((k, score, shared))
            ties[k], opening[k] = tie, lead
            continue
        if waiting and not strong:
            break
        run.extend(waiting)
        let_in.update(item[0] for item in waiting)
        waiting = []
        run.append((k, score, shared))
        leads[k], ties[k], opening[k] = lead, tie, lead
    if len(leads) < config.min_run:
        return {}
    inner = run[-1][0]
    return {k: {"rule": "isolated_leads", "score": score, "threshold": config.isolated_lead_score,
                "core_median": baseline, "core_blocks": core_blocks, "reference": "blocks_above",
                "shared_terms": shared[:8], "unshared_terms": _unshared(terms[k], shared, weights)[:5],
                "terms": len(terms[k]), "position": "tail", "run": len(run), "judged": _judged(terms[k], weights, config),
                "cohesion": ties.get(k), "lead_like": opening.get(k), "let_in": k in let_in,
                "let_in_by": "lead_inside" if k in let_in else None,
                "opens_own_story": k in leads, "neighbour_score": _neighbour_score(k, terms, weights)}
            for k, score, shared in run + [item for item in short if item[0] > inner]}


def _ties_back(tie: str | None, score: float, config: TopicConfig) -> bool:
    """A lead-like block's :func:`cohesion` cue ``tie`` ties it to the text above: a phrase that refers back
    always does; an opening pronoun or a surname only while the block shares more than
    ``lead_over_cohesion_score`` with it (a lead opening "It's because..." that shares nothing and names a
    story of its own does not)."""
    if tie is None:
        return False
    return tie.startswith("refers:") or config.lead_over_cohesion_score is None or score > config.lead_over_cohesion_score


def _names_only_new_names(k: int, cues: _CueTable, texts: list[str], config: TopicConfig) -> bool:
    """Block ``k`` names at least ``new_names_min_words`` name words, none of them capitalised in the blocks
    above it (:func:`new_names`): another story's people and places."""
    return len(cues[k].name_words) >= config.new_names_min_words and _new_names_above(k, cues, texts) is not None


def _sentence_naming_new_names(k: int, cues: _CueTable, texts: list[str], config: TopicConfig) -> bool:
    """Block ``k`` ends as a sentence and names only new names (:func:`_names_only_new_names`): another story's
    first sentence, for :func:`_unrelated_series`."""
    return _sentence_ended(texts[k]) and _names_only_new_names(k, cues, texts, config)


def _prose(text: str, cues: _CueFields, config: TopicConfig) -> bool:
    """The block ends as a sentence does and at least ``series_min_lower_case_share`` of its words are in
    lower case: a paragraph of prose, not a list of names, a citation or a caption."""
    return _sentence_ended(text) and cues.lower_case_share >= config.series_min_lower_case_share


def _in_disjoint_series(k: int, terms: list[set[str]], texts: list[str], cues: _CueTable,
                        weights: Mapping[str, float] | None, config: TopicConfig) -> str | None:
    """How block ``k`` may stand in a series of appended stories (:func:`_disjoint_series`) by its form: prose,
    ending as a sentence does, with ``series_min_lower_case_share`` of its words in lower case, that shares at
    most ``series_neighbour_score`` with the blocks beside it (:func:`_neighbour_score`): ``"disjoint"``; or
    shares at most ``series_named_neighbour_score`` and opens with a dateline or names only names no block above
    it names (``new_names_min_words`` words at least: :func:`new_names`): ``"named"``, another story's lead
    sharing an everyday word or two ("a couple of big name US politicians"). ``None`` when it may not.

    >>> texts = ["A chef opened a wine bar in the old town.", "Stocks fell as the shares of banks slid.",
    ...          "Jane Roe; Painter of Harbours; Western Courier (Galway); Feb 14, 2006."]
    >>> terms = [content_terms(text, "en") for text in texts]
    >>> [_in_disjoint_series(k, terms, texts, _LazyCues(texts, "en"), None, TopicConfig()) for k in range(3)]
    ['disjoint', 'disjoint', None]
    >>> texts[1] = "Stocks of wine makers fell as the shares of Lloyds and Barclays slid."
    >>> terms = [content_terms(text, "en") for text in texts]
    >>> [_in_disjoint_series(k, terms, texts, _LazyCues(texts, "en"), None, config)
    ...  for config in (TopicConfig(), TopicConfig(series_named_neighbour_score=0.2)) for k in range(2)]
    [None, None, None, 'named']
    """
    if not _prose(texts[k], cues[k], config):
        return None
    shared = _neighbour_score(k, terms, weights)
    if shared <= config.series_neighbour_score:
        return "disjoint"
    if (config.series_named_neighbour_score is not None and shared <= config.series_named_neighbour_score
            and (cues[k].dateline or _names_only_new_names(k, cues, texts, config))):
        return "named"
    return None


def _leaves_core(run: list[_Judged], core_range: range, core_blocks: int, config: TopicConfig) -> bool:
    """Taking the run leaves the core at least ``min_core_blocks`` of its ``core_blocks`` judged blocks,
    or the core is the whole article (under five blocks: two appended stories can be half of it). A
    run reaching so far into a small core judges a paragraph against the two or so left of it: no
    reference, as without a verdict (off-topic dev split 365 -> 361 leads removed, own paragraphs lost
    9 -> 8; a review's gold last paragraph kept in its HTML page and text dump, a gold snippet of
    lavazza.de)."""
    inside = sum(1 for item in run if item.k in core_range)
    return not inside or core_blocks - inside >= config.min_core_blocks or core_range.start == 0


def _peel_round(
    remaining: list[int], terms: list[set[str]], title_terms: set[str], config: TopicConfig, edges: tuple[str, ...],
    weights: Mapping[str, float] | None = None, cues: _CueTable | None = None,
    texts: list[str] | None = None,
) -> dict[int, dict]:
    """One judgement of the ``remaining`` blocks (indexes into ``terms``): their edge runs, with evidence."""
    local = [terms[k] for k in remaining]
    local_texts = [texts[k] for k in remaining] if texts is not None else None
    local_cues = (cues.view(remaining) if isinstance(cues, _LazyCues) else [cues[k] for k in remaining]) \
        if cues is not None else None
    core_range = _core_indexes(len(local), config)
    core: Counter[str] = Counter(itertools.chain(title_terms, *(local[k] for k in core_range)))  # one update
    core_scores = _core_scores(local, core, core_range, config, weights)
    baseline = core_scores[len(core_scores) // 2] if core_scores else None
    if baseline is None or len(core_scores) < config.min_core_blocks or baseline < config.min_core_median:
        return {remaining[k]: evidence for k, evidence in
                _isolated_leads(local, local_cues, edges, config, weights, baseline, len(core_scores),
                                           local_texts).items()}
    if weights is None:
        ceiling, relative = config.max_off_topic_score, config.relative_threshold
    else:
        ceiling, relative = config.weighted_max_off_topic_score, config.weighted_relative_threshold
    threshold = round(min(ceiling, relative * baseline), 4)
    verdicts: dict[int, dict] = {}
    for position, order in _edge_runs(len(local), edges):
        run = [item for item in _edge_run(order, local, core, core_range, threshold, config, weights, local_cues,
                                          refers_back=position == "tail", texts=local_texts)
               if remaining[item.k] not in verdicts]
        by_series = False
        if position == "tail" and local_cues is not None and local_texts is not None:
            series = [item for item in _disjoint_series(order, local, local_texts, local_cues, core, core_range,
                                                        threshold, config, weights)
                      if remaining[item.k] not in verdicts]
            inside = sum(1 for item in series if item.k in core_range)
            by_series = len(series) > len(run) and (not inside or len(core_scores) - inside >= config.min_core_blocks)
            if by_series:
                run = series
        if not _leaves_core(run, core_range, len(core_scores), config):
            if position == "tail":  # no reference left to judge it by: as without a verdict
                isolated = _isolated_leads(local, local_cues, edges, config, weights, baseline, len(core_scores),
                                           local_texts)
                verdicts.update({remaining[k]: evidence for k, evidence in isolated.items()})
            continue
        short = _short_sentences(run, order, local, local_texts, core, core_range, threshold, config, weights)
        if position == "tail":
            short += _sentence_inside(run, order, local, local_texts, local_cues, config, weights)
        rule = "disjoint_series" if by_series else None
        if len(run) < config.min_run:
            if position == "tail" and _single_dateline(run, local, local_cues, core, core_range, threshold, config,
                                                       weights):
                rule = "single_dateline"
            else:
                short = _lone_sentences(run, short, order, local, local_texts, local_cues, threshold, config, weights)
                if not short:
                    continue
                rule = "single_with_sentences"
        judged = sum(1 for item in run if _judged(local[item.k], weights, config))
        for k, score, shared, let_in, disjoint, named in run + short:
            own = int(k in core_range)
            verdicts[remaining[k]] = {
                **({"rule": rule} if rule else {"rule": "new_names", "names": named} if named else {}),
                "score": score, "threshold": threshold, "core_median": baseline,
                "shared_terms": shared[:8], "unshared_terms": _unshared(local[k], shared, weights)[:5],
                "terms": len(local[k]), "position": position, "run": judged,
                "judged": _judged(local[k], weights, config),
                "reference": "title+core" if title_terms else "core",
                "cohesion": cohesion(local_cues[k], core, own) if local_cues is not None and position == "tail" else None,
                "lead_like": lead_like(local_cues[k], core, own) if local_cues is not None else None,
                "let_in": let_in, "let_in_by": ("neighbours" if disjoint else "lead_like") if let_in else None,
                "opens_own_story": local_cues is not None and position == "tail"
                and _opens_own_story(_Judged(k, score, shared), local_cues, core, own, config),
                "neighbour_score": _neighbour_score(k, local, weights),
            }
    return verdicts


def peel_edges(terms: list[set[str]], title_terms: set[str], config: TopicConfig = TopicConfig(),
               edges: tuple[str, ...] = ("tail", "head"),
               weights: Mapping[str, float] | None = None,
               cues: _CueTable | None = None,
               texts: list[str] | None = None) -> dict[int, dict]:
    """Edge runs judged again on what is left, until a judgement removes nothing: a fixed point.
    (``texts``: the blocks' texts, for the short sentences a run takes along: :func:`_short_sentences`.)

    Removing a run moves the article's core inwards, which can expose the next
    run; peeling here, in one pass, means cleaning the result again finds
    nothing more to remove. Each verdict records its ``round`` (1 = first).

    >>> story = [{"river", "mill", "town", "flood", "rain", "dam"}] * 4
    >>> promo = [{"chef", "menu", "wine", "dinner", "kitchen", "table"}] * 2
    >>> stocks = [{"shares", "index", "market", "trading", "prices", "bank"}] * 2
    >>> sorted((k, v["round"]) for k, v in peel_edges(story + promo + stocks, set()).items())
    [(4, 2), (5, 2), (6, 1), (7, 1)]
    """
    verdicts: dict[int, dict] = {}
    remaining = list(range(len(terms)))
    for round_number in range(1, len(terms) + 1):
        if len(remaining) < 3:
            break
        found = _peel_round(remaining, terms, title_terms, config, edges, weights, cues, texts)
        if not found:
            break
        verdicts.update({k: {**evidence, "round": round_number} for k, evidence in found.items()})
        remaining = [k for k in remaining if k not in found]
    return verdicts


def _unrelated_series(found: dict[int, dict], config: TopicConfig,
                      names_a_story: Callable[[int], bool] | None = None) -> bool:
    """At least ``series_blocks`` judged blocks at the tail, each sharing nothing with its neighbours
    (evidence ``neighbour_score``), the innermost one, where the series meets the article, clearly
    unrelated (:func:`_clearly_unrelated`): a series of other stories appended. Blocks sharing up to
    ``series_named_neighbour_score`` (an everyday word or two: "hands", "soon") make one too when the
    innermost block, by ``names_a_story``, reads as another story's first sentence (an article's own list
    item sharing nothing does not). A :func:`_disjoint_series` is one by its rule.

    >>> verdict = {"judged": True, "neighbour_score": 0.0, "position": "tail", "score": 0.0, "threshold": 0.08}
    >>> _unrelated_series(dict.fromkeys(range(3), verdict), TopicConfig()), _unrelated_series({0: verdict}, TopicConfig())
    (True, False)
    >>> _unrelated_series({0: {**verdict, "score": 0.05}, 1: verdict, 2: verdict}, TopicConfig())
    False
    >>> near = {0: {**verdict, "neighbour_score": 0.02}, 1: verdict, 2: verdict}
    >>> _unrelated_series(near, TopicConfig()), _unrelated_series(near, TopicConfig(), lambda k: k == 0)
    (False, True)
    """
    if config.series_blocks is None or len(found) < config.series_blocks:
        return False
    if all(v.get("rule") == "disjoint_series" for v in found.values()):
        return True
    innermost = min(found)
    limit = config.series_named_neighbour_score \
        if config.series_named_neighbour_score is not None and names_a_story is not None \
        and names_a_story(innermost) else 0.0
    return all(v["judged"] and v["neighbour_score"] <= limit and v["position"] == "tail" for v in found.values()) \
        and _clearly_unrelated(found[innermost], config)


def _clearly_unrelated(verdict: dict, config: TopicConfig) -> bool:
    """The block scores at most ``clear_score_fraction`` of its threshold, or opens with a dateline."""
    return verdict["score"] <= config.clear_score_fraction * verdict["threshold"] or verdict.get("lead_like") == "dateline"


def _budget(found: dict[int, dict], share: float, config: TopicConfig,
            names_a_story: Callable[[int], bool] | None = None, prose: Callable[[int], bool] | None = None) -> float | None:
    """The largest share of the text these verdicts may take that they fit in: ``max_removed_share``,
    or ``clear_max_removed_share`` when every block is clearly unrelated (scores at most
    ``clear_score_fraction`` of its threshold, or opens with a dateline: another story's first line),
    or when they are a series of blocks sharing nothing with their neighbours (:func:`_unrelated_series`, with
    ``names_a_story``); but beyond ``max_removed_share`` only when their innermost judged block is prose by
    ``prose`` (ends as a sentence): where a long run meets the article with a line that is no sentence, that
    line is the article's own list item or caption ("Additional quizzes, surprises and bonuses"), and the run
    reached into the article. ``None`` when they fit in neither."""
    if share <= config.max_removed_share:
        return config.max_removed_share
    if config.isolated_max_removed_share is not None and share <= config.isolated_max_removed_share \
            and all(v.get("rule") == "isolated_leads" for v in found.values()):
        return config.isolated_max_removed_share
    innermost = min((k for k, v in found.items() if v["judged"]), default=None)
    if prose is not None and innermost is not None and not prose(innermost):
        return None
    clear = all(_clearly_unrelated(v, config) for v in found.values()) or _unrelated_series(found, config,
                                                                                           names_a_story)
    return config.clear_max_removed_share if clear and share <= config.clear_max_removed_share else None


def _ends_as_sentence(texts: list[str], k: int) -> bool:
    """Block ``k`` ends with . ! or ? (a closing quote or bracket may follow).

    >>> _ends_as_sentence(["Stocks fell on Monday.", "Additional quizzes, surprises and bonuses"], 1)
    False
    """
    return _sentence_ended(texts[k])


def _clear_outer_part(found: dict[int, dict], config: TopicConfig, prose: Callable[[int], bool] | None = None) -> dict[int, dict]:
    """The tail verdicts from the edge inwards while each judged block is clearly unrelated
    (:func:`_clearly_unrelated`) and shares nothing with the blocks beside it (evidence
    ``neighbour_score``): other stories appended, where the whole run would take too much of the
    article (its own last paragraphs going with them); it ends before a judged block that is no prose by
    ``prose`` (an own list item). ``{}`` with fewer than ``min_run`` judged blocks."""
    part: dict[int, dict] = {}
    judged = 0
    for k in sorted((k for k, v in found.items() if v["position"] == "tail"), reverse=True):
        verdict = found[k]
        if verdict["judged"]:
            if not _clearly_unrelated(verdict, config) or verdict["neighbour_score"] > 0.0 \
                    or (prose is not None and not prose(k)):
                break
            judged += 1
        part[k] = verdict
    return part if judged >= config.min_run else {}


def mark_off_topic(
    blocks: Iterable[Block], title: str | None, language: str | None, config: TopicConfig = TopicConfig(),
    layout: str = "text",
) -> list[Block]:
    """Mark edge runs of low-scoring kept blocks dropped with reason ``off_topic``.

    A block is low when its score is under both ``max_off_topic_score`` and
    ``relative_threshold`` times the median score of the core's own blocks
    (their ``weighted_`` counterparts when the terms are weighted by
    :func:`term_specificity`, evidence ``weights``: ``"wordfreq:<language>"``); a
    run counts only with at least ``min_run`` such blocks (one odd closing
    paragraph is the author's, a string of them is appended material). Where
    the document language has :data:`DISCOURSE_MARKERS` (evidence ``discourse``),
    a tail run ends before its innermost blocks that refer back to the article
    unless they share nothing and open a story of their own (evidence ``opens_own_story``),
    and lets in one lead-like block over the threshold (:func:`_edge_run`;
    evidence ``cohesion``, ``lead_like``, ``let_in``); a run of one block goes when it opens with
    a dateline and scores at most ``clear_score_fraction`` of the threshold (``single_dateline_run``;
    at the tail only: at the head a dateline opens the article itself). Blocks too short to judge
    that read as a sentence and score under the threshold go with the run they lie in
    (``short_sentence_words``; evidence ``judged: false``; ``run`` counts judged blocks), and a tail
    run of one judged block goes with the short sentences beside it when none shares anything with
    the rest (``lone_sentence_score``; evidence ``rule: single_with_sentences``). A block sharing
    nothing with its neighbours is let in like a lead-like one (``neighbour_max_score``; evidence
    ``let_in_by``, ``neighbour_score``). Where the core gives no verdict (too few judged blocks, no
    common subject, or a run would leave it under ``min_core_blocks``), a tail run of lead-like blocks
    sharing at most ``isolated_lead_score`` with the blocks above them goes (evidence ``rule:
    isolated_leads``, ``reference: blocks_above``; a block naming only names the blocks above never name is
    lead-like there: ``lead_like: new_names:...``). A tail block over the threshold that names only new names
    and shares nothing with its neighbours counts low beside ``min_run`` low blocks (evidence ``rule:
    new_names``, ``names``: :func:`_names_a_new_story`). A tail series of prose blocks each sharing nothing
    with its neighbours, the innermost opening another story, goes even where outer blocks score over the
    threshold (evidence ``rule: disjoint_series``: :func:`_disjoint_series`). A tail run ends before a paragraph tying back
    (``refers:`` cues, a round-up item's marker) and at a kept line it would strand. A head run
    is judged without cohesion: a block there that opens with "It" continues what
    precedes it, not the article. Runs
    are peeled to a fixed point (:func:`peel_edges`) at both edges in the
    layouts of ``head_layouts`` (a text dump), else at the tail. If together
    they exceed ``max_removed_share`` of the kept characters (or
    ``clear_max_removed_share`` when every block scores at most
    ``clear_score_fraction`` of its threshold or opens with a dateline, or ``series_blocks`` or more
    blocks share nothing with their neighbours, ``isolated_max_removed_share`` for isolated leads;
    evidence ``budget``), their clearly unrelated outer part alone is tried (evidence ``outer_part_of``),
    then the tail alone, and if that is still too much nothing is removed. Either way the
    kept blocks are a fixed point of the tail alone, which is what cleaning
    the output again (text cut into paragraphs) judges.
    """
    out = list(blocks)
    kept_index = kept_indexes(out)
    kept = [out[i] for i in kept_index]
    if len(kept) < 3:
        return out
    terms = [content_terms(b.text, language) for b in kept]
    title_terms = content_terms(title or "", language) if config.use_title else set()
    weights = term_specificity(set().union(title_terms, *terms), language, config)
    discourse = language if config.use_discourse and language in DISCOURSE_MARKERS else None
    texts = [b.text for b in kept]
    cues = _LazyCues(texts, discourse) if discourse else None
    signals = {"weights": f"wordfreq:{language}" if weights is not None else None, "discourse": discourse}
    total = sum(map(len, texts))
    names_a_story = functools.partial(_sentence_naming_new_names, cues=cues, texts=texts, config=config) \
        if cues is not None else None
    prose = functools.partial(_ends_as_sentence, texts)
    tries = [("tail", "head"), ("tail",)] if layout in config.head_layouts else [("tail",)]
    verdicts: dict[int, dict] = {}
    budget = None
    for edges in tries:
        outer_part_of = None
        found = peel_edges(terms, title_terms, config, edges, weights, cues, texts)
        budget = _budget(found, sum(len(kept[k].text) for k in found) / total if total else 0.0, config,
                         names_a_story, prose)
        if budget is None:
            outer = _clear_outer_part(found, config, prose)
            budget = _budget(outer, sum(len(kept[k].text) for k in outer) / total if total else 0.0, config,
                             prose=prose) if outer else None
            found, outer_part_of = outer, len(found)
        if budget is not None:
            verdicts = found
            break
    for k, evidence in sorted(verdicts.items()):
        part = {} if outer_part_of is None else {"outer_part_of": outer_part_of}
        out[kept_index[k]] = kept[k].drop(STEP, Reason.OFF_TOPIC, **evidence, **signals, budget=budget, **part)
    return out
