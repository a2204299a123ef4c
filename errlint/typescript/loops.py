"""Retry loops in TypeScript / JavaScript: ``for`` / ``while`` / ``do…while`` / ``for…of`` around a ``try`` that goes round again.

A loop is a retry loop (``RetryConstruct(kind="loop")``) when its body holds a ``try``
(directly, or as the body itself) that

* leaves the loop on success: its block returns or breaks, or falls through to
  statements of the loop body that always return or break, or sets the flag the
  loop tests (``while (!done)``, ``for (...; !ok && i < 3; ...)``);
* has a handler that goes round again: a branch of its ``catch`` (an ``instanceof``
  test, the ``else``, the statements after the tests, or the whole ``catch``) that
  ``continue``s, or falls through to the end of the loop body. One that throws,
  returns or breaks does not.

A ``for…of`` is a retry only over attempts: ``Array.from({ length: n })``,
``Array(n)`` / ``new Array(n)`` (``.keys()``, spread), ``range(n)``, an array literal
of numbers (the delays to wait, ``[100, 200, 400]``) or a ``const`` bound to one;
over anything else it moves on to the next item, a fallback rather than a retry.

Its cap comes from literals (``i < 3`` with ``let i = 0``, ``attempt <= MAX`` with
``const MAX = 3``, the length of the array); ``while (true)`` / ``for (;;)`` /
``do … while (true)`` is unbounded unless an ``if`` that compares something other than
the error leaves it (``if (attempt >= 3) throw e``). How it waits is waits.py's verdict
on the sleeps of its body. ``RetryConstruct.at`` is the loop's header (from its keyword
to the closing parenthesis; ``do`` alone for a ``do…while``).
"""
from __future__ import annotations

from ..facts import RetryConstruct, RetryTry
from .bindings import Bindings
from .caps import CapReader, conjuncts, walk_nodes
from .flow import LOOPS, condition_of, endless, exits, path_exits
from .names import named, text, unwrap
from .waits import WaitReader

KEYWORDS = {"for_statement": "for", "for_in_statement": "for", "while_statement": "while", "do_statement": "do"}
_LEAVE = frozenset({"return", "break"})


class LoopReader:
    """The retry loops of one file, from its ``catch`` clauses and the ``TryStatement`` facts read from them."""

    def __init__(self, names, span, bindings: Bindings | None = None) -> None:
        self.names = names
        self.span = span
        self.bindings = bindings or Bindings()
        self.waits = WaitReader(names, self.bindings, span)
        self.caps = CapReader(self.bindings)

    def constructs(self, catches, tries_of) -> list[RetryConstruct]:
        """``catches``: the file's ``catch_clause`` nodes; ``tries_of``: catch node id -> its TryStatement facts."""
        by_loop: dict[int, tuple[object, list]] = {}
        for catch in catches:
            if catch.type != "catch_clause":
                continue
            try_node = catch.parent
            loop = _loop_of(try_node)
            if loop is not None:
                by_loop.setdefault(loop.id, (loop, []))[1].append(try_node)
        out = []
        for loop, try_nodes in by_loop.values():
            c = self._loop(loop, try_nodes, tries_of)
            if c is not None:
                out.append(c)
        return out

    # -- one loop --------------------------------------------------------------------
    def _loop(self, loop, try_nodes, tries_of) -> RetryConstruct | None:
        body = loop.child_by_field_name("body")
        if body is None:
            return None
        cap: int | None = None
        bounded = True
        if loop.type == "for_in_statement":
            cap = self.caps.attempts_iterable(loop)
            if cap is False:
                return None
        else:
            cond = condition_of(loop)
            if endless(loop):
                bounded = self.caps.has_cap_check(body)
            elif cond is not None:
                cap = self.caps.cap(loop, cond)
        flags = _flags(condition_of(loop)) if loop.type != "for_in_statement" else set()
        stmts = named(body) if body.type == "statement_block" else [body]
        tries = []
        for try_node in try_nodes:
            index = next((i for i, s in enumerate(stmts) if s == try_node), None)
            if index is None:
                continue
            rt = self._retry_try(try_node, stmts[index + 1:], flags, tries_of.get(try_node.child_by_field_name("handler").id, []))
            if rt is not None:
                tries.append(rt)
        if not tries:
            return None
        sleeps = self.waits.sleeps(stmts)
        after = _after(loop)
        found = exits(after) if after else frozenset({"fall"})
        keyword = KEYWORDS[loop.type]
        c = RetryConstruct(
            "loop", loop, loop, body, tries=tries, cap=cap, bounded=bounded, wait=self.waits.wait_of(sleeps),
            sleeps=sleeps, after=after, description="retry loop", keyword=keyword,
            raises_when_exhausted=found == frozenset({"raise"}),
        )
        if keyword == "do":
            head_end = loop.children[0]
        elif loop.type == "while_statement":
            head_end = loop.child_by_field_name("condition") or loop.children[0]
        else:
            head_end = next((k for k in loop.children if k.type == ")"), loop.children[0])
        c.at = self.span(loop.children[0], head_end)
        for rt in tries:
            for fact in tries_of.get(rt.node.child_by_field_name("handler").id, []):
                fact.loop = c
        return c

    def _retry_try(self, try_node, rest, flags: set[str], facts) -> RetryTry | None:
        block = try_node.child_by_field_name("body")
        catch = try_node.child_by_field_name("handler")
        if block is None or catch is None or not facts:
            return None
        body_exits = exits([block])
        rest_exits = exits(rest)
        success_leaves = bool(body_exits & _LEAVE)
        if not success_leaves and "fall" in body_exits:
            success_leaves = "fall" not in rest_exits and bool(rest_exits & _LEAVE)
        if not success_leaves and flags:
            success_leaves = _assigns_any(block, flags)
        if not success_leaves:
            return None
        handlers, by_node = [], {}
        for fact in facts:  # a catch read as several lists: each branch once, in order
            for h in fact.handlers:
                if h.handler.id not in by_node:
                    by_node[h.handler.id] = []
                    handlers.append(h)
                by_node[h.handler.id].append(h)
        any_retry = False
        catch_body = catch.child_by_field_name("body")
        for h in handlers:
            segments, own = handler_path(h.handler, catch, catch_body)
            found = path_exits(segments)
            retries = "continue" in found or ("fall" in found and bool(rest_exits & {"fall", "continue"}))
            for same in by_node[h.handler.id]:
                same.retries = retries
                same.extra["segments"] = segments
                same.extra["own_if"] = own
            any_retry = any_retry or retries
        if not any_retry:
            return None
        return RetryTry(try_node, handlers)


