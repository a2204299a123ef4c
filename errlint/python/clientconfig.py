"""How often an auto-retrying SDK call retries, given how its client was built.

A pack's ``[[auto_retry]]`` gives the documented default (``attempts``) and
where code can change it (``settings``: a keyword path on the call that builds
the client, or on the SDK call itself; ``reconfigure``: client methods that
return a copy with other settings, such as ``with_options``; ``globals``: module
attributes such as ``stripe.max_network_retries``).  This module follows the
receiver of an SDK call back to the calls that built it and reads those
settings; it knows nothing of any particular SDK.

The answer is a :class:`Retries`:

* ``known``: the attempts are read from the code (a literal, or a constructor
  that leaves the setting out, so the documented default applies);
* ``assumed``: errlint cannot see how the client was built (a parameter, an
  attribute set elsewhere): the documented default is assumed, and the message
  says so;
* ``unknown``: the setting is an expression errlint cannot evaluate
  (``max_retries=settings.retries``, ``config=cfg`` with ``cfg`` a parameter, a
  ``**kwargs``): the author configured retries deliberately, so the checks stay
  silent.
"""
from __future__ import annotations

import libcst as cst

from ..packs import AutoRetry
from ..facts import Retries
from .names import dotted
from .scan import body_of, walk

_MISSING = object()  # the path is not written: the documented default applies
_OPAQUE = object()  # written, but not something errlint can evaluate


def _integer(node) -> int | object:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return _OPAQUE
    if isinstance(node, cst.Name) and node.value in ("None", "False"):
        return 0  # StripeClient(max_network_retries=None): treated as 0
    return _OPAQUE


def _has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


