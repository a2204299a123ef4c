"""The engine: parse each file once, run every enabled check in one traversal.

Per file: the bytes are parsed by LibCST's native parser (so a BOM or a PEP 263
coding line is honoured), the shared name analysis reads the module's top-level
bindings, and one traversal calls the analysis and every enabled check.  Node
positions are computed only for files that report something.

Classes a file imports from other project modules are read from disk on demand
(:mod:`errlint.project`), the same way for a whole tree, one file, flake8 and
standard input, so every front end gives a file the same verdict.
"""
from __future__ import annotations

import io
import os
import re
import sys
import tokenize
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

from .python.names import NameResolver
from .python.prefilter import python_tree
from .fixes import quiet_compile as _quiet_compile
from .python.scan import child_fields as _child_fields
from .python.scan import children as _scan_children
from .python.scan import walk
from .checks import ALL_CHECKS
from .checks.base import Check
from .compile_errors import compile_only_error, compiles, lenient_try
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .files import real_path
from .hierarchy import ClassGraph
from .packs import PackRegistry

_NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?",
    re.IGNORECASE,
)
_CODE_SPLIT = re.compile(r"[,\s]+")


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module_name: str = ""
    error: bool = False  # ERR999: an internal error (exit code 2)
    module: cst.Module | None = field(default=None, repr=False)  # the parsed file, for fixes
    skipped: bool = False  # not parsed: no enabled rule could report on it
    # project modules the verdict read (see errlint.project): name -> [path or None, digest or None]
    depends: dict[str, list] = field(default_factory=dict)


def _values_in_scope(values, evidence):
    """A trigger: the file holds one of a module-less pack's values and, unless the pack
    applies everywhere, a trace of its scope evidence (python/scope.py)."""

    def trigger(source: bytes) -> bool:
        if values.search(source) is None:
            return False
        return evidence is None or any(e.search(source) is not None for e in evidence)

    return trigger


class FileContext:
    """What a check can ask about the file being linted."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        module_name: str,
        is_package: bool,
        registry: PackRegistry,
        project: ClassGraph,
    ) -> None:
        self.path = path
        self.module = module
        self.module_name = module_name
        self.registry = registry
        self.names = NameResolver(module, module_name, is_package, known=project.knows)
        self._project = project
        self._graph: ClassGraph | None = None
        self._positions = None
        self._receivers = None
        self._retries = None
        self._scope = None
        self.source = b""  # the file's bytes (set by the engine)
        self.reports: list[tuple[str, cst.CSTNode, str, object | None, cst.CSTNode | None]] = []

    # -- facts ---------------------------------------------------------------
    @property
    def graph(self) -> ClassGraph:
        """Static + project classes + this file's classes (complete once the traversal ends)."""
        if self._graph is None:
            self._graph = self._project.layer(self.names.classes, self.names.module_aliases())
        return self._graph

    @property
    def receivers(self):
        """SDK objects and SDK calls (shared by every check, cached per node)."""
        if self._receivers is None:
            from .python.receivers import ReceiverAnalysis

            self._receivers = ReceiverAnalysis(self.names, self.registry)
        return self._receivers

    def pack_applies(self, pack) -> bool:
        """Does ``pack`` apply to this file? An SDK pack where the file imports it; a pack
        without a module where the file is about its API (see python/scope.py)."""
        if self._scope is None:
            from .python.scope import PackScope

            self._scope = PackScope(self.source, self.receivers.imports, self.module)
        return self._scope.applies(pack)

    @property
    def retries(self):
        """Retry constructs and handler effects (shared by every check, cached per node)."""
        if self._retries is None:
            from .python.retries import RetryAnalysis

            self._retries = RetryAnalysis(self.names, lambda: self.graph, self.receivers.index.reauth_actions)
        return self._retries

    @property
    def places(self) -> Places:
        if self._positions is None:
            self._positions = Places(self.module)
        return self._positions

    def position(self, node: cst.CSTNode):
        return self.places.position(node)

    def line_of(self, node: cst.CSTNode) -> int:
        return self.position(node).start.line

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- reporting -------------------------------------------------------------
    def report(
        self, code: str, node: cst.CSTNode, message: str, fix: object | None = None, end: cst.CSTNode | None = None
    ) -> None:
        """Report at ``node``'s start; the range ends where ``end`` (default ``node``) ends."""
        self.reports.append((code, node, message, fix, end))


_NEWLINE = re.compile(r"\r\n?|\n")  # what LibCST's PositionProvider counts as a line break


def _lines_in(code: str) -> int:
    return len(_NEWLINE.findall(code))


