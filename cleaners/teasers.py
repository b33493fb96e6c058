"""Blocks of unrelated-story teasers: "News" / "Related" / "Most read" sections made
of headline + truncated-summary pairs, or of headline lists, removed as a unit.

>>> from cleaners.types import Block
>>> blocks = [Block("The article's last paragraph ends here, properly and with a full stop."), Block("News"),
...     Block("Storm Hits the Coast Overnight"), Block("Residents woke to flooded streets after a night of heavy…"),
...     Block("Council Votes on New Budget"), Block("The city council met on Tuesday to discuss the spending plan that…")]
>>> [b.decision.evidence["rule"] if b.decision else "kept" for b in mark_teasers(blocks)]
['kept', 'section_label', 'headline_summary_run', 'headline_summary_run', 'headline_summary_run', 'headline_summary_run']
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any, Callable, Final, Iterable, NamedTuple

from .boilerplate import announces_list
from .types import Block, BlockType, Reason, ends_with, ends_with_mark, kept_indexes

__all__ = ["TeaserConfig", "is_truncated", "is_teaser_headline", "is_section_label", "is_related_link",
           "starts_with_headline", "mark_teasers"]

STEP: Final = "teasers"


class TeaserConfig(NamedTuple):
    #: Headline + summary pairs needed for a run without a section label.
    min_pairs: int = 2
    #: Headline + summary pairs needed when a section label precedes the run.
    min_pairs_with_label: int = 1
    #: Headlines needed in a list that follows a "related stories" label.
    min_listed_headlines: int = 2
    headline_max_words: int = 30
    label_max_words: int = 6
    #: Consecutive title-cased headlines (of at least ``headline_min_words``) that form an
    #: unlabelled list of other stories: an article never stacks this many headings.
    min_headline_run: int = 3
    headline_min_words: int = 4
    #: Input layouts the unlabelled headline-list rule applies to: a scraper's text dump
    #: ("text"), not HTML extraction ("html") or text already cut into paragraphs
    #: ("paragraphs", as the pipeline writes it), which keep real stacked headings
    #: (product names, list titles) that this rule would take.
    headline_list_formats: tuple[str, ...] = ("text",)
    #: Flattened teasers (a headline and its summary on one line): this many words at least,
    #: judged on the first ``headline_summary_head`` words; this many in a row without a label.
    headline_summary_min_words: int = 12
    headline_summary_head: int = 8
    min_flattened_run: int = 3
    #: HTML: this many headings closing the article with nothing under them are links to other
    #: stories (a heading heads text; a stack of them at the end heads none). ``0``: never.
    min_trailing_headings: int = 2
    trailing_heading_formats: tuple[str, ...] = ("html",)


#: The line tests below are pure, and :func:`mark_teasers` asks them of the same kept lines in
#: each of its passes over a document (once, then again while the pipeline settles): a line's
#: answers (:class:`_LineFacts`) are kept for this many recent lines (:func:`_facts_with`). (Fewer than the lines the
#: teaser step sees in 181 text dumps: a benchmark repeating its documents finds none of its
#: earlier passes' answers.)
_CACHED_LINES: Final = 2048

_TRUNCATED: Final = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")
#: The marks that end a sentence, or a summary's clause, and no headline.
_SENTENCE_MARKS: Final = ".:;,…"
#: :data:`_SENTENCE_MARKS` as a set: ``text.rstrip()[-1:] in`` it asks :func:`_ends_sentence` ("" is in no set).
_SENTENCE_MARK_SET: Final = frozenset(_SENTENCE_MARKS)
#: What a text :data:`_TRUNCATED` matches ends with before its trailing spaces.
_TRUNCATION_ENDINGS: Final = ("…", "...", "]")
#: A flattened teaser ends with its summary's sentence (or its cut).
_ENDS_SUMMARY: Final = re.compile(r"(?:[.!?…]|\.\.\.)[\"”’)]?\s*$")
#: "Read also" lead-ins, which announce links to other stories (en, de, fr, es, pt, it, pl).
_READ_ALSO: Final = (
    r"read (?:also|more|next)|also read|see (?:also|more)|more on this(?: topic| story)?|you (?:may|might) also like"
    r"|lesen sie (?:auch|mehr|hier)|auch lesen|lies auch|siehe auch|auch interessant|schon gelesen"
    r"|das könnte (?:sie|dich) (?:auch )?interessieren|das thema könnte (?:sie|dich) (?:auch )?interessieren"
    r"|empfohlene (?:beiträge|artikel)|weitere (?:themen|beiträge|artikel)|mehr (?:themen|zum thema)|passend zum thema|zum thema"
    r"|à lire (?:aussi|également)|lire aussi|voir aussi|sur le même sujet"
    r"|lea (?:también|más)|lee (?:también|más)|(?:también )?(?:le|te) puede interesar|puede interesarte|mire|vea (?:también|más)"
    r"|ver también|contenido relacionado|lea|leia (?:também|mais)|veja também|saiba mais|leggi anche"
    r"|czytaj (?:też|także|więcej)|zobacz (?:też|także)"
    r"|puedes ver|mira|notas relacionadas|zum weiterlesen|weitere (?:artikel|beiträge) zum thema"
    r"|lesen sie auch die folgenden (?:beiträge|artikel)"
)
_LABEL: Final = re.compile(
    r"^\W*(?:news|latest(?: news)?|related(?: (?:news|stories|articles|posts|content))?|more (?:news|stories|articles|from (?:the )?\w+(?: \w+){0,3}|on this(?: topic)?)"
    r"|(?:latest|top|more|recent|breaking|local|weather|sports?|business|entertainment|tech) (?:headlines|stories|videos|news|sports)"
    r"|most (?:read|popular|viewed|shared)|you (?:may|might) like|recommended(?: for you)?|also more|read more"
    r"|trending(?: now)?|top stories|editor'?s picks|nachrichten|aktuell|meistgelesen|les plus lus|actualités"
    r"|partner (?:news|content|stories)|(?:sponsored|promoted|paid) (?:stories|content|links)|(?:from )?around the web"
    r"|from our partners"
    r"|noticias(?: relacionadas)?|más leídas|artículos relacionados|" + _READ_ALSO + r")\W*$",
    re.I,
)
#: Lead-ins that announce another story only when its headline follows on the same line: alone on
#: a line, "Don't miss" also heads an article's own list (a deals page's product and its features:
#: 10 gold lines of a ScrapingHub article went as a ``related_list``).
_LEAD_IN_ONLY: Final = r"don'?t miss|do not miss"
#: A "read also" lead-in and the linked story's headline on one line ("Lea también: Impiden ingreso a…").
_RELATED_LINK: Final = re.compile(r"^\W*(?:related|" + _READ_ALSO + "|" + _LEAD_IN_ONLY + r")\s*[:|»>–—-]\s*(?P<headline>\S.*)$", re.I)
#: The marks one of which :data:`_RELATED_LINK` needs between the lead-in and the headline (none has a case).
_RELATED_LINK_SEPARATORS: Final = ":|»>–—-"


def is_truncated(text: str) -> bool:
    """A summary cut off with an ellipsis.

    >>> is_truncated("Authorities in Chicago confirmed a tragic development in the search for…")
    True
    """
    return _truncated(text, len(text.split(None, 5)))


def _truncated(text: str, words: int) -> bool:
    """:func:`is_truncated` of a line of ``words`` words (counted at least up to 5)."""
    return _TRUNCATED.search(text[-8:]) is not None and words >= 5


def is_teaser_headline(text: str, max_words: int = 30) -> bool:
    """A headline: short, no sentence-final period (question and exclamation marks allowed).

    >>> is_teaser_headline("Jack & Lilly Sullivan Update: RCMP Confirms Progress and Confidence in Resolution")
    True
    """
    # split(None, n) stops after n + 1 words: enough to tell whether there are more than n
    return _headline(text, len(text.split(None, max_words)), max_words)


def _headline(text: str, words: int, max_words: int) -> bool:
    """:func:`is_teaser_headline` of a line of ``words`` words (counted at least up to
    ``max_words + 1``); the ending first: it rules out most prose."""
    return len(text) <= 40 * max_words and not _ends_sentence(text) and 2 <= words <= max_words


def _ends_sentence(text: str) -> bool:
    """One of :data:`_SENTENCE_MARKS` at the end of ``text``.

    >>> _ends_sentence("Council votes; "), _ends_sentence("Council Votes on Budget"), _ends_sentence("")
    (True, False, False)
    """
    return ends_with_mark(text, _SENTENCE_MARKS)


def is_section_label(text: str, max_words: int = 6) -> bool:
    """A section label announcing other stories.

    >>> is_section_label("More stories"), is_section_label("Lesen Sie auch:"), is_section_label("The end")
    (True, True, False)
    """
    return _label(text, len(text.split(None, max_words)), max_words)


def _label(text: str, words: int, max_words: int) -> bool:
    """:func:`is_section_label` of a line of ``words`` words (counted at least up to ``max_words + 1``)."""
    return len(text) <= 40 * max_words and words <= max_words and _LABEL.match(text) is not None


def is_related_link(text: str, max_words: int = 30) -> bool:
    """A "read also" lead-in and a headline on one line: a link to another story.

    >>> is_related_link("Read more: Looted colonial art"), is_related_link("Lea también: Impiden ingreso a Nicaragua a reportero")
    (True, True)
    >>> is_related_link("Read more about the bridge in our archive.")
    False
    """
    if len(text) > 40 * max_words or not any(map(text.__contains__, _RELATED_LINK_SEPARATORS)):
        return False  # the pattern is not tried on a line without the mark it needs (most lines)
    match = _RELATED_LINK.match(text)
    return match is not None and is_teaser_headline(match["headline"], max_words)


def is_title_cased_headline(text: str, config: TeaserConfig = TeaserConfig()) -> bool:
    """A headline written in title case ("Diversity Among Hollywood Directors Improves").

    >>> is_title_cased_headline("Sony Bets on Artificial Intelligence With New Global Division")
    True
    >>> is_title_cased_headline("Eat every 2–3 hours")
    False
    """
    # first: it splits a long text only so far
    return is_teaser_headline(text, config.headline_max_words) and _title_cased(text, config)


def _title_cased(headline: str, config: TeaserConfig) -> bool:
    """:func:`is_title_cased_headline` of a line known to be a teaser headline."""
    return _title_cased_words(headline.split(), config)


def _title_cased_words(words: list[str], config: TeaserConfig) -> bool:
    """:func:`_title_cased` of a headline's ``words`` (all of them)."""
    if len(words) < config.headline_min_words:
        return False
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.75 * len(long_words)


