"""errlint's noqa comments in a project that also runs ruff (tests/test_beside_ruff.py)."""
from alter_sdk import App, GrantExpiredError


async def coded(vault: App, url):
    try:
        return await vault.request("GET", url)
    except Exception:
        raise
    except GrantExpiredError:  # noqa: ERR004
        return None


async def blanket(vault: App, url):
    try:
        return await vault.request("GET", url)
    except Exception:
        raise
    except GrantExpiredError:  # noqa
        return None


async def swallowed(vault: App, url):
    try:
        await vault.request("POST", url)
    except Exception:  # noqa: ERR003
        pass
