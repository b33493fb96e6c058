"""cleaners.decode: bytes -> text (BOM, declared charset, UTF-8, sniffing), binary and
empty refusal, gzip limits, ftfy repair with its explanation."""

from __future__ import annotations

import codecs
import gzip

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.decode import DecodeConfig, Decoded, decode_bytes, decompress, repair_text, strip_control_chars
from cleaners.types import Reason, Rejection

FRENCH = (
    "Le café était très bon, déjà vu à Noël. Les élèves ont reçu leurs bulletins après la récréation. "
    "Le maire a présenté mercredi un projet de rénovation de la gare, qui coûtera près de deux millions d’euros. "
    "« C’est une étape décisive », a-t-il déclaré devant le conseil municipal."
)
GERMAN = (
    "Die Bürgermeisterin äußerte sich am Dienstag über die Straßensanierung. Größere Schäden wurden nicht gemeldet. "
    "„Wir sind froh, dass niemand verletzt wurde“, sagte sie – und dankte den Einsatzkräften für ihren schnellen Einsatz."
)
RUSSIAN = (
    "Президент заявил во вторник, что переговоры о новом торговом соглашении продолжатся на следующей неделе в Москве. "
    "Эксперты считают, что стороны близки к компромиссу."
)


def _rejected(data: bytes, fmt: str = "text", config: DecodeConfig = DecodeConfig()) -> Rejection:
    with pytest.raises(Rejection) as info:
        decode_bytes(data, fmt, config)
    return info.value


# --- BOMs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bom, codec, charset",
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_bom_decides_the_charset_and_is_removed(bom, codec, charset):
    decoded = decode_bytes(bom + FRENCH.encode(codec), fmt="text")
    assert decoded == Decoded(FRENCH, charset, "bom")


def test_utf16_without_bom_is_recognised_by_its_nul_pattern():
    le = decode_bytes(GERMAN.encode("utf-16-le"), fmt="text")
    be = decode_bytes(GERMAN.encode("utf-16-be"), fmt="text")
    assert (le.text, le.charset, le.method) == (GERMAN, "utf-16-le", "nul-pattern")
    assert (be.text, be.charset, be.method) == (GERMAN, "utf-16-be", "nul-pattern")


def test_plain_utf8_is_taken_as_is():
    decoded = decode_bytes(RUSSIAN.encode("utf-8"), fmt="text")
    assert decoded == Decoded(RUSSIAN, "utf-8", "utf-8")


# --- declared charsets ----------------------------------------------------------------


def test_declared_windows_1251_in_html_meta():
    page = f'<html><head><meta charset="windows-1251"><title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>'
    decoded = decode_bytes(page.encode("cp1251"), fmt="html")
    assert decoded.method == "declared"
    assert RUSSIAN in decoded.text
    assert codecs.lookup(decoded.charset).name == "cp1251"


def test_declared_iso_8859_1_in_http_equiv_meta():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
        f"<body><p>Le café était très bon, déjà vu à Noël.</p></body></html>"
    )
    decoded = decode_bytes(page.encode("latin-1"), fmt="html")
    assert decoded.method == "declared"
    assert codecs.lookup(decoded.charset).name == "iso8859-1"
    assert "Le café était très bon, déjà vu à Noël." in decoded.text


def test_meta_charset_is_ignored_for_plain_text():
    text = '<meta charset="windows-1251"> ' + RUSSIAN
    decoded = decode_bytes(text.encode("utf-8"), fmt="text")
    assert (decoded.charset, decoded.method) == ("utf-8", "utf-8")
    assert RUSSIAN in decoded.text


def test_wrong_ascii_declaration_falls_back_to_utf8():
    page = f'<html><head><meta charset="us-ascii"></head><body><p>{GERMAN}</p></body></html>'
    decoded = decode_bytes(page.encode("utf-8"), fmt="html")
    assert (decoded.charset, decoded.method) == ("utf-8", "utf-8")
    assert GERMAN in decoded.text


