"""Exchanges agent tokens through the SharkAuth vault."""
from __future__ import annotations

import time

from shark_auth import VaultClient, VaultError

# SharkAuth: retry 429 and 5xx; never 400, 403, 404 or 422.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504, 404})


def exchange(client: VaultClient, connection: str) -> str:
    for attempt in range(3):
        try:
            return client.exchange(connection)
        except VaultError as exc:
            if exc.status_code not in RETRYABLE_STATUSES:
                raise
            time.sleep(2 ** attempt)
    raise TimeoutError(f"vault exchange for {connection} kept failing")


def exchange_blindly(client: VaultClient, connection: str) -> str | None:
    for attempt in range(3):
        try:
            return client.exchange(connection)
        except VaultError:
            time.sleep(1)
    return None


def rotate_key(agents, agent_id: str) -> None:
    from shark_auth import AgentsClient, SharkAPIError

    client: AgentsClient = agents
    # Rotation is irreversible: a retry after a lost response rotates twice.
    while True:
        try:
            client.rotate_dpop_key(agent_id)
            return
        except SharkAPIError:
            time.sleep(5)
