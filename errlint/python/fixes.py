"""Python fixes: LibCST node replacements, and what the fixer builds them from.

A :class:`~errlint.fixes.Fix` of a Python file carries :class:`Replacement`
(an original node of the parsed module and the node that takes its place);
:func:`apply_replacements` makes them in one transform of the module. The
helpers below build the replacement nodes: a tuple without some of its
elements, a handler catching another type, a reference to a pack class in the
module's own import style.
"""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..fixes import Fix, FixError


@dataclass(frozen=True)
class Replacement:
    old: cst.CSTNode
    new: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel


class _Replacer(cst.CSTTransformer):
    def __init__(self, mapping: dict[int, object]) -> None:
        super().__init__()
        self.mapping = mapping

    def on_leave(self, original_node, updated_node):
        new = self.mapping.get(id(original_node))
        if new is not None:
            return new
        return updated_node


def apply_replacements(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    mapping: dict[int, object] = {}
    for fix in fixes:
        for r in fix.replacements:
            mapping[id(r.old)] = r.new
    return module.visit(_Replacer(mapping))


def check_parses(code: bytes, path: str) -> None:
    """LibCST's half of :func:`errlint.fixes.verify`: the fixed file must parse."""
    try:
        cst.parse_module(code)
    except Exception as exc:  # noqa: BLE001 - any parser failure
        raise FixError(f"{path}: the fixed code does not parse ({type(exc).__name__}); file left unchanged") from None


def without_elements(tup: cst.Tuple, drop: set[int]) -> cst.BaseExpression | None:
    """``tup`` without the elements at ``drop``: a tuple, the one remaining value, or None if nothing remains."""
    elements = [el for i, el in enumerate(tup.elements) if i not in drop]
    if not elements:
        return None
    if len(elements) == 1:
        return elements[0].value
    if len(tup.elements) - 1 in drop:  # the new last element keeps no trailing comma
        elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return tup.with_changes(elements=elements)


def reference_for(ctx, spec, pack, alias: str | None = None, pending: tuple | None = None):
    """How a fix can name a pack class in this module: ``(text, import_edit)``.

    The module's own style wins: a name already bound to the class, then
    ``module.Class`` through an ``import sdk`` binding, then the class added to
    an existing ``from sdk import ...`` (as ``alias`` when given, so a fix never
    shadows a builtin). ``pending`` is an import edit an earlier reference of
    the same fix already made (``(old_node, new_node)``); the new name is added
    to it. ``(None, None)`` when the module does not import the SDK at all.
    """
    names = set(spec.all_names)
    index = _ModuleNames.of(ctx)
    bindings = index.bindings
    for local in index.locals_bound_to(names):
        if alias is None or local != spec.name:
            return local, None
    for local, bound in index.locals_bound_to(pack.modules, with_value=True):
        if f"{bound}.{spec.name}" in names:
            return f"{local}.{spec.name}", None
    if alias is not None and alias in bindings:
        return None, None
    for small, module in index.from_imports:
        if module in pack.modules and f"{module}.{spec.name}" in names:
            current = pending[1] if pending is not None and pending[0] is small else small
            aliases = list(current.names)
            aliases[-1] = aliases[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            asname = cst.AsName(name=cst.Name(alias)) if alias else None
            aliases.append(cst.ImportAlias(name=cst.Name(spec.name), asname=asname))
            return alias or spec.name, (small, current.with_changes(names=aliases))
    return None, None


class _ModuleNames:
    """What :func:`reference_for` reads of a module, indexed once per file.

    Looking through every top-level binding and statement for each fix made
    the fixes of a file with thousands of findings quadratic. The module's
    top-level ``from ... import`` statements never change; its bindings are
    read once and read again only if they grew, and an answer is checked
    against the bindings as they are now.
    """

    def __init__(self, ctx) -> None:
        self.bindings = ctx.names.scopes[0].bindings
        self._size = -1
        self._by_value: dict[str, list[str]] = {}
        self.from_imports = [
            (small, ctx.code_for(small.module))
            for stmt in ctx.module.body if isinstance(stmt, cst.SimpleStatementLine)
            for small in stmt.body
            if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None
            and not isinstance(small.names, cst.ImportStar)
        ]

    @classmethod
    def of(cls, ctx) -> _ModuleNames:
        index = getattr(ctx, "_fix_module_names", None)
        if index is None or index.bindings is not ctx.names.scopes[0].bindings:
            index = cls(ctx)
            ctx._fix_module_names = index
        return index

    def _reindex(self) -> None:
        self._by_value = {}
        for local, bound in self.bindings.items():
            if isinstance(bound, str):
                self._by_value.setdefault(bound, []).append(local)
        self._size = len(self.bindings)

    def locals_bound_to(self, values, with_value: bool = False):
        """Top-level names bound to one of ``values``, in the order the module binds them."""
        if self._size != len(self.bindings):
            self._reindex()
        found = sorted(
            (self._order(local), local, value) for value in values for local in self._by_value.get(value, ())
        )
        if any(self.bindings.get(local) != value for _, local, value in found):
            self._reindex()  # a binding changed in place: read them again
            return self.locals_bound_to(values, with_value)
        return [(local, value) if with_value else local for _, local, value in found]

    def _order(self, local: str) -> int:
        order = getattr(self, "_positions", None)
        if order is None or self._positions_size != self._size:
            order = self._positions = {name: i for i, name in enumerate(self.bindings)}
            self._positions_size = self._size
        return order[local]


def with_except_type(handler: cst.ExceptHandler, new_type: cst.BaseExpression) -> cst.ExceptHandler:
    """``handler`` catching ``new_type``; ``except(A, B):`` becomes ``except A:``, never ``exceptA:``."""
    ws = handler.whitespace_after_except
    if not isinstance(new_type, cst.Tuple) and isinstance(ws, cst.SimpleWhitespace) and ws.value == "":
        ws = cst.SimpleWhitespace(" ")
    return handler.with_changes(type=new_type, whitespace_after_except=ws)
