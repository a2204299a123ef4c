"""ERR009 retry-irreversible."""
from __future__ import annotations

from ..facts import RetryConstruct
from .base import SDK_MODULES, Check


class RetryIrreversible(Check):
    """
    ## What it does
    Flags a retry construct that runs again an operation the pack marks
    irreversible or not to be retried (`[[irreversible]]`): SharkAuth's DPoP
    key rotation (`rotate_dpop_key`), an audit `purge` without
    `dry_run=True`, a webhook test fire (`send_test`).

    ## Why is this bad?
    A retried irreversible call can run twice: the first attempt may have
    succeeded on the server even though the client saw an error. SharkAuth's
    docs list these under "What not to retry": "DPoP key rotation —
    irreversible", "Audit purge — guard with dry_run=True first", webhook
    test fires "pile up in delivery logs".

    ## Example
    ```python
    for attempt in range(3):
        try:
            return client.rotate_dpop_key(agent_id)
        except SharkAPIError:
            time.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    try:
        return client.rotate_dpop_key(agent_id)
    except SharkAPIError:
        log.exception("rotation failed; check the key state before trying again")
        raise
    ```

    ## TypeScript and JavaScript
    The same for a retry loop around a pack's TypeScript irreversible method
    (`[[irreversible]]` with `typescript = [...]`: SharkAuth's
    `agents.rotateDpopKey()` and `webhooks.sendTest()`), reported at the loop
    keyword.

    ```ts
    import { SharkClient } from "@sharkauth/sdk";

    const shark = new SharkClient({ accessToken, adminKey, baseUrl });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await shark.agents.rotateDpopKey(agentId);
      } catch (e) {
        await sleep(2 ** attempt * 100);
      }
    }
    ```

    Use instead: call it once and report a failure for a human to check.

    ## Fix safety
    No automatic fix: whether the operation already happened has to be checked by hand.
    """

    code = "ERR009"
    name = "retry-irreversible"
    summary = "an operation the pack marks irreversible inside a retry construct"
    uses = ("irreversible",)
    triggers = (SDK_MODULES,)
    VALID = (
        "from shark_auth import AuditClient\n"
        "def f(audit: AuditClient):\n    for attempt in range(3):\n        try:\n            return audit.purge(dry_run=True)\n"
        "        except Exception:\n            continue\n",
    )
    INVALID = (
        "from shark_auth import AgentsClient\n"
        "def f(agents: AgentsClient, a):\n    for attempt in range(3):\n        try:\n            return agents.rotate_dpop_key(a)\n"
        "        except Exception:\n            continue\n",
    )

    needs = frozenset({"constructs", "calls"})

    def run(self) -> None:
        for construct in self.file.constructs:
            self._construct(construct)

    def _construct(self, construct: RetryConstruct) -> None:
        for call in construct.calls:
            if call.irreversible is None:
                continue
            reason = call.irreversible.reason
            message = f"{construct.label} runs {call.text}() again ({call.pack.name}): {reason} Don't retry it."
            self.report(construct.at, message)
            return
