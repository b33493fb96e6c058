"""Text to blocks: HTML through trafilatura, plain text by lines.

>>> ex = extract_text("A Title Line Here\\nThe first paragraph of the story is long enough to be prose, with words and more words and yet more words in it.")
>>> ex.title, [b.type.value for b in ex.blocks]
('A Title Line Here', ['paragraph'])
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Final, Iterator, NamedTuple

import lxml.html
import trafilatura
import trafilatura.settings
import trafilatura.utils
from lxml import etree
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata

from .boilerplate import is_author_box
from .decode import strip_control_chars, strip_control_chars_printable
from .types import (LIST_MARKER, LONGEST_KEPT_COUNT, Block, BlockType, Reason, Rejection,
                    ends_with_mark, kept_word_count, may_open_with_list_marker, typed_blocks, word_count)

__all__ = [
    "ExtractConfig", "Extracted", "classify_line", "classify_lines", "extract_html", "extract_text", "paragraph_chunks", "looks_like_heading",
    "page_metadata",
]


class ExtractConfig(NamedTuple):
    include_comments: bool = False
    include_tables: bool = True
    favor_precision: bool = False
    #: trafilatura's fast mode only: never the comparison with its fallback extractors
    #: (readability, jusText), whatever :attr:`compare_below_chars` says (``clean --fast``).
    fast: bool = False
    #: trafilatura's own extractor runs first, in its fast mode; only when that finds fewer
    #: characters than this is the page extracted again with trafilatura's comparison against
    #: readability and jusText (its default, which costs about a third of its time and changes
    #: the result almost only where its own extractor finds little). ``None``: always compare.
    compare_below_chars: int | None = 1000
    #: ...or when its whole text is one block: a page whose text trafilatura's fast mode reads
    #: as one flattened run (menus, story and footer in one text node) rather than paragraphs.
    #: 15 of the 1,171 HTML bench pages; on 6 the comparison finds the paragraphs (ScrapingHub
    #: F1 0.9669 -> 0.9692, trafilatura_eval snippet F1 0.9283 -> 0.9296), on 2 it loses a snippet.
    #: Pages with one block among others are left alone: a bound of 3,000 characters on any
    #: block took 27 pages and changed none of those, for a 3 % slower HTML path.
    compare_one_block: bool = True
    #: HTML metadata by trafilatura's full ``extract_metadata`` instead of :func:`page_metadata`: adds
    #: its searches of the page body (dates in the text, author byline, category/tag links), ~6x the cost.
    full_metadata: bool = False
    #: A first line becomes the title only if followed by a paragraph of at least this many words.
    title_min_next_words: int = 20
    #: Headings have at most this many words.
    heading_max_words: int = 25
    #: A single block (line or paragraph) longer than this is no article text: the input is
    #: rejected as too_large rather than spending minutes on it.
    max_block_chars: int = 5_000_000


@dataclass(frozen=True)
class Extracted:
    blocks: tuple[Block, ...]
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Plain text already cut into paragraphs, a blank line around each (the layout of the
    #: pipeline's own output, see :func:`paragraph_chunks`): there is no page around it
    #: to find a main-content window in, and no title line above it.
    segmented: bool = False
    #: Every block's text already as :func:`normalize_lines` leaves it (plain text is cut into
    #: normalized lines; HTML blocks are not: a tab made a space after normalizing, for one).
    normalized: bool = False
    #: No block's text holds an ASCII control character but "\n": plain text's were taken by
    #: :func:`~cleaners.decode.strip_control_chars_printable` before it was cut (HTML's: not known).
    control_free: bool = False


#: The marks that end a sentence (or a line that is no heading): the last character before trailing whitespace.
_TERMINAL_MARKS: Final = ".!?…:;,\"”»)]"
#: ...as a set: ``line.rstrip()[-1:] in`` it asks :func:`ends_with_mark` in one step ("" is in no set).
_TERMINAL_MARK_SET: Final = frozenset(_TERMINAL_MARKS)
_SPACES: Final = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u205f\u3000]+")
#: The runs of :data:`_SPACES` that are not already a single plain space (the same result
#: as replacing every run, without a replacement per word).
_SPACES_TO_COLLAPSE: Final = re.compile(r" [ \u00a0\u2000-\u200b\u202f\u205f\u3000]+|[\u00a0\u2000-\u200b\u202f\u205f\u3000][ \u00a0\u2000-\u200b\u202f\u205f\u3000]*")


#: The spaces of :data:`_SPACES` other than " ".
_OTHER_SPACE: Final = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
#: ...each of them, looked for one by one in a whole dump (a look for one character is cheaper
#: than the class tried at every place).
_OTHER_SPACE_CHARS: Final = "\u00a0" + "".join(map(chr, range(0x2000, 0x200c))) + "\u202f\u205f\u3000"
assert all(_OTHER_SPACE.fullmatch(char) for char in _OTHER_SPACE_CHARS)
#: ...none of them printable: a text ``str.isprintable`` but its line breaks has none.
assert not any(char.isprintable() for char in _OTHER_SPACE_CHARS)


def _normalize_space(text: str) -> str:
    """Each run of spaces (:data:`_SPACES`) one plain space, the ends stripped. Without a double
    " " nor another space (:data:`_OTHER_SPACE`: none in ASCII text) there is nothing to
    collapse: a look for one character (fast) instead of the replacement's look at every place.

    >>> _normalize_space(" a\u00a0 b  c d\u2009"), _normalize_space("a b"), _normalize_space("“a” b")
    ('a b c d', 'a b', '“a” b')
    """
    if "  " in text or (not text.isascii() and _OTHER_SPACE.search(text) is not None):
        text = _SPACES_TO_COLLAPSE.sub(" ", text)
    return text.strip()


def normalize_lines(text: str) -> str:
    """Collapse spaces within each line and drop empty lines (after repair removed invisibles).

    >>> normalize_lines(" a   b \\n\\n  c ")
    'a b\\nc'
    """
    if "\n" not in text:  # one line (every line of a text dump): no split and join
        return _normalize_space(text)
    return "\n".join(line for line in (_normalize_space(part) for part in text.split("\n")) if line)


#: How many words :func:`looks_like_heading` allows unless told (what :func:`classify_line` asks of the line below).
_HEADING_WORDS: Final = 25


def looks_like_heading(line: str, max_words: int = _HEADING_WORDS) -> bool:
    """A short line without sentence-final punctuation.

    >>> looks_like_heading("Soundtrack to the Soul: Carson and Galitzine’s Musical Magic")
    True
    >>> looks_like_heading("It is the anthem we needed.")
    False
    """
    return _heading_words(line, max_words) > 0


def _heading_words(line: str, max_words: int) -> int:
    """The words of a line that :func:`looks_like_heading` (at most ``max_words``), else 0.

    >>> _heading_words("Local News Today", 25), _heading_words("It is the anthem we needed.", 25)
    (3, 0)
    """
    # the ending first (one of the marks, "..." among them): most prose is ruled out unsplit
    if line.rstrip()[-1:] in _TERMINAL_MARK_SET:
        return 0
    # split(None, n) stops after n + 1 words: enough to tell whether there are more than n
    words = len(line.split(None, max_words))
    return words if 0 < words <= max_words else 0


#: A text's first character ("" for ""), as ``text[:1]``.
_FIRST_CHAR: Final = operator.itemgetter(slice(None, 1))
#: ...and its last, as ``text[-1:]``.
_LAST_CHAR: Final = operator.itemgetter(slice(-1, None))


def _all_heading_words(lines: list[str], max_words: int, stripped: bool = False) -> list[int]:
    """:func:`_heading_words` of each line, written out in one comprehension (a call per line of a
    dump costs as much as the look at its ending).

    >>> _all_heading_words(["Local News Today", "It is the anthem we needed.", "", "a b c"], 2)
    [0, 0, 0, 0]
    >>> _all_heading_words(["Local News Today", "It is the anthem we needed.", "", "Sports "], 25)
    [3, 0, 0, 1]
    """
    # in C, not per line; ``stripped`` lines (a dump's, as extract_text cuts them) need no rstrip
    ended = map(_TERMINAL_MARK_SET.__contains__, map(_LAST_CHAR, lines if stripped else map(str.rstrip, lines)))
    # word_count (written out), not split(None, max_words): the same answer up to max_words, and
    # the next steps (the boilerplate rules, the menus, the main content window) find the count kept
    return [0 if end else words if 0 < (words := kept_word_count(line) if len(line) <= LONGEST_KEPT_COUNT
                                        else len(line.split(None, max_words))) <= max_words else 0
            for line, end in zip(lines, ended)]


def _ends_sentence(line: str) -> bool:
    """One of :data:`_TERMINAL_MARKS` at the end of ``line``.

    >>> _ends_sentence("It ended.  "), _ends_sentence("Local News")
    (True, False)
    """
    return ends_with_mark(line, _TERMINAL_MARKS)


# --- plain text ---------------------------------------------------------------


def _has_spaces_to_collapse(text: str) -> bool:
    """Some line of ``text`` has spaces :func:`_normalize_space` collapses (a double " " or another
    space): asked once of a whole dump, which has none nearly always; then each line is only stripped.

    >>> _has_spaces_to_collapse("a b\\nc"), _has_spaces_to_collapse("a  b\\nc"), _has_spaces_to_collapse("a\u00a0b")
    (False, True, True)
    """
    return "  " in text or (not text.isascii() and any(map(text.__contains__, _OTHER_SPACE_CHARS)))


def _text_lines(text: str, other_spaces: bool = True) -> list[str]:
    """Lines of text, with hard-wrapped sentence continuations joined; '' marks a blank line.
    Without ``other_spaces`` the text is known to have no space of :data:`_OTHER_SPACE`.

    >>> _text_lines("Home\\nThe storm hit the coast on Monday and the town\\nwas flooded.\\n\\nEnd"), _text_lines("a  b", False)
    (['Home', 'The storm hit the coast on Monday and the town was flooded.', '', 'End'], ['a b'])
    """
    collapse = _has_spaces_to_collapse(text) if other_spaces else "  " in text
    normalize = _normalize_space if collapse else str.strip
    normalized = list(map(normalize, text.split("\n")))
    # Only a line starting in lower case may continue the one above (:func:`_continues`): the
    # lines between two of them (nearly all) are taken as they are, a slice at a time.
    lines: list[str] = []
    taken = 0
    # the lines starting in lower case, picked out in C (no bytecode per line of the dump)
    for i in itertools.compress(itertools.count(), map(str.islower, map(_FIRST_CHAR, normalized))):
        lines += normalized[taken:i]
        taken = i + 1
        line = normalized[i]
        if lines and lines[-1] and _continues(lines[-1], line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    lines += normalized[taken:]
    return lines


def _is_title_cased(line: str) -> bool:
    """Most longer words capitalised, as in a headline.

    >>> _is_title_cased("Apple Unveils Cheaper Model With Bigger Screen"), _is_title_cased("it rained all day in the town")
    (True, False)
    """
    long_words = [w for w in line.split() if len(w) >= 4 and w[0].isalpha()]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _continues(previous: str, line: str) -> bool:
    """A line that starts in lower case after one that did not end a sentence (and is no headline) is a wrap."""
    return (
        line[0].islower()
        and not _ends_sentence(previous)
        and word_count(previous) >= 6
        and not _is_title_cased(previous)
    )


def classify_line(line: str, next_line: str | None, config: ExtractConfig = ExtractConfig()) -> BlockType:
    """A text line's block type: a list item by its marker, a heading when it is short and heads a
    longer paragraph (``next_line``), else a paragraph.

    >>> story = "The council approved the new budget on Tuesday after a long debate about the schools."
    >>> [classify_line(line, after).value for line, after in (("- bread", None), ("Local News", story), ("Local News", "Sports"))]
    ['list_item', 'heading', 'paragraph']
    """
    if may_open_with_list_marker(line) and LIST_MARKER.match(line):
        return BlockType.LIST_ITEM
    if next_line is not None and (words := _heading_words(line, config.heading_max_words)):
        longer_than = max(words, 12)
        if len(next_line.split(None, longer_than)) > longer_than and not looks_like_heading(next_line):
            return BlockType.HEADING
    return BlockType.PARAGRAPH


def _line_types(lines: list[str], config: ExtractConfig, stripped: bool = False) -> list[BlockType]:
    """:func:`classify_line` of each line with the line below it (the last line with none), each
    line's heading words (:func:`_heading_words`) counted once: a line is asked about as itself
    and as the line below the one above it.

    >>> story = "The council approved the new budget on Tuesday after a long debate about the schools."
    >>> [kind.value for kind in _line_types(["Local News", story, "- bread", "Sports"], ExtractConfig())]
    ['heading', 'paragraph', 'list_item', 'paragraph']
    """
    heading = _all_heading_words(lines, config.heading_max_words, stripped)
    # what classify_line asks of the line below: looks_like_heading, with its own word limit
    below_heading = (heading if config.heading_max_words == _HEADING_WORDS
                     else _all_heading_words(lines, _HEADING_WORDS, stripped))
    types = [BlockType.PARAGRAPH] * len(lines)
    # classify_line's questions asked only of the lines they can answer yes for (picked out in C):
    # a heading, one with heading words over a longer line that is no heading...
    # (the lines with heading words above a line with none: picked out in C)
    for i in itertools.compress(itertools.count(), map(operator.and_, map(operator.truth, heading),
                                                       map(operator.not_, itertools.islice(below_heading, 1, None)))):
        if word_count(lines[i + 1]) > max(heading[i], 12):
            types[i] = BlockType.HEADING
    # ...and a list item, one with a marker, whatever its words: the lines opening with a character
    # a marker may open with (may_open_with_list_marker, asked once per distinct first character)
    firsts = list(map(_FIRST_CHAR, lines))
    opening = frozenset(filter(may_open_with_list_marker, set(firsts)))
    for i in itertools.compress(itertools.count(), map(opening.__contains__, firsts)):
        if LIST_MARKER.match(lines[i]):
            types[i] = BlockType.LIST_ITEM
    return types


def classify_lines(lines: list[str], config: ExtractConfig = ExtractConfig()) -> list[BlockType]:
    """:func:`classify_line` of each line with the line below it (the last with none), all at once.

    >>> [kind.value for kind in classify_lines(["Sports", "- bread", "It ended."])]
    ['paragraph', 'list_item', 'paragraph']
    """
    return _line_types(lines, config)


def _check_block_sizes(texts: list[str], config: ExtractConfig) -> None:
    longest = max(map(len, texts), default=0)
    if longest > config.max_block_chars:
        raise Rejection(
            Reason.TOO_LARGE, f"a single block of {longest} characters (limit {config.max_block_chars}): not article text"
        )


def extract_text(text: str, config: ExtractConfig = ExtractConfig(), printable: bool | None = None) -> Extracted:
    """Split scraped plain text into blocks, one per line, and detect a title line. ``printable``:
    whether every character but line breaks, tabs and carriage returns is printable, when known
    already (:attr:`~cleaners.decode.Decoded.printable`).

    A first line becomes the title when it reads like a headline and the next
    line is a real paragraph. Text laid out like the pipeline's own output
    (see :func:`paragraph_chunks`) is taken as already cut into blocks: no
    title, one block per chunk, a chunk of table rows one table block.

    >>> ex = extract_text("Intro\\n- one item\\n- two items")
    >>> ex.title, [(b.type.value, b.text) for b in ex.blocks], ex.segmented
    (None, [('paragraph', 'Intro'), ('list_item', '- one item'), ('list_item', '- two items')], False)
    >>> [b.type.value for b in extract_text("Scores:\\n\\n| Team | Points |\\n| Aces | 4 |").blocks]
    ['paragraph', 'table']
    """
    if len(text) > config.max_block_chars:  # no line is longer than the whole text
        _check_block_sizes(text.split("\n"), config)  # before copying a 50 MB line around
    text, printable = strip_control_chars_printable(text, printable)
    chunks = paragraph_chunks(text)
    if chunks is not None:
        blocks = tuple(
            Block("\n".join(chunk), BlockType.TABLE) if len(chunk) > 1 or _is_table_rows(chunk)
            else Block(chunk[0], classify_line(chunk[0], _next_block_text(chunks, i), config))
            for i, chunk in enumerate(chunks)
        )
        return Extracted(blocks=blocks, segmented=True, normalized=True, control_free=True)
    # a printable text has no space but " " (see strip_control_chars_printable): only "  " is looked for
    lines = list(filter(None, _text_lines(text, other_spaces=not printable)))  # the lines with text
    title = None
    if len(lines) >= 2 and _is_title_line(lines[0], lines[1], config):
        title, lines = lines[0], lines[1:]
    blocks = typed_blocks(lines, _line_types(lines, config, stripped=True))  # _text_lines strips each line
    return Extracted(blocks=blocks, title=title, normalized=True, control_free=True)


def _next_block_text(chunks: list[list[str]], i: int) -> str | None:
    return "\n".join(chunks[i + 1]) if i + 1 < len(chunks) else None


def _is_table_rows(lines: list[str]) -> bool:
    """Every line a row of cells between pipes, ``| Year | Cost |`` (how a table block is written)."""
    return all(len(line) >= 3 and line[0] == "|" and line[-1] == "|" for line in lines)


def _lines_of(text: str) -> Iterator[str]:
    """The lines of ``text`` (parted by "\\n" alone, without it; no empty last one), cut out one at a
    time as they are read: what ``io.StringIO(text, newline="\\n")`` reads, without its copy of the whole
    text made first (4 bytes a character): :func:`paragraph_chunks` reads 8 lines of a dump on average
    (4.3 M instructions fewer over the 181 text dumps, of 3,205 M).

    >>> list(_lines_of("a\\n\\nb\\r\\n")), list(_lines_of("a\\nb")), list(_lines_of(""))
    (['a', '', 'b\\r'], ['a', 'b'], [])
    """
    start = 0
    end = text.find("\n")
    while end >= 0:
        yield text[start:end]
        start = end + 1
        end = text.find("\n", start)
    if start < len(text):
        yield text[start:]


def paragraph_chunks(text: str) -> list[list[str]] | None:
    """The lines of each blank-line-separated chunk, when the text is laid out as the pipeline
    writes its output: every block alone between blank lines, a table's rows (``| a | b |``) side by side.
    None for anything else: scraped dumps and typed text have lines side by side somewhere
    (a title right above its story, menus, wrapped paragraphs).

    In that layout a headline-like first line is a section heading of the text, not a title,
    and there is no page around the text to look for the article in: cleaning the pipeline's
    output again must not move or cut anything.

    >>> paragraph_chunks("Council Approves Budget\\n\\nThe council voted on Tuesday.")
    [['Council Approves Budget'], ['The council voted on Tuesday.']]
    >>> paragraph_chunks("Council Approves Budget\\nThe council voted on Tuesday.") is None
    True
    >>> paragraph_chunks("Results\\n\\n| Team | Points |\\n| Aces | 4 |")
    [['Results'], ['| Team | Points |', '| Aces | 4 |']]
    """
    chunks: list[list[str]] = []
    current: list[str] = []
    # the lines read one at a time, not all cut out at once: a dump has two lines side by side
    # within its first few, and the rest of it is not looked at
    for raw in _lines_of(text):
        line = _normalize_space(raw)
        if line:
            if current and not (_is_table_rows([line]) and _is_table_rows(current[:1])):
                return None  # two lines side by side, not both table rows (the lines before were checked as they came)
            current.append(line)
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    if all(len(chunk) == 1 or _is_table_rows(chunk) for chunk in chunks):
        return chunks
    return None


def _is_title_line(first: str, second: str, config: ExtractConfig) -> bool:
    return (
        3 <= word_count(first) <= config.heading_max_words
        and looks_like_heading(first, config.heading_max_words)
        and word_count(second) >= config.title_min_next_words
    )


# --- HTML -----------------------------------------------------------------------

_BLOCK_TYPES: Final = {
    "p": BlockType.PARAGRAPH,
    "head": BlockType.HEADING,
    "quote": BlockType.QUOTE,
    "code": BlockType.CODE,
    "table": BlockType.TABLE,
}


#: Every character ftfy (or a reader) would take as a line break.
_LINE_BREAKS: Final = re.compile(r"[\n\r\v\f\x85\u2028\u2029]")


def _element_text(element: etree._Element) -> str:
    """The element's text on one line (a <br> inside a paragraph becomes a space, and so does a
    carriage return or U+2028, which ftfy would turn into a line break later).

    >>> _element_text(etree.fromstring("<quote>Main office\\rHigh Street 7\\u2028Berlin</quote>"))
    'Main office High Street 7 Berlin'
    """
    return _normalize_space(_LINE_BREAKS.sub(" ", " ".join(element.itertext())))


def _table_text(table: etree._Element) -> str:
    """One line per row, its cells between pipes as in Markdown (``| Year | Cost |``): a table
    read back from the pipeline's output is still a table (see :func:`paragraph_chunks`)."""
    rows = []
    for row in table.iter("row"):
        cells = [_element_text(cell) for cell in row if cell.tag == "cell"]
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


