"""The TypeScript side of the npm SDK packs beyond the fixtures' inline expectations: how code names their
classes and clients (default imports, statics, namespaces, CommonJS, compiled interop), which settings change
their retries, the npm generations chosen from package.json and lock files (and the cache that follows them),
the NUL bytes a literal may hold, and the validation of the TypeScript keys of a pack."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run
from errlint.checks import ALL_CHECKS
from errlint.packs import PackError, load_pack, load_registry
from errlint.packs.versions import parse_npm_range, parse_version
from errlint.project.npm_deps import NpmDeclared
from errlint.typescript import lint_file
from errlint.typescript.names import ModuleNames
from errlint.typescript.parse import parse
from errlint.typescript.receivers import SdkCalls


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def names_of(registry, source: str, grammar: str = "typescript") -> ModuleNames:
    tree, _ = parse(source.encode(), grammar)
    return ModuleNames(tree.root_node, "./a", registry), tree


def qualname(registry, source: str, expr: str, grammar: str = "typescript") -> str | None:
    """The class ``expr`` (written on the file's last line as ``x instanceof <expr>``) names."""
    names, tree = names_of(registry, source + f"\nx instanceof {expr};\n", grammar)
    stmt = tree.root_node.named_children[-1]
    return names.qualname(stmt.named_children[0].child_by_field_name("right"))


@pytest.mark.parametrize("source, expr, expected", [
    ('import OpenAI from "openai";', "OpenAI.RateLimitError", "npm:openai.RateLimitError"),  # the default export's statics
    ('import { OpenAI } from "openai";', "OpenAI.BadRequestError", "npm:openai.BadRequestError"),
    ('import * as oa from "openai";', "oa.OpenAI.APIError", "npm:openai.APIError"),
    ('import { APIError as E } from "openai/error";', "E", "npm:openai.APIError"),  # a subpath
    ('import Stripe from "stripe";', "Stripe.errors.StripeCardError", "npm:stripe.StripeCardError"),  # two levels
    ('import Stripe from "stripe";\nconst stripe = new Stripe("k");', "stripe.errors.StripeCardError", "npm:stripe.StripeCardError"),
    ('const stripe = require("stripe")("k");', "stripe.errors.StripeAPIError", "npm:stripe.StripeAPIError"),
    ('const Stripe = require("stripe");', "Stripe.errors.StripeError", "npm:stripe.StripeError"),  # CommonJS: the module is Stripe
    ('import { Cohere } from "cohere-ai";', "Cohere.TooManyRequestsError", "cohere-ai.TooManyRequestsError"),  # a name no Python module has: no npm: prefix
    ('import Anthropic from "@anthropic-ai/sdk";', "Anthropic.OverloadedError", "@anthropic-ai/sdk.OverloadedError"),
    ('const sdk_1 = __importDefault(require("openai"));', "sdk_1.default.RateLimitError", "?sdk_1.default.RateLimitError"),
    ('const oa_1 = tslib_1.__importStar(require("openai"));', "oa_1.RateLimitError", "npm:openai.RateLimitError"),
    ('import OpenAI from "openai";', "OpenAI.Nope.RateLimitError", "?OpenAI.Nope.RateLimitError"),  # no such namespace
    ('import Stripe from "stripe";', "Stripe.StripeCardError", "?Stripe.StripeCardError"),  # not a static of Stripe
])
def test_how_typescript_names_sdk_classes(registry, source, expr, expected):
    assert qualname(registry, source, expr) == expected


def sdk_calls(registry, source: str, path: str = "a.ts"):
    """(text, method, attempts or None when retries are off or unread) of each SDK call of the file."""
    from errlint.typescript.parse import Lines

    names, tree = names_of(registry, source, "javascript" if path.endswith(".js") else "typescript")
    lines = Lines(source.encode())
    calls = SdkCalls(names, registry, lambda node, end=None: None)
    out = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            found = calls.sdk_call(node)
            if found is not None:
                out.append((found.text, found.method, found.auto_retry.attempts if found.auto_retry else None,
                            found.retries.attempts if found.retries and found.auto_retry else None))
        stack.extend(reversed(node.children))
    del lines
    return out


def test_clients_and_the_settings_that_change_their_retries(registry):
    source = """
import OpenAI from "openai";
import Stripe from "stripe";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
const a = new OpenAI();
const b = new OpenAI({ maxRetries: 4 });
const c = new Stripe(key, { maxNetworkRetries: 0 });
const d = new S3Client({ maxAttempts: 2 });
const e = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 1 }));
const opts = { maxRetries: 1 };
const f = new OpenAI(opts);
a.chat.completions.create({});
b.embeddings.create({});
a.withOptions({ maxRetries: 0 }).files.list();
a.embeddings.create({}, { maxRetries: 0 });
c.charges.create({});
d.send(new GetObjectCommand({}));
e.send(new PutCommand({}));
f.models.list();
"""
    found = sdk_calls(registry, source)
    assert ("a.chat.completions.create", "create", 3, 3) in found
    assert ("b.embeddings.create", "create", 3, 5) in found  # maxRetries: 4
    assert ("a.withOptions", "withOptions", None, None) in found  # a copy, not a request
    assert ("a.withOptions({ maxRetries: 0 }).files.list", "list", None, None) in found  # retries off
    assert ("a.embeddings.create", "create", None, None) in found  # the request option
    assert ("c.charges.create", "create", None, None) in found  # maxNetworkRetries: 0 (the second argument)
    assert ("d.send", "GetObjectCommand", 3, 2) in found  # the command is the operation; maxAttempts counts attempts
    assert ("e.send", "PutCommand", None, None) in found  # the factory keeps the client's maxAttempts: 1
    assert ("f.models.list", "list", 3, 2) in found  # through a const options object


def test_octokit_retries_only_with_the_retry_plugin(registry):
    source = """
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
const Retrying = Octokit.plugin(retry);
const plain = new Octokit();
const retrying = new Retrying();
plain.rest.repos.get({});
retrying.rest.repos.get({});
retrying.rest.repos.get({ request: { retries: 0 } });
"""
    found = sdk_calls(registry, source)
    assert found == [
        ("plain.rest.repos.get", "get", None, None),
        ("retrying.rest.repos.get", "get", 4, 4),
        ("retrying.rest.repos.get", "get", None, None),
    ]


def test_mistral_and_genai_are_off_unless_configured(registry):
    source = """
import { Mistral } from "@mistralai/mistralai";
import { GoogleGenAI } from "@google/genai";
const m = new Mistral({ retryConfig: { strategy: "backoff" } });
const plain = new Mistral();
const g = new GoogleGenAI({ httpOptions: { retryOptions: {} } });
m.chat.complete({});
plain.chat.complete({});
g.models.generateContent({});
g.interactions.create({});
"""
    found = sdk_calls(registry, source)
    assert found == [
        ("m.chat.complete", "complete", 1, None),  # on, how many attempts not fixed (time-bounded)
        ("plain.chat.complete", "complete", None, None),
        ("g.models.generateContent", "generateContent", 1, 5),  # retryOptions without attempts: 5
        ("g.interactions.create", "create", None, None),  # not described
    ]


# -- API generations from the npm project -----------------------------------------------------------

STRIPE_LOOP = """import Stripe from "stripe";
const stripe = new Stripe("sk");
export async function f() {
  for (let i = 0; i < 3; i++) {
    try { return await stripe.charges.create({}); }
    catch (e) { if (e instanceof Stripe.errors.StripeConnectionError) { await sleep(2 ** i); continue; } throw e; }
  }
}
"""


@pytest.mark.parametrize("files, reported, assumed", [
    ({}, True, True),
    ({"package.json": '{"dependencies": {"stripe": "^12.18.0"}}'}, False, False),
    ({"package.json": '{"dependencies": {"stripe": "^17.0.0"}}'}, True, False),
    ({"package.json": '{"devDependencies": {"stripe": ">=13 <17"}}'}, True, False),  # 1 retry: still redundant
    ({"package.json": '{"dependencies": {"stripe": "^17.0.0"}}',
      "package-lock.json": '{"lockfileVersion": 3, "packages": {"node_modules/stripe": {"version": "12.18.0"}}}'}, False, False),
    ({"package.json": '{"dependencies": {"stripe": "*"}}', "yarn.lock": '"stripe@*":\n  version "11.1.0"\n'}, False, False),
    ({"package.json": '{"dependencies": {"stripe": "*"}}', "pnpm-lock.yaml": "packages:\n\n  stripe@12.5.0:\n    resolution: {}\n"}, False, False),
])
def test_the_npm_generation_comes_from_the_project(tmp_path, monkeypatch, capsys, files, reported, assumed):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the search for declarations stops here
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "pay.ts").write_text(STRIPE_LOOP)
    code, out, _ = run(capsys, "--select", "ERR001", "pay.ts")
    assert (code == 1) == reported, out
    assert ("assumed stripe >= 17" in out) == assumed, out


