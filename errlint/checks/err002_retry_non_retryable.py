"""ERR002 retry-non-retryable."""
from __future__ import annotations

import re

import libcst as cst

from ..python.effects import HandlerInfo
from ..policy import BY_STATUS, NEVER, covered, deliberate_split, name_list, policies, reaching, tops
from ..python.retries import RetryConstruct, RetryTry
from ..python.sdkretry import ConstructVisitor
from ..python.statuses import StatusCollections, ValueSet
from ..python.scan import keyword, positional
from ..fixes import Fix, Replacement, with_except_type, without_elements
from ..packs import Pack
from .base import SDK_MODULES, Check, PackValues

# retry, retrying, retries, retried, retryable, retriable -- not retrieve or retrieval
_RETRYABLE_NAME = re.compile(r"retr(?:y|ie[sd]|iab)", re.IGNORECASE)
_NEGATED_NAME = re.compile(r"(^|_)(non|not|no|never|dont|do_not|fatal|permanent)(_|$)|nonretr|unretr", re.IGNORECASE)


class RetryNonRetryable(ConstructVisitor, Check):
    """
    ## What it does
    Flags a retry construct that retries an error its SDK documents as never
    retryable: a handler of a retry loop, tenacity's `@retry` /
    `Retrying(...)`, backoff's `@on_exception` or stamina's `@retry` whose
    retried set covers a `retry = "never"` class, directly or through an
    ancestor (`except BackendError:` retries `GrantExpiredError` unless an
    earlier handler lets it escape); a `by-status` class (SharkAuth's
    `VaultError`) retried without looking at its status; and a collection of
    retryable codes or statuses (`retryable_codes`, `RETRY_STATUSES`, or the
    collection a retry handler tests) that holds a value the docs call
    non-retryable (Altus 4's `VALIDATION_ERROR`, SharkAuth's 400/403/404/422).
    An SDK's codes and statuses count where the SDK is imported; those of an
    API without a package (Altus 4) where the file is about that API (it names
    the API's host or client classes, or the project enables the pack).

    ## Why is this bad?
    Retrying an expired grant, a revoked key, a validation error or a 403
    cannot succeed: every attempt fails the same way, the caller waits through
    the backoff for nothing, and the error that needs a human (re-run OAuth,
    fix the request) arrives late or is replaced by a generic "retries
    exhausted".

    ## Example
    ```python
    for attempt in range(3):
        try:
            return await vault.request("GET", url, grant_id=grant)
        except BackendError:
            await asyncio.sleep(2 ** attempt)
    ```

    ## Use instead
    ```python
    for attempt in range(3):
        try:
            return await vault.request("GET", url, grant_id=grant)
        except (ReAuthRequiredError, GrantNotFoundError, PolicyViolationError):
            raise
        except BackendError:
            await asyncio.sleep(2 ** attempt)
    ```

    ## Fix safety
    Unsafe: the errors it stops retrying reach the caller at once. When the
    retried set names a never-retryable class in a tuple (`except
    (NetworkError, GrantExpiredError):`, `retry_if_exception_type((...))`,
    backoff's exception tuple, stamina's `on=(...)`), the fix removes it from
    the tuple. No fix is offered when the class is caught through an ancestor
    (`except BackendError:`) or is the only one named.
    """

    code = "ERR002"
    name = "retry-non-retryable"
    fix_availability = "sometimes"
    summary = "a retry construct that retries an error its SDK documents as never retryable"
    uses = ("never", "by-status", "codes", "statuses")
    # a collection or a test is reported only for a value a pack marks never retryable
    triggers = (SDK_MODULES, PackValues("never"))
    VALID = (
        "from alter_sdk import App, BackendError, ReAuthRequiredError\nimport asyncio\n"
        "async def f(url, g):\n    async with App() as vault:\n        for attempt in range(3):\n            try:\n"
        "                return await vault.request('GET', url, grant_id=g)\n            except ReAuthRequiredError:\n"
        "                raise\n            except BackendError:\n                await asyncio.sleep(2 ** attempt)\n",
        "RETRYABLE_STATUSES = (429, 500, 502, 503, 504)\n",
    )
    INVALID = (
        "from alter_sdk import App, BackendError\nimport asyncio\n"
        "async def f(url, g):\n    async with App() as vault:\n        for attempt in range(3):\n            try:\n"
        "                return await vault.request('GET', url, grant_id=g)\n            except BackendError:\n"
        "                await asyncio.sleep(2 ** attempt)\n",
        "BASE_URL = 'https://api.altus4.dev'\nretryable_codes = ['DATABASE_ERROR', 'VALIDATION_ERROR']\n",
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.pol = policies(ctx.registry)
        self.statuses = StatusCollections(ctx.names)
        self.checked_collections: set[int] = set()

    # -- constructs ------------------------------------------------------------
    def construct(self, construct: RetryConstruct) -> None:
        if construct.kind == "loop":
            for rt in construct.tries:
                self._retry_try(construct, rt)
        else:
            self._predicate_construct(construct)

    def _called_packs(self, stmts) -> list[Pack]:
        return self.ctx.receivers.called_packs(self.ctx.receivers.sdk_calls(stmts))

    def _retry_try(self, construct: RetryConstruct, rt: RetryTry) -> None:
        graph = self.ctx.graph
        retries = self.ctx.retries
        called = self._called_packs(rt.node.body.body)
        for h in rt.retrying:
            for coll in self.statuses.retry_decisions(h):
                self._collection(coll, coll.name)
            if h.effect.guarded or h.effect.reauth is not None:
                continue  # the handler decides on the error's status / code / type, or re-authenticates first
            trusted = [p for p in called if not deliberate_split(rt.handlers, h, p, NEVER, self.pol)]
            never = reaching(covered(h.qualnames, NEVER, trusted, graph, self.pol), h, rt.handlers, retries.first_catcher, graph)
            by_status = reaching(covered(h.qualnames, BY_STATUS, called, graph, self.pol), h, rt.handlers, retries.first_catcher, graph)
            fix = self._handler_fix(h) if never else None
            self._report(h.handler, h.text, construct, never, by_status, fix=fix)

    def _predicate_construct(self, construct: RetryConstruct) -> None:
        if construct.guarded:
            return
        graph = self.ctx.graph
        called = self._called_packs(construct.body)
        entries = list(construct.on)
        never = [q for q in covered(entries, NEVER, called, graph, self.pol) if construct.covers(graph, q)]
        by_status = [q for q in covered(entries, BY_STATUS, called, graph, self.pol) if construct.covers(graph, q)]
        what = construct.description
        fix = self._construct_fix(construct) if never else None
        self._report(construct.report_node, what, construct, never, by_status, decorator=True, fix=fix)

    # -- fixes -------------------------------------------------------------------
    def _never_indexes(self, refs) -> set[int]:
        out = set()
        for i, ref in enumerate(refs):
            spec = self.pol.spec(ref.qualname) if ref.qualname else None
            if spec is not None and spec.retry == "never":
                out.add(i)
        return out

    def _handler_fix(self, h: HandlerInfo) -> Fix | None:
        tup = h.handler.type
        if h.refs is None or not isinstance(tup, cst.Tuple) or len(tup.elements) != len(h.refs):
            return None
        drop = self._never_indexes(h.refs)
        new_type = without_elements(tup, drop) if drop else None
        if new_type is None:
            return None
        new = with_except_type(h.handler, new_type)
        names = ", ".join(h.refs[i].text for i in sorted(drop))
        return Fix("unsafe", f"Stop retrying {names}", (Replacement(h.handler, new),))

    def _construct_fix(self, construct: RetryConstruct) -> Fix | None:
        call = construct.report_node.decorator if isinstance(construct.report_node, cst.Decorator) else construct.report_node
        if not isinstance(call, cst.Call):
            return None
        holder = None
        if construct.kind.startswith("tenacity"):
            pred = keyword(call, "retry")
            if isinstance(pred, cst.Call) and pred.args:
                holder = pred.args[0].value
        elif construct.kind == "backoff":
            holder = positional(call, 1) or keyword(call, "exception")
        elif construct.kind.startswith("stamina"):
            holder = keyword(call, "on")
        if not isinstance(holder, cst.Tuple):
            return None
        refs = list(self.ctx.names.exception_refs(holder))
        if len(refs) != len(holder.elements):
            return None
        drop = self._never_indexes(refs)
        new = without_elements(holder, drop) if drop else None
        if new is None:
            return None
        names = ", ".join(refs[i].text for i in sorted(drop))
        return Fix("unsafe", f"Stop retrying {names}", (Replacement(holder, new),))

    def _report(self, node, what: str, construct: RetryConstruct, never, by_status, decorator: bool = False, fix=None) -> None:
        if not never and not by_status:
            return
        graph = self.ctx.graph
        line = self.ctx.line_of(construct.report_node)
        where = "" if decorator else f" ({construct.description} on line {line})"
        # One sentence per kind of class, each naming its classes, its condition and the
        # documented action; the construct's line is said once, in the first.
        sentences = []
        if never:
            listed = tops(never, graph)
            pack = self.pol.pack_of(listed[0])
            spec = self.pol.spec(listed[0])
            sentences.append(
                f"{what} retries {name_list(listed)}, which {pack.name if pack else 'the SDK'} documents as never retryable{where}"
                + (f": {spec.action}" if spec and spec.action else "")
            )
        if by_status:
            listed = tops(by_status, graph)
            spec = self.pol.spec(listed[0])
            attrs = spec.attributes if spec else ()
            attr = next((a for a in attrs if "status" in a), attrs[0] if attrs else "status")
            whose = "its" if len(listed) == 1 else "their"
            subject = f"It also retries {name_list(listed)}" if sentences else f"{what} retries {name_list(listed)}"
            sentences.append(
                f"{subject} whatever {whose} {attr}{'' if sentences else where}"
                + (f": {spec.action}" if spec and spec.action else "")
            )
        message = " ".join(s if s.endswith(".") or i == len(sentences) - 1 else s + "." for i, s in enumerate(sentences))
        self.ctx.report(self.code, node, message, fix=fix, end=_header_end(node))

    # -- collections of retryable codes / statuses -------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        names = [t.target for t in node.targets]
        self._assigned(names, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned([node.target], node.value)

    def _assigned(self, targets, value) -> None:
        for t in targets:
            name = t.value if isinstance(t, cst.Name) else t.attr.value if isinstance(t, cst.Attribute) else None
            if name and _RETRYABLE_NAME.search(name) and not _NEGATED_NAME.search(name):
                coll = self.statuses.literal(value)
                if coll is not None:
                    self._collection(coll, name)

    def _collection(self, coll: ValueSet, name: str | None) -> None:
        if id(coll.node) in self.checked_collections:
            return
        self.checked_collections.add(id(coll.node))
        bad: dict[int, list] = {}  # one finding per place a value is written (range(...) holds many)
        for element, value in coll.entries:
            policy = self._policy_of(value)
            if policy is not None:
                bad.setdefault(id(element), []).append((element, value, policy))
        holder = f"{name}" if name else "the retryable set"
        for found in bad.values():
            element = found[0][0]
            pack, pol = found[0][2]
            shown = [f"{v!r}" if isinstance(v, str) else str(v) for _, v, _ in found]
            kind = "code" if isinstance(found[0][1], str) else "status"
            written = self.ctx.code_for(element)
            if len(found) == 1:
                what = f"{shown[0]}, a {kind}" if written == shown[0] or isinstance(found[0][1], str) else f"{shown[0]} ({written}), a {kind}"
                message = f"{holder} holds {what} {pack} documents as never retryable"
            else:
                listed = ", ".join(shown[:-1]) + f" and {shown[-1]}"
                kinds = "statuses" if kind == "status" else "codes"
                message = f"{holder} holds {listed} ({written}), {kinds} {pack} documents as never retryable"
            if pol.action and len({id(p[1]) for _, _, p in found}) == 1:
                message += f": {pol.action}"
            self.ctx.report(self.code, element, message)

    def _policy_of(self, value):
        """(pack name, Policy) when every relevant pack that knows ``value`` says never."""
        found = []
        for pack in sorted(self.ctx.registry.packs, key=lambda p: not p.modules):
            if not self.ctx.pack_applies(pack):
                continue  # an SDK's codes count where the SDK is used; an API's (Altus 4) where the code is about it
            table = pack.codes if isinstance(value, str) else pack.statuses
            key = value if isinstance(value, str) else str(value)
            policy = table.get(key)
            if policy is not None:
                found.append((pack.name, policy))
        if found and all(p.retry == "never" for _, p in found):
            return found[0]  # an imported SDK first, then hand-written APIs (Altus 4)

        return None


def _header_end(node):
    if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
        return node.type if node.type is not None else node
    return None
