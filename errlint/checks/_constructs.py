"""Helpers shared by the checks that report on a retry construct as a whole."""
from __future__ import annotations

import libcst as cst

from ..python.retries import RetryConstruct


def header_end(construct: RetryConstruct) -> cst.CSTNode | None:
    """Report on the loop keyword through its header, or on the decorator / call."""
    node = construct.report_node
    if isinstance(node, cst.For):
        return node.iter
    if isinstance(node, cst.While):
        return node.test
    return None


def label(ctx, construct: RetryConstruct) -> str:
    if construct.kind == "loop":
        keyword = "while" if isinstance(construct.node, cst.While) else "for"
        return f"this {keyword} retry loop"
    return f"this {construct.description}"


def first_call_text(calls) -> str:
    return f"{calls[0].text}()" if calls else "the SDK call"
