"""Bytes to text: decompression, charset choice, and ftfy repair with its explanation.

Pure functions: bytes in, text and a record of what was done out. Anything that
cannot become text raises :class:`~cleaners.types.Rejection` with a reason.

>>> decode_bytes("Le café était très bon, déjà vu à Noël.".encode("cp1252"), fmt="text").charset
'windows-1252'
>>> repair_text("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.")
('The Mona Lisa doesn’t have eyebrows.', ('encode:sloppy-windows-1252', 'decode:utf-8', 'encode:sloppy-windows-1252', 'decode:utf-8'))
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import Final, NamedTuple

import charset_normalizer
import ftfy
import ftfy.badness
import ftfy.chardata

from .language import STOPWORDS
from .types import Reason, Rejection

__all__ = [
    "DecodeConfig",
    "Decoded",
    "decompress",
    "decode_bytes",
    "needs_ftfy_in_any",
    "repair_text",
    "strip_control_chars",
    "strip_control_chars_printable",
]


class DecodeConfig(NamedTuple):
    """Limits and choices for turning bytes into text."""

    max_decompressed_bytes: int = 64 * 1024 * 1024
    #: Share of control characters above which decoded text is taken for binary data.
    max_control_ratio: float = 0.05
    #: Fold typography to ASCII (curly quotes, dashes). Off: repair is not folding.
    ascii_fold: bool = False


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    method: str  # "bom", "declared", "utf-8", "sniffed"
    #: Whether every character of ``text`` but its line breaks, tabs and carriage returns is
    #: printable, when known from the bytes (see :func:`decode_bytes`); None: not looked at.
    #: What :func:`strip_control_chars_printable` tells, for the text path to ask no more.
    printable: bool | None = field(default=None, compare=False, repr=False)


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Magic numbers; the short ones (a text may start "MZ Wallace..." or "ID3 tags...") count
#: only with a NUL or control byte in the first 256 bytes.
_WEAK_MAGIC: Final = frozenset({b"MZ", b"ID3", b"BZh", b"GIF8", b"RIFF", b"OggS", b"\x00\x00\x01\x00", b"wOFF"})
_MAGIC: Final = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"wOFF", "web font"),
)

_WORD: Final = re.compile(r"[^\W\d_]+")
_BINARY_BYTE: Final = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_ESCAPED_BYTE: Final = re.compile(r"[\udc80-\udcff]+")
#: A non-ASCII symbol between two letters ("Za¿ó³æ"): a sign of the wrong legacy charset.
_SYMBOL_IN_WORD: Final = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f](?=[^\W\d_])")
#: Stopwords of every language that contain a non-ASCII letter (read-only).
NON_ASCII_STOPWORDS: Final = frozenset(w for words in STOPWORDS.values() for w in words if not w.isascii())

_META_CHARSET: Final = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""", re.I)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
#: What :func:`strip_control_chars` drops: control characters but tab and newline, non-characters, and
#: lone surrogates (bytes ``surrogateescape`` kept), in one pass: dropping one kind cannot make another.
_CONTROL_OR_SURROGATE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


