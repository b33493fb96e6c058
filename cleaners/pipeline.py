"""``clean_document``: bytes of one input to an Article or a RejectedInput, through a
straight line of pure steps. It never raises: every input ends as one or the other.

>>> result = clean_document("A Short Story Title\\n" + "This is the story, told in one long and simple sentence with enough words. " * 3 + "\\nEnd of content", "x.txt")
>>> result.title, [b.decision.reason.value for b in result.blocks if not b.kept]
('A Short Story Title', ['boilerplate'])
>>> clean_document(b"", "empty.txt").reason.value
'empty_input'
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, NamedTuple

from . import __version__
from .boilerplate import BoilerplateConfig, WindowConfig, mark_boilerplate, mark_menus, mark_outside_main_content
from .decode import DecodeConfig, decode_bytes, decompress, needs_ftfy, needs_ftfy_in_any, repair_text
from .duplicates import mark_duplicates, mark_page_address
from .extract import ExtractConfig, Extracted, classify_lines, extract_html, extract_text, normalize_lines, title_before_content
from .language import LanguageConfig, mark_foreign_blocks, load_models as load_language_models
from .teasers import TeaserConfig, mark_teasers
from .topic import TopicConfig, mark_off_topic, term_specificity
from .types import Article, Block, BlockType, Decision, EncodingInfo, Reason, RejectedInput, Rejection, Source, kept_indexes

__all__ = [
    "CleanConfig", "clean_document", "detect_format", "config_fingerprint", "config_to_dict", "config_from_dict",
    "load_models", "COMMON_LANGUAGES",
]

_FORMATS: Final = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}


class CleanConfig(NamedTuple):
    """Every setting of the pipeline, one immutable value per step."""

    decode: DecodeConfig = DecodeConfig()
    extract: ExtractConfig = ExtractConfig()
    boilerplate: BoilerplateConfig = BoilerplateConfig()
    #: Plain text only: keep the page's main prose window (HTML relies on trafilatura for this).
    window: WindowConfig = WindowConfig()
    teasers: TeaserConfig = TeaserConfig()
    language: LanguageConfig = LanguageConfig()
    topic: TopicConfig = TopicConfig()
    #: Inputs larger than this (bytes, as stored) are rejected as too_large.
    max_input_bytes: int = 64 * 1024 * 1024
    #: Time budget per document (seconds), enforced by the runner in flows/: a document
    #: over it is rejected with reason timeout and the rest of its batch goes on.
    max_seconds_per_document: float = 60.0


#: The languages whose model data :func:`load_models` loads ahead: eight of the languages most used
#: for web content (W3Techs' survey of content languages), English first.
COMMON_LANGUAGES: Final = ("en", "es", "de", "ja", "fr", "ru", "pt", "it")


def load_models(config: CleanConfig = CleanConfig(), languages: tuple[str, ...] = COMMON_LANGUAGES) -> None:
    """Load now what the steps otherwise load on first use: the language detector's model
    (py3langid's: ~0.4 s) and the topic step's word list of each of ``languages`` (wordfreq's:
    7-17 ms and 3-9 MiB each; ~30 MiB and ~60 ms for the seven beyond English). Called at start-up,
    before forking workers (a pool's, or the child a Dask worker forks per batch, which would
    otherwise load the list of each language it meets again and lose it at its exit) and
    before timing documents. A language met later is still loaded on first use.

    The detector's model is read in a thread of its own while this one reads the word lists:
    most of its time is unpacking (lzma, then numpy reading 68 MB), which releases the GIL,
    while the word lists are Python work (wordfreq's import, its lists' parsing). The thread has
    ended when this returns, so a fork afterwards copies no thread.

    >>> load_models(CleanConfig(), ("en",))
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-detector") as beside:
        detector = beside.submit(load_language_models, config.language)
        for language in languages:
            term_specificity((), language, config.topic)  # no terms: only the language's list is loaded
        detector.result()  # the detector's error, if it failed, is raised here


def config_to_dict(config: CleanConfig) -> dict[str, Any]:
    """The config as plain JSON-able data.

    >>> config_to_dict(CleanConfig())["topic"]["min_terms"]
    6
    """
    return {
        name: (value._asdict() if hasattr(value, "_asdict") else value)
        for name, value in config._asdict().items()
    }


def config_from_dict(data: dict[str, Any] | None) -> CleanConfig:
    """Rebuild a CleanConfig from :func:`config_to_dict` output (missing keys keep defaults).

    >>> config_from_dict(config_to_dict(CleanConfig())) == CleanConfig()
    True
    >>> config_from_dict({"language": {"accept_languages": ["en"]}}).language.accept_languages
    ('en',)
    """
    base = CleanConfig()
    changes: dict[str, Any] = {}
    for name, value in (data or {}).items():
        default = getattr(base, name)
        if hasattr(default, "_replace"):
            fields = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
            changes[name] = default._replace(**fields)
        else:
            changes[name] = value
    return base._replace(**changes)


def config_fingerprint(config: CleanConfig) -> str:
    """A short stable hash of the version and config: changes when either changes."""
    payload = json.dumps({"version": __version__, "config": config_to_dict(config)}, sort_keys=True, default=list)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def detect_format(path: str) -> tuple[str | None, bool]:
    """(format, gzipped) from a file name; format None when unsupported.

    >>> detect_format("a/b.HTML.gz"), detect_format("notes.txt"), detect_format("x.pdf")
    (('html', True), ('text', False), (None, False))
    """
    name = path.lower()
    compressed = name.endswith(".gz")
    if compressed:
        name = name[:-3]
    for suffix, fmt in _FORMATS.items():
        if name.endswith(suffix):
            return fmt, compressed
    return None, compressed


def _extract(text: str, fmt: str, config: CleanConfig, printable: bool | None = None) -> Extracted:
    return extract_html(text, config.extract) if fmt == "html" else extract_text(text, config.extract, printable)


def _repair_blocks(extracted: Extracted, ascii_fold: bool) -> tuple[Extracted, tuple[str, ...]]:
    repairs: list[str] = []
    # one look, not one per line (the control characters not looked for where extract took them)
    repair = needs_ftfy_in_any([block.text for block in extracted.blocks], ascii_fold, not extracted.control_free)
    blocks: list[Block] | tuple[Block, ...]
    if repair or not extracted.normalized:
        blocks = _repaired(extracted.blocks, repair, extracted.normalized, ascii_fold, repairs)
    else:
        blocks = extracted.blocks  # nothing to repair, nothing to normalize: every block as it is
    title = None
    if extracted.title:
        title, steps = repair_text(extracted.title, ascii_fold)
        repairs += steps
    unique = tuple(dict.fromkeys(repairs))
    title = title.strip() or None if title else None
    return dataclasses.replace(extracted, blocks=tuple(blocks), title=title), unique


def _repaired(blocks: tuple[Block, ...], repair: bool, normalized: bool, ascii_fold: bool,
              repairs: list[str]) -> list[Block]:
    """The blocks repaired (when ``repair``) and normalized (unless ``normalized`` already and
    unrepaired), the empty ones left out; ftfy's steps are added to ``repairs``."""
    out = []
    for block in blocks:
        if (normalized and block.text and block.language is None and block.decision is None
                and not (repair and needs_ftfy(block.text, ascii_fold))):
            out.append(block)  # nothing for ftfy nor to normalize (nearly every line of a dump): as it is
            continue
        fixed, steps = repair_text(block.text, ascii_fold) if repair else (block.text, ())
        repairs += steps
        if fixed is not block.text or not normalized:  # repair_text gives an unrepaired text back as it is
            fixed = normalize_lines(fixed)
        if fixed:
            unchanged = fixed == block.text and block.language is None and block.decision is None
            out.append(block if unchanged else Block(fixed, block.type))  # nearly every block: no copy
    return out


def _to_text(data: bytes | str, fmt: str, config: CleanConfig) -> tuple[str, EncodingInfo, bool | None]:
    """The text, its encoding, and whether it is printable but its line breaks and tabs when
    decoding found out (:attr:`~cleaners.decode.Decoded.printable`; None: not known)."""
    if isinstance(data, str):
        return data, EncodingInfo("utf-8", "given-as-text"), None
    decoded = decode_bytes(data, fmt, config.decode)
    return decoded.text, EncodingInfo(decoded.charset, decoded.method), decoded.printable


def _promote_title(article: Article, blocks: list[Block]) -> tuple[Article, list[Block]]:
    """A text dump's headline sits just above the main content window: make it the title."""
    start = next((i for i, b in enumerate(blocks) if b.decision is None), None)  # the first kept block
    if not start:
        return article, blocks
    index = title_before_content(blocks, start)
    if index is None:
        return article, blocks
    headline = blocks[index]
    blocks = list(blocks)
    blocks[index] = dataclasses.replace(
        headline, decision=Decision("extract", Reason.DUPLICATE, {"rule": "moved_to_title", "was": _rule_of(headline)})
    )
    return article.replace(title=headline.text), blocks


def _rule_of(block: Block) -> str | None:
    return block.decision.evidence.get("rule") if block.decision else None


def _run_steps(article: Article, config: CleanConfig, segmented: bool = False) -> Article:
    """The steps in order. A text dump is a whole page: its main content window is found,
    unless the text is already cut into paragraphs (``segmented``, e.g. the pipeline's output)."""
    layout = "paragraphs" if segmented else article.source.format
    blocks = mark_duplicates(article.blocks, article.title, layout=layout)
    blocks = mark_page_address(blocks, article.metadata.get("url"))
    blocks = mark_boilerplate(blocks, config.boilerplate, layout)
    if layout == "text":
        blocks = mark_outside_main_content(blocks, config.window)
        if article.title is None:
            article, blocks = _promote_title(article, blocks)
    # the steps from here on read and mark the kept blocks alone (a dropped block is none of their runs nor
    # samples), so they are given those alone, not each a dump's every line to pick them out of again
    kept_index = kept_indexes(blocks)
    kept = mark_teasers([blocks[i] for i in kept_index], config.teasers, layout)
    language, score, kept = mark_foreign_blocks(kept, config.language)
    kept = mark_off_topic(kept, article.title, language, config.topic, layout)
    kept = _settle(kept, config, layout)
    return article.replace(blocks=tuple(_placed(blocks, kept_index, kept)), language=language, language_score=score)


def _placed(blocks: list[Block], indexes: list[int], placed: list[Block]) -> list[Block]:
    """``blocks`` with ``placed[j]`` at index ``indexes[j]``.

    >>> [b.text for b in _placed([Block("a"), Block("b"), Block("c")], [0, 2], [Block("x"), Block("z")])]
    ['x', 'b', 'z']
    """
    out = list(blocks)
    for i, block in zip(indexes, placed):
        out[i] = block
    return out


def _settle(blocks: list[Block], config: CleanConfig, layout: str) -> list[Block]:
    """The run rules (menus, teaser runs) again over what the later steps left, until they find
    nothing new: blocks dropped in between can make a run, and cleaning the output again would
    find it (cleaning is idempotent on its own output). A block's own rules cannot change. A text line's type is read again from
    the line now below it: a short line no longer heads anything when its paragraph was dropped.

    These rules read the kept blocks only (a run goes across dropped ones), so they are run over
    the blocks kept now, not over every line of a dump (most of them dropped already).
    """
    kept_index = kept_indexes(blocks)
    kept = [blocks[i] for i in kept_index]
    while True:
        again = _retype_text_lines(kept, config.extract) if layout != "html" else kept
        again = mark_menus(again, config.boilerplate, layout, runs_across_dropped=True)
        again = mark_teasers(again, config.teasers, layout)
        if again == kept:
            break
        kept = again
    return _placed(blocks, kept_index, kept)


def _retype_text_lines(blocks: list[Block], config: ExtractConfig) -> list[Block]:
    """Kept paragraphs and headings of plain text typed by the kept block below them."""
    out = list(blocks)
    kept = kept_indexes(out)
    # classify_line of each kept line with the kept line below it, all at once
    retypable = (BlockType.PARAGRAPH, BlockType.HEADING)
    for i, retyped in zip(kept, classify_lines([out[i].text for i in kept], config)):
        if retyped is not out[i].type and out[i].type in retypable:  # else the same block: no copy, ``==`` sees it at once
            out[i] = out[i].with_type(retyped)
    return out


def _removal_summary(article: Article) -> str:
    counts: dict[str, int] = {}
    for block in article.blocks:
        if block.decision:
            counts[block.decision.reason.value] = counts.get(block.decision.reason.value, 0) + 1
    return ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))


