"""What the receiver analysis (:mod:`errlint.python.receivers`) reads of the syntax: decorators,
functions defined in a scope, assignment targets, a call's text, the keywords that make a call reversible."""
from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from ..packs import Irreversible
from .names import NameResolver, dotted
from .scan import body_of, keyword, walk

# decorators that keep what a function returns (a cache in front of a factory)
_TRANSPARENT = {"functools.lru_cache", "functools.cache", "functools.cached_property", "builtins.property",
                "builtins.staticmethod", "builtins.classmethod"}
_PROPERTIES = {"builtins.property", "functools.cached_property"}


def _decorator_name(dec: cst.Decorator, names: NameResolver) -> str | None:
    expr = dec.decorator.func if isinstance(dec.decorator, cst.Call) else dec.decorator
    return names.resolve_expr(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None


def _transparent(dec: cst.Decorator, names: NameResolver) -> bool:
    return _decorator_name(dec, names) in _TRANSPARENT


def _is_property(fn: cst.FunctionDef, names: NameResolver) -> bool:
    return any(_decorator_name(d, names) in _PROPERTIES for d in fn.decorators)


def _defined_functions(scope: cst.CSTNode | None) -> dict[str, cst.FunctionDef]:
    """Functions defined once, by ``def``, directly in ``scope``'s body (and bound by nothing else there)."""
    if isinstance(scope, cst.Module):
        stmts = scope.body
    elif isinstance(scope, (cst.FunctionDef, cst.ClassDef)):
        stmts = body_of(scope.body)
    else:
        return {}
    defs: dict[str, cst.FunctionDef | None] = {}
    for node in walk(stmts):
        if isinstance(node, cst.FunctionDef):
            name = node.name.value
            overload = any(isinstance(d.decorator, (cst.Name, cst.Attribute)) and (dotted(d.decorator) or "").endswith("overload") for d in node.decorators)
            setter = any(isinstance(d.decorator, cst.Attribute) and d.decorator.attr.value in ("setter", "deleter") for d in node.decorators)
            if overload or setter:
                continue
            defs[name] = node if name not in defs else None
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign)):
            target = node.target
            if isinstance(target, cst.Name) and target.value in defs:
                defs[target.value] = None
    return {k: v for k, v in defs.items() if v is not None}


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment target binds (``a``, ``a, *b``; not ``obj.attr`` or ``d[k]``)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            yield from _target_names(el.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def _call_text(func: cst.BaseExpression) -> str | None:
    """``vault.request`` / ``get_vault().request`` / ``self.client().request`` as written (short), for messages."""
    text = dotted(func)
    if text is not None:
        return text
    if isinstance(func, cst.Attribute):
        inner = func.value.expression if isinstance(func.value, cst.Await) else func.value
        if isinstance(inner, cst.Call):
            base = _call_text(inner.func)
            if base is not None:
                return f"{base}().{func.attr.value}"
    return None


def _guarded_by_kwargs(call: cst.Call, item: Irreversible) -> bool:
    """``purge(dry_run=True)`` is not the irreversible form."""
    if not item.unless_kwargs:
        return False
    for name, wanted in item.unless_kwargs.items():
        value = keyword(call, name)
        if value is None:
            return False
        if isinstance(wanted, bool):
            if not (isinstance(value, cst.Name) and value.value == ("True" if wanted else "False")):
                return False
        elif isinstance(wanted, (int, float)):
            if not (isinstance(value, (cst.Integer, cst.Float)) and float(value.value) == float(wanted)):
                return False
        elif isinstance(wanted, str):
            if not (isinstance(value, cst.SimpleString) and value.evaluated_value == wanted):
                return False
    return True
