"""Dotted module name -> file, the way Python's path finder would find it: see :mod:`errlint.project`."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.machinery import EXTENSION_SUFFIXES

COMPILED = "<compiled>"  # a module that exists only as an extension module, with no stub: unknown


@dataclass(frozen=True)
class Found:
    path: str  # the file read for the module's facts ("" for a namespace package, COMPILED with no stub)
    is_package: bool


class ModuleFinder:
    """Dotted module name -> file, searched in ``roots`` the way Python's path finder searches ``sys.path``."""

    def __init__(self) -> None:
        self._memo: dict[tuple, Found | None] = {}

    def find(self, name: str, roots: tuple[str, ...]) -> Found | None:
        key = (name, roots)
        if key in self._memo:
            return self._memo[key]
        found = self._find(name, roots)
        self._memo[key] = found
        return found

    def _find(self, name: str, roots: tuple[str, ...]) -> Found | None:
        parts = name.split(".")
        if not all(p.isidentifier() for p in parts):
            return None
        paths: list[str] = list(roots)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            found: Found | None = None
            portions: list[str] = []
            for directory in paths:
                base = os.path.join(directory, part)
                init = os.path.join(base, "__init__.py")
                if os.path.isfile(init):
                    found = Found(init, True)
                    break
                if os.path.isfile(os.path.join(base, "__init__.pyi")) and _compiled(os.path.join(base, "__init__")):
                    found = Found(os.path.join(base, "__init__.pyi"), True)
                    break
                if _compiled(base):
                    stub = base + ".pyi"
                    found = Found(stub if os.path.isfile(stub) else COMPILED, False)
                    break
                if os.path.isfile(base + ".py"):
                    found = Found(base + ".py", False)
                    break
                if os.path.isdir(base):
                    portions.append(base)
            if found is None:
                if not portions:
                    return None
                if last:
                    return Found("", True)  # a namespace package: no module of its own
                paths = portions
                continue
            if last:
                return found
            if not found.is_package or found.path == COMPILED:
                return None  # a.b where a is a plain module: not something errlint follows
            paths = [os.path.dirname(found.path)]
        return None


def _compiled(base: str) -> bool:
    return any(os.path.isfile(base + suffix) for suffix in EXTENSION_SUFFIXES)


def roots_for(path: str, module_name: str, is_package: bool, src: Sequence[str] = ()) -> tuple[str, ...]:
    """Where imports of the file at ``path`` (module ``module_name``) are searched: the root above its
    package chain, then the configured ``src`` roots."""
    from ..paths import real_path

    p = os.path.abspath(path)
    real = real_path(p) if os.path.lexists(p) else p
    directory = os.path.dirname(real)
    depth = module_name.count(".") + (1 if is_package else 0)
    for _ in range(depth):
        directory = os.path.dirname(directory)
    out = [directory]
    for root in src:
        r = os.path.realpath(os.path.abspath(root))
        if r not in out:
            out.append(r)
    return tuple(out)