def _clean(data: bytes | str, source: Source, compressed: bool, config: CleanConfig) -> Article:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > config.max_input_bytes:
        raise Rejection(Reason.TOO_LARGE, f"{len(raw)} bytes > limit of {config.max_input_bytes}")
    if compressed:
        data = decompress(raw, config.decode.max_decompressed_bytes)
    text, encoding, printable = _to_text(data, source.format, config)
    extracted, repairs = _repair_blocks(_extract(text, source.format, config, printable), config.decode.ascii_fold)
    if not extracted.blocks:
        raise Rejection(Reason.NO_TEXT, f"no text blocks found in the {source.format} input")
    article = Article(
        source=source,
        blocks=extracted.blocks,
        encoding=EncodingInfo(encoding.charset, encoding.method, repairs),
        title=extracted.title,
        metadata=extracted.metadata,
    )
    article = _run_steps(article, config, extracted.segmented)
    accepted = config.language.accept_languages
    if accepted and article.language not in accepted:
        raise Rejection(
            Reason.FOREIGN_LANGUAGE,
            f"article language {article.language} (p={article.language_score}) not in {','.join(accepted)}",
        )
    if all(block.decision is not None for block in article.blocks):  # no kept block (not a tuple of them made)
        raise Rejection(Reason.NO_TEXT, f"all {len(article.blocks)} blocks removed ({_removal_summary(article)})")
    return article


def clean_document(
    data: bytes | str, path: str, config: CleanConfig = CleanConfig(), url: str | None = None
) -> Article | RejectedInput:
    """Clean one input. ``path`` names it (its suffix gives the format); never raises."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    fmt, compressed = detect_format(path)
    source = Source(path=path, format=fmt or "unknown", sha256=hashlib.sha256(raw).hexdigest(), url=url)
    if fmt is None:
        return RejectedInput(source, Reason.UNSUPPORTED_FORMAT, "file type is not .txt, .html or .htm (optionally .gz)")
    try:
        return _clean(data, source, compressed, config)
    except Rejection as rejection:
        return RejectedInput(source, rejection.reason, rejection.detail)
    except RecursionError:
        return RejectedInput(source, Reason.INTERNAL_ERROR, "document nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - the contract is: never crash on one input
        return RejectedInput(source, Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"[:500])