class _Recent(dict):
    """A dict that keeps its :data:`KEEP` most recently stored entries."""

    KEEP = 16

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        if len(self) > self.KEEP:
            del self[next(iter(self))]  # the oldest stored


class Places:
    """Positions of nodes, computed one top-level statement at a time.

    LibCST's PositionProvider generates the code of the whole module, which
    for a large file costs about twice its parse; a finding needs the
    positions of a few nodes only. The statement that holds a node is
    positioned on its own (a module of that one statement), then shifted by
    the lines of the statements before it.
    """

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._owner: dict[int, int] = {}  # id(node) -> index of its top-level statement
        self._searched = 0  # top-level statements already indexed in _owner
        # lines of the module's code before each top-level statement, filled as far as asked
        self._starts: list[int] = [sum(_lines_in(module.code_for_node(line)) for line in module.header)]
        # per top-level statement, for the few statements asked about last (findings come
        # roughly in source order): node positions; for fix edits, its code, where its lines
        # start, block indents. A file with thousands of findings keeps a few, not all.
        self._positions: _Recent = _Recent()
        self._whole = None
        self._texts: _Recent = _Recent()
        self._line_starts: _Recent = _Recent()
        self._indents: _Recent = _Recent()

    def statement_of(self, node: cst.CSTNode) -> int | None:
        """The index of the top-level statement holding ``node`` (None: not in one)."""
        body = self.module.body
        while id(node) not in self._owner and self._searched < len(body):
            k = self._searched
            for n in walk([body[k]], enter_scopes=True):
                self._owner[id(n)] = k
            self._searched += 1
        return self._owner.get(id(node))

    def start(self, k: int) -> int:
        """The number of lines of the module's code before top-level statement ``k``."""
        body = self.module.body
        while len(self._starts) <= k:
            self._starts.append(self._starts[-1] + _lines_in(self.module.code_for_node(body[len(self._starts) - 1])))
        return self._starts[k]

    def alone(self, k: int) -> cst.Module:
        """Top-level statement ``k`` as a module of its own (same newline, indent and encoding)."""
        last = k == len(self.module.body) - 1
        return self.module.with_changes(
            header=(), footer=(), body=(self.module.body[k],),
            has_trailing_newline=self.module.has_trailing_newline or not last or bool(self.module.footer),
        )

    def text(self, k: int) -> str:
        """The code of top-level statement ``k`` alone (see :meth:`alone`), generated once."""
        text = self._texts.get(k)
        if text is None:
            text = self._texts[k] = self.alone(k).code
        return text

    def line_starts(self, k: int) -> list[int]:
        """Offsets in :meth:`text` where each line begins, line breaks counted as LibCST counts them."""
        starts = self._line_starts.get(k)
        if starts is None:
            starts = self._line_starts[k] = [0, *(m.end() for m in _NEWLINE.finditer(self.text(k)))]
        return starts

    def indent(self, k: int, node: cst.CSTNode) -> str | None:
        """The indentation LibCST writes before each line of ``node`` (its enclosing blocks' indents)."""
        indents = self._indents.get(k)
        if indents is None:
            indents = self._indents[k] = {}
            default = self.module.default_indent
            stack: list[tuple[cst.CSTNode, str]] = [(self.module.body[k], "")]
            while stack:
                n, prefix = stack.pop()
                indents[id(n)] = prefix
                if isinstance(n, cst.IndentedBlock):
                    prefix += default if n.indent is None else n.indent
                stack.extend((c, prefix) for c in _scan_children(n))
        return indents.get(id(node))

    def local_position(self, k: int, node: cst.CSTNode):
        """``node``'s position in the code of top-level statement ``k`` alone."""
        positions = self._positions.get(k)
        if positions is None:
            positions = self._positions[k] = _positions_in(self.alone(k))
        return positions[node]

    def position(self, node: cst.CSTNode):
        k = self.statement_of(node)
        if k is None:  # the module itself, or a node the walk does not enter: whole-module positions
            if self._whole is None:
                self._whole = _positions_in(self.module)
            return self._whole[node]
        local = self.local_position(k, node)
        shift = self.start(k)
        if not shift:
            return local
        return CodeRange(CodePosition(local.start.line + shift, local.start.column), CodePosition(local.end.line + shift, local.end.column))


def _positions_in(module: cst.Module) -> dict:
    """LibCST's PositionProvider positions of every node of ``module``.

    What ``MetadataWrapper(module).resolve(PositionProvider)`` gives, without the
    wrapper's visit of the whole tree (which rebuilds every node, for nothing here).
    """
    recorder = _Recorder()
    module._codegen(PositionProvidingCodegenState(module.default_indent, module.default_newline, provider=recorder))
    return recorder._computed


