"""ERR002 retry-non-retryable."""
from __future__ import annotations

from collections.abc import Sequence

from ..facts import ClassRef, Handler, RetryConstruct, RetryTry, Span, ValueCollection, called_packs
from ..policy import BY_STATUS, NEVER, covered, deliberate_split, name_list, policies, reaching, tops
from ..requests import DropConstructEntries, DropEntries, FixRequest
from .base import SDK_MODULES, Check, PackValues


class RetryNonRetryable(Check):
    """
    ## What it does
    Flags a retry construct that retries an error its SDK documents as never
    retryable: a handler of a retry loop, tenacity's `@retry` /
    `Retrying(...)`, backoff's `@on_exception` or stamina's `@retry` whose
    retried set covers a `retry = "never"` class, directly or through an
    ancestor (`except BackendError:` retries `GrantExpiredError` unless an
    earlier handler lets it escape); a `by-status` class (SharkAuth's
    `VaultError`) retried without looking at its status; and a collection of
    retryable codes or statuses (`retryable_codes`, `RETRY_STATUSES`, or the
    collection a retry handler tests) that holds a value the docs call
    non-retryable (Altus 4's `VALIDATION_ERROR`, SharkAuth's 400/403/404/422).
    An SDK's codes and statuses count where the SDK is imported; those of an
    API without a package (Altus 4) where the file is about that API (it names
    the API's host or client classes, or the project enables the pack).
    A handler that changes an argument of the retried call before the next
    attempt (`config["engine"] = config.pop("model")`, `messages =
    messages[-10:]`) sends another request, and is trusted.

    ## Why is this bad?
    Retrying an expired grant, a revoked key, a validation error or a 403
    cannot succeed: every attempt fails the same way, the caller waits through
    the backoff for nothing, and the error that needs a human (re-run OAuth,
    fix the request) arrives late or is replaced by a generic "retries
    exhausted".

    ## Example
    ```python
    for attempt in range(3):
        try:
            return await vault.request("GET", url, grant_id=grant)
        except BackendError:
            await asyncio.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    for attempt in range(3):
        try:
            return await vault.request("GET", url, grant_id=grant)
        except (ReAuthRequiredError, GrantNotFoundError, PolicyViolationError):
            raise
        except BackendError:
            await asyncio.sleep(2 ** attempt)
    ```

    ## TypeScript and JavaScript
    The retry wrappers p-retry, async-retry, exponential-backoff and cockatiel
    are read like the decorators: a wrapper whose options filter nothing
    retries every error, and the finding is at its call (`pRetry(`,
    `policy.execute(`). `shouldRetry: (e) => !(e instanceof X)`, `throw new
    AbortError(e)` or `bail(e)` under `if (e instanceof X)` in a `catch`,
    exponential-backoff's `retry:` and cockatiel's `handleType(X).orType(Y)`
    say what it retries; a test errlint cannot read (`e.status >= 500`, a
    helper function) keeps it silent.

    ```ts
    import OpenAI from "openai";
    import pRetry from "p-retry";

    const client = new OpenAI({ maxRetries: 0 });
    const embedding = await pRetry(() => client.embeddings.create({ model, input }), { retries: 3 });
    ```

    Use instead:

    ```ts
    const embedding = await pRetry(() => client.embeddings.create({ model, input }), {
      retries: 3,
      shouldRetry: ({ error }) => !(error instanceof OpenAI.APIError && error.status < 500 && error.status !== 429),
    });
    ```

    In a retry loop, the finding is at the `instanceof` test of the branch
    that retries (or at the `catch` of a catch-all). What the branch decides
    with is read too, with the finding at the offending value: a status or
    code collection (`RETRYABLE.includes(e.status)`, `new Set([...]).has(e.statusCode)`,
    a `const` named like `RETRYABLE_STATUSES`), a comparison (`e.status ===
    400`, `e.status >= 400`, `e.name === "ValidationException"`,
    `e?.$metadata?.httpStatusCode`), the cases of `switch (e.type)` that go
    round again (stripe-node's `"StripeCardError"`).

    ```ts
    import Stripe from "stripe";

    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await stripe.paymentIntents.create(params, { idempotencyKey });
      } catch (e) {
        switch (e.type) {
          case "StripeCardError": // never retryable: the card was declined
          case "StripeConnectionError":
            await sleep(2 ** attempt * 500);
            continue;
          default:
            throw e;
        }
      }
    }
    ```

    Use instead: `throw` for `"StripeCardError"` (tell the customer), and
    retry only connection and API errors.

    ## Fix safety
    Unsafe: the errors it stops retrying reach the caller at once. When the
    retried set names a never-retryable class in a tuple (`except
    (NetworkError, GrantExpiredError):`, `retry_if_exception_type((...))`,
    backoff's exception tuple, stamina's `on=(...)`), the fix removes it from
    the tuple. No fix is offered when the class is caught through an ancestor
    (`except BackendError:`) or is the only one named.
    """

    code = "ERR002"
    name = "retry-non-retryable"
    fix_availability = "sometimes"
    summary = "a retry construct that retries an error its SDK documents as never retryable"
    uses = ("never", "by-status", "codes", "statuses")
    # a collection or a test is reported only for a value a pack marks never retryable
    triggers = (SDK_MODULES, PackValues("never"))
    VALID = (
        "from alter_sdk import App, BackendError, ReAuthRequiredError\nimport asyncio\n"
        "async def f(url, g):\n    async with App() as vault:\n        for attempt in range(3):\n            try:\n"
        "                return await vault.request('GET', url, grant_id=g)\n            except ReAuthRequiredError:\n"
        "                raise\n            except BackendError:\n                await asyncio.sleep(2 ** attempt)\n",
        "RETRYABLE_STATUSES = (429, 500, 502, 503, 504)\n",
    )
    INVALID = (
        "from alter_sdk import App, BackendError\nimport asyncio\n"
        "async def f(url, g):\n    async with App() as vault:\n        for attempt in range(3):\n            try:\n"
        "                return await vault.request('GET', url, grant_id=g)\n            except BackendError:\n"
        "                await asyncio.sleep(2 ** attempt)\n",
        "BASE_URL = 'https://api.altus4.dev'\nretryable_codes = ['DATABASE_ERROR', 'VALIDATION_ERROR']\n",
    )

    needs = frozenset({"constructs", "calls", "collections"})

    def run(self) -> None:
        self.pol = policies(self.file.registry)
        self.checked_collections: set[int] = set()
        # Collections are reported once each, under the name they are first met by: the
        # constructs (with the collections their handlers test) and the collections assigned
        # to retryable-looking names, in the order the traversal met them.
        named = self.file.collections
        i = 0
        for construct in self.file.constructs:
            while i < len(named) and named[i][1].seq < construct.seq:
                self._collection(named[i][1], named[i][0])
                i += 1
            self.construct(construct)
        for name, coll in named[i:]:
            self._collection(coll, name)

    # -- constructs ------------------------------------------------------------
    def construct(self, construct: RetryConstruct) -> None:
        if construct.kind == "loop":
            for rt in construct.tries:
                self._retry_try(construct, rt)
        else:
            self._predicate_construct(construct)

    def _retry_try(self, construct: RetryConstruct, rt: RetryTry) -> None:
        graph = self.file.graph
        called = called_packs(rt.calls)
        for h in rt.retrying:
            for coll in h.retry_decisions:
                self._collection(coll, coll.name)
            if h.effect.guarded or h.effect.reauth is not None or h.repairs:
                continue  # the handler decides on the error's status / code / type, re-authenticates or changes the request first
            trusted = [p for p in called if not deliberate_split(rt.handlers, h, p, NEVER, self.pol)]
            never = reaching(covered(h.qualnames, NEVER, trusted, graph, self.pol, self.file.language), h, rt.handlers, graph)
            by_status = reaching(covered(h.qualnames, BY_STATUS, called, graph, self.pol, self.file.language), h, rt.handlers, graph)
            fix = self._handler_fix(h) if never else None
            self._report(h.at, h.text, construct, never, by_status, fix=fix)

    def _predicate_construct(self, construct: RetryConstruct) -> None:
        if construct.guarded:
            return
        graph = self.file.graph
        called = called_packs(construct.calls)
        entries = list(construct.on)
        never = [q for q in covered(entries, NEVER, called, graph, self.pol, self.file.language) if construct.covers(graph, q)]
        by_status = [q for q in covered(entries, BY_STATUS, called, graph, self.pol, self.file.language) if construct.covers(graph, q)]
        what = construct.description
        fix = self._construct_fix(construct) if never else None
        self._report(construct.at, what, construct, never, by_status, decorator=True, fix=fix)

    # -- fixes -------------------------------------------------------------------
    def _never_indexes(self, refs: Sequence[ClassRef]) -> set[int]:
        out = set()
        for i, ref in enumerate(refs):
            spec = self.pol.spec(ref.qualname) if ref.qualname else None
            if spec is not None and spec.retry == "never":
                out.add(i)
        return out

    def _handler_fix(self, h: Handler) -> FixRequest | None:
        """Drop the never-retryable classes from the handler's tuple (the fixer: when it is one written there)."""
        if h.refs is None:
            return None
        drop = self._never_indexes(h.refs)
        if not drop:
            return None
        names = ", ".join(h.refs[i].text for i in sorted(drop))
        return DropEntries("unsafe", f"Stop retrying {names}", h.handler, frozenset(drop), len(h.refs))

    def _construct_fix(self, construct: RetryConstruct) -> FixRequest | None:
        """Drop the never-retryable classes from the construct's class tuple (the fixer: when it is one)."""
        refs = construct.on_refs
        if refs is None:
            return None
        drop = self._never_indexes(refs)
        if not drop:
            return None
        names = ", ".join(refs[i].text for i in sorted(drop))
        return DropConstructEntries(
            "unsafe", f"Stop retrying {names}", construct.report_node, construct.kind, frozenset(drop), len(refs)
        )

    def _report(self, at: Span, what: str, construct: RetryConstruct, never, by_status, decorator: bool = False, fix=None) -> None:
        if not never and not by_status:
            return
        graph = self.file.graph
        line = construct.at.line
        where = "" if decorator else f" ({construct.description} on line {line})"
        # One sentence per kind of class, each naming its classes, its condition and the
        # documented action; the construct's line is said once, in the first.
        sentences = []
        if never:
            listed = tops(never, graph)
            pack = self.pol.pack_of(listed[0])
            spec = self.pol.spec(listed[0])
            sentences.append(
                f"{what} retries {name_list(listed)}, which {pack.name if pack else 'the SDK'} documents as never retryable{where}"
                + (f": {spec.action}" if spec and spec.action else "")
            )
        if by_status:
            listed = tops(by_status, graph)
            spec = self.pol.spec(listed[0])
            attrs = spec.attributes if spec else ()
            attr = next((a for a in attrs if "status" in a), attrs[0] if attrs else "status")
            whose = "its" if len(listed) == 1 else "their"
            subject = f"It also retries {name_list(listed)}" if sentences else f"{what} retries {name_list(listed)}"
            sentences.append(
                f"{subject} whatever {whose} {attr}{'' if sentences else where}"
                + (f": {spec.action}" if spec and spec.action else "")
            )
        message = " ".join(s if s.endswith(".") or i == len(sentences) - 1 else s + "." for i, s in enumerate(sentences))
        self.report(at, message, fix)

    # -- collections of retryable codes / statuses -------------------------------
    def _collection(self, coll: ValueCollection, name: str | None) -> None:
        if id(coll.node) in self.checked_collections:
            return
        self.checked_collections.add(id(coll.node))
        bad: dict[int, list] = {}  # one finding per place a value is written (range(...) holds many)
        for element, value in coll.entries:
            policy = self._policy_of(value)
            if policy is not None:
                bad.setdefault(id(element), []).append((element, value, policy))
        holder = f"{name}" if name else "the retryable set"
        for found in bad.values():
            element = found[0][0]
            pack, pol = found[0][2]
            shown = [f"{v!r}" if isinstance(v, str) else str(v) for _, v, _ in found]
            kind = "code" if isinstance(found[0][1], str) else "status"
            written = self.file.text_of(element)
            if len(found) == 1:
                what = f"{shown[0]}, a {kind}" if written == shown[0] or isinstance(found[0][1], str) else f"{shown[0]} ({written}), a {kind}"
                message = f"{holder} holds {what} {pack} documents as never retryable"
            else:
                listed = ", ".join(shown[:-1]) + f" and {shown[-1]}"
                kinds = "statuses" if kind == "status" else "codes"
                message = f"{holder} holds {listed} ({written}), {kinds} {pack} documents as never retryable"
            if pol.action and len({id(p[1]) for _, _, p in found}) == 1:
                message += f": {pol.action}"
            self.report(self.file.span(element), message)

    def _policy_of(self, value):
        """(pack name, Policy) when every relevant pack that knows ``value`` says never."""
        found = []
        for pack in sorted(self.file.registry.packs, key=lambda p: not p.modules):
            if not self.file.pack_applies(pack):
                continue  # an SDK's codes count where the SDK is used; an API's (Altus 4) where the code is about it
            table = pack.codes if isinstance(value, str) else pack.statuses
            key = value if isinstance(value, str) else str(value)
            policy = table.get(key)
            if policy is not None:
                found.append((pack.name, policy))
        if found and all(p.retry == "never" for _, p in found):
            return found[0]  # an imported SDK first, then hand-written APIs (Altus 4)

        return None
