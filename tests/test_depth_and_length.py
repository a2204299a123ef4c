"""Depth is bounded and cost follows the input's size in every dimension (issue 28).

Deeply nested code in either language is ERR000 "too deeply nested" or findings,
never a hang, a MemoryError or a RecursionError: through the command line,
standard input and the flake8 plugin. The costs are counted in operations (what
the parser is asked, what the readers visit), never timed. The curves themselves
are benchmarks/stress_curves.py's.
"""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from errlint.engine import Linter
from errlint.packs import load_registry
from errlint.source import MAX_PYTHON_DEPTH
from errlint.typescript.parse import MAX_DEPTH

from cli_support import findings, run

SHADOW = "except Exception:\n    pass\nexcept ValueError:\n    pass\n"
TOO_DEEP = "ERR000 cannot parse: too deeply nested (more than 1000 levels, errlint's limit); file skipped"
NO_ROOM = "ERR000 cannot parse: too deeply nested (CPython's parser runs out of room); file skipped"


@pytest.fixture(scope="module")
def linter():
    return Linter(load_registry())


def call_chain(n: int) -> str:
    return "try:\n    x = vault" + ".request()" * n + "\n" + SHADOW


PYTHON_CASES = {
    "call chain of 600 (1,200 deep)": (call_chain(600), f"a.py:2:1: {TOO_DEEP}"),
    "call chain of 20,000": (call_chain(20000), f"a.py:1:1: {NO_ROOM}"),
    "binary operators x100,000": ("try:\n    x = " + " + ".join(["a"] * 100000) + "\n" + SHADOW, f"a.py:1:1: {NO_ROOM}"),
    "not x50,000": ("try:\n    x = " + "not " * 50000 + "a\n" + SHADOW, f"a.py:1:1: {NO_ROOM}"),
    "lambda x3,000": ("try:\n    x = " + "lambda: " * 3000 + "1\n" + SHADOW, f"a.py:1:1: {NO_ROOM}"),
}


@pytest.mark.parametrize("case", sorted(PYTHON_CASES))
def test_deep_python_is_one_err000_through_the_cli_and_standard_input(tree, capsys, monkeypatch, case):
    source, expected = PYTHON_CASES[case]
    (tree / "a.py").write_text(source)
    code, out, err = run(capsys, "--no-cache", "a.py")
    assert (code, findings(out)) == (1, [expected]), err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.encode())))
    code, out, _ = run(capsys, "--no-cache", "-", "--stdin-filename", "a.py")
    assert (code, findings(out)) == (1, [expected])


def test_deep_python_never_reaches_libcst(linter, monkeypatch):
    """The depth is read from CPython's tree before LibCST's parser, whose time grows with the square
    of the depth and more (a chain of 2,500 calls took 13 s, 5,000 took 71 s)."""
    import errlint.python.parse as parse

    parsed = []
    real = parse.parse_module
    monkeypatch.setattr(parse, "parse_module", lambda source, *rest: parsed.append(len(source)) or real(source, *rest))
    for case in sorted(PYTHON_CASES):
        result = linter.lint_source("a.py", PYTHON_CASES[case][0].encode())
        assert [d.code for d in result.diagnostics] == ["ERR000"] and not result.error
    assert parsed == []
    shallow = linter.lint_source("a.py", call_chain(400).encode())  # 800 deep: read, and its finding reported
    assert [d.code for d in shallow.diagnostics] == ["ERR004"] and len(parsed) == 1


