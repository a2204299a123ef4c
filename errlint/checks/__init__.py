"""Every rule errlint knows, one module each."""
from __future__ import annotations

from .base import Check
from .err001_redundant_retry import RedundantRetry
from .err002_retry_non_retryable import RetryNonRetryable
from .err003_swallowed_reauth import SwallowedReauth
from .err004_shadowed_except import ShadowedExcept

ALL_CHECKS: tuple[type[Check], ...] = (RedundantRetry, RetryNonRetryable, SwallowedReauth, ShadowedExcept)

__all__ = ["ALL_CHECKS", "Check"]
