"""The facts of a Python file, gathered during the one traversal (see python/walker.py).

:class:`FactsBuilder` is a visitor like any other: the walker calls it with the
name analysis in the scope of each node, so every name in a fact is resolved
where it is written. It gathers only what the enabled checks declare they read
(``Check.needs``):

``tries``
    every ``try`` statement with its handlers' classes (:class:`~errlint.facts.TryStatement`);
``effects``
    what each handler does (re-raises, swallows, re-authenticates);
``calls``
    the SDK calls of each try body and of each retry construct;
``constructs``
    retry constructs (loops, decorators, iterators), in the order the traversal meets them;
    a decorator's / iterator's class tuple entry by entry (``on_refs``);
``waits``
    for each retrying handler of a retry loop, how its sleeps wait and the ``if``
    statements of its body whose test holds a literal (``Handler.wait``, ``Handler.branches``);
``collections``
    collections of statuses or codes that decide a retry: those each retrying handler of a
    retry loop tests the error against (``Handler.retry_decisions``, with ``constructs``), and
    those assigned to a name that says it holds what is retried (``FileFacts.collections``,
    see ``facts.retryable_name``); ``seq`` orders the two kinds as the traversal met them.
"""
from __future__ import annotations

from dataclasses import replace

import libcst as cst

from ..facts import RetryConstruct, TryStatement, retryable_name
from .effects import repairs
from .retries import classes_holder, handler_fact
from .scan import body_of, walk
from .statuses import StatusCollections

NEEDS = frozenset({"tries", "effects", "calls", "constructs", "waits", "collections"})


class FactsBuilder:
    def __init__(self, ctx, needs: frozenset[str]) -> None:
        self.ctx = ctx
        self.needs = needs
        self._seq = 0  # RetryConstruct.seq / ValueCollection.seq: the traversal's order
        self._statuses = None

    def handlers(self) -> list[str]:
        """The node callbacks the walker calls: only those of the facts asked for."""
        out = []
        if "constructs" in self.needs:
            out += ["visit_Module", "visit_IndentedBlock", "visit_FunctionDef", "visit_For"]
        if "tries" in self.needs:
            out += ["visit_Try", "visit_TryStar"]
        if "collections" in self.needs:
            out += ["visit_Assign", "visit_AnnAssign"]
        return out

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def statuses(self):
        if self._statuses is None:
            self._statuses = StatusCollections(self.ctx.names)
        return self._statuses

    # -- retry constructs --------------------------------------------------------------
    def _add(self, c: RetryConstruct) -> None:
        if "calls" in self.needs:
            receivers = self.ctx.receivers
            if c.kind == "loop":
                found: list = []
                for rt in c.tries:
                    rt.calls = tuple(receivers.sdk_calls(rt.node.body.body))
                    found.extend(rt.calls)
                    tried = [n for n in walk(rt.node.body.body) if isinstance(n, cst.Call)]  # any call: SDK or not
                    for h in rt.retrying:
                        h.repairs = repairs(h.handler, tried, [call.node for call in rt.calls])
                c.calls = tuple(found)
            else:
                c.calls = tuple(receivers.sdk_calls(c.body))
        if "waits" in self.needs and c.kind == "loop":
            from .retries import _wait_of_sleeps, literal_branches, sleeps_in

            names, span = self.ctx.names, self.ctx.span
            for rt in c.tries:
                for h in rt.retrying:
                    if h.wait is None:
                        stmts = body_of(h.handler.body)
                        h.branches = literal_branches(stmts, names, span)
                        h.wait = _wait_of_sleeps(sleeps_in(stmts), names)
        if c.kind != "loop":
            # the classes it retries: not those of retry_if_not_exception_type(...), which it does not
            holder = classes_holder(c.report_node, c.kind) if not c.excluded else None
            if holder is not None:
                c.on_refs = list(self.ctx.names.exception_refs(holder))
        elif "collections" in self.needs:
            for rt in c.tries:
                for h in rt.retrying:
                    h.retry_decisions = tuple(self.statuses.retry_decisions(h))
        c.seq = self._next_seq()
        self.ctx.constructs.append(c)

    def visit_Module(self, node: cst.Module) -> None:
        self._scan(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._scan(node)

    def _scan(self, block) -> None:
        for c in self.ctx.retries.scan_block(block):
            if c.kind == "loop":  # iterators are visited as For nodes
                self._add(c)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for c in self.ctx.retries.constructs(node):
            self._add(c)

    def visit_For(self, node: cst.For) -> None:
        for c in self.ctx.retries.constructs(node):
            if c.kind != "loop":
                self._add(c)

    # -- try statements -------------------------------------------------------------------
    def visit_Try(self, node: cst.Try) -> None:
        self._try(node, star=False)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._try(node, star=True)

    def _try(self, node, star: bool) -> None:
        ctx = self.ctx
        if "effects" in self.needs:
            handlers = ctx.retries.handlers_of(node)
        else:  # the classes only: no effect analysis, no receivers
            handlers = [handler_fact(h, i, ctx.names, ctx.span, None) for i, h in enumerate(node.handlers)]
        fact = TryStatement(node, handlers, star=star, at=ctx.span(node))
        if "calls" in self.needs:
            body = node.body.body
            fact.calls = tuple(ctx.receivers.sdk_calls(body))
            fact.other_calls = sum(isinstance(n, cst.Call) for n in walk(body)) > len(fact.calls)
        if "constructs" in self.needs:
            fact.loop = ctx.retries.loop_of_try(node)
        ctx.tries.append(fact)

    # -- collections named as retryable -------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._assigned([t.target for t in node.targets], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned([node.target], node.value)

    def _assigned(self, targets, value) -> None:
        for t in targets:
            name = t.value if isinstance(t, cst.Name) else t.attr.value if isinstance(t, cst.Attribute) else None
            if name and retryable_name(name):
                coll = self.statuses.literal(value)
                if coll is not None:
                    self.ctx.collections.append((name, replace(coll, seq=self._next_seq())))


def gather(ctx, needs: frozenset[str]) -> None:
    """Fill ``ctx``'s facts (those ``needs`` names) in one traversal of its module.

    Raises what the traversal raises (RecursionError on code nested deeper than it can follow).
    """
    from .walker import _Walker

    if needs:
        _Walker(ctx, [FactsBuilder(ctx, needs)]).walk(ctx.module)