_SMALL_WORDS: Final = frozenset("a an and as at but by for from in into of off on or per the to up via vs with".split())
#: Every casing of :data:`_SMALL_WORDS` ("the", "The", "THE", "tHe"...): ``word in`` it is
#: ``word.lower() in _SMALL_WORDS`` without a lowered copy of the word (no character beyond ASCII
#: lowers to an ASCII letter but "\u212a", the Kelvin sign, to "k", which no small word holds).
_SMALL_WORD_CASINGS: Final = frozenset(map("".join, itertools.chain.from_iterable(
    itertools.product(*zip(word, word.upper())) for word in _SMALL_WORDS)))
#: The words that, among a line's first, mark a dateline ("SAN FRANCISCO (AP) — ..."), not a headline.
_DATELINE_DASHES: Final = frozenset(("—", "–", "-", "--"))
#: What :func:`_opens_with_headline` strips from each word: quotes, brackets, currency, punctuation.
_HEADLINE_WORD_TRIM: Final = "\"'‘’“”()[]$€£,:;"


def starts_with_headline(text: str, config: TeaserConfig = TeaserConfig()) -> bool:
    """A long line that opens with a title-cased headline: a flattened teaser, headline and
    summary run together ("Ford Recalls F-150s; Loose Cable Can Cause Stalling Ford is recalling…").
    Every word of the first ``headline_summary_head`` but small ones is capitalized (or a number);
    a game roundup ("Wild 4, Sabres 1: Zach Parise scored twice…") has its verb in that span.

    >>> starts_with_headline("Police: 2 In Custody After Death Of Student A 24-year-old woman and a man were arrested.")
    True
    >>> starts_with_headline("Berrien County Health Department officials said Monday the victim had died last week.")
    False
    >>> starts_with_headline("SAN FRANCISCO (AP) — Pacific Gas & Electric Co. was set to begin shutting off power.")
    False
    >>> starts_with_headline("Wild 4, Sabres 1: Zach Parise scored twice, and Minnesota beat Buffalo on Monday night.")
    False
    """
    words = text.split(None, max(config.headline_summary_min_words, config.headline_summary_head))
    return len(words) >= config.headline_summary_min_words and _opens_with_headline(words, config)


