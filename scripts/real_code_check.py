"""Lint the installed source of popular PyPI packages that call the public SDK packs.

Installs each package below (without its dependencies: only its own source is
linted) into a scratch directory and runs errlint over it:

    python scripts/real_code_check.py [--dir /tmp/errlint-real-code] [--skip-install]

Prints errlint's findings (concise) and, per package, how many. The verdicts of
the last review are in the commit that added this script and in the lead's notes.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

# name==version: top-level import directories to lint (what the wheel installs)
PACKAGES = {
    "langchain-openai==1.7.4": ["langchain_openai"],
    "langchain-anthropic==1.7.10": ["langchain_anthropic"],
    "langchain-aws==1.9.1": ["langchain_aws"],
    "llama-index-llms-openai==0.8.3": ["llama_index/llms/openai"],
    "llama-index-llms-anthropic==0.12.3": ["llama_index/llms/anthropic"],
    "instructor==1.17.0": ["instructor"],
    "openai-agents==0.24.0": ["agents"],
    "pydantic-ai-slim==2.68.0": ["pydantic_ai"],
    "dspy==3.4.1": ["dspy"],
    "s3fs==2026.9.0": ["s3fs"],
    "smart-open==9.0.2": ["smart_open"],
    "cloudpathlib==0.26.0": ["cloudpathlib"],
    "awswrangler==3.17.1": ["awswrangler"],
    "kombu==5.7.0": ["kombu"],
    "dj-stripe==2.11.0": ["djstripe"],
}


def install(packages: dict[str, list[str]], site: Path, skip: bool) -> list[str] | None:
    """Install ``packages`` (name==version: the import directories to lint) without their dependencies
    into ``site`` (unless ``skip``); the directories to lint, or None (printed) when some are missing."""
    if not skip:
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target", str(site), *packages],
            check=True,
        )
    targets = [str(site / d) for dirs in packages.values() for d in dirs]
    missing = [t for t in targets if not Path(t).exists()]
    if missing:
        print(f"missing after install: {missing}", file=sys.stderr)
        return None
    return targets


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/errlint-real-code")
    ap.add_argument("--skip-install", action="store_true")
    args = ap.parse_args()
    site = Path(args.dir)
    targets = install(PACKAGES, site, args.skip_install)
    if targets is None:
        return 2
    proc = subprocess.run(
        [sys.executable, "-m", "errlint.cli", "--no-cache", "-j", "2", *targets],
        capture_output=True, text=True,
    )
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)
    counts = Counter()
    for line in proc.stdout.splitlines():
        for t in targets:
            if line.startswith(t):
                counts[t[len(str(site)) + 1:]] += 1
    for t in targets:
        rel = t[len(str(site)) + 1:]
        print(f"{rel}: {counts[rel]} finding(s)")
    return 0 if proc.returncode in (0, 1) else proc.returncode


if __name__ == "__main__":
    sys.exit(main())
