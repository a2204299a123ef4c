"""Lint PyPI packages written for older SDK generations (openai 0.x) and show which generation
errlint chose for each file and why (issue 17, point 3).

Installs each package below without its dependencies into a scratch directory, then, for every
file that uses an SDK with generations, prints the choice (the code, the declared dependency,
or the pack's current generation), and errlint's findings:

    python scripts/generations_check.py [--dir /tmp/errlint-generations] [--skip-install]

The verdicts of the last review are in the commit that added this script.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_code_check import install  # noqa: E402 - the sibling script installs the same way

# name==version (each declares openai < 1 or was written for it): top-level directories to lint
PACKAGES = {
    "openai==0.28.1": ["openai"],
    "pyautogen==0.1.14": ["autogen"],
    "langchain==0.0.200": ["langchain"],
    "llama-index==0.8.5": ["llama_index"],
    "guidance==0.0.64": ["guidance"],
    "instructor==0.2.11": ["instructor"],
    "marvin==1.3.0": ["marvin"],
    "embedchain==0.0.70": ["embedchain"],
    "gpt-engineer==0.1.0": ["gpt_engineer"],
}


def choices(targets: list[str]) -> Counter:
    from errlint.packs import load_registry
    from errlint.project.deps import DeclaredIndex, choose_generations, generation_tops
    from errlint.python.evidence import used_names

    registry = load_registry()
    tops, declared = generation_tops(registry), DeclaredIndex()
    out: Counter = Counter()
    for target in targets:
        for path in sorted(Path(target).rglob("*.py")):
            source = path.read_bytes()
            used = used_names(source, tops)
            for c in choose_generations(registry, used, lambda: declared.for_path(str(path)))[1]:
                out[(c.pack, c.generation.name, c.by)] += 1
                if c.by == "code" and "-v" in sys.argv:
                    print(f"{path}: {c.describe()} ({c.why})")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/errlint-generations")
    ap.add_argument("--skip-install", action="store_true")
    ap.add_argument("-v", action="store_true", help="print the evidence of each file decided by its code")
    args = ap.parse_args()
    targets = install(PACKAGES, Path(args.dir), args.skip_install)  # scripts/real_code_check.py's
    if targets is None:
        return 2
    for (pack, generation, by), n in sorted(choices(targets).items()):
        print(f"{n:5d} file(s): {pack} {generation}, decided by {by}")
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--no-cache", "-j", "2", *targets], capture_output=True, text=True)
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)
    return 0 if proc.returncode in (0, 1) else proc.returncode


if __name__ == "__main__":
    sys.exit(main())
