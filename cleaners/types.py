"""The records every step shares: Block, Decision, Reason, Article, Rejection.

A step never deletes a block: it marks it dropped with a :class:`Decision`
that names the step, the :class:`Reason` and the evidence. A drop without a
reason cannot be built.

>>> b = Block("End of content")
>>> d = b.drop("boilerplate", Reason.BOILERPLATE, rule="infinite_scroll")
>>> d.kept, d.decision.reason.value, d.decision.evidence["rule"]
(False, 'boilerplate', 'infinite_scroll')
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Iterable, Mapping

from mypy_extensions import mypyc_attr

# A compiled build (setup.py) compiles this module's functions and methods. Every class stays a
# plain Python class (``mypyc_attr(native_class=False)``): the records and enums that other tools
# and the tests build, pickle and patch, and the class swap :func:`_new_block` makes.

__all__ = [
    "Reason",
    "BlockType",
    "Decision",
    "Block",
    "Source",
    "EncodingInfo",
    "Article",
    "Rejection",
    "RejectedInput",
    "LIST_MARKER",
    "LIST_MARKER_CHARS",
    "may_open_with_list_marker",
    "kept_indexes",
    "ends_with",
    "ends_with_mark",
    "TYPOGRAPHY",
    "spaced_typography",
    "word_count",
    "kept_word_count",
    "LONGEST_KEPT_COUNT",
    "typed_blocks",
]

#: A list item's marker at the start of a line: a bullet or a number (``- ``, ``• ``, ``3. ``).
LIST_MARKER: Final = re.compile(r"^\s*(?:[-*•·▪◦‣–]|\d{1,3}[.)])\s+")
#: The characters a line with a :data:`LIST_MARKER` can begin with but a digit (``\\d`` is
#: ``str.isdecimal``) or a space.
LIST_MARKER_CHARS: Final = frozenset("-*•·▪◦‣–")


def may_open_with_list_marker(text: str) -> bool:
    """``text`` begins with a character a :data:`LIST_MARKER` can begin with (a marker, a digit or
    a space): only then is the pattern asked (most lines of a dump are let go at once).

    >>> may_open_with_list_marker("- bread"), may_open_with_list_marker("3. step"), may_open_with_list_marker("Bread")
    (True, True, False)
    """
    first = text[:1]
    return first in LIST_MARKER_CHARS or first.isdecimal() or first.isspace()


def ends_with(pattern: re.Pattern[str], text: str, reach: int = 1) -> bool:
    r"""``pattern`` (anchored at the end, ``...\s*$``) matches ``text``, tried only from ``reach``
    characters before its trailing whitespace: where any match of an ending of at most that many
    characters begins (a full stop: 1; an emoji and its variation selector: 2), instead of at
    every position of a long line.

    >>> end = re.compile(r"[.!?]\s*$")
    >>> ends_with(end, "It ended.  "), ends_with(end, "Local News"), ends_with(end, "")
    (True, False, False)
    """
    return pattern.search(text, max(0, len(text.rstrip()) - reach)) is not None


def ends_with_mark(text: str, marks: str) -> bool:
    r"""The last character of ``text`` before its trailing whitespace is one of ``marks``: what
    :func:`ends_with` answers for the pattern ``[marks]\s*$`` (``\s`` is what ``str.rstrip``
    strips), without a regex: for the endings of one character, asked of every line.

    >>> ends_with_mark("It ended.  ", ".!?"), ends_with_mark("Local News", ".!?"), ends_with_mark(" ", ".!?")
    (True, False, False)
    """
    stripped = text.rstrip()
    return stripped != "" and stripped[-1] in marks


#: Typography of Latin-script text (curly quotes, dashes, ellipsis, guillemets, bullet): no
#: letter, digit nor "_" (``\W``), so a space in its place leaves the same runs of letters, and a
#: line with no other character beyond ASCII can then be read by a regex's cheaper ASCII classes
#: (most non-ASCII lines of English pages hold only these).
TYPOGRAPHY: Final = "’‘“”—–…«»•"
assert not any(char.isalnum() or char == "_" for char in TYPOGRAPHY)


def spaced_typography(text: str, keep: str = "") -> str:
    """``text`` with each character of :data:`TYPOGRAPHY` but those in ``keep`` a space.

    >>> spaced_typography("“it’s” — done"), spaced_typography("“it’s”", keep="’")
    (' it s    done', ' it’s ')
    """
    for char in TYPOGRAPHY:
        if char in text and char not in keep:
            text = text.replace(char, " ")
    return text


#: :func:`kept_word_count` keeps its answers for this many recent texts (more than the lines of
#: nearly every dump, which go from one step to the next within a document)...
_COUNTED_TEXTS: Final = 4096
#: ...each of at most this many characters: a longer one (a paragraph of a page without line
#: breaks) is counted again when asked, not kept (the cache would hold it in memory for nothing).
LONGEST_KEPT_COUNT: Final = 4000


@functools.lru_cache(maxsize=_COUNTED_TEXTS)
def kept_word_count(text: str) -> int:
    """``len(text.split())`` of a text of at most :data:`LONGEST_KEPT_COUNT` characters (the caller
    checks), kept for recent texts: the boilerplate rules, the menus and the main content window
    each count the words of the same lines of a dump, one step after the other (a split makes a
    string of each word; a look-up of a line already counted makes none). Called directly by
    the steps, with the length check written out: a function around it costs what it saves.

    >>> kept_word_count("Share on  Facebook"), kept_word_count("")
    (3, 0)
    """
    return len(text.split())


def word_count(text: str) -> int:
    """``len(text.split())``: :func:`kept_word_count` for a text short enough to keep.

    >>> word_count("Share on  Facebook"), word_count("word " * 5000)
    (3, 5000)
    """
    return kept_word_count(text) if len(text) <= LONGEST_KEPT_COUNT else len(text.split())


@mypyc_attr(native_class=False)
class Reason(str, Enum):
    """Why a block was removed or an input yielded no article. Declared once."""

    # block-level removals
    BOILERPLATE = "boilerplate"
    TEASER = "teaser"
    FOREIGN_LANGUAGE = "foreign_language"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    # input-level rejections
    EMPTY_INPUT = "empty_input"
    BINARY_INPUT = "binary_input"
    UNDECODABLE = "undecodable"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    NO_TEXT = "no_text"
    TIMEOUT = "timeout"
    INTERNAL_ERROR = "internal_error"


@mypyc_attr(native_class=False)
class BlockType(str, Enum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    TABLE = "table"
    CODE = "code"


@dataclass(frozen=True, slots=True)
@mypyc_attr(native_class=False)
class Decision:
    """Why a block was dropped: the step, the reason and what decided it."""

    step: str
    reason: Reason
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, step: str, reason: Reason, evidence: Mapping[str, Any] | None = None) -> None:
        # The slots set through their descriptors, as Block's (see there): a step drops many
        # blocks. The same fields and order; no evidence is a new empty dict, as the default was.
        _SET_STEP(self, step)
        _SET_REASON(self, reason)
        _SET_EVIDENCE(self, {} if evidence is None else evidence)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "reason": self.reason.value, "evidence": dict(self.evidence)}


#: The setters of Decision's slots, for its ``__init__`` (as :data:`_SET_TEXT` for Block's).
_SET_STEP, _SET_REASON, _SET_EVIDENCE = (getattr(Decision, name).__set__ for name in ("step", "reason", "evidence"))

_new_object: Final = object.__new__


@dataclass(frozen=True, slots=True)
@mypyc_attr(native_class=False)
class Block:
    """One paragraph, heading, list item, quote... of an article.

    Frozen, and its fields are slots: an attribute read is a slot's (the steps read
    ``decision``, ``text`` and ``type`` of every block many times), and a block made by a
    step costs no dict. Its ``__init__`` and copies set the slots through their descriptors
    (:data:`_SET_TEXT` and the others), not ``object.__setattr__`` field by field.
    """

    text: str
    type: BlockType = BlockType.PARAGRAPH
    language: str | None = None
    decision: Decision | None = None

    def __init__(self, text: str, type: BlockType = BlockType.PARAGRAPH, language: str | None = None,
                 decision: Decision | None = None) -> None:
        _SET_TEXT(self, text)
        _SET_TYPE(self, type)
        _SET_LANGUAGE(self, language)
        _SET_DECISION(self, decision)

    @property
    def kept(self) -> bool:
        return self.decision is None

    @property
    def line(self) -> str:
        """The block as a line of the article's text: a list item gets a ``- `` marker if it has none.

        >>> Block("bread", BlockType.LIST_ITEM).line, Block("• bread", BlockType.LIST_ITEM).line
        ('- bread', '• bread')
        """
        if self.type is BlockType.LIST_ITEM and not LIST_MARKER.match(self.text):
            return "- " + self.text
        return self.text

    def drop(self, step: str, reason: Reason, **evidence: Any) -> "Block":
        """Return this block marked dropped by ``step`` for ``reason``."""
        if self.decision is not None:
            return self
        return self._with_decision(Decision(step, reason, evidence))

    def dropped_by(self, decision: Decision) -> "Block":
        """Return this block marked dropped by ``decision``: as :meth:`drop`, for the blocks a step
        drops on the same evidence (a menu's lines, the lines outside a page's main window),
        which share one Decision (records copy its evidence).

        >>> menu = Decision("boilerplate", Reason.BOILERPLATE, {"rule": "menu"})
        >>> [b.decision is menu for b in (Block("Home").dropped_by(menu), Block("News").dropped_by(menu))]
        [True, True]
        """
        if self.decision is not None:
            return self
        return self._with_decision(decision)

    def _with_decision(self, decision: Decision) -> "Block":
        """A copy of this block with ``decision``.

        >>> Block("Home", BlockType.HEADING)._with_decision(Decision("x", Reason.BOILERPLATE)) == Block(
        ...     "Home", BlockType.HEADING, None, Decision("x", Reason.BOILERPLATE))
        True
        """
        return _new_block(self.text, self.type, self.language, decision)

    def with_language(self, language: str | None) -> "Block":
        """A copy of this block tagged ``language`` (the language step tags most kept blocks).

        >>> Block("Hallo", BlockType.HEADING).with_language("de") == Block("Hallo", BlockType.HEADING, "de")
        True
        """
        return _new_block(self.text, self.type, language, self.decision)

    def with_type(self, type: BlockType) -> "Block":
        """A copy of this block of ``type`` (``dataclasses.replace`` costs ~5x as much).

        >>> Block("Home").with_type(BlockType.HEADING) == Block("Home", BlockType.HEADING)
        True
        """
        return _new_block(self.text, type, self.language, self.decision)


#: The setters of Block's slots, for its ``__init__``: the slots' own descriptors (a frozen
#: class's ``self.text = ...`` raises; ``object.__setattr__`` per field costs ~30 % more).
_SET_TEXT, _SET_TYPE, _SET_LANGUAGE, _SET_DECISION = (
    getattr(Block, name).__set__ for name in ("text", "type", "language", "decision")
)


@mypyc_attr(native_class=False)
class _UnfrozenBlock:
    """A :class:`Block` being made by :func:`_new_block`: Block's slots (the same, in the same
    order: the same layout), without its frozen ``__setattr__``."""

    __slots__ = Block.__slots__
    text: str
    type: BlockType
    language: str | None
    decision: Decision | None


def _new_block(text: str, type: BlockType, language: str | None, decision: Decision | None) -> Block:
    """``Block(text, type, language, decision)``, made as an :class:`_UnfrozenBlock` whose slots are
    set by plain stores (which the interpreter makes a slot's write; Block's ``__init__`` calls a
    descriptor per slot), then made a Block by assigning its ``__class__`` (Python allows it between
    classes of one layout). For the blocks the steps make by the thousand (a dump's lines, the
    copies :meth:`Block.drop` and the others make): ~2,300 instructions a block instead of ~4,200
    (callgrind, 100,000 blocks made by ``map``). The result is a Block as any other, as frozen.

    >>> block = _new_block("Home", BlockType.HEADING, None, None)
    >>> type(block) is Block, block == Block("Home", BlockType.HEADING), hash(block) == hash(Block("Home", BlockType.HEADING))
    (True, True, True)
    >>> block.text = "Away"
    Traceback (most recent call last):
    ...
    dataclasses.FrozenInstanceError: cannot assign to field 'text'
    """
    block = _UnfrozenBlock()
    block.text = text
    block.type = type
    block.language = language
    block.decision = decision
    block.__class__ = Block  # type: ignore[assignment]
    return block  # type: ignore[return-value]


def typed_blocks(texts: Iterable[str], types: Iterable[BlockType]) -> tuple[Block, ...]:
    """A block of each text, of its type (``tuple(map(Block, texts, types))``), each made by
    :func:`_new_block`: the blocks of a text dump, one per line.

    >>> typed_blocks(["Home", "It rained."], [BlockType.HEADING, BlockType.PARAGRAPH]) == (
    ...     Block("Home", BlockType.HEADING), Block("It rained."))
    True
    """
    none = itertools.repeat(None)  # no language, no decision
    return tuple(map(_new_block, texts, types, none, none))


def kept_indexes(blocks: "list[Block] | tuple[Block, ...]") -> list[int]:
    """The indexes of the kept blocks (read as ``decision is None``: the steps ask it of every
    block several times, and a property costs a call each time).

    >>> kept_indexes([Block("a"), Block("b").drop("x", Reason.BOILERPLATE), Block("c")])
    [0, 2]
    """
    return [i for i, block in enumerate(blocks) if block.decision is None]


@dataclass(frozen=True)
@mypyc_attr(native_class=False)
class Source:
    """Where an input came from: a path (or label), its format and the sha256 of its bytes."""

    path: str
    format: str
    sha256: str | None  # None when the bytes could not be read
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "url": self.url, "format": self.format, "sha256": self.sha256}


@dataclass(frozen=True)
@mypyc_attr(native_class=False)
class EncodingInfo:
    """How bytes became text: the charset, how it was found, and ftfy's repairs."""

    charset: str
    method: str
    repairs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"charset": self.charset, "method": self.method, "repairs": list(self.repairs)}


