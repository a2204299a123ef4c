"""Side-by-side benchmark on TypeScript and JavaScript: errlint against ESLint with typescript-eslint.

    python benchmarks/typescript.py                 # install, build the corpus, time each tool once
    python benchmarks/typescript.py --runs 3        # medians of 3 rounds (each round runs every tool once)
    python benchmarks/typescript.py --skip-install  # reuse what an earlier run installed
    python benchmarks/typescript.py --dir DIR       # install and build somewhere else

The corpus is the source of several popular packages installed from the npm
registry at the versions pinned in PACKAGES, into the benchmark's own folder
(benchmarks/.typescript, not committed) with `npm install --ignore-scripts`.
Their code files (.ts .tsx .mts .cts .js .mjs .cjs .jsx; declaration files
.d.ts left out: errlint reads them only where a file imports them, and ESLint
would lint them) are copied into DIR/corpus, one folder a package, outside
node_modules as a real repository's sources are: both tools skip node_modules.
Packages that publish their TypeScript sources contribute them (src/), the
others their JavaScript as published (compiled for typeorm, hand-written for
axios, mongoose, undici and knex; the `typescript` package's lib/ is its
compiler, bundled).

ESLint and typescript-eslint are installed, pinned, into the same folder
(typescript@5.9.3 is then both a corpus package and typescript-eslint's peer),
and so are oxlint and Biome, two native linters timed on the same corpus as
speed references (oxlint's default rule set with `--threads N`, `biome lint`
with its recommended rules and a configuration that lifts its 1 MiB file-size
limit; their file counts are printed, and they are not part of the ratio's
file check: they read files their own way).
The ESLint configuration, written to DIR/eslint.config.mjs, is
typescript-eslint's `recommended` alone: the set that runs without type
information, so with no tsconfig project (the type-checked sets need one per
package), applied to every code file of the corpus. ESLint's exit code 1
(findings) counts as a success.

errlint is the one installed in the interpreter running this script, run with
every rule, cold (`--no-cache`), `-j N` (default: the number of cores), a
configuration that excludes nothing and `--no-respect-gitignore` (the folder is
gitignored in errlint's repository); ESLint with `--concurrency N` (its
threads) and, with --eslint-serial, also without (its default). Before timing,
the files each tool lints are listed (`errlint --show-files`, ESLint's JSON
report) and must be the same. Printed per tool: median wall and CPU seconds,
peak RSS (GNU time), lines per second of wall time and per CPU second, and
errlint's wall and CPU times divided by the tool's (on a shared machine the
CPU figures are the steadier ones).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from run import TOOL_ENV, timed

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE / ".typescript"
# package@version (pinned): folders inside the package copied into the corpus ("." the whole package),
# and folders left out below them
PACKAGES: dict[str, tuple[list[str], list[str]]] = {
    "rxjs@7.8.2": (["src"], []),
    "typeorm@1.1.1": (["."], ["browser"]),  # compiled CommonJS; browser/ is the same code as ES modules
    "typescript@5.9.3": (["lib"], []),
    "axios@1.21.1": (["lib"], []),
    "openai@7.57.0": (["src"], []),
    "@anthropic-ai/sdk@1.12.0": (["src"], []),
    "mongoose@9.12.1": (["lib"], []),
    "zod@4.6.7": (["src"], []),
    "effect@4.1.0": (["src"], []),
    "mongodb@7.9.0": (["src"], []),
    "undici@8.12.4": (["lib"], []),
    "@trpc/server@11.25.2": (["src"], []),
    "@apollo/server@5.5.1": (["src"], []),
    "knex@3.3.0": (["lib"], []),
}
LINTERS = ["eslint@10.15.0", "typescript-eslint@8.73.0"]
# native linters, timed on the same files as speed references (their rules are not errlint's or ESLint's)
REFERENCES = ["oxlint@1.96.0", "@biomejs/biome@2.6.9"]
BIOME_CONFIG = {  # every file of the corpus, whatever its size (Biome skips files over 1 MiB by default)
    "files": {"maxSize": 200_000_000, "includes": ["**"]},
    "vcs": {"enabled": False},
    "formatter": {"enabled": False},
    "assist": {"enabled": False},
    "linter": {"enabled": True},
}
CODE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
ESLINT_CONFIG = """\
// Written by benchmarks/typescript.py: typescript-eslint's recommended set (no type information)
import tseslint from "typescript-eslint";

