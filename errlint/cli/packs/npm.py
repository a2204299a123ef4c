"""An installed npm package's exported error classes, read from its declaration files (``.d.ts``).

``errlint packs extract --npm PACKAGE`` and ``errlint packs check`` read a package
under ``node_modules`` the way TypeScript code sees it, without running it:

* where, and which declaration file an entry point (``"openai"``, ``"openai/error"``)
  is: :mod:`.npm_files`; a package another one imports is looked for from the
  importing file up, as Node does;
* each file is read by :mod:`.dts`; names are followed through imports,
  ``export ... from``, ``export *``, ``export * as X``, ``export =``, ``declare
  namespace`` blocks and ``typeof`` statics (``static RateLimitError: typeof
  Errors.RateLimitError``, ``static errors: typeof _Error``);
* an error class is a class whose ``extends`` chain reaches a JavaScript error
  class (``Error``, ``TypeError``, ...), also through other packages
  (``@smithy/core/client``'s ``ServiceException``).

What it finds, per class: the names it is exported under from each entry point
(``openai.RateLimitError``), the member paths that reach it (``OpenAI.RateLimitError``,
``Stripe.errors.StripeCardError``, ``Cohere.BadRequestError``), its parent (a class
of the package by name, another package's as ``<specifier>.<Name>``, a built-in as
``globalThis.<Name>``), the default export, and the file and line it is declared at.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .dts import DtsModule, read_dts
from .npm_files import NpmPackage, _file, _manifest, entry_file, node_modules_up, split_specifier

JS_ERRORS = frozenset({"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"})
_MAX_DEPTH = 40


@dataclass
class ErrorClassInfo:
    name: str  # as declared
    file: str
    line: int
    parent: str | None  # the parent's name: "Error" of globalThis, a class of the package, "<spec>.<Name>"
    exports: list[str] = field(default_factory=list)  # "<entry>.<Name>": "openai.RateLimitError", "openai/error.RateLimitError"
    members: list[str] = field(default_factory=list)  # member paths from an entry's export: "OpenAI.RateLimitError"


class NpmReader:
    """Resolves names across the declaration files of a package and the packages it imports."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        self.roots = roots
        self._modules: dict[str, DtsModule | None] = {}
        self.external: dict[tuple, str] = {}  # a class of another package -> "<specifier>.<Name>"

    def module(self, path: str) -> DtsModule | None:
        if path not in self._modules:
            try:
                with open(path, "rb") as fh:
                    self._modules[path] = read_dts(fh.read())
            except OSError:
                self._modules[path] = None
        return self._modules[path]

    def resolve_spec(self, from_file: str, spec: str) -> str | None:
        if spec.startswith("."):
            return _file(os.path.normpath(os.path.join(os.path.dirname(from_file), spec)))
        name, subpath = split_specifier(spec)
        for root in (*node_modules_up(os.path.dirname(from_file)), *self.roots):
            directory = os.path.join(root, *name.split("/"))
            manifest = _manifest(directory) if os.path.isdir(directory) else None
            if manifest is not None:
                return entry_file(NpmPackage(name, manifest.get("version"), directory, manifest), subpath)
        return None

    # -- values: ("class", file, namespace path, name) | ("module", file) | ("ns", file, path) | ("global", name)
    def _scope(self, file: str, ns: tuple[str, ...]) -> DtsModule | None:
        m = self.module(file)
        for part in ns:
            m = m.namespaces.get(part) if m is not None else None
        return m

    def local(self, file: str, ns: tuple[str, ...], name: str, depth: int = 0):
        if depth > _MAX_DEPTH:
            return None
        for k in range(len(ns), -1, -1):
            scope = self._scope(file, ns[:k])
            if scope is None:
                continue
            if name in scope.classes:
                return ("class", file, ns[:k], name)
            if name in scope.values:  # declare const X: typeof Y (a namespace of the same name only adds types)
                found = self.expression(file, ns[:k], scope.values[name], depth + 1)
                if found is not None:
                    return found
            if name in scope.namespaces:
                return ("ns", file, (*ns[:k], name))
            if name in scope.imports:
                kind, spec, imported = scope.imports[name]
                target = self.resolve_spec(file, spec)
                if target is None:
                    return None
                if kind == "namespace":
                    return ("module", target)
                found = self.export(target, imported, depth + 1)
                if found is not None and found[0] == "class" and not spec.startswith("."):
                    self.external.setdefault(found[:4], f"{spec}.{imported}")
                return found
        return ("global", name) if name in JS_ERRORS else None

    def expression(self, file: str, ns: tuple[str, ...], text: str, depth: int):
        if text.startswith("type:"):
            scope = self._scope(file, ns) or DtsModule()
            query = scope.type_values.get(text[5:])
            return self.expression(file, ns, query, depth + 1) if query else None
        head, *rest = text.split(".")
        value = self.local(file, ns, head, depth + 1)
        for part in rest:
            value = self.member(value, part, depth + 1) if value is not None else None
        return value

    def export(self, file: str, name: str, depth: int = 0, seen: frozenset = frozenset()):
        module = self.module(file)
        if module is None or depth > _MAX_DEPTH or (file, name) in seen:
            return None
        seen = seen | {(file, name)}
        found = module.exports.get(name)
        if found is None and name == "default" and "=" in module.exports:
            found = module.exports["="]
        if found is not None:
            kind, a, b = found
            if kind == "local":
                return self.local(file, (), a, depth + 1)
            target = self.resolve_spec(file, a)
            if target is None:
                return None
            return ("module", target) if kind == "namespace-from" else self.export(target, b, depth + 1, seen)
        if "=" in module.exports and name != "default":  # export = X: the module is X
            value = self.export(file, "=", depth + 1, seen)
            return self.member(value, name, depth + 1) if value is not None else None
        for star in module.stars:
            target = self.resolve_spec(file, star)
            value = self.export(target, name, depth + 1, seen) if target is not None and name != "default" else None
            if value is not None:
                return value
        return None

    def export_names(self, file: str, depth: int = 0, seen: frozenset = frozenset()) -> list[str]:
        module = self.module(file)
        if module is None or depth > _MAX_DEPTH or file in seen:
            return []
        out = [n for n in module.exports if n != "="]
        if "=" in module.exports:  # export = X: X is the default export, and its members are the module's
            out.append("default")
            value = self.export(file, "=", depth + 1)
            out.extend(self.members(value) if value is not None else [])
        for star in module.stars:
            target = self.resolve_spec(file, star)
            if target is not None:
                out.extend(n for n in self.export_names(target, depth + 1, seen | {file}) if n != "default")
        return list(dict.fromkeys(out))

    def member(self, value, name: str, depth: int = 0):
        if value is None or depth > _MAX_DEPTH:
            return None
        kind = value[0]
        if kind == "module":
            return self.export(value[1], name, depth + 1)
        if kind == "ns":
            scope = self._scope(value[1], value[2])
            entry = scope.exports.get(name) if scope is not None else None
            if entry is not None and entry[0] == "local":
                return self.local(value[1], value[2], entry[1], depth + 1)
            if entry is not None and entry[0] == "from":
                target = self.resolve_spec(value[1], entry[1])
                return self.export(target, entry[2], depth + 1) if target is not None else None
            return None
        if kind == "class":  # its statics, a namespace merged with it (declare namespace X { export { Y } }), inherited statics
            scope = self._scope(value[1], value[2])
            statics = scope.classes[value[3]][1] if scope is not None else {}
            if name in statics:
                return self.expression(value[1], value[2], statics[name], depth + 1)
            if scope is not None and value[3] in scope.namespaces:
                found = self.member(("ns", value[1], (*value[2], value[3])), name, depth + 1)
                if found is not None:
                    return found
            return self.member(self.parent(value), name, depth + 1)
        return None

    def members(self, value) -> list[str]:
        kind = value[0]
        if kind == "module":
            return [n for n in self.export_names(value[1]) if n != "default"]
        if kind == "ns":
            scope = self._scope(value[1], value[2])
            return list(scope.exports) if scope is not None else []
        out: list[str] = []
        depth = 0
        while value is not None and value[0] == "class" and depth < _MAX_DEPTH:
            scope = self._scope(value[1], value[2])
            out.extend(scope.classes[value[3]][1] if scope is not None else ())
            if scope is not None and value[3] in scope.namespaces:
                out.extend(scope.namespaces[value[3]].exports)
            value, depth = self.parent(value), depth + 1
        return list(dict.fromkeys(out))

    # -- classes ----------------------------------------------------------------------------
    def parent(self, value):
        """The class ``value`` (a class) extends: a class value, ("global", name), or None."""
        scope = self._scope(value[1], value[2])
        heritage = scope.classes[value[3]][0] if scope is not None else None
        if not heritage:
            return None
        return self.expression(value[1], value[2], heritage, 0)

    def is_error(self, value, depth: int = 0) -> bool:
        while value is not None and depth < _MAX_DEPTH:
            if value[0] == "global":
                return value[1] in JS_ERRORS
            if value[0] != "class":
                return False
            value = self.parent(value)
            depth += 1
        return False

    def line(self, value) -> int:
        scope = self._scope(value[1], value[2])
        return scope.lines.get(value[3], 0) if scope is not None else 0


