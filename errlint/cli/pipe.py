"""A reader that goes away ends errlint's output quietly (``errlint . | head``, ``errlint rule ERR004 | head``).

Python ignores SIGPIPE, so a write to a closed pipe raises BrokenPipeError,
and CPython prints a traceback, or "Exception ignored" when it flushes the
stream at exit. As Python's documentation recommends (``signal`` module,
"Note on SIGPIPE"), the stream is pointed at ``os.devnull`` once its reader is
gone; here the command then goes on, so it ends with the exit code it would
have had: findings still exit 1 under ``set -o pipefail`` (ruff exits 0).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _Guarded:
    """A text stream whose writes and flushes stop quietly once its reader is gone."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.closed_pipe = False

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    @property
    def buffer(self):
        return _GuardedBuffer(self)

    def _gone(self) -> None:
        self.closed_pipe = True
        try:  # what is still buffered goes nowhere, and the flush at exit cannot fail
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _GuardedBuffer:
    """The binary side of a guarded stream (``errlint --fix -`` writes the fixed bytes there)."""

    def __init__(self, guarded: _Guarded) -> None:
        self._guarded = guarded

    def write(self, data: bytes) -> int:
        if not self._guarded.closed_pipe:
            try:
                return self._guarded._stream.buffer.write(data)
            except BrokenPipeError:
                self._guarded._gone()
        return len(data)

    def flush(self) -> None:
        self._guarded.flush()

    def __getattr__(self, name: str):
        return getattr(self._guarded._stream.buffer, name)


@contextmanager
def quiet_closed_pipes() -> Iterator[None]:
    """Standard output and standard error, guarded while the command runs, flushed before they are handed back."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Guarded(saved[0]), _Guarded(saved[1])
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved
