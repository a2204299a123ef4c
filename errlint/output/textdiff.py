"""Unified diffs of a file and its fixed version, in time that follows the file's length.

``difflib.unified_diff`` finds the longest matching block and recurses on
each side; when a fix changed thousands of places in one file, each step
scans most of the file again (about a minute for 2,000 changes). Here the
lines that occur once in each version and in the same order (patience
diff's anchors) cut the files into short stretches, and difflib matches each
stretch. Small files (:data:`SMALL` lines) go to difflib whole, as before.
The output has difflib's format.
"""
from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Iterator, Sequence

SMALL = 2000  # lines of both versions together


def unified_diff(a: Sequence[str], b: Sequence[str], fromfile: str, tofile: str, n: int = 3) -> Iterator[str]:
    if len(a) + len(b) <= SMALL:
        yield from difflib.unified_diff(a, b, fromfile=fromfile, tofile=tofile, n=n)
        return
    started = False
    for group in _Anchored(a, b).get_grouped_opcodes(n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    yield " " + line
                continue
            if tag in ("replace", "delete"):
                for line in a[i1:i2]:
                    yield "-" + line
            if tag in ("replace", "insert"):
                for line in b[j1:j2]:
                    yield "+" + line


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (difflib's convention)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return str(beginning)
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


class _Anchored(difflib.SequenceMatcher):
    """A SequenceMatcher whose opcodes come from anchors and difflib between them."""

    def __init__(self, a: Sequence[str], b: Sequence[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._opcodes = None

    def set_seq2(self, b) -> None:  # no whole-file index of b: the stretches build their own
        self.b = b
        self.matching_blocks = self.opcodes = None

    def get_opcodes(self):
        if self._opcodes is None:
            self._opcodes = _merge(self._compute())
        return self._opcodes

    def _compute(self):
        a, b = self.a, self.b
        codes = []
        prefix = 0
        while prefix < len(a) and prefix < len(b) and a[prefix] == b[prefix]:
            prefix += 1
        suffix = 0
        while suffix < len(a) - prefix and suffix < len(b) - prefix and a[-1 - suffix] == b[-1 - suffix]:
            suffix += 1
        if prefix:
            codes.append(("equal", 0, prefix, 0, prefix))
        i, j = prefix, prefix
        for ai, bj in _anchors(a, b, prefix, len(a) - suffix, len(b) - suffix):
            codes.extend(_between(a, b, i, ai, j, bj))
            codes.append(("equal", ai, ai + 1, bj, bj + 1))
            i, j = ai + 1, bj + 1
        codes.extend(_between(a, b, i, len(a) - suffix, j, len(b) - suffix))
        if suffix:
            codes.append(("equal", len(a) - suffix, len(a), len(b) - suffix, len(b)))
        return codes


def _anchors(a, b, lo: int, a_hi: int, b_hi: int) -> list[tuple[int, int]]:
    """Lines unique in a[lo:a_hi] and in b[lo:b_hi], equal, in the same order (longest such chain)."""
    seen_a: dict[str, int] = {}
    for i in range(lo, a_hi):
        seen_a[a[i]] = -1 if a[i] in seen_a else i
    seen_b: dict[str, int] = {}
    for j in range(lo, b_hi):
        seen_b[b[j]] = -1 if b[j] in seen_b else j
    pairs = [(i, seen_b[line]) for line, i in seen_a.items() if i >= 0 and seen_b.get(line, -1) >= 0]
    pairs.sort()
    # longest increasing subsequence of the b positions (patience sorting)
    tails: list[int] = []  # b position ending the best chain of each length
    tail_at: list[int] = []  # index in pairs of that end
    back: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        length = bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[length] = j
            tail_at[length] = k
        back[k] = tail_at[length - 1] if length else -1
    chain = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _between(a, b, i1: int, i2: int, j1: int, j2: int):
    if i1 == i2 and j1 == j2:
        return []
    if i1 == i2:
        return [("insert", i1, i1, j1, j2)]
    if j1 == j2:
        return [("delete", i1, i2, j1, j1)]
    return [
        (tag, x1 + i1, x2 + i1, y1 + j1, y2 + j1)
        for tag, x1, x2, y1, y2 in difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2]).get_opcodes()
    ]


def _merge(codes):
    merged = []
    for code in codes:
        if merged and merged[-1][0] == code[0] == "equal":
            tag, i1, _, j1, _ = merged[-1]
            merged[-1] = (tag, i1, code[2], j1, code[4])
        else:
            merged.append(code)
    return merged or [("equal", 0, 0, 0, 0)]
