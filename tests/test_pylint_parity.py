"""ERR004 finds every line pylint's bad-except-order and overlapping-except find.

pylint (test extra) runs with only those two checks over the ERR004 fixtures,
including pylint_parity.py, which restates the shapes of pylint's own functional
tests for both checks, and pylint_bare_except.py, which CPython's compiler
rejects (a bare ``except:`` before other handlers) and both tools still read.
Every (file, line) pylint flags must carry an ERR004 finding, and errlint must find lines pylint cannot (aliases pylint misses,
``except*``, SDK classes whose packages are not importable, unknown names).
"""
from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from errlint.engine import Linter
from errlint.run import lint_files
from errlint.packs import load_registry

pytest.importorskip("pylint", reason="pylint is in the test extra")

FOLDER = Path(__file__).parent / "fixtures" / "ERR004_shadowed_except"
PYLINT_CHECKS = "bad-except-order,overlapping-except"


@functools.lru_cache(maxsize=None)
def pylint_lines() -> frozenset[tuple[str, int, str]]:
    proc = subprocess.run(
        [
            sys.executable, "-m", "pylint",
            "--load-plugins=pylint.extensions.overlapping_exceptions",
            "--disable=all", f"--enable={PYLINT_CHECKS}",
            "--output-format=json", "--score=n", "--persistent=n",
            *sorted(str(p) for p in FOLDER.rglob("*.py")),
        ],
        capture_output=True, text=True, cwd=FOLDER,
    )
    assert proc.returncode not in (1, 32), proc.stderr  # fatal / usage error
    messages = json.loads(proc.stdout or "[]")
    # pylint on Python 3.10 cannot parse except*: keep only the two checks' messages
    wanted = set(PYLINT_CHECKS.split(","))
    return frozenset((str((FOLDER / m["path"]).resolve()), m["line"], m["message"]) for m in messages if m["symbol"] in wanted)


def handler_lines(path: str, try_line: int) -> set[int]:
    """The lines of the handlers of the ``try`` statement on ``try_line``."""
    tree = ast.parse(Path(path).read_bytes())
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and node.lineno == try_line:
            return {h.lineno for h in node.handlers}
    return set()


def unmatched(theirs, ours: set[tuple[str, int]]) -> list:
    """pylint's findings with no ERR004 on the same line.

    pylint reports a bare ``except:`` before other handlers on the ``try``
    line ("empty except clause should always appear last"); errlint reports
    each handler it shadows, so one ERR004 on a handler of that ``try`` is the
    same finding.
    """
    missed = []
    for path, line, message in sorted(theirs):
        if (path, line) in ours:
            continue
        if "empty except clause" in message and any((path, h) in ours for h in handler_lines(path, line)):
            continue
        missed.append((path, line, message))
    return missed


@functools.lru_cache(maxsize=None)
def errlint_lines() -> frozenset[tuple[str, int]]:
    files = sorted(FOLDER.rglob("*.py"))
    results = lint_files(Linter(load_registry()), [(str(p), p.read_bytes()) for p in files])
    return frozenset((str(Path(d.path).resolve()), d.line) for r in results for d in r.diagnostics if d.code == "ERR004")


def test_errlint_flags_every_line_pylint_flags():
    theirs = pylint_lines()
    ours = errlint_lines()
    # 31 lines without the SDK packages (Python 3.10), 46 with them
    assert len(theirs) >= 30, f"pylint found only {len(theirs)} lines; is the extension loaded?"
    missed = unmatched(theirs, ours)
    assert not missed, f"pylint flags these lines and errlint does not: {missed}"
    # and errlint sees what pylint cannot
    their_lines = {(path, line) for path, line, _ in theirs}
    assert len(ours - their_lines) >= 10, sorted(ours - their_lines)


def test_a_bare_except_before_other_handlers_is_in_the_comparison():
    """pylint_bare_except.py does not compile; pylint and errlint both read it."""
    path = str((FOLDER / "pylint_bare_except.py").resolve())
    theirs = {t for t in pylint_lines() if t[0] == path}
    assert sum("empty except clause" in message for _, _, message in theirs) == 2, theirs
    assert len(theirs) >= 6, theirs
    assert not unmatched(theirs, errlint_lines())
