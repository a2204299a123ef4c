"""The qualified names a file uses from some modules: what tells an SDK's API generation apart.

``import openai.error``, ``from openai import OpenAI``, ``openai.ChatCompletion.create(...)``
and ``except openai.error.RateLimitError`` use ``openai.error``, ``openai.OpenAI``,
``openai.ChatCompletion.create`` and ``openai.error.RateLimitError``. Read with CPython's
``ast`` (the tree is cached for the file being linted), without scopes: a name bound to a
module anywhere in the file (a function's local ``import openai`` included) counts everywhere,
which can only add names. Only the modules asked about are followed, and only in files whose
bytes name one of them.
"""
from __future__ import annotations

import ast
from collections.abc import Iterable

from ..source import python_tree


def _dotted(node: ast.AST) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def used_names(source: bytes, tops: Iterable[str]) -> frozenset[str]:
    """The names under the top-level modules ``tops`` (``openai``) that ``source`` uses."""
    tops = {t for t in tops if t.encode() in source}
    if not tops:
        return frozenset()
    tree = python_tree(source)
    if tree is None:
        return frozenset()
    bound: dict[str, set[str]] = {}  # local name -> the modules or objects it is bound to
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in tops:
                    continue
                used.add(alias.name)
                if alias.asname:
                    bound.setdefault(alias.asname, set()).add(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    bound.setdefault(top, set()).add(top)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in tops:
                continue
            used.add(node.module)
            for alias in node.names:
                if alias.name == "*":
                    continue
                target = f"{node.module}.{alias.name}"
                used.add(target)
                bound.setdefault(alias.asname or alias.name, set()).add(target)
    if not bound:
        return frozenset(used)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):  # a.b.c: a.b.c and a.b both count
            parts = _dotted(node)
            if parts is not None and parts[0] in bound:
                for target in bound[parts[0]]:
                    used.add(".".join([target, *parts[1:]]))
    return frozenset(used)
