"""``--add-noqa``: a noqa comment on the line of each finding, as ruff's ``--add-noqa`` writes them.

A line whose comment is a noqa comment with codes gets the new codes after
them (``# noqa: E501`` becomes ``# noqa: E501, ERR004``); any other line gets
``  # noqa: ERR004`` (``  // noqa: ERR004`` in TypeScript and JavaScript) at its
end, after a comment already there. errlint reads a noqa comment on the line a
finding is reported on, so that is the only line it can go on: a line that ends
inside a string, a template literal, JSX text or after a line continuation
cannot take one, and is handed back unchanged.

Every edit is checked before it is kept: the file must hold the same program
(Python: the same ``ast``; TypeScript and JavaScript: the same tree-sitter
tokens, comments aside), and errlint's own noqa filter must now drop the
findings of the line. The caller writes the file, atomically.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Sequence

from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from ..fixes import quiet_compile
from ..source import NOQA_SLASHES, decode_lines, noqa_filter

# a noqa comment with codes: the codes end where the list ends (a reason may follow)
_CODED = re.compile(rb"(?:#|//|/\*)\s*(?i:noqa)\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:(?:\s*,\s*|\s+)[A-Z]+[0-9]+)*)")
_PYTHON_LINE = re.compile(rb"([^\r\n]*)(\r\n|\r|\n|$)")  # CPython's line ends
_BOM = b"\xef\xbb\xbf"


def add_noqa(path: str, source: bytes, diagnostics: Sequence[Diagnostic]) -> tuple[bytes, int, list[int]]:
    """``source`` with a noqa comment for ``diagnostics`` (one file's findings, after
    per-file-ignores), the number of lines given one, and the lines that cannot take one.
    Parse errors and internal errors are left alone: no comment silences them."""
    wanted: dict[int, set[str]] = {}
    for d in diagnostics:
        if d.code not in (PARSE_ERROR, INTERNAL_ERROR):
            wanted.setdefault(d.line, set()).add(d.code)
    if not wanted:
        return source, 0, []
    from ..typescript.parse import grammar_for

    file = _TypeScript(path, source) if grammar_for(path) is not None else _Python(source)
    if not file.readable:
        return source, 0, sorted(wanted)
    changed: dict[int, bytes] = {}
    refused: list[int] = []
    for line, codes in sorted(wanted.items()):
        new = file.line_with(line, sorted(codes))
        if new is None:
            refused.append(line)
        else:
            changed[line] = new
    if changed and not file.keeps_program(changed, wanted):  # rare: find the lines at fault
        for line in sorted(changed):
            if not file.keeps_program({line: changed[line]}, wanted):
                del changed[line]
                refused.append(line)
    return file.text(changed), len(changed), sorted(refused)


class _File:
    """A file as lines (content, line end), its comments, and the check of a set of edited lines."""

    marker = b"#"
    noqa = None  # the form of the comment errlint's filter reads: None, Python's
    readable = True

    def __init__(self, source: bytes) -> None:
        self.bom = _BOM if source.startswith(_BOM) else b""
        self.body = source[len(self.bom):]
        self.lines: list[tuple[bytes, bytes]] = []
        self.comments: dict[int, tuple[int, int]] = {}  # line -> byte span of the comment that ends it

    def text(self, changed: dict[int, bytes]) -> bytes:
        return self.bom + b"".join(changed.get(i, content) + end for i, (content, end) in enumerate(self.lines, 1))

    def ends_in_code(self, line: int) -> bool:
        return True

    def line_with(self, line: int, codes: list[str]) -> bytes | None:
        """The line with a noqa comment for ``codes``, or None when it cannot take one."""
        if not 0 < line <= len(self.lines) or not self.ends_in_code(line):
            return None
        content = self.lines[line - 1][0]
        span = self.comments.get(line)
        found = _CODED.search(content, span[0], span[1]) if span is not None else None
        if found is not None:
            present = [c.decode() for c in re.split(rb"[\s,]+", found.group("codes")) if c]
            new = [c for c in codes if not any(c.startswith(p) for p in present)]
            if not new:
                return None  # named there already, yet reported: errlint does not read that comment
            at = found.end("codes")
            return content[:at] + b", " + ", ".join(new).encode() + content[at:]
        return content.rstrip(b" \t") + b"  " + self.marker + b" noqa: " + ", ".join(codes).encode()

    def keeps_program(self, changed: dict[int, bytes], wanted: dict[int, set[str]]) -> bool:  # pragma: no cover
        raise NotImplementedError

    def silenced(self, lines: list[str], changed: dict[int, bytes], wanted: dict[int, set[str]]) -> bool:
        """errlint's own noqa filter, on the lines as the linter splits them, drops every finding of the changed lines."""
        probes = [Diagnostic("-", line, 1, code, "") for line in changed for code in wanted[line]]
        return not (noqa_filter(lines, probes, self.noqa) if self.noqa is not None else noqa_filter(lines, probes))


