"""A run that is killed or interrupted leaves nothing behind (issue 28).

- the workers of a ``-j 2`` run die with their parent, even when it is killed
  with SIGKILL (they stayed alive for minutes, blocked on a pipe nobody read);
- SIGINT and SIGTERM end the run at once: exit 130 or 143, no worker left, and
  no file half-written (each is its old or its fixed content, no temporary file).

Each run is a subprocess in its own process group. It says when it is ready (a
file appears once the workers are linting), so the signal is sent at a known
point; the waits poll with a deadline (a hang fails the test, it does not stop
the suite), they time nothing.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cli_support import ROOT

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork, process groups and /proc")
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError):\n    pass\n"
REDUNDANT_FIXED = "try:\n    pass\nexcept OSError:\n    pass\n"

# errlint's command line, with each file's lint announced and (in the workers) held up once
# the run is under way, so the signal always finds the workers busy
RUNNER = textwrap.dedent(
    """
    import os, sys, time
    from errlint.engine import Linter
    from errlint.cli import main

    ready = sys.argv[1]
    real = Linter.lint_source

    def lint_source(self, path, *args, **kwargs):
        result = real(self, path, *args, **kwargs)
        with open(os.path.join(ready, str(os.getpid())), "a") as fh:
            fh.write(path + "\\n")
        if os.getpid() != int(os.environ["RUNNER_PID"]):
            time.sleep(3600)  # a worker: busy until it is killed
        return result

    Linter.lint_source = lint_source
    os.environ["RUNNER_PID"] = str(os.getpid())
    raise SystemExit(main(sys.argv[2:]))
    """
)


def wait_for(predicate, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds} s: {what}")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    """Running (a zombie, dead and waiting for init to reap it, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def group_members(pgid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(entry))
    return out


@pytest.fixture
def project(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(40):
        (src / f"m{i}.py").write_text(REDUNDANT)
    (tmp_path / "ready").mkdir()
    return tmp_path


@pytest.fixture(autouse=True)
def _no_stray_processes():
    """Whatever happens in a test, the process groups it started are killed at its end."""
    started.clear()
    yield
    for pgid in started:
        for pid in group_members(pgid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


started: list[int] = []


def start(project: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(project / "ready"), "--no-cache", "-j", "2", *args, "src"],
        cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    started.append(proc.pid)
    return proc


def workers(project: Path, parent: int) -> list[int]:
    return [int(name) for name in os.listdir(project / "ready") if int(name) != parent]


def test_workers_die_with_a_killed_parent(project):
    proc = start(project)
    wait_for(lambda: len(workers(project, proc.pid)) == 2, "both workers linting")
    found = workers(project, proc.pid)
    assert all(alive(pid) for pid in found)
    proc.kill()  # SIGKILL: the parent can do nothing
    proc.communicate(timeout=60)
    wait_for(lambda: not any(alive(pid) for pid in found), "the workers to die")
    assert group_members(proc.pid) == []


@pytest.mark.parametrize("sig, code, said", [(signal.SIGINT, 130, "errlint: interrupted"), (signal.SIGTERM, 143, "errlint: terminated")])
def test_sigint_and_sigterm_end_the_run_and_its_workers(project, sig, code, said):
    proc = start(project, "--fix")
    wait_for(lambda: len(workers(project, proc.pid)) == 2, "both workers linting")
    found = workers(project, proc.pid)
    proc.send_signal(sig)  # the parent only, as `kill PID` does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.decode().splitlines()[-1] == said and b"Traceback" not in err
    wait_for(lambda: not any(alive(pid) for pid in found), "the workers to stop")
    assert group_members(proc.pid) == []
    # nothing half-done: each file is as it was (the fixes come after the lint), no temporary file
    files = sorted((project / "src").iterdir())
    assert [p.name for p in files] == sorted(f"m{i}.py" for i in range(40))
    assert {p.read_text() for p in files} == {REDUNDANT}


def test_an_interrupt_while_fixing_leaves_every_file_whole(project):
    """SIGINT in the fix phase: the files fixed are wholly fixed, the rest untouched, no temporary file."""
    runner = RUNNER.replace("time.sleep(3600)", "pass").replace(
        "Linter.lint_source = lint_source",
        "Linter.lint_source = lint_source\n"
        "import errlint.fixes\n"
        "count = [0]\n"
        "def hook(path):\n"
        "    count[0] += 1\n"
        "    if count[0] == 5:\n"
        "        os.kill(os.getpid(), __import__('signal').SIGINT)  # the fifth write, mid-way\n"
        "errlint.fixes.before_replace = hook",
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", runner, str(project / "ready"), "--no-cache", "-j", "1", "--fix", "src"],
        cwd=project, env=env, capture_output=True, timeout=300,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.returncode == 130, proc.stderr
    files = sorted((project / "src").iterdir())
    assert [p.name for p in files] == sorted(f"m{i}.py" for i in range(40))  # no temporary file
    contents = [p.read_text() for p in files]
    assert set(contents) == {REDUNDANT, REDUNDANT_FIXED}
    assert contents.count(REDUNDANT_FIXED) == 4  # the four written before the interrupt