def _opens_with_headline(words: list[str], config: TeaserConfig) -> bool:
    """:func:`starts_with_headline` of a line of at least ``headline_summary_min_words`` words, from
    its first words (``words``: the line split at least ``headline_summary_head`` times)."""
    content = 0
    for word in words[: config.headline_summary_head]:  # any of these failing decides: prose fails on its first word or two
        if word in _DATELINE_DASHES:
            return False  # a dateline ("SAN FRANCISCO (AP) — Pacific Gas & Electric Co. was…") opens an article
        word = word.strip(_HEADLINE_WORD_TRIM)
        if word in _SMALL_WORD_CASINGS or not word or word.isdigit():
            continue  # a small word, a number or a mark: neither way
        first = word[0]
        if first.isalpha() and not first.isupper():
            return False
        content += 1
    return content > 0


class _LineFacts(NamedTuple):
    """What :func:`_find_runs` asks of a line, each answer computed once (:func:`_line_facts`)."""

    label: bool  #: :func:`is_section_label`
    headline: bool  #: :func:`is_teaser_headline`
    truncated: bool  #: :func:`is_truncated`
    opens_headline: bool  #: :func:`starts_with_headline`
    related_link: bool  #: :func:`is_related_link`
    flattened: bool  #: a flattened teaser: :func:`_ends_summary` and :func:`starts_with_headline`
    title_cased: bool  #: :func:`is_title_cased_headline`


