"""Document and block language, and foreign-language fragments.

A block is judged only when it has enough text. Cheap evidence comes first: a
block whose words are largely the document language's stopwords is that
language and costs no detector call. Otherwise the detector decides, and a block
is dropped only when another language is confidently detected. The document's
own language is settled the same way when one language's stopwords overwhelm
its sample (probability 1.0, as the detector is then certain); else the
detector decides it too.

Two detectors, chosen by ``LanguageConfig.detector``: ``"langid"`` (py3langid, a
byte n-gram naive Bayes with length-calibrated probabilities; the default: on
lingua's test data it is more accurate than langdetect on sentences and word
pairs and about 30x faster, see ``python -m bench.fragments``) and
``"langdetect"`` (random-sampled, made deterministic by its seed). Both answer
with the same ISO 639-1 codes over the same languages: langdetect's 55
(``zh-cn``/``zh-tw`` become ``zh``).

>>> from cleaners.types import Block
>>> blocks = [Block("The film follows a young couple who marry for convenience and then fall in love over the years."),
...           Block("Die Ermittlungen zur tödlichen Brandkatastrophe haben neue, tragische Details ans Licht gebracht.")]
>>> lang, score, marked = mark_foreign_blocks(blocks)
>>> lang, [b.decision.evidence["language"] if b.decision else "kept" for b in marked]
('en', ['kept', 'de'])
"""

from __future__ import annotations

import functools
import math
import re
from itertools import repeat
from operator import itemgetter, mul
from types import MappingProxyType
from typing import Callable, Final, Iterable, Mapping, NamedTuple, Protocol, overload

import justext
import numpy as np
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException
from mypy_extensions import mypyc_attr
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from .types import Block, BlockType, Reason, kept_indexes, spaced_typography

__all__ = [
    "LanguageConfig",
    "DETECTORS",
    "LANGUAGES",
    "detect_language",
    "language_ranking",
    "load_models",
    "stopword_ratio",
    "document_language",
    "best_stopword_language",
    "mark_foreign_blocks",
    "STOPWORDS",
]

STEP: Final = "language"

DETECTORS: Final = ("langid", "langdetect")

#: The languages either detector may answer: langdetect's profiles, Chinese as one code.
LANGUAGES: Final[tuple[str, ...]] = (
    "af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "gu", "he",
    "hi", "hr", "hu", "id", "it", "ja", "kn", "ko", "lt", "lv", "mk", "ml", "mr", "ne", "nl", "no", "pa", "pl",
    "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "zh",
)


class LanguageConfig(NamedTuple):
    #: ``"langid"`` (py3langid) or ``"langdetect"``.
    detector: str = "langid"
    #: langdetect only: its random sampling is seeded with this.
    seed: int = 0
    #: Document language needs at least this probability, else it is None (undetermined).
    min_document_probability: float = 0.70
    #: Characters of kept text used to decide the document language (langdetect's
    #: cost grows with the text; its answer does not change past a few hundred).
    document_sample_chars: int = 1000
    #: ...taken from at least this many blocks when the document has them (each gives at most
    #: its share of the sample).
    document_sample_blocks: int = 3
    #: A sample this long, taken the same way, is tried first: when the detector is certain
    #: of it (its probability rounds to 1), the full sample is not read (0: always the full one).
    quick_document_sample_chars: int = 500
    #: The quick sample's language is settled without the detector (probability 1.0) when it has
    #: this many words (0: never)...
    document_stopword_words: int = 40
    #: ...of which at least this share are stopwords of one language...
    document_stopword_ratio: float = 0.25
    #: ...at least this many times the words that are another language's stopwords.
    document_stopword_margin: float = 3.0
    #: Characters of a block given to langdetect.
    block_sample_chars: int = 500
    #: A longer prose block's first this many characters are read first: when their stopwords
    #: already say the document language clearly (:func:`_clearly_in_beginning`), the block is
    #: that language without reading the rest of its sample (0: always the whole sample).
    quick_block_sample_chars: int = 120
    #: Blocks shorter than this (characters or words) are not judged: too little evidence.
    min_block_chars: int = 20
    min_block_words: int = 4
    #: A block in another script than the document's is judged from this many letters on.
    min_script_letters: int = 6
    #: A Chinese-script block in a Japanese document is Japanese, without a detector call, when
    #: at least this share of its letters is kana (Chinese uses none).
    min_kana_share: float = 0.2
    #: A block whose share of document-language stopwords reaches this (and is the highest
    #: of any language's) is that language, without a detector call.
    same_language_stopword_ratio: float = 0.12
    #: ...and has at least this many times the stopwords of any other language.
    same_language_margin: float = 1.5
    #: The document language needs at least this many letters of text, else it is None.
    min_document_letters: int = 20
    #: A block is foreign when another language reaches this probability...
    min_foreign_probability: float = 0.50
    #: ...and the document language stays below this one.
    max_own_probability: float = 0.10
    #: If set, articles whose language is not listed are rejected (reason foreign_language).
    accept_languages: tuple[str, ...] = ()


_JUSTEXT_NAMES: Final = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "kn": "Kannada",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi",
    "ne": "Nepali", "nl": "Dutch", "no": "Norwegian_Bokmal", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese",
}

