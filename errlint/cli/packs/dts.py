"""One TypeScript declaration file (``.d.ts``) read statically: its imports, declarations and exports.

``errlint packs extract --npm`` and ``errlint packs check`` (:mod:`.npm`) read an
installed npm package's exported classes from its declaration files, with the
TypeScript grammar errlint lints with (tree-sitter): nothing of the package runs.
A :class:`DtsModule` records, for the top level of a file and for each ``declare
namespace``:

* ``imports``: local name -> ("named", specifier, imported name) or ("namespace", specifier, None);
* ``classes``: class name -> the text of what it extends (``Error``, ``Errors.APIError``,
  ``__ServiceException``; None: nothing) and its statics that name a value
  (``static RateLimitError: typeof Errors.RateLimitError``, ``static errors: typeof _Error``);
* ``namespaces``: ``declare namespace X { ... }`` -> its own :class:`DtsModule`;
* ``values``: ``declare const X: typeof Y`` -> ``Y`` (also through ``type T = typeof Y & {...}``);
* ``exports``: exported name -> ("local", local name) or ("from", specifier, name) or
  ("namespace-from", specifier, None) (``export * as X from``); ``stars``: ``export *
  from`` specifiers; ``export =`` is the export ``=``.

Types (``type``, ``interface``) are not values and are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

_CLASSES = ("class_declaration", "abstract_class_declaration")


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"]


def _string(node) -> str | None:
    if node is None or node.type != "string":
        return None
    return "".join(_text(p) for p in _named(node) if p.type == "string_fragment")


@dataclass
class DtsModule:
    imports: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    classes: dict[str, tuple[str | None, dict[str, str]]] = field(default_factory=dict)
    namespaces: dict[str, DtsModule] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    type_values: dict[str, str] = field(default_factory=dict)  # type X = typeof Y & {...}: X -> Y
    exports: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # class name -> its line (1-based)


def read_dts(source: bytes) -> DtsModule | None:
    """The module a declaration file declares (None: tree-sitter cannot parse it)."""
    from ...typescript.parse import parse

    tree, _ = parse(source, "typescript")
    if tree.root_node.has_error and not tree.root_node.named_children:
        return None
    module = DtsModule()
    _read_block(tree.root_node, module, top=True)
    return module


def _read_block(block, module: DtsModule, top: bool) -> None:
    for stmt in _named(block):
        kind = stmt.type
        if kind == "import_statement":
            _import(stmt, module)
        elif kind == "export_statement":
            _export(stmt, module, top)
        elif kind == "ambient_declaration":
            for inner in _named(stmt):
                _declaration(inner, module, exported=not top)
        elif kind == "expression_statement" and top:
            continue
        else:
            _declaration(stmt, module, exported=not top)


def _import(stmt, module: DtsModule) -> None:
    for part in _named(stmt):
        if part.type == "import_require_clause":  # import X = require("spec")
            ident = next((c for c in _named(part) if c.type == "identifier"), None)
            source = _string(part.child_by_field_name("source"))
            if ident is not None and source is not None:
                module.imports[_text(ident)] = ("namespace", source, None)
    spec = _string(stmt.child_by_field_name("source"))
    clause = next((c for c in _named(stmt) if c.type == "import_clause"), None)
    if spec is None or clause is None:
        return
    for part in _named(clause):
        if part.type == "identifier":
            module.imports[_text(part)] = ("named", spec, "default")
        elif part.type == "namespace_import":
            ident = next((c for c in _named(part) if c.type == "identifier"), None)
            if ident is not None:
                module.imports[_text(ident)] = ("namespace", spec, None)
        elif part.type == "named_imports":
            for s in _named(part):
                if s.type != "import_specifier":
                    continue
                name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
                if name is not None:
                    module.imports[_text(alias if alias is not None else name)] = ("named", spec, _text(name))


def _export(stmt, module: DtsModule, top: bool) -> None:
    declaration = stmt.child_by_field_name("declaration")
    if declaration is not None:
        for name in _declaration(declaration, module, exported=True):
            module.exports[name] = ("local", name, None)
        return
    value = stmt.child_by_field_name("value")
    kids = [c.type for c in stmt.children]
    if value is not None or "=" in kids:  # export default X; / export = X;
        target = value if value is not None else next((c for c in _named(stmt) if c.type in ("identifier", "member_expression")), None)
        if target is not None and target.type == "identifier":
            module.exports["=" if "=" in kids else "default"] = ("local", _text(target), None)
        return
    source = _string(stmt.child_by_field_name("source"))
    clause = next((c for c in _named(stmt) if c.type == "export_clause"), None)
    if clause is None:
        space = next((c for c in _named(stmt) if c.type == "namespace_export"), None)
        if space is not None and source is not None:  # export * as X from "spec"
            ident = next((c for c in _named(space) if c.type in ("identifier", "string")), None)
            if ident is not None:
                module.exports[_string(ident) or _text(ident)] = ("namespace-from", source, None)
        elif source is not None and "*" in kids:
            module.stars.append(source)
        return
    for s in _named(clause):
        if s.type != "export_specifier":
            continue
        if any(c.type == "type" for c in s.children):
            continue  # export { type X }: a type only
        name, alias = s.child_by_field_name("name"), s.child_by_field_name("alias")
        if name is None:
            continue
        exported = _text(alias if alias is not None else name)
        module.exports[exported] = ("from", source, _text(name)) if source is not None else ("local", _text(name), None)


def _declaration(node, module: DtsModule, exported: bool) -> list[str]:
    """Read one declaration into ``module``; the value names it declares."""
    kind = node.type
    if kind in _CLASSES:
        name = node.child_by_field_name("name")
        if name is None:
            return []
        module.classes[_text(name)] = (_heritage(node), _statics(node))
        module.lines[_text(name)] = node.start_point[0] + 1
        if exported:
            module.exports[_text(name)] = ("local", _text(name), None)
        return [_text(name)]
    if kind == "ambient_declaration":
        out = []
        for inner in _named(node):
            out.extend(_declaration(inner, module, exported))
        return out
    if kind in ("internal_module", "module"):  # declare namespace X { ... }
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None or name.type not in ("identifier", "nested_identifier"):
            return []
        inner = module.namespaces.setdefault(_text(name), DtsModule())
        _read_block(body, inner, top=False)
        if exported:
            module.exports[_text(name)] = ("local", _text(name), None)
        return [_text(name)]
    if kind in ("lexical_declaration", "variable_declaration"):
        out = []
        for d in _named(node):
            if d.type != "variable_declarator":
                continue
            name = d.child_by_field_name("name")
            typ = d.child_by_field_name("type")
            query = _type_query(typ)
            if query is None and typ is not None:  # declare const X: Alias (type Alias = typeof Y & ...)
                kids = _named(typ) if typ.type == "type_annotation" else [typ]
                if kids and kids[0].type == "type_identifier":
                    query = "type:" + _text(kids[0])
            if name is not None and name.type == "identifier":
                if query is not None:
                    module.values[_text(name)] = query
                if exported:
                    module.exports[_text(name)] = ("local", _text(name), None)
                out.append(_text(name))
        return out
    if kind == "type_alias_declaration":  # type StripeCallable = typeof Stripe_ & { (key): Stripe_ }
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        query = _type_query(value)
        if query is None and value is not None and value.type == "intersection_type":
            query = next((q for q in (_type_query(c) for c in _named(value)) if q is not None), None)
        if name is not None and query is not None:
            module.type_values[_text(name)] = query
        return []
    if kind in ("function_declaration", "function_signature", "enum_declaration"):
        name = node.child_by_field_name("name")
        if name is not None and exported:
            module.exports[_text(name)] = ("local", _text(name), None)
        return [_text(name)] if name is not None else []
    return []


def _heritage(node) -> str | None:
    heritage = next((c for c in _named(node) if c.type == "class_heritage"), None)
    for part in _named(heritage) if heritage is not None else ():
        if part.type == "extends_clause":
            value = part.child_by_field_name("value")
            return " ".join(_text(value).split()) if value is not None else None
    return None


def _type_query(typ) -> str | None:
    """``: typeof X`` (``X.Y``): the value it names."""
    if typ is None:
        return None
    if typ.type == "type_annotation":
        kids = _named(typ)
        typ = kids[0] if kids else None
    if typ is None or typ.type != "type_query":
        return None
    kids = _named(typ)
    return _text(kids[0]) if kids and kids[0].type in ("identifier", "member_expression", "nested_identifier") else None


def _statics(node) -> dict[str, str]:
    """``static X: typeof Y``: X -> Y."""
    out: dict[str, str] = {}
    body = node.child_by_field_name("body")
    for member in _named(body) if body is not None else ():
        if member.type not in ("public_field_definition", "property_signature"):
            continue
        if not any(c.type == "static" for c in member.children):
            continue
        if any(c.type == "accessibility_modifier" and _text(c) in ("private", "protected") for c in member.children):
            continue
        name = member.child_by_field_name("name")
        query = _type_query(member.child_by_field_name("type"))
        if name is not None and query is not None:
            out[_text(name)] = query
    return out
