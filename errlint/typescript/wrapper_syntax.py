"""What the retry wrappers' reading (:mod:`errlint.typescript.wrappers`) reads of the syntax: which
errors a predicate retries, which a retried function's body stops retrying or keeps from escaping.

A retried set is a pair ``(on, excluded)``: the errors that are instances of a class of ``on``
(``None``: every error) and of none of ``excluded``, each class a
:class:`~errlint.facts.ClassRef`. ``None`` instead of a pair is a decision errlint cannot read
(a test of the error's status, a call): the construct is *guarded*.

A predicate reads when its tests are ``instanceof`` tests of the error joined with ``!``,
``||`` and ``&&`` (``(e) => !(e instanceof GrantExpiredError)``), or a block of
``if (test) return true|false;`` ending in ``return <test>``. The error is the predicate's
first parameter, that parameter's ``error`` (p-retry 7 passes a context: ``({ error }) =>``,
``(ctx) => ctx.error instanceof X``), or a ``catch`` clause's / ``.catch()`` callback's parameter.
"""
from __future__ import annotations

from ..facts import ClassRef
from .names import named, text, unwrap

FUNCTIONS = frozenset({
    "arrow_function", "function_expression", "function", "method_definition", "function_declaration",
    "generator_function", "generator_function_declaration",
})
_EVERYTHING = (None, ())
_NOTHING = ((), ())


# -- the algebra of retried sets ------------------------------------------------------------
def negate(x):
    if x is None:
        return None
    on, excluded = x
    if on is None:
        return (excluded, ())  # not (not any of B) = any of B
    if not excluded:
        return (None, on)
    return None


def either(a, b):
    """``a || b``."""
    if a is None or b is None:
        return None
    if a == _NOTHING:
        return b
    if b == _NOTHING:
        return a
    if a == _EVERYTHING or b == _EVERYTHING:
        return _EVERYTHING
    if a[0] is not None and b[0] is not None and not a[1] and not b[1]:
        return (a[0] + b[0], ())
    return None


def both(a, b):
    """``a && b``."""
    if a is None or b is None:
        return None
    if a == _NOTHING or b == _NOTHING:
        return _NOTHING
    if a[0] is None:
        return (b[0], a[1] + b[1])
    if b[0] is None:
        return (a[0], a[1] + b[1])
    return None


# -- reading tests ------------------------------------------------------------------------
def error_test(names, node, is_error):
    """The errors the boolean expression ``node`` is true for; None: not a test errlint reads."""
    node = unwrap(node)
    if node is None:
        return None
    kind = node.type
    if kind == "true":
        return _EVERYTHING
    if kind == "false":
        return _NOTHING
    if kind == "unary_expression" and _operator(node) == "!":
        return negate(error_test(names, node.child_by_field_name("argument"), is_error))
    if kind == "binary_expression":
        op = _operator(node)
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op == "instanceof" and left is not None and right is not None and is_error(unwrap(left)):
            return ((ClassRef(names.qualname(right), right, text(right)),), ())
        if op == "||":
            return either(error_test(names, left, is_error), error_test(names, right, is_error))
        if op == "&&":
            return both(error_test(names, left, is_error), error_test(names, right, is_error))
    return None


def _operator(node) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def error_matcher(param):
    """``is_error(node)`` for a function's first parameter: ``e``, ``e.error``, ``{ error }``, ``{ error: e }``."""
    names: set[str] = set()
    contexts: set[str] = set()
    if param is not None:
        param = param.child_by_field_name("pattern") or param
        if param.type == "identifier":
            names.add(text(param))
            contexts.add(text(param))
        elif param.type == "object_pattern":
            for prop in named(param):
                if prop.type == "shorthand_property_identifier_pattern" and text(prop) == "error":
                    names.add("error")
                elif prop.type == "pair_pattern":
                    key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is not None and value is not None and text(key) == "error" and value.type == "identifier":
                        names.add(text(value))

    def is_error(node) -> bool:
        if node is None:
            return False
        if node.type == "identifier":
            return text(node) in names
        if node.type == "member_expression":
            obj, prop = unwrap(node.child_by_field_name("object")), node.child_by_field_name("property")
            return obj is not None and obj.type == "identifier" and text(obj) in contexts and prop is not None and text(prop) == "error"
        return False

    return is_error


