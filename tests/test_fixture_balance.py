"""Every rule's fixtures hold at least as many silent cases as reported ones.

In the fixtures of the SDK rules (all but ERR004) the silent cases follow a ``# --- silent``
line in each file; every function defined there is one silent case, and every
``# expect:`` line is one reported case.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SDK_RULES = ("ERR001", "ERR002", "ERR003", "ERR005", "ERR006", "ERR007", "ERR008", "ERR009")
FOLDERS = [p for p in sorted(FIXTURES.iterdir()) if p.is_dir() and p.name.split("_")[0] in SDK_RULES]
DEF = re.compile(r"^\s*(async\s+)?def\s", re.MULTILINE)


def _count(folder: Path) -> tuple[int, int]:
    reported = silent = 0
    for path in folder.rglob("*.py"):
        if path.name.endswith(".fixed.py"):
            continue
        text = path.read_text(encoding="utf-8")
        reported += len(re.findall(r"#\s*expect:", text))
        head, marker, tail = text.partition("# --- silent")
        if marker:
            silent += len(DEF.findall(tail))
        elif "expect:" not in text:
            silent += len(DEF.findall(text))  # a file with no expectation is silent throughout
    return reported, silent


def test_rules_with_balance_requirement_exist():
    assert len(FOLDERS) == len(SDK_RULES)


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_at_least_as_many_silent_cases_as_reported(folder: Path):
    reported, silent = _count(folder)
    assert reported > 0
    assert silent >= reported, f"{folder.name}: {reported} reported, only {silent} silent cases"
