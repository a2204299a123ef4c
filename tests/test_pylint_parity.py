"""ERR004 finds every line pylint's bad-except-order and overlapping-except find.

pylint (test extra) runs with only those two checks over the ERR004 fixtures,
including pylint_parity.py, which restates the shapes of pylint's own functional
tests for both checks.  Every (file, line) pylint flags must carry an ERR004
finding, and errlint must find lines pylint cannot (aliases pylint misses,
``except*``, SDK classes whose packages are not importable, unknown names).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from errlint.engine import Linter
from errlint.packs import load_registry

pytest.importorskip("pylint", reason="pylint is in the test extra")

FOLDER = Path(__file__).parent / "fixtures" / "ERR004_shadowed_except"
PYLINT_CHECKS = "bad-except-order,overlapping-except"


def pylint_lines() -> set[tuple[str, int]]:
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
    return {(str((FOLDER / m["path"]).resolve()), m["line"]) for m in messages if m["symbol"] in wanted}


def errlint_lines() -> set[tuple[str, int]]:
    files = sorted(FOLDER.rglob("*.py"))
    results = Linter(load_registry()).run([(str(p), p.read_bytes()) for p in files])
    return {(str(Path(d.path).resolve()), d.line) for r in results for d in r.diagnostics if d.code == "ERR004"}


def test_errlint_flags_every_line_pylint_flags():
    theirs = pylint_lines()
    ours = errlint_lines()
    # 31 lines without the SDK packages (Python 3.10), 46 with them
    assert len(theirs) >= 30, f"pylint found only {len(theirs)} lines; is the extension loaded?"
    missed = sorted(theirs - ours)
    assert not missed, f"pylint flags these lines and errlint does not: {missed}"
    # and errlint sees what pylint cannot
    assert len(ours - theirs) >= 10, sorted(ours - theirs)
