"""Looks up agents on the Alsorn Protocol API (alsorn)."""
from __future__ import annotations

from alsorn import AlsornClient, AlsornError
from alsorn.exceptions import AlsornNotFoundError, AlsornRateLimitError

client = AlsornClient(api_key="als_example")


def agent_name(agent_id: str) -> str | None:
    try:
        return client.agents.get(agent_id).name
    except AlsornError:
        return None
    except AlsornNotFoundError:
        return "(deleted agent)"
    except AlsornRateLimitError as exc:
        raise RuntimeError(f"rate limited, retry after {exc.retry_after}s") from exc
