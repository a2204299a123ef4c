"""The files of a run, read: regular files only, within the size limit (:mod:`errlint.reading`).

Kept apart from discovery and grouping (:mod:`errlint.run.session`): what can
go wrong when a file is read becomes one line or one ERR000 for that file, and
the run goes on.

- not a regular file (a FIFO, a socket, a device, a link to one): never opened,
  one warning line, not linted;
- larger than ``max-file-size``: not read, one ERR000 ("too large");
- anything else (permission denied, a symbolic link loop, gone): ERR000
  "cannot read" with the system's reason.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from ..diagnostics import PARSE_ERROR, Diagnostic
from ..reading import NotRegularFile, TooLarge, read_regular_file, read_stream


def too_large(display: str, exc: TooLarge) -> Diagnostic:
    return Diagnostic(
        display, 1, 1, PARSE_ERROR,
        f"cannot lint: too large ({'more than ' if exc.at_least else ''}{exc.limit if exc.at_least else exc.size:,} bytes; "
        f"max-file-size is {exc.limit:,}); file skipped",
        rule="parse-error",
    )


def read_input(path: str, display: str, limit: int | None, say: Callable[[str], None]) -> bytes | Diagnostic | None:
    """The bytes of ``path``; else the ERR000 to report for it, or None when it is skipped (said)."""
    try:
        return read_regular_file(path, limit)
    except NotRegularFile as exc:
        link = "a symbolic link to " if os.path.islink(path) else ""
        say(f"warning: {display}: skipped: {link}{exc.kind}, not a regular file")
        return None
    except TooLarge as exc:
        return too_large(display, exc)
    except OSError as exc:
        return Diagnostic(display, 1, 1, PARSE_ERROR, f"cannot read: {exc.strerror or exc}", rule="parse-error")


def read_standard_input(stream, display: str, limit: int | None) -> bytes | Diagnostic:
    """Standard input's bytes (at most ``limit``), or ERR000 "too large"."""
    try:
        return read_stream(stream, limit, display)
    except TooLarge as exc:
        return too_large(display, exc)


def display_path(path: str) -> str:
    """A path as errlint reports it: relative to the current directory where it lies below it."""
    if path == "-":
        return path
    if not os.path.isabs(path):
        return os.path.normpath(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
