"""Retry wrappers in TypeScript and JavaScript: library calls that run a function again after an error.

Each becomes a :class:`~errlint.facts.RetryConstruct` whose ``body`` is the function run
again and whose ``at`` is the wrapper's call up to its ``(`` (``pRetry(``,
``policy.execute(``). The libraries are recognised through the file's imports (ESM
default, named and namespace imports, ``require``), never by a name alone; a local
name that shadows the import is not followed.

``p-retry`` (defaults read in p-retry 7.1.1's and 9.0.0's ``index.js``: ``retries`` 10, ``factor`` 2,
``minTimeout`` 1000 ms)
    ``pRetry(fn, { retries, shouldRetry, onFailedAttempt, factor, minTimeout, maxTimeout,
    maxRetryTime, signal })`` and ``makeRetriable(fn, options)``. ``throw new AbortError(...)`` in
    ``fn`` stops retrying; so do ``shouldRetry`` returning false and ``onFailedAttempt``
    throwing. ``retries: Infinity`` (or p-retry 6's ``forever: true``) without
    ``maxRetryTime`` (or an abort ``signal``) never stops.
``async-retry`` (1.3.3 over retry 0.13.1's ``lib/retry.js``: ``retries`` 10, ``factor`` 2,
``minTimeout`` 1000 ms)
    ``retry(async (bail, attempt) => ..., { retries, factor, minTimeout, forever })``;
    ``bail(err)`` stops retrying.
``exponential-backoff`` (3.1.3's ``dist/options.js``: ``numOfAttempts`` 10, ``startingDelay``
100 ms, ``timeMultiple`` 2)
    ``backOff(fn, { numOfAttempts, retry: (e, attemptNumber) => boolean, startingDelay,
    timeMultiple, maxDelay })``; ``numOfAttempts`` counts every attempt.
``cockatiel`` (3.2.1's and 4.0.0's ``dist/Policy.js``: ``retry()`` without ``maxAttempts`` retries
forever — ``maxAttempts ?? Infinity`` — and without ``backoff`` waits
``ConstantBackoff(0)``, i.e. not at all; ``maxAttempts`` counts retries)
    ``retry(handleType(X).orType(Y), { maxAttempts, backoff: new ExponentialBackoff() })``
    (``handleAll``, ``handleWhen(pred)``, ``handleType(X, pred)``, ``.orWhen(pred)``), then
    ``policy.execute(fn)``: one construct per ``execute``, the policy found inline, through a
    ``const``, or through a class field (``this.policy``).

What is retried is read where errlint can (see :mod:`wrapper_syntax`); a decision it
cannot read makes the construct *guarded*, and the checks stay silent about its classes.
A wrapper that runs its function once (``retries: 0``, ``numOfAttempts: 1``,
``maxAttempts: 0``) is no retry construct.
"""
from __future__ import annotations

import math

from ..facts import ClassRef, RetryConstruct
from .names import named, text, unwrap
from .wrapper_options import (
    LIBRARIES, attempts, callee, calls, field_value, function_of, growth, is_true, lookup, module_value, number, options,
    time_bound, unread, written,
)
from .wrapper_syntax import FUNCTIONS, both, either, parameter_name, predicate, stopped, thrown, walk

EVERY_ERROR = "globalThis.Error"  # what a wrapper that filters nothing retries (rules/javascript.toml's root)
_MODULE = ("*", "default")  # the module itself (CommonJS ``require``) or its default export
_EVERYTHING = (None, ())
_NOTHING = ((), ())


def _retry_package_options(c: RetryConstruct, opts) -> bool:
    """p-retry's and async-retry's options, those of the `retry` package both build on: ``retries``
    (10 by default), ``forever``, and the ``factor`` / ``minTimeout`` / ``maxTimeout`` of the wait.
    False: it runs only once (no retry construct)."""
    if not attempts(c, opts, "retries", 10, retries=True):
        return False
    if is_true(opts.get("forever")):
        c.cap, c.bounded = None, time_bound(opts)
    c.wait = growth(opts, "factor", "minTimeout", "maxTimeout")
    return True


