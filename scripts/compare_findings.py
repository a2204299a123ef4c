"""Do two versions of errlint give the same findings and the same fixes? (a refactor's "behaviour unchanged" check)

    python scripts/compare_findings.py BASE [HEAD] [--fixes] [--out DIR]

BASE and HEAD are git revisions of this repository (HEAD: the work tree as it
is). Each is checked out into a temporary directory and run with this
interpreter (``PYTHONPATH`` pointing at the checkout; the dependencies are the
ones installed here) on the running interpreter's standard library (copied, as
benchmarks/run.py does), on examples/ and on tests/fixtures/, with
``--no-cache --output-format json``. Findings are compared as (file, line,
column, end, code, message, fix applicability, fix edits); the script prints
what one version reports and the other does not, and exits 1 when they differ.

``--fixes`` also runs ``--fix --unsafe-fixes`` on a copy of each corpus with
each version and compares the files it wrote, byte for byte. ``--out DIR``
keeps each version's JSON report (``DIR/<corpus>.<base|head>.json``) and the
fixed files' digests, for a closing note.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def checkout(rev: str | None, dest: Path) -> Path:
    """The source tree of ``rev`` (None: the work tree) under ``dest``."""
    if rev is None:
        return REPO
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def stdlib_copy(dest: Path) -> Path:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for p in sorted(stdlib.rglob("*.py")):
        rel = p.relative_to(stdlib)
        if "site-packages" in rel.parts or p.is_symlink():
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest / rel)
    (dest / "errlint.toml").write_text("exclude = []\n")  # the stdlib's test folders too
    return dest


def findings(source: Path, corpus: Path, extra: list[str], keep: Path | None = None) -> set[tuple]:
    env = dict(os.environ, PYTHONPATH=str(source))
    proc = subprocess.run(
        [sys.executable, "-m", "errlint.cli", "--no-cache", "--exit-zero", "--output-format", "json", *extra, "."],
        cwd=corpus, env=env, capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"errlint from {source} failed on {corpus}: {proc.stderr.strip()}")
    if keep is not None:
        keep.write_text(proc.stdout)
    out = set()
    for d in json.loads(proc.stdout):
        fix = d.get("fix") or {}
        out.add((
            d["filename"], d["location"]["row"], d["location"]["column"],
            d["end_location"]["row"], d["end_location"]["column"], d["code"], d["message"],
            fix.get("applicability"), json.dumps(fix.get("edits"), sort_keys=True),
        ))
    return out


def fixed_files(source: Path, corpus: Path, scratch: Path, jobs: str) -> dict[str, str]:
    """``--fix --unsafe-fixes`` on a copy of ``corpus``: relative path -> digest of each file it changed."""
    shutil.copytree(corpus, scratch, symlinks=True)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in scratch.rglob("*") if p.is_file() and not p.is_symlink()}
    env = dict(os.environ, PYTHONPATH=str(source))
    subprocess.run(
        [sys.executable, "-m", "errlint.cli", "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", "-q", "-j", jobs, "."],
        cwd=scratch, env=env, capture_output=True, text=True,
    )
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in scratch.rglob("*") if p.is_file() and not p.is_symlink()}
    return {str(p.relative_to(scratch)): d for p, d in after.items() if before.get(p) != d}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base")
    ap.add_argument("head", nargs="?")
    ap.add_argument("-j", "--jobs", default=str(os.cpu_count() or 1))
    ap.add_argument("--fixes", action="store_true", help="also compare what --fix --unsafe-fixes writes")
    ap.add_argument("--out", type=Path, help="keep each version's JSON report and fixed files' digests here")
    args = ap.parse_args()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="errlint-compare-") as tmp:
        root = Path(tmp)
        sources = {name: checkout(rev, root / name) for name, rev in (("base", args.base), ("head", args.head))}
        fixtures = root / "fixtures"
        shutil.copytree(REPO / "tests" / "fixtures", fixtures, symlinks=True)  # as the base sees them: no cache written
        corpora = {"stdlib": stdlib_copy(root / "stdlib"), "examples": REPO / "examples", "fixtures": fixtures}
        differ = False
        for label, corpus in corpora.items():
            got = {
                name: findings(src, corpus, ["-j", args.jobs], args.out / f"{label}.{name}.json" if args.out else None)
                for name, src in sources.items()
            }
            only_base, only_head = got["base"] - got["head"], got["head"] - got["base"]
            print(f"{label}: {len(got['base'])} findings in base, {len(got['head'])} in head; "
                  f"{len(only_base)} only in base, {len(only_head)} only in head")
            for name, items in (("base", only_base), ("head", only_head)):
                for item in sorted(items)[:50]:
                    print(f"  only in {name}: {item[0]}:{item[1]}:{item[2]}: {item[5]} {item[6]} [{item[7]}]")
            differ = differ or bool(only_base or only_head)
            if args.fixes:
                wrote = {name: fixed_files(src, corpus, root / f"fixed-{label}-{name}", args.jobs) for name, src in sources.items()}
                changed = sorted(p for p in wrote["base"].keys() | wrote["head"].keys() if wrote["base"].get(p) != wrote["head"].get(p))
                print(f"{label}: --fix --unsafe-fixes changed {len(wrote['base'])} files in base, {len(wrote['head'])} in head; "
                      f"{len(changed)} differ")
                for path in changed[:50]:
                    print(f"  fixed differently: {path}")
                if args.out is not None:
                    (args.out / f"{label}.fixes.json").write_text(json.dumps(wrote, indent=1, sort_keys=True))
                differ = differ or bool(changed)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