def test_wrong_utf8_declaration_falls_back_to_sniffing_legacy_bytes():
    page = f'<html><head><meta charset="utf-8"></head><body><p>{GERMAN}</p></body></html>'
    decoded = decode_bytes(page.encode("cp1252"), fmt="html")
    assert decoded.method == "sniffed"
    assert GERMAN in decoded.text


def test_unknown_declared_charset_is_ignored():
    page = f'<html><head><meta charset="x-no-such-charset"></head><body><p>{GERMAN}</p></body></html>'
    decoded = decode_bytes(page.encode("utf-8"), fmt="html")
    assert (decoded.charset, decoded.method) == ("utf-8", "utf-8")


def test_declared_and_sniffed_charsets_are_named_alike():
    short = "Le café était très bon, déjà vu à Noël."
    sniffed = decode_bytes(short.encode("cp1252"), fmt="text")
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{short}</p></body></html>'
    declared = decode_bytes(page.encode("cp1252"), fmt="html")
    assert sniffed.charset == "windows-1252"
    assert declared.charset == sniffed.charset


# --- sniffing ----------------------------------------------------------------------


def test_short_french_windows_1252_is_sniffed():
    short = "Le café était très bon, déjà vu à Noël."
    decoded = decode_bytes(short.encode("cp1252"), fmt="text")
    assert decoded == Decoded(short, "windows-1252", "sniffed")


def test_longer_german_windows_1252_text_decodes_correctly():
    decoded = decode_bytes(GERMAN.encode("cp1252"), fmt="text")
    assert decoded.method == "sniffed"
    assert decoded.text == GERMAN


def test_longer_french_windows_1252_text_decodes_correctly():
    decoded = decode_bytes(FRENCH.encode("cp1252"), fmt="text")
    assert decoded.text == FRENCH
    assert decoded.charset == "windows-1252"


SPANISH = (
    "El ayuntamiento aprobó el martes una red de carriles bici protegidos en el centro de la ciudad. "
    "Sus defensores dijeron que las calles serán más seguras para los niños."
)
POLISH = "Prezydent powiedział we wtorek, że rozmowy będą kontynuowane w przyszłym tygodniu w Warszawie, a eksperci są ostrożni."


@pytest.mark.parametrize(
    "text, codec, charset",
    [
        (SPANISH, "cp1252", "windows-1252"),
        (FRENCH, "cp1252", "windows-1252"),
        (RUSSIAN, "cp1251", "windows-1251"),
        (POLISH, "cp1250", "windows-1250"),
    ],
)
def test_undeclared_legacy_charsets_are_sniffed(text, codec, charset):
    assert decode_bytes(text.encode(codec), fmt="text") == Decoded(text, charset, "sniffed")


def test_bytes_no_charset_can_decode_are_undecodable():
    data = bytes([0x81, 0xFF, 0x8D, 0xFE, 0x90]) * 40  # undefined in windows-1252, invalid UTF-8
    rejection = _rejected(data)
    assert rejection.reason is Reason.UNDECODABLE
    assert rejection.detail == "no charset decodes these bytes"


# --- binary and empty ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>", "PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "ELF executable"),
        (gzip.compress(b"an article"), "gzip data"),
    ],
)
def test_binary_magic_is_rejected_with_its_kind(data, kind):
    rejection = _rejected(data)
    assert rejection.reason is Reason.BINARY_INPUT
    assert rejection.detail == f"looks like {kind}"


def test_control_character_heavy_bytes_are_binary():
    data = bytes(range(1, 32)) * 20 + b"some text"
    rejection = _rejected(data)
    assert rejection.reason is Reason.BINARY_INPUT
    assert "control characters" in rejection.detail


def test_a_few_control_characters_do_not_make_text_binary():
    text = "The council met on Tuesday.\x07 " + "The vote was close. " * 20
    assert decode_bytes(text.encode(), fmt="text").text == text


