"""Paths that are not plain source files (issue 28): only regular files are read, within a size limit.

FIFOs, sockets, devices and links to them are skipped with one warning line and
never opened (a FIFO would block the run, ``/dev/zero`` would fill the memory); a
file larger than ``max-file-size`` is one ERR000; a file or directory that cannot
be read is one line and the run goes on. The cases that would hang on a
regression run errlint in a subprocess with a time-out.
"""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys

import pytest

from cli_support import SHADOWED, findings, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and permissions are POSIX")
OK_FINDING = "ok.py:5:1: ERR004 except ValueError is unreachable: Exception on line 3 catches it first"


def errlint(cwd, *args, stdin: bytes | None = None, unprivileged: bool = False) -> subprocess.CompletedProcess:
    """``errlint ARGS`` in a subprocess that is killed after 60 s (a hang fails the test, it does not stop the suite).
    ``unprivileged``: as root, without the capabilities that let root read any file (so permissions count)."""
    prefix = []
    if unprivileged and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root, and no setpriv to drop the override of file permissions")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "errlint.cli", "--no-cache", *args],
        cwd=cwd, input=stdin, capture_output=True, timeout=60,
    )


@pytest.fixture
def hostile(tree):
    """ok.py (one finding) beside a FIFO named .py and .ts, and links to /dev/zero and to a FIFO."""
    (tree / "ok.py").write_text(SHADOWED)
    os.mkfifo(tree / "pipe.py")
    os.mkfifo(tree / "pipe.ts")
    os.symlink("/dev/zero", tree / "zero.py")
    os.symlink("pipe.py", tree / "to_pipe.js")
    return tree


def test_fifos_devices_and_links_to_them_are_skipped_once_and_never_opened(hostile):
    proc = errlint(hostile, ".")
    assert proc.returncode == 1, proc.stderr
    assert findings(proc.stdout.decode()) == [OK_FINDING]
    assert [line for line in proc.stderr.decode().splitlines() if line.startswith("errlint:")] == [
        "errlint: warning: pipe.py: skipped: a FIFO, not a regular file",
        "errlint: warning: pipe.ts: skipped: a FIFO, not a regular file",
        "errlint: warning: to_pipe.js: skipped: a symbolic link to a FIFO, not a regular file",
        "errlint: warning: zero.py: skipped: a symbolic link to a character device, not a regular file",
    ]


def test_named_on_the_command_line_they_are_skipped_too(hostile):
    proc = errlint(hostile, "pipe.ts", "zero.py", "ok.py", "--output-format", "json")
    assert proc.returncode == 1
    assert [d["filename"] for d in __import__("json").loads(proc.stdout)] == ["ok.py"]
    assert proc.stderr.decode().count("skipped") == 2


def test_a_socket_is_skipped(tree, capsys):
    (tree / "ok.py").write_text(SHADOWED)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("sock.py")
        code, out, err = run(capsys, ".")
    finally:
        server.close()
    assert code == 1 and findings(out) == [OK_FINDING]
    assert "errlint: warning: sock.py: skipped: a socket, not a regular file\n" in err


def test_a_fifo_is_never_opened(hostile, capsys, monkeypatch):
    opened = []
    real_open = os.open
    monkeypatch.setattr("errlint.reading.os.open", lambda path, *a, **k: opened.append(str(path)) or real_open(path, *a, **k))
    code, _, _ = run(capsys, "--no-cache", ".")
    assert code == 1 and [p for p in opened if not p.endswith(".toml")] == ["./ok.py"]  # (the packs are read the same way)


# -- the size limit -----------------------------------------------------------------------------------------
LIMITED = "[tool.errlint]\nmax-file-size = 100\n"
TOO_LARGE = "big.py:1:1: ERR000 cannot lint: too large (120 bytes; max-file-size is 100); file skipped"


def test_a_file_over_the_limit_is_one_err000(tree, capsys):
    (tree / "pyproject.toml").write_text(LIMITED)
    (tree / "big.py").write_text("x = 1\n" * 20)
    (tree / "ok.py").write_text(SHADOWED)
    code, out, _ = run(capsys, ".")
    assert code == 1 and findings(out) == [TOO_LARGE, OK_FINDING]
    code, out, _ = run(capsys, "--output-format", "json", "big.py")
    assert code == 1 and __import__("json").loads(out)[0]["message"] == TOO_LARGE.split(" ERR000 ")[1]


