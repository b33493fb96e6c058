"""Lazy readers for the benchmark corpora in the shared bench folder.

Each reader yields :class:`BenchDocument` tuples ``(name, data, gold)`` one
file at a time: ``name`` is the file name the pipeline should see (it ends in
``.gz`` when ``data`` is still gzipped), ``data`` the raw bytes as stored, and
``gold`` the expected text (a ``str``) or the snippets (:class:`SnippetGold`).
Only the small gold index (one JSON file) is held in memory.

The data are read where they lie, never copied: by default
``../shared/bench`` beside the project root, else ``$CLEAN_BENCH_DIR`` or an
explicit path.

Documents are split deterministically by the SHA-1 of their id: about 80 %
``dev`` (for tuning) and 20 % ``heldout`` (for checking); ``all`` is both.
The HTML and text versions of a ScrapingHub page share an id, hence a split.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from pathlib import Path
from typing import Iterator, Mapping, NamedTuple

__all__ = [
    "SPLITS",
    "BENCH_DIR_ENV",
    "BenchDocument",
    "SnippetGold",
    "default_bench_dir",
    "resolve_bench_dir",
    "split_of",
    "scrapinghub_html",
    "scrapinghub_text",
    "trafilatura_eval",
    "scrapinghub_gold",
    "LINGUA_KINDS",
    "lingua_languages",
    "lingua_lines",
]

SPLITS = ("dev", "heldout", "all")
BENCH_DIR_ENV = "CLEAN_BENCH_DIR"
DEV_PERCENT = 80

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SnippetGold(NamedTuple):
    """Snippets that must (``with_``) and must not (``without``) appear."""

    with_: tuple[str, ...]
    without: tuple[str, ...]


class BenchDocument(NamedTuple):
    name: str
    data: bytes
    gold: "str | SnippetGold"


def default_bench_dir() -> Path:
    """``../shared/bench`` relative to the project root."""
    return _PROJECT_ROOT.parent / "shared" / "bench"


def resolve_bench_dir(
    explicit: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Path:
    """The bench folder: ``explicit`` if given, else ``$CLEAN_BENCH_DIR``, else the default.

    >>> resolve_bench_dir(None, {"CLEAN_BENCH_DIR": "/data/bench"}).as_posix()
    '/data/bench'
    >>> resolve_bench_dir("/x", {"CLEAN_BENCH_DIR": "/data/bench"}).as_posix()
    '/x'
    """
    if explicit:
        return Path(explicit)
    if environ.get(BENCH_DIR_ENV):
        return Path(environ[BENCH_DIR_ENV])
    return default_bench_dir()


def split_of(doc_id: str) -> str:
    """``'dev'`` or ``'heldout'``, fixed by the SHA-1 of ``doc_id``.

    >>> split_of("042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856")
    'dev'
    """
    bucket = int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "dev" if bucket < DEV_PERCENT else "heldout"


def _in_split(doc_id: str, split: str) -> bool:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    return split == "all" or split_of(doc_id) == split


def _selected_ids(ids: Iterator[str], split: str, limit: int | None) -> Iterator[str]:
    """Ids in sorted order, filtered by split, at most ``limit`` of them."""
    chosen = (doc_id for doc_id in sorted(ids) if _in_split(doc_id, split))
    return itertools.islice(chosen, limit) if limit is not None else chosen


def _load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _scrapinghub_gold(bench_dir: Path) -> dict[str, str]:
    """``{page id: articleBody}`` from ``scrapinghub_aeb/ground-truth.json``."""
    truth = _load_json(bench_dir / "scrapinghub_aeb" / "ground-truth.json")
    return {doc_id: entry.get("articleBody") or "" for doc_id, entry in truth.items()}


def scrapinghub_gold(
    bench_dir: Path, split: str = "all", limit: int | None = None
) -> Iterator[tuple[str, str]]:
    """``(page id, articleBody)`` of the ScrapingHub gold, in id order, split and limit applied."""
    gold = _scrapinghub_gold(bench_dir)
    for doc_id in _selected_ids(iter(gold), split, limit):
        yield doc_id, gold[doc_id]


def scrapinghub_html(
    bench_dir: Path, split: str = "all", limit: int | None = None
) -> Iterator[BenchDocument]:
    """ScrapingHub pages as gzipped HTML (``<id>.html.gz``) with their articleBody."""
    gold = _scrapinghub_gold(bench_dir)
    folder = bench_dir / "scrapinghub_aeb" / "html"
    for doc_id in _selected_ids(iter(gold), split, limit):
        name = f"{doc_id}.html.gz"
        yield BenchDocument(name, (folder / name).read_bytes(), gold[doc_id])


def scrapinghub_text(
    bench_dir: Path, split: str = "all", limit: int | None = None
) -> Iterator[BenchDocument]:
    """The same pages as plain-text dumps (``<id>.txt``) with their articleBody."""
    gold = _scrapinghub_gold(bench_dir)
    folder = bench_dir / "scrapinghub_aeb" / "text"
    for doc_id in _selected_ids(iter(gold), split, limit):
        name = f"{doc_id}.txt"
        yield BenchDocument(name, (folder / name).read_bytes(), gold[doc_id])


def trafilatura_eval(
    bench_dir: Path, split: str = "all", limit: int | None = None
) -> Iterator[BenchDocument]:
    """trafilatura's evaluation pages (``<file>.gz``) with their with/without snippets.

    The split id is the page's file name as given in ``evaldata.json``.
    """
    entries = _load_json(bench_dir / "trafilatura_eval" / "evaldata.json")
    by_file = {
        entry["file"]: SnippetGold(
            with_=tuple(s for s in entry.get("with", ()) if s is not None),
            without=tuple(s for s in entry.get("without", ()) if s is not None),
        )
        for entry in entries.values()
    }
    folder = bench_dir / "trafilatura_eval" / "html"
    for file_name in _selected_ids(iter(by_file), split, limit):
        name = f"{file_name}.gz"
        yield BenchDocument(name, (folder / name).read_bytes(), by_file[file_name])


# --------------------------------------------------------------------------
# lingua's language-identification test data
# --------------------------------------------------------------------------

LINGUA_KINDS = ("sentences", "word-pairs", "single-words")


def _lingua_folder(bench_dir: Path, kind: str) -> Path:
    if kind not in LINGUA_KINDS:
        raise ValueError(f"kind must be one of {LINGUA_KINDS}, not {kind!r}")
    return bench_dir / "lingua_testdata" / kind


def lingua_languages(bench_dir: Path, kind: str = "sentences") -> list[str]:
    """The ISO 639-1 codes (file names) of ``lingua_testdata/<kind>/``, sorted."""
    return sorted(path.stem for path in _lingua_folder(bench_dir, kind).glob("*.txt"))


def lingua_lines(
    bench_dir: Path, kind: str, code: str, limit: int | None = None
) -> list[str]:
    """The first ``limit`` non-blank lines (stripped) of ``lingua_testdata/<kind>/<code>.txt``."""
    path = _lingua_folder(bench_dir, kind) / f"{code}.txt"
    with path.open(encoding="utf-8") as handle:
        stripped = (line.strip() for line in handle)
        lines = (line for line in stripped if line)
        return list(itertools.islice(lines, limit) if limit is not None else lines)