def test_a_cached_result_follows_a_changed_package_json(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "package.json").write_text('{"dependencies": {"stripe": "^17.0.0"}}')
    (tmp_path / "pay.ts").write_text(STRIPE_LOOP)
    assert run(capsys, "--select", "ERR001", "pay.ts")[0] == 1
    assert run(capsys, "--select", "ERR001", "pay.ts")[0] == 1  # from the cache
    (tmp_path / "package.json").write_text('{"dependencies": {"stripe": "^12.0.0"}}')
    assert run(capsys, "--select", "ERR001", "pay.ts")[0] == 0


@pytest.mark.parametrize("text, inside, outside", [
    ("^12.1.0", ["12.1.0", "12.99.0"], ["12.0.9", "13.0.0"]),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0"]),
    ("^0.2.3", ["0.2.9"], ["0.3.0"]),
    (">=13 <17", ["13.0.0", "16.12.0"], ["12.18.0", "17.0.0"]),
    ("16.x", ["16.0.0", "16.12.0"], ["17.0.0"]),
    ("1.2 - 2.3", ["1.2.0", "2.3.9"], ["2.4.0"]),
    ("12 || 14", ["12.5.0", "13.0.0", "14.1.0"], ["15.0.0"]),  # a union spans its parts
    ("*", ["0.0.1", "99.0.0"], []),
])
def test_npm_ranges(text, inside, outside):
    interval = parse_npm_range(text)
    assert all(interval.contains(parse_version(v)) for v in inside)
    assert not any(interval.contains(parse_version(v)) for v in outside)