#: The facts of a line with none of them (most lines of an article: its prose), one value for all.
_NO_FACTS: Final = _LineFacts(*(False,) * len(_LineFacts._fields))


@functools.lru_cache(maxsize=8)
def _facts_with(config: TeaserConfig) -> Callable[[str], _LineFacts]:
    """:func:`_line_facts` with ``config``, as a function of the line alone whose answers are kept
    for :data:`_CACHED_LINES` lines: keyed by the line (a string keeps its hash), not by (line,
    config), a tuple of the config's fourteen fields hashed at each look-up.

    >>> _facts_with(TeaserConfig())("More stories").label, _facts_with(TeaserConfig()) is _facts_with(TeaserConfig())
    (True, True)
    """
    def line_facts(text: str) -> _LineFacts:
        return _line_facts(text, config)  # a closure: cheaper than a partial with a keyword (see boilerplate._rules_with)

    return functools.lru_cache(maxsize=_CACHED_LINES)(line_facts)


def _line_facts(text: str, config: TeaserConfig) -> _LineFacts:
    """Every answer :func:`_find_runs` may ask of the line ``text`` (:data:`_NO_FACTS` when all are no).

    >>> _line_facts("More stories", TeaserConfig()).label, _line_facts("Storm Hits the Coast Overnight", TeaserConfig()).headline
    (True, True)
    """
    # The tests asked of one split of the line, as far as any of them counts its words
    # (``split(None, k)`` is the first k words and the rest: what each test's own split tells,
    # this one tells for every k up to ``most``): one split per line, not five. Every test but the
    # headline's counts to ``few`` words at most, and a line ending a sentence (most prose) is no
    # headline: such a line is split that far only (its other words are not made strings).
    few = max(config.label_max_words, 5, config.headline_summary_min_words, config.headline_summary_head)
    stripped = text.rstrip()
    ends_sentence = stripped[-1:] in _SENTENCE_MARK_SET  # _ends_sentence
    parts = text.split(None, few if ends_sentence else max(few, config.headline_max_words))
    words = len(parts)  # the line's words, or the split's limit + 1 for more
    opens_headline = words >= config.headline_summary_min_words and _opens_with_headline(parts, config)
    max_words = config.headline_max_words
    # _headline, its look at the ending taken above
    headline = not ends_sentence and len(text) <= 40 * max_words and 2 <= words <= max_words
    label = words <= config.label_max_words and _label(text, words, config.label_max_words)  # a label: a few words
    # a truncated line ends with "…", "..." or "]" (_TRUNCATED ends with one and spaces): _truncated
    # only of those (not of every line ending a sentence)
    truncated = stripped.endswith(_TRUNCATION_ENDINGS) and _truncated(text, words)
    # a related link's headline runs to the end of the line, so it ends a sentence if the line does (then it is none)
    related_link = not ends_sentence and is_related_link(text, max_words)
    flattened = opens_headline and _ends_summary(text)
    # is_title_cased_headline, its first look known (a headline's words are all in parts)
    title_cased = headline and _title_cased_words(parts, config)
    if not (label or headline or truncated or opens_headline or related_link or flattened or title_cased):
        return _NO_FACTS  # most lines (prose): no tuple built (a named tuple is built by a call in Python)
    return _LineFacts(label, headline, truncated, opens_headline, related_link, flattened, title_cased)


