"""The TypeScript / JavaScript front end (errlint/typescript) beyond the fixtures' inline expectations:
grammars by suffix, positions in characters, the syntax verdict, discovery, the command line's outputs,
``// noqa``, and the front end's place in errlint's layers."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cli_support import run
from errlint.checks import ALL_CHECKS
from errlint.engine import Linter
from errlint.run import lint_files
from errlint.workspace.files import discover
from errlint.packs import load_registry
from errlint.typescript import is_typescript, lint_file, runs_on_typescript
from errlint.typescript.parse import grammar_for

SHADOWED_TS = """\
try {
  run();
} catch (e) {
  if (e instanceof Error) {
    throw e;
  } else if (e instanceof TypeError) {
    retry();
  }
}
"""


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def lint(registry, source: str | bytes, path: str = "a.ts"):
    data = source.encode() if isinstance(source, str) else source
    return lint_file(path, data, registry, ALL_CHECKS)


def test_grammar_by_suffix():
    assert [grammar_for(f"a{s}") for s in (".ts", ".mts", ".cts")] == ["typescript"] * 3
    assert grammar_for("a.tsx") == "tsx"
    assert [grammar_for(f"a{s}") for s in (".js", ".mjs", ".cjs", ".jsx")] == ["javascript"] * 4
    assert grammar_for("a.py") is None and not is_typescript("a.py") and is_typescript("src/A.TSX")


def test_only_checks_reading_gathered_facts_run():
    assert [c.code for c in ALL_CHECKS if runs_on_typescript(c)] == [f"ERR00{i}" for i in range(1, 10)]


def test_finding_position_and_message(registry):
    (d,) = lint(registry, SHADOWED_TS).diagnostics
    assert (d.line, d.column, d.end_line, d.end_column) == (6, 14, 6, 36)  # the test `e instanceof TypeError`
    assert d.code == "ERR004" and d.rule == "shadowed-except"
    assert d.message == "instanceof TypeError is unreachable: Error on line 4 catches it first"


def test_columns_count_characters_not_bytes(registry):
    source = SHADOWED_TS.replace("  } else if (e", "  } /* é€😀 */ else if (e")
    (d,) = lint(registry, source).diagnostics
    assert (d.line, d.column, d.end_column) == (6, 24, 46)  # 10 more characters (16 more bytes)
    bad = lint(registry, "const s = 'é€😀'; )\n").diagnostics
    assert [(x.code, x.line, x.column) for x in bad] == [("ERR000", 1, 18)]  # byte 24


def test_syntax_error_gives_err000_and_nothing_else(registry):
    (d,) = lint(registry, "function f( {\n" + SHADOWED_TS + "}\n").diagnostics
    assert d.code == "ERR000" and d.rule == "parse-error"
    assert d.message.startswith("cannot parse: tree-sitter's TypeScript grammar ")
    assert d.message.endswith("; file skipped")
    missing = lint(registry, "const x = (1 + 2;\n").diagnostics
    assert [x.code for x in missing] == ["ERR000"] and "expects ')'" in missing[0].message


def test_not_utf8_is_err000(registry):
    (d,) = lint(registry, b"// caf\xe9\n" + SHADOWED_TS.encode()).diagnostics
    assert (d.code, d.line, d.column) == ("ERR000", 1, 7) and "not valid UTF-8" in d.message


def test_byte_order_mark_is_not_a_column(registry):
    (d,) = lint(registry, b"\xef\xbb\xbf" + SHADOWED_TS.encode()).diagnostics
    assert (d.line, d.column) == (6, 14)


def test_grammars_differ(registry):
    jsx = "const x = <b>{1}</b>;\n" + SHADOWED_TS
    assert [d.code for d in lint(registry, jsx, "a.jsx").diagnostics] == ["ERR004"]
    assert [d.code for d in lint(registry, jsx, "a.tsx").diagnostics] == ["ERR004"]
    assert [d.code for d in lint(registry, jsx, "a.ts").diagnostics] == ["ERR000"]  # no JSX in .ts
    typed = "const x: number = 1;\n" + SHADOWED_TS
    assert [d.code for d in lint(registry, typed, "a.js").diagnostics] == ["ERR000"]  # no types in .js


def test_declaration_files_are_not_linted(registry):
    assert lint(registry, SHADOWED_TS, "types.d.ts").diagnostics == []


def test_noqa(registry):
    assert lint(registry, SHADOWED_TS.replace("TypeError) {", "TypeError) { // noqa: ERR004")).diagnostics == []
    assert lint(registry, SHADOWED_TS.replace("TypeError) {", "TypeError) { // NOQA")).diagnostics == []
    kept = lint(registry, SHADOWED_TS.replace("TypeError) {", "TypeError) { // noqa: ERR003")).diagnostics
    assert [d.code for d in kept] == ["ERR004"]
    assert [d.code for d in lint_file("a.ts", SHADOWED_TS.replace("TypeError) {", "TypeError) { // noqa").encode(), registry, ALL_CHECKS, noqa=False).diagnostics] == ["ERR004"]


def test_a_branch_heading_several_lists_is_reported_once(registry):
    source = """\