class WrapperReader:
    """Finds the retry wrappers of one module (``names``: its :class:`~errlint.typescript.names.ModuleNames`)."""

    def __init__(self, names, span) -> None:
        self.names = names
        self.span = span  # node, end -> Span
        self.names_cockatiel = False  # the source mentions cockatiel: `x.execute(...)` may run a policy
        # names declared (anywhere) with a value that mentions a library: `const m = require("p-retry")`
        self._module_names: set[str] = set()

    def constructs(self, root) -> list[RetryConstruct]:
        """The wrapper constructs under ``root``, in source order (none unless the module names a library)."""
        source = root.text
        self.names_cockatiel = b"cockatiel" in source
        if not any(lib.encode() in source for lib in LIBRARIES):
            return []
        self._module_names = {
            text(d.child_by_field_name("name")) for d in walk(root, ("variable_declarator",), into_functions=True)
            if d.child_by_field_name("value") is not None and any(lib.encode() in d.child_by_field_name("value").text for lib in LIBRARIES)
        }
        out = []
        for call in walk(root, ("call_expression",), into_functions=True):
            c = self._construct(call)
            if c is not None:
                out.append(c)
        return out

    # -- what a name is -------------------------------------------------------------------
    def imported(self, node) -> tuple[str, str] | None:
        """(library, name) for an expression naming a library's export (``"*"``: the module itself)."""
        node = callee(node)
        if node is None:
            return None
        if node.type == "identifier":
            binding = self.names.bindings.get(text(node))
            if (binding is None or binding[1] not in LIBRARIES) and text(node) not in self._module_names:
                return None  # neither imported from a library nor declared from one (no scope walk)
            found = lookup(node, text(node))
            if found is not None and found[0] != "top" or binding is not None and binding[0] == "local":
                # a local name (which shadows the import), or a top-level one bound to something else:
                # ``(await import("p-retry")).default``, compiled ``__importDefault(require("p-retry"))``
                return module_value(found[1]) if found is not None and found[1] is not None else None
            if binding is None or binding[1] not in LIBRARIES:
                return None
            return (binding[1], binding[2] if binding[0] == "named" else "*")
        if node.type == "member_expression":
            obj, prop = unwrap(node.child_by_field_name("object")), node.child_by_field_name("property")
            inner = self.imported(obj) if obj is not None and obj.type == "identifier" else None
            if inner is not None and inner[1] in _MODULE and prop is not None:
                return (inner[0], text(prop))
        return None

    def _is(self, node, library: str, *names: str) -> bool:
        found = self.imported(node)
        return found is not None and found[0] == library and found[1] in names

    # -- the libraries ----------------------------------------------------------------------
    def _construct(self, call) -> RetryConstruct | None:
        fn = call.child_by_field_name("function")
        args_node = call.child_by_field_name("arguments")
        if fn is None or args_node is None or args_node.type != "arguments":
            return None
        args = [a for a in named(args_node) if a.type != "comment"]
        found = self.imported(fn)
        if found is not None and found[0] == "p-retry" and found[1] in (*_MODULE, "makeRetriable"):
            return self._p_retry(call, args)
        if found is not None and found[0] == "async-retry" and found[1] in _MODULE:
            return self._async_retry(call, args)
        if found == ("exponential-backoff", "backOff"):
            return self._backoff(call, args)
        fn = callee(fn)
        if fn.type == "member_expression" and text(fn.child_by_field_name("property")) == "execute" and self.names_cockatiel:
            policy = self._policy(fn.child_by_field_name("object"))
            if policy is not None:
                return self._cockatiel(call, policy, args)
        return None

    def _new(self, kind: str, call, args) -> RetryConstruct | None:
        if not args:
            return None
        fn = call.child_by_field_name("function")
        body = function_of(args[0]) or unwrap(args[0])
        c = RetryConstruct(kind, call, call, body, description=f"{written(fn)}(...)")
        c.at = self.span(fn, call.child_by_field_name("arguments").children[0])
        return c

    def _p_retry(self, call, args) -> RetryConstruct | None:
        c = self._new("p-retry", call, args)
        if c is None:
            return None
        opts = options(args[1] if len(args) > 1 else None)
        if opts is None:
            return unread(c)
        if not _retry_package_options(c, opts):  # `forever`: p-retry before 7 (7 refuses the option)
            return None
        retried = _EVERYTHING
        if "shouldRetry" in opts:
            retried = both(predicate(self.names, function_of(opts["shouldRetry"])), retried)
        if "onFailedAttempt" in opts:
            retried = both(thrown(self.names, function_of(opts["onFailedAttempt"])), retried)
        stops = [n for n in walk(c.body, ("new_expression",), into_functions=True)
                 if self._is(n.child_by_field_name("constructor"), "p-retry", "AbortError")]
        return self._retried(c, retried, stops)

    def _async_retry(self, call, args) -> RetryConstruct | None:
        c = self._new("async-retry", call, args)
        if c is None:
            return None
        opts = options(args[1] if len(args) > 1 else None)
        if opts is None:
            return unread(c)
        if not _retry_package_options(c, opts):
            return None
        bail = parameter_name(c.body, 0) if c.body.type in FUNCTIONS else None
        stops = [n for n in walk(c.body, ("call_expression",), into_functions=True) if calls(n, bail)] if bail else []
        return self._retried(c, _EVERYTHING, stops)

    def _backoff(self, call, args) -> RetryConstruct | None:
        c = self._new("exponential-backoff", call, args)
        if c is None:
            return None
        opts = options(args[1] if len(args) > 1 else None)
        if opts is None:
            return unread(c)
        if not attempts(c, opts, "numOfAttempts", 10, retries=False):
            return None
        c.wait = growth(opts, "timeMultiple", "startingDelay", "maxDelay")
        retried = _EVERYTHING
        if "retry" in opts:
            retried = predicate(self.names, function_of(opts["retry"]))
        return self._retried(c, retried)

    def _cockatiel(self, call, policy, args) -> RetryConstruct | None:
        c = self._new("cockatiel", call, args)
        if c is None:
            return None
        line = self.span(policy).line
        if line != self.span(call).line:
            c.description += f" (the retry policy of line {line})"
        pargs = [a for a in named(policy.child_by_field_name("arguments")) if a.type != "comment"]
        opts = options(pargs[1] if len(pargs) > 1 else None)
        if opts is None:
            c.wait = "unknown"
        else:
            if not attempts(c, opts, "maxAttempts", math.inf, retries=True):
                return None
            c.wait = self._cockatiel_wait(opts["backoff"]) if "backoff" in opts else "none"
        if len(args) > 1:
            c.bounded = True  # execute(fn, signal): the caller can cancel it
        return self._retried(c, self._filter(pargs[0] if pargs else None, 3))

    def _policy(self, node, depth: int = 6):
        """The ``retry(...)`` call of cockatiel an ``execute``'s object is: inline, a ``const``, a class
        field, or the one retry policy of a ``wrap(...)`` of policies."""
        node = unwrap(node)
        if node is None or depth == 0:
            return None
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if self._is(fn, "cockatiel", "wrap"):
                found = [p for a in named(node.child_by_field_name("arguments")) for p in [self._policy(a, depth - 1)] if p is not None]
                return found[0] if len(found) == 1 else None
            return node if self._is(fn, "cockatiel", "retry") else None
        if node.type == "identifier":
            found = lookup(node, text(node))
            return self._policy(found[1], depth - 1) if found is not None and found[1] is not None else None
        if node.type == "member_expression" and unwrap(node.child_by_field_name("object")).type == "this":
            value = field_value(node, text(node.child_by_field_name("property")))
            return self._policy(value, depth - 1)
        return None

    def _filter(self, node, depth: int):
        """The errors a cockatiel policy handles (None: a predicate errlint cannot read decides)."""
        node = unwrap(node)
        if node is None or depth == 0:
            return None
        if node.type in ("identifier", "member_expression") and self._is(node, "cockatiel", "handleAll"):
            return _EVERYTHING
        if node.type == "identifier":
            found = lookup(node, text(node))
            return self._filter(found[1], depth - 1) if found is not None and found[1] is not None else None
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        args = [a for a in named(node.child_by_field_name("arguments")) if a.type != "comment"]
        found = self.imported(fn)
        if found is not None and found[0] == "cockatiel":
            return self._handles(found[1], None, args)
        fn = callee(fn)
        if fn.type == "member_expression":
            method = text(fn.child_by_field_name("property"))
            if method in ("orType", "orWhen", "orResultType", "orWhenResult"):
                return self._handles(method, self._filter(fn.child_by_field_name("object"), depth), args)
        return None

    def _handles(self, method: str, base, args):
        if method in ("handleResultType", "handleWhenResult", "orResultType", "orWhenResult"):
            return base if method.startswith("or") else _NOTHING  # about return values, not errors
        if method in ("handleType", "orType") and len(args) == 1:
            added = ((self._ref(args[0]),), ())
        elif method in ("handleWhen", "orWhen") and len(args) == 1:
            added = predicate(self.names, function_of(args[0]))
        else:
            return None  # handleType(X, predicate): a predicate narrows the class
        return added if method.startswith("handle") else either(base, added)

    def _ref(self, node) -> ClassRef:
        return ClassRef(self.names.qualname(node), node, text(node))

    def _cockatiel_wait(self, node) -> str:
        node = unwrap(node)
        if node is not None and node.type == "identifier":
            found = lookup(node, text(node))
            node = unwrap(found[1]) if found is not None and found[1] is not None else None
        if node is None or node.type != "new_expression":
            return "unknown"
        cls = self.imported(node.child_by_field_name("constructor"))
        name = cls[1] if cls is not None and cls[0] == "cockatiel" else None
        args = [a for a in named(node.child_by_field_name("arguments"))] if node.child_by_field_name("arguments") else []
        if name == "ExponentialBackoff":
            return "backoff"
        if name == "ConstantBackoff":
            return "none" if args and number(args[0]) == 0 else "constant"
        if name == "IterableBackoff" and args and unwrap(args[0]).type == "array":
            delays = [number(x) for x in named(unwrap(args[0]))]
            if delays and None not in delays:
                if max(delays) == 0:
                    return "none"
                if len(set(delays)) == 1:
                    return "constant"
                return "backoff" if delays == sorted(delays) else "unknown"
        return "unknown"

    def _retried(self, c: RetryConstruct, retried, stops=()) -> RetryConstruct:
        """Set what the construct retries: ``retried`` (what its options let be retried: (on,
        excluded), or None for a decision errlint cannot read), less what its function keeps from
        escaping (its ``catch`` clauses) or stops retrying (``stops``: ``AbortError``, ``bail``)."""
        if c.body.type in FUNCTIONS:
            retried = both(stopped(self.names, c.body, stops), retried)
        if retried is not None and any(r.qualname is None or r.qualname.startswith("?") for r in retried[1]):
            retried = None  # it lets through a class errlint cannot name: which, it cannot tell
        if retried is None:
            c.guarded = True
            return c
        on, excluded = retried
        c.on = (EVERY_ERROR,) if on is None else tuple(r.qualname or "?" for r in on)
        c.on_refs = None if on is None else list(on)
        c.excluded = tuple(dict.fromkeys(r.qualname for r in excluded))  # `bail(e); return;` names one class twice
        return c