def _distinctive(stoplists: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """jusText's lists come from Wikipedia and carry English words ("the", "of", even in
    Marathi's). Keep, for each language but English, only words that are not English
    stopwords, and for languages not written in Latin script only non-ASCII words."""
    english = stoplists["en"]
    cleaned = {}
    for code, words in stoplists.items():
        if code != "en":
            non_ascii = sum(not w.isascii() for w in words)
            words = frozenset(w for w in words if not w.isascii()) if non_ascii > len(words) / 2 else words - english
        cleaned[code] = words
    return cleaned


def _untracked_word_sets(stoplists: Mapping[str, Iterable[str]]) -> Mapping[str, Mapping[str, None]]:
    """Each list as a dict of its words (to ``None``), read only by membership: a dict of strings alone
    is no container the garbage collector tracks, where a set always is, and each full collection
    would otherwise walk every word of every language."""
    return MappingProxyType({code: dict.fromkeys(words) for code, words in stoplists.items()})


_JUSTEXT_STOPLISTS: Final = {code: frozenset(justext.get_stoplist(name)) for code, name in _JUSTEXT_NAMES.items()}
#: jusText's stoplists per ISO 639-1 code, whole (read once at import, never changed; by membership only:
#: :func:`_untracked_word_sets`).
_FULL_STOPWORDS: Final[Mapping[str, Mapping[str, None]]] = _untracked_word_sets(_JUSTEXT_STOPLISTS)
#: Stopwords per ISO 639-1 code, from jusText's stoplists with English contamination
#: removed (read once at import, never changed).
STOPWORDS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(_distinctive(_JUSTEXT_STOPLISTS))
del _JUSTEXT_STOPLISTS

def _invert(stopwords: Mapping[str, frozenset[str]]) -> Mapping[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for code in sorted(stopwords):
        for word in stopwords[code]:
            index.setdefault(word, []).append(code)
    return MappingProxyType({word: tuple(codes) for word, codes in index.items()})


#: Stopword -> the languages it is a stopword of (read-only).
_STOPWORD_LANGUAGES: Final = _invert(STOPWORDS)

#: The distinct sets of languages a stopword is one of (:data:`_STOPWORD_LANGUAGES`' values; ~500),
#: numbered from 1 in this order (0: no stopword).
_STOPWORD_GROUPS: Final[tuple[tuple[str, ...], ...]] = tuple(sorted(set(_STOPWORD_LANGUAGES.values())))
_GROUP_NUMBER: Final = {codes: number for number, codes in enumerate(_STOPWORD_GROUPS, 1)}


class _StopwordTable(Protocol):
    """A stopword table's ``get`` (bound once: the tables below): a word's group number, else
    ``default`` (None when not given)."""

    @overload
    def __call__(self, word: str, /) -> int | None: ...
    @overload
    def __call__(self, word: str, default: int, /) -> int: ...
    def __call__(self, word: str, default: int | None = None, /) -> int | None: ...  # mypyc asks overloads for one

    def __hash__(self) -> int: ...  # a key of the weight tables (:func:`_word_weights`)


#: Stopword -> the number of its group (a read-only dict's lookup, bound once: the one table the
#: hot loops read, so that it stays in cache).
_group_of_word: Final[_StopwordTable] = {word: _GROUP_NUMBER[codes] for word, codes in _STOPWORD_LANGUAGES.items()}.get
#: ...and of the ASCII stopwords alone (a fifth of them: a table small enough to stay in cache),
#: which answers the same for ASCII words.
_ascii_stopword_groups: Final = {word: _GROUP_NUMBER[codes] for word, codes in _STOPWORD_LANGUAGES.items() if word.isascii()}
_group_of_ascii_word: Final[_StopwordTable] = _ascii_stopword_groups.get
#: ...and for words of a text whose apostrophes were curly ("’"), read with straight ones: the
#: stopwords with a curly apostrophe under their straight spelling, the other ASCII ones as they are.
_curly_stopword_groups: Final = {word.replace("’", "'"): _GROUP_NUMBER[codes] for word, codes in _STOPWORD_LANGUAGES.items()
                          if "'" not in word and word.replace("’", "'").isascii()}
_group_of_curly_word: Final[_StopwordTable] = _curly_stopword_groups.get
#: A word's weight counts another language's stopword in these units, its own language's in ones.
_OTHERS_BITS: Final = 32
_OTHERS_UNIT: Final = 1 << _OTHERS_BITS


@functools.lru_cache(maxsize=64)
def _stopword_weights(language: str) -> list[int]:
    """Per group number, what a word of the group adds to a sum that counts ``language``'s
    stopwords in ones and the stopwords of other languages in :data:`_OTHERS_UNIT` (a word can be
    both: a stopword of several languages). Model data, worked out once per language and only
    read afterwards (a list, not a tuple: its ``__getitem__`` is a fast method, a tuple's a slot
    wrapper, a fifth of the shortcut's time).

    >>> weights = _stopword_weights("en")
    >>> weights[0], weights[_GROUP_NUMBER[("en",)]], weights[_GROUP_NUMBER[_STOPWORD_LANGUAGES["und"]]]
    (0, 1, 4294967296)
    """
    return [0] + [(language in codes) + _OTHERS_UNIT * (codes != (language,)) for codes in _STOPWORD_GROUPS]


#: The tables of ASCII words (:data:`_group_of_ascii_word`'s, :data:`_group_of_curly_word`'s) with
#: every word at the weight of another language's stopword (read-only: copied by :func:`_word_weights`).
_AT_OTHERS_WEIGHT: Final[Mapping[_StopwordTable, MappingProxyType[str, int]]] = MappingProxyType({
    group_of: MappingProxyType(dict.fromkeys(table, _OTHERS_UNIT))
    for group_of, table in ((_group_of_ascii_word, _ascii_stopword_groups), (_group_of_curly_word, _curly_stopword_groups))})


@functools.lru_cache(maxsize=32)
def _word_weights(language: str, group_of: _StopwordTable) -> Callable[[str, int], int]:
    """What a word adds to :func:`_stopword_weights`' sum for ``language``, read in one look-up (not
    its group, then the group's weight: a third of the sum's cost) for the tables of ASCII words,
    :data:`_group_of_ascii_word`'s and :data:`_group_of_curly_word`'s: :data:`_AT_OTHERS_WEIGHT`'s
    copied, ``language``'s own stopwords in it (under their straight spelling in the curly table)
    then set to their weight. Model data, built once per language and table and only read
    afterwards; the full table, five times as large, is read in two steps instead.

    >>> _word_weights("en", _group_of_ascii_word)("the", 0), _word_weights("en", _group_of_ascii_word)("zucchini", 0)
    (1, 0)
    """
    weights, own = _AT_OTHERS_WEIGHT[group_of].copy(), _stopword_weights(language)
    for word in STOPWORDS[language]:
        group = group_of(word.replace("’", "'"))
        if group is not None and language in _STOPWORD_GROUPS[group - 1]:
            weights[word.replace("’", "'")] = own[group]
    return weights.get


_WORD: Final = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: :data:`_WORD` in lower-case ASCII text, where a letter is a-z (and there is no ’)...
_ASCII_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: ...and in such text without an apostrophe.
_ASCII_LETTERS_RUN: Final = re.compile(r"[a-z]+")
#: ...and in lower-case text whose only character beyond ASCII is "’".
_ASCII_LETTERS_WORD: Final = re.compile(r"[a-z]+(?:['’][a-z]+)?")


#: ASCII letters lower-cased, every other byte a space (``bytes.translate``'s table: one look-up
#: per byte in C, a tenth of ``str.lower`` then ``str.translate``)...
_LOWER_LETTERS_ONLY: Final = bytes(code + 0x20 if 0x41 <= code <= 0x5A else code if 0x61 <= code <= 0x7A else 0x20
                            for code in range(256))
#: ...and the same keeping the apostrophe...
_LOWER_LETTERS_AND_APOSTROPHES: Final = bytes(code if code == 0x27 else _LOWER_LETTERS_ONLY[code] for code in range(256))
#: ...and keeping every byte beyond ASCII instead (UTF-8's bytes of the letters beyond ASCII).
_LOWER_LETTERS_AND_BEYOND_ASCII: Final = bytes(code if code >= 0x80 else _LOWER_LETTERS_ONLY[code] for code in range(256))
#: The ASCII bytes (deleted from UTF-8, they leave the bytes of the characters beyond ASCII).
_ASCII_BYTES: Final = bytes(range(128))
#: Latin-1's bytes of the ASCII characters and of the letters beyond them (deleted from a
#: Latin-1 text, they leave its characters beyond ASCII that are no letter)...
_ASCII_AND_LATIN1_LETTER_BYTES: Final = _ASCII_BYTES + bytes(code for code in range(128, 256) if chr(code).isalpha())
#: ...and the bytes of a Latin-1 text lower-cased: an ASCII letter's or a letter's beyond ASCII as
#: ``str.lower`` does (in Latin-1 each stays one Latin-1 letter: ``bytes`` would refuse another),
#: every other byte a space (past the check above, only ASCII ones are left).
_LATIN1_LOWER_LETTERS: Final = bytes(ord(chr(code).lower()) if code >= 0x80 and chr(code).isalpha()
                              else _LOWER_LETTERS_ONLY[code] for code in range(256))
#: In text of a-z, apostrophes and spaces: a second apostrophe in the same run of letters (or
#: right after another one); a pattern that opens with a literal, so the regex engine skips ahead
#: to each apostrophe instead of trying every position.
_TWO_APOSTROPHES_IN_A_RUN: Final = re.compile(r"'[a-z]*'")


#: Beyond ASCII and :data:`~cleaners.types.TYPOGRAPHY`, punctuation spaced out with it where words
#: and letters are counted: no letter of any script (nor beyond Latin), no part of a :data:`_WORD`,
#: without a case; German's opening quote, whose texts would otherwise go to the regexes.
_SPACED_PUNCTUATION: Final = "„"


def _spaced(text: str, keep: str = "") -> str:
    """:func:`~cleaners.types.spaced_typography` of ``text``, :data:`_SPACED_PUNCTUATION` a space too.

    >>> _spaced("„Ja“, sagte er — it’s", keep="’")
    ' Ja , sagte er   it’s'
    """
    text = spaced_typography(text, keep)
    return text.replace(_SPACED_PUNCTUATION, " ") if _SPACED_PUNCTUATION in text else text


def _has_loose_apostrophe(spaced: str) -> bool:
    """In text of a-z, apostrophes and spaces: an apostrophe that does not join two runs of
    letters into one word (at a word's edge, or a second one in the same run). Substring tests
    for the edges, done in C, and one regex for the rest (a tenth of one regex for all three).

    >>> [_has_loose_apostrophe(s) for s in ("it's ok", "dogs' bowls", "'tis", "rock'n'roll", "o''k", "a '")]
    [False, True, True, True, True, True]
    """
    return (" '" in spaced or "' " in spaced or spaced[:1] == "'" or spaced[-1:] == "'"
            or _TWO_APOSTROPHES_IN_A_RUN.search(spaced) is not None)


def _plain_words(text: str) -> tuple[list[str], _StopwordTable] | None:
    """:func:`_words` of ``text.lower()``, split in C (half the regex's time), when the text is
    ASCII (typography aside, spaced out) and each apostrophe joins two runs of letters; with the
    stopword table to read them with. Curly apostrophes ("’", in a text without a straight one)
    come out straight, and are read by :data:`_group_of_curly_word`. Text beyond ASCII without
    apostrophes is :func:`_letter_words`'s; None for other text. Typography is spaced out before
    the text is lower-cased (neither has a case, nor does any letter become one): the ASCII text
    left is lower-cased and split by one byte table, where text beyond ASCII would be lower-cased
    by a look-up per character (curly quotes put most paragraphs there).

    >>> words, group_of = _plain_words("No. 2 isn’t X-ray — “OK”")
    >>> words, group_of is _group_of_curly_word, _plain_words("It's")[0], _plain_words("'tis"), _plain_words("L’été")
    (['no', "isn't", 'x', 'ray', 'ok'], True, ["it's"], None, None)
    """
    group_of = _group_of_ascii_word
    if not text.isascii():
        text = _spaced(text, keep="’")
        if "’" in text:
            if "'" in text:
                return None
            text = text.replace("’", "'")
            group_of = _group_of_curly_word
        if not text.isascii():
            return None if group_of is _group_of_curly_word or "'" in text else _letter_words(text)
    data = text.encode("ascii")
    if "'" not in text:
        return data.translate(_LOWER_LETTERS_ONLY).decode("ascii").split(), group_of
    spaced = data.translate(_LOWER_LETTERS_AND_APOSTROPHES).decode("ascii")
    return None if _has_loose_apostrophe(spaced) else (spaced.split(), group_of)


def _letter_words(text: str) -> tuple[list[str], _StopwordTable] | None:
    """:func:`_words` of ``text.lower()`` for a text without apostrophes (typography spaced out)
    whose characters beyond ASCII are all letters once lower-cased (Cyrillic, accented Latin):
    its UTF-8 bytes split in C by one table (ASCII letters kept, the bytes beyond ASCII too), not
    by the regex; read by the full stopword table. None for other text (a digit, a mark or a
    space beyond ASCII: the regex decides).

    >>> _letter_words("Das Café, 2 Mal")[0], _letter_words("Москва\u00a0столица"), _letter_words("Ü")[0]
    (['das', 'café', 'mal'], None, ['ü'])
    """
    try:
        latin1 = text.encode("latin-1")
    except UnicodeEncodeError:
        return _letter_words_by_utf8(text)
    # most such texts (German, French...): lower-cased, checked and split by byte tables, one
    # look-up per byte in C, not lower-cased a character at a time
    if text.isascii() or latin1.translate(None, _ASCII_AND_LATIN1_LETTER_BYTES):  # as the UTF-8 path: none
        return None
    return latin1.translate(_LATIN1_LOWER_LETTERS).decode("latin-1").split(), _group_of_word


def _letter_words_by_utf8(text: str) -> tuple[list[str], _StopwordTable] | None:
    """:func:`_letter_words` of any text, lower-cased, then its UTF-8 bytes checked and split: that of
    a text with a character beyond the first 256 (Cyrillic, Greek...)."""
    lowered = text.lower()
    data = lowered.encode("utf-8", "surrogatepass")
    if not data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass").isalpha():
        return None
    return data.translate(_LOWER_LETTERS_AND_BEYOND_ASCII).decode("utf-8", "surrogatepass").split(), _group_of_word


def _words_to_count(text: str) -> tuple[list[str], _StopwordTable]:
    """The words of ``text.lower()`` and the table to read them with: :func:`_plain_words`, else
    :func:`_words` and the full stopword table."""
    return _plain_words(text) or (_words(text.lower()), _group_of_word)


def _words(lowered: str) -> list[str]:
    """:data:`_WORD`'s words of lower-cased text; in ASCII text by the cheaper :data:`_ASCII_WORD`
    (or :data:`_ASCII_LETTERS_RUN` without an apostrophe), and so in text that is ASCII but for
    typography (:data:`~cleaners.types.TYPOGRAPHY`, "’" being an apostrophe: the others are
    no part of a word, and spaced out).

    >>> _words("it's 2 o’clock, isn't it"), _words("l'été"), _words("no. 2 is x-ray"), _words("“it’s” — ok")
    (["it's", 'o’clock', "isn't", 'it'], ["l'été"], ['no', 'is', 'x', 'ray'], ['it’s', 'ok'])
    """
    if not lowered.isascii():
        spaced = spaced_typography(lowered, keep="’")
        return (_ASCII_LETTERS_WORD if spaced.replace("’", "'").isascii() else _WORD).findall(spaced)
    return (_ASCII_WORD if "'" in lowered else _ASCII_LETTERS_RUN).findall(lowered)


@functools.lru_cache(maxsize=1)
def _langdetect_factory() -> DetectorFactory:
    """langdetect's profiles, loaded on first use and only read afterwards."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


#: py3langid's byte automaton is an Aho-Corasick one at most this many bytes deep: the state
#: after any byte is the one reached from the start on the last 6 bytes alone.
_LANGID_DEPTH: Final = 6
#: Shorter inputs (in UTF-8 bytes) are walked by py3langid's own loop: numpy's fixed cost is
#: about what the loop spends on this many bytes.
_LANGID_NUMPY_FROM: Final = 128


@mypyc_attr(native_class=False)  # compiled (setup.py), still a Python class: its base is one
class _LangidIdentifier(LanguageIdentifier):
    """py3langid's identifier with its automaton walk done by numpy: the same features, counts
    and order, so the same scores. Its loop is a chain of dependent look-ups into a 39 MB
    table, each waiting for the last; here every position's state is found at once by walking
    its last :data:`_LANGID_DEPTH` bytes from the start, in independent gathers. One more step
    then checks py3langid's own recurrence (state i is the move from state i-1 on byte i) at
    every position, which makes the states exactly those of its loop; were the check ever to
    fail, its loop decides. Features are counted by numpy too, in py3langid's order (of first
    visit), and its weights are kept as float32, the type its product is computed in.
    """

    __slots__ = ("_next_state", "_row_offset", "_feature_of", "_labels", "_label_index")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        moves = self.tk_nextmove  # an array.array: viewed, not copied
        self._next_state = (np.frombuffer(moves, dtype=np.dtype(moves.typecode)) if hasattr(moves, "typecode")
                            else np.asarray(moves))
        self._row_offset = np.asarray(self._rowbase, dtype=np.intp)
        self._feature_of = np.asarray(self.tk_output, dtype=np.intp)

    def set_languages(self, langs=None):
        """py3langid's restriction to ``langs``, its table of feature weights then laid out row
        by row (C order): each text reads the rows of its features, a row's 54 weights then sit
        side by side instead of 200 KB apart. The weights are stored as float16 and multiplied
        in float32 (numpy casts them on every product, slowly): held as float32 once, the same
        values give the same scores some 5x faster, for 11 MB more.
        """
        super().set_languages(langs)
        self.nb_ptc = np.ascontiguousarray(self.nb_ptc, dtype=np.result_type(self.nb_ptc, np.float32))
        self._labels = tuple(dict.fromkeys(self.nb_classes))
        self._label_index = MappingProxyType({code: i for i, code in enumerate(self._labels)})

    def _visits(self, data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """py3langid's ``visit_counts`` of ``data`` as arrays: the features in order of first
        visit and their counts; None for no feature or a failed check."""
        byte = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        n = byte.size
        moves, row = self._next_state, self._row_offset
        states = np.zeros(n, dtype=np.intp)  # intp: read as indexes without a cast (half a look-up's cost)
        for back in range(min(_LANGID_DEPTH, n) - 1, -1, -1):
            states[back:] = moves[row[states[back:]] + byte[: n - back]]
        before = np.zeros(n, dtype=np.intp)  # the start state before the first byte
        before[1:] = states[:-1]
        if not n or not np.array_equal(moves[row[before] + byte], states):
            return None
        features = self._feature_of[states]
        found = features[features >= 0]
        if not found.size:
            return None
        return _counted_in_order_of_first_visit(found)

    def _walked(self, data: bytes) -> dict[int, int]:
        """py3langid's ``visit_counts`` of ``data`` by its own loop (the same features, counts and
        order of first visit), counted into a dict as it walks rather than listed, then counted by
        a ``Counter`` (whose making costs about what the walk of a short text does); {} for none."""
        moves, row, feature_of = self.tk_nextmove, self._rowbase, self.tk_output
        state = 0
        counts: dict[int, int] = {}
        count = counts.get
        for byte in data:
            state = moves[row[state] + byte]
            feature = feature_of[state]
            if feature >= 0:
                counts[feature] = count(feature, 0) + 1
        return counts

    def _raw_score(self, text):
        if not isinstance(text, bytes):
            return super()._raw_score(text)
        visits = self._visits(text) if len(text) >= _LANGID_NUMPY_FROM else None
        if visits is not None:
            features, counts = visits
            return self._score(features, counts.astype(np.float32), self.nb_ptc)
        walked = self._walked(text)
        return self._sparse_score(walked, self.nb_ptc) if walked else super()._raw_score(text)  # none: its fill

    def _sparse_score(self, visits, table):
        """py3langid's score of the counts of its walk (:meth:`_walked`'s), by :meth:`_score`."""
        return self._score(np.fromiter(visits.keys(), dtype=np.intp, count=len(visits)),
                           np.fromiter(visits.values(), dtype=np.float32, count=len(visits)), table)

    def _score(self, features: np.ndarray, counts: np.ndarray, table: np.ndarray) -> np.ndarray:
        """py3langid's naive Bayes score of the ``features`` (in order of first visit) seen ``counts``
        (float32) times: the product of their rows of ``table`` with the counts' ``log1p``, plus the
        priors. The rows are taken (``take``), not indexed: the same array for a third of the cost."""
        return np.log1p(counts) @ table.take(features, axis=0) + self.nb_pc

    def _decide(self, text):
        """py3langid's probabilities of ``text`` (the same float32 operations in the same order),
        its maximum and sum reduced by the ufuncs themselves, not through the array methods'
        Python wrappers; py3langid's own when it merges aliased labels or does not normalise."""
        if self._alias_pairs or not self._norm_probs:
            return super()._decide(text)
        text = self._encode(text)
        scores = self._raw_score(text)
        scores *= 1.0 / math.sqrt(len(text) or 1)
        np.exp(scores - np.maximum.reduce(scores), out=scores)
        scores /= np.add.reduce(scores)
        return scores

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """:meth:`rank`'s languages with a probability of at least 0.00005, the probability
        rounded to 4 places, unsorted (:func:`detect_language` sorts them)."""
        if len(self._labels) != len(self.nb_classes):  # aliased labels: py3langid's own merge
            return [(code, round(p, 4)) for code, p in self.rank(text) if p >= _LISTED_FROM]
        labels = self._labels
        probabilities = self._decide(text).astype(np.float64)  # the floats ``tolist`` gives
        rounded = _round4(probabilities)
        return [(labels[i], rounded[i]) for i, p in enumerate(probabilities.tolist()) if p >= _LISTED_FROM]

    def shortlisted(self, text: str) -> Callable[[str | None], list[tuple[str, float]]]:
        """:meth:`ranked` of ``text`` sorted as :func:`detect_language` sorts it, read as a function
        of a language: the best entry, then that language's when it is another listed one. The
        probabilities are computed once; only the few near the best are rounded and compared."""
        if len(self._labels) != len(self.nb_classes):
            ranked = _best_first(self.ranked(text))
            return functools.partial(_shortlist, ranked)
        return functools.partial(self._shortlist_of, self._decide(text).tolist())  # float32s read as floats

    def _shortlist_of(self, probabilities: list[float], language: str | None) -> list[tuple[str, float]]:
        """The shortlist of the probabilities (a list: reading ~50 floats in Python is cheaper
        than a handful of numpy calls on them)."""
        highest = max(probabilities)
        total = sum(probabilities)
        if not highest >= _LISTED_FROM or total != total:  # none listed, or a NaN: the plain path decides
            array = np.array(probabilities)
            rounded = _round4(array)
            listed = [(self._labels[i], rounded[i]) for i, p in enumerate(probabilities) if p >= _LISTED_FROM]
            return _shortlist(_best_first(listed), language)
        # rounding keeps the order, so a tie for the best rounded value lies within 10^-4 of the highest
        threshold = max(highest - 0.00011, _LISTED_FROM)
        if total - highest + 1e-9 < threshold:  # the others together stay below it: the best alone
            best = probabilities.index(highest)
            code, top = self._labels[best], round(highest, 4)
        else:
            near_top = {i: round(p, 4) for i, p in enumerate(probabilities) if p >= threshold}
            top = max(near_top.values())
            code = min(self._labels[i] for i, value in near_top.items() if value == top)
        answer = [(code, top)]
        index = self._label_index.get(language)
        if index is not None and language != code and probabilities[index] >= _LISTED_FROM:
            answer.append((language, round(probabilities[index], 4)))
        return answer