try { run(); } catch (e) {
  if (e instanceof Error) return;
  if (e instanceof TypeError) return;
  if (e instanceof RangeError) { log(); } else if (e instanceof Object) { log(); }
  if (e instanceof URIError) return;
}
"""
    found = [(d.line, d.message) for d in lint(registry, source).diagnostics]
    assert found == [
        (3, "instanceof TypeError is unreachable: Error on line 2 catches it first"),
        (4, "instanceof RangeError is unreachable: Error on line 2 catches it first"),
        (5, "instanceof URIError is unreachable: Error on line 2 catches it first"),
    ]


def test_discovery_finds_typescript_and_javascript(tmp_path):
    for name in (
        "a.ts", "b.tsx", "c.js", "d.mjs", "e.cjs", "f.jsx", "g.mts", "h.cts", "types.d.ts", "m.py", "notes.md",
        "node_modules/lib/index.js", "dist/bundle.js", "build/out.js", "src/deep/x.ts",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    found = sorted(os.path.relpath(p, tmp_path) for p in discover([str(tmp_path)]))
    assert found == sorted(
        ["a.ts", "b.tsx", "c.js", "d.mjs", "e.cjs", "f.jsx", "g.mts", "h.cts", "m.py", os.path.join("src", "deep", "x.ts")]
    )


def test_a_run_goes_on_past_a_broken_file(registry, tmp_path):
    files = [("broken.ts", b"function ("), ("good.ts", SHADOWED_TS.encode()), ("m.py", b"try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n")]
    results = lint_files(Linter(registry), files)
    assert [[d.code for d in r.diagnostics] for r in results] == [["ERR000"], ["ERR004"], ["ERR004"]]
    assert not any(r.error for r in results)


def test_command_line_json_and_exit_code(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("app.ts").write_text(SHADOWED_TS)
    Path("ok.js").write_text("try { f(); } catch (e) { if (e instanceof TypeError) {} else if (e instanceof Error) {} }\n")
    code, out, err = run(capsys, "--no-cache", "--output-format", "json", ".")
    assert (code, err) == (1, "")
    (item,) = json.loads(out)
    assert item["code"] == "ERR004" and item["filename"] == "app.ts"
    assert item["location"] == {"row": 6, "column": 14} and item["end_location"] == {"row": 6, "column": 36}
    assert item["fix"] is None
    code, out, _ = run(capsys, "--no-cache", "--fix", ".")  # no TypeScript fixes yet: nothing changes
    assert code == 1 and Path("app.ts").read_text() == SHADOWED_TS


def test_front_end_layers():
    """errlint/typescript imports the language-neutral layers only: never the Python front end,
    the checks' modules, the engine, the command line, the cache or the flake8 plugin."""
    from test_architecture import import_graph

    graph = import_graph()
    forbidden = ("errlint.python", "errlint.checks", "errlint.engine", "errlint.cli", "errlint.run", "errlint.flake8_plugin")
    bad = [
        (module, imported)
        for module, imports in graph.items() if module.startswith("errlint.typescript")
        for imported in imports if imported.startswith(forbidden)
    ]
    assert bad == []


