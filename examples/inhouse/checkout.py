"""Charges a customer through the in-house payments SDK (its pack: packs/acme_payments.toml)."""
from __future__ import annotations

import time

from acme_payments import PaymentsClient
from acme_payments.errors import CardDeclinedError, PaymentsError, SessionExpiredError


def charge(payments: PaymentsClient, order) -> str | None:
    for attempt in range(3):
        try:
            return payments.charge(order.id, order.total)
        except PaymentsError:
            # retries declined cards, and gives up quietly on an expired session
            time.sleep(2 ** attempt)
    return None


def invoice(payments: PaymentsClient, invoice_id: str):
    for attempt in range(3):
        try:
            return payments.get_invoice(invoice_id)  # already retries network errors itself
        except PaymentsError as exc:
            if isinstance(exc, (CardDeclinedError, SessionExpiredError)):
                raise
            time.sleep(2 ** attempt)
    raise RuntimeError("invoice service unavailable")
