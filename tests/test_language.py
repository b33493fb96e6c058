"""cleaners.language: document language, foreign-language blocks (Reason.FOREIGN_LANGUAGE with
the detected language as evidence), undetermined short text, determinism."""

from __future__ import annotations

import itertools
import re

import pytest

from cleaners.language import (
    DETECTORS,
    LANGUAGES,
    LanguageConfig,
    detect_language,
    dominant_script,
    document_language,
    mark_foreign_blocks,
    stopword_ratio,
)
from cleaners.types import Block, BlockType, Reason, spaced_typography

SAMPLES = {
    "en": "The city council voted on Tuesday to approve a network of protected bike lanes across downtown. "
          "Supporters said the lanes would make the streets safer for children and older residents.",
    "de": "Der Stadtrat hat am Dienstag ein Netz geschützter Radwege in der Innenstadt beschlossen. "
          "Befürworter sagten, die Straßen würden dadurch für Kinder und ältere Menschen sicherer.",
    "fr": "Le conseil municipal a approuvé mardi un réseau de pistes cyclables protégées dans le centre-ville. "
          "Les partisans estiment que les rues seront plus sûres pour les enfants et les personnes âgées.",
    "es": "El ayuntamiento aprobó el martes una red de carriles bici protegidos en el centro de la ciudad. "
          "Sus defensores dijeron que las calles serán más seguras para los niños y los mayores.",
    "ru": "Городской совет во вторник одобрил сеть защищённых велосипедных дорожек в центре города. "
          "Сторонники считают, что улицы станут безопаснее для детей и пожилых людей.",
    "ja": "市議会は火曜日、中心街に保護された自転車専用レーンの整備計画を承認した。"
          "支持者は、子どもや高齢者にとって道路がより安全になると述べた。",
}

EN_ARTICLE = [
    Block("Harbor Bridge Reopens", BlockType.HEADING),
    Block("The Harbor Bridge carried traffic again on Monday morning after a two-year repair that replaced its "
          "rusted steel cables and most of the deck, city officials said."),
    Block("Hundreds of commuters crossed the bridge in the first hour, many of them cyclists who had spent two "
          "years taking a ferry."),
]
GERMAN_PARAGRAPH = "Die Brücke ist wieder für den Verkehr freigegeben, teilte die Stadtverwaltung am Montag in einer kurzen Mitteilung mit."


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_document_language_of_each_sample(lang):
    detected, probability = document_language([Block(SAMPLES[lang])])
    assert detected == lang
    assert probability >= LanguageConfig().min_document_probability


def test_document_language_ignores_dropped_blocks_and_headings():
    blocks = [
        Block("Neue Radwege für die Innenstadt beschlossen", BlockType.HEADING),
        Block(SAMPLES["de"]).drop("boilerplate", Reason.BOILERPLATE, rule="menu"),
        Block(SAMPLES["fr"]),
    ]
    assert document_language(blocks)[0] == "fr"


def test_german_paragraph_in_an_english_article_is_dropped():
    blocks = EN_ARTICLE[:2] + [Block(GERMAN_PARAGRAPH)] + EN_ARTICLE[2:]
    language, probability, marked = mark_foreign_blocks(blocks)
    assert (language, probability) == ("en", 1.0)
    german = marked[2]
    assert german.decision.reason is Reason.FOREIGN_LANGUAGE
    assert german.decision.step == "language"
    assert german.decision.evidence["language"] == "de"
    assert german.decision.evidence["document_language"] == "en"
    assert german.decision.evidence["score"] >= LanguageConfig().min_foreign_probability
    assert german.decision.evidence["own_stopword_ratio"] < LanguageConfig().same_language_stopword_ratio
    assert german.language == "de"
    assert [b.kept for b in marked] == [True, True, False, True]


ENGLISH_PARAGRAPH = "The minister told reporters in London that the agreement would be signed by both governments before the end of the month."


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_english_paragraph_in_a_non_english_article_is_dropped(lang):
    blocks = [Block(SAMPLES[lang]), Block(SAMPLES[lang]), Block(ENGLISH_PARAGRAPH)]
    language, _, marked = mark_foreign_blocks(blocks)
    assert language == lang
    assert marked[2].decision is not None
    assert marked[2].decision.reason is Reason.FOREIGN_LANGUAGE
    assert marked[2].decision.evidence["language"] == "en"


def test_german_paragraph_in_a_spanish_article_is_dropped():
    blocks = [Block(SAMPLES["es"]), Block(GERMAN_PARAGRAPH), Block(SAMPLES["es"])]
    language, _, marked = mark_foreign_blocks(blocks)
    assert language == "es"
    assert marked[1].decision.reason is Reason.FOREIGN_LANGUAGE
    assert marked[1].decision.evidence["language"] == "de"
    assert marked[1].decision.evidence["document_language"] == "es"
    assert marked[0].kept and marked[2].kept


@pytest.mark.parametrize(
    "text",
    [
        "“We waited a long time for this morning, and it was worth it,” said one cyclist, who crossed the bridge at dawn.",
        "Die Zeit called it „ein historischer Tag“ on its front page.",
        "Le Monde, Libération and Le Figaro all led with the story on Wednesday morning.",
        "The mayor quoted the city’s motto, “Fluctuat nec mergitur”, at the opening ceremony on Monday.",
    ],
)
def test_english_quotes_and_foreign_names_in_an_english_article_are_kept(text):
    language, _, marked = mark_foreign_blocks(EN_ARTICLE + [Block(text)])
    assert language == "en"
    assert marked[-1].kept


@pytest.mark.parametrize("fragment", ["Danke schön!", "¡Hola amigos!", "Bon appétit"])
def test_short_foreign_fragments_are_undetermined_and_kept(fragment):
    _, _, marked = mark_foreign_blocks(EN_ARTICLE + [Block(fragment)])
    assert marked[-1].kept
    assert marked[-1].language is None


