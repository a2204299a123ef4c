"""Declarations in TypeScript and JavaScript scopes: what the nearest declaration of a name says about it.

A scope is a block (the module, a ``{ ... }`` body, a ``case``), a function's
parameters, a ``catch`` parameter or a ``for`` header. Each is read once, the
first time a name is looked up in it, flow-insensitively: a name declared twice
in one scope, differently, is not followed.
"""
from __future__ import annotations

from bisect import bisect_left

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


class CallIndex:
    """Every call of a file grouped by the function or class it runs in, in source order.

    The calls of a subtree that :func:`walk` would reach (nested functions and
    classes left out) are then a bisection of one group: nested ``try``
    statements each walked their whole body again, quadratic in their depth.
    One walk of the tree builds it; each call's group is known from that walk,
    and so is each block's (a try body); any other node finds its group by
    going up to the nearest function, class or known node.
    """

    def __init__(self, root, kinds: frozenset[str], find=None) -> None:
        """``find(types)``: the nodes of those types below ``root``, from a tree-sitter query (faster
        than a walk in Python); without it the tree is walked."""
        self._groups: dict[int | None, tuple[list[int], list]] = {}  # owner id -> (start bytes, calls)
        self._owner: dict[int, int | None] = {}  # node id -> owner id (None: the module's top level)
        self._kept: dict[int | None, tuple] = {}  # owner id -> what calls_in's ``keep`` kept (starts, calls, pairs)
        found = find(kinds | NESTED | {"statement_block"}) if find is not None else _walk_types(root, kinds | NESTED | {"statement_block"})
        found.sort(key=lambda n: (n.start_byte, -n.end_byte))  # source order, an outer node first
        open_: list = []  # the functions and classes around the current position, innermost last
        for node in found:
            while open_ and open_[-1].end_byte <= node.start_byte and open_[-1].id != node.id:
                open_.pop()
            owner = open_[-1].id if open_ else None
            kind = node.type
            if kind in kinds:
                starts, calls = self._groups.setdefault(owner, ([], []))
                starts.append(node.start_byte)
                calls.append(node)
            if kind in kinds or kind == "statement_block":
                self._owner[node.id] = owner
            if kind in NESTED:
                open_.append(node)

    def owner(self, node) -> int | None:
        """The id of the function or class whose body ``node`` is read in (``node`` itself if it is one)."""
        if node.type in NESTED:
            return node.id
        found = self._owner.get(node.id, self)
        if found is not self:
            return found
        climbed = []
        current = node.parent
        while current is not None and current.type not in NESTED and current.id not in self._owner:
            climbed.append(current.id)
            current = current.parent
        found = None if current is None else current.id if current.type in NESTED else self._owner[current.id]
        for key in (node.id, *climbed):
            self._owner[key] = found
        return found

    def calls_in(self, node, keep) -> list:
        """What ``keep(calls)`` keeps (``(call, value)`` pairs, in order) of the calls in ``node``'s
        subtree, those of nested functions below it left out: ``keep`` is asked once per group,
        and each answer costs a bisection and its length."""
        owner = self.owner(node)
        kept = self._kept.get(owner)
        if kept is None:
            found = keep(self._groups.get(owner, ((), ()))[1])
            kept = self._kept[owner] = ([n.start_byte for n, _ in found], [n for n, _ in found], found)
        starts, calls, pairs = kept
        lo, hi = _range(starts, calls, node)
        return [value for _, value in pairs[lo:hi]]

    def count(self, node) -> int:
        """How many calls are in ``node``'s subtree, nested functions left out, in a bisection."""
        starts, calls = self._groups.get(self.owner(node), ((), ()))
        lo, hi = _range(starts, calls, node)
        return hi - lo


def _walk_types(root, types) -> list:
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in types:
            out.append(node)
        stack.extend(node.children)
    return out


def _range(starts: list[int], calls: list, node) -> tuple[int, int]:
    """The slice of ``calls`` (in source order, starting at ``starts``) inside ``node``."""
    lo, hi = bisect_left(starts, node.start_byte), bisect_left(starts, node.end_byte)
    while lo < hi and calls[lo].start_byte == node.start_byte and calls[lo].end_byte > node.end_byte:
        lo += 1  # a call around ``node`` that starts where it starts (``node`` is its callee)
    return lo, hi


class Scopes:
    """The declarations of one file's scopes, read on demand."""

    def __init__(self) -> None:
        self._scopes: dict[int, dict[str, tuple]] = {}
        self._root = None

    def _declaration(self, ident):
        """(kind, type, value, node) of the nearest declaration of ``ident``'s name: kind is "variable"
        (a parameter or a variable), "function" or "other" (a class, a catch parameter, a loop variable)."""
        name = text(ident)
        for node in self.ancestors(ident):
            scope = self._scope(node)
            if scope is not None and name in scope:
                return scope[name]
        return None

    def root(self, node):
        """The root of ``node``'s tree (found once: each ``Node.parent`` is a descent from the root)."""
        if self._root is None:
            while node.parent is not None:
                node = node.parent
            self._root = node
        return self._root

    def ancestors(self, node) -> list:
        """``node``'s ancestors, nearest first, from one descent from the root: going up by
        ``Node.parent`` costs a descent per step, quadratic in the depth."""
        path = []
        current = self.root(node)
        while current is not None and current.id != node.id:
            path.append(current)
            current = current.child_with_descendant(node)
        path.reverse()
        return path

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
