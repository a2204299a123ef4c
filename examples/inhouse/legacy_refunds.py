"""Old code the team has not cleaned up yet: ERR003 is ignored here by per-file-ignores."""
from acme_payments import PaymentsClient
from acme_payments.errors import SessionExpiredError


def refund(payments: PaymentsClient, charge_id: str) -> bool:
    try:
        payments.refund(charge_id)
    except SessionExpiredError:
        return False
    return True