def _counted_in_order_of_first_visit(found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``found`` in order of first occurrence, and how often each occurs:
    ``np.unique``'s answer (with ``return_index``, ``return_counts``) reordered, in a few array
    operations instead of its general path (half the time on a detector's few hundred features).

    >>> [a.tolist() for a in _counted_in_order_of_first_visit(np.array([7, 3, 7, 9, 3, 7]))]
    [[7, 3, 9], [3, 2, 1]]
    """
    size = found.size
    order = np.argsort(found, kind="stable")  # stable: each run of equal values starts at its first visit
    ascending = found[order]
    starts_run = np.empty(size, dtype=bool)
    starts_run[0] = True
    np.not_equal(ascending[1:], ascending[:-1], out=starts_run[1:])
    starts = np.flatnonzero(starts_run)
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = size
    by_first_visit = np.argsort(order[starts])
    return ascending[starts][by_first_visit], (ends - starts)[by_first_visit]


#: :meth:`_LangidIdentifier.ranked` lists the languages of at least this probability.
_LISTED_FROM: Final = 0.00005


def _shortlist(ranked: list[tuple[str, float]], language: str | None) -> list[tuple[str, float]]:
    """The first entry of ``ranked`` (best first), then ``language``'s when it is another listed one.

    >>> _shortlist([("de", 0.7), ("en", 0.2), ("fr", 0.1)], "fr"), _shortlist([("de", 1.0)], "en"), _shortlist([], "en")
    ([('de', 0.7), ('fr', 0.1)], [('de', 1.0)], [])
    """
    return ranked[:1] + [entry for entry in ranked[1:] if entry[0] == language]


def _round4(values: np.ndarray) -> list[float]:
    """``[round(v, 4) for v in values]`` (float64) worked out by numpy, not by ~50 calls per
    detection: ``rint(v * 10^4) / 10^4`` is Python's correctly rounded answer (the nearest
    integer to the exact v * 10^4, then the double nearest that over 10^4) unless v * 10^4 lies
    next to a half, where the product's own rounding could tip it: those few Python rounds.

    >>> values = np.array([0.123456, 0.00005, 0.99996, 1.0, 0.12345000000001, 0.0])
    >>> _round4(values) == [round(v, 4) for v in values.tolist()]
    True
    """
    scaled = values * 10000.0
    rounded = (np.rint(scaled) / 10000.0).tolist()
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        rounded[i] = round(float(values[i]), 4)
    return rounded


@functools.lru_cache(maxsize=1)
def _langid_identifier() -> LanguageIdentifier:
    """py3langid's model restricted to :data:`LANGUAGES`, loaded once and only read afterwards."""
    identifier = _LangidIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier


def load_models(config: LanguageConfig = LanguageConfig()) -> None:
    """Load the configured detector's model now rather than on first use (py3langid's takes
    ~0.4 s here, most of it unpacking the model), e.g. before timing documents or before
    forking workers that should share it.

    >>> load_models()
    """
    if config.detector == "langdetect":
        _langdetect_factory()
    else:
        _langid_identifier()


_LANGDETECT_CODES: Final = {"zh-cn": "zh", "zh-tw": "zh"}


def _ranked_by_langdetect(text: str, seed: int) -> list[tuple[str, float]]:
    detector = _langdetect_factory().create()
    detector.seed = seed
    detector.append(text)
    try:
        ranked = [(_LANGDETECT_CODES.get(p.lang, p.lang), p.prob) for p in detector.get_probabilities()]
    except LangDetectException:
        return []
    merged: dict[str, float] = {}
    for code, probability in ranked:
        merged[code] = merged.get(code, 0.0) + probability
    return [(code, round(p, 4)) for code, p in merged.items()]


def _ranked_by_langid(text: str) -> list[tuple[str, float]]:
    return _langid_identifier().ranked(text)


_LETTER: Final = re.compile(r"[^\W\d_]")


def _has_letters(text: str, count: int) -> bool:
    """At least ``count`` letters in ``text``: its ASCII letters, counted in C, are usually
    enough (each is a letter); else the regex counts them all, looking at the head first.

    >>> _has_letters("ab, 12 cd", 4), _has_letters("ab, 12 c", 4), _has_letters("Œuvre ½", 6)
    (True, False, True)
    """
    return (_ascii_letters(text) >= count or len(_LETTER.findall(text, 0, 4 * count)) >= count
            or len(_LETTER.findall(text)) >= count)


def detect_language(text: str, config: LanguageConfig = LanguageConfig()) -> list[tuple[str, float]]:
    """Languages and probabilities (rounded to 4 places), best first; [] for text without
    letters. Deterministic: the same text and config always give the same answer.

    >>> detect_language("Das ist ein ganz normaler deutscher Satz über das Wetter.")[0][0]
    'de'
    >>> detect_language("Das ist ein ganz normaler deutscher Satz.", LanguageConfig(detector="langdetect"))[0][0]
    'de'
    >>> detect_language("12345 !!!")
    []
    """
    if not _LETTER.search(text):
        return []
    if config.detector == "langdetect":
        ranked = _ranked_by_langdetect(text, config.seed)
    elif config.detector == "langid":
        ranked = _ranked_by_langid(text)
    else:
        raise ValueError(f"unknown language detector {config.detector!r}; choose one of {DETECTORS}")
    return _best_first(ranked)


def _best_first(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """``ranked`` by probability, highest first, a tie by code: ``sorted`` by ``(-p, code)``, as
    two stable sorts on keys taken in C (a detection ranks ~50 languages).

    >>> _best_first([("fr", 0.2), ("de", 0.7), ("en", 0.2)])
    [('de', 0.7), ('en', 0.2), ('fr', 0.2)]
    """
    ranked = sorted(ranked, key=itemgetter(0))
    ranked.sort(key=itemgetter(1), reverse=True)  # stable, reversed or not: a tie keeps the code order
    return ranked


def language_ranking(text: str, config: LanguageConfig = LanguageConfig()
                     ) -> Callable[[str | None], list[tuple[str, float]]]:
    """:func:`detect_language`'s answer for ``text`` as a function of a language: its first entry,
    then that language's when it is another listed one (all a judgement reads of it). py3langid's
    probabilities are computed once, without rounding and sorting all ~50 of them.

    >>> ranking = language_ranking("Das ist ein ganz normaler deutscher Satz über das Wetter.")
    >>> ranking("en") == [e for e in detect_language("Das ist ein ganz normaler deutscher Satz über das Wetter.")
    ...                   if e[0] in ("de", "en")][:2]
    True
    """
    if config.detector != "langid" or not _LETTER.search(text):
        return functools.partial(_shortlist, detect_language(text, config))
    return _langid_identifier().shortlisted(text)


def stopword_ratio(text: str, language: str) -> float | None:
    """Share of the words of ``text`` that are stopwords of ``language`` (None: no list).

    >>> stopword_ratio("the cat is on the mat", "en")
    0.6667
    """
    stopwords = STOPWORDS.get(language)
    if stopwords is None:
        return None
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return round(sum(w in stopwords for w in words) / len(words), 4)


def stopword_counts(text: str) -> tuple[dict[str, int], int]:
    """Per language, how many of ``text``'s words are its stopwords; and the word count.

    >>> stopword_counts("the cat is on the mat")[0]["en"], stopword_counts("the cat is on the mat")[1]
    (4, 6)
    """
    return _stopword_counts(_WORD.findall(text.lower()))


def _stopword_counts(words: list[str]) -> tuple[dict[str, int], int]:
    return _counts_of_groups(_stopword_groups(words)), len(words)


def _stopword_groups(words: list[str], group_of: _StopwordTable = _group_of_word) -> dict[int, int]:
    """How many of ``words`` are stopwords of each group (:data:`_STOPWORD_GROUPS`' numbers, in order of
    first occurrence; ``group_of``: the table to read them with, :func:`_plain_words`): the stopwords
    alone, picked out in C, counted by a loop (making a ``Counter`` costs more than counting a sample's).

    >>> _stopword_groups(["the", "cat", "the", "und"]) == {_group_of_word("the"): 2, _group_of_word("und"): 1}
    True
    """
    groups: dict[int, int] = {}
    count = groups.get
    for group in filter(None, map(group_of, words)):  # None: no stopword (the groups count from 1)
        groups[group] = count(group, 0) + 1
    return groups


def _counts_of_groups(groups: dict[int, int]) -> dict[str, int]:
    """Per language, the stopwords counted in ``groups`` (~20 groups to read, not ~50 words)."""
    counts: dict[str, int] = {}
    for group, found in groups.items():
        for code in _STOPWORD_GROUPS[group - 1]:
            counts[code] = counts.get(code, 0) + found
    return counts


def exclusive_stopword_counts(text: str, first: str, second: str) -> tuple[int, int]:
    """Words of ``text`` that are stopwords of ``first`` but not of ``second``, and the reverse
    (jusText's full lists: words both languages use, like "a" or "me", are no evidence).

    >>> exclusive_stopword_counts("A sensação de um enorme vazio me envolveu", "en", "pt")
    (0, 1)
    >>> exclusive_stopword_counts("They said that the sauce was made with tomatoes", "en", "it")
    (6, 0)
    """
    return _exclusive_stopword_counts(_WORD.findall(text.lower()), first, second)


def _exclusive_stopword_counts(words: list[str], first: str, second: str) -> tuple[int, int]:
    one, other = _FULL_STOPWORDS.get(first, {}), _FULL_STOPWORDS.get(second, {})
    return sum(w in one and w not in other for w in words), sum(w in other and w not in one for w in words)


def best_stopword_language(text: str) -> tuple[str | None, float]:
    """The language whose stopwords make up the largest share of ``text``'s words.

    >>> best_stopword_language("the cat is on the mat")
    ('en', 0.6667)
    """
    counts, words = stopword_counts(text)
    if not counts:
        return None, 0.0
    best = max(sorted(counts), key=counts.__getitem__)
    return best, round(counts[best] / words, 4)


_DENSE_SCRIPT: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
#: Each script's letters, as ranges of code points (first, last); a tie goes to the first script.
_SCRIPT_CODE_POINTS: Final[tuple[tuple[str, tuple[tuple[int, int], ...]], ...]] = (
    ("latin", ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F))),
    ("cyrillic", ((0x400, 0x4FF),)),
    ("greek", ((0x370, 0x3FF),)),
    ("arabic", ((0x600, 0x6FF), (0x750, 0x77F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("hebrew", ((0x590, 0x5FF),)),
    ("indic", ((0x900, 0xDFF),)),
    ("thai", ((0xE00, 0xE7F),)),
    ("cjk", ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xF900, 0xFAFF))),
    ("hangul", ((0xAC00, 0xD7AF), (0x1100, 0x11FF))),
)
#: ...as one regex character class per script.
_SCRIPT_RANGES: Final = tuple(
    (name, re.compile("[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in ranges) + "]"))
    for name, ranges in _SCRIPT_CODE_POINTS
)
#: ...as the sorted starts and ends (+1) of all ranges: a code point's place among them
#: (``np.searchsorted``, side right) numbers the stretch it lies in...
_SCRIPT_BOUNDS: Final = np.array(sorted({first for _, ranges in _SCRIPT_CODE_POINTS for first, _ in ranges}
                                 | {last + 1 for _, ranges in _SCRIPT_CODE_POINTS for _, last in ranges}),
                          dtype=np.uint32)
#: ...and per stretch, the number of its script in :data:`_SCRIPT_CODE_POINTS` (their count: none).
_SCRIPT_OF_STRETCH: Final = np.full(len(_SCRIPT_BOUNDS) + 1, len(_SCRIPT_CODE_POINTS), dtype=np.intp)
for _number, (_, _ranges) in enumerate(_SCRIPT_CODE_POINTS):
    for _first, _last in _ranges:
        _SCRIPT_OF_STRETCH[np.searchsorted(_SCRIPT_BOUNDS, _first, side="right"):
                           np.searchsorted(_SCRIPT_BOUNDS, _last + 1, side="right")] = _number
del _number, _ranges, _first, _last


def _script_letters(text: str) -> list[int]:
    """How many letters of each script (:data:`_SCRIPT_CODE_POINTS`' order) ``text`` holds: each
    character's stretch of code points found at once by numpy, instead of one regex pass per
    script (each building a string per match).

    >>> _script_letters("Москва, 2024: Kremlin")
    [7, 6, 0, 0, 0, 0, 0, 0, 0]
    >>> [len(pattern.findall("Москва, 2024: Kremlin")) for _, pattern in _SCRIPT_RANGES]
    [7, 6, 0, 0, 0, 0, 0, 0, 0]
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    stretches = _SCRIPT_OF_STRETCH[np.searchsorted(_SCRIPT_BOUNDS, codes, side="right")]
    return np.bincount(stretches, minlength=len(_SCRIPT_CODE_POINTS) + 1)[:-1].tolist()


_BEYOND_LATIN: Final = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2000-\u206f]")
_LATIN_LETTER: Final = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_LATIN_BEYOND_ASCII: Final = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")
_ASCII_LETTERS: Final = bytes(range(65, 91)) + bytes(range(97, 123))


def _latin_letters(text: str) -> int:
    """How many characters of ``text`` :data:`_LATIN_LETTER` matches: its ASCII letters counted
    in C (:func:`_ascii_letters`), plus the few others found by a regex, rather than one regex
    match per letter.

    >>> _latin_letters("Crème brûlée, 2 €"), len(_LATIN_LETTER.findall("Crème brûlée, 2 €"))
    (11, 11)
    """
    letters = _ascii_letters(text)
    return letters if text.isascii() else letters + len(_LATIN_BEYOND_ASCII.findall(text))


#: The Latin-1 characters (the first 256, none beyond Latin) :data:`_LATIN_LETTER` matches, as bytes.
_LATIN1_LETTER_BYTES: Final = bytes(code for code in range(256) if _LATIN_LETTER.match(chr(code)))


def _latin1_letters(text: str) -> int | None:
    """:func:`_latin_letters` of a text of Latin-1 characters only (ASCII ones included): its
    letters deleted from its Latin-1 bytes in C, not matched one by one; None for other text
    (a character beyond the first 256).

    >>> _latin1_letters("Crème brûlée, ½ ×"), len(_LATIN_LETTER.findall("Crème brûlée, ½ ×")), _latin1_letters("2 €")
    (12, 12, None)
    """
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return None
    return len(data) - len(data.translate(None, _LATIN1_LETTER_BYTES))


def _ascii_letters(text: str) -> int:
    """How many of ``text``'s characters are ASCII letters: deleted from its UTF-8 bytes (in C;
    no other character has a byte below 0x80), not matched one by one.

    >>> _ascii_letters("Crème brûlée, 2 €")
    8
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _ASCII_LETTERS))


