"""Every TypeScript pack against the npm packages it describes, installed at the pinned versions.

The pins are tests/data/npm-pins.json, installed once per machine (``npm_pins``, tests/npm_support.py; the
tests skip, saying why, where npm is absent or the registry unreachable). For each pack with an npm side:

* its ``sdk.npm_version`` is the installed version of its npm package;
* ``errlint packs check`` reads the package's declaration files and agrees: every TypeScript class of the
  pack is an error class the package exports the way the pack says (a named export of its npm modules, or a
  member of one of its ``[typescript] namespaces``), with the same parent; the default export and the
  namespaces exist;
* the attempts its ``[[auto_retry]]`` entries document are what the installed package does by default (read by
  tests/data/npm-defaults.cjs with Node: ``new OpenAI().maxRetries``, ``await new S3Client({}).config.maxAttempts()``,
  stripe-node's ``getMaxNetworkRetries()`` in 12.x, 16.x and 23.x for the TypeScript generations).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from errlint.cli.packs.npm import read_npm
from errlint.cli.packs.npm_compare import compare_npm, npm_trees
from errlint.cli.packs.npm_files import find_npm_package, node_modules_roots, split_specifier
from errlint.packs import load_registry
from errlint.packs.model import TYPESCRIPT

REGISTRY = load_registry()
UNPUBLISHED = {"alter_sdk", "shark_auth"}  # the seed SDKs: @alter-ai/alter-sdk is not on the registry, @sharkauth/sdk
# is github.com/shark-auth/shark's sdk/typescript (package.json 0.1.0), not published either
NOT_PINNED = {"aws_sdk_v2"}  # aws-sdk 2.x: 90 MB, end of support 2025-09-08; its pack has no class to compare
TS_PACKS = [p for p in REGISTRY.packs if p.npm and not p.is_language and p.name not in UNPUBLISHED | NOT_PINNED]
DATA = Path(__file__).parent / "data"


def test_every_npm_pack_is_checked_or_says_why_not():
    npm_packs = {p.name for p in REGISTRY.packs if p.npm and not p.is_language}
    assert npm_packs == {p.name for p in TS_PACKS} | UNPUBLISHED | NOT_PINNED
    assert all(p.npm_version for p in REGISTRY.packs if p.npm and not p.is_language and p.name != "alter_sdk")


@pytest.mark.parametrize("pack", TS_PACKS, ids=[p.name for p in TS_PACKS])
def test_npm_version_is_the_installed_one(pack, npm_pins):
    roots = node_modules_roots([str(npm_pins)])
    versions = {}
    for spec in (*pack.npm, *(m for s in pack.ts_errors.values() for m in s.npm)):
        name = split_specifier(spec)[0]
        try:
            versions[name] = find_npm_package(name, roots).version
        except Exception:
            continue
    assert versions, f"none of {pack.npm} is installed"
    assert pack.npm_version in versions.values(), f"{pack.name}: sdk.npm_version {pack.npm_version}, installed {versions}"


@pytest.mark.parametrize("pack", TS_PACKS, ids=[p.name for p in TS_PACKS])
def test_pack_agrees_with_its_npm_package(pack, npm_pins):
    trees, _missing = npm_trees(pack, node_modules_roots([str(npm_pins)]))
    assert trees, f"{pack.name}: its npm packages are not installed"
    findings, agree = compare_npm(pack, REGISTRY, trees)
    bad = [f"{f.key}: {f.problem}" for f in findings if f.disagrees]
    assert not bad, f"{pack.name} disagrees with npm: {bad}"
    assert agree == len(pack.ts_errors) > 0


def test_the_reading_follows_each_export_form(npm_pins):
    """Named exports, subpaths, the default export's statics, namespaces exported by name, two levels of
    members, export =, other packages' parents: what the packs rely on, as the installed packages have it."""
    roots = node_modules_roots([str(npm_pins)])

    def tree(name, *subs):
        return read_npm(find_npm_package(name, roots), roots, subs)

    openai = tree("openai", "error")
    classes = {c.name: c for c in openai.classes.values()}
    assert openai.default == "OpenAI" and "openai.RateLimitError" in classes["RateLimitError"].exports
    assert "OpenAI.RateLimitError" in classes["RateLimitError"].members  # static RateLimitError: typeof Errors.RateLimitError
    assert classes["LengthFinishReasonError"].exports == ["openai/error.LengthFinishReasonError"]  # not a named export of openai
    assert classes["OAuthError"].parent == "APIError" and not classes["OAuthError"].members  # no OpenAI.OAuthError
    stripe = tree("stripe")
    card = next(c for c in stripe.classes.values() if c.name == "StripeCardError")
    assert stripe.default == "Stripe" and not card.exports and "Stripe.errors.StripeCardError" in card.members
    cohere = next(c for c in tree("cohere-ai").classes.values() if c.name == "TooManyRequestsError")
    assert cohere.members == ["Cohere.TooManyRequestsError"] and cohere.parent == "CohereError"
    s3 = next(c for c in tree("@aws-sdk/client-s3").classes.values() if c.name == "S3ServiceException")
    assert s3.parent == "@smithy/core/client.ServiceException"


