"""Names in TypeScript and JavaScript: what a module imports, which classes it declares, what a class expression names.

A class is named by qualified name, as on the Python side:

* a class imported from an npm package of a pack is ``<the pack's first npm name>.<Name>``
  (``@alter-ai/alter-sdk.BackendError``, also through a subpath such as
  ``@alter-ai/alter-sdk/errors``), which the registry's graph knows when the class
  exists in TypeScript;
* a class imported from any other package is ``<specifier>.<Name>`` (``npm:axios.AxiosError``:
  a specifier that reads like a Python module gets ``npm:``, so no TypeScript class takes
  a Python class's name): the graph does not know it, but a class of the file that extends it does;
* a class the file declares is ``<module>.<Name>``, the module named from the linted
  file's folder (``./api``); one imported through a relative specifier is ``<that
  module>.<Name>`` (``./errors``, ``../lib/errors``); a class declared in a block
  (a function body) is ``<module>.<line>.<Name>`` and names that class inside that block only;
* a name nothing binds is a global: ``globalThis.<Name>`` (the JavaScript built-ins,
  rules/javascript.toml), as is ``globalThis.X`` / ``window.X`` written out.

An expression errlint cannot follow (``errors[i]``, ``getClass()``) is None; a
member of a local value (``this.Err``, ``local.Err``) is ``?`` and its text, the
same class only as the same text.

Bindings are read from the module's top-level statements (imports, ``require``,
declarations); a top-level name declared twice, differently, is not followed.
"""
from __future__ import annotations

from ..packs.model import npm_module
from .members import chain, default_class, heritage as _heritage, member_class, relative_module

REQUIRE = "require"
_CLASS_NODES = ("class_declaration", "abstract_class_declaration")
_GLOBAL_OBJECTS = frozenset({"globalThis", "window", "self", "global"})
_WRAPPERS = frozenset({
    "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "type_assertion",
})


def text(node) -> str:
    return node.text.decode("utf-8", "replace")


def named(node) -> list:
    """The named children of ``node`` that are not comments."""
    return [c for c in node.named_children if c.type != "comment"]


def unwrap(node):
    """``(e)``, ``e as T``, ``e satisfies T``, ``e!``, ``<T>e``: the expression ``e``."""
    while node is not None and node.type in _WRAPPERS:
        kids = named(node)
        if not kids:
            return node
        node = kids[-1] if node.type == "type_assertion" else kids[0]
    return node


def string_value(node) -> str | None:
    """The value of a string literal without escapes (``"x"``, ``'x'``), else None."""
    if node is None or node.type != "string":
        return None
    parts = named(node)
    if all(p.type == "string_fragment" for p in parts):
        return "".join(text(p) for p in parts)
    return None


_INTEROP = frozenset({"__importStar", "__importDefault", "__toESM", "_interopRequireDefault", "_interopRequireWildcard"})