class _Python(_File):
    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        try:
            self.encoding = tokenize.detect_encoding(io.BytesIO(source).readline)[0]
            self.tree = _dump(source)
            tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
        except (SyntaxError, ValueError, LookupError, tokenize.TokenError, RecursionError, MemoryError):
            self.readable = False
            return
        self.lines = [(m.group(1), m.group(2)) for m in _PYTHON_LINE.finditer(self.body)]
        if self.lines and self.lines[-1] == (b"", b""):
            self.lines.pop()
        # the tokenizer ends these lines (NEWLINE, NL): not inside a string, not after a backslash
        self.ends = {t.start[0] for t in tokens if t.type in (tokenize.NEWLINE, tokenize.NL)}
        for t in tokens:
            if t.type == tokenize.COMMENT and 0 < t.start[0] <= len(self.lines):
                content = self.lines[t.start[0] - 1][0]
                start = len(t.line[:t.start[1]].encode(self.encoding, "surrogateescape"))
                self.comments[t.start[0]] = (start, len(content))

    def ends_in_code(self, line: int) -> bool:
        return line in self.ends

    def keeps_program(self, changed: dict[int, bytes], wanted: dict[int, set[str]]) -> bool:
        data = self.text(changed)
        try:
            same = _dump(data) == self.tree
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return same and self.silenced(decode_lines(data, self.encoding), changed, wanted)


def _dump(source: bytes) -> str:
    return ast.dump(quiet_compile(source, "<noqa>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True))


class _TypeScript(_File):
    marker = b"//"
    noqa = NOQA_SLASHES

    def __init__(self, path: str, source: bytes) -> None:
        from ..typescript.parse import grammar_for, parse

        super().__init__(source)
        self.parse, self.grammar = parse, grammar_for(path)
        if self.grammar is None:
            self.readable = False
            return
        tree, _ = parse(source, self.grammar)
        if tree.root_node.has_error:
            self.readable = False
            return
        parts = self.body.split(b"\n")  # tree-sitter's rows and errlint's TypeScript lines: "\n" only
        self.lines = [(p[:-1], b"\r\n") if p.endswith(b"\r") else (p, b"\n") for p in parts[:-1]]
        if parts[-1]:
            self.lines.append((parts[-1], b""))
        self.tokens, comments = _tokens(tree.root_node)
        for node in comments:
            row = node.start_point[0]
            if row == node.end_point[0] and row < len(self.lines) and not self.lines[row][0][node.end_point[1]:].strip():
                self.comments[row + 1] = (node.start_point[1], node.end_point[1])  # a comment that ends its line

    def keeps_program(self, changed: dict[int, bytes], wanted: dict[int, set[str]]) -> bool:
        data = self.text(changed)
        tree, text = self.parse(data, self.grammar)
        if tree.root_node.has_error or _tokens(tree.root_node)[0] != self.tokens:
            return False  # the comment landed in a string, a template literal or JSX text
        return self.silenced(text.decode("utf-8", "replace").split("\n"), changed, wanted)


def _tokens(root) -> tuple[list[tuple[str, bytes]], list]:
    """The tree's tokens (type and text) without its comments, and its comments."""
    tokens, comments = [], []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            comments.append(node)
        elif node.child_count == 0:
            tokens.append((node.type, node.text))
        else:
            stack.extend(reversed(node.children))
    return tokens, comments
