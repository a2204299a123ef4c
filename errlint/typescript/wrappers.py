"""Retry wrappers in TypeScript and JavaScript: library calls that run a function again after an error.

Each becomes a :class:`~errlint.facts.RetryConstruct` whose ``body`` is the function run
again and whose ``at`` is the wrapper's call up to its ``(`` (``pRetry(``,
``policy.execute(``). The libraries are recognised through the file's imports (ESM
default, named and namespace imports, ``require``), never by a name alone; a local
name that shadows the import is not followed.

``p-retry`` (defaults read in p-retry 7.1.1's and 9.0.0's ``index.js``: ``retries`` 10, ``factor`` 2,
``minTimeout`` 1000 ms)
    ``pRetry(fn, { retries, shouldRetry, onFailedAttempt, factor, minTimeout, maxTimeout,
    maxRetryTime })`` and ``makeRetriable(fn, options)``. ``throw new AbortError(...)`` in
    ``fn`` stops retrying; so do ``shouldRetry`` returning false and ``onFailedAttempt``
    throwing. ``retries: Infinity`` (or p-retry 6's ``forever: true``) without
    ``maxRetryTime`` never stops.
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
from .names import named, string_value, text, unwrap
from .wrapper_syntax import FUNCTIONS, both, either, function_of, lookup, number, parameter_name, predicate, stopped, thrown, walk

EVERY_ERROR = "globalThis.Error"  # what a wrapper that filters nothing retries (rules/javascript.toml's root)
LIBRARIES = ("p-retry", "async-retry", "exponential-backoff", "cockatiel")
_MODULE = ("*", "default")  # the module itself (CommonJS ``require``) or its default export
_EVERYTHING = (None, ())
_NOTHING = ((), ())


class WrapperReader:
    """Finds the retry wrappers of one module (``names``: its :class:`~errlint.typescript.names.ModuleNames`)."""

    def __init__(self, names, span) -> None:
        self.names = names
        self.span = span  # node, end -> Span
        self.names_cockatiel = False  # the source mentions cockatiel: `x.execute(...)` may run a policy

    def constructs(self, root) -> list[RetryConstruct]:
        """The wrapper constructs under ``root``, in source order (none unless the module names a library)."""
        source = root.text
        self.names_cockatiel = b"cockatiel" in source
        if not any(lib.encode() in source for lib in LIBRARIES):
            return []
        out = []
        for call in walk(root, ("call_expression",), into_functions=True):
            c = self._construct(call)
            if c is not None:
                out.append(c)
        return out

    # -- what a name is -------------------------------------------------------------------
    def imported(self, node) -> tuple[str, str] | None:
        """(library, name) for an expression naming a library's export (``"*"``: the module itself)."""
        node = _callee(node)
        if node is None:
            return None
        if node.type == "identifier":
            binding = self.names.bindings.get(text(node))
            found = lookup(node, text(node))
            if found is not None and found[0] != "top" or binding is not None and binding[0] == "local":
                # a local name (which shadows the import), or a top-level one bound to something else:
                # ``(await import("p-retry")).default``, compiled ``__importDefault(require("p-retry"))``
                return _module_value(found[1]) if found is not None and found[1] is not None else None
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
        fn = _callee(fn)
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
        c = RetryConstruct(kind, call, call, body, description=f"{_written(fn)}(...)")
        c.at = self.span(fn, call.child_by_field_name("arguments").children[0])
        return c

    def _p_retry(self, call, args) -> RetryConstruct | None:
        c = self._new("p-retry", call, args)
        if c is None:
            return None
        opts = _options(args[1] if len(args) > 1 else None)
        if opts is None:
            return _unread(c)
        if not _attempts(c, opts, "retries", 10, retries=True):
            return None
        if _is_true(opts.get("forever")):  # p-retry before 7 (7 refuses the option)
            c.cap, c.bounded = None, "maxRetryTime" in opts
        c.wait = _growth(opts, "factor", "minTimeout", "maxTimeout")
        retried = _EVERYTHING
        if "shouldRetry" in opts:
            retried = both(predicate(self.names, function_of(opts["shouldRetry"])), retried)
        if "onFailedAttempt" in opts:
            retried = both(thrown(self.names, function_of(opts["onFailedAttempt"])), retried)
        if c.body.type in FUNCTIONS:
            stops = [n for n in walk(c.body, ("new_expression",), into_functions=True)
                     if self._is(n.child_by_field_name("constructor"), "p-retry", "AbortError")]
            retried = both(stopped(self.names, c.body, stops), retried)
        return self._retried(c, retried)

    def _async_retry(self, call, args) -> RetryConstruct | None:
        c = self._new("async-retry", call, args)
        if c is None:
            return None
        opts = _options(args[1] if len(args) > 1 else None)
        if opts is None:
            return _unread(c)
        if not _attempts(c, opts, "retries", 10, retries=True):
            return None
        if _is_true(opts.get("forever")):
            c.cap, c.bounded = None, "maxRetryTime" in opts
        c.wait = _growth(opts, "factor", "minTimeout", "maxTimeout")
        retried = _EVERYTHING
        bail = parameter_name(c.body, 0) if c.body.type in FUNCTIONS else None
        if bail is not None:
            stops = [n for n in walk(c.body, ("call_expression",), into_functions=True) if _calls(n, bail)]
            retried = stopped(self.names, c.body, stops)
        return self._retried(c, retried)

    def _backoff(self, call, args) -> RetryConstruct | None:
        c = self._new("exponential-backoff", call, args)
        if c is None:
            return None
        opts = _options(args[1] if len(args) > 1 else None)
        if opts is None:
            return _unread(c)
        if not _attempts(c, opts, "numOfAttempts", 10, retries=False):
            return None
        c.wait = _growth(opts, "timeMultiple", "startingDelay", "maxDelay")
        retried = _EVERYTHING
        if "retry" in opts:
            retried = predicate(self.names, function_of(opts["retry"]))
        return self._retried(c, retried)

    def _cockatiel(self, call, policy, args) -> RetryConstruct | None:
        c = self._new("cockatiel", call, args)
        if c is None:
            return None
        line = policy.start_point[0] + 1
        if line != call.start_point[0] + 1:
            c.description += f" (the retry policy of line {line})"
        pargs = [a for a in named(policy.child_by_field_name("arguments")) if a.type != "comment"]
        opts = _options(pargs[1] if len(pargs) > 1 else None)
        if opts is None:
            c.wait = "unknown"
        else:
            if not _attempts(c, opts, "maxAttempts", math.inf, retries=True):
                return None
            c.wait = self._cockatiel_wait(opts["backoff"]) if "backoff" in opts else "none"
        return self._retried(c, self._filter(pargs[0] if pargs else None, 3))

    def _policy(self, node, depth: int = 3):
        """The ``retry(...)`` call of cockatiel an ``execute``'s object is: inline, a ``const``, a class field."""
        node = unwrap(node)
        if node is None or depth == 0:
            return None
        if node.type == "call_expression":
            return node if self._is(node.child_by_field_name("function"), "cockatiel", "retry") else None
        if node.type == "identifier":
            found = lookup(node, text(node))
            return self._policy(found[1], depth - 1) if found is not None and found[1] is not None else None
        if node.type == "member_expression" and unwrap(node.child_by_field_name("object")).type == "this":
            value = _field_value(node, text(node.child_by_field_name("property")))
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
        fn = _callee(fn)
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

    def _retried(self, c: RetryConstruct, retried) -> RetryConstruct:
        """Set what the construct retries: ``retried`` is (on, excluded) or None (a decision errlint cannot read)."""
        if retried is not None and any(r.qualname is None or r.qualname.startswith("?") for r in retried[1]):
            retried = None  # it lets through a class errlint cannot name: which, it cannot tell
        if retried is None:
            c.guarded = True
            return c
        on, excluded = retried
        c.on = (EVERY_ERROR,) if on is None else tuple(r.qualname or "?" for r in on)
        c.on_refs = None if on is None else list(on)
        c.excluded = tuple(r.qualname for r in excluded)
        return c