def _defaults(npm_pins) -> dict[str, int]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the npm packages' defaults are not read")
    script = Path(npm_pins) / "npm-defaults.cjs"
    shutil.copyfile(DATA / "npm-defaults.cjs", script)
    proc = subprocess.run([node, script.name], cwd=npm_pins, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# the auto_retry entry whose default a package's default is: (pack, generation or None, TypeScript method the entry names)
DEFAULTS = {
    "openai": ("openai", None, "create"), "@anthropic-ai/sdk": ("anthropic", None, "create"),
    "groq-sdk": ("groq", None, "create"), "cohere-ai": ("cohere", None, "chat"), "stripe": ("stripe", None, "create"),
    "stripe@12": ("stripe", "<= 12", "create"), "stripe@16": ("stripe", "13-16", "create"),
    "@mistralai/mistralai": ("mistralai", None, "complete"), "@google/genai": ("google_genai", None, "generateContent"),
    "@slack/web-api": ("slack_web_api", None, "postMessage"), "@octokit/rest": ("octokit", None, "get"),
    "@aws-sdk/client-s3": ("aws_sdk_s3", None, "send"), "@aws-sdk/client-dynamodb": ("aws_sdk_dynamodb", None, "send"),
    "@aws-sdk/client-sqs": ("aws_sdk_sqs", None, "send"), "@aws-sdk/client-sns": ("aws_sdk_sns", None, "send"),
    "@aws-sdk/client-ses": ("aws_sdk_ses", None, "send"), "@aws-sdk/client-lambda": ("aws_sdk_lambda", None, "send"),
    "@aws-sdk/client-bedrock-runtime": ("aws_sdk_bedrock_runtime", None, "send"),
    "@aws-sdk/client-secrets-manager": ("aws_sdk_secrets_manager", None, "send"),
}


def test_documented_attempts_are_the_installed_defaults(npm_pins):
    real = _defaults(npm_pins)
    assert set(DEFAULTS) | {"openai@3"} == set(real)
    for key, (name, generation, method) in DEFAULTS.items():
        pack = REGISTRY.pack_named(name)
        if generation is not None:
            pack = next(g.pack for g in pack.generations_in(TYPESCRIPT) if g.name == generation)
        auto = next(a for a in pack.ts_auto_retry if any(m in ("*", method) or m.endswith(".*") for m in a.methods))
        assert auto.attempts == real[key], f"{key}: the pack says {auto.attempts} attempts by default, the package {real[key]}"
    # openai 3.x: OpenAIApi and Configuration, no OpenAI class: the TypeScript generation "npm 3.x", which retries nothing
    assert real["openai@3"] == 1
    v3 = next(g for g in REGISTRY.pack_named("openai").generations_in(TYPESCRIPT) if g.name == "npm 3.x")
    assert v3.pack.ts_auto_retry == () and v3.pack.ts_client_classes == ("npm:openai.OpenAIApi",)


@pytest.mark.parametrize("package", ["openai", "stripe", "@aws-sdk/client-s3", "cohere-ai"])
def test_extract_npm_prints_a_pack_errlint_loads(package, npm_pins, tmp_path, capsys):
    from cli_support import run
    from errlint.packs import load_pack

    code, out, err = run(capsys, "packs", "extract", "--npm", "--path", str(npm_pins), package)
    assert code == 0, err
    path = tmp_path / "skeleton.toml"
    path.write_text(out)
    pack = load_pack(path)
    assert pack.npm == (package,) and pack.npm_version and len(pack.ts_errors) >= 5
    assert all("retry" not in line or line.lstrip().startswith("#") for line in out.splitlines())  # left to the author
    if package == "stripe":
        assert pack.ts.default_export == "npm:stripe.Stripe" and "Stripe.errors" in pack.ts.namespaces


def test_check_compares_the_typescript_side(npm_pins, tmp_path, capsys):
    from cli_support import run

    code, out, _ = run(capsys, "packs", "check", "--path", str(npm_pins), "rules/openai.toml", "rules/aws_sdk_s3.toml")
    assert code == 0, out
    assert "rules/openai.toml: valid; compared with the installed npm openai 6.49.0 (read from its .d.ts files): 18 TypeScript classes, 18 match; it agrees" in out
    bad = tmp_path / "openai.toml"
    bad.write_text(Path("rules/openai.toml").read_text().replace('typescript_parent = "openai.APIError"  # TypeScript: extends APIError', 'typescript_parent = "openai.AuthenticationError"  #'))
    code, out, _ = run(capsys, "packs", "check", "--path", str(npm_pins), str(bad))
    assert code == 1
    assert "errors.OAuthError.parent: the package's OAuthError extends APIError; the pack says npm:openai.AuthenticationError" in out


def test_the_aws_packs_are_what_the_script_generates(npm_pins):
    import sys

    proc = subprocess.run(
        [sys.executable, "scripts/gen_aws_packs.py", "--path", str(npm_pins), "--check"],
        cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


def test_the_aws_packs_keep_what_is_written_by_hand(npm_pins, tmp_path, monkeypatch):
    """An [[irreversible]] written after the HAND_WRITTEN line survives a regeneration, --check ignores it, and the
    pack reads it: a retry loop around the command is ERR009."""
    import importlib.util
    import shutil
    import sys

    from errlint.checks import ALL_CHECKS
    from errlint.packs import load_pack
    from errlint.packs.registry import PackRegistry, load_packs
    from errlint.typescript import lint_file

    spec = importlib.util.spec_from_file_location("gen_aws_packs", Path(__file__).parent.parent / "scripts" / "gen_aws_packs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    shutil.copytree(gen.ROOT / "rules", tmp_path / "rules")
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    sns = tmp_path / "rules" / "aws_sdk_sns.toml"
    hand = '\n[[irreversible]]\ntypescript = ["PublishCommand", "publish"]\nreason = "A message published twice is delivered twice."\n'
    sns.write_text(sns.read_text() + hand)
    monkeypatch.setattr(sys, "argv", ["gen_aws_packs.py", "--path", str(npm_pins), "--check"])
    assert gen.main() == 0  # what is hand-written is not compared
    monkeypatch.setattr(sys, "argv", ["gen_aws_packs.py", "--path", str(npm_pins)])
    assert gen.main() == 0
    assert sns.read_text().endswith(hand)  # and is kept

    registry = PackRegistry([*(p for p in load_packs() if p.name != "aws_sdk_sns"), load_pack(sns)])
    source = (
        'import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";\n'
        "const sns = new SNSClient({ maxAttempts: 1 });\n"
        "export async function notify(input) {\n"
        "  for (let attempt = 0; attempt < 3; attempt++) {\n"
        "    try { return await sns.send(new PublishCommand(input)); }\n"
        "    catch (e) { await new Promise((r) => setTimeout(r, 2 ** attempt * 100)); }\n"
        "  }\n"
        "}\n"
    )
    found = [(d.code, d.line) for d in lint_file("a.ts", source.encode(), registry, ALL_CHECKS).diagnostics]
    assert ("ERR009", 4) in found, found