def dominant_script(text: str, sample: int = 400) -> tuple[str | None, int]:
    """The script most letters of ``text`` are written in, and how many letters that is.

    >>> dominant_script("Das ist gut"), dominant_script("これは日本語です"), dominant_script("123")
    (('latin', 9), ('cjk', 8), (None, 0))
    """
    head = text[:sample]
    if not head.isascii():
        # typography is no letter of any script (nor beyond Latin): spaced out (:func:`_spaced`),
        # most heads are ASCII
        head = _spaced(head)
    letters = _latin1_letters(head)  # most heads: ASCII or Latin-1, so nothing beyond Latin, counted in C
    if letters is None and not _BEYOND_LATIN.search(head):  # the common case: one test instead of nine
        letters = _latin_letters(head)
    if letters is not None:
        return ("latin", letters) if letters else (None, 0)
    best, best_count = None, 0
    for (name, _), count in zip(_SCRIPT_CODE_POINTS, _script_letters(head)):
        if count > best_count:
            best, best_count = name, count
    return best, best_count


#: The high bytes of the UTF-16 code units of the characters below U+0300 (ASCII, Latin-1, Latin
#: Extended, IPA, spacing modifiers) and of U+2000-U+2FFF (typography, currency, symbols). A text of
#: such code units alone holds no letter of a script but Latin (:data:`_SCRIPT_CODE_POINTS`).
_LATIN_OR_SYMBOL_HIGH_BYTES: Final = bytes((0x00, 0x01, 0x02)) + bytes(range(0x20, 0x30))
#: The script of every block of a Latin document (:func:`_latin_only`), as :func:`_judge_block` reads it.
_LATIN: Final = ("latin", 0)