# -- options ---------------------------------------------------------------------------------
def _options(node) -> dict | None:
    """An options object's properties by name ({} when there is none); None: not readable (a spread, a call)."""
    node = unwrap(node)
    if node is None:
        return {}
    if node.type == "identifier":
        found = lookup(node, text(node))
        node = unwrap(found[1]) if found is not None and found[1] is not None else None
        if node is None or node.type == "identifier":
            return None
    if node.type != "object":
        return None
    out = {}
    for prop in named(node):
        if prop.type == "pair":
            key = prop.child_by_field_name("key")
            name = text(key).strip("'\"") if key is not None and key.type in ("property_identifier", "string") else None
            if name is None:
                return None
            out[name] = prop.child_by_field_name("value")
        elif prop.type == "shorthand_property_identifier":
            out[text(prop)] = prop
        elif prop.type == "method_definition":
            out[text(prop.child_by_field_name("name"))] = prop
        elif prop.type != "comment":
            return None  # ...spread: any option may come from it
    return out


def _unread(c: RetryConstruct) -> RetryConstruct:
    """Options errlint cannot read: nothing known of its classes, cap or waits."""
    c.guarded, c.cap, c.wait = True, None, "unknown"
    return c


def _attempts(c: RetryConstruct, opts: dict, key: str, default: float, retries: bool) -> bool:
    """Set the cap (every attempt) from option ``key`` (``retries``: it counts retries); False: it runs once."""
    value = opts.get(key)
    n = default if value is None else number(value)
    if n is None:
        c.cap = None
    elif n == math.inf:
        c.cap, c.bounded = None, "maxRetryTime" in opts
    else:
        c.cap = int(n) + (1 if retries else 0)
        if c.cap <= 1:
            return False
    return True


