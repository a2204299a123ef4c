"""Run errlint with every rule over a real corpus, then --fix --unsafe-fixes on a copy of it.

    python scripts/corpus_check.py                 # the running interpreter's stdlib + site-packages
    python scripts/corpus_check.py DIR [DIR ...]   # other trees

Checks, and exits 1 when one fails:

* no traceback and no ERR999: every file is linted; unparseable ones are ERR000;
* counts per code, and every ERR004 finding, are printed for review;
* on a copy of the corpus, every file ``--fix --unsafe-fixes`` changed still
  parses with LibCST and compiles (when the original did), a second ``--fix``
  changes nothing, and files without an applicable fix are byte-identical.
"""
from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

import libcst as cst


def default_roots() -> list[Path]:
    paths = sysconfig.get_paths()
    roots = [Path(paths["stdlib"])]
    for key in ("purelib", "platlib"):
        p = Path(paths[key])
        if p.is_dir() and p not in roots:
            roots.append(p)
    return roots


def errlint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "errlint.cli", *args], capture_output=True, text=True, cwd=cwd)


def python_files(root: Path, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Every .py under ``root``, leaving out ``skip`` trees (the stdlib holds the base site-packages)."""
    out = []
    for p in root.rglob("*.py"):
        if p.is_symlink() or not p.is_file():
            continue
        if "site-packages" in p.relative_to(root).parts and root.name != "site-packages":
            continue
        if any(s in p.parents for s in skip):
            continue
        out.append(p)
    return sorted(out)


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or default_roots()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="errlint-corpus-") as tmp:
        copy = Path(tmp) / "corpus"
        copy.mkdir()
        originals: dict[Path, bytes] = {}
        for i, root in enumerate(roots):
            # lint the trees as given (the default excludes skip nothing inside them: copy them flat)
            dest = copy / f"{i}_{root.name}"
            for src in python_files(root):
                rel = src.relative_to(root)
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    data = src.read_bytes()
                except OSError:
                    continue
                target.write_bytes(data)
                originals[target] = data
        print(f"corpus: {len(originals)} files from {', '.join(map(str, roots))}")
        proc = errlint("--output-format", "json", "--exit-zero", "--config", str(_config(copy)), str(copy))
        if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
            failures.append(f"lint run failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
            findings = []
        else:
            findings = json.loads(proc.stdout)
        counts = Counter(f["code"] for f in findings)
        print("findings per code:", dict(sorted(counts.items())))
        print(f"ERR000 (cannot parse): {counts.get('ERR000', 0)}")
        if counts.get("ERR999"):
            failures.append(f"{counts['ERR999']} internal errors (ERR999)")
            for f in findings:
                if f["code"] == "ERR999":
                    print("  ", f["filename"], f["message"])
        for f in findings:
            if f["code"] == "ERR004":
                print(f"  ERR004 {f['filename']}:{f['location']['row']}: {f['message']}")
        fixable = {f["filename"] for f in findings if f.get("fix")}

        fix = errlint("--fix", "--unsafe-fixes", "--exit-zero", "--config", str(_config(copy)), str(copy))
        if fix.returncode not in (0, 1) or "Traceback" in fix.stderr:
            failures.append(f"--fix run failed (exit {fix.returncode}): {fix.stderr[-2000:]}")
        changed = 0
        for path, before in originals.items():
            after = path.read_bytes()
            if after == before:
                continue
            changed += 1
            if str(path) not in fixable and str(path.resolve()) not in fixable:
                failures.append(f"{path}: changed without an applicable fix")
            try:
                cst.parse_module(after)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"{path}: fixed file does not parse with LibCST: {exc}")
            if _compiles(before) and not _compiles(after):
                failures.append(f"{path}: fixed file does not compile")
        print(f"--fix --unsafe-fixes changed {changed} files")
        again = errlint("--diff", "--unsafe-fixes", "--config", str(_config(copy)), str(copy))
        if again.returncode != 0:
            failures.append("a second --fix would change files:\n" + again.stdout[:3000])
    for f in failures:
        print("FAIL:", f)
    print("OK" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


def _config(copy: Path) -> Path:
    """A configuration that excludes nothing: corpora hold build/ and test data folders too."""
    path = copy.parent / "errlint.toml"
    if not path.exists():
        path.write_text('exclude = []\n')
    return path


def _compiles(data: bytes) -> bool:
    try:
        compile(data, "<corpus>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
