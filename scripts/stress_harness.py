"""What scripts/stress.py's categories share: running errlint under limits, judging a run, counting.

Every run is a subprocess in its own session, capped at 8 GB of address space
(a blow-up stops there instead of taking the machine), killed with its process
group after its time-out; its peak RSS comes from ``wait4``. A run fails on a
traceback, an "internal error" line, an ERR999, an exit status it is not
allowed, a time-out, or more than 4 GB of memory.
"""
from __future__ import annotations

import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ADDRESS_SPACE = 8 << 30
MAX_RSS_KB = 4 << 20  # 4 GB
ERRLINT = [sys.executable, "-m", "errlint.cli"]
FLAKE8 = [sys.executable, "-m", "flake8", "--isolated", "--select=ERR"]
ENV = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")  # a strict UTF-8 stdout


@dataclass
class Outcome:
    code: int
    out: bytes
    err: bytes
    rss_kb: int
    seconds: float
    timed_out: bool
    cpu: float = 0.0  # user + system seconds of the run and the children it waited for (load-independent)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(cmd: list[str], cwd: Path, stdin: bytes | None = None, timeout: float = 60, env: dict | None = None) -> Outcome:
    """``cmd`` in ``cwd``: its exit status, output, peak RSS (KB) and time; killed (with its group) at ``timeout``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin is not None:
            inp.write(stdin)
            inp.seek(0)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=inp if stdin is not None else subprocess.DEVNULL, stdout=out, stderr=err,
                                env=env or ENV, preexec_fn=_limits, start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                timed_out = True
                kill_group(proc.pid)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        kill_group(proc.pid)  # anything the run left behind
        out.seek(0)
        err.seek(0)
        return Outcome(proc.returncode, out.read(), err.read(), usage.ru_maxrss, time.monotonic() - start, timed_out,
                       usage.ru_utime + usage.ru_stime)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def living(pgid: int) -> list[int]:
    """The processes of group ``pgid`` still running (a zombie waiting for init does not count)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry))
    return found


def problem(o: Outcome, codes=(0, 1)) -> str | None:
    """Why a run failed, or None."""
    if o.timed_out:
        return f"timed out after {o.seconds:.0f} s"
    if b"Traceback" in o.err:
        return "traceback: " + o.err.decode("utf-8", "replace").strip().splitlines()[-1][:200]
    if b"internal error" in o.err or _ERR999.search(o.out):
        return "internal error: " + (o.err + o.out).decode("utf-8", "replace")[:200]
    if o.code not in codes:
        return f"exit {o.code}: " + o.err.decode("utf-8", "replace").strip()[-200:]
    if o.rss_kb > MAX_RSS_KB:
        return f"{o.rss_kb // 1024} MB"
    return None


# an ERR999 finding in text, json, sarif or github output (SARIF lists the rule itself among its rules)
_ERR999 = re.compile(rb': ERR999 |"code": "ERR999"|"ruleId": "ERR999"|title=ERR999')


@dataclass
class Category:
    name: str
    trials: int = 0
    failures: list[str] = field(default_factory=list)
    rss_kb: int = 0
    seconds: float = 0.0

    def judge(self, what: str, o: Outcome | None, why: str | None = None) -> bool:
        """Count one trial: failed when ``why`` says so."""
        self.trials += 1
        if o is not None:
            self.rss_kb = max(self.rss_kb, o.rss_kb)
        if why:
            self.failures.append(f"{what}: {why}")
            return False
        return True

    def check(self, what: str, o: Outcome, codes=(0, 1), expect=None) -> bool:
        """A run that must not fail (``problem``) and, given ``expect(o)``, whose answer must hold."""
        why = problem(o, codes)
        if why is None and expect is not None:
            why = expect(o)
        return self.judge(what, o, why)


def fixture_tree(dest: Path, copies: int) -> Path:
    """``copies`` copies of tests/fixtures (Python and TypeScript) under ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        shutil.copytree(FIXTURES, dest / f"f{i}", ignore=shutil.ignore_patterns("__pycache__", "*.fixed.py"))
    (dest / "pyproject.toml").write_text("[tool.errlint]\nexclude = []\n")
    return dest


def mutate(source: bytes, rng: random.Random, tokens: list[bytes]) -> bytes:
    """1 to 8 byte-level mutations: a range deleted, duplicated or swapped; a token inserted; line endings changed."""
    data = bytearray(source)
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        at, size = rng.randrange(len(data)), rng.randint(1, 200)
        kind = rng.choice(("delete", "duplicate", "insert", "swap"))
        if kind == "delete":
            del data[at:at + size]
        elif kind == "duplicate":
            data[at:at] = data[at:at + size]
        elif kind == "insert":
            data[at:at] = rng.choice(tokens)
        else:
            b = rng.randrange(len(data))
            a, b = sorted((at, b))
            data[a:b + 1] = data[b:b + 1] + data[a + 1:b] + data[a:a + 1]
    if rng.random() < 0.2:
        data = bytearray(bytes(data).replace(b"\n", rng.choice((b"\r", b"\r\n"))))
    return bytes(data)


PY_TOKENS = [b"try:\n", b"except Exception:\n", b"except ValueError:\n", b"    ", b"\t", b"(", b")", b"[", b"]", b"{", b"}",
             b"lambda: ", b"not ", b".request()", b" + a", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf",
             b"# -*- coding: latin-1 -*-\n", b"# -*- coding: rot13 -*-\n", b'"""', b"'", b"\\", b"# noqa\n", b"raise\n",
             b"for attempt in range(3):\n", b"time.sleep(1)\n", b"from alter_sdk import BackendError\n"]
TS_TOKENS = [b"{", b"}", b"(", b")", b"[", b"]", b"try {", b"} catch (e) {", b"} finally {", b".catch((e) => {", b"throw e;",
             b"if (e instanceof BackendError) {", b"\r", b"\r\n", b"\x00", b"\xff", b"\xe9", b"\xef\xbb\xbf", b"/*", b"*/",
             b"//", b"`${", b"'", b'"', b"=>", b"async ", b"await ", b"new AlterVault({})", b"// noqa", b"<div>",
             b"class X extends Error {", b"vault.request('GET', 'u')", b";"]