def _latin_only(texts: list[str]) -> bool:
    """No letter of any script but Latin in ``texts`` (:data:`_LATIN_OR_SYMBOL_HIGH_BYTES`), checked
    in C over all of them at once: each text's :func:`block_script` is then Latin or none (no letter),
    and so is the document's; the judgements read no more of it than that (:data:`_LATIN`).

    >>> _latin_only(["Crème brûlée — 2 €", "“OK”"]), _latin_only(["OK", "Москва"]), _latin_only(["ΑΒΓ"])
    (True, False, False)
    """
    joined = "".join(texts)
    return joined.isascii() or not joined.encode("utf-16-le", "surrogatepass")[1::2].translate(
        None, _LATIN_OR_SYMBOL_HIGH_BYTES)


def document_script(scripts: Iterable[tuple[str | None, int]]) -> str | None:
    """The script with the most letters over the blocks' ``(script, letters)``.

    >>> document_script([("latin", 300), ("cjk", 40), ("latin", 20), (None, 0)])
    'latin'
    """
    totals: dict[str, int] = {}
    for script, letters in scripts:
        if script:
            totals[script] = totals.get(script, 0) + letters
    return max(sorted(totals), key=totals.__getitem__) if totals else None


def document_language(
    blocks: Iterable[Block], config: LanguageConfig = LanguageConfig(), script: str | None = None
) -> tuple[str | None, float]:
    """The language of the kept prose of a document and its probability, or (None, p) when unsure.

    The sample is the longest kept prose blocks (headings aside) written in the document's
    script, up to ``document_sample_chars``, each cut to its share (``document_sample_blocks``):
    a foreign sentence, a caption or a teaser line inserted at the top cannot outvote the article.

    >>> english = "The council approved the budget on Tuesday after a long debate about the schools in town."
    >>> document_language([Block("Die Brücke ist wieder offen."), Block(english), Block(english)])[0]
    'en'
    """
    kept = [b for b in blocks if b.kept]
    scripts = [block_script(b.text) for b in kept]
    return _document_language(kept, scripts, document_script(scripts) if script is None else script, config)


