"""Small tree helpers the analyses share: walking a block without entering nested scopes.

The engine's traversal skips expressions; the analyses look inside the few
statements they are asked about (a ``try`` body, a loop, a decorated function)
with these helpers, which read LibCST's dataclass fields directly and never
enter a nested ``def``, ``class`` or ``lambda`` (their code runs elsewhere).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

import libcst as cst

SKIP_FIELDS = frozenset(  # whitespace and token fields: never worth visiting
    {
        "leading_lines", "lines_after_decorators", "header", "footer", "indent", "trailing_whitespace",
        "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon", "newline",
        "colon", "equal", "star", "dot", "encoding", "default_indent", "default_newline",
        "has_trailing_newline", "asynchronous", "operator", "relative",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}
SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_TRIVIA = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Comment, cst.Newline, cst.TrailingWhitespace)


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that can hold nodes worth visiting (not whitespace or tokens)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls)
            if f.name not in SKIP_FIELDS and not f.name.startswith("whitespace")
        )
    return fields


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    fields = child_fields(type(node))
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode) and not isinstance(item, _TRIVIA):
                    yield item
        elif isinstance(value, cst.CSTNode) and not isinstance(value, _TRIVIA):
            yield value


def walk(nodes: Iterable[cst.CSTNode], *, enter_scopes: bool = False) -> Iterator[cst.CSTNode]:
    """Every node under ``nodes`` (themselves included), in source order.

    Nested functions, classes and lambdas are yielded but not entered unless
    ``enter_scopes``; a decorated function's decorators are still walked, since
    they run where the function is defined.
    """
    stack = list(reversed(list(nodes)))
    while stack:
        node = stack.pop()
        yield node
        if not enter_scopes and isinstance(node, SCOPES):
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                stack.extend(reversed([d.decorator for d in node.decorators]))
            continue
        stack.extend(reversed(list(children(node))))


_EMPTY_MODULE = cst.Module(body=())


def code_of(node: cst.CSTNode) -> str:
    """The source text of a node, outside any module (default indentation and newlines)."""
    return _EMPTY_MODULE.code_for_node(node)


def body_of(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """The statements of a block-holding node (``IndentedBlock`` or one-line suite)."""
    body = getattr(node, "body", None)
    if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return tuple(body.body)
    if isinstance(body, (tuple, list)):
        return tuple(body)
    return ()


def small_statements(stmts: Iterable[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    """Statements with a one-line ``SimpleStatementLine`` split into its parts."""
    for stmt in stmts:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        else:
            yield stmt


def call_name(call: cst.Call) -> str | None:
    """``sleep`` for ``time.sleep(...)`` or ``sleep(...)``; None for other callees."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    i = 0
    for arg in call.args:
        if arg.keyword is None and arg.star == "":
            if i == index:
                return arg.value
            i += 1
    return None


def int_value(node: cst.BaseExpression | None) -> int | None:
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = int_value(node.expression)
        return -inner if inner is not None else None
    return None


def is_true(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name) and node.value == "True":
        return True
    value = int_value(node)
    return value is not None and value != 0
