"""Unified diffs of big fixed files: valid, and linear in the file (work counted, not timed)."""
from __future__ import annotations

import difflib
import re
import sys

from errlint.output.textdiff import SMALL, unified_diff


def _patched(a: list[str], diff: list[str]) -> list[str]:
    """``a`` with a unified diff applied (checks each hunk's context and removed lines)."""
    out, at, k = [], 0, 2
    assert diff[0].startswith("--- ") and diff[1].startswith("+++ ")
    while k < len(diff):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", diff[k])
        assert m, diff[k]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(a[at:start])
        at = start
        k += 1
        while k < len(diff) and not diff[k].startswith("@@"):
            tag, line = diff[k][0], diff[k][1:]
            if tag in " -":
                assert a[at] == line, (at, line)
                at += 1
            if tag in " +":
                out.append(line)
            k += 1
    return out + a[at:]


def _generated(n_changes: int) -> tuple[list[str], list[str]]:
    """A file of ten-line functions, every one with two handlers swapped (as ERR004's fix does)."""
    a, b = [], []
    for i in range(n_changes):
        head = [f"def f{i}(x):\n", "    try:\n", f"        return x({i})\n"]
        first = ["    except Exception:\n", "        return None\n"]
        second = ["    except ValueError:\n", f"        return {i}\n"]
        a += head + first + second + ["\n", "\n"]
        b += head + second + first + ["\n", "\n"]
    return a, b


def test_big_diff_applies():
    a, b = _generated(400)
    assert len(a) + len(b) > SMALL
    diff = list(unified_diff(a, b, "a/x.py", "b/x.py"))
    assert diff[:2] == ["--- a/x.py\n", "+++ b/x.py\n"]
    assert _patched(a, diff) == b


def test_small_files_keep_difflib_output():
    a, b = _generated(20)
    assert list(unified_diff(a, b, "a/x.py", "b/x.py")) == list(difflib.unified_diff(a, b, "a/x.py", "b/x.py"))


def _calls(a, b) -> int:
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        for _ in unified_diff(a, b, "a", "b"):
            pass
    finally:
        sys.setprofile(None)
    return calls


def test_work_per_change_does_not_grow_with_the_file():
    small = _calls(*_generated(300)) / 300
    large = _calls(*_generated(1200)) / 1200
    assert large < 1.3 * small, (small, large)  # difflib whole: about 3x
