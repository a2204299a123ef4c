"""Progress on long runs: one line on a terminal's standard error, never elsewhere.

The CLI runs under a pseudo-terminal (pty) for standard error, with standard
output a pipe. ERRLINT_PROGRESS_DELAY=0 stands for a run that has lasted
long enough (the default is one second of silence).
"""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from errlint.output.progress import NoProgress, Progress, progress_for

FINDING = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"


@pytest.fixture
def project(tmp_path):
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text(FINDING)
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def _run(args, cwd, stderr_tty: bool, delay: str = "0"):
    """(stdout, stderr as the terminal or pipe saw it, exit code)."""
    env = {**os.environ, "ERRLINT_PROGRESS_DELAY": delay}
    cmd = [sys.executable, "-m", "errlint.cli", "--no-cache", "--jobs", "1", *args]
    if not stderr_tty:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        return proc.stdout, proc.stderr, proc.returncode
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.stdout.close()
    return stdout, seen.decode(), proc.wait()


def test_progress_line_on_a_terminal_then_cleared(project):
    stdout, terminal, code = _run(["."], project, stderr_tty=True)
    assert code == 1
    assert "errlint: 4/4 files, 3 findings" in terminal
    # cleared at the end: the line is blanked and the cursor back at column 0, nothing left on the terminal
    line = "errlint: 4/4 files, 3 findings"
    cleared = terminal.index("\r" + " " * len(line) + "\r", terminal.index(line))
    assert terminal[cleared:] == "\r" + " " * len(line) + "\r"
    assert "errlint:" not in stdout and "\r" not in stdout  # the findings and the summary on standard output
    assert stdout.count("ERR004") == 3
    assert "\nFound 3 findings in 3 files.\n" in stdout  # files with findings (h2)


def test_no_progress_when_standard_error_is_a_pipe(project):
    stdout, stderr, code = _run(["."], project, stderr_tty=False)
    assert code == 1
    assert stderr == ""  # no progress line, and the summary goes with the findings (ruff)
    assert stdout.endswith(
        "\nFound 3 findings in 3 files.\n"  # files with findings; moving a handler is an unsafe fix
        "No fixes available (3 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert "files," not in stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_no_progress_for_machine_read_output(project, fmt):
    stdout, terminal, code = _run([".", "--output-format", fmt], project, stderr_tty=True)
    assert code == 1
    assert "files," not in terminal and "\r" not in terminal.replace("\r\n", "\n")


def test_a_quick_run_stays_silent_on_a_terminal(project):
    stdout, terminal, code = _run(["."], project, stderr_tty=True, delay="60")
    assert code == 1
    assert "files," not in terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line_waits_for_the_delay_and_is_throttled():
    now = [0.0]
    stream = _Terminal()
    progress = Progress(10, stream, delay=1.0, clock=lambda: now[0])
    progress.advance(1, 2)
    assert stream.getvalue() == ""  # not yet a long run
    now[0] = 1.5
    progress.advance(1)
    assert stream.getvalue() == "\rerrlint: 2/10 files, 2 findings"
    now[0] = 1.52
    progress.advance(1)  # too soon after the last drawing
    assert stream.getvalue().count("\r") == 1
    now[0] = 1.7
    progress.advance(7, 1)  # the last file is always drawn
    assert stream.getvalue().endswith("\rerrlint: 10/10 files, 3 findings")
    progress.clear()
    assert stream.getvalue().endswith("\r" + " " * len("errlint: 10/10 files, 3 findings") + "\r")


def test_quiet_or_not_a_terminal_gives_no_progress():
    assert isinstance(progress_for(5, "text", quiet=True, stream=_Terminal()), NoProgress)
    assert isinstance(progress_for(5, "text", stream=io.StringIO()), NoProgress)
    assert isinstance(progress_for(5, "json", stream=_Terminal()), NoProgress)
    assert isinstance(progress_for(5, "text", stream=_Terminal()), Progress)
