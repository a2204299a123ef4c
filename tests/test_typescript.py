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
from errlint.files import discover
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
    assert [c.code for c in ALL_CHECKS if runs_on_typescript(c)] == ["ERR001", "ERR002", "ERR003", "ERR004", "ERR005", "ERR006", "ERR008", "ERR009"]


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
    results = Linter(registry).run(files)
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
    forbidden = ("errlint.python", "errlint.checks", "errlint.engine", "errlint.cli", "errlint.cache", "errlint.flake8_plugin")
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
    results = Linter(registry).run([(p, Path(p).read_bytes()) for p in ("app.ts", "errors.ts")])
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