#: The bytes of :data:`_CONTROL`'s ASCII characters (C0 controls but tab, line feed and carriage return; DEL).
_ASCII_CONTROL_BYTES: Final = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: A ``bytes.translate`` table making each of :data:`_ASCII_CONTROL_BYTES` a space.
_ASCII_CONTROLS_TO_SPACE: Final = bytes(0x20 if code in _ASCII_CONTROL_BYTES else code for code in range(256))
#: :data:`_CONTROL`'s other characters in UTF-8: C1 controls (``\xc2`` and a byte 0x80-0x9f), U+FFFE and U+FFFF.
_C1_CONTROL_UTF8: Final = re.compile(rb"\xc2[\x80-\x9f]")
_NONCHARACTERS_UTF8: Final = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _control_count(text: str, encoded: bytes | None = None) -> int:
    """How many characters of ``text`` :data:`_CONTROL` matches, counted in the text's UTF-8 bytes
    (``encoded``, when the caller has them: the input of text decoded from UTF-8 as a whole, or
    those bytes with some ASCII bytes that are no control left out, which changes no count):
    there each of them is bytes no other character has (an ASCII byte, or a lead byte with its
    continuation), found by a byte deletion and searches for a first byte, not by a look of the
    character class at every character (that regex made 59 % of decode_bytes' instructions on
    the 181 ScrapingHub pages of HTML).

    >>> text = "a\\x00b\\x1f\\tc\\x85\\u00a0d\\ufffe\\uffff\\x7f\\ud800é"
    >>> _control_count(text), len(_CONTROL.findall(text))
    (6, 6)
    >>> _control_count("a\\x00b\\x85", "a\\x00b\\x85".encode())
    2
    """
    if encoded is None:
        encoded = text.encode("utf-8", "surrogatepass")  # lone surrogates (escaped bytes) are no controls: kept
    # counted when there is one: the bytes given back as they are by a table changing none is the cheaper look
    ascii_controls = (len(encoded) - len(encoded.translate(None, _ASCII_CONTROL_BYTES))
                      if encoded.translate(_ASCII_CONTROLS_TO_SPACE) != encoded else 0)
    c1_controls = len(_C1_CONTROL_UTF8.findall(encoded)) if b"\xc2" in encoded else 0
    noncharacters = sum(map(encoded.count, _NONCHARACTERS_UTF8)) if b"\xef\xbf" in encoded else 0  # one look, not two
    return ascii_controls + c1_controls + noncharacters


def _printable_but_line_breaks(text: str) -> bool:
    """Every character of ``text`` but "\\n" is printable (``str.isprintable``, in C): then none is
    one :data:`_CONTROL` or :data:`_CONTROL_OR_SURROGATE` looks for (control characters,
    non-characters and surrogates are not printable), known without the regex's look at each
    character. Most dumps; False also for a tab or a space such as U+00A0: then the regex decides.

    A long text (a dump's) is asked in its characters beyond ASCII and its unprintable ASCII
    ones alone, cut out of its UTF-8 bytes (a byte deletion): ``str.isprintable`` of the whole
    text (its line breaks made spaces) looks each character up in the Unicode tables.

    >>> _printable_but_line_breaks("“Déjà vu”\\nok"), _printable_but_line_breaks("a\\x00b"), _printable_but_line_breaks("a\\tb")
    (True, False, False)
    >>> long = "“Déjà vu”\\n" * 100
    >>> _printable_but_line_breaks(long), _printable_but_line_breaks(long + "\\x7f"), _printable_but_line_breaks(long + "\\ud800")
    (True, False, False)
    """
    if len(text) < _LONG_TEXT:
        return text.replace("\n", " ").isprintable()
    # a multi-byte character's bytes are none of them ASCII: what is left is whole characters
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PRINTABLE_ASCII_AND_LINE_FEED)
    return rest.decode("utf-8", "surrogatepass").isprintable()


#: The bytes of the ASCII characters :func:`_printable_but_line_breaks` lets pass: printable ones and "\\n".
_PRINTABLE_ASCII_AND_LINE_FEED: Final = bytes(range(0x20, 0x7F)) + b"\n"
assert all(chr(code).isprintable() for code in range(0x20, 0x7F))
#: Texts at least this long are asked by :func:`_printable_but_line_breaks` in their bytes (a
#: short one, an HTML element's, in its characters: fewer calls).
_LONG_TEXT: Final = 512