def parameters(fn) -> list:
    """A function's parameters, in order (an arrow's lone ``e`` too)."""
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [single]
    params = fn.child_by_field_name("parameters")
    return [p for p in named(params) if p.type != "this"] if params is not None else []


def parameter_name(fn, index: int) -> str | None:
    params = parameters(fn)
    if len(params) <= index:
        return None
    p = params[index].child_by_field_name("pattern") or params[index]
    return text(p) if p.type == "identifier" else None


def predicate(names, fn):
    """The errors a predicate function returns true for (None: errlint cannot read it)."""
    if fn is None or fn.type not in FUNCTIONS:
        return None
    params = parameters(fn)
    is_error = error_matcher(params[0] if params else None)
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        return error_test(names, body, is_error)
    stmts = [s for s in named(body) if s.type != "comment"]
    if not stmts or stmts[-1].type != "return_statement":
        return None
    value = _returned(names, stmts[-1], is_error)
    for stmt in reversed(stmts[:-1]):
        if value is None:
            return None
        if stmt.type == "if_statement" and stmt.child_by_field_name("alternative") is None:
            last = _last_statement(stmt.child_by_field_name("consequence"))
            if last is None or last.type != "return_statement" or _returns_inside(stmt, last):
                return None
            verdict = _returned(names, last, is_error)
            test = error_test(names, stmt.child_by_field_name("condition"), is_error)
            if verdict == _EVERYTHING:
                value = either(test, value)
            elif verdict == _NOTHING:
                value = both(negate(test), value)
            else:
                return None
        elif _returns_inside(stmt, None):
            return None  # a return or a throw errlint does not follow
    return value


def _returned(names, ret, is_error):
    values = named(ret)
    return error_test(names, values[0], is_error) if values else None


def _last_statement(node):
    if node is None:
        return None
    if node.type != "statement_block":
        return node
    stmts = [s for s in named(node) if s.type != "comment"]
    return stmts[-1] if stmts else None


def _returns_inside(node, allowed) -> bool:
    """Does ``node`` hold a ``return`` or ``throw`` (outside nested functions) other than ``allowed``?"""
    return any(n != allowed for n in walk(node, ("return_statement", "throw_statement")))


