"""ERR006 unbounded-retry."""
from __future__ import annotations

from ..facts import RetryConstruct
from ._constructs import first_call_text
from .base import SDK_MODULES, Check


class UnboundedRetry(Check):
    """
    ## What it does
    Flags a retry construct around an SDK call that nothing stops: a `while
    True` loop with no attempt check, a `for` over `itertools.count()`,
    tenacity's `@retry` / `Retrying` without `stop`, backoff's
    `@on_exception` without `max_tries` or `max_time`, stamina with
    `attempts=None` and `timeout=None`.

    ## Why is this bad?
    SharkAuth's docs cap retries "at ~3 attempts". Without a cap a permanent
    failure (a revoked credential, a deleted resource, an outage) holds the
    caller forever, piles up requests and hides the error from everyone who
    could act on it.

    ## Example
    ```python
    @retry(wait=wait_random_exponential(max=30))
    def exchange(client, connection):
        return client.exchange(connection)
    ```

    ## Use instead
    ```python
    @retry(wait=wait_random_exponential(max=30), stop=stop_after_attempt(3))
    def exchange(client, connection):
        return client.exchange(connection)
    ```

    ## TypeScript and JavaScript
    `while (true)`, `for (;;)` and `do { ... } while (true)` retry loops are
    unbounded unless an `if` that compares something other than the caught
    error leaves them (`if (++attempt >= 3) throw e`, `if (Date.now() >
    deadline) break`); a test of the error (`if (e.status === 400) throw
    e`) stops only that error. The finding is at the loop keyword.

    ```ts
    import Anthropic from "@anthropic-ai/sdk";

    const anthropic = new Anthropic();
    while (true) {
      try {
        return await anthropic.messages.create({ model, max_tokens: 1024, messages });
      } catch (e) {
        if (!(e instanceof Anthropic.APIError)) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, 30_000);
      }
    }
    ```

    Use instead: `for (let attempt = 0; attempt < 3; attempt++) { ... }`.

    ## Fix safety
    No automatic fix: the cap is the caller's decision.
    """

    code = "ERR006"
    name = "unbounded-retry"
    summary = "a retry construct around an SDK call with no attempt cap"
    uses = ("sdk",)
    triggers = (SDK_MODULES,)
    VALID = (
        "import time\nfrom shark_auth import VaultClient, VaultError\n"
        "def f(client: VaultClient, c):\n    for attempt in range(3):\n        try:\n            return client.exchange(c)\n"
        "        except VaultError:\n            time.sleep(2 ** attempt)\n",
    )
    INVALID = (
        "import time\nfrom shark_auth import VaultClient, VaultError\n"
        "def f(client: VaultClient, c):\n    attempt = 0\n    while True:\n        try:\n            return client.exchange(c)\n"
        "        except VaultError:\n            attempt += 1\n            time.sleep(2 ** attempt)\n",
    )

    needs = frozenset({"constructs", "calls"})

    def run(self) -> None:
        for construct in self.file.constructs:
            self._construct(construct)

    def _construct(self, construct: RetryConstruct) -> None:
        if construct.bounded:
            return
        calls = construct.calls
        if not calls:
            return
        what = {
            "loop": "has no attempt cap",
            "tenacity": "has no stop= (tenacity retries forever by default)",
            "tenacity-iterator": "has no stop= (tenacity retries forever by default)",
            "backoff": "has neither max_tries nor max_time",
            "stamina": "sets neither attempts nor timeout",
            "stamina-iterator": "sets neither attempts nor timeout",
            "p-retry": "never stops (retries: Infinity or forever: true, and no maxRetryTime)",
            "async-retry": "never stops (retries: Infinity or forever: true, and no maxRetryTime)",
            "exponential-backoff": "never stops (numOfAttempts: Infinity)",
            "cockatiel": "has no maxAttempts (cockatiel's retry() retries forever without it)",
        }.get(construct.kind, construct.unbounded_why or "has no cap")
        pack = calls[0].pack
        message = f"{construct.label} around {first_call_text(calls)} {what}"
        if pack.retry_guidance:
            message += f"; {pack.name} docs: {pack.retry_guidance}"
        self.report(construct.at, message)
