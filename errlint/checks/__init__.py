"""Every rule errlint knows, one module each."""
from __future__ import annotations

from .base import Check
from .err001_redundant_retry import RedundantRetry
from .err002_retry_non_retryable import RetryNonRetryable
from .err003_swallowed_reauth import SwallowedReauth
from .err004_shadowed_except import ShadowedExcept
from .err005_retry_without_backoff import RetryWithoutBackoff
from .err006_unbounded_retry import UnboundedRetry
from .err007_ignored_retry_after import IgnoredRetryAfter
from .err008_builtin_timeout_shadowed import BuiltinTimeoutShadowed
from .err009_retry_irreversible import RetryIrreversible

ALL_CHECKS: tuple[type[Check], ...] = (
    RedundantRetry,
    RetryNonRetryable,
    SwallowedReauth,
    ShadowedExcept,
    RetryWithoutBackoff,
    UnboundedRetry,
    IgnoredRetryAfter,
    BuiltinTimeoutShadowed,
    RetryIrreversible,
)

__all__ = ["ALL_CHECKS", "Check"]
