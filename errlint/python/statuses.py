"""Status and code collections: the values a collection holds, and which collections decide a retry.

A collection is read in every form code writes one in:

* a set, tuple or list literal, or ``frozenset(...)`` / ``set(...)`` /
  ``tuple(...)`` / ``list(...)`` of one;
* ``range(500, 600)`` (each status it holds; it starts at a three-digit number);
* ``http.HTTPStatus`` members (``HTTPStatus.BAD_REQUEST``, ``.value`` too), as entries;
* a name bound once to one of those in the enclosing function, at module
  level, or in the class body (``self.RETRY_STATUSES``, ``cls.X``, ``Client.X``).

A *retry decision* is a test, inside a handler that retries, of the caught
error's status or code (``e.status_code``, ``e.status``, ``e.code``,
``e.response.status_code``, or a local name assigned from one of them) with
``in`` or ``not in`` against a collection, where the collection holds the
statuses that are retried: ``if e.status in C:`` whose branch goes on to the
next attempt, or ``if e.status not in C:`` whose branch gives up.
"""
from __future__ import annotations

import http
from collections.abc import Iterator

import libcst as cst

from ..facts import ValueCollection
from .effects import HandlerInfo, flow
from .names import NameResolver, dotted
from .scan import body_of, int_value, walk

_CONTAINERS = {"builtins.frozenset", "builtins.set", "builtins.tuple", "builtins.list"}
_RANGE_LIMIT = 1000  # a range wider than this is not a collection of statuses
_STATUS_MODULES = ("http.HTTPStatus.",)
_GIVE_UP = frozenset({"raise", "return", "break"})


ValueSet = ValueCollection


