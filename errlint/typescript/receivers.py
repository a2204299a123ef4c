"""SDK receivers and SDK calls in TypeScript and JavaScript: which expressions are SDK clients, which calls go to an SDK.

An expression is an SDK client (a :class:`~errlint.facts.Client`) when it is

* built from a pack's TypeScript client class (``[clients] typescript``):
  ``new AlterVault({...})``, ``new alter.AlterVault()`` (``import * as alter``),
  a class bound by ``require()`` in JavaScript;
* a name whose declaration says so, in the nearest scope that declares it:
  a parameter or a variable typed with a client class (``vault: AlterVault``,
  ``v?: AlterVault | undefined``, ``declare const vault: AlterVault``), or a
  variable whose initial value is a client (``const vault = new AlterVault()``,
  ``const v = await makeVault()``); a module-level client is seen from the
  functions below it;
* ``this.x`` in a class whose field ``x`` is typed or initialised with a client,
  whose constructor has the parameter property ``private readonly x: AlterVault``,
  or one of whose methods assigns a client to ``this.x``;
* a call of a function or method of the file whose return type is a client
  (``function makeVault(): AlterVault``, ``async getVault(): Promise<AlterVault>``,
  ``this.getVault()``, ``const make = (): AlterVault => ...``) or, without a
  return type (JavaScript), whose every ``return`` gives a client of one pack
  (``function make() { return new AlterVault({}) }``, ``() => new AlterVault({})``);
* ``x as AlterVault`` / ``<AlterVault>x``, and an attribute of a client
  (``vault.agents``).

A call ``<client>.<method>(...)`` is an :class:`~errlint.facts.SdkCall` (calls.py). The calls of a
subtree leave out those in nested functions, classes and methods (the subtree's root is read).
Declarations are read per scope, flow-insensitively, on first use, and cached: one
:class:`SdkCalls` per file.
"""
from __future__ import annotations

from ..facts import Client, SdkCall
from ..packs.model import TYPESCRIPT
from .calls import sdk_call
from .clientconfig import TsClientConfig
from .names import named, required_module, text, unwrap
from .scopes import FUNCTIONS, CallIndex, Scopes, walk

_CALLS = frozenset({"call_expression", "new_expression"})
_PASS_THROUGH = frozenset({"parenthesized_expression", "non_null_expression", "satisfies_expression", "await_expression"})
_MAX_DEPTH = 24