export default [
  { files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs,jsx}"] },
  ...tseslint.configs.recommended,
];
"""


def split_spec(spec: str) -> tuple[str, str]:
    """``("@scope/name", "1.2.3")`` from ``"@scope/name@1.2.3"``."""
    name, _, version = spec.rpartition("@")
    return name, version


def install(folder: Path) -> None:
    """npm-install the corpus packages and the linters, pinned, into ``folder``; write the ESLint configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    deps = dict(split_spec(s) for s in [*PACKAGES, *LINTERS, *REFERENCES])
    manifest = {"name": "errlint-typescript-benchmark", "private": True, "dependencies": deps}
    (folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    subprocess.run(
        ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True
    )
    (folder / "eslint.config.mjs").write_text(ESLINT_CONFIG)
    (folder / "biome.json").write_text(json.dumps(BIOME_CONFIG, indent=2) + "\n")
    (folder / "errlint.toml").write_text("exclude = []\n")


def is_code(name: str) -> bool:
    return name.endswith(CODE_SUFFIXES) and not name.endswith(DECLARATION_SUFFIXES)


def build_corpus(folder: Path) -> list[Path]:
    """Copy the packages' code files into ``folder/corpus`` (made anew); the copies, sorted."""
    corpus = folder / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    # an empty .git makes the corpus a repository of its own: oxlint honours the enclosing repository's
    # .gitignore (benchmarks/.typescript is in errlint's) and has no option to stop; every tool skips .git
    (corpus / ".git").mkdir(parents=True)
    files = []
    for spec, (roots, left_out) in PACKAGES.items():
        name, _ = split_spec(spec)
        package = folder / "node_modules" / name
        if not package.is_dir():
            raise SystemExit(f"{package}: not installed (run without --skip-install)")
        for root in roots:
            base = package / root
            for dirpath, dirs, names in os.walk(base):
                rel_dir = Path(dirpath).relative_to(package)
                dirs[:] = sorted(d for d in dirs if d != "node_modules" and (rel_dir / d).as_posix() not in left_out)
                for fname in sorted(names):
                    src = Path(dirpath) / fname
                    if not is_code(fname) or src.is_symlink() or fname.startswith("eslint.config."):
                        continue
                    target = corpus / name.replace("/", "__") / src.relative_to(package)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, target)
                    files.append(target)
    return sorted(files)


def errlint_command(folder: Path, jobs: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "errlint.cli", "--config", str(folder / "errlint.toml"), "--no-respect-gitignore",
            "--no-cache", "-j", str(jobs), "--exit-zero", *extra, "."]


def eslint_command(folder: Path, *extra: str) -> list[str]:
    return ["node", str(folder / "node_modules" / "eslint" / "bin" / "eslint.js"), "-c",
            str(folder / "eslint.config.mjs"), *extra, "."]


def oxlint_command(folder: Path, jobs: int) -> list[str]:
    return [str(folder / "node_modules" / ".bin" / "oxlint"), "--threads", str(jobs), "--quiet", "."]


def biome_command(folder: Path) -> list[str]:
    return [str(folder / "node_modules" / ".bin" / "biome"), "lint", "--config-path", str(folder / "biome.json"),
            "--max-diagnostics=0", "--diagnostic-level=error", "."]


def reference_files(folder: Path, cmd: list[str]) -> str:
    """How many files a speed reference says it linted (oxlint: "on N files", Biome: "Checked N files")."""
    import re

    proc = subprocess.run(cmd, cwd=folder / "corpus", capture_output=True, text=True)
    found = re.search(r"(?:on|Checked) (\d+) files?", proc.stdout + proc.stderr)
    return found.group(1) if found else "?"


