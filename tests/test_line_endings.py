"""CR-only, CRLF and mixed line endings give the positions and the ``noqa`` scope of LF (issue 28).

A line ends at ``\\r\\n``, ``\\r`` or ``\\n``, in both languages (CPython and JavaScript
count so; tree-sitter's rows count ``\\n`` alone: a CR-only TypeScript file was one
line, every finding on line 1, and a ``// noqa`` on its first line silenced the file).
Every fixture is linted in each form and must give what its LF form gives.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from errlint.engine import Linter
from errlint.packs import load_registry
from errlint.typescript.parse import Lines

from cli_support import findings as text_findings, run

FIXTURES = Path(__file__).parent / "fixtures"
TS_FILES = sorted(p for p in (FIXTURES / "typescript").glob("ERR00*/*.*s*") if p.is_file() and not p.name.endswith(".d.ts"))
PY_FILES = sorted(p for p in FIXTURES.glob("ERR00*/*.py") if not p.name.endswith(".fixed.py"))


@pytest.fixture(scope="module")
def linter():
    return Linter(load_registry())


def endings(source: bytes) -> dict[str, bytes]:
    lines = source.split(b"\n")
    mixed = b"".join(line + (b"\n", b"\r", b"\r\n")[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    return {"crlf": source.replace(b"\n", b"\r\n"), "cr": source.replace(b"\n", b"\r"), "mixed": mixed}


def findings(linter, path: Path, source: bytes) -> list[tuple]:
    result = linter.lint_source(path.name, source)
    return [(d.line, d.column, d.end_line, d.end_column, d.code, d.message) for d in result.diagnostics]


@pytest.mark.parametrize("path", TS_FILES + PY_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_gives_the_same_findings_with_any_line_ending(linter, path):
    source = path.read_bytes()
    expected = findings(linter, path, source)
    for name, variant in endings(source).items():
        assert findings(linter, path, variant) == expected, name


TS_NOQA = (
    'import { AlterVault, BackendError } from "@alter-ai/alter-sdk";\n'
    "// noqa: ERR003 (on a line of its own: it silences nothing)\n"
    "const vault = new AlterVault({});\n"
    "async function a() {\n"
    "  try {\n"
    "    return await vault.request('GET', 'u');\n"
    "  } catch (e) {\n"
    "    if (e instanceof BackendError) { return null; } // noqa: ERR003\n"
    "    throw e;\n"
    "  }\n"
    "}\n"
    "async function b() {\n"
    "  try {\n"
    "    return await vault.request('GET', 'u');\n"
    "  } catch (e) {\n"
    "    if (e instanceof BackendError) { return null; }\n"
    "    throw e;\n"
    "  }\n"
    "}\n"
)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_typescript_noqa_covers_its_own_line_only(tree, capsys, ending):
    (tree / "a.ts").write_bytes(TS_NOQA.replace("\n", ending).encode())
    code, out, _ = run(capsys, "--no-cache", "--select", "ERR003", "a.ts")
    assert code == 1
    assert [line.split(": ERR")[0] for line in text_findings(out)] == ["a.ts:16:9"]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_the_same_through_standard_input(tree, capsys, monkeypatch, ending):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TS_NOQA.replace("\n", ending).encode()), newline=""))
    code, out, _ = run(capsys, "--no-cache", "--select", "ERR003", "-", "--stdin-filename", "a.ts")
    assert code == 1 and [line.split(": ERR")[0] for line in text_findings(out)] == ["a.ts:16:9"]


PY_NOQA = (
    "\x0c\n"  # a form feed on a line of its own (the stdlib has them): a line like any other
    "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:  # noqa: ERR004\n    pass\n"
    "try:\n    pass\nexcept Exception:\n    pass\nexcept KeyError:\n    pass\n"
)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_python_noqa_after_a_form_feed_is_on_its_own_line(tree, capsys, ending):
    (tree / "a.py").write_bytes(PY_NOQA.replace("\n", ending).encode())
    code, out, _ = run(capsys, "--no-cache", "a.py")
    assert code == 1
    assert [line.split(": ERR")[0] for line in text_findings(out)] == ["a.py:12:1"]


def test_the_flake8_plugin_gives_the_cli_positions_for_a_cr_file(tree):
    import subprocess

    (tree / "a.py").write_bytes(PY_NOQA.replace("\n", "\r").encode())
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "a.py"], cwd=tree,
                          capture_output=True, text=True, timeout=120)
    assert [line.split(": ERR")[0] for line in text_findings(proc.stdout)] == ["a.py:12:1"], proc.stdout + proc.stderr


# -- character columns, from a per-line index -------------------------------------------------------------------
def test_columns_count_characters_on_every_kind_of_line():
    text = "é = 1;\r\nlet ü = 'ß'; x()\rlast\n".encode()
    lines = Lines(text)
    assert lines.position(text.index(b"x()")) == (2, 14)
    assert lines.position(text.index(b"last")) == (3, 1)
    assert lines.position(text.index(b"= 1")) == (1, 3)
    assert lines.position(len(text)) == (4, 1)


def test_a_long_line_is_indexed_once(monkeypatch):
    """Each position on a one-line file costs a bisection: the line is scanned for its multi-byte
    characters once, however many positions are asked (it was decoded up to each one)."""
    import errlint.typescript.parse as parse

    scans = []
    real = parse._CONTINUATION

    class Counting:
        def finditer(self, data):
            scans.append(len(data))
            return real.finditer(data)

    monkeypatch.setattr(parse, "_CONTINUATION", Counting())
    unit = "f('é');".encode()
    text = unit * 20000
    lines = Lines(text)
    columns = [lines.position(i * len(unit))[1] for i in range(0, 20000, 7)]
    assert columns[:3] == [1, 7 * 7 + 1, 14 * 7 + 1] and len(scans) == 1 and scans[0] == len(text)
