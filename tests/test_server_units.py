"""The language server's pieces alone: LSP lines and positions, buffer bytes, noqa edits, rule pages (issue 26)."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lsprotocol import types as t

from errlint.server.docs import hover_text, rule_uri
from errlint.server.noqa import LineEnds, code_at, noqa_edit
from errlint.server.text import Text, apply_change, diff_edits, from_bytes, to_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_lines_break_where_lsp_breaks_them():
    text = Text("a\x0cb\r\nc\rd\ne\u2028f")
    assert [text.line(i) for i in range(text.line_count())] == ["a\x0cb", "c", "d", "e\u2028f"]
    assert text.offset(t.Position(line=3, character=1)) == text.source.index("\u2028")
    assert text.position(text.source.index("d")) == t.Position(line=2, character=0)


@pytest.mark.parametrize("encoding, column", [("utf-16", 3), ("utf-8", 6), ("utf-32", 2)])
def test_columns_in_each_encoding(encoding, column):
    text = Text("x\né😀z = 1\n", encoding)
    z = text.source.index("z")
    assert text.position(z) == t.Position(line=1, character=column)
    assert text.offset(t.Position(line=1, character=column)) == z
    assert text.offset(t.Position(line=1, character=999)) == text.source.index("\n", 2)  # past the end: the end
    assert text.offset(t.Position(line=9, character=0)) == len(text.source)


def test_errlint_positions_count_lines_as_each_front_end_does():
    text = Text("a\rb\nc\n")
    assert text.errlint_offset(2, 1) == 2  # Python: \r ends a line (LibCST, CPython)
    assert text.errlint_offset(2, 1, newline_only=True) == 4  # TypeScript: tree-sitter counts \n only
    assert text.errlint_offset(1, 99) == 1  # clamped to the line


def test_an_incremental_change_lands_after_a_form_feed():
    source = "x = 1\x0c# page\nexcept Exception:\n"
    change = t.TextDocumentContentChangePartial(
        range=t.Range(start=t.Position(line=1, character=7), end=t.Position(line=1, character=16)), text="KeyError")
    assert apply_change(source, change, "utf-16") == "x = 1\x0c# page\nexcept KeyError:\n"


def test_diff_edits_turn_one_text_into_the_other():
    old = "a\nb\nc\nd\ne\n"
    new = "a\nB\nc\ne\nf\n"
    edits = diff_edits(old, new)
    out = old
    for start, end, replacement in sorted(edits, reverse=True):
        out = out[:start] + replacement + out[end:]
    assert out == new and len(edits) == 3
    assert diff_edits(old, old) == []


def test_a_buffer_becomes_its_files_bytes():
    latin = "# -*- coding: latin-1 -*-\nname = 'café'\n"
    data, encoding = to_bytes(latin, python=True)
    assert encoding == "iso8859-1" and data == latin.encode("latin-1") and from_bytes(data, encoding) == latin
    assert to_bytes("x = '😀'\n", python=True) == ("x = '😀'\n".encode(), "utf-8")
    # a character the declared encoding cannot hold: UTF-8, and the engine reports the bytes that do not decode
    assert to_bytes("# coding: latin-1\nx = '😀'\n", python=True)[1] == "utf-8"
    assert to_bytes("\ufeffx = 1\n", python=True)[0] == b"x = 1\n"
    assert to_bytes("// coding: latin-1\nlet é = 1;\n", python=False)[1] == "utf-8"


def test_noqa_edits():
    assert noqa_edit("    except ValueError:", "ERR004", True) == (22, 22, "  # noqa: ERR004")
    assert noqa_edit("    except ValueError:   ", "ERR004", True) == (22, 25, "  # noqa: ERR004")
    assert noqa_edit("x  # noqa: E501", "ERR004", True) == (15, 15, ", ERR004")
    assert noqa_edit("x  # noqa", "ERR004", True) is None  # a blanket noqa silences everything already
    assert noqa_edit("x  # noqa: ERR", "ERR004", True) is None  # a prefix names it already
    assert noqa_edit("} catch (e) {", "ERR004", False) == (13, 13, "  // noqa: ERR004")
    assert noqa_edit("f(); /* noqa: E1 */", "ERR004", False) == (16, 16, ", ERR004")


def test_the_code_under_the_cursor():
    line = "x  # noqa: E501, ERR004"
    assert code_at(line, line.index("ERR004") + 6, True) == ("ERR004", line.index("ERR004"), len(line))
    assert code_at(line, line.index("E501"), True) == ("E501", line.index("E501"), line.index("E501") + 4)
    assert code_at(line, 0, True) is None
    assert code_at("x  // noqa: err004", 14, False)[0] == "ERR004"


def test_where_a_line_may_end_with_a_comment():
    python = b'x = """a\nb"""\ny = 1 + \\\n    2\nz = f(1,\n      2)\n'
    ends = LineEnds(python, "m.py", True)
    lines = python.decode().split("\n")
    assert [ends.safe(i, lines[i]) for i in range(5)] == [False, True, False, True, True]
    ts = b"const a = `x\ny`;\nconst b = <div>\n  text\n  {f(1,\n  2)}\n</div>;\n"
    ends = LineEnds(ts, "m.tsx", False)
    assert [ends.safe(i, "") for i in range(7)] == [False, True, False, False, True, True, True]


def test_rule_pages_are_uris_of_the_pages_errlint_rule_prints():
    uri = rule_uri("ERR004")
    assert uri.startswith("file://") and Path(urlparse(uri).path).read_text().endswith(hover_text("ERR004").split("---\n\n", 1)[1])
    assert hover_text("E501") is None
    # the wheel ships the pages where errlint/server/docs.py looks for them first
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["docs/rules"] == "errlint/docs/rules"
