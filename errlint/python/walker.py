"""One traversal of a LibCST module: the name analysis first, then every visitor, for each node."""
from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from .scan import child_fields as _child_fields

_ANALYSIS_NODES = frozenset({"ClassDef", "FunctionDef", "Lambda", "Import", "ImportFrom", "Assign", "AnnAssign"})


class _Walker:
    """One traversal: the name analysis first, then every check, for each node.

    LibCST's own ``visit`` rebuilds and re-validates every node even for a
    read-only visitor, which costs more than the parse. This walker reads the
    dataclass fields instead, skips whitespace and token nodes, and does not
    descend into expressions unless a check subscribes to an expression node.
    """

    def __init__(self, ctx, checks: Sequence) -> None:
        self.names = ctx.names
        self.visits: dict[str, list] = {}
        self.leaves: dict[str, list] = {}
        for check in checks:
            for attr in check.handlers():  # the visit_/leave_ methods it defines
                kind, _, node_name = attr.partition("_")
                table = self.visits if kind == "visit" else self.leaves
                table.setdefault(node_name, []).append((check, getattr(check, attr)))
        subscribed = set(self.visits) | set(self.leaves)
        self.expressions = any(
            isinstance(getattr(cst, n, None), type) and issubclass(getattr(cst, n), cst.BaseExpression)
            for n in subscribed
        )
        self.skip: tuple[type, ...] = (
            (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.TrailingWhitespace)
            if self.expressions
            else (cst.BaseExpression, cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.TrailingWhitespace)
        )
        self._skip_type: dict[type, bool] = {}
        self.current = None  # the visitor being called (named in an internal error)

    def _skipped(self, cls: type) -> bool:
        skipped = self._skip_type.get(cls)
        if skipped is None:
            skipped = self._skip_type[cls] = issubclass(cls, self.skip)
        return skipped

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node).__name__
        names = self.names
        if kind in _ANALYSIS_NODES:
            if kind == "ClassDef":
                names.enter_class(node)
            elif kind in ("FunctionDef", "Lambda"):
                names.enter_function(node)
            elif len(names.scopes) > 1:
                names.bind_statement(node)
        for check, fn in self.visits.get(kind, ()):
            self.current = check
            fn(node)
        skip_type = self._skip_type
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, (tuple, list)):
                for item in value:
                    cls = type(item)
                    skipped = skip_type.get(cls)
                    if skipped is None:
                        skipped = self._skipped(cls) if isinstance(item, cst.CSTNode) else True
                        skip_type[cls] = skipped
                    if not skipped:
                        self.walk(item)
            elif value is not None:
                cls = type(value)
                skipped = skip_type.get(cls)
                if skipped is None:
                    skipped = self._skipped(cls) if isinstance(value, cst.CSTNode) else True
                    skip_type[cls] = skipped
                if not skipped:
                    self.walk(value)
        for check, fn in self.leaves.get(kind, ()):
            self.current = check
            fn(node)
        if kind in ("ClassDef", "FunctionDef", "Lambda"):
            names.leave_scope()
