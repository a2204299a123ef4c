"""Attempt caps of TypeScript / JavaScript retry loops: the literals that bound them, and the checks that stop an endless one.

``for (let i = 0; i < 3; i++)`` allows 3 attempts, ``while (attempt <= MAX)`` with
``let attempt = 1`` and ``const MAX = 3`` too; a ``for…of`` over attempts
(``Array.from({ length: 3 })``, ``[...Array(3).keys()]``, ``range(3)``, ``[100, 200, 400]``)
as many as it holds. ``while (true)`` / ``for (;;)`` is bounded only by an ``if`` that
compares something other than the caught error and leaves on a path
(``if (++attempt > 3) throw e``, ``if (Date.now() > deadline) break``).
"""
from __future__ import annotations

from .bindings import Bindings, int_literal
from .flow import FUNCTIONS, exits
from .names import named, text, unwrap

_COMPARISONS = frozenset({"<", "<=", ">", ">=", "===", "==", "!==", "!="})
_GIVE_UP = frozenset({"raise", "return", "break"})


class CapReader:
    """Reads the caps of loops (names through :class:`~errlint.typescript.bindings.Bindings`)."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings

    def attempts_iterable(self, loop):
        """A ``for…of`` over attempts: its length when a literal says (None: unknown); False: not over attempts."""
        if not any(c.type == "of" for c in loop.children):
            return False
        it = unwrap(loop.child_by_field_name("right"))
        if it is None:
            return False
        if it.type == "identifier":
            bound = self.bindings.lookup(text(it), it)
            if len(bound) == 1 and bound[0][0] == "const" and _numbers(bound[0][1]) is not None:
                return len(_numbers(bound[0][1]))
            return False
        values = _numbers(it)
        if values is not None:
            return len(values)
        if it.type == "call_expression":
            fn = unwrap(it.child_by_field_name("function"))
            if fn is not None and fn.type == "member_expression" and text(fn.child_by_field_name("property") or fn) == "keys":
                return self._array_length(fn.child_by_field_name("object"))
            if fn is not None and text(fn) in ("range", "_.range", "times"):
                args = _args(it)
                nums = [self._number(a) for a in args]
                if len(nums) == 1:
                    return nums[0]
                if len(nums) >= 2 and nums[0] is not None and nums[1] is not None:
                    return nums[1] - nums[0]
                return None
            if fn is not None and text(fn) == "Array.from":
                args = _args(it)
                if args and unwrap(args[0]) is not None and unwrap(args[0]).type == "object":
                    for pair in named(unwrap(args[0])):
                        key = pair.child_by_field_name("key")
                        if pair.type == "pair" and key is not None and text(key) == "length":
                            return self._number(pair.child_by_field_name("value"))
                return self._array_length(args[0]) if args else False
        if it.type == "array" and len(named(it)) == 1 and named(it)[0].type == "spread_element":
            inner = named(named(it)[0])
            return self._attempts_inner(inner[0]) if inner else False
        return self._array_length(it)

    def _attempts_inner(self, node):
        node = unwrap(node)
        if node is not None and node.type == "call_expression":
            fn = unwrap(node.child_by_field_name("function"))
            if fn is not None and fn.type == "member_expression" and text(fn.child_by_field_name("property") or fn) == "keys":
                return self._array_length(fn.child_by_field_name("object"))
        return self._array_length(node)

    def _array_length(self, node):
        """``Array(n)`` / ``new Array(n)``: n (None: not a literal); False: not such an array."""
        node = unwrap(node)
        if node is None or node.type not in ("call_expression", "new_expression"):
            return False
        ctor = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        if ctor is None or text(ctor) != "Array":
            return False
        args = _args(node)
        return self._number(args[0]) if len(args) == 1 else None

    def _number(self, node) -> int | None:
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.bindings.const_int(text(node), node)
        return int_literal(node)

    def cap(self, loop, cond) -> int | None:
        """``i < 3`` (``i <= MAX``, ``3 > i``) with the counter starting at a literal, or a countdown
        ``retries > 0`` (``retries >= 1``) from one: the attempts it allows."""
        for leaf in conjuncts(unwrap(cond)):
            if leaf.type != "binary_expression":
                continue
            op = leaf.child_by_field_name("operator")
            left, right = unwrap(leaf.child_by_field_name("left")), unwrap(leaf.child_by_field_name("right"))
            if op is None or left is None or right is None:
                continue
            kind = op.type
            if kind in (">", ">=") and left.type != "identifier":  # 3 > i: i < 3
                left, right = right, left
                kind = "<" if kind == ">" else "<="
            elif kind in ("<", "<=") and left.type != "identifier":  # 0 < retries: retries > 0
                left, right = right, left
                kind = ">" if kind == "<" else ">="
            if kind not in ("<", "<=", ">", ">=") or left.type != "identifier":
                continue
            limit = self._number(right)
            start = self._start(loop, text(left))
            if limit is None or start is None:
                continue
            if kind in ("<", "<="):
                cap = limit - start + (1 if kind == "<=" else 0)
            else:  # counting down
                cap = start - limit + (1 if kind == ">=" else 0)
            return cap if cap > 0 else None
        return None

    def _start(self, loop, counter: str) -> int | None:
        """The counter's first value: the ``for``'s initializer, or ``let i = 0`` before the loop."""
        init = loop.child_by_field_name("initializer")
        if init is not None:
            for decl in walk_nodes(init):
                if decl.type == "variable_declarator":
                    name = decl.child_by_field_name("name")
                    if name is not None and text(name) == counter:
                        return int_literal(decl.child_by_field_name("value"))
                if decl.type == "assignment_expression":
                    left = decl.child_by_field_name("left")
                    if left is not None and text(left) == counter:
                        return int_literal(decl.child_by_field_name("right"))
        bound = [(how, v) for how, v in self.bindings.lookup(counter, loop) if how in ("let", "const", "assign")]
        if len(bound) == 1:
            return int_literal(bound[0][1])
        return None

    def has_cap_check(self, body) -> bool:
        """An ``if`` in the loop that compares something other than the error and leaves on a path."""
        errors = _caught_names(body)
        for node in walk_nodes(body):
            if node.type != "if_statement":
                continue
            cons = node.child_by_field_name("consequence")
            test = node.child_by_field_name("condition")
            if cons is None or test is None or not (exits([cons]) & _GIVE_UP):
                continue
            for leaf in walk_nodes(test):
                op = leaf.child_by_field_name("operator") if leaf.type == "binary_expression" else None
                if op is not None and op.type in _COMPARISONS and not any(
                    _rooted_in(leaf.child_by_field_name(s), errors) for s in ("left", "right")
                ):
                    return True
        return False


def conjuncts(node):
    if node is None:
        return []
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op is not None and op.type == "&&":
            return conjuncts(unwrap(node.child_by_field_name("left"))) + conjuncts(unwrap(node.child_by_field_name("right")))
    return [node]


def walk_nodes(node):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in FUNCTIONS:
            continue
        yield current
        stack.extend(reversed(named(current)))


def _caught_names(body) -> set[str]:
    out = set()
    for node in walk_nodes(body):
        if node.type == "catch_clause":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                out.add(text(param))
    return out


def _rooted_in(expr, names: set[str]) -> bool:
    """``e.status``, ``e.response.status``, ``e``: an expression of the caught error."""
    expr = unwrap(expr)
    while expr is not None and expr.type in ("member_expression", "subscript_expression"):
        expr = unwrap(expr.child_by_field_name("object"))
    return expr is not None and expr.type == "identifier" and text(expr) in names


def _numbers(node):
    node = unwrap(node)
    if node is None or node.type != "array":
        return None
    values = [int_literal(v) for v in named(node)]
    return values if values and all(v is not None for v in values) else None


def _args(call) -> list:
    args = call.child_by_field_name("arguments")
    return named(args) if args is not None and args.type == "arguments" else []