def required_module(node) -> str | None:
    """``require("spec")`` -> ``spec``; also through a compiler's interop helper (``__importDefault(require("spec"))``,
    ``tslib_1.__importStar(...)``), whose ``.default`` is the module's default export."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    values = named(args)
    if len(values) != 1:
        return None
    helper = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
    if helper is not None and text(helper) in _INTEROP:
        return required_module(values[0])
    if fn.type != "identifier" or text(fn) != REQUIRE:
        return None
    return string_value(values[0])


def is_relative(spec: str) -> bool:
    return spec.startswith("./") or spec.startswith("../") or spec in (".", "..")


class ModuleNames:
    """The top-level bindings and class declarations of one module, and how its expressions name classes."""

    def __init__(self, root, module: str, registry) -> None:
        self.module = module  # this module's name: its classes are ``<module>.<Name>``
        self.registry = registry
        # local name -> ("named", specifier, imported name) | ("namespace", specifier, None) | ("local", None, None)
        self.bindings: dict[str, tuple[str, str | None, str | None]] = {}
        self.classes: dict[str, object] = {}  # class name -> its heritage expression (None: no extends)
        self._ambiguous: set[str] = set()
        # classes declared in a block: (block start, block end, name) -> (qualname, heritage expression)
        self.local_classes: dict[tuple[int, int, str], tuple[str, object]] = {}
        self._local_names: set[str] = set()
        self.imported: set[str] = set()  # the specifiers the module imports
        # what other modules can import from it besides its classes: exported name ->
        # ("local", local name) | ("from", specifier, name there); and ``export * from`` specifiers
        self.exports: dict[str, tuple[str, ...]] = {}
        self.stars: list[str] = []
        self._read(root)

    # -- reading -------------------------------------------------------------------------
    def _bind(self, name: str, binding) -> None:
        old = self.bindings.get(name)
        if old is not None and old != binding:
            binding = ("local", None, None)  # bound twice, differently: not followed
        self.bindings[name] = binding

    def _read(self, root) -> None:
        for stmt in named(root):
            kind = stmt.type
            if kind == "import_statement":
                self._import(stmt)
            elif kind == "export_statement":
                declaration = stmt.child_by_field_name("declaration")
                if declaration is not None:
                    self._declaration(declaration)
                else:
                    self._export(stmt)
            else:
                self._declaration(stmt)

    def _export(self, stmt) -> None:
        """``export { A, B as C }``, ``export { A } from "./x"``, ``export * from "./x"``."""
        source = stmt.child_by_field_name("source")
        spec = string_value(source) if source is not None else None
        if spec is not None:
            self.imported.add(spec)
        clause = next((c for c in named(stmt) if c.type == "export_clause"), None)
        if clause is None:
            if spec is not None and any(c.type == "*" for c in stmt.children) and not any(c.type == "namespace_export" for c in stmt.children):
                self.stars.append(spec)
            return
        for spec_node in named(clause):
            if spec_node.type != "export_specifier":
                continue
            name, alias = spec_node.child_by_field_name("name"), spec_node.child_by_field_name("alias")
            if name is None:
                continue
            exported = text(alias if alias is not None else name)
            self.exports[exported] = ("from", spec, text(name)) if spec is not None else ("local", text(name))

    def _import(self, stmt) -> None:
        spec = string_value(stmt.child_by_field_name("source"))
        for part in named(stmt):
            if part.type == "import_require_clause":  # import x = require("spec")
                ident = next((c for c in named(part) if c.type == "identifier"), None)
                source = string_value(part.child_by_field_name("source"))
                if ident is not None and source is not None:
                    self.imported.add(source)
                    self._bind(text(ident), ("namespace", source, None))
        if spec is None:
            return
        self.imported.add(spec)
        clause = next((c for c in named(stmt) if c.type == "import_clause"), None)
        if clause is None:
            return
        for part in named(clause):
            if part.type == "identifier":  # import D from "spec"
                self._bind(text(part), ("named", spec, "default"))
            elif part.type == "namespace_import":  # import * as ns from "spec"
                ident = next((c for c in named(part) if c.type == "identifier"), None)
                if ident is not None:
                    self._bind(text(ident), ("namespace", spec, None))
            elif part.type == "named_imports":
                for spec_node in named(part):
                    if spec_node.type != "import_specifier":
                        continue
                    name = spec_node.child_by_field_name("name")
                    alias = spec_node.child_by_field_name("alias")
                    if name is None:
                        continue
                    imported = string_value(name) if name.type == "string" else text(name)
                    if imported is not None:
                        self._bind(text(alias if alias is not None else name), ("named", spec, imported))

    def _declaration(self, node) -> None:
        kind = node.type
        if kind in _CLASS_NODES:
            self._class(node.child_by_field_name("name"), node)
        elif kind == "ambient_declaration":  # export declare class X ...
            for inner in named(node):
                self._declaration(inner)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in named(node):
                if declarator.type == "variable_declarator":
                    self._declarator(declarator)
        elif kind in ("function_declaration", "generator_function_declaration", "enum_declaration", "function_signature"):
            name = node.child_by_field_name("name")
            if name is not None:
                self._bind(text(name), ("local", None, None))

    def _declarator(self, node) -> None:
        target = node.child_by_field_name("name")
        value = unwrap(node.child_by_field_name("value"))
        if target is None:
            return
        spec = required_module(value) if value is not None else None
        if target.type == "identifier":
            if spec is not None:  # const sdk = require("spec")
                self.imported.add(spec)
                self._bind(text(target), ("namespace", spec, None))
            elif value is not None and value.type == "member_expression" and required_module(value.child_by_field_name("object")):
                spec = required_module(value.child_by_field_name("object"))  # const X = require("spec").X
                self.imported.add(spec)
                self._bind(text(target), ("named", spec, text(value.child_by_field_name("property"))))
            elif value is not None and value.type == "class":  # const X = class extends Y {}
                self._class(target, value)
            else:
                spec = self._instance_of(value)  # const stripe = new Stripe(key): stripe.errors.X
                self._bind(text(target), ("instance", spec, None) if spec is not None else ("local", None, None))
        elif target.type == "object_pattern" and spec is not None:  # const { A, B: C } = require("spec")
            self.imported.add(spec)
            for prop in named(target):
                if prop.type == "shorthand_property_identifier_pattern":
                    self._bind(text(prop), ("named", spec, text(prop)))
                elif prop.type == "pair_pattern":
                    key, val = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is not None and val is not None and val.type == "identifier" and key.type == "property_identifier":
                        self._bind(text(val), ("named", spec, text(key)))

    def _class(self, name_node, node) -> None:
        if name_node is None:
            return
        name = text(name_node)
        base = _heritage(node)
        if name in self.classes or name in self._ambiguous:
            self._ambiguous.add(name)
            self.classes.pop(name, None)
            return
        self.classes[name] = base

    def add_local_classes(self, nodes) -> None:
        """Classes declared in a block (a function body, a namespace): each names its class in its block."""
        for node in nodes:
            name_node = node.child_by_field_name("name")
            block = node.parent
            while block is not None and block.type in ("export_statement", "ambient_declaration"):
                block = block.parent
            if name_node is None or block is None:
                continue
            name = text(name_node)
            key = (block.start_byte, block.end_byte, name)
            if key in self.local_classes:  # declared twice in one block: not followed
                self.local_classes[key] = (None, None)
                continue
            self.local_classes[key] = (f"{self.module}.{node.start_point[0] + 1}.{name}", _heritage(node))
            self._local_names.add(name)

    def _local_class(self, node, name: str):
        """The class ``name`` declared in a block around ``node``, if any: (qualname, heritage)."""
        parent = node.parent
        while parent is not None:
            found = self.local_classes.get((parent.start_byte, parent.end_byte, name))
            if found is not None:
                return found
            parent = parent.parent
        return None

    def _instance_of(self, value) -> str | None:
        """The npm specifier of the pack whose client ``value`` builds, for its ``client_namespaces``:
        ``new Stripe(key)``, ``Stripe(key)``, ``require("stripe")(key)``."""
        value = unwrap(value)
        if value is None or value.type not in ("new_expression", "call_expression"):
            return None
        callee = unwrap(value.child_by_field_name("constructor") or value.child_by_field_name("function"))
        if callee is None:
            return None
        spec = required_module(callee)
        if spec is None and callee.type == "identifier":
            binding = self.bindings.get(text(callee))
            if binding is not None and (binding[0] == "namespace" or binding[0] == "named" and binding[2] == "default"):
                spec = binding[1]
        pack = self.pack_of(spec) if spec is not None else None
        return spec if pack is not None and pack.ts.client_namespaces and pack.ts.default_export else None

    # -- naming --------------------------------------------------------------------------
    def imported_name(self, spec: str, name: str) -> str:
        """The qualified name of class ``name`` imported from ``spec`` (``default``: the class a pack says the default export is)."""
        pack = self.pack_of(spec)
        if pack is not None:
            if name == "default" and pack.ts.default_export:
                return pack.ts.default_export
            return f"{npm_module(pack.npm[0])}.{name}"
        if is_relative(spec):
            return f"{relative_module(self.module, spec)}.{name}"
        return f"{npm_module(spec)}.{name}"

    def pack_of(self, spec: str):
        """The pack whose npm package ``spec`` names (itself or a subpath of it), if any."""
        npm = self.registry.npm_packages
        found = npm.get(spec)
        while found is None and "/" in spec:
            spec = spec.rpartition("/")[0]
            found = npm.get(spec)
        return found

    def _named_here(self, node, name: str) -> str | None:
        """The class the plain name ``name`` names where ``node`` is: a class of an enclosing block, else the module's."""
        if name in self._local_names:
            local = self._local_class(node, name)
            if local is not None:
                return local[0]
        return self._top_level(name)

    def qualname(self, node) -> str | None:
        """The class ``node`` (an expression) names; None when errlint cannot follow it."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self._named_here(node, text(node))
        if node.type == "member_expression":
            found = chain(node)
            if found is not None:
                name, props = found
                binding = self.bindings.get(name) if name not in self._local_names and name not in self.classes else None
                if binding is not None and binding[0] == "namespace" and len(props) == 1:
                    return self.imported_name(binding[1], props[0])
                if binding is not None and binding[1] is not None:  # OpenAI.RateLimitError, Stripe.errors.X, stripe.errors.X
                    member = member_class(self.pack_of(binding[1]), binding, props)
                    if member is not None:
                        return member
                if binding is None and len(props) == 1 and name not in self.classes and name in _GLOBAL_OBJECTS:
                    return f"globalThis.{props[0]}"
            return "?" + "".join(text(node).split())
        return None

    def type_qualname(self, node) -> str | None:
        """The class a type names (``AlterVault``, ``alter.AlterVault``); None for any other type."""
        if node is None:
            return None
        if node.type == "type_identifier":
            return self._named_here(node, text(node))
        if node.type == "nested_type_identifier":
            module, name = node.child_by_field_name("module"), node.child_by_field_name("name")
            if module is not None and name is not None and module.type == "identifier":
                binding = self.bindings.get(text(module))
                if binding is not None and binding[0] == "namespace":
                    return self.imported_name(binding[1], text(name))
        return None

    def _top_level(self, name: str) -> str:
        """What ``name`` names at the top level of the module."""
        if name in self.classes:
            return f"{self.module}.{name}"
        binding = self.bindings.get(name)
        if binding is None:
            return f"globalThis.{name}"
        kind, spec, imported = binding
        if kind == "named":
            return self.imported_name(spec, imported)
        if kind == "namespace":  # CommonJS: require("stripe") is the default export itself
            pack = self.pack_of(spec)
            if pack is not None and default_class(pack) is not None:
                return pack.ts.default_export
        return f"?{name}"

    def exported(self, name: str) -> str | None:
        """What another module importing ``name`` from this one gets (None: nothing errlint can name)."""
        if name in self.classes:
            return f"{self.module}.{name}"
        found = self.exports.get(name)
        if found is None:
            return None
        if found[0] == "from":
            return self.imported_name(found[1], found[2])
        target = self._top_level(found[1])
        return None if target.startswith("?") else target

    def own_classes(self) -> dict[str, tuple[str, ...]]:
        """This module's classes and their parents, for the file's layer of the class graph."""
        out: dict[str, tuple[str, ...]] = {}
        classes = [(f"{self.module}.{name}", base) for name, base in self.classes.items()]
        classes += [(q, base) for q, base in self.local_classes.values() if q is not None]
        for qualname, base in classes:
            parent = self.qualname(base) if base is not None else None
            out[qualname] = (parent,) if parent is not None else ()
        return out