_ANALYSIS_NODES = frozenset({"ClassDef", "FunctionDef", "Lambda", "Import", "ImportFrom", "Assign", "AnnAssign"})


class _Walker:
    """One traversal: the name analysis first, then every check, for each node.

    LibCST's own ``visit`` rebuilds and re-validates every node even for a
    read-only visitor, which costs more than the parse. This walker reads the
    dataclass fields instead, skips whitespace and token nodes, and does not
    descend into expressions unless a check subscribes to an expression node.
    """

    def __init__(self, ctx: FileContext, checks: Sequence[Check]) -> None:
        self.names = ctx.names
        self.visits: dict[str, list] = {}
        self.leaves: dict[str, list] = {}
        for check in checks:
            for attr in type(check).handlers():
                kind, _, node_name = attr.partition("_")
                table = self.visits if kind == "visit" else self.leaves
                table.setdefault(node_name, []).append((check, getattr(check, attr)))
        subscribed = set(self.visits) | set(self.leaves)
        self.expressions = any(
            isinstance(getattr(cst, n, None), type) and issubclass(getattr(cst, n), cst.BaseExpression)
            for n in subscribed
        )
        self.skip: tuple[type, ...] = (
            (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.TrailingWhitespace)
            if self.expressions
            else (cst.BaseExpression, cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.TrailingWhitespace)
        )
        self._skip_type: dict[type, bool] = {}
        self.current: Check | None = None

    def _skipped(self, cls: type) -> bool:
        skipped = self._skip_type.get(cls)
        if skipped is None:
            skipped = self._skip_type[cls] = issubclass(cls, self.skip)
        return skipped

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node).__name__
        names = self.names
        if kind in _ANALYSIS_NODES:
            if kind == "ClassDef":
                names.enter_class(node)
            elif kind in ("FunctionDef", "Lambda"):
                names.enter_function(node)
            elif len(names.scopes) > 1:
                names.bind_statement(node)
        for check, fn in self.visits.get(kind, ()):
            self.current = check
            fn(node)
        skip_type = self._skip_type
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, (tuple, list)):
                for item in value:
                    cls = type(item)
                    skipped = skip_type.get(cls)
                    if skipped is None:
                        skipped = self._skipped(cls) if isinstance(item, cst.CSTNode) else True
                        skip_type[cls] = skipped
                    if not skipped:
                        self.walk(item)
            elif value is not None:
                cls = type(value)
                skipped = skip_type.get(cls)
                if skipped is None:
                    skipped = self._skipped(cls) if isinstance(value, cst.CSTNode) else True
                    skip_type[cls] = skipped
                if not skipped:
                    self.walk(value)
        for check, fn in self.leaves.get(kind, ()):
            self.current = check
            fn(node)
        if kind in ("ClassDef", "FunctionDef", "Lambda"):
            names.leave_scope()


def _text_edits(places: Places, fix) -> list[dict]:
    """ruff-style edits: for each replacement, the changed text and its 1-based range in the original.

    The replacement is applied to its top-level statement alone (see :class:`Places`);
    only a replacement of something outside every statement is applied to the whole module.
    """
    from .fixes import apply_replacements

    module = places.module
    edits = []
    # replacements inside one top-level statement make one edit (edits of one fix never overlap)
    groups: dict[int | None, list] = {}
    for r in fix.replacements:
        groups.setdefault(places.statement_of(r.old), []).append(r)
    for k, group in groups.items():
        # one replacement: an edit at the cost of the replaced node (h4); several in one
        # statement: one edit of the whole statement, so the fix's edits never overlap
        edit = _edit_in_place(places, k, group[0]) if k is not None and len(group) == 1 else None
        if edit is not None:
            edits.append(edit)
            continue
        one = type(fix)(fix.applicability, fix.message, tuple(group))
        if k is None:
            part, lines_before = module, 0
        else:
            part, lines_before = places.alone(k), places.start(k)
        original = part.code
        changed = apply_replacements(part, [one]).code
        start = 0
        limit = min(len(original), len(changed))
        while start < limit and original[start] == changed[start]:
            start += 1
        end_o, end_c = len(original), len(changed)
        while end_o > start and end_c > start and original[end_o - 1] == changed[end_c - 1]:
            end_o -= 1
            end_c -= 1
        # whole lines read better than a character-level diff
        start = original.rfind("\n", 0, start) + 1
        newline = original.find("\n", end_o)
        grow = (newline + 1 if newline != -1 else len(original)) - end_o
        if end_o > start and original[end_o - 1] == "\n":
            grow = 0
        end_o += grow
        end_c += grow
        edits.append(
            {
                "content": changed[start:end_c],
                "location": _row_col(original, start, lines_before),
                "end_location": _row_col(original, end_o, lines_before),
            }
        )
    return edits