def test_a_broken_deep_chain_never_reaches_libcst(linter, monkeypatch):
    """A file CPython rejects has no tree to measure: a statement of more than 1,000 tokens gets
    CPython's reason without LibCST (a broken 20,000-link chain hung LibCST's parser); a short
    broken file still goes to LibCST, which may read syntax newer than this Python's."""
    import errlint.python.parse as parse

    parsed = []
    real = parse.parse_module
    monkeypatch.setattr(parse, "parse_module", lambda source, *rest: parsed.append(len(source)) or real(source, *rest))
    broken = "try:\n    x = vault" + ".request()" * 20000 + "\npass\n" + SHADOW  # 'pass' ends the try
    result = linter.lint_source("a.py", broken.encode())
    assert [d.format() for d in result.diagnostics] == ["a.py:3:1: ERR000 cannot parse: expected 'except' or 'finally' block (3:1)"]
    assert parsed == []
    short = linter.lint_source("a.py", ("try:\n    x = vault" + ".request()" * 10 + "\npass\n" + SHADOW).encode())
    assert [d.format() for d in short.diagnostics] == ["a.py:3:1: ERR000 cannot parse: expected 'except' or 'finally' block (3:1)"]
    assert len(parsed) == 1


def test_python_just_under_the_limit_is_linted(linter):
    source = "try:\n    x = " + " + ".join(["a"] * (MAX_PYTHON_DEPTH - 20)) + "\n" + SHADOW
    assert [(d.line, d.code) for d in linter.lint_source("a.py", source.encode()).diagnostics] == [(5, "ERR004")]


def test_the_flake8_plugin_reports_deep_code_as_the_cli_does(tree):
    (tree / "a.py").write_text(call_chain(600))
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "a.py"], cwd=tree,
                          capture_output=True, text=True, timeout=300)
    assert proc.stdout.splitlines() == [f"a.py:2:1: {TOO_DEEP}"], proc.stderr


@pytest.mark.parametrize("case", sorted(PYTHON_CASES))
def test_the_flake8_plugin_itself_never_raises(case):
    """flake8 itself fails on some of these before any plugin runs (its own ast.parse and
    tokenize.open: RecursionError, and LookupError for a rot13 coding line); the plugin,
    handed the lines, answers ERR000."""
    from errlint.flake8_plugin import Flake8Plugin

    source, expected = PYTHON_CASES[case]
    found = list(Flake8Plugin(None, source.splitlines(keepends=True), "a.py").run())
    assert [f"{line}:{col + 1}: {message}" for line, col, message, _ in found] == [expected.removeprefix("a.py:")]


def test_a_rot13_coding_line_is_one_err000_in_the_plugin_and_the_cli(tree, capsys):
    from errlint.flake8_plugin import Flake8Plugin

    source = "# -*- coding: rot13 -*-\nvzcbeg bf\n"
    (tree / "a.py").write_text(source)
    code, out, _ = run(capsys, "--no-cache", "a.py")
    assert (code, findings(out)) == (1, ["a.py:1:1: ERR000 cannot parse: unknown encoding 'rot13'"])
    found = list(Flake8Plugin(None, source.splitlines(keepends=True), "a.py").run())
    assert [m for _, _, m, _ in found] == ["ERR000 cannot parse: unknown encoding 'rot13'"]


# -- TypeScript ---------------------------------------------------------------------------------------------------
TS_HEAD = 'import { AlterVault, BackendError, GrantExpiredError } from "@alter-ai/alter-sdk";\nconst vault = new AlterVault({});\n'
HANDLER = "} catch (e) { if (e instanceof BackendError) { console.log(e); } else if (e instanceof GrantExpiredError) { return; } }\n"


def nested_tries(n: int) -> str:
    return TS_HEAD + "async function f() {\n" + "try {\n" * n + "await vault.request('GET', 'u');\n" + HANDLER * n + "}\n"


@pytest.mark.parametrize("suffix", ["ts", "js"])
def test_deep_typescript_is_one_err000(tree, capsys, suffix):
    source = nested_tries(3000)
    if suffix == "js":
        source = source.replace(TS_HEAD.splitlines()[0], 'const { AlterVault, BackendError, GrantExpiredError } = require("@alter-ai/alter-sdk");')
    (tree / f"a.{suffix}").write_text(source)
    code, out, _ = run(capsys, "--no-cache", f"a.{suffix}")
    assert (code, findings(out)) == (1, [f"a.{suffix}:502:1: {TOO_DEEP}"])