def decompress(data: bytes, limit: int) -> bytes:
    """Gunzip ``data``, refusing to expand past ``limit`` bytes (gzip bombs).

    >>> import gzip; decompress(gzip.compress(b"hello"), 100)
    b'hello'
    >>> decompress(gzip.compress(b"x" * 1000), 100)
    Traceback (most recent call last):
    ...
    cleaners.types.Rejection: too_large: decompresses past the limit of 100 bytes
    """
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise Rejection(Reason.UNDECODABLE, f"corrupt compressed data: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise Rejection(Reason.TOO_LARGE, f"decompresses past the limit of {limit} bytes")
    if not inflater.eof:
        raise Rejection(Reason.UNDECODABLE, f"truncated compressed data ({len(data)} bytes, stream not ended)")
    return out


def _binary_kind(data: bytes) -> str | None:
    head = data[:8]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if magic in _WEAK_MAGIC and not _BINARY_BYTE.search(data[:256]):
                return None
            return kind
    return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    try:
        return _canonical(name)
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess UTF-32 or UTF-16 from the NUL pattern of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 8 or 0 not in sample:
        return None  # no NUL (nearly every input), no pattern of them: not a stride slice made nor counted
    if len(sample) % 4 == 0:
        lanes = [sample[k::4].count(0) / (len(sample) / 4) for k in range(4)]
        if lanes[0] < 0.05 and min(lanes[1:]) > 0.9:
            return "utf-32-le"
        if lanes[3] < 0.05 and min(lanes[:3]) > 0.9:
            return "utf-32-be"
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _try(data: bytes, charset: str) -> str | None:
    try:
        return data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _pick_charset(data: bytes, fmt: str) -> Decoded:
    for bom, charset in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom):], charset)
            if text is not None:
                return Decoded(text, charset, "bom")
    utf16 = _utf16_without_bom(data)
    if utf16 and (text := _try(data, utf16)) is not None:
        return Decoded(text, utf16, "nul-pattern")
    if fmt == "html" and (declared := _declared_charset(data)):
        if (text := _try(data, declared)) is not None:
            return Decoded(text, declared, "declared")
    if (text := _try(data, "utf-8")) is not None:
        return Decoded(text, "utf-8", "utf-8")
    if (mixed := _mixed_utf8(data)) is not None:
        return Decoded(mixed, "utf-8+windows-1252", "mixed")
    sniffed = _sniff_charset(data[:262144])
    if sniffed and (text := _try(data, sniffed)) is not None:
        return Decoded(text, _canonical(sniffed), "sniffed")
    if (text := _try(data, "cp1252")) is not None:
        return Decoded(text, "windows-1252", "fallback")
    raise Rejection(Reason.UNDECODABLE, "no charset decodes these bytes")


def _mixed_utf8(data: bytes, min_valid: int = 3) -> str | None:
    """Text that is mostly UTF-8 with some windows-1252 bytes (pasted paragraphs): the UTF-8
    parts decoded as UTF-8, each invalid byte run as windows-1252. None when the data shows
    too little real UTF-8 (then it is a legacy charset throughout).

    >>> _mixed_utf8("café ok, crème ok, naïve".encode() + b" and cr\\xe8me")
    'café ok, crème ok, naïve and crème'
    """
    text = data.decode("utf-8", "surrogateescape")
    escaped = sum(len(run) for run in _ESCAPED_BYTE.findall(text))
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - escaped
    if valid < min_valid or valid < 0.2 * escaped:
        return None
    return _ESCAPED_BYTE.sub(
        lambda run: bytes(ord(ch) - 0xDC00 for ch in run.group()).decode("cp1252", "replace"), text
    )


def _canonical(charset: str) -> str:
    return codecs.lookup(charset).name.replace("cp125", "windows-125")


def _non_ascii_stopword_hits(text: str) -> int:
    """How many words with non-ASCII letters are stopwords of some language.

    Legacy single-byte charsets differ only in their upper half, so a wrong
    choice turns ``très`` into ``trčs`` and ``и`` into ``è``: the right one
    is the one whose non-ASCII words are real (common) words.
    """
    return sum(1 for word in _WORD.findall(text.lower()) if not word.isascii() and word in NON_ASCII_STOPWORDS)


def _sniff_charset(data: bytes) -> str | None:
    """The candidate charset (windows-1252 and charset-normalizer's best few) whose
    decoding has the most real non-ASCII words; ties go to windows-1252, then to
    charset-normalizer's order.

    charset-normalizer alone often picks windows-1250 or -1257 for short French
    or German text (``très`` -> ``trčs``).
    """
    candidates = ["cp1252"] + [m.encoding for m in list(charset_normalizer.from_bytes(data))[:5]]
    best, best_score = None, (-1, 0)
    for charset in dict.fromkeys(candidates):
        text = _try(data, charset)
        if text is None:
            continue
        sample = text[:20000]
        score = (_non_ascii_stopword_hits(sample), -len(_SYMBOL_IN_WORD.findall(sample)))
        if score > best_score:
            best, best_score = charset, score
    return best


