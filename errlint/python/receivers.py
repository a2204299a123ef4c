"""SDK receivers and SDK calls: which expressions are SDK objects, which calls go to an SDK.

An expression is an SDK object (a :class:`Client`) when it is

* built from a pack's client class (``App(...)``, ``alter_sdk.App.from_env()``),
  directly or by ``with``/``async with ... as name``;
* the result of a pack factory (``app.get_agent(...)`` gives an ``Agent``);
* a name or parameter annotated with a client class (``vault: App``,
  ``def f(agent: "alter_sdk.Agent | None")``, ``Optional[App]``,
  ``Annotated[App, Depends(get_vault)]``; not ``list[App]`` or ``type[App]``);
* the result of a function or method of this file whose return annotation is
  a client class, or, undecorated or behind ``lru_cache``/``cache``, whose every
  ``return`` gives an SDK object (``get_vault().request(...)``,
  ``self.client().request(...)``); a ``@property`` of the class the same way;
* ``self.x`` where some method of the class assigns an SDK object to ``self.x``
  (or the class body annotates ``x: App``);
* an attribute of an SDK object (``client.agents`` in ``client.agents.get(...)``);
* as a fallback, a name in the pack's ``conventional_names`` (``vault``) in a
  module that imports the SDK.

Bindings are read per scope, flow-insensitively, the first time a scope is
asked about, and cached: every check shares one :class:`ReceiverAnalysis`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import libcst as cst

from ..packs import Pack, PackRegistry
from ..facts import Client, SdkCall
from .clientconfig import effective
from .names import NameResolver
from .receiver_syntax import _call_text, _defined_functions, _guarded_by_kwargs, _is_property, _target_names, _transparent
from .scan import SCOPES, body_of, walk
from .sdkindex import sdk_index


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


class ReceiverAnalysis:
    def __init__(self, names: NameResolver, registry: PackRegistry, span=None) -> None:
        self.names = names
        self.span = span  # node -> Span (facts carry where they are)
        self.registry = registry
        self.index = sdk_index(registry)
        self._scope_clients: dict[int, dict[str, Client]] = {}
        self._class_attrs: dict[int, dict[str, Client]] = {}
        self._calls: dict[int, SdkCall | None] = {}
        self._imports: dict[str, bool] = {}
        self._functions: dict[int, Client | None] = {}
        self._bound: dict[int, set[str]] = {}
        self._defs: dict[int, dict[str, cst.FunctionDef]] = {}
        self._awaited: set[int] = set()

    # -- what an expression is -------------------------------------------------
    def client_of(self, expr: cst.BaseExpression, local: dict[str, Client] | None = None) -> Client | None:
        if isinstance(expr, cst.Await):
            self._awaited.add(id(expr.expression))
            return self.client_of(expr.expression, local)
        if isinstance(expr, cst.Name):
            return self._name_client(expr.value, local)
        if isinstance(expr, cst.Attribute):
            base = expr.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls"):
                cls_scope = self.names.enclosing_class()
                if cls_scope is not None:
                    found = self._attrs_of_class(cls_scope.node).get(expr.attr.value)
                    if found is not None:
                        return found
                return self._conventional(expr.attr.value)
            inner = self.client_of(base, local)
            if inner is not None:
                return Client(inner.pack, None, "attribute")
            return None
        if isinstance(expr, cst.Call):
            return self._call_result(expr, local)
        return None

    def _name_client(self, name: str, local: dict[str, Client] | None) -> Client | None:
        if local is not None and name in local:
            return local[name]
        for scope in self.names.visible_scopes():
            clients = self._clients_of_scope(scope.node)
            if name in clients:
                return clients[name]
            if name in scope.bindings or (scope.kind == "function" and name in self._bound_names(scope.node)):
                break  # bound here to something else (maybe further down): outer scopes are shadowed
        return self._conventional(name)

    def _bound_names(self, fn: cst.CSTNode | None) -> set[str]:
        """Names a function binds anywhere in its body (local for its whole body, as in Python)."""
        found = self._bound.get(id(fn))
        if found is None:
            found = self._bound[id(fn)] = set()
            if isinstance(fn, cst.FunctionDef):
                for n in walk(body_of(fn.body)):
                    if isinstance(n, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For)):
                        found.update(_target_names(n.target))
                    elif isinstance(n, cst.WithItem) and n.asname is not None:
                        found.update(_target_names(n.asname.name))
                    elif isinstance(n, (cst.FunctionDef, cst.ClassDef)):
                        found.add(n.name.value)
        return found

    def _conventional(self, name: str) -> Client | None:
        for pack in self.index.conventional.get(name, ()):
            if self.imports(pack):
                return Client(pack, None, "conventional name")
        return None

    def imports(self, pack: Pack) -> bool:
        found = self._imports.get(pack.name)
        if found is None:
            found = self._imports[pack.name] = any(self.names.imports_module(m) for m in pack.modules)
        return found

    def _class_named(self, expr: cst.BaseExpression) -> tuple[Pack, str] | None:
        q = self.names.resolve_expr(expr)
        if q is None or q.startswith("?"):
            return None
        pack = self.index.client_classes.get(q)
        if pack is not None:
            return pack, q
        canon = self.registry.graph.canonical(q)  # an alias the packs know
        if canon is not None and canon in self.index.client_classes:
            return self.index.client_classes[canon], canon
        return None

    def _call_result(self, call: cst.Call, local: dict[str, Client] | None) -> Client | None:
        found = self._class_named(call.func)
        if found is not None:
            return Client(found[0], found[1], "constructed")
        func = call.func
        if isinstance(func, cst.Attribute):
            # App.from_env(): a classmethod of a client class builds one
            owner = self._class_named(func.value)
            if owner is not None:
                return Client(owner[0], owner[1], "constructed")
            base = self.client_of(func.value, local)
            if base is not None and base.cls is not None:
                target = self.index.factories.get(f"{base.cls}.{func.attr.value}")
                if target is not None:
                    return Client(target[0], target[1], "factory")
        fn = self._function_called(func, local)
        if fn is not None and (not fn.asynchronous or id(call) in self._awaited):
            return self.function_client(fn)
        return None

    # -- functions of this file that give SDK objects --------------------------------
    def _function_called(self, func: cst.BaseExpression, local: dict[str, Client] | None) -> cst.FunctionDef | None:
        """The function of this file ``func`` names: ``get_vault``, ``self.client`` / ``cls.client``."""
        if isinstance(func, cst.Name):
            if local is not None and func.value in local:
                return None
            for scope in self.names.visible_scopes():
                if scope.kind == "class":
                    continue  # a method is not visible by its bare name
                defs = self._defined(scope.node)
                if func.value in defs:
                    return defs[func.value]
                if func.value in scope.bindings:
                    return None  # bound to something else here: outer definitions are shadowed
            return None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            cls_scope = self.names.enclosing_class()
            if cls_scope is not None:
                fn = self._defined(cls_scope.node).get(func.attr.value)
                if fn is not None and not _is_property(fn, self.names):
                    return fn
        return None

    def _defined(self, scope: cst.CSTNode | None) -> dict[str, cst.FunctionDef]:
        """The functions defined in ``scope`` (see :func:`_defined_functions`), read once per scope."""
        found = self._defs.get(id(scope))
        if found is None:
            found = self._defs[id(scope)] = _defined_functions(scope)
        return found

    def function_client(self, fn: cst.FunctionDef) -> Client | None:
        """The SDK object ``fn`` returns: by its return annotation, else by what every ``return`` gives."""
        key = id(fn)
        if key in self._functions:
            return self._functions[key]
        self._functions[key] = None  # guards recursion (a factory calling itself)
        found = None
        if fn.returns is not None:
            found = self.annotation_client(fn.returns.annotation)
            if found is not None:
                found = Client(found.pack, found.cls, "return annotation")
        elif all(_transparent(d, self.names) for d in fn.decorators):
            returns = [n for n in walk(body_of(fn.body)) if isinstance(n, (cst.Return, cst.Yield))]
            if returns and all(isinstance(r, cst.Return) and r.value is not None for r in returns):
                local = self._clients_of_scope(fn)
                clients = [self.client_of(r.value, local) for r in returns]
                if all(c is not None for c in clients):
                    found = Client(clients[0].pack, clients[0].cls, "factory function")
        self._functions[key] = found
        return found

    def annotation_client(self, annotation: cst.BaseExpression) -> Client | None:
        """The client class an annotation says a value is an instance of.

        ``App``, ``"App"``, ``App | None``, ``Optional[App]``, ``Union[App, Agent]``,
        ``Annotated[App, ...]``, ``Final[App]``; not a container of clients
        (``list[App]``, ``dict[str, App]``) nor the class itself (``type[App]``).
        """
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            found = self._class_named(annotation)
            return Client(found[0], found[1], "annotated") if found is not None else None
        if isinstance(annotation, cst.SimpleString):
            text = annotation.evaluated_value
            if not isinstance(text, str) or not _IDENT.search(text):
                return None
            try:
                expr = cst.parse_expression(text.strip())
            except Exception:
                return None
            return self.annotation_client(expr)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return self.annotation_client(annotation.left) or self.annotation_client(annotation.right)
        if isinstance(annotation, cst.Subscript):
            q = self.names.resolve_expr(annotation.value) if isinstance(annotation.value, (cst.Name, cst.Attribute)) else None
            wrapper = q.rpartition(".")[2] if q and q.split(".")[0] in ("typing", "typing_extensions") else None
            items = [el.slice.value for el in annotation.slice if isinstance(el.slice, cst.Index)]
            if wrapper in ("Optional", "Union"):
                for item in items:
                    found = self.annotation_client(item)
                    if found is not None:
                        return found
            elif wrapper in _FIRST_ARGUMENT_WRAPPERS and items:
                return self.annotation_client(items[0])
        return None

    # -- scopes ------------------------------------------------------------------
    def _clients_of_scope(self, node: cst.CSTNode | None) -> dict[str, Client]:
        if node is None:
            return {}
        cached = self._scope_clients.get(id(node))
        if cached is not None:
            return cached
        self._scope_clients[id(node)] = {}  # guards recursion through client_of
        result = self._scan_scope(node)
        self._scope_clients[id(node)] = result
        return result

    def _scan_scope(self, node: cst.CSTNode) -> dict[str, Client]:
        local: dict[str, Client] = {}
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            params = node.params
            for p in (*params.posonly_params, *params.params, *params.kwonly_params, params.star_arg):
                if isinstance(p, cst.Param) and p.annotation is not None:
                    found = self.annotation_client(p.annotation.annotation)
                    if found is not None:
                        local[p.name.value] = found
            if isinstance(node, cst.Lambda):
                return local
            stmts = body_of(node.body) if isinstance(node.body, cst.IndentedBlock) else (node.body,)
            nodes = list(walk(stmts))
        elif isinstance(node, cst.Module):
            nodes = list(walk(node.body))
        else:
            return local
        for _ in range(2):  # a second pass sees names bound from names bound later in the text
            for n in nodes:
                if isinstance(n, cst.Assign):
                    found = self.client_of(n.value, local)
                    if found is not None:
                        for t in n.targets:
                            if isinstance(t.target, cst.Name):
                                local[t.target.value] = found
                elif isinstance(n, cst.AnnAssign) and isinstance(n.target, cst.Name):
                    found = self.annotation_client(n.annotation.annotation)
                    if found is None and n.value is not None:
                        found = self.client_of(n.value, local)
                    if found is not None:
                        local[n.target.value] = found
                elif isinstance(n, cst.WithItem) and n.asname is not None and isinstance(n.asname.name, cst.Name):
                    found = self.client_of(n.item, local)
                    if found is not None:
                        local[n.asname.name.value] = found
        return local

    def _attrs_of_class(self, node: cst.CSTNode | None) -> dict[str, Client]:
        if not isinstance(node, cst.ClassDef):
            return {}
        cached = self._class_attrs.get(id(node))
        if cached is not None:
            return cached
        attrs: dict[str, Client] = {}
        self._class_attrs[id(node)] = attrs
        for stmt in body_of(node.body):
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        found = self.annotation_client(small.annotation.annotation)
                        if found is not None:
                            attrs[small.target.value] = Client(found.pack, found.cls, "self attribute")
            elif isinstance(stmt, cst.FunctionDef):
                if _is_property(stmt, self.names):
                    found = self.function_client(stmt)
                    if found is not None:
                        attrs[stmt.name.value] = Client(found.pack, found.cls, "property")
                    continue
                local = self._clients_of_scope(stmt)
                params = [*stmt.params.posonly_params, *stmt.params.params]
                if not params:
                    continue
                me = params[0].name.value
                for n in walk(body_of(stmt.body)):
                    target = value = annotation = None
                    if isinstance(n, cst.Assign):
                        value = n.value
                        targets = [t.target for t in n.targets]
                    elif isinstance(n, cst.AnnAssign):
                        value, annotation, targets = n.value, n.annotation.annotation, [n.target]
                    else:
                        continue
                    for target in targets:
                        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == me:
                            found = self.annotation_client(annotation) if annotation is not None else None
                            if found is None and value is not None:
                                found = self.client_of(value, local)
                            if found is not None:
                                attrs[target.attr.value] = Client(found.pack, found.cls, "self attribute")
        return attrs

    # -- calls -------------------------------------------------------------------
    def sdk_call(self, call: cst.Call) -> SdkCall | None:
        key = id(call)
        if key in self._calls:
            return self._calls[key]
        result = self._sdk_call(call)
        self._calls[key] = result
        return result

    def _sdk_call(self, call: cst.Call) -> SdkCall | None:
        func = call.func
        if isinstance(func, cst.Attribute):
            client = self.client_of(func.value)
            if client is not None:
                return None if self._own(client.pack) else self._make(call, client.pack, func.attr.value, client)
        q = self.names.resolve_expr(func) if isinstance(func, (cst.Name, cst.Attribute)) else None
        if q is not None and not q.startswith("?"):
            pack = self.index.pack_of_qualname(q)
            if pack is not None and q not in self.index.client_classes and self.registry.spec(q) is None and not self._own(pack):
                return self._make(call, pack, q.rpartition(".")[2], None)
        return None

    def _own(self, pack: Pack) -> bool:
        """Is this file part of ``pack``'s SDK (its module is one of the pack's modules or below)?
        Then a call into the SDK is the SDK's own code, not an application's call of its API: its
        relative imports resolve to the SDK's names, which TypeScript's (relative paths) never do."""
        module = self.names.module_name
        return any(module == m or module.startswith(m + ".") for m in pack.modules)

    def _make(self, call: cst.Call, pack: Pack, method: str, client: Client | None) -> SdkCall:
        auto = retries = None
        via = "client" if client is not None else "module"
        found = next((a for a in pack.auto_retry if a.via == via and a.applies_to(method)), None)
        if found is not None:
            auto, retries = effective(self, call, found, client is not None)
        irreversible = None
        for item in pack.irreversible:
            if method in item.methods and not _guarded_by_kwargs(call, item):
                irreversible = item
                break
        text = _call_text(call.func) or method
        at = self.span(call) if self.span is not None else None
        return SdkCall(call, pack, method, text, client, auto, irreversible, retries, at)

    def sdk_calls(self, stmts: Iterable[cst.CSTNode]) -> Iterator[SdkCall]:
        """SDK calls under ``stmts``, not counting nested functions, classes and lambdas."""
        for node in walk(stmts):
            if isinstance(node, cst.Call) and not isinstance(node, SCOPES):
                found = self.sdk_call(node)
                if found is not None:
                    yield found


_FIRST_ARGUMENT_WRAPPERS = {"Annotated", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly"}
