"""Retry constructs: loops, decorators and iterators that run code again after an error.

Kinds errlint recognises (``RetryConstruct.kind``):

``loop``
    a ``for`` over ``range(...)`` / ``itertools.count()``, or a ``while`` loop,
    whose body holds a ``try`` that leaves the loop on success (``return``,
    ``break``, a ``break`` after the ``try``, or the ``while`` flag set in the
    ``try``) and has a handler that falls through to the next attempt.  A
    ``for`` over items that moves on to the next item is not a retry.
``tenacity``
    ``@retry`` / ``@retry(...)``; bare ``@retry`` retries every exception,
    forever, without waiting.  ``retry=retry_if_exception_type(...)``,
    ``retry_if_not_exception_type(...)`` and ``|`` of them are read; another
    predicate makes the construct *guarded* (errlint cannot read the decision).
``tenacity-iterator``
    ``for attempt in Retrying(...)`` / ``async for ... in AsyncRetrying(...)``
    with ``with attempt:``.
``backoff``
    ``@backoff.on_exception(wait_gen, exceptions, max_tries=..., max_time=..., giveup=...)``.
``stamina`` / ``stamina-iterator``
    ``@stamina.retry(on=..., attempts=...)`` and ``for attempt in
    stamina.retry_context(on=...)``.
``wrapper``
    a decorator a pack describes in ``[[retry_wrappers]]`` (google-api-core's
    ``@Retry(predicate=if_exception_type(...), timeout=...)``), read by
    :mod:`errlint.python.wrappers` from the pack's data.

Each construct knows the exception classes it retries on, its attempt cap and
how it waits; for loops, which handlers of which ``try`` retry.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from ..facts import Branch, RetryConstruct, RetryTry
from .effects import HandlerInfo, flow, handler_effect
from .names import NameResolver
from .retry_syntax import _flag_name, _short, _tenacity_stop, _tenacity_wait, _tries_in, _wait_of_sleeps
from .scan import body_of, call_name, int_value, is_true, keyword, positional, walk

EXCEPTION = "builtins.Exception"
BASE_EXCEPTION = "builtins.BaseException"

_TENACITY_RETRY = {"tenacity.retry"}
_TENACITY_ITER = {"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"}
_BACKOFF = {"backoff.on_exception", "backoff._decorator.on_exception"}
_STAMINA = {"stamina.retry"}
_STAMINA_ITER = {"stamina.retry_context"}
_SLEEPS = {"sleep"}
_RANGES = {"builtins.range", "itertools.count"}


class RetryAnalysis:
    """Finds retry constructs on demand; results are cached per node."""

    def __init__(self, names: NameResolver, reauth_actions: Iterable[str] = (), span=None, wrappers=None) -> None:
        self.names = names
        self.wrappers = wrappers or {}  # callable's qualname -> RetryWrapper (the packs' [[retry_wrappers]])
        self.span = span  # node, end -> Span (facts carry where they are)
        self.reauth_actions = tuple(reauth_actions)
        self._constructs: dict[int, list[RetryConstruct]] = {}
        self._effects: dict[int, HandlerInfo] = {}
        self._loop_of_try: dict[int, RetryConstruct] = {}
        self._scanned: set[int] = set()

    def scan_block(self, block: cst.CSTNode) -> list[RetryConstruct]:
        """The loop constructs among the statements of ``block`` (a Module or IndentedBlock).

        Checks call this when the traversal enters a block, before its
        statements are visited, so that every ``try`` of a retry loop knows its
        loop by the time a check visits it (:meth:`loop_of_try`).
        """
        stmts = body_of(block) if not isinstance(block, cst.Module) else tuple(block.body)
        found = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, (cst.For, cst.While)):
                found.extend(self.constructs(stmt, stmts[i + 1:]))
        if id(block) not in self._scanned:
            self._scanned.add(id(block))
            for c in found:
                for rt in c.tries:
                    self._loop_of_try[id(rt.node)] = c
        return found

    def loop_of_try(self, node: cst.Try | cst.TryStar) -> RetryConstruct | None:
        return self._loop_of_try.get(id(node))

    # -- handlers ----------------------------------------------------------------
    def handler_info(self, handler: cst.ExceptHandler | cst.ExceptStarHandler, index: int = 0) -> HandlerInfo:
        key = id(handler)
        info = self._effects.get(key)
        if info is None:
            info = handler_fact(handler, index, self.names, self.span, handler_effect(handler, self.names, self.reauth_actions))
            self._effects[key] = info
        return info

    def handlers_of(self, node: cst.Try | cst.TryStar) -> list[HandlerInfo]:
        return [self.handler_info(h, i) for i, h in enumerate(node.handlers)]

    # -- constructs ----------------------------------------------------------------
    def constructs(self, node: cst.CSTNode, after: Sequence[cst.CSTNode] = ()) -> list[RetryConstruct]:
        """The retry constructs ``node`` (a loop or a function definition) is."""
        key = id(node)
        found = self._constructs.get(key)
        if found is None:
            found = []
            if isinstance(node, cst.For):
                c = self._iterator(node) or self._loop(node, after)
                if c is not None:
                    found.append(c)
            elif isinstance(node, cst.While):
                c = self._loop(node, after)
                if c is not None:
                    found.append(c)
            elif isinstance(node, cst.FunctionDef):
                for dec in node.decorators:
                    c = self._decorator(node, dec)
                    if c is not None:
                        found.append(c)
            for c in found:
                self._complete(c)
            self._constructs[key] = found
        return found

    def _complete(self, c: RetryConstruct) -> None:
        """The facts a construct carries for the checks: its span, its keyword, how it ends."""
        report = c.report_node
        end = report.iter if isinstance(report, cst.For) else report.test if isinstance(report, cst.While) else report
        if self.span is not None:
            c.at = self.span(report, end)
        if c.kind == "loop":
            c.keyword = "while" if isinstance(c.node, cst.While) else "for"
            after = flow(c.after) if c.after else frozenset({"fall"})
            c.raises_when_exhausted = after == frozenset({"raise"})

    # manual loops ------------------------------------------------------------------
    def _loop(self, node: cst.For | cst.While, after: Sequence[cst.CSTNode]) -> RetryConstruct | None:
        cap: int | None = None
        bounded = True
        if isinstance(node, cst.For):
            it = node.iter
            if not isinstance(it, cst.Call):
                return None
            q = self.names.resolve_expr(it.func)
            if q not in _RANGES:
                return None
            if q == "itertools.count":
                bounded = False
            else:
                args = [a.value for a in it.args if a.keyword is None]
                nums = [int_value(a) for a in args]
                if len(nums) == 1 and nums[0] is not None:
                    cap = nums[0]
                elif len(nums) >= 2 and nums[0] is not None and nums[1] is not None:
                    cap = nums[1] - nums[0]
            flag = None
        else:
            if is_true(node.test):
                bounded = self._has_cap_check(body_of(node.body))
            flag = _flag_name(node.test)
        body = body_of(node.body)
        tries = []
        for i, stmt in enumerate(body):
            for t in _tries_in(stmt):
                rest = body[i + 1:]
                rt = self._retry_try(t, rest, flag)
                if rt is not None:
                    tries.append(rt)
        if not tries:
            return None
        sleeps = tuple(n for n in walk(body) if isinstance(n, cst.Call) and call_name(n) in _SLEEPS)
        wait = _wait_of_sleeps(sleeps, self.names)
        orelse = tuple(body_of(node.orelse.body)) if node.orelse is not None else ()
        return RetryConstruct(
            "loop", node, node, body, tries=tries, cap=cap, bounded=bounded, wait=wait, sleeps=sleeps,
            after=orelse or tuple(after), description="retry loop",
        )

    def _has_cap_check(self, body: Sequence[cst.CSTNode]) -> bool:
        for n in walk(body):
            if isinstance(n, cst.If) and isinstance(n.test, (cst.Comparison, cst.BooleanOperation)):
                if flow(body_of(n.body)) & {"raise", "return", "break"}:
                    return True
        return False

    def _retry_try(self, t: cst.Try | cst.TryStar, rest: Sequence[cst.CSTNode], flag: str | None) -> RetryTry | None:
        body_exits = flow(body_of(t.body))
        else_exits = flow(body_of(t.orelse.body)) if t.orelse is not None else frozenset({"fall"})
        rest_exits = flow(rest)
        success_leaves = bool(body_exits & {"return", "break"}) or bool(else_exits & {"return", "break"})
        if not success_leaves and "fall" in body_exits and "fall" in else_exits:
            success_leaves = "fall" not in rest_exits and bool(rest_exits & {"return", "break"})
        if not success_leaves and flag is not None:
            success_leaves = any(
                isinstance(n, cst.AssignTarget) and isinstance(n.target, cst.Name) and n.target.value == flag
                for n in walk(body_of(t.body))
            )
        if not success_leaves:
            return None
        handlers = self.handlers_of(t)
        any_retry = False
        for h in handlers:
            exits = h.effect.exits
            # falling off the handler runs the rest of the loop body: a retry
            # unless that rest always leaves the loop
            retries = "continue" in exits or ("fall" in exits and bool(rest_exits & {"fall", "continue"}))
            h.retries = retries
            any_retry = any_retry or retries
        if not any_retry:
            return None
        return RetryTry(t, handlers)

    # iterators ---------------------------------------------------------------------
    def _iterator(self, node: cst.For) -> RetryConstruct | None:
        it = node.iter
        if not isinstance(it, cst.Call):
            return None
        q = self.names.resolve_expr(it.func)
        if q in _TENACITY_ITER:
            c = self._tenacity(it, node, it, "tenacity-iterator", f"{_short(q)}(...)")
        elif q in _STAMINA_ITER:
            c = self._stamina(it, node, it, "stamina-iterator", "stamina.retry_context(...)")
        else:
            return None
        c.body = body_of(node.body)
        return c

    # decorators --------------------------------------------------------------------
    def _decorator(self, fn: cst.FunctionDef, dec: cst.Decorator) -> RetryConstruct | None:
        expr = dec.decorator
        call = expr if isinstance(expr, cst.Call) else None
        q = self.names.resolve_expr(call.func if call is not None else expr)
        if q in _TENACITY_RETRY:
            c = self._tenacity(call, fn, dec, "tenacity", "@retry" if call is None else "@retry(...)")
        elif q in _BACKOFF and call is not None:
            c = self._backoff(call, fn, dec)
        elif q in _STAMINA and call is not None:
            c = self._stamina(call, fn, dec, "stamina", "@stamina.retry(...)")
        elif q in self.wrappers:
            from .wrappers import pack_wrapper

            c = pack_wrapper(self.wrappers[q], call, fn, dec, self.names)
            if c is None:
                return None
        else:
            return None
        c.body = body_of(fn.body)
        return c

    def _classes(self, expr: cst.BaseExpression | None) -> tuple[str, ...]:
        if expr is None:
            return ()
        return tuple(r.qualname or "?" for r in self.names.exception_refs(expr))

    def _tenacity(self, call: cst.Call | None, node, report, kind: str, description: str) -> RetryConstruct:
        c = RetryConstruct(kind, node, report, (), description=description)
        retry = keyword(call, "retry") if call is not None else None
        if retry is None:
            c.on = (EXCEPTION,)  # tenacity's default: retry_if_exception_type() = every Exception
        else:
            on, excluded, guarded = self._tenacity_predicate(retry)
            c.on, c.excluded, c.guarded = on, excluded, guarded
        stop = keyword(call, "stop") if call is not None else None
        if stop is None:
            c.bounded = False
        else:
            c.bounded, c.cap = _tenacity_stop(stop, self.names)
        wait = keyword(call, "wait") if call is not None else None
        c.wait = "none" if wait is None else _tenacity_wait(wait, self.names)
        return c

    def _tenacity_predicate(self, expr: cst.BaseExpression) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            a = self._tenacity_predicate(expr.left)
            b = self._tenacity_predicate(expr.right)
            return a[0] + b[0], a[1] + b[1], a[2] or b[2]
        if isinstance(expr, cst.Call):
            q = self.names.resolve_expr(expr.func) or ""
            name = q.rpartition(".")[2]
            args = [a.value for a in expr.args if a.keyword is None and a.star == ""]
            if name == "retry_if_exception_type":
                if not args:
                    return (EXCEPTION,), (), False
                return tuple(x for a in args for x in self._classes(a)), (), False
            if name == "retry_if_not_exception_type":
                excluded = tuple(x for a in args for x in self._classes(a)) if args else (EXCEPTION,)
                return (EXCEPTION,), excluded, False
        q = self.names.resolve_expr(expr) or ""
        if q.rpartition(".")[2] == "retry_always":
            return (EXCEPTION,), (), False
        return (), (), True

    def _backoff(self, call: cst.Call, fn, dec) -> RetryConstruct:
        c = RetryConstruct("backoff", fn, dec, (), description="@backoff.on_exception(...)")
        exc = positional(call, 1) or keyword(call, "exception")
        c.on = self._classes(exc)
        c.guarded = keyword(call, "giveup") is not None
        max_tries = keyword(call, "max_tries")
        max_time = keyword(call, "max_time")
        c.cap = int_value(max_tries)
        c.bounded = max_tries is not None or max_time is not None
        gen = positional(call, 0) or keyword(call, "wait_gen")
        gq = (self.names.resolve_expr(gen) or "") if gen is not None else ""
        short = gq.rpartition(".")[2]
        c.wait = {"expo": "backoff", "fibo": "backoff", "decay": "backoff", "constant": "constant", "runtime": "retry-after"}.get(short, "unknown")
        if short == "constant" and keyword(call, "jitter") is not None:
            c.wait = "constant"
        return c

    def _stamina(self, call: cst.Call, node, report, kind: str, description: str) -> RetryConstruct:
        c = RetryConstruct(kind, node, report, (), description=description)
        on = keyword(call, "on")
        if on is None:
            c.guarded = True
        elif isinstance(on, (cst.Lambda,)) or (
            isinstance(on, cst.Name) and (self.names.resolve_name(on.value) or "").startswith("?")
            and not any(r.qualname for r in self.names.exception_refs(on) if r.qualname and not r.qualname.startswith("?"))
        ):
            c.guarded = True  # a predicate function decides
        else:
            c.on = self._classes(on)
        attempts = keyword(call, "attempts")
        c.cap = int_value(attempts) if attempts is not None else 10
        timeout = keyword(call, "timeout")
        c.bounded = not (
            attempts is not None and isinstance(attempts, cst.Name) and attempts.value == "None"
            and timeout is not None and isinstance(timeout, cst.Name) and timeout.value == "None"
        )
        c.wait = "backoff"
        return c


def handler_fact(handler: cst.ExceptHandler | cst.ExceptStarHandler, index: int, names: NameResolver, span, effect) -> HandlerInfo:
    """The :class:`~errlint.facts.Handler` of one ``except`` clause: its classes, resolved in the
    current scope, and where it is (its start to the end of its classes; a bare except: all of it)."""
    refs = None if handler.type is None else list(names.exception_refs(handler.type))
    at = span(handler, handler.type if handler.type is not None else handler) if span is not None else None
    return HandlerInfo(handler, refs, effect, index, written_as_tuple=isinstance(handler.type, cst.Tuple), at=at)


def sleeps_in(stmts: Sequence[cst.CSTNode]) -> tuple[cst.Call, ...]:
    """The ``sleep(...)`` calls under ``stmts`` (not in nested functions)."""
    return tuple(n for n in walk(stmts) if isinstance(n, cst.Call) and call_name(n) in _SLEEPS)


def literal_branches(stmts: Sequence[cst.CSTNode], names: NameResolver, span=None) -> tuple[Branch, ...]:
    """The ``if`` statements under ``stmts`` whose test holds an integer or string literal, in walk order.

    ``if exc.status_code == 429:`` / ``if e.code == "RATE_LIMIT_EXCEEDED":``: each with
    its test's literals (integers in decimal) and how the sleeps of its body wait.
    """
    out = []
    for node in walk(stmts):
        if not isinstance(node, cst.If):
            continue
        values = []
        for n in walk([node.test]):
            if isinstance(n, cst.Integer):
                values.append(str(int(n.value.replace("_", ""), 0)))
            elif isinstance(n, cst.SimpleString) and isinstance(n.evaluated_value, str):
                values.append(n.evaluated_value)
        if values:
            wait = _wait_of_sleeps(sleeps_in(body_of(node.body)), names)
            out.append(Branch(tuple(values), wait, at=span(node, node.test) if span is not None else None))
    return tuple(out)
def classes_holder(report_node: cst.CSTNode, kind: str) -> cst.BaseExpression | None:
    """The one expression a decorator / iterator construct names its retried classes in
    (``RetryConstruct.on_refs``; the fixer edits it): tenacity's first argument of the
    ``retry=`` predicate call, backoff's exceptions (2nd positional or ``exception=``),
    stamina's ``on=``. ``report_node``: the construct's decorator or iterator call."""
    call = report_node.decorator if isinstance(report_node, cst.Decorator) else report_node
    if not isinstance(call, cst.Call):
        return None
    if kind.startswith("tenacity"):
        pred = keyword(call, "retry")
        if isinstance(pred, cst.Call) and pred.args:
            return pred.args[0].value
        return None
    if kind == "backoff":
        return positional(call, 1) or keyword(call, "exception")
    if kind.startswith("stamina"):
        return keyword(call, "on")
    return None
