"""ERR001 redundant-retry."""
from __future__ import annotations

from ..facts import RetryConstruct, RetryTry, SdkCall, first_catcher
from ..policy import name_list, short
from ..requests import DropDecorator, UnwrapLoop
from .base import SDK_MODULES, Check


class RedundantRetry(Check):
    """
    ## What it does
    Flags a call that already retries by itself (a pack's `[[auto_retry]]`
    method, such as alter_sdk's `request()`) inside a retry construct that
    retries the same errors again: a manual retry loop whose handler catches
    them (or an ancestor, such as `BackendError` or `Exception`), tenacity's
    `@retry` / `Retrying`, backoff's `@on_exception`, stamina's `@retry` /
    `retry_context`.

    What a call retries by itself depends on how its client was built: errlint
    reads the settings the pack names (`OpenAI(max_retries=0)`,
    `client.with_options(max_retries=0)`, `Config(retries={"total_max_attempts":
    1})`, `stripe.max_network_retries = 0`, a `StripeClient` without
    `max_network_retries`). With retries off, an outer retry is the documented
    way and nothing is reported; a setting errlint cannot read is trusted too.
    When it cannot see how the client was built (a parameter), it assumes the
    documented default and says so. A handler that picks the codes of a
    by-status class (`if e.response["Error"]["Code"] not in RETRYABLE: raise`)
    is trusted.

    ## Why is this bad?
    The SDK already retries network and timeout errors with exponential
    backoff. A second retry layer multiplies the attempts (3 × 3 = 9 requests
    for one failure), stretches the time before the caller hears of an outage,
    and hammers a backend that is already struggling. alter_sdk's docs say:
    "Avoid wrapping request() in an additional retry loop for transient
    errors — the SDK already retries."

    ## Example
    ```python
    for attempt in range(3):
        try:
            return await vault.request("GET", url, grant_id=grant)
        except NetworkError:
            await asyncio.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    response = await vault.request("GET", url, grant_id=grant)
    if response.retry_info and response.retry_info.total_attempts > 1:
        log.info("recovered after %d attempts", response.retry_info.total_attempts)
    ```
    Keep application-level retries (database writes, queue publishes) for the
    code that does not retry by itself.

    ## TypeScript and JavaScript
    The SDK calls of the npm packs: `client.chat.completions.create(...)` on
    `new OpenAI()` (a default import too), `stripe.paymentIntents.create(...)`,
    `s3.send(new GetObjectCommand(...))`, and the settings that change their
    retries: `new OpenAI({ maxRetries: 0 })`, `client.withOptions({ maxRetries:
    0 })`, a request option `{ maxRetries: 0 }`, `new Stripe(key, {
    maxNetworkRetries: 0 })`, `new S3Client({ maxAttempts: 1 })`, `new
    WebClient(token, { retryConfig: { retries: 0 } })`; Mistral, Google GenAI
    and Octokit retry only when built to (`retryConfig`, `retryOptions`,
    `Octokit.plugin(retry)`). Where the npm package's default changed between
    majors (stripe-node: 0 retries before 13, 1 until 16, 2 since), the
    project's `package.json` or lock file decides, and a message says what it
    assumed when none does.

    The retry wrappers p-retry (`pRetry`, `makeRetriable`), async-retry,
    exponential-backoff (`backOff`) and cockatiel (`retry(...)`, then
    `policy.execute(...)`) are recognised through their imports. A wrapper
    retries every error unless its options or its function say otherwise
    (`shouldRetry`, `throw new AbortError(e)`, `bail(e)`, `retry: (e) => ...`,
    `handleType(X)`); a decision errlint cannot read keeps it silent. The
    finding is at the SDK call.

    ```ts
    import OpenAI from "openai";
    import pRetry from "p-retry";

    const client = new OpenAI();
    const embedding = await pRetry(() => client.embeddings.create({ model, input }), { retries: 3 });
    ```

    Use instead: `await client.embeddings.create({ model, input })`, or build
    the client with `new OpenAI({ maxRetries: 0 })` if `pRetry` replaces its
    retries.

    Retry loops are read as in Python: a `for` / `while` / `do…while` loop
    (or a `for…of` over attempts) around a `try` whose `catch` goes round
    again, through a branch that falls through or `continue`s. The branch that
    takes the call's errors is the `instanceof` test, the `else`, or the whole
    `catch`; one that rethrows them lets them through.

    ```ts
    import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";

    const s3 = new S3Client({});
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await s3.send(new GetObjectCommand({ Bucket, Key }));
      } catch (e) {
        if (e instanceof NoSuchKey) throw e;
        await sleep(2 ** attempt * 100);
      }
    }
    ```

    Use instead: `new S3Client({ maxAttempts: 1 })` if the loop replaces the
    client's retries, or no loop.

    ## Fix safety
    Unsafe: removing a retry layer changes how long a call may take and which
    errors reach the caller. Two shapes are fixed: a pure retry loop whose
    only job is the auto-retrying call (`for _ in range(n): try: x = call();
    break / return call ... except NetworkError: sleep`) becomes the plain
    call, and a tenacity / backoff / stamina decorator that retries only what
    the SDK retries itself is dropped. When the plain call returns, what
    followed the loop (a `return None` for when the attempts ran out) can no
    longer run and is removed with it; if that code binds a name (which makes
    the name local to the function), no fix is offered.
    """

    code = "ERR001"
    name = "redundant-retry"
    fix_availability = "sometimes"
    summary = "an auto-retrying SDK call inside a retry construct that retries the same errors"
    uses = ("auto_retry",)
    triggers = (SDK_MODULES,)
    VALID = (
        "from alter_sdk import App, BackendError\nimport asyncio\n"
        "async def f(url, g, db):\n    async with App() as vault:\n        response = await vault.request('GET', url, grant_id=g)\n"
        "    for attempt in range(3):\n        try:\n            await db.save(response)\n            break\n"
        "        except BackendError:\n            await asyncio.sleep(2 ** attempt)\n",
    )
    INVALID = (
        "from alter_sdk import App, NetworkError\nimport asyncio\n"
        "async def f(url, g):\n    async with App() as vault:\n        for attempt in range(3):\n            try:\n"
        "                return await vault.request('GET', url, grant_id=g)\n            except NetworkError:\n"
        "                await asyncio.sleep(2 ** attempt)\n",
    )

    needs = frozenset({"constructs", "calls", "effects"})

    def run(self) -> None:
        self.reported: set[int] = set()
        for construct in self.file.constructs:
            if construct.kind == "loop":
                self._loop(construct)
            else:
                self._whole_body(construct)

    def _loop(self, construct: RetryConstruct) -> None:
        graph = self.file.graph
        for rt in construct.tries:
            for call in rt.calls:
                if call.auto_retry is None:
                    continue
                for cls in self._auto_classes(call):
                    handler = first_catcher(rt.handlers, cls, graph)
                    if handler is not None and handler.retries:
                        if handler.effect.guarded and self._by_status(cls):
                            continue  # the handler picks codes / statuses: errlint cannot tell if the SDK retries those
                        where = f"{handler.text} on line {handler.at.line}"
                        self._report(call, construct, where, self._unwrap_fix(construct, rt, call))
                        break

    def _whole_body(self, construct: RetryConstruct) -> None:
        if construct.guarded:
            return
        graph = self.file.graph
        for call in construct.calls:
            if call.auto_retry is None:
                continue
            if any(construct.covers(graph, cls) for cls in self._auto_classes(call)):
                self._report(call, construct, None, self._drop_decorator_fix(construct, call))

    def _by_status(self, cls: str) -> bool:
        spec = self.file.registry.spec(cls)
        return spec is not None and spec.retry == "by-status"

    def _auto_classes(self, call: SdkCall) -> list[str]:
        graph = self.file.graph
        out: dict[str, None] = {}
        for q in call.auto_retry.on:
            out[graph.canonical(q) or q] = None
        return list(out)

    # -- fixes -------------------------------------------------------------------
    def _only_auto(self, classes, call: SdkCall) -> bool:
        graph = self.file.graph
        auto = self._auto_classes(call)
        return bool(classes) and all(
            q is not None and not q.startswith("?") and any(graph.is_subclass(q, a) for a in auto) for q in classes
        )

    def _unwrap_fix(self, construct: RetryConstruct, rt: RetryTry, call: SdkCall) -> UnwrapLoop | None:
        for h in rt.handlers:
            if h.refs is None or not self._only_auto(h.qualnames, call):
                return None  # a handler retries something the call does not retry itself
        # the fixer checks the shape: the loop is the one try around the one call, its handlers only wait
        return UnwrapLoop("unsafe", f"Remove the retry loop around {call.text}()", construct.node, rt.node, call.node, construct.after)

    def _drop_decorator_fix(self, construct: RetryConstruct, call: SdkCall) -> DropDecorator | None:
        if construct.excluded or construct.guarded:
            return None
        if not self._only_auto(construct.on, call):
            return None
        return DropDecorator(
            "unsafe", f"Remove {construct.description}: {call.text}() already retries", construct.node, construct.report_node
        )

    def _report(self, call: SdkCall, construct: RetryConstruct, where: str | None, fix: UnwrapLoop | DropDecorator | None = None) -> None:
        if id(call.node) in self.reported:
            return
        self.reported.add(id(call.node))
        auto = call.auto_retry
        configured = call.retries if call.retries is not None and call.retries.where is not None else None
        how = []
        if configured is not None:
            count = f"{configured.attempts} attempts" if configured.attempts is not None else "retries"  # a time-bounded policy
            how.append(f"{count}, set by {configured.note} on line {configured.where.line}")
        elif configured is None and call.retries is not None and call.retries.state == "known" and call.retries.note:
            how.append(f"{call.retries.attempts} attempts, set by {call.retries.note}")
        elif auto.policy:
            how.append(auto.policy)
        elif auto.attempts:
            how.append(f"{auto.attempts} attempts")
        if auto.backoff and not auto.policy:
            how.append(auto.backoff)
        detail = f" ({call.pack.name}: {', '.join(how)})" if how else f" ({call.pack.name})"
        line = construct.at.line
        them = "them" if len(auto.on) > 1 else "it"
        again = f"the {construct.description} on line {line} retries {them} again"
        if where:
            again += f" ({where})"
        if auto.way_out:
            again += f" — {auto.way_out}"
        if call.retries is not None and call.retries.state == "assumed" and call.retries.note:
            again += f" ({call.retries.note})"
        classes = name_list([short(q) for q in auto.on], limit=4)
        self.report(call.at, f"{call.text}() already retries {classes} itself{detail}; {again}", fix)

