"""ERR007 ignored-retry-after."""
from __future__ import annotations

import libcst as cst

from ..python.effects import HandlerInfo
from ..policy import RATE_LIMITED, covered, name_list, policies, reaching, short, tops
from ..python.retries import RetryConstruct, _wait_of_sleeps
from ..python.scan import SCOPES, body_of, call_name, walk
from ..python.sdkretry import ConstructVisitor
from .base import SDK_MODULES, Check, PackValues


class IgnoredRetryAfter(ConstructVisitor, Check):
    """
    ## What it does
    Flags a retry that waits on a rate-limit error without using the delay the
    error carries: a retry loop's handler for a class the pack marks
    `honor-retry-after` (Alsorn's `RateLimitError` / `AlsornRateLimitError`,
    alter-sdk's `RateLimitError`), or a branch for a rate-limit status or code
    (SharkAuth's 429, Alsorn's `rate_limit_exceeded`, Altus 4's
    `RATE_LIMIT_EXCEEDED`, in files about Altus 4: see "Rule packs" in the
    README), that sleeps a delay not taken from `retry_after` /
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

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.pol = policies(ctx.registry)

    def construct(self, construct: RetryConstruct) -> None:
        graph = self.ctx.graph
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
            self.ctx.report(
                self.code, construct.report_node,
                f"{construct.description} retries {name_list(listed)} with its own backoff, ignoring the error's retry_after"
                + self._action(listed[0]),
            )

    def _handler(self, construct: RetryConstruct, rt, h: HandlerInfo, called) -> None:
        graph = self.ctx.graph
        stmts = body_of(h.handler.body)
        limited = reaching(covered(h.qualnames, RATE_LIMITED, called, graph, self.pol), h, rt.handlers, self.ctx.retries.first_catcher, graph)
        branch = self._rate_limit_branch(stmts)
        if not limited and branch is None:
            return
        region = body_of(branch.body) if branch is not None else stmts
        sleeps = [n for n in walk(region) if isinstance(n, cst.Call) and call_name(n) == "sleep" and not isinstance(n, SCOPES)]
        if branch is None and not sleeps:
            sleeps = list(construct.sleeps)
        wait = _wait_of_sleeps(sleeps, self.ctx.names)
        if wait in ("retry-after", "unknown") or not sleeps:
            return  # a delay errlint cannot read is given the benefit of the doubt; no wait at all is ERR005's
        line = self.ctx.line_of(construct.report_node)
        if branch is not None and not limited:
            what = f"the rate-limit branch of {h.text}"
            action = ""
        else:
            listed = tops(limited, graph)
            named = {r.text.rpartition(".")[2] for r in h.refs or ()}
            # "except X, which catches X" says X twice: name what it catches only when the handler does not
            what = h.text if {short(q) for q in listed} <= named else f"{h.text}, which catches {name_list(listed)},"
            action = self._action(listed[0])
        self.ctx.report(
            self.code, h.handler,
            f"{what} waits a delay that ignores the error's retry_after before the next attempt (retry loop on line {line})" + action,
            end=h.handler.type if h.handler.type is not None else None,
        )

    def _rate_limit_branch(self, stmts) -> cst.If | None:
        """``if exc.status_code == 429:`` / ``if e.code == "RATE_LIMIT_EXCEEDED":`` in the handler."""
        for node in walk(stmts):
            if not isinstance(node, cst.If):
                continue
            for n in walk([node.test]):
                value = None
                if isinstance(n, cst.Integer):
                    value = str(int(n.value.replace("_", ""), 0))
                elif isinstance(n, cst.SimpleString) and isinstance(n.evaluated_value, str):
                    value = n.evaluated_value
                if value is not None and self._honors_retry_after(value):
                    return node
        return None

    def _honors_retry_after(self, value: str) -> bool:
        for pack in self.ctx.registry.packs:
            if not self.ctx.pack_applies(pack):
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