def _growth(opts: dict, factor_key: str, first_key: str, most_key: str) -> str:
    """How the waits grow: none (no delay), constant (factor 1, or capped at the first delay), backoff, unknown."""
    values = {k: (number(opts[k]) if k in opts else None) for k in (factor_key, first_key, most_key)}
    if any(k in opts and values[k] is None for k in (factor_key, first_key)):
        return "unknown"
    first, most = values[first_key], values[most_key]
    if first == 0 or most == 0:
        return "none"
    factor = values[factor_key] if factor_key in opts else 2
    if factor <= 1 or (most is not None and first is not None and most <= first):
        return "constant"
    return "backoff"


_INTEROP = frozenset({"__importStar", "__importDefault", "__toESM", "_interopRequireDefault", "_interopRequireWildcard"})


def _callee(node):
    """A callee without what compilers wrap it in: ``(0, p_retry_1.default)`` is ``p_retry_1.default``
    (tree-sitter's JavaScript grammar reads ``await (0, f)(x)`` as a call of ``await(0, f)``: the ``await`` goes too)."""
    node = unwrap(node)
    while node is not None:
        if node.type == "call_expression" and text(node.child_by_field_name("function")) == "await":
            node = node.child_by_field_name("arguments")
        elif node.type not in ("sequence_expression", "await_expression", "arguments"):
            return node
        kids = named(node)
        node = unwrap(kids[-1]) if kids else None
    return node


def _module_value(node) -> tuple[str, str] | None:
    """(library, name) a value is: ``require("p-retry")``, ``await import("p-retry")``, a compiler's
    interop helper around them (``__importStar(...)``) -> ("p-retry", "*"); a member of those -> its name."""
    node = unwrap(node)
    if node is not None and node.type == "await_expression":
        node = unwrap(named(node)[0]) if named(node) else None
    if node is None:
        return None
    if node.type == "member_expression":
        inner = _module_value(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return (inner[0], text(prop)) if inner is not None and inner[1] == "*" and prop is not None else None
    if node.type != "call_expression":
        return None
    fn = _callee(node.child_by_field_name("function"))
    args = [a for a in named(node.child_by_field_name("arguments")) if a.type != "comment"]
    if fn is None or len(args) != 1:
        return None
    name = text(fn.child_by_field_name("property")) if fn.type == "member_expression" else text(fn)
    if fn.type == "import" or name == "require":
        spec = string_value(args[0])
        return (spec, "*") if spec in LIBRARIES else None
    return _module_value(args[0]) if name in _INTEROP else None


def _written(fn) -> str:
    """A callee as a message names it: ``policy.execute``, ``retry(...).execute`` for an inline policy."""
    fn = _callee(fn)
    if fn.type == "member_expression":
        obj = unwrap(fn.child_by_field_name("object"))
        prop = text(fn.child_by_field_name("property"))
        if obj.type == "call_expression":
            return f"{_written(obj.child_by_field_name('function'))}(...).{prop}"
        return f"{_written(obj)}.{prop}"
    return "".join(text(fn).split())


def _is_true(node) -> bool:
    return node is not None and unwrap(node).type == "true"


def _calls(node, name: str) -> bool:
    fn = node.child_by_field_name("function")
    return fn is not None and fn.type == "identifier" and text(fn) == name


def _field_value(member, name: str):
    """``this.<name>``'s value in the enclosing class: a field's initialiser, or the one ``this.<name> = ...``."""
    cls = member.parent
    while cls is not None and cls.type != "class_body":
        cls = cls.parent
    if cls is None:
        return None
    found = []
    for item in named(cls):
        if item.type in ("public_field_definition", "field_definition"):
            key = item.child_by_field_name("name") or item.child_by_field_name("property")
            if key is not None and text(key) == name and item.child_by_field_name("value") is not None:
                found.append(item.child_by_field_name("value"))
    for assign in walk(cls, ("assignment_expression",), into_functions=True):
        left = unwrap(assign.child_by_field_name("left"))
        if left is not None and left.type == "member_expression" and text(left).replace(" ", "") == f"this.{name}":
            found.append(assign.child_by_field_name("right"))
    return found[0] if len(found) == 1 else None