def handler_path(node, catch, body):
    """The statements a handler runs, as segments (each run only if the previous falls through), and the
    ``if`` that opens it (None: a catch-all): its branch, then what follows its chain in the ``catch``."""
    stmts = named(body) if body is not None else []
    if node == catch or body is None:
        return [stmts], None
    if node.parent == body:  # the statements after the last test
        i = next((i for i, s in enumerate(stmts) if s == node), len(stmts))
        return [stmts[i:]], None
    own = None
    if node.type == "else_clause":
        inner = named(node)
        branch = inner[0] if inner else None
        top = node.parent
    else:
        own = node.parent
        while own is not None and own.type != "if_statement":
            own = own.parent
        branch = own.child_by_field_name("consequence") if own is not None else None
        top = own
    while top is not None and top.parent is not None and top.parent.type == "else_clause":
        top = top.parent.parent
    i = next((i for i, s in enumerate(stmts) if s == top), None)
    if branch is None or i is None:
        return [stmts], None
    return [[branch], stmts[i + 1:]], own


def _loop_of(try_node):
    """The loop whose body holds ``try_node`` directly (or is it)."""
    parent = try_node.parent
    if parent is None:
        return None
    if parent.type in LOOPS and parent.child_by_field_name("body") == try_node:
        return parent
    if parent.type == "statement_block" and parent.parent is not None and parent.parent.type in LOOPS:
        loop = parent.parent
        return loop if loop.child_by_field_name("body") == parent else None
    return None


def _after(loop) -> tuple:
    """The statements after the loop in its block (what runs once the attempts are used up)."""
    node = loop
    while node.parent is not None and node.parent.type == "labeled_statement":
        node = node.parent
    parent = node.parent
    if parent is None or parent.type not in ("statement_block", "program", "switch_case", "switch_default"):
        return ()
    siblings = named(parent)
    i = next((i for i, s in enumerate(siblings) if s == node), None)
    return tuple(siblings[i + 1:]) if i is not None else ()


def _flags(cond) -> set[str]:
    """``!done`` conjuncts of a loop test: the names whose setting ends the loop."""
    out = set()
    for leaf in conjuncts(unwrap(cond)) if cond is not None else ():
        if leaf.type == "unary_expression" and leaf.children and leaf.children[0].type == "!":
            arg = unwrap(leaf.child_by_field_name("argument"))
            if arg is not None and arg.type == "identifier":
                out.add(text(arg))
    return out


def _assigns_any(block, names: set[str]) -> bool:
    for node in walk_nodes(block):
        if node.type == "assignment_expression":
            left = unwrap(node.child_by_field_name("left"))
            if left is not None and left.type == "identifier" and text(left) in names:
                return True
    return False