def test_four_word_foreign_sentence_is_judged_and_dropped():
    _, _, marked = mark_foreign_blocks(EN_ARTICLE + [Block("Merci beaucoup, à bientôt")])
    decision = marked[-1].decision
    assert decision.reason is Reason.FOREIGN_LANGUAGE
    assert (decision.evidence["language"], decision.evidence["rule"]) == ("fr", "detected")


def test_sentence_in_another_script_is_foreign_on_script_evidence():
    _, _, marked = mark_foreign_blocks(EN_ARTICLE + [Block("東京は日本の首都です。")])
    decision = marked[-1].decision
    assert decision.reason is Reason.FOREIGN_LANGUAGE
    assert (decision.evidence["rule"], decision.evidence["script"], decision.evidence["document_script"]) == (
        "other_script", "cjk", "latin")


def test_blocks_in_the_document_language_are_tagged_with_it():
    _, _, marked = mark_foreign_blocks(EN_ARTICLE)
    assert [b.language for b in marked] == [None, "en", "en"]  # the 3-word heading is too short to judge


def test_block_length_limits_are_configurable():
    config = LanguageConfig(min_block_chars=200)
    _, _, marked = mark_foreign_blocks(EN_ARTICLE + [Block(GERMAN_PARAGRAPH)], config)
    assert marked[-1].kept and marked[-1].language is None


def test_undetermined_document_leaves_every_block_alone():
    blocks = [Block("12345 67890"), Block("+++ 2024-03-11 +++")]
    language, probability, marked = mark_foreign_blocks(blocks)
    assert (language, probability) == (None, 0.0)
    assert marked == blocks


def test_low_probability_document_is_undetermined():
    # Three names: no language stands out (the best guess is far below the floor), so None.
    top, probability = detect_language("Hotel Central Park")[0]
    assert probability < 0.2
    assert document_language([Block("Hotel Central Park")], LanguageConfig(min_document_letters=0)) == (None, probability)


def test_tiny_document_language_is_undetermined():
    assert document_language([Block("Ja")])[0] is None


@pytest.mark.parametrize("detector", DETECTORS)
def test_both_detectors_agree_on_clear_samples(detector):
    config = LanguageConfig(detector=detector)
    for lang, text in SAMPLES.items():
        assert detect_language(text, config)[0][0] == lang


def test_langdetect_codes_are_mapped_to_the_shared_codes():
    chinese = "市议会周二批准了在市中心建设受保护自行车道网络的计划。支持者表示，这将使街道对儿童和老年人更安全。"
    assert detect_language(chinese, LanguageConfig(detector="langdetect"))[0][0] == "zh"
    assert detect_language(chinese)[0][0] == "zh"
    assert {code for code, _ in detect_language(SAMPLES["en"])} <= set(LANGUAGES)


def test_unknown_detector_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown language detector"):
        detect_language("Das ist ein Satz.", LanguageConfig(detector="fasttext"))


def test_detection_is_deterministic_and_langdetect_respects_its_seed():
    text = "Hotel Central Park"
    assert detect_language(text) == detect_language(text)
    seeded = [LanguageConfig(detector="langdetect", seed=seed) for seed in (0, 1)]
    assert detect_language(text, seeded[0]) == detect_language(text, seeded[0])
    assert detect_language(text, seeded[1]) == detect_language(text, seeded[1])
    assert detect_language(text, seeded[0]) != detect_language(text, seeded[1])
    assert document_language([Block(text)], seeded[1]._replace(min_document_letters=0)) == ("en", 0.7143)
    assert document_language([Block(text)], seeded[1]) == (None, 0.0)  # 16 letters: too little


def test_mark_foreign_blocks_is_repeatable():
    blocks = EN_ARTICLE + [Block(GERMAN_PARAGRAPH), Block("Danke schön!")]
    assert mark_foreign_blocks(blocks) == mark_foreign_blocks(blocks)


def test_detect_language_without_letters_is_empty():
    assert detect_language("12345 !!! 678") == []


def test_stopword_ratio():
    assert stopword_ratio("the cat is on the mat", "en") == 0.6667
    assert stopword_ratio("Der Hund und die Katze", "de") == 0.6
    assert stopword_ratio("12345", "en") == 0.0
    assert stopword_ratio("anything", "xx") is None


def test_english_list_of_nouns_is_not_foreign():
    ingredients = Block("Ingredients: olive oil, garlic, tomatoes, basil, mozzarella, parmesan, salt, pepper", BlockType.LIST_ITEM)
    _, _, marked = mark_foreign_blocks(EN_ARTICLE + [ingredients])
    assert marked[-1].kept


def test_one_long_foreign_block_cannot_outvote_the_article():
    """Each block gives at most a third of the document sample: a long German paragraph pasted
    above three English ones leaves the document English, and is itself dropped as foreign."""
    german = " ".join([GERMAN_PARAGRAPH] * 8)
    blocks = [Block(german)] + EN_ARTICLE[1:] + [Block(SAMPLES["en"])]
    language, _, marked = mark_foreign_blocks(blocks)
    assert language == "en"
    assert marked[0].decision.reason is Reason.FOREIGN_LANGUAGE and marked[0].decision.evidence["language"] == "de"
    assert document_language(blocks, LanguageConfig(document_sample_blocks=1))[0] == "de"  # without the cap


# --- fast paths give the answers of the plain definitions ---------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleaners import language as _language  # noqa: E402

_WORDS = st.lists(st.sampled_from(sorted(_language._STOPWORD_LANGUAGES)[::97] + ["the", "of", "und", "le", "и",
                                                                              "cat", "Haus", "banco", "x"]),
                  max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_WORDS)
