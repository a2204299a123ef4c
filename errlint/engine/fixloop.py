"""The fix loop: apply a file's fixes in passes until none applies.

Each pass lints the file, takes the applicable fixes (safe ones first, then in
source order), skips any whose edits overlap a fix already taken (it comes back
in the next pass), replaces the nodes in one transform and checks that the
result parses (LibCST and CPython) before the next pass lints it again; at most
:data:`errlint.fixes.MAX_PASSES` passes.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from ..diagnostics import Diagnostic
from ..result import FileResult


def fix_source(
    lint: Callable[[bytes], FileResult], path: str, source: bytes, unsafe: bool = False, ignored: Sequence[str] = (),
) -> tuple[bytes, list[Diagnostic], FileResult]:
    """Apply fixes in passes until none applies; (fixed source, fixed findings, final result).

    ``lint(source)``: the file's result for these bytes, its parsed module kept.
    ``ignored``: codes or prefixes whose findings are not fixed (per-file-ignores).
    """
    from ..fixes import MAX_PASSES, verify
    from ..python.fixes import apply_replacements, check_parses

    fixed: list[Diagnostic] = []
    original = source
    result = lint(source)
    for _ in range(MAX_PASSES):
        if result.module is None or result.error:
            break
        chosen: list[Diagnostic] = []
        taken = _Spans()
        candidates = [
            d for d in result.diagnostics
            if d.fix is not None and d.fix.applies(unsafe) and not any(d.code.startswith(c.upper()) for c in ignored)
        ]
        # safe fixes first: an unsafe fix may not be needed once they are in
        for d in sorted(candidates, key=lambda d: (d.fix.applicability != "safe", _fix_span(d)[0])):
            span = _fix_span(d)
            if not taken.add(span):
                continue  # overlaps a fix taken in this pass: it comes back in the next one
            chosen.append(d)
        if not chosen:
            break
        new_source = apply_replacements(result.module, [d.fix for d in chosen]).bytes
        if new_source == source:
            break
        # this pass's tree is done with: the fixed findings keep their text edits, not its nodes
        # (on a big file each tree is hundreds of MB, and the next pass parses another)
        for d in result.diagnostics:
            if d.fix is not None:
                d.fix.replacements = ()
        result.module = None
        check_parses(new_source, path)
        verify(new_source, path, original)
        fixed.extend(chosen)
        source = new_source
        result = lint(source)
    return source, fixed, result


class _Spans:
    """Disjoint spans ``(start, end)`` (end exclusive), kept in order: adding one costs a bisection,
    not a look at every span taken (a pass over thousands of fixes)."""

    def __init__(self) -> None:
        self._starts: list = []
        self._ends: list = []

    def add(self, span) -> bool:
        """Take ``span`` unless it overlaps one already taken; whether it was taken."""
        from bisect import bisect_left

        start, end = span
        i = bisect_left(self._starts, start)
        # the spans are disjoint and in order: only the neighbours can overlap
        if i > 0 and start < self._ends[i - 1] and self._starts[i - 1] < end:
            return False
        if i < len(self._starts) and start < self._ends[i] and self._starts[i] < end:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


def _fix_span(d: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    edits = d.fix.edits if d.fix is not None else []
    if not edits:
        return (d.line, d.column), (d.end_line or d.line, d.end_column or d.column)
    start = min((e["location"]["row"], e["location"]["column"]) for e in edits)
    end = max((e["end_location"]["row"], e["end_location"]["column"]) for e in edits)
    return start, end
