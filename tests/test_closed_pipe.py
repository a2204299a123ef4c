"""A reader that goes away (``errlint rule ERR004 | head``, ``errlint . | head``) ends errlint's output
quietly: no BrokenPipeError traceback, and the exit code the run would have had (errlint/cli/pipe.py)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli_support import SHADOWED

REDUNDANT = "try:\n    pass\nexcept (OSError, IOError, ValueError):\n    pass\n"


def _closed(args: list[str], cwd, stdin: bytes | None = None, close: str = "stdout") -> tuple[int, str]:
    """Run errlint with its standard output (or error) a pipe whose reader is already gone:
    every write there fails, whatever the timing. Returns the exit code and the other stream."""
    read, write = os.pipe()
    os.close(read)
    other = subprocess.PIPE
    streams = {"stdout": write, "stderr": other} if close == "stdout" else {"stdout": other, "stderr": write}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "errlint.cli", *args], cwd=cwd, input=stdin, timeout=300,
            stdin=None if stdin is not None else subprocess.DEVNULL, **streams,
        )
    finally:
        os.close(write)
    shown = proc.stderr if close == "stdout" else proc.stdout
    return proc.returncode, shown.decode()


@pytest.mark.parametrize("args", [["rule", "ERR004"], ["rules"], ["--help"], ["--show-settings", "."], ["--show-files", "."]])
def test_informational_output_ends_quietly_with_exit_0(tree, args):
    (tree / "a.py").write_text(SHADOWED)
    assert _closed(args, tree) == (0, "")


def test_findings_into_a_closed_pipe_still_exit_1(tree):
    for i in range(200):  # more than a pipe's buffer, were the reader still there
        (tree / f"m{i}.py").write_text(SHADOWED)
    assert _closed(["--no-cache", "."], tree) == (1, "")
    assert _closed(["--no-cache", "--output-format", "json", "."], tree) == (1, "")
    assert _closed(["--no-cache", "--exit-zero", "."], tree) == (0, "")


def test_the_run_goes_on_fixes_are_written(tree):
    (tree / "a.py").write_text(REDUNDANT)
    assert _closed(["--no-cache", "--fix", "a.py"], tree) == (0, "")
    assert "IOError" not in (tree / "a.py").read_text()
    code, err = _closed(["--fix", "-", "--stdin-filename", "b.py"], tree, stdin=REDUNDANT.encode())
    assert (code, err) == (0, "Fixed 1 finding in 1 file; 0 remaining.\n")  # the fixed bytes went nowhere, quietly


def test_a_closed_standard_error_too(tree):
    (tree / "empty").mkdir()
    code, out = _closed(["--no-cache", "empty"], tree, close="stderr")  # the "no files" warning goes nowhere
    assert (code, out) == (0, "All checks passed!\n")
    code, out = _closed(["--no-cache", "nope.py"], tree, close="stderr")
    assert (code, out) == (2, "")
