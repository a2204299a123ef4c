"""What the packs say about classes a handler or a retry construct catches.

Shared by the checks: which classes of which pack a handler entry covers
(``never``-retry classes, ``by-status`` classes, re-auth classes), which of
them actually reach a given handler, and how to name a set of classes briefly.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from .hierarchy import ClassGraph
from .packs import ErrorSpec, Pack, PackRegistry
from .packs.model import PYTHON, TYPESCRIPT
from .facts import Handler as HandlerInfo
from .facts import first_catcher

BASE_EXCEPTION = "builtins.BaseException"

Kind = Callable[[ErrorSpec], bool]
NEVER: Kind = lambda spec: spec.retry == "never"  # noqa: E731
BY_STATUS: Kind = lambda spec: spec.retry == "by-status"  # noqa: E731
REAUTH: Kind = lambda spec: spec.reauth  # noqa: E731
RATE_LIMITED: Kind = lambda spec: spec.retry == "honor-retry-after"  # noqa: E731


class Policies:
    """Per-registry lists of classes by policy, in each pack's order."""

    def __init__(self, registry: PackRegistry) -> None:
        self.registry = registry
        self._cache: dict[tuple[str, int, str], list[str]] = {}

    def classes(self, pack: Pack, kind: Kind, language: str = PYTHON) -> list[str]:
        """``pack``'s classes of ``kind`` on the side of ``language`` (its TypeScript classes for "typescript")."""
        key = (pack.name, id(kind), language)
        found = self._cache.get(key)
        if found is None:
            errors = pack.ts_errors if language == TYPESCRIPT else pack.errors
            found = self._cache[key] = [q for q, spec in errors.items() if kind(spec)]
        return found

    def spec(self, qualname: str) -> ErrorSpec | None:
        return self.registry.spec(qualname)

    def pack_of(self, qualname: str) -> Pack | None:
        canon = self.registry.graph.canonical(qualname)
        return self.registry.error_pack.get(canon) if canon else None


_POLICIES: dict[int, Policies] = {}


def policies(registry: PackRegistry) -> Policies:
    found = _POLICIES.get(id(registry))
    if found is None or found.registry is not registry:
        found = _POLICIES[id(registry)] = Policies(registry)
    return found


def covered(
    entries: Iterable[str | None],
    kind: Kind,
    called: Iterable[Pack],
    graph: ClassGraph,
    pol: Policies,
    language: str = PYTHON,
) -> list[str]:
    """Classes of ``kind`` that an ``except`` with ``entries`` catches.

    A class counts when the handler names it or a subclass-or-self of it
    explicitly (``except GrantExpiredError``, ``except ReAuthRequiredError``:
    the entry itself has the policy), or when the entry is an ancestor
    (``BackendError``, ``Exception``, bare ``except``) and the guarded code
    calls that class's SDK. ``language``: the side of the packs the code sees
    (in TypeScript a catch with no test catches everything, Error or not).
    """
    out: dict[str, None] = {}
    called = list(called)
    for entry in entries:
        if entry is None or entry.startswith("?"):
            continue
        spec = pol.spec(entry)
        if spec is not None and kind(spec):
            pack = pol.pack_of(entry)
            if pack is not None:
                for q in pol.classes(pack, kind):
                    if graph.is_subclass(q, entry):
                        out[q] = None
                out[graph.canonical(entry) or entry] = None
        everything = entry == BASE_EXCEPTION and language != PYTHON  # a catch-all that names no class
        for pack in called:
            for q in pol.classes(pack, kind, language):
                if everything or graph.is_subclass(q, entry):
                    out[q] = None
    return list(out)


def reaching(
    classes: Iterable[str],
    handler: HandlerInfo,
    handlers: Sequence[HandlerInfo],
    graph: ClassGraph,
) -> list[str]:
    """Those of ``classes`` that go to ``handler`` (no earlier handler takes them) and stay there."""
    out = []
    for q in classes:
        if first_catcher(handlers, q, graph) is not handler:
            continue
        if any(graph.is_subclass(q, e) for e in handler.effect.escapes):
            continue
        out.append(q)
    return out


def tops(classes: Sequence[str], graph: ClassGraph) -> list[str]:
    """Drop classes whose ancestor is also in the list (``ReAuthRequiredError`` covers ``GrantExpiredError``)."""
    keep = []
    for q in classes:
        if not any(other != q and graph.is_subclass(q, other) for other in classes):
            keep.append(q)
    return keep


def short(qualname: str) -> str:
    return qualname.rpartition(".")[2]


def name_list(classes: Sequence[str], limit: int = 3) -> str:
    names = [short(q) for q in classes]
    if len(names) <= limit:
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def deliberate_split(handlers: Sequence[HandlerInfo], handler: HandlerInfo, pack: Pack, kind: Kind, pol: Policies) -> bool:
    """An earlier handler names a ``kind`` class of ``pack`` and lets it through (re-raises or re-authenticates).

    ``except ReAuthRequiredError: raise`` before ``except BackendError: <retry>``
    is the pattern the SDK docs recommend: the author has split what to retry
    from what not to, and errlint trusts that split for the broad handler.
    """
    for h in handlers:
        if h is handler:
            return False
        if not (h.effect.may_raise or h.effect.reauth is not None):
            continue
        for q in h.qualnames:
            if q is None or q.startswith("?"):
                continue
            spec = pol.spec(q)
            if spec is not None and kind(spec) and pol.pack_of(q) is pack:
                return True
    return False