def decode_bytes(data: bytes, fmt: str, config: DecodeConfig = DecodeConfig()) -> Decoded:
    """Decode ``data``: BOM, then declared charset (HTML), then UTF-8, then sniffing.

    >>> decode_bytes(b"\\xef\\xbb\\xbfhi", fmt="text")
    Decoded(text='hi', charset='utf-8', method='bom')
    >>> decode_bytes(b"%PDF-1.4 ...", fmt="text")
    Traceback (most recent call last):
    ...
    cleaners.types.Rejection: binary_input: looks like PDF document
    """
    if not data.strip():
        raise Rejection(Reason.EMPTY_INPUT, f"{len(data)} bytes, no text")
    kind = _binary_kind(data)
    if kind:
        raise Rejection(Reason.BINARY_INPUT, f"looks like {kind}")
    decoded = _pick_charset(data, fmt)
    sample = decoded.text[:65536]
    # counted in the text's bytes (cheaper than str.isprintable's look at each character): the
    # input's own when it is the whole text's UTF-8 (strict UTF-8 decoding and encoding are inverses)
    whole_utf8 = decoded.method == "utf-8" and len(sample) == len(decoded.text)
    # the UTF-8 bytes of what is no printable ASCII character nor a line break, tab or carriage
    # return: those _control_count counts, and the characters whose printing is in question
    rest = data.translate(None, _PRINTABLE_ASCII_AND_SPACING) if whole_utf8 else None
    controls = _control_count(sample, rest)
    if controls > config.max_control_ratio * max(len(sample), 1):
        raise Rejection(
            Reason.BINARY_INPUT,
            f"{controls} control characters in the first {len(sample)} decoded as {decoded.charset}",
        )
    if rest is not None:  # a multi-byte character's bytes are none of them ASCII: rest is whole characters
        return Decoded(decoded.text, decoded.charset, decoded.method, not controls and rest.decode().isprintable())
    return decoded


#: The bytes :func:`decode_bytes` drops before it counts a UTF-8 text's control characters:
#: printable ASCII characters, and line breaks, tabs and carriage returns (no control
#: :data:`_CONTROL` takes; :func:`strip_control_chars` makes them a space or a line break).
_PRINTABLE_ASCII_AND_SPACING: Final = bytes(range(0x20, 0x7F)) + b"\t\n\r"


_FTFY_CONFIG: Final = ftfy.TextFixerConfig(
    unescape_html="auto",
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=True,
    normalization="NFC",
    explain=True,
)
_FTFY_FOLDING: Final = _FTFY_CONFIG._replace(uncurl_quotes=True, normalization="NFKC")

_ASCII_FOLD: Final = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


#: In ASCII text, ftfy's fixers can only act on these: HTML entities (:data:`_HTML_ENTITY`),
#: terminal escapes, line breaks and other control characters (mojibake, ligatures, widths and
#: quotes are non-ASCII): every ASCII control character but "\n", made a "\n" by this
#: ``bytes.translate`` table (which gives the same bytes back when it changes none).
_ASCII_FTFY_TARGETS_TO_LINE_FEED: Final = bytes(0x0A if code < 0x20 or code == 0x7F else code for code in range(256))
#: What ftfy's ``unescape_html`` replaces (its own pattern, ``&#?[0-9A-Za-z]{1,24};``): an "&"
#: that starts none ("Q&A", "Tom & Jerry", "AT&T") is left as it is, by that fixer and every other.
_HTML_ENTITY: Final = ftfy.chardata.HTML_ENTITY_RE

