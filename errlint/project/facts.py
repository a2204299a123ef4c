"""The facts of one project module, read with CPython's ``ast`` (never LibCST): see :mod:`errlint.project`."""
from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ModuleFacts:
    """What a module binds at its top level.

    ``values`` maps each name to one binding: ``("class", bases)`` with bases as
    written (dotted text, ``*name`` for a starred base, ``?`` for anything
    else), ``("import", qualname)``, ``("ref", dotted)`` for ``A = B``,
    ``("tuple", (dotted, ...))`` or ``("other",)``; a name bound differently
    in two places is ``("ambiguous",)``. ``all_unknown``: ``__all__`` is bound
    to something errlint cannot read (``__all__ = SYMBOLS``), so ``all`` is
    None without meaning that the module has no ``__all__``.
    """

    name: str
    package: str
    values: Mapping[str, tuple]
    stars: tuple[str, ...] = ()
    all: tuple[str, ...] | None = None
    all_unknown: bool = False


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _absolute(package: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    base = ".".join(parts[: max(len(parts) - (level - 1), 0)]) if level - 1 <= len(parts) else ""
    if module:
        return f"{base}.{module}" if base else module
    return base


def _statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Top-level statements, entering blocks that run at import time (not functions or classes)."""
    stack = [iter(body)]
    while stack:
        for stmt in stack[-1]:
            yield stmt
            blocks = []
            if isinstance(stmt, ast.If):
                blocks = [stmt.body, stmt.orelse]
            elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                blocks = [stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]
            elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
                blocks = [stmt.body, getattr(stmt, "orelse", [])]
            if blocks:
                stack.append(iter([s for block in blocks for s in block]))
                break
        else:
            stack.pop()


def read_facts(source: bytes, name: str, is_package: bool) -> ModuleFacts | None:
    """The facts of module ``name`` from its bytes; None when CPython cannot parse them."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
        return None
    package = name if is_package else name.rpartition(".")[0]
    values: dict[str, tuple] = {}
    stars: list[str] = []
    exported: list[str] | None = None
    all_unknown = False

    def bind(target: str, value: tuple) -> None:
        if target in values and values[target] != value:
            values[target] = ("ambiguous",)
        else:
            values[target] = value

    for stmt in _statements(tree.body):
        if isinstance(stmt, ast.ClassDef):
            bases = []
            for base in stmt.bases:
                if isinstance(base, ast.Starred):
                    text = _dotted(base.value)
                    bases.append(f"*{text}" if text else "?")
                else:
                    bases.append(_dotted(base) or "?")
            bind(stmt.name, ("class", tuple(bases)))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bind(stmt.name, ("other",))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    bind(alias.asname, ("import", alias.name))
                else:
                    top = alias.name.split(".")[0]
                    bind(top, ("import", top))
        elif isinstance(stmt, ast.ImportFrom):
            module = _absolute(package, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name == "*":
                    if module:
                        stars.append(module)
                    continue
                bind(alias.asname or alias.name, ("import", f"{module}.{alias.name}" if module else alias.name))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            for target in targets:
                if not isinstance(target, ast.Name):
                    for sub in ast.walk(target):  # unpacking: every name bound gets something unknown
                        if isinstance(sub, ast.Name):
                            bind(sub.id, ("other",))
                    continue
                if target.id == "__all__":
                    names = _string_list(value)
                    if isinstance(stmt, ast.AugAssign) and exported is not None and names is not None:
                        exported = [*exported, *names]
                    elif isinstance(stmt, ast.Assign) and names is not None and exported is None:
                        exported = names
                    else:
                        exported = None if names is None else exported
                    all_unknown = all_unknown or names is None
                    continue
                if isinstance(stmt, ast.AugAssign) or value is None:
                    bind(target.id, ("other",))
                elif _dotted(value) is not None:
                    bind(target.id, ("ref", _dotted(value)))
                elif isinstance(value, ast.Tuple) and all(_dotted(e) for e in value.elts):
                    bind(target.id, ("tuple", tuple(_dotted(e) for e in value.elts)))
                else:
                    bind(target.id, ("other",))
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            for sub in ast.walk(stmt.target):
                if isinstance(sub, ast.Name):
                    bind(sub.id, ("other",))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    for sub in ast.walk(item.optional_vars):
                        if isinstance(sub, ast.Name):
                            bind(sub.id, ("other",))
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    bind(target.id, ("ambiguous",))
    for stmt in _statements(tree.body):  # except ... as e: a binding too, though rarely at top level
        if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for h in stmt.handlers:
                if h.name:
                    bind(h.name, ("other",))
    return ModuleFacts(name, package, values, tuple(stars), tuple(exported) if exported is not None else None,
                       all_unknown and exported is None)


def _string_list(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]
    return None
