"""How a TypeScript / JavaScript retry waits: its sleeps, what their delays are, and the ``if`` branches of a handler.

A *sleep* is an awaited pause between attempts:

* a call whose name says it sleeps: ``sleep(ms)``, ``this.sleep(ms)``, ``delay(ms)``,
  ``wait(ms)``, ``pause(ms)``, ``sleepWithJitter(ms)``; a name that says it backs off
  (``backoff(attempt)``, ``exponentialDelay(i)``) waits a growing delay;
* ``new Promise((resolve) => setTimeout(resolve, ms))`` (the timer in a promise executor);
* ``setTimeout(ms)`` imported from ``timers/promises`` (``node:timers/promises``).

A delay is one of the kinds ``RetryConstruct.wait`` / ``Handler.wait`` use:
``retry-after`` (it reads ``retry-after`` / ``retryAfter``), ``backoff`` (``2 ** attempt``,
``Math.pow(2, n)``, ``1 << n``, a value that grows: ``delay *= 2``, ``delay = delay * 2``,
``attempt++`` times a base, a ``for (const d of [100, 200, 400])`` loop variable),
``constant`` (a number, a ``const`` bound to one, arithmetic of those), ``unknown``
(a parameter, an option, a call errlint cannot read). Several sleeps: the first
of retry-after, backoff, unknown, constant that occurs.
"""
from __future__ import annotations

from ..facts import Branch
from .bindings import Bindings, int_literal
from .flow import FUNCTIONS
from .names import named, string_value, text, unwrap

_SLEEP_NAMES = frozenset({"delay", "wait", "pause", "timeout"})
_GROWING_NAMES = ("backoff", "exponential", "jitter")
_TIMERS = ("timers/promises", "node:timers/promises")
_ORDER = ("retry-after", "backoff", "unknown", "constant")
_MATH_PASS = frozenset({"min", "max", "round", "floor", "ceil", "trunc", "abs"})
_CONVERT = frozenset({"Number", "parseInt", "parseFloat"})


def combine(kinds) -> str:
    kinds = set(kinds)
    for k in _ORDER:
        if k in kinds:
            return k
    return "none"


def _callee(call):
    fn = call.child_by_field_name("function")
    fn = unwrap(fn)
    if fn is None:
        return None, None
    if fn.type == "identifier":
        return text(fn), fn
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return (text(prop), fn) if prop is not None else (None, fn)
    return None, fn


def _args(call) -> list:
    args = call.child_by_field_name("arguments")
    return [a for a in named(args)] if args is not None and args.type == "arguments" else []


def _in_promise_executor(node, stop) -> bool:
    """``node`` is inside a function passed to ``new Promise(...)`` (under ``stop``)."""
    parent = node.parent
    while parent is not None and parent != stop:
        if parent.type in ("arrow_function", "function_expression", "function"):
            holder = parent.parent.parent if parent.parent is not None else None
            if parent.parent is None or parent.parent.type != "arguments" or holder is None or holder.type != "new_expression":
                return False
            ctor = holder.child_by_field_name("constructor")
            return ctor is not None and text(ctor) == "Promise"
        parent = parent.parent
    return False