def test_stopword_groups_are_counted_as_a_counter_counts_them(words):
    """The loop over the stopwords gives a Counter's counts, in the same order (first occurrence)."""
    from collections import Counter

    for group_of in (_language._group_of_word, _language._group_of_ascii_word):
        expected = Counter(map(group_of, words))
        expected.pop(None, None)
        assert list(_language._stopword_groups(words, group_of).items()) == list(expected.items())


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_WORDS, st.sampled_from(["en", "de", "fr", "ru", "it", "pt", "nl", "ja", "xx"]))
def test_clearly_in_counts_other_languages_stopwords_as_the_per_word_definition(words, language):
    """"Other languages' stopwords" (the words whose languages are not just ``language``) counted
    from sets equal the per-word count."""
    config = LanguageConfig()
    own = _language.STOPWORDS.get(language)
    if own is None or not words:
        expected = False
    else:
        own_count = sum(w in own for w in words)
        others = sum(1 for w in words if _language._STOPWORD_LANGUAGES.get(w) not in (None, (language,)))
        expected = (own_count >= config.same_language_stopword_ratio * len(words)
                    and own_count >= config.same_language_margin * others)
    assert _language._clearly_in_words(words, language, config) == expected
    if all(word.isascii() for word in words):
        assert _language._clearly_in_words(words, language, config, _language._group_of_ascii_word) == expected


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=60) | st.text(alphabet="abcXYZ éÀÿ×÷ŉ\u1e00ЖЯ’“ 12", max_size=60))
def test_latin_letter_count_equals_the_regex_count(text):
    assert _language._latin_letters(text) == len(_language._LATIN_LETTER.findall(text))


def test_latin1_letters_count_each_latin1_character_as_the_regex_does_and_decline_other_text():
    for code in range(256):
        assert _language._latin1_letters(chr(code)) == len(_language._LATIN_LETTER.findall(chr(code))), code
        assert not _language._BEYOND_LATIN.search(chr(code)), code  # so dominant_script may skip the look
    assert _language._latin1_letters("Crème \u0100") is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=60) | st.text(alphabet="abcXYZ éÀÿ×÷ŉ\u1e00ЖЯ’“„ 12\u00a0", max_size=60))
def test_dominant_script_counts_as_the_regexes_do(text):
    """The Latin-1 count in C (:func:`_latin1_letters`) gives the plain definition's answer: the
    look beyond Latin, then the Latin letters' regex or each script's."""
    head = spaced_typography(text[:400])
    if not _language._BEYOND_LATIN.search(head):
        letters = len(_language._LATIN_LETTER.findall(head))
        expected = ("latin", letters) if letters else (None, 0)
    else:
        counts = [len(pattern.findall(head)) for pattern in _SCRIPT_REGEXES]
        best = max(range(len(counts)), key=lambda i: (counts[i], -i))
        expected = (_language._SCRIPT_CODE_POINTS[best][0], counts[best]) if counts[best] else (None, 0)
    assert dominant_script(text) == expected


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=80) | st.text(alphabet="abX éÀ×½²ŉЖ’“ 12_", max_size=80), st.integers(0, 30))
def test_has_letters_answers_as_the_regex_count(text, count):
    """The ASCII letters counted first change nothing: "½" or "²" are letters to the regex too."""
    assert _language._has_letters(text, count) == (len(_language._LETTER.findall(text)) >= count)


def test_the_detector_runs_once_per_distinct_text_of_a_document(monkeypatch):
    """A one-block document: its sample is the block's text, which the block judgement (the
    stopword shortcut off) asks about again; the answer is reused, and the result is the same."""
    block = Block("Der Stadtrat hat am Dienstag ein Netz geschützter Radwege in der Innenstadt beschlossen.")
    config = LanguageConfig(same_language_stopword_ratio=1.0)
    expected = mark_foreign_blocks([block], config)
    assert expected[2][0].language == "de"  # judged by the detector
    calls = []
    real = _language.language_ranking
    monkeypatch.setattr(_language, "language_ranking", lambda text, config: calls.append(text) or real(text, config))
    assert mark_foreign_blocks([block], config) == expected
    assert calls == [block.text]  # document sample and block sample: one call


def _reference_identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(LANGUAGES)
    return identifier


_REFERENCE = []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=300) | st.sampled_from(list(SAMPLES.values()) + [GERMAN_PARAGRAPH * 4, "", "a", "\x00" * 200])
       | st.lists(st.sampled_from(list(SAMPLES.values()) + [GERMAN_PARAGRAPH, " ", "1", "€"]), max_size=8).map("".join))
def test_numpy_walk_finds_py3langids_features_and_scores(text):
    from py3langid.langid import visit_counts

    if not _REFERENCE:
        _REFERENCE.append(_reference_identifier())
    reference, ours = _REFERENCE[0], _language._langid_identifier()
    data = ours._encode(text)
    expected = visit_counts(ours.tk_nextmove, ours._rowbase, ours.tk_output, data)
    found = ours._visits(data)
    assert found is None and expected is None or list(zip(*map(list, found))) == list(expected.items())
    assert list(ours._walked(data).items()) == list((expected or {}).items())  # py3langid's loop, counted as it goes
    assert ours._decide(text).tobytes() == reference._decide(text).tobytes()  # our _decide and _score: bit for bit
    assert ours.rank(text) == reference.rank(text)
    assert sorted(ours.ranked(text)) == sorted((code, round(p, 4)) for code, p in reference.rank(text) if p >= 0.00005)


def test_numpy_walk_is_taken_in_every_language():
    """The check never fails on real text (it would only cost speed): the automaton is as
    shallow as _LANGID_DEPTH says."""
    ours = _language._langid_identifier()
    for text in list(SAMPLES.values()) + [GERMAN_PARAGRAPH, "Ελληνικά κείμενα για δοκιμή " * 5, "नमस्ते दुनिया " * 9,
                                          "مرحبا بالعالم " * 9, "שלום עולם " * 9, "안녕하세요 세계 " * 9]:
        assert ours._visits(ours._encode(text)) is not None, text


# --- shortcuts that spare the detector ------------------------------------------------------------

def _detector_calls(monkeypatch) -> list[str]:
    """The texts the detector (:func:`language_ranking`) is asked about from now on (answers unchanged)."""
    calls: list[str] = []
    real = _language.language_ranking
    monkeypatch.setattr(_language, "language_ranking", lambda text, config: calls.append(text) or real(text, config))
    return calls


