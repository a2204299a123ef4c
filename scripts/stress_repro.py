"""Run the stress study's reproductions of issue 28 against one errlint, one line of figures each.

    python scripts/stress_repro.py                     # the errlint of this checkout
    python scripts/stress_repro.py --root OLD_CHECKOUT # another one (e.g. ``git archive BASE | tar -x -C OLD``)
    python scripts/stress_repro.py --only fifo,cr_ts --timeout 60

Each reproduction runs ``python -m errlint.cli`` with ``PYTHONPATH=ROOT`` in a
scratch folder, under the address-space cap of scripts/stress_harness.py
(``--memory``, 3 GB by default, so a blow-up stops there), and prints what it
measured: exit status, seconds (wall, and CPU: the figure to compare on a loaded machine), peak RSS, and the figure the study counted
(edits lost, findings, entries kept, ...). Run it on the commit before and after
a change to get before/after figures; scripts/stress.py judges pass/fail at scale.
The cost reproductions use the study's smaller sizes; ``--big`` adds its larger ones.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stress_harness  # noqa: E402
from stress_harness import FIXTURES, fixture_tree, kill_group, living, run  # noqa: E402
from stress_inputs import BASE, HANDLER, SHADOWED, TS_HEAD, UNIT, UNPRIVILEGED, _chain  # noqa: E402

FIXES = FIXTURES / "ERR004_shadowed_except" / "fixes.py"


class Repro:
    def __init__(self, root: Path, timeout: float) -> None:
        self.root, self.timeout = root, timeout
        self.env = dict(os.environ, PYTHONPATH=str(root), PYTHONIOENCODING="utf-8")
        self.cmd = [sys.executable, "-m", "errlint.cli"]

    def run(self, args, cwd, stdin=None, timeout=None, unprivileged=False, env=None, flake8=False):
        head = [sys.executable, "-m", "flake8", "--isolated", "--select=ERR"] if flake8 else self.cmd
        cmd = [*(UNPRIVILEGED if unprivileged else []), *head, *args]
        return run(cmd, cwd, stdin=stdin, timeout=timeout or self.timeout, env=env or self.env)


def said(o, n: int = 1) -> str:
    """The outcome in a few words: exit, time, memory, and the last lines of stderr."""
    if o.timed_out:
        state = f"TIMED OUT at {o.seconds:.0f} s"
    else:
        state = f"exit {o.code}, {o.seconds:.1f} s ({o.cpu:.1f} s CPU)"
    err = [line for line in o.err.decode("utf-8", "replace").splitlines() if line.strip()]
    tail = " | ".join(line.strip()[:150] for line in err[-n:]) if err else ""
    return f"{state}, {o.rss_kb // 1024} MB" + (f"; stderr: {tail}" if tail else "")


def count(o, code: str = "") -> int:
    return sum(1 for line in o.out.decode("utf-8", "replace").splitlines() if f": {code}" in line and ": ERR" in line)


# -- --fix and the user's edits ---------------------------------------------------------------------------------
def lost_edits(r: Repro, work: Path) -> str:
    """300 copies of fixes.py; once the run has read them (3 s of its CPU), 150 get a line appended and 30 are deleted."""
    for i in range(300):
        shutil.copy(FIXES, work / f"f{i:03}.py")
    proc = subprocess.Popen([*r.cmd, "--no-cache", "-j", "1", "--fix", "--unsafe-fixes", "-q", "."], cwd=work, env=r.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    while _cpu_seconds(proc.pid) < 3 and proc.poll() is None:  # read, and linting (3 s of CPU, whatever the load)
        time.sleep(0.05)
    for i in range(150):
        with open(work / f"f{i:03}.py", "a") as fh:
            fh.write("# the user's edit\n")
    for i in range(150, 180):
        (work / f"f{i:03}.py").unlink()
    _, err = proc.communicate(timeout=600)
    lost = sum(1 for i in range(150) if "# the user's edit" not in (work / f"f{i:03}.py").read_text())
    back = sum(1 for i in range(150, 180) if (work / f"f{i:03}.py").exists())
    said_ = sum(1 for line in err.decode("utf-8", "replace").splitlines() if "changed since it was read" in line)
    return f"{lost} of 150 edits lost, {back} of 30 deleted files re-created; {said_} 'changed since it was read' lines, exit {proc.returncode}"


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stale_temp(r: Repro, work: Path) -> str:
    """A temporary file a killed write left (its process gone), then a --fix run in its folder."""
    shutil.copy(FIXES, work / "a.py")
    stale = work / ".a.py.999999.k1ll3d.errlint-tmp"
    stale.write_bytes(b"half")
    o = r.run(["--no-cache", "--fix", "--unsafe-fixes", "-q", "."], work)
    return f"stale temporary {'still there' if stale.exists() else 'removed'} after a --fix run ({said(o)})"


def read_only(r: Repro, work: Path) -> str:
    shutil.copy(FIXES, work / "ro.py")
    os.chmod(work / "ro.py", 0o444)
    before = (work / "ro.py").read_bytes()
    o = r.run(["--no-cache", "--fix", "--unsafe-fixes", "-q", "ro.py"], work, unprivileged=True)
    return f"0444 file {'REWRITTEN' if (work / 'ro.py').read_bytes() != before else 'left alone'} ({said(o)})"


def cache_entries(r: Repro, work: Path) -> str:
    """4 cold runs at once (-j1/-j2) on fixtures x6 sharing one cache: entries kept against files linted."""
    tree = fixture_tree(work / "tree", 6)
    linted = len(r.run(["--show-files", "."], tree).out.splitlines())
    outs: list = [None] * 4
    threads = [threading.Thread(target=lambda i=i: outs.__setitem__(i, r.run(
        ["--cache-dir", "shared", "--exit-zero", "-q", "-j", str(1 + i % 2), "."], tree, timeout=900))) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = sum(len(json.loads(f.read_text())["files"]) for f in (tree / "shared").glob("*.json"))
    return f"{kept} of {linted} entries kept after 4 cold concurrent runs (slowest {max(o.seconds for o in outs):.0f} s)"


def orphans(r: Repro, work: Path) -> str:
    """kill -9 of a -j2 --fix run's parent once its workers run; who is alive 10 s later."""
    tree = fixture_tree(work / "tree", 6)
    proc = subprocess.Popen([*r.cmd, "--no-cache", "--fix", "--unsafe-fixes", "-j", "2", "-q", "."], cwd=tree, env=r.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(living(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    started = len(living(proc.pid)) - 1
    time.sleep(2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(10)
    left = living(proc.pid)
    kill_group(proc.pid)
    return f"{len(left)} of {started} workers alive 10 s after the parent's SIGKILL"


# -- hostile files ------------------------------------------------------------------------------------------------
def fifo(r: Repro, work: Path) -> str:
    shutil.copy(FIXES, work / "a.py")
    os.mkfifo(work / "x.py")
    os.mkfifo(work / "x.ts")
    o = r.run(["--no-cache", "-q", "."], work, timeout=min(r.timeout, 30))
    return f"directory with FIFOs x.py, x.ts: {said(o, 2)}"


def dev_zero(r: Repro, work: Path) -> str:
    os.symlink("/dev/zero", work / "z.py")
    o = r.run(["--no-cache", "-q", "z.py"], work)
    return f"z.py -> /dev/zero: {said(o)}; {o.out.decode('utf-8', 'replace').strip()[:120]}"


def deep_ts(r: Repro, work: Path) -> str:
    (work / "t.ts").write_bytes(TS_HEAD + b"async function f() {\n" + b"try {\n" * 3000 + b"await vault.request('GET', 'u');\n"
                                + HANDLER * 3000 + b"}\n")
    o = r.run(["--no-cache", "t.ts"], work)
    return f"3,000-deep TS try/catch: {said(o)}; {o.out.decode('utf-8', 'replace').strip()[:120]}"


def deep_python(r: Repro, work: Path) -> str:
    out = []
    for name, data in (("lambdas.py", b"x = " + b"lambda: " * 3000 + b"1\n"),
                       ("nots.py", b"try:\n    x = " + b"not " * 50000 + b"a" + SHADOWED[13:])):
        (work / name).write_bytes(data)
        o = r.run(["--no-cache", name], work)
        out.append(f"{name}: {said(o)}; {o.out.decode('utf-8', 'replace').strip()[:110]}")
    return " || ".join(out)


def flake8_cases(r: Repro, work: Path) -> str:
    out = []
    for name, data in (("binop.py", b"x = " + b" + ".join([b"a"] * 100000) + b"\n"),
                       ("rot13.py", b"# -*- coding: rot13 -*-\nvzcbeg bf\n")):
        (work / name).write_bytes(data)
        o = r.run([name], work, flake8=True)
        tb = b"Traceback" in o.err
        where = "errlint's" if b"/errlint/" in o.err else "flake8's own" if tb else ""
        out.append(f"{name}: exit {o.code}, {'a traceback (' + where + ')' if tb else 'no traceback'}; "
                   f"{(o.out or o.err).decode('utf-8', 'replace').strip().splitlines()[-1][:110] if (o.out or o.err).strip() else ''}")
    return " || ".join(out)


def unreadable(r: Repro, work: Path) -> str:
    """A 000 file, a 0644 directory (no search), a 0311 directory (no listing), beside readable files."""
    for sub in ("noexec", "noread"):
        (work / sub).mkdir()
        shutil.copy(FIXES, work / sub / "c.py")
    shutil.copy(FIXES, work / "ok.py")
    shutil.copy(FIXES, work / "secret.py")
    full = r.run(["--no-cache", "."], work)
    os.chmod(work / "secret.py", 0)
    os.chmod(work / "noexec", 0o644)
    os.chmod(work / "noread", 0o311)
    try:
        o = r.run(["--no-cache", "."], work, unprivileged=True)
        warned = [line for line in o.err.decode("utf-8", "replace").splitlines() if "noread" in line]
        err000 = count(o, "ERR000")
        return (f"{count(o)} of {count(full)} findings reported ({err000} ERR000), "
                f"{'a warning for noread/' if warned else 'NO warning for noread/'}; {said(o)}")
    finally:
        os.chmod(work / "secret.py", 0o644)
        os.chmod(work / "noexec", 0o755)
        os.chmod(work / "noread", 0o755)


def non_utf8_name(r: Repro, work: Path) -> str:
    with open(os.path.join(os.fsencode(work), b"caf\xe9.py"), "wb") as fh:
        fh.write(FIXES.read_bytes())
    out = []
    for label, args in (("-o r.txt", ["-o", "r.txt"]), ("--diff", ["--diff", "--unsafe-fixes"]), ("text", []),
                        ("github", ["--output-format", "github"])):
        o = r.run(["--no-cache", *args, "."], work)
        bad = b"UnicodeEncodeError" in o.err or b"internal error" in o.err
        out.append(f"{label}: {'UnicodeEncodeError, exit ' + str(o.code) if bad else 'exit ' + str(o.code)}")
    return "; ".join(out)


def cr_ts(r: Repro, work: Path) -> str:
    source = (FIXTURES / "typescript" / "ERR003_swallowed_reauth" / "receivers.ts").read_bytes()
    (work / "lf.ts").write_bytes(source)
    (work / "cr.ts").write_bytes(source.replace(b"\n", b"\r"))
    (work / "cr_noqa.ts").write_bytes((b"// noqa: ERR003\n" + source).replace(b"\n", b"\r"))
    (work / "lf_noqa.ts").write_bytes(b"// noqa: ERR003\n" + source)
    res = {n: r.run(["--no-cache", "--output-format", "json", n], work) for n in ("lf.ts", "cr.ts", "lf_noqa.ts", "cr_noqa.ts")}
    rows = {n: sorted({d["location"]["row"] for d in json.loads(o.out)}) for n, o in res.items()}
    first = {n: json.loads(o.out)[0]["location"] for n, o in res.items() if json.loads(o.out)}
    return (f"findings LF {len(json.loads(res['lf.ts'].out))} (first at {first['lf.ts']['row']}:{first['lf.ts']['column']}), "
            f"CR {len(json.loads(res['cr.ts'].out))} (first at {first['cr.ts']['row']}:{first['cr.ts']['column']}, "
            f"{len(rows['cr.ts'])} distinct lines); with '// noqa: ERR003' on line 1: LF {len(json.loads(res['lf_noqa.ts'].out))}, "
            f"CR {len(json.loads(res['cr_noqa.ts'].out))}")


# -- cost against the input's shape -------------------------------------------------------------------------------
def _time(r: Repro, work: Path, name: str, data: bytes, args=("--no-cache", "--exit-zero", "-q"), timeout=None) -> str:
    (work / name).write_bytes(data)
    o = r.run([*args, name], work, timeout=timeout)
    return f"{o.cpu:.1f} s CPU ({o.seconds:.1f} s wall) / {o.rss_kb // 1024} MB" + (" (TIMED OUT)" if o.timed_out else "") + \
        (" ERR000" if b"ERR000" in o.out else "")


JS_HEAD = b'const { AlterVault, BackendError } = require("@alter-ai/alter-sdk");const vault = new AlterVault({});'


def long_line(r: Repro, work: Path, big: bool) -> str:
    out = []
    for mb in (1, 5) if big else (1,):
        n = mb * 1024 * 1024 // len(UNIT % 1)
        units = [UNIT % i for i in range(n)]
        one = _time(r, work, f"one{mb}.js", JS_HEAD + b"".join(units) + b"\n")
        many = _time(r, work, f"many{mb}.js", JS_HEAD + b"\n" + b"\n".join(units) + b"\n")
        out.append(f"{mb} MB one line: {one}; one unit a line: {many}")
    return "; ".join(out)


def nested_try(r: Repro, work: Path, big: bool) -> str:
    out = []
    for n in (250, 500, 1000, 2000) if big else (250, 500):
        data = TS_HEAD + b"async function f() {\n" + b"try {\n" * n + b"await vault.request('GET', 'u');\n" + HANDLER * n + b"}\n"
        out.append(f"{n}: {_time(r, work, f'n{n}.ts', data)}")
    return "; ".join(out)


def call_chain(r: Repro, work: Path, big: bool) -> str:
    out = []
    for n in (2500, 5000) if big else (2500,):
        data = b"try:\n    x = vault" + b".request()" * n + SHADOWED[13:]
        out.append(f"{n}: {_time(r, work, f'c{n}.py', data)}")
    return "; ".join(out)


def pack_chain(r: Repro, work: Path, big: bool) -> str:
    out = []
    for n in (1000, 2000, 4000) if big else (1000, 2000):
        (work / f"p{n}.toml").write_text(_chain(n))
        o = r.run(["packs", "check", f"p{n}.toml"], work)
        out.append(f"{n}: {o.cpu:.1f} s CPU ({o.seconds:.1f} s wall)" + (" (TIMED OUT)" if o.timed_out else ""))
    return "; ".join(out)


def big_fix(r: Repro, work: Path, big: bool) -> str:
    import re

    n = 50000 if big else 10000
    head, body = FIXES.read_text().split("\n\n\n", 1)
    parts, i = [head, ""], 0
    while sum(p.count("\n") for p in parts) < n:
        parts.append(re.sub(r"def (\w+)\(", lambda m: f"def {m.group(1)}_{i}(", body))
        i += 1
    source = "\n\n".join(parts).encode()
    lint = _time(r, work, "lint.py", source, timeout=900)
    fix = _time(r, work, "fix.py", source, args=("--no-cache", "--exit-zero", "-q", "--fix", "--unsafe-fixes"), timeout=900)
    return f"{n} lines: lint {lint}; --fix {fix}"


# -- a corrupted cache --------------------------------------------------------------------------------------------
def corrupt_cache(r: Repro, work: Path) -> str:
    tree = work / "tree"
    shutil.copytree(FIXTURES / "ERR004_shadowed_except", tree, ignore=shutil.ignore_patterns("*.fixed.py", "__pycache__"))
    clean = r.run(["--no-cache", "."], tree).out
    r.run(["--cache-dir", "c", "-q", "."], tree)
    (cache_file,) = (tree / "c").glob("*.json")
    good = cache_file.read_bytes()
    out = []
    for fld, value in (("line", "5"), ("line", None), ("line", -1), ("code", 4), ("message", None)):
        data = json.loads(good)
        for entry in data["files"].values():
            for d in entry.get("result", {}).get("diagnostics", [])[:1]:
                d[fld] = value
        cache_file.write_text(json.dumps(data))
        o = r.run(["--cache-dir", "c", "."], tree)
        verdict = "same as clean" if o.out == clean else f"DIFFERENT ({said(o)})"
        out.append(f"{fld}={value!r}: {verdict}")
        o = r.run(["--cache-dir", "c", "--output-format", "github", "."], tree)
        if o.code not in (0, 1):
            out[-1] += f", github exit {o.code}"
    cache_file.write_bytes(b"[" * 100000)
    o = r.run(["--cache-dir", "c", "."], tree)
    out.append(f"100,000-deep JSON: {'same as clean' if o.out == clean else 'DIFFERENT'} ({said(o)})")
    cache_file.unlink()
    os.mkfifo(cache_file)
    o = r.run(["--cache-dir", "c", "."], tree, timeout=min(r.timeout, 30))
    out.append(f"FIFO: {'same as clean' if o.out == clean else 'DIFFERENT'} ({said(o)})")
    return " || ".join(out)


# -- configuration and packs --------------------------------------------------------------------------------------
def hostile_config(r: Repro, work: Path) -> str:
    (work / "ok.py").write_bytes(SHADOWED)
    os.mkfifo(work / "fifo.toml")
    os.symlink("/dev/zero", work / "zero.toml")
    os.symlink("loop2.toml", work / "loop1.toml")
    os.symlink("loop1.toml", work / "loop2.toml")
    (work / "cycle.toml").write_text(_chain(1000, cycle=True))
    (work / "status.toml").write_text(BASE + "[errors.X]\nstatus = -1\n")
    (work / "attempts.toml").write_text(BASE + '[[auto_retry]]\nmethods = ["call"]\nattempts = 9223372036854775807\n')
    cases = {
        "extend-packs NUL": ('[tool.errlint]\nextend-packs = ["a\\u0000b.toml"]\n', ["--no-cache", "ok.py"]),
        "src NUL": ('[tool.errlint]\nsrc = ["a\\u0000b"]\n', ["--no-cache", "ok.py"]),
        "select 5,000 deep": ("[tool.errlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n", ["--no-cache", "ok.py"]),
        "pack FIFO (check)": ('[tool.errlint]\nextend-packs = ["fifo.toml"]\n', ["--no-cache", "ok.py"]),
        "pack /dev/zero (rules)": ('[tool.errlint]\nextend-packs = ["zero.toml"]\n', ["rules"]),
        "pack link loop (rules)": ('[tool.errlint]\nextend-packs = ["loop1.toml"]\n', ["rules"]),
        "1,000-class cycle (rules)": ('[tool.errlint]\nextend-packs = ["cycle.toml"]\n', ["rules"]),
        "status -1 (check)": ('[tool.errlint]\nextend-packs = ["status.toml"]\n', ["--no-cache", "ok.py"]),
        "attempts 2**63-1 (check)": ('[tool.errlint]\nextend-packs = ["attempts.toml"]\n', ["--no-cache", "ok.py"]),
    }
    out = []
    for label, (config, args) in cases.items():
        (work / "pyproject.toml").write_text(config)
        o = r.run(args, work, timeout=min(r.timeout, 30))
        lines = [line for line in o.err.decode("utf-8", "replace").splitlines() if line.strip()]
        shape = "TIMED OUT" if o.timed_out else f"exit {o.code}, {len(lines)} stderr lines, {o.rss_kb // 1024} MB"
        out.append(f"{label}: {shape}: {lines[-1][:120] if lines else ''}")
    (work / "pyproject.toml").unlink()
    o = r.run(["--errlint-extend-packs=cycle.toml", "ok.py"], work, flake8=True)
    out.append(f"1,000-class cycle (flake8): exit {o.code}, {len(o.err.splitlines())} stderr lines")
    (work / "p20000.toml").write_text(_chain(20000))
    o = r.run(["packs", "check", "p20000.toml"], work)
    out.append(f"20,000-class chain (packs check): {said(o)}")
    return "\n    ".join(out)


REPROS = {
    "lost_edits": lost_edits, "stale_temp": stale_temp, "read_only": read_only, "cache_entries": cache_entries,
    "orphans": orphans, "fifo": fifo, "dev_zero": dev_zero, "deep_ts": deep_ts, "deep_python": deep_python,
    "flake8": flake8_cases, "unreadable": unreadable, "non_utf8_name": non_utf8_name, "cr_ts": cr_ts,
    "long_line": long_line, "nested_try": nested_try, "call_chain": call_chain, "pack_chain": pack_chain,
    "big_fix": big_fix, "corrupt_cache": corrupt_cache, "hostile_config": hostile_config,
}
SIZED = {"long_line", "nested_try", "call_chain", "pack_chain", "big_fix"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--memory", type=float, default=3, help="address-space cap of each run, in GB")
    ap.add_argument("--big", action="store_true", help="the study's larger sizes too (minutes each before the fixes)")
    args = ap.parse_args(argv)
    stress_harness.ADDRESS_SPACE = int(args.memory * (1 << 30))
    r = Repro(args.root.resolve(), args.timeout)
    print(f"errlint at {r.root}; load: {os.getloadavg()[0]:.2f}", flush=True)
    for name in args.only.split(",") if args.only else REPROS:
        work = Path(tempfile.mkdtemp(prefix=f"errlint-repro-{name}-"))
        try:
            fn = REPROS[name]
            line = fn(r, work, args.big) if name in SIZED else fn(r, work)
        except Exception as exc:  # a reproduction that cannot run says so and the others go on
            line = f"could not run: {type(exc).__name__}: {exc}"
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"{name}: {line}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