@dataclass
class NpmTree:
    """What ``read_npm`` found: the error classes by identity, the default export's name, the entries read."""

    package: NpmPackage
    classes: dict[tuple, ErrorClassInfo]
    default: str | None  # the name of the class the root's default export is
    entries: dict[str, str | None]  # specifier -> its declaration file (None: none found)
    namespaces: dict[str, list[str]]  # member path from an export ("OpenAI", "Stripe.errors") -> the error classes' names there
    reader: NpmReader


def read_npm(package: NpmPackage, roots: tuple[str, ...], subpaths=()) -> NpmTree:
    """The error classes ``package`` exports from its root and from ``subpaths``, and where."""
    reader = NpmReader(roots)
    entries: dict[str, str | None] = {package.name: entry_file(package, "")}
    for sub in subpaths:
        entries[f"{package.name}/{sub}"] = entry_file(package, sub)
    classes: dict[tuple, ErrorClassInfo] = {}
    namespaces: dict[str, list[str]] = {}
    default = None

    def record(value, how: str, where: str) -> None:
        key = value[:4]
        info = classes.get(key)
        if info is None:
            info = classes[key] = ErrorClassInfo(value[3], value[1], reader.line(value), None)
        (info.exports if how == "export" else info.members).append(where)

    walked: set[str] = set()
    for spec, file in entries.items():
        if file is None:
            continue
        for name in reader.export_names(file):
            value = reader.export(file, name)
            if value is None:
                continue
            if value[0] == "class" and reader.is_error(value):
                if name != "default":
                    record(value, "export", f"{spec}.{name}")
                continue
            if name == "default":
                if spec != package.name or value[0] != "class":
                    continue
                default = name = value[3]  # its members are reached through the name code gives it: Stripe.errors
            if name not in walked:
                walked.add(name)
                _walk_members(reader, value, name, record, namespaces, 2)
    for key in list(classes):  # the package's own ancestors that it does not export (genai's APIConnectionError)
        value = reader.parent(key)
        while value is not None and value[0] == "class" and value[:4] not in classes and value[1].startswith(package.directory + os.sep):
            classes[value[:4]] = ErrorClassInfo(value[3], value[1], reader.line(value), None)
            value = reader.parent(value)
    for key, info in classes.items():
        info.parent = _parent_name(reader, key, classes)
    return NpmTree(package, classes, default, entries, namespaces, reader)


def _walk_members(reader: NpmReader, value, path: str, record, namespaces, depth: int) -> None:
    """Error classes reachable as members of ``value`` (a class's statics, a namespace's exports), ``depth`` levels down."""
    if depth <= 0 or value[0] not in ("class", "module", "ns"):
        return
    for member in reader.members(value):
        inner = reader.member(value, member)
        if inner is None:
            continue
        if inner[0] == "class" and reader.is_error(inner):
            record(inner, "member", f"{path}.{member}")
            namespaces.setdefault(path, []).append(member)
        elif inner[0] in ("module", "ns"):
            _walk_members(reader, inner, f"{path}.{member}", record, namespaces, depth - 1)


def _parent_name(reader: NpmReader, key, classes) -> str | None:
    parent = reader.parent(key)
    if parent is None:
        return None
    if parent[0] == "global":
        return f"globalThis.{parent[1]}"
    if parent[0] != "class":
        return None
    if parent[:4] in classes:
        return classes[parent[:4]].name
    return reader.external.get(parent[:4], f"?{parent[3]}")