#: Non-ASCII characters that none of ftfy's fixers (as configured here) changes on its own:
#: typography, Latin letters, Cyrillic, other scripts, symbols and emoji. Left out: C1 and
#: other control characters, line and paragraph separators, ligatures, box drawing, ftfy's
#: "bad" mojibake characters (¤ ¦ ¨ ª ¬ ¯ ¸ º ƒ ˆ † ‡ ‰ ◊ ...), the letters that open its
#: multi-character patterns (Â Ã Î Ð Ø Ù Ђ √ ‚), Greek, combining marks and private use.
_INERT_NON_ASCII: Final = (
    "\u00a0-\u00a3\u00a5\u00a7\u00a9\u00ab\u00ad\u00ae\u00b0-\u00b7\u00b9\u00bb-\u00c1\u00c4-\u00cd"
    "\u00cf\u00d1-\u00d7\u00da-\u00ff"  # Latin-1 signs and letters
    "\u0100-\u0131\u0134-\u0148\u014a-\u017f\u0218-\u021b\u1e00-\u1eff"  # Latin Extended-A, ș ț, Vietnamese
    "\u0400\u0401\u0403-\u04ff"  # Cyrillic
    "\u0590-\u05ff\u0600-\u06ff\u0900-\u0e7f"  # Hebrew, Arabic, Indic, Thai
    "\u2010-\u2019\u201b-\u201f\u2022-\u2027\u2032-\u203e\u2044\u20a0-\u20bf\u2100-\u214f"  # punctuation, currency, letterlike
    "\u2190-\u2219\u221b-\u22ff\u25a0-\u25c9\u25cb-\u27bf"  # arrows, maths, shapes (not ◊), dingbats
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\ufe0f\uff01-\uff9f\U0001f300-\U0001faff"  # CJK, emoji
)
#: A character outside ASCII-without-targets and the inert set: ftfy decides ("&" is inert
#: unless it starts an entity, looked for apart: :data:`_HTML_ENTITY`).
_NOT_INERT: Final = re.compile(f"[^\\n\\x20-\\x7e{_INERT_NON_ASCII}]")

_MOJIBAKE: Final = ftfy.badness.MOJIBAKE_CATEGORIES
_UPPER: Final = _MOJIBAKE["upper_accented"]
_ACCENTED: Final = _MOJIBAKE["lower_accented"] + _UPPER
_SIGNS: Final = "".join(_MOJIBAKE[name] for name in ("start_punctuation", "end_punctuation", "currency", "numeric", "law")) + "°"
#: Adjacent characters (first, second, which of them the search keys on) at least one pair of
#: which is in every sequence ftfy's mojibake heuristic (``ftfy.badness.is_bad``) flags in text
#: made of the inert characters: an accented capital next to a non-ASCII character ("Ã©",
#: "Ã‰"), an accented letter or sign before a sign ("é”", "â€"), a sign before an accented
#: letter ("”é"), a Cyrillic В Г Р С before a sign ("Р°"), and "œ" before a non-letter.
#: tests/test_decode.py proves this against ftfy's own pattern.
_SUSPECT_PAIRS: Final = (
    ("^\\x00-\\x7f", _UPPER, 1),
    (_UPPER, "^\\x00-\\x7f", 0),
    (_ACCENTED + _SIGNS + "ВГРС", _SIGNS, 1),
    (_SIGNS, _ACCENTED, 0),
    ("Œœ", "^A-Za-z", 0),
)


def _pairs_pattern(pairs: tuple[tuple[str, str, int], ...]) -> re.Pattern[str]:
    """One regex for "any of these adjacent pairs" that starts with a single character class
    (the keys), so the regex engine skips ahead in C to the few places worth a look."""
    keys = "".join((first, second)[key] for first, second, key in pairs)
    tails = [f"(?<=[{first}])[{second}]" if key == 0 else f"(?<=[{first}][{second}])" for first, second, key in pairs]
    return re.compile(f"[{keys}](?:{'|'.join(tails)})")


_SUSPECT_PAIR: Final = _pairs_pattern(_SUSPECT_PAIRS)


