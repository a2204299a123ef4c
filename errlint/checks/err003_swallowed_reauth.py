"""ERR003 swallowed-reauth."""
from __future__ import annotations

import libcst as cst

from ..policy import REAUTH, covered, deliberate_split, name_list, policies, reaching, tops
from ..fixes import Fix, Replacement, reference_for
from .base import SDK_MODULES, Check


class SwallowedReauth(Check):
    """
    ## What it does
    Flags an `except` clause that catches an error meaning "the user must
    re-authenticate" (a pack class with `reauth = true`, such as alter_sdk's
    `ReAuthRequiredError`, `GrantExpiredError`, `ScopeReauthRequiredError`)
    and neither re-raises it nor calls a re-auth action (`connect()`). The
    clause may name the class, a subclass, or an ancestor (`BackendError`,
    `AlterSDKError`, `Exception`, bare `except:`) around a call of that SDK
    with no earlier handler that lets it through. A retry loop whose handler
    retries such an error and, once the attempts run out, returns a default
    instead of raising swallows it too.

    ## Why is this bad?
    A revoked or expired grant does not heal. Swallowing the error turns "the
    user must reconnect their account" into an empty result, a stale cache or
    a silent `None`, and nobody is ever asked to re-run OAuth.

    ## Example
    ```python
    try:
        events = await vault.request("GET", url, grant_id=grant)
    except BackendError:
        log.warning("calendar sync failed")
        return []
    ```

    ## Use instead
    ```python
    try:
        events = await vault.request("GET", url, grant_id=grant)
    except ReAuthRequiredError:
        raise  # the caller sends the user through vault.connect()
    except BackendError:
        log.warning("calendar sync failed")
        return []
    ```

    ## Fix safety
    Unsafe: the fix changes what the caller sees. Before a broad handler it
    inserts `except <re-auth classes>: raise` (naming the classes the way the
    module already imports from that SDK, and adding them to an existing
    `from ... import` when needed); in a handler that names only re-auth
    classes it replaces the final `pass` / `return` / `continue` with `raise`,
    or appends `raise`. No fix is offered for a retry loop that gives up
    quietly, or when the module does not import the SDK at all.
    """

    code = "ERR003"
    name = "swallowed-reauth"
    fix_availability = "sometimes"
    summary = "a handler that swallows an error meaning the user must re-authenticate"
    uses = ("reauth",)
    triggers = (SDK_MODULES,)
    VALID = (
        "from alter_sdk import App, BackendError, ReAuthRequiredError\n"
        "async def f(url, g):\n    async with App() as vault:\n        try:\n"
        "            return await vault.request('GET', url, grant_id=g)\n        except ReAuthRequiredError:\n"
        "            raise\n        except BackendError:\n            return None\n",
        "from alter_sdk import App, GrantExpiredError\n"
        "async def f(vault: App, url, g):\n    try:\n        return await vault.request('GET', url, grant_id=g)\n"
        "    except GrantExpiredError:\n        await vault.connect(providers=['google'])\n",
    )
    INVALID = (
        "from alter_sdk import App, BackendError\n"
        "async def f(url, g):\n    async with App() as vault:\n        try:\n"
        "            return await vault.request('GET', url, grant_id=g)\n        except BackendError:\n            return None\n",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.pol = policies(ctx.registry)

    def visit_Module(self, node: cst.Module) -> None:
        self.ctx.retries.scan_block(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.ctx.retries.scan_block(node)

    def visit_Try(self, node: cst.Try) -> None:
        self._try(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._try(node)

    def _try(self, node) -> None:
        if not node.handlers:
            return
        ctx = self.ctx
        graph = ctx.graph
        retries = ctx.retries
        calls = list(ctx.receivers.sdk_calls(node.body.body))
        packs = ctx.receivers.called_packs(calls)
        handlers = retries.handlers_of(node)
        loop = retries.loop_of_try(node)
        for h in handlers:
            trusted = [p for p in packs if not deliberate_split(handlers, h, p, REAUTH, self.pol)]
            caught = reaching(covered(h.qualnames, REAUTH, trusted, graph, self.pol), h, handlers, retries.first_catcher, graph)
            if not caught:
                continue
            effect = h.effect
            if effect.reauth is not None or effect.may_raise:
                continue
            if h.retries and loop is not None and loop.exhausted_raises():
                continue
            listed = tops(caught, graph)
            pack = self.pol.pack_of(listed[0])
            spec = self.pol.spec(listed[0])
            source = next((c for c in calls if pack is not None and c.pack.name == pack.name), None)
            origin = f" from {source.text}()" if source is not None else ""
            if h.retries and loop is not None and not loop.bounded:
                # the shared retry facts say nothing stops this loop (ERR006's verdict): it never runs out
                how = (
                    f"retries {'them' if len(listed) > 1 else 'it'} forever: the {loop.description} on line "
                    f"{ctx.line_of(loop.report_node)} has no attempt cap"
                )
            elif h.retries and loop is not None:
                how = (
                    f"retries {'them' if len(listed) > 1 else 'it'} and, when the {loop.description} on line {ctx.line_of(loop.report_node)} "
                    "runs out of attempts, carries on without raising"
                )
            else:
                how = effect.summary
            actions = pack.reauth_actions if pack is not None else ()
            instead = "re-raise" + (f" or call {actions[0]}()" if actions else "")
            message = f"{h.text} swallows {name_list(listed)}{origin}: the handler {how}; {instead}"
            if spec is not None and spec.action:
                message += f". {pack.name}: {spec.action}"
            fix = None
            if not (h.retries and loop is not None):
                fix = self._fix(node, h, listed, graph)
            ctx.report(self.code, h.handler, message, fix=fix, end=h.handler.type if h.handler.type is not None else None)

    # -- fixes -------------------------------------------------------------------
    def _fix(self, try_node, h, listed: list[str], graph) -> Fix | None:
        narrow = h.refs is not None and all(
            q is not None and any(graph.is_subclass(q, r) for r in self._reauth_roots(q)) for q in h.qualnames
        )
        if narrow:
            return self._reraise_fix(h)
        return self._insert_fix(try_node, h, listed)

    def _reauth_roots(self, q: str) -> list[str]:
        spec = self.pol.spec(q)
        return [spec.qualname] if spec is not None and spec.reauth else []

    def _reraise_fix(self, h) -> Fix | None:
        body = h.handler.body
        if not isinstance(body, cst.IndentedBlock) or not body.body:
            return None
        stmts = list(body.body)
        last = stmts[-1]
        raise_line = cst.SimpleStatementLine([cst.Raise()])
        if isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(
            last.body[0], (cst.Pass, cst.Return, cst.Continue, cst.Break)
        ) or (isinstance(last, cst.SimpleStatementLine) and len(last.body) == 1 and isinstance(last.body[0], cst.Expr) and isinstance(last.body[0].value, cst.Ellipsis)):
            stmts[-1] = last.with_changes(body=[cst.Raise()])
        else:
            stmts.append(raise_line)
        new = h.handler.with_changes(body=body.with_changes(body=stmts))
        return Fix("unsafe", "Re-raise at the end of the handler", (Replacement(h.handler, new),))

    def _insert_fix(self, try_node, h, listed: list[str]) -> Fix | None:
        names = []
        import_edit = None
        for q in listed:
            ref, edit = self._reference(q, import_edit)
            if ref is None:
                return None
            names.append(ref)
            if edit is not None:
                import_edit = edit
        if len(names) == 1:
            type_expr = cst.parse_expression(names[0])
        else:
            type_expr = cst.parse_expression("(" + ", ".join(names) + ")")
        new_handler = cst.ExceptHandler(
            body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Raise()])]),
            type=type_expr,
            leading_lines=h.handler.leading_lines,
        )
        handlers = list(try_node.handlers)
        i = handlers.index(h.handler)
        handlers[i] = h.handler.with_changes(leading_lines=())
        handlers.insert(i, new_handler)
        replacements = [Replacement(try_node, try_node.with_changes(handlers=handlers))]
        if import_edit is not None:
            replacements.append(Replacement(import_edit[0], import_edit[1]))
        label = names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
        return Fix("unsafe", f"Insert `except {label}: raise` before {h.text}", tuple(replacements))

    def _reference(self, qualname: str, pending_import):
        """How this module can name ``qualname``: (text, optional import edit)."""
        spec = self.pol.spec(qualname)
        pack = self.pol.pack_of(qualname)
        if spec is None or pack is None:
            return None, None
        return reference_for(self.ctx, spec, pack, pending=pending_import)