@pytest.mark.parametrize("text", ["workspace:*", "file:../stripe", "github:stripe/stripe-node", "npm:stripe@12", "latest-beta-x y"])
def test_what_is_no_npm_range(text):
    assert parse_npm_range(text) is None


def test_npm_declarations(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"openai": "^4.20.0"}, "peerDependencies": {"stripe": "^16"}}))
    (tmp_path / "yarn.lock").write_text('"@aws-sdk/client-s3@^3.0.0", "@aws-sdk/client-s3@^3.500.0":\n  version "3.600.0"\n')
    d = NpmDeclared(str(tmp_path))
    assert d.lookup(["openai"])[1] == 'package.json: "openai": "^4.20.0"'
    assert d.lookup(["@aws-sdk/client-s3"])[1] == "yarn.lock: @aws-sdk/client-s3 3.600.0"
    assert d.lookup(["groq-sdk"]) is None


def test_a_fifo_named_package_json_is_not_read(tmp_path):
    import os
    import threading

    os.mkfifo(tmp_path / "package.json")
    (tmp_path / "yarn.lock").write_text('"openai@^4.0.0":\n  version "4.20.0"\n')
    done = []
    reader = threading.Thread(target=lambda: done.append(NpmDeclared(str(tmp_path))), daemon=True)
    reader.start()
    reader.join(10)
    assert done, "NpmDeclared waited on a FIFO"
    assert done[0].lookup(["openai"])[1] == "yarn.lock: openai 4.20.0"


# -- NUL bytes ----------------------------------------------------------------------------------------

def test_a_nul_byte_in_a_literal_or_comment_is_linted(registry):
    source = (
        b'const q = `abc\x00 try { f() } catch (e) { if (e instanceof Error) {} else if (e instanceof TypeError) {} }`;\n'
        b'const s = "x\x00y"; // note\x00 here\n/* \x00 */\nconst r = /a\x00b/;\n'
        b"try { g(); } catch (e) {\n  if (e instanceof Error) {}\n  else if (e instanceof TypeError) {}\n}\n"
    )
    found = lint_file("a.ts", source, registry, ALL_CHECKS).diagnostics
    # no ERR000, and the try written inside the template literal is not code: one ERR004, on line 6
    assert [(d.code, d.line) for d in found] == [("ERR004", 7)]


def test_a_nul_byte_outside_a_literal_is_err000(registry):
    found = lint_file("a.ts", b"const a = 1;\x00\nconst b = 2;\n", registry, ALL_CHECKS).diagnostics
    assert [(d.code, d.line, d.column) for d in found] == [("ERR000", 1, 13)]
    assert "a NUL byte outside a string, template literal or comment" in found[0].message


# -- reserved words as module export names -----------------------------------------------------------

def test_a_reserved_word_as_an_export_name_is_linted(registry):
    """Bundlers name chunks' exports `in`, `do`, `if` (@mastra/core's dist): valid JavaScript that tree-sitter rejects."""
    source = (
        b"class MyError extends Error {}\nclass Sub extends MyError {}\n"
        b"export { MyError as in, Sub as do };\n"
        b"try { f(); } catch (e) {\n  if (e instanceof MyError) {}\n  else if (e instanceof Sub) {}\n}\n"
    )
    for path in ("chunk.js", "chunk.ts"):
        found = lint_file(path, source, registry, ALL_CHECKS).diagnostics
        assert [(d.code, d.line, d.column) for d in found] == [("ERR004", 6, 12)], path