def test_control_ratio_is_configurable():
    text = "ab\x01cd\x02ef\x03gh " * 10
    assert decode_bytes(text.encode(), "text", DecodeConfig(max_control_ratio=0.5)).text == text
    assert _rejected(text.encode(), config=DecodeConfig(max_control_ratio=0.05)).reason is Reason.BINARY_INPUT


@pytest.mark.parametrize("data", [b"", b" ", b"\n\r\n\t  \n"])
def test_empty_and_whitespace_only_input(data):
    rejection = _rejected(data)
    assert rejection.reason is Reason.EMPTY_INPUT
    assert rejection.detail == f"{len(data)} bytes, no text"


# --- decompression --------------------------------------------------------------------


def test_decompress_gzip_within_the_limit():
    body = GERMAN.encode()
    assert decompress(gzip.compress(body), limit=len(body)) == body


def test_gzip_bomb_is_refused_at_the_limit():
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 20_000
    with pytest.raises(Rejection) as info:
        decompress(bomb, limit=1024 * 1024)
    assert info.value.reason is Reason.TOO_LARGE
    assert "1048576" in info.value.detail


def test_decompress_limit_is_exact():
    assert len(decompress(gzip.compress(b"x" * 100), 100)) == 100
    with pytest.raises(Rejection) as info:
        decompress(gzip.compress(b"x" * 101), 100)
    assert info.value.reason is Reason.TOO_LARGE


