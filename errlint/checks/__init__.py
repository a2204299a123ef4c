"""Every rule errlint knows, one module each."""
from __future__ import annotations

from .base import Check
from .err004_shadowed_except import ShadowedExcept

ALL_CHECKS: tuple[type[Check], ...] = (ShadowedExcept,)

__all__ = ["ALL_CHECKS", "Check"]
