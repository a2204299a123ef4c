"""Syncs a user's mailbox through Alter Vault, and publishes what it found."""
from __future__ import annotations

import asyncio
import logging
import random

from alter_sdk import App, BackendError, NetworkError, ReAuthRequiredError
from tenacity import retry, stop_after_attempt, wait_random_exponential

from .errors import UpstreamUnavailable

log = logging.getLogger(__name__)
MESSAGES_URL = "https://gmail.googleapis.com/gmail/v1/users/me/messages"


class MailboxSync:
    def __init__(self, app: App, queue) -> None:
        self.vault = app
        self.queue = queue

    async def fetch_messages(self, grant_id: str) -> list[dict]:
        # Retries what the SDK already retries (NetworkError), retries expired
        # grants that can never succeed, and returns [] once it gives up.
        for attempt in range(5):
            try:
                response = await self.vault.request("GET", MESSAGES_URL, grant_id=grant_id)
                return response.json()["messages"]
            except BackendError as exc:
                log.info("attempt %d failed: %s", attempt, exc)
                await asyncio.sleep(2 ** attempt + random.random())
        return []

    async def publish(self, grant_id: str) -> None:
        # The documented pattern: the SDK call once, application-level retry
        # around the queue publish only; re-auth errors go to the caller.
        try:
            messages = await self.vault.request("GET", MESSAGES_URL, grant_id=grant_id)
        except ReAuthRequiredError:
            raise
        except NetworkError as exc:
            raise UpstreamUnavailable("mail provider unreachable") from exc
        for attempt in range(3):
            try:
                await self.queue.publish(messages.json())
                break
            except ConnectionError:
                await asyncio.sleep(2 ** attempt + random.random())
        else:
            raise UpstreamUnavailable("queue unreachable")


@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(max=10))
async def fetch_labels(vault: App, grant_id: str) -> dict:
    # tenacity's default retries every exception: request() retries network
    # errors itself, and an expired grant is retried three times for nothing.
    response = await vault.request("GET", MESSAGES_URL + "/labels", grant_id=grant_id)
    return response.json()
