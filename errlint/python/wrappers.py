"""Retry decorators a pack describes (``[[retry_wrappers]]``: google-api-core's ``Retry``), read from the
pack's data as :mod:`errlint.python.retries` reads tenacity's ``@retry``: the classes its predicate
accepts, what bounds it, how it waits. Nothing here knows a particular SDK."""
from __future__ import annotations

import libcst as cst

from ..facts import RetryConstruct
from ..packs.model import RetryWrapper
from .names import NameResolver
from .scan import keyword, positional


def pack_wrapper(w: RetryWrapper, call: cst.Call | None, fn: cst.FunctionDef, dec: cst.Decorator, names: NameResolver) -> RetryConstruct | None:
    """The construct ``@<callable>(...)`` on ``fn`` is, or None (``@Retry`` without arguments makes
    the function its predicate: not a retry of the function)."""
    if call is None:
        return None
    c = RetryConstruct("wrapper", fn, dec, (), description=w.description, wait=w.wait)
    predicate = keyword(call, w.on_keyword) or positional(call, 0)
    if predicate is None:
        c.on = w.default_on
    elif isinstance(predicate, cst.Call) and names.resolve_expr(predicate.func) in w.on_builders:
        if any(a.star for a in predicate.args):
            c.guarded = True  # classes errlint cannot list
        else:
            c.on = tuple(
                r.qualname or "?" for a in predicate.args if a.keyword is None for r in names.exception_refs(a.value)
            )
    elif isinstance(predicate, (cst.Name, cst.Attribute)) and names.resolve_expr(predicate) in w.default_predicates:
        c.on = w.default_on
    else:
        c.guarded = True  # a predicate errlint cannot read decides
    for name in w.unbounded_when_none:  # the first one the call passes decides
        value = keyword(call, name)
        if value is not None:
            if isinstance(value, cst.Name) and value.value == "None":
                c.bounded = False
                c.unbounded_why = w.unbounded
            break
    return c
