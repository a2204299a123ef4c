"""The parts of a file LibCST parses: the code that can hold a finding, chosen on CPython's tree.

LibCST's parse is most of a cold run's cost, and most of a file seldom matters:
a rule reports at a ``try``, a retry construct (a loop, a decorator, an
iterator) or a collection named as retryable. CPython's tree (built anyway for
the syntax verdict) chooses the functions and methods that hold one. Every
other function is left out: its lines become one string literal holding
nothing but their line breaks (a statement that binds nothing, one token for
LibCST's tokenizer); where kept code names it, or something else binds its
name, only its body does, so its name stays bound as in the whole file. The
text LibCST parses has the file's lines, each kept line byte for byte: every
position LibCST gives is the file's, and a fix's text edit is the one the
whole file would get (tests/test_partial_parse.py compares the two).

Kept whole, whatever the rules:

* the module's and every class's own statements (imports, assignments, class
  headers and attributes), so names resolve as in the whole file;
* lines 1 and 2, where a coding declaration may be; a file whose lines end in a
  lone carriage return is read whole.

What holds a finding depends on the facts the enabled rules read
(``Check.needs``, :mod:`errlint.python.build`):

``tries`` alone (ERR004)
    a ``try`` with two handlers or more, or one naming a tuple;
anything else (the SDK rules)
    any ``try``, a ``for`` over a call (``range``, ``Retrying``...), a
    decorated function (a retry decorator, a property the receiver analysis
    reads), an assignment to a name that says it holds what is retried, a
    method assigning to its own attributes (``self.client = OpenAI()``); then,
    until nothing is added, every function or method named in the code kept
    (``helper()``, ``self._call()``: factories of clients, and the functions a
    retry construct's calls reach).

A rule whose facts come from elsewhere must add its sites here.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..facts import retryable_name

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRIES = (ast.Try,) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
_FORS = (ast.For, ast.AsyncFor)
TRIES_ONLY = frozenset({"tries"})


_BLOCK_FIELDS: dict[type, tuple[str, ...]] = {}  # per statement class: its fields holding statements


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly under ``stmt``."""
    fields = _BLOCK_FIELDS.get(type(stmt))
    if fields is None:
        fields = _BLOCK_FIELDS[type(stmt)] = tuple(
            f for f in ("body", "orelse", "finalbody", "handlers", "cases") if f in type(stmt)._fields
        ) if not isinstance(stmt, ast.Expr) else ()
    for name in fields:
        block = getattr(stmt, name)
        if name in ("handlers", "cases"):
            for part in block:
                yield part.body
        elif block and isinstance(block[0], ast.stmt):  # (a lambda-less expression statement has none)
            yield block