#: Elements of trafilatura's output that are blocks of their own.
_BLOCK_TAGS: Final = frozenset({"p", "head", "list", "quote", "table", "code", "div", "section", "article", "main", "graphic"})
_MAX_NESTING: Final = 50


def _holds_blocks(element: etree._Element) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in element)


def _is_container(element: etree._Element) -> bool:
    """A wrapper holding blocks rather than being one: a div with block children, or a
    layout table (one row, or cells holding paragraphs)."""
    if element.tag == "table":
        return len(element.findall("row")) <= 1 or any(_holds_blocks(cell) for cell in element.iter("cell"))
    return element.tag in ("div", "section", "article", "main") and _holds_blocks(element)


def _paragraph(text: str) -> list[Block]:
    text = _normalize_space(_LINE_BREAKS.sub(" ", text))
    return [Block(strip_control_chars(text), BlockType.PARAGRAPH)] if text else []


def _container_blocks(element: etree._Element, depth: int) -> list[Block]:
    """The blocks inside a wrapper, in order; its loose inline text becomes paragraphs."""
    blocks: list[Block] = []
    for part in (element.iter("cell") if element.tag == "table" else [element]):
        if not _holds_blocks(part):
            blocks += _paragraph(_element_text(part))
            continue
        inline = [part.text or ""]
        for child in part:
            if child.tag in _BLOCK_TAGS:
                blocks += _paragraph("".join(inline))
                blocks += _element_blocks(child, depth + 1)
                inline = [child.tail or ""]
            else:
                inline += ["".join(child.itertext()), child.tail or ""]
        blocks += _paragraph("".join(inline))
    return blocks


