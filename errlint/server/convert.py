"""errlint's findings as LSP diagnostics, and a fix's ruff-style edits as LSP text edits.

A finding's position is errlint's (1-based line and code point column, lines
counted as its front end counts them); the range sent is in the client's
position encoding. A finding without an end (ERR000 at CPython's error, ERR999
on line 1) covers the rest of its line.
"""
from __future__ import annotations

from lsprotocol import types as t

from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .docs import rule_uri
from .documents import TYPESCRIPT
from .text import Text

SOURCE = "errlint"


def span(d: Diagnostic, text: Text, language: str | None) -> tuple[int, int]:
    """The finding's (start, end) offsets in the text."""
    newline_only = language == TYPESCRIPT
    start = text.errlint_offset(d.line, d.column, newline_only)
    if d.end_line and (d.end_line, d.end_column) > (d.line, d.column):
        end = text.errlint_offset(d.end_line, d.end_column, newline_only)
    else:
        row = text.position(start).line
        end = text.line_end(row)
    return start, max(start, end)


def to_lsp(d: Diagnostic, text: Text, language: str | None, fixable: bool) -> t.Diagnostic:
    start, end = span(d, text, language)
    uri = rule_uri(d.code)
    return t.Diagnostic(
        range=text.range(start, end),
        message=d.message,
        severity=t.DiagnosticSeverity.Error if d.code in (PARSE_ERROR, INTERNAL_ERROR) else t.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=t.CodeDescription(href=uri) if uri else None,
        source=SOURCE,
        data={"fixable": fixable},
    )


def fix_edits(d: Diagnostic, text: Text, language: str | None) -> list[tuple[int, int, str]] | None:
    """The finding's fix as (start, end, replacement) offsets; None without edits."""
    edits = getattr(d.fix, "edits", None)
    if not edits:
        return None
    newline_only = language == TYPESCRIPT
    out = []
    for e in edits:
        start = text.errlint_offset(e["location"]["row"], e["location"]["column"], newline_only)
        end = text.errlint_offset(e["end_location"]["row"], e["end_location"]["column"], newline_only)
        out.append((start, end, e["content"]))
    return out


def apply(source: str, edits: list[tuple[int, int, str]]) -> str:
    """Edits in offsets of ``source`` applied (they do not overlap)."""
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        source = source[:start] + new + source[end:]
    return source


def text_edits(edits: list[tuple[int, int, str]], text: Text) -> list[t.TextEdit]:
    return [t.TextEdit(range=text.range(start, end), new_text=new) for start, end, new in edits]
