"""Retry constructs around SDK calls: the common question of ERR005, ERR006, ERR007 and ERR009.

For each retry construct the traversal meets (loops in a block, decorated
functions, ``Retrying`` / ``retry_context`` iterators), :func:`retried_sdk_calls`
gives the SDK calls it runs again: for loops, those in the ``try`` bodies of
its retrying ``try`` statements; for decorators and iterators, those in the
body.
"""
from __future__ import annotations

import libcst as cst

from .receivers import SdkCall
from .retries import RetryConstruct


def retried_sdk_calls(ctx, construct: RetryConstruct) -> list[SdkCall]:
    if construct.kind == "loop":
        out: list[SdkCall] = []
        for rt in construct.tries:
            out.extend(ctx.receivers.sdk_calls(rt.node.body.body))
        return out
    return list(ctx.receivers.sdk_calls(construct.body))


class ConstructVisitor:
    """Mixin for checks that judge whole retry constructs: calls ``construct(c)`` once per construct."""

    def visit_Module(self, node: cst.Module) -> None:
        self._scan(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for c in self.ctx.retries.constructs(node):
            self.construct(c)

    def visit_For(self, node: cst.For) -> None:
        for c in self.ctx.retries.constructs(node):
            if c.kind != "loop":
                self.construct(c)

    def _scan(self, block) -> None:
        for c in self.ctx.retries.scan_block(block):
            if c.kind == "loop":  # iterators are visited as For nodes
                self.construct(c)

    def construct(self, construct: RetryConstruct) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
