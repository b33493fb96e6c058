"""Article / RejectedInput -> the JSON records downstream tools read.

The JSON Schemas live beside this module (``article.schema.json``,
``rejected.schema.json``); :func:`load_schema` returns them.

>>> from cleaners.pipeline import clean_document
>>> record = article_record(clean_document("Hello there, this is a plain little article text.", "a.txt"), PipelineInfo("0", "f"))
>>> record["text"], record["stats"]["kept_blocks"]
('Hello there, this is a plain little article text.', 1)
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from typing import Any, NamedTuple

from .types import Article, RejectedInput

__all__ = ["PipelineInfo", "article_id", "article_record", "rejected_record", "load_schema", "dumps"]


class PipelineInfo(NamedTuple):
    version: str
    config_fingerprint: str


def article_id(article: Article) -> str:
    """Stable id from the source's name (URL or file name) and the input's content hash."""
    name = article.source.url or os.path.basename(article.source.path)
    return hashlib.sha256(f"{name}\n{article.source.sha256}".encode()).hexdigest()[:24]


def _stats(article: Article) -> dict[str, Any]:
    kept = article.kept_blocks
    by_reason: dict[str, int] = {}
    for block in article.blocks:
        if block.decision:
            by_reason[block.decision.reason.value] = by_reason.get(block.decision.reason.value, 0) + 1
    text = article.text
    return {
        "blocks": len(article.blocks),
        "kept_blocks": len(kept),
        "removed_blocks": len(article.blocks) - len(kept),
        "removed_by_reason": dict(sorted(by_reason.items())),
        "chars": len(text),
        "words": len(text.split()),
    }


def article_record(article: Article, pipeline: PipelineInfo) -> dict[str, Any]:
    """The article record of the output contract (see README, ``article.schema.json``)."""
    removed = [
        {"index": i, "type": b.type.value, "text": b.text, **b.decision.to_dict()}
        for i, b in enumerate(article.blocks)
        if b.decision is not None
    ]
    return {
        "id": article_id(article),
        "source": article.source.to_dict(),
        "title": article.title,
        "language": article.language,
        "language_score": article.language_score,
        "text": article.text,
        "blocks": [{"type": b.type.value, "text": b.text, "language": b.language} for b in article.kept_blocks],
        "metadata": dict(sorted(article.metadata.items())),
        "removed": removed,
        "encoding": article.encoding.to_dict(),
        "stats": _stats(article),
        "pipeline": pipeline._asdict(),
    }


def rejected_record(rejected: RejectedInput, pipeline: PipelineInfo) -> dict[str, Any]:
    """The rejected-input record: source, reason, detail."""
    return {**rejected.to_dict(), "pipeline": pipeline._asdict()}


def dumps(record: dict[str, Any]) -> str:
    """One JSON line, keys sorted, UTF-8 kept (not \\u-escaped): byte-stable for equal records."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_schema(name: str) -> dict[str, Any]:
    """``load_schema("article")`` or ``load_schema("rejected")``: the shipped JSON Schema."""
    return json.loads(resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
