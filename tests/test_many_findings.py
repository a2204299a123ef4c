"""A file with many findings costs the same per finding as a file with few.

No timing here: the work is counted. Every Python call made while linting a
generated file (the engine's own and LibCST's, builtins included) is counted
with a profile hook; doubling the findings must about double the count. A
quadratic step (fix edits generated from the whole statement, fix references
reading every top-level binding and statement) makes it about triple.

The edits computed from the replaced node alone are checked against the
previous way (the replacement applied to its whole top-level statement) on
every fixture.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from errlint.python import edits as engine  # the text edits live in python/edits.py
from errlint.engine import Linter
from errlint.python.edits import _text_edits
from errlint.python.places import Places
from errlint.packs import load_registry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from run import generated_file  # noqa: E402  - the benchmark's generator: the same files it times

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def linter():
    return Linter(load_registry())


def _calls_to_lint(linter: Linter, source: str) -> tuple[int, int]:
    """(Python and builtin calls made by one lint, findings)."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        # on this thread, where the hook is: these files nest shallowly
        result = linter._lint_source("generated.py", source.encode(), "generated", False, None)
    finally:
        sys.setprofile(None)
    return calls, len(result.diagnostics)


@pytest.mark.parametrize("kind", ["one class", "mixed"])
def test_work_per_finding_does_not_grow_with_the_file(linter, kind):
    small, n_small = _calls_to_lint(linter, generated_file(kind, 60))
    large, n_large = _calls_to_lint(linter, generated_file(kind, 240))
    assert (n_small, n_large) == (60, 240)
    with_fixes = sum(
        d.fix is not None and bool(d.fix.edits)
        for d in linter._lint_source("generated.py", generated_file(kind, 60).encode(), "generated", False, None).diagnostics
    )
    assert with_fixes == 60  # every finding carries its edits (JSON output shows them)
    per_small, per_large = small / n_small, large / n_large
    # linear: the same per finding, give or take the file's fixed costs; quadratic: about 4x
    assert per_large < 1.3 * per_small, (kind, per_small, per_large)


def _calls_to_gather(linter: Linter, source: str, monkeypatch) -> tuple[int, int]:
    """(Python and builtin calls made while the facts are gathered, findings): the analyses alone,
    without the parse and the positions, whose cost follows the file's lines anyway."""
    from errlint.python import build

    calls = 0
    gather = build.gather

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    def counted(ctx, needs):
        sys.setprofile(count)
        try:
            return gather(ctx, needs)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(build, "gather", counted)
    result = linter._lint_source("generated.py", source.encode(), "generated", False, None)
    monkeypatch.setattr(build, "gather", gather)
    return calls, len(result.diagnostics)


def test_work_per_call_does_not_grow_with_the_file(linter, monkeypatch):
    """Functions that each call the function before them: a call is looked up in indexes of the
    file built once (functions defined per scope, bindings), not by walking the module again
    (issue 27: a 4,426-line module took 6.3 s, the same doubled 19.6 s)."""
    small, n_small = _calls_to_gather(linter, generated_file("many calls", 60), monkeypatch)
    large, n_large = _calls_to_gather(linter, generated_file("many calls", 240), monkeypatch)
    assert (n_small, n_large) == (60, 240)  # an ERR008 in each function: every call was analysed
    per_small, per_large = small / n_small, large / n_large
    # linear: the same per function (0.97 when written); a walk of the module per call: 1.37 here
    assert per_large < 1.15 * per_small, (per_small, per_large)


def _calls_in_references(linter: Linter, source: str, monkeypatch) -> tuple[int, int]:
    """(calls made inside ``reference_for`` during one lint, calls of it)."""
    from errlint.python import fixer, fixes  # ERR003's and ERR008's fix requests name classes in the fixer

    inside = calls = uses = 0

    def count(frame, event, arg):
        nonlocal calls
        if inside and event in ("call", "c_call"):
            calls += 1

    def spy(*args, **kwargs):
        nonlocal inside, uses
        uses += 1
        inside += 1
        try:
            return fixes.reference_for(*args, **kwargs)
        finally:
            inside -= 1

    for module in (fixer,):
        monkeypatch.setattr(module, "reference_for", spy)
    sys.setprofile(count)
    try:
        linter._lint_source("generated.py", source.encode(), "generated", False, None)
    finally:
        sys.setprofile(None)
    return calls, uses


def test_fix_references_cost_the_same_in_a_large_module(linter, monkeypatch):
    # every other finding is an ERR008 whose fix names alter_sdk's TimeoutError
    small, uses_small = _calls_in_references(linter, generated_file("mixed", 60), monkeypatch)
    large, uses_large = _calls_in_references(linter, generated_file("mixed", 240), monkeypatch)
    assert (uses_small, uses_large) == (30, 120)
    # reading the module's bindings and statements once per file, not once per fix
    assert large / uses_large < 1.3 * small / uses_small, (small / uses_small, large / uses_large)


def _whole_statement_edits(module, fix):
    """The edits as computed before: each replacement applied to its whole top-level statement."""
    original = engine._edit_in_place
    engine._edit_in_place = lambda *args: None
    try:
        return _text_edits(Places(module), fix)
    finally:
        engine._edit_in_place = original


def test_edits_from_the_node_alone_equal_edits_from_the_whole_statement(linter):
    taken = 0
    compared = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        if path.name.endswith(".fixed.py"):
            continue
        result = linter.lint_source(path.name, path.read_bytes(), keep_module=True)
        if result.module is None:
            continue
        for d in result.diagnostics:
            if d.fix is None:
                continue
            places = Places(result.module)
            assert _text_edits(places, d.fix) == _whole_statement_edits(result.module, d.fix), (path.name, d.line)
            compared += 1
            taken += sum(
                engine._edit_in_place(places, places.statement_of(r.old), r) is not None for r in d.fix.replacements
            )
    assert compared > 20
    assert taken >= compared  # the local way serves the fixtures; the whole-statement way is the exception


def test_a_fix_pass_lets_go_of_the_tree_it_fixed(linter):
    """--fix on a big file holds one parsed tree at a time, not parts of one per pass (hundreds of MB)."""
    import gc

    import libcst as cst

    def live_trys() -> int:
        gc.collect()
        return sum(type(o) is cst.Try for o in gc.get_objects())

    before = live_trys()
    source = generated_file("mixed", 20).encode()  # ERR008's import edits need a second pass
    new_source, fixed, result = linter.fix_source("generated.py", source, unsafe=True)  # ERR008 and moves are unsafe fixes
    assert len(fixed) == 20 and result.diagnostics == []
    assert live_trys() - before == 20  # the final tree's try statements, no earlier pass's
    assert all(d.fix.edits and not d.fix.replacements for d in fixed)  # the edits stay
