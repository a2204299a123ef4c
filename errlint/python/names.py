"""Name resolution: a light pass over imports, classes and assignments.

LibCST's ScopeProvider and QualifiedNameProvider cost several times the parse
itself, so errlint resolves names with its own pass: the module's top-level
bindings are read before the traversal (so a function may use a class defined
further down), and nested scopes are tracked during the one traversal.

A name resolves to a *qualified name* string:

* ``alter_sdk.GrantExpiredError`` for imported names (aliases of imports followed);
* ``builtins.ValueError`` for unbound builtin names;
* ``mypkg.errors.ConfigError`` for classes of this module or imported project modules;
* ``?text`` for a name errlint cannot follow (a parameter, a local variable):
  two references with the same text are the same object, nothing more is known.
"""
from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from ..facts import ClassRef
from .scan import code_of

BUILTIN_NAMES = frozenset(dir(builtins)) | {"ExceptionGroup", "BaseExceptionGroup", "EncodingWarning"}


@dataclass(frozen=True)
class TupleBinding:
    """A name bound to a tuple of class references (``RETRYABLE = (A, B)``)."""

    items: tuple[str | None, ...]
    texts: tuple[str, ...] = ()  # each entry as written, for messages


Binding = "str | TupleBinding"


TypeRef = ClassRef  # one class named in an ``except`` clause (a tuple gives several)


class _Scope:
    __slots__ = ("kind", "prefix", "bindings", "node")

    def __init__(self, kind: str, prefix: str, node: cst.CSTNode | None = None) -> None:
        self.kind = kind  # "module" | "class" | "function"
        self.prefix = prefix  # qualname prefix for classes defined here
        self.bindings: dict[str, object] = {}
        self.node = node  # the Module, ClassDef, FunctionDef or Lambda


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def module_dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    text = dotted(node)
    return text or ""


def package_of(module_name: str, is_package: bool) -> str:
    return module_name if is_package else module_name.rpartition(".")[0]


def resolve_relative(package: str, level: int, module: str) -> str:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        base = ""
    else:
        base = ".".join(parts[: len(parts) - (level - 1)])
    if module:
        return f"{base}.{module}" if base else module
    return base


