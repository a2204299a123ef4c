"""Reading a file errlint is asked to read: a regular file only, and never more than a limit.

A path can name something that is not a file: a FIFO (opening it blocks until
a writer comes), a socket, a device (``/dev/zero`` never ends), or a symbolic
link to one of them. :func:`read_regular_file` looks before it opens: such a
path raises :class:`NotRegularFile` without being opened. A regular file
larger than the limit raises :class:`TooLarge` without being read. Anything
else that goes wrong is the ``OSError`` of the system call, for the caller to
report as a problem with that one file.

The file is opened non-blocking and checked again once open, so a FIFO swapped
in between the look and the open is not waited on. The source files of a run,
the configuration, the packs and the cache are all read through here.
"""
from __future__ import annotations

import os
import stat
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes: far beyond hand-written code, far below what hurts
_CHUNK = 1 << 20

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
)


class NotRegularFile(OSError):
    """The path is not a regular file (nor a link to one): ``kind`` says what it is; it was not opened."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"not a regular file ({kind})")
        self.path = path  # (not ``filename``: OSError's str() would show the errno instead)
        self.kind = kind


class TooLarge(OSError):
    """The file is larger than the limit: it was not read."""

    def __init__(self, path: str, size: int, limit: int, at_least: bool = False) -> None:
        super().__init__(f"too large ({'more than ' if at_least else ''}{limit if at_least else size:,} bytes; the limit is {limit:,})")
        self.path = path
        self.size = size
        self.limit = limit
        self.at_least = at_least  # read until the limit was passed: ``size`` is a lower bound


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` is, in words ("a FIFO", "a socket", ...)."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def read_regular_file(path: str | os.PathLike, limit: int | None = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The bytes of the regular file ``path`` (a link to one is followed).

    Raises :class:`NotRegularFile` (not opened), :class:`TooLarge` (more than
    ``limit`` bytes; None: no limit) or the ``OSError`` of the system call.
    """
    name = os.fspath(path)
    if (isinstance(name, str) and "\0" in name) or (isinstance(name, bytes) and b"\0" in name):
        raise OSError(22, "the path holds a NUL byte")
    before = os.stat(name)
    if not stat.S_ISREG(before.st_mode):
        raise NotRegularFile(str(name), kind_of(before.st_mode))
    if limit is not None and before.st_size > limit:
        raise TooLarge(str(name), before.st_size, limit)
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the look and the open
            raise NotRegularFile(str(name), kind_of(st.st_mode))
        return _read_at_most(fd, str(name), limit)
    finally:
        os.close(fd)


def _read_at_most(fd: int, name: str, limit: int | None) -> bytes:
    chunks = []
    total = 0
    while True:
        chunk = os.read(fd, _CHUNK if limit is None else min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total > limit:  # it grew while being read
            raise TooLarge(name, total, limit, at_least=True)


def read_stream(stream, limit: int | None = DEFAULT_MAX_FILE_SIZE, name: str = "-") -> bytes:
    """At most ``limit`` bytes of a binary stream (standard input); more is :class:`TooLarge`."""
    if limit is None:
        return stream.read()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(name, len(data), limit, at_least=True)
    return data


# -- TOML files: the configuration and the packs ---------------------------------------------------
class TomlProblem(Exception):
    """Why a TOML file cannot be read, in one line without the file's name (the caller's error
    class names the file: ConfigError, PackError)."""


def toml_bytes(path: str | os.PathLike) -> bytes:
    """A TOML file's bytes (a regular file within the default limit); raises :class:`TomlProblem`."""
    try:
        return read_regular_file(path)
    except OSError as exc:
        raise TomlProblem(f"cannot read: {exc.strerror or exc}") from None


def parse_toml(raw: bytes) -> dict:
    """A TOML file's tables; raises :class:`TomlProblem`."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TomlProblem(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TomlProblem(f"invalid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise TomlProblem("invalid TOML: arrays or tables nested too deeply to read") from None
