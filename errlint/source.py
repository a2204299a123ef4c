"""A file's bytes, before any syntax tree: decoding, CPython's verdict, ``# noqa``.

The first stage of linting a file, and the last. Before the front end's parser
sees the bytes: the syntax errors CPython itself reports (ERR000 with CPython's
reason, when LibCST's parser would fail or recurse where CPython refuses), the
bytes that are not in the file's encoding, and code CPython parses but does not
compile. After the checks: ``# noqa`` comments filter the findings, read from
the file's decoded lines.

``compile()`` rejects some code that ``ast.parse`` accepts: a bare ``except:``
before another handler, ``return`` or ``await`` outside a function, a
``nonlocal`` with no binding, a late ``from __future__`` import, a duplicate
argument.  The rest of such a file is still code someone wrote and will fix, so
errlint reports CPython's message and line as ERR000 and checks the file as
written (:func:`compile_only_error`).  Only the bare-``except:`` case also stops
LibCST (its ``Try`` node validates the handler order);
:func:`errlint.python.parse.lenient_try` lets that one rule pass while such a
file is linted.

Nothing here builds a LibCST tree: a file no enabled rule can report on is
checked by CPython alone.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Sequence

from .diagnostics import PARSE_ERROR, Diagnostic
from .fixes import quiet_compile

_MAX_PYTHON_NESTING = 200  # CPython's tokenizer refuses deeper bracket nesting
_BRACKETS = re.compile(rb"[\[\](){}]")
# How deep errlint reads Python: CPython's AST depth (a call chain of N links is 2N deep, a chain
# of N binary operators N). LibCST's parser slows down with the square of the depth and more, so
# deeper code is ERR000 "too deeply nested", never a hang. The deepest file among 13,000 of the
# stdlib and popular packages is 568 deep (sympy's generated resolvent_lookup.py).
MAX_PYTHON_DEPTH = 1000
TOO_DEEP = "too deeply nested"


_UNSET = object()


class _LastFile:
    """CPython's answers about the file being linted (the last one asked about): its tree (or why
    its parser failed) and its compile error, each computed once; the tree, when built, is what is
    compiled."""

    def __init__(self) -> None:
        self.source: bytes | None = None
        self.tree: object = _UNSET
        self.parse_failure: BaseException | None = None
        self.error: object = _UNSET

    def of(self, source: bytes) -> _LastFile:
        if self.source is not source and self.source != source:
            self.source, self.tree, self.parse_failure, self.error = source, _UNSET, None, _UNSET
        return self


_LAST = _LastFile()


def _python_ast(source: bytes) -> tuple[ast.Module | None, BaseException | None]:
    """CPython's AST of ``source`` and None, or None and why CPython's parser failed (kept for the
    last file asked)."""
    last = _LAST.of(source)
    if last.tree is _UNSET:
        try:
            last.tree = quiet_compile(source, "<errlint>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            last.tree, last.parse_failure = None, exc
    return last.tree, last.parse_failure  # type: ignore[return-value]


def python_tree(source: bytes) -> ast.Module | None:
    """CPython's AST of ``source``, or None when CPython rejects it (kept for the last file asked)."""
    return _python_ast(source)[0]


_NOQA_CODES = r"\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?"
_NOQA = re.compile(r"#" + _NOQA_CODES, re.IGNORECASE)  # Python's comments
NOQA_SLASHES = re.compile(r"(?://|/\*)" + _NOQA_CODES, re.IGNORECASE)  # TypeScript's and JavaScript's
_CODE_SPLIT = re.compile(r"[,\s]+")


# -- syntax errors: CPython's verdict ---------------------------------------------------------
def python_syntax_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for a file CPython's parser rejects (used for files LibCST is not asked to parse)."""
    if compiles(source) or python_tree(source) is not None:  # compiling builds no AST: cheaper when it passes
        return None
    return parse_error(path, source, SyntaxError("CPython rejects this file"))


