"""Stress errlint where it broke (issue 28), category by category, and print what held.

    python scripts/stress.py                  # every category, at the sizes of issue 28
    python scripts/stress.py --quick          # smaller counts (a few minutes)
    python scripts/stress.py --only kill,packs
    python scripts/stress.py --ts-corpus DIR  # mutate real TypeScript/JavaScript too (e.g. an npm install)

Categories: ``concurrency`` (2-4 runs at once on one tree and one cache, -j1
and -j2, cold and warm; --fix runs on one tree and on copies), ``kill`` (kill -9
of a -j2 --fix run, then the workers, the files, the temporaries and a recovery
run), ``mutants`` (5,000 mutated TypeScript/JavaScript files, 2,000 Python ones;
directory, stdin, flake8 and --fix runs), ``files`` (FIFOs, devices, sockets,
links, permissions, names, sizes, depths, line endings), ``config`` (broken
configuration and packs through every front end), ``cache`` (a corrupted cache).
Each prints its trials, its failures (each with why) and the peak RSS of its runs;
the exit status is 1 when anything failed. scripts/stress_harness.py judges the runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stress_harness import (  # noqa: E402
    ENV, ERRLINT, FIXTURES, FLAKE8, PY_TOKENS, TS_TOKENS, Category, fixture_tree, kill_group, living, mutate, run,
)
import stress_inputs  # noqa: E402

TS_SUFFIXES = (".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs")


def findings(out: bytes) -> list[tuple]:
    return sorted((d["filename"], d["location"]["row"], d["location"]["column"], d["code"], d["message"]) for d in json.loads(out))


def _files(tree: Path) -> dict[str, bytes]:
    return {str(p.relative_to(tree)): p.read_bytes() for p in sorted(tree.rglob("*")) if p.is_file() and "shared" not in p.parts}


# -- concurrency ------------------------------------------------------------------------------------------------
def concurrency(work: Path, size: dict) -> Category:
    cat = Category("concurrency (shared cache)")
    tree = fixture_tree(work / "tree", size["copies"])
    ref = run([*ERRLINT, "--no-cache", "--exit-zero", "-j", "1", "--output-format", "json", "."], tree, timeout=900)
    expected = findings(ref.out)
    linted = len(run([*ERRLINT, "--show-files", "."], tree).out.splitlines())
    rng = random.Random(1)
    for round_ in range(size["rounds"]):
        if round_ % 3 == 0:
            shutil.rmtree(tree / "shared", ignore_errors=True)  # cold
        n = rng.randint(2, 4)
        outcomes: list = [None] * n
        cmds = [[*ERRLINT, "--cache-dir", "shared", "--exit-zero", "-j", rng.choice(("1", "2")), "--output-format", "json", "."]
                for _ in range(n)]
        threads = [threading.Thread(target=lambda i=i: outcomes.__setitem__(i, run(cmds[i], tree, timeout=900))) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i, o in enumerate(outcomes):
            cat.check(f"round {round_} run {i}", o, expect=lambda o: None if findings(o.out) == expected else "findings differ from a clean run")
        # one cache file per run key (a folder with its own configuration has its own)
        kept = sum(len(json.loads(f.read_text())["files"]) for f in (tree / "shared").glob("*.json"))
        cat.judge(f"round {round_} cache", None, None if kept == linted else f"{kept} of {linted} entries kept")
    _concurrent_fixes(cat, work, size)
    return cat


def _concurrent_fixes(cat: Category, work: Path, size: dict) -> None:
    """--fix runs at once on one tree (each file: old or fixed, never lost; a recovery run converges) and on copies."""
    reference = fixture_tree(work / "fix-ref", 1)
    run([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "."], reference, timeout=900)
    want = _files(reference)
    for trial in range(size["fix_rounds"]):
        tree = fixture_tree(work / f"fix-same-{trial}", 1)
        before = _files(tree)
        n = 2 + trial % 2
        outs: list = [None] * n
        threads = [threading.Thread(target=lambda i=i: outs.__setitem__(i, run(
            [*ERRLINT, "--cache-dir", "shared", "--fix", "--unsafe-fixes", "--exit-zero", "-j", str(1 + i % 2), "."], tree, timeout=900)))
            for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i, o in enumerate(outs):
            said = [line for line in o.err.decode("utf-8", "replace").splitlines() if line.startswith("errlint: error")]
            stray = [line for line in said if "changed since it was read; not fixed" not in line]
            cat.check(f"fix round {trial} run {i}", o, codes=(0, 2), expect=lambda o: "; ".join(stray) or None)
        now = _files(tree)
        wrong = [k for k, v in now.items() if k in before and v not in (before[k], want.get(k))]
        cat.judge(f"fix round {trial} files", None, f"{len(wrong)} files neither old nor fixed: {wrong[:3]}" if wrong else None)
        again = run([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "."], tree, timeout=900)
        cat.check(f"fix round {trial} recovery", again, expect=lambda o: None if _files(tree) == want else "does not converge to the reference fix")


# -- kill -9 ----------------------------------------------------------------------------------------------------
def kills(work: Path, size: dict) -> Category:
    cat = Category("kill -9 during --fix")
    reference = fixture_tree(work / "kill-ref", size["kill_copies"])
    start = time.monotonic()
    run([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "-j", "2", "."], reference, timeout=1800)
    full = time.monotonic() - start
    want = _files(reference)
    tree = fixture_tree(work / "kill-tree", size["kill_copies"])
    original = _files(tree)
    rng = random.Random(2)
    for trial in range(size["kills"]):
        for rel, data in original.items():  # back to the original, whatever the last trial left
            if (tree / rel).read_bytes() != data:
                (tree / rel).write_bytes(data)
        delay = rng.uniform(0.5, full)
        proc = subprocess.Popen([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "-j", "2", "."], cwd=tree, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: its workers must follow it
        proc.wait()
        deadline = time.monotonic() + 10
        while living(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = living(proc.pid)
        kill_group(proc.pid)
        cat.judge(f"kill {trial} at {delay:.1f}s: workers", None, f"{len(left)} processes outlived the parent" if left else None)
        now = _files(tree)
        torn = [k for k, v in now.items() if k in original and v not in (original[k], want.get(k))]
        cat.judge(f"kill {trial}: files", None, f"{len(torn)} files half-written: {torn[:3]}" if torn else None)
        again = run([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "-j", "2", "."], tree, timeout=1800)
        temps = [p for p in tree.rglob("*.errlint-tmp")]
        cat.check(f"kill {trial}: recovery", again, expect=lambda o: (
            "does not converge to the reference fix" if {k: v for k, v in _files(tree).items() if k in want} != want
            else f"{len(temps)} temporary files left" if temps else None))
    return cat


# -- mutants ----------------------------------------------------------------------------------------------------
def _sources(suffixes, extra: Path | None, limit: int) -> list[bytes]:
    found = [p for p in sorted(FIXTURES.rglob("*")) if p.suffix in suffixes and not p.name.endswith((".d.ts", ".fixed.py"))]
    if extra is not None:
        more = [p for p in sorted(extra.rglob("*")) if p.suffix in suffixes and not p.name.endswith(".d.ts")
                and "site-packages" not in p.parts and p.is_file() and not p.is_symlink()]
        found += random.Random(3).sample(more, min(limit, len(more)))
    return [p.read_bytes() for p in found if p.stat().st_size < 200_000]


def mutants(work: Path, size: dict, ts_corpus: Path | None) -> Category:
    cat = Category("mutated files")
    import sysconfig

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sets = (("ts", _sources(TS_SUFFIXES, ts_corpus, 200), TS_TOKENS, size["ts_mutants"], TS_SUFFIXES),
            ("py", _sources((".py",), stdlib, 100), PY_TOKENS, size["py_mutants"], (".py",)))
    for lang, sources, tokens, count, suffixes in sets:
        rng = random.Random(4 if lang == "ts" else 5)
        folder = work / f"mutants-{lang}"
        folder.mkdir()
        made = []
        for i in range(count):
            path = folder / f"b{i // 500}" / f"m{i}{rng.choice(suffixes)}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(mutate(rng.choice(sources), rng, tokens))
            made.append(path)
        for batch in sorted(folder.iterdir()):
            _mutant_batch(cat, batch, f"{lang} {batch.name}")
        for i in range(size["stdin"]):
            path = rng.choice(made)
            o = run([*ERRLINT, "--no-cache", "-", "--stdin-filename", path.name], folder, stdin=path.read_bytes())
            cat.check(f"{lang} stdin {path.name}", o)
        if lang == "py":
            _mutant_fixes(cat, folder, work)
            o = run([*FLAKE8, *[str(p) for p in made[:size["flake8"]]]], folder, timeout=1800)
            cat.check("py flake8", o, expect=lambda o: None)
    return cat


def _mutant_batch(cat: Category, batch: Path, label: str) -> None:
    files = sorted(p for p in batch.iterdir())
    o = run([*ERRLINT, "--no-cache", "--exit-zero", "--output-format", "json", "."], batch, timeout=1800)
    if o.timed_out or o.code != 0 or b"Traceback" in o.err:
        for p in files:  # find which file it was
            one = run([*ERRLINT, "--no-cache", "--exit-zero", p.name], batch)
            cat.check(f"{label} {p.name}", one)
        return
    lines = {p.name: len(p.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")) for p in files}
    bad = {d[0] for d in findings(o.out) if d[3] == "ERR999" or not 1 <= d[1] <= lines.get(os.path.basename(d[0]), 1 << 30)}
    cat.rss_kb = max(cat.rss_kb, o.rss_kb)
    for p in files:
        cat.judge(f"{label} {p.name}", None, "ERR999 or a finding outside the file" if p.name in bad else None)


def _mutant_fixes(cat: Category, folder: Path, work: Path) -> None:
    """--fix --unsafe-fixes on the Python mutants: every file it changes still compiles (if it did)."""
    copy = work / "mutants-py-fix"
    shutil.copytree(folder, copy)
    before = _files(copy)
    o = run([*ERRLINT, "--no-cache", "--exit-zero", "--fix", "--unsafe-fixes", "."], copy, timeout=3600)
    cat.check("py --fix", o, codes=(0, 2))
    for rel, data in _files(copy).items():
        if data != before[rel]:
            try:
                compile(data, rel, "exec", dont_inherit=True)
                why = None
            except SyntaxError as exc:
                why = f"the fixed file does not compile: {exc.msg}"
            cat.judge(f"py --fix {rel}", None, why)


# -- main -------------------------------------------------------------------------------------------------------
FULL = {"copies": 6, "rounds": 12, "fix_rounds": 6, "kill_copies": 4, "kills": 14, "ts_mutants": 5000, "py_mutants": 2000,
        "stdin": 150, "flake8": 400}
QUICK = {"copies": 2, "rounds": 3, "fix_rounds": 2, "kill_copies": 2, "kills": 3, "ts_mutants": 500, "py_mutants": 200,
         "stdin": 10, "flake8": 50}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated categories: concurrency, kill, mutants, files, config, cache")
    ap.add_argument("--ts-corpus", type=Path, help="a folder of real TypeScript/JavaScript to mutate too")
    ap.add_argument("--keep", type=Path, help="work here and keep the files (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    size = QUICK if args.quick else FULL
    work = args.keep or Path(tempfile.mkdtemp(prefix="errlint-stress-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = {
        "concurrency": lambda: concurrency(work / "c", size),
        "kill": lambda: kills(work / "k", size),
        "mutants": lambda: mutants(work / "m", size, args.ts_corpus),
        "files": lambda: stress_inputs.hostile_files(work / "f"),
        "config": lambda: stress_inputs.config_and_packs(work / "p"),
        "cache": lambda: stress_inputs.corrupted_cache(work / "x"),
    }
    chosen = [c for c in (args.only.split(",") if args.only else runs) if c]
    results = []
    try:
        for name in chosen:
            (work / name[0]).mkdir(exist_ok=True)
            start = time.monotonic()
            cat = runs[name]()
            cat.seconds = time.monotonic() - start
            results.append(cat)
            print(f"{cat.name}: {cat.trials} trials, {len(cat.failures)} failures, peak RSS {cat.rss_kb // 1024} MB, "
                  f"{cat.seconds:.0f} s", flush=True)
            for failure in cat.failures[:20]:
                print(f"    FAIL {failure}", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'category':34} {'trials':>7} {'failures':>9} {'peak RSS':>9} {'time':>7}")
    for cat in results:
        print(f"{cat.name:34} {cat.trials:>7} {len(cat.failures):>9} {cat.rss_kb // 1024:>6} MB {cat.seconds:>6.0f}s")
    total = sum(len(c.failures) for c in results)
    print(f"{'total':34} {sum(c.trials for c in results):>7} {total:>9} {max((c.rss_kb for c in results), default=0) // 1024:>6} MB")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
