"""Status and code collections in TypeScript / JavaScript, and the retry decisions that test the caught error against them.

A collection is written as an array literal (``[429, 503]``, ``["ETIMEDOUT", "ECONNRESET"] as const``),
``new Set([...])``, ``Object.freeze([...])``, or a name bound once to one of those: a
``const`` of the function or the module, or a class field (``this.RETRYABLE``,
``static readonly RETRYABLE``, ``Client.RETRYABLE``). Its entries are all integers
or all strings. Those bound to a name that says they hold what is retried
(``facts.retryable_name``) are the file's named collections, an options object's
property (``{ retryableStatusCodes: [...] }``) included.

A *retry decision* is a test, in a handler that retries, of the caught error's status
or code (``e.status``, ``e.statusCode``, ``e.code``, ``e.response.status``,
``e.response?.status``, ``(e as HttpError).status``, ``Number(...)`` of one, or a name
bound to one: ``const status = e.status ?? e.response?.status``, ``const { status } = e``)
with ``C.includes(s)`` / ``C.has(s)``: ``if (C.includes(e.status))`` whose branch goes
on to the next attempt, or ``if (!C.includes(e.status))`` whose branch gives up (when
that test is not one half of an ``&&``) make ``C`` the retried set.
"""
from __future__ import annotations

from dataclasses import replace

from ..facts import ValueCollection, retryable_name
from .bindings import Bindings, int_literal
from .conditions import comparison, name_of, switch_cases
from .flow import FUNCTIONS, exits
from .names import named, string_value, text, unwrap

_GIVE_UP = frozenset({"raise", "return", "break"})
_MEMBERSHIP = frozenset({"includes", "has"})
_CONVERT = frozenset({"Number", "parseInt", "String"})
_FIELDS = ("public_field_definition", "field_definition")


def status_word(attr: str) -> bool:
    """An attribute that holds an error's status or code: ``status``, ``statusCode``, ``code``, ``errno``,
    ``httpStatusCode``, and ``name`` / ``type`` (AWS SDK v3's error code, stripe-node's class name)."""
    low = attr.lower()
    return "status" in low or low in ("code", "errno", "name", "type") or low.endswith("_code") or attr.endswith("Code")


