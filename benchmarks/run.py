"""Side-by-side benchmark: errlint against the peers, on the running interpreter's stdlib.

    python benchmarks/run.py                  # every tool once
    python benchmarks/run.py --runs 3         # medians of 3 rounds (each round runs every tool once)
    python benchmarks/run.py --fixit          # also Fixit (slow: about 1000 s, timed once)
    python benchmarks/run.py --many-findings  # generated files with 500 ... 5000 findings each instead

The corpus is the CPython standard library of the running interpreter
(site-packages left out), copied to a temporary directory. Peers are installed
by the script into its own virtualenv (benchmarks/.venv-peers, not committed):
flake8 with flake8-bugbear alone (flake8 runs every installed plugin whatever
--select says), pylint (bad-except-order + the overlapping-except extension),
ruff as the speed reference, and Fixit on request. errlint is the one
installed in the interpreter running this script.

errlint is timed cold (--no-cache), warm (the cache filled by a previous run,
no file changed) and warm after 1% of the files changed (a comment appended to
a different 1% before each run). Printed per tool: wall and CPU seconds, peak
RSS (GNU time), and the tool's wall time divided by errlint's cold time; then
errlint on single files linted alone (as pre-commit, flake8 and editors lint
them: the project modules they import are read on demand), cold and warm, with
the number of modules each read; then errlint cold on 1/4, 1/2 and all of the
corpus.

--many-findings times errlint alone on generated files of about ten lines per
finding (5,000 findings: a 50,000-line file), plain and with --fix --diff: the
cost per finding should not grow with the file. The kinds: ERR004 shadowed
handlers in top-level functions; the same mixed with ERR008 (whose fix adds a
name to the module's import); ERR004 in the methods of one class (one
top-level statement holding every finding); "many calls": functions that each
call the one before (each call looked up among the module's functions) with an
ERR008 in each.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS_VENV = HERE / ".venv-peers"
PEERS = ["flake8==7.*", "flake8-bugbear", "pylint", "ruff"]
TIME = shutil.which("time") or "/usr/bin/time"
# Bytecode is written and reused, as for any installed tool: with PYTHONDONTWRITEBYTECODE
# set, an editable errlint would compile its own source on every run (about 0.4 s).
TOOL_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# Files linted alone: three large package modules whose handlers name only classes the stdlib
# pack knows (nothing to read), and two whose verdicts need classes of sibling modules.
SINGLE_FILES = [
    "asyncio/base_events.py", "http/client.py", "email/message.py",
    "idlelib/pyshell.py", "tkinter/simpledialog.py",
]


def modules_read(cache_dir: Path) -> int:
    """How many project modules the cached results depended on (found on disk and read)."""
    import json

    read = set()
    for cache_file in cache_dir.glob("*.json"):
        for entry in json.loads(cache_file.read_text()).get("files", {}).values():
            final = entry.get("final") if isinstance(entry, dict) else None
            if isinstance(final, list) and final and isinstance(final[0], dict):
                read.update(name for name, (path, _) in final[0].items() if path)
    return len(read)


def build_corpus(dest: Path) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for p in sorted(stdlib.rglob("*.py")):
        rel = p.relative_to(stdlib)
        if "site-packages" in rel.parts or p.is_symlink():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, target)
        files.append(target)
    return files


def peers_python(with_fixit: bool) -> Path:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    wanted = PEERS + (["fixit"] if with_fixit else [])
    subprocess.run([str(python), "-m", "pip", "install", "-q", *wanted], check=True)
    return python


def timed(cmd: list[str], cwd: Path, timeout: float | None = None) -> tuple[float, float, int, int]:
    """(wall s, cpu s, peak RSS MB, exit code) of one run, measured by GNU time."""
    proc = subprocess.Popen(
        [TIME, "-f", "%e %U %S %M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=TOOL_ENV,
        start_new_session=True,  # a run that times out is stopped with everything it started
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    wall, user, sys_, rss = stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(rss) // 1024, proc.returncode


def median_run(cmd: list[str], cwd: Path, runs: int, before=None) -> tuple[float, float, int]:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        samples.append(timed(cmd, cwd))
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


MANY_FINDINGS = (500, 1000, 2000, 5000)


def generated_file(kind: str, n: int) -> str:
    """A module with ``n`` findings, about ten lines each (see --many-findings)."""
    shadowed = (
        "\n\n{ind}def f{i}({self}x):\n{ind}    try:\n{ind}        return x({i})\n{ind}    except Exception:\n"
        "{ind}        return None\n{ind}    except ValueError:  # never runs\n{ind}        return {i}\n\n"
    )
    timeout = (
        "\n\nasync def g{i}(vault: App, url):\n    try:\n        return await vault.request('GET', url)\n"
        "    except TimeoutError:  # the builtin, not the SDK's\n        return None\n    except NetworkError:\n"
        "        return {i}\n\n"
    )
    calls = (
        "\n\nasync def g{i}(vault: App, url):\n    data = await g{prev}(vault, url)\n    try:\n"
        "        return await vault.request('GET', url)\n    except TimeoutError:  # the builtin, not the SDK's\n"
        "        return data\n    except NetworkError:\n        return {i}\n\n"
    )
    if kind == "many calls":  # each function calls the one before it (issue 27)
        head = '"""Generated: functions calling functions, ERR008 in each."""\nfrom alter_sdk import App, NetworkError\n'
        head += "\n\nasync def g0(vault: App, url):\n    return None\n"
        parts = [calls.format(i=i, prev=i - 1) for i in range(1, n + 1)]
    elif kind == "shadowed":
        head, parts = '"""Generated: ERR004."""\n', [shadowed.format(i=i, ind="", self="") for i in range(n)]
    elif kind == "mixed":
        head = '"""Generated: ERR004 and ERR008."""\nfrom alter_sdk import App, NetworkError\n'
        parts = [(timeout if i % 2 else shadowed).format(i=i, ind="", self="") for i in range(n)]
    else:  # "one class"
        head = '"""Generated: ERR004 in one class."""\n\n\nclass Handlers:\n    """Every finding in one statement."""\n'
        parts = [shadowed.format(i=i, ind="    ", self="self, ") for i in range(n)]
    return head + "".join(parts)


def many_findings(args) -> int:
    """Time errlint on generated files with N findings (see the module's docstring)."""
    kinds = ("shadowed", "mixed", "one class", "many calls")
    print(f"errlint on generated files (Python {sys.version.split()[0]}, {os.cpu_count()} cores); "
          f"runs over {args.timeout:.0f} s are stopped\n")
    print("| kind | findings (many calls: functions) | lines | mode | wall s | CPU s | peak RSS MB | CPU ms per finding |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="errlint-many-") as tmp:
        config = Path(tmp) / "errlint.toml"
        config.write_text("exclude = []\n")
        base = [sys.executable, "-m", "errlint.cli", "--no-cache", "--exit-zero", "--config", str(config)]
        for kind in kinds:
            stopped = False
            for n in MANY_FINDINGS:
                path = Path(tmp) / f"{kind.replace(' ', '_')}_{n}.py"
                text = generated_file(kind, n)
                path.write_text(text)
                for mode, extra in (("plain", []), ("--fix --diff", ["--fix", "--diff"])):
                    if stopped:
                        print(f"| {kind} | {n} | {text.count(chr(10))} | {mode} | (skipped) | | | |")
                        continue
                    try:
                        wall, cpu, rss, _ = timed([*base, *extra, path.name], Path(tmp), timeout=args.timeout)
                    except subprocess.TimeoutExpired:
                        stopped = True  # larger files of this kind would only take longer
                        print(f"| {kind} | {n} | {text.count(chr(10))} | {mode} | > {args.timeout:.0f} | | | |", flush=True)
                        continue
                    print(f"| {kind} | {n} | {text.count(chr(10))} | {mode} | {wall:.2f} | {cpu:.2f} | {rss} | "
                          f"{cpu / n * 1000:.2f} |", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--fixit", action="store_true", help="also time Fixit (about 1000 s on the stdlib)")
    ap.add_argument("--skip-peers", action="store_true", help="time errlint only")
    ap.add_argument("--many-findings", action="store_true",
                    help="time errlint on generated files with 500 to 5000 findings instead of the stdlib")
    ap.add_argument("--timeout", type=float, default=300, help="with --many-findings: stop a run after this many seconds")
    args = ap.parse_args()
    if args.many_findings:
        return many_findings(args)

    with tempfile.TemporaryDirectory(prefix="errlint-bench-") as tmp:
        corpus = Path(tmp) / "stdlib"
        files = build_corpus(corpus)
        lines = sum(f.read_bytes().count(b"\n") for f in files)
        with_except = sum(b"except" in f.read_bytes() for f in files)
        print(f"corpus: {len(files)} files, {lines} lines, {with_except} with 'except' "
              f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")

        config = Path(tmp) / "errlint.toml"
        config.write_text("exclude = []\n")
        cache = Path(tmp) / "errlint-cache"
        errlint = [sys.executable, "-m", "errlint.cli", "--exit-zero", "--config", str(config)]
        cold = [*errlint, "--no-cache", "."]
        warm = [*errlint, "--cache-dir", str(cache), "."]
        touched_rounds = iter(range(1, 1000))

        def touch_one_percent() -> None:
            n = next(touched_rounds)
            step = 100
            for f in files[n % step::step]:  # a different 1% each time
                with open(f, "a", encoding="utf-8") as fh:
                    fh.write(f"# touched by the benchmark, round {n}\n")

        tools: list[tuple[str, list[str], object]] = [
            ("errlint cold (every rule, --no-cache)", cold, None),
            ("errlint warm (cache, nothing changed)", warm, None),
            ("errlint warm, 1% of files changed", warm, touch_one_percent),
        ]
        if not args.skip_peers:
            py = str(peers_python(args.fixit))
            bin_ = PEERS_VENV / "bin"
            tools += [
                ("flake8 --select=B (bugbear)", [py, "-m", "flake8", "--isolated", "--select=B", "--exit-zero", "."], None),
                ("pylint E0701 + W0714 -j 2", [py, "-m", "pylint", "-j", "2", "--disable=all",
                 "--enable=bad-except-order,overlapping-except",
                 "--load-plugins=pylint.extensions.overlapping_exceptions", "--exit-zero", "--score=n", "."], None),
                ("ruff BLE,S110,S112,TRY,E722", [str(bin_ / "ruff"), "check", "--no-cache", "--isolated",
                 "--select", "BLE,S110,S112,TRY,E722", "--exit-zero", "."], None),
            ]
            if args.fixit:
                tools.append(("fixit lint (one run)", [str(bin_ / "fixit"), "lint", "."], None))
        # fills the cache (and errlint's bytecode)
        subprocess.run(warm, cwd=corpus, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=TOOL_ENV)
        # Rounds, each running every tool once: a slow spell of the machine then
        # touches every tool's samples alike instead of one tool's median.
        samples: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name, _, _ in tools}
        for round_ in range(args.runs):
            for name, cmd, before in tools:
                if name.startswith("fixit") and round_:
                    continue  # about 1000 s: once
                if before is not None:
                    before()
                samples[name].append(timed(cmd, corpus))
                print(f"  round {round_ + 1}: {name}: {samples[name][-1][0]:.2f} s", flush=True)
        results = [
            (name, statistics.median(s[0] for s in samples[name]), statistics.median(s[1] for s in samples[name]),
             max(s[2] for s in samples[name]))
            for name, _, _ in tools
        ]
        base = results[0][1]
        print("\n| tool | wall s | CPU s | peak RSS MB | wall / errlint cold |\n| --- | ---: | ---: | ---: | ---: |")
        for name, wall, cpu, rss in results:
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss} | {wall / base:.2f} |")
        print("\nerrlint cold / peer (the issue's goals: at most 0.5 of flake8 and pylint, 0.03 of Fixit):")
        for name, wall, _, _ in results[3:]:
            if not name.startswith("ruff"):  # the speed reference, not a goal
                print(f"  errlint cold / {name}: {base / wall:.3f}")

        print("\nerrlint on single files alone (cold: --no-cache; warm: cache filled, nothing changed):")
        print("| file | lines | cold s | warm s | modules read on demand |\n| --- | ---: | ---: | ---: | ---: |")
        for rel in SINGLE_FILES:
            if not (corpus / rel).exists():
                continue
            single_cache = Path(tmp) / "single-cache"
            shutil.rmtree(single_cache, ignore_errors=True)
            cold_wall, _, _ = median_run([*errlint, "--no-cache", rel], corpus, args.runs)
            single = [*errlint, "--cache-dir", str(single_cache), rel]
            timed(single, corpus)  # fills the cache
            warm_wall, _, _ = median_run(single, corpus, args.runs)
            n_lines = (corpus / rel).read_bytes().count(b"\n")
            print(f"| {rel} | {n_lines} | {cold_wall:.2f} | {warm_wall:.2f} | {modules_read(single_cache)} |")

        print("\nerrlint cold by corpus size (files in path order; cost should follow the lines):")
        subsets = sorted(files)
        for frac in (0.25, 0.5, 1.0):
            n = max(1, int(len(subsets) * frac))
            part = Path(tmp) / f"part{int(frac * 100)}"
            for f in subsets[:n]:
                target = part / f.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f, target)
            wall, cpu, rss = median_run([*errlint, "--no-cache", "."], part, args.runs)
            part_lines = sum(f.read_bytes().count(b"\n") for f in subsets[:n])
            print(f"  {frac:>4.0%}: {n} files, {part_lines} lines, {wall:.2f} s wall, {cpu:.2f} s CPU, {rss} MB, "
                  f"{cpu / part_lines * 1e5:.2f} CPU s per 100k lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
