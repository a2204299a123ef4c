"""ERR008 builtin-timeout-shadowed."""
from __future__ import annotations

import libcst as cst

from ..policy import policies
from ..fixes import Fix, Replacement, reference_for, with_except_type
from .base import SDK_MODULES, Check

BUILTIN_TIMEOUT = "builtins.TimeoutError"


class BuiltinTimeoutShadowed(Check):
    """
    ## What it does
    Flags `except TimeoutError` that names Python's builtin `TimeoutError`
    around calls of an SDK whose own `TimeoutError` does not derive from the
    builtin (alter-sdk's `alter_sdk.TimeoutError` derives from `NetworkError`).

    ## Why is this bad?
    The handler looks like it handles the SDK's timeouts, but it never runs
    for them: the SDK raises its own class, which the builtin does not catch.
    The timeout escapes as an unhandled `NetworkError` subclass.

    ## Example
    ```python
    from alter_sdk import App

    try:
        response = await vault.request("GET", url)
    except TimeoutError:
        return cached
    ```

    ## Use instead
    ```python
    import alter_sdk

    try:
        response = await vault.request("GET", url)
    except alter_sdk.TimeoutError:
        return cached
    ```

    ## Fix safety
    Unsafe: the handler was written for the SDK's timeouts, but until now it
    never ran for them, they reached the caller; after the fix it runs, so
    the program behaves differently (review the handler's body first).
    The fix names the SDK's class the way the module already imports from the
    SDK (`alter_sdk.TimeoutError`, or `TimeoutError as AlterTimeoutError` added
    to an existing `from alter_sdk import ...`, never shadowing the builtin),
    and keeps the builtin next to it when the `try` body also calls code
    outside the SDK, which may raise the builtin.
    """

    code = "ERR008"
    name = "builtin-timeout-shadowed"
    summary = "except TimeoutError (the builtin) around calls of an SDK whose TimeoutError is not the builtin"
    fix_availability = "sometimes"
    uses = ("sdk",)
    triggers = (SDK_MODULES,)
    VALID = (
        "import alter_sdk\n"
        "async def f(vault: alter_sdk.App, url):\n    try:\n        return await vault.request('GET', url)\n"
        "    except alter_sdk.TimeoutError:\n        return None\n",
    )
    INVALID = (
        "import alter_sdk\n"
        "async def f(vault: alter_sdk.App, url):\n    try:\n        return await vault.request('GET', url)\n"
        "    except TimeoutError:\n        return None\n",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.pol = policies(ctx.registry)

    def visit_Try(self, node: cst.Try) -> None:
        self._try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._try(node)

    def _sdk_timeout(self, pack) -> str | None:
        graph = self.ctx.graph
        for q, spec in pack.errors.items():
            if spec.name == "TimeoutError" and not graph.is_subclass(q, BUILTIN_TIMEOUT):
                return q
        return None

    def _try(self, node) -> None:
        calls = list(self.ctx.receivers.sdk_calls(node.body.body))
        timeouts = []
        for c in calls:
            q = self._sdk_timeout(c.pack)
            if q is not None and all(q != t[1] for t in timeouts):
                timeouts.append((c, q))
        if not timeouts:
            return
        graph = self.ctx.graph
        retries = self.ctx.retries
        other_calls = sum(isinstance(n, cst.Call) for n in _calls(node.body.body)) > len(calls)
        sdk_named = False
        for h in retries.handlers_of(node):
            if h.refs is None:
                continue
            # the SDK's class named in this handler or an earlier one: the builtin is there for other code
            sdk_named = sdk_named or any(
                ref.qualname and any(graph.is_subclass(t[1], ref.qualname) and ref.qualname != "builtins.BaseException"
                                     and graph.canonical(ref.qualname) not in ("builtins.Exception",) for t in timeouts)
                for ref in h.refs
            )
            if sdk_named:
                continue
            for i, ref in enumerate(h.refs):
                if ref.qualname is None or graph.canonical(ref.qualname) != BUILTIN_TIMEOUT:
                    continue
                call, sdk_q = timeouts[0]
                parents = ", ".join(_short(p) for p in graph.parents(sdk_q))
                message = (
                    f"except {ref.text} catches the builtin TimeoutError, but {call.text}() raises "
                    f"{sdk_q.rpartition('.')[0].split('.')[0]}.TimeoutError (a {parents}, not the builtin): "
                    "this handler never sees the SDK's timeouts"
                )
                fix = self._fix(h, i, call.pack, sdk_q, keep_builtin=other_calls)
                self.ctx.report(self.code, h.handler, message, fix=fix, end=h.handler.type)

    def _fix(self, h, index: int, pack, sdk_q: str, keep_builtin: bool) -> Fix | None:
        ref_text, import_edit = self._reference(pack, sdk_q)
        if ref_text is None:
            return None
        new_expr = cst.parse_expression(ref_text)
        old_type = h.handler.type
        if isinstance(old_type, cst.Tuple):
            elements = list(old_type.elements)
            el = elements[index]
            if keep_builtin:
                elements.insert(index + 1, cst.Element(new_expr, comma=el.comma))
                elements[index] = el.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            else:
                elements[index] = el.with_changes(value=new_expr)
            new_type = old_type.with_changes(elements=elements)
        elif keep_builtin:
            new_type = cst.Tuple([cst.Element(old_type, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Element(new_expr)])
        else:
            new_type = new_expr
        replacements = [Replacement(h.handler, with_except_type(h.handler, new_type))]
        if import_edit is not None:
            replacements.append(Replacement(*import_edit))
        what = f"also catch {ref_text}" if keep_builtin else f"catch {ref_text} instead"
        # unsafe: the handler never ran for the SDK's timeouts, and now it does
        return Fix("unsafe", what[0].upper() + what[1:], tuple(replacements))

    def _reference(self, pack, sdk_q: str):
        spec = self.pol.spec(sdk_q)
        if spec is None:
            return None, None
        alias = pack.name.split("_")[0].capitalize() + "TimeoutError"
        return reference_for(self.ctx, spec, pack, alias=alias)


def _calls(stmts):
    from ..python.scan import walk

    return [n for n in walk(stmts) if isinstance(n, cst.Call)]


def _short(q: str) -> str:
    return q.rpartition(".")[2]
