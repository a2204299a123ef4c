"""Handler effects: what an ``except`` clause does with the error it catches.

For each handler errlint works out, from the handler's statements alone:

* how control leaves it (``exits``): ``raise``, ``return``, ``break``,
  ``continue``, or ``fall`` (off the end of the handler);
* whether it always re-raises (bare ``raise``, ``raise X from e``, a raise in
  every branch, ``sys.exit``), or only on some path;
* whether a conditional raise or retry is *guarded* by a test of the caught
  error (``if exc.status_code not in (429, 503): raise``,
  ``if e.is_retryable(): continue``, ``if isinstance(e, X): raise``);
* which classes ``if isinstance(e, X): raise`` lets escape;
* whether it calls a re-auth action named by a pack (``vault.connect(...)``);
* what a swallowing handler does instead, for messages ("passes", "only
  logs", "returns a value", "continues", "assigns a default").
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from ..facts import Effect, Handler
from .names import NameResolver, dotted
from .scan import body_of, call_name, walk

_EXITING_CALLS = {"sys.exit", "exit", "quit", "os._exit", "os.abort"}
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print", "print_exc"}


HandlerInfo = Handler  # the facts dataclass, under the name the Python analyses use


def flow(stmts: Sequence[cst.CSTNode]) -> frozenset[str]:
    """How control can leave ``stmts``: a subset of raise/return/break/continue/fall."""
    current = {"fall"}
    for stmt in stmts:
        if "fall" not in current:
            break
        current.discard("fall")
        current |= _stmt_flow(stmt)
    return frozenset(current)


def _stmt_flow(stmt: cst.CSTNode) -> set[str]:
    if isinstance(stmt, cst.SimpleStatementLine):
        return set(flow(stmt.body))
    if isinstance(stmt, cst.Raise):
        return {"raise"}
    if isinstance(stmt, cst.Return):
        return {"return"}
    if isinstance(stmt, cst.Break):
        return {"break"}
    if isinstance(stmt, cst.Continue):
        return {"continue"}
    if isinstance(stmt, cst.Expr):
        value = stmt.value
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call) and dotted(value.func) in _EXITING_CALLS:
            return {"raise"}
        return {"fall"}
    if isinstance(stmt, cst.If):
        out = set(flow(body_of(stmt.body)))
        if stmt.orelse is None:
            out.add("fall")
        elif isinstance(stmt.orelse, cst.If):
            out |= _stmt_flow(stmt.orelse)
        else:
            out |= flow(body_of(stmt.orelse.body))
        return out
    if isinstance(stmt, (cst.Try, cst.TryStar)):
        body = set(flow(body_of(stmt.body)))
        if stmt.orelse is not None and "fall" in body:
            body.discard("fall")
            body |= flow(body_of(stmt.orelse.body))
        for h in stmt.handlers:
            body |= flow(body_of(h.body))
        if stmt.finalbody is not None:
            final = flow(body_of(stmt.finalbody.body))
            if "fall" not in final:
                return set(final)
        return body
    if isinstance(stmt, cst.With):
        return set(flow(body_of(stmt.body)))
    if isinstance(stmt, (cst.For, cst.While)):
        inner = set(flow(body_of(stmt.body)))
        out = (inner - {"break", "continue", "fall"}) | {"fall"}
        if stmt.orelse is not None:
            out |= flow(body_of(stmt.orelse.body))
        if isinstance(stmt, cst.While) and _is_true(stmt.test) and "break" not in inner:
            out.discard("fall")  # while True without break leaves only by raise/return
        return out
    if isinstance(stmt, cst.Match):
        out = {"fall"}
        for case in stmt.cases:
            out |= flow(body_of(case.body))
        return out
    return {"fall"}


def _is_true(node: cst.BaseExpression) -> bool:
    return (isinstance(node, cst.Name) and node.value == "True") or (isinstance(node, cst.Integer) and node.value not in ("0",))



def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in walk([node]))


def _derived_names(stmts: Sequence[cst.CSTNode], name: str) -> set[str]:
    """Local names the handler assigns from the caught error (``code = e.response["Error"]["Code"]``)."""
    out: set[str] = set()
    for node in walk(stmts):
        if isinstance(node, cst.Assign) and (_mentions(node.value, name) or any(_mentions(node.value, d) for d in out)):
            for t in node.targets:
                if isinstance(t.target, cst.Name) and t.target.value != name:
                    out.add(t.target.value)
    return out


def _raising_ifs(stmts: Sequence[cst.CSTNode]) -> Iterable[cst.If]:
    """``if`` statements (at any depth, not in nested scopes) whose branches decide a raise or a retry."""
    for node in walk(stmts):
        if isinstance(node, cst.If):
            branches = [flow(body_of(node.body))]
            if node.orelse is not None and not isinstance(node.orelse, cst.If):
                branches.append(flow(body_of(node.orelse.body)))
            if any(b & {"raise", "continue", "return", "break"} for b in branches):
                yield node


def handler_effect(
    handler: cst.ExceptHandler | cst.ExceptStarHandler,
    names: NameResolver,
    reauth_actions: Iterable[str] = (),
) -> Effect:
    stmts = body_of(handler.body)
    exits = flow(stmts)
    name = None
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        name = handler.name.name.value
    guarded = False
    escapes: list[str] = []
    if name is not None:
        derived = _derived_names(stmts, name)
        for node in _raising_ifs(stmts):
            if _mentions(node.test, name):
                guarded = True
                escapes.extend(_isinstance_escapes(node, name, names))
            elif any(_mentions(node.test, d) for d in derived):
                guarded = True  # code = e.response["Error"]["Code"]; if code not in RETRYABLE: raise
    actions = set(reauth_actions)
    reauth = None
    if actions:
        for node in walk(stmts):
            if isinstance(node, cst.Call) and call_name(node) in actions:
                reauth = call_name(node)
                break
    return Effect(exits, guarded, reauth, tuple(escapes), _summary(stmts, exits), name)


def _isinstance_escapes(node: cst.If, name: str, names: NameResolver) -> list[str]:
    """``if isinstance(e, (A, B)): raise`` re-raises A and B."""
    test = node.test
    if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"):
        return []
    if len(test.args) != 2 or not (isinstance(test.args[0].value, cst.Name) and test.args[0].value.value == name):
        return []
    if flow(body_of(node.body)) != frozenset({"raise"}):
        return []
    return [r.qualname for r in names.exception_refs(test.args[1].value) if r.qualname]


def _summary(stmts: Sequence[cst.CSTNode], exits: frozenset[str]) -> str:
    smalls = []
    for s in stmts:
        if isinstance(s, cst.SimpleStatementLine):
            smalls.extend(s.body)
        else:
            smalls.append(s)
    if all(isinstance(s, cst.Pass) or (isinstance(s, cst.Expr) and isinstance(s.value, cst.Ellipsis)) for s in smalls):
        return "passes"
    if "return" in exits:
        return "returns instead"
    if "continue" in exits:
        return "continues"
    if "break" in exits:
        return "breaks out of the loop"
    if all(isinstance(s, cst.Expr) and isinstance(s.value, (cst.Call, cst.Await)) and _is_log(s.value) for s in smalls if not isinstance(s, cst.Pass)):
        return "only logs"
    if any(isinstance(s, (cst.Assign, cst.AnnAssign, cst.AugAssign)) for s in smalls):
        return "assigns a default"
    return "carries on"


def _is_log(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Await):
        value = value.expression
    return isinstance(value, cst.Call) and call_name(value) in _LOG_METHODS


_MUTATING = {"pop", "update", "setdefault", "append", "extend", "insert", "remove", "clear", "popitem"}


def _root(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _passed(calls: Iterable[cst.Call]) -> set[str]:
    return {n.value for c in calls for arg in c.args for n in walk([arg.value]) if isinstance(n, cst.Name)}


def repairs(handler: cst.ExceptHandler | cst.ExceptStarHandler, calls: Iterable[cst.Call], sdk_calls: Iterable[cst.Call]) -> bool:
    """Does ``handler`` change the data a call of the try body passes (``config["engine"] = ...``,
    ``kwargs.pop("model")``), or give a new value to a name an SDK call passes (``messages =
    messages[-10:]``)? Then its retry sends another request. A counter (``attempt += 1``) is no repair."""
    changed, rebound = _passed(calls), _passed(sdk_calls)
    if not changed and not rebound:
        return False
    for node in walk(body_of(handler.body)):
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.Del)):
            targets = [node.target]
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in _MUTATING:
            targets = [node.func.value]
        else:
            continue
        for t in targets:
            if isinstance(t, cst.Name):
                if isinstance(node, cst.Assign) and t.value in rebound:
                    return True
            elif _root(t) in changed:
                return True
    return False
