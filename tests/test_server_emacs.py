"""``errlint server`` in Emacs with eglot (issue 26), where both are installed (Debian 12: emacs-nox, elpa-eglot).

tests/data/eglot_server.el drives the session in batch mode: diagnostics
through flymake, hover on a code in a noqa comment, a quick fix, "disable for
this line", fix all (eglot 1.9 cannot resolve an action's edit: the server's
command sends it as workspace/applyEdit) and shutdown. Skipped where Emacs or
eglot is missing: unlike Neovim, the test does not install them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_server_neovim import SAMPLE

SCRIPT = Path(__file__).parent / "data" / "eglot_server.el"
ERRLINT = Path(sys.executable).with_name("errlint")


def _eglot_missing() -> str | None:
    if shutil.which("emacs") is None:
        return "emacs is not installed"
    if not ERRLINT.exists():
        return f"no errlint executable beside {sys.executable}"
    proc = subprocess.run(["emacs", "--batch", "--eval", "(require 'eglot)"], capture_output=True, timeout=120)
    return None if proc.returncode == 0 else "eglot is not installed"


def test_an_emacs_eglot_session(tmp_path):
    problem = _eglot_missing()
    if problem is not None:
        pytest.skip(problem)
    (tmp_path / "pyproject.toml").write_text("[tool.errlint]\n")
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE)
    env = {**os.environ, "HOME": str(tmp_path / "home"), "SAMPLE": str(sample), "ERRLINT_CMD": str(ERRLINT)}
    proc = subprocess.run(["emacs", "--batch", "-l", str(SCRIPT)], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "PASS" in proc.stderr
    assert sample.read_text() == SAMPLE  # edits went to the buffer
