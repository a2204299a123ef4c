"""Cheap questions about a file's text, asked before LibCST parses it.

LibCST's parse is most of errlint's cost, so a check may name *triggers*: tests
on the raw bytes that are true for every file it could report on (see
``Check.triggers``). A trigger may over-estimate (the file is parsed for
nothing) but must never under-estimate (a finding would be lost).

:func:`errlint.source.python_tree` is CPython's own parser, about six times faster than
LibCST's; it answers structural questions the text alone cannot, and is also
the syntax check for files LibCST is not asked to parse. It keeps the last
answer, so the trigger and the syntax check of one file parse it once.
"""
from __future__ import annotations

import ast
import re
from bisect import bisect_right

from ..source import compiles, python_tree  # python_tree: the front end asks CPython too (scope.py, tests)

# An ``except`` clause at the start of a line (after \n, \r\n or a lone \r, which
# CPython also reads as a line break): its indentation, and what follows on that
# line up to the colon (a backslash: the clause goes on, next line).
_EXCEPT_LINE = re.compile(rb"(?:^|(?<=\r))([ \t\f]*)except\b([^:\r\n]*)", re.MULTILINE)
_TRY_TYPES = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
# A line starting with the keyword ``try`` (the same line starts as _EXCEPT_LINE's)
_TRY_LINE = re.compile(rb"(?:^|(?<=\r))([ \t\f]*)try\b", re.MULTILINE)
# What lets a line start inside a string: a triple quote, a backslash continuation
_TEXT_OVER_LINES = re.compile(rb"\"\"\"|\'\'\'|\\\r|\\\n")


def _column(indent: bytes) -> int:
    """The column CPython's tokenizer gives an indentation (tabs to multiples of 8)."""
    if b"\t" not in indent and b"\f" not in indent:
        return len(indent)
    col = 0
    for ch in indent:
        if ch == 9:  # \t
            col = (col // 8 + 1) * 8
        elif ch == 12:  # \f resets the count, as in the tokenizer
            col = 0
        else:
            col += 1
    return col


def several_handlers_possible(source: bytes) -> bool:
    """Could the file hold a ``try`` with two or more handlers, or a handler naming a tuple?

    The handlers of one ``try`` start lines at its column (CPython rejects
    indentation whose meaning depends on the tab width), so a file whose
    ``except`` lines all have different columns, none naming a parenthesised
    or comma-separated type, has neither. Two ``except`` lines at one column
    belong to one ``try`` unless a ``try`` line at that column comes between
    them: none, and the answer is yes. One, and they belong to two: a line
    starting with the keyword ``try`` is a statement, unless it is text in a
    string that spans lines (a triple quote or a backslash continuation
    between the first ``except`` and it: a string begun before that ``except``
    would hold it too); then CPython's AST decides. A file CPython cannot parse
    counts as possible (LibCST then reports why it cannot be read).
    """
    columns: dict[int, list[int]] = {}
    undecided = False
    for match in _EXCEPT_LINE.finditer(source):
        rest = match.group(2)
        if b"(" in rest or b"," in rest:
            return True  # a tuple (or something errlint must see to judge)
        if rest.rstrip().endswith(b"\\"):
            undecided = True  # the clause continues on the next line: let the AST decide
        columns.setdefault(_column(match.group(1)), []).append(match.start())
    pairs = [(column, a, b) for column, starts in columns.items() for a, b in zip(starts, starts[1:])]
    if pairs:
        tries: dict[int, list[int]] = {}
        for match in _TRY_LINE.finditer(source):
            tries.setdefault(_column(match.group(1)), []).append(match.start())
        for column, a, b in pairs:
            at = tries.get(column, [])
            i = bisect_right(at, a)
            if i == len(at) or at[i] > b:
                return True  # no try between: two handlers of one try
            if _TEXT_OVER_LINES.search(source, a, at[i]) is not None:
                undecided = True  # that try line may be text in a string begun after the first except
    if not undecided:
        # told apart by their text; a file CPython cannot parse counts as possible, as below
        # (compiling it is the syntax verdict such a file gets anyway)
        return bool(pairs) and not compiles(source) and python_tree(source) is None
    tree = python_tree(source)
    if tree is None:
        return True
    stack = [tree.body]
    while stack:  # statements only: a try cannot hide in an expression
        for stmt in stack.pop():
            if isinstance(stmt, _TRY_TYPES):
                handlers = stmt.handlers
                if len(handlers) >= 2 or (handlers and isinstance(handlers[0].type, ast.Tuple)):
                    return True
            for name in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(stmt, name, None)
                if block:
                    stack.append(block)
    return False


def _integer_pattern(value: int) -> str:
    """Every way Python can write ``value``: 429, 4_29, 0x1AD, 0x01ad, 0o655, 0b110101101."""

    def digits(text: str) -> str:
        return "_?".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in text)

    forms = [digits(str(value))]
    for prefix in "xob":
        forms.append(f"0[{prefix}{prefix.upper()}]_?(?:0_?)*" + digits(format(value, prefix)))
    return "|".join(forms)


def literal_pattern(values) -> re.Pattern:
    """A bytes regex matching any of ``values`` as written in code: a status (an integer, in
    any base; a use of ``http.HTTPStatus``, whose members name statuses; a ``range(start,
    stop)`` of three-digit numbers that can hold one, whose bounds need not be the status itself)
    or a code (a string's text, as a whole word)."""
    values = sorted(set(values))
    words = [_integer_pattern(int(v)) if v.isdigit() else re.escape(v) for v in values]
    statuses = [int(v) for v in values if v.isdigit() and 100 <= int(v) <= 999]
    if statuses:
        # range(start, stop) holding one of them: start at most the highest's hundred, stop past the lowest's
        hi, lo = max(statuses) // 100, min(statuses) // 100
        words += [r"HTTPStatus", rf"range\s*\(\s*[1-{hi}][0-9]{{2}}\s*,\s*(?:[{lo}-9][0-9]{{2}}|[1-9][0-9]{{3,}})"]
    return re.compile(rf"\b(?:{'|'.join(words)})\b".encode())