class ClientConfig:
    """Per file: reads the retry settings of the clients an SDK call goes through."""

    def __init__(self, receivers) -> None:
        self.receivers = receivers

        self.names = receivers.names
        self._assigned: dict[int, dict[str, list[cst.BaseExpression]]] = {}
        self._self_assigned: dict[int, dict[str, list[cst.BaseExpression]]] = {}
        self._globals: dict[str, list[cst.BaseExpression]] | None = None

    def _where(self, call):
        span = self.receivers.span
        return span(call) if span is not None else None

    # -- entry point -------------------------------------------------------------
    def retries(self, call: cst.Call, auto: AutoRetry, through_client: bool) -> Retries:
        default = auto.attempts
        if not auto.settings and not auto.globals:
            return Retries("known", default)  # the pack names no knob: the documented policy holds
        # a setting on the SDK call itself wins (request_options=, options=, max_network_retries=)
        for setting in auto.settings:
            if setting.at == "call":
                value = self._path(call, setting.path, 0)
                if value is _OPAQUE:
                    return Retries("unknown", None)
                if value is not _MISSING:
                    return Retries("known", setting.attempts(value), f"{setting.path[-1]}={value}", self._where(call))
        if not through_client:
            return self._global(auto, default)
        func = call.func
        if not isinstance(func, cst.Attribute):
            return Retries("assumed", default, "")
        client_settings = [s for s in auto.settings if s.at == "client"]
        return self._expr(func.value, auto, client_settings, default, depth=0)

    # -- following the receiver ------------------------------------------------
    def _expr(self, expr, auto: AutoRetry, settings, default, depth: int) -> Retries:
        if depth > 20:
            return Retries("unknown", None)
        if isinstance(expr, cst.Await):
            return self._expr(expr.expression, auto, settings, default, depth + 1)
        if isinstance(expr, cst.Call):
            return self._built_by(expr, auto, settings, default, depth)
        if isinstance(expr, cst.Name):
            values = self._name_values(expr.value)
            return self._from_values(values, dotted(expr) or expr.value, auto, settings, default, depth)
        if isinstance(expr, cst.Attribute):
            base = expr.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls"):
                values = self._self_values(expr.attr.value)
                return self._from_values(values, f"{base.value}.{expr.attr.value}", auto, settings, default, depth)
            if self.receivers.client_of(base) is not None:
                return self._expr(base, auto, settings, default, depth + 1)  # client.chat.completions -> client
            return self._assumed(dotted(expr) or "the client", auto, default)
        return self._assumed("the client", auto, default)

    def _from_values(self, values, text: str, auto, settings, default, depth: int) -> Retries:
        if not values:
            return self._assumed(text, auto, default)
        answers = {self._expr(v, auto, settings, default, depth + 1) for v in values}
        if len(answers) == 1:
            return answers.pop()
        if all(a.off for a in answers):
            return Retries("known", 1, "")
        return Retries("unknown", None)  # built in different ways on different paths

    def _assumed(self, text: str, auto: AutoRetry, default) -> Retries:
        return Retries("assumed", default, f"assumed: how {text} is built is not visible here, so the documented default applies")

    def _built_by(self, call: cst.Call, auto: AutoRetry, settings, default, depth: int) -> Retries:
        for setting in settings:
            value = self._path(call, setting.path, 0)
            if value is _OPAQUE:
                return Retries("unknown", None)
            if value is not _MISSING:
                return Retries("known", setting.attempts(value), f"{setting.path[-1]}={value}", self._where(call))
        if _has_star_kwargs(call):
            return Retries("unknown", None)
        func = call.func
        if isinstance(func, cst.Attribute) and self.receivers.client_of(func.value) is not None:
            # with_options(...) without the setting, session.client(...), resource.Table(...): the base decides
            if func.attr.value in auto.reconfigure or self.receivers._class_named(func.value) is None:
                return self._expr(func.value, auto, settings, default, depth + 1)
        return Retries("known", default, "")  # built here without the setting: the documented default

    # -- reading a keyword path ----------------------------------------------------
    def _path(self, node, path, i: int, depth: int = 0):
        if depth > 10:
            return _OPAQUE
        if i == len(path):
            return _integer(node)
        step = path[i]
        if isinstance(node, cst.Call):
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == step:
                    return self._path(arg.value, path, i + 1, depth + 1)
            if i > 0 and _has_star_kwargs(node):
                return _OPAQUE
            return _MISSING
        if isinstance(node, cst.Dict):
            for el in node.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString) and el.key.evaluated_value == step:
                    return self._path(el.value, path, i + 1, depth + 1)
                if isinstance(el, cst.StarredDictElement):
                    return _OPAQUE
            return _MISSING
        if isinstance(node, cst.Name):
            if node.value == "None":
                return _MISSING
            values = self._name_values(node.value)
            if len(values) == 1:
                return self._path(values[0], path, i, depth + 1)
            return _OPAQUE
        return _OPAQUE

    # -- bindings -----------------------------------------------------------------
    def _name_values(self, name: str) -> list[cst.BaseExpression]:
        for scope in self.names.visible_scopes():
            found = self._assignments(scope.node).get(name)
            if found:
                return found
            if name in scope.bindings:
                return []  # a parameter, an import, a loop target...: not followed
        return []

    def _assignments(self, node) -> dict[str, list[cst.BaseExpression]]:
        if node is None:
            return {}
        cached = self._assigned.get(id(node))
        if cached is not None:
            return cached
        out: dict[str, list[cst.BaseExpression]] = {}
        if isinstance(node, cst.Module):
            stmts = node.body
        elif isinstance(node, cst.FunctionDef):
            stmts = body_of(node.body) if isinstance(node.body, cst.IndentedBlock) else ()
        else:
            stmts = ()
        for n in walk(stmts):
            if isinstance(n, cst.Assign):
                for t in n.targets:
                    if isinstance(t.target, cst.Name):
                        out.setdefault(t.target.value, []).append(n.value)
            elif isinstance(n, cst.AnnAssign) and isinstance(n.target, cst.Name) and n.value is not None:
                out.setdefault(n.target.value, []).append(n.value)
            elif isinstance(n, cst.WithItem) and n.asname is not None and isinstance(n.asname.name, cst.Name):
                out.setdefault(n.asname.name.value, []).append(n.item)
        self._assigned[id(node)] = out
        return out

    def _self_values(self, attr: str) -> list[cst.BaseExpression]:
        scope = self.names.enclosing_class()
        if scope is None or not isinstance(scope.node, cst.ClassDef):
            return []
        cached = self._self_assigned.get(id(scope.node))
        if cached is None:
            cached = {}
            for stmt in body_of(scope.node.body):
                if not isinstance(stmt, cst.FunctionDef):
                    continue
                params = [*stmt.params.posonly_params, *stmt.params.params]
                if not params:
                    continue
                me = params[0].name.value
                for n in walk(body_of(stmt.body) if isinstance(stmt.body, cst.IndentedBlock) else ()):
                    if isinstance(n, cst.Assign):
                        targets, value = [t.target for t in n.targets], n.value
                    elif isinstance(n, cst.AnnAssign) and n.value is not None:
                        targets, value = [n.target], n.value
                    else:
                        continue
                    for t in targets:
                        if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == me:
                            cached.setdefault(t.attr.value, []).append(value)
            self._self_assigned[id(scope.node)] = cached
        return cached.get(attr, [])

    # -- module-level settings ----------------------------------------------------------
    def _global(self, auto: AutoRetry, default) -> Retries:
        if not auto.globals:
            return Retries("known", default, "")
        found = self._global_assignments()
        for g in auto.globals:
            values = found.get(g.name)
            if not values:
                continue
            ints = {_integer(v) for v in values}
            if len(ints) != 1 or _OPAQUE in ints:
                return Retries("unknown", None)
            value = ints.pop()
            return Retries("known", g.attempts(value), f"{g.name} = {value}")
        names = " or ".join(g.name for g in auto.globals)
        return Retries("assumed", default, f"assumed: {names} is not set in this file, so the documented default applies")

    def _global_assignments(self) -> dict[str, list[cst.BaseExpression]]:
        if self._globals is None:
            self._globals = {}
            module = self.names.scopes[0].node if self.names.scopes else None
            if isinstance(module, cst.Module):
                for n in _walk_all(module):
                    if isinstance(n, cst.Assign):
                        for t in n.targets:
                            if isinstance(t.target, cst.Attribute):
                                q = self.names.resolve_expr(t.target)
                                if q and not q.startswith("?"):
                                    self._globals.setdefault(q, []).append(n.value)
        return self._globals



def _walk_all(node: cst.CSTNode):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def effective(receivers, call: cst.Call, auto: AutoRetry, through_client: bool) -> tuple[AutoRetry | None, Retries]:
    """``auto`` as this call runs it: None when retries are off (or set to what errlint cannot read)."""
    cfg = getattr(receivers, "_client_config", None)
    if cfg is None:
        cfg = receivers._client_config = ClientConfig(receivers)
    answer = cfg.retries(call, auto, through_client)
    if answer.state == "unknown" or answer.off:
        return None, answer
    return auto, answer