@pytest.mark.parametrize("data", [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage-not-deflate", b"plain text, not compressed"])
def test_corrupt_compressed_data_is_undecodable(data):
    with pytest.raises(Rejection) as info:
        decompress(data, 1000)
    assert info.value.reason is Reason.UNDECODABLE
    assert info.value.detail.startswith("corrupt compressed data")


def test_truncated_gzip_is_undecodable():
    packed = gzip.compress((FRENCH + " ").encode() * 20)
    with pytest.raises(Rejection) as info:
        decompress(packed[: len(packed) // 2], 1_000_000)
    assert info.value.reason is Reason.UNDECODABLE


# --- repair -----------------------------------------------------------------------------


def test_mojibake_is_repaired_and_the_explanation_recorded():
    fixed, steps = repair_text("The mayor said the budget wasnâ€™t final â€” talks continue.")
    assert fixed == "The mayor said the budget wasn’t final — talks continue."
    assert steps == ("encode:sloppy-windows-1252", "decode:utf-8")


def test_german_mojibake_is_repaired():
    fixed, steps = repair_text("Ãœber die StraÃŸe gingen die BÃ¼rger.")
    assert fixed == "Über die Straße gingen die Bürger."
    assert "decode:utf-8" in steps


def test_html_entities_are_unescaped_and_recorded():
    assert repair_text("Tom &amp; Jerry &lt;3") == ("Tom & Jerry <3", ("apply:unescape_html",))


def test_typography_is_preserved_by_default():
    text = "“Café” — naïve façade… ‘oui’ – Größe, señor"
    assert repair_text(text) == (text, ())


def test_ascii_fold_folds_quotes_and_dashes_but_keeps_letters():
    fixed, steps = repair_text("“Café” — naïve façade… ‘oui’ – fin", ascii_fold=True)
    assert fixed == "\"Café\" - naïve façade... 'oui' - fin"
    assert "apply:uncurl_quotes" in steps


def test_repair_removes_control_characters():
    fixed, steps = repair_text("Breaking\x00 news\x07 today")
    assert fixed == "Breaking news today"
    assert steps == ("apply:remove_control_chars",)


def test_strip_control_chars_keeps_newlines_and_turns_tabs_to_spaces():
    assert strip_control_chars("Title\tline\r\nBody\x00 text\rEnd\x1b\x85") == "Title line\nBody text\nEnd"


def test_strip_control_chars_drops_lone_surrogates():
    assert strip_control_chars("caf\ud800é") == "café"


def test_strip_control_chars_keeps_ordinary_unicode():
    text = "Größe — “quoted” 東京 Москва"
    assert strip_control_chars(text) == text


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80) | st.sampled_from(
    ["Tom &amp; Jerry", "a\rb", "x\x1b[31my", "caf\u00c3\u00a9", "plain words. ", "tab\there"]))
def test_needs_ftfy_is_false_only_when_ftfy_changes_nothing(text):
    """The shortcut is safe: whenever it skips ftfy, ftfy (both configs) would return the text unchanged."""
    from cleaners.decode import _FTFY_CONFIG, _FTFY_FOLDING, needs_ftfy

    if not needs_ftfy(text):
        for config in (_FTFY_CONFIG, _FTFY_FOLDING):
            fixed, steps = ftfy.fix_and_explain(text, config=config)
            assert (fixed, steps) == (text, [])


def test_repair_text_skips_ftfy_only_for_safe_ascii():
    assert repair_text("Plain words, no entity.") == ("Plain words, no entity.", ())
    fixed, steps = repair_text("Tom &amp; Jerry")
    assert fixed == "Tom & Jerry" and steps  # the entity still goes through ftfy, with its explanation


# --- when ftfy can be skipped ----------------------------------------------------------------
#
# repair_text skips ftfy for text of "inert" characters (no entity, control character,
# ligature, line separator, ...) in NFC with none of decode._SUSPECT_PAIRS. The proof, against
# the installed ftfy: (1) no fixer of our config changes an inert character; (2) every branch of
# ftfy's mojibake pattern (what ``fix_encoding`` acts on) that can match text of inert characters
# has two adjacent characters that one of the suspect pairs covers; (3) property tests.

try:
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sre
    import sre_parse as _sre_parse

import re
import sys

import ftfy.badness
import ftfy.fixes

from cleaners import decode as _decode

_CATEGORY = {_sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_DIGIT: r"\d"}


def _one_char_regex(op, av) -> str:
    if op is _sre.LITERAL:
        return re.escape(chr(av))
    if op is _sre.ANY:
        return "."
    assert op is _sre.IN, (op, av)
    parts = []
    for item, value in av:
        if item is _sre.NEGATE:
            parts.insert(0, "^")
        elif item is _sre.LITERAL:
            parts.append(re.escape(chr(value)))
        elif item is _sre.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        else:
            parts.append(_CATEGORY[value])
    return f"[{''.join(parts)}]"


def _mojibake_branches() -> list[list[tuple[re.Pattern, bool]]]:
    """ftfy's BADNESS_RE as its alternatives, each a list of (one-character regex, optional)."""
    pattern = ftfy.badness.BADNESS_RE
    ((op, av),) = list(_sre_parse.parse(pattern.pattern, pattern.flags))
    assert op is _sre.BRANCH
    branches = []
    for branch in av[1]:
        elements = []
        for op, av in branch:
            if op is _sre.AT:  # ^: an anchor only narrows where a branch matches
                continue
            optional = False
            if op is _sre.MAX_REPEAT:
                low, high, sub = av
                assert high == 1, "a one-character element repeated"
                optional = low == 0
                ((op, av),) = list(sub)
            elements.append((re.compile(_one_char_regex(op, av)), optional))
        branches.append(elements)
    return branches


def _inert_alphabet() -> str:
    """Every character repair_text may see in text it does not give to ftfy."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    return _decode._NOT_INERT.sub("", everything)


def test_no_ftfy_fixer_changes_an_inert_character():
    alphabet = _inert_alphabet()
    # "&" is inert on its own: only an entity after it is unescaped (looked for apart, decode._HTML_ENTITY)
    assert "\n" in alphabet and "’" in alphabet and "&" in alphabet and "\r" not in alphabet
    assert not _decode._HTML_ENTITY.search(alphabet)
    config = _decode._FTFY_CONFIG
    steps = ["unescape_html", "fix_c1_controls", "fix_latin_ligatures", "fix_character_width", "uncurl_quotes",
             "fix_line_breaks", "fix_surrogates", "remove_terminal_escapes", "remove_control_chars"]
    fixers = [name for name in steps if getattr(config, name)]  # fix_and_explain's steps besides fix_encoding
    assert "fix_character_width" not in fixers and "uncurl_quotes" not in fixers and len(fixers) == 7
    for name in fixers:  # each acts on single characters (or needs "&", ESC, CR, a surrogate)
        assert ftfy.FIXERS[name](alphabet) == alphabet, name
    assert _decode.strip_control_chars(alphabet) == alphabet


def test_every_mojibake_pattern_in_inert_text_holds_a_suspect_pair():
    alphabet = _inert_alphabet()
    pairs = [(re.compile(f"[{first}]"), re.compile(f"[{second}]")) for first, second, _ in _decode._SUSPECT_PAIRS]

    def within(chars: str, cls: re.Pattern) -> bool:
        return not cls.sub("", chars)

    alive = 0
    for elements in _mojibake_branches():
        chars = ["".join(regex.findall(alphabet)) for regex, _ in elements]
        if any(not found for found, (_, optional) in zip(chars, elements) if not optional):
            continue  # some character of this branch never occurs in inert text
        alive += 1
        covered = any(
            within(chars[i], first) and within(chars[i + 1], second)
            for i in range(len(elements) - 1)
            if not elements[i][1] and not elements[i + 1][1]
            for first, second in pairs
        )
        assert covered, [regex.pattern[:60] for regex, _ in elements]
    assert alive >= 5  # the proof is not vacuous: accents, signs and Cyrillic do meet in patterns


def test_suspect_pair_regex_is_the_plain_alternation_of_its_pairs():
    plain = re.compile("|".join(f"[{first}][{second}]" for first, second, _ in _decode._SUSPECT_PAIRS))
    for text in ["é”", "”é", "Ã©", "xÃ", "Ã", "Р°", "œ.", "œu", "“Déjà vu,” — Москва", "£½", "a£b", "ÉÉ"]:
        assert bool(_decode._SUSPECT_PAIR.search(text)) == bool(plain.search(text)), text


def _always_ftfy(text: str, ascii_fold: bool = False) -> tuple[str, tuple[str, ...]]:
    """repair_text without the shortcut."""
    config = _decode._FTFY_FOLDING if ascii_fold else _decode._FTFY_CONFIG
    fixed, explanation = ftfy.fix_and_explain(text, config=config)
    if ascii_fold:
        fixed = fixed.translate(_decode._ASCII_FOLD)
    return strip_control_chars(fixed), tuple(f"{step.action}:{step.parameter}" for step in explanation or ())


_MOJIBAKE_CHARS = "".join(
    dict.fromkeys(c for c in "".join(ftfy.badness.MOJIBAKE_CATEGORIES.values()) if c != "-" and ord(c) > 0x7F)
)
_TEXT_CHARS = st.sampled_from(
    "abcdeEÉzZ .,!?'\"-&;#\n\t\r\x00\x1b\x85" + _MOJIBAKE_CHARS + "’“”«»—–…ąęłśżčšžćđçãõâêôîûëïüöäßœŒ"
    "ВГРСвгрсЂўабвгдеёжзийклмнопрстуфхцчшщъыьэюяЁ東京のテスト한국어עבריתعربي🙂️\u0301\ufeff\u2028ﬁĳ"
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(alphabet=_TEXT_CHARS, max_size=12) | st.text(max_size=12))
def test_repair_text_equals_ftfy_on_every_text(text):
    """The shortcut never changes an answer: short texts of the characters ftfy's patterns are
    made of (so its mojibake rules fire often), and any characters at all."""
    assert repair_text(text) == _always_ftfy(text)
    assert repair_text(text, ascii_fold=True) == _always_ftfy(text, ascii_fold=True)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([FRENCH, GERMAN, RUSSIAN, "“Quoted,” she said — twice…", "Tokyo 東京 🙂 ",
                                 "Größe: 20°C, ½ kg, £5 — ok", "ça va? ", "Ãœber", "sÃ³", "\n"]), max_size=6))
def test_repair_text_equals_ftfy_on_article_like_text(pieces):
    text = "".join(pieces)
    assert repair_text(text) == _always_ftfy(text)


def test_typical_lines_skip_ftfy():
    from cleaners.decode import needs_ftfy

    for line in (FRENCH, GERMAN.replace("„", "").replace("“", ""), RUSSIAN, "“Quoted,” she said — twice…",
                 "東京の天気 🙂", "Price: £5, 20°C"):
        assert not needs_ftfy(line), line
    for line in ("wasnâ€™t", "Ãœber", "Tom &amp; Jerry", "cafe\u0301", "ﬁne", "a\u2028b", "é”"):
        assert needs_ftfy(line), line


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("a\t\r\n\x00\x0b\x1f\x7f\x85\x9f\ufffe\uffff\ud800\udfff\u00e9 ")), max_size=12))
def test_strip_control_chars_drops_controls_and_surrogates_in_one_pass(text):
    import re

    from cleaners.decode import strip_control_chars

    unified = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    two_passes = re.sub(r"[\ud800-\udfff]", "", re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]", "", unified))
    assert strip_control_chars(text) == two_passes


_AMPERSAND_PARTS = st.sampled_from(["&", "&amp;", "&amp", "&#38;", "&#x26;", "&nbsp;", "&NBSP;", "&EACUTE;", "&lt;b&gt;",
                                    "Q&A", "AT&T;", "&#;", "&#128512;", "&#xD800;", "&bogus;", " ", ";", "#", "x", "<",
                                    "“", "é", "Ã©", "\n"])


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.lists(_AMPERSAND_PARTS, max_size=6).map("".join))
def test_an_ampersand_without_an_entity_skips_ftfy_with_the_same_answer(text):
    """ftfy unescapes only an "&" that starts an entity: text whose "&" starts none is given
    back as ftfy gives it (both configs), and text with one still goes through ftfy."""
    for ascii_fold in (False, True):
        assert repair_text(text, ascii_fold) == _always_ftfy(text, ascii_fold)
    if _decode._HTML_ENTITY.search(text):
        assert _decode.needs_ftfy(text)


def test_no_character_the_control_patterns_look_for_is_printable():
    """_printable_but_line_breaks lets a text skip _CONTROL and _CONTROL_OR_SURROGATE: sound only if
    every character they match is one str.isprintable refuses."""
    from cleaners.decode import _CONTROL, _CONTROL_OR_SURROGATE

    for code in range(0x110000):
        char = chr(code)
        if _CONTROL_OR_SURROGATE.match(char) or _CONTROL.match(char):
            assert not char.isprintable(), hex(code)


def test_control_count_counts_what_the_control_pattern_finds_for_every_character():
    """_control_count (UTF-8 bytes) counts each character as _CONTROL does, surrogates included: one
    by one where _CONTROL finds any (below U+0100, U+FFF0-U+FFFF), by blocks of 4096 elsewhere."""
    for code in [*range(0x100), *range(0xFFF0, 0x10000)]:
        char = chr(code)
        assert _decode._control_count(f"a{char}{char}b") == 2 * len(_decode._CONTROL.findall(char)), hex(code)
    for start in range(0, 0x110000, 4096):
        block = "".join(map(chr, range(start, start + 4096)))
        assert _decode._control_count(block) == len(_decode._CONTROL.findall(block)), hex(start)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.characters(blacklist_categories=()), max_size=60))
def test_control_count_equals_the_control_patterns_count(text):
    assert _decode._control_count(text) == len(_decode._CONTROL.findall(text))


def test_binary_text_is_rejected_with_its_control_count():
    data = ("Ok " + "\x01\x85" * 40 + "é").encode("utf-8")
    with pytest.raises(Rejection) as caught:
        decode_bytes(data, fmt="text")
    assert caught.value.reason is Reason.BINARY_INPUT and caught.value.detail.startswith("80 control characters")


_FTFY_PIECES = ["Plain words.", "Tom &amp; Jerry", "œ", "“Déjà vu”", "caf\u00c3\u00a9", "Москва", "x\x1b[31my", "e\u0301",
                "Ã", "”é", "tab\there", "", "A", "&", "#38;"]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(_FTFY_PIECES), max_size=3).map("".join), max_size=6),
       st.booleans())
def test_needs_ftfy_in_any_is_false_only_when_no_text_needs_ftfy(texts, ascii_fold):
    """The look over all the texts at once (ASCII ones apart from the others) never says no when
    one of them alone needs ftfy."""
    from cleaners.decode import needs_ftfy, needs_ftfy_in_any

    if not needs_ftfy_in_any(texts, ascii_fold):
        assert not any(needs_ftfy(text, ascii_fold) for text in texts)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(_FTFY_PIECES), max_size=3).map("".join), max_size=6),
       st.booleans())
def test_needs_ftfy_in_any_without_controls_as_with_them(texts, ascii_fold):
    """Texts without ASCII control characters (a text dump's lines) get the same answer when they
    are not looked for (``controls=False``)."""
    from cleaners.decode import needs_ftfy_in_any, strip_control_chars

    texts = [strip_control_chars(text) for text in texts]
    assert needs_ftfy_in_any(texts, ascii_fold, controls=False) == needs_ftfy_in_any(texts, ascii_fold)


def test_ascii_targets_are_the_control_characters_but_line_feed():
    """ftfy's targets in ASCII text, looked for in its bytes: every control character but a line break."""
    from cleaners.decode import _has_ascii_target

    for code in range(128):
        char = chr(code)
        assert _has_ascii_target("a" + char + "b") == (char != "\n" and not char.isprintable()), code
        assert _has_ascii_target("plain " * 100 + char) == (char != "\n" and not char.isprintable()), code


#: Characters around which needs_ftfy's looks beyond ASCII decide: ASCII letters, digits, marks,
#: controls and "&"; accented capitals and letters, ftfy's signs, Cyrillic В Г Р С, Œ œ, curly
#: quotes and dashes, a combining accent, Hangul jamo, mojibake's Ã and â, a lone surrogate.
_BEYOND_ASCII_POOL = ("aZ 1,.\n&;#\t\x01\x7f" "ÀÉÑØÜÝĂČŁŒ" "ßàéñœšžﬁ" "¡«©‘“•”»€£²±×§°" "ВГРСЖ"
                      "’—–…\u0301\u00a0\u1100\u1161Ã©â€\udc80")


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_BEYOND_ASCII_POOL, min_size=1, max_size=12).filter(lambda text: not text.isascii()))
def test_the_looks_beyond_ascii_answer_as_needs_ftfy(text):
    from cleaners.decode import _needs_ftfy_beyond_ascii, needs_ftfy

    assert _needs_ftfy_beyond_ascii(text) == needs_ftfy(text)


#: Printable ASCII, the spacing strip_control_chars replaces, controls (C0, DEL, C1), other spaces,
#: a format character, non-characters, a line separator, letters of two and three bytes, an emoji.
_PRINTABLE_POOL = "ab .\n\t\r\x00\x0b\x7f\x85\u00a0\u200b\ufffe\uffff\u2028é“日\U0001f600"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_PRINTABLE_POOL, min_size=1, max_size=40), st.integers(min_value=20, max_value=400))
def test_decoded_printable_is_what_strip_control_chars_printable_finds(text, padding):
    from cleaners.decode import _control_count, _PRINTABLE_ASCII_AND_SPACING, strip_control_chars_printable

    data = ("x" * padding + text).encode()  # mostly plain: under the control ratio a rejection needs
    assert _control_count(data.decode(), data) == _control_count(data.decode(), data.translate(None, _PRINTABLE_ASCII_AND_SPACING))
    try:
        decoded = decode_bytes(data, fmt="text")
    except Rejection:
        return
    assert decoded.printable is not None
    assert strip_control_chars_printable(decoded.text, decoded.printable) == strip_control_chars_printable(decoded.text)
