"""Exchanges tokens with SharkAuth (shark_auth)."""
from __future__ import annotations

import socket

from shark_auth import SharkAuthError, VaultClient
from shark_auth import VaultError as VE


def exchange(vault_client: VaultClient, subject_token: str):
    try:
        return vault_client.exchange(subject_token)
    except (OSError, socket.timeout):
        return None
    except (SharkAuthError, VE):
        return None
