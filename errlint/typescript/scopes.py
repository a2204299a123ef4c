"""Declarations in TypeScript and JavaScript scopes: what the nearest declaration of a name says about it.

A scope is a block (the module, a ``{ ... }`` body, a ``case``), a function's
parameters, a ``catch`` parameter or a ``for`` header. Each is read once, the
first time a name is looked up in it, flow-insensitively: a name declared twice
in one scope, differently, is not followed.
"""
from __future__ import annotations

from .names import named, text

# nested functions and classes: their calls are not run where they are written
NESTED = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "class_declaration", "class", "abstract_class_declaration",
})
FUNCTIONS = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function",
})
BLOCKS = frozenset({"program", "statement_block", "switch_case", "switch_default", "class_static_block"})
CLASS_BODIES = frozenset({"class_declaration", "class", "abstract_class_declaration"})


def walk(node, skip_nested: bool = True):
    """``node`` and its descendants in source order, not entering nested functions and classes below ``node``."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is not node and skip_nested and current.type in NESTED:
            continue
        stack.extend(reversed(current.children))


class Scopes:
    """The declarations of one file's scopes, read on demand."""

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, tuple]] = {}

    def _declaration(self, ident):
        """(kind, type, value, node) of the nearest declaration of ``ident``'s name: kind is "variable"
        (a parameter or a variable), "function" or "other" (a class, a catch parameter, a loop variable)."""
        name = text(ident)
        node = ident.parent
        while node is not None:
            scope = self._scope(node)
            if scope is not None and name in scope:
                return scope[name]
            node = node.parent
        return None

    def _scope(self, node) -> dict[str, tuple] | None:
        kind = node.type
        if kind not in BLOCKS and kind not in FUNCTIONS and kind not in ("catch_clause", "for_statement", "for_in_statement"):
            return None
        found = self._scopes.get(node.id)
        if found is None:
            found = self._scopes[node.id] = self._read_scope(node)
        return found

    def _read_scope(self, node) -> dict[str, tuple]:
        out: dict[str, tuple] = {}

        def bind(name_node, entry) -> None:
            if name_node is None or name_node.type != "identifier":
                return
            name = text(name_node)
            if name in out and out[name] != entry:
                out[name] = ("other", None, None, None)  # declared twice, differently: not followed
            else:
                out[name] = entry

        kind = node.type
        if kind in FUNCTIONS:
            single = node.child_by_field_name("parameter")  # x => ...
            if single is not None:
                bind(single, ("variable", None, None, single))
            params = node.child_by_field_name("parameters")
            for p in named(params) if params is not None else ():
                if p.type in ("required_parameter", "optional_parameter"):
                    pattern = p.child_by_field_name("pattern")
                    bind(pattern, ("variable", p.child_by_field_name("type"), p.child_by_field_name("value"), p))
                elif p.type == "identifier":  # JavaScript
                    bind(p, ("variable", None, None, p))
                elif p.type == "assignment_pattern":
                    bind(p.child_by_field_name("left"), ("variable", None, p.child_by_field_name("right"), p))
            return out
        if kind == "catch_clause":
            bind(node.child_by_field_name("parameter"), ("other", None, None, None))
            return out
        if kind == "for_statement":
            init = node.child_by_field_name("initializer")
            for d in named(init) if init is not None else ():
                if d.type == "variable_declarator":
                    bind(d.child_by_field_name("name"), ("other", None, None, None))
            return out
        if kind == "for_in_statement":
            bind(node.child_by_field_name("left"), ("other", None, None, None))
            return out
        for stmt in named(node):
            self._statement(stmt, bind)
        return out

    def _statement(self, stmt, bind) -> None:
        kind = stmt.type
        if kind in ("export_statement", "ambient_declaration"):
            inner = stmt.child_by_field_name("declaration") if kind == "export_statement" else None
            for part in [inner] if inner is not None else named(stmt):
                if part.type in ("lexical_declaration", "variable_declaration", "function_declaration", "class_declaration",
                                 "abstract_class_declaration", "function_signature"):
                    self._statement(part, bind)
            return
        if kind in ("lexical_declaration", "variable_declaration"):
            for d in named(stmt):
                if d.type == "variable_declarator":
                    bind(d.child_by_field_name("name"), ("variable", d.child_by_field_name("type"), d.child_by_field_name("value"), d))
        elif kind in ("function_declaration", "generator_function_declaration", "function_signature"):
            bind(stmt.child_by_field_name("name"), ("function", stmt.child_by_field_name("return_type"), None, stmt))
        elif kind in CLASS_BODIES:
            bind(stmt.child_by_field_name("name"), ("other", None, None, None))