_ONE_LANGUAGE_SCRIPT_ARTICLES = {
    "ko": ["서울시는 월요일 아침 2년간의 보수 공사를 마친 한강 다리를 다시 개통했다고 밝혔다. 시민들은 첫 시간에 수백 명이 다리를 건넜다.",
           "시 관계자는 다리의 녹슨 강철 케이블과 상판 대부분을 교체했다고 설명했다.",
           "기사입력 : 2018-08-25 15:24"],
    "el": ["Η γέφυρα του λιμανιού άνοιξε ξανά τη Δευτέρα το πρωί μετά από δύο χρόνια επισκευών, ανακοίνωσαν οι αρχές της πόλης.",
           "Εκατοντάδες πολίτες πέρασαν τη γέφυρα την πρώτη ώρα.",
           "Ενημερώθηκε στις 25.08.2018, 15:24 από τη σύνταξη"],
    "he": ["גשר הנמל נפתח מחדש לתנועה ביום שני בבוקר לאחר שנתיים של תיקונים, כך מסרו פקידי העירייה.",
           "מאות נוסעים חצו את הגשר בשעה הראשונה.",
           "עודכן ב־25.08.2018 בשעה 15:24 על ידי המערכת"],
    "th": ["สะพานท่าเรือเปิดให้รถสัญจรอีกครั้งเมื่อเช้าวันจันทร์หลังจากการซ่อมแซมนานสองปี เจ้าหน้าที่ของเมืองกล่าว",
           "ผู้คนหลายร้อยคนข้ามสะพานในชั่วโมงแรก",
           "ปรับปรุงล่าสุด 25.08.2018 15:24"],
    "ja": ["市議会は火曜日、中心街に保護された自転車専用レーンの整備計画を承認した。支持者は、子どもや高齢者にとって道路がより安全になると述べた。",
           "市の担当者によると、工事は来年の春に始まる予定だという。",
           "詳しくはこちらのページをご覧ください。よろしくお願いします。"],
}


@pytest.mark.parametrize("lang", sorted(_ONE_LANGUAGE_SCRIPT_ARTICLES))
def test_blocks_in_a_script_only_the_document_language_uses_are_tagged_without_the_detector(monkeypatch, lang):
    """Hangul is Korean, Greek script Greek, Hebrew script Hebrew, Thai script Thai, Chinese
    characters mixed with kana Japanese: each block gets the document language, and the detector
    is asked about the document sample only (the stopword shortcut off: the script decides)."""
    texts = _ONE_LANGUAGE_SCRIPT_ARTICLES[lang]
    assert [detect_language(text)[0][0] for text in texts] == [lang] * len(texts)  # what the detector says
    calls = _detector_calls(monkeypatch)
    no_stopword_shortcut = LanguageConfig(same_language_stopword_ratio=1.01)
    language, _, marked = mark_foreign_blocks([Block(text) for text in texts], no_stopword_shortcut)
    assert language == lang
    assert [(b.language, b.decision) for b in marked] == [(lang, None)] * len(texts)
    assert not any(text in calls for text in texts)  # asked about the document sample only


def test_chinese_without_kana_in_a_japanese_article_is_still_judged_by_the_detector(monkeypatch):
    chinese = Block("市议会周二批准了在市中心修建受保护自行车道的计划，支持者表示，这将使道路对儿童和老年人更加安全。")
    blocks = [Block(_ONE_LANGUAGE_SCRIPT_ARTICLES["ja"][0]), Block(_ONE_LANGUAGE_SCRIPT_ARTICLES["ja"][1]), chinese]
    calls = _detector_calls(monkeypatch)
    language, _, marked = mark_foreign_blocks(blocks)
    assert language == "ja"
    assert chinese.text in calls
    assert marked[2].decision.reason is Reason.FOREIGN_LANGUAGE
    assert marked[2].decision.evidence["language"] == "zh" and marked[2].decision.evidence["rule"] == "detected"


def test_a_certain_quick_sample_decides_the_document_language(monkeypatch):
    """A long English article: the 500-character sample is certain (p 1.0), so the detector is
    never asked about the 1,000-character one; the answer is the one the full sample gives. (Its
    stopwords would settle it without the detector: that shortcut is off here.)"""
    blocks = EN_ARTICLE[1:] + [Block(SAMPLES["en"]), Block(SAMPLES["en"].upper()), Block(EN_ARTICLE[1].text * 2)]
    config = LanguageConfig(document_stopword_words=0)
    full = document_language(blocks, config._replace(quick_document_sample_chars=0))
    calls = _detector_calls(monkeypatch)
    assert document_language(blocks, config) == full == ("en", 1.0)
    assert [len(text) for text in calls] == [config.quick_document_sample_chars]
    assert document_language(blocks) == full  # settled by its stopwords: the same answer


def test_an_uncertain_quick_sample_leaves_the_decision_to_the_full_one(monkeypatch):
    """Three languages in one page: the quick sample is not certain, the full sample decides
    (here: undetermined), as without the quick one."""
    blocks = [Block(SAMPLES["de"] * 2), Block(SAMPLES["fr"] * 2), Block(SAMPLES["es"] * 2)]
    full = document_language(blocks, LanguageConfig(quick_document_sample_chars=0))
    calls = _detector_calls(monkeypatch)
    assert document_language(blocks) == full
    assert full[1] < 1.0
    assert [len(text) for text in calls] == [LanguageConfig().quick_document_sample_chars,
                                             LanguageConfig().document_sample_chars]


def test_round4_is_pythons_round_on_detector_probabilities():
    """_round4 (numpy) gives round(p, 4) for every value: float32 probabilities as the detector
    gives them, and values right next to a rounding half, where numpy's product could tip."""
    import numpy as np

    from cleaners.language import _round4

    rng = np.random.default_rng(0)
    probabilities = rng.random(200_000, dtype=np.float32).astype(np.float64)
    halves = (np.arange(10_000) + 0.5) / 10_000
    near = np.concatenate([halves, np.nextafter(halves, 0), np.nextafter(halves, 1), rng.random(1000) ** 8])
    for values in (probabilities, near):
        assert _round4(values) == [round(v, 4) for v in values.tolist()]