def _document_language(kept: list[Block], scripts: list[tuple[str | None, int]], script: str | None,
                       config: LanguageConfig, detect: _Detect | None = None) -> tuple[str | None, float]:
    heading = BlockType.HEADING
    prose = ([(b.text, s) for b, s in zip(kept, scripts) if b.type is not heading]
             or [(b.text, s) for b, s in zip(kept, scripts)])
    same_script = [t for t, s in prose if script is None or s[0] in (script, None)] or [t for t, _ in prose]
    longest_first = sorted(same_script, key=len, reverse=True)  # stable: a tie keeps the blocks' order
    detect = detect or _detect_once
    if 0 < config.quick_document_sample_chars < config.document_sample_chars:
        quick = _document_sample(longest_first, config.quick_document_sample_chars, config.document_sample_blocks)
        if len(quick) == config.quick_document_sample_chars and _has_letters(quick, config.min_document_letters):
            settled = _overwhelming_stopword_language(quick, config)
            if settled is not None:
                return settled, 1.0
            ranked = detect(quick, config)
            if ranked and ranked[0][1] >= 1.0:
                return ranked[0]
    text = _document_sample(longest_first, config.document_sample_chars, config.document_sample_blocks)
    if not _has_letters(text, config.min_document_letters):
        return None, 0.0
    ranked = detect(text, config)
    if not ranked or ranked[0][1] < config.min_document_probability:
        return None, ranked[0][1] if ranked else 0.0
    return ranked[0][0], ranked[0][1]