def test_standard_input_over_the_limit_is_one_err000(tree, capsys, monkeypatch):
    (tree / "pyproject.toml").write_text(LIMITED)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x = 1\n" * 20)))
    code, out, _ = run(capsys, "-", "--stdin-filename", "big.py")
    assert code == 1
    assert findings(out) == ["big.py:1:1: ERR000 cannot lint: too large (more than 100 bytes; max-file-size is 100); file skipped"]


def test_dev_zero_on_standard_input_stops_at_the_limit(tree):
    (tree / "pyproject.toml").write_text(LIMITED)
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([sys.executable, "-m", "errlint.cli", "-", "--stdin-filename", "z.py"], cwd=tree, stdin=zero,
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "ERR000 cannot lint: too large (more than 100 bytes" in proc.stdout


def test_the_default_limit_is_generous_and_documented():
    from errlint.reading import DEFAULT_MAX_FILE_SIZE
    from errlint.workspace.config import Config

    assert Config().max_file_size == DEFAULT_MAX_FILE_SIZE == 10 * 1024 * 1024


@pytest.mark.parametrize("value", ["0", "-1", '"10MB"', "true", "2000000000000000"])
def test_a_bad_limit_is_one_line(tree, capsys, value):
    (tree / "pyproject.toml").write_text(f"[tool.errlint]\nmax-file-size = {value}\n")
    (tree / "ok.py").write_text(SHADOWED)
    code, out, err = run(capsys, "ok.py")
    assert code == 2 and out == ""
    assert err.startswith(f"errlint: error: {tree / 'pyproject.toml'}: [tool.errlint] max-file-size: expected a number of bytes")
    assert err.count("\n") == 1


# -- permissions (as root: without the override, through setpriv) ---------------------------------------------
def test_an_unreadable_file_is_its_err000(tree):
    (tree / "ok.py").write_text(SHADOWED)
    (tree / "secret.py").write_text(SHADOWED)
    os.chmod(tree / "secret.py", 0)
    proc = errlint(tree, ".", unprivileged=True)
    assert proc.returncode == 1, proc.stderr
    assert findings(proc.stdout.decode()) == [OK_FINDING, "secret.py:1:1: ERR000 cannot read: Permission denied"]


def test_an_unreadable_directory_is_one_warning_and_the_run_goes_on(tree):
    (tree / "ok.py").write_text(SHADOWED)
    (tree / "sub").mkdir()
    (tree / "sub" / "hidden.py").write_text(SHADOWED)
    os.chmod(tree / "sub", 0o311)  # searchable, not listable
    try:
        proc = errlint(tree, ".", unprivileged=True)
    finally:
        os.chmod(tree / "sub", 0o755)
    assert proc.returncode == 1
    assert findings(proc.stdout.decode()) == [OK_FINDING]
    assert proc.stderr.decode().splitlines()[0] == (
        "errlint: warning: sub: cannot read the directory: Permission denied; its files are not linted"
    )


def test_a_directory_that_cannot_be_searched_does_not_stop_the_run(tree):
    (tree / "ok.py").write_text(SHADOWED)
    (tree / "noexec").mkdir()
    (tree / "noexec" / "c.py").write_text(SHADOWED)
    os.chmod(tree / "noexec", 0o644)  # listable, not searchable: its files cannot be opened
    try:
        proc = errlint(tree, ".", unprivileged=True)
        named = errlint(tree, "noexec/c.py", "ok.py", unprivileged=True)
    finally:
        os.chmod(tree / "noexec", 0o755)
    for p in (proc, named):
        assert p.returncode == 1, p.stderr
        assert sorted(findings(p.stdout.decode())) == [
            f"{os.path.join('noexec', 'c.py')}:1:1: ERR000 cannot read: Permission denied", OK_FINDING,
        ]
        assert b"Traceback" not in p.stderr and b"internal error" not in p.stderr