def test_best_first_orders_as_the_sort_by_probability_then_code():
    import random

    from cleaners.language import LANGUAGES, _best_first

    rng = random.Random(0)
    for _ in range(500):
        ranked = [(code, rng.choice([0.1, 0.2, 0.25, round(rng.random(), 4)])) for code in rng.sample(LANGUAGES, 20)]
        assert _best_first(ranked) == sorted(ranked, key=lambda pair: (-pair[1], pair[0]))


def test_words_are_the_word_patterns_words_whatever_the_typography():
    """_words' cheaper ASCII readings give what _WORD gives, typography spaced out or not."""
    import random

    from cleaners.language import _WORD, _words
    from cleaners.types import TYPOGRAPHY

    rng = random.Random(0)
    pieces = list("ab z'’-. 2_") + list(TYPOGRAPHY) + ["é", "ж", "it’s", "o'", "’s", "x’", "n’t"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert _words(text) == _WORD.findall(text), text


def test_typography_is_no_letter_of_any_script():
    """dominant_script spaces typography out before counting: sound only if no script range
    (nor the look beyond Latin, nor the Latin letters beyond ASCII) holds one of its characters."""
    from cleaners.language import _BEYOND_LATIN, _LATIN_BEYOND_ASCII, _SCRIPT_RANGES
    from cleaners.types import TYPOGRAPHY

    for char in TYPOGRAPHY + _language._SPACED_PUNCTUATION:
        assert not _BEYOND_LATIN.match(char) and not _LATIN_BEYOND_ASCII.match(char), char
        assert not any(pattern.match(char) for _, pattern in _SCRIPT_RANGES), char


def test_the_punctuation_spaced_out_with_typography_is_no_part_of_a_word_and_has_no_case():
    for char in _language._SPACED_PUNCTUATION:
        assert not char.isalnum() and char not in "_'’" and not char.isascii() and char.lower() == char
        assert _language._WORD.findall(f"a{char}b c’{char}d") == ["a", "b", "c", "d"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=200) | st.sampled_from(list(SAMPLES.values()) + [GERMAN_PARAGRAPH, "", "1 2 3", "a"]),
       st.sampled_from([None, "en", "de", "fr", "zh", "xx"]))
def test_language_ranking_reads_detect_languages_best_entry_and_the_asked_languages(text, language):
    """The ranking's answer is :func:`detect_language`'s first entry, then ``language``'s when it
    is another listed one: the same codes and rounded probabilities, ties by code included."""
    ranked = detect_language(text)
    expected = ranked[:1] + [entry for entry in ranked[1:] if entry[0] == language]
    assert _language.language_ranking(text)(language) == expected


def test_language_ranking_of_langdetect_is_its_detect_language_answer():
    text = "Der Stadtrat hat am Dienstag ein Netz geschützter Radwege beschlossen."
    config = LanguageConfig(detector="langdetect")
    ranked = detect_language(text, config)
    assert _language.language_ranking(text, config)("en") == ranked[:1] + [e for e in ranked if e[0] == "en"]
    assert _language.language_ranking(text, config)(None)[0][0] == "de"


_APOSTROPHE_WORDS = ["it's", "it’s", "isn't", "don’t", "l'", "d’", "'s", "’", "''", "rock'n'roll", "o’er", "the",
                     "und", "x", "dell'", "all’"]


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.text(alphabet="abcz'’ .,-—“”„…1é\n", max_size=80) | st.text(max_size=40)
       | st.lists(st.sampled_from(_APOSTROPHE_WORDS + [" ", ", ", "“", "—"]), max_size=20).map("".join))
def test_plain_words_are_the_regexs_words_read_in_the_same_tables(text):
    """Split in C or by the regex, the same words are counted as the same stopwords (a curly
    apostrophe read straight in the curly table)."""
    lowered = text.lower()
    plain = _language._plain_words(lowered)
    expected = _language._words(lowered)
    if plain is None:
        return
    words, group_of = plain
    assert len(words) == len(expected)
    assert [group_of(word) for word in words] == [_language._group_of_word(word) for word in expected]
    if group_of is not _language._group_of_curly_word:
        assert words == expected
    else:
        assert [word.replace("'", "’") for word in words] == expected


def test_plain_words_cover_typography_and_apostrophes_inside_words_only():
    assert _language._plain_words("“the vote” — said the council…")[0] == ["the", "vote", "said", "the", "council"]
    assert _language._plain_words("the council’s vote") == (["the", "council's", "vote"], _language._group_of_curly_word)
    assert _language._plain_words("the councils’ vote") is None  # an apostrophe at a word's edge: the regex decides
    assert _language._plain_words("it's the council’s") is None  # both apostrophes: the regex decides


def test_the_curly_table_reads_a_curly_stopword_under_its_straight_spelling():
    curly = next(word for word in _language._STOPWORD_LANGUAGES if "’" in word and word.replace("’", "").isascii())
    assert _language._group_of_curly_word(curly.replace("’", "'")) == _language._group_of_word(curly) is not None


@pytest.mark.parametrize("language", ["en", "de", "fr", "it", "ru", "sw"])
def test_word_weights_are_the_weights_of_the_words_groups_in_both_ascii_tables(language):
    weights = _language._stopword_weights(language)
    for group_of in (_language._group_of_ascii_word, _language._group_of_curly_word):
        weight_of = _language._word_weights(language, group_of)
        words = list(group_of.__self__) + ["zucchini", "x", ""]
        assert [weight_of(word, 0) for word in words] == [weights[group_of(word, 0)] for word in words]