def _headline_run_end(kept: list[Block], facts: list[_LineFacts], start: int) -> int:
    i = start
    while i < len(kept) and kept[i].type is not BlockType.LIST_ITEM and facts[i].title_cased:
        i += 1
    return i


def _pair_run_end(facts: list[_LineFacts], start: int) -> tuple[int, int]:
    """From ``start``, the end index and count of consecutive headline + truncated-summary pairs."""
    i, pairs = start, 0
    while i + 1 < len(facts) and facts[i].headline and facts[i + 1].truncated:
        i, pairs = i + 2, pairs + 1
    return i, pairs


def _headline_list_end(facts: list[_LineFacts], start: int) -> int:
    i = start
    while i < len(facts) and (facts[i].headline or facts[i].truncated or facts[i].opens_headline):
        i += 1
    return i


def _related_links_end(facts: list[_LineFacts], start: int) -> int:
    i = start
    while i < len(facts) and facts[i].related_link:
        i += 1
    return i


def _flattened_run_end(kept: list[Block], facts: list[_LineFacts], start: int) -> int:
    i = start
    while i < len(kept) and kept[i].type is not BlockType.HEADING and facts[i].flattened:
        i += 1
    return i


def _ends_summary(text: str) -> bool:
    """:data:`_ENDS_SUMMARY` at the end of ``text``: a mark, "..." and a closing quote are at most
    four characters (see :func:`ends_with`), so not tried at every full stop of a long paragraph.

    >>> _ends_summary("One. Two said…” "), _ends_summary("One. Two")
    (True, False)
    """
    return ends_with(_ENDS_SUMMARY, text, reach=4)


def _starts_no_unit(facts: _LineFacts, truncated_below: bool) -> bool:
    """A line of ``facts`` (``truncated_below``: the next line's ``truncated``) where
    :func:`_find_runs` finds no unit, each of its rules taking one line at least: no label
    (a dangling label, a labelled run or list), no headline over a truncated summary (an unlabelled
    run of pairs), no related link, no flattened teaser and no title-cased headline (a run of
    either starts with one). Told by its facts, without trying each rule.

    >>> _starts_no_unit(_LineFacts(False, True, False, False, False, False, False), False)
    True
    >>> _starts_no_unit(_LineFacts(False, True, False, False, False, False, False), True)
    False
    """
    return not (facts.label or facts.related_link or facts.flattened or facts.title_cased
                or (facts.headline and truncated_below))


