"""Where a pack applies: the scoping rule for packs without a module.

A pack with modules (an SDK you import) applies in the files that import one
of them (:meth:`ReceiverAnalysis.imports`). A pack without a module describes
an HTTP API that projects call through hand-written clients (Altus 4): its
codes and statuses are plain numbers and strings, so it applies only where
the file is about that API:

* a string in the code names one of the pack's ``[scope] hosts`` (the host
  itself or a subdomain: ``"https://api.altus4.dev/v1"`` for ``altus4.dev``);
* the code defines, imports or uses one of its ``[scope] classes`` (the
  docs' hand-written client and error classes: ``Altus4Client``,
  ``Altus4Error``);
* or the project applies the pack everywhere (``enable-packs`` in
  ``[tool.errlint]``, which sets :attr:`Pack.everywhere`).

Comments and docstrings do not count. :func:`evidence_pattern` is a test on the file's bytes
that holds whenever the evidence does (the evidence is that test confirmed on
CPython's tree), so the engine's pre-filter can use it without ever hiding a
finding.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache

from ..packs import Pack
from .prefilter import python_tree

_LABEL = rb"[A-Za-z0-9-]"


@lru_cache(maxsize=None)
def _host_pattern(hosts: tuple[str, ...]) -> re.Pattern | None:
    if not hosts:
        return None
    words = b"|".join(re.escape(h.encode()) for h in sorted(hosts))
    # the host or a subdomain, not a longer name (altus4.dev.example.com, xaltus4.dev)
    return re.compile(rb"(?<!" + _LABEL + rb")(?:" + words + rb")(?!" + _LABEL + rb"|\.[A-Za-z0-9])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _class_pattern(classes: tuple[str, ...]) -> re.Pattern | None:
    if not classes:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(c.encode()) for c in sorted(classes)) + rb")\b")


def evidence_pattern(pack: Pack) -> tuple[re.Pattern, ...]:
    """Bytes tests, one of which holds in every file where ``pack``'s scope evidence is found."""
    return tuple(p for p in (_host_pattern(pack.scope_hosts), _class_pattern(pack.scope_classes)) if p is not None)


def evidence_test(pack: Pack):
    """:func:`evidence_pattern` as one test of a file's bytes, its patterns searched only where a
    host (in any case) or a class name is in the bytes at all (a plain search: ten times faster)."""
    patterns = evidence_pattern(pack)
    hosts = tuple(h.lower().encode() for h in pack.scope_hosts)
    classes = tuple(c.encode() for c in pack.scope_classes)

    def test(source: bytes) -> bool:
        if not any(c in source for c in classes):
            lowered = source.lower() if hosts else b""
            if not any(h in lowered for h in hosts):
                return False
        return any(p.search(source) is not None for p in patterns)

    return test


def _names_in(tree: ast.AST, wanted: frozenset[str]) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            name = node.name
        elif isinstance(node, ast.alias):
            name = (node.asname or node.name).rpartition(".")[2]
            if node.name.rpartition(".")[2] in wanted:
                return True
        else:
            continue
        if name in wanted:
            return True
    return False


def _strings_in(tree: ast.AST, pattern: re.Pattern) -> bool:
    """A string the code uses (not a docstring or another bare string statement) matches."""
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and id(node) not in prose:
            value = node.value.encode("utf-8", "surrogatepass") if isinstance(node.value, str) else node.value
            if pattern.search(value):
                return True
    return False


def _cst_evidence(module, classes: frozenset[str], hosts: re.Pattern | None) -> bool:
    """The same questions on LibCST's tree, for code CPython's parser cannot read (newer syntax)."""
    import libcst as cst

    from .scan import walk

    prose = set()
    for node in walk([module], enter_scopes=True):
        if isinstance(node, cst.Expr) and isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString)):
            prose.add(id(node.value))
        if isinstance(node, cst.Name) and node.value in classes:
            return True
        if hosts is not None and id(node) not in prose:
            if isinstance(node, cst.ConcatenatedString):
                parts = [p for p in walk([node], enter_scopes=True) if isinstance(p, cst.SimpleString)]
                if all(isinstance(p.evaluated_value, str) for p in parts):
                    if hosts.search("".join(p.evaluated_value for p in parts).encode("utf-8", "surrogatepass")):
                        return True
            elif isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
                if hosts.search(node.evaluated_value.encode("utf-8", "surrogatepass")):
                    return True
            elif isinstance(node, cst.FormattedStringText):
                if hosts.search(node.value.encode("utf-8", "surrogatepass")):
                    return True
        if isinstance(node, cst.ConcatenatedString) and id(node) in prose:
            prose.update(id(p) for p in walk([node], enter_scopes=True))
    return False


def has_evidence(pack: Pack, source: bytes, module=None) -> bool:
    """Does the file's code (not its comments or docstrings) name the pack's host or one of its classes?

    ``module``: LibCST's tree of ``source``, asked when CPython's parser cannot read it."""
    hosts, classes = _host_pattern(pack.scope_hosts), _class_pattern(pack.scope_classes)
    host_seen = hosts is not None and hosts.search(source) is not None
    class_seen = classes is not None and classes.search(source) is not None
    if not (host_seen or class_seen):
        return False
    tree = python_tree(source)
    if tree is None:
        return module is not None and _cst_evidence(
            module, frozenset(pack.scope_classes) if class_seen else frozenset(), hosts if host_seen else None
        )
    if class_seen and _names_in(tree, frozenset(pack.scope_classes)):
        return True
    return host_seen and _strings_in(tree, hosts)


class PackScope:
    """Which packs apply to one file (asked lazily, answered once per pack)."""

    def __init__(self, source: bytes, imports, module=None) -> None:
        self.source = source
        self.module = module  # LibCST's tree, for code CPython cannot read
        self._imports = imports  # Pack -> bool: does the file import the pack's SDK?
        self._known: dict[str, bool] = {}

    def applies(self, pack: Pack) -> bool:
        found = self._known.get(pack.name)
        if found is None:
            if "python" not in pack.languages:  # the JavaScript built-ins, an npm-only SDK
                found = False
            elif pack.is_language:
                found = True
            elif pack.modules:
                found = self._imports(pack)
            else:
                found = pack.everywhere or has_evidence(pack, self.source, self.module)
            self._known[pack.name] = found
        return found