def files_seen(folder: Path, jobs: int) -> tuple[set[str], set[str], dict]:
    """The files errlint and ESLint lint in the corpus (relative paths), and ESLint's message counts."""
    corpus = folder / "corpus"
    shown = subprocess.run(errlint_command(folder, jobs, "--show-files"), cwd=corpus, capture_output=True, text=True,
                           env=TOOL_ENV, check=True)
    errlint_files = {os.path.normpath(line.strip()) for line in shown.stdout.splitlines() if line.strip()}
    report = folder / "eslint-report.json"
    proc = subprocess.run(eslint_command(folder, "--format", "json", "-o", str(report)), cwd=corpus,
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"eslint failed (exit {proc.returncode}): {proc.stderr[-3000:]}")
    results = json.loads(report.read_text())
    eslint_files = {os.path.relpath(r["filePath"], corpus) for r in results}
    stats = {
        "messages": sum(len(r["messages"]) for r in results),
        "files that do not parse": sum(any(m.get("fatal") for m in r["messages"]) for r in results),
    }
    return errlint_files, eslint_files, stats


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"where to install and build (default: {DEFAULT_DIR})")
    ap.add_argument("--skip-install", action="store_true", help="reuse the packages an earlier run installed")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="errlint's processes and ESLint's --concurrency threads (default: the number of cores)")
    ap.add_argument("--eslint-serial", action="store_true", help="also time ESLint on one thread (its default)")
    args = ap.parse_args()
    folder = args.dir.resolve()
    if not args.skip_install:
        install(folder)
    files = build_corpus(folder)
    corpus = folder / "corpus"
    lines = sum(f.read_bytes().count(b"\n") for f in files)
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"corpus: {len(files)} files, {lines} lines from {len(PACKAGES)} packages "
          f"(Python {sys.version.split()[0]}, node {node}, {os.cpu_count()} cores)")
    for spec in PACKAGES:
        top = corpus / split_spec(spec)[0].replace("/", "__")
        mine = [f for f in files if top in f.parents]
        mine_lines = sum(f.read_bytes().count(b"\n") for f in mine)
        print(f"  {spec}: {len(mine)} files, {mine_lines} lines")

    expected = {str(f.relative_to(corpus)) for f in files}
    errlint_files, eslint_files, stats = files_seen(folder, args.jobs)
    for tool, seen in (("errlint", errlint_files), ("eslint", eslint_files)):
        if seen != expected:
            print(f"{tool} lints {len(seen)} files, not the corpus's {len(expected)}: "
                  f"missing {sorted(expected - seen)[:5]}, extra {sorted(seen - expected)[:5]}", file=sys.stderr)
            return 2
    print(f"both tools lint the same {len(expected)} files; ESLint reports {stats['messages']} messages, "
          f"{stats['files that do not parse']} files it cannot parse\n")

    tools = [
        (f"errlint, every rule (--no-cache, -j {args.jobs})", errlint_command(folder, args.jobs)),
        (f"eslint + typescript-eslint recommended (--concurrency {args.jobs})",
         eslint_command(folder, "--concurrency", str(args.jobs))),
    ]
    if args.eslint_serial:
        tools.append(("eslint + typescript-eslint recommended (one thread)", eslint_command(folder)))
    references = []
    if (folder / "node_modules" / ".bin" / "oxlint").exists():
        references.append((f"oxlint 1.96 default rules (--threads {args.jobs}; speed reference)", oxlint_command(folder, args.jobs)))
    if (folder / "node_modules" / ".bin" / "biome").exists():
        references.append(("biome 2.6 lint, recommended rules (speed reference)", biome_command(folder)))
    for name, cmd in references:
        print(f"{name}: lints {reference_files(folder, cmd)} files")
    tools += references
    samples: dict[str, list[tuple[float, float, int, int]]] = {name: [] for name, _ in tools}
    for round_ in range(args.runs):
        for name, cmd in tools:
            sample = timed(cmd, corpus)
            if sample[3] not in (0, 1):
                print(f"{name} exited {sample[3]}", file=sys.stderr)
                if (name, cmd) not in references:
                    return 2
            samples[name].append(sample)
            print(f"  round {round_ + 1}: {name}: {sample[0]:.2f} s", flush=True)
    results = [
        (name, statistics.median(s[0] for s in samples[name]), statistics.median(s[1] for s in samples[name]),
         max(s[2] for s in samples[name]))
        for name, _ in tools
    ]
    base_wall, base_cpu = results[0][1], results[0][2]
    print(f"\nmedians of {args.runs} round(s), {len(files)} files, {lines} lines\n")
    print("| tool | wall s | CPU s | peak RSS MB | lines/s (wall) | lines per CPU s | errlint / tool, wall | errlint / tool, CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, wall, cpu, rss in results:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss} | {lines / wall:,.0f} | {lines / cpu:,.0f} | "
              f"{base_wall / wall:.3f} | {base_cpu / cpu:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
