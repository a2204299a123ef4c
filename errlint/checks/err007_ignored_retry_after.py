"""ERR007 ignored-retry-after."""
from __future__ import annotations

from ..facts import Branch, Handler, RetryConstruct, RetryTry
from ..policy import RATE_LIMITED, covered, name_list, policies, reaching, short, tops
from .base import SDK_MODULES, Check, PackValues


class IgnoredRetryAfter(Check):
    """
    ## What it does
    Flags a retry that waits on a rate-limit error without using the delay the
    error carries: a retry loop's handler for a class the pack marks
    `honor-retry-after` (Alsorn's `RateLimitError` / `AlsornRateLimitError`,
    alter-sdk's `RateLimitError`), or a branch for a rate-limit status or code
    (SharkAuth's 429, Alsorn's `rate_limit_exceeded`, Altus 4's
    `RATE_LIMIT_EXCEEDED`, in files about Altus 4: see "Where a pack applies"
    in docs/packs.md), that sleeps a delay not taken from `retry_after` /
    `Retry-After`; and a retry decorator that retries such a class with its
    own backoff. The class has to be named (or a subclass of it): a broad
    `except BackendError:` retry is ERR002's business, not this rule's.

    ## Why is this bad?
    The server says when it will accept the next request. Waiting less gets
    the next attempt rejected too (and may extend the penalty); waiting more
    wastes time. The docs say "honor Retry-After" (SharkAuth), "retry after
    the duration in the Retry-After header" (Alsorn), "Wait details.retryAfter
    seconds" (Altus 4).

    ## Example
    ```python
    for attempt in range(3):
        try:
            return client.agents.get(agent_id)
        except RateLimitError:
            time.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    for attempt in range(3):
        try:
            return client.agents.get(agent_id)
        except RateLimitError as exc:
            time.sleep(exc.retry_after)
    ```

    ## TypeScript and JavaScript
    In a retry loop's `catch`, a branch for a rate-limit class (`e instanceof
    OpenAI.RateLimitError`), status or code (`if (e.status === 429)`, also
    `e instanceof APIError && e.status === 429`) whose sleep does not read
    `retry-after` / `retryAfter` is reported at its test (or at the `catch`
    when the branch is inside a catch-all).

    ```ts
    import OpenAI from "openai";

    const client = new OpenAI({ maxRetries: 0 });
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await client.embeddings.create({ model, input });
      } catch (e) {
        if (e instanceof OpenAI.RateLimitError) {
          await sleep(2 ** attempt * 1000);
          continue;
        }
        throw e;
      }
    }
    ```

    Use instead: `await sleep(Number(e.headers?.get("retry-after") ?? 1) * 1000);`.

    ## Fix safety
    No automatic fix: where the delay lives (attribute, header, details) differs per SDK.
    """

    code = "ERR007"
    name = "ignored-retry-after"
    summary = "a rate-limit error retried with a wait that ignores its retry_after"
    uses = ("rate-limit", "codes", "statuses")
    triggers = (SDK_MODULES, PackValues("honor-retry-after"))
    VALID = (
        "import time\nfrom alsorn import AlsornClient, RateLimitError\n"
        "def f(client: AlsornClient, a):\n    for attempt in range(3):\n        try:\n            return client.agents.get(a)\n"
        "        except RateLimitError as exc:\n            time.sleep(exc.retry_after)\n",
    )
    INVALID = (
        "import time\nfrom alsorn import AlsornClient, RateLimitError\n"
        "def f(client: AlsornClient, a):\n    for attempt in range(3):\n        try:\n            return client.agents.get(a)\n"
        "        except RateLimitError:\n            time.sleep(2 ** attempt)\n",
    )

    needs = frozenset({"constructs", "effects", "waits"})

    def run(self) -> None:
        self.pol = policies(self.file.registry)
        for construct in self.file.constructs:
            self.construct(construct)

    def construct(self, construct: RetryConstruct) -> None:
        graph = self.file.graph
        if construct.kind == "loop":
            for rt in construct.tries:
                for h in rt.retrying:
                    self._handler(construct, rt, h, ())
            return
        if construct.guarded or construct.wait in ("retry-after", "unknown"):
            return
        limited = [q for q in covered(construct.on, RATE_LIMITED, (), graph, self.pol) if construct.covers(graph, q)]
        if limited:
            listed = tops(limited, graph)
            self.report(
                construct.at,
                f"{construct.description} retries {name_list(listed)} with its own backoff, ignoring {self._retry_after()}"
                + self._action(listed[0]),
            )

    def _handler(self, construct: RetryConstruct, rt: RetryTry, h: Handler, called) -> None:
        graph = self.file.graph
        limited = reaching(
            covered(h.qualnames, RATE_LIMITED, called, graph, self.pol), h, rt.handlers, graph,
        )
        branch = self._rate_limit_branch(h.branches)
        if not limited and branch is None:
            return
        # the sleeps of the branch, else of the handler, else (no sleep in the handler) of the loop
        wait = branch.wait if branch is not None else h.wait if h.wait != "none" else construct.wait
        if wait in ("retry-after", "unknown", "none"):
            return  # a delay errlint cannot read is given the benefit of the doubt; no wait at all is ERR005's
        line = construct.at.line
        if branch is not None and not limited:
            what = f"the rate-limit branch of {h.text}"
            action = ""
        else:
            listed = tops(limited, graph)
            named = {r.text.rpartition(".")[2] for r in h.refs or ()}
            # "except X, which catches X" says X twice: name what it catches only when the handler does not
            what = h.text if {short(q) for q in listed} <= named else f"{h.text}, which catches {name_list(listed)},"
            action = self._action(listed[0])
        self.report(
            h.at,
            f"{what} waits a delay that ignores {self._retry_after()} before the next attempt (retry loop on line {line})" + action,
        )

    def _retry_after(self) -> str:
        """How the message names the delay the server asks for: Python SDKs carry it as retry_after, TypeScript code reads the header."""
        return "the server's Retry-After" if self.file.language == "typescript" else "the error's retry_after"

    def _rate_limit_branch(self, branches: tuple[Branch, ...]) -> Branch | None:
        """``if exc.status_code == 429:`` / ``if e.code == "RATE_LIMIT_EXCEEDED":`` in the handler: the first that honours retry-after."""
        for branch in branches:
            if any(self._honors_retry_after(value) for value in branch.values):
                return branch
        return None

    def _honors_retry_after(self, value: str) -> bool:
        for pack in self.file.registry.packs:
            if not self.file.pack_applies(pack):
                continue  # an SDK's codes count where the SDK is used; an API's (Altus 4) where the code is about it
            policy = pack.statuses.get(value) if value.isdigit() else pack.codes.get(value)
            if policy is not None and policy.retry == "honor-retry-after":
                return True
        return False

    def _action(self, qualname: str) -> str:
        spec = self.pol.spec(qualname)
        pack = self.pol.pack_of(qualname)
        if spec is not None and spec.action and pack is not None:
            return f"; {pack.name}: {spec.action}"
        return ""