def walk(node, types, into_functions: bool = False):
    """The nodes of ``types`` under ``node`` (itself included), in source order; nested functions only when asked."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        if n is not node and n.type in FUNCTIONS and not into_functions:
            continue
        stack.extend(reversed(n.named_children))


def thrown(names, fn):
    """The errors a callback that may throw lets through (p-retry's ``onFailedAttempt``:
    ``if (e instanceof X) throw e;`` stops retrying X); None: errlint cannot read it."""
    if fn is None or fn.type not in FUNCTIONS:
        return None
    params = parameters(fn)
    is_error = error_matcher(params[0] if params else None)
    value = _EVERYTHING
    for throw in walk(fn, ("throw_statement",)):
        value = both(negate(_condition(names, throw, fn, is_error)), value)
    return value


def stopped(names, body, stops):
    """What a retried function's body lets be retried, given the places where it stops retrying
    (``throw new AbortError(e)``, ``bail(e)``) and where its own ``catch`` clauses and ``.catch()``
    callbacks keep an error from escaping (``return``): a stop inside a catch under ``instanceof``
    tests of the caught error excludes those classes; a stop outside any catch (a response
    check) excludes no error; any other stop, or a catch that may end without rethrowing, is a
    decision errlint cannot read (None)."""
    kept = swallowed(body)
    if kept is None:
        return None
    value = _EVERYTHING
    for stop in (*stops, *kept):
        catch = _catch_of(stop, body)
        if catch is False:
            return None
        if catch is None:
            continue  # not about a thrown error
        node, param = catch
        is_error = error_matcher(param)
        value = both(negate(_condition(names, stop, node, is_error)), value)
    return value


def swallowed(body):
    """The places where the catch clauses and ``.catch()`` callbacks of a retried function's body
    keep an error from escaping: their ``return`` statements, an expression callback's value
    (``.catch(() => null)``); None when one may end without rethrowing, or ``break`` / ``continue``."""
    out = []
    for node in walk(body, ("catch_clause", "call_expression")):
        if node.type == "catch_clause":
            block = node.child_by_field_name("body")
        else:
            callback = _catch_callback(node)
            block = callback.child_by_field_name("body") if callback is not None else None
            if block is not None and block.type != "statement_block":
                if not _rejects(block):
                    out.append(block)  # `.catch((e) => null)`: the value is the result
                continue
        if block is None:
            continue
        if any(True for _ in walk(block, ("break_statement", "continue_statement"))) or _falls_through(block):
            return None
        out.extend(walk(block, ("return_statement",)))
    return out


def _catch_callback(call):
    """``promise.catch(callback)``'s callback (None: not such a call)."""
    fn = call.child_by_field_name("function")
    prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
    args = call.child_by_field_name("arguments")
    first = [a for a in named(args) if a.type != "comment"][:1] if args is not None and args.type == "arguments" else []
    if prop is None or text(prop) != "catch" or not first or first[0].type not in FUNCTIONS:
        return None
    return first[0]


def _rejects(expr) -> bool:
    """``Promise.reject(...)``: the callback rethrows."""
    expr = unwrap(expr)
    fn = expr.child_by_field_name("function") if expr is not None and expr.type == "call_expression" else None
    return fn is not None and "".join(text(fn).split()) == "Promise.reject"


def _falls_through(block) -> bool:
    """Can control reach the end of ``block`` (a catch body)? Only a last ``throw`` / ``return``, or an
    ``if`` / ``else`` both of whose sides end so, says no."""
    stmts = [s for s in named(block) if s.type != "comment"] if block.type == "statement_block" else [block]
    if not stmts:
        return True
    last = stmts[-1]
    if last.type in ("throw_statement", "return_statement"):
        return False
    if last.type == "statement_block":
        return _falls_through(last)
    if last.type == "if_statement":
        cons, alt = last.child_by_field_name("consequence"), last.child_by_field_name("alternative")
        if cons is None or alt is None:
            return True
        inner = [c for c in named(alt) if c.type != "comment"]
        return _falls_through(cons) or not inner or _falls_through(inner[-1])
    return True


def _catch_of(stop, body):
    """The catch clause or ``.catch()`` callback a stop is in, with its parameter: (node, parameter);
    None: none (the stop is in the body itself); False: in a nested function errlint does not follow."""
    node = stop.parent
    while node is not None and node != body:
        if node.type == "catch_clause":
            return node, node.child_by_field_name("parameter")
        if node.type in FUNCTIONS:
            call = node.parent.parent if node.parent is not None and node.parent.type == "arguments" else None
            fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
            prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else None
            if prop is not None and text(prop) == "catch":
                params = parameters(node)
                return node, params[0] if params else None
            return False
        node = node.parent
    return None


def _condition(names, stop, top, is_error):
    """The errors for which control reaches ``stop`` inside ``top``: the ``if`` tests around it (None: unread)."""
    value = _EVERYTHING
    child, node = stop, stop.parent
    while node is not None and node != top:
        if node.type == "if_statement":
            if child == node.child_by_field_name("consequence"):
                value = both(error_test(names, node.child_by_field_name("condition"), is_error), value)
            elif child != node.child_by_field_name("condition"):
                return None  # an else branch: errlint does not negate a chain
        elif node.type in ("else_clause", "switch_statement", "ternary_expression", "while_statement", "for_statement"):
            return None
        child, node = node, node.parent
    return value