def too_deep_for_python(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for nesting LibCST is not to see: brackets CPython rejects (with its reason), code
    CPython's parser runs out of room for, code deeper than :data:`MAX_PYTHON_DEPTH`."""
    tree, error = _python_ast(source)
    if isinstance(error, (RecursionError, MemoryError)):
        return _too_deep(path, 1, "CPython's parser runs out of room")
    if tree is not None and len(source) > MAX_PYTHON_DEPTH:
        line = _deeper_than(tree, MAX_PYTHON_DEPTH, source)
        if line is not None:
            return _too_deep(path, line, f"more than {MAX_PYTHON_DEPTH} levels, errlint's limit")
    if isinstance(error, SyntaxError) and len(source) > MAX_PYTHON_DEPTH and _longest_statement(source) > MAX_PYTHON_DEPTH:
        # CPython rejects the file and its depth cannot be read: a statement this long may be too
        # deep for LibCST's parser (a broken 20,000-link call chain hung it); CPython's reason, as
        # LibCST's failure would give. (Only newer syntax than this Python's loses its lint.)
        return _cpython_error(path, source)
    if tree is not None:
        return None  # CPython parsed it: its bracket nesting is within CPython's limit
    return _too_many_brackets(path, source)


def _longest_statement(source: bytes) -> int:
    """The most tokens in one logical line of ``source`` (a bound on an expression's depth), as far
    as the tokenizer reads."""
    longest = count = 0
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                longest, count = max(longest, count), 0
            elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                count += 1
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        pass
    return max(longest, count)


def _too_deep(path: str, line: int, why: str) -> Diagnostic:
    return Diagnostic(path, line, 1, PARSE_ERROR, f"cannot parse: {TOO_DEEP} ({why}); file skipped", rule="parse-error")


# How many levels a node's text can hold per byte, at most. A node with a position takes
# at least one byte more than each child that has one (an operand, a callee, a clause's
# keyword, a nested block's line), and a node without a position (arguments, a
# comprehension, a ``with`` item, an operator, a context) stands between two that do, or
# is a leaf: two levels a byte, and a few more where the walk starts.
_LEVELS_PER_BYTE = 2
_LEVELS_SLACK = 16


def _deeper_than(tree: ast.AST, limit: int, source: bytes = b"") -> int | None:
    """The line of the first node deeper than ``limit`` in ``tree``, or None; no recursion.

    With ``source`` (the text of ``tree``), a statement or expression whose text is too
    short to hold ``limit`` levels below where it stands is not walked (see
    :data:`_LEVELS_PER_BYTE`): the walk finds the same node the whole walk would, and
    visits only the long statements and expressions on the way to it.
    """
    starts = _line_starts(source) if source else None
    stack = [(tree, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)  # (a Load or an operator has none: its parent's)
        if depth > limit:
            return line
        if starts is not None and isinstance(node, (ast.stmt, ast.expr)):
            if depth + _LEVELS_PER_BYTE * _span(node, starts) + _LEVELS_SLACK <= limit:
                continue  # too short to reach below the limit
        stack.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return None


_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")  # the breaks CPython's tokenizer counts


def _line_starts(source: bytes) -> list[int]:
    """The byte offset of each line's start (index 0: line 1), then the file's length."""
    return [0, *(m.end() for m in _LINE_BREAK_BYTES.finditer(source)), len(source)]


def _span(node: ast.stmt | ast.expr, starts: list[int]) -> int:
    """How many bytes a statement's or an expression's text takes, at most. Columns count
    UTF-8 bytes, at least the file's own in any encoding Python reads: a node that starts
    on its first line's start and ends at its end column is never shorter than its text.
    A definition's decorators, which stand before it, count as its text."""
    first, last = node.lineno, node.end_lineno or node.lineno
    for decorator in getattr(node, "decorator_list", ()):
        first = min(first, decorator.lineno)
    end_col = node.end_col_offset
    if not 0 < first <= last < len(starts) or end_col is None:
        return starts[-1]  # a position outside the file: the whole file bounds it
    if first == last == node.lineno:
        return max(end_col - node.col_offset, 0)
    return starts[last - 1] + end_col - starts[first - 1]


def _too_many_brackets(path: str, source: bytes) -> Diagnostic | None:
    if source.count(b"(") + source.count(b"[") + source.count(b"{") <= _MAX_PYTHON_NESTING:
        return None
    depth = deepest = 0
    for match in _BRACKETS.finditer(source):
        if match.group() in b"([{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth = max(depth - 1, 0)
    if deepest <= _MAX_PYTHON_NESTING:
        return None  # (brackets inside strings only make this an over-estimate)
    return _cpython_error(path, source)


def _cpython_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 with CPython's own reason when CPython cannot compile ``source``, else None."""
    try:
        quiet_compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as err:
        line, col = err.lineno or 1, err.offset or 1
        return Diagnostic(path, line, col, PARSE_ERROR, f"cannot parse: {err.msg} ({line}:{col})", rule="parse-error")
    except (RecursionError, MemoryError):
        return _too_deep(path, 1, "CPython's parser runs out of room")
    except ValueError as err:
        return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: {type(err).__name__}: {err}", rule="parse-error")
    return None


def parse_error(path: str, source: bytes, exc: BaseException) -> Diagnostic:
    """ERR000 for a file LibCST cannot parse, with CPython's reason when it has one."""
    libcst_reason = str(exc).strip().splitlines()
    libcst_reason = next((line for line in libcst_reason if "error" in line.lower()), libcst_reason[0] if libcst_reason else type(exc).__name__)
    decoding = _decoding_error(path, source)
    if decoding is not None:
        return decoding
    cpython = _cpython_error(path, source)
    if cpython is not None:
        return cpython
    where = re.search(r"@ (\d+):(\d+)", str(exc))
    line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
    return Diagnostic(
        path, line, col, PARSE_ERROR,
        "cannot parse: LibCST's parser rejects this file although Python compiles it "
        f"({libcst_reason.rstrip('.')}); file skipped",
        rule="parse-error",
    )


def _decoding_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for bytes that are not in the file's declared (or default UTF-8) encoding."""
    try:
        encoding, cookie = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as err:
        if "invalid or missing encoding" not in str(err):  # unknown or inconsistent coding cookie
            return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: {err}", rule="parse-error")
        encoding, cookie = "utf-8", []  # undecodable bytes on the first lines, no cookie
    try:
        source.decode(encoding)
    except LookupError:
        return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: unknown encoding {encoding!r}", rule="parse-error")
    except UnicodeDecodeError as err:
        line = source.count(b"\n", 0, err.start) + 1
        col = err.start - (source.rfind(b"\n", 0, err.start) + 1) + 1
        why = (
            f"is not valid {encoding}, the encoding its coding line declares"
            if cookie
            else "is not valid UTF-8 and the file has no PEP 263 coding line"
        )
        return Diagnostic(path, line, col, PARSE_ERROR, f"cannot parse: byte 0x{source[err.start]:02x} at {line}:{col} {why}", rule="parse-error")
    return None


# -- code CPython parses but does not compile -------------------------------------------------
_NOT_A_VERDICT = SyntaxError("not a verdict on the code")


def _compile_error(source: bytes) -> SyntaxError | None:
    """CPython's SyntaxError for ``source``, None when it compiles (kept for the last file asked).

    When CPython's tree of ``source`` was built (:func:`python_tree`), the tree is compiled: the
    compiler's verdict without a second parse (its errors and their positions are the same).
    """
    last = _LAST.of(source)
    if last.error is _UNSET:
        tree = last.tree if last.tree is not _UNSET else None
        try:
            quiet_compile(tree if tree is not None else source, "<errlint>", "exec", dont_inherit=True)
            last.error = None
        except SyntaxError as err:
            last.error = err
        except (ValueError, RecursionError, MemoryError):
            last.error = _NOT_A_VERDICT  # null bytes, nesting: the parser's own ERR000 covers these
    return last.error  # type: ignore[return-value]


def compiles(source: bytes) -> bool:
    """Does CPython compile ``source``? (Cheaper than building its AST: no Python objects.)"""
    return _compile_error(source) is None


def compile_only_error(path: str, source: bytes, parse: bool = False) -> Diagnostic | None:
    """ERR000 when CPython parses ``source`` but cannot compile it; None otherwise.

    A file CPython's parser rejects is not this function's business (it may be
    newer syntax LibCST reads, or a syntax error reported elsewhere).
    ``parse``: the file's tree is needed anyway (the front end chooses what LibCST
    parses with it): build it first and compile it rather than the text.
    """
    if parse:
        python_tree(source)
    err = _compile_error(source)
    if err is None or err is _NOT_A_VERDICT or python_tree(source) is None:
        return None
    line, col = err.lineno or 1, err.offset or 1
    return Diagnostic(
        path, line, col, PARSE_ERROR,
        f"does not compile: {err.msg} ({line}:{col}); the rest of the file is checked as written",
        rule="parse-error",
    )


# -- after the checks: # noqa -----------------------------------------------------------------
def noqa_filter(source_lines: Sequence[str], diagnostics: Iterable[Diagnostic], comment: re.Pattern = _NOQA) -> list[Diagnostic]:
    """Drop the findings on lines with ``# noqa`` (every code) or ``# noqa: ERR004`` (those codes);
    ``comment``: the language's form of the comment (NOQA_SLASHES: ``// noqa``, ``/* noqa``).
    Each line is read once, however many findings it has (a minified file is one long line)."""
    verdicts: dict[int, tuple[str, ...] | None] = {}  # line -> codes its noqa names (() every code), None: none
    out = []
    for d in diagnostics:
        if d.line not in verdicts:
            verdicts[d.line] = _noqa_codes(source_lines[d.line - 1] if 0 < d.line <= len(source_lines) else "", comment)
        codes = verdicts[d.line]
        if codes is not None and (not codes or any(d.code.upper().startswith(c) for c in codes)):
            continue
        out.append(d)
    return out


def _noqa_codes(line: str, comment: re.Pattern) -> tuple[str, ...] | None:
    """The codes a line's noqa comment names (``()``: a blanket noqa), None when it has none."""
    if "noqa" not in line.lower():
        return None
    match = comment.search(line)
    if not match:
        return None
    codes = match.group("codes")
    return tuple(c.upper() for c in _CODE_SPLIT.split(codes.strip()) if c) if codes else ()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as CPython, JavaScript and the front ends' positions count them: a line
    ends at ``\\r\\n``, ``\\r`` or ``\\n`` only (``str.splitlines`` also breaks at a form feed,
    ``\\x1c`` or ``\\u2028``, which would put a ``# noqa`` on the wrong line)."""
    return _LINE_BREAK.split(text)


def decode_lines(source: bytes, encoding: str) -> list[str]:
    """The file's lines as LibCST and CPython number them: broken at ``\r\n``, ``\r`` and ``\n`` only
    (not at the form feeds, ``\x1c``-``\x1e``, ``\x85`` or ``\u2028`` that :meth:`str.splitlines` breaks at)."""
    try:
        return split_lines(source.decode(encoding, errors="replace"))
    except LookupError:
        return split_lines(source.decode("utf-8", errors="replace"))
