"""Finding and reading inputs: files and folders (recursively), read with a size limit.

Reading never raises: an unreadable file becomes a RejectedInput with its reason
(``unreadable``, or ``too_large`` from the file's size, before any byte is read).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from typing import Iterable, Iterator

from cleaners.pipeline import detect_format
from cleaners.types import Reason, RejectedInput, Source

__all__ = ["discover", "read_input", "printable_path", "escape_path", "unescape_path"]


def discover(paths: Iterable[str]) -> Iterator[str]:
    """Every file under ``paths``, folders walked recursively in sorted order.

    Hidden files and folders are skipped. Links to folders inside a walked folder are
    not followed (no loops) but are yielded, so they end as rejected records instead of
    vanishing silently; so is a folder that cannot be listed. A path that does not exist
    is still yielded, so it ends as a rejected record.
    """
    for path in paths:
        if os.path.isdir(path):
            unlistable: list[str] = []
            for root, dirs, files in os.walk(path, onerror=lambda exc: unlistable.append(exc.filename)):
                linked = {d for d in dirs if os.path.islink(os.path.join(root, d))}
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in linked)
                names = sorted(name for name in [*files, *linked] if not name.startswith("."))
                for name in names:
                    yield os.path.join(root, name)
            # os.walk reports a folder it cannot list through onerror; it is an input we lost.
            yield from (p for p in unlistable if p)
        else:
            yield path


def printable_path(path: str) -> str:
    """``path`` as valid Unicode for the records: bytes of a file name that are not UTF-8
    (which Python keeps as lone surrogates) become ``\\xNN`` escapes.

    >>> printable_path("caf\\udce9.txt"), printable_path("café.txt")
    ('caf\\\\xe9.txt', 'café.txt')
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def escape_path(path: str) -> str:
    r"""``path`` as valid Unicode that converts back exactly (:func:`unescape_path`), for JSON:
    backslashes doubled, bytes that are not UTF-8 written ``\xNN``.

    Any name a POSIX file system allows round-trips. For a UTF-8 name without a backslash
    (the usual case) it is the path itself, and equals :func:`printable_path`; unlike that
    one, it never gives two paths the same text (a name with ``\xe9`` in it vs byte 0xE9).

    >>> escape_path("caf\udce9.txt"), escape_path("caf\\xe9.txt"), escape_path("café.txt")
    ('caf\\xe9.txt', 'caf\\\\xe9.txt', 'café.txt')
    """
    return os.fsencode(path).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


_ESCAPE = re.compile(r"\\(?:\\|x([0-9a-f]{2}))")


def unescape_path(text: str) -> str:
    r"""The path :func:`escape_path` made ``text`` from; ValueError when no path gives ``text``.

    >>> unescape_path("caf\\xe9.txt") == "caf\udce9.txt", unescape_path("caf\\\\xe9.txt") == "caf\\xe9.txt"
    (True, True)
    >>> unescape_path("caf\\xc3\\xa9.txt")  # not what escape_path writes for "café.txt"
    Traceback (most recent call last):
    ValueError: not an escaped path: 'caf\\xc3\\xa9.txt'
    """
    raw = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(text):
        raw += text[pos:match.start()].encode("utf-8")
        raw += b"\\" if match.group(1) is None else bytes([int(match.group(1), 16)])
        pos = match.end()
    raw += text[pos:].encode("utf-8")
    path = os.fsdecode(bytes(raw))
    if escape_path(path) != text:  # a lone backslash, \xNN of valid UTF-8, upper-case hex...
        raise ValueError(f"not an escaped path: {text!r}")
    return path


def _unreadable(path: str, detail: str, reason: Reason = Reason.UNREADABLE) -> RejectedInput:
    fmt, _ = detect_format(path)
    return RejectedInput(Source(path=printable_path(path), format=fmt or "unknown", sha256=None), reason, detail)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _why_not(path: str, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return "a broken symbolic link (its target does not exist)"
        return "does not exist (missing, or deleted after it was found)"
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"{type(exc).__name__}: {exc.strerror or exc}"


def _not_regular(path: str, mode: int) -> RejectedInput:
    kind = _kind(mode)
    if stat.S_ISDIR(mode) and os.path.islink(path):
        kind = "a link to a folder, not followed (it could loop); pass it as an argument to clean it"
    elif stat.S_ISDIR(mode):
        kind = "a folder, not a file (replaced after it was found, or it could not be listed)"
    return _unreadable(path, f"not a regular file: {kind}")


def read_input(path: str, max_bytes: int) -> bytes | RejectedInput:
    """The bytes of ``path``, or a RejectedInput saying why they could not be read.

    Never blocks and never holds more than ``max_bytes + 1`` bytes: anything but a regular
    file (folder, FIFO, device, socket, broken link, link loop) is refused before it is
    opened, and checked again on the opened descriptor (it may be swapped in between);
    a file larger than ``max_bytes`` is refused from its size, unread.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        return _unreadable(path, _why_not(path, exc))
    if not stat.S_ISREG(st.st_mode):
        return _not_regular(path, st.st_mode)
    if st.st_size > max_bytes:
        return _unreadable(path, f"{st.st_size} bytes, larger than the limit of {max_bytes}", Reason.TOO_LARGE)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return _unreadable(path, _why_not(path, exc))
    try:
        with os.fdopen(fd, "rb", buffering=0) as handle:
            st = os.fstat(handle.fileno())
            if not stat.S_ISREG(st.st_mode):  # swapped for something else since the stat above
                return _not_regular(path, st.st_mode)
            data = _read_at_most(handle, min(st.st_size, max_bytes) + 1, max_bytes + 1)
    except OSError as exc:
        return _unreadable(path, _why_not(path, exc))
    if len(data) > max_bytes:
        return _unreadable(path, f"larger than the limit of {max_bytes} bytes (grew while read)", Reason.TOO_LARGE)
    return data


def _read_at_most(handle, expected: int, limit: int) -> bytes:
    """Read up to ``limit`` bytes, first asking for ``expected`` (the stat size + 1).

    Asking for the size rather than the limit keeps a small file from allocating a
    limit-sized buffer; a file that grew, or that reports size 0 (/proc), is read on.
    """
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        want = expected - size if size < expected else 1 << 20
        chunk = handle.read(min(want, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
