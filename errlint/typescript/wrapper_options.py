"""What the retry wrappers' reading (:mod:`errlint.typescript.wrappers`) reads of the calls themselves:
an options object, a cap and the growth of the waits it sets, a callee as compilers write it, the
library a value is (``require``, ``import()``, interop helpers), a class field's value, what a name
is declared as where it is used, a literal number."""
from __future__ import annotations

import math

from ..facts import RetryConstruct
from .names import named, string_value, text, unwrap
from .wrapper_syntax import FUNCTIONS, parameters, walk

LIBRARIES = ("p-retry", "async-retry", "exponential-backoff", "cockatiel")
_SCOPES = frozenset({"statement_block", "program", "switch_case"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def options(node) -> dict | None:
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


def unread(c: RetryConstruct) -> RetryConstruct:
    """Options errlint cannot read: nothing known of its classes, cap or waits."""
    c.guarded, c.cap, c.wait = True, None, "unknown"
    return c


def attempts(c: RetryConstruct, opts: dict, key: str, default: float, retries: bool) -> bool:
    """Set the cap (every attempt) from option ``key`` (``retries``: it counts retries); False: it runs once."""
    value = opts.get(key)
    n = default if value is None else number(value)
    if n is None:
        c.cap = None
    elif n == math.inf:
        c.cap, c.bounded = None, time_bound(opts)
    else:
        c.cap = int(n) + (1 if retries else 0)
        if c.cap <= 1:
            return False
    return True


def time_bound(opts: dict) -> bool:
    """Does something besides the attempts stop it: a ``maxRetryTime``, an abort ``signal``?"""
    return "maxRetryTime" in opts or "signal" in opts


def growth(opts: dict, factor_key: str, first_key: str, most_key: str) -> str:
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


INTEROP = frozenset({"__importStar", "__importDefault", "__toESM", "_interopRequireDefault", "_interopRequireWildcard"})


def callee(node):
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


def module_value(node) -> tuple[str, str] | None:
    """(library, name) a value is: ``require("p-retry")``, ``await import("p-retry")``, a compiler's
    interop helper around them (``__importStar(...)``) -> ("p-retry", "*"); a member of those -> its name."""
    node = unwrap(node)
    if node is not None and node.type == "await_expression":
        node = unwrap(named(node)[0]) if named(node) else None
    if node is None:
        return None
    if node.type == "member_expression":
        inner = module_value(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return (inner[0], text(prop)) if inner is not None and inner[1] == "*" and prop is not None else None
    if node.type != "call_expression":
        return None
    fn = callee(node.child_by_field_name("function"))
    args = [a for a in named(node.child_by_field_name("arguments")) if a.type != "comment"]
    if fn is None or len(args) != 1:
        return None
    name = text(fn.child_by_field_name("property")) if fn.type == "member_expression" else text(fn)
    if fn.type == "import" or name == "require":
        spec = string_value(args[0])
        return (spec, "*") if spec in LIBRARIES else None
    return module_value(args[0]) if name in INTEROP else None


def written(fn) -> str:
    """A callee as a message names it: ``policy.execute``, ``retry(...).execute`` for an inline policy."""
    fn = callee(fn)
    if fn.type == "member_expression":
        obj = unwrap(fn.child_by_field_name("object"))
        prop = text(fn.child_by_field_name("property"))
        if obj.type == "call_expression":
            return f"{written(obj.child_by_field_name('function'))}(...).{prop}"
        return f"{written(obj)}.{prop}"
    return "".join(text(fn).split())


def is_true(node) -> bool:
    return node is not None and unwrap(node).type == "true"


def calls(node, name: str) -> bool:
    fn = node.child_by_field_name("function")
    return fn is not None and fn.type == "identifier" and text(fn) == name


def field_value(member, name: str):
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


# -- names and literals -------------------------------------------------------------------
def lookup(node, name: str):
    """What ``name`` is declared as where ``node`` is: ("value", the initial value) for a
    ``const`` / ``let`` / ``var``, ("function", node) for a function declaration, ("parameter",
    None) for a parameter, ("top", node) for a top-level declaration; None: not declared."""
    scope = node.parent
    while scope is not None:
        if scope.type in _SCOPES:
            for stmt in named(scope):
                found = _declares(stmt, name)
                if found is not None:
                    return ("top", found[1]) if scope.type == "program" else found
        elif scope.type in FUNCTIONS:
            if any(_binds(p.child_by_field_name("pattern") or p.child_by_field_name("left") or p, name) for p in parameters(scope)):
                return ("parameter", None)
        elif scope.type == "catch_clause":
            param = scope.child_by_field_name("parameter")
            if param is not None and _binds(param, name):
                return ("parameter", None)
        scope = scope.parent
    return None


def _declares(stmt, name):
    if stmt.type == "export_statement":
        decl = stmt.child_by_field_name("declaration")
        return _declares(decl, name) if decl is not None else None
    if stmt.type in _DECLARATIONS:
        for d in named(stmt):
            target = d.child_by_field_name("name") if d.type == "variable_declarator" else None
            if target is not None and target.type == "identifier" and text(target) == name:
                return ("value", d.child_by_field_name("value"))
            if target is not None and target.type != "identifier" and _binds(target, name):
                return ("value", None)
    elif stmt.type in ("function_declaration", "generator_function_declaration", "class_declaration"):
        ident = stmt.child_by_field_name("name")
        if ident is not None and text(ident) == name:
            return ("function", stmt)
    return None


def _binds(pattern, name: str) -> bool:
    return any(text(n) == name for n in walk(pattern, ("identifier", "shorthand_property_identifier_pattern")))


def function_of(node):
    """The function ``node`` is or names (an identifier declared as a function or a function value)."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in FUNCTIONS:
        return node
    if node.type == "identifier":
        found = lookup(node, text(node))
        if found is not None and found[1] is not None:
            value = unwrap(found[1])
            return value if value.type in FUNCTIONS else None
    return None


def number(node) -> float | None:
    """A literal number (``3``, ``1_000``, ``Infinity``, ``Number.POSITIVE_INFINITY``), a ``const``'s
    literal value included; None: not one errlint reads."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "number":
        raw = text(node).replace("_", "").lower()
        try:
            return float(int(raw, 0)) if raw.startswith(("0x", "0o", "0b")) else float(raw)
        except ValueError:
            return None
    if node.type == "identifier":
        if text(node) == "Infinity" and lookup(node, "Infinity") is None:
            return math.inf
        found = lookup(node, text(node))
        if found is not None and found[1] is not None and found[1].type != "identifier":
            return number(found[1])
        return None
    if node.type == "member_expression" and "".join(text(node).split()) == "Number.POSITIVE_INFINITY":
        return math.inf
    return None