@dataclass(frozen=True)
@mypyc_attr(native_class=False)
class Article:
    """A document as it moves through the steps."""

    source: Source
    blocks: tuple[Block, ...]
    encoding: EncodingInfo
    title: str | None = None
    language: str | None = None
    language_score: float | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kept_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.decision is None)  # kept, read without a property's call

    @property
    def text(self) -> str:
        """The kept blocks, a blank line between them; list items carry a ``- `` marker (as
        trafilatura writes them) unless their text has one, so cleaning the text again reads
        them as list items, not as a menu.

        >>> a = Article(Source("a.html", "html", None), (Block("Bring:"), Block("bread", BlockType.LIST_ITEM)), EncodingInfo("utf-8", "x"))
        >>> a.text
        'Bring:\\n\\n- bread'
        """
        return "\n\n".join(b.line for b in self.kept_blocks)

    def with_blocks(self, blocks: "tuple[Block, ...] | list[Block]") -> "Article":
        return dataclasses.replace(self, blocks=tuple(blocks))

    def replace(self, **changes: Any) -> "Article":
        """A copy with ``changes``, as ``dataclasses.replace`` makes it (an unknown field is a
        TypeError) but by a copy of the fields' dict: a fifth of its cost, asked a few times per document.

        >>> a = Article(Source("a.txt", "text", None), (), EncodingInfo("utf-8", "x"))
        >>> a.replace(title="T") == dataclasses.replace(a, title="T"), a.title
        (True, None)
        """
        unknown = changes.keys() - _ARTICLE_FIELDS
        if unknown:
            raise TypeError(f"Article has no field {', '.join(sorted(unknown))}")
        copy = _new_object(Article)
        fields = copy.__dict__
        fields.update(self.__dict__)
        fields.update(changes)
        return copy


_ARTICLE_FIELDS: Final = frozenset(field.name for field in dataclasses.fields(Article))


@mypyc_attr(native_class=False)
class Rejection(Exception):
    """Raised by a step when an input cannot yield an article; carries the reason."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
@mypyc_attr(native_class=False)
class RejectedInput:
    """An input that yielded no article, and why."""

    source: Source
    reason: Reason
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source.to_dict(), "reason": self.reason.value, "detail": self.detail}