def _overwhelming_stopword_language(sample: str, config: LanguageConfig) -> str | None:
    """The language whose stopwords overwhelm ``sample`` (``document_stopword_*``), or None: then
    the detector decides. On the bench's pages the detector is certain (probability 1.0 rounded)
    of the same language for every sample so settled but one (0.9999), and so settles ~9 in 10
    English samples: its call was a third of the language step.

    >>> english = "The council said that it would vote on the plan for the new bridge, which was built in the town. "
    >>> _overwhelming_stopword_language(english * 5, LanguageConfig())
    'en'
    >>> _overwhelming_stopword_language("Asian Chicken Zoodles [1 cup zucchini noodles, 4 oz. cooked chicken] " * 7,
    ...                                 LanguageConfig()) is None
    True
    """
    words, group_of = _words_to_count(sample)
    if not 0 < config.document_stopword_words <= len(words):
        return None
    groups = _stopword_groups(words, group_of)
    best = _likeliest_overwhelming(groups, config.document_stopword_margin)
    if best is None:
        return None
    weights = _stopword_weights(best).__getitem__
    total = sum(map(mul, map(weights, groups), groups.values()))
    own_count, others = total & (_OTHERS_UNIT - 1), total >> _OTHERS_BITS
    if own_count < config.document_stopword_ratio * len(words):
        return None
    return best if own_count >= config.document_stopword_margin * others else None


def _likeliest_overwhelming(groups: dict[int, int], margin: float) -> str | None:
    """The only language whose stopwords (counted in ``groups``) can overwhelm the others' by
    ``margin``, to be checked; None: none can. That is the language with most stopwords (the first
    by code of a tie). Beyond a margin of 2, it can only be the one language of the most common
    group: its stopwords of it alone must then be more than half of all found (``own >= margin *
    others`` and ``own <= alone + others``), so that group is read alone, not every language counted.

    >>> groups = {_GROUP_NUMBER[("en",)]: 9, _GROUP_NUMBER[_STOPWORD_LANGUAGES["und"]]: 2}
    >>> _likeliest_overwhelming(groups, 3.0), _likeliest_overwhelming(groups, 1.5), _likeliest_overwhelming({}, 3.0)
    ('en', 'en', None)
    """
    if not groups:
        return None
    if margin > 2:
        codes = _STOPWORD_GROUPS[max(groups, key=groups.__getitem__) - 1]
        return codes[0] if len(codes) == 1 else None
    counts = _counts_of_groups(groups)
    return max(sorted(counts), key=counts.__getitem__)


