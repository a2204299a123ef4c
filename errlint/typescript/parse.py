"""tree-sitter for TypeScript and JavaScript: which grammar reads a file, the parse, the syntax verdict.

The TypeScript grammar reads ``.ts`` ``.mts`` ``.cts``, its TSX variant ``.tsx``,
the JavaScript grammar (JSX included) ``.js`` ``.mjs`` ``.cjs`` ``.jsx``.
tree-sitter always returns a tree: a file whose tree holds an ``ERROR`` or a
``MISSING`` node gets ERR000 at the first of them, and is not checked further.

tree-sitter counts columns in bytes and rows by ``\\n`` alone; errlint reports
lines as JavaScript counts them (``\\r\\n``, ``\\r``, ``\\n``) and columns in
characters (code points), as it does for Python: :class:`Lines` converts.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right

from ..diagnostics import PARSE_ERROR, Diagnostic

GRAMMARS = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
}
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")  # read for class declarations only
_BOM = b"\xef\xbb\xbf"

_local = threading.local()  # a tree-sitter Parser is not shared between threads


def grammar_for(path: str) -> str | None:
    """The grammar that reads ``path`` ("typescript", "tsx", "javascript"), None for other files."""
    dot = path.rfind(".")
    return GRAMMARS.get(path[dot:].lower()) if dot >= 0 else None


def is_declaration_file(path: str) -> bool:
    return path.lower().endswith(DECLARATION_SUFFIXES)


def _language(grammar: str):
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript as module

        return tree_sitter.Language(module.language())
    import tree_sitter_typescript as module

    return tree_sitter.Language(module.language_tsx() if grammar == "tsx" else module.language_typescript())


_LANGUAGES: dict = {}
_QUERIES: dict = {}


def language_for(grammar: str):
    found = _LANGUAGES.get(grammar)
    if found is None:
        found = _LANGUAGES[grammar] = _language(grammar)
    return found


def parser_for(grammar: str):
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(grammar)
    if parser is None:
        import tree_sitter

        parser = parsers[grammar] = tree_sitter.Parser(language_for(grammar))
    return parser


def captures(grammar: str, pattern: str, node) -> dict:
    """``{capture name: [nodes]}`` of a tree-sitter query over ``node`` (the query compiled once)."""
    import tree_sitter

    query = _QUERIES.get((grammar, pattern))
    if query is None:
        query = _QUERIES[(grammar, pattern)] = tree_sitter.Query(language_for(grammar), pattern)
    return tree_sitter.QueryCursor(query).captures(node)


def nodes_of(grammar: str, types, node) -> list:
    """The nodes of ``types`` (those the grammar has) below ``node``, from one query."""
    language = language_for(grammar)
    known = sorted(t for t in types if language.id_for_node_kind(t, True))
    if not known:
        return []
    found = captures(grammar, " ".join(f"({t}) @n" for t in known), node)
    return list(found.get("n", ()))


def parse(source: bytes, grammar: str):
    """(tree, the bytes it was parsed from): a UTF-8 byte order mark is left out, as editors count columns.

    A raw NUL byte is valid inside a string, a template literal, a comment or a regular expression (the
    TypeScript compiler accepts it), but tree-sitter's grammars stop there and may read the rest of the
    literal as code: each NUL is parsed as a space (same width, so every position stays), and
    :func:`syntax_error` rejects one that no literal or comment holds.

    A reserved word is a valid module export name (``export { x as in }``, ``import { in as y }``: bundlers
    name chunks' exports so), which tree-sitter's grammars reject: when the tree has an error and such a
    specifier is there, the file is parsed again with its first letter upper-cased (``In``: same width, an
    identifier), as both the exporting and the importing file are."""
    text = source[len(_BOM):] if source.startswith(_BOM) else source
    parsed = text.replace(b"\0", b" ") if b"\0" in text else text
    tree = parser_for(grammar).parse(parsed)
    if tree.root_node.has_error and _RESERVED_SPECIFIER.search(parsed):
        words = [m.start(2) if m.group(2) is not None else m.start(4) for m in _RESERVED_SPECIFIER.finditer(parsed)]
        again = parser_for(grammar).parse(_RESERVED_SPECIFIER.sub(_capitalised, parsed))
        if all(_in_specifier(again.root_node, at) for at in words):  # else a syntax error it would hide
            tree = again
    return tree, text


def _in_specifier(root, at: int) -> bool:
    node = root.descendant_for_byte_range(at, at + 1)
    return node is not None and node.parent is not None and node.parent.type in ("export_specifier", "import_specifier")


_RESERVED = (
    rb"break|case|catch|class|const|continue|debugger|default|delete|do|else|enum|export|extends|false|finally|for"
    rb"|function|if|import|in|instanceof|new|null|return|super|switch|this|throw|true|try|typeof|var|void|while|with"
)
# in an export or import specifier list: `as <reserved>` before `,` or `}`, or `<reserved> as` after `{` or `,`
_RESERVED_SPECIFIER = re.compile(
    rb"(?<=\bas)(\s+)(" + _RESERVED + rb")(?=\s*[,}])|(?<=[{,])(\s*)(" + _RESERVED + rb")(?=\s+as\s)"
)


def _capitalised(match: re.Match) -> bytes:
    space, word = (match.group(1), match.group(2)) if match.group(2) is not None else (match.group(3), match.group(4))
    return space + word[:1].upper() + word[1:]


class Lines:
    """Byte offsets to 1-based lines and character columns.

    A line ends at ``\\r\\n``, ``\\r`` or ``\\n``, as JavaScript, CPython and editors count;
    tree-sitter's rows count ``\\n`` only (a file with CR line endings is one row), so
    positions come from byte offsets. Columns count characters (code points), from a
    per-line index built once for a line that is not ASCII: each position costs a
    bisection, not a decoding of the line up to it (a 5 MB one-line file has
    thousands of positions).
    """

    __slots__ = ("text", "_starts", "_wide")

    def __init__(self, text: bytes) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._wide: dict[int, list[int] | None] = {}  # line -> offsets of its UTF-8 continuation bytes

    def starts(self) -> list[int]:
        """The byte offset where each line starts."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _LINE_END.finditer(self.text))]
        return self._starts

    def line_of(self, offset: int) -> int:
        """The 0-based line of byte ``offset``."""
        return bisect_right(self.starts(), offset) - 1

    def column(self, row: int, offset: int) -> int:
        """The 1-based character column of byte ``offset``, on 0-based line ``row``."""
        start = self.starts()[row]
        if row not in self._wide:
            starts = self.starts()
            end = starts[row + 1] if row + 1 < len(starts) else len(self.text)
            line = self.text[start:end]
            self._wide[row] = None if line.isascii() else [m.start() for m in _CONTINUATION.finditer(line)]
        wide = self._wide[row]
        within = offset - start
        return within + 1 - (bisect_left(wide, within) if wide else 0)

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), 1-based, of byte ``offset``."""
        row = self.line_of(offset)
        return row + 1, self.column(row, offset)

    def where(self, start: int, end: int) -> tuple[int, int, int, int]:
        """A node's ``start_byte`` and ``end_byte`` as (line, column, end line, end column), 1-based."""
        return (*self.position(start), *self.position(end))