def test_stopword_weights_count_a_word_of_several_languages_as_own_and_other():
    shared = next(word for word, codes in _language._STOPWORD_LANGUAGES.items() if "de" in codes and len(codes) > 1)
    weight = _language._stopword_weights("de")[_language._group_of_word(shared)]
    assert (weight % _language._OTHERS_UNIT, weight // _language._OTHERS_UNIT) == (1, 1)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_WORDS)
def test_stopword_counts_by_group_equal_the_per_word_count(words):
    counts, total = _language._stopword_counts(words)
    expected: dict[str, int] = {}
    for word in words:
        for code in _language._STOPWORD_LANGUAGES.get(word, ()):
            expected[code] = expected.get(code, 0) + 1
    assert (counts, total) == (expected, len(words))


# --- the document's language settled by its stopwords -------------------------------------------

_ENGLISH_ARTICLE = [
    "The council said on Tuesday that it would vote on the plan for the new bridge over the river, which has been "
    "closed to traffic since the spring because of the damage that was found in its steel cables.",
    "Most of the people who live in the town have said that they want the bridge to be opened again as soon as "
    "it is safe, and the mayor has promised that the work will be finished before the end of the year.",
    "The engineers who have studied the bridge say that the repairs will cost more than was first thought, but "
    "that there is no reason to build a new one from the start, as long as the cables are all replaced.",
]
assert all(len(text) > LanguageConfig().quick_document_sample_chars // 3 for text in _ENGLISH_ARTICLE)


def test_document_language_is_settled_by_overwhelming_stopwords_without_the_detector(monkeypatch):
    calls = _detector_calls(monkeypatch)
    language, score, blocks = mark_foreign_blocks([Block(text) for text in _ENGLISH_ARTICLE])
    assert (language, score) == ("en", 1.0)
    assert calls == []  # the blocks too are settled by their stopwords
    assert [b.language for b in blocks] == ["en"] * 3


def test_without_the_stopword_setting_the_detector_decides_the_document_language(monkeypatch):
    calls = _detector_calls(monkeypatch)
    config = LanguageConfig(document_stopword_words=0)
    language, score, _ = mark_foreign_blocks([Block(text) for text in _ENGLISH_ARTICLE], config)
    assert (language, score) == ("en", 1.0)  # what the detector says of the same sample
    assert len(calls) == 1 and len(calls[0]) == config.quick_document_sample_chars


def test_stopwords_do_not_settle_a_sample_of_two_languages_or_too_few_words():
    config = LanguageConfig()
    mixed = " ".join(_ENGLISH_ARTICLE[0].split()[:20]) + " " + GERMAN_PARAGRAPH * 3
    assert _language._overwhelming_stopword_language(mixed[:500], config) is None
    assert _language._overwhelming_stopword_language("the vote of the council is on the plan", config) is None
    assert _language._overwhelming_stopword_language(" ".join(_ENGLISH_ARTICLE)[:500], config) == "en"


def _overwhelming_by_definition(words: list[str], config: LanguageConfig) -> str | None:
    """The language with most stopwords (the first by code of a tie), when they reach the ratio
    and outnumber the words that are other languages' stopwords by the margin."""
    if not 0 < config.document_stopword_words <= len(words):
        return None
    counts = {}
    for word in words:
        for code in _language._STOPWORD_LANGUAGES.get(word, ()):
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    best = max(sorted(counts), key=counts.__getitem__)
    others = sum(1 for w in words if _language._STOPWORD_LANGUAGES.get(w) not in (None, (best,)))
    enough = counts[best] >= config.document_stopword_ratio * len(words)
    return best if enough and counts[best] >= config.document_stopword_margin * others else None


def _words_of_groups(*groups: tuple[str, ...]) -> list[str]:
    return [word for codes in groups
            for word in sorted(w for w, c in _language._STOPWORD_LANGUAGES.items() if c == codes and w.isalpha())[:2]]


_OVERWHELMING_POOL = _words_of_groups(("en",), ("es",), ("pt",), ("es", "pt"), ("de",), ("de", "nl")) + ["cat", "x"]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_OVERWHELMING_POOL), max_size=30), st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.01, 3.0, 4.0]),
       st.sampled_from([0.0, 0.25, 0.5]), st.integers(1, 6))
def test_overwhelming_stopwords_are_the_definitions_at_every_margin(words, margin, ratio, least):
    """Beyond a margin of 2 only the most common group's language is checked: the same answer."""
    config = LanguageConfig(document_stopword_margin=margin, document_stopword_ratio=ratio, document_stopword_words=least)
    assert _language._overwhelming_stopword_language(" ".join(words), config) == _overwhelming_by_definition(words, config)


def test_the_document_sample_takes_the_longest_blocks_first_and_ties_in_their_order():
    texts = ["alpha " * 20, "charlie " * 30, "bravo " * 20, "Delta Heading " * 20]
    blocks = [Block(t, BlockType.HEADING if t.startswith("Delta") else BlockType.PARAGRAPH) for t in texts]
    samples = []

    def detect(text, config, language=None):
        samples.append(text)
        return [("en", 1.0)]

    config = LanguageConfig(quick_document_sample_chars=0)
    scripts = [_language.block_script(t) for t in texts]
    assert _language._document_language(blocks, scripts, "latin", config, detect) == ("en", 1.0)
    assert samples == [" ".join([texts[1], texts[0], texts[2]])]  # headings aside


def test_the_ascii_stopword_table_answers_as_the_full_one_for_ascii_words():
    ascii_words = [word for word in _language._STOPWORD_LANGUAGES if word.isascii()]
    assert ascii_words and all(_language._group_of_ascii_word(w) == _language._group_of_word(w) for w in ascii_words)
    assert _language._group_of_ascii_word("zucchini") is _language._group_of_word("zucchini") is None
    assert _language._group_of_ascii_word("und") == _language._group_of_word("und") is not None


_LOOSE_APOSTROPHE_AS_ONE_REGEX = re.compile(r"(?<![a-z])'|'(?![a-z])|'[a-z]*'")


def test_a_loose_apostrophe_is_the_one_regexs_on_every_short_text_of_letters_apostrophes_and_spaces():
    """Every text of up to 8 characters of "a", "b", "'" and " " (all ways an apostrophe can sit
    between letters, spaces, text edges and other apostrophes)."""
    for size in range(9):
        for chars in itertools.product("ab' ", repeat=size):
            text = "".join(chars)
            assert _language._has_loose_apostrophe(text) is bool(_LOOSE_APOSTROPHE_AS_ONE_REGEX.search(text)), text