def _edit_in_place(places: Places, k: int, r) -> dict | None:
    """The edit of :func:`_text_edits` for replacement ``r`` in statement ``k``, at a cost that
    follows the size of the replaced node, not of its statement (a class of thousands of methods).

    Only the old and the new node are generated, with the indentation of their blocks; the
    statement's code with the replacement in is read through offsets, never built. None when a
    precondition does not hold (a removal, or the old node's code is not where its position
    says): the caller then applies the replacement to the whole statement.
    """
    new_nodes = r.new.nodes if isinstance(r.new, cst.FlattenSentinel) else (r.new,)
    if not new_nodes or not all(isinstance(n, cst.CSTNode) for n in new_nodes):
        return None  # a removal can leave a block that LibCST fills with `pass`: not local
    indent = places.indent(k, r.old)
    if indent is None:
        return None
    module = places.module
    places.position(r.old)  # positions of statement k, local to its text
    local = places.local_position(k, r.old)
    # the old node's code, and where its syntactic start lies in that code
    state = PositionProvidingCodegenState(module.default_indent, module.default_newline, provider=_Recorder())
    state.indent_tokens = [indent] if indent else []
    r.old._codegen(state)
    old_code = "".join(state.tokens)
    own = state.provider._computed[r.old].start
    text = places.text(k)
    starts = places.line_starts(k)
    first = local.start.line - own.line + 1  # the line (1-based, in text) where old_code starts
    if first < 1 or first > len(starts):
        return None
    a = starts[first - 1] + (local.start.column - own.column if own.line == 1 else 0)
    b = a + len(old_code)
    if text[a:b] != old_code:
        return None
    tokens: list[str] = []
    for n in new_nodes:
        gen = CodegenState(module.default_indent, module.default_newline)
        gen.indent_tokens = [indent] if indent else []
        n._codegen(gen)
        tokens.extend(gen.tokens)
    new_code = "".join(tokens)
    # as _text_edits would on text and changed = text[:a] + new_code + text[b:], without building changed
    shift = len(new_code) - len(old_code)
    a_new = a + len(new_code)

    def changed(i: int) -> str:
        if i < a:
            return text[i]
        if i < a_new:
            return new_code[i - a]
        return text[i - shift]

    len_o, len_c = len(text), len(text) + shift
    limit = min(len_o, len_c)
    start = a
    while start < limit and text[start] == changed(start):
        start += 1
    # the tails after the node are equal: skip them, then compare back through the node
    tail = min(len_o - b, len_o - start, len_c - start)
    end_o, end_c = len_o - max(tail, 0), len_c - max(tail, 0)
    while end_o > start and end_c > start and text[end_o - 1] == changed(end_c - 1):
        end_o -= 1
        end_c -= 1
    start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", end_o)
    grow = (newline + 1 if newline != -1 else len_o) - end_o
    if end_o > start and text[end_o - 1] == "\n":
        grow = 0
    end_o += grow
    end_c += grow
    content = _slice(text, new_code, a, a_new, shift, start, end_c)
    lines_before = places.start(k)
    return {
        "content": content,
        "location": _row_col_in(starts, start, lines_before),
        "end_location": _row_col_in(starts, end_o, lines_before),
    }


def _slice(text: str, new_code: str, a: int, a_new: int, shift: int, i: int, j: int) -> str:
    """``(text[:a] + new_code + text[a + len(new_code) - shift:])[i:j]`` without building the whole."""
    parts = []
    if i < a:
        parts.append(text[i:min(j, a)])
    if j > a and i < a_new:
        parts.append(new_code[max(i, a) - a:min(j, a_new) - a])
    if j > a_new:
        parts.append(text[max(i, a_new) - shift:j - shift])
    return "".join(parts)


class _Recorder:
    """The provider a PositionProvidingCodegenState writes its positions to."""

    def __init__(self) -> None:
        self._computed: dict = {}


def _row_col_in(starts: list[int], offset: int, lines_before: int) -> dict:
    """As :func:`_row_col`, from the line starts of the text (a bisection, not a count)."""
    from bisect import bisect_right

    row = bisect_right(starts, offset)
    return {"row": lines_before + row, "column": offset - starts[row - 1] + 1}