class StatusCollections:
    """Reads collections of statuses and codes, and the retry decisions that use them."""

    def __init__(self, names: NameResolver) -> None:
        self.names = names
        self._bound: dict[int, dict[str, cst.BaseExpression | None]] = {}
        self._classes: dict[str, cst.ClassDef] | None = None  # the module's classes by qualname, read once

    # -- what a collection holds ----------------------------------------------
    def literal(self, expr: cst.BaseExpression) -> ValueSet | None:
        """The values of a collection written in place (no names followed)."""
        if isinstance(expr, cst.Call):
            q = self.names.resolve_expr(expr.func) if isinstance(expr.func, (cst.Name, cst.Attribute)) else None
            args = [a for a in expr.args]
            if q in _CONTAINERS and len(args) == 1 and args[0].keyword is None and not args[0].star:
                inner = self.literal(args[0].value)
                return ValueSet(expr, inner.entries) if inner is not None else None
            if q == "builtins.range":
                return self._range(expr)
            return None
        if not isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            return None
        out: list[tuple[cst.CSTNode, int | str]] = []
        for el in expr.elements:
            if isinstance(el, cst.StarredElement):
                return None
            value = self.value_of(el.value)
            if value is None:
                return None
            out.append((el.value, value))
        if not out or len({type(v) for _, v in out}) != 1:
            return None
        return ValueSet(expr, tuple(out))

    def value_of(self, expr: cst.BaseExpression) -> int | str | None:
        """A status or code written as a literal or an ``http.HTTPStatus`` member."""
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            return value if isinstance(value, str) else None
        if isinstance(expr, cst.Integer):
            return int_value(expr)
        if isinstance(expr, cst.Attribute) and expr.attr.value == "value":
            expr = expr.value
        q = self.names.resolve_expr(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
        if q:
            for prefix in _STATUS_MODULES:
                member = q[len(prefix):] if q.startswith(prefix) else None
                if member and member in http.HTTPStatus.__members__:
                    return int(http.HTTPStatus[member])
        return None

    def _range(self, call: cst.Call) -> ValueSet | None:
        args = [a for a in call.args]
        if not 1 <= len(args) <= 3 or any(a.keyword is not None or a.star for a in args):
            return None
        nums = [int_value(a.value) for a in args]
        if len(nums) < 2 or any(n is None for n in nums) or nums[2:] == [0]:
            return None
        values = range(*nums)  # type: ignore[arg-type]
        if not values or not 100 <= nums[0] <= 999 or len(values) > _RANGE_LIMIT:
            return None  # statuses are three-digit numbers: range(600) is not a set of them
        return ValueSet(call, tuple((call, v) for v in values))

    def collection(self, expr: cst.BaseExpression) -> ValueSet | None:
        """The values of ``expr``: a collection written in place, or a name bound to one."""
        found = self.literal(expr)
        if found is not None:
            return found
        name, value = self._bound_value(expr)
        if value is None:
            return None
        found = self.literal(value)
        return ValueSet(found.node, found.entries, name) if found is not None else None

    def _bound_value(self, expr: cst.BaseExpression) -> tuple[str | None, cst.BaseExpression | None]:
        if isinstance(expr, cst.Name):
            for scope in self.names.visible_scopes():
                assigned = self._assigned_in(scope.node)
                if expr.value in assigned:
                    return expr.value, assigned[expr.value]
                if expr.value in scope.bindings:
                    return expr.value, None  # a parameter, an import, a loop variable: not a collection errlint reads
            return expr.value, None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            owner = expr.value.value
            cls_scope = self.names.enclosing_class()
            target = None
            if owner in ("self", "cls") and cls_scope is not None:
                target = cls_scope.node
            else:
                q = self.names.resolve_name(owner)
                if q and not q.startswith("?"):
                    target = self._module_class(q)
            if target is not None:
                return f"{owner}.{expr.attr.value}", self._assigned_in(target).get(expr.attr.value)
        return None, None

    def _module_class(self, qualname: str) -> cst.ClassDef | None:
        if self._classes is None:
            self._classes = {}
            for stmt in getattr(self.names.scopes[0].node, "body", ()):
                if isinstance(stmt, cst.ClassDef):
                    self._classes.setdefault(f"{self.names.module_name}.{stmt.name.value}", stmt)
        return self._classes.get(qualname)

    def _assigned_in(self, scope: cst.CSTNode | None) -> dict[str, cst.BaseExpression | None]:
        """Names bound exactly once by a plain assignment directly in ``scope`` (None: bound otherwise too)."""
        if scope is None:
            return {}
        found = self._bound.get(id(scope))
        if found is not None:
            return found
        found = {}
        if isinstance(scope, cst.Module):
            stmts = scope.body
        elif isinstance(scope, (cst.FunctionDef, cst.ClassDef)):
            stmts = body_of(scope.body)
        else:
            stmts = ()
        nodes = walk(stmts) if not isinstance(scope, cst.ClassDef) else _class_statements(stmts)
        for n in nodes:
            targets: list[cst.BaseExpression] = []
            value = None
            if isinstance(n, cst.Assign):
                targets, value = [t.target for t in n.targets], n.value
            elif isinstance(n, cst.AnnAssign):
                targets, value = [n.target], n.value
            elif isinstance(n, cst.AugAssign):
                targets = [n.target]
            for t in targets:
                if isinstance(t, cst.Name):
                    found[t.value] = value if t.value not in found else None
        self._bound[id(scope)] = found
        return found

    # -- retry decisions ------------------------------------------------------------
    def retry_decisions(self, handler: HandlerInfo) -> Iterator[ValueSet]:
        """Collections a retrying handler tests the caught error's status or code against, as the retried set."""
        err = handler.effect.name
        if err is None:
            return
        body = body_of(handler.handler.body)
        derived = {err + "."}  # attribute chains of the error
        aliases: set[str] = set()
        for n in walk(body):
            if isinstance(n, cst.Assign) and _is_status_of(n.value, derived, aliases):
                aliases.update(t.target.value for t in n.targets if isinstance(t.target, cst.Name))
        for n in walk(body):
            if not isinstance(n, cst.If):
                continue
            gives_up = _gives_up(body_of(n.body))
            for comparison, conjunct in _comparisons(n.test):
                left = comparison.left
                for target in comparison.comparisons:
                    if not _is_status_of(left, derived, aliases):
                        left = target.comparator
                        continue
                    # `in C` (alone, or with and / or) then retry; `not in C` (alone, or with or) then give up:
                    # C is what is retried. `not in C and x` gives up only when x holds as well.
                    retried = (isinstance(target.operator, cst.In) and not gives_up) or (
                        isinstance(target.operator, cst.NotIn) and gives_up and not conjunct
                    )
                    if retried:
                        found = self.collection(target.comparator)
                        if found is not None:
                            yield found
                    left = target.comparator


def _class_statements(stmts) -> Iterator[cst.CSTNode]:
    """The small statements directly in a class body (not inside its methods)."""
    for stmt in stmts:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body


def _comparisons(test: cst.BaseExpression, conjunct: bool = False) -> Iterator[tuple[cst.Comparison, bool]]:
    """The comparisons of ``test`` joined by ``and`` / ``or``, each with: is it under an ``and``?"""
    if isinstance(test, cst.Comparison):
        yield test, conjunct
    elif isinstance(test, cst.BooleanOperation):
        inner = conjunct or isinstance(test.operator, cst.And)
        yield from _comparisons(test.left, inner)
        yield from _comparisons(test.right, inner)


def _gives_up(stmts) -> bool:
    """The branch leaves the retry: it raises, returns or breaks on every path."""
    exits = flow(stmts)
    return bool(exits) and exits <= _GIVE_UP


def _is_status_of(expr: cst.BaseExpression, derived: set[str], aliases: set[str]) -> bool:
    """``e.status_code``, ``e.response.status``, ``e.code``, ``getattr(e, "status")``, ``int(...)`` of one, or an alias."""
    if isinstance(expr, cst.Call):
        func = dotted(expr.func) if isinstance(expr.func, (cst.Name, cst.Attribute)) else None
        args = [a.value for a in expr.args]
        if func == "int" and len(args) == 1:
            return _is_status_of(args[0], derived, aliases)
        if func == "getattr" and len(args) >= 2 and isinstance(args[1], cst.SimpleString):
            base = dotted(args[0])
            attr = args[1].evaluated_value
            return base is not None and isinstance(attr, str) and _status_word(attr) and any(
                (base + ".").startswith(d) or base + "." == d for d in derived
            )
        return False
    if isinstance(expr, cst.Name):
        return expr.value in aliases
    text = dotted(expr)
    if text is None:
        return False
    return any(text.startswith(d) for d in derived) and _status_word(text.rpartition(".")[2])


def _status_word(attr: str) -> bool:
    attr = attr.lower()
    return "status" in attr or attr == "code" or attr.endswith("_code") or attr.endswith("code_")
