"""What ERR003 reports beside ruff's BLE001 and S110 (tests/test_beside_ruff.py; README "Living beside ruff")."""
import logging

from alter_sdk import App, GrantExpiredError

log = logging.getLogger(__name__)


async def logs(vault: App, url):
    try:
        await vault.request("POST", url)
    except Exception:
        log.exception("sync failed")


async def narrow(vault: App, url):
    try:
        return await vault.request("POST", url)
    except GrantExpiredError:
        return None


async def narrow_pass(vault: App, url):
    try:
        await vault.request("POST", url)
    except GrantExpiredError:
        pass


def no_sdk():
    try:
        int("x")
    except Exception:
        pass