class NameResolver:
    """Tracks bindings while the engine walks a module; answers "what is this name?"."""

    def __init__(self, module: cst.Module, module_name: str, is_package: bool, known=None) -> None:
        """``known(qualname) -> bool`` tells whether a class is in the class graph
        (used to resolve names that come from ``from m import *``)."""
        self.module_name = module_name
        self._known = known or (lambda _q: False)
        self.package = package_of(module_name, is_package)
        self.scopes: list[_Scope] = [_Scope("module", module_name, module)]
        self.star_modules: list[str] = []
        # classes defined in this file: qualname -> base qualnames
        self.classes: dict[str, tuple[str, ...]] = {}
        self.imported_modules: set[str] = set()
        # names the module binds to different things in different places (``try: from x import A`` /
        # ``except ImportError: A = ValueError``): unknown, not their last binding
        self.ambiguous: frozenset[str] = frozenset()
        recording = self.scopes[0].bindings = _Recording()
        self._prebind(module.body)
        self.scopes[0].bindings = dict(recording)
        if recording.conflicts:
            self.ambiguous = frozenset(recording.conflicts)
            for name in self.ambiguous:
                self.scopes[0].bindings[name] = f"?{name}"

    # -- binding --------------------------------------------------------------
    @property
    def scope(self) -> _Scope:
        return self.scopes[-1]

    def _prebind(self, body) -> None:
        """Bind the module's top-level names before the traversal."""
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    self.bind_statement(small)
            elif isinstance(stmt, cst.BaseSmallStatement):
                self.bind_statement(stmt)
            elif isinstance(stmt, cst.ClassDef):
                self.scope.bindings[stmt.name.value] = f"{self.module_name}.{stmt.name.value}"
            elif isinstance(stmt, cst.FunctionDef):
                self.scope.bindings[stmt.name.value] = f"?{stmt.name.value}"
            elif isinstance(stmt, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
                for block in _blocks(stmt):
                    self._prebind(block)

    def bind_statement(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Import):
            self.bind_import(small)
        elif isinstance(small, cst.ImportFrom):
            self.bind_import_from(small)
        elif isinstance(small, (cst.Assign, cst.AnnAssign)):
            self.bind_assign(small)

    def bind_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = module_dotted(alias.name)
            self.imported_modules.add(full)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bindings[alias.asname.name.value] = full
            else:
                top = full.split(".")[0]
                self.scope.bindings[top] = top

    def bind_import_from(self, node: cst.ImportFrom) -> None:
        module = resolve_relative(self.package, len(node.relative), module_dotted(node.module))
        self.imported_modules.add(module)
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.append(module)
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else module_dotted(alias.name)
            target = f"{module}.{name}" if module else name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bindings[alias.asname.name.value] = target
            else:
                self.scope.bindings[name] = target

    def bind_assign(self, node: cst.Assign | cst.AnnAssign) -> None:
        value = node.value
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        else:
            targets = [node.target]
        names = [t.value for t in targets if isinstance(t, cst.Name)]
        if not names:
            return
        bound: object
        if value is None:
            return
        if isinstance(value, (cst.Name, cst.Attribute)):
            q = self.resolve_expr(value)
            bound = q if q is not None else f"?{names[0]}"
        elif isinstance(value, cst.Tuple):
            bound = TupleBinding(
                tuple(self.resolve_expr(e.value) if not isinstance(e, cst.StarredElement) else None for e in value.elements),
                tuple(code_of(e) if isinstance(e, cst.StarredElement) else code_of(e.value) for e in value.elements),
            )
        else:
            bound = f"?{names[0]}"
        for n in names:
            self.scope.bindings[n] = bound

    # -- scopes (called by the engine's traversal) ----------------------------
    def enter_class(self, node: cst.ClassDef) -> None:
        qual = f"{self.scope.prefix}.{node.name.value}"
        bases = []
        for arg in node.bases:
            if arg.keyword is None and arg.star == "":
                q = self.resolve_expr(arg.value)
                if q is not None:
                    bases.append(q)
            elif arg.keyword is None and arg.star == "*":  # class E(*BASES): known when BASES is a tuple constant
                bound = self.lookup(arg.value.value) if isinstance(arg.value, cst.Name) else None
                if isinstance(bound, TupleBinding):
                    bases.extend(item or "?" for item in bound.items)
                else:
                    bases.append("?*")
        self.classes[qual] = tuple(bases) or ("builtins.object",)
        if not (len(self.scopes) == 1 and node.name.value in self.ambiguous):
            self.scope.bindings[node.name.value] = qual
        self.scopes.append(_Scope("class", qual, node))

    def enter_function(self, node: cst.FunctionDef | cst.Lambda) -> None:
        if isinstance(node, cst.FunctionDef):
            self.scope.bindings.setdefault(node.name.value, f"?{node.name.value}")
            name = node.name.value
        else:
            name = "<lambda>"
        scope = _Scope("function", f"{self.scope.prefix}.{name}.<locals>", node)
        params = node.params
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.bindings[p.name.value] = f"?{p.name.value}"
        for p in (params.star_arg, params.star_kwarg):
            if isinstance(p, cst.Param):
                scope.bindings[p.name.value] = f"?{p.name.value}"
        self.scopes.append(scope)
        if isinstance(node, cst.FunctionDef) and isinstance(node.body, cst.IndentedBlock):
            self._prebind_imports(node.body.body)

    def _prebind_imports(self, body) -> None:
        """Bind a function's imports on entry, so code above a local import can be judged with it."""
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        self.bind_import(small)
                    elif isinstance(small, cst.ImportFrom):
                        self.bind_import_from(small)
            elif isinstance(stmt, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
                for block in _blocks(stmt):
                    self._prebind_imports(block)

    def leave_scope(self) -> None:
        if len(self.scopes) > 1:
            self.scopes.pop()

    def bind_local(self, name: str) -> None:
        """A name bound by something errlint does not follow (for target, with ... as)."""
        if self.scope.kind != "module":
            self.scope.bindings[name] = f"?{name}"

    # -- lookups --------------------------------------------------------------
    def lookup(self, name: str) -> object | None:
        innermost = True
        for scope in reversed(self.scopes):
            # class bodies are not visible from the functions nested in them
            if scope.kind == "class" and not innermost:
                continue
            innermost = False
            if name in scope.bindings:
                return scope.bindings[name]
        return None

    def visible_scopes(self) -> list[_Scope]:
        """Innermost first, as name lookup sees them (enclosing class bodies skipped)."""
        out = [self.scopes[-1]]
        for scope in reversed(self.scopes[:-1]):
            if scope.kind != "class":
                out.append(scope)
        return out

    def enclosing_class(self) -> _Scope | None:
        """The class whose method is being walked (``self.x`` resolves there)."""
        for scope in reversed(self.scopes):
            if scope.kind == "class":
                return scope
        return None

    def imports_module(self, module: str) -> bool:
        prefix = module + "."
        return any(m == module or m.startswith(prefix) for m in self.imported_modules)

    def resolve_name(self, name: str) -> str | None:
        bound = self.lookup(name)
        if isinstance(bound, str):
            return bound
        if isinstance(bound, TupleBinding):
            return None
        for module in self.star_modules:
            if self._known(f"{module}.{name}"):
                return f"{module}.{name}"
        if name in BUILTIN_NAMES:
            return f"builtins.{name}"
        return None

    def resolve_expr(self, node: cst.BaseExpression) -> str | None:
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.resolve_name(head)
        if base is None:
            return f"?{text}"
        return f"{base}.{rest}" if rest else base

    def exception_refs(self, expr: cst.BaseExpression | None) -> Iterator[TypeRef]:
        """The classes an ``except`` clause names, tuples and tuple constants expanded."""
        if expr is None:
            return
        if isinstance(expr, cst.Tuple):
            for el in expr.elements:
                if isinstance(el, cst.StarredElement):
                    yield TypeRef(None, el, code_of(el))
                else:
                    yield from self.exception_refs(el.value)
            return
        if isinstance(expr, cst.Name):
            bound = self.lookup(expr.value)
            if isinstance(bound, TupleBinding):
                for i, item in enumerate(bound.items):
                    text = bound.texts[i] if i < len(bound.texts) else expr.value
                    yield TypeRef(item, expr, text, via=expr.value)
                return
        yield TypeRef(self.resolve_expr(expr), expr, code_of(expr))

    def module_aliases(self) -> dict[str, str]:
        """``module.name`` -> target for the module's own imported or aliased names."""
        out = {}
        for name, bound in self.scopes[0].bindings.items():
            if isinstance(bound, str) and not bound.startswith("?"):
                q = f"{self.module_name}.{name}"
                if bound != q:
                    out[q] = bound
        return out


class _Recording(dict):
    """A scope's bindings that remember names bound to two different things."""

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: set[str] = set()

    def __setitem__(self, name, value) -> None:
        if name in self and self[name] != value:
            self.conflicts.add(name)
        super().__setitem__(name, value)


def _blocks(stmt: cst.CSTNode):
    if isinstance(stmt, cst.If):
        yield stmt.body.body
        if stmt.orelse is not None:
            yield from _blocks(stmt.orelse) if isinstance(stmt.orelse, cst.If) else [stmt.orelse.body.body]
    elif isinstance(stmt, (cst.Try, cst.TryStar)):
        yield stmt.body.body
        for h in stmt.handlers:
            yield h.body.body
        if stmt.orelse is not None:
            yield stmt.orelse.body.body
        if stmt.finalbody is not None:
            yield stmt.finalbody.body.body
    elif isinstance(stmt, (cst.With, cst.For, cst.While)):
        yield stmt.body.body
        orelse = getattr(stmt, "orelse", None)
        if orelse is not None:
            yield orelse.body.body
