"""ERR005 retry-without-backoff."""
from __future__ import annotations

from ..facts import RetryConstruct
from ._constructs import first_call_text
from .base import SDK_MODULES, Check


class RetryWithoutBackoff(Check):
    """
    ## What it does
    Flags a retry construct around an SDK call that does not back off: a
    manual retry loop that never sleeps or sleeps a constant, tenacity with no
    `wait` or `wait_fixed`, backoff's `constant` wait generator. A wait taken
    from the error's `retry_after` (`Retry-After`) is correct and not flagged.

    ## Why is this bad?
    The SDK docs ask for exponential backoff with jitter, capped (SharkAuth:
    "A reasonable default: exponential with jitter, capped"; Altus 4:
    "Exponential backoff with jitter"). Retrying at once or at a fixed pace
    makes every client of a struggling service retry in lockstep, which turns
    a brief outage into a thundering herd.

    ## Example
    ```python
    for attempt in range(3):
        try:
            return client.exchange(connection)
        except VaultError:
            time.sleep(1)
    ```

    ## Use instead
    ```python
    for attempt in range(3):
        try:
            return client.exchange(connection)
        except VaultError:
            time.sleep(min(2 ** attempt, 30) + random.random())
    ```

    ## TypeScript and JavaScript
    A retry loop's sleeps are `await sleep(ms)` (and `delay`, `wait`,
    `this.sleep`, ...), `await new Promise((r) => setTimeout(r, ms))` and
    `setTimeout(ms)` from `timers/promises`; a delay backs off when it grows
    (`2 ** attempt`, `Math.pow(2, n)`, `delay *= 2`, a `for (const d of [100,
    200, 400])` loop) and honours the server when it reads `retry-after` /
    `retryAfter`. The finding is at the loop keyword.

    ```ts
    import Stripe from "stripe";

    const stripe = new Stripe(key, { maxNetworkRetries: 0 });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return await stripe.customers.retrieve(customerId);
      } catch (e) {
        if (!(e instanceof Stripe.errors.StripeConnectionError)) throw e;
        await sleep(1000);
      }
    }
    ```

    Use instead: `await sleep(Math.min(2 ** attempt * 250, 5000) + Math.random() * 100);`
    (or leave the retries to stripe-node: `maxNetworkRetries`).

    ## Fix safety
    No automatic fix: the right base delay and cap depend on the call.
    """

    code = "ERR005"
    name = "retry-without-backoff"
    summary = "a retry construct around an SDK call that never waits or waits a constant"
    uses = ("sdk",)
    triggers = (SDK_MODULES,)
    VALID = (
        "import random, time\nfrom shark_auth import VaultClient, VaultError\n"
        "def f(client: VaultClient, c):\n    for attempt in range(3):\n        try:\n            return client.exchange(c)\n"
        "        except VaultError:\n            time.sleep(2 ** attempt + random.random())\n",
    )
    INVALID = (
        "import time\nfrom shark_auth import VaultClient, VaultError\n"
        "def f(client: VaultClient, c):\n    for attempt in range(3):\n        try:\n            return client.exchange(c)\n"
        "        except VaultError:\n            time.sleep(1)\n",
    )

    needs = frozenset({"constructs", "calls"})

    def run(self) -> None:
        for construct in self.file.constructs:
            self._construct(construct)

    def _construct(self, construct: RetryConstruct) -> None:
        if construct.wait not in ("none", "constant"):
            return
        calls = construct.calls
        if not calls:
            return
        pack = calls[0].pack
        how = "retries at once, without waiting" if construct.wait == "none" else "waits a constant delay between attempts"
        message = f"{construct.label} around {first_call_text(calls)} {how}"
        if pack.retry_guidance:
            message += f"; {pack.name} docs: {pack.retry_guidance}"
        self.report(construct.at, message)