class TsCollections:
    """Reads collections and the retry decisions of handlers."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        self._nodes: dict[int, object] = {}  # one Python object per tree node: checks tell collections apart by id()

    def _canon(self, node):
        return self._nodes.setdefault(node.id, node)

    # -- what a collection holds ------------------------------------------------------
    def literal(self, expr) -> ValueCollection | None:
        expr = unwrap(expr)
        if expr is None:
            return None
        expr = self._canon(expr)
        if expr.type in ("new_expression", "call_expression"):
            ctor = expr.child_by_field_name("constructor") or expr.child_by_field_name("function")
            args = expr.child_by_field_name("arguments")
            values = named(args) if args is not None and args.type == "arguments" else []
            if ctor is not None and text(ctor) in ("Set", "Object.freeze") and len(values) == 1:
                inner = self.literal(values[0])
                return ValueCollection(expr, inner.entries) if inner is not None else None
            return None
        if expr.type != "array":
            return None
        out = []
        for element in named(expr):
            value = _value_of(element)
            if value is None:
                return None  # a spread, a name, an expression: not a collection errlint reads
            out.append((self._canon(element), value))
        if not out or len({type(v) for _, v in out}) != 1:
            return None
        return ValueCollection(expr, tuple(out))

    def collection(self, expr) -> ValueCollection | None:
        """The values of ``expr``: written in place, or through a name bound once to a collection."""
        found = self.literal(expr)
        if found is not None:
            return found
        expr = unwrap(expr)
        if expr is None:
            return None
        name, value = None, None
        if expr.type == "identifier":
            name = text(expr)
            bound = self.bindings.lookup(name, expr)
            if len(bound) == 1 and bound[0][0] in ("const", "let"):
                value = bound[0][1]
        elif expr.type == "member_expression":
            value, name = self._field(expr)
        if value is None:
            return None
        found = self.literal(value)
        return ValueCollection(found.node, found.entries, name) if found is not None else None

    def _field(self, expr):
        """``this.X`` / ``Cls.X``: the value of field ``X`` of the enclosing class (or of class ``Cls`` of the module)."""
        obj = unwrap(expr.child_by_field_name("object"))
        prop = expr.child_by_field_name("property")
        if obj is None or prop is None:
            return None, None
        cls = None
        if obj.type == "this":
            cls = expr.parent
            while cls is not None and cls.type not in ("class_declaration", "abstract_class_declaration", "class"):
                cls = cls.parent
        elif obj.type == "identifier":
            root = expr
            while root.parent is not None:
                root = root.parent
            cls = next((c for c in _classes(root) if _name(c) == text(obj)), None)
        if cls is None:
            return None, None
        body = cls.child_by_field_name("body")
        found = [
            f for f in (named(body) if body is not None else ())
            if f.type in _FIELDS and _field_name(f) == text(prop)
        ]
        if len(found) != 1:
            return None, None
        return found[0].child_by_field_name("value"), f"{text(obj)}.{text(prop)}"

    # -- retry decisions -----------------------------------------------------------------
    def retry_decisions(self, segments, errors: set[str], own=None):
        """The collections the tests of a retrying handler hold the error's status or code against, as the retried
        set: the ``if`` statements and ``switch`` statements under ``segments``, and ``own``, the ``if`` whose
        branch the handler is (``e instanceof X && RETRY.has(e.status)``, ``e.status === 429 || e.status >= 500``)."""
        stmts = [s for seg in segments for s in seg]
        aliases = self._aliases(stmts, errors)
        tests = [(own.child_by_field_name("condition"), False)] if own is not None else []
        for node in _walk(stmts):
            if node.type == "switch_statement":
                coll = switch_cases(node, errors, aliases, is_status_of, self._canon)
                if coll is not None:
                    yield replace(coll, name=name_of(coll))
                continue
            if node.type != "if_statement":
                continue
            cons = node.child_by_field_name("consequence")
            if cons is not None:
                found = exits([cons])
                tests.append((node.child_by_field_name("condition"), bool(found) and found <= _GIVE_UP))
        for test, gives_up in tests:
            for leaf, negated, conjunct in _leaves(unwrap(test)) if test is not None else ():
                target = self._membership(leaf, errors, aliases)
                if target is not None:
                    if (not negated and not gives_up) or (negated and gives_up and not conjunct):
                        coll = self.collection(target)
                        if coll is not None:
                            yield coll
                    continue
                if negated or gives_up:
                    continue  # a comparison that gives up: what it retries is the rest, which a comparison does not list
                coll = comparison(leaf, errors, aliases, is_status_of, self._canon)
                if coll is not None:
                    yield replace(coll, name=name_of(coll))

    def _membership(self, node, errors, aliases):
        """``C.includes(s)`` / ``C.has(s)`` with ``s`` the error's status or code: ``C``."""
        if node is None or node.type != "call_expression":
            return None
        fn = unwrap(node.child_by_field_name("function"))
        if fn is None or fn.type != "member_expression":
            return None
        prop = fn.child_by_field_name("property")
        args = node.child_by_field_name("arguments")
        values = named(args) if args is not None and args.type == "arguments" else []
        if prop is None or text(prop) not in _MEMBERSHIP or len(values) != 1:
            return None
        if not is_status_of(values[0], errors, aliases):
            return None
        return fn.child_by_field_name("object")

    @staticmethod
    def _aliases(stmts, errors: set[str]) -> set[str]:
        """Names bound to the error's status or code: ``const status = e.status ?? e.response?.status``, ``const { code } = e``."""
        out: set[str] = set()
        for node in _walk(stmts):
            if node.type != "variable_declarator":
                continue
            target = node.child_by_field_name("name")
            value = unwrap(node.child_by_field_name("value"))
            if target is None or value is None:
                continue
            if target.type == "identifier" and is_status_of(value, errors, out):
                out.add(text(target))
            elif target.type == "object_pattern" and value.type == "identifier" and text(value) in errors:
                for part in named(target):
                    if part.type == "shorthand_property_identifier_pattern" and status_word(text(part)):
                        out.add(text(part))
                    elif part.type == "pair_pattern":
                        key, bound = part.child_by_field_name("key"), part.child_by_field_name("value")
                        if key is not None and bound is not None and bound.type == "identifier" and status_word(text(key)):
                            out.add(text(bound))
        return out

    # -- collections named as retryable ---------------------------------------------------
    def named_collections(self, root):
        """(name, collection) for each collection bound to a name that says it holds what is retried, in source order."""
        for node in _walk([root], into_functions=True):
            name = value = None
            if node.type == "variable_declarator":
                target = node.child_by_field_name("name")
                if target is not None and target.type == "identifier":
                    name, value = text(target), node.child_by_field_name("value")
            elif node.type in _FIELDS:
                name, value = _field_name(node), node.child_by_field_name("value")
            elif node.type == "pair":  # { retryableStatusCodes: [429, 503] } (an options object)
                key = node.child_by_field_name("key")
                name = (string_value(key) if key.type == "string" else text(key)) if key is not None else None
                value = node.child_by_field_name("value")
            elif node.type == "assignment_expression":
                left = unwrap(node.child_by_field_name("left"))
                if left is not None and left.type == "member_expression":
                    prop = left.child_by_field_name("property")
                    name = text(prop) if prop is not None else None
                elif left is not None and left.type == "identifier":
                    name = text(left)
                value = node.child_by_field_name("right")
            if name and value is not None and retryable_name(name):
                coll = self.literal(value)
                if coll is not None:
                    yield name, coll


