"""ERR003 swallowed-reauth."""
from __future__ import annotations

import libcst as cst

from ..analysis.policy import REAUTH, covered, deliberate_split, name_list, policies, reaching, tops
from .base import Check


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
    No automatic fix yet: where the re-auth prompt belongs is the caller's decision.
    """

    code = "ERR003"
    name = "swallowed-reauth"
    summary = "a handler that swallows an error meaning the user must re-authenticate"
    uses = ("reauth",)
    triggers = ("alter_sdk", "shark_auth", "alsorn")
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
        packs = list({c.pack.name: c.pack for c in calls}.values())
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
            if h.retries and loop is not None:
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
            ctx.report(self.code, h.handler, message, end=h.handler.type if h.handler.type is not None else None)
