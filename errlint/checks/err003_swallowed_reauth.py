"""ERR003 swallowed-reauth."""
from __future__ import annotations

from ..facts import Handler, TryStatement, called_packs
from ..hierarchy import ClassGraph
from ..policy import REAUTH, covered, deliberate_split, name_list, policies, reaching, tops
from ..requests import FixRequest, InsertReraise, ReraiseAtEnd
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

    ## TypeScript and JavaScript
    A `catch` clause's `instanceof` branches are its handlers (a catch with no
    test is one handler that catches everything, `Error` or not). A branch's
    path is its body and, when the body falls off its end, the rest of the
    catch body: a branch that logs and then reaches `throw e` rethrows. The
    re-auth action is the pack's TypeScript name (`vault.connect()`); a test
    of the error that decides (`if (!(e instanceof BackendError)) throw e`,
    `e instanceof BackendError && e.message.includes("quota")`) is trusted, as
    in Python. Receivers: `new AlterVault({...})`, typed parameters, fields and
    variables, `private readonly vault: AlterVault`, functions returning a
    client, `require()` in JavaScript. A `try` inside a loop is not judged yet
    (its retry loop is not read in TypeScript yet). The example is the Alter
    Vault seed SDK's: no popular SDK's pack marks an error as meaning that the
    user must re-authenticate (openai's and anthropic's `AuthenticationError`
    mean a wrong API key).

    ```ts
    try {
      return await vault.request("GET", url, { grantId });
    } catch (e) {
      if (e instanceof ReAuthRequiredError) throw e; // the caller sends the user through vault.connect()
      if (e instanceof BackendError) return [];      // without the line above: ERR003
      throw e;
    }
    ```

    No fix is offered for TypeScript yet.

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

    needs = frozenset({"tries", "effects", "calls", "constructs"})

    def run(self) -> None:
        self.pol = policies(self.file.registry)
        for t in self.file.tries:
            if t.handlers:
                self._try(t)

    def _try(self, t: TryStatement) -> None:
        graph = self.file.graph
        calls = t.calls
        packs = called_packs(calls)
        handlers = t.handlers
        loop = t.loop
        for h in handlers:
            trusted = [p for p in packs if not deliberate_split(handlers, h, p, REAUTH, self.pol)]
            caught = reaching(covered(h.qualnames, REAUTH, trusted, graph, self.pol, self.file.language), h, handlers, graph)
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
                    f"{loop.at.line} has no attempt cap"
                )
            elif h.retries and loop is not None:
                how = (
                    f"retries {'them' if len(listed) > 1 else 'it'} and, when the {loop.description} on line {loop.at.line} "
                    "runs out of attempts, carries on without raising"
                )
            else:
                how = effect.summary
            actions = pack.reauth_actions_in(self.file.language) if pack is not None else ()
            instead = t.wording.reraise + (f" or call {actions[0]}()" if actions else "")
            message = f"{h.text} swallows {name_list(listed)}{origin}: the handler {how}; {instead}"
            if spec is not None and spec.action:
                message += f". {pack.name}: {spec.action}"
            fix = None
            if not (h.retries and loop is not None):
                fix = self._fix(t, h, listed, graph)
            self.report(h.at, message, fix)

    # -- fixes -------------------------------------------------------------------
    def _fix(self, t: TryStatement, h: Handler, listed: list[str], graph: ClassGraph) -> FixRequest:
        narrow = h.refs is not None and all(
            q is not None and any(graph.is_subclass(q, r) for r in self._reauth_roots(q)) for q in h.qualnames
        )
        if narrow:
            return ReraiseAtEnd("unsafe", "Re-raise at the end of the handler", h.handler)
        # the fixer names the classes the way the module imports them (no fix when it does not)
        return InsertReraise("unsafe", f"Insert `except {{names}}: raise` before {h.text}", t.node, h.index, tuple(listed))

    def _reauth_roots(self, q: str) -> list[str]:
        spec = self.pol.spec(q)
        return [spec.qualname] if spec is not None and spec.reauth else []