def is_status_of(expr, errors: set[str], aliases: set[str]) -> bool:
    """``e.status``, ``e.response?.status``, ``(e as X).statusCode``, ``e["code"]``, ``Number(e.status)``, an alias,
    ``a ?? b`` / ``a || b`` of those."""
    expr = unwrap(expr)
    if expr is None:
        return False
    kind = expr.type
    if kind == "identifier":
        return text(expr) in aliases
    if kind == "binary_expression":
        op = expr.child_by_field_name("operator")
        if op is not None and op.type in ("??", "||"):
            return any(is_status_of(expr.child_by_field_name(s), errors, aliases) for s in ("left", "right"))
        return False
    if kind == "call_expression":
        fn = expr.child_by_field_name("function")
        args = expr.child_by_field_name("arguments")
        values = named(args) if args is not None and args.type == "arguments" else []
        return fn is not None and text(fn) in _CONVERT and len(values) >= 1 and is_status_of(values[0], errors, aliases)
    if kind == "member_expression":
        prop = expr.child_by_field_name("property")
        attr = text(prop) if prop is not None else ""
    elif kind == "subscript_expression":
        attr = string_value(expr.child_by_field_name("index")) or ""
    else:
        return False
    if not status_word(attr):
        return False
    root = unwrap(expr.child_by_field_name("object"))
    while root is not None and root.type in ("member_expression", "subscript_expression"):
        root = unwrap(root.child_by_field_name("object"))
    return root is not None and root.type == "identifier" and text(root) in errors


def _value_of(node) -> int | str | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "number":
        return int_literal(node)
    return string_value(node)


def _leaves(test, negated: bool = False, conjunct: bool = False):
    """The operands of ``test``'s ``&&`` / ``||`` (through ``!``): (operand, negated, under an ``&&``)."""
    if test is None:
        return
    if test.type == "unary_expression" and test.children and test.children[0].type == "!":
        yield from _leaves(unwrap(test.child_by_field_name("argument")), not negated, conjunct)
        return
    if test.type == "binary_expression":
        op = test.child_by_field_name("operator")
        if op is not None and op.type in ("&&", "||"):
            inner = conjunct or op.type == ("||" if negated else "&&")
            for side in ("left", "right"):
                yield from _leaves(unwrap(test.child_by_field_name(side)), negated, inner)
            return
    yield test, negated, conjunct


def _walk(stmts, into_functions: bool = False):
    stack = list(reversed(list(stmts)))
    while stack:
        node = stack.pop()
        if not into_functions and node.type in FUNCTIONS:
            continue
        yield node
        stack.extend(reversed(named(node)))


def _classes(root):
    for node in named(root):
        inner = node.child_by_field_name("declaration") if node.type == "export_statement" else node
        if inner is not None and inner.type in ("class_declaration", "abstract_class_declaration"):
            yield inner


def _name(cls) -> str:
    name = cls.child_by_field_name("name")
    return text(name) if name is not None else ""


def _field_name(field) -> str | None:
    name = field.child_by_field_name("name") or field.child_by_field_name("property")
    return text(name) if name is not None else None