def _statements(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement under ``stmts``, nested functions and classes included."""
    stack = list(stmts)
    while stack:
        stmt = stack.pop()
        yield stmt
        for block in _blocks(stmt):
            stack.extend(block)


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    return None


def _bound_here(stmt: ast.stmt) -> Iterator[str]:
    """Names ``stmt`` binds in the scope it is written in (as the name analysis reads bindings)."""
    if isinstance(stmt, (*_DEFS, ast.ClassDef)):
        yield stmt.name
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            yield alias.asname or alias.name.split(".")[0]
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    yield node.id


class _Sites:
    """Does a statement hold code a rule can report on? (See the module's docstring.)"""

    def __init__(self, tree: ast.Module, needs: frozenset[str]) -> None:
        self.broad = not needs <= TRIES_ONLY
        # the names a module-wide setting is assigned through (``stripe.max_network_retries = 2``):
        # the module's own bindings and whatever is imported anywhere
        self.roots: set[str] = set()
        if self.broad:
            for stmt in _statements(tree.body):
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    self.roots.update(_bound_here(stmt))
            for stmt in _module_statements(tree.body):
                self.roots.update(_bound_here(stmt))

    def site(self, stmt: ast.stmt) -> bool:
        if isinstance(stmt, _TRIES):
            handlers = stmt.handlers
            return self.broad or len(handlers) >= 2 or (bool(handlers) and isinstance(handlers[0].type, ast.Tuple))
        if not self.broad:
            return False
        if isinstance(stmt, _FORS):
            return isinstance(stmt.iter, ast.Call)
        if isinstance(stmt, _DEFS):
            return bool(stmt.decorator_list)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(_root(t) in self.roots for t in targets if isinstance(t, ast.Attribute)):
                return True  # a module-wide setting (clientconfig's globals)
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                return False
            return any(retryable_name(n) for n in map(_target_name, targets) if n)
        return False

    def holds(self, stmts: list[ast.stmt]) -> bool:
        return any(self.site(s) for s in _statements(stmts))

    def sets_own_attributes(self, fn: ast.stmt) -> bool:
        """A method assigning to an attribute of its first parameter (``self.client = ...``)."""
        if not self.broad or not isinstance(fn, _DEFS):
            return False
        params = [*fn.args.posonlyargs, *fn.args.args]
        if not params:
            return False
        me = params[0].arg
        for stmt in _statements(fn.body):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else ()
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me:
                    return True
        return False


def _root(node: ast.expr) -> str | None:
    """``a`` of ``a.b.c``."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _module_statements(stmts: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run in the module's own scope (compound statements entered, not functions or classes)."""
    stack = list(stmts)
    while stack:
        stmt = stack.pop()
        yield stmt
        if not isinstance(stmt, (*_DEFS, ast.ClassDef)):
            for block in _blocks(stmt):
                stack.extend(block)


_IDENTIFIER = re.compile(rb"[^\W\d]\w*")


def _names_used(lines: list[bytes], nodes) -> set[str]:
    """The words of the lines of ``nodes``: every name and attribute they read, and more (the words
    of their strings and comments), which can only keep more."""
    out: set[bytes] = set()
    for node in nodes:
        out.update(_IDENTIFIER.findall(b"".join(lines[node.lineno - 1:node.end_lineno])))
    return {w.decode("utf-8", "replace") for w in out}


class _Choice:
    """Which functions of a file are left out: dropped (every line emptied) when nothing kept names
    them and nothing else binds their name, else stubbed (header kept, body emptied)."""

    def __init__(self, tree: ast.Module, needs: frozenset[str], lines: list[bytes]) -> None:
        self.lines = lines
        self.sites = _Sites(tree, needs)
        self.candidates: list[tuple[ast.stmt, dict]] = []  # (function, the bindings of its scope)
        self.kept: list[ast.AST] = []  # code kept whatever the closure says (its names are read)
        self._scan(tree.body, {}, in_class=False)

    def _scan(self, stmts: list[ast.stmt], bound: dict, in_class: bool) -> None:
        """Sort ``stmts`` (a module's, a class's, or a block of one) into kept code and candidates;
        ``bound``: how many statements bind each name in their scope."""
        for stmt in stmts:
            for name in _bound_here(stmt):
                bound[name] = bound.get(name, 0) + 1
            if isinstance(stmt, _DEFS):
                if self.sites.holds([stmt]) or (in_class and self.sites.sets_own_attributes(stmt)):
                    self.kept.append(stmt)
                else:
                    self.candidates.append((stmt, bound))
            elif isinstance(stmt, ast.ClassDef):
                self.kept.extend([*stmt.bases, *stmt.keywords, *stmt.decorator_list])
                self._scan(stmt.body, {}, in_class=True)
            elif any(True for _ in _blocks(stmt)):  # if, with, for, while, try, match
                if self.sites.holds([stmt]):
                    self.kept.append(stmt)
                    for inner in _module_statements([s for b in _blocks(stmt) for s in b]):
                        for name in _bound_here(inner):
                            bound[name] = bound.get(name, 0) + 1
                else:
                    self._header(stmt)
                    for block in _blocks(stmt):
                        self._scan(block, bound, in_class)
            else:
                self.kept.append(stmt)

    def _header(self, stmt: ast.stmt) -> None:
        """The expressions of a compound statement that is not kept whole (its test, items, target)."""
        for name in ("test", "iter", "target", "subject"):
            node = getattr(stmt, name, None)
            if node is not None:
                self.kept.append(node)
        for item in getattr(stmt, "items", ()):
            self.kept.append(item.context_expr)
        for handler in getattr(stmt, "handlers", ()):
            if handler.type is not None:
                self.kept.append(handler.type)

    def left_out(self) -> Iterator[tuple[ast.stmt, bool]]:
        """The functions left out, each with whether it is dropped (True) or stubbed."""
        out = [fn for fn, _ in self.candidates]
        used = _names_used(self.lines, self.kept)
        while self.sites.broad:  # the SDK rules: the functions kept code names are kept, transitively
            named = [fn for fn in out if fn.name in used]
            if not named:
                break
            out = [fn for fn in out if fn.name not in used]
            used |= _names_used(self.lines, named)
        left = {id(fn) for fn in out}
        for fn, bound in self.candidates:
            if id(fn) in left:
                yield fn, fn.name not in used and bound.get(fn.name) == 1


def _line_break(line: bytes) -> bytes:
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[-1:]
    return b""


def _fill(out: list[bytes], lines: list[bytes], first: int, last: int, indent: bytes) -> None:
    """Lines ``first`` to ``last`` (1-based, ``first < last``) as one string statement at
    ``indent``: the same lines, one token for LibCST's tokenizer instead of one per line."""
    out[first - 1] = indent + b'"""' + _line_break(lines[first - 1])
    for i in range(first, last - 1):
        out[i] = _line_break(lines[i])
    out[last - 1] = b'"""' + _line_break(lines[last - 1])


def _starts_line(line: bytes, col: int) -> bytes | None:
    """The indentation of ``line`` if a statement at column ``col`` starts it, else None."""
    indent = len(line) - len(line.lstrip(b" \t\f"))
    return line[:indent] if indent == col else None


def partial_source(source: bytes, tree: ast.Module, needs: frozenset[str]) -> bytes | None:
    """``source`` with the functions no rule needs left out (see the module's docstring); None
    when nothing is left out."""
    if source.count(b"\r") != source.count(b"\r\n"):
        return None  # a lone CR breaks lines: fix edits are cut at "\n" alone (python/edits.py)
    lines = source.splitlines(keepends=True)
    out = None
    for fn, drop in _Choice(tree, needs, lines).left_out():
        last = fn.end_lineno or 0
        if drop:
            first, head = min([fn.lineno, *(d.lineno for d in fn.decorator_list)]), fn
        else:
            head = fn.body[0]
            first = min([head.lineno, *(d.lineno for d in getattr(head, "decorator_list", ()))])
        if first <= 2 or last <= first or last > len(lines):
            continue  # a coding line may be there; one line: nothing to gain
        indent = _starts_line(lines[first - 1], head.col_offset)
        if indent is None or lines[first - 2].rstrip(b"\r\n").endswith(b"\\"):
            continue  # the body does not start its line (``def f(): x = 1``, a header ending there)
        if out is None:
            out = list(lines)
        _fill(out, lines, first, last, indent)
    return b"".join(out) if out is not None else None