class WaitReader:
    """Finds the sleeps under some statements and says how they wait."""

    def __init__(self, names, bindings: Bindings, span=None) -> None:
        self.names = names
        self.bindings = bindings
        self.span = span

    # -- sleeps ---------------------------------------------------------------------
    def sleeps(self, stmts) -> tuple:
        """The sleep calls under ``stmts`` (not in nested functions, except a promise executor)."""
        out = []
        stack = list(reversed(list(stmts)))
        while stack:
            node = stack.pop()
            if node.type in FUNCTIONS:
                parent = node.parent
                holder = parent.parent if parent is not None else None
                if not (parent is not None and parent.type == "arguments" and holder is not None and holder.type == "new_expression"):
                    continue
            if node.type == "call_expression" and self._delay_arg(node) is not False:
                out.append(node)
            stack.extend(reversed(named(node)))
        return tuple(out)

    def _timers(self, call) -> bool:
        """The callee comes from ``timers/promises`` (``setTimeout``, ``timers.setTimeout``)."""
        fn = unwrap(call.child_by_field_name("function"))
        if fn is not None and fn.type == "member_expression":
            fn = unwrap(fn.child_by_field_name("object"))
        binding = self.names.bindings.get(text(fn)) if fn is not None and fn.type == "identifier" else None
        return binding is not None and binding[1] in _TIMERS and (binding[0] == "namespace" or binding[2] == "setTimeout")

    def _delay_arg(self, call):
        """The delay expression of a sleep call (None: a sleep without one), False: not a sleep."""
        name, _ = _callee(call)
        if name is None:
            return False
        low = name.lower()
        args = _args(call)
        if self._timers(call):
            return args[0] if args else None  # await setTimeout(ms), import { setTimeout as sleep }
        if low == "settimeout":
            if _in_promise_executor(call, None):
                return args[1] if len(args) > 1 else None
            return False
        if "sleep" in low or low in _SLEEP_NAMES or any(g in low for g in _GROWING_NAMES):
            if low in ("wait", "delay", "timeout", "pause") and len(args) > 1:
                return False  # wait(fn, opts), delay(obs, ...): not a pause
            return args[0] if args else None
        return False

    def wait_of(self, sleeps) -> str:
        """How ``sleeps`` wait: none | constant | backoff | retry-after | unknown."""
        if not sleeps:
            return "none"
        kinds = []
        for call in sleeps:
            name, _ = _callee(call)
            if name is not None and any(g in name.lower() for g in _GROWING_NAMES):
                kinds.append("backoff")
                continue
            arg = self._delay_arg(call)
            kinds.append("constant" if arg is None and name and name.lower() == "settimeout" else self.delay_kind(arg))
        return combine(kinds)

    # -- delays -----------------------------------------------------------------------
    def delay_kind(self, expr, depth: int = 0) -> str:
        expr = unwrap(expr)
        if expr is None or depth > 6:
            return "unknown"
        low = text(expr).lower().replace("-", "_")
        if "retry_after" in low or "retryafter" in low:
            return "retry-after"
        kind = expr.type
        if kind == "number":
            return "constant"
        if kind == "identifier":
            return self._name_kind(expr, depth)
        if kind == "binary_expression":
            op = expr.child_by_field_name("operator")
            if op is not None and op.type in ("**", "<<"):
                return "backoff"
            sides = [expr.child_by_field_name("left"), expr.child_by_field_name("right")]
            return combine(self.delay_kind(s, depth + 1) for s in sides)
        if kind == "ternary_expression":
            sides = [expr.child_by_field_name("consequence"), expr.child_by_field_name("alternative")]
            return combine(self.delay_kind(s, depth + 1) for s in sides)
        if kind == "unary_expression":
            return self.delay_kind(expr.child_by_field_name("argument"), depth + 1)
        if kind == "call_expression":
            name, fn = _callee(expr)
            obj = fn.child_by_field_name("object") if fn is not None and fn.type == "member_expression" else None
            args = _args(expr)
            if name is not None and any(g in name.lower() for g in _GROWING_NAMES):
                return "backoff"
            if obj is not None and text(obj) == "Math":
                if name == "pow":
                    return "backoff"
                if name == "random":
                    return "backoff"  # jitter: no lockstep
                if name in _MATH_PASS and args:
                    return combine(self.delay_kind(a, depth + 1) for a in args)
            if name in _CONVERT and obj is None and args:
                return self.delay_kind(args[0], depth + 1)
            return "unknown"
        return "unknown"

    def _name_kind(self, ident, depth: int) -> str:
        name = text(ident)
        found = self.bindings.lookup(name, ident)
        if not found:
            return "unknown"  # a global, an import
        kinds = []
        for how, value in found:
            if how in ("param", "pattern"):
                kinds.append("unknown")
            elif how in ("update", "aug"):
                kinds.append("backoff")  # attempt++, delay *= 2, delay += step: it grows
            elif how == "for-of":
                kinds.append(self._sequence_kind(value))
            elif how == "function":
                kinds.append("unknown")
            elif value is None:
                kinds.append("unknown")
            elif how == "assign" and _mentions(value, name):
                kinds.append("backoff")  # delay = delay * 2, delay = Math.min(delay * 2, max)
            else:
                kinds.append(self.delay_kind(value, depth + 1))
        return combine(kinds)

    def _sequence_kind(self, iterable) -> str:
        """``for (const d of [100, 200, 400])``: growing numbers back off, equal ones are a constant."""
        iterable = unwrap(iterable)
        if iterable is not None and iterable.type == "identifier":
            found = self.bindings.lookup(text(iterable), iterable)
            if len(found) == 1 and found[0][0] == "const":
                iterable = unwrap(found[0][1])
        if iterable is None or iterable.type != "array":
            return "unknown"
        values = [int_literal(v) for v in named(iterable)]
        if not values or any(v is None for v in values):
            return "unknown"
        if len(values) > 1 and all(b > a for a, b in zip(values, values[1:])):
            return "backoff"
        return "constant"

    # -- branches -----------------------------------------------------------------------
    def branches(self, stmts, own=None) -> tuple[Branch, ...]:
        """The ``if`` statements under ``stmts`` whose test holds an integer or string literal, in source order
        (``own``: the ``if`` that opens the handler, read first)."""
        ifs = [own] if own is not None else []
        stack = list(reversed(list(stmts)))
        while stack:
            node = stack.pop()
            if node.type in FUNCTIONS:
                continue
            if node.type == "if_statement":
                ifs.append(node)
            stack.extend(reversed(named(node)))
        out = []
        for node in ifs:
            test = node.child_by_field_name("condition")
            values = _literals(test) if test is not None else []
            if values:
                cons = node.child_by_field_name("consequence")
                wait = self.wait_of(self.sleeps([cons])) if cons is not None else "none"
                at = self.span(node, test) if self.span is not None else None
                out.append(Branch(tuple(values), wait, at=at))
        return tuple(out)


def _literals(test) -> list[str]:
    values = []
    stack = [test]
    while stack:
        node = stack.pop()
        if node.type == "number":
            value = int_literal(node)
            if value is not None:
                values.append(str(value))
        elif node.type == "string":
            value = string_value(node)
            if value is not None:
                values.append(value)
        elif node.type not in FUNCTIONS:
            stack.extend(reversed(named(node)))
    return values


def _mentions(node, name: str) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier" and text(current) == name:
            return True
        stack.extend(named(current))
    return False
