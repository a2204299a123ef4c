"""``# noqa`` / ``// noqa`` comments: the "disable for this line" edit, and the code under the cursor.

The comment is the one :func:`errlint.source.noqa_filter` reads on a finding's
first line: ``# noqa: ERR004`` in Python, ``// noqa: ERR004`` (or ``/* noqa``)
in TypeScript and JavaScript. An existing ``noqa`` with codes is extended
(``# noqa: E501`` becomes ``# noqa: E501, ERR004``); otherwise the comment is
appended to the line. A line whose end is inside a string (a triple-quoted
string, a template literal, JSX text or a tag) or continued with a backslash
gets no edit: a comment there would change the program, not silence errlint.
"""
from __future__ import annotations

import ast
import re

_CODES = r"(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*)"
_PYTHON = re.compile(r"#\s*noqa(?::[\s]?" + _CODES + ")?", re.IGNORECASE)  # as errlint.source reads it
_SLASHES = re.compile(r"(?://|/\*)\s*noqa(?::[\s]?" + _CODES + ")?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]*", re.IGNORECASE)
# tree-sitter nodes inside which a line's end is text, not code
_TEXT_NODES = frozenset({"template_string", "string", "jsx_text", "jsx_opening_element", "jsx_self_closing_element", "regex"})


def comment_pattern(python: bool) -> re.Pattern:
    return _PYTHON if python else _SLASHES


def noqa_edit(line: str, code: str, python: bool) -> tuple[int, int, str] | None:
    """The edit (start, end, text), in code points of ``line``, that disables ``code`` on it;
    None when the line already carries a blanket ``noqa`` or ``code``."""
    match = comment_pattern(python).search(line)
    if match:
        codes = match.group("codes")
        if not codes:
            return None  # a blanket noqa already silences every code
        if any(code.upper().startswith(c.upper()) for c in re.split(r"[,\s]+", codes.strip()) if c):
            return None
        end = match.end("codes")
        return end, end, f", {code}"
    content = len(line.rstrip())
    comment = "#" if python else "//"
    return content, len(line), f"  {comment} noqa: {code}"


def code_at(line: str, column: int, python: bool) -> tuple[str, int, int] | None:
    """The code (and its span) under code point ``column`` inside the line's noqa comment, if any."""
    match = comment_pattern(python).search(line)
    if not match or not match.group("codes"):
        return None
    base = match.start("codes")
    for found in _CODE.finditer(match.group("codes")):
        start, end = base + found.start(), base + found.end()
        if start <= column <= end:
            return found.group(0).upper(), start, end
    return None


class LineEnds:
    """Which lines of a source may end with a comment without changing the program."""

    def __init__(self, source: bytes, path: str, python: bool) -> None:
        self.source, self.path, self.python = source, path, python
        self._python_rows: set[int] | None = None
        self._tree = None

    def safe(self, row: int, line: str) -> bool:
        """Line ``row`` (0-based; its text ``line``) ends in code, where a comment may go."""
        if self.python:
            if line.rstrip().endswith("\\"):
                return False  # a continuation (or a comment ending in one): declined either way
            return row not in self._strings_python()
        return self._code_at_end_ts(row)

    def _strings_python(self) -> set[int]:
        """Rows (0-based) whose end is inside a string literal that spans lines."""
        if self._python_rows is None:
            rows: set[int] = set()
            try:
                tree = ast.parse(self.source)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                tree = None
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, (ast.Constant, ast.JoinedStr)) and node.end_lineno and node.end_lineno > node.lineno:
                    if isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)):
                        rows.update(range(node.lineno - 1, node.end_lineno - 1))
            self._python_rows = rows
        return self._python_rows

    def _code_at_end_ts(self, row: int) -> bool:
        from ..typescript.parse import grammar_for, parse

        if self._tree is None:
            grammar = grammar_for(self.path) or "typescript"
            self._tree, self._text = parse(self.source, grammar)
        lines = self._text.split(b"\n")
        if row >= len(lines):
            return False
        end = len(lines[row].rstrip(b"\r"))
        node = self._tree.root_node.descendant_for_point_range((row, end), (row, end))
        while node is not None:
            if node.type in _TEXT_NODES and node.start_point[0] <= row < node.end_point[0]:
                return False
            node = node.parent
        return True