def needs_ftfy(text: str, ascii_fold: bool = False) -> bool:
    """False when ftfy could not change ``text``: ASCII with no entity, escape or control
    character (most lines of English pages; ftfy costs ~70 us per call, this ~1 us); without
    ``ascii_fold``, also text of inert characters only (:data:`_INERT_NON_ASCII`), already in
    NFC, with none of the adjacent pairs every mojibake sequence has (:data:`_SUSPECT_PAIRS`):
    curly quotes, accents, Cyrillic or CJK are no work for ftfy by themselves.

    >>> needs_ftfy("Plain ASCII, nothing to fix."), needs_ftfy("caf\u00c3\u00a9"), needs_ftfy("Tom &amp; Jerry")
    (False, True, True)
    >>> needs_ftfy("Q&A: Tom & Jerry"), needs_ftfy("Q&A: “Tom” & Jerry"), needs_ftfy("“Tom” &amp; Jerry")
    (False, False, True)
    >>> needs_ftfy("“Déjà vu,” she said — Москва"), needs_ftfy("“Déjà vu,” she said", ascii_fold=True)
    (False, True)
    """
    if text.isascii():
        return _has_ascii_target(text) or _HTML_ENTITY.search(text) is not None
    return (
        ascii_fold
        or _NOT_INERT.search(text) is not None
        or _HTML_ENTITY.search(text) is not None
        or _SUSPECT_PAIR.search(text) is not None
        or not unicodedata.is_normalized("NFC", text)
    )


def _has_ascii_target(text: str) -> bool:
    """One of ftfy's targets in ASCII text is in ``text``: told by :data:`_ASCII_FTFY_TARGETS_TO_LINE_FEED`
    changing its bytes (``bytes.translate``, a table look per byte) instead of a regex's look of
    the character class at each character (~45 instructions per character: that look made 40 %
    of ``_repair_blocks``' instructions on the 181 text dumps, their lines joined).

    >>> _has_ascii_target("Tab\\there"), _has_ascii_target("Line\\nbreak"), _has_ascii_target("Del\\x7f")
    (True, False, True)
    """
    encoded = text.encode("ascii")
    return encoded.translate(_ASCII_FTFY_TARGETS_TO_LINE_FEED) != encoded


def needs_ftfy_in_any(texts: list[str], ascii_fold: bool = False, controls: bool = True) -> bool:
    """False when ftfy could change none of ``texts``: :func:`needs_ftfy` asked once of them all
    joined by line breaks, instead of once per text. What it looks for in one text it finds in the
    joined ones (a line break is ASCII, no entity or control character, and NFC neither composes
    nor reorders across it), so False holds for each; True may come from a pair across a break
    ("œ" ending one text), after which each text is asked. The ASCII texts (most lines of a page)
    are joined apart from the others: they need only :func:`needs_ftfy`'s two ASCII looks, taken
    in a string of one byte per character, and the others' five looks take the rest alone.
    ``controls=False``: the texts are known to hold no ASCII control character but "\\n" (a text
    dump's lines: :func:`strip_control_chars_printable` took the others before they were cut),
    which are then not looked for (a ``bytes.translate`` of the ASCII texts and one of the others).

    >>> needs_ftfy_in_any(["Plain ASCII.", "“Déjà vu,” she said"]), needs_ftfy_in_any(["Fine.", "Tom &amp; Jerry"])
    (False, True)
    >>> needs_ftfy_in_any(["Fine.", "“Tom” &amp; Jerry"], controls=False), needs_ftfy_in_any(["caf\u00c3\u00a9"], controls=False)
    (True, True)
    """
    others = "\n".join(itertools.filterfalse(str.isascii, texts))  # filter's loops run in C
    ascii_texts = "\n".join(filter(str.isascii, texts)) if others else "\n".join(texts)
    if controls:
        ascii_needs = needs_ftfy(ascii_texts, ascii_fold)
    else:  # needs_ftfy of ASCII text, its look for control characters known to find none
        ascii_needs = _HTML_ENTITY.search(ascii_texts) is not None
    return ascii_needs or (others != "" and (ascii_fold or _needs_ftfy_beyond_ascii(others, controls)))


#: A ``bytes.translate`` table making every ASCII byte a space.
_ASCII_TO_SPACE: Final = bytes(0x20 if code < 0x80 else code for code in range(256))