_LINE_END = re.compile(rb"\r\n?|\n")
_CONTINUATION = re.compile(rb"[\x80-\xbf]")


def _decoding_error(path: str, text: bytes) -> Diagnostic | None:
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as err:
        line = text.count(b"\n", 0, err.start) + 1
        col = err.start - (text.rfind(b"\n", 0, err.start) + 1) + 1
        return Diagnostic(
            path, line, col, PARSE_ERROR, f"cannot parse: byte 0x{text[err.start]:02x} at {line}:{col} is not valid UTF-8",
            rule="parse-error",
        )
    return None


# How deep errlint reads a tree-sitter tree: several readings go up from a node to its scopes
# (each step a descent from the root), so time grows with the depth. The deepest of 7,884 files of
# ten popular npm packages (typescript, rxjs, openai, effect, zod, ...) is 159 deep; a try nested
# in a try adds two levels. Deeper code is ERR000 "too deeply nested", never a hang.
MAX_DEPTH = 1000


def deeper_than(root, limit: int = MAX_DEPTH):
    """The first node (in source order) deeper than ``limit`` below ``root``, or None: one walk
    of a tree cursor, no recursion."""
    cursor = root.walk()
    depth = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > limit:
                return cursor.node
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
            depth -= 1


def first_error(root):
    """The first ``ERROR`` or ``MISSING`` node of the tree, in source order (None: the tree is clean)."""
    if not root.has_error:
        return None
    node = root
    while True:
        for child in node.children:
            if child.is_missing or child.type == "ERROR":
                return child
            if child.has_error:
                node = child
                break
        else:
            return node  # has_error with no erroneous child: the node itself


def syntax_error(path: str, tree, text: bytes, lines: Lines, grammar: str) -> Diagnostic | None:
    """ERR000 for bytes that are not UTF-8, or a tree with an error node (at the first)."""
    bad = _decoding_error(path, text) or (_stray_nul(path, tree, text, lines) if b"\0" in text else None)
    if bad is not None:
        return bad
    node = first_error(tree.root_node)
    if node is None:
        return None
    line, col = lines.position(node.start_byte)
    name = "TypeScript" if grammar in ("typescript", "tsx") else "JavaScript"
    if grammar == "tsx":
        name = "TSX"
    if node.is_missing:
        why = f"expects {node.type!r} there"
    else:
        snippet = node.text.decode("utf-8", "replace").strip().splitlines()
        snippet = snippet[0][:40] if snippet else ""
        why = f"rejects {snippet!r}" if snippet else "rejects the input there"
    return Diagnostic(
        path, line, col, PARSE_ERROR, f"cannot parse: tree-sitter's {name} grammar {why} ({line}:{col}); file skipped",
        rule="parse-error",
    )


_HOLDS_NUL = frozenset({"string", "template_string", "comment", "regex", "jsx_text", "html_comment"})


def _stray_nul(path: str, tree, text: bytes, lines: Lines) -> Diagnostic | None:
    """ERR000 at the first NUL byte that no string, template literal, comment or regular expression holds
    (TypeScript's TS1127 "Invalid character")."""
    at = text.find(b"\0")
    while at >= 0:
        node = tree.root_node.descendant_for_byte_range(at, at + 1)
        while node is not None and node.type not in _HOLDS_NUL:
            node = node.parent
        if node is None:
            line, col = lines.position(at)
            return Diagnostic(
                path, line, col, PARSE_ERROR, f"cannot parse: a NUL byte outside a string, template literal or comment ({line}:{col}); file skipped",
                rule="parse-error",
            )
        at = text.find(b"\0", at + 1)
    return None
