"""Progress of a long run: one line on standard error, rewritten in place, cleared at the end.

Shown only where a person watches: standard error is a terminal, the output is
meant for reading (text), the user did not ask for quiet, and the run has
lasted :data:`DELAY` seconds (a quick run stays silent). Nothing here ever
writes to standard output.
"""
from __future__ import annotations

import io
import os
import sys
import time
from typing import TextIO

DELAY = 1.0  # seconds of silence before the line appears
INTERVAL = 0.1  # at most this often afterwards
_DELAY_VARIABLE = "ERRLINT_PROGRESS_DELAY"  # seconds; the tests set 0 to see the line at once


class Progress:
    """Counts files done and findings; draws ``errlint: 12/345 files, 6 findings`` when due."""

    def __init__(self, total: int, stream: TextIO | None = None, delay: float | None = None, clock=time.monotonic) -> None:
        self.total = total
        self.done = 0
        self.findings = 0
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay if delay is not None else _delay_from_environment()
        self._clock = clock
        self._started = clock()
        self._drawn_at: float | None = None  # when the line was last drawn (None: not on screen)
        self._width = 0
        global _ACTIVE
        _ACTIVE = self

    def advance(self, files: int = 1, findings: int = 0) -> None:
        if not files:
            return
        self.done += files
        self.findings += findings
        now = self._clock()
        if now - self._started < self.delay:
            return
        if self._drawn_at is not None and now - self._drawn_at < INTERVAL and self.done < self.total:
            return
        self._draw(now)

    def _draw(self, now: float) -> None:
        line = f"errlint: {self.done}/{self.total} files, {self.findings} finding{'s' if self.findings != 1 else ''}"
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns or 80  # 0: a terminal of unknown size
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            columns = 80
        line = line[: max(columns - 1, 10)]
        self.stream.write("\r" + line + " " * max(self._width - len(line), 0))
        self.stream.flush()
        self._width = len(line)
        self._drawn_at = now

    def clear(self) -> None:
        """Take the line off the screen (before other output, and at the end); drawn again when due."""
        if self._drawn_at is None:
            return
        self.stream.write("\r" + " " * self._width + "\r")
        self.stream.flush()
        self._drawn_at = None
        self._width = 0


class NoProgress:
    """The same calls, doing nothing (not a terminal, machine-read output, --quiet)."""

    def advance(self, files: int = 1, findings: int = 0) -> None:
        pass

    def clear(self) -> None:
        pass


def progress_for(total: int, output_format: str, quiet: bool = False, stream: TextIO | None = None) -> Progress | NoProgress:
    """A :class:`Progress` when a person is watching standard error, else a :class:`NoProgress`."""
    global _ACTIVE
    _ACTIVE = None
    stream = stream if stream is not None else sys.stderr
    if quiet or output_format in ("json", "sarif", "github"):
        return NoProgress()
    try:
        if not stream.isatty():
            return NoProgress()
    except (AttributeError, ValueError):
        return NoProgress()
    return Progress(total, stream)


_ACTIVE: Progress | None = None  # the run's progress line, for messages printed far from the run


def clear_progress() -> None:
    """Take the run's progress line (if any) off the screen, before printing an error."""
    if _ACTIVE is not None:
        _ACTIVE.clear()


def _delay_from_environment() -> float:
    try:
        return max(float(os.environ.get(_DELAY_VARIABLE, DELAY)), 0.0)
    except ValueError:
        return DELAY
