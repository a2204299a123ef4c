"""The retry facts of a TypeScript / JavaScript file: loops ("constructs"), their handlers' waits ("waits"),
the collections that decide a retry ("collections"), and their order (``seq``).

Called by lint.py once the ``catch`` clauses are read into ``TryStatement`` facts
(the loops' handlers are those facts' handlers: what the retry analysis sets on
them, ``Handler.retries`` and the rest, is what every check reads). Other
gatherers (retry wrappers) append their constructs to ``ctx.constructs`` before
:func:`order` sorts them all by position and numbers them with the collections.
"""
from __future__ import annotations

from dataclasses import replace

from .bindings import Bindings
from .catches import CatchReader
from .loops import LoopReader
from .statuses import TsCollections


class RetryFacts:
    """Gathers the retry facts the enabled checks ask for (``needs``) into ``ctx`` (a TsFile)."""

    def __init__(self, ctx, needs: frozenset[str]) -> None:
        self.ctx = ctx
        self.needs = needs
        self.bindings = Bindings()
        self.loops = LoopReader(ctx.names, ctx.span, self.bindings)
        self.collections = TsCollections(self.bindings)

    def gather(self, root, catches, tries_of) -> None:
        """``catches``: the catch clauses (and ``.catch`` callbacks); ``tries_of``: catch node id -> its TryStatements."""
        needs = self.needs
        if "constructs" in needs:
            found = self.loops.constructs(catches, tries_of)
            for c in found:
                if "waits" in needs:
                    self._waits(c)
                if "collections" in needs:
                    self._decisions(c)
            self.ctx.constructs.extend(found)
        if "collections" in needs:
            self.ctx.collections.extend(self.collections.named_collections(root))

    def _waits(self, c) -> None:
        waits = self.loops.waits
        for rt in c.tries:
            for h in rt.retrying:
                if h.wait is not None:
                    continue
                segments = h.extra.get("segments", ())
                stmts = [s for seg in segments for s in seg]
                h.branches = waits.branches(stmts, h.extra.get("own_if"))
                h.wait = waits.wait_of(waits.sleeps(stmts))

    def _decisions(self, c) -> None:
        for rt in c.tries:
            catch = rt.node.child_by_field_name("handler")
            errors = error_names(catch)
            if not errors:
                continue
            for h in rt.retrying:
                h.retry_decisions = tuple(self.collections.retry_decisions(h.extra.get("segments", ()), errors, h.extra.get("own_if")))


def error_names(catch) -> set[str]:
    """The caught error's names: the ``catch`` parameter, and ``const err = e as Error`` aliases of it."""
    param = catch.child_by_field_name("parameter") if catch is not None else None
    if param is None or param.type != "identifier":
        return set()
    names = {param.text.decode("utf-8", "replace")}
    body = catch.child_by_field_name("body")
    for stmt in body.named_children if body is not None else ():
        alias = CatchReader._alias(stmt, names)
        if alias is not None:
            names.add(alias)
    return names


def order(ctx) -> None:
    """Sort the constructs (loops, wrappers) and the named collections by position; number them together (``seq``)."""
    def start(node) -> int:
        return getattr(node, "start_byte", 0)

    ctx.constructs.sort(key=lambda c: start(c.node))
    ctx.collections.sort(key=lambda nc: start(nc[1].node))
    items = [(start(c.node), 0, i, c) for i, c in enumerate(ctx.constructs)]
    items += [(start(nc[1].node), 1, i, nc) for i, nc in enumerate(ctx.collections)]
    items.sort(key=lambda x: x[:3])
    collections = []
    for seq, (_, kind, _, item) in enumerate(items, 1):
        if kind == 0:
            item.seq = seq
        else:
            collections.append((item[0], replace(item[1], seq=seq)))
    ctx.collections[:] = collections