def test_only_apostrophes_inside_words_are_not_loose():
    assert not _language._has_loose_apostrophe("it's the council's vote")
    assert _language._has_loose_apostrophe("the councils' vote")  # at a word's end
    assert _language._has_loose_apostrophe("'tis")  # at the text's start
    assert _language._has_loose_apostrophe("rock'n'roll")  # two in one word


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.text(alphabet="abAZ'’ .,-—“”„…1_éÉ\u212a\u0130\u1e9eМж\u0301\u00a0\u00b2\u0663\u200dǅª\ud800\n", max_size=80)
       | st.lists(st.sampled_from(_APOSTROPHE_WORDS + ["The", "IT’S", "Und", " ", ", ", "“", "—"]), max_size=20).map("".join))
def test_words_to_count_are_the_lower_cased_texts_words_in_the_same_tables(text):
    """Typography is spaced out before lower-casing: the words, and the stopwords they are read
    as, are those of the lower-cased text (even where lower-casing makes a letter ASCII, the
    Kelvin sign, or two characters of one, the dotted capital I)."""
    words, group_of = _language._words_to_count(text)
    expected = _language._words(text.lower())
    assert len(words) == len(expected)
    assert [group_of(word) for word in words] == [_language._group_of_word(word) for word in expected]


def test_plain_words_lower_case_the_text_after_spacing_its_typography():
    assert _language._plain_words("“The VOTE” — Council’s") == (["the", "vote", "council's"],
                                                               _language._group_of_curly_word)
    assert _language._plain_words("THE \u212aELVIN") is None  # ASCII only once lower-cased: the regex decides


#: The scripts' regexes as they were written before :data:`cleaners.language._SCRIPT_CODE_POINTS`.
_SCRIPT_REGEXES = [re.compile(pattern) for pattern in (
    r"[A-Za-z\u00c0-\u024f]", r"[\u0400-\u04ff]", r"[\u0370-\u03ff]",
    r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]", r"[\u0590-\u05ff]", r"[\u0900-\u0dff]",
    r"[\u0e00-\u0e7f]", r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]", r"[\uac00-\ud7af\u1100-\u11ff]")]


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(max_size=60) | st.text(alphabet="aZé\u024f\u0250\u03ff\u0400\u04ff\u0500\u05ff\u0600\u077f\u0780"
                                        "\u0dff\u0e00\u0e7f\u1100\u11ff\u3040\u9fff\ua000\uac00\ud7af\ud7b0"
                                        "\ud800\ufb50\ufeff\uff00😀 ", max_size=60))
def test_script_letters_are_each_script_regexs_count(text):
    assert _language._script_letters(text) == [len(pattern.findall(text)) for pattern in _SCRIPT_REGEXES]


def test_dominant_script_of_mixed_scripts_counts_each_and_breaks_a_tie_by_the_scripts_order():
    assert dominant_script("Москва — столица России, Moscow is the capital") == ("cyrillic", 19)
    assert dominant_script("日本語 한국어 ab") == ("cjk", 3)  # 3 letters each: CJK comes before Hangul
    assert dominant_script("123 €") == (None, 0)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="ab 市한\u0e01Мж\n", max_size=30), st.sampled_from(["latin", "cyrillic", "cjk", None]))
def test_too_few_words_is_the_effective_word_count_below_the_minimum_in_every_script(text, script):
    config = LanguageConfig()
    assert _language._too_few_words(text, script, config) is (_language._effective_words(text) < config.min_block_words)


def test_the_byte_tables_lower_case_ascii_letters_and_space_out_every_other_ascii_character():
    every_ascii = bytes(range(128))
    letters = "".join(" " if not "a" <= c <= "z" else c for c in every_ascii.decode().lower())
    assert every_ascii.translate(_language._LOWER_LETTERS_ONLY).decode() == letters
    with_apostrophe = "".join("'" if c == "'" else c for c in letters[:0x27]) + "'" + letters[0x28:]
    assert every_ascii.translate(_language._LOWER_LETTERS_AND_APOSTROPHES).decode() == with_apostrophe


def _shortlist_by_sorting(probabilities, language):
    labels = _language._langid_identifier()._labels
    listed = [(labels[i], round(p, 4)) for i, p in enumerate(probabilities) if p >= _language._LISTED_FROM]
    return _language._shortlist(_language._best_first(listed), language)


_PROBABILITY = st.sampled_from([0.0, 0.00004, 0.00005, 0.00015, 0.1, 0.25, 0.33335, 0.33345, 0.4999, 0.5, 0.50006,
                                0.6, 0.99995, 1.0]) | st.floats(0, 1)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(_PROBABILITY, min_size=len(LANGUAGES), max_size=len(LANGUAGES)), st.booleans(),
       st.sampled_from(["en", "de", "zh", "xx", None]))
def test_shortlist_of_probabilities_is_the_sorted_rankings_shortlist(probabilities, normalized, language):
    """Ties (exact or after rounding), the best alone above a half, nothing listed: the list's
    shortlist is the one read off the full ranking sorted by probability, then code."""
    if normalized and sum(probabilities) > 0:
        probabilities = [p / sum(probabilities) for p in probabilities]
    shortlist = _language._langid_identifier()._shortlist_of(probabilities, language)
    assert shortlist == _shortlist_by_sorting(probabilities, language)


def test_shortlist_of_a_nan_ranking_takes_the_plain_path():
    probabilities = [0.5, float("nan")] + [0.5 / (len(LANGUAGES) - 2)] * (len(LANGUAGES) - 2)
    assert _language._langid_identifier()._shortlist_of(probabilities, "en") == _shortlist_by_sorting(probabilities, "en")


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.text(alphabet=[chr(code) for code in range(256) if chr(code) not in "'"], max_size=60)
       | st.text(alphabet="abZ éÉßÿµªº×÷\u00a0\u00b2\u00bd\u0130\u212aЖ\x85\x1c", max_size=60))