def _document_sample(longest_first: list[str], chars: int, blocks: int) -> str:
    """The first ``chars`` characters of the blocks' texts (longest first), each block cut to
    its share (a ``blocks``-th of ``chars``) and joined by spaces.

    >>> _document_sample(["a" * 9, "b" * 4, "c"], 8, 2)
    'aaaa bbb'
    """
    sample, size = [], 0
    share = max(chars // blocks, 1)
    for text in longest_first:
        piece = text[:share]  # no one block (an inserted foreign one) fills the sample
        sample.append(piece)
        size += len(piece)
        if size >= chars:
            break
    return " ".join(sample)[:chars]


def _effective_words(text: str) -> float:
    """Words, with two characters of a script written without spaces counting as one."""
    return len(text.split()) + len(_DENSE_SCRIPT.findall(text[:2000])) / 2


def _too_few_words(text: str, script: str | None, config: LanguageConfig) -> bool:
    """Fewer than ``min_block_words`` (effective) words. Enough words between spaces settle it in
    any script (a dense script's characters only add to them), before the characters are counted.

    >>> config = LanguageConfig()
    >>> _too_few_words("Москва стоит на реке", "cyrillic", config), _too_few_words("市議会", "cjk", config)
    (False, True)
    """
    if len(text.split(None, config.min_block_words)) >= config.min_block_words:
        return False
    return _effective_words(text) < config.min_block_words


def _is_list_like(block: Block) -> bool:
    """Names, scores or nouns rather than a sentence: a list item or table, three or more
    commas, or hardly any word starting in lower case ("Viera d. Melbourne 1-0").

    >>> _is_list_like(Block("Palm Bay 18 22 13 17 — 70")), _is_list_like(Block("Das ist ein Satz mit Verben."))
    (True, False)
    """
    if block.type in (BlockType.LIST_ITEM, BlockType.TABLE) or block.text.count(",") >= 3:
        return True
    words = [w for w in block.text.split() if w[0].isalpha()]
    return sum(w[0].islower() for w in words) < 0.4 * max(len(words), 1)


_HANDLE: Final = re.compile(r"(?:https?://|www\.|@|#)\S+")


def block_script(text: str) -> tuple[str | None, int]:
    """:func:`dominant_script` of a block, handles and URLs aside.

    >>> block_script("@nytimes https://example.com これは日本語です")
    ('cjk', 8)
    """
    return dominant_script(_HANDLE.sub("", text) if "@" in text or "#" in text or "/" in text or "www." in text
                           else text)


def _in_other_script(script: tuple[str | None, int], text: str, doc_script: str | None,
                     config: LanguageConfig) -> bool:
    """Written (handles and URLs aside; ``script`` is :func:`block_script`) in a script other
    than the document's, with hardly a letter of the document's script in it."""
    name, letters = script
    if doc_script is None or name is None or name == doc_script or letters < config.min_script_letters:
        return False
    own_letters = len(dict(_SCRIPT_RANGES)[doc_script].findall(_HANDLE.sub("", text)[:400]))
    return own_letters <= 0.1 * letters


#: Scripts that, of :data:`LANGUAGES`, only one language is written in (:data:`_SCRIPT_RANGES`' names).
_SCRIPT_LANGUAGE: Final = MappingProxyType({"greek": "el", "hebrew": "he", "thai": "th", "hangul": "ko"})
_KANA: Final = re.compile(r"[\u3040-\u30ff]")


def _written_as_only(script: tuple[str | None, int], text: str, language: str, config: LanguageConfig) -> bool:
    """Written (``script`` is :func:`block_script`) in a script that only ``language`` uses:
    Hangul for Korean, Greek, Hebrew, Thai; or Japanese, its Chinese characters mixed with
    enough kana (``min_kana_share`` of the letters). No detector needed to say so.

    >>> config = LanguageConfig()
    >>> _written_as_only(block_script("서울시는 새 다리를 열었다"), "서울시는 새 다리를 열었다", "ko", config)
    True
    >>> [_written_as_only(block_script(t), t, "ja", config) for t in ("市議会は計画を承認した。", "市议会批准了该计划。")]
    [True, False]
    """
    name, letters = script
    if name is not None and _SCRIPT_LANGUAGE.get(name) == language:
        return True
    return language == "ja" and name == "cjk" and len(_KANA.findall(text, 0, 400)) >= config.min_kana_share * letters


def _clearly_in(text: str, language: str, config: LanguageConfig) -> bool:
    """The stopword shortcut of :func:`_judge_block`, decided cheaply when it clearly holds:
    ``language``'s stopwords reach the ratio and outnumber all other languages' stopwords
    together by the margin (so they outnumber each one). False means "count exactly".

    >>> _clearly_in("the council said that it would be ready for the vote", "en", LanguageConfig())
    True
    """
    return _clearly_in_words(_WORD.findall(text.lower()), language, config)


def _clearly_in_words(words: list[str], language: str, config: LanguageConfig,
                      group_of: _StopwordTable = _group_of_word) -> bool:
    """:func:`_clearly_in` on the words of the text. The words that are some other language's
    stopword are the stopwords but ``language``'s own ones; both counts come from one sum of
    each word's weight (:func:`_stopword_weights`; :func:`_word_weights` for the ASCII tables).
    ``group_of`` is the table to read the words with (:func:`_plain_words`)."""
    if language not in STOPWORDS or not words:
        return False
    if group_of is _group_of_word:
        total = sum(map(_stopword_weights(language).__getitem__, map(group_of, words, repeat(0))))
    else:
        total = sum(map(_word_weights(language, group_of), words, repeat(0)))
    own_count, others = total & (_OTHERS_UNIT - 1), total >> _OTHERS_BITS  # no long division
    return (own_count >= config.same_language_stopword_ratio * len(words)
            and own_count >= config.same_language_margin * others)


#: Blocks whose beginning is not read alone (:func:`_clearly_in_beginning`): a table's or code's first
#: words ("Nr | Zawodnik |", "import sys def bar(i): if") say little of the whole block's language.
_READ_WHOLE: Final = frozenset({BlockType.TABLE, BlockType.CODE})


def _clearly_in_beginning(block: Block, language: str, config: LanguageConfig) -> bool:
    """A prose block longer than ``quick_block_sample_chars`` whose beginning alone is clearly in
    ``language`` by its stopwords (:func:`_clearly_in_words`): most of an article's paragraphs,
    settled on their first twenty-odd words instead of the whole sample's (the language step
    -13 % of its time on the text dumps, every bench record the same). Tables and code are
    read whole (:data:`_READ_WHOLE`).

    >>> _clearly_in_beginning(Block("The council said that it would be ready for the vote. " * 8), "en", LanguageConfig())
    True
    >>> _clearly_in_beginning(Block("Der Rat sagte, dass er für die Abstimmung bereit sei. " * 8), "en", LanguageConfig())
    False
    >>> _clearly_in_beginning(Block("The council said that it would be ready. " * 8, BlockType.CODE), "en", LanguageConfig())
    False
    """
    quick = config.quick_block_sample_chars
    text = block.text
    if not quick or len(text) <= quick or quick >= config.block_sample_chars or block.type in _READ_WHOLE:
        return False
    words, group_of = _words_to_count(text[:quick])
    return _clearly_in_words(words, language, config, group_of)


def _judge_block(block: Block, doc_lang: str, doc_script: str | None, config: LanguageConfig,
                 script: tuple[str | None, int] | None = None, detect: _Detect | None = None) -> Block:
    """Keep, tag or drop one block; cheap stopword evidence first, langdetect only when needed.

    A block in another script than the document's is foreign on that evidence
    alone (a Japanese sentence in an English article); otherwise it is dropped
    only when langdetect is confident and the stopwords do not side with the
    document language.
    """
    text = block.text
    script = script or block_script(text)
    # the guards spare most blocks a call: a block in the document's script is in no other one,
    # and only a few scripts are one language's (:func:`_written_as_only`)
    other_script = script[0] != doc_script and _in_other_script(script, text, doc_script, config)
    if not other_script and (len(text) < config.min_block_chars or _too_few_words(text, script[0], config)):
        return block
    if (not other_script and (script[0] in _SCRIPT_LANGUAGE or script[0] == "cjk")
            and _written_as_only(script, text, doc_lang, config)):
        return block.with_language(doc_lang)
    if not other_script and _clearly_in_beginning(block, doc_lang, config):
        return block.with_language(doc_lang)
    sample = text[: config.block_sample_chars]
    sample_words, group_of = _words_to_count(sample)
    if not other_script and _clearly_in_words(sample_words, doc_lang, config, group_of):
        return block.with_language(doc_lang)
    if group_of is _group_of_curly_word:
        sample_words = _words(sample.lower())  # as written: the exact counts below read the full tables
    counts, words = _stopword_counts(sample_words)
    own_count = counts.get(doc_lang, 0)
    own_ratio = round(own_count / words, 4) if doc_lang in STOPWORDS and words else None
    if not other_script and own_ratio is not None and own_ratio >= config.same_language_stopword_ratio:
        runner_up = max((n for code, n in counts.items() if code != doc_lang), default=0)
        if own_count >= config.same_language_margin * runner_up:
            return block.with_language(doc_lang)
    ranked = (detect or _detect_once)(text[: config.block_sample_chars], config, doc_lang)
    if not ranked:
        return block
    best, probability = ranked[0]
    own_probability = dict(ranked).get(doc_lang, 0.0)
    if best == doc_lang:
        return block.with_language(doc_lang) if probability >= config.min_foreign_probability else block
    evidence = {"language": best, "score": probability, "document_language": doc_lang,
                "own_stopword_ratio": own_ratio, "foreign_stopword_ratio": None}
    if other_script:
        return block.with_language(best).drop(
            STEP, Reason.FOREIGN_LANGUAGE, **evidence, rule="other_script", script=script[0],
            document_script=doc_script,
        )
    if probability < config.min_foreign_probability or own_probability >= config.max_own_probability:
        return block
    foreign_count = counts.get(best, 0)
    evidence["foreign_stopword_ratio"] = round(foreign_count / words, 4) if best in STOPWORDS and words else None
    if best in STOPWORDS and own_ratio is not None:
        own_only, foreign_only = _exclusive_stopword_counts(sample_words, doc_lang, best)
        evidence["exclusive_stopwords"] = [own_only, foreign_only]
        if own_only > foreign_only or (own_only == foreign_only and _is_list_like(block)):
            # e.g. an English ingredient list of Italian words: no Italian grammar in it
            return block
    return block.with_language(best).drop(STEP, Reason.FOREIGN_LANGUAGE, **evidence, rule="detected")


def mark_foreign_blocks(
    blocks: Iterable[Block], config: LanguageConfig = LanguageConfig()
) -> tuple[str | None, float, list[Block]]:
    """Detect the document language, then mark kept blocks confidently in another language."""
    blocks = list(blocks)
    kept_index = kept_indexes(blocks)
    kept = [blocks[i] for i in kept_index]
    if _latin_only([b.text for b in kept]):
        # every block's script is Latin or none (no letter), and so is the document's: the sample
        # then takes every block either way, no block is in another script, none in one only a
        # single language writes; so each block's letters are not counted (-6.6 % of the step's
        # instructions on the text dumps)
        scripts: list[tuple[str | None, int]] = [_LATIN] * len(kept)
        doc_script: str | None = "latin"
    else:
        scripts = [block_script(b.text) for b in kept]
        doc_script = document_script(scripts)
    detect = _detector_for_one_document()
    doc_lang, probability = _document_language(kept, scripts, doc_script, config, detect)
    if doc_lang is None:
        return None, probability, blocks
    for i, block, script in zip(kept_index, kept, scripts):
        blocks[i] = _judge_block(block, doc_lang, doc_script, config, script, detect)
    return doc_lang, probability, blocks


class _Detect(Protocol):
    """A detector as the judgements ask it: text, config and the language whose probability is read
    besides the best one's (:func:`language_ranking`)."""

    def __call__(self, text: str, config: LanguageConfig, language: str | None = None, /) -> list[tuple[str, float]]: ...


def _detect_once(text: str, config: LanguageConfig, language: str | None = None) -> list[tuple[str, float]]:
    return language_ranking(text, config)(language)


def _detector_for_one_document() -> _Detect:
    """:func:`language_ranking` remembering its answers for the one document being judged: a
    short document's sample is often the very text of a block judged after it (one detector
    call in 15 on the benchmark's pages repeats one of the same document). Made per call, so
    nothing is kept between documents."""
    answers: dict[tuple[str, LanguageConfig], Callable[[str | None], list[tuple[str, float]]]] = {}

    def detect(text: str, config: LanguageConfig, language: str | None = None) -> list[tuple[str, float]]:
        key = (text, config)
        if key not in answers:
            answers[key] = language_ranking(text, config)
        return answers[key](language)

    return detect
