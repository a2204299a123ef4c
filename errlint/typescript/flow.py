"""How control leaves TypeScript / JavaScript statements: a subset of raise / return / break / continue / fall.

The same vocabulary as the Python side's ``effects.flow`` (``Effect.exits``): ``raise``
is a ``throw``; ``fall`` means control reaches the end of the statements. A ``break``
or ``continue`` inside a nested loop (or a ``break`` inside a ``switch``) stays there;
a nested function is not followed (its ``return`` is not ours). ``process.exit()`` (also as
TypeScript compiles an import of "process": ``process_1.default.exit()``) leaves like a ``throw``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .names import named, text, unwrap

LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
FUNCTIONS = frozenset({
    "function_declaration", "generator_function_declaration", "function_expression", "function",
    "generator_function", "arrow_function", "method_definition", "class_declaration", "abstract_class_declaration",
    "class", "class_body",
})
_PROCESS_EXIT = re.compile(r"^process(_\d+)?(\.default)?\.exit$")
_SIMPLE = {"return_statement": "return", "throw_statement": "raise", "break_statement": "break", "continue_statement": "continue"}


def _in_order(parts: Iterable, leave) -> frozenset[str]:
    """How control leaves ``parts`` run one after the other (the next only when the previous falls
    through); ``leave(part)`` says how it leaves one."""
    current = {"fall"}
    for part in parts:
        if "fall" not in current:
            break
        current.discard("fall")
        current |= leave(part)
    return frozenset(current)


def exits(stmts: Iterable) -> frozenset[str]:
    """How control can leave ``stmts`` (statement nodes, in order)."""
    return _in_order(stmts, stmt_exits)


def path_exits(segments: Iterable[Iterable]) -> frozenset[str]:
    """How control leaves ``segments`` run one after the other (the next only when the previous falls through)."""
    return _in_order(segments, exits)


def stmt_exits(node) -> set[str]:
    kind = node.type
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return {simple}
    if kind == "statement_block":
        return set(exits(named(node)))
    if kind == "if_statement":
        cons = node.child_by_field_name("consequence")
        out = stmt_exits(cons) if cons is not None else {"fall"}
        alt = node.child_by_field_name("alternative")
        inner = named(alt) if alt is not None else []
        return out | (stmt_exits(inner[0]) if inner else {"fall"})
    if kind == "else_clause":
        inner = named(node)
        return stmt_exits(inner[0]) if inner else {"fall"}
    if kind == "expression_statement":
        kids = named(node)
        return {"raise"} if kids and _is_exit_call(kids[0]) else {"fall"}
    if kind == "labeled_statement":  # a `break label` inside falls out of it
        body = node.child_by_field_name("body")
        return (stmt_exits(body) | {"fall"}) if body is not None else {"fall"}
    if kind == "try_statement":
        return _try_exits(node)
    if kind in LOOPS:
        body = node.child_by_field_name("body")
        inner = stmt_exits(body) if body is not None else {"fall"}
        out = (inner - {"break", "continue", "fall"}) | {"fall"}
        if endless(node) and "break" not in inner:
            out.discard("fall")  # while (true) without break leaves only by throw / return
        return out
    if kind == "switch_statement":
        body = node.child_by_field_name("body")
        out: set[str] = set()
        for case in named(body) if body is not None else ():
            stmts = [s for s in named(case) if s != case.child_by_field_name("value")]
            out |= exits(stmts)
        return (out - {"break"}) | {"fall"}
    return {"fall"}


def _is_exit_call(node) -> bool:
    node = unwrap(node)
    if node is not None and node.type == "await_expression":
        kids = named(node)
        node = unwrap(kids[0]) if kids else None
    if node is None or node.type != "call_expression":
        return False
    func = node.child_by_field_name("function")
    return func is not None and _PROCESS_EXIT.match("".join(text(func).split())) is not None


def _try_exits(node) -> set[str]:
    body = node.child_by_field_name("body")
    out = stmt_exits(body) if body is not None else {"fall"}
    handler = node.child_by_field_name("handler")
    if handler is not None:
        block = handler.child_by_field_name("body")
        out |= stmt_exits(block) if block is not None else {"fall"}
    finalizer = node.child_by_field_name("finalizer")
    if finalizer is not None:
        block = finalizer.child_by_field_name("body")
        final = stmt_exits(block) if block is not None else {"fall"}
        if "fall" not in final:
            return final
    return out


def is_true(node) -> bool:
    """``true``, ``1``, ``!0``, ``!false`` (in parentheses or not)."""
    node = unwrap(node)
    if node is None:
        return False
    if node.type == "true":
        return True
    if node.type == "number":
        return node.text not in (b"0", b"0.0")
    if node.type == "unary_expression" and node.children and node.children[0].type == "!":
        arg = unwrap(node.child_by_field_name("argument"))
        return arg is not None and (arg.type == "false" or (arg.type == "number" and arg.text == b"0"))
    return False


def condition_of(loop):
    """A loop's test (None: ``for (;;)``, or a ``for…of``, which has none)."""
    cond = loop.child_by_field_name("condition")
    if cond is None or cond.type in (";", "empty_statement"):
        return None
    if cond.type == "expression_statement":  # the JavaScript grammar wraps a for's test
        kids = named(cond)
        return kids[0] if kids else None
    return cond


def endless(loop) -> bool:
    """``while (true)``, ``do … while (true)``, ``for (;;)``, ``for (; true;)``."""
    if loop.type == "for_statement":
        cond = condition_of(loop)
        return cond is None or is_true(cond)
    if loop.type in ("while_statement", "do_statement"):
        return is_true(loop.child_by_field_name("condition"))
    return False