class SdkCalls(Scopes):
    """The SDK clients and SDK calls of one TypeScript / JavaScript file."""

    def __init__(self, names, registry, span=None, find=None) -> None:
        self.names = names  # ModuleNames
        self.find = find  # types -> the file's nodes of those types (a tree-sitter query), or None
        self.registry = registry
        self.span = span  # (node, end node or None) -> Span
        self.clients: dict[str, object] = {}  # TypeScript client class -> pack
        self.reconfigure: dict[str, frozenset[str]] = {}  # pack name -> methods that return a reconfigured client
        for pack in registry.packs:
            if TYPESCRIPT in pack.languages:
                for q in pack.ts_client_classes:
                    self.clients.setdefault(q, pack)
                self.reconfigure[pack.name] = frozenset(m for a in pack.ts_auto_retry for m in a.reconfigure)
        self.config = TsClientConfig(self)  # how the clients were built (clientconfig.py)
        Scopes.__init__(self)
        # a client class is named through an import of its npm package: a file that imports none has no SDK call
        self.active = any(
            pack is not None and pack.ts_client_classes for pack in (names.pack_of(spec) for spec in names.imported)
        )
        self._fields: dict[tuple[int, str], Client | None] = {}
        self._calls: dict[int, SdkCall | None] = {}
        self._busy: set = set()
        self._calls_index: CallIndex | None = None

    # -- the interface the facts builders use -------------------------------------------
    def calls_in(self, node) -> tuple[SdkCall, ...]:
        """The SDK calls in ``node``'s subtree, in source order (not those of nested functions below it)."""
        if node is None or not self.active:
            return ()
        return tuple(self._index(node).calls_in(node, self._sdk_only))

    def _sdk_only(self, calls: list) -> list:
        """The SDK calls among ``calls`` (in order), for :class:`~.scopes.CallIndex`."""
        out = []
        for n in calls:
            if n.type == "call_expression":
                found = self.sdk_call(n)
                if found is not None:
                    out.append((n, found))
        return out

    def count_calls(self, node) -> int:
        """All the calls in ``node``'s subtree (``f()``, ``new X()``), nested functions left out."""
        if node is None:
            return 0
        return self._index(node).count(node)

    def _index(self, node) -> CallIndex:
        """The file's calls, indexed on first use (see :class:`~.scopes.CallIndex`)."""
        if self._calls_index is None:
            self._calls_index = CallIndex(self.root(node), _CALLS, self.find)
        return self._calls_index

    def sdk_call(self, call) -> SdkCall | None:
        key = call.id
        if key not in self._calls:
            self._calls[key] = sdk_call(self, call)  # calls.py
        return self._calls[key]

    # -- what an expression is ------------------------------------------------------------
    def client_of(self, expr, depth: int = 0) -> Client | None:
        """The SDK client ``expr`` evaluates to, if errlint can tell."""
        if expr is None or depth > _MAX_DEPTH:
            return None
        kind = expr.type
        if kind in _PASS_THROUGH:
            kids = named(expr)
            return self.client_of(kids[0], depth + 1) if kids else None
        if kind in ("as_expression", "type_assertion"):
            kids = named(expr)
            written = kids[-1] if kind == "as_expression" else kids[0]
            if written.type == "type_arguments":  # <AlterVault>x
                written = named(written)[0] if named(written) else None
            typed = self._type_client(written, "cast")
            if typed is not None:
                return typed
            return self.client_of(unwrap(expr), depth + 1)
        if kind == "new_expression":
            q, plugins = self._class_of(expr.child_by_field_name("constructor"), depth)
            pack = self.clients.get(q) if q else None
            return Client(pack, q, "constructed", plugins) if pack is not None else None
        if kind == "identifier":
            return self._name(expr, depth)
        if kind == "member_expression":
            obj = unwrap(expr.child_by_field_name("object"))
            prop = expr.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            if obj.type == "this":
                return self._field(expr, text(prop), depth)
            owner = self.client_of(obj, depth + 1)
            return Client(owner.pack, None, "attribute", owner.plugins) if owner is not None else None
        if kind == "call_expression":
            return self._built(expr, depth) or self._returned(expr, depth)
        return None

    def _class_of(self, callee, depth: int = 0) -> tuple[str | None, tuple[str, ...]]:
        """The class a constructor names (``OpenAI``, ``alter.AlterVault``, ``require("stripe")``: its default
        export), and the plugins of a class a pack's class builder made (``Octokit.plugin(retry)``, also
        through a name bound to it); a ``defaults(...)`` with options is the plugin ``?defaults``."""
        callee = unwrap(callee)
        if callee is None or depth > _MAX_DEPTH:
            return None, ()
        spec = required_module(callee)
        if spec is not None:
            pack = self.names.pack_of(spec)
            return (pack.ts.default_export if pack is not None else None), ()
        if callee.type == "call_expression":  # Octokit.plugin(retry), Octokit.plugin(retry).defaults({...})
            func = unwrap(callee.child_by_field_name("function"))
            if func is None or func.type != "member_expression":
                return None, ()
            q, plugins = self._class_of(func.child_by_field_name("object"), depth + 1)
            pack = self.clients.get(q) if q else None
            method = text(func.child_by_field_name("property"))
            if pack is None or method not in pack.ts.class_builders:
                return None, ()
            args = callee.child_by_field_name("arguments")
            for arg in named(args) if args is not None else ():
                if unwrap(arg).type == "object":
                    plugins += ("?defaults",)  # options errlint would have to merge: not followed
                else:
                    plugins += (self.names.qualname(arg) or "?",)
            return q, plugins
        q = self.names.qualname(callee)
        if q not in self.clients and callee.type == "identifier":  # const MyOctokit = Octokit.plugin(retry)
            decl = self._declaration(callee)
            if decl is not None and decl[0] == "variable" and decl[2] is not None:
                return self._class_of(decl[2], depth + 1)
        return q, ()

    def _built(self, call, depth: int) -> Client | None:
        """``Stripe(key)`` / ``require("stripe")(key)`` (a client class called), a factory of the pack
        (``DynamoDBDocumentClient.from(client)``), a reconfigured copy (``client.withOptions({...})``)."""
        func = unwrap(call.child_by_field_name("function"))
        if func is None:
            return None
        if func.type in ("identifier", "call_expression") and not (func.type == "identifier" and self._local_function(func)):
            q, plugins = self._class_of(func, depth)
            pack = self.clients.get(q) if q else None
            return Client(pack, q, "constructed", plugins) if pack is not None else None
        if func.type != "member_expression":
            return None
        obj = unwrap(func.child_by_field_name("object"))
        prop = func.child_by_field_name("property")
        if obj is None or prop is None:
            return None
        q = self.names.qualname(obj) if obj.type in ("identifier", "member_expression") else None
        pack = self.clients.get(q) if q else None
        if pack is not None:
            factory = f"{q.rpartition('.')[2]}.{text(prop)}"
            return Client(pack, q, "factory-of") if factory in pack.ts.factories else None
        if obj.type == "this":
            return None
        owner = self.client_of(obj, depth + 1)
        if owner is not None and text(prop) in self.reconfigure.get(owner.pack.name, ()):
            return Client(owner.pack, owner.cls, "reconfigured", owner.plugins)
        return None

    def _local_function(self, ident) -> bool:
        decl = self._declaration(ident)
        return decl is not None and (decl[0] == "function" or decl[0] == "variable" and decl[2] is not None and decl[2].type in FUNCTIONS)

    def _type_client(self, node, how: str, promise: bool = False) -> Client | None:
        """A type that names a client class: ``AlterVault``, ``alter.AlterVault``, ``AlterVault | undefined``
        (and, for a function's return type, ``Promise<AlterVault>``)."""
        if node is None:
            return None
        kind = node.type
        if kind in ("type_annotation", "parenthesized_type"):
            kids = named(node)
            return self._type_client(kids[0], how, promise) if kids else None
        if kind == "union_type":
            found = None
            for part in named(node):
                if part.type in ("literal_type", "predefined_type") and text(part) in ("null", "undefined", "void"):
                    continue
                if part.type == "union_type" or found is None:
                    found = self._type_client(part, how, promise)
                    if found is None:
                        return None
                else:
                    return None  # two client-or-other types: not followed
            return found
        if kind == "generic_type" and promise:
            name = node.child_by_field_name("name")
            args = node.child_by_field_name("type_arguments")
            if name is not None and text(name) == "Promise" and args is not None and len(named(args)) == 1:
                return self._type_client(named(args)[0], how)
            return None
        q = self.names.type_qualname(node)
        pack = self.clients.get(q) if q else None
        return Client(pack, q, how) if pack is not None else None

    # -- names ----------------------------------------------------------------------------
    def _name(self, ident, depth: int) -> Client | None:
        decl = self._declaration(ident)
        if decl is None:
            return None
        kind, type_node, value, _ = decl
        if kind != "variable":
            return None
        if type_node is not None:
            return self._type_client(type_node, "annotated")
        if value is not None:
            key = ("value", value.id)
            if key in self._busy:
                return None
            self._busy.add(key)
            try:
                return self.client_of(value, depth + 1)
            finally:
                self._busy.discard(key)
        return None

    # -- this.x ---------------------------------------------------------------------------
    @staticmethod
    def _class_body(node):
        """The body of the class whose ``this`` ``node`` sees (arrow functions keep it; other functions do not)."""
        parent = node.parent
        while parent is not None:
            if parent.type == "class_body":
                return parent
            if parent.type in ("function_declaration", "function_expression", "function", "generator_function",
                               "generator_function_declaration"):
                return None
            parent = parent.parent
        return None

    def _field(self, member, name: str, depth: int) -> Client | None:
        body = self._class_body(member)
        if body is None:
            return None
        key = (body.id, name)
        if key in self._fields:
            return self._fields[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            found = self._read_field(body, name, depth)
        finally:
            self._busy.discard(key)
        self._fields[key] = found
        return found

    def _read_field(self, body, name: str, depth: int) -> Client | None:
        values = []
        for member in named(body):
            if member.type == "public_field_definition":
                field_name = member.child_by_field_name("name")
                if field_name is not None and text(field_name) == name:
                    type_node = member.child_by_field_name("type")
                    if type_node is not None:
                        return self._type_client(type_node, "annotated")
                    values.append(member.child_by_field_name("value"))
            elif member.type == "method_definition":
                method_name = member.child_by_field_name("name")
                if method_name is not None and text(method_name) == "constructor":
                    found = self._parameter_property(member, name)
                    if found is not None:
                        return found
                values.extend(self._assigned(member, name))
        for value in values:
            found = self.client_of(value, depth + 1) if value is not None else None
            if found is not None:
                return Client(found.pack, found.cls, "attribute", found.plugins)
        return None

    def _parameter_property(self, constructor, name: str) -> Client | None:
        """``constructor(private readonly vault: AlterVault)``: a field declared by its parameter."""
        params = constructor.child_by_field_name("parameters")
        for p in named(params) if params is not None else ():
            if p.type not in ("required_parameter", "optional_parameter"):
                continue
            if not any(c.type in ("accessibility_modifier", "readonly", "override_modifier") for c in p.children):
                continue
            pattern = p.child_by_field_name("pattern")
            if pattern is not None and text(pattern) == name:
                return self._type_client(p.child_by_field_name("type"), "annotated")
        return None

    @staticmethod
    def _assigned(method, name: str) -> list:
        """The values a method assigns to ``this.<name>``."""
        out = []
        for n in walk(method):
            if n.type == "assignment_expression":
                left = unwrap(n.child_by_field_name("left"))
                if left is not None and left.type == "member_expression":
                    obj, prop = left.child_by_field_name("object"), left.child_by_field_name("property")
                    if obj is not None and obj.type == "this" and prop is not None and text(prop) == name:
                        out.append(n.child_by_field_name("right"))
        return out

    # -- calls that return a client -------------------------------------------------------
    def _returned(self, call, depth: int) -> Client | None:
        func = unwrap(call.child_by_field_name("function"))
        if func is None:
            return None
        function = None  # the function the call calls, when the file defines it
        if func.type == "identifier":
            decl = self._declaration(func)
            if decl is None:
                return None
            kind, type_node, value, node = decl
            if kind == "function":
                function = node
            elif kind == "variable" and type_node is None and value is not None and value.type in FUNCTIONS:
                function = value
        elif func.type == "member_expression":
            obj = unwrap(func.child_by_field_name("object"))
            prop = func.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "this":
                return None
            body = self._class_body(func)
            for member in named(body) if body is not None else ():
                member_name = member.child_by_field_name("name") if member.type == "method_definition" else None
                if member_name is not None and text(member_name) == text(prop):
                    function = member
                    break
        if function is None:
            return None
        return_type = function.child_by_field_name("return_type")
        if return_type is not None:
            return self._type_client(return_type, "factory", promise=True)
        return self._every_return(function, depth)

    def _every_return(self, function, depth: int) -> Client | None:
        """A function without a return type whose every ``return`` (or expression body) gives a client of one pack."""
        key = ("returns", function.id)
        body = function.child_by_field_name("body")
        if body is None or key in self._busy or function.type == "function_signature":
            return None
        self._busy.add(key)
        try:
            if body.type != "statement_block":  # () => new AlterVault({})
                found = self.client_of(body, depth + 1)
                return Client(found.pack, found.cls, "factory", found.plugins) if found is not None else None
            packs, cls = set(), None
            for node in walk(body):
                if node.type != "return_statement":
                    continue
                values = named(node)
                found = self.client_of(values[0], depth + 1) if values else None
                if found is None:
                    return None
                packs.add(found.pack.name)
                cls = found.cls if cls is None or cls == found.cls else None
                last = found
            if len(packs) != 1:
                return None
            return Client(last.pack, cls, "factory", last.plugins)
        finally:
            self._busy.discard(key)
