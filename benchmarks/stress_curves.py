"""How errlint's cost grows with the shape of its input (issue 28): each curve, as ratios.

    python benchmarks/stress_curves.py            # every curve
    python benchmarks/stress_curves.py --only depth,line
    python benchmarks/stress_curves.py --runs 3   # best of 3 for each point
    python benchmarks/stress_curves.py --cpu      # CPU seconds instead of wall time (a loaded machine)

Curves (each point a fresh ``errlint --no-cache`` process: wall time and peak RSS):

* ``depth``: TypeScript try statements nested N deep (a try in a try is two tree
  levels; past 1,000 levels the file is one ERR000, at a constant cost);
* ``line``: the same JavaScript as one line of N bytes and one unit a line;
* ``chain``: a Python call chain of N links inside a try (past 1,000 levels of
  CPython's tree, 500 links, one ERR000 without LibCST);
* ``pack``: ``errlint packs check`` on a pack of a parent chain of N classes;
* ``fix``: ``--fix --unsafe-fixes`` against a plain run on a Python file of N lines.

Each row prints the time and memory, and the time per unit of input relative to
the first row (``x1.0`` all along is linear; the study found x4 per doubling
where it was quadratic). The machine's load is printed first: the numbers are
only as quiet as the machine. Tests count operations; this script times.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXES = ROOT / "tests" / "fixtures" / "ERR004_shadowed_except" / "fixes.py"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
TS_HEAD = 'import { AlterVault, BackendError, GrantExpiredError } from "@alter-ai/alter-sdk";\nconst vault = new AlterVault({});\n'
HANDLER = "} catch (e) { if (e instanceof BackendError) { console.log(e); } else if (e instanceof GrantExpiredError) { return; } }\n"
JS_HEAD = 'const { AlterVault, BackendError } = require("@alter-ai/alter-sdk");const vault = new AlterVault({});'
UNIT = 'async function f%d(a){try{return await vault.request("GET",a)}catch(e){if(e instanceof BackendError){console.log("é",e)}}}'


CPU = False  # --cpu: user + system seconds instead of wall time (a shared, loaded machine)


def measure(args: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    """Best wall time (s) and its peak RSS (MB) of ``errlint ARGS`` over ``runs`` runs."""
    best = (float("inf"), 0)
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "errlint.cli", *args], cwd=cwd, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        elapsed = time.perf_counter() - start if not CPU else usage.ru_utime + usage.ru_stime
        if elapsed < best[0]:
            best = (elapsed, usage.ru_maxrss // 1024)
    return best


def curve(title: str, unit: str, points: list[tuple[int, str, list[str]]], cwd: Path, runs: int) -> None:
    """``points``: (size, label, errlint arguments); prints time, memory and time per unit against the first row."""
    print(f"\n{title}")
    print(f"  {unit:>12} {'time':>9} {'peak RSS':>9} {'time/' + unit + ' (x first)':>22}")
    first = None
    for size, label, args in points:
        seconds, rss = measure(args, cwd, runs)
        per = seconds / size
        first = first or per
        print(f"  {label:>12} {seconds:>8.2f}s {rss:>6} MB {per / first:>21.2f}x", flush=True)


def depth(work: Path, runs: int) -> None:
    points = []
    for n in (50, 100, 200, 400, 480, 1000, 3000):
        (work / f"t{n}.ts").write_text(TS_HEAD + "async function f() {\n" + "try {\n" * n + "await vault.request('GET', 'u');\n" + HANDLER * n + "}\n")
        points.append((n, f"{n} deep" + (" (ERR000)" if n > 495 else ""), ["--no-cache", "--exit-zero", f"t{n}.ts"]))
    curve("TypeScript: nested try statements (time per level)", "levels", points, work, runs)


def line(work: Path, runs: int) -> None:
    points = []
    for kb in (128, 256, 512, 1024, 2048):
        n = kb * 1024 // len(UNIT % 1)
        (work / f"one{kb}.js").write_text(JS_HEAD + "".join(UNIT % i for i in range(n)) + "\n")
        (work / f"many{kb}.js").write_text(JS_HEAD + "\n" + "\n".join(UNIT % i for i in range(n)) + "\n")
        points.append((kb, f"{kb} KB line", ["--no-cache", "--exit-zero", f"one{kb}.js"]))
        points.append((kb, f"{kb} KB lines", ["--no-cache", "--exit-zero", f"many{kb}.js"]))
    curve("JavaScript: one line of N KB, and the same one unit a line (time per KB)", "KB", points, work, runs)


def chain(work: Path, runs: int) -> None:
    points = []
    for n in (50, 100, 200, 300, 400, 490, 600, 5000):
        (work / f"c{n}.py").write_text("try:\n    x = vault" + ".request()" * n + "\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n")
        points.append((n, f"{n} links" + (" (ERR000)" if n > 495 else ""), ["--no-cache", "--exit-zero", f"c{n}.py"]))
    curve("Python: a call chain of N links in a try (time per link)", "links", points, work, runs)


def pack(work: Path, runs: int) -> None:
    points = []
    for n in (1000, 4000, 20000):
        text = ['[sdk]\nname = "acme"\nmodules = ["acme"]\n']
        text += [f'[errors.E{i}]\nparent = "{"builtins.Exception" if i == 0 else f"E{i - 1}"}"\n' for i in range(n)]
        (work / f"p{n}.toml").write_text("".join(text))
        points.append((n, f"{n} classes", ["packs", "check", f"p{n}.toml"]))
    curve("Packs: packs check on a parent chain of N classes (time per class; startup included)", "classes", points, work, runs)


def fix(work: Path, runs: int) -> None:
    head, body = FIXES.read_text().split("\n\n\n", 1)
    print("\n--fix --unsafe-fixes against a plain run, Python files of N lines (each its own copy)")
    print(f"  {'lines':>8} {'lint':>9} {'fix':>9} {'time x':>7} {'lint RSS':>9} {'fix RSS':>8} {'memory x':>9}")
    for n in (2500, 5000, 10000, 20000):
        parts, i = [head, ""], 0
        while sum(p.count("\n") for p in parts) < n:
            parts.append(re.sub(r"def (\w+)\(", lambda m: f"def {m.group(1)}_{i}(", body))
            i += 1
        source = "\n\n".join(parts)
        (work / f"lint{n}.py").write_text(source)
        lint_s, lint_mb = measure(["--no-cache", "--exit-zero", f"lint{n}.py"], work, runs)
        fix_s, fix_mb = float("inf"), 0
        for _ in range(runs):
            (work / f"fix{n}.py").write_text(source)
            s, mb = measure(["--no-cache", "--exit-zero", "--fix", "--unsafe-fixes", f"fix{n}.py"], work, 1)
            fix_s, fix_mb = min((fix_s, fix_mb), (s, mb))
        print(f"  {n:>8} {lint_s:>8.2f}s {fix_s:>8.2f}s {fix_s / lint_s:>6.1f}x {lint_mb:>6} MB {fix_mb:>5} MB {fix_mb / lint_mb:>8.1f}x",
              flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="depth,line,chain,pack,fix")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cpu", action="store_true", help="time in CPU seconds (user + system), not wall time")
    args = ap.parse_args()
    global CPU
    CPU = args.cpu
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip() if shutil.which("uptime") else "?")
    work = Path(tempfile.mkdtemp(prefix="errlint-curves-"))
    try:
        for name in args.only.split(","):
            {"depth": depth, "line": line, "chain": chain, "pack": pack, "fix": fix}[name](work, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
