"""Reads a user's calendar through Alter Vault (alter_sdk)."""
from __future__ import annotations

import logging

from alter_sdk import App, BackendError, GrantExpiredError, GrantRevokedError, NetworkError
from alter_sdk import TimeoutError as VaultTimeout

from .errors import UpstreamUnavailable

log = logging.getLogger(__name__)
CALENDAR_URL = "https://www.googleapis.com/calendar/v3/users/me/calendarList"


async def fetch_calendars(vault: App, grant_id: str) -> list[dict] | None:
    try:
        response = await vault.request("GET", CALENDAR_URL, grant_id=grant_id)
    except BackendError as exc:
        log.warning("vault rejected the call: %s", exc)
        return None
    except GrantExpiredError:
        # Meant to send the user back through OAuth -- but BackendError above
        # already caught it, so this never runs.
        await vault.connect(providers=["google"])
        return None
    except (NetworkError, VaultTimeout) as exc:
        raise UpstreamUnavailable("calendar provider unreachable") from exc
    return response.json()["items"]


async def fetch_calendars_fixed(vault: App, grant_id: str) -> list[dict] | None:
    try:
        response = await vault.request("GET", CALENDAR_URL, grant_id=grant_id)
    except (GrantExpiredError, GrantRevokedError):
        await vault.connect(providers=["google"])
        return None
    except NetworkError as exc:
        raise UpstreamUnavailable("calendar provider unreachable") from exc
    except BackendError as exc:
        log.warning("vault rejected the call: %s", exc)
        return None
    return response.json()["items"]


async def fetch_calendars_with_timeout(vault: App, grant_id: str) -> list[dict] | None:
    try:
        response = await vault.request("GET", CALENDAR_URL, grant_id=grant_id)
    except TimeoutError:
        # never runs: alter_sdk raises its own TimeoutError, a NetworkError
        return None
    return response.json()["items"]
