"""``errlint packs extract``: a pack skeleton (TOML) from an installed package's static exception tree.

The skeleton is a valid pack (``tests/test_packs_cli.py`` loads it with
errlint's own reader): ``[sdk]`` from the distribution, one ``[errors."qualified
name"]`` table per exception class with its bases (``parent``), its public
import paths (``aliases``) and where it was read (``source``). What only the
SDK's docs can say is left for the author, as comments: each class's
``retry`` (and ``action``, ``status``), ``[clients]``, ``[[auto_retry]]``.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable

from ...packs.model import RETRY_POLICIES
from .tree import ExceptionClass, Package, StaticTree


def pack_name(package: Package) -> str:
    base = package.distribution or package.imports[0]
    return "".join(c if c.isalnum() else "_" for c in base).lower()


def _q(text: str) -> str:
    return json.dumps(text)  # a TOML basic string: JSON's escapes are TOML's


def _entries(classes: dict[str, ExceptionClass], tree: StaticTree, known: Callable[[str], str | None]) -> dict[str, ExceptionClass]:
    """The package's classes plus the ancestors from other packages that neither the interpreter's
    classes nor ``known`` (the bundled packs, less one this pack replaces) name, so that every
    parent resolves when the skeleton is loaded."""
    out = dict(classes)
    stack = list(classes.values())
    while stack:
        for b in stack.pop().bases:
            if b in out or tree.language.canonical(b) is not None or known(b) is not None:
                continue
            cls = tree.exception_class(b)
            if cls is not None:
                out[b] = cls
                stack.append(cls)
    return out


def _tree_order(entries: dict[str, ExceptionClass]) -> list[str]:
    """Parents before children, each class under its first parent in the package, in source order."""
    children: dict[str | None, list[str]] = {}
    for q, cls in entries.items():
        first = next((b for b in cls.bases if b in entries), None)
        children.setdefault(first, []).append(q)
    out: list[str] = []
    seen: set[str] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        q = stack.pop()
        if q in seen:
            continue
        seen.add(q)
        out.append(q)
        stack.extend(reversed(children.get(q, [])))
    out.extend(q for q in entries if q not in seen)  # a cycle in broken code: still listed
    return out


def render(package: Package, classes: dict[str, ExceptionClass], tree: StaticTree, known: Callable[[str], str | None]) -> str:
    """The skeleton of ``package``'s pack. ``known(name)`` is the name the bundled packs give a
    class of another package (``requests.exceptions.RequestException``), or None."""
    label = f"{package.distribution or package.imports[0]}" + (f" {package.version}" if package.version else "")
    entries = _entries(classes, tree, known)
    defined = Counter(c.module for c in classes.values())
    defined_in = defined.most_common(1)[0][0] if defined else package.imports[0]
    lines = [
        f"# A pack skeleton for {label}, read by `errlint packs extract {package.name}` from its installed",
        "# source (nothing was imported): every exception class whose name is not private, its bases",
        "# (parent) and its public import paths (aliases). Left for you, from the SDK's docs: each",
        "# class's retry (and action, status, codes), [clients] and [[auto_retry]] if the SDK retries by",
        "# itself (see docs/packs.md). Check it with `errlint packs check FILE`; load it with extend-packs",
        f"# (if errlint bundles a pack named \"{pack_name(package)}\", this one replaces it: `errlint --show-settings` says so).",
        "[sdk]",
        f"name = {_q(pack_name(package))}",
        f"modules = [{', '.join(_q(m) for m in package.imports)}]",
        f"defined_in = {_q(defined_in)}",
    ]
    if package.distribution:
        lines.append(f"package = {_q(package.distribution)}")
    if package.version:
        lines.append(f"version = {_q(package.version)}")
    lines.append(f"docs = {_q(f'{label}: installed source, read by errlint packs extract')}")
    policies = " | ".join(p for p in RETRY_POLICIES if p != "unspecified")
    for q in _tree_order(entries):
        cls = entries[q]
        lines.append("")
        lines.append(f"[errors.{_q(q)}]")
        parents = [p if p in entries else (tree.language.canonical(p) or known(p) or p) for p in cls.bases]
        lines.append(f"parent = {_q(parents[0])}" if len(parents) == 1 else f"parent = [{', '.join(_q(p) for p in parents)}]")
        if cls.public:
            lines.append(f"aliases = [{', '.join(_q(n) for n in cls.public)}]")
        for other in cls.other_bases:
            lines.append(f"# also derives from {other} (not an exception: not listed as a parent)")
        for other in cls.unresolved:
            lines.append(f"# also derives from {other}, which errlint cannot resolve statically")
        if q not in classes:
            lines.append(f"# from another package: an ancestor of {package.imports[0]}'s classes, listed so the skeleton loads")
        lines.append(f"# retry = \"unspecified\"  # {policies}")
        where = _relative(cls.file, package.roots)
        lines.append(f"source = {_q(f'{label}: {where}' if q in classes else where)}")
    return "\n".join(lines) + "\n"


def _relative(path: str, roots: tuple[str, ...]) -> str:
    for root in roots:
        if path.startswith(root.rstrip(os.sep) + os.sep):
            return os.path.relpath(path, root).replace(os.sep, "/")
    return path
