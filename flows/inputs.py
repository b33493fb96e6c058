"""Finding and reading inputs: files and folders (recursively), read with a size limit.

Reading never raises: an unreadable file becomes a RejectedInput with its reason.
"""

from __future__ import annotations

import os
from typing import Iterable, Iterator

from cleaners.pipeline import detect_format
from cleaners.types import Reason, RejectedInput, Source

__all__ = ["discover", "read_input"]


def discover(paths: Iterable[str]) -> Iterator[str]:
    """Every file under ``paths``, folders walked recursively in sorted order.

    Folder symlinks are not followed (no loops); hidden files and folders are skipped.
    A path that does not exist is still yielded, so it ends as a rejected record.
    """
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path


def _unreadable(path: str, detail: str, reason: Reason = Reason.UNREADABLE) -> RejectedInput:
    fmt, _ = detect_format(path)
    return RejectedInput(Source(path=path, format=fmt or "unknown", sha256=None), reason, detail)


def read_input(path: str, max_bytes: int) -> bytes | RejectedInput:
    """The bytes of ``path``, or a RejectedInput saying why they could not be read."""
    try:
        if not os.path.isfile(path):
            return _unreadable(path, "not a regular file (missing, a folder, a broken link or a device)")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(path, f"{type(exc).__name__}: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _unreadable(path, f"larger than the limit of {max_bytes} bytes", Reason.TOO_LARGE)
    return data
