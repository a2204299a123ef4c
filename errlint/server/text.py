"""A document's text as the Language Server Protocol sees it: lines, positions, edits.

LSP counts lines at ``\\r\\n``, ``\\r`` and ``\\n`` only (not at the form feeds,
``\\x85`` or ``\\u2028`` that :meth:`str.splitlines` also breaks at), and columns
in the position encoding the client and server agreed on: UTF-16 code units
(the default), UTF-8 bytes or UTF-32 code points. errlint's own positions are
1-based lines and 1-based columns in code points: Python's counted at the same
line breaks as LSP (LibCST's), TypeScript's at ``\\n`` only (tree-sitter's).
Everything here works on code point offsets into the text and converts at the
edges.
"""
from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from difflib import SequenceMatcher

from lsprotocol import types as t

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# PEP 263: a coding declaration on one of the first two lines
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """The length of ``text`` in the client's units."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def code_points(line: str, column: int, encoding: str) -> int:
    """The code point index in ``line`` of a column in the client's units (clamped to the line)."""
    if encoding == UTF32:
        return max(0, min(column, len(line)))
    count = 0
    for i, ch in enumerate(line):
        if count >= column:
            return i
        o = ord(ch)
        if encoding == UTF8:
            count += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
        else:
            count += 2 if o > 0xFFFF else 1
    return len(line)


class Text:
    """An immutable text with LSP's line starts, computed once, and conversions to and from positions."""

    __slots__ = ("source", "encoding", "_starts", "_nl_starts")

    def __init__(self, source: str, encoding: str = UTF16) -> None:
        self.source = source
        self.encoding = encoding
        self._starts: list[int] | None = None
        self._nl_starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """The offset of each line's first character (LSP's line breaks)."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in LINE_BREAK.finditer(self.source))]
        return self._starts

    def line_count(self) -> int:
        return len(self.starts)

    def line(self, row: int) -> str:
        """Line ``row`` (0-based) without its line break; "" past the end."""
        starts = self.starts
        if not 0 <= row < len(starts):
            return ""
        end = starts[row + 1] if row + 1 < len(starts) else len(self.source)
        return self.source[starts[row]:end].rstrip("\r\n")

    def line_end(self, row: int) -> int:
        """The offset where line ``row``'s content ends (before its line break)."""
        return self.starts[min(row, len(self.starts) - 1)] + len(self.line(row))

    # -- LSP positions ---------------------------------------------------------------------------
    def offset(self, position: t.Position) -> int:
        """The code point offset of a client position (a column past the line's end is its end;
        a line past the last is the end of the text, as LSP says)."""
        starts = self.starts
        if position.line >= len(starts):
            return len(self.source)
        row = max(position.line, 0)
        return starts[row] + code_points(self.line(row), position.character, self.encoding)

    def position(self, offset: int) -> t.Position:
        offset = max(0, min(offset, len(self.source)))
        row = bisect_right(self.starts, offset) - 1
        start = self.starts[row]
        column = min(offset, start + len(self.line(row))) - start
        return t.Position(line=row, character=units(self.source[start:start + column], self.encoding))

    def range(self, start: int, end: int) -> t.Range:
        return t.Range(start=self.position(start), end=self.position(end))

    # -- errlint positions -----------------------------------------------------------------------
    def errlint_offset(self, line: int, column: int, newline_only: bool = False) -> int:
        """The offset of errlint's 1-based (line, code point column); ``newline_only``: lines counted at
        ``\\n`` alone (TypeScript's). Clamped to the line's end and the text's."""
        if newline_only:
            if self._nl_starts is None:
                self._nl_starts = [0, *(i + 1 for i, ch in enumerate(self.source) if ch == "\n")]
            starts = self._nl_starts
        else:
            starts = self.starts
        row = max(line, 1) - 1
        if row >= len(starts):
            return len(self.source)
        start = starts[row]
        end = starts[row + 1] if row + 1 < len(starts) else len(self.source)
        content = len(self.source[start:end].rstrip("\r\n"))
        return start + max(0, min(column - 1, content))


def apply_change(text: str, change: t.TextDocumentContentChangeEvent, encoding: str) -> str:
    """A ``didChange`` content change applied (a range replaced, or the whole text)."""
    if isinstance(change, t.TextDocumentContentChangePartial):
        doc = Text(text, encoding)
        start, end = doc.offset(change.range.start), doc.offset(change.range.end)
        if end < start:
            start, end = end, start
        return text[:start] + change.text + text[end:]
    return change.text


def diff_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, replacement), in offsets of ``old``, that turn it into ``new``, line by line."""
    if old == new:
        return []
    a, b = _LINE.findall(old), _LINE.findall(new)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    edits = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append((starts[i1], starts[i2], "".join(b[j1:j2])))
    return edits


def python_encoding(text: str) -> str:
    """The encoding a Python file's coding declaration names (PEP 263), else UTF-8."""
    for line in text.splitlines()[:2]:
        match = _CODING.match(line)
        if match:
            try:
                return codecs.lookup(match.group(1)).name
            except LookupError:
                return "utf-8"  # the engine reports the unknown encoding on the bytes
        if line.strip() and not line.lstrip().startswith("#"):
            break
    return "utf-8"


def to_bytes(text: str, python: bool) -> tuple[bytes, str]:
    """A buffer's text as the bytes of its file, and their encoding: a Python file's own coding
    declaration (as flake8 hands errlint a file's lines back), else UTF-8 (TypeScript's and
    JavaScript's). A character the declared encoding cannot hold leaves the text in UTF-8, and
    the engine reports the bytes that do not decode."""
    if text.startswith("\ufeff"):
        text = text[1:]
    encoding = python_encoding(text) if python else "utf-8"
    try:
        return text.encode(encoding), encoding
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8", "surrogatepass"), "utf-8"


def from_bytes(data: bytes, encoding: str) -> str:
    return data.decode(encoding, "surrogatepass" if encoding == "utf-8" else "strict")