def test_project_classes_give_one_verdict_alone_and_in_a_run(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("errors.ts").write_text("export class AppError extends Error {}\nexport class DbError extends AppError {}\n")
    Path("app.ts").write_text(
        'import { AppError, DbError } from "./errors.js";\n'
        "try { f(); } catch (e) {\n  if (e instanceof AppError) return;\n  if (e instanceof DbError) return;\n}\n"
    )
    alone = [d.format() for d in lint_file("app.ts", Path("app.ts").read_bytes(), registry, ALL_CHECKS).diagnostics]
    assert alone == ["app.ts:4:7: ERR004 instanceof DbError is unreachable: AppError on line 3 catches it first"]
    results = lint_files(Linter(registry), [(p, Path(p).read_bytes()) for p in ("app.ts", "errors.ts")])
    assert [d.format() for d in results[0].diagnostics] == alone and results[1].diagnostics == []
    assert results[0].depends  # what it read, so a cached result is not trusted blindly


def test_cached_result_follows_a_changed_project_module(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("errors.ts").write_text("export class AppError extends Error {}\nexport class DbError extends AppError {}\n")
    Path("app.ts").write_text(
        'import { AppError, DbError } from "./errors";\n'
        "try { f(); } catch (e) {\n  if (e instanceof AppError) return;\n  if (e instanceof DbError) return;\n}\n"
    )
    assert run(capsys, "app.ts")[0] == 1
    assert run(capsys, "app.ts")[0] == 1  # from the cache, or not: the same verdict
    Path("errors.ts").write_text("export class AppError extends Error {}\nexport class DbError extends Error {}\n")
    code, out, _ = run(capsys, "app.ts")
    assert code == 0, out


# -- receivers, SDK calls and branch effects ("calls", "effects") ---------------------------------

def facts(registry, source: str, grammar: str = "typescript"):
    """(the try statements with calls and effects, the SdkCalls) of ``source``, as lint.py gathers them."""
    from errlint.typescript.catches import CatchReader
    from errlint.typescript.context import TsFile
    from errlint.typescript.effects import EffectReader
    from errlint.typescript.lint import guarded
    from errlint.typescript.names import ModuleNames
    from errlint.typescript.parse import Lines, captures, parse
    from errlint.typescript.receivers import SdkCalls

    tree, text = parse(source.encode(), grammar)
    names = ModuleNames(tree.root_node, "./a", registry)
    ctx = TsFile("a.ts", "a", registry, names, Lines(text))
    reader = CatchReader(names, ctx.span, EffectReader(names, registry))
    receivers = SdkCalls(names, registry, ctx.span)
    tries = []
    for catch in sorted(captures(grammar, "(catch_clause) @c", tree.root_node).get("c", ()), key=lambda n: n.start_byte):
        for t in reader.try_statements(catch):
            t.calls = receivers.calls_in(guarded(t.node))
            t.other_calls = receivers.count_calls(guarded(t.node)) > len(t.calls)
            tries.append(t)
    return tries, receivers


RECEIVERS_TS = """\
import { AlterVault } from "@alter-ai/alter-sdk";
import * as alter from "@alter-ai/alter-sdk";
async function loadVault(): Promise<alter.AlterVault> { return new alter.AlterVault({}); }
const arrowFactory = (): AlterVault | undefined => undefined;
export async function f(url: string, vault: AlterVault) {
  try {
    const loaded = await loadVault();
    await loaded.request("GET", url);
    await arrowFactory()!.request("GET", url);
    await vault.pollConnectSession("s");
    other(() => vault.request("GET", url));
    new Date();
    await vault
      .connect({ providers: ["google"] });
  } catch (e) {
    throw e;
  }
}
"""


def test_sdk_calls_of_a_try_body(registry):
    (t,), _ = facts(registry, RECEIVERS_TS)
    assert [c.text for c in t.calls] == ["loaded.request", "arrowFactory()!.request", "vault.pollConnectSession", "vault.connect"]
    assert [c.client.how for c in t.calls] == ["factory", "factory", "annotated", "annotated"]
    first = t.calls[0]
    assert first.pack.name == "alter_sdk" and first.method == "request"
    assert (first.at.line, first.at.column, first.at.end_line, first.at.end_column) == (8, 11, 8, 37)  # the call expression
    assert first.auto_retry is not None and first.auto_retry.attempts == 3
    assert (first.retries.state, first.retries.attempts) == ("known", 3)
    # the polling methods' auto-retry is Python's (no TypeScript name in the seeds): none here
    assert t.calls[2].auto_retry is None and t.calls[2].retries is None and t.calls[2].irreversible is None
    # other(...), new Date(), loadVault(), arrowFactory(): calls besides the SDK's (the arrow's body is not counted)
    assert t.other_calls


def test_count_calls_leaves_nested_functions_out(registry):
    (t,), receivers = facts(registry, RECEIVERS_TS)
    body = t.node.child_by_field_name("body")
    assert receivers.count_calls(body) == 8  # 4 SDK calls, loadVault(), arrowFactory(), other(...), new Date()


def test_only_sdk_calls_means_no_other_calls(registry):
    source = 'import { AlterVault } from "@alter-ai/alter-sdk";\nasync function f(v: AlterVault) {\n  try { await v.request("GET", "u"); } catch (e) { throw e; }\n}\n'
    (t,), _ = facts(registry, source)
    assert len(t.calls) == 1 and not t.other_calls


def test_javascript_require_and_constructor_fields(registry):
    source = (
        'const { AlterVault } = require("@alter-ai/alter-sdk");\nconst sdk = require("@alter-ai/alter-sdk");\n'
        "class C {\n  constructor() { this.a = new AlterVault({}); this.b = new sdk.AlterVault({}); this.c = {}; }\n"
        '  async m() { try { await this.a.request(); await this.b.request(); await this.c.request(); } catch (e) { throw e; } }\n}\n'
    )
    (t,), _ = facts(registry, source, "javascript")
    assert [c.text for c in t.calls] == ["this.a.request", "this.b.request"]


def test_shark_auth_typescript_client_has_no_auto_retry(registry):
    source = (
        'import { VaultClient } from "@sharkauth/sdk";\n'
        'async function f(v: VaultClient) { try { await v.exchange("t"); } catch (e) { throw e; } }\n'
    )
    (t,), _ = facts(registry, source)
    (call,) = t.calls
    assert call.pack.name == "shark_auth" and call.auto_retry is None and call.irreversible is None


EFFECTS_TS = """\
import { AlterVault, BackendError, GrantExpiredError, ReAuthRequiredError } from "@alter-ai/alter-sdk";
async function f(vault: AlterVault) {
  try {
    await vault.request("GET", "u");
  } catch (err) {
    if (err instanceof ReAuthRequiredError) throw err;
    if (err instanceof GrantExpiredError) { await vault.connect({}); return; }
    if (err instanceof BackendError) {
      if (err instanceof TypeError) throw err;
      console.warn("failed");
    } else if (err instanceof RangeError) {
      throw new Error("wrapped", { cause: err });
    } else {
      const { message } = err as Error;
      if (message === "x") return null;
    }
    logger.info("after");
  }
}
"""


def test_branch_effects(registry):
    tries, _ = facts(registry, EFFECTS_TS)  # two lists: the BackendError branch does not always leave
    effects = {h.text: h.effect for t in tries for h in t.handlers}
    assert list(effects) == [
        "instanceof ReAuthRequiredError", "instanceof GrantExpiredError", "instanceof BackendError",
        "instanceof RangeError", "the else branch", "the statements after the last instanceof test",
    ]
    assert effects["the statements after the last instanceof test"].summary == "only logs"
    rethrow = effects["instanceof ReAuthRequiredError"]
    assert rethrow.reraises and rethrow.name == "err" and not rethrow.swallows
    reauth = effects["instanceof GrantExpiredError"]
    assert reauth.reauth == "connect" and reauth.exits == frozenset({"return"}) and not reauth.swallows
    broad = effects["instanceof BackendError"]  # falls off its end into logger.info(...)
    assert broad.exits == frozenset({"raise", "fall"}) and broad.guarded
    assert broad.escapes == ("globalThis.TypeError",)
    assert broad.summary == "carries on"
    wrapped = effects["instanceof RangeError"]  # throw new Error(..., { cause: err })
    assert wrapped.reraises
    other = effects["the else branch"]  # a name declared from the error decides a return
    assert other.exits == frozenset({"return", "fall"}) and other.guarded and other.swallows


@pytest.mark.parametrize(
    "body, exits, summary",
    [
        ("", {"fall"}, "does nothing"),
        ("console.error(e); logger.warn('x');", {"fall"}, "only logs"),
        ("return [];", {"return"}, "returns instead"),
        ("result = null;", {"fall"}, "assigns a default"),
        ("metrics.count(); process.exit(1);", {"raise"}, "carries on"),
        ("try { cleanup(); } finally { throw e; }", {"raise"}, "carries on"),
        ("while (true) { wait(); }", set(), "carries on"),
        ("switch (e.code) { case 'a': throw e; default: break; }", {"raise", "fall"}, "carries on"),
    ],
)
def test_catch_with_no_test_effects(registry, body, exits, summary):
    source = f"try {{ run(); }} catch (e) {{ {body} }}\n"
    (t,), _ = facts(registry, source)
    (h,) = t.handlers
    assert h.text == "catch (e)" and h.effect.name == "e"
    assert h.effect.exits == frozenset(exits) and h.effect.summary == summary


def test_narrowed_branch_is_a_decision_on_the_error(registry):
    source = (
        "try { run(); } catch (e) {\n  if (e instanceof RangeError && e.message === 'x') return null;\n  throw e;\n}\n"
    )
    (t,), _ = facts(registry, source)
    h = t.handlers[0]
    assert h.refs[0].narrowed and h.effect.exits == frozenset({"return", "raise"}) and h.effect.guarded
    assert not h.effect.swallows


def test_err003_judges_retry_loops_in_typescript(registry):
    source = (
        'import { AlterVault } from "@alter-ai/alter-sdk";\n'
        "async function f(v: AlterVault) {\n  for (;;) {\n    try { return await v.request(); } catch (e) { continue; }\n  }\n}\n"
        "async function g(v: AlterVault) {\n  for (;;) {\n    const h = async () => { try { return await v.request(); } catch (e) { return null; } };\n  }\n}\n"
    )
    found = [(d.code, d.line, d.message) for d in lint(registry, source).diagnostics if d.code == "ERR003"]
    assert [(code, line) for code, line, _ in found] == [("ERR003", 4), ("ERR003", 9)]
    assert "retries them forever: the retry loop on line 3 has no attempt cap" in found[0][2]


def test_a_branch_that_is_no_class_test_is_named_by_its_test(registry):
    source = "try { run(); } catch (e) {\n  if (e instanceof RangeError) return 1;\n  else if (e && isRetryable(e.message)) return 2;\n}\n"
    (t,), _ = facts(registry, source)
    assert [h.text for h in t.handlers] == ["instanceof RangeError", "if (e && isRetryable(e.message))"]


def test_untyped_factories_whose_every_return_is_a_client(registry):
    source = (
        'const { AlterVault } = require("@alter-ai/alter-sdk");\n'
        "function make(key) { if (key) { return new AlterVault({ key }); } return new AlterVault({}); }\n"
        "const arrow = () => new AlterVault({});\n"
        "function mixed(key) { if (key) return new AlterVault({}); return null; }\n"
        "function loop() { return loop(); }\n"
        "async function f() {\n  try { await make('k').request(); await arrow().request(); await mixed().request(); await loop().request(); }\n"
        "  catch (e) { throw e; }\n}\n"
    )
    (t,), _ = facts(registry, source, "javascript")
    assert [c.text for c in t.calls] == ["make('k').request", "arrow().request"]
    assert {c.client.how for c in t.calls} == {"factory"}