def test_letter_words_of_latin1_text_split_by_bytes_are_those_split_by_utf8(text):
    """The Latin-1 byte tables lower-case, check and split as ``str.lower`` then the UTF-8 path do."""
    assert _language._letter_words(text) == _language._letter_words_by_utf8(text)


def test_letter_words_split_text_beyond_ascii_whose_characters_there_are_letters():
    assert _language._plain_words("Москва — столица России, 2024")[0] == ["москва", "столица", "россии"]
    assert _language._plain_words("Die Brücke über den Fluß")[0] == ["die", "brücke", "über", "den", "fluß"]
    assert _language._letter_words("x\u00b2 = 4") is None  # a numeric character, no letter: the regex decides
    assert _language._letter_words("Café\u00a0crème") is None  # a space beyond ASCII
    assert _language._plain_words("dell’anno più") is None  # an apostrophe beyond ASCII: the regex decides


def test_only_the_guarded_scripts_are_written_as_only_one_language():
    """_judge_block asks _written_as_only only of a block in a script of _SCRIPT_LANGUAGE or in CJK:
    in every other script (or none) the answer is False for every language."""
    config = LanguageConfig()
    guarded = set(_language._SCRIPT_LANGUAGE) | {"cjk"}
    for name, _ in _language._SCRIPT_CODE_POINTS + (((None), ()),):
        if name in guarded:
            continue
        for language in LANGUAGES:
            assert not _language._written_as_only((name, 400), "x" * 400, language, config), (name, language)


def test_a_block_in_the_documents_script_is_in_no_other_script():
    """_judge_block skips _in_other_script when the block's script is the document's."""
    config = LanguageConfig()
    for name, _ in _language._SCRIPT_CODE_POINTS:
        assert not _language._in_other_script((name, 400), "x" * 400, name, config)


def test_a_long_paragraph_is_settled_by_its_beginning_without_the_detector():
    """A prose block longer than ``quick_block_sample_chars`` whose first words are clearly the
    document language is tagged so without reading the rest, and never reaches the detector."""
    paragraph = Block("The council said on Tuesday that it would vote on the budget for the new library "
                      "next month. " + "Zweitausend Bäume wurden gepflanzt, und die Bürger waren zufrieden. " * 6)
    config = _language.LanguageConfig()

    def no_detector(*args, **kwargs):
        raise AssertionError("the detector was asked")

    judged = _language._judge_block(paragraph, "en", "latin", config, detect=no_detector)
    assert judged.language == "en" and judged.decision is None
    # read whole (quick check off), the same block is not clearly English and goes to the detector
    with pytest.raises(AssertionError, match="detector was asked"):
        _language._judge_block(paragraph, "en", "latin", config._replace(quick_block_sample_chars=0),
                               detect=no_detector)


@pytest.mark.parametrize("block_type", [BlockType.TABLE, BlockType.CODE])
def test_tables_and_code_are_not_settled_by_their_beginning(block_type):
    block = Block("import sys if the value is not in the list then it is an error " * 4, block_type)
    assert not _language._clearly_in_beginning(block, "en", _language.LanguageConfig())
    assert _language._clearly_in_beginning(Block(block.text), "en", _language.LanguageConfig())


def test_a_short_block_is_read_whole():
    config = _language.LanguageConfig()
    short = Block("The council said that it would vote on the budget.")
    assert len(short.text) <= config.quick_block_sample_chars
    assert not _language._clearly_in_beginning(short, "en", config)


def test_a_text_of_latin_or_symbol_code_units_holds_no_letter_of_another_script():
    """Every character whose UTF-16 code units' high bytes are all :data:`_LATIN_OR_SYMBOL_HIGH_BYTES`
    lies outside every script's ranges but Latin's (so :func:`_latin_only` holds only of texts without
    such letters)."""
    allowed = set(_language._LATIN_OR_SYMBOL_HIGH_BYTES)
    other_scripts = [ranges for name, ranges in _language._SCRIPT_CODE_POINTS if name != "latin"]
    for code in range(0x110000):
        if not set(chr(code).encode("utf-16-le", "surrogatepass")[1::2]) <= allowed:
            continue
        assert not any(first <= code <= last for ranges in other_scripts for first, last in ranges), hex(code)
    assert _language._latin_only(["Crème brûlée — “2 €” ½ ™ ʃ"])
    assert not any(_language._latin_only(["ok", text]) for text in ("\ud800", "\U0001f600", "\u0301", "Ω"))


@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x2FF) | st.sampled_from("’“”—…€™•\u0301ΑБ"),
                        max_size=60), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_blocks_of_a_latin_document_are_judged_as_with_their_scripts_counted(texts):
    """In a document :func:`_latin_only` holds of, the document language and each block's judgement are
    those with each block's own :func:`block_script` and their :func:`document_script` (Latin or none)."""
    if not _language._latin_only(texts):
        return
    scripts = [_language.block_script(t) for t in texts]
    assert {name for name, _ in scripts} <= {"latin", None}
    config = LanguageConfig(min_block_chars=1, min_block_words=1)
    doc_script = _language.document_script(scripts)
    for text, script in zip(texts, scripts):
        block = Block(text)
        assert (_language._judge_block(block, "en", doc_script, config, script)
                == _language._judge_block(block, "en", "latin", config, _language._LATIN))
    blocks = [Block(text) for text in texts]
    assert (_language._document_language(blocks, scripts, doc_script, config)
            == _language._document_language(blocks, [_language._LATIN] * len(blocks), "latin", config))


def test_a_latin_document_is_marked_as_with_each_blocks_script_counted(monkeypatch):
    blocks = EN_ARTICLE + [Block(GERMAN_PARAGRAPH), Block("“Ça va”, a-t-il dit — @mairie https://example.com/x"),
                           Block("2024 — 12:30 — € 15")]
    assert _language._latin_only([b.text for b in blocks])
    fast = mark_foreign_blocks(blocks)
    monkeypatch.setattr(_language, "_latin_only", lambda texts: False)
    assert mark_foreign_blocks(blocks) == fast
    assert [b.decision.evidence["language"] if b.decision else b.language for b in fast[2]] == [
        None, "en", "en", "de", "fr", None]