def test_a_reserved_word_imported_from_a_chunk_names_its_class(tree, capsys):
    (tree / "chunk.js").write_text("class MyError extends Error {}\nclass Sub extends MyError {}\nexport { MyError as in, Sub as do };\n")
    (tree / "main.js").write_text(
        'import { in as Base, do as Child } from "./chunk.js";\n'
        "export function g(f) {\n  try { f(); } catch (e) {\n    if (e instanceof Base) { return 1; }\n"
        "    else if (e instanceof Child) { return 2; }\n  }\n}\n"
    )
    code, out, _ = run(capsys, "--no-cache", "--output-format", "json", ".")
    assert [(f["filename"], f["code"], f["location"]["row"]) for f in json.loads(out)] == [("main.js", "ERR004", 5)]


def test_a_reserved_word_outside_a_specifier_is_still_err000(registry):
    found = lint_file("a.js", b"export { a as in };\nconst in = 1;\n", registry, ALL_CHECKS).diagnostics
    assert [d.code for d in found] == ["ERR000"]


# -- the pack schema's TypeScript keys ---------------------------------------------------------------

BASE = '[sdk]\nname = "acme"\nnpm = ["@acme/sdk"]\n[clients]\ntypescript = ["Acme"]\n[errors.AcmeError]\n'


@pytest.mark.parametrize("extra, message", [
    ('[errors.Sub]\nparent = "AcmeError"\ntypescript_parent = "Nope"\n', "errors.Sub.typescript_parent: unknown class 'Nope'"),
    ('[errors.Sub]\ntypescript_name = "not a name"\n', "errors.Sub.typescript_name: 'not a name' is not a class name"),
    ('[errors.Sub]\nlanguages = ["python"]\ntypescript_name = "X"\n', "languages"),
    ('[[auto_retry]]\ntypescript = ["*"]\non = ["AcmeError"]\ntypescript_settings = [{ path = ["x"] }]\n', "expected one of counts"),
    ('[[auto_retry]]\ntypescript = ["*"]\non = ["AcmeError"]\ntypescript_settings = [{ path = ["x"], values = { none = -1 } }]\n', "expected the attempts it means"),
    ('[[auto_retry]]\ntypescript = ["*"]\non = ["AcmeError"]\nsettings = [{ path = ["x"], counts = "retries" }]\n', "auto_retry[0].settings: Python's (the entry has no methods); TypeScript's is typescript_settings"),
    ('[[auto_retry]]\nmethods = ["x"]\ntypescript_settings = []\n', "auto_retry[0].typescript_settings: only with typescript"),
    ('[[auto_retry]]\ntypescript = ["*"]\ntypescript_plugins = ["other-pkg.retry"]\n', "typescript_plugins: 'other-pkg.retry'"),
    ('[typescript]\nfactories = ["from"]\n', "typescript.factories: 'from': expected \"Class.method\""),
    ('[typescript]\nnope = 1\n', "typescript.nope: unknown key"),
    ('[[generations]]\nname = "old"\nlanguage = "typescript"\nversions = "<2"\n', "sdk.npm_version: required with typescript [[generations]]"),
])
def test_bad_typescript_keys_name_the_key(tmp_path, extra, message):
    path = tmp_path / "acme.toml"
    path.write_text(BASE + extra)
    with pytest.raises(PackError) as exc:
        load_pack(path)
    assert message in str(exc.value) and "acme.toml" in str(exc.value)


def test_typescript_keys_need_an_npm_side(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text('[sdk]\nname = "acme"\nmodules = ["acme"]\n[typescript]\ndefault_export = "Acme"\n')
    with pytest.raises(PackError, match="typescript: the pack has no TypeScript side"):
        load_pack(path)


def test_a_typescript_name_and_parent_of_their_own(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(
        '[sdk]\nname = "acme"\nmodules = ["acme"]\nnpm = ["@acme/sdk"]\n'
        '[errors.ApiError]\nlanguages = ["python"]\n'
        '[errors.AcmeError]\nlanguages = ["typescript"]\n'
        '[errors.CardError]\nparent = "ApiError"\ntypescript_name = "AcmeCardError"\ntypescript_parent = "AcmeError"\n'
        'npm = ["@acme/sdk/errors"]\ntypescript_retry = "never"\n'
    )
    pack = load_pack(path)
    card = pack.ts_errors["@acme/sdk.AcmeCardError"]
    assert card.parents == ("@acme/sdk.AcmeError",) and card.retry == "never" and card.npm == ("@acme/sdk/errors",)
    assert "@acme/sdk/errors.AcmeCardError" in card.import_names
    assert pack.errors["acme.CardError"].parents == ("acme.ApiError",) and pack.errors["acme.CardError"].retry == "unspecified"