def _find_runs(kept: list[Block], config: TeaserConfig, fmt: str) -> list[tuple[int, int, str, dict[str, Any]]]:
    """(start, end, rule, evidence) for each teaser unit among the kept blocks."""
    facts_of = _facts_with(config)
    facts = [facts_of(block.text) for block in kept]
    runs: list[tuple[int, int, str, dict[str, Any]]] = []
    last = len(kept) - 1
    # each run rule takes a unit of at least one line (else the loop below would not move on)
    skips = min(config.min_pairs, config.min_flattened_run, config.min_headline_run) >= 1
    i = 0
    while i < len(kept):
        if facts[i] is _NO_FACTS:
            i += 1  # a unit's first line has one of the facts (a label, a headline...): none starts here
            continue
        if skips and _starts_no_unit(facts[i], i < last and facts[i + 1].truncated):
            i += 1  # (most lines with facts: a short line, a headline alone)
            continue
        label = facts[i].label
        body = i + 1 if label else i
        if label and body == len(kept):
            runs.append((i, body, "dangling_label", {"label": kept[i].text}))
            break
        end, pairs = _pair_run_end(facts, body)
        needed = config.min_pairs_with_label if label else config.min_pairs
        if pairs >= needed:
            runs.append((i, end, "headline_summary_run", {"pairs": pairs, "label": kept[i].text if label else None}))
            i = end
            continue
        if label:
            end = _headline_list_end(facts, body)
            if end - body >= config.min_listed_headlines:
                runs.append((i, end, "related_list", {"headlines": end - body, "label": kept[i].text}))
                i = end
                continue
        end = _related_links_end(facts, i)
        if end > i:
            runs.append((i, end, "related_link", {"links": end - i, "label": None}))
            i = end
            continue
        end = _flattened_run_end(kept, facts, i)
        if end - i >= config.min_flattened_run:
            runs.append((i, end, "headline_summary_lines", {"headlines": end - i, "label": None}))
            i = end
            continue
        end = _headline_run_end(kept, facts, i) if fmt in config.headline_list_formats else i
        if end - i >= config.min_headline_run:
            if not (i and announces_list(kept[i - 1].text)):  # else the article's own list: kept
                runs.append((i, end, "headline_list", {"headlines": end - i, "label": None}))
            i = end
            continue
        i += 1
    return runs + _trailing_headings(kept, facts, runs, config, fmt)


def _trailing_headings(kept: list[Block], facts: list[_LineFacts], runs: list[tuple[int, int, str, dict]],
                       config: TeaserConfig, fmt: str) -> list[tuple[int, int, str, dict]]:
    """The headlines (headings without a sentence's full stop) that close the article with no
    text under them, if there are enough (and no other run has them already)."""
    if fmt not in config.trailing_heading_formats or not config.min_trailing_headings:
        return []
    end = runs[-1][0] if runs and runs[-1][1] == len(kept) else len(kept)
    start = end
    while start > 0 and kept[start - 1].type is BlockType.HEADING and facts[start - 1].headline:
        start -= 1
    if end - start < config.min_trailing_headings or start == 0:
        return []
    return [(start, end, "trailing_headings", {"headings": end - start, "label": None})]


def mark_teasers(blocks: Iterable[Block], config: TeaserConfig = TeaserConfig(), fmt: str = "text") -> list[Block]:
    """Mark teaser units dropped with reason ``teaser``; a run's label is marked with rule ``section_label``."""
    out = list(blocks)
    kept_index = kept_indexes(out)
    kept = [out[i] for i in kept_index]
    # the line tests cache their answers by (line, config): a config built with a list is made
    # hashable (only then: a named tuple's _replace costs ~2 us, and the step runs in each settling round)
    if not isinstance(config.headline_list_formats, tuple):
        config = config._replace(headline_list_formats=tuple(config.headline_list_formats))
    for start, end, rule, evidence in _find_runs(kept, config, fmt):
        for k in range(start, end):
            is_label = k == start and evidence.get("label") is not None and rule != "dangling_label"
            out[kept_index[k]] = out[kept_index[k]].drop(
                STEP, Reason.TEASER, rule="section_label" if is_label else rule, run_blocks=end - start, **evidence
            )
    return out