def test_typescript_nested_within_the_limit_is_linted(linter):
    n = MAX_DEPTH // 2 - 10  # a try in a try is two levels deeper
    result = linter.lint_source("a.ts", nested_tries(n).encode())
    assert not result.error
    assert {d.code for d in result.diagnostics} == {"ERR003", "ERR004"}
    assert sum(d.code == "ERR004" for d in result.diagnostics) == n  # each catch's unreachable branch


def test_the_calls_of_nested_try_bodies_are_read_in_linear_work(linter, monkeypatch):
    """Each try body's SDK calls come from one index of the file's calls: every call is looked at
    once (each body was walked again: quadratic in the nesting). Counted: the calls the index hands
    out and the ones it classifies."""
    from errlint.typescript import scopes

    handed = []
    real_in = scopes.CallIndex.calls_in

    def counting(self, node, keep):
        found = real_in(self, node, lambda calls: handed.append(len(calls)) or keep(calls))
        return found

    monkeypatch.setattr(scopes.CallIndex, "calls_in", counting)
    for n in (100, 200):
        handed.clear()
        linter.lint_source("a.ts", nested_tries(n).encode())
        assert handed == [n + 1]  # the function's calls (a console.log per level, the SDK call), classified once


# -- the depth walk skips what is too short to be deep (errlint.source._deeper_than) ---------------
def _deep_sources():
    chain = lambda n, op=" + ": "x = " + op.join(["a"] * n) + "\n"  # noqa: E731
    nested_ifs = "if a:\n" + "".join("  " * i + "if b:\n" for i in range(1, 95))
    yield "a chain just under", chain(990)
    yield "a chain just over", chain(1005)
    yield "unary minus, one byte a level", "def f():\n    return " + "-" * 1200 + "x\n"
    yield "attributes", "z = " + "a." * 1100 + "b\n"
    yield "a chain in an f-string", "w = f'{" + "a+" * 1100 + "a}'\n"
    yield "a chain under 94 nested ifs", nested_ifs + "  " * 95 + "x = " + " + ".join(["a"] * 950) + "\n"
    yield "lambdas", "t = " + "lambda: " * 600 + "0\n"
    yield "a decorated class of long methods", "@d(" + "-" * 900 + "x)\nclass C:\n" + "".join(
        f"    def f{i}(self):\n        return " + " - ".join(["b"] * (100 * i)) + "\n" for i in range(1, 8)
    )
    yield "a multi-line call", "y = f(\n" + ",\n".join("    " + "not " * 200 + "x" for _ in range(6)) + "\n)\n"
    yield "CRLF and CR lines", ("if a:\r\n    y = " + "-" * 600 + "x\r" + "z = " + " * ".join(["c"] * 700) + "\r\n")
    for path in sorted((Path(__file__).parent / "fixtures").rglob("*.py"))[:80]:
        yield path.name, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("limit", [30, 100, 400, MAX_PYTHON_DEPTH])
def test_the_depth_walk_finds_what_the_whole_walk_finds(limit):
    import ast

    from errlint.source import _deeper_than

    checked = 0
    for name, text in _deep_sources():
        source = text.encode()
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        assert _deeper_than(tree, limit, source) == _deeper_than(tree, limit), name
        checked += 1
    assert checked > 40


def test_the_depth_walk_skips_short_statements(monkeypatch):
    """The point of the bound: a module of short statements is judged without visiting its expressions."""
    import ast

    import errlint.source as source_module

    text = "".join(f"def f{i}(a, b):\n    return g(a, b, {i}) + h(a)[b]\n" for i in range(400))
    tree = ast.parse(text)
    visited = []
    real = ast.iter_child_nodes
    monkeypatch.setattr(source_module.ast, "iter_child_nodes", lambda node: (visited.append(node), real(node))[1])
    assert source_module._deeper_than(tree, MAX_PYTHON_DEPTH, text.encode()) is None
    assert len(visited) == 1  # the module: every function is too short to reach 1000 levels