def _needs_ftfy_beyond_ascii(text: str, controls: bool = True) -> bool:
    """:func:`needs_ftfy` of a text that is not ASCII, without ``ascii_fold``: its looks at each
    character (:data:`_NOT_INERT`, :data:`_SUSPECT_PAIR`) taken in its characters beyond ASCII
    alone (most lines' few: curly quotes, dashes, accents), each run of them kept apart by a space
    where ASCII ones were, cut out of its UTF-8 bytes. The ASCII characters :data:`_NOT_INERT`
    takes are controls, found in those bytes as :func:`_has_ascii_target` finds them; a suspect
    pair is two characters side by side beyond ASCII, or "Œ" or "œ" and a character no ASCII
    letter (a space: such a pair found there may be none in ``text``, which is then searched).
    The NFC and entity looks are made in ``text``. ``controls=False``: ``text`` is known to hold
    no ASCII control character but "\\n" (see :func:`needs_ftfy_in_any`), not looked for.

    >>> _needs_ftfy_beyond_ascii("“Déjà vu,” she said"), _needs_ftfy_beyond_ascii("café crème ” and “")
    (False, False)
    >>> _needs_ftfy_beyond_ascii("caf\u00c3\u00a9"), _needs_ftfy_beyond_ascii("é”"), _needs_ftfy_beyond_ascii("œ1"), _needs_ftfy_beyond_ascii("œuvre")
    (True, True, True, False)
    >>> [needs_ftfy(text) for text in ("“Déjà vu,” she said", "café crème ” and “", "caf\u00c3\u00a9", "é”", "œ1", "œuvre")]
    [False, False, True, True, True, False]
    """
    encoded = text.encode("utf-8", "surrogatepass")
    if controls and encoded.translate(_ASCII_FTFY_TARGETS_TO_LINE_FEED) != encoded:
        return True  # an ASCII control character: _NOT_INERT takes it
    # (a space closes it: an "œ" at the end of a text ending with ASCII is followed by one)
    beyond = (b" ".join(encoded.translate(_ASCII_TO_SPACE).split()) + b" ").decode("utf-8", "surrogatepass")
    return (
        _NOT_INERT.search(beyond) is not None
        or _HTML_ENTITY.search(text) is not None
        or (_SUSPECT_PAIR.search(beyond) is not None and _SUSPECT_PAIR.search(text) is not None)
        or not unicodedata.is_normalized("NFC", text)
    )


def repair_text(text: str, ascii_fold: bool = False) -> tuple[str, tuple[str, ...]]:
    """Repair mojibake, entities and control characters; return the text and what ftfy did.

    Typography (curly quotes, dashes, accents) is kept unless ``ascii_fold``.

    >>> repair_text("“Café” — ok")
    ('“Café” — ok', ())
    >>> repair_text("“Café” — ok", ascii_fold=True)[0]
    '"Café" - ok'
    """
    if not needs_ftfy(text, ascii_fold):
        return text, ()  # no control character either: nothing for strip_control_chars
    fixed, explanation = ftfy.fix_and_explain(text, config=_FTFY_FOLDING if ascii_fold else _FTFY_CONFIG)
    if ascii_fold:
        fixed = fixed.translate(_ASCII_FOLD)
    steps = tuple(f"{step.action}:{step.parameter}" for step in explanation or ())
    return strip_control_chars(fixed), steps


def strip_control_chars(text: str) -> str:
    """Drop control characters other than newline; tabs become spaces.

    >>> strip_control_chars("a\\tb\\x00c\\nd")
    'a bc\\nd'
    """
    return strip_control_chars_printable(text)[0]


def strip_control_chars_printable(text: str, printable: bool | None = None) -> tuple[str, bool]:
    """:func:`strip_control_chars` of ``text``, and whether every character of it but "\\n" was
    printable (``str.isprintable``) once tabs and carriage returns were replaced: then it has no
    space but " " either (every other space is unprintable), which a caller need not look for again.
    ``printable``: that answer when known already (:attr:`Decoded.printable`), not asked again.

    >>> strip_control_chars_printable("a\\tb\\nc"), strip_control_chars_printable("a\\u00a0b\\x00")
    (('a b\\nc', True), ('a\\xa0b', False))
    >>> decoded = decode_bytes("“a”\\tb\\r\\nc".encode(), "text")
    >>> decoded.printable, strip_control_chars_printable(decoded.text, decoded.printable)
    (True, ('“a” b\\nc', True))
    """
    text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    if _printable_but_line_breaks(text) if printable is None else printable:
        return text, True
    return _CONTROL_OR_SURROGATE.sub("", text), False
