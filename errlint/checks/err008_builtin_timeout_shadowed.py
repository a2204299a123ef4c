"""ERR008 builtin-timeout-shadowed."""
from __future__ import annotations

from ..facts import TryStatement
from ..requests import CatchSdkClass
from .base import SDK_MODULES, Check

BUILTIN_TIMEOUT = "builtins.TimeoutError"
# TypeScript and JavaScript: no built-in is called TimeoutError, so a TimeoutError the file neither
# imports nor declares names the global object's (``globalThis.TimeoutError``), which JavaScript
# does not define: the test never matches the SDK's class (in JavaScript it throws a ReferenceError)
GLOBAL_TIMEOUT = "globalThis.TimeoutError"
_ROOTS = ("builtins.BaseException", "builtins.Exception", "globalThis.Error")  # name every class: not the SDK's


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

    ## TypeScript and JavaScript
    JavaScript has no built-in `TimeoutError`: a branch testing
    `e instanceof TimeoutError` in a file that neither imports nor declares
    `TimeoutError` tests a global no runtime defines (in JavaScript the test
    itself throws a `ReferenceError`), so it never sees the timeouts of
    `vault.request()`, which raises the SDK's `TimeoutError`. A
    `TimeoutError` imported from another package or declared by the project
    is not judged. The example is the Alter Vault seed SDK's: none of the
    popular npm SDKs exports a class named `TimeoutError` (openai's is
    `APIConnectionTimeoutError`).

    ```ts
    import { AlterVault, TimeoutError } from "@alter-ai/alter-sdk"; // without TimeoutError here: ERR008

    try {
      return await vault.request("GET", url);
    } catch (e) {
      if (e instanceof TimeoutError) return cached;
      throw e;
    }
    ```

    No fix is offered for TypeScript yet.

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

    needs = frozenset({"tries", "calls"})

    def run(self) -> None:
        for t in self.file.tries:
            self._try(t)

    def _sdk_timeout(self, pack) -> str | None:
        graph = self.file.graph
        errors = pack.errors if self.file.language == "python" else pack.ts_errors
        for q, spec in errors.items():
            if spec.name == "TimeoutError" and not graph.is_subclass(q, self._builtin()):
                return q
        return None

    def _builtin(self) -> str:
        return BUILTIN_TIMEOUT if self.file.language == "python" else GLOBAL_TIMEOUT

    def _try(self, t: TryStatement) -> None:
        calls = t.calls
        timeouts = []
        for c in calls:
            q = self._sdk_timeout(c.pack)
            if q is not None and all(q != x[1] for x in timeouts):
                timeouts.append((c, q))
        if not timeouts:
            return
        graph = self.file.graph
        other_calls = t.other_calls
        sdk_named = False
        for h in t.handlers:
            if h.refs is None:
                continue
            # the SDK's class named in this handler or an earlier one: the builtin is there for other code
            sdk_named = sdk_named or any(
                ref.qualname and any(graph.is_subclass(x[1], ref.qualname) and ref.qualname not in _ROOTS
                                     and graph.canonical(ref.qualname) not in _ROOTS for x in timeouts)
                for ref in h.refs
            )
            if sdk_named:
                continue
            for i, ref in enumerate(h.refs):
                if ref.qualname is None or (graph.canonical(ref.qualname) or ref.qualname) != self._builtin():
                    continue
                call, sdk_q = timeouts[0]
                parents = ", ".join(_short(p) for p in graph.parents(sdk_q))
                if self.file.language == "python":
                    message = (
                        f"except {ref.text} catches the builtin TimeoutError, but {call.text}() raises "
                        f"{sdk_q.rpartition('.')[0].split('.')[0]}.TimeoutError (a {parents}, not the builtin): "
                        "this handler never sees the SDK's timeouts"
                    )
                else:
                    package = sdk_q.rpartition(".")[0]
                    message = (
                        f"{t.wording.clause} {ref.text} tests a global TimeoutError that no JavaScript built-in defines "
                        f"(nothing imports or declares it here), but {call.text}() raises {package}'s TimeoutError "
                        f"(a {parents}): this branch never sees the SDK's timeouts; import TimeoutError from {package}"
                    )
                fix = self._fix(h, i, call.pack, sdk_q, keep_builtin=other_calls)
                self.report(h.at, message, fix)

    def _fix(self, h, index: int, pack, sdk_q: str, keep_builtin: bool) -> CatchSdkClass:
        # named as the module imports from the SDK, never shadowing the builtin (the fixer knows how)
        alias = pack.name.split("_")[0].capitalize() + "TimeoutError"
        what = "Also catch {reference}" if keep_builtin else "Catch {reference} instead"
        # unsafe: the handler never ran for the SDK's timeouts, and now it does
        return CatchSdkClass("unsafe", what, h.handler, index, sdk_q, pack.name, alias, keep_builtin)


def _short(q: str) -> str:
    return q.rpartition(".")[2]
