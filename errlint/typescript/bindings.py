"""What a local name is bound and assigned to, function by function (for delays, caps and collections).

``Bindings.lookup(name, at)`` gives every way ``name`` gets a value in the function
that holds ``at`` and, when that function does not declare it, in the enclosing
ones up to the module: ``("const", value)``, ``("let", value)`` (``var`` too),
``("param", default or None)``, ``("assign", value)``, ``("aug", the assignment)``
(``x *= 2``), ``("update", node)`` (``x++``), ``("for-of", iterable)``,
``("pattern", None)`` (destructured, or a loop variable errlint does not follow).
Names are matched by text within a function: close enough for the questions asked
(does this delay grow? is this cap a literal?), never used to name a class.
"""
from __future__ import annotations

from .flow import FUNCTIONS
from .names import named, text, unwrap

SCOPES = frozenset(FUNCTIONS - {"class_declaration", "abstract_class_declaration", "class", "class_body"}) | {"program"}
_DECLARING = frozenset({"const", "let", "param", "pattern", "for-of", "function"})


def scope_of(node):
    """The function (or the module) ``node`` is in."""
    parent = node.parent
    while parent is not None and parent.type not in SCOPES:
        parent = parent.parent
    return parent


def _pattern_names(node):
    """The identifiers a binding pattern binds (``[a, b]``, ``{ a, b: c }``, ``...rest``, ``a = 1``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "shorthand_property_identifier_pattern"):
            yield current
        elif current.type == "pair_pattern":
            value = current.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif current.type not in ("property_identifier",) and current.type not in FUNCTIONS:
            stack.extend(named(current))


class Bindings:
    """The names of each function of one file, read when first asked."""

    def __init__(self) -> None:
        self._tables: dict[int, dict[str, list[tuple[str, object]]]] = {}

    def lookup(self, name: str, at) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        scope = scope_of(at)
        while scope is not None:
            found = self.table(scope).get(name, [])
            out.extend(found)
            if any(how in _DECLARING for how, _ in found):
                break
            scope = scope_of(scope) if scope.type != "program" else None
        return out

    def const_int(self, name: str, at) -> int | None:
        """The value of ``name`` when it is a ``const`` (or a never reassigned ``let``) bound to an integer literal."""
        found = self.lookup(name, at)
        if len(found) == 1 and found[0][0] in ("const", "let"):
            return int_literal(found[0][1])
        return None

    def table(self, scope) -> dict[str, list[tuple[str, object]]]:
        key = scope.id
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = self._read(scope)
        return table

    def _read(self, scope) -> dict[str, list[tuple[str, object]]]:
        table: dict[str, list[tuple[str, object]]] = {}

        def add(ident, how, value) -> None:
            table.setdefault(text(ident), []).append((how, value))

        params = scope.child_by_field_name("parameters") if scope.type != "program" else None
        single = scope.child_by_field_name("parameter") if scope.type == "arrow_function" else None
        if single is not None:
            add(single, "param", None)
        for param in named(params) if params is not None else ():
            pattern = param.child_by_field_name("pattern") or param
            value = param.child_by_field_name("value")
            if pattern.type == "identifier":
                add(pattern, "param", value)
            else:
                for ident in _pattern_names(pattern):
                    add(ident, "pattern", None)
        body = scope.child_by_field_name("body") if scope.type != "program" else scope
        stack = [body] if body is not None else []
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in FUNCTIONS:
                name = node.child_by_field_name("name")
                if name is not None and kind in ("function_declaration", "generator_function_declaration"):
                    add(name, "function", node)
                continue
            if kind == "variable_declarator":
                target = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
                parent = node.parent
                how = "const" if parent is not None and parent.children and parent.children[0].type == "const" else "let"
                if target is not None and target.type == "identifier":
                    add(target, how, value)
                elif target is not None:
                    for ident in _pattern_names(target):
                        add(ident, "pattern", None)
            elif kind == "assignment_expression":
                left = unwrap(node.child_by_field_name("left"))
                if left is not None and left.type == "identifier":
                    add(left, "assign", node.child_by_field_name("right"))
            elif kind == "augmented_assignment_expression":
                left = unwrap(node.child_by_field_name("left"))
                if left is not None and left.type == "identifier":
                    add(left, "aug", node)
            elif kind == "update_expression":
                arg = unwrap(node.child_by_field_name("argument"))
                if arg is not None and arg.type == "identifier":
                    add(arg, "update", node)
            elif kind == "for_in_statement":
                left = node.child_by_field_name("left")
                of = any(c.type == "of" for c in node.children)
                if left is not None and left.type == "identifier":
                    add(left, "for-of" if of else "pattern", node.child_by_field_name("right") if of else None)
                elif left is not None:
                    for ident in _pattern_names(left):
                        add(ident, "pattern", None)
            stack.extend(reversed(named(node)))
        return table


def int_literal(node) -> int | None:
    """An integer written as a number literal (``3``, ``1_000``, ``0x10``, ``3.0``), else None."""
    node = unwrap(node)
    if node is None or node.type != "number":
        return None
    raw = text(node).replace("_", "").lower()
    try:
        value = float(raw) if ("." in raw or "e" in raw) and not raw.startswith("0x") else int(raw, 0)
    except ValueError:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return value
