"""What the retry analysis (:mod:`errlint.python.retries`) reads of the syntax: the ``try`` statements of a
loop body, a ``while`` flag, tenacity's ``stop=`` and ``wait=``, and how the sleeps of a loop wait."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from .names import NameResolver
from .scan import body_of, code_of, int_value, keyword, positional, walk


def _tries_in(stmt: cst.CSTNode) -> Iterable[cst.Try | cst.TryStar]:
    """A ``try`` directly in the loop body, or directly inside a ``with`` there."""
    if isinstance(stmt, (cst.Try, cst.TryStar)):
        yield stmt
    elif isinstance(stmt, cst.With):
        for inner in body_of(stmt.body):
            yield from _tries_in(inner)


def _flag_name(test: cst.BaseExpression) -> str | None:
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and isinstance(test.expression, cst.Name):
        return test.expression.value
    return None


def _short(q: str) -> str:
    return q.rpartition(".")[2]


def _tenacity_stop(expr: cst.BaseExpression, names: NameResolver) -> tuple[bool, int | None]:
    if isinstance(expr, cst.BinaryOperation):
        a = _tenacity_stop(expr.left, names)
        b = _tenacity_stop(expr.right, names)
        caps = [x for x in (a[1], b[1]) if x is not None]
        return a[0] or b[0], min(caps) if caps else None
    if isinstance(expr, cst.Call):
        name = _short(names.resolve_expr(expr.func) or "")
        if name == "stop_after_attempt":
            return True, int_value(positional(expr, 0))
        if name == "stop_never":
            return False, None
        return True, None
    name = _short(names.resolve_expr(expr) or "")
    return name != "stop_never", None


def _tenacity_wait(expr: cst.BaseExpression, names: NameResolver) -> str:
    kinds = set()
    for node in walk([expr]):
        if isinstance(node, cst.Call):
            name = _short(names.resolve_expr(node.func) or "")
            if name in ("wait_fixed", "wait_none"):
                kinds.add("constant" if name == "wait_fixed" else "none")
            elif name.startswith("wait_"):
                kinds.add("backoff")
    if "backoff" in kinds:
        return "backoff"
    if "constant" in kinds:
        return "constant"
    return "unknown" if not kinds else "none"


def _wait_of_sleeps(sleeps: Sequence[cst.Call], names: NameResolver) -> str:
    if not sleeps:
        return "none"
    kinds = set()
    for call in sleeps:
        arg = positional(call, 0) or keyword(call, "seconds") or keyword(call, "delay")
        if arg is None:
            kinds.add("unknown")
            continue
        if isinstance(arg, (cst.Integer, cst.Float)):
            kinds.add("constant")
            continue
        text = code_of(arg).lower().replace("-", "_")
        if "retry_after" in text or "retryafter" in text:
            kinds.add("retry-after")
        elif isinstance(arg, cst.Name) and not any(
            isinstance(n, cst.BinaryOperation) for n in walk([arg])
        ):
            kinds.add("unknown")
        else:
            kinds.add("backoff")
    for k in ("retry-after", "backoff", "unknown", "constant"):
        if k in kinds:
            return k
    return "none"
