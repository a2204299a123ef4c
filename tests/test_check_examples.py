"""Each check's own VALID / INVALID examples (kept next to the check, as in Fixit)."""
from __future__ import annotations

import pytest

from errlint.checks import ALL_CHECKS
from errlint.engine import Linter
from errlint.packs import load_registry

REGISTRY = load_registry()
CASES = [(c, "valid", i, src) for c in ALL_CHECKS for i, src in enumerate(c.VALID)] + [
    (c, "invalid", i, src) for c in ALL_CHECKS for i, src in enumerate(c.INVALID)
]


@pytest.mark.parametrize("check, kind, index, source", CASES, ids=[f"{c.code}-{k}-{i}" for c, k, i, _ in CASES])
def test_example(check, kind, index, source):
    result = Linter(REGISTRY, [check]).lint_source("example.py", source.encode())
    codes = [d.code for d in result.diagnostics]
    if kind == "valid":
        assert codes == [], result.diagnostics
    else:
        assert check.code in codes, f"{check.code} did not fire on:\n{source}"


@pytest.mark.parametrize("check", ALL_CHECKS, ids=[c.code for c in ALL_CHECKS])
def test_docs_follow_ruff_layout(check):
    docs = check.docs()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert heading in docs, f"{check.code} docs lack {heading!r}"
    assert check.VALID and check.INVALID
    assert check.code.startswith("ERR") and check.name and check.summary