def _row_col(text: str, offset: int, lines_before: int = 0) -> dict:
    """1-based row and column of ``offset``, line breaks counted as LibCST counts them."""
    row, line_start = lines_before + 1, 0
    for brk in _NEWLINE.finditer(text, 0, offset):
        row, line_start = row + 1, brk.end()
    return {"row": row, "column": offset - line_start + 1}


# LibCST's native parser recurses on the machine stack: nesting a few thousand
# brackets deep, or a very long operator chain, overflows an 8 MB main-thread
# stack and kills the process. Every file is therefore linted on a worker
# thread with this much stack, where those inputs parse (slowly) or raise.
BIG_STACK = 512 * 1024 * 1024
_MAX_PYTHON_NESTING = 200  # CPython's tokenizer refuses deeper bracket nesting


class _BigStackThread:
    """One long-lived worker thread with a :data:`BIG_STACK` stack per process.

    Starting a thread with a 512 MB stack costs a few milliseconds (the
    mapping), which over thousands of files adds up; one thread per process
    takes the work from a queue instead. A forked child starts its own.
    """

    def __init__(self) -> None:
        self._pid: int | None = None
        self._thread = None
        self._lock = None

    def _start(self) -> None:
        import queue
        import threading

        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        previous = threading.stack_size()
        try:
            threading.stack_size(BIG_STACK)
            self._thread = threading.Thread(target=self._serve, name="errlint-lint", daemon=True)
            self._thread.start()
        finally:
            threading.stack_size(previous)
        self._pid = os.getpid()

    def _serve(self) -> None:
        while True:
            fn, args = self._inbox.get()
            try:
                self._outbox.put((True, fn(*args)))
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                self._outbox.put((False, exc))

    def call(self, fn, *args):
        import threading

        if self._thread is threading.current_thread():
            return fn(*args)  # already on the big stack
        if self._pid != os.getpid():
            self._start()
        with self._lock:  # one call at a time: the queues pair each request with its answer
            self._inbox.put((fn, args))
            ok, value = self._outbox.get()
        if not ok:
            raise value
        return value


_BIG_STACK_THREAD = _BigStackThread()


def on_big_stack(fn, *args):
    """Run ``fn(*args)`` on the process's :data:`BIG_STACK` thread; return or re-raise its outcome."""
    return _BIG_STACK_THREAD.call(fn, *args)


_BRACKETS = re.compile(rb"[\[\](){}]")


_WORKER_LINTER: Linter | None = None


def _lint_in_worker(item: tuple[str, bytes, tuple[str, bool]]) -> FileResult:
    path, source, (module_name, is_package) = item
    assert _WORKER_LINTER is not None
    return _WORKER_LINTER.lint_source(path, source, module_name, is_package)


