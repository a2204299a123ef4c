"""Lint published npm packages that call the TypeScript packs' SDKs, for review (issue 24's real-code run).

    python scripts/ts_sdk_callers_check.py                  # npm pack the packages, unpack them, lint them
    python scripts/ts_sdk_callers_check.py --skip-install   # reuse what an earlier run unpacked
    python scripts/ts_sdk_callers_check.py --dir DIR        # somewhere else (default /tmp/errlint-sdk-callers)

Each package of PACKAGES is fetched with ``npm pack NAME@VERSION`` (the
tarball alone: no dependencies, no install scripts) and unpacked to
DIR/src/NAME@VERSION; errlint lints them as they ship (built ``dist``
JavaScript, CommonJS and ESM, where that is all they publish) with every rule,
a configuration that excludes nothing and no cache. Prints:

* every finding with its source line, and the count per code;
* what errlint read (from a check that only counts, run in this process on
  the same files): catch clauses, SDK calls recognised in ``try`` bodies per
  pack, and those whose client's retries errlint read from the code
  (``maxRetries: 0`` and the like) rather than assumed.

Exits 1 on a traceback, an ERR999 (internal error) or an exit code other than
0 or 1. The verdicts of the last review are in docs/typescript.md
("On real code") and the issue's closing note.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name@version: the SDKs it calls (for the reader; errlint finds them itself)
PACKAGES = {
    "@langchain/core@1.4.0": "the retry layer of LangChain's integrations (AsyncCaller)",
    "@langchain/openai@1.6.0": "openai",
    "@langchain/anthropic@1.5.11": "@anthropic-ai/sdk",
    "@langchain/groq@1.3.1": "groq-sdk",
    "@langchain/cohere@1.0.5": "cohere-ai",
    "@langchain/mistralai@1.2.0": "@mistralai/mistralai",
    "@langchain/aws@1.4.5": "@aws-sdk/client-bedrock-runtime",
    "@langchain/google-genai@2.3.2": "@google/generative-ai",
    "@langchain/community@1.1.29": "many",
    "@llamaindex/openai@0.4.23": "openai",
    "@llamaindex/anthropic@0.3.27": "@anthropic-ai/sdk",
    "@google/gemini-cli-core@0.61.0": "@google/genai",
    "@mariozechner/pi-ai@0.73.1": "openai, anthropic, google-genai, mistral, bedrock",
    "@mariozechner/pi-coding-agent@0.73.1": "through pi-ai",
    "@openai/agents-openai@0.20.0": "openai",
    "@mastra/core@1.71.0": "openai and others",
    "@instructor-ai/instructor@1.7.0": "openai",
    "llm-api@1.6.0": "openai, anthropic",
    "zod-gpt@0.16.0": "through llm-api",
    "@aws-lambda-powertools/idempotency@2.35.0": "@aws-sdk/client-dynamodb",
    "@aws-lambda-powertools/parameters@2.35.0": "ssm, secrets manager, dynamodb, appconfig",
    "electrodb@3.9.3": "DynamoDB v2 and v3 document clients",
    "dynamoose@4.2.0": "@aws-sdk/client-dynamodb",
    "dynamodb-toolbox@2.10.6": "@aws-sdk/lib-dynamodb",
    "s3-sync-client@4.3.1": "@aws-sdk/client-s3",
    "sqs-consumer@15.0.3": "@aws-sdk/client-sqs",
    "sqs-producer@8.0.4": "@aws-sdk/client-sqs",
    "@middy/ssm@7.9.2": "@aws-sdk/client-ssm",
    "@medusajs/payment-stripe@2.21.2": "stripe",
    "@stripe/agent-toolkit@0.9.0": "stripe, openai",
    "@payloadcms/plugin-stripe@3.90.2": "stripe",
    "@slack/bolt@5.1.0": "@slack/web-api",
    "@slack/oauth@4.0.0": "@slack/web-api",
    "probot@14.3.2": "octokit",
    "@octokit/app@16.1.4": "octokit",
    "@octokit/plugin-throttling@11.0.5": "octokit",
    "@actions/github@9.1.1": "octokit",
    "@semantic-release/github@12.0.10": "octokit with plugin-retry and plugin-throttling",
    "release-it@21.1.2": "octokit",
    "danger@14.0.7": "octokit",
    "@novu/providers@0.24.2": "ses, sns, sendgrid, twilio",
}


def fetch(packages: list[str], folder: Path) -> list[Path]:
    """``npm pack`` each package into folder/tgz and unpack it to folder/src/<name@version>; the package folders."""
    tgz, src = folder / "tgz", folder / "src"
    tgz.mkdir(parents=True, exist_ok=True)
    roots = []
    for spec in packages:
        root = src / spec.replace("/", "+")
        if not root.exists():
            out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(tgz)],
                                 check=True, capture_output=True, text=True).stdout
            tarball = tgz / json.loads(out)[0]["filename"]
            with tarfile.open(tarball) as tar:
                tar.extractall(root, filter="data")
        roots.append(root)
    return roots


def coverage(files: list[Path]) -> Counter:
    """What the front end reads in ``files``: catch clauses, the SDK calls of ``try`` bodies per pack, and
    how many of those have retries read from the code (a check that only counts)."""
    from errlint.checks.base import Check
    from errlint.packs import load_registry
    from errlint.typescript.lint import lint_file

    counts: Counter = Counter()

    class Counting(Check):
        code, name, needs = "ERR990", "counting", frozenset({"tries", "calls"})

        def run(self) -> None:
            for statement in self.file.tries:
                counts["catch clauses and .catch() callbacks read"] += 1
                for call in statement.calls:
                    counts[f"SDK calls in try bodies: {call.pack.name}"] += 1
                    if call.retries is not None and call.retries.note:  # a setting read where the client was built
                        counts[f"SDK calls in try bodies with a retry setting read: {call.retries.note}"] += 1

    registry = load_registry()
    for path in files:
        result = lint_file(str(path), path.read_bytes(), registry, [Counting])
        for d in result.diagnostics:
            if d.code != "ERR000":
                raise RuntimeError(f"{d.path}: {d.message}")
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default="/tmp/errlint-sdk-callers")
    ap.add_argument("--skip-install", action="store_true")
    args = ap.parse_args()
    folder = Path(args.dir)
    if args.skip_install:
        roots = [folder / "src" / spec.replace("/", "+") for spec in PACKAGES]
        missing = [str(r) for r in roots if not r.exists()]
        if missing:
            print(f"missing (run without --skip-install): {missing}", file=sys.stderr)
            return 1
    else:
        roots = fetch(list(PACKAGES), folder)
    (folder / "errlint.toml").write_text("exclude = []\n")
    base = [sys.executable, "-m", "errlint.cli", "--config", str(folder / "errlint.toml"), "--no-respect-gitignore"]
    listed = subprocess.run([*base, "--show-files", *map(str, roots)], capture_output=True, text=True, check=True)
    files = [Path(line).resolve() for line in listed.stdout.splitlines() if line.strip()]
    run = subprocess.run([*base, "--no-cache", "--output-format", "json", "--exit-zero", *map(str, roots)],
                         capture_output=True, text=True)
    if run.returncode != 0 or "Traceback" in run.stderr:
        print(run.stderr, file=sys.stderr)
        return 1
    findings = json.loads(run.stdout)
    print(f"{len(roots)} packages, {len(files)} files linted, {len(findings)} findings")
    print(Counter(f["code"] for f in findings))
    for f in findings:
        path, line = Path(f["filename"]).resolve(), f["location"]["row"]
        text = path.read_text(errors="replace").splitlines()[line - 1].strip()[:160]
        print(f"{path.relative_to((folder / 'src').resolve())}:{line}: {f['code']} {f['message']}\n    {text}")
    counts = coverage(files)
    for key in sorted(counts):
        print(f"{counts[key]:6}  {key}")
    return 1 if any(f["code"] == "ERR999" for f in findings) else 0


if __name__ == "__main__":
    raise SystemExit(main())
