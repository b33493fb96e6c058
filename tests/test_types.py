"""cleaners.types: the shared records. A drop always carries a step, a Reason and evidence."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.types import (
    Article,
    Block,
    BlockType,
    Decision,
    EncodingInfo,
    Reason,
    RejectedInput,
    Rejection,
    Source,
)

# Block-level reasons are produced by real pipeline runs in test_pipeline.py
# (test_every_block_level_reason_comes_from_one_real_run); input-level ones by
# test_pipeline.py / test_decode.py, and UNREADABLE / TIMEOUT through the record
# schema in test_record.py. Adding a member must change this list (and a test).
BLOCK_LEVEL = ["boilerplate", "teaser", "foreign_language", "off_topic", "duplicate"]
INPUT_LEVEL = [
    "empty_input", "binary_input", "undecodable", "unsupported_format", "unreadable",
    "too_large", "no_text", "timeout", "internal_error",
]


def test_reason_members_are_exactly_the_known_list():
    assert [r.value for r in Reason] == BLOCK_LEVEL + INPUT_LEVEL
    assert {r.name.lower() for r in Reason} == {r.value for r in Reason}


def test_reason_is_a_string_enum_that_serializes_as_its_value():
    assert Reason("off_topic") is Reason.OFF_TOPIC
    assert json.dumps({"reason": Reason.TEASER}) == '{"reason": "teaser"}'
    with pytest.raises(ValueError):
        Reason("spam")


def test_drop_marks_a_new_block_and_leaves_the_original_kept():
    block = Block("Share on Facebook", BlockType.PARAGRAPH)
    dropped = block.drop("boilerplate", Reason.BOILERPLATE, rule="share", pattern="share")
    assert block.kept and block.decision is None
    assert not dropped.kept
    assert dropped.text == "Share on Facebook"
    assert dropped.decision == Decision("boilerplate", Reason.BOILERPLATE, {"rule": "share", "pattern": "share"})


def test_a_drop_without_a_reason_cannot_be_built():
    with pytest.raises(TypeError):
        Block("Load more").drop("boilerplate")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Decision("boilerplate")  # type: ignore[call-arg]


def test_first_decision_wins_when_dropped_twice():
    first = Block("Harbor Bridge Reopens").drop("duplicates", Reason.DUPLICATE, rule="repeats_title")
    again = first.drop("boilerplate", Reason.BOILERPLATE, rule="menu")
    assert again.decision.reason is Reason.DUPLICATE
    assert again.decision.evidence == {"rule": "repeats_title"}


def test_blocks_are_immutable():
    block = Block("The council met on Tuesday.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "changed"  # type: ignore[misc]


def test_with_language_keeps_the_decision():
    dropped = Block("Die Brücke ist wieder offen, teilte die Stadt mit.").drop(
        "language", Reason.FOREIGN_LANGUAGE, language="de", score=0.99
    )
    tagged = dropped.with_language("de")
    assert tagged.language == "de"
    assert tagged.decision == dropped.decision


def test_decision_to_dict_uses_plain_values():
    decision = Decision("topic", Reason.OFF_TOPIC, {"score": 0.05, "position": "tail"})
    out = decision.to_dict()
    assert out == {"step": "topic", "reason": "off_topic", "evidence": {"score": 0.05, "position": "tail"}}
    assert type(out["evidence"]) is dict
    assert json.loads(json.dumps(out)) == out


def _article(*blocks: Block) -> Article:
    return Article(source=Source("news/a.txt", "text", "0" * 64), blocks=blocks, encoding=EncodingInfo("utf-8", "utf-8"))


def test_article_text_joins_only_kept_blocks_with_blank_lines():
    article = _article(
        Block("Harbor Bridge Reopens", BlockType.HEADING),
        Block("Share on Facebook").drop("boilerplate", Reason.BOILERPLATE, rule="share"),
        Block("The bridge carried traffic again on Monday."),
    )
    assert [b.text for b in article.kept_blocks] == ["Harbor Bridge Reopens", "The bridge carried traffic again on Monday."]
    assert article.text == "Harbor Bridge Reopens\n\nThe bridge carried traffic again on Monday."


def test_article_with_blocks_and_replace_return_new_articles():
    article = _article(Block("One."))
    changed = article.with_blocks([Block("Two."), Block("Three.")])
    assert isinstance(changed.blocks, tuple)
    assert changed.text == "Two.\n\nThree."
    assert article.text == "One."
    retitled = article.replace(title="A title", language="en")
    assert (retitled.title, retitled.language, article.title) == ("A title", "en", None)


def test_rejection_carries_reason_and_detail():
    rejection = Rejection(Reason.TOO_LARGE, "decompresses past the limit of 100 bytes")
    assert rejection.reason is Reason.TOO_LARGE
    assert rejection.detail == "decompresses past the limit of 100 bytes"
    assert str(rejection) == "too_large: decompresses past the limit of 100 bytes"


def test_rejected_input_and_source_to_dict():
    source = Source(path="in/missing.html", format="html", sha256=None, url="https://example.com/x")
    rejected = RejectedInput(source, Reason.UNREADABLE, "not a regular file")
    assert rejected.to_dict() == {
        "source": {"path": "in/missing.html", "url": "https://example.com/x", "format": "html", "sha256": None},
        "reason": "unreadable",
        "detail": "not a regular file",
    }


def test_encoding_info_to_dict_lists_repairs():
    info = EncodingInfo("windows-1252", "sniffed", ("encode:sloppy-windows-1252", "decode:utf-8"))
    assert info.to_dict() == {
        "charset": "windows-1252", "method": "sniffed", "repairs": ["encode:sloppy-windows-1252", "decode:utf-8"],
    }


def test_ends_with_finds_an_ending_only_within_its_reach():
    import re

    from cleaners.types import ends_with

    emoji_end = re.compile(r"(?:[.!?]|[\U0001F300-\U0001FAFF\u2600-\u27BF]\ufe0f?)\s*$")
    heart = "We loved every minute of it ❤️ "  # a heart and its variation selector: two characters
    assert ends_with(emoji_end, heart, reach=2)
    assert not ends_with(emoji_end, heart, reach=1)  # a reach shorter than the ending misses it
    assert ends_with(emoji_end, "It rained all day.\n") and not ends_with(emoji_end, "It rained. All day")
    assert not ends_with(emoji_end, "") and not ends_with(emoji_end, "   ")


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("ab .!?…:;,\"”»)]\n\t\u00a0\u2003\u3000\x1c\x85")), max_size=12))
def test_ends_with_mark_answers_as_the_end_anchored_pattern(text):
    """ends_with_mark(text, marks) is ends_with of ``[marks]\\s*$``, the whitespace being what
    the regex takes for it (Unicode spaces, separators, a final line break)."""
    import re

    from cleaners.extract import _TERMINAL_MARKS
    from cleaners.teasers import _SENTENCE_MARKS
    from cleaners.types import ends_with, ends_with_mark

    for marks in (_TERMINAL_MARKS, _SENTENCE_MARKS):
        assert ends_with_mark(text, marks) == ends_with(re.compile(f"[{re.escape(marks)}]\\s*$"), text)


def test_a_block_built_by_its_own_init_is_the_frozen_dataclass_it_was():
    """Block sets its fields directly (cheaper than a frozen dataclass's generated __init__):
    defaults, keywords, equality, hashing, replace and frozenness are unchanged."""
    block = Block("Home", language="en")
    assert (block.text, block.type, block.language, block.decision) == ("Home", BlockType.PARAGRAPH, "en", None)
    assert block == Block("Home", BlockType.PARAGRAPH, "en") and hash(block) == hash(Block("Home", language="en"))
    assert dataclasses.replace(block, type=BlockType.HEADING).type is BlockType.HEADING
    assert [field.name for field in dataclasses.fields(Block)] == ["text", "type", "language", "decision"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.text = "News"  # type: ignore[misc]


def test_a_list_marker_opens_only_with_a_character_may_open_with_list_marker_accepts():
    """may_open_with_list_marker lets a line skip LIST_MARKER: sound only if every character a
    match can begin with is one it accepts."""
    from cleaners.types import LIST_MARKER, may_open_with_list_marker

    for code in range(0x110000):
        char = chr(code)
        if LIST_MARKER.match(char + " x") or LIST_MARKER.match(char + ". x") or LIST_MARKER.match(char + "  - x"):
            assert may_open_with_list_marker(char), hex(code)


def test_decision_without_evidence_gets_its_own_empty_dict():
    """Decision's own __init__ keeps the dataclass default: a new empty evidence dict each time."""
    first, second = Decision("x", Reason.BOILERPLATE), Decision("x", Reason.BOILERPLATE)
    assert first.evidence == {} and first.evidence is not second.evidence
    assert Decision(step="s", reason=Reason.TEASER, evidence={"rule": "r"}).evidence == {"rule": "r"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.step = "y"


def _fields(record: object) -> tuple:
    return tuple(getattr(record, field.name) for field in dataclasses.fields(record))


def test_blocks_and_decisions_hold_their_fields_in_slots_and_stay_frozen_and_picklable():
    """Block and Decision keep their fields in slots (no instance dict: the steps read the fields
    of every block many times), set by ``__init__`` in field order, frozen, and round-trip through
    pickle (process pools and Dask send them)."""
    decision = Decision("boilerplate", Reason.BOILERPLATE, {"rule": "menu"})
    block = Block("Home", BlockType.HEADING, "en", decision)
    for record, names in ((block, ("text", "type", "language", "decision")), (decision, ("step", "reason", "evidence"))):
        assert not hasattr(record, "__dict__")
        assert type(record).__slots__ == names == tuple(field.name for field in dataclasses.fields(record))
        assert pickle.loads(pickle.dumps(record)) == record
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, names[0], "x")
    assert _fields(Block("x")) == ("x", BlockType.PARAGRAPH, None, None)
    assert _fields(block) == ("Home", BlockType.HEADING, "en", decision)


def test_dropped_copies_keep_every_field_and_leave_the_block_as_it_was():
    """drop and dropped_by copy the block's fields: equal to a block built with the decision,
    every field set, the original unchanged, a dropped block given back as it is."""
    block = Block("Home", BlockType.HEADING, "en")
    decision = Decision("boilerplate", Reason.BOILERPLATE, {"rule": "menu"})
    dropped = block.dropped_by(decision)
    assert dropped == Block("Home", BlockType.HEADING, "en", decision) and dropped.decision is decision
    assert block.decision is None and block.kept
    assert _fields(dropped) == ("Home", BlockType.HEADING, "en", decision)
    assert dropped.dropped_by(Decision("other", Reason.TEASER)) is dropped
    assert block.drop("teasers", Reason.TEASER, rule="x").decision == Decision("teasers", Reason.TEASER, {"rule": "x"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        dropped.text = "x"


def test_a_tagged_copy_keeps_every_field_and_leaves_the_block_as_it_was():
    """with_language copies the block's fields: equal to a block built with the language, every
    field set, the original unchanged, still frozen."""
    block = Block("Hallo", BlockType.HEADING, "en", Decision("x", Reason.TEASER))
    tagged = block.with_language("de")
    assert tagged == Block("Hallo", BlockType.HEADING, "de", block.decision) and tagged.decision is block.decision
    assert block.language == "en" and _fields(tagged) == ("Hallo", BlockType.HEADING, "de", block.decision)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tagged.language = "fr"


def test_article_replace_is_dataclasses_replace():
    """Article.replace (a copy of the fields' dict) makes what dataclasses.replace makes, leaves the
    article as it was, and refuses a field Article has not."""
    article = Article(Source("a.txt", "text", None), (Block("x"),), EncodingInfo("utf-8", "x"), metadata={"url": "u"})
    changed = article.replace(blocks=(), language="en", language_score=0.5)
    assert changed == dataclasses.replace(article, blocks=(), language="en", language_score=0.5)
    assert list(vars(changed)) == [field.name for field in dataclasses.fields(Article)]
    assert article.blocks == (Block("x"),) and article.language is None
    with pytest.raises(TypeError):
        article.replace(colour="red")
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.title = "x"


@pytest.mark.parametrize("text", ["", "   ", "Home", "Share on  Facebook", " a\tb\nc ", "a\u00a0b\u2009c", "市議会は 火曜日",
                                  "one two three four five six seven eight nine ten eleven twelve thirteen"])
def test_word_count_is_the_split_count(text):
    """word_count answers len(text.split()), the first time and from its kept answers (a text too
    long to keep is counted each time)."""
    from cleaners.types import LONGEST_KEPT_COUNT, kept_word_count, word_count

    assert word_count(text) == len(text.split()) == word_count(text) == kept_word_count(text)
    long = (text + " ") * (LONGEST_KEPT_COUNT // (len(text) + 1) + 1)
    assert len(long) > LONGEST_KEPT_COUNT and word_count(long) == len(long.split())