def _element_blocks(element: etree._Element, depth: int = 0) -> list[Block]:
    if depth < _MAX_NESTING and _is_container(element):
        return _container_blocks(element, depth)
    if element.tag == "list":
        items = [_element_text(item) for item in element.iter("item")]
        return [Block(item, BlockType.LIST_ITEM) for item in items if item]
    text = _table_text(element) if element.tag == "table" else _element_text(element)
    return [Block(strip_control_chars(text), _BLOCK_TYPES.get(element.tag, BlockType.PARAGRAPH))] if text else []


def _body_blocks(body: etree._Element) -> list[Block]:
    """One block per paragraph, heading, list item, quote or table of trafilatura's body;
    wrappers (divs with blocks inside, one-row layout tables) are opened, not read as one block.

    The body is read as a wrapper too: text trafilatura leaves loose between its elements
    (a paragraph after a heading, not inside a ``<p>``) is a paragraph of its own.

    >>> body = etree.fromstring("<body><div>Lead <hi>in</hi>.<p>One.</p><div><p>Two.</p></div>Tail.</div><p>Three.</p></body>")
    >>> [b.text for b in _body_blocks(body)]
    ['Lead in.', 'One.', 'Two.', 'Tail.', 'Three.']
    >>> [b.text for b in _body_blocks(etree.fromstring("<body><head>Deal</head>Save $31 today.<p>More.</p></body>"))]
    ['Deal', 'Save $31 today.', 'More.']
    """
    return _container_blocks(body, 0)


