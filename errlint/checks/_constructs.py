"""Helpers shared by the checks that report on a retry construct as a whole."""
from __future__ import annotations


def first_call_text(calls) -> str:
    return f"{calls[0].text}()" if calls else "the SDK call"