def _python_syntax_error(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 for a file CPython's parser rejects (used for files LibCST is not asked to parse)."""
    if compiles(source) or python_tree(source) is not None:  # compiling builds no AST: cheaper when it passes
        return None
    return parse_error(path, source, SyntaxError("CPython rejects this file"))


def _too_deep_for_python(path: str, source: bytes) -> Diagnostic | None:
    """ERR000 with CPython's reason for bracket nesting CPython itself rejects, before LibCST sees it."""
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
        _quiet_compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as err:
        line, col = err.lineno or 1, err.offset or 1
        return Diagnostic(path, line, col, PARSE_ERROR, f"cannot parse: {err.msg} ({line}:{col})", rule="parse-error")
    except (ValueError, RecursionError, MemoryError) as err:
        return Diagnostic(path, 1, 1, PARSE_ERROR, f"cannot parse: {type(err).__name__}: {err}", rule="parse-error")
    return None


class _Spans:
    """Disjoint spans ``(start, end)`` (end exclusive), kept in order: adding one costs a bisection,
    not a look at every span taken (a pass over thousands of fixes)."""

    def __init__(self) -> None:
        self._starts: list = []
        self._ends: list = []

    def add(self, span) -> bool:
        """Take ``span`` unless it overlaps one already taken; whether it was taken."""
        from bisect import bisect_left

        start, end = span
        i = bisect_left(self._starts, start)
        # the spans are disjoint and in order: only the neighbours can overlap
        if i > 0 and start < self._ends[i - 1] and self._starts[i - 1] < end:
            return False
        if i < len(self._starts) and start < self._ends[i] and self._starts[i] < end:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


def _fix_span(d: Diagnostic) -> tuple[tuple[int, int], tuple[int, int]]:
    edits = d.fix.edits if d.fix is not None else []
    if not edits:
        return (d.line, d.column), (d.end_line or d.line, d.end_column or d.column)
    start = min((e["location"]["row"], e["location"]["column"]) for e in edits)
    end = max((e["end_location"]["row"], e["end_location"]["column"]) for e in edits)
    return start, end


def module_name_for(path: Path | str, memo: dict | None = None) -> tuple[str, bool]:
    """The dotted module name of ``path``, walking up through ``__init__.py`` packages.

    ``memo`` (a dict kept for one run) remembers each directory's package, so
    thousands of files in a few directories cost a few lookups each.
    """
    memo = {} if memo is None else memo
    p = os.fspath(path)
    real = real_path(p) if os.path.lexists(p) else p
    stem = os.path.splitext(os.path.basename(real))[0]
    is_package = stem == "__init__"
    parts = _package_parts(os.path.dirname(real), memo)
    if not is_package:
        parts = (*parts, stem)
    if not parts:
        parts = (os.path.basename(os.path.dirname(real)) or "__main__",)
    return ".".join(parts), is_package


def _package_parts(directory: str, memo: dict) -> tuple[str, ...]:
    key = ("package", directory)
    parts = memo.get(key)
    if parts is None:
        if os.path.exists(os.path.join(directory, "__init__.py")):
            parent = os.path.dirname(directory)
            above = () if parent == directory else _package_parts(parent, memo)
            parts = (*above, os.path.basename(directory))
        else:
            parts = ()
        memo[key] = parts
    return parts


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


def noqa_filter(source_lines: Sequence[str], diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    out = []
    for d in diagnostics:
        line = source_lines[d.line - 1] if 0 < d.line <= len(source_lines) else ""
        if "noqa" in line.lower():
            match = _NOQA.search(line)
            if match:
                codes = match.group("codes")
                if not codes:
                    continue  # blanket noqa
                if any(d.code.upper().startswith(c.upper()) for c in _CODE_SPLIT.split(codes.strip()) if c):
                    continue
        out.append(d)
    return out


def decode_lines(source: bytes, encoding: str) -> list[str]:
    try:
        return source.decode(encoding, errors="replace").splitlines()
    except LookupError:
        return source.decode("utf-8", errors="replace").splitlines()


class Linter:
    """Lints files with the enabled checks against one pack registry."""

    def __init__(
        self, registry: PackRegistry, checks: Sequence[type[Check]] | None = None, noqa: bool = True,
        src: Sequence[str] = (),
    ) -> None:
        """``src``: extra roots where project modules are searched (``[tool.errlint] src``)."""
        from .project import ProjectIndex

        self.registry = registry
        self.project_index = ProjectIndex(src)
        self.noqa = noqa  # False: leave ``# noqa`` to the host (flake8 applies its own)
        self._triggers: dict[type[Check], tuple] = {}
        self.checks = tuple(checks if checks is not None else ALL_CHECKS)
        # LibCST visits recursively; deeply nested (generated) code needs room.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))

    # -- one file ----------------------------------------------------------------
    def lint_source(
        self,
        path: str,
        source: bytes,
        module_name: str | None = None,
        is_package: bool = False,
        project: ClassGraph | None = None,
        keep_module: bool = False,
    ) -> FileResult:
        """Lint one file; runs on a thread with a large stack (see :func:`on_big_stack`).

        ``keep_module``: keep the parsed module in the result (fixes need it;
        a plain run drops it so memory stays flat however many files it lints).
        """
        return on_big_stack(self._lint_compiled, path, source, module_name, is_package, project, keep_module)

    def _lint_compiled(self, path: str, source: bytes, *rest) -> FileResult:
        """:meth:`_lint_source`, and CPython's compile-only errors (see :mod:`errlint.compile_errors`).

        A file CPython parses but cannot compile gets that error as ERR000 and
        is linted all the same, without fixes (CPython cannot check what a fix
        would write).
        """
        late = compile_only_error(path, source)
        if late is None:
            return self._lint_source(path, source, *rest)
        with lenient_try():
            result = self._lint_source(path, source, *rest)
        if not any(d.code == PARSE_ERROR for d in result.diagnostics):
            result.diagnostics = [replace(d, fix=None) for d in result.diagnostics]
            result.diagnostics.insert(0, late)
        return result

    def _lint_source(
        self,
        path: str,
        source: bytes,
        module_name: str | None,
        is_package: bool,
        project: ClassGraph | None,
        keep_module: bool = False,
    ) -> FileResult:
        if module_name is None:
            module_name, is_package = module_name_for(path)
        result = FileResult(path=path, module_name=module_name)
        enabled = [cls for cls in self.checks if self._triggered(cls, source)]
        if not enabled and project is None:
            # No enabled rule can report here: skip LibCST (the expensive part). CPython's
            # parser still checks the syntax, so an unparseable file is reported all the same;
            # the file's classes are read later if another file needs them (see run()).
            result.skipped = True
            bad = _python_syntax_error(path, source)
            if bad is not None:
                result.diagnostics.append(bad)
                result.skipped = False
            return result
        too_deep = _too_deep_for_python(path, source)  # only files LibCST is about to see
        if too_deep is not None:
            result.diagnostics.append(too_deep)
            return result
        try:
            module = cst.parse_module(source)
        except Exception as exc:  # ParserSyntaxError, CSTValidationError, decoding errors, RecursionError
            result.diagnostics.append(parse_error(path, source, exc))
            return result
        layer = None
        if project is None:  # the project modules this file imports, read on demand (errlint.project)
            project = layer = self.project_index.layer(self.registry.graph, path, module_name, is_package)
        ctx = FileContext(path, module, module_name, is_package, self.registry, project)
        ctx.source = source
        checks = [cls(ctx) for cls in enabled]
        dispatcher = _Walker(ctx, checks)
        try:
            dispatcher.walk(module)
        except RecursionError:
            result.diagnostics.append(
                Diagnostic(path, 1, 1, PARSE_ERROR, "cannot parse: too deeply nested for errlint's traversal (recursion limit); file skipped", rule="parse-error")
            )
            return result
        except Exception as exc:
            return self._internal_error(result, dispatcher.current, exc)
        try:
            diagnostics = [self._diagnostic(ctx, *r) for r in ctx.reports]
        except Exception as exc:
            return self._internal_error(result, None, exc)
        if self.noqa and diagnostics:
            diagnostics = noqa_filter(decode_lines(source, module.encoding), diagnostics)
        result.diagnostics.extend(diagnostics)
        if keep_module:
            result.module = module
        else:
            for d in result.diagnostics:
                if d.fix is not None:
                    d.fix.replacements = ()  # the text edits stay; the nodes would keep the tree alive
        if layer is not None:
            result.depends = layer.depends
        return result

    def _triggered(self, check: type[Check], source: bytes) -> bool:
        triggers = self._triggers.get(check)
        if triggers is None:
            from .python.prefilter import literal_pattern
            from .checks.base import SDK_MODULES, PackValues

            words: list = []
            for t in check.triggers:
                if t == SDK_MODULES:
                    words.extend(m.encode() for m in sorted({m.split(".")[0] for p in self.registry.packs if not p.is_language for m in p.modules}))
                elif isinstance(t, PackValues):
                    from .python.scope import evidence_pattern

                    for pack in self.registry.packs:
                        values = [
                            value
                            for table in (pack.codes, pack.statuses)
                            for value, policy in table.items() if policy.retry == t.retry
                        ]
                        if pack.modules or not values:
                            continue
                        words.append(_values_in_scope(literal_pattern(values), None if pack.everywhere else evidence_pattern(pack)))
                elif isinstance(t, str):
                    words.append(t.encode())
                else:
                    words.append(t)  # a compiled bytes regex
            triggers = self._triggers[check] = tuple(words)
        return not triggers or any(
            (t in source) if isinstance(t, bytes) else t(source) if callable(t) else (t.search(source) is not None)
            for t in triggers
        )

    def _diagnostic(self, ctx: FileContext, code, node, message, fix, end) -> Diagnostic:
        start = ctx.position(node).start
        stop = ctx.position(end if end is not None else node).end
        if fix is not None:
            fix.edits = _text_edits(ctx.places, fix)
        rule = next((c.name for c in self.checks if c.code == code), "")
        return Diagnostic(
            ctx.path, start.line, start.column + 1, code, message,
            end_line=stop.line, end_column=stop.column + 1, rule=rule, fix=fix,
        )

    def _internal_error(self, result: FileResult, check: Check | None, exc: BaseException) -> FileResult:
        where = f"{type(check).name} ({type(check).code})" if check is not None else "engine"
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        result.diagnostics.append(
            Diagnostic(result.path, 1, 1, INTERNAL_ERROR, f"internal error in {where}: {type(exc).__name__}: {exc}{at}", rule="internal-error")
        )
        result.error = True
        return result

    # -- fixes -----------------------------------------------------------------------
    def fix_source(
        self, path: str, source: bytes, unsafe: bool = False, project: ClassGraph | None = None,
        ignored: Sequence[str] = (),
    ) -> tuple[bytes, list[Diagnostic], FileResult]:
        """Apply fixes in passes until none applies; (fixed source, fixed findings, final result).

        ``ignored``: codes or prefixes whose findings are not fixed (per-file-ignores).
        """
        from .fixes import MAX_PASSES, apply_replacements, verify

        fixed: list[Diagnostic] = []
        original = source
        result = self.lint_source(path, source, project=project, keep_module=True)
        for _ in range(MAX_PASSES):
            if result.module is None or result.error:
                break
            chosen: list[Diagnostic] = []
            taken = _Spans()
            candidates = [
                d for d in result.diagnostics
                if d.fix is not None and d.fix.applies(unsafe) and not any(d.code.startswith(c.upper()) for c in ignored)
            ]
            # safe fixes first: an unsafe fix may not be needed once they are in
            for d in sorted(candidates, key=lambda d: (d.fix.applicability != "safe", _fix_span(d)[0])):
                span = _fix_span(d)
                if not taken.add(span):
                    continue  # overlaps a fix taken in this pass: it comes back in the next one
                chosen.append(d)
            if not chosen:
                break
            new_source = apply_replacements(result.module, [d.fix for d in chosen]).bytes
            if new_source == source:
                break
            # this pass's tree is done with: the fixed findings keep their text edits, not its nodes
            # (on a big file each tree is hundreds of MB, and the next pass parses another)
            for d in result.diagnostics:
                if d.fix is not None:
                    d.fix.replacements = ()
            result.module = None
            verify(new_source, path, original)
            fixed.extend(chosen)
            source = new_source
            result = self.lint_source(path, source, project=project, keep_module=True)
        return source, fixed, result

    def _lint_all(
        self, files: Sequence[tuple[str, bytes, tuple[str, bool]]], jobs: int, on_done=None,
    ) -> list[FileResult]:
        """Lint ``(path, source, (module name, is package))`` items, in ``jobs`` processes.

        ``on_done(result)`` is called as each file's result arrives, in order.
        """
        import multiprocessing

        done: list[FileResult] = []

        def arrived(result: FileResult) -> None:
            done.append(result)
            if on_done is not None:
                on_done(result)

        if jobs <= 1 or len(files) < 2 * jobs or "fork" not in multiprocessing.get_all_start_methods():
            for path, source, module in files:
                arrived(self.lint_source(path, source, *module))
            return done
        global _WORKER_LINTER
        _WORKER_LINTER = self  # inherited by the forked workers: no registry to rebuild or pickle
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                for result in pool.map(_lint_in_worker, files, chunksize=max(1, len(files) // (jobs * 8))):
                    arrived(result)
                return done
        except BrokenProcessPool:
            # a worker died (a crash below Python): lint here, where it shows which file
            counted = len(done)
            results = []
            for i, (path, source, module) in enumerate(files):
                results.append(self.lint_source(path, source, *module))
                if on_done is not None and i >= counted:
                    on_done(results[-1])
            return results
        finally:
            _WORKER_LINTER = None

    # -- a run -----------------------------------------------------------------------
    def run(self, files: Sequence[tuple[str, bytes]], jobs: int = 1, cache=None, progress=None) -> list[FileResult]:
        """Lint ``(path, source)`` pairs; each file's verdict is the one it gets alone.

        A file's imports of project modules are resolved from disk on demand
        (:mod:`errlint.project`), the files of the run answering from memory, so
        a whole-tree run reports for each file what linting it alone reports.
        ``jobs`` > 1 lints in that many forked processes (where ``fork`` exists).
        ``cache`` (an :class:`errlint.cache.Cache` for this linter's rules and
        packs) answers for files whose bytes, module name and imported project
        modules it has seen, and learns the rest. ``progress`` (an
        :class:`errlint.progress.Progress`) is told of each file done.
        """
        self.project_index.seed(files)
        memo: dict = {}
        modules = [module_name_for(path, memo) for path, _ in files]  # once per file, for the lint and the cache
        digests: list[str] = []
        results: list[FileResult | None] = [None] * len(files)
        todo = list(range(len(files)))
        if cache is not None:
            from .cache import digest

            digests = [digest(source) for _, source in files]
            results = [
                cache.get(path, digests[i], modules[i], lambda deps, i=i: self.project_index.still_valid(files[i][0], *modules[i], deps))
                for i, (path, _) in enumerate(files)
            ]
            todo = [i for i, r in enumerate(results) if r is None]
        on_done = None
        if progress is not None:
            hits = [r for r in results if r is not None]
            progress.advance(len(hits), sum(len(r.diagnostics) for r in hits))
            on_done = lambda result: progress.advance(1, len(result.diagnostics))  # noqa: E731

        for i, result in zip(todo, self._lint_all([(*files[i], modules[i]) for i in todo], jobs, on_done)):
            results[i] = result
            if cache is not None:
                cache.put(result.path, digests[i], modules[i], result)
        return results  # type: ignore[return-value]