_METADATA_FIELDS: Final = ("author", "date", "sitename", "description", "categories", "tags", "url", "hostname")


def _metadata(document: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for name in _METADATA_FIELDS:
        value = getattr(document, name, None)
        if isinstance(value, list):
            value = [v.strip() for item in value for v in str(item).split(",") if v.strip()]
        if value:
            meta[name] = value
    return meta


def _sitename(document: Any, tree: HtmlElement) -> str | None:
    """The site's name: from the meta tags, else the <title>'s "Headline - site.com" part, else the URL."""
    name = document.sitename or trafilatura_metadata.extract_sitename(tree)
    if name:
        name = name.lstrip("@")
        return name.title() if name and "." not in name and not name[0].isupper() else name
    match = trafilatura_metadata.META_URL.match(document.url) if document.url else None
    return match[1] if match else None


#: The meta tags declaring a section, below a <head>.
_SECTION_METAS: Final = etree.XPath('.//meta[@property="article:section" or contains(@name, "subject")]/@content')


def _meta_sections(tree: HtmlElement) -> list[str]:
    """Categories declared in the head (``article:section``, ``subject``), trafilatura's own fallback.

    The meta tags below any <head> of the page (``.//head//meta``): the parser puts a <head> only
    directly under the root (a misplaced one is dropped, see the tests), so each head child of
    the root is looked through, not the whole page.

    >>> _meta_sections(lxml.html.fromstring('<html><head><meta name="subject" content="Local"></head><body><p>Text.</p></body></html>'))
    ['Local']
    """
    values = [value for head in tree.iterchildren("head") for value in _SECTION_METAS(head)]
    return [v for v in dict.fromkeys(trafilatura.utils.line_processing(str(v)) for v in values) if v]


def page_metadata(tree: HtmlElement) -> Any:
    """trafilatura's ``extract_metadata`` without its two searches of the page body.

    Title, description, site name, tags and categories from meta tags and
    JSON-LD (the title falls back to the single <h1> or <title>, as in
    trafilatura), URL from the canonical link, the page's date (htmldate without
    its extensive search: meta tags, JSON-LD, URL, <time> and similar markup,
    then, on a page declaring none, its date patterns in the markup and a loose
    one in the text). Left out, as the costly parts: htmldate's extensive scan of
    the text's date-like strings, the author byline search (a deep copy of
    the page and a dozen XPath queries) and the category/tag link search;
    authors, tags and categories declared in the head or JSON-LD are kept.

    >>> page = trafilatura.utils.load_html('<html><head><title>Harbor Bridge Reopens | Coastal Herald</title>'
    ...     '<meta property="article:section" content="Local"><link rel="canonical" href="https://herald.example/a">'
    ...     '</head><body><p>Text.</p></body></html>')
    >>> meta = page_metadata(page)
    >>> meta.title, meta.sitename, meta.url, meta.hostname, meta.categories
    ('Harbor Bridge Reopens', 'herald.example', 'https://herald.example/a', 'herald.example', ['Local'])
    """
    document = trafilatura_metadata.examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None  # as trafilatura: a one-word author is a handle, not a name
    try:
        document = trafilatura_metadata.extract_meta_json(tree, document)
    except Exception:  # noqa: BLE001 - as trafilatura: broken JSON-LD is no reason to fail the page
        pass
    document.title = document.title or trafilatura_metadata.extract_title(tree)
    document.url = document.url or trafilatura_metadata.extract_url(tree)
    if document.url:
        document.hostname = trafilatura_metadata.extract_domain(document.url, fast=True)
    date_params = trafilatura.settings.set_date_params(extensive=False)
    document.date = trafilatura_metadata.find_date(tree, **date_params, url=document.url)
    document.sitename = _sitename(document, tree)
    document.categories = document.categories or _meta_sections(tree)
    document.clean_and_trim()
    return document


#: The characters trafilatura's ``load_html`` removes before parsing (its ``INVALID_XML_CHARS``), one by one.
_INVALID_XML_CHARS: Final = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ufffe\uffff"


def _has_invalid_xml_chars(html: str) -> bool:
    """Some character of ``html`` is one trafilatura's ``load_html`` removes: a look for each
    character in turn (``in``, a memchr in C) rather than its regex's look of the class at every
    character of the page (1.9 G instructions on the 181 ScrapingHub pages, as much as parsing them;
    these looks 0.5 G).

    >>> _has_invalid_xml_chars("<p>a\\tb\\nc é</p>"), _has_invalid_xml_chars("a\\x0bb"), _has_invalid_xml_chars("a\\uffffb")
    (False, True, True)
    """
    return any(map(html.__contains__, _INVALID_XML_CHARS))


def _needs_repair(html: str, beginning: str) -> bool:
    """trafilatura's ``repair_faulty_html`` would change ``html`` (``beginning``: its first 50
    characters in lower case): characters XML forbids, a doctype on the first line that it
    removes (or a doctype and no line break, after which it adds one), a self-closing <html/>.

    >>> page = "<!DOCTYPE html>\\n<html><body><p>Text.</p></body></html>"
    >>> _needs_repair(page, page[:50].lower()), _needs_repair(page.replace("html>", "html/>", 1), page[:50].lower())
    (False, True)
    """
    if "doctype" in beginning:
        first_line_end = html.find("\n")
        if first_line_end < 0 or trafilatura.utils.DOCTYPE_TAG.match(html, 0, first_line_end):
            return True
    if any("<html" in line and line.endswith("/>") for line in html[:4096].splitlines()[:4]):
        return True
    return _has_invalid_xml_chars(html)


def _parse_html(html: str) -> HtmlElement | None:
    """``trafilatura.utils.load_html(html)``: parsed here when its repairs would change nothing
    (:func:`_needs_repair`: nearly every page), as it parses it, else by it (its repairs,
    its fallbacks when lxml refuses the text or finds nothing, its refusal of a page without
    "html" in its beginning that parses to one element). Its look for characters to remove costs
    as much as the parse: here each character is looked for instead (:func:`_has_invalid_xml_chars`).

    >>> lxml.html.tostring(_parse_html("<html><body><p>Text.</p></body></html>"))
    b'<html><body><p>Text.</p></body></html>'
    """
    beginning = html[:50].lower()
    if trafilatura.utils.is_dubious_html(beginning) or _needs_repair(html, beginning):
        return trafilatura.utils.load_html(html)
    try:
        tree = lxml.html.fromstring(html, parser=trafilatura.utils.HTML_PARSER)
    except Exception:  # noqa: BLE001 - trafilatura's fallbacks decide (an encoding declaration: parsed as bytes)
        return trafilatura.utils.load_html(html)
    return tree if tree is not None and len(tree) >= 1 else trafilatura.utils.load_html(html)


@functools.lru_cache(maxsize=8)
def _extractor(config: ExtractConfig, fast: bool) -> trafilatura.settings.Extractor:
    """trafilatura's options for :func:`_bare_extraction` (``bare_extraction``'s ``options``), built
    once per config: building them reads eight values of its settings one by one, ~0.2 ms, 1-2 % of
    a page. trafilatura never changes them (it copies them to change them; their date parameters,
    the only part that ages, are read only with metadata, which is not asked for).

    >>> _extractor(ExtractConfig(), fast=True) is _extractor(ExtractConfig(), fast=True)
    True
    """
    return trafilatura.settings.Extractor(
        output_format="txt",  # only the body tree is read: "python" would also render it as text
        with_metadata=False,
        comments=config.include_comments,
        tables=config.include_tables,
        precision=config.favor_precision,
        fast=fast,
        dedup=False,
    )


def _bare_extraction(tree: HtmlElement, config: ExtractConfig, fast: bool) -> Any:
    """trafilatura's main text of the page (on its own copy of ``tree``), without metadata."""
    return trafilatura.bare_extraction(tree, options=_extractor(config, fast))


def _text_length(document: Any) -> int:
    if document is None or document.body is None:
        return 0
    return sum(map(len, map(str.strip, document.body.itertext())))


def _main_blocks(tree: HtmlElement, config: ExtractConfig) -> list[Block]:
    """The blocks of trafilatura's main text: its fast mode first; its full comparison when
    that finds little or reads the page as one block (see :class:`ExtractConfig`)."""
    below = config.compare_below_chars
    if below is None and not config.fast:
        return _blocks_of(_bare_extraction(tree, config, fast=False))
    document = _bare_extraction(tree, config, fast=True)
    blocks = _blocks_of(document)
    if config.fast or below is None or (_text_length(document) >= below
                       and not (config.compare_one_block and len(blocks) == 1)):
        return blocks
    return _blocks_of(_bare_extraction(tree, config, fast=False))


def _blocks_of(document: Any) -> list[Block]:
    return [] if document is None or document.body is None else _body_blocks(document.body)


def extract_html(html: str, config: ExtractConfig = ExtractConfig()) -> Extracted:
    """Main text blocks, title and metadata of an HTML page (trafilatura).

    The page is parsed once; trafilatura extracts the text from a copy, the
    metadata comes from :func:`page_metadata` (or trafilatura's full
    ``extract_metadata`` with ``config.full_metadata``).

    >>> page = "<html><head><title>T</title></head><body><article><h1>Big news</h1><p>" + "Words of the story. " * 20 + "</p></article></body></html>"
    >>> ex = extract_html(page)
    >>> [b.type.value for b in ex.blocks], ex.title
    (['heading', 'paragraph'], 'Big news')
    """
    tree = _parse_html(html)
    if tree is None:
        return Extracted(blocks=())
    blocks = _main_blocks(tree, config)
    if not blocks:
        return Extracted(blocks=())
    _check_block_sizes([b.text for b in blocks], config)
    meta = trafilatura_metadata.extract_metadata(tree) if config.full_metadata else page_metadata(tree)
    title = _normalize_space(meta.title) if meta.title else None
    return Extracted(blocks=tuple(blocks), title=title or None, metadata=_metadata(meta))


def _may_be_headline(blocks: list[Block], i: int) -> bool:
    """Kept, or dropped only for lying outside the main content window (a headline above the
    body is not prose): a line a rule named as something else ("Share this on WhatsApp",
    "Follow the topics within this article") is never the headline, nor an author box's
    heading ("About Victor Davis Hanson" over a line naming him)."""
    block = blocks[i]
    if block.decision is not None and block.decision.evidence.get("rule") != "outside_main_content":
        return False
    return not is_author_box(block.text, blocks[i + 1].text if i + 1 < len(blocks) else "")


def title_before_content(blocks: list[Block], content_start: int, lookback: int = 4) -> int | None:
    """Index of the headline just before a plain-text article's main content, if any.

    Scraped text dumps put the page title on the first line ("Headline - Site") and
    the headline again just above the body, often followed by a byline or date.
    Lines another rule dropped (share bars, follow-us lines) are no candidates.
    A headline-like line among the ``lookback`` lines above the body wins if the
    first line contains it; otherwise the nearest one without digits of 4+ words.

    >>> lines = ["Harbor Bridge Reopens - City Paper", "Home", "Harbor Bridge Reopens", "By Maria Lopez, May 2", "Body."]
    >>> title_before_content([Block(t) for t in lines], 4)
    2
    """
    first = blocks[0].text.casefold() if blocks else ""
    candidates = [
        i for i in range(max(0, content_start - lookback), content_start)
        if _may_be_headline(blocks, i) and 3 <= word_count(blocks[i].text) <= 25 and looks_like_heading(blocks[i].text)
    ]
    for i in reversed(candidates):
        if i > 0 and blocks[i].text.casefold() in first:
            return i
    for i in reversed(candidates):
        if word_count(blocks[i].text) >= 4 and not any(ch.isdigit() for ch in blocks[i].text):
            return i
    return None
